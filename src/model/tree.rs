//! Tree building (O(n), iterative: orphans, duplicate ids, cycles) and roll-up of tokens, cost, errors.

use super::hash::{id_map, IdMap};
use super::order;
use super::warning::TreeProblem;
use super::{Observation, Warning, WarningKind};
use std::collections::HashMap;

/// Marks "no parent" in `Tree::parent`.
pub const NO_PARENT: u32 = u32::MAX;

/// The hierarchy of one trace's observations, by index into `Trace::observations`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// Parent index per observation, `NO_PARENT` for roots.
    pub parent: Vec<u32>,
    /// Root observations, by start time.
    pub roots: Vec<u32>,
    /// Children of observation `i` are `children[child_start[i]..child_start[i + 1]]`, by start time.
    pub child_start: Vec<u32>,
    pub children: Vec<u32>,
    /// Observations in depth-first order (roots and children by start time).
    pub preorder: Vec<u32>,
    /// Position of each observation in `preorder`.
    pub pos: Vec<u32>,
    /// Position in `preorder` just past each observation's subtree.
    pub subtree_end: Vec<u32>,
    pub depth: Vec<u32>,
    pub max_depth: u32,
    /// For the second, third… observation sharing an id: its rank (2, 3…). Ids are never rewritten;
    /// this keeps keys unique for selection and links.
    pub duplicate_rank: HashMap<u32, u32>,
    pub orphans: usize,
    pub cycles_broken: usize,
}

impl Tree {
    pub fn build(obs: &[Observation], trace_id: &str, source: &str, warnings: &mut Vec<Warning>) -> Tree {
        let n = obs.len();
        let mut index: IdMap<&str, u32> = id_map(n);
        let mut duplicate_rank = HashMap::new();
        let mut seen_count: IdMap<&str, u32> = id_map(0);
        // one hash per id and one per parent: at 100,000 observations hashing is most of the build
        for (i, o) in obs.iter().enumerate() {
            match index.entry(o.id.as_str()) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    let c = seen_count.entry(o.id.as_str()).or_insert(1);
                    *c += 1;
                    duplicate_rank.insert(i as u32, *c);
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i as u32);
                }
            }
        }

        let mut orphans = 0usize;
        let mut self_loops = 0usize;
        let mut parent: Vec<u32> = obs
            .iter()
            .enumerate()
            .map(|(i, o)| match o.parent_id.as_deref().filter(|p| !p.is_empty()) {
                None => NO_PARENT,
                Some(p) => match index.get(p) {
                    Some(&pi) if pi as usize != i => pi,
                    Some(_) => {
                        // its own parent: a one-node cycle
                        self_loops += 1;
                        NO_PARENT
                    }
                    None => {
                        orphans += 1;
                        NO_PARENT
                    }
                },
            })
            .collect();
        let cycles_broken = self_loops + break_cycles(&mut parent);

        // Children in compressed rows, then sorted by start time (ties keep file order).
        let mut child_start = vec![0u32; n + 1];
        for &p in &parent {
            if p != NO_PARENT {
                child_start[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            child_start[i + 1] += child_start[i];
        }
        let mut fill = child_start.clone();
        let mut children = vec![0u32; child_start[n] as usize];
        let mut roots = Vec::new();
        for (i, &p) in parent.iter().enumerate() {
            if p == NO_PARENT {
                roots.push(i as u32);
            } else {
                children[fill[p as usize] as usize] = i as u32;
                fill[p as usize] += 1;
            }
        }
        let by_start = |a: &u32, b: &u32| obs[*a as usize].start_ns.cmp(&obs[*b as usize].start_ns).then(a.cmp(b));
        order::sort_by(&mut roots, by_start);
        for i in 0..n {
            order::sort_by(&mut children[child_start[i] as usize..child_start[i + 1] as usize], by_start);
        }

        // Depth-first order with an explicit stack: traces can be thousands of levels deep.
        let mut preorder = Vec::with_capacity(n);
        let mut depth = vec![0u32; n];
        let mut stack: Vec<u32> = roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            preorder.push(i);
            let (s, e) = (child_start[i as usize] as usize, child_start[i as usize + 1] as usize);
            for &c in children[s..e].iter().rev() {
                depth[c as usize] = depth[i as usize] + 1;
                stack.push(c);
            }
        }
        let mut pos = vec![0u32; n];
        for (k, &i) in preorder.iter().enumerate() {
            pos[i as usize] = k as u32;
        }
        let mut size = vec![1u32; n];
        for &i in preorder.iter().rev() {
            let p = parent[i as usize];
            if p != NO_PARENT {
                size[p as usize] += size[i as usize];
            }
        }
        let subtree_end = (0..n).map(|i| pos[i] + size[i]).collect();
        let max_depth = depth.iter().copied().max().unwrap_or(0);

        // A child starting before its parent means the two clocks disagree (different hosts).
        let skewed =
            (0..n).filter(|&i| parent[i] != NO_PARENT && obs[i].start_ns < obs[parent[i] as usize].start_ns).count();
        // kept as written (never altered); durations and bars treat them as instants
        let backwards = obs.iter().filter(|o| o.end_ns.is_some_and(|e| e < o.start_ns)).count();
        let problems = [
            (TreeProblem::MissingParent, orphans),
            (TreeProblem::ClockSkew, skewed),
            (TreeProblem::EndsBeforeStart, backwards),
            (TreeProblem::RepeatedId, duplicate_rank.len()),
            (TreeProblem::ParentCycle, cycles_broken),
        ];
        for (problem, count) in problems.into_iter().filter(|(_, count)| *count > 0) {
            warnings.push(Warning {
                source: source.to_string(),
                trace_id: Some(trace_id.to_string()),
                kind: WarningKind::Tree { trace_id: trace_id.to_string(), problem, count },
            });
        }

        Tree {
            parent,
            roots,
            child_start,
            children,
            preorder,
            pos,
            subtree_end,
            depth,
            max_depth,
            duplicate_rank,
            orphans,
            cycles_broken,
        }
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    pub fn children_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        match (self.child_start.get(i), self.child_start.get(i + 1)) {
            (Some(&s), Some(&e)) => &self.children[s as usize..e as usize],
            _ => &[],
        }
    }

    pub fn has_children(&self, i: u32) -> bool {
        !self.children_of(i).is_empty()
    }

    pub fn parent_of(&self, i: u32) -> Option<u32> {
        self.parent.get(i as usize).copied().filter(|&p| p != NO_PARENT)
    }

    /// A key unique within the trace: the id, with `~N` added for the Nth repeat of a duplicate id.
    pub fn key(&self, obs: &[Observation], i: u32) -> String {
        let id = obs.get(i as usize).map(|o| o.id.as_str()).unwrap_or("");
        match self.duplicate_rank.get(&i) {
            Some(rank) => format!("{id}~{rank}"),
            None => id.to_string(),
        }
    }

    /// The inverse of `key`.
    pub fn find_key(&self, obs: &[Observation], key: &str) -> Option<u32> {
        let (id, rank) = match key.rsplit_once('~') {
            Some((id, r)) if r.parse::<u32>().is_ok() => (id, r.parse::<u32>().ok()),
            _ => (key, None),
        };
        obs.iter()
            .enumerate()
            .map(|(i, o)| (i as u32, o))
            .find_map(|(i, o)| (o.id == id && self.duplicate_rank.get(&i).copied() == rank).then_some(i))
    }

    /// Ancestors of `i`, nearest first.
    pub fn ancestors(&self, i: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = self.parent_of(i);
        while let Some(p) = cur {
            out.push(p);
            cur = self.parent_of(p);
            if out.len() > self.len() {
                break; // cannot happen after cycle breaking; guards against a bug looping forever
            }
        }
        out
    }
}

/// Cuts every cycle in the parent links, making the node that closes it a root. Returns the count.
/// Each node is walked once: a walk stops at a node already known to reach a root.
fn break_cycles(parent: &mut [u32]) -> usize {
    const UNKNOWN: u32 = 0;
    const DONE: u32 = u32::MAX;
    let n = parent.len();
    let mut state = vec![UNKNOWN; n]; // UNKNOWN, DONE, or walk number + 1 while on that walk
    let mut broken = 0;
    let mut path = Vec::new();
    for start in 0..n {
        if state[start] != UNKNOWN {
            continue;
        }
        let walk = start as u32 + 1;
        path.clear();
        let mut x = start;
        loop {
            if state[x] == DONE {
                break;
            }
            if state[x] == walk {
                parent[x] = NO_PARENT; // x closes a cycle
                broken += 1;
                break;
            }
            state[x] = walk;
            path.push(x);
            match parent[x] {
                NO_PARENT => break,
                p => x = p as usize,
            }
        }
        for &p in &path {
            state[p] = DONE;
        }
    }
    broken
}

/// Roll-ups of one trace. Usage and cost are counted once: an observation's own usage counts only
/// when none of its descendants carry usage, because OpenInference and LangChain parents repeat
/// their children's token counts. For sources where only model calls carry usage (Langfuse) this
/// equals the plain sum.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub start_ns: Option<i64>,
    pub end_ns: Option<i64>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub tokens: u64,
    /// The part of `tokens` that embedding calls used (shown apart from generation tokens: they
    /// are priced and limited differently).
    pub embedding_tokens: u64,
    pub cost_usd: f64,
    /// The part of `cost_usd` Canopy estimated from tokens and the price table (the rest the
    /// source reported).
    pub estimated_cost_usd: f64,
    pub has_usage: bool,
    pub has_cost: bool,
    /// Whether some observation's cost is estimated, and whether some is reported: a trace with
    /// both says so.
    pub has_estimate: bool,
    pub has_reported: bool,
    /// Models of counted usage that carry no cost: no price table entry matched them (or the
    /// table is not loaded yet), in order of first use.
    pub unpriced: Vec<String>,
    /// How much of `cost_usd` and of `tokens` is known: which calls carry a cost, token counts.
    pub cost_known: super::known::Known,
    pub tokens_known: super::known::Known,
    pub errors: usize,
    pub warnings: usize,
    /// Observations still running (no end time).
    pub in_progress: usize,
    pub subtree_tokens: Vec<u64>,
    pub subtree_cost: Vec<f64>,
    /// Whether some of `subtree_cost` is estimated (marked where it shows).
    pub subtree_estimated: Vec<bool>,
    pub subtree_errors: Vec<u32>,
    /// Whether each observation's own usage went into the totals (false: repeated by a parent).
    pub usage_counted: Vec<bool>,
}

impl Totals {
    pub fn compute(obs: &[Observation], tree: &Tree) -> Totals {
        let n = obs.len();
        let mut usage_below = vec![false; n];
        let mut cost_below = vec![false; n];
        let mut subtree_tokens = vec![0u64; n];
        let mut subtree_in = vec![0u64; n];
        let mut subtree_out = vec![0u64; n];
        let mut subtree_cost = vec![0f64; n];
        let mut estimated_cost_usd = 0.0;
        let mut subtree_estimated = vec![false; n];
        let mut subtree_errors = vec![0u32; n];
        let mut usage_counted = vec![false; n];
        for &i in tree.preorder.iter().rev() {
            let iu = i as usize;
            let o = &obs[iu];
            let has_usage = !o.usage.is_empty() && o.usage.total_tokens() > 0;
            let has_cost = o.cost.total.is_some_and(|c| c != 0.0);
            if has_usage && !usage_below[iu] {
                usage_counted[iu] = true;
                subtree_tokens[iu] = subtree_tokens[iu].saturating_add(o.usage.total_tokens());
                subtree_in[iu] = subtree_in[iu].saturating_add(o.usage.input.unwrap_or(0));
                subtree_out[iu] = subtree_out[iu].saturating_add(o.usage.output.unwrap_or(0));
            }
            if has_cost && !cost_below[iu] {
                subtree_cost[iu] += o.cost.total_usd();
                if o.cost.estimated.is_some() {
                    estimated_cost_usd += o.cost.total_usd();
                    subtree_estimated[iu] = true;
                }
            }
            if o.level == super::Level::Error {
                subtree_errors[iu] += 1;
            }
            if let Some(p) = tree.parent_of(i) {
                let pu = p as usize;
                usage_below[pu] |= has_usage || usage_below[iu];
                cost_below[pu] |= has_cost || cost_below[iu];
                subtree_tokens[pu] = subtree_tokens[pu].saturating_add(subtree_tokens[iu]);
                subtree_in[pu] = subtree_in[pu].saturating_add(subtree_in[iu]);
                subtree_out[pu] = subtree_out[pu].saturating_add(subtree_out[iu]);
                subtree_cost[pu] += subtree_cost[iu];
                subtree_estimated[pu] |= subtree_estimated[iu];
                subtree_errors[pu] += subtree_errors[iu];
            }
        }
        let roots = tree.roots.iter().map(|&r| r as usize);
        let mut t = Totals {
            start_ns: obs.iter().map(|o| o.start_ns).min(),
            end_ns: obs.iter().filter_map(|o| o.end_ns).max(),
            input_tokens: roots.clone().fold(0u64, |a, r| a.saturating_add(subtree_in[r])),
            output_tokens: roots.clone().fold(0u64, |a, r| a.saturating_add(subtree_out[r])),
            tokens: roots.clone().fold(0u64, |a, r| a.saturating_add(subtree_tokens[r])),
            embedding_tokens: obs
                .iter()
                .zip(&usage_counted)
                .filter(|(o, &counted)| counted && o.kind == super::Kind::Embedding)
                .fold(0u64, |a, (o, _)| a.saturating_add(o.usage.total_tokens())),
            cost_usd: roots.fold(0.0, |a, r| a + subtree_cost[r]),
            estimated_cost_usd,
            has_usage: obs.iter().any(|o| !o.usage.is_empty()),
            has_cost: obs.iter().any(|o| o.cost.total.is_some()),
            has_estimate: obs.iter().any(|o| o.cost.estimated.is_some()),
            has_reported: obs.iter().any(|o| o.cost.is_reported()),
            unpriced: unpriced(obs, &usage_counted),
            cost_known: super::known::coverage(obs, &|i| tree.parent_of(i), &tree.preorder, super::known::has_cost),
            tokens_known: super::known::coverage(obs, &|i| tree.parent_of(i), &tree.preorder, super::known::has_tokens),
            errors: obs.iter().filter(|o| o.level == super::Level::Error).count(),
            warnings: obs.iter().filter(|o| o.level == super::Level::Warning).count(),
            in_progress: obs.iter().filter(|o| o.end_ns.is_none()).count(),
            subtree_tokens,
            subtree_cost,
            subtree_estimated,
            subtree_errors,
            usage_counted,
        };
        if t.tokens == 0 && !t.has_usage {
            t.input_tokens = 0;
            t.output_tokens = 0;
        }
        t
    }
}

/// Models whose counted usage has no cost, each once, in order of first use.
fn unpriced(obs: &[Observation], counted: &[bool]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (o, _) in obs.iter().zip(counted).filter(|(o, &c)| c && o.cost.total.is_none()) {
        if let Some(m) = o.model.as_deref().filter(|m| !out.iter().any(|x| x == m)) {
            out.push(m.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Level, Usage};

    fn ob(id: &str, parent: Option<&str>, start: i64) -> Observation {
        let mut o = Observation::new(id, Kind::Span, id, start);
        o.parent_id = parent.map(str::to_string);
        o.end_ns = Some(start + 10);
        o
    }

    fn build(obs: &[Observation]) -> (Tree, Vec<Warning>) {
        let mut w = Vec::new();
        (Tree::build(obs, "t", "test.json", &mut w), w)
    }

    #[test]
    fn children_are_sorted_by_start_and_preorder_is_depth_first() {
        let obs = vec![
            ob("root", None, 0),
            ob("late", Some("root"), 50),
            ob("early", Some("root"), 5),
            ob("leaf", Some("early"), 6),
        ];
        let (t, w) = build(&obs);
        assert!(w.is_empty());
        assert_eq!(t.roots, vec![0]);
        assert_eq!(t.children_of(0), &[2, 1]);
        assert_eq!(t.preorder, vec![0, 2, 3, 1]);
        assert_eq!(t.depth, vec![0, 1, 1, 2]);
        assert_eq!(t.subtree_end[0], 4);
        assert_eq!(t.subtree_end[2], 3);
        assert_eq!(t.max_depth, 2);
    }

    #[test]
    fn orphans_become_roots_with_a_warning() {
        let obs = vec![ob("a", None, 0), ob("b", Some("missing"), 1)];
        let (t, w) = build(&obs);
        assert_eq!(t.roots, vec![0, 1]);
        assert_eq!(t.orphans, 1);
        assert_eq!(w.len(), 1);
        assert!(w[0].kind.to_string().contains("1 observation names a parent"));
    }

    #[test]
    fn duplicate_ids_are_kept_with_distinct_keys() {
        let obs = vec![ob("a", None, 0), ob("a", None, 1), ob("c", Some("a"), 2)];
        let (t, w) = build(&obs);
        assert_eq!(t.preorder.len(), 3);
        assert_eq!(t.key(&obs, 0), "a");
        assert_eq!(t.key(&obs, 1), "a~2");
        assert_eq!(t.find_key(&obs, "a~2"), Some(1));
        assert_eq!(t.find_key(&obs, "a"), Some(0));
        assert_eq!(t.parent_of(2), Some(0), "children attach to the first of the duplicates");
        assert!(w.iter().any(|w| w.kind.to_string().contains("an id already used")));
    }

    #[test]
    fn cycles_are_broken_and_every_node_appears_once() {
        // a -> b -> c -> a, plus d hanging off c, plus a self-loop e
        let obs = vec![
            ob("a", Some("c"), 0),
            ob("b", Some("a"), 1),
            ob("c", Some("b"), 2),
            ob("d", Some("c"), 3),
            ob("e", Some("e"), 4),
        ];
        let (t, w) = build(&obs);
        assert_eq!(t.cycles_broken, 2);
        let mut seen = t.preorder.clone();
        seen.sort();
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
        assert!(w.iter().any(|w| w.kind.to_string().contains("cycle")));
    }

    #[test]
    fn deep_chains_do_not_overflow_the_stack() {
        let n = 200_000;
        let obs: Vec<Observation> = (0..n)
            .map(|i| {
                let p = if i == 0 { None } else { Some(format!("n{}", i - 1)) };
                let mut o = ob(&format!("n{i}"), None, i as i64);
                o.parent_id = p;
                o
            })
            .collect();
        let (t, _) = build(&obs);
        assert_eq!(t.max_depth, n as u32 - 1);
        assert_eq!(t.ancestors(n as u32 - 1).len(), n - 1);
        let totals = Totals::compute(&obs, &t);
        assert_eq!(totals.errors, 0);
    }

    fn with_usage(mut o: Observation, kind: Kind, input: u64, output: u64, cost: Option<f64>) -> Observation {
        o.kind = kind;
        o.usage = Usage { input: Some(input), output: Some(output), total: Some(input + output), details: vec![] };
        o.cost.total = cost;
        o
    }

    #[test]
    fn parents_repeating_child_usage_are_not_double_counted() {
        // chain repeats the sum of its two LLM children (OpenInference/LangChain style)
        let obs = vec![
            with_usage(ob("chain", None, 0), Kind::Chain, 30, 12, Some(0.3)),
            with_usage(ob("llm1", Some("chain"), 1), Kind::Generation, 10, 2, Some(0.1)),
            with_usage(ob("llm2", Some("chain"), 2), Kind::Generation, 20, 10, Some(0.2)),
            ob("tool", Some("chain"), 3),
        ];
        let (t, _) = build(&obs);
        let tot = Totals::compute(&obs, &t);
        assert_eq!(tot.tokens, 42);
        assert_eq!(tot.input_tokens, 30);
        assert_eq!(tot.output_tokens, 12);
        assert!((tot.cost_usd - 0.3).abs() < 1e-12);
        assert_eq!(tot.usage_counted, vec![false, true, true, false]);
        assert_eq!(tot.subtree_tokens[0], 42);
        assert_eq!(tot.subtree_tokens[1], 12);
    }

    #[test]
    fn embedding_tokens_are_counted_apart_and_once() {
        // a retriever embeds the query (7) under an agent that repeats all usage (7 + 12), beside
        // a generation (12) and an embedding whose parent chain also repeats it (5)
        let obs = vec![
            with_usage(ob("agent", None, 0), Kind::Agent, 19, 0, None),
            with_usage(ob("embed", Some("agent"), 1), Kind::Embedding, 7, 0, None),
            with_usage(ob("llm", Some("agent"), 2), Kind::Generation, 10, 2, None),
            with_usage(ob("chain", None, 3), Kind::Chain, 5, 0, None),
            with_usage(ob("embed2", Some("chain"), 4), Kind::Embedding, 5, 0, None),
        ];
        let (t, _) = build(&obs);
        let tot = Totals::compute(&obs, &t);
        assert_eq!(tot.tokens, 7 + 12 + 5);
        assert_eq!(tot.embedding_tokens, 7 + 5);
        // an embedding repeated by a parent that is itself an embedding counts once, as the child
        let obs = vec![
            with_usage(ob("e", None, 0), Kind::Embedding, 9, 0, None),
            with_usage(ob("e-call", Some("e"), 1), Kind::Embedding, 9, 0, None),
        ];
        let (t, _) = build(&obs);
        assert_eq!(Totals::compute(&obs, &t).embedding_tokens, 9);
    }

    #[test]
    fn children_starting_before_their_parent_are_reported_as_clock_skew() {
        let obs = vec![ob("root", None, 100), ob("early-child", Some("root"), 40), ob("fine", Some("root"), 120)];
        let (t, w) = build(&obs);
        assert_eq!(t.preorder.len(), 3, "nothing moved or dropped");
        assert_eq!(w.len(), 1);
        assert!(w[0].kind.to_string().contains("1 observation starts before its parent"), "{}", w[0].kind.to_string());
    }

    #[test]
    fn errors_roll_up() {
        let mut bad = ob("bad", Some("root"), 1);
        bad.level = Level::Error;
        let obs = vec![ob("root", None, 0), bad, ob("ok", Some("root"), 2)];
        let (t, _) = build(&obs);
        let tot = Totals::compute(&obs, &t);
        assert_eq!(tot.errors, 1);
        assert_eq!(tot.subtree_errors, vec![1, 1, 0]);
    }
}
