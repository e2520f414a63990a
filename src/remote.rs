//! Loading from live trace stores into the app: requests page in the background, each trace is
//! merged as it arrives, with a progress bar (items and bytes), a limit, Cancel, and a note of
//! what was left on the server. A finished load records its source (never a key) for the fragment.

use crate::app::{AppState, Page};
use crate::import::{self, Format, ImportError};
use crate::model::{Trace, TraceSet};
use crate::source::langfuse::{Generation, Langfuse, TraceFilter};
use crate::source::link::{SourceKind, SourceLink};
use crate::source::phoenix::{Annotated, Phoenix, SpanQuery};
use crate::source::tracestore::{Search, TraceStore};
use crate::source::{self, advice};
use leptos::prelude::*;
use std::collections::HashMap;

/// What the progress bar shows while a load runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Progress {
    pub what: String,
    pub done: usize,
    /// Unknown until the server says (a cursor has no total).
    pub total: Option<usize>,
    pub unit: &'static str,
    pub bytes: usize,
    /// The step under way or a wait ("rate limited; retrying in 3 s").
    pub note: String,
}

/// Which Langfuse traces to load.
#[derive(Clone)]
pub enum LangfuseWhat {
    Matching(TraceFilter),
    Session(String),
    Trace(String),
}

/// Which Phoenix spans to load.
#[derive(Clone)]
pub enum PhoenixWhat {
    Spans(SpanQuery),
    Session(String),
}

/// Which Tempo or Jaeger traces to load.
#[derive(Clone)]
pub enum StoreWhat {
    Trace(String),
    Search(Search),
}

/// One running load: progress, cancel, merging, and how it ends.
struct Job {
    state: AppState,
    label: String,
    first: Option<usize>,
    traces: usize,
    /// Where the data comes from: in the address as soon as the first trace shows, so a reload
    /// mid-load reopens it.
    source: Option<SourceLink>,
}

impl Job {
    fn start(state: AppState, label: String, what: &str, unit: &'static str) -> Job {
        state.cancel.set(false);
        state.progress.set(Some(Progress { what: what.to_string(), unit, ..Default::default() }));
        Job { state, label, first: None, traces: 0, source: None }
    }

    fn cancelled(&self) -> bool {
        self.state.cancel.get_untracked()
    }

    fn set(&self, f: impl FnOnce(&mut Progress)) {
        self.state.progress.update(|p| {
            if let Some(p) = p {
                f(p)
            }
        });
    }

    /// Counts response bytes into the progress bar; given to clients as their `on_page`.
    fn bytes_counter(&self) -> impl Fn(usize) + 'static {
        let progress = self.state.progress;
        move |n| {
            progress.update(|p| {
                if let Some(p) = p {
                    p.bytes += n
                }
            })
        }
    }

    fn fail(&self, what: &str, e: impl std::fmt::Display) {
        self.state.push_error(format!("{}: {what}{e}", self.label));
    }

    /// Imports `bodies` (with `meta`, the trace's own fields from a list, if any) as one unit and
    /// merges it: a trace appears whole or not at all. Paging notes are dropped since every page
    /// was fetched. Returns how many observations came in, and the ids of the traces they are in.
    fn merge(
        &mut self,
        name: &str,
        meta: Option<Trace>,
        bodies: Vec<(Option<Format>, Vec<u8>)>,
    ) -> (usize, Vec<String>) {
        let mut local = TraceSet::default();
        if let Some(t) = meta {
            local.traces.push(t);
        }
        for (format, body) in bodies {
            let loaded = match format {
                Some(f) => import::load_as(name, &body, f),
                None => import::load(name, &body),
            };
            match loaded {
                Ok(mut l) => {
                    l.set.warnings.retain(|w| !matches!(w.kind, crate::model::WarningKind::OnePage { .. }));
                    local.merge(l.set);
                }
                // an empty page (no scores, no annotations) is not an error
                Err(e) if matches!(e.error, ImportError::NoTraces(_)) => {}
                Err(e) => self.state.push_error(e.to_string()),
            }
        }
        if local.traces.is_empty() && local.scores.is_empty() {
            return (0, Vec::new());
        }
        let count = local.observation_count();
        let ids = local.traces.iter().map(|t| t.id.clone()).collect();
        let mut touched = Vec::new();
        self.state.data.update(|d| touched = d.merge(local));
        self.state.generation.update(|g| *g += 1);
        if self.first.is_none() && !touched.is_empty() {
            if let Some(l) = &self.source {
                self.state.source_link.set(Some(l.clone()));
            }
        }
        self.first = self.first.or(touched.first().copied());
        // something to read while the rest arrives
        if self.state.trace.get_untracked().is_none() {
            self.state.show_trace(self.first);
        }
        self.traces += touched.len();
        (count, ids)
    }

    /// Ends the load: shows the first trace (or the list when several came), records the source.
    fn finish(self, link: Option<SourceLink>) {
        let s = self.state;
        s.progress.set(None);
        s.loading.set(None);
        if let Some(t) = self.first {
            if let Some(l) = link {
                s.source_link.set(Some(l));
            }
            let several = s.data.with_untracked(|d| d.traces.len()) > 1 && self.traces > 1;
            s.page.set(if several { Page::Traces } else { Page::Trace });
            s.show_trace(Some(t));
        }
    }
}

impl AppState {
    /// Where a client's retry waits are told: the progress note (and the status line).
    pub fn notifier(self) -> std::rc::Rc<dyn Fn(String)> {
        std::rc::Rc::new(move |m| {
            self.progress.update(|p| {
                if let Some(p) = p {
                    p.note = m.clone()
                }
            });
            self.loading.set(Some(m));
        })
    }

    /// Loads Langfuse traces (matching a filter, a session, or one by id) from whichever API
    /// generation the server answers.
    pub fn load_langfuse(self, client: Langfuse, what: LangfuseWhat, max_traces: usize) {
        const PAGE: usize = 50;
        // a server failing this often is down, not flaky: stop asking
        const GIVE_UP_AFTER: usize = 3;
        leptos::task::spawn_local(async move {
            let label = format!("langfuse:{}", advice::host_of(&client.host));
            let mut job = Job::start(self, label.clone(), "Langfuse", "traces");
            job.set(|p| p.note = "asking which API the server has".into());
            let generation = match client.generation().await {
                Ok(g) => g,
                Err(e) => {
                    job.fail("", e);
                    return job.finish(None);
                }
            };
            job.set(|p| p.note = generation.describe().into());
            let mut link = SourceLink::new(SourceKind::Langfuse, &client.host);
            job.source = link.clone();
            let counter = job.bytes_counter();
            // the traces' own fields (name, input, output, user, tags) come from the list or the
            // session on the current API; the legacy trace endpoint has them inside
            let keep_meta = matches!(generation, Generation::Current { .. });
            let metas_of = |name: &str, body: &[u8], format: Format| -> HashMap<String, Trace> {
                if !keep_meta {
                    return HashMap::new();
                }
                import::load_as(name, body, format)
                    .map(|l| l.set.traces.into_iter().map(|t| (t.id.clone(), t)).collect())
                    .unwrap_or_default()
            };
            let (ids, mut metas, total): (Vec<String>, HashMap<String, Trace>, usize) = match &what {
                LangfuseWhat::Trace(id) => {
                    if let Some(l) = link.as_mut() {
                        l.trace = Some(id.clone());
                    }
                    (vec![id.clone()], HashMap::new(), 1)
                }
                LangfuseWhat::Session(id) => match client.session(id).await {
                    Ok((body, ids)) => {
                        counter(body.len());
                        if let Some(l) = link.as_mut() {
                            l.session = Some(id.clone());
                        }
                        let n = ids.len();
                        (ids, metas_of(&format!("{label}/session/{id}"), &body, Format::LangfuseSession), n)
                    }
                    Err(e) => {
                        job.fail(&format!("session {id}: "), e);
                        return job.finish(None);
                    }
                },
                LangfuseWhat::Matching(_) => (Vec::new(), HashMap::new(), 0),
            };
            let mut queue: std::collections::VecDeque<String> = ids.into();
            let mut total = total;
            let mut page = 0usize;
            let mut pages_left = matches!(what, LangfuseWhat::Matching(_));
            let mut done = 0usize;
            let (mut failed, mut failed_in_a_row) = (Vec::new(), 0usize);
            loop {
                if queue.is_empty() && pages_left {
                    let LangfuseWhat::Matching(filter) = &what else { break };
                    page += 1;
                    match client.list(filter, page, PAGE).await {
                        Ok(p) => {
                            counter(p.body.len());
                            total = p.total_items;
                            metas.extend(metas_of(&format!("{label}/traces"), &p.body, Format::LangfuseTraces));
                            pages_left = page < p.total_pages && !p.ids.is_empty();
                            queue.extend(p.ids);
                        }
                        Err(e) => {
                            job.fail("trace list: ", e);
                            break;
                        }
                    }
                }
                let Some(id) = queue.pop_front() else { break };
                if job.cancelled() {
                    job.fail("", format!("cancelled after {done} of {total} traces; what was loaded stays"));
                    break;
                }
                if done >= max_traces {
                    job.fail("", format!("stopped at the limit of {max_traces} traces; {total} match on the server"));
                    break;
                }
                job.set(|p| {
                    p.done = done;
                    p.total = Some(total.min(max_traces));
                });
                match client.trace(&id, &counter).await {
                    Ok(bodies) => {
                        let bodies = bodies.into_iter().map(|(f, b)| (Some(f), b)).collect();
                        // an answer that does not open has had its error said by `merge`
                        let (_, opened) = job.merge(&format!("{label}/{id}"), metas.remove(&id), bodies);
                        if opened.is_empty() {
                            failed.push(id);
                            failed_in_a_row += 1;
                        } else {
                            done += 1;
                            failed_in_a_row = 0;
                        }
                    }
                    // one trace failing (after the client's retries) does not lose the others
                    Err(e) => {
                        job.fail(&format!("trace {id}: "), e);
                        failed.push(id);
                        failed_in_a_row += 1;
                    }
                }
                if failed_in_a_row >= GIVE_UP_AFTER {
                    job.fail(
                        "",
                        format!(
                            "stopped after {GIVE_UP_AFTER} traces in a row failed; {done} of {total} loaded and kept"
                        ),
                    );
                    break;
                }
                source::yield_to_browser().await;
            }
            if !failed.is_empty() && failed_in_a_row < GIVE_UP_AFTER {
                job.fail(
                    "",
                    format!("{done} of {total} traces loaded; {} failed: {}", failed.len(), failed.join(", ")),
                );
            }
            job.finish(link);
        });
    }

    /// Loads a Phoenix project's spans (all, a time range, some traces, or one session) page by
    /// page, then the annotations on those spans, traces and sessions as scores.
    pub fn load_phoenix(self, client: Phoenix, project: String, what: PhoenixWhat, max_spans: usize) {
        const PAGE: usize = 1000;
        const TRACES_PER_REQUEST: usize = 50;
        leptos::task::spawn_local(async move {
            let label = format!("phoenix:{}/{project}", advice::host_of(&client.host));
            let mut job = Job::start(self, label.clone(), &format!("Phoenix {project}"), "spans");
            let counter = job.bytes_counter();
            let mut link = SourceLink::new(SourceKind::Phoenix, &client.host);
            if let Some(l) = link.as_mut() {
                l.project = Some(project.clone());
            }
            job.source = link.clone();
            let (query, session) = match what {
                PhoenixWhat::Spans(q) => {
                    if let (Some(l), [one]) = (link.as_mut(), q.trace_ids.as_slice()) {
                        l.trace = Some(one.clone());
                    }
                    (q, None)
                }
                PhoenixWhat::Session(id) => {
                    job.set(|p| p.note = format!("session {id}"));
                    match client.session(&id).await {
                        Ok((sid, traces)) => {
                            if let Some(l) = link.as_mut() {
                                l.session = Some(sid.clone());
                            }
                            (SpanQuery { trace_ids: traces, ..Default::default() }, Some(sid))
                        }
                        Err(e) => {
                            job.fail(&format!("session {id}: "), e);
                            return job.finish(None);
                        }
                    }
                }
            };
            let format = if query.otlp { Format::OtlpSpans } else { Format::PhoenixSpans };
            // a session's traces are asked for a few at a time (they go in the address)
            let batches: Vec<SpanQuery> = if query.trace_ids.is_empty() {
                vec![query.clone()]
            } else {
                query
                    .trace_ids
                    .chunks(TRACES_PER_REQUEST)
                    .map(|c| SpanQuery { trace_ids: c.to_vec(), ..query.clone() })
                    .collect()
            };
            let mut spans = 0usize;
            // in arrival order (for the annotation requests) and as a set (for lookups)
            let mut touched_ids: Vec<String> = Vec::new();
            let mut touched: std::collections::HashSet<String> = std::collections::HashSet::new();
            'batches: for q in &batches {
                let mut cursor: Option<String> = None;
                loop {
                    if job.cancelled() {
                        job.fail("", format!("cancelled after {spans} spans; what was loaded stays"));
                        break 'batches;
                    }
                    job.set(|p| {
                        p.done = spans;
                        p.total = Some(max_spans);
                    });
                    let limit = PAGE.min(max_spans.saturating_sub(spans)).max(1);
                    match client.spans_page(&project, q, cursor.as_deref(), limit).await {
                        Ok((body, next)) => {
                            counter(body.len());
                            let (n, ids) = job.merge(&label, None, vec![(Some(format), body)]);
                            spans += n;
                            for id in ids {
                                if touched.insert(id.clone()) {
                                    touched_ids.push(id);
                                }
                            }
                            match next {
                                Some(c) if spans < max_spans => cursor = Some(c),
                                Some(_) => {
                                    job.fail(
                                        "",
                                        format!("stopped at the limit of {max_spans} spans; more are on the server"),
                                    );
                                    break 'batches;
                                }
                                None => break,
                            }
                        }
                        Err(e) => {
                            job.fail("", format!("{e}; the {spans} spans loaded before stay"));
                            break 'batches;
                        }
                    }
                    source::yield_to_browser().await;
                }
            }
            // annotations of what was loaded: spans, traces, sessions
            let (span_ids, session_ids) = self.data.with_untracked(|d| {
                let mut spans = Vec::new();
                let mut sessions: Vec<String> = session.iter().cloned().collect();
                for t in d.traces.iter().filter(|t| touched.contains(&t.id)) {
                    spans.extend(t.observations.iter().map(|o| o.id.clone()));
                    if let Some(s) = &t.session_id {
                        if !sessions.contains(s) {
                            sessions.push(s.clone());
                        }
                    }
                }
                (spans, sessions)
            });
            for (on, ids, what) in [
                (Annotated::Span, &span_ids, "span"),
                (Annotated::Trace, &touched_ids, "trace"),
                (Annotated::Session, &session_ids, "session"),
            ] {
                if ids.is_empty() || job.cancelled() {
                    continue;
                }
                job.set(|p| p.note = format!("{what} annotations"));
                match client.annotations(&project, on, ids, &counter).await {
                    Ok(bodies) => {
                        let bodies = bodies.into_iter().map(|b| (Some(Format::PhoenixAnnotations), b)).collect();
                        job.merge(&format!("{label}/{what}_annotations"), None, bodies);
                    }
                    Err(e) => job.fail(&format!("{what} annotations were not loaded (the spans were): "), e),
                }
            }
            job.finish(link);
        });
    }

    /// Loads from Tempo or Jaeger: one trace by id, or the traces a search finds.
    pub fn load_store(self, store: TraceStore, what: StoreWhat) {
        leptos::task::spawn_local(async move {
            let name = match store.kind {
                SourceKind::Jaeger => "Jaeger",
                _ => "Tempo",
            };
            let label = format!("{}:{}", store.kind.key(), advice::host_of(&store.host));
            let mut job = Job::start(self, label.clone(), name, "traces");
            let counter = job.bytes_counter();
            let mut link = SourceLink::new(store.kind, &store.host);
            job.source = link.clone();
            let ids: Vec<String> = match &what {
                StoreWhat::Trace(id) => {
                    if let Some(l) = link.as_mut() {
                        l.trace = Some(id.clone());
                    }
                    vec![id.clone()]
                }
                StoreWhat::Search(s) if store.kind == SourceKind::Jaeger => {
                    job.set(|p| p.note = format!("searching {}", s.service));
                    match store.jaeger_search(s).await {
                        Ok(body) => {
                            counter(body.len());
                            if job.merge(&format!("{label}/search"), None, vec![(None, body)]).0 == 0 {
                                job.fail("", "the search found no traces in this time range");
                            }
                        }
                        Err(e) => job.fail("search: ", e),
                    }
                    return job.finish(link);
                }
                StoreWhat::Search(s) => {
                    job.set(|p| p.note = "searching".into());
                    match store.tempo_search(s).await {
                        Ok(ids) if ids.is_empty() => {
                            job.fail("", "the search found no traces in this time range");
                            return job.finish(None);
                        }
                        Ok(ids) => ids,
                        Err(e) => {
                            job.fail("search: ", e);
                            return job.finish(None);
                        }
                    }
                }
            };
            let total = ids.len();
            for (done, id) in ids.into_iter().enumerate() {
                if job.cancelled() {
                    job.fail("", format!("cancelled after {done} of {total} traces; what was loaded stays"));
                    break;
                }
                job.set(|p| {
                    p.done = done;
                    p.total = Some(total);
                });
                match store.trace(&id).await {
                    Ok(body) => {
                        counter(body.len());
                        job.merge(&format!("{label}/{id}"), None, vec![(None, body)]);
                    }
                    Err(e) => {
                        job.fail(&format!("trace {id}: "), e);
                        if total == 1 {
                            break;
                        }
                    }
                }
                source::yield_to_browser().await;
            }
            job.finish(link);
        });
    }
}

impl AppState {
    /// Reopens what a link's fragment names from its API: loads it at once when no key is needed
    /// or the keys were remembered on this device; otherwise opens Connect filled in, asking for them.
    pub fn reopen(self, link: SourceLink) {
        // only keys remembered for exactly this host, only those its kind sends; the page says so
        let keys = crate::source::keys::for_link(link.kind, &link.host).map(|(host, k)| {
            self.keys_remembered_for.set(Some(host));
            k
        });
        let what = match (&link.trace, &link.session) {
            (Some(t), _) => format!("trace {t}"),
            (None, Some(s)) => format!("session {s}"),
            (None, None) => String::new(),
        };
        let ask = |why: String| {
            self.connect_preset.set(Some((link.clone(), why)));
            self.connect_open.set(true);
        };
        if what.is_empty() {
            return ask(format!("This link was made from {}; choose what to load.", link.host));
        }
        let notify = self.notifier();
        match link.kind {
            SourceKind::Langfuse => {
                let Some(k) = keys.filter(|k| !k.secret_key.is_empty()) else {
                    return ask(format!("To reopen {what}, enter the keys for {} (they are not in links).", link.host));
                };
                let client = Langfuse {
                    host: link.host.clone(),
                    public_key: k.public_key,
                    secret_key: k.secret_key,
                    notify,
                    generation: Default::default(),
                };
                let what = match (link.trace.clone(), link.session.clone()) {
                    (Some(t), _) => LangfuseWhat::Trace(t),
                    (None, s) => LangfuseWhat::Session(s.unwrap_or_default()),
                };
                self.load_langfuse(client, what, 1000);
            }
            SourceKind::Phoenix => {
                let Some(project) = link.project.clone() else {
                    return ask(format!("Choose the Phoenix project to reopen {what}."));
                };
                let client = Phoenix {
                    host: link.host.clone(),
                    api_key: keys.map(|k| k.api_key).filter(|k| !k.is_empty()),
                    notify,
                };
                let what = match (link.trace.clone(), link.session.clone()) {
                    (Some(t), _) => PhoenixWhat::Spans(SpanQuery { trace_ids: vec![t], ..Default::default() }),
                    (None, s) => PhoenixWhat::Session(s.unwrap_or_default()),
                };
                self.load_phoenix(client, project, what, 100_000);
            }
            SourceKind::Tempo | SourceKind::Jaeger => {
                let Some(t) = link.trace.clone() else {
                    return ask(format!("This link was made from {}; choose what to load.", link.host));
                };
                let store = TraceStore { kind: link.kind, host: link.host.clone(), headers: Vec::new(), notify };
                self.load_store(store, StoreWhat::Trace(t));
            }
        }
    }
}
