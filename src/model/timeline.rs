//! Timeline arithmetic: time ↔ pixels with optional idle-gap compression, zoom around a point,
//! readable axis ticks from nanoseconds to hours, self time, and the critical path.

use super::order;
use super::Trace;

/// Maps trace time (ns) to a continuous "display time" where long idle gaps are folded into
/// fixed-width breaks. Without compression it is the identity (minus the origin).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeMap {
    /// (start_ns, end_ns, display_start) of each kept stretch, in order.
    pub segments: Vec<(i64, i64, f64)>,
    /// Folded gaps: (start_ns, end_ns, display_start); each takes `break_width` display units.
    pub breaks: Vec<(i64, i64, f64)>,
    pub break_width: f64,
    pub total: f64,
}

/// `b - a` in display units. Exact in i128 before the one rounding to f64: times may be anywhere
/// in i64 (a Jaeger time saturates at either end), so `b - a` itself can overflow.
fn ns_between(a: i64, b: i64) -> f64 {
    (i128::from(b) - i128::from(a)) as f64
}

/// `base + offset`, kept inside i64 (f64 → i128 saturates, and NaN becomes 0).
fn ns_after(base: i64, offset: f64) -> i64 {
    (i128::from(base) + offset as i128).clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

impl TimeMap {
    pub fn identity(start_ns: i64, end_ns: i64) -> TimeMap {
        let end = end_ns.max(start_ns.saturating_add(1));
        TimeMap {
            segments: vec![(start_ns, end, 0.0)],
            breaks: Vec::new(),
            break_width: 0.0,
            // 1 at least: a trace starting at the last nanosecond of i64 has no room after it
            total: ns_between(start_ns, end).max(1.0),
        }
    }

    /// Folds every stretch where nothing runs that is longer than `min_gap_ns` (and longer than
    /// `min_fraction` of the trace) into a break `break_fraction` of the remaining time wide.
    pub fn compressed(intervals: &[(i64, i64)], min_gap_ns: i64, min_fraction: f64, break_fraction: f64) -> TimeMap {
        let mut iv: Vec<(i64, i64)> = intervals.iter().copied().filter(|(s, e)| e >= s).collect();
        if iv.is_empty() {
            return TimeMap::identity(0, 1);
        }
        order::sort(&mut iv);
        let start = iv[0].0;
        // union of covered time
        let mut covered: Vec<(i64, i64)> = Vec::new();
        for (s, e) in iv {
            match covered.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => covered.push((s, e)),
            }
        }
        let end = covered.last().map(|c| c.1).unwrap_or(start.saturating_add(1));
        let span = ns_between(start, end).max(1.0);
        let threshold = (min_gap_ns as f64).max(min_fraction * span);
        let gaps: Vec<(i64, i64)> =
            covered.windows(2).map(|w| (w[0].1, w[1].0)).filter(|&(a, b)| ns_between(a, b) > threshold).collect();
        if gaps.is_empty() {
            return TimeMap::identity(start, end);
        }
        // in i128: the gaps of a trace spanning all of i64 add up to more than i64 holds
        let folded: i128 = gaps.iter().map(|&(a, b)| i128::from(b) - i128::from(a)).sum();
        let kept = ((i128::from(end) - i128::from(start) - folded) as f64).max(1.0);
        let break_width = (kept * break_fraction).max(1.0);
        let mut segments = Vec::new();
        let mut breaks = Vec::new();
        let mut cursor = start;
        let mut display = 0.0;
        for (a, b) in gaps {
            segments.push((cursor, a, display));
            display += ns_between(cursor, a);
            breaks.push((a, b, display));
            display += break_width;
            cursor = b;
        }
        segments.push((cursor, end, display));
        display += ns_between(cursor, end);
        TimeMap { segments, breaks, break_width, total: display }
    }

    /// Display position of trace time `t`.
    pub fn to_display(&self, t: i64) -> f64 {
        for &(a, b, d) in &self.breaks {
            if t > a && t < b {
                // inside a break: spread proportionally over its width
                return d + self.break_width * ns_between(a, t) / ns_between(a, b).max(1.0);
            }
        }
        let idx = self.segments.partition_point(|&(s, _, _)| s <= t);
        let (s, _, d) = self.segments[idx.saturating_sub(1).min(self.segments.len() - 1)];
        d + ns_between(s, t)
    }

    /// Trace time at display position `x` (inverse of `to_display` outside breaks).
    pub fn to_time(&self, x: f64) -> i64 {
        for &(a, b, d) in &self.breaks {
            if x > d && x < d + self.break_width {
                return ns_after(a, (x - d) / self.break_width * ns_between(a, b));
            }
        }
        let mut best = self.segments[0];
        for &seg in &self.segments {
            if seg.2 <= x {
                best = seg;
            }
        }
        ns_after(best.0, x - best.2)
    }
}

/// A visible window over display time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub start: f64,
    pub end: f64,
}

impl Viewport {
    pub fn width(&self) -> f64 {
        (self.end - self.start).max(1e-9)
    }

    /// Zooms by `factor` (<1 zooms in) keeping the display time under `anchor` (0..1 of the width)
    /// fixed, clamped to [0, total] and to at least `min_width` display units (1 ns).
    pub fn zoom(&self, factor: f64, anchor: f64, total: f64) -> Viewport {
        let min_width = 1.0f64.min(total);
        let w = (self.width() * factor).clamp(min_width, total.max(min_width));
        let pivot = self.start + anchor.clamp(0.0, 1.0) * self.width();
        let start = pivot - anchor.clamp(0.0, 1.0) * w;
        Viewport { start, end: start + w }.clamped(total)
    }

    /// Moves by `delta` display units, staying inside [0, total].
    pub fn pan(&self, delta: f64, total: f64) -> Viewport {
        Viewport { start: self.start + delta, end: self.end + delta }.clamped(total)
    }

    fn clamped(self, total: f64) -> Viewport {
        let w = self.width().min(total.max(1e-9));
        let start = self.start.clamp(0.0, (total - w).max(0.0));
        Viewport { start, end: start + w }
    }
}

/// Axis ticks for a window `width_ns` wide drawn over `pixels`: a 1-2-5 step giving ticks at
/// least `min_px` apart, and the first tick at or after `start_ns` (relative times).
pub fn tick_step(width_ns: f64, pixels: f64, min_px: f64) -> i64 {
    let target = width_ns / (pixels / min_px).max(1.0);
    let mut step: i64 = 1;
    loop {
        for m in [1i64, 2, 5] {
            let s = step.saturating_mul(m);
            if s as f64 >= target {
                return s;
            }
        }
        if step > i64::MAX / 10 {
            return step;
        }
        step *= 10;
    }
}

/// Each observation's own time: its duration minus the time covered by its children (their
/// intervals merged and clipped to the parent). Running observations count up to the trace end.
pub fn self_times(t: &Trace) -> Vec<i64> {
    (0..t.observations.len() as u32).map(|i| self_time(t, i)).collect()
}

/// `self_times` for one observation: O(its children). Saturates at `i64::MAX` (an observation
/// from the first to the last nanosecond of i64 runs longer than i64 holds).
pub fn self_time(t: &Trace, i: u32) -> i64 {
    let end_all = t.totals.end_ns.unwrap_or(t.start_ns);
    std::iter::once(i)
        .map(|i| {
            let o = &t.observations[i as usize];
            let (s, e) = (o.start_ns, o.end_ns.unwrap_or(end_all).max(o.start_ns));
            // unsigned: the span of two i64 times always fits in u64
            let mut covered = 0u64;
            let mut cur: Option<(i64, i64)> = None;
            for &c in t.tree.children_of(i) {
                let co = &t.observations[c as usize];
                let (cs, ce) = (co.start_ns.max(s), co.end_ns.unwrap_or(end_all).min(e));
                if ce <= cs {
                    continue;
                }
                match cur {
                    Some((a, b)) if cs <= b => cur = Some((a, b.max(ce))),
                    Some((a, b)) => {
                        covered = covered.saturating_add(b.abs_diff(a));
                        cur = Some((cs, ce));
                    }
                    None => cur = Some((cs, ce)),
                }
            }
            if let Some((a, b)) = cur {
                covered = covered.saturating_add(b.abs_diff(a));
            }
            i64::try_from(e.abs_diff(s).saturating_sub(covered)).unwrap_or(i64::MAX)
        })
        .next()
        .unwrap_or(0)
}

/// The chain of observations that determined when the trace ended: from the latest-ending root,
/// repeatedly the child that finished last before the current point, walking backwards through
/// the sequential steps that had to finish before it. Returns a flag per observation.
pub fn critical_path(t: &Trace) -> Vec<bool> {
    let n = t.observations.len();
    let mut on = vec![false; n];
    let end_of = |i: u32| {
        let o = &t.observations[i as usize];
        o.end_ns.unwrap_or(o.start_ns).max(o.start_ns)
    };
    let Some(&root) = t.tree.roots.iter().max_by_key(|&&r| end_of(r)) else { return on };
    // (node, the time before which its contributing children must end)
    let mut stack = vec![(root, end_of(root))];
    while let Some((node, limit)) = stack.pop() {
        on[node as usize] = true;
        let mut cursor = limit.min(end_of(node));
        let mut kids: Vec<u32> = t.tree.children_of(node).to_vec();
        order::sort_by_key(&mut kids, |&c| std::cmp::Reverse(end_of(c)));
        for c in kids {
            let ce = end_of(c);
            if ce <= cursor && ce > t.observations[node as usize].start_ns {
                stack.push((c, ce));
                cursor = t.observations[c as usize].start_ns;
            }
        }
    }
    on
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Observation};

    fn trace(spec: &[(&str, Option<&str>, i64, i64)]) -> Trace {
        let obs = spec
            .iter()
            .map(|(id, p, s, e)| {
                let mut o = Observation::new(*id, Kind::Span, *id, *s);
                o.parent_id = p.map(str::to_string);
                o.end_ns = Some(*e);
                o
            })
            .collect();
        Trace::build("t".into(), obs, "x", &mut Vec::new())
    }

    #[test]
    fn ticks_are_readable_at_every_scale() {
        assert_eq!(tick_step(1_000.0, 1000.0, 100.0), 100);
        assert_eq!(tick_step(3_000_000.0, 600.0, 80.0), 500_000);
        assert_eq!(tick_step(3.6e12, 1200.0, 100.0), 500_000_000_000);
        assert_eq!(tick_step(10.0, 1000.0, 100.0), 1);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let v = Viewport { start: 0.0, end: 1000.0 };
        let z = v.zoom(0.5, 0.25, 1000.0);
        assert_eq!((z.start, z.end), (125.0, 625.0));
        let p = z.pan(1000.0, 1000.0);
        assert_eq!((p.start, p.end), (500.0, 1000.0), "panning stops at the end");
        let tiny = v.zoom(1e-12, 0.5, 1000.0);
        assert!((tiny.width() - 1.0).abs() < 1e-9, "never narrower than 1 ns");
    }

    #[test]
    fn idle_gaps_fold_into_breaks() {
        // 36 s trace, 120 ms of work in three bursts
        let iv = [(0, 40_000_000), (18_000_000_000, 18_040_000_000), (35_960_000_000, 36_000_000_000)];
        let m = TimeMap::compressed(&iv, 1_000_000, 0.05, 0.1);
        assert_eq!(m.breaks.len(), 2);
        assert!(m.total < 200_000_000.0, "display time {}", m.total);
        // order is preserved and work keeps its true width
        let a = m.to_display(18_000_000_000);
        let b = m.to_display(18_040_000_000);
        assert!((b - a - 40_000_000.0).abs() < 1.0);
        assert!(m.to_display(0) < a && b < m.to_display(36_000_000_000));
        assert_eq!(m.to_time(m.to_display(18_020_000_000)), 18_020_000_000);
        // nothing to fold: identity
        let id = TimeMap::compressed(&[(0, 10), (5, 20)], 1, 0.05, 0.1);
        assert!(id.breaks.is_empty());
        assert_eq!(id.to_display(7), 7.0);
    }

    #[test]
    fn self_time_subtracts_merged_children() {
        let t = trace(&[
            ("root", None, 0, 100),
            ("a", Some("root"), 10, 40),
            ("b", Some("root"), 30, 60),
            ("c", Some("root"), 80, 200),
        ]);
        let st = self_times(&t);
        // children cover 10..60 and 80..100 (clipped): 70 of 100
        assert_eq!(st[0], 30);
        assert_eq!(st[1], 30);
    }

    #[test]
    fn times_at_the_ends_of_i64_neither_overflow_nor_wrap() {
        let (min, max) = (i64::MIN, i64::MAX);
        let t = trace(&[("root", None, min, max), ("a", Some("root"), min, 0), ("b", Some("root"), 10, max)]);
        // 2^64 - 1 ns of root, of which a and b cover all but 0..10
        assert_eq!(self_times(&t), vec![10, max, max - 10]);
        let m = TimeMap::identity(min, max);
        assert_eq!((m.to_display(min), m.to_display(max), m.total), (0.0, 2f64.powi(64), 2f64.powi(64)));
        assert_eq!((m.to_time(-1.0), m.to_time(0.0), m.to_time(m.total), m.to_time(f64::MAX)), (min, min, max, max));
        let c = TimeMap::compressed(&[(min, min + 5), (0, 5), (max - 5, max)], 1, 0.01, 0.1);
        assert_eq!(c.breaks.len(), 2);
        assert_eq!((c.to_display(min + 5), c.to_display(0)), (5.0, 5.0 + c.break_width));
        assert_eq!(c.to_time(c.to_display(max)), max);
        assert!(c.to_display(max - 1) < c.to_display(max) && c.to_display(max) == c.total, "{c:?}");
    }

    #[test]
    fn critical_path_follows_what_finished_last() {
        // root 0..100: a 0..30 then b 30..90 (sequential); c 10..50 runs in parallel and does not matter
        let t = trace(&[
            ("root", None, 0, 100),
            ("a", Some("root"), 0, 30),
            ("b", Some("root"), 30, 90),
            ("c", Some("root"), 10, 50),
            ("b1", Some("b"), 35, 85),
        ]);
        let cp = critical_path(&t);
        let names: Vec<&str> =
            t.observations.iter().zip(&cp).filter(|(_, on)| **on).map(|(o, _)| o.name.as_str()).collect();
        assert_eq!(names, vec!["root", "a", "b", "b1"]);
    }
}
