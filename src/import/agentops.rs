//! AgentOps' API answers for reading traces, as its server writes them (AgentOps-AI/agentops,
//! commit a855a92dfaa7fd4423f9a68b1ba0295a3a72da80, `app/api/agentops/public/v1/traces.py`,
//! `spans.py`, `app/api/agentops/api/routes/v4/traces/responses.py`):
//! - `GET /public/v1/traces/{trace_id}`: `{trace_id, project_id, tags, spans: [{span_id,
//!   parent_span_id, span_name, span_kind, start_time, end_time, duration, status_code,
//!   status_message}]}`, spans without their attributes;
//! - `GET /public/v1/spans/{span_id}`: one span with `service_name`, `attributes`,
//!   `resource_attributes`, `span_attributes` (and no trace id: it joins a trace named by the file);
//! - `GET /v4/traces/detail/{trace_id}` (what the dashboard reads): the trace with `metrics` and
//!   its spans whole, `span_attributes`, `span_type`, `event_*`, `link_*`, `metrics` each.
//!
//! One answer, a list of them, or one a line. The rows are the ClickHouse exporter's `otel_traces`
//! (a Map of strings), so `"12"` is twelve tokens; attribute maps come nested by the dots of their
//! keys (`otel_attributes_to_nested`: `{"gen_ai": {"prompt": [{"role": …}]}}`) and are flattened
//! back to the keys the SDK wrote (`gen_ai.prompt.0.role`) for the attribute conventions.

use super::jsonv::{self, as_int, get, list, str};
use super::sdk::{self, objects, value};
use super::wire::{is_blank_id, iso_ns, normalize_id};
use super::{Format, ImportError};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, TraceSet};
use serde_json::Value;

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let mut spans = Vec::new();
    let mut tags: Vec<(String, Vec<String>)> = Vec::new();
    for doc in objects(body, format)? {
        match get(&doc, &["spans"]) {
            Some(Value::Array(items)) => {
                let trace_id = id(str(&doc, &["trace_id"])).unwrap_or_else(|| file.to_string());
                for s in items.iter().filter(|s| !s.is_null()) {
                    if !s.is_object() {
                        return Err(jsonv::wrong_shape(format, "a span", s));
                    }
                    spans.push((trace_id.clone(), observation(s)));
                }
                let named: Vec<String> =
                    list(&doc, &["tags"]).iter().filter_map(Value::as_str).map(str::to_string).collect();
                tags.push((trace_id, named));
            }
            Some(other) => return Err(jsonv::wrong_shape(format, "a list of spans", other)),
            None if get(&doc, &["span_id"]).is_some() => spans.push((file.to_string(), observation(&doc))),
            None => {
                return Err(jsonv::wrong_shape(format, "a trace (`trace_id`, `spans`) or a span (`span_id`)", &doc))
            }
        }
    }
    if spans.is_empty() {
        return Err(ImportError::NoTraces(format.label()));
    }
    let mut set = sdk::traces(file, spans);
    for (trace_id, named) in tags {
        if let Some(t) = set.traces.iter_mut().find(|t| t.id == trace_id) {
            for tag in named {
                if !t.tags.contains(&tag) {
                    t.tags.push(tag);
                }
            }
        }
    }
    Ok(set)
}

fn id(raw: Option<&str>) -> Option<String> {
    raw.filter(|s| !is_blank_id(s)).map(normalize_id)
}

fn str_attr(key: &str, v: &str) -> Attribute {
    Attribute { key: key.into(), value: AttrValue::Str(v.to_string()) }
}

fn observation(s: &Value) -> Observation {
    let text = |k: &str| str(s, &[k]).filter(|t| !t.is_empty());
    let start = iso_ns(text("start_time"));
    let span_id = id(text("span_id")).unwrap_or_default();
    let mut o = Observation::new(span_id, Kind::Span, text("span_name").unwrap_or_default(), start.unwrap_or(0));
    // the duration is the row's own, in ns; `end_time` is rounded to µs by Python's datetime
    let duration = get(s, &["duration"]).and_then(as_int).and_then(|d| i64::try_from(d).ok());
    o.end_ns = start.zip(duration).and_then(|(t, d)| t.checked_add(d)).or_else(|| iso_ns(text("end_time")));
    o.parent_id = id(text("parent_span_id"));
    let mut attrs = Vec::new();
    for key in ["span_attributes", "attributes"] {
        flatten(get(s, &[key]), &mut attrs);
    }
    if let Some(k) = text("span_kind").and_then(sdk::span_kind) {
        attrs.push(str_attr("otel.span_kind", k));
    }
    if let Some(t) = text("span_type") {
        attrs.push(str_attr("agentops.span_type", t));
    }
    let service = text("service_name").map(str::to_string).or_else(|| {
        let mut resource = Vec::new();
        flatten(get(s, &["resource_attributes"]), &mut resource);
        resource.into_iter().find(|a| a.key == "service.name").map(|a| a.value.display())
    });
    if let Some(name) = service.filter(|_| !attrs.iter().any(|a| a.key == "service.name")) {
        attrs.push(str_attr("service.name", &name));
    }
    o.attributes = attrs;
    // the server upper-cases the exporter's `Error` / `STATUS_CODE_ERROR`
    if text("status_code").is_some_and(|c| c.to_ascii_uppercase().ends_with("ERROR")) {
        o.level = Level::Error;
    }
    o.status_message = text("status_message").map(str::to_string);
    let mut attributes = list(s, &["event_attributes"]).iter();
    for (i, name) in list(s, &["event_names"]).iter().enumerate() {
        let time_ns = list(s, &["event_timestamps"]).get(i).and_then(Value::as_str).and_then(|t| iso_ns(Some(t)));
        let mut attrs = Vec::new();
        flatten(attributes.next(), &mut attrs);
        let name = name.as_str().unwrap_or_default().to_string();
        o.events.push(Event { name, time_ns: time_ns.unwrap_or(o.start_ns), attributes: attrs });
    }
    o
}

/// A nested attribute map as the flat dotted keys it was made from: objects by their keys, lists
/// by their positions (`gen_ai.prompt.0.role`); the padding `null`s of a list are skipped.
fn flatten(v: Option<&Value>, out: &mut Vec<Attribute>) {
    let Some(Value::Object(top)) = v else { return };
    // a stack, not recursion; pushed in reverse so they come out in the order written
    let mut stack: Vec<(String, &Value)> = top.iter().rev().map(|(k, v)| (k.clone(), v)).collect();
    while let Some((key, v)) = stack.pop() {
        match v {
            Value::Object(m) => stack.extend(m.iter().rev().map(|(k, x)| (format!("{key}.{k}"), x))),
            Value::Array(items) => stack.extend(
                items.iter().enumerate().rev().filter(|(_, x)| !x.is_null()).map(|(i, x)| (format!("{key}.{i}"), x)),
            ),
            Value::Null => {}
            scalar => out.push(Attribute { key: key.into(), value: value(scalar) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_attributes_flatten_to_the_keys_written() {
        // otel_attributes_to_nested({'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'hi',
        // 'gen_ai.usage.prompt_tokens': '12', 'operation.name': 'x'}), as the server answers it
        let v: Value = serde_json::from_str(
            r#"{"gen_ai":{"prompt":[{"role":"user","content":"hi"}],"usage":{"prompt_tokens":"12"}},"operation":{"name":"x"},"l":[null,"b"]}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        flatten(Some(&v), &mut out);
        let keys: Vec<&str> = out.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(
            keys,
            ["gen_ai.prompt.0.role", "gen_ai.prompt.0.content", "gen_ai.usage.prompt_tokens", "operation.name", "l.1"]
        );
        assert_eq!(out[2].value, AttrValue::Str("12".into()));
    }
}
