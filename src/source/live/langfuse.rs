//! Langfuse (cloud or self-hosted): trace list pages with server-side filters, sessions, and each
//! trace's observations and scores from whichever API generation the server answers (v2
//! observations with a cursor + v3 scores, or the legacy trace endpoint). HTTP Basic auth with
//! the project's keys; they are sent only to the host the user typed, never shown or stored.

use super::http::{enc, Client};
use super::pager::{self, At, Body, Entry, More, OnFailure, Page, Plan, Unit, Walk};
use super::{Credentials, Sink, Told};
use crate::import::{self, Format};
use crate::model::Trace;
use crate::source::advice;
use crate::source::keys::Keys;
use crate::source::link::{SourceKind, SourceLink};
use crate::source::SourceError;
use serde_json::Value;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone)]
pub struct Langfuse {
    pub client: Client,
    /// What the server answered when asked once.
    generation: Option<Generation>,
}

/// The two generations of Langfuse's read API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    /// `GET /api/public/traces/{id}` with observations and scores inside.
    Legacy,
    /// `GET /api/public/v2/observations` (cursor) and `/v3/scores` (cursor; `/v2/scores` pages on
    /// servers that do not have v3 yet).
    Current { v3_scores: bool },
}

impl Generation {
    pub fn describe(self) -> &'static str {
        match self {
            Generation::Legacy => "legacy API (traces/{id})",
            Generation::Current { v3_scores: true } => "v2 observations + v3 scores",
            Generation::Current { v3_scores: false } => "v2 observations + v2 scores",
        }
    }
}

/// Server-side filters of `GET /api/public/traces`.
#[derive(Clone, Default)]
pub struct TraceFilter {
    pub name: String,
    pub user_id: String,
    pub session_id: String,
    pub tags: String,
    /// ISO 8601 bounds on the trace timestamp (empty: none).
    pub from: String,
    pub to: String,
}

/// Which traces to load.
#[derive(Clone)]
pub enum What {
    Matching(TraceFilter),
    Session(String),
    Trace(String),
}

/// A load from Langfuse: at most `max_traces` of `what`.
pub struct Query {
    pub store: Langfuse,
    pub what: What,
    pub max_traces: usize,
}

/// One page of the trace list: its body (the traces' own fields), their ids, totals.
pub struct ListPage {
    pub body: Vec<u8>,
    pub ids: Vec<String>,
    pub total_pages: usize,
    pub total_items: usize,
}

/// The ids under `key` (`[{id}]`) of a JSON answer, `None` when it has no such list.
fn ids_at(v: &Value, key: &str) -> Option<Vec<String>> {
    let list = v.get(key)?.as_array()?;
    Some(list.iter().filter_map(|t| t.get("id").and_then(Value::as_str)).map(str::to_string).collect())
}

/// A page count in an answer's `meta`, not below zero.
fn count_at(meta: Option<&Value>, key: &str) -> Option<usize> {
    meta?.get(key)?.as_f64().map(|n| n.max(0.0) as usize)
}

/// Observation field groups asked of v2: all of them, so the detail view has what the legacy
/// endpoint gave.
const V2_FIELDS: &str = "core,basic,time,io,metadata,model,usage,prompt,metrics";
/// Traces per page of the trace list.
const PAGE: usize = 50;
/// A server failing this often in a row is down, not flaky: stop asking.
const GIVE_UP_AFTER: usize = 3;

impl Langfuse {
    pub fn new(host: &str, public_key: String, secret_key: String, notify: Rc<dyn Fn(String)>) -> Langfuse {
        Langfuse { client: Client::new(host, Credentials::Basic { public_key, secret_key }, notify), generation: None }
    }

    /// Asks once which read API the server has: v2 observations answer 200 on current servers and
    /// 404 on older ones; then the same for v3 scores.
    pub async fn generation(&mut self) -> Result<Generation, SourceError> {
        if let Some(g) = self.generation {
            return Ok(g);
        }
        let get = |p: &'static str| self.client.get(p);
        let g = match get("/api/public/v2/observations?limit=1&fields=core").await {
            Ok(_) => Generation::Current {
                v3_scores: match get("/api/public/v3/scores?limit=1").await {
                    Ok(_) => true,
                    Err(SourceError::Status(404, _)) => false,
                    Err(e) => return Err(e),
                },
            },
            Err(SourceError::Status(404, _)) => Generation::Legacy,
            Err(e) => return Err(e),
        };
        self.generation = Some(g);
        Ok(g)
    }

    /// Page `page` (1-based) of the traces matching `filter`.
    pub async fn list(&self, filter: &TraceFilter, page: usize, limit: usize) -> Result<ListPage, SourceError> {
        let mut path = format!("/api/public/traces?page={page}&limit={limit}");
        for (k, v) in [
            ("name", &filter.name),
            ("userId", &filter.user_id),
            ("sessionId", &filter.session_id),
            ("fromTimestamp", &filter.from),
            ("toTimestamp", &filter.to),
        ] {
            if !v.trim().is_empty() {
                path.push_str(&format!("&{k}={}", enc(v)));
            }
        }
        for tag in filter.tags.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            path.push_str(&format!("&tags={}", enc(tag)));
        }
        let body = self.client.get(&path).await?;
        let p: Value = import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the trace list is not what Langfuse sends: {e}")))?;
        let (ids, meta) = (ids_at(&p, "data"), p.get("meta").filter(|m| m.is_object()));
        let (Some(ids), Some(_)) = (ids, meta) else {
            return Err(SourceError::Read(
                "the trace list is not what Langfuse sends: no `data` list and `meta`".into(),
            ));
        };
        Ok(ListPage {
            ids,
            total_pages: count_at(meta, "totalPages").unwrap_or(1),
            total_items: count_at(meta, "totalItems").unwrap_or(0),
            body,
        })
    }

    /// `GET /api/public/sessions/{id}`: the session with its traces' own fields, and their ids.
    pub async fn session(&self, id: &str) -> Result<(Vec<u8>, Vec<String>), SourceError> {
        let body = self.client.get(&format!("/api/public/sessions/{}", enc(id))).await?;
        let s: Value = import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the session is not what Langfuse sends: {e}")))?;
        let ids = ids_at(&s, "traces")
            .ok_or_else(|| SourceError::Read("the session is not what Langfuse sends: no `traces` list".into()))?;
        Ok((body, ids))
    }

    /// Every page of a listing on this server, cursor-paged or page-numbered.
    async fn pages(&self, base: &str, first: At) -> Result<Vec<Vec<u8>>, SourceError> {
        pager::follow(first, |at| async move {
            let path = match &at {
                At::First => base.to_string(),
                At::Cursor(c) => format!("{base}&cursor={}", enc(c)),
                At::Number(n) => format!("{base}&page={n}"),
            };
            let body = self.client.get(&path).await?;
            let page = import::json_from_bytes::<Value>(&body).ok();
            let meta = page.as_ref().and_then(|p| p.get("meta")).filter(|m| m.is_object());
            let cursor = meta.and_then(|m| m.get("cursor")).and_then(Value::as_str);
            let more = match (&at, meta) {
                (At::Number(_), Some(_)) => More::Pages(count_at(meta, "totalPages").unwrap_or(1)),
                (_, Some(_)) if cursor.is_some() => More::Cursor(cursor.unwrap_or_default().to_string()),
                _ => More::End,
            };
            Ok((body, more))
        })
        .await
    }
}

/// The traces' own fields (name, input, output, user, tags) by id, from a list or a session.
fn metas_of(name: &str, body: &[u8], format: Format) -> HashMap<String, Trace> {
    import::load_as(name, body, format)
        .map(|l| l.set.traces.into_iter().map(|t| (t.id.clone(), t)).collect())
        .unwrap_or_default()
}

/// The pager's view of a load: the trace list, and each trace from the server's generation.
struct Walker<'a> {
    store: &'a Langfuse,
    filter: Option<&'a TraceFilter>,
    generation: Generation,
    label: &'a str,
}

impl Walker<'_> {
    /// The traces' own fields come from the list or the session on the current API; the legacy
    /// trace endpoint has them inside.
    fn metas(&self, name: &str, body: &[u8], format: Format) -> HashMap<String, Trace> {
        match self.generation {
            Generation::Current { .. } => metas_of(name, body, format),
            Generation::Legacy => HashMap::new(),
        }
    }
}

impl Walk for Walker<'_> {
    type Error = SourceError;

    async fn page(&mut self, _listing: usize, at: &At, want: usize) -> Result<Page, SourceError> {
        let (Some(filter), At::Number(n)) = (self.filter, at) else { return Ok(empty_page()) };
        let p = self.store.list(filter, *n, want).await?;
        let mut metas = self.metas(&format!("{}/traces", self.label), &p.body, Format::LangfuseTraces);
        let more = if p.ids.is_empty() { More::End } else { More::Pages(p.total_pages) };
        let entries = p.ids.into_iter().map(|id| Entry::Trace { meta: metas.remove(&id).map(Box::new), id }).collect();
        Ok(Page { entries, more, total: Some(p.total_items), bytes: p.body.len() })
    }

    async fn trace(&mut self, id: &str) -> Result<Vec<Body>, SourceError> {
        let s = self.store;
        match self.generation {
            Generation::Legacy => {
                let body = s.client.get(&format!("/api/public/traces/{}", enc(id))).await?;
                Ok(vec![(Some(Format::LangfuseApiTrace), body)])
            }
            Generation::Current { v3_scores } => {
                let base = format!(
                    "/api/public/v2/observations?traceId={}&fields={V2_FIELDS}&expandMetadata=true&limit=1000",
                    enc(id)
                );
                let mut out: Vec<Body> = Vec::new();
                let observations = s.pages(&base, At::First).await?;
                out.extend(observations.into_iter().map(|b| (Some(Format::LangfuseObservations), b)));
                let scores = if v3_scores {
                    s.pages(&format!("/api/public/v3/scores?traceId={}&limit=100", enc(id)), At::First).await?
                } else {
                    s.pages(&format!("/api/public/v2/scores?traceId={}&limit=100", enc(id)), At::Number(1)).await?
                };
                out.extend(scores.into_iter().map(|b| (Some(Format::LangfuseScores), b)));
                Ok(out)
            }
        }
    }
}

fn empty_page() -> Page {
    Page { entries: Vec::new(), more: More::End, total: None, bytes: 0 }
}

impl Query {
    pub async fn run<S: Sink>(mut self, sink: &mut S) {
        let label = format!("langfuse:{}", advice::host_of(&self.store.client.host));
        let mut link = SourceLink::new(SourceKind::Langfuse, &self.store.client.host);
        sink.begin("Langfuse".into(), "traces", link.clone());
        pager::note(sink, "asking which API the server has");
        let generation = match self.store.generation().await {
            Ok(g) => g,
            Err(e) => {
                sink.tell(Told::Failed, format!("{label}: {e}"));
                return sink.end(None);
            }
        };
        pager::note(sink, generation.describe());
        let mut walker = Walker { store: &self.store, filter: None, generation, label: &label };
        let seed: Vec<Entry> = match &self.what {
            What::Trace(id) => super::one_trace(&mut link, id),
            What::Session(id) => match self.store.session(id).await {
                Ok((body, ids)) => {
                    sink.progress(|p| p.bytes += body.len());
                    if let Some(l) = link.as_mut() {
                        l.session = Some(id.clone());
                    }
                    let mut metas = walker.metas(&format!("{label}/session/{id}"), &body, Format::LangfuseSession);
                    ids.into_iter().map(|id| Entry::Trace { meta: metas.remove(&id).map(Box::new), id }).collect()
                }
                Err(e) => {
                    sink.tell(Told::Failed, format!("{label}: session {id}: {e}"));
                    return sink.end(None);
                }
            },
            What::Matching(filter) => {
                walker.filter = Some(filter);
                Vec::new()
            }
        };
        let plan = Plan {
            label: label.clone(),
            unit: Unit::Traces,
            limit: self.max_traces,
            page_size: PAGE,
            listings: usize::from(walker.filter.is_some()),
            numbered: true,
            listing_name: "trace list",
            total: walker.filter.is_none().then_some(seed.len()),
            on_failure: OnFailure::GiveUpAfter(GIVE_UP_AFTER),
            search: false,
        };
        pager::run(&plan, &mut walker, seed, sink).await;
        sink.end(link);
    }
}

/// The load a link names, once the keys for its host are known.
pub fn reopen(link: &SourceLink, what: &str, keys: Keys, notify: Rc<dyn Fn(String)>) -> Result<Query, String> {
    if keys.secret_key.is_empty() {
        return Err(format!("To reopen {what}, enter the keys for {} (they are not in links).", link.host));
    }
    let what = match (link.trace.clone(), link.session.clone()) {
        (Some(t), _) => What::Trace(t),
        (None, s) => What::Session(s.unwrap_or_default()),
    };
    Ok(Query { store: Langfuse::new(&link.host, keys.public_key, keys.secret_key, notify), what, max_traces: 1000 })
}
