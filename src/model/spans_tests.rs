//! Unit tests of the spans table over hand-built traces: filter clauses on observations, unknown
//! cost, sorting every column with missing values last, the link's mode, spreads per model.

use super::*;
use crate::model::{Observation, Score, ScoreValue, Trace, TraceSet};

const S: i64 = 1_000_000_000;

fn obs(id: &str, kind: Kind, name: &str, start: i64, dur: Option<i64>) -> Observation {
    let mut o = Observation::new(id, kind, name, start);
    o.end_ns = dur.map(|d| start + d);
    o
}

fn llm(id: &str, model: &str, start: i64, dur: i64, cost: Option<f64>) -> Observation {
    let mut o = obs(id, Kind::Generation, id, start, Some(dur));
    o.model = Some(model.into());
    o.cost.total = cost;
    o.parent_id = Some("root".into());
    o
}

/// Two traces: an agent run with three calls (one streamed, one failed without a cost) and a
/// tool; a second with one call to another model.
fn set() -> TraceSet {
    let mut w = Vec::new();
    let root = obs("root", Kind::Agent, "Agent run", 0, Some(10 * S));
    let mut a = llm("call-a", "gpt-4o", S, 3 * S, Some(0.02));
    a.completion_start_ns = Some(S + S / 2);
    a.usage.input = Some(100);
    a.usage.output = Some(20);
    let b = llm("call-b", "gpt-4o-mini", 5 * S, S / 2, Some(0.001));
    let mut c = llm("call-c", "gpt-4o", 6 * S, S, None);
    c.level = Level::Error;
    c.status_message = Some("HTTP 500".into());
    let mut tool = obs("tool", Kind::Tool, "search_web", 7 * S, None);
    tool.parent_id = Some("root".into());
    let mut t1 = Trace::build("t1".into(), vec![root, a, b, c, tool], "x", &mut w);
    t1.tags = vec!["prod".into()];
    let d = llm("call-d", "claude-3", 20 * S, 4 * S, Some(0.5));
    let mut t2 =
        Trace::build("t2".into(), vec![obs("root", Kind::Chain, "Other", 20 * S, Some(5 * S)), d], "x", &mut w);
    t2.observations[1].parent_id = Some("root".into());
    t2.name = Some("second".into());
    let score = |v: ScoreValue, oid: &str| Score {
        id: oid.into(),
        name: "quality".into(),
        value: v,
        source: None,
        comment: None,
        trace_id: None,
        observation_id: Some(oid.into()),
        session_id: None,
        time_ns: None,
    };
    TraceSet {
        traces: vec![t1, t2],
        scores: vec![
            score(ScoreValue::Numeric(0.9), "call-a"),
            score(ScoreValue::Numeric(0.2), "call-b"),
            score(ScoreValue::Categorical("meh".into()), "call-d"),
        ],
        ..Default::default()
    }
}

fn ids(set: &TraceSet, rows: &[Row]) -> Vec<String> {
    rows.iter().map(|&r| get(set, r).unwrap().1.id.clone()).collect()
}

fn filtered(set: &TraceSet, kind: Option<Kind>, q: &str) -> Vec<String> {
    let sc = ObsScores::new(set);
    ids(set, &rows(set, kind, &ListQuery::parse(q), &sc))
}

#[test]
fn every_observation_is_a_row_and_kinds_filter() {
    let s = set();
    assert_eq!(filtered(&s, None, "").len(), 7);
    assert_eq!(filtered(&s, Some(Kind::Generation), ""), ["call-a", "call-b", "call-c", "call-d"]);
    assert_eq!(filtered(&s, Some(Kind::Tool), ""), ["tool"]);
    assert_eq!(kind_counts(&s), vec![(Kind::Generation, 4), (Kind::Agent, 1), (Kind::Tool, 1), (Kind::Chain, 1)]);
}

#[test]
fn each_clause_tests_the_observation() {
    let s = set();
    assert_eq!(filtered(&s, None, "model:gpt-4o"), ["call-a", "call-b", "call-c"]);
    assert_eq!(filtered(&s, None, "model:MINI"), ["call-b"]);
    // unknown cost is not zero: the failed call has none and matches neither side
    assert_eq!(filtered(&s, None, "cost>0.01"), ["call-a", "call-d"]);
    assert_eq!(filtered(&s, None, "cost>$0.01"), ["call-a", "call-d"]);
    assert_eq!(filtered(&s, Some(Kind::Generation), "cost<0.01"), ["call-b"]);
    assert_eq!(filtered(&s, None, "duration>2s"), ["root", "call-a", "root", "call-d"]);
    assert_eq!(filtered(&s, None, "duration<=500ms"), ["call-b"]);
    assert_eq!(filtered(&s, None, "ttft<1s"), ["call-a"]);
    assert_eq!(filtered(&s, None, "level:error"), ["call-c"]);
    assert_eq!(filtered(&s, None, "errors"), ["call-c"]);
    assert_eq!(filtered(&s, None, "kind:tool"), ["tool"]);
    assert_eq!(filtered(&s, None, "search"), ["tool"]);
    assert_eq!(filtered(&s, None, "second claude"), ["call-d"]);
    assert_eq!(filtered(&s, None, "tag:prod kind:llm"), ["call-a", "call-b", "call-c"]);
    assert_eq!(filtered(&s, None, "input>50 output<=20"), ["call-a"]);
    assert_eq!(filtered(&s, None, "quality>0.5"), ["call-a"]);
    assert_eq!(filtered(&s, None, "quality=meh"), ["call-d"]);
    assert_eq!(filtered(&s, None, "after:1970-01-01T00:00:10Z"), ["root", "call-d"]);
}

#[test]
fn the_trace_list_reads_the_same_new_clauses() {
    let s = set();
    let q = |text: &str| crate::model::tracelist::filter(&s, &ListQuery::parse(text));
    assert_eq!(q("model:claude"), [1]);
    assert_eq!(q("duration>6s"), [0]);
    assert_eq!(q("duration<6s"), [1]);
    assert_eq!(q("cost>$0.4"), [1]);
}

fn sorted(s: &TraceSet, col: Col, desc: bool) -> Vec<String> {
    let sc = ObsScores::new(s);
    let mut r = rows(s, None, &ListQuery::default(), &sc);
    sort(s, &mut r, &col, desc, &sc);
    ids(s, &r)
}

#[test]
fn sorts_by_every_column_with_missing_values_last() {
    let s = set();
    let both = |col: Col| (sorted(&s, col.clone(), false), sorted(&s, col, true));
    let (up, down) = both(Col::Duration);
    assert_eq!(up, ["call-b", "call-c", "call-a", "call-d", "root", "root", "tool"]);
    assert_eq!(down, ["root", "root", "call-d", "call-a", "call-c", "call-b", "tool"]);
    let (up, down) = both(Col::Cost);
    assert_eq!(up[..3], ["call-b", "call-a", "call-d"]);
    assert_eq!(down[..3], ["call-d", "call-a", "call-b"]);
    assert_eq!(down[3..], ["root", "call-c", "tool", "root"], "no cost: last, in load order");
    let (up, _) = both(Col::Name);
    assert_eq!(
        up,
        ["root", "call-a", "call-b", "call-c", "call-d", "root", "tool"],
        "Agent run, call-*, Other, search"
    );
    let (up, _) = both(Col::Model);
    assert_eq!(up[..4], ["call-d", "call-a", "call-c", "call-b"]);
    let (_, down) = both(Col::Error);
    assert_eq!(down[0], "call-c");
    let (up, _) = both(Col::Ttft);
    assert_eq!(up[0], "call-a");
    let (up, down) = both(Col::Score("quality".into()));
    assert_eq!(up[..3], ["call-b", "call-a", "call-d"], "numbers, then texts");
    assert_eq!(down[..3], ["call-a", "call-b", "call-d"]);
    let (up, _) = both(Col::Trace);
    assert_eq!(up[..5], ["root", "call-a", "call-b", "call-c", "tool"], "Agent run before second");
    let (_, down) = both(Col::Start);
    assert_eq!(down[..2], ["root", "call-d"], "ties keep load order");
    for (c, _, _) in FIXED {
        assert_eq!(sorted(&s, c.clone(), false).len(), 7);
    }
}

#[test]
fn nan_sorts_after_numbers_and_keys_keep_float_order() {
    let mut v = [3.5, -1.0, f64::INFINITY, 0.0, -0.0, -7e300, 1e-300];
    let mut w = v;
    crate::model::order::sort_by(&mut v, f64::total_cmp);
    crate::model::order::sort_by_key(&mut w, |x| ord_f64(*x));
    assert_eq!(v.map(f64::to_bits), w.map(f64::to_bits));
    let mut s = set();
    s.traces[0].observations[1].cost.total = Some(f64::NAN);
    let up = sorted(&s, Col::Cost, false);
    assert_eq!(up[..3], ["call-b", "call-d", "call-a"]);
}

#[test]
fn mode_round_trips_and_ignores_other_views_modes() {
    let m = Mode { kind: Some(Kind::Generation), sort: Col::Duration, desc: true, query: "model:gpt cost>0.01".into() };
    assert_eq!(m.text(), "llm/-duration model:gpt cost>0.01");
    assert_eq!(Mode::parse(&m.text()), m);
    let m = Mode { kind: None, sort: Col::Score("q/a".into()), desc: false, query: String::new() };
    assert_eq!(Mode::parse(&m.text()), m);
    assert_eq!(Mode::default().text(), "");
    for other in ["", "left-heavy tokens", "tool/nope", "x/y z"] {
        assert_eq!(Mode::parse(other), Mode::default(), "{other}");
    }
    for k in Kind::ALL {
        assert_eq!(Mode::parse(&format!("{}/start", kind_key(k))).kind, Some(k));
    }
}

#[test]
fn spreads_per_model_over_the_rows() {
    let s = set();
    let sc = ObsScores::new(&s);
    let r = rows(&s, None, &ListQuery::default(), &sc);
    let m = by_model(&s, &r, 10);
    assert_eq!(m.iter().map(|m| m.model.as_str()).collect::<Vec<_>>(), ["gpt-4o", "claude-3", "gpt-4o-mini"]);
    let g = &m[0];
    assert_eq!(g.calls, 2);
    let d = g.duration.unwrap();
    assert_eq!((d.n, d.min, d.max), (2, 1.0, 3.0));
    let c = g.cost.unwrap();
    assert_eq!((c.n, c.min, c.max), (1, 0.02, 0.02), "the failed call's unknown cost is not counted");
    let only = rows(&s, None, &ListQuery::parse("model:mini"), &sc);
    assert_eq!(by_model(&s, &only, 10).len(), 1);
    let (lo, hi) = scale(m.iter().filter_map(|m| m.duration.as_ref()));
    assert_eq!((lo, hi), (0.5, 4.0));
    assert_eq!(log_pos(0.5, lo, hi), 0.0);
    assert_eq!(log_pos(4.0, lo, hi), 100.0);
    assert!((log_pos(2.0, lo, hi) - 66.666).abs() < 0.01);
    assert_eq!(log_pos(0.0, 0.0, 0.0), 0.0);
}
