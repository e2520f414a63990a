//! Known answers, worked by hand: rows that sum to the traces' totals (parents repeating their
//! children's usage, reported and estimated costs mixed), and context per agent in call order.

use super::*;
use crate::model::{Cost, Trace, Usage};

const TABLE: &str = r#"{"models":[
  {"name":"gpt-4o","provider":"openai","in":2.5,"out":10,"context":128000},
  {"name":"small","provider":"x","in":1,"out":1,"context":1000}
]}"#;

fn table() -> PriceTable {
    PriceTable::from_json(TABLE).expect("table reads")
}

fn ob(id: &str, parent: Option<&str>, kind: Kind, start: i64) -> Observation {
    let mut o = Observation::new(id, kind, id, start);
    o.parent_id = parent.map(str::to_string);
    o.end_ns = Some(start + 10);
    o
}

fn call(id: &str, parent: Option<&str>, model: Option<&str>, input: u64, output: u64, start: i64) -> Observation {
    let mut o = ob(id, parent, Kind::Generation, start);
    o.model = model.map(crate::model::key::Key::new);
    o.usage = Usage { input: Some(input), output: Some(output), ..Usage::default() };
    o
}

fn trace(id: &str, obs: Vec<Observation>) -> Trace {
    Trace::build(id.into(), obs, "f.json", &mut Vec::new())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// The rows' sums equal the traces' totals, field by field.
fn sums_match(rows: &[Row], traces: &[Trace]) {
    let sum = |f: fn(&Row) -> f64| rows.iter().map(f).sum::<f64>();
    let total = |f: fn(&Trace) -> f64| traces.iter().map(f).sum::<f64>();
    assert_eq!(sum(|r| r.tokens as f64), total(|t| t.totals.tokens as f64));
    assert_eq!(sum(|r| r.input_tokens as f64), total(|t| t.totals.input_tokens as f64));
    assert_eq!(sum(|r| r.output_tokens as f64), total(|t| t.totals.output_tokens as f64));
    assert!(close(sum(|r| r.cost_usd), total(|t| t.totals.cost_usd)));
    assert!(close(sum(|r| r.estimated_usd), total(|t| t.totals.estimated_cost_usd)));
}

/// A chain that repeats its children's usage, a call priced by the table, one the file priced,
/// one whose model has no price.
fn mixed() -> Trace {
    let mut reported = call("r", Some("root"), Some("gpt-4o"), 1000, 0, 3);
    reported.cost = Cost { total: Some(1.0), ..Cost::default() };
    let mut root = call("root", None, Some("gpt-4o"), 3000, 1000, 0);
    root.kind = Kind::Chain;
    let mut t = trace(
        "t1",
        vec![
            root,
            call("a", Some("root"), Some("gpt-4o"), 1000, 500, 1),
            call("b", Some("root"), Some("unknown-model"), 1000, 500, 2),
            reported,
        ],
    );
    assert!(t.price(&table()));
    t
}

#[test]
fn by_model_counts_each_call_once_and_marks_estimates() {
    let traces = [mixed()];
    let rows = by_model(&traces);
    assert_eq!(rows.len(), 2, "the chain's repeated usage makes no row: {rows:?}");
    let gpt = &rows[0];
    assert_eq!(gpt.label.as_deref(), Some("gpt-4o"));
    assert_eq!((gpt.calls, gpt.input_tokens, gpt.output_tokens, gpt.tokens), (2, 2000, 500, 2500));
    // a: 1000 × $2.50/M + 500 × $10/M = $0.0075, estimated; r: $1, reported
    assert!(close(gpt.cost_usd, 1.0075) && close(gpt.estimated_usd, 0.0075));
    assert!(gpt.has_estimate() && gpt.has_reported());
    assert_eq!(gpt.unpriced, 0);
    let unknown = &rows[1];
    assert_eq!(unknown.label.as_deref(), Some("unknown-model"));
    assert_eq!((unknown.calls, unknown.tokens, unknown.cost_usd, unknown.unpriced), (1, 1500, 0.0, 1));
    assert_eq!(unpriced_models(&rows), ["unknown-model"]);
    assert_eq!(traces[0].totals.tokens, 4000, "a 1500 + b 1500 + r 1000, not the chain's 4000 again");
    sums_match(&rows, &traces);
}

#[test]
fn by_step_groups_by_name_over_traces() {
    let mut second = call("a", None, Some("gpt-4o"), 2000, 0, 0);
    second.cost = Cost { total: Some(0.25), ..Cost::default() };
    let traces = [mixed(), trace("t2", vec![second, call("", None, None, 7, 3, 1)])];
    let rows = by_step(&traces);
    let labels: Vec<Option<&str>> = rows.iter().map(|r| r.label.as_deref()).collect();
    // r $1; a $0.0075 + $0.25; then by tokens: b 1500, the unnamed call 10
    assert_eq!(labels, [Some("r"), Some("a"), Some("b"), None]);
    let a = &rows[1];
    assert_eq!((a.calls, a.tokens), (2, 3500));
    assert!(close(a.cost_usd, 0.2575) && close(a.estimated_usd, 0.0075));
    assert_eq!((rows[3].calls, rows[3].unpriced), (1, 0), "a call without a model is not 'unpriced'");
    sums_match(&rows, &traces);
    sums_match(&by_model(&traces), &traces);
}

#[test]
fn a_parent_s_reported_cost_counts_where_its_children_have_none() {
    // Langfuse-like: the agent carries the cost, its calls only tokens (of an unpriced model)
    let mut agent = ob("agent", None, Kind::Agent, 0);
    agent.cost = Cost { total: Some(0.5), ..Cost::default() };
    let traces = [trace(
        "t",
        vec![agent, call("c1", Some("agent"), Some("mystery"), 10, 5, 1), call("c2", Some("agent"), None, 20, 5, 2)],
    )];
    let rows = by_step(&traces);
    let agent_row = rows.iter().find(|r| r.label.as_deref() == Some("agent")).unwrap();
    assert_eq!((agent_row.calls, agent_row.tokens), (1, 0));
    assert!(close(agent_row.cost_usd, 0.5) && agent_row.has_reported() && !agent_row.has_estimate());
    assert_eq!(rows[0].label.as_deref(), Some("agent"), "cost first");
    sums_match(&rows, &traces);
    let models = by_model(&traces);
    assert_eq!(models.iter().map(|r| r.label.as_deref()).collect::<Vec<_>>(), [None, Some("mystery")]);
    assert!(close(models[0].cost_usd, 0.5), "the agent has no model: its cost is the no-model row's");
    sums_match(&models, &traces);
}

#[test]
fn bars_are_shares_of_the_longest_with_the_estimated_part_apart() {
    let row = |cost: f64, est: f64, tokens: u64| Row { cost_usd: cost, estimated_usd: est, tokens, ..Row::default() };
    let rows = [row(2.0, 1.0, 10), row(1.0, 0.0, 99)];
    assert_eq!(bar(&rows[0], &rows), (50.0, 50.0));
    assert_eq!(bar(&rows[1], &rows), (50.0, 0.0));
    let tokens_only = [row(0.0, 0.0, 40), row(0.0, 0.0, 10)];
    assert_eq!(bar(&tokens_only[1], &tokens_only), (25.0, 0.0), "no cost anywhere: bars by tokens");
    assert_eq!(bar(&row(0.0, 0.0, 0), &[row(0.0, 0.0, 0)]), (0.0, 0.0));
}

/// run (chain) → g0; planner (agent) → p1, tool → p2; writer (agent) → wrap (generation repeating
/// its child) → w1 (cache read apart, `small`), w2; planner again → p3; and an output-only call.
fn agents() -> Trace {
    let mut w1 = call("w1", Some("wrap"), Some("small"), 100, 10, 41);
    w1.usage.details.push(("cache_read_input_tokens".into(), 800));
    let mut wrap = call("wrap", Some("writer"), Some("small"), 900, 10, 40);
    wrap.usage.details.push(("cache_read_input_tokens".into(), 800));
    let mut output_only = call("o", Some("run"), None, 0, 5, 70);
    output_only.usage.input = None;
    let mut obs = vec![
        ob("run", None, Kind::Chain, 0),
        ob("planner", Some("run"), Kind::Agent, 10),
        call("p1", Some("planner"), None, 100, 1, 11),
        ob("tool", Some("planner"), Kind::Tool, 12),
        call("p2", Some("tool"), None, 300, 1, 13),
        ob("writer", Some("run"), Kind::Agent, 30),
        wrap,
        w1,
        call("w2", Some("writer"), Some("small"), 200, 1, 50),
        ob("planner-again", Some("run"), Kind::Agent, 60),
        call("p3", Some("planner-again"), None, 150, 1, 61),
        call("g0", Some("run"), None, 50, 1, 5),
        output_only,
    ];
    obs[9].name = "planner".into();
    trace("t", obs)
}

#[test]
fn context_goes_per_agent_in_call_order() {
    let t = agents();
    let series = context_series(&t, Some(&table()));
    type Calls<'a> = Vec<(&'a str, u64, Option<u64>)>;
    let got: Vec<(&str, bool, Calls)> = series
        .iter()
        .map(|s| {
            let pts =
                s.points.iter().map(|p| (t.observations[p.index as usize].id.as_str(), p.used, p.window)).collect();
            (s.label.as_str(), s.agent, pts)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("run", false, vec![("g0", 50, None)]),
            ("planner", true, vec![("p1", 100, None), ("p2", 300, None), ("p3", 150, None)]),
            // w1's 800 cached tokens were counted apart from its 100 input: 900 of `small`'s 1000
            ("writer", true, vec![("w1", 900, Some(1000)), ("w2", 200, Some(1000))]),
        ]
    );
    let writer = &series[2];
    assert!(writer.points[0].is_near_full() && !writer.points[1].is_near_full());
    assert_eq!(writer.points[0].share(), Some(0.9));
    assert_eq!((series[1].drops(), writer.drops()), (1, 1));
    // without a table: the same prompts, no windows
    let bare = context_series(&t, None);
    assert_eq!(bare[2].points[0], Point { index: 7, start_ns: 41, used: 900, window: None });
}

#[test]
fn the_chart_scales_to_the_prompts_or_to_a_window_near_them() {
    let pts = |used: &[u64], window: Option<u64>| Series {
        label: "a".into(),
        agent: true,
        points: used.iter().map(|&u| Point { index: 0, start_ns: 0, used: u, window }).collect(),
    };
    let s = pts(&[100, 300, 150], None);
    assert_eq!(s.top(), 300);
    assert_eq!(s.layout(100.0, 60.0, 0.0), [(0.0, 40.0), (50.0, 0.0), (100.0, 30.0)]);
    assert_eq!(s.window_y(60.0, 0.0), None);
    let near = pts(&[100, 300], Some(1000));
    assert_eq!((near.top(), near.window_y(60.0, 0.0)), (1000, Some(0.0)));
    let far = pts(&[100, 300], Some(128_000));
    assert_eq!((far.top(), far.window_y(60.0, 0.0)), (300, None), "a far window is only named");
    assert_eq!(pts(&[5], None).layout(100.0, 60.0, 10.0), [(50.0, 10.0)], "one call: centred");
}

#[test]
fn deep_traces_do_not_recurse() {
    let depth = 20_000;
    let mut obs: Vec<Observation> = (0..depth)
        .map(|i| ob(&format!("s{i}"), (i > 0).then(|| format!("s{}", i - 1)).as_deref(), Kind::Span, i))
        .collect();
    obs[1].kind = Kind::Agent;
    obs.push(call("deep", Some(&format!("s{}", depth - 1)), Some("gpt-4o"), 10, 1, depth));
    let mut t = trace("deep", obs);
    t.price(&table());
    let traces = [t];
    assert_eq!(by_step(&traces)[0].tokens, 11);
    let series = context_series(&traces[0], None);
    assert_eq!((series.len(), series[0].label.as_str(), series[0].points.len()), (1, "s1", 1));
}
