//! Cost and tokens broken down by model and by step name, over one trace or all loaded traces,
//! and the context each LLM call filled, per agent, in call order.
//!
//! The breakdown counts exactly what `Totals` counts (tokens on the deepest usage carriers,
//! `Totals::usage_counted`; costs on the deepest cost carriers), so its rows sum to the traces'
//! totals: a parent repeating its children's usage adds nothing, here as in the header.

use super::hash::{id_map, IdMap};
use super::pricing::{context_use, prompt_tokens, token_kinds, PriceTable};
use super::{order, Kind, Observation, Trace};
use std::cmp::Ordering;

#[cfg(test)]
mod tests;

/// One row: the calls of one model (or one step name) and what they used and cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// The model or the step name; `None` for calls without a model (or steps without a name).
    pub label: Option<String>,
    /// Observations that brought counted tokens or a counted cost.
    pub calls: usize,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub tokens: u64,
    /// Whether any call of the row counted its input, its output tokens apart (else they are
    /// unknown, not zero: a usage with only a total).
    pub input_known: bool,
    pub output_known: bool,
    pub cost_usd: f64,
    /// The part of `cost_usd` Canopy estimated from tokens × the price table.
    pub estimated_usd: f64,
    /// Calls with a model and counted tokens but no cost: no price matched their model.
    pub unpriced: usize,
}

impl Row {
    /// Whether some of the cost is estimated, and whether some is reported.
    pub fn has_estimate(&self) -> bool {
        self.estimated_usd > 0.0
    }

    pub fn has_reported(&self) -> bool {
        self.cost_usd - self.estimated_usd > 0.0
    }
}

/// Cost and tokens by model, over `traces`.
pub fn by_model(traces: &[Trace]) -> Vec<Row> {
    breakdown(traces, |o| o.model.as_deref())
}

/// Cost and tokens by step name (the observation's own name), over `traces`.
pub fn by_step(traces: &[Trace]) -> Vec<Row> {
    breakdown(traces, |o| Some(o.name.as_str()).filter(|n| !n.is_empty()))
}

/// Whether each observation's cost counts in the totals: it has a cost (not zero) and none of
/// its descendants has one (the rule of `Totals::compute`, over the same reverse preorder).
pub fn cost_counted(t: &Trace) -> Vec<bool> {
    let n = t.observations.len();
    let mut below = vec![false; n];
    let mut counted = vec![false; n];
    for &i in t.tree.preorder.iter().rev() {
        let iu = i as usize;
        let has_cost = t.observations[iu].cost.total.is_some_and(|c| c != 0.0);
        counted[iu] = has_cost && !below[iu];
        if let Some(p) = t.tree.parent_of(i) {
            below[p as usize] |= has_cost || below[iu];
        }
    }
    counted
}

fn breakdown(traces: &[Trace], label: fn(&Observation) -> Option<&str>) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    // the tree builder's map type, so the wasm holds no second copy of a hash map's code
    let mut at: IdMap<&str, u32> = id_map(0);
    let mut unlabelled: Option<u32> = None;
    for t in traces {
        let costs = cost_counted(t);
        for (i, o) in t.observations.iter().enumerate() {
            let usage = t.totals.usage_counted.get(i).copied().unwrap_or(false);
            let cost = costs[i];
            if !usage && !cost {
                continue;
            }
            let key = label(o);
            let slot = match key {
                Some(k) => at.get(k).copied(),
                None => unlabelled,
            };
            let slot = slot.unwrap_or_else(|| {
                let new = rows.len() as u32;
                rows.push(Row { label: key.map(str::to_string), ..Row::default() });
                match key {
                    Some(k) => {
                        at.insert(k, new);
                    }
                    None => unlabelled = Some(new),
                }
                new
            });
            let r = &mut rows[slot as usize];
            r.calls += 1;
            if usage {
                r.input_tokens = r.input_tokens.saturating_add(o.usage.input.unwrap_or(0));
                r.output_tokens = r.output_tokens.saturating_add(o.usage.output.unwrap_or(0));
                r.tokens = r.tokens.saturating_add(o.usage.total_tokens());
                r.input_known |= o.usage.input.is_some();
                r.output_known |= o.usage.output.is_some();
                // as `Totals::unpriced`: counted tokens of a named model without any cost
                if o.cost.total.is_none() && o.model.is_some() {
                    r.unpriced += 1;
                }
            }
            if cost {
                let usd = o.cost.total_usd();
                r.cost_usd += usd;
                if o.cost.estimated.is_some() {
                    r.estimated_usd += usd;
                }
            }
        }
    }
    order::sort_by(&mut rows, |a, b| {
        b.cost_usd
            .partial_cmp(&a.cost_usd)
            .unwrap_or(Ordering::Equal)
            .then(b.tokens.cmp(&a.tokens))
            .then_with(|| a.label.cmp(&b.label))
    });
    rows
}

/// The names of the unpriced models among `rows` (a `by_model` breakdown).
pub fn unpriced_models(rows: &[Row]) -> Vec<&str> {
    rows.iter().filter(|r| r.unpriced > 0).filter_map(|r| r.label.as_deref()).collect()
}

/// A bar's length in percent of the longest: cost when any row has one, else tokens. The
/// estimated part is returned apart so it can be drawn in its own shade.
pub fn bar(row: &Row, rows: &[Row]) -> (f64, f64) {
    let by_cost = rows.iter().any(|r| r.cost_usd > 0.0);
    let pct = |v: f64, max: f64| if max > 0.0 { (v / max * 100.0).clamp(0.0, 100.0) } else { 0.0 };
    if by_cost {
        let max = rows.iter().map(|r| r.cost_usd).fold(0.0, f64::max);
        (pct(row.cost_usd - row.estimated_usd, max), pct(row.estimated_usd, max))
    } else {
        let max = rows.iter().map(|r| r.tokens).max().unwrap_or(0) as f64;
        (pct(row.tokens as f64, max), 0.0)
    }
}

/// One LLM call on a context chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The observation's index in its trace.
    pub index: u32,
    pub start_ns: i64,
    /// The prompt's size: input tokens, cached ones included.
    pub used: u64,
    /// The model's context window, when the price table knows it.
    pub window: Option<u64>,
}

impl Point {
    /// How full the window was, 0–1 (or more: a model that took more than its table window).
    pub fn share(&self) -> Option<f64> {
        self.window.filter(|&w| w > 0).map(|w| self.used as f64 / w as f64)
    }

    /// At or above 80 % of the window: about to be cut, compacted or refused.
    pub fn is_near_full(&self) -> bool {
        self.share().is_some_and(|s| s >= NEAR_FULL)
    }
}

/// The share of a window from which a call is marked as near full.
pub const NEAR_FULL: f64 = 0.8;

/// The LLM calls of one agent (or of one root's steps outside any agent), in start order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The agent's name (or the root's).
    pub label: String,
    /// Whether `label` names an agent step (else the root the calls hang under).
    pub agent: bool,
    pub points: Vec<Point>,
}

impl Series {
    /// The chart's top: the largest prompt, or the window when that is not far above it (a
    /// window 20× the prompts would flatten the line the chart is for; it is then only named).
    pub fn top(&self) -> u64 {
        let used = self.points.iter().map(|p| p.used).max().unwrap_or(0).max(1);
        match self.window() {
            Some(w) if w <= used.saturating_mul(4) => w.max(used),
            _ => used,
        }
    }

    /// The window of the series' calls, when they share one (the largest, else).
    pub fn window(&self) -> Option<u64> {
        self.points.iter().filter_map(|p| p.window).max()
    }

    /// Where each point goes in a `width` × `height` box (x by call order, y up from the bottom).
    pub fn layout(&self, width: f64, height: f64, pad: f64) -> Vec<(f64, f64)> {
        let n = self.points.len();
        let top = self.top() as f64;
        let (w, h) = ((width - 2.0 * pad).max(1.0), (height - 2.0 * pad).max(1.0));
        self.points
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let x = if n > 1 { pad + w * k as f64 / (n - 1) as f64 } else { pad + w / 2.0 };
                (x, pad + h - h * (p.used as f64 / top).min(1.0))
            })
            .collect()
    }

    /// The y of the window line in the same box, when it is on the chart.
    pub fn window_y(&self, height: f64, pad: f64) -> Option<f64> {
        let w = self.window()?;
        let top = self.top();
        let h = (height - 2.0 * pad).max(1.0);
        (w <= top).then(|| pad + h - h * (w as f64 / top as f64))
    }

    /// Calls whose prompt is smaller than the one before: where the context dropped
    /// (compaction, summarisation, a new conversation).
    pub fn drops(&self) -> usize {
        self.points.windows(2).filter(|w| w[1].used < w[0].used).count()
    }
}

/// The context of every LLM call (a generation with input tokens, counted once: not a parent
/// repeating its child's usage) per agent: the nearest agent step above it, else the trace's root
/// it hangs under. Series are grouped by that step's name (an agent run several times is one
/// line) and come in the order of their first call.
pub fn context_series(t: &Trace, table: Option<&PriceTable>) -> Vec<Series> {
    let n = t.observations.len();
    // the step each observation's calls are grouped under, parents before children
    let mut owner = vec![u32::MAX; n];
    for &i in &t.tree.preorder {
        let iu = i as usize;
        owner[iu] = match t.tree.parent_of(i) {
            _ if t.observations[iu].kind == Kind::Agent => i,
            Some(p) => owner[p as usize],
            None => i,
        };
    }
    let mut calls: Vec<u32> = (0..n as u32)
        .filter(|&i| {
            let o = &t.observations[i as usize];
            o.kind == Kind::Generation
                && o.usage.input.is_some_and(|v| v > 0)
                && t.totals.usage_counted.get(i as usize).copied().unwrap_or(false)
        })
        .collect();
    order::sort_by_key(&mut calls, |&i| (t.observations[i as usize].start_ns, t.tree.pos[i as usize]));

    let mut series: Vec<Series> = Vec::new();
    for i in calls {
        let o = &t.observations[i as usize];
        let group = &t.observations[owner[i as usize] as usize];
        let agent = group.kind == Kind::Agent;
        let (used, window) = match table.and_then(|tb| context_use(o, tb)) {
            Some((used, window)) => (used, Some(window)),
            None => (prompt_tokens(&o.usage, &token_kinds(&o.usage)), None),
        };
        let point = Point { index: i, start_ns: o.start_ns, used, window };
        match series.iter_mut().find(|s| s.agent == agent && s.label == group.name) {
            Some(s) => s.points.push(point),
            None => series.push(Series { label: group.name.clone(), agent, points: vec![point] }),
        }
    }
    series
}
