//! The merged layouts: left-heavy (observations with the same name path from the root are one
//! node) and sandwich (one name's callers and callees, each merged by path). Nodes are merged in
//! one pass over the tree's preorder, then laid out heaviest first with an explicit stack.

use super::{Flame, FlameBox, NONE};
use crate::model::{order, Level, Trace};
use std::collections::HashMap;

/// A merged node: the observations sharing one path, their weight and their figures summed.
struct Node {
    parent: u32,
    bx: FlameBox,
    weight: f64,
}

/// Nodes keyed by their parent, direction (a caller or not) and name.
struct Merger<'a> {
    t: &'a Trace,
    nodes: Vec<Node>,
    index: HashMap<(u32, bool, &'a str), u32>,
}

impl<'a> Merger<'a> {
    fn new(t: &'a Trace) -> Merger<'a> {
        Merger { t, nodes: Vec::new(), index: HashMap::new() }
    }

    /// Adds observation `named`'s name under `parent` (one row further in `dir`), counting
    /// `weight` and observation `of`'s figures there; returns the node.
    fn add(&mut self, parent: u32, dir: i32, named: u32, of: u32, weight: f64) -> u32 {
        let t = self.t;
        let name = t.observations[named as usize].name.as_str();
        let depth = self.nodes.get(parent as usize).map_or(0, |p| p.bx.depth + dir);
        let next = self.nodes.len() as u32;
        let k = *self.index.entry((parent, dir < 0, name)).or_insert(next);
        if k == next {
            self.nodes.push(Node {
                parent,
                weight: 0.0,
                bx: FlameBox {
                    x0: 0.0,
                    x1: 0.0,
                    depth,
                    obs: named,
                    count: 0,
                    duration_ns: 0,
                    tokens: 0,
                    cost: 0.0,
                    error: false,
                },
            });
        }
        let (o, ou) = (&t.observations[of as usize], of as usize);
        let n = &mut self.nodes[k as usize];
        n.weight += weight;
        n.bx.count += 1;
        n.bx.duration_ns = n.bx.duration_ns.saturating_add(o.duration_ns().unwrap_or(0));
        n.bx.tokens = n.bx.tokens.saturating_add(t.totals.subtree_tokens.get(ou).copied().unwrap_or(0));
        n.bx.cost += t.totals.subtree_cost.get(ou).copied().unwrap_or(0.0);
        n.bx.error |= t.observations[named as usize].level == Level::Error;
        k
    }

    /// The nodes as boxes: roots side by side from 0, each node's children from its left edge,
    /// heaviest first. Parents come before their children.
    fn lay_out(self) -> Flame {
        let mut nodes = self.nodes;
        let n = nodes.len();
        // children in compressed rows (slot n: the roots)
        let slot = |nd: &Node| if nd.parent == NONE { n } else { nd.parent as usize };
        let mut start = vec![0u32; n + 2];
        for nd in &nodes {
            start[slot(nd) + 1] += 1;
        }
        for i in 1..n + 2 {
            start[i] += start[i - 1];
        }
        let mut fill = start.clone();
        let mut kids = vec![0u32; n];
        for (i, nd) in nodes.iter().enumerate() {
            let p = slot(nd);
            kids[fill[p] as usize] = i as u32;
            fill[p] += 1;
        }
        // now start[p]..start[p + 1] are p's children (p = n: the roots)
        for p in 0..=n {
            let row = &mut kids[start[p] as usize..start[p + 1] as usize];
            order::sort_by(row, |a, b| nodes[*b as usize].weight.total_cmp(&nodes[*a as usize].weight));
        }
        let mut boxes = Vec::with_capacity(n);
        let (mut min_depth, mut max_depth) = (0, 0);
        let mut extent = 0.0;
        // (node, its left edge)
        let mut stack: Vec<(u32, f64)> = Vec::new();
        // a row of children from left edge `x0`: callers (above their parent) and callees
        // (below) each from that edge; returns the callees' width
        let push_row = |stack: &mut Vec<(u32, f64)>, p: usize, x0: f64, nodes: &[Node]| {
            let row = &kids[start[p] as usize..start[p + 1] as usize];
            let depth = nodes.get(p).map_or(-1, |nd| nd.bx.depth);
            let (mut up, mut down) = (x0, x0);
            let mut placed = Vec::with_capacity(row.len());
            for &c in row {
                let nd = &nodes[c as usize];
                let x = if nd.bx.depth < depth { &mut up } else { &mut down };
                placed.push((c, *x));
                *x += nd.weight;
            }
            // reversed: the heaviest is drawn (and walked) first
            stack.extend(placed.into_iter().rev());
            down - x0
        };
        extent += push_row(&mut stack, n, 0.0, &nodes);
        while let Some((c, x0)) = stack.pop() {
            let nd = &mut nodes[c as usize];
            nd.bx.x0 = x0;
            nd.bx.x1 = x0 + nd.weight;
            min_depth = nd.bx.depth.min(min_depth);
            max_depth = nd.bx.depth.max(max_depth);
            boxes.push(nd.bx.clone());
            push_row(&mut stack, c as usize, x0, &nodes);
        }
        Flame { boxes, extent, min_depth, max_depth }
    }
}

/// Left-heavy: observations with the same sequence of names from their root are one box, whose
/// width is their weights (`super::weights`) summed; children sorted heaviest first.
pub fn left_heavy(t: &Trace, w: &[f64]) -> Flame {
    let mut m = Merger::new(t);
    let mut node_of = vec![NONE; t.observations.len()];
    for &i in &t.tree.preorder {
        let parent = t.tree.parent_of(i).map_or(NONE, |p| node_of[p as usize]);
        node_of[i as usize] = m.add(parent, 1, i, i, w[i as usize]);
    }
    m.lay_out()
}

/// Sandwich of `name`: its outermost occurrences (a call of `name` inside another one is counted
/// with the outer one) as one box on row 0, their callees below merged by path as in left-heavy,
/// and their callers above (row −1 the direct callers, −2 theirs…) merged by path from the call
/// upwards, each caller box as wide as the weight of the calls it made. Empty when no
/// observation has the name.
pub fn sandwich(t: &Trace, w: &[f64], name: &str) -> Flame {
    let n = t.observations.len();
    // the outermost occurrences: preorder, skipping the subtree of each one found
    let mut outer = Vec::new();
    let mut k = 0;
    while k < t.tree.preorder.len() {
        let i = t.tree.preorder[k];
        if t.observations[i as usize].name == name {
            outer.push(i);
            k = t.tree.subtree_end[i as usize] as usize;
        } else {
            k += 1;
        }
    }
    let Some(&first) = outer.first() else { return Flame::default() };
    let mut m = Merger::new(t);
    let mut focus = NONE;
    for &x in &outer {
        focus = m.add(NONE, 0, first, x, w[x as usize]);
    }
    let mut node_of = vec![NONE; n];
    for &x in &outer {
        node_of[x as usize] = focus;
        let (a, b) = (t.tree.pos[x as usize] as usize + 1, t.tree.subtree_end[x as usize] as usize);
        for &j in t.tree.preorder.get(a..b).unwrap_or_default() {
            let parent = t.tree.parent_of(j).map_or(focus, |p| node_of[p as usize]);
            node_of[j as usize] = m.add(parent, 1, j, j, w[j as usize]);
        }
        let mut at = focus;
        let mut p = t.tree.parent_of(x);
        while let Some(q) = p {
            at = m.add(at, -1, q, x, w[x as usize]);
            p = t.tree.parent_of(q);
        }
    }
    m.lay_out()
}
