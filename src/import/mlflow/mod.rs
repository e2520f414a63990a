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
use super::{jsonv, semconv, shape_error, Format, ImportError};
use crate::model::warning::PagedService;
use crate::model::{
    AttrValue, Attribute, Event, Kind, Level, Observation, Payload, Score, ScoreValue, Trace, TraceSet, Warning,
    WarningKind,
};
use serde_json::Value;
use wire::{arr, boolean, flex_int, key_values, length, obj, object, s, stamp, Res};

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let mut set = TraceSet::default();
    let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| shape_error(format, &e));
    if format == Format::MlflowJsonLines {
        for (n, line) in body.split('\n').enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let e = parse(line).and_then(|e| add(&mut set, file, &e, format, jsonv::spaced(line)));
            e.map_err(|e| super::at_line(e, n + 1))?;
        }
    } else if columns_of_a_frame(body) {
        // pandas' default `to_json()`: one object per column, rows by index; the `trace` column
        // holds each row's trace as JSON text
        let frame = parse(body)?;
        let frame = object(&frame, "the file").map_err(|r| bad(format, r))?;
        for (_, text) in wire::key_values(frame, "trace", true).map_err(|r| bad(format, r))?.0 {
            add_one(&mut set, file, &parse(&text)?, format, jsonv::spaced(&text))?;
        }
    } else {
        let spaced = jsonv::spaced(body);
        match parse(body)? {
            Value::Array(list) => {
                for e in &list {
                    add(&mut set, file, e, format, spaced)?;
                }
            }
            e => add(&mut set, file, &e, format, spaced)?,
        }
    }
    Ok(set)
}

/// A value of the wrong type, as a shape error of the format (a value tree has no positions).
fn bad(format: Format, reason: String) -> ImportError {
    ImportError::Shape { format: format.label(), line: 1, column: 1, reason }
}

/// Whether `body` is a DataFrame written column by column: `trace_id` is an object (of row
/// indices), not a text.
fn columns_of_a_frame(body: &str) -> bool {
    let s = super::sniff::shape(body.as_bytes());
    !s.top_array && s.sub.iter().any(|(k, keys)| k == "trace_id" && !keys.is_empty())
}

/// Adds the traces one entry holds (a page of them, a `search_traces` row, or one trace).
/// `spaced`: whether the document was written with Python's separators (`", "`, `": "`), as the
/// objects it holds are written again when kept as text.
fn add(set: &mut TraceSet, file: &str, e: &Value, format: Format, spaced: bool) -> Result<(), ImportError> {
    let e = object(e, "a trace").map_err(|r| bad(format, r))?;
    if let Some(traces) = arr(e, "traces").map_err(|r| bad(format, r))? {
        if s(e, "next_page_token").map_err(|r| bad(format, r))?.is_some_and(|t| !t.is_empty()) {
            set.warnings.push(Warning::new(file, WarningKind::OnePage { of: PagedService::Mlflow }));
        }
        for t in traces {
            add_one(set, file, t, format, spaced)?;
        }
        return Ok(());
    }
    add_one(set, file, e, format, spaced)
}

/// One trace: `{info, data}`, a row whose `trace` column holds that as text, or a trace info.
fn add_one(set: &mut TraceSet, file: &str, e: &Value, format: Format, spaced: bool) -> Result<(), ImportError> {
    let e = object(e, "a trace").map_err(|r| bad(format, r))?;
    if let Some(trace) = wire::get_any(e, "trace") {
        // pandas wrote the trace's JSON as a string; a trace object is read as it is
        let parsed;
        let (inner, inner_spaced) = match trace {
            Value::String(text) => {
                parsed = serde_json::from_str::<Value>(text).map_err(|e| shape_error(format, &e))?;
                (&parsed, jsonv::spaced(text))
            }
            other => (other, spaced),
        };
        let inner = object(inner, "trace").map_err(|r| bad(format, r))?;
        if wire::get_any(inner, "info").is_some() || wire::get_any(inner, "trace_info").is_some() {
            return add_one(set, file, inner, format, inner_spaced);
        }
    }
    trace(set, file, e, spaced).map_err(|r| bad(format, r))
}

/// One trace of its info and its spans.
fn trace(set: &mut TraceSet, file: &str, e: &Value, spaced: bool) -> Res<()> {
    let (info, data, spans) = match (obj(e, "info")?, obj(e, "trace_info")?) {
        (Some(info), _) => {
            let data = obj(e, "data")?;
            (info, data, data.map(|d| arr(d, "spans")).transpose()?.flatten())
        }
        (None, Some(info)) => (info, None, arr(e, "spans")?),
        (None, None) => (e, None, arr(e, "spans")?),
    };
    let obs = spans.unwrap_or_default().iter().map(|sp| observation(sp, spaced)).collect::<Res<Vec<Observation>>>()?;
    let id = s(info, "trace_id")?
        .or(s(info, "request_id")?)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| obs.first().and_then(|o| o.attribute("mlflow.traceRequestId")).map(AttrValue::display))
        .unwrap_or_else(|| "(no id)".to_string());
    let trace_metadata = key_values(info, "trace_metadata", spaced)?;
    let request_metadata = key_values(info, "request_metadata", spaced)?;
    let tags = key_values(info, "tags", spaced)?;
    let mut obs = obs;
    let ids = semconv::apply_all(&mut obs);
    let mut t = Trace::build(id.clone(), obs, file, &mut set.warnings);
    let meta = |k: &str| trace_metadata.get(k).or_else(|| request_metadata.get(k));
    let tag = |k: &str| tags.get(k);
    let known = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
    t.name = known(tag("mlflow.traceName"));
    t.session_id = known(meta("mlflow.trace.session").or_else(|| tag("mlflow.trace.session")));
    t.user_id = known(meta("mlflow.trace.user").or_else(|| tag("mlflow.trace.user")));
    ids.apply_to(&mut t);
    t.reported_cost_usd = meta("mlflow.trace.cost").and_then(total_cost);
    let (request_time, timestamp_ms) = (stamp(info, "request_time")?, stamp(info, "timestamp_ms")?);
    let (request_preview, response_preview) = (s(info, "request_preview")?, s(info, "response_preview")?);
    if t.observations.is_empty() {
        // a trace info alone (REST): its own time and its request and response previews
        if let Some(start) = request_time.or(timestamp_ms) {
            t.start_ns = start;
        }
        let v2 = |k: &str| data.and_then(|d| wire::get_any(d, k)).map(|x| wire::text_of(x, spaced));
        let request = request_preview.map(str::to_string).or_else(|| v2("request"));
        let response = response_preview.map(str::to_string).or_else(|| v2("response"));
        t.input = preview(wire::get_any(info, "request"), request.as_deref());
        t.output = preview(wire::get_any(info, "response"), response.as_deref());
    }
    let state = s(info, "state")?.or(s(info, "status")?);
    let location = obj(info, "trace_location")?;
    let experiment = location.map(|l| obj(l, "mlflow_experiment")).transpose()?.flatten();
    let experiment = experiment.map(|x| s(x, "experiment_id")).transpose()?.flatten();
    let length = length(info, "execution_duration")?
        .or(length(info, "execution_duration_ms")?)
        .or(length(info, "execution_time_ms")?);
    let own = [
        ("mlflow.state", state.map(str::to_string)),
        ("mlflow.experimentId", experiment.or(s(info, "experiment_id")?).map(str::to_string)),
        ("mlflow.clientRequestId", s(info, "client_request_id")?.map(str::to_string)),
        ("mlflow.executionDurationNs", length.map(|n| n.to_string())),
    ];
    for (k, v) in own.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))) {
        t.attributes.push(Attribute { key: k.into(), value: AttrValue::Str(v) });
    }
    for (k, v) in trace_metadata.0.into_iter().chain(request_metadata.0).chain(tags.0) {
        t.attributes.push(Attribute { key: k.as_str().into(), value: AttrValue::Str(v) });
    }
    for a in arr(info, "assessments")?.unwrap_or_default() {
        if let Some(s) = score(a, &id, spaced)? {
            set.scores.push(s);
        }
    }
    set.traces.push(t);
    Ok(())
}

/// `total_cost` of MLflow's `{"input_cost": …, "output_cost": …, "total_cost": …}`.
fn total_cost(text: &str) -> Option<f64> {
    let cost = serde_json::from_str::<Value>(text).ok()?;
    jsonv::get(&cost, &["total_cost"])?.as_f64().filter(|c| c.is_finite())
}

/// A request or response: decoded JSON (`search_traces`), else a preview's JSON text, else its text.
fn preview(decoded: Option<&Value>, text: Option<&str>) -> Option<Payload> {
    if let Some(v) = decoded {
        return Some(Payload::from_value(v));
    }
    let text = text.filter(|t| !t.is_empty())?;
    Some(Payload::from_json_text(text).unwrap_or_else(|| Payload::from_text(text)))
}

/// An id as Canopy keeps it: hex (v3 writes base64, v2 `0x…` hex or bare hex).
fn id_of(raw: &str) -> String {
    let t = raw.trim();
    normalize_id(t.strip_prefix("0x").unwrap_or(t))
}

fn observation(span: &Value, spaced: bool) -> Res<Observation> {
    let sp = object(span, "spans")?;
    let ctx = obj(sp, "context")?;
    s(sp, "trace_id")?;
    let ctx_id = ctx.map(|c| s(c, "span_id")).transpose()?.flatten();
    if let Some(c) = ctx {
        s(c, "trace_id")?;
    }
    let id = s(sp, "span_id")?.or(ctx_id).map(id_of).unwrap_or_default();
    let start = flex_int(sp, "start_time_unix_nano")?.or(flex_int(sp, "start_time")?).unwrap_or(0);
    let mut o = Observation::new(id, Kind::Span, s(sp, "name")?.unwrap_or_default().to_string(), start);
    o.parent_id = s(sp, "parent_span_id")?.or(s(sp, "parent_id")?).filter(|p| !is_blank_id(p)).map(id_of);
    o.end_ns = flex_int(sp, "end_time_unix_nano")?.or(flex_int(sp, "end_time")?);
    let status = obj(sp, "status")?;
    let (code, message) = match status {
        Some(st) => (s(st, "code")?, s(st, "message")?),
        None => (None, None),
    };
    let code = code.or(s(sp, "status_code")?).unwrap_or_default();
    if code.ends_with("ERROR") {
        o.level = Level::Error;
    }
    o.status_message = message.or(s(sp, "status_message")?).filter(|m| !m.is_empty()).map(str::to_string);
    o.attributes = wire::attributes(sp, spaced)?;
    for e in arr(sp, "events")?.unwrap_or_default() {
        let e = object(e, "events")?;
        o.events.push(Event {
            name: s(e, "name")?.unwrap_or_default().to_string(),
            time_ns: flex_int(e, "time_unix_nano")?.or(flex_int(e, "timestamp")?).unwrap_or(0),
            attributes: wire::attributes(e, spaced)?,
        });
    }
    Ok(o)
}

/// Feedback or an expectation as a score on the trace, or on its span. Assessments MLflow marked
/// invalid (overridden by a later one) are left out, as MLflow's own views leave them out.
fn score(a: &Value, trace_id: &str, spaced: bool) -> Res<Option<Score>> {
    let a = object(a, "assessments")?;
    let (feedback, expectation) = (obj(a, "feedback")?, obj(a, "expectation")?);
    let source = obj(a, "source")?;
    let (kind, who) = match source {
        Some(src) => (s(src, "source_type")?, s(src, "source_id")?),
        None => (None, None),
    };
    let (id, name, span_id) = (s(a, "assessment_id")?, s(a, "assessment_name")?, s(a, "span_id")?);
    let (time_ns, rationale) = (stamp(a, "create_time")?, s(a, "rationale")?);
    if boolean(a, "valid")? == Some(false) {
        return Ok(None);
    }
    let (valued, expectation) = match (feedback, expectation) {
        (Some(f), _) => (f, false),
        (None, Some(e)) => (e, true),
        (None, None) => return Ok(None),
    };
    let serialized = obj(valued, "serialized_value")?.map(|x| s(x, "value")).transpose()?.flatten();
    let error = match obj(valued, "error")? {
        Some(e) => Some(s(e, "error_message")?.or(s(e, "error_code")?)),
        None => None,
    };
    let value = match wire::get_any(valued, "value") {
        Some(v) => value_of(v, expectation, spaced),
        None => match (serialized, error) {
            (Some(text), _) => ScoreValue::Text(text.to_string()),
            (None, Some(e)) => ScoreValue::Text(format!("error: {}", e.unwrap_or_default())),
            (None, None) => return Ok(None),
        },
    };
    let source = match (kind, expectation) {
        (Some(k), true) => Some(format!("{k} expectation")),
        (None, true) => Some("expectation".to_string()),
        (k, false) => k.map(str::to_string),
    };
    let comment = match (rationale.filter(|r| !r.is_empty()), who) {
        (Some(r), Some(w)) => Some(format!("{r} ({w})")),
        (Some(r), None) => Some(r.to_string()),
        (None, w) => w.map(str::to_string),
    };
    Ok(Some(Score {
        id: id.unwrap_or_default().to_string(),
        name: name.unwrap_or_default().to_string(),
        value,
        source,
        comment,
        trace_id: Some(trace_id.to_string()),
        observation_id: span_id.filter(|s| !is_blank_id(s)).map(id_of),
        session_id: None,
        time_ns,
    }))
}

/// A value as the score type it reads as: a boolean, a number, a label (feedback) or a text
/// (an expectation); anything else as its JSON text.
fn value_of(v: &Value, expectation: bool, spaced: bool) -> ScoreValue {
    match v {
        Value::Bool(b) => ScoreValue::Boolean(*b),
        Value::String(t) if expectation => ScoreValue::Text(t.clone()),
        Value::String(t) => ScoreValue::Categorical(t.clone()),
        Value::Number(n) => n.as_f64().map(ScoreValue::Numeric).unwrap_or_else(|| ScoreValue::Text(n.to_string())),
        other => ScoreValue::Text(jsonv::json_text_as(other, spaced)),
    }
}
