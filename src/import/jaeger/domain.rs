//! Jaeger's domain-model JSON: the protobuf JSON of `model.Trace` (`{spans, processMap, warnings}`)
//! or of `model.Span` (one, a list, or one per line), as Jaeger's converters and storage tests
//! write it: base64 ids, RFC 3339 `startTime`, `duration` as `"22938000ns"`, typed tags
//! `{key, vType, vStr|vInt64|vBool|vFloat64|vBinary}`, the process inline or by `processId`.

use super::{link, log_name, span_facts, Reference};
use crate::import::semconv;
use crate::import::wire::{base64_decode, duration_ns, iso_ns, items};
use crate::import::{shape_error, Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Event, Kind, Observation, Trace, TraceSet, Warning, WarningKind};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// A `model.Span`, or a `model.Trace` (`spans`, `processMap`): a document may hold either, so
/// one struct takes both.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Span {
    spans: Option<Vec<Span>>,
    process_map: Option<Vec<ProcessMapping>>,
    trace_id: Option<String>,
    span_id: Option<String>,
    operation_name: Option<String>,
    references: Option<Vec<Ref>>,
    start_time: Option<String>,
    duration: Option<String>,
    tags: Option<Vec<KeyValue>>,
    logs: Option<Vec<Log>>,
    process: Option<Process>,
    process_id: Option<String>,
    /// The span's warnings, or the trace's when this is a trace.
    warnings: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ref {
    ref_type: Option<String>,
    trace_id: Option<String>,
    span_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProcessMapping {
    process_id: Option<String>,
    process: Option<Process>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Process {
    service_name: Option<String>,
    tags: Option<Vec<KeyValue>>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct KeyValue {
    key: String,
    /// STRING (the protobuf default, so often left out), BOOL, INT64, FLOAT64, BINARY, or 0–4.
    v_type: Option<Box<RawValue>>,
    v_str: Option<String>,
    v_bool: Option<bool>,
    /// A number or a string (protobuf JSON writes 64-bit integers as strings): kept as text.
    v_int64: Option<Box<RawValue>>,
    v_float64: Option<Box<RawValue>>,
    v_binary: Option<String>,
}

#[derive(Deserialize)]
struct Log {
    timestamp: Option<String>,
    fields: Option<Vec<KeyValue>>,
}

/// A value by its declared type; integers stay text so nothing beyond 2^53 is rounded.
fn value(kv: &KeyValue) -> AttrValue {
    let raw_text = |r: &Option<Box<RawValue>>| {
        r.as_ref().map(|r| {
            let t = r.get().trim();
            serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string())
        })
    };
    let kind = raw_text(&kv.v_type).unwrap_or_default().to_ascii_uppercase();
    match kind.as_str() {
        "BOOL" | "1" => AttrValue::Bool(kv.v_bool.unwrap_or(false)),
        "INT64" | "2" => AttrValue::Int(raw_text(&kv.v_int64).unwrap_or_else(|| "0".into())),
        "FLOAT64" | "3" => {
            let text = raw_text(&kv.v_float64).unwrap_or_else(|| "0".into());
            parse_f64(&text).map(AttrValue::Float).unwrap_or(AttrValue::Str(text))
        }
        "BINARY" | "4" => AttrValue::Bytes(kv.v_binary.clone().unwrap_or_default()),
        _ => AttrValue::Str(kv.v_str.clone().unwrap_or_default()),
    }
}

fn attrs(kvs: Option<Vec<KeyValue>>) -> Vec<Attribute> {
    kvs.unwrap_or_default().iter().map(|kv| Attribute { key: kv.key.as_str().into(), value: value(kv) }).collect()
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
    let docs: Vec<Span> = items(body).map_err(|e| shape_error(format, &e))?;
    let mut set = TraceSet::default();
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Observation>> = HashMap::new();
    for mut doc in docs {
        let processes: HashMap<String, Process> = doc
            .process_map
            .take()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| Some((m.process_id?, m.process?)))
            .collect();
        let (spans, trace_warnings) = match doc.spans.take() {
            Some(spans) => (spans, doc.warnings.unwrap_or_default()),
            None if doc.span_id.is_some() => (vec![doc], Vec::new()),
            None => (Vec::new(), Vec::new()),
        };
        let first_trace = id(spans.first().and_then(|s| s.trace_id.as_deref()));
        for message in trace_warnings {
            let kind = WarningKind::ServerTraceWarning { trace_id: first_trace.clone(), message };
            set.warnings.push(Warning::new(file, kind));
        }
        for s in spans {
            let trace_id = id(s.trace_id.as_deref());
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

fn observation(s: Span, trace_id: &str, processes: &HashMap<String, Process>) -> Observation {
    let start = iso_ns(s.start_time.as_deref());
    let start_ns = start.unwrap_or(0);
    let mut o = Observation::new(id(s.span_id.as_deref()), Kind::Span, s.operation_name.unwrap_or_default(), start_ns);
    o.end_ns = start.and(s.duration.as_deref().and_then(duration_ns)).and_then(|d| start_ns.checked_add(d));
    o.attributes = attrs(s.tags);
    let refs: Vec<Reference> = s
        .references
        .unwrap_or_default()
        .into_iter()
        .map(|r| Reference {
            ref_type: r.ref_type,
            trace_id: r.trace_id.as_deref().map(|t| id(Some(t))),
            span_id: r.span_id.as_deref().map(|t| id(Some(t))),
        })
        .collect();
    link(&mut o, &refs, None, trace_id);
    let process = s.process.or_else(|| s.process_id.as_ref().and_then(|p| processes.get(p)).cloned());
    if let Some(p) = process {
        if let Some(svc) = p.service_name {
            o.attributes.push(Attribute { key: "service.name".into(), value: AttrValue::Str(svc) });
        }
        for kv in p.tags.unwrap_or_default() {
            o.attributes.push(Attribute { key: format!("process.{}", kv.key).into(), value: value(&kv) });
        }
    }
    span_facts(&mut o, s.warnings.unwrap_or_default());
    o.events = s
        .logs
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            let attributes = attrs(l.fields);
            Event {
                name: log_name(&attributes),
                time_ns: iso_ns(l.timestamp.as_deref()).unwrap_or(start_ns),
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
