//! The agent graph of a trace: one node per agent, tool, model, retriever or chain (aggregated by
//! name; a model call by its model), with its calls, time, tokens, cost and errors; edges are
//! calls ("by name") or the order steps ran in ("as run", where a loop is a cycle). Pure: the
//! layout is done by dagre in a worker (views/graph.rs), the drawing by the view.

use super::known::{has_cost, has_tokens};
use super::{Kind, Level, Trace};
use std::collections::HashMap;

/// How edges are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An edge from caller to callee, with how many calls.
    ByName,
    /// An edge from a caller to its first step and from each step to the one that ran next under
    /// the same caller, numbered in the order they ran: repeats are loops, drawn as cycles.
    AsRun,
}

/// How many ordinals an edge keeps for its label (the count says the rest).
const ORDINALS_KEPT: usize = 4;

/// One aggregated node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// The name its observations share (a model call's model).
    pub label: String,
    /// Its observations, in tree order.
    pub members: Vec<u32>,
    /// Wall time of its outermost calls (a call nested in a call of the same node is not counted
    /// twice); observations with no end add nothing.
    pub duration_ns: i64,
    pub tokens: u64,
    pub cost_usd: f64,
    /// How many members carry tokens, a cost: a figure no member carries is unknown, not zero.
    pub with_tokens: usize,
    pub with_cost: usize,
    /// How many of those costs Canopy estimated from tokens and list prices (shown `≈`).
    pub estimated: usize,
    pub errors: usize,
    /// It is a model call grouped by model (filtered by model, not by name).
    pub by_model: bool,
}

/// One edge between nodes (indices into `Graph::nodes`); `from == to` for a node calling itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    pub count: usize,
    /// As run: the first positions (1-based) in the order steps ran; empty by name.
    pub order: Vec<u32>,
    /// As run: this edge is a step following a sibling, not a call of the first step.
    pub then: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// The node of each observation.
    pub node_of: Vec<u32>,
}

impl Mode {
    /// `mode=run` in the link is as run; anything else by name.
    pub fn from_words(mode: &str) -> Mode {
        if mode.split_whitespace().any(|w| w == "run") {
            Mode::AsRun
        } else {
            Mode::ByName
        }
    }
}

/// A model call is grouped by its model; everything else by kind and name.
fn group_of(o: &super::Observation) -> (Kind, &str, bool) {
    match (&o.model, o.kind) {
        (Some(m), Kind::Generation | Kind::Embedding) if !m.is_empty() => (o.kind, m.as_str(), true),
        _ => (o.kind, o.name.as_str(), false),
    }
}

/// The graph of `trace` in `mode`. Linear in the observations (plus sorting the as-run steps).
pub fn build(trace: &Trace, mode: Mode) -> Graph {
    let obs = &trace.observations;
    let tree = &trace.tree;
    let mut index: HashMap<(Kind, &str), u32> = HashMap::new();
    let mut g = Graph { node_of: Vec::with_capacity(obs.len()), ..Graph::default() };
    for o in obs {
        let (kind, label, by_model) = group_of(o);
        let n = *index.entry((kind, label)).or_insert_with(|| {
            g.nodes.push(Node {
                kind,
                label: label.to_string(),
                members: Vec::new(),
                duration_ns: 0,
                tokens: 0,
                cost_usd: 0.0,
                with_tokens: 0,
                with_cost: 0,
                estimated: 0,
                errors: 0,
                by_model,
            });
            (g.nodes.len() - 1) as u32
        });
        g.node_of.push(n);
        let node = &mut g.nodes[n as usize];
        if has_tokens(o) {
            node.with_tokens += 1;
            node.tokens = node.tokens.saturating_add(o.usage.total_tokens());
        }
        if has_cost(o) {
            node.with_cost += 1;
            node.cost_usd += o.cost.total.unwrap_or(0.0);
            node.estimated += usize::from(o.cost.estimated.is_some());
        }
        if o.level >= Level::Error {
            node.errors += 1;
        }
    }
    // members in tree order, and time counted once per outermost call: walk the preorder with
    // a stack of open subtrees and, per node, how many of its calls are open
    let mut open: Vec<(u32, u32)> = Vec::new();
    let mut active = vec![0u32; g.nodes.len()];
    for (pos, &i) in tree.preorder.iter().enumerate() {
        while open.last().is_some_and(|&(_, end)| end as usize <= pos) {
            if let Some((n, _)) = open.pop() {
                active[n as usize] -= 1;
            }
        }
        let n = g.node_of[i as usize];
        let node = &mut g.nodes[n as usize];
        node.members.push(i);
        if active[n as usize] == 0 {
            let d = obs.get(i as usize).and_then(|o| o.duration_ns()).unwrap_or(0);
            node.duration_ns = node.duration_ns.saturating_add(d);
        }
        active[n as usize] += 1;
        open.push((n, tree.subtree_end.get(i as usize).copied().unwrap_or(pos as u32 + 1)));
    }
    g.edges = match mode {
        Mode::ByName => by_name(trace, &g.node_of),
        Mode::AsRun => as_run(trace, &g.node_of),
    };
    g
}

fn by_name(trace: &Trace, node_of: &[u32]) -> Vec<Edge> {
    let mut at: HashMap<(u32, u32), usize> = HashMap::new();
    let mut edges: Vec<Edge> = Vec::new();
    for i in 0..node_of.len() as u32 {
        let Some(p) = trace.tree.parent_of(i) else { continue };
        let key = (node_of[p as usize], node_of[i as usize]);
        let e = *at.entry(key).or_insert_with(|| {
            edges.push(Edge { from: key.0, to: key.1, count: 0, order: Vec::new(), then: false });
            edges.len() - 1
        });
        edges[e].count += 1;
    }
    edges
}

fn as_run(trace: &Trace, node_of: &[u32]) -> Vec<Edge> {
    let (obs, tree) = (&trace.observations, &trace.tree);
    // every step: (its start, its place in the tree, from, to, follows a sibling)
    let mut steps: Vec<(i64, u32, u32, u32, bool)> = Vec::new();
    for p in 0..node_of.len() as u32 {
        let mut prev = p;
        for (k, &c) in tree.children_of(p).iter().enumerate() {
            let start = obs.get(c as usize).map(|o| o.start_ns).unwrap_or(0);
            let pos = tree.pos.get(c as usize).copied().unwrap_or(0);
            steps.push((start, pos, node_of[prev as usize], node_of[c as usize], k > 0));
            prev = c;
        }
    }
    super::order::sort_by(&mut steps, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut at: HashMap<(u32, u32, bool), usize> = HashMap::new();
    let mut edges: Vec<Edge> = Vec::new();
    for (n, &(_, _, from, to, then)) in steps.iter().enumerate() {
        let e = *at.entry((from, to, then)).or_insert_with(|| {
            edges.push(Edge { from, to, count: 0, order: Vec::new(), then });
            edges.len() - 1
        });
        let edge = &mut edges[e];
        edge.count += 1;
        if edge.order.len() < ORDINALS_KEPT {
            edge.order.push(n as u32 + 1);
        }
    }
    edges
}

/// The tree filter that shows exactly a node's observations (`model:` for a model's calls).
pub fn filter_for(node: &Node) -> String {
    let exact = super::filter::name_token(&node.label);
    let exact = if node.by_model { exact.replacen("name:", "model:", 1) } else { exact };
    format!("kind:{} {exact}", node.kind.label())
}

/// A point in graph units.
pub type Point = (f64, f64);

/// Where dagre put everything (public/graph-worker.js), in graph units (pixels at zoom 1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub id: u32,
    /// The worker's first, quick answer (a plain layering, sent as a negative id), shown while
    /// dagre works; dagre's own follows with the same id.
    pub provisional: bool,
    pub width: f64,
    pub height: f64,
    /// The centre of each node.
    pub nodes: Vec<(f64, f64)>,
    /// Per edge: its label's centre, then its path's points.
    pub edges: Vec<(Point, Vec<Point>)>,
}

/// The worker's request: each node's box and each edge with its label's box, as JSON text.
pub fn layout_request(id: u32, nodes: &[(f64, f64)], edges: &[(u32, u32, f64, f64)]) -> String {
    let mut s = format!("{{\"id\":{id},\"nodes\":[");
    for (k, (w, h)) in nodes.iter().enumerate() {
        s += &format!("{}[{w:.1},{h:.1}]", if k > 0 { "," } else { "" });
    }
    s += "],\"edges\":[";
    for (k, (a, b, w, h)) in edges.iter().enumerate() {
        s += &format!("{}[{a},{b},{w:.1},{h:.1}]", if k > 0 { "," } else { "" });
    }
    s + "]}"
}

/// Reads the worker's answer for a graph of `nodes` and `edges`: id, width, height, a centre per
/// node, then per edge its point count, its label's centre and its points. `None` when the
/// numbers do not fit that shape (an answer for another graph, or a broken one).
pub fn read_layout(flat: &[f64], nodes: usize, edges: usize) -> Option<Layout> {
    let mut it = flat.iter().copied();
    let mut next = move || it.next().filter(|v| v.is_finite());
    let (id, width, height) = (next()?, next()?, next()?);
    let mut l = Layout { id: id.abs() as u32, provisional: id < 0.0, width, height, ..Layout::default() };
    for _ in 0..nodes {
        l.nodes.push((next()?, next()?));
    }
    for _ in 0..edges {
        let k = next()? as usize;
        let label = (next()?, next()?);
        let mut points = Vec::with_capacity(k.min(64));
        for _ in 0..k {
            points.push((next()?, next()?));
        }
        l.edges.push((label, points));
    }
    next().is_none().then_some(l)
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
