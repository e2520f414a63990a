//! Lanes: the timeline laid out by agent (or service, or thread) instead of by tree row.
//!
//! A lane is one agent by name, the nearest `Agent` above each step (the rule loops use: one
//! agent = one agent name). It holds that agent's steps, every observation under it that is not
//! itself an agent; steps that overlap in time stack into sub-rows (greedy interval packing by
//! start, first free sub-row), and the agent's own spans go on the lane's header row. Each lane
//! counts its steps, the time they cover, and tokens and cost by the header's rule (an
//! observation's own usage or cost counts only where nothing below it carries one).
//!
//! A handoff is drawn where an agent's span starts right after another agent's leaf step ended
//! (the latest such step inside the span's parent), else under another agent's step or span. Traces
//! without agents are laid out by the resource's `service.name`, else by `thread.id` /
//! `thread.name`, else as one lane (without handoffs).
//!
//! One pass over the tree in preorder, no recursion: a trace of any depth.

use super::geometry::bar_end_ns;
use crate::model::{Kind, Trace};
use std::collections::HashMap;

/// How many steps back a handoff looks for the step that handed over.
const HANDOFF_LOOKBACK: usize = 64;

/// What the lanes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneKey {
    Agent,
    /// The resource's `service.name`.
    Service,
    /// `thread.id` or `thread.name`.
    Thread,
    /// One lane for the whole trace.
    Whole,
}

/// One lane: an agent (or service, or thread) and its steps.
#[derive(Debug, Clone)]
pub struct Lane {
    pub name: String,
    /// The agent's own spans (its runs), shown on the lane's header row.
    pub agents: Vec<u32>,
    /// Sub-rows of steps, each in start order; overlapping steps are on different sub-rows.
    pub rows: Vec<Vec<u32>>,
    pub steps: usize,
    /// The earliest start of the lane's spans and steps.
    pub start_ns: i64,
    /// Time covered by at least one step.
    pub busy_ns: i64,
    pub tokens: u64,
    pub cost_usd: f64,
}

/// A connector: step `from` (in one lane) handed over to `to` (the receiving agent's first step,
/// or its span when it has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handoff {
    pub from: u32,
    pub to: u32,
}

/// A row as drawn: a lane's header (`sub` is `None`) or one of its sub-rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneRow {
    pub lane: u32,
    pub sub: Option<u32>,
}

/// A trace's lanes, ordered by first start, with the handoffs between them.
#[derive(Debug, Clone)]
pub struct Lanes {
    /// What the lanes are: the key asked for, or what it fell back to.
    pub by: LaneKey,
    pub lanes: Vec<Lane>,
    pub handoffs: Vec<Handoff>,
    /// Each lane's header then its sub-rows.
    pub rows: Vec<LaneRow>,
    /// The row each observation is drawn on (`u32::MAX`: none), by observation.
    row_index: Vec<u32>,
}

impl Lane {
    /// Its totals in a line: steps, time covered, tokens and cost when there are some.
    pub fn summary(&self) -> String {
        let mut out = vec![
            crate::model::units::plural(self.steps, "step", "steps"),
            crate::model::time::format_duration(self.busy_ns),
        ];
        if self.tokens > 0 {
            out.push(format!("{} tok", crate::model::units::format_tokens(self.tokens)));
        }
        if self.cost_usd > 0.0 {
            out.push(crate::model::units::format_cost(self.cost_usd));
        }
        out.join(" · ")
    }
}

impl Lanes {
    /// The observations on row `r`: the agent's spans on a header, the steps on a sub-row.
    pub fn items(&self, r: usize) -> &[u32] {
        let Some(row) = self.rows.get(r) else { return &[] };
        let Some(lane) = self.lanes.get(row.lane as usize) else { return &[] };
        match row.sub {
            None => &lane.agents,
            Some(s) => lane.rows.get(s as usize).map(Vec::as_slice).unwrap_or(&[]),
        }
    }

    /// The row observation `i` is drawn on.
    pub fn row_of(&self, i: u32) -> Option<usize> {
        self.row_index.get(i as usize).filter(|&&r| r != u32::MAX).map(|&r| r as usize)
    }

    /// The observation on row `r` under `x`, given where each observation's bar runs
    /// (`span_px`); within 3 px of a bar counts, the nearest wins.
    pub fn hit(&self, r: usize, x: f64, span_px: impl Fn(u32) -> Option<(f64, f64)>) -> Option<u32> {
        let mut best: Option<(f64, u32)> = None;
        for &i in self.items(r) {
            let Some((x0, x1)) = span_px(i) else { continue };
            let d = if x < x0 {
                x0 - x
            } else if x > x1.max(x0 + 1.0) {
                x - x1.max(x0 + 1.0)
            } else {
                0.0
            };
            if d <= 3.0 && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
        best.map(|(_, i)| i)
    }
}

/// The lanes of `t` by `by`, falling back from agents to services to threads to one lane when
/// the trace has none of them (or only one service or thread).
pub fn lanes(t: &Trace, by: LaneKey) -> Lanes {
    let n = t.observations.len();
    let by = decide(t, by);
    let end = t.totals.end_ns;
    // the lane of each observation (an index into `names`) and whether it is a step
    let mut lane_of: Vec<Option<usize>> = vec![None; n];
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut lane_named = |name: &str| -> usize {
        if let Some(&l) = index.get(name) {
            return l;
        }
        names.push(name.to_string());
        index.insert(name.to_string(), names.len() - 1);
        names.len() - 1
    };
    let mut agents: Vec<u32> = Vec::new();
    let mut steps: Vec<u32> = Vec::new();
    let agent_of = if by == LaneKey::Agent { crate::model::loops::agent_of(t) } else { Vec::new() };
    let whole = t.display_name().to_string();
    for &i in &t.tree.preorder {
        let Some(o) = t.observations.get(i as usize) else { continue };
        let parent_lane = t.tree.parent_of(i).and_then(|p| lane_of.get(p as usize).copied().flatten());
        let lane = match by {
            LaneKey::Agent if o.kind == Kind::Agent => {
                agents.push(i);
                lane_named(&o.name)
            }
            LaneKey::Agent => {
                steps.push(i);
                match agent_of.get(i as usize).copied().flatten().and_then(|a| t.observations.get(a as usize)) {
                    Some(a) => lane_named(&a.name),
                    None => lane_named("(no agent)"),
                }
            }
            LaneKey::Service | LaneKey::Thread => {
                steps.push(i);
                match (lane_value(o, by), parent_lane) {
                    (Some(v), _) => lane_named(v),
                    (None, Some(l)) => l,
                    (None, None) => lane_named("(none)"),
                }
            }
            LaneKey::Whole => {
                steps.push(i);
                lane_named(&whole)
            }
        };
        if let Some(slot) = lane_of.get_mut(i as usize) {
            *slot = Some(lane);
        }
    }

    let mut out: Vec<Lane> = names
        .into_iter()
        .map(|name| Lane {
            name,
            agents: Vec::new(),
            rows: Vec::new(),
            steps: 0,
            start_ns: i64::MAX,
            busy_ns: 0,
            tokens: 0,
            cost_usd: 0.0,
        })
        .collect();
    let mut lane_steps: Vec<Vec<u32>> = vec![Vec::new(); out.len()];
    // each lane's first (start, tree position): lanes starting together go outer first
    let mut first: Vec<(i64, u32)> = vec![(i64::MAX, u32::MAX); out.len()];
    for (&i, is_step) in agents.iter().map(|i| (i, false)).chain(steps.iter().map(|i| (i, true))) {
        let (Some(Some(l)), Some(o)) = (lane_of.get(i as usize), t.observations.get(i as usize)) else { continue };
        let lane = &mut out[*l];
        lane.start_ns = lane.start_ns.min(o.start_ns);
        first[*l] = first[*l].min((o.start_ns, t.tree.pos.get(i as usize).copied().unwrap_or(u32::MAX)));
        if t.totals.usage_counted.get(i as usize).copied().unwrap_or(false) {
            lane.tokens = lane.tokens.saturating_add(o.usage.total_tokens());
        }
        lane.cost_usd += own_cost(t, i);
        if is_step {
            lane_steps[*l].push(i);
        } else {
            lane.agents.push(i);
        }
    }
    for (lane, mut st) in out.iter_mut().zip(lane_steps) {
        let span = |i: &u32| t.observations.get(*i as usize).map(|o| (o.start_ns, bar_end_ns(o, end).max(o.start_ns)));
        // by start, the longer first (a parent before its child), then tree order
        let mut keyed: Vec<(i64, i64, u32)> = st
            .iter()
            .map(|i| {
                let (s, e) = span(i).unwrap_or((0, 0));
                (s, e.saturating_neg(), t.tree.pos.get(*i as usize).copied().unwrap_or(0))
            })
            .collect();
        crate::model::order::sort(&mut keyed);
        st = keyed.iter().filter_map(|&(_, _, pos)| t.tree.preorder.get(pos as usize).copied()).collect();
        let mut keyed: Vec<(i64, i64, u32)> =
            lane.agents.iter().map(|i| (span(i).map(|s| s.0).unwrap_or(0), 0, *i)).collect();
        crate::model::order::sort(&mut keyed);
        lane.agents = keyed.into_iter().map(|k| k.2).collect();
        lane.steps = st.len();
        let mut ends: Vec<i64> = Vec::new();
        let mut covered: Option<(i64, i64)> = None;
        for &i in &st {
            let Some((s, e)) = span(&i) else { continue };
            // an instant takes a nanosecond, so that two at the same time do not overlap
            let taken = if e > s { e } else { s.saturating_add(1) };
            match ends.iter().position(|&free_at| free_at <= s) {
                Some(r) => {
                    ends[r] = taken;
                    lane.rows[r].push(i);
                }
                None => {
                    ends.push(taken);
                    lane.rows.push(vec![i]);
                }
            }
            covered = match covered {
                Some((a, b)) if s <= b => Some((a, b.max(e))),
                Some((a, b)) => {
                    lane.busy_ns = lane.busy_ns.saturating_add(b.checked_sub(a).unwrap_or(0).max(0));
                    Some((s, e))
                }
                None => Some((s, e)),
            };
        }
        if let Some((a, b)) = covered {
            lane.busy_ns = lane.busy_ns.saturating_add(b.checked_sub(a).unwrap_or(0).max(0));
        }
    }

    let handoffs =
        if by == LaneKey::Agent { agent_handoffs(t, &agents, &steps, &lane_of, &agent_of) } else { Vec::new() };

    // lanes by first start; the rows follow
    let mut order: Vec<(i64, i64, u32)> =
        first.iter().enumerate().map(|(l, &(s, pos))| (s, i64::from(pos), l as u32)).collect();
    crate::model::order::sort(&mut order);
    let mut slots: Vec<Option<Lane>> = out.into_iter().map(Some).collect();
    let out: Vec<Lane> =
        order.iter().filter_map(|&(_, _, l)| slots.get_mut(l as usize).and_then(Option::take)).collect();
    let mut rows = Vec::new();
    for (l, lane) in out.iter().enumerate() {
        rows.push(LaneRow { lane: l as u32, sub: None });
        rows.extend((0..lane.rows.len()).map(|s| LaneRow { lane: l as u32, sub: Some(s as u32) }));
    }
    let mut lanes = Lanes { by, lanes: out, handoffs, rows, row_index: vec![u32::MAX; n] };
    for r in 0..lanes.rows.len() {
        let at: Vec<u32> = lanes.items(r).to_vec();
        for i in at {
            if let Some(slot) = lanes.row_index.get_mut(i as usize) {
                *slot = r as u32;
            }
        }
    }
    lanes
}

/// The key the trace has: agents if any, services if two or more, threads if two or more, else
/// one lane; asking for services or threads skips the keys before them.
fn decide(t: &Trace, by: LaneKey) -> LaneKey {
    let distinct = |key: LaneKey| {
        let mut seen: Vec<&str> = Vec::new();
        for o in &t.observations {
            if let Some(v) = lane_value(o, key).filter(|v| !seen.contains(v)) {
                seen.push(v);
                if seen.len() >= 2 {
                    return true;
                }
            }
        }
        false
    };
    let order = [LaneKey::Agent, LaneKey::Service, LaneKey::Thread];
    let from = order.iter().position(|&k| k == by).unwrap_or(order.len());
    for &key in order.iter().skip(from) {
        let has = match key {
            LaneKey::Agent => t.observations.iter().any(|o| o.kind == Kind::Agent),
            _ => distinct(key),
        };
        if has {
            return key;
        }
    }
    LaneKey::Whole
}

/// An observation's own value of a service or thread key.
fn lane_value(o: &crate::model::Observation, key: LaneKey) -> Option<&str> {
    let keys: &[&str] = match key {
        LaneKey::Service => &["service.name"],
        LaneKey::Thread => &["thread.id", "thread.name"],
        _ => &[],
    };
    keys.iter().find_map(|k| o.attribute(k).and_then(|v| v.as_str())).filter(|v| !v.is_empty())
}

/// What observation `i` itself adds to the trace's cost: its subtree's less its children's.
fn own_cost(t: &Trace, i: u32) -> f64 {
    let c = &t.totals.subtree_cost;
    let below: f64 = t.tree.children_of(i).iter().filter_map(|&k| c.get(k as usize)).sum();
    (c.get(i as usize).copied().unwrap_or(0.0) - below).max(0.0)
}

/// Handoffs between agents: for each agent span, the latest other agent's leaf step that ended
/// by its start inside its parent, else its parent (a step or span of another agent).
fn agent_handoffs(
    t: &Trace,
    agents: &[u32],
    steps: &[u32],
    lane_of: &[Option<usize>],
    agent_of: &[Option<u32>],
) -> Vec<Handoff> {
    let obs = &t.observations;
    let lane = |i: u32| lane_of.get(i as usize).copied().flatten();
    // each agent span's first step, and the steps of agents by end
    let mut first: Vec<(i64, u32)> = vec![(i64::MAX, u32::MAX); obs.len()];
    let mut by_end: Vec<(i64, i64, u32)> = Vec::new();
    for &i in steps {
        let Some(o) = obs.get(i as usize) else { continue };
        let Some(a) = agent_of.get(i as usize).copied().flatten() else { continue };
        if let Some(e) = first.get_mut(a as usize) {
            *e = (*e).min((o.start_ns, i));
        }
        // the handing step is leaf work (a tool, a call), not the turn around it that ends with it
        if t.tree.has_children(i) {
            continue;
        }
        by_end.push((bar_end_ns(o, t.totals.end_ns).max(o.start_ns), o.start_ns, i));
    }
    crate::model::order::sort(&mut by_end);
    let mut out = Vec::new();
    for &a in agents {
        let Some(o) = obs.get(a as usize) else { continue };
        let own = lane(a);
        // the parent, when it belongs to another lane; none when it is this agent's own
        let parent = t.tree.parent_of(a);
        if parent.is_some_and(|p| lane(p) == own) {
            continue;
        }
        let lower = parent.and_then(|p| obs.get(p as usize)).map(|p| p.start_ns).unwrap_or(i64::MIN);
        let until = by_end.partition_point(|&(e, _, _)| e <= o.start_ns);
        let handed = by_end[..until]
            .iter()
            .rev()
            .take(HANDOFF_LOOKBACK)
            .find(|&&(_, s, i)| s >= lower && lane(i) != own)
            .map(|&(_, _, i)| i);
        let Some(from) = handed.or(parent) else { continue };
        let to = first.get(a as usize).map(|&(_, i)| i).filter(|&i| i != u32::MAX).unwrap_or(a);
        out.push(Handoff { from, to });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttrValue, Attribute, Observation, Usage};

    /// `(id, parent, kind, name, start, end)`.
    type Spec<'a> = (&'a str, Option<&'a str>, Kind, &'a str, i64, i64);

    fn trace(spec: &[Spec]) -> Trace {
        let obs = spec.iter().map(|&(id, p, kind, name, s, e)| ob(id, p, kind, name, s, e)).collect();
        Trace::build("t".into(), obs, "x", &mut Vec::new())
    }

    fn ob(id: &str, p: Option<&str>, kind: Kind, name: &str, s: i64, e: i64) -> Observation {
        let mut o = Observation::new(id, kind, name, s);
        o.parent_id = p.map(str::to_string);
        o.end_ns = Some(e);
        o
    }

    fn idx(t: &Trace, id: &str) -> u32 {
        t.observations.iter().position(|o| o.id == id).unwrap() as u32
    }

    fn ids(t: &Trace, v: &[u32]) -> Vec<String> {
        v.iter().map(|&i| t.observations[i as usize].id.clone()).collect()
    }

    fn names(l: &Lanes) -> Vec<&str> {
        l.lanes.iter().map(|l| l.name.as_str()).collect()
    }

    #[test]
    fn two_agents_interleaved_are_two_lanes_with_their_steps_and_totals() {
        use Kind::*;
        let mut t = trace(&[
            ("root", None, Span, "workflow", 0, 100),
            ("a1", Some("root"), Agent, "planner", 0, 20),
            ("g1", Some("a1"), Generation, "plan", 1, 10),
            ("b1", Some("root"), Agent, "coder", 20, 40),
            ("g2", Some("b1"), Generation, "code", 21, 39),
            ("a2", Some("root"), Agent, "planner", 40, 60),
            ("t1", Some("a2"), Tool, "search", 41, 50),
            ("b2", Some("root"), Agent, "coder", 60, 80),
            ("g3", Some("b2"), Generation, "code", 61, 70),
        ]);
        // usage on the generations: planner 10 tokens, coder 5 + 7
        for (id, tok, cost) in [("g1", 10, 0.5), ("g2", 5, 0.25), ("g3", 7, 0.125)] {
            let i = idx(&t, id) as usize;
            t.observations[i].usage = Usage { input: Some(tok), output: Some(0), total: Some(tok), ..Usage::default() };
            t.observations[i].cost.total = Some(cost);
        }
        t.totals = crate::model::tree::Totals::compute(&t.observations, &t.tree);
        let l = lanes(&t, LaneKey::Agent);
        assert_eq!(l.by, LaneKey::Agent);
        assert_eq!(names(&l), ["(no agent)", "planner", "coder"]);
        let planner = &l.lanes[1];
        assert_eq!(ids(&t, &planner.agents), ["a1", "a2"]);
        assert_eq!(planner.rows.len(), 1);
        assert_eq!(ids(&t, &planner.rows[0]), ["g1", "t1"]);
        assert_eq!((planner.steps, planner.busy_ns, planner.tokens), (2, 9 + 9, 10));
        assert!((planner.cost_usd - 0.5).abs() < 1e-12);
        let coder = &l.lanes[2];
        assert_eq!(ids(&t, &coder.rows[0]), ["g2", "g3"]);
        assert_eq!((coder.steps, coder.busy_ns, coder.tokens), (2, 18 + 9, 12));
        assert!((coder.cost_usd - 0.375).abs() < 1e-12);
        assert_eq!(coder.summary(), "2 steps · 27ns · 12 tok · $0.3750");
        // rows: each header, then its sub-rows
        assert_eq!(l.rows.len(), 6);
        assert_eq!(l.rows[2], LaneRow { lane: 1, sub: None });
        assert_eq!(l.row_of(idx(&t, "t1")), Some(3));
        assert_eq!(l.row_of(idx(&t, "b2")), Some(4));
        assert_eq!(l.hit(3, 20.0, |i| Some((t.observations[i as usize].start_ns as f64, 0.0))), None);
        let px = |i: u32| {
            let o = &t.observations[i as usize];
            Some((o.start_ns as f64, o.end_ns.unwrap_or(0) as f64))
        };
        assert_eq!(l.hit(3, 45.0, px), Some(idx(&t, "t1")));
        assert_eq!(l.hit(3, 30.0, px), None);
    }

    #[test]
    fn a_handoff_goes_from_the_handing_step_to_the_receivers_first_step() {
        use Kind::*;
        let t = trace(&[
            ("turn", None, Agent, "turn", 0, 100),
            ("c", Some("turn"), Chain, "run", 0, 90),
            ("tri", Some("c"), Agent, "triage", 0, 40),
            // the turn around the triage's work ends after its handoff tool did
            ("tc", Some("tri"), Chain, "turn", 0, 40),
            ("tg", Some("tc"), Generation, "generation", 1, 30),
            ("th", Some("tc"), Tool, "handoff to weather", 39, 39),
            ("w", Some("c"), Agent, "weather", 40, 90),
            ("wg", Some("w"), Generation, "generation", 42, 60),
            ("wt", Some("w"), Tool, "get_weather", 61, 70),
        ]);
        let l = lanes(&t, LaneKey::Agent);
        assert_eq!(names(&l), ["turn", "triage", "weather"]);
        let h: Vec<(String, String)> = l
            .handoffs
            .iter()
            .map(|h| (t.observations[h.from as usize].id.clone(), t.observations[h.to as usize].id.clone()))
            .collect();
        // the run started the triage agent; the triage's handoff tool handed to the weather agent
        assert_eq!(h, [("c".to_string(), "tc".to_string()), ("th".to_string(), "wg".to_string())]);
    }

    #[test]
    fn parallel_tools_stack_into_two_sub_rows() {
        use Kind::*;
        let t = trace(&[
            ("a", None, Agent, "worker", 0, 100),
            ("g", Some("a"), Generation, "plan", 0, 10),
            ("t1", Some("a"), Tool, "fetch", 10, 50),
            ("t2", Some("a"), Tool, "fetch", 12, 40),
            ("g2", Some("a"), Generation, "answer", 50, 60),
        ]);
        let l = lanes(&t, LaneKey::Agent);
        assert_eq!(names(&l), ["worker"]);
        let w = &l.lanes[0];
        assert_eq!(w.rows.len(), 2);
        assert_eq!(ids(&t, &w.rows[0]), ["g", "t1", "g2"]);
        assert_eq!(ids(&t, &w.rows[1]), ["t2"]);
        assert_eq!(w.busy_ns, 60);
        assert!(l.handoffs.is_empty());
    }

    #[test]
    fn without_agents_lanes_are_services_then_threads_then_one() {
        use Kind::*;
        let mut t = trace(&[
            ("r", None, Span, "gateway", 0, 100),
            ("x", Some("r"), Span, "call", 10, 90),
            ("y", Some("x"), Generation, "llm", 20, 80),
            ("z", Some("r"), Span, "log", 95, 99),
        ]);
        let set = |t: &mut Trace, id: &str, k: &str, v: &str| {
            let i = idx(t, id) as usize;
            t.observations[i].attributes.push(Attribute { key: k.into(), value: AttrValue::Str(v.into()) });
        };
        let one = lanes(&t, LaneKey::Agent);
        assert_eq!((one.by, one.lanes.len(), one.lanes[0].rows.len()), (LaneKey::Whole, 1, 3));
        set(&mut t, "r", "service.name", "api");
        set(&mut t, "x", "service.name", "llm-svc");
        set(&mut t, "z", "thread.id", "7");
        let l = lanes(&t, LaneKey::Agent);
        assert_eq!(l.by, LaneKey::Service);
        assert_eq!(names(&l), ["api", "llm-svc"]);
        // y has no service of its own: it runs in its parent's
        assert_eq!(ids(&t, &l.lanes[1].rows.concat()), ["x", "y"]);
        assert!(l.handoffs.is_empty(), "handoffs are between agents");
        set(&mut t, "r", "thread.id", "1");
        assert_eq!(names(&lanes(&t, LaneKey::Thread)), ["1", "7"]);
    }

    #[test]
    fn a_trace_5000_levels_deep_does_not_overflow() {
        let n = 5000;
        let mut obs = vec![ob("0", None, Kind::Agent, "deep", 0, 2 * n)];
        for d in 1..n {
            let k = if d == n / 2 { Kind::Agent } else { Kind::Span };
            let name = if k == Kind::Agent { "inner" } else { "s" };
            obs.push(ob(&d.to_string(), Some(&(d - 1).to_string()), k, name, d, 2 * n - d));
        }
        let t = Trace::build("t".into(), obs, "x", &mut Vec::new());
        let l = lanes(&t, LaneKey::Agent);
        assert_eq!(names(&l), ["deep", "inner"]);
        assert_eq!(l.lanes[0].steps as i64 + l.lanes[1].steps as i64, n - 2);
        assert_eq!(l.lanes[1].rows.len() as i64, n / 2 - 1, "nested steps each take a sub-row");
        assert_eq!(l.handoffs.len(), 1);
    }
}
