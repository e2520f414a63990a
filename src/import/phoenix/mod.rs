//! Arize Phoenix: spans as its REST API pages them (`GET /v1/projects/{id}/spans`: `{data: [span],
//! next_cursor}`), and as users save them (lists of pages, bare lists, JSON Lines, dataframe rows;
//! each span's forms in `span`); span, trace and session annotations (`{data: [annotation],
//! next_cursor}`) as scores.

mod columns;
mod span;

use super::jsonv::{self, get, str};
use super::semconv;
use super::wire::iso_ns;
use super::{shape_error, Format, ImportError};
use crate::model::warning::PagedService;
use crate::model::{Observation, Score, ScoreValue, Trace, TraceSet};
use crate::model::{Warning, WarningKind};
use serde_json::Value;
use span::{Notes, Span};
use std::collections::HashMap;

/// A span or annotation that is not an object, as a shape error naming the format.
fn span_of(format: Format, v: Value) -> Result<Span, ImportError> {
    if !v.is_object() {
        return Err(jsonv::wrong_shape(format, "a span object", &v));
    }
    Span::read(v).ok_or_else(|| jsonv::wrong_shape(format, "a span object", &Value::Null))
}

/// A page `{data: [item], next_cursor}`: its items and its cursor.
fn page(format: Format, v: Value) -> Result<(Vec<Value>, Option<String>), ImportError> {
    let Value::Object(mut m) = v else {
        return Err(jsonv::wrong_shape(format, "a page object", &v));
    };
    let cursor = match m.remove("next_cursor") {
        Some(Value::String(c)) => Some(c),
        _ => None,
    };
    match m.remove("data") {
        Some(Value::Array(data)) => Ok((data, cursor)),
        None | Some(Value::Null) => Ok((Vec::new(), cursor)),
        Some(other) => Err(jsonv::wrong_shape(format, "a list of items", &other)),
    }
}

/// Every value of JSON Lines (or values written back to back).
fn values(body: &str, format: Format) -> Result<Vec<Value>, ImportError> {
    serde_json::Deserializer::from_str(body)
        .into_iter::<Value>()
        .map(|r| r.map_err(|e| shape_error(format, &e)))
        .collect()
}

/// A list's items.
fn items(body: &str, format: Format) -> Result<Vec<Value>, ImportError> {
    match serde_json::from_str::<Value>(body).map_err(|e| shape_error(format, &e))? {
        Value::Array(items) => Ok(items),
        other => Err(jsonv::wrong_shape(format, "a list", &other)),
    }
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let mut set = TraceSet::default();
    if format == Format::PhoenixAnnotations {
        set.scores = annotations_of(&mut set, body, file, format)?.into_iter().filter_map(score).collect();
        return Ok(set);
    }
    let spans = spans_of(&mut set, file, body, format)?;
    let mut notes = Notes::default();
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Observation>> = HashMap::new();
    for span in spans {
        let trace_id = span.trace_id();
        let (o, scores) = span.convert(&mut notes);
        set.scores.extend(scores);
        groups
            .entry(trace_id.clone())
            .or_insert_with(|| {
                order.push(trace_id.clone());
                Vec::new()
            })
            .push(o);
    }
    if notes.zoneless > 0 {
        set.warnings.push(Warning::new(file, WarningKind::NoTimeZone { times: notes.zoneless }));
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

/// The annotations of a REST page, or of dataframe rows saved as a list or as JSON Lines
/// (`get_span_annotations_dataframe().reset_index().to_json(orient="records")`).
fn annotations_of(set: &mut TraceSet, body: &str, file: &str, format: Format) -> Result<Vec<Value>, ImportError> {
    let shape = super::sniff::shape(body.as_bytes());
    let list = if shape.more_values {
        values(body, format)?
    } else if shape.top_array {
        items(body, format)?
    } else {
        let (data, cursor) = page(format, serde_json::from_str(body).map_err(|e| shape_error(format, &e))?)?;
        note_more_pages(set, file, cursor.as_deref());
        data
    };
    match list.iter().find(|a| !a.is_object()) {
        Some(bad) => Err(jsonv::wrong_shape(format, "an annotation object", bad)),
        None => Ok(list),
    }
}

/// The spans of a file in any of the ways they are saved: a page `{data, next_cursor}` (the REST
/// API), a list of pages or pages one per line, a bare list of spans (`client.spans.get_spans`, `TraceDataset` rows), one
/// span, or JSON Lines of spans (the 2023 `spans_to_jsonl`, `to_json(lines=True)`).
fn spans_of(set: &mut TraceSet, file: &str, body: &str, format: Format) -> Result<Vec<Span>, ImportError> {
    let shape = super::sniff::shape(body.as_bytes());
    let err = |e: serde_json::Error| shape_error(format, &e);
    let spans = |list: Vec<Value>| list.into_iter().map(|v| span_of(format, v)).collect();
    if shape.more_values && !shape.has("data") {
        // values one after another, one per line as the writers put them
        return spans(values(body, format)?);
    }
    if shape.has("data") && (shape.top_array || shape.more_values) {
        // pages in a list, or one per line
        let pages = if shape.more_values { values(body, format)? } else { items(body, format)? };
        let mut data = Vec::new();
        let mut cursor = None;
        for p in pages {
            let (items, c) = page(format, p)?;
            data.extend(items);
            cursor = c;
        }
        // only the last page's cursor says whether more follow
        note_more_pages(set, file, cursor.as_deref());
        return spans(data);
    }
    if shape.top_array {
        return spans(items(body, format)?);
    }
    if shape.sub.iter().any(|(k, sub)| k == "context.span_id" && !sub.is_empty()) {
        return columns::spans(body, format);
    }
    let whole: Value = serde_json::from_str(body).map_err(err)?;
    if !shape.has("data") {
        return Ok(vec![span_of(format, whole)?]);
    }
    let (data, cursor) = page(format, whole)?;
    note_more_pages(set, file, cursor.as_deref());
    spans(data)
}

/// A page that says more follow is only part of the data: say so instead of implying completeness.
fn note_more_pages(set: &mut TraceSet, file: &str, cursor: Option<&str>) {
    if cursor.is_some_and(|c| !c.is_empty()) {
        set.warnings.push(Warning::new(file, WarningKind::OnePage { of: PagedService::Phoenix }));
    }
}

/// An annotation's text field.
fn owned(v: &Value, key: &str) -> Option<String> {
    str(v, &[key]).map(String::from)
}

fn score(a: Value) -> Option<Score> {
    let name = owned(&a, "name").or_else(|| owned(&a, "annotation_name"))?;
    // a REST result object, or a dataframe row's result flattened into its columns
    let (label, number, explanation) = match get(&a, &["result"]) {
        Some(r) => (owned(r, "label"), get(r, &["score"]).and_then(Value::as_f64), owned(r, "explanation")),
        None => (
            owned(&a, "result.label"),
            get(&a, &["result.score"]).and_then(Value::as_f64),
            owned(&a, "result.explanation"),
        ),
    };
    let (value, comment) = match (number, label) {
        (Some(s), Some(l)) => (
            ScoreValue::Numeric(s),
            Some(format!("label: {l}")).into_iter().chain(explanation).collect::<Vec<_>>().join(" — "),
        ),
        (Some(s), None) => (ScoreValue::Numeric(s), explanation.unwrap_or_default()),
        (None, Some(l)) => (ScoreValue::Categorical(l), explanation.unwrap_or_default()),
        (None, None) => (ScoreValue::Text(explanation?), String::new()),
    };
    Some(Score {
        id: owned(&a, "id").unwrap_or_default(),
        name,
        value,
        source: owned(&a, "annotator_kind"),
        comment: Some(comment).filter(|c| !c.is_empty()),
        trace_id: owned(&a, "trace_id"),
        observation_id: owned(&a, "span_id"),
        session_id: owned(&a, "session_id"),
        time_ns: iso_ns(str(&a, &["created_at"])),
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

    /// The 2023 encoder's `conversation` is the session; its flat token counts are usage.
    #[test]
    fn a_2023_span_with_a_conversation_and_token_counts() {
        let line = r#"{"name":"llm","context":{"trace_id":"2b7764c6-aa70-4382-a30a-0d3c24c730d5","span_id":"dded5ff8-4e5d-40be-a078-75e28da01f0b"},"span_kind":"LLM","parent_id":null,"start_time":"2023-08-21T22:06:05.614572","end_time":"2023-08-21T22:06:06.235215","status_code":"OK","status_message":"","attributes":{"llm.token_count.prompt":120,"llm.token_count.completion":8,"llm.messages":[["user","hi"]]},"events":[],"conversation":{"conversation_id":"c-1"}}"#;
        let body = format!("{line}\n{line}\n").replace("dded5ff8", "dded5ff9").replacen("dded5ff9", "dded5ff8", 1);
        let set = import("old.jsonl", &body, Format::PhoenixSpans).unwrap();
        let t = &set.traces[0];
        assert_eq!(t.session_id.as_deref(), Some("c-1"));
        assert_eq!(t.observations.len(), 2);
        assert_eq!((t.observations[0].usage.input, t.observations[0].usage.output), (Some(120), Some(8)));
        // 2023-08-21T22:06:05.614572 as UTC (python: calendar.timegm → 1692655565.614572)
        assert_eq!(t.observations[0].start_ns, 1_692_655_565_614_572_000);
        assert!(matches!(set.warnings[0].kind, WarningKind::NoTimeZone { times: 4 }), "{:?}", set.warnings);
    }

    #[test]
    fn pages_of_spans_one_per_line_are_one_set() {
        let page = |span: &str, cursor: &str| {
            format!(
                r#"{{"data":[{{"name":"s","context":{{"trace_id":"t","span_id":"{span}"}},"span_kind":"CHAIN","parent_id":null,"start_time":"2024-05-01T12:00:00Z"}}],"next_cursor":{cursor}}}"#
            )
        };
        let body = format!("{}\n{}\n", page("a", "\"c1\""), page("b", "null"));
        let set = import("pages.jsonl", &body, Format::PhoenixSpans).unwrap();
        assert_eq!(set.traces[0].observations.len(), 2);
        assert!(set.warnings.is_empty(), "the last page has no cursor: {:?}", set.warnings);
    }
}
