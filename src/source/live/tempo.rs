//! Grafana Tempo: a trace by id (OTLP JSON), and TraceQL search (ids, then each trace). Request
//! headers (auth, tenant) stay in memory for these calls only.

use super::http::{enc, window, Client};
use super::pager::{self, At, Body, Entry, More, Page, Plan, Walk};
use super::{Credentials, Sink};
use crate::import;
use crate::source::advice;
use crate::source::link::{SourceKind, SourceLink};
use crate::source::SourceError;
use std::rc::Rc;

#[derive(Clone)]
pub struct Tempo {
    pub client: Client,
}

/// A TraceQL search; times are Unix milliseconds (`None`: the last hour).
#[derive(Clone, Default)]
pub struct Search {
    /// TraceQL (`{}` when empty).
    pub query: String,
    pub from_ms: Option<f64>,
    pub to_ms: Option<f64>,
    pub limit: usize,
}

/// Which traces to load.
#[derive(Clone)]
pub enum What {
    Trace(String),
    Search(Search),
}

/// A load from Tempo.
pub struct Query {
    pub store: Tempo,
    pub what: What,
}

impl Tempo {
    pub fn new(host: &str, headers: Vec<(String, String)>, notify: Rc<dyn Fn(String)>) -> Tempo {
        Tempo { client: Client::new(host, Credentials::Headers(headers), notify) }
    }

    /// `GET /api/search`: ids of the matching traces, newest first as Tempo returns them.
    pub async fn search(&self, s: &Search) -> Result<Vec<String>, SourceError> {
        let (from, to) = window(s.from_ms, s.to_ms);
        let q = if s.query.trim().is_empty() { "{}" } else { s.query.trim() };
        let path = format!(
            "/api/search?q={}&limit={}&start={}&end={}",
            enc(q),
            s.limit.max(1),
            (from / 1000.0).floor() as i64,
            (to / 1000.0).ceil() as i64
        );
        let body = self.client.get(&path).await?;
        let wrong = |why: String| SourceError::Read(format!("the search answer is not what Tempo sends: {why}"));
        let hits: serde_json::Value = import::json_from_bytes(&body).map_err(|e| wrong(e.to_string()))?;
        let Some(list) = hits.get("traces").filter(|t| !t.is_null()) else { return Ok(Vec::new()) };
        let list = list.as_array().ok_or_else(|| wrong("`traces` is not a list".into()))?;
        list.iter()
            .map(|t| t.get("traceID").and_then(serde_json::Value::as_str).map(str::to_string))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| wrong("a trace without its traceID".into()))
    }
}

/// The pager's view: the search is one listing of trace ids; each trace is `GET /api/traces/{id}`.
struct Walker<'a> {
    store: &'a Tempo,
    search: Option<&'a Search>,
}

impl Walk for Walker<'_> {
    type Error = SourceError;

    async fn page(&mut self, _listing: usize, _at: &At, _want: usize) -> Result<Page, SourceError> {
        let ids = match self.search {
            Some(s) => self.store.search(s).await?,
            None => Vec::new(),
        };
        let entries: Vec<Entry> = ids.into_iter().map(|id| Entry::Trace { id, meta: None }).collect();
        // the search's own bytes were never counted in the bar: only the traces' are
        Ok(Page { total: Some(entries.len()), entries, more: More::End, bytes: 0 })
    }

    async fn trace(&mut self, id: &str) -> Result<Vec<Body>, SourceError> {
        Ok(vec![(None, self.store.client.get(&format!("/api/traces/{}", enc(id))).await?)])
    }
}

impl Query {
    pub async fn run<S: Sink>(self, sink: &mut S) {
        let label = format!("tempo:{}", advice::host_of(&self.store.client.host));
        let mut link = SourceLink::new(SourceKind::Tempo, &self.store.client.host);
        sink.begin("Tempo".into(), "traces", link.clone());
        let mut walker = Walker { store: &self.store, search: None };
        let seed = match &self.what {
            What::Trace(id) => super::one_trace(&mut link, id),
            What::Search(s) => {
                pager::note(sink, "searching");
                walker.search = Some(s);
                Vec::new()
            }
        };
        let plan = Plan::each_trace(label, seed.len(), walker.search.is_some());
        pager::run(&plan, &mut walker, seed, sink).await;
        sink.end(link);
    }
}

/// The load a link names: its trace.
pub fn reopen(link: &SourceLink, notify: Rc<dyn Fn(String)>) -> Result<Query, String> {
    let t = link.trace.clone().ok_or_else(|| super::choose_what(link))?;
    Ok(Query { store: Tempo::new(&link.host, Vec::new(), notify), what: What::Trace(t) })
}
