//! Where a trace's time went: each observation's self time, and the critical path.

use crate::model::{order, Trace};

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
    use super::super::testing::trace;
    use super::*;

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
    fn self_times_at_the_ends_of_i64_neither_overflow_nor_wrap() {
        let (min, max) = (i64::MIN, i64::MAX);
        let t = trace(&[("root", None, min, max), ("a", Some("root"), min, 0), ("b", Some("root"), 10, max)]);
        // 2^64 - 1 ns of root, of which a and b cover all but 0..10
        assert_eq!(self_times(&t), vec![10, max, max - 10]);
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
