//! The OpenAI Agents SDK's own trace export: the bodies its `BackendSpanExporter` posts to
//! `/v1/traces/ingest`, `{data: [trace | trace.span]}`, checked against `agents/tracing/span_data.py`
//! of `openai-agents` 0.24.0 and a real capture (`scripts/realdata/openai_agents.py`).
//!
//! | `span_data.type` | becomes |
//! |---|---|
//! | `agent` (`name`, `handoffs`, `tools`, `output_type`) | kind agent, the rest as attributes |
//! | `generation` (`input`, `output`, `model`, `model_config`, `usage`) | kind generation: messages, model, parameters, usage |
//! | `response` (`response_id`, `usage`) | kind generation |
//! | `function` (`name`, `input`, `output`) | kind tool |
//! | `handoff` (`from_agent`, `to_agent`) | kind tool named `handoff to …`, attribute `handoff` = true (as OpenInference names it) |
//! | `guardrail` (`name`, `triggered`) | kind guardrail; a triggered one is a warning |
//! | `custom` (`name`, `data`: `turn` and `task` repeat their generations' usage) | a span, `data` kept as an attribute, never counted |
//!
//! A trace's `workflow_name` names it, `group_id` is its session, `metadata` its attributes;
//! a span's `error` makes it an error with its message.

use super::wire::iso_ns;
use super::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Kind, Level, Observation, Payload, Trace, TraceSet, Usage};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Deserialize)]
struct Body {
    data: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    object: Option<String>,
    id: Option<String>,
    trace_id: Option<String>,
    parent_id: Option<String>,
    started_at: Option<String>,
    ended_at: Option<String>,
    span_data: Option<SpanData>,
    error: Option<SpanError>,
    workflow_name: Option<String>,
    group_id: Option<String>,
    metadata: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct SpanError {
    message: Option<String>,
    data: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct SpanData {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    input: Option<Box<RawValue>>,
    output: Option<Box<RawValue>>,
    model: Option<String>,
    model_config: Option<Box<RawValue>>,
    usage: Option<Map<String, Value>>,
    from_agent: Option<String>,
    to_agent: Option<String>,
    triggered: Option<bool>,
    /// Everything else (`handoffs`, `tools`, `response_id`, a custom span's `data`…), kept.
    #[serde(flatten)]
    rest: Map<String, Value>,
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let body: Body = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
    let mut set = TraceSet::default();
    let mut order: Vec<String> = Vec::new();
    let mut spans: HashMap<String, Vec<Observation>> = HashMap::new();
    let mut traces: HashMap<String, Item> = HashMap::new();
    for item in body.data {
        let trace_id = match item.object.as_deref() {
            Some("trace") => item.id.clone(),
            _ => item.trace_id.clone(),
        }
        .unwrap_or_default();
        if !spans.contains_key(&trace_id) {
            order.push(trace_id.clone());
            spans.insert(trace_id.clone(), Vec::new());
        }
        if item.object.as_deref() == Some("trace") {
            traces.insert(trace_id, item);
        } else if let Some(list) = spans.get_mut(&trace_id) {
            list.push(observation(item));
        }
    }
    for id in order {
        let obs = spans.remove(&id).unwrap_or_default();
        let mut t = Trace::build(id.clone(), obs, file, &mut set.warnings);
        if let Some(head) = traces.remove(&id) {
            t.name = head.workflow_name;
            t.session_id = head.group_id;
            t.attributes = head.metadata.unwrap_or_default().into_iter().map(|(k, v)| attribute(&k, &v)).collect();
        }
        set.traces.push(t);
    }
    Ok(set)
}

fn attribute(key: &str, v: &Value) -> Attribute {
    let value = match v {
        Value::String(s) => AttrValue::Str(s.clone()),
        other => AttrValue::Json(Payload::from_value(other)),
    };
    Attribute { key: key.into(), value }
}

fn observation(item: Item) -> Observation {
    let start = iso_ns(item.started_at.as_deref()).unwrap_or(0);
    let data = item.span_data;
    let kind_name = data.as_ref().and_then(|d| d.kind.clone()).unwrap_or_default();
    let kind = match kind_name.as_str() {
        "agent" => Kind::Agent,
        "generation" | "response" => Kind::Generation,
        "function" | "handoff" | "mcp_tools" => Kind::Tool,
        "guardrail" => Kind::Guardrail,
        _ => Kind::Span,
    };
    let mut o = Observation::new(item.id.unwrap_or_default(), kind, kind_name.clone(), start);
    o.parent_id = item.parent_id.filter(|p| !p.is_empty());
    o.end_ns = iso_ns(item.ended_at.as_deref());
    if let Some(e) = item.error {
        o.level = Level::Error;
        o.status_message = e.message;
        if let Some(d) = e.data {
            o.attributes.push(Attribute { key: "error.data".into(), value: AttrValue::Json(Payload::from_raw(d)) });
        }
    }
    let Some(d) = data else { return o };
    if let Some(name) = d.name {
        o.name = name;
    }
    let raw = |r: Box<RawValue>| Payload::from_raw(r);
    o.input = d.input.map(raw);
    o.output = d.output.map(raw);
    o.model = d.model.as_deref().map(crate::model::key::Key::new);
    o.model_parameters = d.model_config.map(raw);
    if let Some(u) = d.usage {
        o.usage = usage(&u);
    }
    match kind_name.as_str() {
        "function" => o.tool_name = Some(o.name.clone()),
        "handoff" => {
            let to = d.to_agent.clone().unwrap_or_default();
            o.name = format!("handoff to {to}");
            o.input = d.from_agent.as_deref().map(Payload::from_text);
            o.output = d.to_agent.as_deref().map(Payload::from_text);
            o.attributes.push(Attribute { key: "handoff".into(), value: AttrValue::Bool(true) });
        }
        "guardrail" => {
            let triggered = d.triggered.unwrap_or(false);
            if triggered && o.level == Level::Default {
                o.level = Level::Warning;
                o.status_message = Some("guardrail triggered".into());
            }
            o.attributes.push(Attribute { key: "triggered".into(), value: AttrValue::Bool(triggered) });
        }
        _ => {}
    }
    for (k, v) in &d.rest {
        if !v.is_null() {
            o.attributes.push(attribute(k, v));
        }
    }
    o
}

/// A generation's or response's usage (`input_tokens`/`output_tokens`, or the chat names).
fn usage(u: &Map<String, Value>) -> Usage {
    let n = |keys: &[&str]| keys.iter().find_map(|k| u.get(*k).and_then(Value::as_u64));
    let mut usage = Usage {
        input: n(&["input_tokens", "prompt_tokens"]),
        output: n(&["output_tokens", "completion_tokens"]),
        total: n(&["total_tokens"]),
        details: Vec::new(),
    };
    for (k, v) in u {
        // (`requests` counts calls, not tokens)
        let known = ["input_tokens", "prompt_tokens", "output_tokens", "completion_tokens", "total_tokens", "requests"];
        if let (false, Some(x)) = (known.contains(&k.as_str()), v.as_u64()) {
            usage.details.push((k.clone(), x));
        }
    }
    usage
}
