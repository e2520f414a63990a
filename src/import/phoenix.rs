//! Arize Phoenix REST responses: spans (`GET /v1/projects/{id}/spans`: `{data: [span], next_cursor}`)
//! and span, trace and session annotations (`{data: [annotation], next_cursor}`) as scores.

use super::semconv;
use super::wire::iso_ns;
use super::{shape_error, Format, ImportError};
use crate::model::warning::PagedService;
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, Score, ScoreValue, Trace, TraceSet};
use crate::model::{Warning, WarningKind};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Deserialize)]
struct Page<T> {
    data: Option<Vec<T>>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Span {
    name: Option<String>,
    context: Option<Context>,
    span_kind: Option<String>,
    parent_id: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    status_code: Option<String>,
    status_message: Option<String>,
    /// One span's attributes: parsed per span, never as a tree of the whole file.
    attributes: Option<Map<String, Value>>,
    events: Option<Vec<SpanEvent>>,
}

#[derive(Deserialize)]
struct Context {
    trace_id: Option<String>,
    span_id: Option<String>,
}

#[derive(Deserialize)]
struct SpanEvent {
    name: Option<String>,
    timestamp: Option<String>,
    attributes: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Annotation {
    id: Option<String>,
    name: Option<String>,
    annotator_kind: Option<String>,
    result: Option<AnnotationResult>,
    span_id: Option<String>,
    trace_id: Option<String>,
    session_id: Option<String>,
    created_at: Option<String>,
}

#[derive(Deserialize)]
struct AnnotationResult {
    label: Option<String>,
    score: Option<f64>,
    explanation: Option<String>,
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let mut set = TraceSet::default();
    if format == Format::PhoenixAnnotations {
        let page: Page<Annotation> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
        note_more_pages(&mut set, file, page.next_cursor.as_deref());
        set.scores = page.data.unwrap_or_default().into_iter().filter_map(score).collect();
        return Ok(set);
    }
    let page: Page<Span> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
    note_more_pages(&mut set, file, page.next_cursor.as_deref());
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Observation>> = HashMap::new();
    for span in page.data.unwrap_or_default() {
        let trace_id = span.context.as_ref().and_then(|c| c.trace_id.clone()).unwrap_or_default();
        let o = observation(span);
        groups
            .entry(trace_id.clone())
            .or_insert_with(|| {
                order.push(trace_id.clone());
                Vec::new()
            })
            .push(o);
    }
    for id in order {
        let Some(mut obs) = groups.remove(&id) else {
            continue;
        };
        let ids = semconv::apply_all(&mut obs);
        let mut t = Trace::build(id, obs, file, &mut set.warnings);
        ids.apply_to(&mut t);
        set.traces.push(t);
    }
    Ok(set)
}

/// A page that says more follow is only part of the data: say so instead of implying completeness.
fn note_more_pages(set: &mut TraceSet, file: &str, cursor: Option<&str>) {
    if cursor.is_some_and(|c| !c.is_empty()) {
        set.warnings.push(Warning::new(file, WarningKind::OnePage { of: PagedService::Phoenix }));
    }
}

fn observation(s: Span) -> Observation {
    let ctx = s.context;
    let id = ctx.as_ref().and_then(|c| c.span_id.clone()).unwrap_or_default();
    let kind = s.span_kind.as_deref().and_then(Kind::from_name).unwrap_or(Kind::Span);
    let mut o = Observation::new(id, kind, s.name.unwrap_or_default(), iso_ns(s.start_time.as_deref()).unwrap_or(0));
    o.parent_id = s.parent_id.filter(|p| !p.is_empty());
    o.end_ns = iso_ns(s.end_time.as_deref());
    if s.status_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("ERROR")) {
        o.level = Level::Error;
    }
    o.status_message = s.status_message.filter(|m| !m.is_empty());
    o.attributes = flatten(s.attributes.unwrap_or_default());
    o.events = s
        .events
        .unwrap_or_default()
        .into_iter()
        .map(|e| Event {
            name: e.name.unwrap_or_default(),
            time_ns: iso_ns(e.timestamp.as_deref()).unwrap_or(o.start_ns),
            attributes: flatten(e.attributes.unwrap_or_default()),
        })
        .collect();
    o
}

/// Phoenix may nest attributes (`{"llm": {"model_name": …}}`) or flatten them (`"llm.model_name"`);
/// both become dotted keys, with list positions as segments, so one convention mapper serves all.
/// Iterative, with an explicit stack.
fn flatten(map: Map<String, Value>) -> Vec<Attribute> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, Value)> = map.into_iter().rev().collect();
    while let Some((key, value)) = stack.pop() {
        match value {
            Value::Object(m) if !m.is_empty() => {
                for (k, v) in m.into_iter().rev() {
                    stack.push((format!("{key}.{k}"), v));
                }
            }
            Value::Array(items) if items.iter().any(|v| v.is_object()) => {
                for (i, v) in items.into_iter().enumerate().rev() {
                    stack.push((format!("{key}.{i}"), v));
                }
            }
            other => out.push(Attribute { key: key.into(), value: scalar(other) }),
        }
    }
    out
}

fn scalar(v: Value) -> AttrValue {
    match v {
        Value::String(s) => AttrValue::Str(s),
        Value::Bool(b) => AttrValue::Bool(b),
        Value::Number(n) if n.is_f64() => AttrValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        Value::Number(n) => AttrValue::Int(n.to_string()),
        Value::Array(items) => AttrValue::Array(items.into_iter().map(scalar).collect()),
        Value::Null => AttrValue::Str(String::new()),
        Value::Object(_) => AttrValue::Str("{}".into()),
    }
}

fn score(a: Annotation) -> Option<Score> {
    let name = a.name?;
    let result = a.result.unwrap_or(AnnotationResult { label: None, score: None, explanation: None });
    let (value, comment) = match (result.score, result.label) {
        (Some(s), Some(l)) => (
            ScoreValue::Numeric(s),
            Some(format!("label: {l}")).into_iter().chain(result.explanation).collect::<Vec<_>>().join(" — "),
        ),
        (Some(s), None) => (ScoreValue::Numeric(s), result.explanation.unwrap_or_default()),
        (None, Some(l)) => (ScoreValue::Categorical(l), result.explanation.unwrap_or_default()),
        (None, None) => (ScoreValue::Text(result.explanation.clone()?), String::new()),
    };
    Some(Score {
        id: a.id.unwrap_or_default(),
        name,
        value,
        source: a.annotator_kind,
        comment: Some(comment).filter(|c| !c.is_empty()),
        trace_id: a.trace_id,
        observation_id: a.span_id,
        session_id: a.session_id,
        time_ns: iso_ns(a.created_at.as_deref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page that says more follow gives the paging notice as its own kind (callers that fetch
    /// every page drop it by kind), worded as before.
    #[test]
    fn a_page_with_a_cursor_is_a_paging_notice() {
        let notes = |body: &str, format| import("p.json", body, format).unwrap().warnings;
        for format in [Format::PhoenixSpans, Format::PhoenixAnnotations] {
            let w = notes(r#"{"data":[],"next_cursor":"abc"}"#, format);
            assert_eq!(w.len(), 1);
            assert!(matches!(w[0].kind, WarningKind::OnePage { of: PagedService::Phoenix }), "{w:?}");
            assert!(w[0].to_string().contains("one page of") && w[0].to_string().contains("next_cursor"));
            assert_eq!(w[0].level(), crate::model::WarningLevel::Notice);
            assert!(notes(r#"{"data":[],"next_cursor":null}"#, format).is_empty());
        }
    }

    #[test]
    fn nested_and_flat_attributes_flatten_alike() {
        let nested: Map<String, Value> =
            serde_json::from_str(r#"{"llm":{"model_name":"gpt-4","input_messages":[{"message":{"role":"user","content":"hi"}}]},"tag.tags":["a","b"]}"#).unwrap();
        let mut keys: Vec<String> = flatten(nested).into_iter().map(|a| a.key.to_string()).collect();
        keys.sort();
        assert_eq!(
            keys,
            vec![
                "llm.input_messages.0.message.content",
                "llm.input_messages.0.message.role",
                "llm.model_name",
                "tag.tags"
            ]
        );
    }
}
