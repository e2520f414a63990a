//! The flame graph's arithmetic: the mode and weight kept in the link (`Settings`), each
//! observation's weight, and the boxes to draw (`layout`): time-ordered (an icicle of the tree at
//! true offsets), left-heavy (identical name paths from the root merged, heaviest first) or
//! sandwich (one name's callers above it, merged by path, and its callees below). Every walk is
//! iterative: traces can be thousands of levels deep.

mod merge;
#[cfg(test)]
mod tests;

pub use merge::{left_heavy, sandwich};

use super::{Level, Trace};

/// How the boxes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Each observation at its true start and duration, rows by tree depth.
    #[default]
    Time,
    /// Identical call paths merged, children sorted heaviest first.
    LeftHeavy,
    /// One name's callers (above, inverted) and callees (below), merged by path.
    Sandwich,
}

/// What a merged box's width measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weight {
    #[default]
    Duration,
    SelfTime,
    Tokens,
    Cost,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Time, Mode::LeftHeavy, Mode::Sandwich];

    /// The word in the link (`mode=`) and on the button.
    pub fn word(self) -> &'static str {
        match self {
            Mode::Time => "time",
            Mode::LeftHeavy => "left-heavy",
            Mode::Sandwich => "sandwich",
        }
    }
}

impl Weight {
    pub const ALL: [Weight; 4] = [Weight::Duration, Weight::SelfTime, Weight::Tokens, Weight::Cost];

    /// The word in the link (`mode=`) and the select's value.
    pub fn word(self) -> &'static str {
        match self {
            Weight::Duration => "duration",
            Weight::SelfTime => "self",
            Weight::Tokens => "tokens",
            Weight::Cost => "cost",
        }
    }
}

/// The flame graph's state in the link: `mode=left-heavy tokens`, `mode=sandwich of:NAME` (the
/// name last: it may hold spaces). Words it does not know are ignored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    pub mode: Mode,
    pub weight: Weight,
    /// The sandwich's name (empty: not chosen yet).
    pub focus: String,
}

impl Settings {
    pub fn parse(text: &str) -> Settings {
        let mut s = Settings::default();
        let (words, focus) = match text.find("of:") {
            Some(at) => (&text[..at], &text[at + 3..]),
            None => (text, ""),
        };
        s.focus = focus.to_string();
        for w in words.split_whitespace() {
            if let Some(m) = Mode::ALL.into_iter().find(|m| m.word() == w) {
                s.mode = m;
            } else if let Some(k) = Weight::ALL.into_iter().find(|k| k.word() == w) {
                s.weight = k;
            }
        }
        s
    }

    /// The words for the link: empty for the default (time order), the weight only when not
    /// duration, the name only in sandwich mode.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if self.mode != Mode::Time {
            out.push_str(self.mode.word());
        }
        if self.weight != Weight::Duration {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(self.weight.word());
        }
        if self.mode == Mode::Sandwich && !self.focus.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str("of:");
            out.push_str(&self.focus);
        }
        out
    }
}

/// No observation or node.
pub const NONE: u32 = u32::MAX;

/// One box to draw. `x0..x1` is in weight units (nanoseconds from the trace's start in time
/// order) within `0..Flame::extent`; the row is `depth` (negative: a sandwich's callers).
#[derive(Debug, Clone, PartialEq)]
pub struct FlameBox {
    pub x0: f64,
    pub x1: f64,
    pub depth: i32,
    /// The observation shown (the first of those merged): its name, kind and selection.
    pub obs: u32,
    /// How many observations the box stands for (1 in time order).
    pub count: u32,
    /// Their durations, tokens and cost (with all below them), summed.
    pub duration_ns: i64,
    pub tokens: u64,
    pub cost: f64,
    pub error: bool,
}

impl FlameBox {
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
}

/// The boxes of one layout, parents before their children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flame {
    pub boxes: Vec<FlameBox>,
    /// The whole width, in weight units.
    pub extent: f64,
    pub min_depth: i32,
    pub max_depth: i32,
}

impl Flame {
    pub fn rows(&self) -> usize {
        (self.max_depth - self.min_depth + 1).max(0) as usize
    }

    /// The box on row `depth` covering `x`, the last drawn (the innermost) when several do.
    pub fn hit(&self, depth: i32, x: f64) -> Option<usize> {
        self.boxes.iter().rposition(|b| b.depth == depth && b.x0 <= x && x < b.x1.max(b.x0 + f64::EPSILON))
    }

    /// The box an arrow key moves to from box `from`: up the row above over its middle, down the
    /// leftmost box below within it, left or right the nearest on its row. O(boxes).
    pub fn step(&self, from: usize, key: &str) -> Option<usize> {
        let b = self.boxes.get(from)?;
        let mid = (b.x0 + b.x1) / 2.0;
        let mut best: Option<(usize, f64)> = None;
        for (k, c) in self.boxes.iter().enumerate() {
            let score = match key {
                "ArrowUp" if c.depth == b.depth - 1 && c.x0 <= mid && mid <= c.x1 => 0.0,
                "ArrowDown" if c.depth == b.depth + 1 && c.x0 >= b.x0 && c.x0 < b.x1.max(b.x0 + f64::EPSILON) => c.x0,
                "ArrowLeft" if c.depth == b.depth && k != from && c.x1 <= b.x0 => -c.x0,
                "ArrowRight" if c.depth == b.depth && k != from && c.x0 >= b.x1 => c.x0,
                _ => continue,
            };
            if best.is_none_or(|(_, s)| score < s) {
                best = Some((k, score));
            }
        }
        best.map(|(k, _)| k)
    }
}

/// Where each observation ends: a running one at the trace's end.
fn end_of(t: &Trace, i: usize) -> i64 {
    let o = &t.observations[i];
    o.end_ns.unwrap_or(t.totals.end_ns.unwrap_or(o.start_ns)).max(o.start_ns)
}

/// The trace's first instant: its own timestamp or its earliest observation's.
pub fn trace_start(t: &Trace) -> i64 {
    t.totals.start_ns.map_or(t.start_ns, |s| s.min(t.start_ns))
}

/// Time order: each observation from its start to its end, clipped to its parent's box (clocks
/// of different services disagree), on the row of its depth. The root row is each root's
/// duration; the extent is the trace's span.
pub fn time_order(t: &Trace) -> Flame {
    let n = t.observations.len();
    let t0 = trace_start(t);
    let mut span = vec![(0f64, 0f64); n];
    let mut boxes = Vec::with_capacity(n);
    let mut max_depth = 0;
    for &i in &t.tree.preorder {
        let iu = i as usize;
        let o = &t.observations[iu];
        let (mut s, mut e) = ((o.start_ns - t0) as f64, (end_of(t, iu) - t0) as f64);
        if let Some(p) = t.tree.parent_of(i) {
            let (ps, pe) = span[p as usize];
            s = s.clamp(ps, pe);
            e = e.clamp(s, pe);
        }
        span[iu] = (s, e);
        let depth = t.tree.depth[iu] as i32;
        max_depth = max_depth.max(depth);
        boxes.push(FlameBox {
            x0: s,
            x1: e,
            depth,
            obs: i,
            count: 1,
            duration_ns: o.duration_ns().unwrap_or_else(|| end_of(t, iu) - o.start_ns),
            tokens: t.totals.subtree_tokens.get(iu).copied().unwrap_or(0),
            cost: t.totals.subtree_cost.get(iu).copied().unwrap_or(0.0),
            error: o.level == Level::Error,
        });
    }
    let extent = t.totals.end_ns.map_or(0, |e| e.saturating_sub(t0).max(0)) as f64;
    let extent = boxes.iter().fold(extent, |a, b| a.max(b.x1));
    Flame { boxes, extent, min_depth: 0, max_depth }
}

/// Each observation's weight with everything below it: never less than its children's together,
/// so a merged box always holds its children. Duration: the longer of its own and its children's
/// sum (children running side by side count in full); self time: its own time not covered by a
/// child, summed over the subtree; tokens and cost: as the totals count them (a parent repeating
/// its children's usage is not counted twice).
pub fn weights(t: &Trace, w: Weight) -> Vec<f64> {
    let n = t.observations.len();
    let mut below = vec![0f64; n];
    let mut total = vec![0f64; n];
    for &i in t.tree.preorder.iter().rev() {
        let iu = i as usize;
        total[iu] = match w {
            Weight::Duration => ((end_of(t, iu) - t.observations[iu].start_ns) as f64).max(below[iu]),
            Weight::SelfTime => super::timeline::self_time(t, i) as f64 + below[iu],
            Weight::Tokens => t.totals.subtree_tokens.get(iu).copied().unwrap_or(0) as f64,
            Weight::Cost => t.totals.subtree_cost.get(iu).copied().unwrap_or(0.0),
        }
        .max(below[iu]);
        if let Some(p) = t.tree.parent_of(i) {
            below[p as usize] += total[iu];
        }
    }
    total
}

/// The layout the settings ask for.
pub fn layout(t: &Trace, s: &Settings) -> Flame {
    match s.mode {
        Mode::Time => time_order(t),
        Mode::LeftHeavy => left_heavy(t, &weights(t, s.weight)),
        Mode::Sandwich => sandwich(t, &weights(t, s.weight), &s.focus),
    }
}

/// Each distinct name with how many observations carry it, most first (the sandwich's choices).
pub fn names(t: &Trace) -> Vec<(String, usize)> {
    // the tree's own map type: one copy of the hash map's code in the bundle
    let mut count: super::hash::IdMap<&str, u32> = super::hash::id_map(0);
    for o in &t.observations {
        *count.entry(o.name.as_str()).or_insert(0) += 1;
    }
    let mut out: Vec<(String, usize)> = count.into_iter().map(|(k, v)| (k.to_string(), v as usize)).collect();
    super::order::sort_by(&mut out, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}
