//! OTLP JSON (the spec's JSON encoding of ExportTraceServiceRequest): one resourceSpans per trace;
//! model fields as `langfuse.*` attributes (which carry any usage and cost keys exactly) plus the
//! OpenInference kind; ids that are not OTLP hex are mapped to stable hex and kept in
//! `canopy.original_id`; scores, which OTLP has no place for, as `canopy.score` span events.

use crate::model::{AttrValue, Attribute, Level, Observation, Score, ScoreValue, Trace, TraceSet};
use serde_json::{json, Map, Value};

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

fn any(v: &AttrValue) -> Value {
    match v {
        AttrValue::Str(s) => json!({"stringValue": s}),
        AttrValue::Int(i) => json!({"intValue": i}),
        AttrValue::Float(f) if f.is_finite() => json!({"doubleValue": f}),
        AttrValue::Float(f) => json!({"stringValue": f.to_string()}),
        AttrValue::Bool(b) => json!({"boolValue": b}),
        AttrValue::Bytes(b) => json!({"bytesValue": b}),
        AttrValue::Array(a) => json!({"arrayValue": {"values": a.iter().map(any).collect::<Vec<_>>()}}),
        AttrValue::Map(m) => json!({"kvlistValue": {"values": m.iter().map(kv).collect::<Vec<_>>()}}),
        AttrValue::Json(p) => json!({"stringValue": p.raw()}),
    }
}

fn kv(a: &Attribute) -> Value {
    json!({"key": a.key, "value": any(&a.value)})
}

fn s(key: &str, v: impl Into<String>) -> Value {
    json!({"key": key, "value": {"stringValue": v.into()}})
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

fn score_event(sc: &Score, scope: &str) -> Value {
    let value = match &sc.value {
        ScoreValue::Numeric(v) => json!({"doubleValue": v}),
        ScoreValue::Boolean(b) => json!({"boolValue": b}),
        ScoreValue::Categorical(c) | ScoreValue::Text(c) => json!({"stringValue": c}),
    };
    let data_type = match &sc.value {
        ScoreValue::Numeric(_) => "NUMERIC",
        ScoreValue::Boolean(_) => "BOOLEAN",
        ScoreValue::Categorical(_) => "CATEGORICAL",
        ScoreValue::Text(_) => "TEXT",
    };
    let mut attrs = vec![
        s("score.id", sc.id.clone()),
        s("score.name", sc.name.clone()),
        json!({"key": "score.value", "value": value}),
        s("score.data_type", data_type),
        s("score.scope", scope),
    ];
    for (k, v) in [("score.source", &sc.source), ("score.comment", &sc.comment), ("score.session_id", &sc.session_id)] {
        if let Some(v) = v {
            attrs.push(s(k, v.clone()));
        }
    }
    json!({"name": "canopy.score", "timeUnixNano": sc.time_ns.unwrap_or(0).to_string(), "attributes": attrs})
}

fn span(set: &TraceSet, t: &Trace, o: &Observation, root: bool, first_of_session: bool) -> Value {
    let mut attrs: Vec<Value> = Vec::new();
    attrs.push(s("openinference.span.kind", o.kind.label().to_ascii_uppercase()));
    attrs.push(s("langfuse.observation.type", o.kind.label().to_ascii_uppercase()));
    if !(o.id.len() == 16 && o.id.bytes().all(|b| b.is_ascii_hexdigit())) {
        attrs.push(s("canopy.original_id", o.id.clone()));
    }
    if let Some(p) = o.parent_id.as_ref().filter(|p| !(p.len() == 16 && p.bytes().all(|b| b.is_ascii_hexdigit()))) {
        attrs.push(s("canopy.original_parent_id", p.clone()));
    }
    if let Some(m) = &o.model {
        attrs.push(s("langfuse.observation.model.name", m.clone()));
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
    if !o.cost.is_empty() {
        let mut c = Map::new();
        for (k, v) in &o.cost.details {
            c.insert(k.clone(), json!(v));
        }
        if let Some(total) = o.cost.total {
            c.insert("total".into(), json!(total));
        }
        attrs.push(s("langfuse.observation.cost_details", Value::Object(c).to_string()));
    }
    attrs.push(s("langfuse.observation.level", o.level.label().to_ascii_uppercase()));
    if let Some(m) = &o.status_message {
        attrs.push(s("langfuse.observation.status_message", m.clone()));
    }
    if let Some(c) = o.completion_start_ns {
        attrs.push(s("langfuse.observation.completion_start_time", crate::model::time::format_rfc3339_ns(c)));
    }
    if let Some(tn) = &o.tool_name {
        attrs.push(s("tool.name", tn.clone()));
    }
    for (i, d) in o.documents.iter().enumerate() {
        let p = format!("retrieval.documents.{i}.document");
        if let Some(v) = &d.id {
            attrs.push(s(&format!("{p}.id"), v.clone()));
        }
        if let Some(v) = &d.content {
            attrs.push(s(&format!("{p}.content"), v.clone()));
        }
        if let Some(v) = d.score {
            attrs.push(json!({"key": format!("{p}.score"), "value": {"doubleValue": v}}));
        }
        if let Some(v) = &d.metadata {
            attrs.push(s(&format!("{p}.metadata"), v.clone()));
        }
    }
    if root {
        if let Some(n) = &t.name {
            attrs.push(s("langfuse.trace.name", n.clone()));
        }
        if let Some(v) = &t.session_id {
            attrs.push(s("langfuse.session.id", v.clone()));
        }
        if let Some(v) = &t.user_id {
            attrs.push(s("langfuse.user.id", v.clone()));
        }
        if !t.tags.is_empty() {
            let tags: Vec<Value> = t.tags.iter().map(|x| json!({"stringValue": x})).collect();
            attrs.push(json!({"key": "langfuse.trace.tags", "value": {"arrayValue": {"values": tags}}}));
        }
    }
    attrs.extend(o.attributes.iter().filter(|a| !ours(&a.key) && !a.key.starts_with("retrieval.documents.")).map(kv));
    let mut events: Vec<Value> = o
        .events
        .iter()
        .map(|e| {
            json!({"name": e.name, "timeUnixNano": e.time_ns.to_string(),
                   "attributes": e.attributes.iter().map(kv).collect::<Vec<_>>()})
        })
        .collect();
    for sc in &set.scores {
        let on_this =
            sc.trace_id.as_deref() == Some(t.id.as_str()) && sc.observation_id.as_deref() == Some(o.id.as_str());
        let on_trace = root && sc.trace_id.as_deref() == Some(t.id.as_str()) && sc.observation_id.is_none();
        let on_session = root
            && first_of_session
            && sc.trace_id.is_none()
            && sc.session_id.is_some()
            && sc.session_id == t.session_id;
        if on_this {
            events.push(score_event(sc, "observation"));
        } else if on_trace {
            events.push(score_event(sc, "trace"));
        } else if on_session {
            events.push(score_event(sc, "session"));
        }
    }
    let mut out = json!({
        "traceId": hex_id(&t.id, 32),
        "spanId": hex_id(&o.id, 16),
        "name": o.name,
        "kind": 1,
        "startTimeUnixNano": o.start_ns.to_string(),
        "attributes": attrs,
        "events": events,
        "status": if o.level == Level::Error {
            json!({"code": 2, "message": o.status_message.clone().unwrap_or_default()})
        } else {
            json!({})
        },
    });
    if let Value::Object(m) = &mut out {
        if let Some(e) = o.end_ns {
            m.insert("endTimeUnixNano".into(), json!(e.to_string()));
        }
        if let Some(p) = &o.parent_id {
            m.insert("parentSpanId".into(), json!(hex_id(p, 16)));
        }
    }
    out
}

/// Writes `set`; `note` goes in the resource attributes as `canopy.note`.
pub fn write(set: &TraceSet, note: Option<&str>) -> String {
    let mut sessions_seen = std::collections::HashSet::new();
    let mut resource_spans = Vec::new();
    for t in &set.traces {
        let first_of_session = t.session_id.as_ref().is_some_and(|s| sessions_seen.insert(s.clone()));
        let mut first_root = true;
        let spans: Vec<Value> = t
            .observations
            .iter()
            .map(|o| {
                let root = o.parent_id.is_none() && std::mem::take(&mut first_root);
                span(set, t, o, root, first_of_session)
            })
            .collect();
        let mut resource = vec![s("service.name", t.source.clone())];
        if !(t.id.len() == 32 && t.id.bytes().all(|b| b.is_ascii_hexdigit())) {
            resource.push(s("canopy.original_trace_id", t.id.clone()));
        }
        if let Some(n) = note {
            resource.push(s("canopy.note", n));
        }
        resource_spans.push(json!({
            "resource": {"attributes": resource},
            "scopeSpans": [{"scope": {"name": "canopy-export"}, "spans": spans}],
        }));
    }
    serde_json::to_string(&json!({ "resourceSpans": resource_spans })).unwrap_or_default()
}
