//! Jaeger query API: a trace by id (Jaeger JSON), services, and search (the traces of a service
//! in one answer). Request headers (auth, tenant) stay in memory for these calls only.

use super::http::{enc, window, Client};
use super::pager::{self, At, Body, Entry, More, Page, Plan, Walk};
use super::{Credentials, Sink};
use crate::import;
use crate::model::order;
use crate::source::advice;
use crate::source::link::{SourceKind, SourceLink};
use crate::source::SourceError;
use std::rc::Rc;

#[derive(Clone)]
pub struct Jaeger {
    pub client: Client,
}

/// A search; times are Unix milliseconds (`None`: the last hour).
#[derive(Clone, Default)]
pub struct Search {
    /// Required.
    pub service: String,
    pub operation: String,
    /// `key=value` pairs separated by spaces.
    pub tags: String,
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

/// A load from Jaeger.
pub struct Query {
    pub store: Jaeger,
    pub what: What,
}

impl Jaeger {
    pub fn new(host: &str, headers: Vec<(String, String)>, notify: Rc<dyn Fn(String)>) -> Jaeger {
        Jaeger { client: Client::new(host, Credentials::Headers(headers), notify) }
    }

    /// `GET /api/services`, sorted.
    pub async fn services(&self) -> Result<Vec<String>, SourceError> {
        let body = self.client.get("/api/services").await?;
        let s: serde_json::Value = import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the services list is not what Jaeger sends: {e}")))?;
        let mut list: Vec<String> = match s.get("data") {
            Some(serde_json::Value::Array(items)) => {
                let names: Option<Vec<String>> = items.iter().map(|n| n.as_str().map(str::to_string)).collect();
                names.ok_or_else(|| {
                    SourceError::Read("the services list is not what Jaeger sends: a name that is not text".into())
                })?
            }
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(_) => {
                return Err(SourceError::Read(
                    "the services list is not what Jaeger sends: `data` is not a list".into(),
                ))
            }
        };
        order::sort(&mut list);
        Ok(list)
    }

    /// `GET /api/traces?service=…`: the matching traces, whole, in one Jaeger JSON body.
    pub async fn search(&self, s: &Search) -> Result<Vec<u8>, SourceError> {
        let (from, to) = window(s.from_ms, s.to_ms);
        let mut path = format!(
            "/api/traces?service={}&limit={}&start={}&end={}",
            enc(&s.service),
            s.limit.max(1),
            (from * 1000.0) as i64,
            (to * 1000.0) as i64
        );
        if !s.operation.trim().is_empty() {
            path.push_str(&format!("&operation={}", enc(&s.operation)));
        }
        let tags: serde_json::Map<String, serde_json::Value> = s
            .tags
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        if !tags.is_empty() {
            path.push_str(&format!("&tags={}", enc(&serde_json::Value::Object(tags).to_string())));
        }
        self.client.get(&path).await
    }
}

/// The pager's view: a search is one listing whose only page holds every trace; a trace by id is
/// `GET /api/traces/{id}`.
struct Walker<'a> {
    store: &'a Jaeger,
    search: Option<&'a Search>,
    label: &'a str,
}

impl Walk for Walker<'_> {
    type Error = SourceError;

    async fn page(&mut self, _listing: usize, _at: &At, _want: usize) -> Result<Page, SourceError> {
        let Some(s) = self.search else {
            return Ok(Page { entries: Vec::new(), more: More::End, total: None, bytes: 0 });
        };
        let body = self.store.search(s).await?;
        let bytes = body.len();
        let entries = vec![Entry::Bodies { name: format!("{}/search", self.label), bodies: vec![(None, body)] }];
        Ok(Page { entries, more: More::End, total: None, bytes })
    }

    async fn trace(&mut self, id: &str) -> Result<Vec<Body>, SourceError> {
        Ok(vec![(None, self.store.client.get(&format!("/api/traces/{}", enc(id))).await?)])
    }
}

impl Query {
    pub async fn run<S: Sink>(self, sink: &mut S) {
        let label = format!("jaeger:{}", advice::host_of(&self.store.client.host));
        let mut link = SourceLink::new(SourceKind::Jaeger, &self.store.client.host);
        sink.begin("Jaeger".into(), "traces", link.clone());
        let mut walker = Walker { store: &self.store, search: None, label: &label };
        let seed = match &self.what {
            What::Trace(id) => super::one_trace(&mut link, id),
            What::Search(s) => {
                pager::note(sink, format!("searching {}", s.service));
                walker.search = Some(s);
                Vec::new()
            }
        };
        let plan = Plan::each_trace(label.clone(), seed.len(), walker.search.is_some());
        pager::run(&plan, &mut walker, seed, sink).await;
        sink.end(link);
    }
}

/// The load a link names: its trace.
pub fn reopen(link: &SourceLink, notify: Rc<dyn Fn(String)>) -> Result<Query, String> {
    let t = link.trace.clone().ok_or_else(|| super::choose_what(link))?;
    Ok(Query { store: Jaeger::new(&link.host, Vec::new(), notify), what: What::Trace(t) })
}
