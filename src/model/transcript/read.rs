//! How the transcript reads an observation: its messages, errors and retrieved documents, and
//! when two messages are the same turn resent.

use super::Doc;
use crate::model::messages::{extract, Message, Part};
use crate::model::{Decoded, Level, Observation, Payload};

/// What went wrong on an observation: its status message, else an exception event's message.
pub(super) fn error_of(o: &Observation) -> Option<String> {
    let exception = o.events.iter().find(|e| e.is_exception());
    if o.level != Level::Error && exception.is_none() {
        return None;
    }
    let from_event = exception.and_then(|e| {
        let attr = |k: &str| e.attributes.iter().find(|a| a.key == k).and_then(|a| a.value.as_str());
        match (attr("exception.type"), attr("exception.message")) {
            (Some(ty), Some(m)) => Some(format!("{ty}: {m}")),
            (None, Some(m)) => Some(m.to_string()),
            (Some(ty), None) => Some(ty.to_string()),
            (None, None) => None,
        }
    });
    let message = o.status_message.clone().filter(|m| !m.trim().is_empty()).or(from_event);
    Some(message.unwrap_or_else(|| "error".to_string()))
}

/// A payload read as messages: a chat message list, or plain text as one message of `role`.
pub(super) fn messages_of(p: Option<&Payload>, role: &str) -> Option<Vec<Message>> {
    match p?.decode() {
        Decoded::Json(v) => extract(&v),
        Decoded::Text(s) if !s.trim().is_empty() => {
            Some(vec![Message { role: role.to_string(), parts: vec![Part::Text(s)], ..Default::default() }])
        }
        Decoded::Text(_) => None,
    }
}

/// Two messages are the same turn when their role, text, tool calls and results agree
/// (reasoning and names are left out: SDKs drop or rename them when resending a history).
pub(super) fn same(a: &Message, b: &Message) -> bool {
    fn key(p: &Part) -> Option<(&str, &str)> {
        match p {
            Part::Text(t) => Some(("t", t.as_str())),
            Part::ToolCall(c) => Some(("c", c.id.as_deref().unwrap_or(c.name.as_str()))),
            Part::ToolResult { call_id, content } => Some(("r", call_id.as_deref().unwrap_or(content.as_str()))),
            Part::Image(u) => Some(("i", u.as_str())),
            Part::Reasoning(_) | Part::Other(_) => None,
        }
    }
    a.role == b.role
        && a.tool_call_id == b.tool_call_id
        && a.parts.iter().filter_map(key).eq(b.parts.iter().filter_map(key))
}

/// The call ids a message answers.
pub(super) fn answered(m: &Message) -> Vec<&str> {
    let mut ids: Vec<&str> = m
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::ToolResult { call_id: Some(c), .. } => Some(c.as_str()),
            _ => None,
        })
        .collect();
    if let Some(c) = m.tool_call_id.as_deref().filter(|c| !ids.contains(c)) {
        ids.push(c);
    }
    ids
}

pub(super) fn result_text(m: &Message, id: &str) -> String {
    m.parts
        .iter()
        .find_map(|p| match p {
            Part::ToolResult { call_id: Some(c), content } if c == id => Some(content.clone()),
            _ => None,
        })
        .unwrap_or_else(|| m.text())
}

/// Documents a retriever returned as its output (Langfuse, LangChain): a list of objects with
/// an id and a text, or `{documents: [...]}`.
pub(super) fn docs_from_output(p: Option<&Payload>) -> Vec<Doc> {
    let Some(Decoded::Json(v)) = p.map(Payload::decode) else { return Vec::new() };
    let list = v.get("documents").unwrap_or(&v);
    let Some(items) = list.as_array() else { return Vec::new() };
    let s = |d: &serde_json::Value, keys: &[&str]| keys.iter().find_map(|k| d.get(*k)?.as_str().map(str::to_string));
    items
        .iter()
        .filter(|d| d.is_object())
        .enumerate()
        .map(|(k, d)| Doc {
            rank: k + 1,
            score: d.get("score").and_then(serde_json::Value::as_f64),
            id: s(d, &["id", "doc_id"]),
            content: s(d, &["content", "text", "page_content"]),
        })
        .collect()
}

/// A tool's output as text: the content of the tool message when the SDK recorded one
/// (LangChain's `ToolMessage`), else the payload as it is.
pub(super) fn tool_output(p: &Payload) -> String {
    if let Decoded::Json(v) = p.decode() {
        // LangChain's message dump {type: "tool", data: {content, tool_call_id…}} is one of these
        if let Some([m]) = extract(&v).as_deref() {
            let content = m.parts.iter().find_map(|x| match x {
                Part::ToolResult { content, .. } => Some(content.clone()),
                _ => None,
            });
            if m.role == "tool" {
                return content.unwrap_or_else(|| m.text());
            }
        }
    }
    p.as_text()
}
