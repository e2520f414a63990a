//! The agent graph worked by hand: an agent loop (agent → model, agent → tool, repeated) read by
//! name and as run, recursion counted once in time, unknown figures, and a deep chain.

use super::*;
use crate::model::{Cost, Observation, Usage};

fn ob(id: &str, parent: Option<&str>, kind: Kind, name: &str, start: i64, end: i64) -> Observation {
    let mut o = Observation::new(id, kind, name, start);
    o.parent_id = parent.map(str::to_string);
    o.end_ns = Some(end);
    o
}

fn call(id: &str, parent: &str, model: &str, start: i64, tokens: u64) -> Observation {
    let mut o = ob(id, Some(parent), Kind::Generation, "chat", start, start + 5);
    o.model = Some(crate::model::key::Key::new(model));
    o.usage = Usage { input: Some(tokens), output: Some(1), ..Usage::default() };
    o
}

/// agent → llm, tool, llm, tool(fails), llm: a loop of three model calls and two tool calls.
fn agent_loop() -> Trace {
    let mut t1 = ob("t1", Some("a"), Kind::Tool, "search", 10, 20);
    t1.cost = Cost { total: Some(0.5), ..Cost::default() };
    let mut t2 = ob("t2", Some("a"), Kind::Tool, "search", 30, 40);
    t2.level = Level::Error;
    let obs = vec![
        ob("a", None, Kind::Agent, "planner", 0, 100),
        call("l1", "a", "gpt-4o", 1, 10),
        t1,
        call("l2", "a", "gpt-4o", 21, 20),
        t2,
        call("l3", "a", "gpt-4o", 41, 30),
    ];
    Trace::build("t".into(), obs, "f.json", &mut Vec::new())
}

fn node<'a>(g: &'a Graph, label: &str) -> (u32, &'a Node) {
    let i = g.nodes.iter().position(|n| n.label == label).expect("node exists");
    (i as u32, &g.nodes[i])
}

#[test]
fn by_name_aggregates_calls_and_figures() {
    let g = build(&agent_loop(), Mode::ByName);
    assert_eq!(g.nodes.len(), 3);
    let (a, agent) = node(&g, "planner");
    let (l, llm) = node(&g, "gpt-4o");
    let (t, tool) = node(&g, "search");
    assert_eq!((agent.members.len(), llm.members.len(), tool.members.len()), (1, 3, 2));
    assert!(llm.by_model && !tool.by_model);
    assert_eq!(llm.tokens, 11 + 21 + 31);
    assert_eq!((llm.with_tokens, llm.with_cost), (3, 0), "no model call carries a cost: unknown");
    assert_eq!((tool.with_cost, tool.cost_usd, tool.errors), (1, 0.5, 1));
    assert_eq!((agent.duration_ns, llm.duration_ns, tool.duration_ns), (100, 15, 20));
    // one edge per caller and callee, counted; their counts add up to the tree's parent links
    let mut edges: Vec<(u32, u32, usize)> = g.edges.iter().map(|e| (e.from, e.to, e.count)).collect();
    edges.sort();
    let mut want = vec![(a, l, 3), (a, t, 2)];
    want.sort();
    assert_eq!(edges, want);
    assert_eq!(g.edges.iter().map(|e| e.count).sum::<usize>(), 5);
}

#[test]
fn as_run_numbers_the_steps_and_closes_the_loop() {
    let g = build(&agent_loop(), Mode::from_words("run"));
    let (a, _) = node(&g, "planner");
    let (l, _) = node(&g, "gpt-4o");
    let (t, _) = node(&g, "search");
    let find = |from, to| g.edges.iter().find(|e| e.from == from && e.to == to).expect("edge");
    assert_eq!(find(a, l).order, vec![1], "the agent calls the model first");
    assert!(!find(a, l).then);
    assert_eq!(find(l, t).order, vec![2, 4], "model then tool, twice");
    assert_eq!(find(t, l).order, vec![3, 5], "tool then model: the loop's way back");
    assert!(find(t, l).then);
    assert_eq!(g.edges.iter().map(|e| e.count).sum::<usize>(), 5, "one step per child");
}

#[test]
fn recursion_counts_time_once_and_edges_to_itself() {
    let obs = vec![
        ob("a", None, Kind::Agent, "agent", 0, 100),
        ob("b", Some("a"), Kind::Agent, "agent", 10, 60),
        ob("c", Some("b"), Kind::Agent, "agent", 20, 30),
        ob("d", None, Kind::Agent, "agent", 200, 210),
    ];
    let t = Trace::build("t".into(), obs, "f.json", &mut Vec::new());
    let g = build(&t, Mode::ByName);
    assert_eq!(g.nodes.len(), 1);
    assert_eq!(g.nodes[0].duration_ns, 110, "the outermost calls: 100 + 10");
    assert_eq!(g.edges, vec![Edge { from: 0, to: 0, count: 2, order: vec![], then: false }]);
}

#[test]
fn a_deep_chain_is_walked_without_recursion() {
    let n = 20_000;
    let obs: Vec<Observation> = (0..n)
        .map(|i| {
            let parent = (i > 0).then(|| format!("s{}", i - 1));
            ob(&format!("s{i}"), parent.as_deref(), Kind::Chain, if i % 2 == 0 { "even" } else { "odd" }, i, 2 * n - i)
        })
        .collect();
    let t = Trace::build("t".into(), obs, "f.json", &mut Vec::new());
    let g = build(&t, Mode::AsRun);
    assert_eq!(g.nodes.len(), 2);
    assert_eq!(g.nodes[0].duration_ns, 2 * n, "only the outermost 'even' counts");
    assert_eq!(g.edges.iter().map(|e| e.count).sum::<usize>(), n as usize - 1);
}

#[test]
fn filters_select_a_node_exactly() {
    let g = build(&agent_loop(), Mode::ByName);
    assert_eq!(filter_for(node(&g, "gpt-4o").1), "kind:generation model:\"gpt-4o\"");
    assert_eq!(filter_for(node(&g, "search").1), "kind:tool name:\"search\"");
}

#[test]
fn the_workers_answer_is_read_in_its_shape_only() {
    assert_eq!(
        layout_request(3, &[(120.0, 48.0), (90.5, 48.0)], &[(0, 1, 22.0, 16.0)]),
        r#"{"id":3,"nodes":[[120.0,48.0],[90.5,48.0]],"edges":[[0,1,22.0,16.0]]}"#
    );
    let flat = [3.0, 200.0, 100.0, 60.0, 24.0, 60.0, 76.0, 2.0, 60.0, 50.0, 60.0, 48.0, 60.0, 52.0];
    let l = read_layout(&flat, 2, 1).expect("reads");
    assert_eq!((l.id, l.provisional, l.width, l.height), (3, false, 200.0, 100.0));
    let mut quick = flat;
    quick[0] = -3.0;
    assert_eq!(read_layout(&quick, 2, 1).map(|l| (l.id, l.provisional)), Some((3, true)), "the quick first answer");
    assert_eq!(l.nodes, vec![(60.0, 24.0), (60.0, 76.0)]);
    assert_eq!(l.edges, vec![((60.0, 50.0), vec![(60.0, 48.0), (60.0, 52.0)])]);
    assert_eq!(read_layout(&flat, 3, 1), None, "an answer for another graph");
    assert_eq!(read_layout(&flat[..13], 2, 1), None, "cut short");
    let mut nan = flat;
    nan[4] = f64::NAN;
    assert_eq!(read_layout(&nan, 2, 1), None);
}

#[test]
fn each_nodes_filter_matches_its_members_exactly() {
    let t = agent_loop();
    for mode in [Mode::ByName, Mode::AsRun] {
        let g = build(&t, mode);
        for n in &g.nodes {
            let r = crate::model::filter::apply(&t, &crate::model::filter::Query::parse(&filter_for(n)));
            let matched: Vec<u32> =
                r.map(|r| (0..r.matched.len() as u32).filter(|&i| r.matched[i as usize]).collect()).unwrap_or_default();
            let mut members = n.members.clone();
            members.sort();
            assert_eq!(matched, members, "{}", n.label);
        }
    }
}
