//! MLflow Tracing's own files: `Trace.to_json()` in the v3 shape (`info.trace_id`,
//! `request_time`, `state`, `trace_metadata`, `assessments`) and the v2 shape (`info.request_id`,
//! `timestamp_ms`, `status`, `request_metadata`), a list of traces, `mlflow.search_traces()` saved
//! by pandas (`to_json(orient="records")`, or JSON Lines with `lines=True`: each row's `trace`
//! column holds the trace's JSON text), and the REST answers of `/api/3.0/mlflow/traces/search`
//! and `/api/2.0/mlflow/traces` (trace infos without spans).
//!
//! The spans' `mlflow.*` attributes are read by `semconv::mlflow` (as in MLflow's OTLP export).
//! Assessments become scores: feedback and expectations, on the trace or on their span. The
//! trace's `mlflow.trace.tokenUsage` is not counted (its spans are); its `mlflow.trace.cost` is the
//! platform's reported cost.

#[cfg(test)]
mod tests;
mod wire;

use super::wire::{is_blank_id, normalize_id};
use super::{semconv, shape_error, Format, ImportError};
use crate::model::warning::PagedService;
use crate::model::{
    AttrValue, Attribute, Event, Kind, Level, Observation, Payload, Score, ScoreValue, Trace, TraceSet, Warning,
    WarningKind,
};
use serde_json::value::RawValue;
use wire::{Assessment, Attr, Attributes, Entry, WireSpan};

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let mut set = TraceSet::default();
    if format == Format::MlflowJsonLines {
        for (n, line) in body.split('\n').enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let e: Entry = serde_json::from_str(line).map_err(|e| super::at_line(shape_error(format, &e), n + 1))?;
            add(&mut set, file, e, format)?;
        }
    } else if columns_of_a_frame(body) {
        // pandas' default `to_json()`: one object per column, rows by index; the `trace` column
        // holds each row's trace as JSON text
        let frame: wire::Columns = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
        for (_, text) in frame.trace.0 {
            let e: Entry = serde_json::from_str(&text).map_err(|e| shape_error(format, &e))?;
            add_one(&mut set, file, e, format)?;
        }
    } else if body.trim_start().starts_with('[') {
        let list: Vec<Entry> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
        for e in list {
            add(&mut set, file, e, format)?;
        }
    } else {
        let e: Entry = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
        add(&mut set, file, e, format)?;
    }
    Ok(set)
}

/// Whether `body` is a DataFrame written column by column: `trace_id` is an object (of row
/// indices), not a text.
fn columns_of_a_frame(body: &str) -> bool {
    let s = super::sniff::shape(body.as_bytes());
    !s.top_array && s.sub.iter().any(|(k, keys)| k == "trace_id" && !keys.is_empty())
}

/// Adds the traces one entry holds (a page of them, a `search_traces` row, or one trace).
fn add(set: &mut TraceSet, file: &str, e: Entry, format: Format) -> Result<(), ImportError> {
    if let Some(traces) = e.traces {
        if e.next_page_token.is_some_and(|t| !t.is_empty()) {
            set.warnings.push(Warning::new(file, WarningKind::OnePage { of: PagedService::Mlflow }));
        }
        for t in traces {
            add_one(set, file, t, format)?;
        }
        return Ok(());
    }
    add_one(set, file, e, format)
}

/// One trace: `{info, data}`, a row whose `trace` column holds that as text, or a trace info.
fn add_one(set: &mut TraceSet, file: &str, mut e: Entry, format: Format) -> Result<(), ImportError> {
    if let Some(raw) = e.trace.take() {
        // pandas wrote the trace's JSON as a string; a trace object is read as it is
        let text = serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_string());
        let inner: Entry = serde_json::from_str(&text).map_err(|e| shape_error(format, &e))?;
        if inner.info.is_some() || inner.trace_info.is_some() {
            return add_one(set, file, inner, format);
        }
    }
    let (info, data) = match (e.info.take(), e.trace_info.take()) {
        (Some(info), _) => (*info, e.data.take()),
        (None, Some(info)) => (*info, Some(wire::Data { spans: e.spans.take(), ..Default::default() })),
        (None, None) => {
            let spans = e.spans.take();
            (e, Some(wire::Data { spans, ..Default::default() }))
        }
    };
    let data = data.unwrap_or_default();
    let obs: Vec<Observation> = data.spans.unwrap_or_default().into_iter().map(observation).collect();
    let id = info
        .trace_id
        .clone()
        .or_else(|| info.request_id.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| obs.first().and_then(|o| o.attribute("mlflow.traceRequestId")).map(AttrValue::display))
        .unwrap_or_else(|| "(no id)".to_string());
    let mut obs = obs;
    let ids = semconv::apply_all(&mut obs);
    let mut t = Trace::build(id.clone(), obs, file, &mut set.warnings);
    let meta = |k: &str| info.trace_metadata.get(k).or_else(|| info.request_metadata.get(k));
    let tag = |k: &str| info.tags.get(k);
    let known = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
    t.name = known(tag("mlflow.traceName"));
    t.session_id = known(meta("mlflow.trace.session").or_else(|| tag("mlflow.trace.session")));
    t.user_id = known(meta("mlflow.trace.user").or_else(|| tag("mlflow.trace.user")));
    ids.apply_to(&mut t);
    t.reported_cost_usd = meta("mlflow.trace.cost").and_then(total_cost);
    if t.observations.is_empty() {
        // a trace info alone (REST): its own time and its request and response previews
        if let Some(start) = info.request_time.0.or(info.timestamp_ms.0) {
            t.start_ns = start;
        }
        let text = |preview: &Option<String>, v2: &Option<Box<RawValue>>| {
            preview.clone().or_else(|| v2.as_deref().map(wire::text_of))
        };
        t.input = preview(info.request.as_deref(), text(&info.request_preview, &data.request).as_deref());
        t.output = preview(info.response.as_deref(), text(&info.response_preview, &data.response).as_deref());
    }
    let state = info.state.as_deref().or(info.status.as_deref());
    let experiment =
        info.trace_location.as_ref().and_then(|l| l.mlflow_experiment.as_ref()).and_then(|x| x.experiment_id.clone());
    let length = info.execution_duration.0.or(info.execution_duration_ms.0).or(info.execution_time_ms.0);
    let own = [
        ("mlflow.state", state.map(str::to_string)),
        ("mlflow.experimentId", experiment.or_else(|| info.experiment_id.clone())),
        ("mlflow.clientRequestId", info.client_request_id.clone()),
        ("mlflow.executionDurationNs", length.map(|n| n.to_string())),
    ];
    for (k, v) in own.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))) {
        t.attributes.push(Attribute { key: k.into(), value: AttrValue::Str(v) });
    }
    for (k, v) in info.trace_metadata.0.iter().chain(&info.request_metadata.0).chain(&info.tags.0) {
        t.attributes.push(Attribute { key: k.as_str().into(), value: AttrValue::Str(v.clone()) });
    }
    for a in info.assessments.unwrap_or_default() {
        if let Some(s) = score(a, &id) {
            set.scores.push(s);
        }
    }
    set.traces.push(t);
    Ok(())
}

/// `total_cost` of MLflow's `{"input_cost": …, "output_cost": …, "total_cost": …}`.
fn total_cost(text: &str) -> Option<f64> {
    #[derive(serde::Deserialize)]
    struct Cost {
        total_cost: Option<f64>,
    }
    serde_json::from_str::<Cost>(text).ok().and_then(|c| c.total_cost).filter(|c| c.is_finite())
}

/// A request or response: decoded JSON (`search_traces`), else a preview's JSON text, else its text.
fn preview(decoded: Option<&RawValue>, text: Option<&str>) -> Option<Payload> {
    if let Some(raw) = decoded.filter(|r| r.get() != "null") {
        return Some(Payload::from_raw(raw.to_owned()));
    }
    let text = text.filter(|t| !t.is_empty())?;
    Some(Payload::from_json_text(text).unwrap_or_else(|| Payload::from_text(text)))
}

/// An id as Canopy keeps it: hex (v3 writes base64, v2 `0x…` hex or bare hex).
fn id_of(raw: &str) -> String {
    let t = raw.trim();
    normalize_id(t.strip_prefix("0x").unwrap_or(t))
}

fn observation(s: WireSpan) -> Observation {
    let ctx = s.context.unwrap_or_default();
    let id = s.span_id.or(ctx.span_id).map(|i| id_of(&i)).unwrap_or_default();
    let start = s.start_time_unix_nano.to_i64().or(s.start_time.to_i64()).unwrap_or(0);
    let mut o = Observation::new(id, Kind::Span, s.name.unwrap_or_default(), start);
    o.parent_id = s.parent_span_id.or(s.parent_id).filter(|p| !is_blank_id(p)).map(|p| id_of(&p));
    o.end_ns = s.end_time_unix_nano.to_i64().or(s.end_time.to_i64());
    let status = s.status.unwrap_or_default();
    let code = status.code.or(s.status_code).unwrap_or_default();
    if code.ends_with("ERROR") {
        o.level = Level::Error;
    }
    o.status_message = status.message.or(s.status_message).filter(|m| !m.is_empty());
    o.attributes = attributes(s.attributes);
    o.events = s
        .events
        .unwrap_or_default()
        .into_iter()
        .map(|e| Event {
            name: e.name.unwrap_or_default(),
            time_ns: e.time_unix_nano.to_i64().or(e.timestamp.to_i64()).unwrap_or(0),
            attributes: attributes(e.attributes),
        })
        .collect();
    o
}

/// Attribute values as OTLP would carry them: a string as its text (MLflow's JSON-encoded
/// strings stay encoded, for `semconv::mlflow` to read as it reads the OTLP export), numbers and
/// booleans typed, objects and lists as JSON; nulls dropped.
fn attributes(a: Attributes) -> Vec<Attribute> {
    a.0.into_iter()
        .filter_map(|(k, v)| {
            let raw = match v {
                Attr::Json(raw) => raw,
                Attr::Text(s) => return Some(Attribute { key: k.as_str().into(), value: AttrValue::Str(s) }),
                Attr::Value(v) => serde_json::value::to_raw_value(&v).ok()?,
            };
            let v = raw.get();
            let value = match v.as_bytes().first() {
                Some(b'"') => AttrValue::Str(serde_json::from_str::<String>(v).ok()?),
                Some(b't') => AttrValue::Bool(true),
                Some(b'f') => AttrValue::Bool(false),
                Some(b'n') => return None,
                Some(b'{') | Some(b'[') => AttrValue::Json(Payload::from_raw(raw)),
                _ if v.contains(['.', 'e', 'E']) => AttrValue::Float(serde_json::from_str(v).ok()?),
                _ => AttrValue::Int(v.to_string()),
            };
            Some(Attribute { key: k.as_str().into(), value })
        })
        .collect()
}

/// Feedback or an expectation as a score on the trace, or on its span. Assessments MLflow marked
/// invalid (overridden by a later one) are left out, as MLflow's own views leave them out.
fn score(a: Assessment, trace_id: &str) -> Option<Score> {
    if a.valid == Some(false) {
        return None;
    }
    let (valued, expectation) = match (a.feedback, a.expectation) {
        (Some(f), _) => (f, false),
        (None, Some(e)) => (e, true),
        (None, None) => return None,
    };
    let value = match valued.value.as_deref().map(RawValue::get).filter(|v| *v != "null") {
        Some(v) => value_of(v, expectation),
        None => match (valued.serialized_value.and_then(|s| s.value), valued.error) {
            (Some(text), _) => ScoreValue::Text(text),
            (None, Some(e)) => {
                ScoreValue::Text(format!("error: {}", e.error_message.or(e.error_code).unwrap_or_default()))
            }
            (None, None) => return None,
        },
    };
    let kind = a.source.as_ref().and_then(|s| s.source_type.clone());
    let who = a.source.and_then(|s| s.source_id);
    let source = match (kind, expectation) {
        (Some(k), true) => Some(format!("{k} expectation")),
        (None, true) => Some("expectation".to_string()),
        (k, false) => k,
    };
    let comment = match (a.rationale.filter(|r| !r.is_empty()), who) {
        (Some(r), Some(w)) => Some(format!("{r} ({w})")),
        (Some(r), None) => Some(r),
        (None, w) => w,
    };
    Some(Score {
        id: a.assessment_id.unwrap_or_default(),
        name: a.assessment_name.unwrap_or_default(),
        value,
        source,
        comment,
        trace_id: Some(trace_id.to_string()),
        observation_id: a.span_id.filter(|s| !is_blank_id(s)).map(|s| id_of(&s)),
        session_id: None,
        time_ns: a.create_time.0,
    })
}

/// A value as the score type it reads as: a boolean, a number, a label (feedback) or a text
/// (an expectation); anything else as its JSON text.
fn value_of(v: &str, expectation: bool) -> ScoreValue {
    match v.as_bytes().first() {
        Some(b't') if v == "true" => ScoreValue::Boolean(true),
        Some(b'f') if v == "false" => ScoreValue::Boolean(false),
        Some(b'"') => {
            let s = serde_json::from_str::<String>(v).unwrap_or_else(|_| v.to_string());
            if expectation {
                ScoreValue::Text(s)
            } else {
                ScoreValue::Categorical(s)
            }
        }
        Some(b'{') | Some(b'[') => ScoreValue::Text(v.to_string()),
        _ => {
            serde_json::from_str::<f64>(v).map(ScoreValue::Numeric).unwrap_or_else(|_| ScoreValue::Text(v.to_string()))
        }
    }
}
