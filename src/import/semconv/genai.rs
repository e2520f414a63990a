//! OpenTelemetry GenAI: checked against
//! [OTel GenAI semconv 1.38.0](https://github.com/open-telemetry/semantic-conventions/blob/v1.38.0/docs/gen-ai/gen-ai-spans.md)
//! (messages as `gen_ai.input.messages`/`gen_ai.output.messages`, tool calls' arguments and
//! results), and the forms of 1.36.0 and before that instrumentations still write: messages as
//! [span events](https://github.com/open-telemetry/semantic-conventions/blob/v1.36.0/docs/gen-ai/gen-ai-events.md),
//! `gen_ai.prompt.*`/`gen_ai.completion.*` flattened lists, `prompt_tokens`/`completion_tokens`.
//!
//! | key | becomes |
//! |---|---|
//! | `gen_ai.operation.name` (`chat`, `embeddings`, `execute_tool`, `invoke_agent`, ADK's `invoke_workflow`…) | kind |
//! | `gen_ai.response.model`, else `gen_ai.request.model` | model |
//! | `gen_ai.usage.input_tokens` (else `prompt_tokens`), `output_tokens` (else `completion_tokens`), `total_tokens` | usage: input, output, total |
//! | `gen_ai.usage.*` (any other count) | usage details |
//! | `gen_ai.usage.cost` | cost total |
//! | `gen_ai.prompt.*`, `gen_ai.completion.*` (flattened) | input, output (messages) |
//! | `gen_ai.input.messages`, `gen_ai.output.messages` | input, output |
//! | `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result` | input, output of a tool |
//! | `gen_ai.prompt`, `gen_ai.completion` | input, output (text) |
//! | events `gen_ai.{system,user,assistant,tool}.message`, `gen_ai.choice`, `gen_ai.content.{prompt,completion}` | input, output (messages) |
//! | `gen_ai.request.*` (but `model`) | model parameters |
//! | `gen_ai.tool.name` | tool name |
//! | `gen_ai.conversation.id` | the trace's session |
//! | `enduser.id` (OpenTelemetry's general attribute) | the trace's user |

use super::found::{
    CostTotal, Field, Found, Input, KindOperation, Model, Output, Parameters, SessionId, Source, Tokens, ToolName,
    UserId,
};
use super::span::{Span, GEN_AI};
use super::tree::{GENAI_COMPLETION, GENAI_PROMPT};
use super::values::attr_json;
use crate::model::{Event, Kind, Payload};
use serde_json::{Map, Value};

/// The attributes read whole, and the field each is offered to.
const KEYS: [(&str, Field); 17] = [
    ("gen_ai.operation.name", Field::KindOperation(KindOperation::GenAi, kind_of)),
    ("gen_ai.response.model", Field::Model(Model::GenAiResponse)),
    ("gen_ai.request.model", Field::Model(Model::GenAiRequest)),
    ("gen_ai.usage.input_tokens", Field::InputTokens(Tokens::GenAi)),
    ("gen_ai.usage.prompt_tokens", Field::InputTokens(Tokens::GenAiDeprecated)),
    ("gen_ai.usage.output_tokens", Field::OutputTokens(Tokens::GenAi)),
    ("gen_ai.usage.completion_tokens", Field::OutputTokens(Tokens::GenAiDeprecated)),
    ("gen_ai.usage.total_tokens", Field::TotalTokens(Tokens::GenAi)),
    ("gen_ai.usage.cost", Field::CostTotal(CostTotal::GenAi)),
    ("gen_ai.input.messages", Field::Input(Input::GenAiMessages)),
    ("gen_ai.tool.call.arguments", Field::Input(Input::GenAiToolArguments)),
    ("gen_ai.prompt", Field::Input(Input::GenAiPrompt)),
    ("gen_ai.output.messages", Field::Output(Output::GenAiMessages)),
    ("gen_ai.tool.call.result", Field::Output(Output::GenAiToolResult)),
    ("gen_ai.completion", Field::Output(Output::GenAiCompletion)),
    ("gen_ai.tool.name", Field::ToolName(ToolName::GenAi)),
    ("gen_ai.conversation.id", Field::SessionId(SessionId::GenAi)),
];

/// `gen_ai.usage.*` keys that are not details.
const USAGE_FIELDS: [&str; 6] =
    ["input_tokens", "output_tokens", "prompt_tokens", "completion_tokens", "total_tokens", "cost"];

pub(super) fn read(s: &Span, f: &mut Found) {
    if s.has_prefix(GEN_AI) {
        f.offer_keys(s, &KEYS);
    }
    f.user_id.offer(UserId::EndUser as usize, s.find("enduser.id"));
    f.input.offer(Input::GenAiPromptList as usize, Some(Source::Tree(GENAI_PROMPT)));
    f.output.offer(Output::GenAiCompletionList as usize, Some(Source::Tree(GENAI_COMPLETION)));
    // Older GenAI instrumentations record messages as span events instead of attributes.
    let (input, output) = messages_from_events(s.events);
    f.input.offer(Input::GenAiEvents as usize, input.is_some().then_some(Source::Made(0)));
    f.output.offer(Output::GenAiEvents as usize, output.is_some().then_some(Source::Made(1)));
    f.made = [input, output];
    f.parameters.offer(Parameters::GenAi as usize, Some(Source::Lazy(request_parameters)));
    // (most keys do not start with the prefix's first byte)
    for (i, a) in s.attrs.iter().enumerate().filter(|(_, a)| a.key.as_bytes().first() == Some(&b'g')) {
        let detail = a.key.strip_prefix("gen_ai.usage.").filter(|k| !USAGE_FIELDS.contains(k));
        if let (Some(k), Some(n)) = (detail, a.value.as_u64()) {
            f.usage_details.push((i, k.to_string(), n));
        }
    }
}

/// `gen_ai.request.*` but the model, as one object.
fn request_parameters(s: &Span) -> Option<Payload> {
    let mut m = Map::new();
    for a in s.attrs {
        if let Some(k) = a.key.strip_prefix("gen_ai.request.") {
            if k != "model" {
                m.insert(k.to_string(), attr_json(&a.value));
            }
        }
    }
    (!m.is_empty()).then(|| Payload::from_value(&Value::Object(m)))
}

/// Messages from GenAI span events: `gen_ai.{system,user,assistant,tool}.message` and
/// `gen_ai.choice` (role and content in the event's attributes), and the older
/// `gen_ai.content.prompt`/`gen_ai.content.completion` events carrying `gen_ai.prompt`/`gen_ai.completion`.
fn messages_from_events(events: &[Event]) -> (Option<Payload>, Option<Payload>) {
    let mut input = Vec::new();
    let mut output = Vec::new();
    let mut raw_in = None;
    let mut raw_out = None;
    for e in events {
        let get = |k: &str| e.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
        let role = match e.name.as_str() {
            "gen_ai.system.message" => "system",
            "gen_ai.user.message" => "user",
            "gen_ai.assistant.message" => "assistant",
            "gen_ai.tool.message" => "tool",
            "gen_ai.choice" => {
                let content = get("message").or_else(|| get("gen_ai.event.content")).or_else(|| get("content"));
                if let Some(c) = content {
                    output.push(event_message("assistant", &c));
                }
                continue;
            }
            "gen_ai.content.prompt" => {
                raw_in = raw_in.or_else(|| get("gen_ai.prompt"));
                continue;
            }
            "gen_ai.content.completion" => {
                raw_out = raw_out.or_else(|| get("gen_ai.completion"));
                continue;
            }
            _ => continue,
        };
        if let Some(c) = get("content").or_else(|| get("gen_ai.event.content")) {
            input.push(event_message(role, &c));
        }
    }
    let pack = |msgs: Vec<Value>, raw: Option<String>| {
        if !msgs.is_empty() {
            Some(Payload::from_value(&Value::Array(msgs)))
        } else {
            raw.map(|r| Payload::from_text(&r))
        }
    };
    (pack(input, raw_in), pack(output, raw_out))
}

/// One message from an event's content, which may itself be JSON (`{"role":…, "content":…}`).
fn event_message(role: &str, content: &str) -> Value {
    match serde_json::from_str::<Value>(content) {
        Ok(Value::Object(mut m)) => {
            m.entry("role").or_insert_with(|| Value::from(role));
            Value::Object(m)
        }
        _ => {
            let mut m = Map::new();
            m.insert("role".into(), Value::from(role));
            m.insert("content".into(), Value::from(content));
            Value::Object(m)
        }
    }
}

/// The kind of a `gen_ai.operation.name`.
fn kind_of(op: &str) -> Option<Kind> {
    Some(match op {
        "chat" | "text_completion" | "generate_content" | "completion" => Kind::Generation,
        "embeddings" | "embedding" => Kind::Embedding,
        "execute_tool" => Kind::Tool,
        "invoke_agent" | "create_agent" => Kind::Agent,
        // (Google ADK 2 names its runs so; not in semconv 1.38)
        "invoke_workflow" => Kind::Chain,
        _ => return None,
    })
}
