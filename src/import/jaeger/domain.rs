//! Jaeger's domain-model JSON: the protobuf JSON of `model.Trace` (`{spans, processMap, warnings}`)
//! or of `model.Span` (one, a list, or one per line), as Jaeger's converters and storage tests
//! write it: base64 ids, RFC 3339 `startTime`, `duration` as `"22938000ns"`, typed tags
//! `{key, vType, vStr|vInt64|vBool|vFloat64|vBinary}`, the process inline or by `processId`.

use super::{link, log_name, span_facts, Reference};
use crate::import::jsonv::{self, get, list, str, text};
use crate::import::semconv;
use crate::import::wire::{base64_decode, duration_ns, iso_ns};
use crate::import::{Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Event, Kind, Observation, Trace, TraceSet, Warning, WarningKind};
use serde_json::Value;
use std::collections::HashMap;

// A document is a `model.Span` or a `model.Trace` (`spans`, `processMap`, `warnings`); a span's
// fields are camelCase: `traceId`, `spanId`, `operationName`, `references` (`refType`, `traceId`,
// `spanId`), `startTime`, `duration`, `tags`, `logs` (`timestamp`, `fields`), `process`
// (`serviceName`, `tags`) or `processId`, `warnings`. A tag (`KeyValue`) is `{key, vType, vStr,
// vBool, vInt64, vFloat64, vBinary}`.

/// A field as text: a string's contents, a number or boolean as written.
fn raw_text(kv: &Value, key: &str) -> Option<String> {
    text(kv, &[key])
}

/// A value by its declared type (STRING, the protobuf default so often left out, BOOL, INT64,
/// FLOAT64, BINARY, or 0–4); integers stay text so nothing beyond 2^53 is rounded.
fn value(kv: &Value) -> AttrValue {
    let kind = raw_text(kv, "vType").unwrap_or_default().to_ascii_uppercase();
    match kind.as_str() {
        "BOOL" | "1" => AttrValue::Bool(get(kv, &["vBool"]).and_then(Value::as_bool).unwrap_or(false)),
        "INT64" | "2" => AttrValue::Int(raw_text(kv, "vInt64").unwrap_or_else(|| "0".into())),
        "FLOAT64" | "3" => {
            let text = raw_text(kv, "vFloat64").unwrap_or_else(|| "0".into());
            parse_f64(&text).map(AttrValue::Float).unwrap_or(AttrValue::Str(text))
        }
        "BINARY" | "4" => AttrValue::Bytes(str(kv, &["vBinary"]).unwrap_or_default().to_string()),
        _ => AttrValue::Str(str(kv, &["vStr"]).unwrap_or_default().to_string()),
    }
}

fn key(kv: &Value) -> &str {
    str(kv, &["key"]).unwrap_or_default()
}

fn attrs(kvs: &[Value]) -> Vec<Attribute> {
    kvs.iter().map(|kv| Attribute { key: key(kv).into(), value: value(kv) }).collect()
}

/// The warnings of a span or trace (strings; anything else skipped).
fn warnings(v: &Value) -> Vec<String> {
    list(v, &["warnings"]).iter().filter_map(|w| w.as_str().map(String::from)).collect()
}

/// A base64 id as Jaeger prints it: lowercase hex, a trace id whose high 64 bits are zero as its
/// low 16 digits (as `model.TraceID.String()` and the UI's JSON write it, so both forms join).
fn id(raw: Option<&str>) -> String {
    let Some(raw) = raw else { return String::new() };
    match base64_decode(raw.trim()) {
        Some(bytes) if bytes.len() == 8 || bytes.len() == 16 => {
            let start = if bytes.len() == 16 && bytes[..8].iter().all(|b| *b == 0) { 8 } else { 0 };
            bytes[start..].iter().map(|b| format!("{b:02x}")).collect()
        }
        _ => raw.to_string(),
    }
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let docs = jsonv::objects(body, format)?;
    let mut set = TraceSet::default();
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Observation>> = HashMap::new();
    for doc in &docs {
        let processes: HashMap<&str, &Value> = list(doc, &["processMap"])
            .iter()
            .filter_map(|m| Some((str(m, &["processId"])?, get(m, &["process"])?)))
            .collect();
        let (spans, trace_warnings) = match get(doc, &["spans"]) {
            Some(spans) => (spans.as_array().map(Vec::as_slice).unwrap_or_default(), warnings(doc)),
            None if get(doc, &["spanId"]).is_some() => (std::slice::from_ref(doc), Vec::new()),
            None => (&[][..], Vec::new()),
        };
        let first_trace = id(spans.first().and_then(|s| str(s, &["traceId"])));
        for message in trace_warnings {
            let kind = WarningKind::ServerTraceWarning { trace_id: first_trace.clone(), message };
            set.warnings.push(Warning::new(file, kind));
        }
        for s in spans.iter().filter(|s| !s.is_null()) {
            let trace_id = id(str(s, &["traceId"]));
            let o = observation(s, &trace_id, &processes);
            groups
                .entry(trace_id.clone())
                .or_insert_with(|| {
                    order.push(trace_id);
                    Vec::new()
                })
                .push(o);
        }
    }
    for trace_id in order {
        let Some(mut obs) = groups.remove(&trace_id) else { continue };
        let ids = semconv::apply_all(&mut obs);
        let mut t = Trace::build(trace_id, obs, file, &mut set.warnings);
        ids.apply_to(&mut t);
        set.traces.push(t);
    }
    Ok(set)
}

fn observation(s: &Value, trace_id: &str, processes: &HashMap<&str, &Value>) -> Observation {
    let start = iso_ns(str(s, &["startTime"]));
    let start_ns = start.unwrap_or(0);
    let name = str(s, &["operationName"]).unwrap_or_default().to_string();
    let mut o = Observation::new(id(str(s, &["spanId"])), Kind::Span, name, start_ns);
    o.end_ns = start.and(str(s, &["duration"]).and_then(duration_ns)).and_then(|d| start_ns.checked_add(d));
    o.attributes = attrs(list(s, &["tags"]));
    let refs: Vec<Reference> = list(s, &["references"])
        .iter()
        .map(|r| Reference {
            ref_type: str(r, &["refType"]).map(String::from),
            trace_id: str(r, &["traceId"]).map(|t| id(Some(t))),
            span_id: str(r, &["spanId"]).map(|t| id(Some(t))),
        })
        .collect();
    link(&mut o, &refs, None, trace_id);
    let process = get(s, &["process"]).or_else(|| str(s, &["processId"]).and_then(|p| processes.get(p)).copied());
    if let Some(p) = process {
        if let Some(svc) = str(p, &["serviceName"]) {
            o.attributes.push(Attribute { key: "service.name".into(), value: AttrValue::Str(svc.to_string()) });
        }
        for kv in list(p, &["tags"]) {
            o.attributes.push(Attribute { key: format!("process.{}", key(kv)).into(), value: value(kv) });
        }
    }
    span_facts(&mut o, warnings(s));
    o.events = list(s, &["logs"])
        .iter()
        .map(|l| {
            let attributes = attrs(list(l, &["fields"]));
            Event {
                name: log_name(&attributes),
                time_ns: iso_ns(str(l, &["timestamp"])).unwrap_or(start_ns),
                attributes,
            }
        })
        .collect();
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_as_jaeger_prints_them() {
        assert_eq!(id(Some("AAAAAAAAAAAAAAAAAAAAAQ==")), "0000000000000001");
        assert_eq!(id(Some("AAAAAAAAAAI=")), "0000000000000002");
        assert_eq!(id(Some("AAAAAAAAAAEAAAAAAAAAAQ==")), "00000000000000010000000000000001");
        assert_eq!(id(Some("not base64!")), "not base64!");
    }
}
