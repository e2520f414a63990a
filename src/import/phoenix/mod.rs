//! Arize Phoenix: spans as its REST API pages them (`GET /v1/projects/{id}/spans`: `{data: [span],
//! next_cursor}`), and as users save them (lists of pages, bare lists, JSON Lines, dataframe rows;
//! each span's forms in `span`); span, trace and session annotations (`{data: [annotation],
//! next_cursor}`) as scores.

mod columns;
mod span;

use super::semconv;
use super::wire::iso_ns;
use super::{shape_error, Format, ImportError};
use crate::model::warning::PagedService;
use crate::model::{Observation, Score, ScoreValue, Trace, TraceSet};
use crate::model::{Warning, WarningKind};
use serde::Deserialize;
use span::{Notes, Span};
use std::collections::HashMap;

#[derive(Deserialize)]
struct Page<T> {
    data: Option<Vec<T>>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Annotation {
    id: Option<String>,
    /// `annotation_name` in a row of `get_span_annotations_dataframe`.
    #[serde(alias = "annotation_name")]
    name: Option<String>,
    annotator_kind: Option<String>,
    result: Option<AnnotationResult>,
    span_id: Option<String>,
    trace_id: Option<String>,
    session_id: Option<String>,
    created_at: Option<String>,
    /// A dataframe row's result, flattened into its columns.
    #[serde(rename = "result.label")]
    row_label: Option<String>,
    #[serde(rename = "result.score")]
    row_score: Option<f64>,
    #[serde(rename = "result.explanation")]
    row_explanation: Option<String>,
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
fn annotations_of(set: &mut TraceSet, body: &str, file: &str, format: Format) -> Result<Vec<Annotation>, ImportError> {
    let err = |e: serde_json::Error| shape_error(format, &e);
    let shape = super::sniff::shape(body.as_bytes());
    if shape.more_values {
        return serde_json::Deserializer::from_str(body).into_iter::<Annotation>().map(|r| r.map_err(err)).collect();
    }
    if shape.top_array {
        return serde_json::from_str(body).map_err(err);
    }
    let page: Page<Annotation> = serde_json::from_str(body).map_err(err)?;
    note_more_pages(set, file, page.next_cursor.as_deref());
    Ok(page.data.unwrap_or_default())
}

/// The spans of a file in any of the ways they are saved: a page `{data, next_cursor}` (the REST
/// API), a list of pages or pages one per line, a bare list of spans (`client.spans.get_spans`, `TraceDataset` rows), one
/// span, or JSON Lines of spans (the 2023 `spans_to_jsonl`, `to_json(lines=True)`).
fn spans_of(set: &mut TraceSet, file: &str, body: &str, format: Format) -> Result<Vec<Span>, ImportError> {
    let shape = super::sniff::shape(body.as_bytes());
    let err = |e: serde_json::Error| shape_error(format, &e);
    if shape.more_values && !shape.has("data") {
        // values one after another, one per line as the writers put them
        return serde_json::Deserializer::from_str(body).into_iter::<Span>().map(|r| r.map_err(err)).collect();
    }
    if shape.has("data") && (shape.top_array || shape.more_values) {
        // pages in a list, or one per line
        let pages: Vec<Page<Span>> = if shape.more_values {
            serde_json::Deserializer::from_str(body).into_iter::<Page<Span>>().collect::<Result<_, _>>().map_err(err)?
        } else {
            serde_json::from_str(body).map_err(err)?
        };
        // only the last page's cursor says whether more follow
        note_more_pages(set, file, pages.last().and_then(|p| p.next_cursor.as_deref()));
        return Ok(pages.into_iter().flat_map(|p| p.data.unwrap_or_default()).collect());
    }
    if shape.top_array {
        return serde_json::from_str(body).map_err(err);
    }
    if shape.sub.iter().any(|(k, sub)| k == "context.span_id" && !sub.is_empty()) {
        return columns::spans(body, format);
    }
    if !shape.has("data") {
        return Ok(vec![serde_json::from_str(body).map_err(err)?]);
    }
    let page: Page<Span> = serde_json::from_str(body).map_err(err)?;
    note_more_pages(set, file, page.next_cursor.as_deref());
    Ok(page.data.unwrap_or_default())
}

/// A page that says more follow is only part of the data: say so instead of implying completeness.
fn note_more_pages(set: &mut TraceSet, file: &str, cursor: Option<&str>) {
    if cursor.is_some_and(|c| !c.is_empty()) {
        set.warnings.push(Warning::new(file, WarningKind::OnePage { of: PagedService::Phoenix }));
    }
}

fn score(a: Annotation) -> Option<Score> {
    let name = a.name?;
    let row = AnnotationResult { label: a.row_label, score: a.row_score, explanation: a.row_explanation };
    let result = a.result.unwrap_or(row);
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
