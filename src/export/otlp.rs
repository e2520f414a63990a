//! OTLP JSON (the spec's JSON encoding of ExportTraceServiceRequest): one resourceSpans per trace;
//! model fields as `langfuse.*` attributes (which carry any usage and cost keys exactly) plus the
//! OpenInference kind; ids that are not OTLP hex are mapped to stable hex and kept in
//! `canopy.original_id`; scores, which OTLP has no place for, as `canopy.score` span events.
//! Written span by span from borrowed views of the model (no JSON tree of the whole set).

use crate::model::{AttrValue, Attribute, Level, Observation, Score, ScoreValue, Trace, TraceSet};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// 64-bit FNV-1a, seeded, as lowercase hex.
fn fnv(s: &str, seed: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The id as OTLP hex of `len` digits: itself when it already is, else a stable hash of it.
fn hex_id(id: &str, len: usize) -> String {
    if id.len() == len && id.bytes().all(|b| b.is_ascii_hexdigit()) && !id.bytes().all(|b| b == b'0') {
        return id.to_ascii_lowercase();
    }
    if len == 16 {
        fnv(id, 0)
    } else {
        format!("{}{}", fnv(id, 0), fnv(id, 0x9e37_79b9_7f4a_7c15))
    }
}

/// An attribute value in OTLP's `AnyValue` form.
struct Any<'a>(&'a AttrValue);

/// `{"values": [...]}` of an array or key-value list.
#[derive(Serialize)]
struct Values<T> {
    values: Vec<T>,
}

impl Serialize for Any<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(1))?;
        match self.0 {
            AttrValue::Str(s) => m.serialize_entry("stringValue", s)?,
            AttrValue::Int(i) => m.serialize_entry("intValue", i)?,
            AttrValue::Float(f) if f.is_finite() => m.serialize_entry("doubleValue", f)?,
            AttrValue::Float(f) => m.serialize_entry("stringValue", &f.to_string())?,
            AttrValue::Bool(b) => m.serialize_entry("boolValue", b)?,
            AttrValue::Bytes(b) => m.serialize_entry("bytesValue", b)?,
            AttrValue::Array(a) => m.serialize_entry("arrayValue", &Values { values: a.iter().map(Any).collect() })?,
            AttrValue::Map(kvs) => {
                m.serialize_entry("kvlistValue", &Values { values: kvs.iter().map(kv).collect() })?
            }
            AttrValue::Json(p) => m.serialize_entry("stringValue", p.raw())?,
        }
        m.end()
    }
}

/// The value of an attribute this writer sets.
enum V<'a> {
    Attr(&'a AttrValue),
    Text(Cow<'a, str>),
    Double(f64),
    Texts(&'a [String]),
}

impl Serialize for V<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        match self {
            V::Attr(a) => Any(a).serialize(ser),
            V::Text(t) => {
                let mut m = ser.serialize_map(Some(1))?;
                m.serialize_entry("stringValue", t)?;
                m.end()
            }
            V::Double(f) => {
                let mut m = ser.serialize_map(Some(1))?;
                m.serialize_entry("doubleValue", f)?;
                m.end()
            }
            V::Texts(items) => {
                let mut m = ser.serialize_map(Some(1))?;
                let values = items.iter().map(|x| V::Text(Cow::Borrowed(x))).collect();
                m.serialize_entry("arrayValue", &Values { values })?;
                m.end()
            }
        }
    }
}

#[derive(Serialize)]
struct Kv<'a> {
    key: Cow<'a, str>,
    value: V<'a>,
}

fn kv(a: &Attribute) -> Kv<'_> {
    Kv { key: Cow::Borrowed(a.key.as_str()), value: V::Attr(&a.value) }
}

fn s<'a>(key: impl Into<Cow<'a, str>>, v: impl Into<Cow<'a, str>>) -> Kv<'a> {
    Kv { key: key.into(), value: V::Text(v.into()) }
}

/// Keys this writer sets itself; a same-named attribute from the source is not repeated.
fn ours(key: &str) -> bool {
    key.starts_with("langfuse.")
        || key.starts_with("canopy.")
        || matches!(
            key,
            "openinference.span.kind"
                | "tool.name"
                | "service.name"
                | "otel.scope.name"
                | "otel.scope.version"
                | "otel.span_kind"
        )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventOut<'a> {
    name: &'a str,
    time_unix_nano: String,
    attributes: Vec<Kv<'a>>,
}

fn score_event<'a>(sc: &'a Score, scope: &'static str) -> EventOut<'a> {
    let (value, data_type) = match &sc.value {
        ScoreValue::Numeric(v) => (V::Double(*v), "NUMERIC"),
        ScoreValue::Boolean(b) => {
            (V::Attr(if *b { &AttrValue::Bool(true) } else { &AttrValue::Bool(false) }), "BOOLEAN")
        }
        ScoreValue::Categorical(c) => (V::Text(Cow::Borrowed(c)), "CATEGORICAL"),
        ScoreValue::Text(c) => (V::Text(Cow::Borrowed(c)), "TEXT"),
    };
    let mut attrs = vec![
        s("score.id", sc.id.as_str()),
        s("score.name", sc.name.as_str()),
        Kv { key: "score.value".into(), value },
        s("score.data_type", data_type),
        s("score.scope", scope),
    ];
    for (k, v) in [("score.source", &sc.source), ("score.comment", &sc.comment), ("score.session_id", &sc.session_id)] {
        if let Some(v) = v {
            attrs.push(s(k, v.as_str()));
        }
    }
    EventOut { name: "canopy.score", time_unix_nano: sc.time_ns.unwrap_or(0).to_string(), attributes: attrs }
}

#[derive(Serialize)]
struct Status<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpanOut<'a> {
    trace_id: String,
    span_id: String,
    name: &'a str,
    kind: u8,
    start_time_unix_nano: String,
    attributes: Vec<Kv<'a>>,
    events: Vec<EventOut<'a>>,
    status: Status<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time_unix_nano: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_span_id: Option<String>,
}

/// The scores of one trace (in the set's order) and whether its session's scores go with it.
struct TraceScores<'a> {
    own: &'a [&'a Score],
    session: &'a [&'a Score],
}

fn span<'a>(t: &'a Trace, o: &'a Observation, root: bool, scores: &TraceScores<'a>) -> SpanOut<'a> {
    let upper = |l: &str| l.to_ascii_uppercase();
    let mut attrs: Vec<Kv> = Vec::new();
    attrs.push(s("openinference.span.kind", upper(o.kind.label())));
    attrs.push(s("langfuse.observation.type", upper(o.kind.label())));
    if !(o.id.len() == 16 && o.id.bytes().all(|b| b.is_ascii_hexdigit())) {
        attrs.push(s("canopy.original_id", o.id.as_str()));
    }
    if let Some(p) = o.parent_id.as_ref().filter(|p| !(p.len() == 16 && p.bytes().all(|b| b.is_ascii_hexdigit()))) {
        attrs.push(s("canopy.original_parent_id", p.as_str()));
    }
    if let Some(m) = &o.model {
        attrs.push(s("langfuse.observation.model.name", m.as_str()));
    }
    for (k, p) in [
        ("langfuse.observation.input", &o.input),
        ("langfuse.observation.output", &o.output),
        ("langfuse.observation.model.parameters", &o.model_parameters),
    ] {
        if let Some(p) = p {
            attrs.push(s(k, p.raw()));
        }
    }
    if !o.usage.is_empty() {
        let mut u = Map::new();
        for (k, v) in [("input", o.usage.input), ("output", o.usage.output), ("total", o.usage.total)] {
            if let Some(v) = v {
                u.insert(k.into(), v.into());
            }
        }
        for (k, v) in &o.usage.details {
            u.insert(k.clone(), (*v).into());
        }
        attrs.push(s("langfuse.observation.usage_details", Value::Object(u).to_string()));
    }
    // a cost Canopy estimated is not the source's: only reported costs are written
    if o.cost.is_reported() {
        let mut c = Map::new();
        for (k, v) in &o.cost.details {
            c.insert(k.clone(), (*v).into());
        }
        if let Some(total) = o.cost.total {
            c.insert("total".into(), total.into());
        }
        attrs.push(s("langfuse.observation.cost_details", Value::Object(c).to_string()));
    }
    attrs.push(s("langfuse.observation.level", upper(o.level.label())));
    if let Some(m) = &o.status_message {
        attrs.push(s("langfuse.observation.status_message", m.as_str()));
    }
    if let Some(c) = o.completion_start_ns {
        attrs.push(s("langfuse.observation.completion_start_time", crate::model::time::format_rfc3339_ns(c)));
    }
    if let Some(tn) = &o.tool_name {
        attrs.push(s("tool.name", tn.as_str()));
    }
    for (i, d) in o.documents.iter().enumerate() {
        let p = format!("retrieval.documents.{i}.document");
        if let Some(v) = &d.id {
            attrs.push(s(format!("{p}.id"), v.as_str()));
        }
        if let Some(v) = &d.content {
            attrs.push(s(format!("{p}.content"), v.as_str()));
        }
        if let Some(v) = d.score {
            attrs.push(Kv { key: format!("{p}.score").into(), value: V::Double(v) });
        }
        if let Some(v) = &d.metadata {
            attrs.push(s(format!("{p}.metadata"), v.as_str()));
        }
    }
    if root {
        if let Some(n) = &t.name {
            attrs.push(s("langfuse.trace.name", n.as_str()));
        }
        if let Some(v) = &t.session_id {
            attrs.push(s("langfuse.session.id", v.as_str()));
        }
        if let Some(v) = &t.user_id {
            attrs.push(s("langfuse.user.id", v.as_str()));
        }
        if !t.tags.is_empty() {
            attrs.push(Kv { key: "langfuse.trace.tags".into(), value: V::Texts(&t.tags) });
        }
    }
    attrs.extend(o.attributes.iter().filter(|a| !ours(&a.key) && !a.key.starts_with("retrieval.documents.")).map(kv));
    let mut events: Vec<EventOut> = o
        .events
        .iter()
        .map(|e| EventOut {
            name: &e.name,
            time_unix_nano: e.time_ns.to_string(),
            attributes: e.attributes.iter().map(kv).collect(),
        })
        .collect();
    for sc in scores.own {
        if sc.observation_id.as_deref() == Some(o.id.as_str()) {
            events.push(score_event(sc, "observation"));
        } else if root && sc.observation_id.is_none() {
            events.push(score_event(sc, "trace"));
        }
    }
    if root {
        events.extend(scores.session.iter().map(|sc| score_event(sc, "session")));
    }
    SpanOut {
        trace_id: hex_id(&t.id, 32),
        span_id: hex_id(&o.id, 16),
        name: &o.name,
        kind: 1,
        start_time_unix_nano: o.start_ns.to_string(),
        attributes: attrs,
        events,
        status: if o.level == Level::Error {
            Status { code: Some(2), message: Some(o.status_message.as_deref().unwrap_or_default()) }
        } else {
            Status { code: None, message: None }
        },
        end_time_unix_nano: o.end_ns.map(|e| e.to_string()),
        parent_span_id: o.parent_id.as_deref().map(|p| hex_id(p, 16)),
    }
}

/// A trace's spans, each built only while it is written.
struct Spans<'a> {
    trace: &'a Trace,
    scores: TraceScores<'a>,
}

impl Serialize for Spans<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut seq = ser.serialize_seq(Some(self.trace.observations.len()))?;
        let mut first_root = true;
        for o in &self.trace.observations {
            let root = o.parent_id.is_none() && std::mem::take(&mut first_root);
            seq.serialize_element(&span(self.trace, o, root, &self.scores))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Scope {
    name: &'static str,
}

#[derive(Serialize)]
struct ScopeSpans<'a> {
    scope: Scope,
    spans: Spans<'a>,
}

#[derive(Serialize)]
struct Resource<'a> {
    attributes: Vec<Kv<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a> {
    resource: Resource<'a>,
    scope_spans: [ScopeSpans<'a>; 1],
}

/// Every trace, each written when reached.
struct AllResourceSpans<'a> {
    set: &'a TraceSet,
    note: Option<&'a str>,
    by_trace: HashMap<&'a str, Vec<&'a Score>>,
    by_session: HashMap<&'a str, Vec<&'a Score>>,
}

impl Serialize for AllResourceSpans<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut seq = ser.serialize_seq(Some(self.set.traces.len()))?;
        let mut sessions_seen = std::collections::HashSet::new();
        for t in &self.set.traces {
            let first_of_session = t.session_id.as_deref().is_some_and(|s| sessions_seen.insert(s));
            let own = self.by_trace.get(t.id.as_str()).map_or(&[][..], Vec::as_slice);
            // a session's own scores travel with the root of the first of its traces
            let session = match (&t.session_id, first_of_session) {
                (Some(id), true) => self.by_session.get(id.as_str()).map_or(&[][..], Vec::as_slice),
                _ => &[][..],
            };
            let mut resource = vec![s("service.name", t.source.as_str())];
            if !(t.id.len() == 32 && t.id.bytes().all(|b| b.is_ascii_hexdigit())) {
                resource.push(s("canopy.original_trace_id", t.id.as_str()));
            }
            if let Some(n) = self.note {
                resource.push(s("canopy.note", n));
            }
            seq.serialize_element(&ResourceSpans {
                resource: Resource { attributes: resource },
                scope_spans: [ScopeSpans {
                    scope: Scope { name: "canopy-export" },
                    spans: Spans { trace: t, scores: TraceScores { own, session } },
                }],
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Request<'a> {
    resource_spans: AllResourceSpans<'a>,
}

/// Writes `set`; `note` goes in the resource attributes as `canopy.note`.
pub fn write(set: &TraceSet, note: Option<&str>) -> String {
    let mut by_trace: HashMap<&str, Vec<&Score>> = HashMap::new();
    let mut by_session: HashMap<&str, Vec<&Score>> = HashMap::new();
    for sc in &set.scores {
        match (&sc.trace_id, &sc.session_id) {
            (Some(t), _) => by_trace.entry(t.as_str()).or_default().push(sc),
            (None, Some(sid)) => by_session.entry(sid.as_str()).or_default().push(sc),
            (None, None) => {}
        }
    }
    let request = Request { resource_spans: AllResourceSpans { set, note, by_trace, by_session } };
    serde_json::to_string(&request).unwrap_or_default()
}
