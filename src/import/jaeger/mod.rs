//! Jaeger JSON: the query API's `{data: [trace…]}` (or `{data: trace}`), a single trace `{traceID, spans, processes}`,
//! or JSON Lines of traces. Times are microseconds; tags keep their declared types.

pub(super) mod domain;

use super::jsonv::{get, int, list, str, text};
use super::semconv;
use super::{shape_error, Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Event, Level, Observation, Trace, TraceSet, Warning, WarningKind};
use serde_json::Value;

// A trace: `traceID`, `spans`, `processes` (id → `{serviceName, tags}`), `warnings`. A span:
// `traceID`, `spanID`, `operationName`, `references` (`refType`, `traceID`, `spanID`), the older
// `parentSpanID`, `startTime` and `duration` (µs, numbers or strings), `tags` and `logs`
// (`timestamp`, `fields`), `processID`, `warnings`. A tag: `key`, `type`, `value`.

pub(super) struct Reference {
    pub(super) ref_type: Option<String>,
    pub(super) trace_id: Option<String>,
    pub(super) span_id: Option<String>,
}

/// A tag's value read by its declared type; integers stay text (the number's own digits) so
/// nothing beyond 2^53 is rounded.
fn tag_value(t: &Value) -> AttrValue {
    let value = get(t, &["value"]);
    let text = || match value {
        Some(Value::String(s)) => s.clone(),
        Some(x) => x.to_string(),
        None => "null".to_string(),
    };
    match str(t, &["type"]).map(str::to_ascii_lowercase).as_deref() {
        Some("bool") => match value {
            Some(Value::Bool(b)) => AttrValue::Bool(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => AttrValue::Bool(s == "true"),
            _ => AttrValue::Str(text()),
        },
        Some("int64") => AttrValue::Int(text()),
        Some("float64") => parse_f64(&text()).map(AttrValue::Float).unwrap_or_else(|| AttrValue::Str(text())),
        Some("binary") => AttrValue::Bytes(text()),
        _ => AttrValue::Str(text()),
    }
}

fn tag_key(t: &Value) -> String {
    str(t, &["key"]).unwrap_or_default().to_string()
}

fn attrs(tags: &[Value]) -> Vec<Attribute> {
    tags.iter().map(|t| Attribute { key: tag_key(t).into(), value: tag_value(t) }).collect()
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    list(v, &[key]).iter().filter_map(|x| x.as_str().map(str::to_string)).collect()
}

/// A value that must be a trace object.
fn trace(v: Value, format: Format) -> Result<Value, ImportError> {
    if v.is_object() {
        Ok(v)
    } else {
        Err(super::jsonv::wrong_shape(format, "a Jaeger trace (an object)", &v))
    }
}

fn traces(body: &str, format: Format) -> Result<(Vec<Value>, Vec<String>), ImportError> {
    if format == Format::JaegerJsonLines {
        let mut out = Vec::new();
        for (n, line) in body.split('\n').enumerate() {
            if line.bytes().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let at = |e| super::at_line(e, n.saturating_add(1));
            let t: Value = serde_json::from_str(line).map_err(|e| at(shape_error(format, &e)))?;
            out.push(trace(t, format).map_err(at)?);
        }
        return Ok((out, Vec::new()));
    }
    let doc: Value = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
    match doc {
        // a list of traces
        Value::Array(items) => Ok((items.into_iter().map(|t| trace(t, format)).collect::<Result<_, _>>()?, Vec::new())),
        // `{data: [...]}` (or `{data: trace}`) from the query API
        Value::Object(ref map) if map.contains_key("data") => {
            let errors = list(&doc, &["errors"]).iter().filter_map(|e| text(e, &["msg"])).collect();
            let traces = match get(&doc, &["data"]) {
                None => Vec::new(),
                Some(t @ Value::Object(_)) => vec![t.clone()],
                Some(Value::Array(items)) => {
                    items.iter().filter(|t| !t.is_null()).map(|t| trace(t.clone(), format)).collect::<Result<_, _>>()?
                }
                Some(other) => return Err(super::jsonv::wrong_shape(format, "a list of Jaeger traces", other)),
            };
            Ok((traces, errors))
        }
        // one trace object
        other => Ok((vec![trace(other, format)?], Vec::new())),
    }
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let (wire, errors) = traces(body, format)?;
    let mut set = TraceSet::default();
    for e in errors {
        set.warnings.push(Warning::new(file, WarningKind::ServerError { message: e }));
    }
    for wt in &wire {
        let processes = get(wt, &["processes"]);
        let spans = list(wt, &["spans"]);
        let trace_id =
            text(wt, &["traceID"]).or_else(|| spans.first().and_then(|s| text(s, &["traceID"]))).unwrap_or_default();
        for w in strings(wt, "warnings") {
            let kind = WarningKind::ServerTraceWarning { trace_id: trace_id.clone(), message: w };
            set.warnings.push(Warning::new(file, kind));
        }
        let mut obs = Vec::with_capacity(spans.len());
        for s in spans {
            obs.push(observation(s, &trace_id, processes));
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

fn observation(s: &Value, trace_id: &str, processes: Option<&Value>) -> Observation {
    let us = |v: &Value, key: &str| int(v, &[key]).and_then(|t| i64::try_from(t).ok());
    let start_ns = us(s, "startTime").unwrap_or(0).saturating_mul(1000);
    let mut o = Observation::new(
        text(s, &["spanID"]).unwrap_or_default(),
        crate::model::Kind::Span,
        text(s, &["operationName"]).unwrap_or_default(),
        start_ns,
    );
    o.end_ns = us(s, "duration").map(|d| start_ns.saturating_add(d.saturating_mul(1000)));
    o.attributes = attrs(list(s, &["tags"]));
    let refs: Vec<Reference> = list(s, &["references"])
        .iter()
        .map(|r| Reference {
            ref_type: text(r, &["refType"]),
            trace_id: text(r, &["traceID"]),
            span_id: text(r, &["spanID"]),
        })
        .collect();
    link(&mut o, &refs, text(s, &["parentSpanID"]), trace_id);
    let process = str(s, &["processID"]).and_then(|id| processes.and_then(|p| get(p, &[id])));
    if let Some(p) = process {
        if let Some(svc) = text(p, &["serviceName"]) {
            o.attributes.push(Attribute { key: "service.name".into(), value: AttrValue::Str(svc) });
        }
        for t in list(p, &["tags"]) {
            o.attributes.push(Attribute { key: format!("process.{}", tag_key(t)).into(), value: tag_value(t) });
        }
    }
    span_facts(&mut o, strings(s, "warnings"));
    o.events = list(s, &["logs"])
        .iter()
        .map(|l| {
            let attributes = attrs(list(l, &["fields"]));
            let name = log_name(&attributes);
            Event { name, time_ns: us(l, "timestamp").map(|t| t.saturating_mul(1000)).unwrap_or(start_ns), attributes }
        })
        .collect();
    o
}
