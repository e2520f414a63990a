//! The one rule every one-line preview follows: an input reads as the last thing the user said,
//! an output as the last thing the assistant said, whatever holds them (a message list, an
//! agent's state, a framework's run result, plain text); a trace's, from its root, else from its
//! model calls.

use super::{extract, is_message_like, Message};
use crate::model::{Decoded, Kind, Observation, Payload, Trace};
use serde_json::Value;

/// Which side of a step a preview reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The question: the last user message.
    Input,
    /// The answer: the last assistant message's text.
    Output,
}

/// What a payload says on `side`: text as it is; messages or a state holding them by their last
/// user (input) or assistant (output) text; a framework's own field for it. `None` for an empty
/// payload or a value of no shape known here.
pub fn said(p: &Payload, side: Side) -> Option<String> {
    let text = match p.decode() {
        Decoded::Text(t) => t,
        Decoded::Json(v) => value_said(&v, side)?,
    };
    (!text.trim().is_empty()).then_some(text)
}

fn value_said(v: &Value, side: Side) -> Option<String> {
    // a framework's own field first: CrewAI's `raw` (task and crew outputs), the Agents SDK's
    // `final_output`, smolagents' `task`, a chain's `input`/`output` text; not on a message
    // (smolagents' model output is a message with the provider's reply dumped as its `raw`)
    let keys: &[&str] = match side {
        _ if is_message_like(v) => &[],
        Side::Input => &["input", "task", "question", "query", "prompt"],
        Side::Output => &["raw", "final_output", "output", "answer"],
    };
    if let Some(s) = keys.iter().find_map(|k| v.get(*k)?.as_str()) {
        return Some(s.to_string());
    }
    let role = if side == Side::Input { "user" } else { "assistant" };
    extract(v)?.iter().rev().filter(|m| m.role == role).map(Message::text).find(|t| !t.trim().is_empty())
}

/// What a trace says on `side`: its own payload, else its roots' (the first that says something
/// for the question, the last for the answer: smolagents leaves orphaned steps beside its run),
/// else the first model call's question or the last model call's answer (agents whose root
/// records neither: the OpenAI Agents SDK, Pydantic AI, the Vercel AI SDK), else the payload's
/// text as it is.
pub fn trace_said(t: &Trace, side: Side) -> Option<String> {
    let own = match side {
        Side::Input => t.input.as_ref(),
        Side::Output => t.output.as_ref(),
    };
    if let Some(s) = own.and_then(|p| said(p, side)) {
        return Some(s);
    }
    let roots = t.tree.roots.iter().filter_map(|&i| t.observations.get(i as usize));
    let calls =
        t.tree.preorder.iter().filter_map(|&i| t.observations.get(i as usize)).filter(|o| o.kind == Kind::Generation);
    let found = match side {
        Side::Input => roots.chain(calls).find_map(|o| said(payload(o, side)?, side)),
        Side::Output => roots.rev().chain(calls.rev()).find_map(|o| said(payload(o, side)?, side)),
    };
    let shown = match side {
        Side::Input => t.input_payload(),
        Side::Output => t.output_payload(),
    };
    found.or_else(|| shown.filter(|p| !p.is_empty_value()).map(Payload::as_text))
}

fn payload(o: &Observation, side: Side) -> Option<&Payload> {
    match side {
        Side::Input => o.input.as_ref(),
        Side::Output => o.output.as_ref(),
    }
}
