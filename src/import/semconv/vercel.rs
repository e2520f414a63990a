//! Vercel AI SDK `ai.*` telemetry: checked against
//! [AI SDK 4 telemetry](https://ai-sdk.dev/v4/docs/ai-sdk-core/telemetry) (the names 3.3 to 4 write:
//! `ai.usage.promptTokens`, `ai.toolCall.args`); AI SDK 6 also writes the GenAI keys, which
//! `genai` reads.
//!
//! | key | becomes |
//! |---|---|
//! | `ai.operationId` (`ai.generateText.doGenerate`, `….doStream`, `ai.toolCall`, `ai.embed…`) | kind |
//! | `ai.model.id` | model |
//! | `ai.usage.promptTokens`, `ai.usage.completionTokens` | usage: input, output |
//! | `ai.prompt.messages`, else `ai.prompt` | input |
//! | `ai.response.text` | output |
//! | `ai.toolCall.args`, `ai.toolCall.result` | input, output of a tool |
//! | `ai.toolCall.name` | tool name |

use super::found::{Field, Found, Input, KindOperation, Model, Output, Tokens, ToolName};
use super::span::{Span, VERCEL};
use crate::model::Kind;

/// The attributes read whole, and the field each is offered to.
const KEYS: [(&str, Field); 10] = [
    ("ai.operationId", Field::KindOperation(KindOperation::Vercel, kind_of)),
    ("ai.model.id", Field::Model(Model::Vercel)),
    ("ai.usage.promptTokens", Field::InputTokens(Tokens::Vercel)),
    ("ai.usage.completionTokens", Field::OutputTokens(Tokens::Vercel)),
    ("ai.prompt.messages", Field::Input(Input::VercelMessages)),
    ("ai.prompt", Field::Input(Input::VercelPrompt)),
    ("ai.toolCall.args", Field::Input(Input::VercelToolArguments)),
    ("ai.response.text", Field::Output(Output::VercelText)),
    ("ai.toolCall.result", Field::Output(Output::VercelToolResult)),
    ("ai.toolCall.name", Field::ToolName(ToolName::Vercel)),
];

pub(super) fn read(s: &Span, f: &mut Found) {
    if s.has_prefix(VERCEL) {
        f.offer_keys(s, &KEYS);
    }
}

/// The kind of an `ai.operationId`.
fn kind_of(op: &str) -> Option<Kind> {
    if op.ends_with(".doGenerate") || op.ends_with(".doStream") {
        Some(Kind::Generation)
    } else if op == "ai.toolCall" {
        Some(Kind::Tool)
    } else if op.starts_with("ai.embed") {
        Some(Kind::Embedding)
    } else {
        None
    }
}
