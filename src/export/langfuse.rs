//! Langfuse-export JSON: one trace as the UI's export (`{trace, observations}`), several as the
//! public API's trace list with full observations (`{data: [trace], meta}`); scores inside their
//! trace (`value`/`stringValue`/`longStringValue` by `dataType`); exact times (ns digits).

use crate::model::time::format_rfc3339_ns;
use crate::model::{AttrValue, Observation, Score, ScoreValue, Trace, TraceSet};
use serde_json::{json, Map, Value};

fn raw(p: &Option<crate::model::Payload>) -> Value {
    p.as_ref().and_then(|p| serde_json::from_str::<Value>(p.raw()).ok()).unwrap_or(Value::Null)
}

fn observation(t: &Trace, o: &Observation) -> Value {
    let mut usage = Map::new();
    for (k, v) in [("input", o.usage.input), ("output", o.usage.output), ("total", o.usage.total)] {
        if let Some(v) = v {
            usage.insert(k.into(), v.into());
        }
    }
    for (k, v) in &o.usage.details {
        usage.insert(k.clone(), (*v).into());
    }
    let mut cost = Map::new();
    for (k, v) in &o.cost.details {
        cost.insert(k.clone(), json!(v));
    }
    if let Some(total) = o.cost.total {
        cost.insert("total".into(), json!(total));
    }
    let attr = |k: &str| match o.attribute(k) {
        Some(AttrValue::Str(s)) => Value::String(s.clone()),
        _ => Value::Null,
    };
    let metadata = match o.attribute("metadata") {
        Some(AttrValue::Json(p)) => serde_json::from_str::<Value>(p.raw()).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    json!({
        "id": o.id,
        "traceId": t.id,
        "type": match o.attribute("langfuse.type") {
            Some(AttrValue::Str(s)) => s.clone(),
            _ => o.kind.label().to_ascii_uppercase(),
        },
        "name": o.name,
        "startTime": format_rfc3339_ns(o.start_ns),
        "endTime": o.end_ns.map(format_rfc3339_ns),
        "completionStartTime": o.completion_start_ns.map(format_rfc3339_ns),
        "parentObservationId": o.parent_id,
        "level": o.level.label().to_ascii_uppercase(),
        "statusMessage": o.status_message,
        "model": o.model,
        "modelParameters": raw(&o.model_parameters),
        "input": raw(&o.input),
        "output": raw(&o.output),
        "metadata": metadata,
        "usageDetails": usage,
        "costDetails": cost,
        "version": attr("version"),
        "environment": attr("environment"),
        "promptName": attr("prompt.name"),
    })
}

fn score(s: &Score) -> Value {
    let (data_type, value, string_value, long) = match &s.value {
        ScoreValue::Numeric(v) => ("NUMERIC", json!(v), Value::Null, Value::Null),
        ScoreValue::Boolean(b) => {
            ("BOOLEAN", json!(if *b { 1 } else { 0 }), json!(if *b { "True" } else { "False" }), Value::Null)
        }
        ScoreValue::Categorical(c) => ("CATEGORICAL", Value::Null, json!(c), Value::Null),
        ScoreValue::Text(t) => ("TEXT", Value::Null, Value::Null, json!(t)),
    };
    json!({
        "id": s.id,
        "name": s.name,
        "dataType": data_type,
        "value": value,
        "stringValue": string_value,
        "longStringValue": long,
        "source": s.source,
        "comment": s.comment,
        "traceId": s.trace_id,
        "observationId": s.observation_id,
        "sessionId": s.session_id,
        "timestamp": s.time_ns.map(format_rfc3339_ns),
    })
}

fn trace(set: &TraceSet, t: &Trace, first_of_session: bool) -> Value {
    let attr = |k: &str| match t.attributes.iter().find(|a| a.key == k).map(|a| &a.value) {
        Some(AttrValue::Str(s)) => Value::String(s.clone()),
        _ => Value::Null,
    };
    let metadata = match t.attributes.iter().find(|a| a.key == "metadata").map(|a| &a.value) {
        Some(AttrValue::Json(p)) => serde_json::from_str::<Value>(p.raw()).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    // a session's own scores travel with the first of its traces
    let scores: Vec<Value> = set
        .scores
        .iter()
        .filter(|s| {
            s.trace_id.as_deref() == Some(t.id.as_str())
                || (first_of_session && s.trace_id.is_none() && s.session_id.is_some() && s.session_id == t.session_id)
        })
        .map(score)
        .collect();
    json!({
        "id": t.id,
        "name": t.name,
        "timestamp": format_rfc3339_ns(t.start_ns),
        "sessionId": t.session_id,
        "userId": t.user_id,
        "tags": t.tags,
        "release": attr("release"),
        "version": attr("version"),
        "environment": attr("environment"),
        "input": raw(&t.input),
        "output": raw(&t.output),
        "metadata": metadata,
        "totalCost": t.reported_cost_usd,
        "scores": scores,
    })
}

/// Writes `set`; `note` (e.g. how it was redacted) goes in a top-level `canopyNote`.
pub fn write(set: &TraceSet, note: Option<&str>) -> String {
    let mut sessions_seen = std::collections::HashSet::new();
    let mut entries: Vec<(Value, Vec<Value>)> = Vec::new();
    for t in &set.traces {
        let first = t.session_id.as_ref().is_some_and(|s| sessions_seen.insert(s.clone()));
        let obs = t.observations.iter().map(|o| observation(t, o)).collect();
        entries.push((trace(set, t, first), obs));
    }
    let mut doc = Map::new();
    if let Some(n) = note {
        doc.insert("canopyNote".into(), json!(n));
    }
    if entries.len() == 1 {
        if let Some((t, obs)) = entries.pop() {
            doc.insert("trace".into(), t);
            doc.insert("observations".into(), Value::Array(obs));
        }
    } else {
        let n = entries.len();
        let data: Vec<Value> = entries
            .into_iter()
            .map(|(mut t, obs)| {
                if let Value::Object(m) = &mut t {
                    m.insert("observations".into(), Value::Array(obs));
                }
                t
            })
            .collect();
        doc.insert("data".into(), Value::Array(data));
        doc.insert("meta".into(), json!({"page": 1, "limit": n, "totalItems": n, "totalPages": 1}));
    }
    serde_json::to_string(&Value::Object(doc)).unwrap_or_default()
}
