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

use super::jsonv::{get, not_a, str};
use super::wire::iso_ns;
use super::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Kind, Level, Observation, Payload, Trace, TraceSet, Usage};
use serde_json::{Map, Value};
use std::collections::HashMap;

// An item of `data`: `object` ("trace" or "trace.span"), `id`, `trace_id`, `parent_id`,
// `started_at`, `ended_at`, `span_data`, `error` (`message`, `data`); a trace's `workflow_name`,
// `group_id`, `metadata`. `span_data`: `type`, `name`, `input`, `output`, `model`,
// `model_config`, `usage`, `from_agent`, `to_agent`, `triggered`, and the rest kept as attributes.

/// The fields of `span_data` read into the observation; every other one is kept as an attribute.
const READ: [&str; 10] =
    ["type", "name", "input", "output", "model", "model_config", "usage", "from_agent", "to_agent", "triggered"];

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let doc: Value = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
    let Some(data) = doc.get("data").and_then(Value::as_array) else {
        let found = doc.get("data").unwrap_or(&doc);
        if found.is_object() || found.is_null() {
            let reason = "missing field `data`, a list of traces and spans".to_string();
            return Err(ImportError::Shape { format: format.label(), line: 1, column: 1, reason });
        }
        return Err(not_a(body, 0, format, found, "`{data: [trace | span…]}`"));
    };
    if let Some(bad) = data.iter().find(|i| !i.is_object()) {
        return Err(not_a(body, 0, format, bad, "a trace or a span"));
    }
    let mut set = TraceSet::default();
    let mut order: Vec<String> = Vec::new();
    let mut spans: HashMap<String, Vec<Observation>> = HashMap::new();
    let mut traces: HashMap<String, &Value> = HashMap::new();
    for item in data {
        let is_trace = str(item, &["object"]) == Some("trace");
        let trace_id = str(item, &[if is_trace { "id" } else { "trace_id" }]).unwrap_or_default().to_string();
        if !spans.contains_key(&trace_id) {
            order.push(trace_id.clone());
            spans.insert(trace_id.clone(), Vec::new());
        }
        if is_trace {
            traces.insert(trace_id, item);
        } else if let Some(list) = spans.get_mut(&trace_id) {
            list.push(observation(item));
        }
    }
    for id in order {
        let obs = spans.remove(&id).unwrap_or_default();
        let mut t = Trace::build(id.clone(), obs, file, &mut set.warnings);
        if let Some(head) = traces.remove(&id) {
            t.name = str(head, &["workflow_name"]).map(String::from);
            t.session_id = str(head, &["group_id"]).map(String::from);
            let metadata = get(head, &["metadata"]).and_then(Value::as_object);
            t.attributes = metadata.into_iter().flatten().map(|(k, v)| attribute(k, v)).collect();
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

fn observation(item: &Value) -> Observation {
    let start = iso_ns(str(item, &["started_at"])).unwrap_or(0);
    let data = get(item, &["span_data"]);
    let kind_name = data.and_then(|d| str(d, &["type"])).unwrap_or_default().to_string();
    let kind = match kind_name.as_str() {
        "agent" => Kind::Agent,
        "generation" | "response" => Kind::Generation,
        "function" | "handoff" | "mcp_tools" => Kind::Tool,
        "guardrail" => Kind::Guardrail,
        _ => Kind::Span,
    };
    let id = str(item, &["id"]).unwrap_or_default().to_string();
    let mut o = Observation::new(id, kind, kind_name.clone(), start);
    o.parent_id = str(item, &["parent_id"]).filter(|p| !p.is_empty()).map(String::from);
    o.end_ns = iso_ns(str(item, &["ended_at"]));
    if let Some(e) = get(item, &["error"]) {
        o.level = Level::Error;
        o.status_message = str(e, &["message"]).map(String::from);
        if let Some(d) = get(e, &["data"]) {
            o.attributes.push(Attribute { key: "error.data".into(), value: AttrValue::Json(Payload::from_value(d)) });
        }
    }
    let Some(d) = data else { return o };
    if let Some(name) = str(d, &["name"]) {
        o.name = name.to_string();
    }
    let payload = |key: &str| get(d, &[key]).map(Payload::from_value);
    o.input = payload("input");
    o.output = payload("output");
    o.model = str(d, &["model"]).map(crate::model::key::Key::new);
    o.model_parameters = payload("model_config");
    if let Some(u) = get(d, &["usage"]).and_then(Value::as_object) {
        o.usage = usage(u);
    }
    match kind_name.as_str() {
        "function" => o.tool_name = Some(o.name.clone()),
        "handoff" => {
            let to = str(d, &["to_agent"]);
            o.name = format!("handoff to {}", to.unwrap_or_default());
            o.input = str(d, &["from_agent"]).map(Payload::from_text);
            o.output = to.map(Payload::from_text);
            o.attributes.push(Attribute { key: "handoff".into(), value: AttrValue::Bool(true) });
        }
        "guardrail" => {
            let triggered = get(d, &["triggered"]).and_then(Value::as_bool).unwrap_or(false);
            if triggered && o.level == Level::Default {
                o.level = Level::Warning;
                o.status_message = Some("guardrail triggered".into());
            }
            o.attributes.push(Attribute { key: "triggered".into(), value: AttrValue::Bool(triggered) });
        }
        _ => {}
    }
    for (k, v) in d.as_object().into_iter().flatten() {
        if !v.is_null() && !READ.contains(&k.as_str()) {
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
