//! Trace time ↔ display time: the identity, or long idle gaps folded into fixed-width breaks.

use crate::model::{order, Trace};

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

impl TimeMap {
    /// The map of trace `t`. With `fold_idle`, stretches where no leaf runs (parents span their
    /// children's waits, so they do not count) longer than 1 ms and 2 % of the trace fold into
    /// breaks 4 % of the rest wide; without, all of it from its earliest start.
    pub fn of_trace(t: &Trace, fold_idle: bool) -> TimeMap {
        let end_all = t.totals.end_ns.unwrap_or(t.start_ns.saturating_add(1));
        if fold_idle {
            let iv: Vec<(i64, i64)> = t
                .observations
                .iter()
                .enumerate()
                .filter(|(i, _)| !t.tree.has_children(*i as u32))
                .map(|(_, o)| (o.start_ns, o.end_ns.unwrap_or(end_all)))
                .collect();
            TimeMap::compressed(&iv, 1_000_000, 0.02, 0.04)
        } else {
            let start = t.totals.start_ns.unwrap_or(t.start_ns).min(t.start_ns);
            TimeMap::identity(start, end_all)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::trace;
    use super::*;

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
    fn times_at_the_ends_of_i64_neither_overflow_nor_wrap() {
        let (min, max) = (i64::MIN, i64::MAX);
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
    fn a_trace_folds_the_gaps_between_its_leaves() {
        // a 10 s root waiting on two 100 ms leaves at either end: 9.8 s where no leaf runs
        let t = trace(&[
            ("root", None, 0, 10_000_000_000),
            ("a", Some("root"), 0, 100_000_000),
            ("b", Some("root"), 9_900_000_000, 10_000_000_000),
        ]);
        let all = TimeMap::of_trace(&t, false);
        assert!(all.breaks.is_empty());
        assert_eq!((all.total, all.to_display(9_900_000_000)), (1e10, 9.9e9));
        let folded = TimeMap::of_trace(&t, true);
        // 200 ms kept, and one break 4 % of that (8 ms) wide
        assert_eq!(folded.breaks, vec![(100_000_000, 9_900_000_000, 1e8)]);
        assert_eq!((folded.break_width, folded.total), (8e6, 2.08e8));
        assert_eq!(folded.to_display(9_900_000_000), 1.08e8);
        // gaps under 2 % of the trace (150 ms of 10 s) or under 1 ms (10 ns) stay
        let s = 1_000_000_000;
        let under =
            trace(&[("r", None, 0, 10 * s), ("a", Some("r"), 0, 5 * s), ("b", Some("r"), 5_150_000_000, 10 * s)]);
        assert!(TimeMap::of_trace(&under, true).breaks.is_empty());
        let tiny = trace(&[("r", None, 0, 1_000), ("a", Some("r"), 0, 490), ("b", Some("r"), 500, 1_000)]);
        assert!(TimeMap::of_trace(&tiny, true).breaks.is_empty());
    }
}
