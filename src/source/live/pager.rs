//! The one pager of live loads: cursor or page-number paging, retries with backoff, progress, a
//! limit and Cancel, written once for every store. A store says how to fetch a page or a trace
//! ([`Walk`]) and what its load is ([`Plan`]); [`run`] does the loop and [`Sink`] takes what comes.
//! Pure: the waits, fetches and pauses are handed in, so the host tests drive it with fakes.

use super::{Progress, Sink, Told};
use crate::import::{self, Format, ImportError};
use crate::model::{Trace, TraceSet};
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;

/// Waits before the 2nd, 3rd and 4th try of a request that failed in a way that may pass.
pub const RETRY_WAITS_MS: [u32; 3] = [1000, 3000, 8000];

/// A server that hands out more page numbers than this is not believed (it must not keep us here).
pub const MAX_PAGES: usize = 10_000;

/// Tries `attempt` again after each wait of [`RETRY_WAITS_MS`] while it fails `transient`ly
/// (rate limits, a briefly failing server, a dropped connection), telling `notify` each time it
/// waits. Asking again is safe because every request of a load is a GET.
pub async fn retry<T, E, A, AF, W, WF>(
    mut attempt: A,
    transient: impl Fn(&E) -> bool,
    mut wait: W,
    notify: &dyn Fn(String),
) -> Result<T, E>
where
    E: std::fmt::Display,
    A: FnMut() -> AF,
    AF: Future<Output = Result<T, E>>,
    W: FnMut(u32) -> WF,
    WF: Future<Output = ()>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(e) if tries < RETRY_WAITS_MS.len() && transient(&e) => {
                let ms = RETRY_WAITS_MS[tries];
                notify(format!(
                    "{e}; retrying in {} s (attempt {} of {})",
                    ms / 1000,
                    tries + 2,
                    RETRY_WAITS_MS.len() + 1
                ));
                wait(ms).await;
                tries += 1;
            }
            done => return done,
        }
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum At {
    /// The first page of a cursor-paged listing.
    First,
    /// A page by its number (1-based).
    Number(usize),
    /// A page by the cursor the previous one gave.
    Cursor(String),
}

/// What a page says of the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum More {
    /// This was the last.
    End,
    /// The cursor of the next page.
    Cursor(String),
    /// Page-numbered listing with this many pages.
    Pages(usize),
}

/// The page after `at`, if any. A cursor the server gives twice in a row, or an empty one, ends
/// the listing; so does a page number past the total or [`MAX_PAGES`].
pub fn advance(at: &At, more: More) -> Option<At> {
    match (at, more) {
        (_, More::End) => None,
        (at, More::Cursor(c)) if c.is_empty() || *at == At::Cursor(c.clone()) => None,
        (_, More::Cursor(c)) => Some(At::Cursor(c)),
        (At::Number(n), More::Pages(total)) if *n < total && *n < MAX_PAGES => Some(At::Number(n + 1)),
        (_, More::Pages(_)) => None,
    }
}

/// Fetches every page of a listing from `first` on, in order (within one trace: its observations,
/// its scores, annotations).
pub async fn follow<F, Fut, E>(first: At, mut fetch: F) -> Result<Vec<Vec<u8>>, E>
where
    F: FnMut(At) -> Fut,
    Fut: Future<Output = Result<(Vec<u8>, More), E>>,
{
    let mut pages = Vec::new();
    let mut at = Some(first);
    while let Some(a) = at.take() {
        let (body, more) = fetch(a.clone()).await?;
        pages.push(body);
        at = advance(&a, more);
    }
    Ok(pages)
}

/// A response body and the format to read it as (`None`: sniffed).
pub type Body = (Option<Format>, Vec<u8>);

/// One entry of a listing page.
pub enum Entry {
    /// Bodies that are one unit already (a page of spans, a search answer), to merge as they are.
    Bodies { name: String, bodies: Vec<Body> },
    /// A trace to fetch whole, with its own fields from the listing if it had them.
    Trace { id: String, meta: Option<Box<Trace>> },
}

/// One page of a listing.
pub struct Page {
    pub entries: Vec<Entry>,
    pub more: More,
    /// How many match on the server, when it says.
    pub total: Option<usize>,
    pub bytes: usize,
}

/// How a store fetches: pages of its listings, and traces by id.
pub trait Walk {
    type Error: std::fmt::Display;
    /// The page `at` of listing number `listing`, with at most `want` entries.
    fn page(&mut self, listing: usize, at: &At, want: usize) -> impl Future<Output = Result<Page, Self::Error>>;
    /// Every body of one trace, to import as one unit.
    fn trace(&mut self, id: &str) -> impl Future<Output = Result<Vec<Body>, Self::Error>>;
}

/// What a load counts, limits and says it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Traces that opened (listings name them, each is fetched whole).
    Traces,
    /// Spans (observations) merged; each page of the listing is a unit.
    Spans,
}

impl Unit {
    pub fn word(self) -> &'static str {
        match self {
            Unit::Traces => "traces",
            Unit::Spans => "spans",
        }
    }
}

/// What to do when a trace fails (after the client's retries); the others are still loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// Say each failure and go on.
    KeepGoing,
    /// Stop after this many in a row (the server is down, not flaky), and sum the failures up.
    GiveUpAfter(usize),
}

/// What a load is: how it is named, counted and paged.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Starts every message ("langfuse:cloud.langfuse.com").
    pub label: String,
    pub unit: Unit,
    /// At most this many units are loaded.
    pub limit: usize,
    /// Entries asked of a page (spans pages ask for no more than the limit leaves).
    pub page_size: usize,
    /// How many listings to page through, one after another (0: only the entries given).
    pub listings: usize,
    /// Listings are page-numbered (else cursor-paged).
    pub numbered: bool,
    /// What a listing is called when it fails ("trace list", "search").
    pub listing_name: &'static str,
    /// How many match, when known before paging.
    pub total: Option<usize>,
    pub on_failure: OnFailure,
    /// A search: says so when it finds nothing.
    pub search: bool,
}

impl Plan {
    /// A load of traces by id (Tempo, Jaeger): the given ones, or what one search finds; each
    /// failure is said and the others still load.
    pub fn each_trace(label: String, given: usize, search: bool) -> Plan {
        Plan {
            label,
            unit: Unit::Traces,
            limit: usize::MAX,
            page_size: 1,
            listings: usize::from(search),
            numbered: false,
            listing_name: "search",
            total: (!search).then_some(given),
            on_failure: OnFailure::KeepGoing,
            search,
        }
    }
}

/// Why a load stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ended {
    #[default]
    Finished,
    Cancelled,
    Limit,
    /// A listing page failed.
    Failed,
    GaveUp,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tally {
    pub ended: Ended,
    /// Units loaded (traces that opened, or spans).
    pub done: usize,
    pub total: Option<usize>,
    /// Traces that did not open.
    pub failed: Vec<String>,
    /// The traces merged, in order of arrival, and their spans and sessions (for annotations).
    pub traces: Vec<String>,
    pub spans: Vec<String>,
    pub sessions: Vec<String>,
    /// `traces` as a set, for the check on each merge.
    seen: HashSet<String>,
}

/// Imports `bodies` (with `meta`, the trace's own fields from a listing, if any) as one unit and
/// merges it: a trace appears whole or not at all. Paging notes are dropped since every page was
/// fetched. Returns how many observations came in and how many traces.
pub fn merge_unit<S: Sink>(
    sink: &mut S,
    tally: &mut Tally,
    name: &str,
    meta: Option<Box<Trace>>,
    bodies: Vec<Body>,
) -> (usize, usize) {
    let mut local = TraceSet::default();
    if let Some(t) = meta {
        local.traces.push(*t);
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
            Err(e) => sink.tell(Told::Failed, e.to_string()),
        }
    }
    if local.traces.is_empty() && local.scores.is_empty() {
        return (0, 0);
    }
    let count = local.observation_count();
    let traces = local.traces.len();
    for t in &local.traces {
        if tally.seen.insert(t.id.clone()) {
            tally.traces.push(t.id.clone());
        }
        tally.spans.extend(t.observations.iter().map(|o| o.id.clone()));
        if let Some(s) = t.session_id.as_ref().filter(|s| !tally.sessions.contains(s)) {
            tally.sessions.push(s.clone());
        }
    }
    sink.merge(local);
    (count, traces)
}

/// A boxed future of `run`'s walk, its error as text.
type Fetch<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + 'a>>;

/// [`Walk`] with its futures boxed and its errors as text, so that `run`'s loop is compiled once
/// for every store instead of once per store (a few kB of wasm each).
trait AnyWalk {
    fn page<'a>(&'a mut self, listing: usize, at: &'a At, want: usize) -> Fetch<'a, Page>;
    fn trace<'a>(&'a mut self, id: &'a str) -> Fetch<'a, Vec<Body>>;
}

impl<W: Walk> AnyWalk for W {
    fn page<'a>(&'a mut self, listing: usize, at: &'a At, want: usize) -> Fetch<'a, Page> {
        Box::pin(async move { Walk::page(self, listing, at, want).await.map_err(|e| e.to_string()) })
    }
    fn trace<'a>(&'a mut self, id: &'a str) -> Fetch<'a, Vec<Body>> {
        Box::pin(async move { Walk::trace(self, id).await.map_err(|e| e.to_string()) })
    }
}

/// Runs a load: the `seed` entries first, then each listing page by page, merging each unit as
/// it comes, until everything is in, the limit is reached, Cancel is pressed, a listing fails or
/// (per `on_failure`) too many traces in a row fail. Says each stop, and what was left.
pub async fn run<W: Walk, S: Sink>(plan: &Plan, walk: &mut W, seed: Vec<Entry>, sink: &mut S) -> Tally {
    run_any(plan, walk, seed, sink).await
}

async fn run_any<S: Sink>(plan: &Plan, walk: &mut dyn AnyWalk, seed: Vec<Entry>, sink: &mut S) -> Tally {
    let mut t = Tally { total: plan.total, ..Tally::default() };
    let (label, unit) = (plan.label.as_str(), plan.unit.word());
    let mut queue: VecDeque<Entry> = seed.into();
    // the listing under way and its next page; listings left to start
    let (mut listing, mut at, mut next_listing) = (0usize, None::<At>, 0usize);
    let mut in_a_row = 0usize;
    loop {
        // units already fetched are merged whatever happens next
        if let Some(Entry::Bodies { .. }) = queue.front() {
            if let Some(Entry::Bodies { name, bodies }) = queue.pop_front() {
                let (spans, traces) = merge_unit(sink, &mut t, &name, None, bodies);
                t.done += if plan.unit == Unit::Spans { spans } else { traces };
                sink.pause().await;
            }
            continue;
        }
        if queue.is_empty() && at.is_none() && next_listing >= plan.listings {
            break;
        }
        let total = t.total.unwrap_or(0);
        if sink.cancelled() {
            t.ended = Ended::Cancelled;
            sink.tell(
                Told::Cancelled,
                match plan.unit {
                    Unit::Traces => {
                        format!("{label}: cancelled after {} of {total} traces; what was loaded stays", t.done)
                    }
                    Unit::Spans => format!("{label}: cancelled after {} {unit}; what was loaded stays", t.done),
                },
            );
            break;
        }
        if t.done >= plan.limit {
            t.ended = Ended::Limit;
            let left = match t.total {
                Some(n) => format!("{n} match on the server"),
                None => "more are on the server".to_string(),
            };
            sink.tell(Told::Limit, format!("{label}: stopped at the limit of {} {unit}; {left}", plan.limit));
            break;
        }
        if let Some(Entry::Trace { id, meta }) = queue.pop_front() {
            let shown = Some(total.min(plan.limit));
            let done = t.done;
            sink.progress(|p| {
                p.done = done;
                p.total = shown;
            });
            match walk.trace(&id).await {
                Ok(bodies) => {
                    let bytes: usize = bodies.iter().map(|(_, b)| b.len()).sum();
                    sink.progress(|p| p.bytes += bytes);
                    // an answer that does not open has had its error said by `merge_unit`
                    let (spans, traces) = merge_unit(sink, &mut t, &format!("{label}/{id}"), meta, bodies);
                    if traces == 0 {
                        t.failed.push(id);
                        in_a_row += 1;
                    } else {
                        t.done += if plan.unit == Unit::Spans { spans } else { 1 };
                        in_a_row = 0;
                    }
                }
                Err(e) => {
                    sink.tell(Told::Failed, format!("{label}: trace {id}: {e}"));
                    t.failed.push(id);
                    in_a_row += 1;
                }
            }
            if let OnFailure::GiveUpAfter(n) = plan.on_failure {
                if in_a_row >= n {
                    t.ended = Ended::GaveUp;
                    sink.tell(
                        Told::Failed,
                        format!(
                            "{label}: stopped after {n} traces in a row failed; {} of {total} loaded and kept",
                            t.done
                        ),
                    );
                    break;
                }
            }
            sink.pause().await;
            continue;
        }
        // the next page of a listing, or the first of the next listing
        let here = match at.take() {
            Some(a) => a,
            None => {
                listing = next_listing;
                next_listing += 1;
                if plan.numbered {
                    At::Number(1)
                } else {
                    At::First
                }
            }
        };
        let want = match plan.unit {
            Unit::Spans => {
                let (done, limit) = (t.done, plan.limit);
                sink.progress(|p| {
                    p.done = done;
                    p.total = Some(limit);
                });
                plan.page_size.min(limit.saturating_sub(done)).max(1)
            }
            Unit::Traces => plan.page_size,
        };
        match walk.page(listing, &here, want).await {
            Ok(page) => {
                sink.progress(|p| p.bytes += page.bytes);
                t.total = page.total.or(t.total);
                at = advance(&here, page.more);
                queue.extend(page.entries);
            }
            Err(e) => {
                t.ended = Ended::Failed;
                sink.tell(
                    Told::Failed,
                    match plan.unit {
                        Unit::Spans => format!("{label}: {e}; the {} {unit} loaded before stay", t.done),
                        Unit::Traces => format!("{label}: {}: {e}", plan.listing_name),
                    },
                );
                break;
            }
        }
    }
    let total = t.total.unwrap_or(0);
    if matches!(plan.on_failure, OnFailure::GiveUpAfter(_)) && !t.failed.is_empty() && t.ended != Ended::GaveUp {
        sink.tell(
            Told::Failed,
            format!("{label}: {} of {total} traces loaded; {} failed: {}", t.done, t.failed.len(), t.failed.join(", ")),
        );
    }
    if plan.search && t.ended == Ended::Finished && t.done == 0 && t.failed.is_empty() {
        sink.tell(Told::NothingFound, format!("{label}: the search found no traces in this time range"));
    }
    t
}

/// A progress change that only sets the note (the step under way).
pub fn note<S: Sink>(sink: &mut S, text: impl Into<String>) {
    let text = text.into();
    sink.progress(|p: &mut Progress| p.note = text);
}
