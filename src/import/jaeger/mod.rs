//! Jaeger JSON: the query API's `{data: [trace…]}` (or `{data: trace}`), a single trace `{traceID, spans, processes}`,
//! or JSON Lines of traces. Times are microseconds; tags keep their declared types.

pub(super) mod domain;

use super::semconv;
use super::wire::FlexInt;
use super::{shape_error, Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Event, Level, Observation, Trace, TraceSet, Warning, WarningKind};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Response<'a> {
    /// A list of traces as the query API writes it (nulls skipped), or one trace object: kept as
    /// written and read by its first byte (a visitor taking either costs a second copy of the
    /// trace reader).
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    errors: Option<Vec<WireError>>,
}

/// The traces of `data` (a slice of `body`); errors placed in the whole body.
fn data_traces(body: &str, data: &RawValue, format: Format) -> Result<Vec<WireTrace>, ImportError> {
    let text = data.get();
    let read = if text.starts_with('{') {
        serde_json::from_str::<WireTrace>(text).map(|t| vec![t])
    } else {
        serde_json::from_str::<Vec<Option<WireTrace>>>(text).map(|l| l.into_iter().flatten().collect())
    };
    read.map_err(|e| {
        let at = (text.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
        let before = body.get(..at).unwrap_or_default();
        let lines = before.matches('\n').count();
        let columns = before.len().saturating_sub(before.rfind('\n').map_or(0, |i| i.saturating_add(1)));
        match shape_error(format, &e) {
            ImportError::Shape { format, line, column, reason } => ImportError::Shape {
                format,
                line: line.saturating_add(lines),
                column: if line == 1 { column.saturating_add(columns) } else { column },
                reason,
            },
            other => other,
        }
    })
}

#[derive(Deserialize)]
struct WireError {
    msg: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTrace {
    #[serde(rename = "traceID")]
    trace_id: Option<String>,
    spans: Option<Vec<WireSpan>>,
    processes: Option<HashMap<String, Process>>,
    warnings: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSpan {
    #[serde(rename = "traceID")]
    trace_id: Option<String>,
    #[serde(rename = "spanID")]
    span_id: Option<String>,
    operation_name: Option<String>,
    references: Option<Vec<Reference>>,
    /// Older exports put the parent here instead of in `references`.
    #[serde(rename = "parentSpanID")]
    parent_span_id: Option<String>,
    start_time: Option<FlexInt>,
    duration: Option<FlexInt>,
    tags: Option<Vec<Tag>>,
    logs: Option<Vec<Log>>,
    #[serde(rename = "processID")]
    process_id: Option<String>,
    warnings: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Reference {
    pub(super) ref_type: Option<String>,
    #[serde(rename = "traceID")]
    pub(super) trace_id: Option<String>,
    #[serde(rename = "spanID")]
    pub(super) span_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Process {
    service_name: Option<String>,
    tags: Option<Vec<Tag>>,
}

#[derive(Deserialize)]
struct Tag {
    key: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    value: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct Log {
    timestamp: Option<FlexInt>,
    fields: Option<Vec<Tag>>,
}

/// A tag's value read by its declared type; integers stay text so nothing beyond 2^53 is rounded.
fn tag_value(t: &Tag) -> AttrValue {
    let raw = t.value.as_ref().map(|r| r.get().trim()).unwrap_or("null");
    let text = || serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string());
    match t.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("bool") => match raw {
            "true" | "\"true\"" => AttrValue::Bool(true),
            "false" | "\"false\"" => AttrValue::Bool(false),
            _ => AttrValue::Str(text()),
        },
        Some("int64") => AttrValue::Int(text()),
        Some("float64") => parse_f64(&text()).map(AttrValue::Float).unwrap_or_else(|| AttrValue::Str(text())),
        Some("binary") => AttrValue::Bytes(text()),
        _ => AttrValue::Str(text()),
    }
}

fn attrs(tags: Option<Vec<Tag>>) -> Vec<Attribute> {
    tags.unwrap_or_default().iter().map(|t| Attribute { key: t.key.as_str().into(), value: tag_value(t) }).collect()
}

fn traces(body: &str, format: Format) -> Result<(Vec<WireTrace>, Vec<String>), ImportError> {
    if format == Format::JaegerJsonLines {
        let mut out = Vec::new();
        for (n, line) in body.split('\n').enumerate() {
            if line.bytes().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let t: WireTrace =
                serde_json::from_str(line).map_err(|e| super::at_line(shape_error(format, &e), n + 1))?;
            out.push(t);
        }
        return Ok((out, Vec::new()));
    }
    let first = body.bytes().find(|b| !b.is_ascii_whitespace());
    if first == Some(b'[') {
        let list: Vec<WireTrace> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
        return Ok((list, Vec::new()));
    }
    // `{data: [...]}` from the query API, or one trace object
    let probe = super::sniff::shape(body.as_bytes());
    if probe.has("data") {
        let r: Response = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
        let errors = r.errors.unwrap_or_default().into_iter().filter_map(|e| e.msg).collect();
        let traces = match r.data {
            Some(data) => data_traces(body, data, format)?,
            None => Vec::new(),
        };
        Ok((traces, errors))
    } else {
        let t: WireTrace = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
        Ok((vec![t], Vec::new()))
    }
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let (wire, errors) = traces(body, format)?;
    let mut set = TraceSet::default();
    for e in errors {
        set.warnings.push(Warning::new(file, WarningKind::ServerError { message: e }));
    }
    for wt in wire {
        let processes = wt.processes.unwrap_or_default();
        let spans = wt.spans.unwrap_or_default();
        let trace_id = wt.trace_id.or_else(|| spans.first().and_then(|s| s.trace_id.clone())).unwrap_or_default();
        for w in wt.warnings.unwrap_or_default() {
            let kind = WarningKind::ServerTraceWarning { trace_id: trace_id.clone(), message: w };
            set.warnings.push(Warning::new(file, kind));
        }
        let mut obs = Vec::with_capacity(spans.len());
        for s in spans {
            obs.push(observation(s, &trace_id, &processes));
        }
        let ids = semconv::apply_all(&mut obs);
        let mut t = Trace::build(trace_id, obs, file, &mut set.warnings);
        ids.apply_to(&mut t);
        set.traces.push(t);
    }
    Ok(set)
}

/// Sets the parent from `refs`: the first CHILD_OF within this trace, else the first FOLLOWS_FROM
/// within it (as Jaeger UI does), else `legacy` (`parentSpanID`); every other reference (other
/// traces, extra parents, FOLLOWS_FROM links) stays visible as `jaeger.references`.
pub(super) fn link(o: &mut Observation, refs: &[Reference], legacy: Option<String>, trace_id: &str) {
    let in_trace = |r: &Reference| r.trace_id.as_deref().is_none_or(|t| t == trace_id);
    let kind_is = |r: &Reference, k: &str| r.ref_type.as_deref().unwrap_or("CHILD_OF").eq_ignore_ascii_case(k);
    let parent_ref = refs
        .iter()
        .position(|r| in_trace(r) && kind_is(r, "CHILD_OF"))
        .or_else(|| refs.iter().position(|r| in_trace(r) && kind_is(r, "FOLLOWS_FROM")));
    o.parent_id = parent_ref
        .and_then(|i| refs[i].span_id.clone())
        .or(legacy.filter(|p| !p.is_empty() && p.bytes().any(|b| b != b'0')));
    let others: Vec<AttrValue> = refs
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != parent_ref)
        .map(|(_, r)| {
            AttrValue::Str(format!(
                "{} {}/{}",
                r.ref_type.as_deref().unwrap_or("REF"),
                r.trace_id.as_deref().unwrap_or("?"),
                r.span_id.as_deref().unwrap_or("?")
            ))
        })
        .collect();
    if !others.is_empty() {
        o.attributes.push(Attribute { key: "jaeger.references".into(), value: AttrValue::Array(others) });
    }
}

/// The span's own warnings as `jaeger.warnings`; `error=true` or `otel.status_code=ERROR` → level
/// error, with `otel.status_description` as the status message.
pub(super) fn span_facts(o: &mut Observation, warnings: Vec<String>) {
    if !warnings.is_empty() {
        o.attributes.push(Attribute {
            key: "jaeger.warnings".into(),
            value: AttrValue::Array(warnings.into_iter().map(AttrValue::Str).collect()),
        });
    }
    let error_tag =
        o.attribute("error").is_some_and(|v| matches!(v, AttrValue::Bool(true)) || v.as_str() == Some("true"));
    let otel_error =
        o.attribute("otel.status_code").and_then(AttrValue::as_str).is_some_and(|c| c.eq_ignore_ascii_case("ERROR"));
    if error_tag || otel_error {
        o.level = Level::Error;
    }
    o.status_message = o.attribute("otel.status_description").map(AttrValue::display);
}

/// The name of a log: its `event` (or `event.name`) field, else "log".
pub(super) fn log_name(attributes: &[Attribute]) -> String {
    attributes
        .iter()
        .find(|a| a.key == "event" || a.key == "event.name")
        .map(|a| a.value.display())
        .unwrap_or_else(|| "log".to_string())
}

fn observation(s: WireSpan, trace_id: &str, processes: &HashMap<String, Process>) -> Observation {
    let start_us = s.start_time.and_then(|t| t.to_i64()).unwrap_or(0);
    let start_ns = start_us.saturating_mul(1000);
    let mut o = Observation::new(
        s.span_id.unwrap_or_default(),
        crate::model::Kind::Span,
        s.operation_name.unwrap_or_default(),
        start_ns,
    );
    o.end_ns = s.duration.and_then(|d| d.to_i64()).map(|d| start_ns.saturating_add(d.saturating_mul(1000)));
    o.attributes = attrs(s.tags);
    let refs = s.references.unwrap_or_default();
    link(&mut o, &refs, s.parent_span_id, trace_id);
    if let Some(p) = s.process_id.as_ref().and_then(|id| processes.get(id)) {
        if let Some(svc) = &p.service_name {
            o.attributes.push(Attribute { key: "service.name".into(), value: AttrValue::Str(svc.clone()) });
        }
        for t in p.tags.iter().flatten() {
            o.attributes.push(Attribute { key: format!("process.{}", t.key).into(), value: tag_value(t) });
        }
    }
    span_facts(&mut o, s.warnings.unwrap_or_default());
    o.events = s
        .logs
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            let attributes = attrs(l.fields);
            let name = log_name(&attributes);
            Event {
                name,
                time_ns: l.timestamp.and_then(|t| t.to_i64()).map(|t| t.saturating_mul(1000)).unwrap_or(start_ns),
                attributes,
            }
        })
        .collect();
    o
}
