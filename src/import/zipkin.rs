//! Zipkin v2 JSON: a list of spans (`POST /api/v2/spans`, `GET /api/v2/trace/{id}`), a list of
//! such lists (`GET /api/v2/traces`), or spans one per line. Times are microseconds.
//!
//! An RPC is written as two halves with the same id: the CLIENT half and the SERVER half marked
//! `shared`. The server half becomes a child of the client half with its own id (`{id}:server`,
//! the written id kept as `zipkin.id`), and spans naming that id as their parent hang under the
//! server half, as Zipkin's own tree builder attaches them. Other repeated ids are kept apart as
//! written. A child starting before its parent or ending after it is marked (`zipkin.clock_skew`),
//! never moved: the times stay as the hosts wrote them.

use super::jsonv::{self, get, int, list, str};
use super::sdk::{span_kind, traces};
use super::{Format, ImportError};
use crate::model::time::format_duration;
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, Payload, TraceSet};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

// A span: `traceId`, `id`, `parentId`, `name`, `kind`, `timestamp` and `duration` (µs, numbers or
// strings), `localEndpoint`/`remoteEndpoint` (`serviceName`, `ipv4`, `ipv6`, `port`),
// `annotations` (`timestamp`, `value`), `tags` (a map), `shared`, `debug`.

/// Microseconds to nanoseconds, `None` when missing or out of range.
fn us(v: &Value, key: &str) -> Option<i64> {
    int(v, &[key]).and_then(|t| i64::try_from(t).ok()).and_then(|t| t.checked_mul(1000))
}

fn flag(v: &Value, key: &str) -> Option<bool> {
    get(v, &[key]).and_then(Value::as_bool)
}

/// A tag map in the order written, each value keeping its JSON type: integers stay text, a list
/// of scalars is read item by item, anything else nested stays JSON (as `sdk::Attrs` reads them).
fn tags(map: &Map<String, Value>) -> Vec<Attribute> {
    map.iter().map(|(k, v)| Attribute { key: k.as_str().into(), value: tag_value(v) }).collect()
}

fn tag_value(v: &Value) -> AttrValue {
    match v {
        Value::String(s) => AttrValue::Str(s.clone()),
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Null => AttrValue::Str(String::new()),
        Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
            AttrValue::Array(items.iter().map(tag_value).collect())
        }
        Value::Array(_) | Value::Object(_) => AttrValue::Json(Payload::from_value(v)),
        Value::Number(n) if n.is_f64() => {
            let text = n.to_string();
            parse_f64(&text).map(AttrValue::Float).unwrap_or(AttrValue::Str(text))
        }
        Value::Number(n) => AttrValue::Int(n.to_string()),
    }
}

/// The id of the server half of a shared RPC whose client half also has this id.
fn server_id(id: &str) -> String {
    format!("{id}:server")
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let spans = jsonv::nested_objects(body, format, 2)?;
    // (trace, id) of every half that is not the shared server half: a shared half with one of
    // these ids gets its own id and becomes its child
    let key = |s: &Value| {
        (str(s, &["traceId"]).unwrap_or_default().to_string(), str(s, &["id"]).unwrap_or_default().to_string())
    };
    let shared = |s: &Value| flag(s, "shared") == Some(true);
    let clients: HashSet<(String, String)> = spans.iter().filter(|s| !shared(s)).map(key).collect();
    let moved: HashSet<(String, String)> =
        spans.iter().filter(|s| shared(s)).map(key).filter(|k| clients.contains(k)).collect();
    let mut out = Vec::with_capacity(spans.len());
    for s in &spans {
        let (trace_id, id) = key(s);
        let is_moved = shared(s) && moved.contains(&(trace_id.clone(), id.clone()));
        let parent = if is_moved {
            Some(id.clone())
        } else {
            // a child of an RPC hangs under its server half (Zipkin's SpanNode does the same)
            str(s, &["parentId"]).filter(|p| !p.is_empty() && p.bytes().any(|b| b != b'0')).map(|p| {
                let p = p.to_string();
                if moved.contains(&(trace_id.clone(), p.clone())) {
                    server_id(&p)
                } else {
                    p
                }
            })
        };
        let mut o = observation(s, if is_moved { server_id(&id) } else { id.clone() });
        if is_moved {
            o.attributes.push(Attribute { key: "zipkin.id".into(), value: AttrValue::Str(id) });
        }
        o.parent_id = parent;
        out.push((trace_id, o));
    }
    mark_skew(&mut out);
    Ok(traces(file, out))
}

/// Marks children that start before their parent or end after it (the first span with the
/// parent's id, in the same trace), saying by how much.
fn mark_skew(spans: &mut [(String, Observation)]) {
    let mut times: HashMap<(&str, &str), (i64, Option<i64>)> = HashMap::new();
    for (t, o) in spans.iter() {
        times.entry((t.as_str(), o.id.as_str())).or_insert((o.start_ns, o.end_ns));
    }
    let mut notes: Vec<(usize, String)> = Vec::new();
    for (i, (t, o)) in spans.iter().enumerate() {
        let Some(&(p_start, p_end)) = o.parent_id.as_deref().and_then(|p| times.get(&(t.as_str(), p))) else {
            continue;
        };
        let mut parts = Vec::new();
        if let Some(early) = p_start.checked_sub(o.start_ns).filter(|d| *d > 0) {
            parts.push(format!("starts {} before its parent", format_duration(early)));
        }
        if let Some(late) = o.end_ns.zip(p_end).and_then(|(e, pe)| e.checked_sub(pe)).filter(|d| *d > 0) {
            parts.push(format!("ends {} after its parent", format_duration(late)));
        }
        if !parts.is_empty() {
            notes.push((i, parts.join(", ")));
        }
    }
    for (i, note) in notes {
        if let Some((_, o)) = spans.get_mut(i) {
            o.attributes.push(Attribute { key: "zipkin.clock_skew".into(), value: AttrValue::Str(note) });
        }
    }
}

fn endpoint(attrs: &mut Vec<Attribute>, prefix: &str, e: &Value) {
    let mut put = |k: &str, v: AttrValue| attrs.push(Attribute { key: format!("{prefix}.{k}").into(), value: v });
    for k in ["serviceName", "ipv4", "ipv6"] {
        if let Some(v) = str(e, &[k]) {
            put(k, AttrValue::Str(v.to_string()));
        }
    }
    if let Some(v) = int(e, &["port"]).and_then(|p| i64::try_from(p).ok()) {
        put("port", AttrValue::Int(v.to_string()));
    }
}

fn observation(s: &Value, id: String) -> Observation {
    let start = us(s, "timestamp");
    let name = str(s, &["name"]).unwrap_or_default().to_string();
    let mut o = Observation::new(id, Kind::Span, name, start.unwrap_or(0));
    o.end_ns = start.zip(us(s, "duration")).and_then(|(a, d)| a.checked_add(d));
    o.attributes = get(s, &["tags"]).and_then(Value::as_object).map(tags).unwrap_or_default();
    if let Some(k) = str(s, &["kind"]).and_then(span_kind) {
        o.attributes.push(Attribute { key: "otel.span_kind".into(), value: AttrValue::Str(k.into()) });
    }
    let local = get(s, &["localEndpoint"]);
    if let Some(svc) = local.and_then(|e| str(e, &["serviceName"])) {
        if o.attribute("service.name").is_none() {
            o.attributes.push(Attribute { key: "service.name".into(), value: AttrValue::Str(svc.to_string()) });
        }
    }
    if let Some(e) = local {
        endpoint(&mut o.attributes, "zipkin.localEndpoint", e);
    }
    if let Some(e) = get(s, &["remoteEndpoint"]) {
        endpoint(&mut o.attributes, "zipkin.remoteEndpoint", e);
    }
    for (k, v) in [("zipkin.shared", flag(s, "shared")), ("zipkin.debug", flag(s, "debug"))] {
        if let Some(v) = v {
            o.attributes.push(Attribute { key: k.into(), value: AttrValue::Bool(v) });
        }
    }
    // Zipkin's error mark is the `error` tag, whatever it says; OpenTelemetry's exporter also
    // writes `otel.status_code`
    let error_tag = o.attribute("error").map(AttrValue::display);
    let otel_error =
        o.attribute("otel.status_code").and_then(AttrValue::as_str).is_some_and(|c| c.eq_ignore_ascii_case("ERROR"));
    if error_tag.is_some() || otel_error {
        o.level = Level::Error;
    }
    o.status_message = o
        .attribute("otel.status_description")
        .map(AttrValue::display)
        .or(error_tag.filter(|m| !m.is_empty() && m != "true"));
    o.events = list(s, &["annotations"]).iter().map(|a| event(a, o.start_ns)).collect();
    o
}

/// An annotation as an event. OpenTelemetry's exporter writes an event as the JSON text
/// `{"name": {attributes}}`; that is read back into its name and attributes.
fn event(a: &Value, start_ns: i64) -> Event {
    let time_ns = us(a, "timestamp").unwrap_or(start_ns);
    let value = str(a, &["value"]).unwrap_or_default().to_string();
    if value.starts_with('{') {
        if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&value) {
            if let (1, Some((name, attrs))) = (m.len(), m.iter().next()) {
                let attributes = match attrs {
                    Value::Object(map) => Some(tags(map)),
                    Value::Null => Some(Vec::new()),
                    _ => None,
                };
                if let Some(attributes) = attributes {
                    return Event { name: name.clone(), time_ns, attributes };
                }
            }
        }
    }
    Event { name: value, time_ns, attributes: Vec::new() }
}
