//! Langfuse-export JSON: one trace as the UI's export (`{trace, observations}`), several as the
//! public API's trace list with full observations (`{data: [trace], meta}`); scores inside their
//! trace (`value`/`stringValue`/`longStringValue` by `dataType`); exact times (ns digits).
//! Written from typed views of the model: payloads go out as their raw JSON, never re-parsed.

use crate::model::time::format_rfc3339_ns;
use crate::model::{AttrValue, Observation, Payload, Score, ScoreValue, Trace, TraceSet};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

fn raw(p: &Option<Payload>) -> Option<&RawValue> {
    p.as_ref().map(Payload::as_raw_value)
}

/// A text attribute of the observation or trace.
fn text<'a>(attrs: &'a [crate::model::Attribute], k: &str) -> Option<&'a str> {
    match attrs.iter().find(|a| a.key == k).map(|a| &a.value) {
        Some(AttrValue::Str(s)) => Some(s),
        _ => None,
    }
}

/// The `metadata` attribute when it holds JSON.
fn metadata(attrs: &[crate::model::Attribute]) -> Option<&RawValue> {
    match attrs.iter().find(|a| a.key == "metadata").map(|a| &a.value) {
        Some(AttrValue::Json(p)) => Some(p.as_raw_value()),
        _ => None,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObservationOut<'a> {
    id: &'a str,
    trace_id: &'a str,
    #[serde(rename = "type")]
    kind: String,
    name: &'a str,
    start_time: String,
    end_time: Option<String>,
    completion_start_time: Option<String>,
    parent_observation_id: Option<&'a str>,
    level: String,
    status_message: Option<&'a str>,
    model: Option<&'a str>,
    model_parameters: Option<&'a RawValue>,
    input: Option<&'a RawValue>,
    output: Option<&'a RawValue>,
    metadata: Option<&'a RawValue>,
    usage_details: Map<String, Value>,
    cost_details: Map<String, Value>,
    version: Option<&'a str>,
    environment: Option<&'a str>,
    prompt_name: Option<&'a str>,
}

fn observation<'a>(t: &'a Trace, o: &'a Observation) -> ObservationOut<'a> {
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
    // a cost Canopy estimated is not the source's: only reported costs are written
    if o.cost.is_reported() {
        for (k, v) in &o.cost.details {
            cost.insert(k.clone(), (*v).into());
        }
        if let Some(total) = o.cost.total {
            cost.insert("total".into(), total.into());
        }
    }
    ObservationOut {
        id: &o.id,
        trace_id: &t.id,
        kind: match o.attribute("langfuse.type") {
            Some(AttrValue::Str(s)) => s.clone(),
            _ => o.kind.label().to_ascii_uppercase(),
        },
        name: &o.name,
        start_time: format_rfc3339_ns(o.start_ns),
        end_time: o.end_ns.map(format_rfc3339_ns),
        completion_start_time: o.completion_start_ns.map(format_rfc3339_ns),
        parent_observation_id: o.parent_id.as_deref(),
        level: o.level.label().to_ascii_uppercase(),
        status_message: o.status_message.as_deref(),
        model: o.model.as_deref(),
        model_parameters: raw(&o.model_parameters),
        input: raw(&o.input),
        output: raw(&o.output),
        metadata: metadata(&o.attributes),
        usage_details: usage,
        cost_details: cost,
        version: text(&o.attributes, "version"),
        environment: text(&o.attributes, "environment"),
        prompt_name: text(&o.attributes, "prompt.name"),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScoreOut<'a> {
    id: &'a str,
    name: &'a str,
    data_type: &'static str,
    value: Value,
    string_value: Option<&'a str>,
    long_string_value: Option<&'a str>,
    source: Option<&'a str>,
    comment: Option<&'a str>,
    trace_id: Option<&'a str>,
    observation_id: Option<&'a str>,
    session_id: Option<&'a str>,
    timestamp: Option<String>,
}

fn score(s: &Score) -> ScoreOut<'_> {
    let (data_type, value, string_value, long) = match &s.value {
        ScoreValue::Numeric(v) => ("NUMERIC", Value::from(*v), None, None),
        ScoreValue::Boolean(b) => ("BOOLEAN", Value::from(u8::from(*b)), Some(if *b { "True" } else { "False" }), None),
        ScoreValue::Categorical(c) => ("CATEGORICAL", Value::Null, Some(c.as_str()), None),
        ScoreValue::Text(t) => ("TEXT", Value::Null, None, Some(t.as_str())),
    };
    ScoreOut {
        id: &s.id,
        name: &s.name,
        data_type,
        value,
        string_value,
        long_string_value: long,
        source: s.source.as_deref(),
        comment: s.comment.as_deref(),
        trace_id: s.trace_id.as_deref(),
        observation_id: s.observation_id.as_deref(),
        session_id: s.session_id.as_deref(),
        timestamp: s.time_ns.map(format_rfc3339_ns),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TraceOut<'a> {
    id: &'a str,
    name: Option<&'a str>,
    timestamp: String,
    session_id: Option<&'a str>,
    user_id: Option<&'a str>,
    tags: &'a [String],
    release: Option<&'a str>,
    version: Option<&'a str>,
    environment: Option<&'a str>,
    input: Option<&'a RawValue>,
    output: Option<&'a RawValue>,
    metadata: Option<&'a RawValue>,
    total_cost: Option<f64>,
    scores: Vec<ScoreOut<'a>>,
    /// In a trace list each trace carries its observations.
    #[serde(skip_serializing_if = "Option::is_none")]
    observations: Option<Vec<ObservationOut<'a>>>,
}

fn trace<'a>(set: &'a TraceSet, t: &'a Trace, first_of_session: bool) -> TraceOut<'a> {
    // a session's own scores travel with the first of its traces
    let scores = set
        .scores
        .iter()
        .filter(|s| {
            s.trace_id.as_deref() == Some(t.id.as_str())
                || (first_of_session && s.trace_id.is_none() && s.session_id.is_some() && s.session_id == t.session_id)
        })
        .map(score)
        .collect();
    TraceOut {
        id: &t.id,
        name: t.name.as_deref(),
        timestamp: format_rfc3339_ns(t.start_ns),
        session_id: t.session_id.as_deref(),
        user_id: t.user_id.as_deref(),
        tags: &t.tags,
        release: text(&t.attributes, "release"),
        version: text(&t.attributes, "version"),
        environment: text(&t.attributes, "environment"),
        input: raw(&t.input),
        output: raw(&t.output),
        metadata: metadata(&t.attributes),
        total_cost: t.reported_cost_usd,
        scores,
        observations: None,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    page: usize,
    limit: usize,
    total_items: usize,
    total_pages: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Doc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    canopy_note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<TraceOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    observations: Option<Vec<ObservationOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Vec<TraceOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<Meta>,
}

/// Writes `set`; `note` (e.g. how it was redacted) goes in a top-level `canopyNote`.
pub fn write(set: &TraceSet, note: Option<&str>) -> String {
    let mut sessions_seen = std::collections::HashSet::new();
    let mut entries: Vec<TraceOut> = Vec::new();
    for t in &set.traces {
        let first = t.session_id.as_ref().is_some_and(|s| sessions_seen.insert(s.clone()));
        let mut out = trace(set, t, first);
        out.observations = Some(t.observations.iter().map(|o| observation(t, o)).collect());
        entries.push(out);
    }
    let mut doc = Doc { canopy_note: note, trace: None, observations: None, data: None, meta: None };
    if entries.len() == 1 {
        if let Some(mut t) = entries.pop() {
            doc.observations = t.observations.take();
            doc.trace = Some(t);
        }
    } else {
        let n = entries.len();
        doc.data = Some(entries);
        doc.meta = Some(Meta { page: 1, limit: n, total_items: n, total_pages: 1 });
    }
    serde_json::to_string(&doc).unwrap_or_default()
}
