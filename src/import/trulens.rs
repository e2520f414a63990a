//! TruLens / Snowflake AI Observability event records: one span per record `{record,
//! record_attributes, record_type: "SPAN", resource_attributes, start_timestamp, timestamp,
//! trace: {trace_id, span_id, parent_id}}` (TruLens 1.x `ai.observability.*` attributes); one
//! record, a list, or one per line. Ids are decimal integers (→ hex) or TruLens' own text;
//! times are UTC without an offset.
//!
//! The `ai.observability.*` keys that say what the span is, its model, tokens, cost, input and
//! output are renamed to the OpenInference keys the attribute conventions read, so one mapper
//! serves every format; all other keys stay as written.

use super::jsonv::{get, str};
use super::sdk::{attrs, objects, traces, value};
use super::wire::iso_ns;
use super::{Format, ImportError};
use crate::model::{AttrValue, Attribute, Kind, Level, Observation, TraceSet};
use serde_json::Value;

/// `ai.observability.*` keys and the OpenInference keys that mean the same.
const RENAMED: [(&str, &str); 9] = [
    ("ai.observability.cost.model", "llm.model_name"),
    ("ai.observability.cost.num_prompt_tokens", "llm.token_count.prompt"),
    ("ai.observability.cost.num_completion_tokens", "llm.token_count.completion"),
    ("ai.observability.cost.num_tokens", "llm.token_count.total"),
    ("ai.observability.cost.cost", "llm.cost.total"),
    ("ai.observability.record_root.input", "input.value"),
    ("ai.observability.record_root.output", "output.value"),
    ("ai.observability.retrieval.query_text", "input.value"),
    ("ai.observability.call.return", "output.value"),
];

/// An id as written: a decimal integer as lowercase hex (`width` digits), anything else as it is.
fn id(raw: Option<&str>, width: usize) -> Option<String> {
    let t = raw?.trim();
    if t.is_empty() {
        return None;
    }
    Some(match t.parse::<u128>() {
        Ok(n) => format!("{n:0width$x}"),
        Err(_) => t.to_string(),
    })
}

/// `ai.observability.span_type` as the OpenInference span kind.
fn kind(span_type: &str) -> Option<&'static str> {
    Some(match span_type {
        "record_root" => "CHAIN",
        "generation" => "LLM",
        "retrieval" => "RETRIEVER",
        "reranking" => "RERANKER",
        "tool" | "tool_invocation" => "TOOL",
        "agent" | "agent_invocation" => "AGENT",
        "eval_root" | "eval" => "EVALUATOR",
        "embedding" => "EMBEDDING",
        "workflow_step" | "graph_node" | "graph_task" => "CHAIN",
        _ => return None,
    })
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let records = objects(body, format)?;
    Ok(traces(file, records.iter().map(observation).collect()))
}

fn observation(r: &Value) -> (String, Observation) {
    let ctx = get(r, &["trace"]);
    let ctx_str = |key: &str| ctx.and_then(|c| str(c, &[key]));
    let span = get(r, &["record"]);
    let span_id = id(ctx_str("span_id"), 16).or_else(|| str(r, &["event_id"]).map(str::to_string)).unwrap_or_default();
    // an evaluation root carries no trace id: it is a trace of its own
    let trace_id = id(ctx_str("trace_id"), 32).unwrap_or_else(|| span_id.clone());
    let start = iso_ns(str(r, &["start_timestamp"]));
    let name = span.and_then(|s| str(s, &["name"])).unwrap_or_default().to_string();
    let mut o = Observation::new(span_id, Kind::Span, name, start.unwrap_or(0));
    o.end_ns = iso_ns(str(r, &["timestamp"]));
    o.parent_id = id(ctx_str("parent_id"), 16).or_else(|| id(span.and_then(|s| str(s, &["parent_span_id"])), 16));
    o.attributes = attrs(r, &["record_attributes"]);
    let span_type = o.attribute("ai.observability.span_type").and_then(AttrValue::as_str).and_then(kind);
    for a in o.attributes.iter_mut() {
        if let Some((_, to)) = RENAMED.iter().find(|(from, _)| a.key == *from) {
            a.key = (*to).into();
        }
    }
    if let Some(k) = span_type {
        o.attributes.push(Attribute { key: "openinference.span.kind".into(), value: AttrValue::Str(k.into()) });
    }
    documents(&mut o.attributes);
    let service = attrs(r, &["resource_attributes"]).into_iter().find(|a| a.key == "service.name");
    o.attributes.extend(service);
    if let Some(k) = span.and_then(|s| get(s, &["kind"])).map(value) {
        o.attributes.push(Attribute { key: "trulens.record.kind".into(), value: k });
    }
    let status = span.and_then(|s| get(s, &["status"])).map(value).map(|s| s.display()).unwrap_or_default();
    if status.to_ascii_uppercase().ends_with("ERROR") {
        o.level = Level::Error;
    }
    if o.attribute("ai.observability.error").is_some() {
        o.level = Level::Error;
        o.status_message = o.attribute("ai.observability.error").map(AttrValue::display);
    }
    (trace_id, o)
}

/// `retrieval.retrieved_contexts` (a list, or a list written as JSON text) as OpenInference
/// documents; the list itself stays as it was written when it is neither.
fn documents(attrs: &mut Vec<Attribute>) {
    let Some(at) = attrs.iter().position(|a| a.key == "ai.observability.retrieval.retrieved_contexts") else {
        return;
    };
    let texts: Option<Vec<String>> = match &attrs[at].value {
        AttrValue::Array(items) => Some(items.iter().map(AttrValue::display).collect()),
        AttrValue::Str(s) if s.trim_start().starts_with('[') => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(items)) => items.iter().map(|i| i.as_str().map(str::to_string)).collect(),
            _ => None,
        },
        _ => None,
    };
    let Some(texts) = texts else { return };
    attrs.remove(at);
    for (i, text) in texts.into_iter().enumerate() {
        let key = format!("retrieval.documents.{i}.document.content");
        attrs.push(Attribute { key: key.into(), value: AttrValue::Str(text) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_times_as_trulens_writes_them() {
        assert_eq!(id(Some("12203920175536650289"), 16).as_deref(), Some("a95d08bd9215b831"));
        assert_eq!(id(Some("5107167242136132510_EVAL_SPAN_1"), 16).as_deref(), Some("5107167242136132510_EVAL_SPAN_1"));
        assert_eq!(id(Some(""), 16), None);
        // no offset: UTC, as Snowflake's event table stores it
        assert_eq!(iso_ns(Some("1970-01-01 00:00:01.000002")), Some(1_000_002_000));
    }
}
