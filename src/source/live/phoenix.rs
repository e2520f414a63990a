//! Arize Phoenix: projects, spans page by page (cursor; Phoenix span JSON or OTLP), sessions, and
//! span/trace/session annotations as scores, straight from the browser. The API key, if any, is
//! sent only to the host the user typed and never shown or stored.

use super::http::{enc, Client};
use super::pager::{self, At, Body, Entry, More, OnFailure, Page, Plan, Tally, Unit, Walk};
use super::{Credentials, Sink, Told};
use crate::import::{self, Format};
use crate::source::advice;
use crate::source::keys::Keys;
use crate::source::link::{SourceKind, SourceLink};
use crate::source::SourceError;
use serde_json::Value;
use std::rc::Rc;

#[derive(Clone)]
pub struct Phoenix {
    pub client: Client,
}

#[derive(Clone, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: String,
}

/// Which spans to ask for.
#[derive(Clone, Default)]
pub struct SpanQuery {
    /// ISO 8601 bounds on span start (empty: none).
    pub from: String,
    pub to: String,
    /// Only these traces (empty: all).
    pub trace_ids: Vec<String>,
    /// `/spans/otlpv1` (OTLP span JSON) instead of Phoenix's own span JSON.
    pub otlp: bool,
}

/// Which spans to load: by a query, or a session's.
#[derive(Clone)]
pub enum What {
    Spans(SpanQuery),
    Session(String),
}

/// A load from Phoenix: at most `max_spans` of `what` in `project`, then their annotations.
pub struct Query {
    pub store: Phoenix,
    pub project: String,
    pub what: What,
    pub max_spans: usize,
}

/// What annotations are attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotated {
    Span,
    Trace,
    Session,
}

/// Ids per annotation request: keeps the address well under servers' URL limits.
const IDS_PER_REQUEST: usize = 50;
/// Spans per page.
const PAGE: usize = 1000;
/// A session's traces are asked for a few at a time (they go in the address).
const TRACES_PER_REQUEST: usize = 50;

impl Phoenix {
    pub fn new(host: &str, api_key: String, notify: Rc<dyn Fn(String)>) -> Phoenix {
        Phoenix { client: Client::new(host, Credentials::Bearer(api_key), notify) }
    }

    pub async fn projects(&self) -> Result<Vec<Project>, SourceError> {
        let body = self.client.get("/v1/projects?limit=100").await?;
        let wrong = |why: String| SourceError::Read(format!("the projects list is not what Phoenix sends: {why}"));
        let v = import::json_from_bytes::<Value>(&body).map_err(|e| wrong(e.to_string()))?;
        let list = v.get("data").and_then(Value::as_array).ok_or_else(|| wrong("no `data` list".into()))?;
        let text = |p: &Value, k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
        list.iter()
            .map(|p| match (text(p, "id"), text(p, "name")) {
                (Some(id), Some(name)) => Ok(Project { id, name }),
                _ => Err(wrong("a project without its id and name".into())),
            })
            .collect()
    }

    /// One page of spans and the cursor of the next page, if any.
    pub async fn spans_page(
        &self,
        project: &str,
        query: &SpanQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<u8>, Option<String>), SourceError> {
        let endpoint = if query.otlp { "spans/otlpv1" } else { "spans" };
        let mut path = format!("/v1/projects/{}/{endpoint}?limit={limit}", enc(project));
        if !query.from.trim().is_empty() {
            path.push_str(&format!("&start_time={}", enc(&query.from)));
        }
        if !query.to.trim().is_empty() {
            path.push_str(&format!("&end_time={}", enc(&query.to)));
        }
        for t in &query.trace_ids {
            path.push_str(&format!("&trace_id={}", enc(t)));
        }
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", enc(c)));
        }
        let body = self.client.get(&path).await?;
        let next = next_cursor(&body);
        Ok((body, next))
    }

    /// `GET /v1/sessions/{id}`: the session's own id and its traces' ids.
    pub async fn session(&self, id: &str) -> Result<(String, Vec<String>), SourceError> {
        let body = self.client.get(&format!("/v1/sessions/{}", enc(id))).await?;
        let wrong = |why: String| SourceError::Read(format!("the session is not what Phoenix sends: {why}"));
        let s = import::json_from_bytes::<Value>(&body).map_err(|e| wrong(e.to_string()))?;
        let data = s.get("data");
        let session_id = data.and_then(|d| d.get("session_id")).and_then(Value::as_str);
        let traces = data.and_then(|d| d.get("traces")).and_then(Value::as_array);
        let (Some(session_id), Some(traces)) = (session_id, traces) else {
            return Err(wrong("no `data` with its `session_id` and `traces`".into()));
        };
        let ids: Option<Vec<String>> =
            traces.iter().map(|t| t.get("trace_id").and_then(Value::as_str).map(str::to_string)).collect();
        Ok((session_id.to_string(), ids.ok_or_else(|| wrong("a trace without its trace_id".into()))?))
    }

    /// Every annotation on the given spans, traces or sessions: response bodies to import.
    pub async fn annotations(&self, project: &str, on: Annotated, ids: &[String]) -> Result<Vec<Vec<u8>>, SourceError> {
        let (endpoint, param) = match on {
            Annotated::Span => ("span_annotations", "span_ids"),
            Annotated::Trace => ("trace_annotations", "trace_ids"),
            Annotated::Session => ("session_annotations", "session_ids"),
        };
        let mut out = Vec::new();
        for chunk in ids.chunks(IDS_PER_REQUEST) {
            let mut base = format!("/v1/projects/{}/{endpoint}?limit=1000", enc(project));
            for id in chunk {
                base.push_str(&format!("&{param}={}", enc(id)));
            }
            let base = &base;
            let pages = pager::follow(At::First, |at| async move {
                let path = match at {
                    At::Cursor(c) => format!("{base}&cursor={}", enc(&c)),
                    _ => base.clone(),
                };
                let body = self.client.get(&path).await?;
                let more = next_cursor(&body).map_or(More::End, More::Cursor);
                Ok::<_, SourceError>((body, more))
            });
            out.extend(pages.await?);
        }
        Ok(out)
    }
}

fn next_cursor(body: &[u8]) -> Option<String> {
    let v = import::json_from_bytes::<Value>(body).ok()?;
    v.get("next_cursor").and_then(Value::as_str).filter(|c| !c.is_empty()).map(str::to_string)
}

/// The pager's view of a load: each batch of the query is a cursor-paged listing of span pages.
struct Walker<'a> {
    store: &'a Phoenix,
    project: &'a str,
    batches: Vec<SpanQuery>,
    label: &'a str,
}

impl Walk for Walker<'_> {
    type Error = SourceError;

    async fn page(&mut self, listing: usize, at: &At, want: usize) -> Result<Page, SourceError> {
        let Some(q) = self.batches.get(listing) else {
            return Ok(Page { entries: Vec::new(), more: More::End, total: None, bytes: 0 });
        };
        let cursor = match at {
            At::Cursor(c) => Some(c.as_str()),
            _ => None,
        };
        let (body, next) = self.store.spans_page(self.project, q, cursor, want).await?;
        let format = if q.otlp { Format::OtlpSpans } else { Format::PhoenixSpans };
        let bytes = body.len();
        let entries = vec![Entry::Bodies { name: self.label.to_string(), bodies: vec![(Some(format), body)] }];
        Ok(Page { entries, more: next.map_or(More::End, More::Cursor), total: None, bytes })
    }

    /// Phoenix lists spans, never traces to fetch one by one.
    async fn trace(&mut self, _id: &str) -> Result<Vec<Body>, SourceError> {
        Ok(Vec::new())
    }
}

impl Query {
    pub async fn run<S: Sink>(self, sink: &mut S) {
        let (store, project) = (&self.store, self.project.as_str());
        let label = format!("phoenix:{}/{project}", advice::host_of(&store.client.host));
        let mut link = SourceLink::new(SourceKind::Phoenix, &store.client.host);
        if let Some(l) = link.as_mut() {
            l.project = Some(project.to_string());
        }
        sink.begin(format!("Phoenix {project}"), "spans", link.clone());
        let (query, session) = match self.what {
            What::Spans(q) => {
                if let (Some(l), [one]) = (link.as_mut(), q.trace_ids.as_slice()) {
                    l.trace = Some(one.clone());
                }
                (q, None)
            }
            What::Session(id) => {
                pager::note(sink, format!("session {id}"));
                match store.session(&id).await {
                    Ok((sid, traces)) => {
                        if let Some(l) = link.as_mut() {
                            l.session = Some(sid.clone());
                        }
                        (SpanQuery { trace_ids: traces, ..Default::default() }, Some(sid))
                    }
                    Err(e) => {
                        sink.tell(Told::Failed, format!("{label}: session {id}: {e}"));
                        return sink.end(None);
                    }
                }
            }
        };
        let batches: Vec<SpanQuery> = if query.trace_ids.is_empty() {
            vec![query.clone()]
        } else {
            query
                .trace_ids
                .chunks(TRACES_PER_REQUEST)
                .map(|c| SpanQuery { trace_ids: c.to_vec(), ..query.clone() })
                .collect()
        };
        let plan = Plan {
            label: label.clone(),
            unit: Unit::Spans,
            limit: self.max_spans,
            page_size: PAGE,
            listings: batches.len(),
            numbered: false,
            listing_name: "spans",
            total: None,
            on_failure: OnFailure::KeepGoing,
            search: false,
        };
        let mut walker = Walker { store, project, batches, label: &label };
        let tally = pager::run(&plan, &mut walker, Vec::new(), sink).await;
        // annotations of what was loaded: spans, traces, sessions (the one asked for first)
        let mut sessions: Vec<String> = session.into_iter().collect();
        for s in &tally.sessions {
            if !sessions.contains(s) {
                sessions.push(s.clone());
            }
        }
        for (on, ids, what) in [
            (Annotated::Span, &tally.spans, "span"),
            (Annotated::Trace, &tally.traces, "trace"),
            (Annotated::Session, &sessions, "session"),
        ] {
            if ids.is_empty() || sink.cancelled() {
                continue;
            }
            pager::note(sink, format!("{what} annotations"));
            match store.annotations(project, on, ids).await {
                Ok(bodies) => {
                    sink.progress(|p| p.bytes += bodies.iter().map(Vec::len).sum::<usize>());
                    let bodies = bodies.into_iter().map(|b| (Some(Format::PhoenixAnnotations), b)).collect();
                    let name = format!("{label}/{what}_annotations");
                    pager::merge_unit(sink, &mut Tally::default(), &name, None, bodies);
                }
                Err(e) => sink
                    .tell(Told::Failed, format!("{label}: {what} annotations were not loaded (the spans were): {e}")),
            }
        }
        sink.end(link);
    }
}

/// The load a link names: its trace or session in its project.
pub fn reopen(link: &SourceLink, what: &str, keys: Keys, notify: Rc<dyn Fn(String)>) -> Result<Query, String> {
    let Some(project) = link.project.clone() else {
        return Err(format!("Choose the Phoenix project to reopen {what}."));
    };
    let what = match (link.trace.clone(), link.session.clone()) {
        (Some(t), _) => What::Spans(SpanQuery { trace_ids: vec![t], ..Default::default() }),
        (None, s) => What::Session(s.unwrap_or_default()),
    };
    Ok(Query { store: Phoenix::new(&link.host, keys.api_key, notify), project, what, max_spans: 100_000 })
}
