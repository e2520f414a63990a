//! The live pager driven by fakes on the host: a scripted store (`Script`) and a sink that records
//! what it is told (`Record`), so cursor and page-number advance, the limit, Cancel, retries with
//! backoff and the progress values are checked without a browser or a server.

use canopy::model::TraceSet;
use canopy::source::link::SourceLink;
use canopy::source::live::pager::{
    self, advance, follow, retry, At, Body, Ended, Entry, More, OnFailure, Page, Plan, Unit, Walk,
};
use canopy::source::live::{Progress, Sink, Told};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// Runs a future whose awaits are all ready at once (every fake here is).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the future never finished");
}

/// An OTLP body of one trace with `spans` spans, as a store would send it.
fn otlp(trace: &str, spans: usize, first: usize) -> Vec<u8> {
    let spans: Vec<String> = (first..first + spans)
        .map(|i| {
            format!(
                r#"{{"traceId":"{trace}","spanId":"{i:016x}","name":"s{i}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
                1_000 + i,
                2_000 + i
            )
        })
        .collect();
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
    .into_bytes()
}

fn trace_id(n: usize) -> String {
    format!("{n:032x}")
}

#[derive(Default)]
struct Record {
    progress: Progress,
    /// (done, total) each time either changed, in order.
    counts: Vec<(usize, Option<usize>)>,
    told: Vec<String>,
    /// What each message was about, in order.
    about: Vec<Told>,
    merged: TraceSet,
    merges: usize,
    /// Cancel is pressed once this many units have merged.
    cancel_after: Option<usize>,
}

impl Sink for Record {
    fn begin(&mut self, what: String, unit: &'static str, _source: Option<SourceLink>) {
        self.progress = Progress { what, unit, ..Default::default() };
    }
    fn progress(&mut self, change: impl FnOnce(&mut Progress)) {
        let before = (self.progress.done, self.progress.total);
        change(&mut self.progress);
        let after = (self.progress.done, self.progress.total);
        if after != before {
            self.counts.push(after);
        }
    }
    fn cancelled(&self) -> bool {
        self.cancel_after.is_some_and(|n| self.merges >= n)
    }
    fn merge(&mut self, set: TraceSet) {
        self.merges += 1;
        self.merged.merge(set);
    }
    fn tell(&mut self, about: Told, text: String) {
        self.about.push(about);
        self.told.push(text);
    }
    fn pause(&self) -> impl Future<Output = ()> {
        std::future::ready(())
    }
    fn end(&mut self, _link: Option<SourceLink>) {}
}

/// A scripted page: its entries, what it says of the next, how many match; or a failure.
type Scripted = Result<(Vec<Entry>, More, Option<usize>), String>;

/// A store that answers from a script: pages by (listing, position), traces by id.
#[derive(Default)]
struct Script {
    pages: HashMap<(usize, At), Scripted>,
    traces: HashMap<String, Result<Vec<Body>, String>>,
    asked: Vec<(usize, At, usize)>,
    fetched: Vec<String>,
    /// Pages and traces in the order they were asked for.
    log: Vec<String>,
}

impl Walk for Script {
    type Error = String;
    fn page(&mut self, listing: usize, at: &At, want: usize) -> impl Future<Output = Result<Page, String>> {
        self.asked.push((listing, at.clone(), want));
        self.log.push(format!("{at:?}"));
        let page = match self.pages.remove(&(listing, at.clone())) {
            Some(Ok((entries, more, total))) => Ok(Page { entries, more, total, bytes: 100 }),
            Some(Err(e)) => Err(e),
            None => Err(format!("no page {at:?} in listing {listing}")),
        };
        std::future::ready(page)
    }
    fn trace(&mut self, id: &str) -> impl Future<Output = Result<Vec<Body>, String>> {
        self.fetched.push(id.to_string());
        self.log.push(id.trim_start_matches('0').to_string());
        std::future::ready(self.traces.remove(id).unwrap_or_else(|| Err("not found".into())))
    }
}

fn spans_page(trace: usize, spans: usize, first: usize) -> Entry {
    Entry::Bodies { name: "phoenix".into(), bodies: vec![(None, otlp(&trace_id(trace), spans, first))] }
}

fn spans_plan(limit: usize, listings: usize) -> Plan {
    Plan {
        label: "phoenix:h/p".into(),
        unit: Unit::Spans,
        limit,
        page_size: 4,
        listings,
        numbered: false,
        listing_name: "spans",
        total: None,
        on_failure: OnFailure::KeepGoing,
        search: false,
    }
}

fn traces_plan(limit: usize) -> Plan {
    Plan {
        label: "langfuse:h".into(),
        unit: Unit::Traces,
        limit,
        page_size: 2,
        listings: 1,
        numbered: true,
        listing_name: "trace list",
        total: None,
        on_failure: OnFailure::GiveUpAfter(3),
        search: false,
    }
}

fn ids(entries: &[usize]) -> Vec<Entry> {
    entries.iter().map(|&n| Entry::Trace { id: trace_id(n), meta: None }).collect()
}

#[test]
fn a_cursor_is_followed_to_its_end_and_never_twice() {
    let a = At::Cursor("a".into());
    assert_eq!(advance(&At::First, More::Cursor("a".into())), Some(a.clone()));
    assert_eq!(advance(&a, More::Cursor("a".into())), None, "a repeated cursor ends the listing");
    assert_eq!(advance(&a, More::Cursor(String::new())), None);
    assert_eq!(advance(&a, More::End), None);
    assert_eq!(advance(&At::Number(2), More::Pages(3)), Some(At::Number(3)));
    assert_eq!(advance(&At::Number(3), More::Pages(3)), None);
    assert_eq!(advance(&At::Number(pager::MAX_PAGES), More::Pages(usize::MAX)), None);

    let asked = RefCell::new(Vec::new());
    let pages = block_on(follow(At::First, |at| {
        asked.borrow_mut().push(at.clone());
        let more = match at {
            At::First => More::Cursor("c1".into()),
            At::Cursor(ref c) if c == "c1" => More::Cursor("c2".into()),
            _ => More::Cursor("c2".into()),
        };
        std::future::ready(Ok::<_, String>((format!("{at:?}").into_bytes(), more)))
    }))
    .unwrap();
    assert_eq!(*asked.borrow(), [At::First, At::Cursor("c1".into()), At::Cursor("c2".into())]);
    assert_eq!(pages.len(), 3);
}

#[test]
fn retries_wait_longer_each_time_then_give_up() {
    let (tries, waits, notes) = (Cell::new(0), RefCell::new(Vec::new()), RefCell::new(Vec::new()));
    let result: Result<(), String> = block_on(retry(
        || {
            tries.set(tries.get() + 1);
            std::future::ready(Err("429 rate limited".to_string()))
        },
        |_| true,
        |ms| {
            waits.borrow_mut().push(ms);
            std::future::ready(())
        },
        &|m| notes.borrow_mut().push(m),
    ));
    assert_eq!(result, Err("429 rate limited".into()));
    assert_eq!(tries.get(), 4, "one try and three retries");
    assert_eq!(*waits.borrow(), [1000, 3000, 8000]);
    assert_eq!(notes.borrow()[1], "429 rate limited; retrying in 3 s (attempt 3 of 4)");

    // a failure that would fail the same way again is not retried; a success ends the retries
    tries.set(0);
    let r: Result<u8, String> = block_on(retry(
        || {
            tries.set(tries.get() + 1);
            std::future::ready(Err("timeout".to_string()))
        },
        |e: &String| e != "timeout",
        |_| std::future::ready(()),
        &|_| {},
    ));
    assert!(r.is_err());
    assert_eq!(tries.get(), 1);
    tries.set(0);
    let r = block_on(retry(
        || {
            tries.set(tries.get() + 1);
            std::future::ready(if tries.get() < 3 { Err("503".to_string()) } else { Ok(7) })
        },
        |_| true,
        |_| std::future::ready(()),
        &|_| {},
    ));
    assert_eq!((r, tries.get()), (Ok(7), 3));
}

#[test]
fn spans_pages_follow_the_cursor_up_to_the_limit() {
    let mut store = Script::default();
    store.pages.insert((0, At::First), Ok((vec![spans_page(1, 4, 0)], More::Cursor("c1".into()), None)));
    store.pages.insert((0, At::Cursor("c1".into())), Ok((vec![spans_page(1, 4, 4)], More::Cursor("c2".into()), None)));
    store.pages.insert((0, At::Cursor("c2".into())), Ok((vec![spans_page(2, 2, 8)], More::Cursor("c3".into()), None)));
    let mut sink = Record::default();
    let tally = block_on(pager::run(&spans_plan(10, 1), &mut store, Vec::new(), &mut sink));
    // the last page asks only for what the limit leaves
    let wants: Vec<usize> = store.asked.iter().map(|a| a.2).collect();
    assert_eq!(wants, [4, 4, 2]);
    assert_eq!((tally.ended, tally.done), (Ended::Limit, 10));
    assert_eq!(sink.merged.observation_count(), 10);
    assert_eq!(tally.traces, [trace_id(1), trace_id(2)]);
    assert_eq!(tally.spans.len(), 10);
    assert_eq!(sink.told, ["phoenix:h/p: stopped at the limit of 10 spans; more are on the server"]);
    assert_eq!(sink.counts, [(0, Some(10)), (4, Some(10)), (8, Some(10))]);
    assert_eq!(sink.progress.bytes, 300);
}

#[test]
fn each_listing_is_paged_from_its_start() {
    let mut store = Script::default();
    store.pages.insert((0, At::First), Ok((vec![spans_page(1, 1, 0)], More::End, None)));
    store.pages.insert((1, At::First), Ok((vec![spans_page(2, 1, 1)], More::Cursor("x".into()), None)));
    store.pages.insert((1, At::Cursor("x".into())), Ok((vec![spans_page(2, 1, 2)], More::Cursor("x".into()), None)));
    let mut sink = Record::default();
    let tally = block_on(pager::run(&spans_plan(100, 2), &mut store, Vec::new(), &mut sink));
    let at: Vec<(usize, At)> = store.asked.iter().map(|a| (a.0, a.1.clone())).collect();
    assert_eq!(at, [(0, At::First), (1, At::First), (1, At::Cursor("x".into()))], "a repeated cursor ends it");
    assert_eq!((tally.ended, tally.done), (Ended::Finished, 3));
    assert!(sink.told.is_empty(), "{:?}", sink.told);
}

#[test]
fn a_failed_spans_page_keeps_what_came_before() {
    let mut store = Script::default();
    store.pages.insert((0, At::First), Ok((vec![spans_page(1, 3, 0)], More::Cursor("c".into()), None)));
    store.pages.insert((0, At::Cursor("c".into())), Err("502 Bad Gateway".into()));
    let mut sink = Record::default();
    let tally = block_on(pager::run(&spans_plan(100, 1), &mut store, Vec::new(), &mut sink));
    assert_eq!((tally.ended, tally.done), (Ended::Failed, 3));
    assert_eq!(sink.told, ["phoenix:h/p: 502 Bad Gateway; the 3 spans loaded before stay"]);
}

#[test]
fn numbered_pages_are_read_as_the_traces_are_needed() {
    let mut store = Script::default();
    store.pages.insert((0, At::Number(1)), Ok((ids(&[1, 2]), More::Pages(3), Some(5))));
    store.pages.insert((0, At::Number(2)), Ok((ids(&[3, 4]), More::Pages(3), Some(5))));
    store.pages.insert((0, At::Number(3)), Ok((ids(&[5]), More::Pages(3), Some(5))));
    for n in 1..=5 {
        store.traces.insert(trace_id(n), Ok(vec![(None, otlp(&trace_id(n), 2, n * 10))]));
    }
    let mut sink = Record::default();
    let tally = block_on(pager::run(&traces_plan(100), &mut store, Vec::new(), &mut sink));
    assert_eq!((tally.ended, tally.done, tally.total), (Ended::Finished, 5, Some(5)));
    assert_eq!(store.log, ["Number(1)", "1", "2", "Number(2)", "3", "4", "Number(3)", "5"]);
    assert!(store.asked.iter().all(|a| a.2 == 2), "trace lists ask for whole pages");
    // progress before each trace: done of the total
    assert_eq!(sink.counts, [(0, Some(5)), (1, Some(5)), (2, Some(5)), (3, Some(5)), (4, Some(5))]);
    assert!(sink.told.is_empty(), "{:?}", sink.told);
}

#[test]
fn the_trace_limit_says_how_many_match() {
    let mut store = Script::default();
    store.pages.insert((0, At::Number(1)), Ok((ids(&[1, 2]), More::Pages(50), Some(100))));
    store.pages.insert((0, At::Number(2)), Ok((ids(&[3, 4]), More::Pages(50), Some(100))));
    for n in 1..=4 {
        store.traces.insert(trace_id(n), Ok(vec![(None, otlp(&trace_id(n), 1, n))]));
    }
    let mut sink = Record::default();
    let tally = block_on(pager::run(&traces_plan(3), &mut store, Vec::new(), &mut sink));
    assert_eq!((tally.ended, tally.done), (Ended::Limit, 3));
    assert_eq!(store.fetched.len(), 3);
    assert_eq!(sink.told, ["langfuse:h: stopped at the limit of 3 traces; 100 match on the server"]);
    assert_eq!(sink.about, [Told::Limit]);
    assert_eq!(sink.counts.last(), Some(&(2, Some(3))), "the bar's total is the limit when more match");
}

#[test]
fn cancel_stops_before_the_next_fetch_and_keeps_what_came() {
    let mut store = Script::default();
    for n in 1..=5 {
        store.traces.insert(trace_id(n), Ok(vec![(None, otlp(&trace_id(n), 1, n))]));
    }
    let mut plan = traces_plan(100);
    (plan.listings, plan.total) = (0, Some(5));
    let mut sink = Record { cancel_after: Some(2), ..Default::default() };
    let tally = block_on(pager::run(&plan, &mut store, ids(&[1, 2, 3, 4, 5]), &mut sink));
    assert_eq!((tally.ended, tally.done), (Ended::Cancelled, 2));
    assert_eq!(store.fetched.len(), 2);
    assert_eq!(sink.merged.traces.len(), 2);
    assert_eq!(sink.told, ["langfuse:h: cancelled after 2 of 5 traces; what was loaded stays"]);
    assert_eq!(sink.about, [Told::Cancelled], "a cancel is no failure");

    // a spans load says how many spans
    let mut store = Script::default();
    store.pages.insert((0, At::First), Ok((vec![spans_page(1, 3, 0)], More::Cursor("c".into()), None)));
    let mut sink = Record { cancel_after: Some(1), ..Default::default() };
    let tally = block_on(pager::run(&spans_plan(100, 1), &mut store, Vec::new(), &mut sink));
    assert_eq!((tally.ended, store.asked.len()), (Ended::Cancelled, 1), "the fetched page was merged first");
    assert_eq!(sink.told, ["phoenix:h/p: cancelled after 3 spans; what was loaded stays"]);
}

#[test]
fn failing_traces_are_summed_up_or_given_up_on() {
    let mut store = Script::default();
    store.traces.insert(trace_id(1), Ok(vec![(None, otlp(&trace_id(1), 1, 1))]));
    store.traces.insert(trace_id(2), Ok(vec![(None, b"{not json".to_vec())]));
    store.traces.insert(trace_id(4), Ok(vec![(None, otlp(&trace_id(4), 1, 4))]));
    let mut plan = traces_plan(100);
    (plan.listings, plan.total) = (0, Some(4));
    let mut sink = Record::default();
    let tally = block_on(pager::run(&plan, &mut store, ids(&[1, 2, 3, 4]), &mut sink));
    assert_eq!((tally.ended, tally.done), (Ended::Finished, 2));
    assert_eq!(tally.failed, [trace_id(2), trace_id(3)]);
    assert_eq!(sink.told.len(), 3, "{:?}", sink.told);
    assert!(sink.told[0].starts_with(&format!("langfuse:h/{}", trace_id(2))), "the import error names the trace");
    assert_eq!(sink.told[1], format!("langfuse:h: trace {}: not found", trace_id(3)));
    assert_eq!(sink.told[2], format!("langfuse:h: 2 of 4 traces loaded; 2 failed: {}, {}", trace_id(2), trace_id(3)));

    // three in a row: the server is down; stop and keep what came
    let mut store = Script::default();
    store.traces.insert(trace_id(1), Ok(vec![(None, otlp(&trace_id(1), 1, 1))]));
    let mut sink = Record::default();
    (plan.total) = Some(6);
    let tally = block_on(pager::run(&plan, &mut store, ids(&[1, 2, 3, 4, 5, 6]), &mut sink));
    assert_eq!((tally.ended, tally.done, store.fetched.len()), (Ended::GaveUp, 1, 4));
    assert_eq!(sink.told.last().unwrap(), "langfuse:h: stopped after 3 traces in a row failed; 1 of 6 loaded and kept");

    // a store that keeps going says each failure and nothing more
    let mut store = Script::default();
    plan.on_failure = OnFailure::KeepGoing;
    let mut sink = Record::default();
    let tally = block_on(pager::run(&plan, &mut store, ids(&[1, 2, 3, 4]), &mut sink));
    assert_eq!((tally.ended, tally.failed.len(), sink.told.len()), (Ended::Finished, 4, 4));
}

#[test]
fn a_search_that_finds_nothing_says_so() {
    let mut store = Script::default();
    store.pages.insert((0, At::First), Ok((Vec::new(), More::End, Some(0))));
    let mut plan = traces_plan(20);
    (plan.numbered, plan.search, plan.listing_name, plan.on_failure) = (false, true, "search", OnFailure::KeepGoing);
    let mut sink = Record::default();
    block_on(pager::run(&plan, &mut store, Vec::new(), &mut sink));
    assert_eq!(sink.told, ["langfuse:h: the search found no traces in this time range"]);
    assert_eq!(sink.about, [Told::NothingFound]);

    let mut store = Script::default();
    store.pages.insert((0, At::First), Err("403 Forbidden".into()));
    let mut sink = Record::default();
    let tally = block_on(pager::run(&plan, &mut store, Vec::new(), &mut sink));
    assert_eq!(tally.ended, Ended::Failed);
    assert_eq!(sink.told, ["langfuse:h: search: 403 Forbidden"], "a failed search is not an empty one");
    assert_eq!(sink.about, [Told::Failed]);
}
