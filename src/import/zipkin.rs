//! Zipkin v2 JSON: a list of spans (`POST /api/v2/spans`, `GET /api/v2/trace/{id}`), a list of
//! such lists (`GET /api/v2/traces`), or spans one per line. Times are microseconds.
//!
//! An RPC is written as two halves with the same id: the CLIENT half and the SERVER half marked
//! `shared`. The server half becomes a child of the client half with its own id (`{id}:server`,
//! the written id kept as `zipkin.id`), and spans naming that id as their parent hang under the
//! server half, as Zipkin's own tree builder attaches them. Other repeated ids are kept apart as
//! written. A child starting before its parent or ending after it is marked (`zipkin.clock_skew`),
//! never moved: the times stay as the hosts wrote them.

use super::sdk::{span_kind, traces, Attrs};
use super::wire::{items, FlexInt};
use super::{shape_error, Format, ImportError};
use crate::model::time::format_duration;
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, TraceSet};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Span {
    trace_id: Option<String>,
    id: Option<String>,
    parent_id: Option<String>,
    name: Option<String>,
    kind: Option<String>,
    timestamp: Option<FlexInt>,
    duration: Option<FlexInt>,
    local_endpoint: Option<Endpoint>,
    remote_endpoint: Option<Endpoint>,
    annotations: Option<Vec<Annotation>>,
    tags: Option<Attrs>,
    shared: Option<bool>,
    debug: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    service_name: Option<String>,
    ipv4: Option<String>,
    ipv6: Option<String>,
    port: Option<FlexInt>,
}

#[derive(Deserialize)]
struct Annotation {
    timestamp: Option<FlexInt>,
    value: Option<String>,
}

/// A span, or a list of spans (one trace of `GET /api/v2/traces`).
struct Spans(Vec<Span>);

impl<'de> Deserialize<'de> for Spans {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Spans;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Zipkin span or a list of them")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Spans, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<Option<Span>>()? {
                    out.extend(s);
                }
                Ok(Spans(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Spans, A::Error> {
                Span::deserialize(de::value::MapAccessDeserializer::new(map)).map(|s| Spans(vec![s]))
            }
        }
        d.deserialize_any(V)
    }
}

/// Microseconds to nanoseconds, `None` when missing or out of range.
fn us(t: Option<FlexInt>) -> Option<i64> {
    t.and_then(FlexInt::to_i64).and_then(|v| v.checked_mul(1000))
}

/// The id of the server half of a shared RPC whose client half also has this id.
fn server_id(id: &str) -> String {
    format!("{id}:server")
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let spans: Vec<Span> =
        items::<Spans>(body).map_err(|e| shape_error(format, &e))?.into_iter().flat_map(|s| s.0).collect();
    // (trace, id) of every half that is not the shared server half: a shared half with one of
    // these ids gets its own id and becomes its child
    let key = |s: &Span| (s.trace_id.clone().unwrap_or_default(), s.id.clone().unwrap_or_default());
    let clients: HashSet<(String, String)> = spans.iter().filter(|s| s.shared != Some(true)).map(key).collect();
    let moved: HashSet<(String, String)> =
        spans.iter().filter(|s| s.shared == Some(true)).map(key).filter(|k| clients.contains(k)).collect();
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        let (trace_id, id) = key(&s);
        let is_moved = s.shared == Some(true) && moved.contains(&(trace_id.clone(), id.clone()));
        let parent = if is_moved {
            Some(id.clone())
        } else {
            // a child of an RPC hangs under its server half (Zipkin's SpanNode does the same)
            s.parent_id.clone().filter(|p| !p.is_empty() && p.bytes().any(|b| b != b'0')).map(|p| {
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

fn endpoint(attrs: &mut Vec<Attribute>, prefix: &str, e: Endpoint) {
    let mut put = |k: &str, v: AttrValue| attrs.push(Attribute { key: format!("{prefix}.{k}").into(), value: v });
    if let Some(v) = e.service_name {
        put("serviceName", AttrValue::Str(v));
    }
    if let Some(v) = e.ipv4 {
        put("ipv4", AttrValue::Str(v));
    }
    if let Some(v) = e.ipv6 {
        put("ipv6", AttrValue::Str(v));
    }
    if let Some(v) = e.port.and_then(FlexInt::to_i64) {
        put("port", AttrValue::Int(v.to_string()));
    }
}

fn observation(s: Span, id: String) -> Observation {
    let start = us(s.timestamp);
    let mut o = Observation::new(id, Kind::Span, s.name.unwrap_or_default(), start.unwrap_or(0));
    o.end_ns = start.zip(us(s.duration)).and_then(|(a, d)| a.checked_add(d));
    o.attributes = s.tags.unwrap_or_default().0;
    if let Some(k) = s.kind.as_deref().and_then(span_kind) {
        o.attributes.push(Attribute { key: "otel.span_kind".into(), value: AttrValue::Str(k.into()) });
    }
    if let Some(svc) = s.local_endpoint.as_ref().and_then(|e| e.service_name.clone()) {
        if o.attribute("service.name").is_none() {
            o.attributes.push(Attribute { key: "service.name".into(), value: AttrValue::Str(svc) });
        }
    }
    if let Some(e) = s.local_endpoint {
        endpoint(&mut o.attributes, "zipkin.localEndpoint", e);
    }
    if let Some(e) = s.remote_endpoint {
        endpoint(&mut o.attributes, "zipkin.remoteEndpoint", e);
    }
    for (k, v) in [("zipkin.shared", s.shared), ("zipkin.debug", s.debug)] {
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
    o.events = s.annotations.unwrap_or_default().into_iter().map(|a| event(a, o.start_ns)).collect();
    o
}

/// An annotation as an event. OpenTelemetry's exporter writes an event as the JSON text
/// `{"name": {attributes}}`; that is read back into its name and attributes.
fn event(a: Annotation, start_ns: i64) -> Event {
    let time_ns = us(a.timestamp).unwrap_or(start_ns);
    let value = a.value.unwrap_or_default();
    if value.starts_with('{') {
        if let Ok(m) = serde_json::from_str::<BTreeMap<String, Attrs>>(&value) {
            if m.len() == 1 {
                if let Some((name, attrs)) = m.into_iter().next() {
                    return Event { name, time_ns, attributes: attrs.0 };
                }
            }
        }
    }
    Event { name: value, time_ns, attributes: Vec::new() }
}
