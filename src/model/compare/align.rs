//! Alignment of two traces' observations, parent by parent (see the module text of `compare`).

use crate::model::{fold, order, Kind, Trace};
use std::collections::{HashMap, VecDeque};

/// How a row's two sides were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Same kind and name.
    Same,
    /// Same kind, a similar name.
    Renamed,
    /// Only in the first trace.
    Removed,
    /// Only in the second trace.
    Added,
}

/// One row of the compare view: an observation of A, of B, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub depth: u32,
    pub a: Option<u32>,
    pub b: Option<u32>,
    pub pairing: Pairing,
}

/// Name similarity threshold for pairing leftover steps as renamed.
const RENAMED_AT: f64 = 0.5;
/// Leftover lists longer than this are not searched pair by pair (quadratic).
const SIMILARITY_LIMIT: usize = 300;

/// Aligns the observations of `a` and `b` (see the module text); rows in display order.
pub fn align(a: &Trace, b: &Trace) -> Vec<Row> {
    let mut rows = Vec::new();
    // (A list, B list, depth) waiting to be aligned; a row's children come right after it
    let mut stack: Vec<Row> = Vec::new();
    let first = align_lists(a, &a.tree.roots, b, &b.tree.roots, 0);
    stack.extend(first.into_iter().rev());
    while let Some(row) = stack.pop() {
        let ca: &[u32] = row.a.map_or(&[], |i| a.tree.children_of(i));
        let cb: &[u32] = row.b.map_or(&[], |i| b.tree.children_of(i));
        let (ca, cb) = match row.pairing {
            Pairing::Removed => (ca, &[][..]),
            Pairing::Added => (&[][..], cb),
            _ => (ca, cb),
        };
        let children = align_lists(a, ca, b, cb, row.depth + 1);
        rows.push(row);
        stack.extend(children.into_iter().rev());
    }
    rows
}

/// Aligns two lists of siblings.
fn align_lists(a: &Trace, la: &[u32], b: &Trace, lb: &[u32], depth: u32) -> Vec<Row> {
    let oa = |i: u32| &a.observations[i as usize];
    let ob = |i: u32| &b.observations[i as usize];
    // partner in A of each B position, and how
    let mut partner: Vec<Option<(usize, Pairing)>> = vec![None; lb.len()];
    let mut taken = vec![false; la.len()];
    // 1. same kind and name, occurrence by occurrence
    let mut by_key: HashMap<(Kind, &str), VecDeque<usize>> = HashMap::new();
    for (i, &x) in la.iter().enumerate() {
        by_key.entry((oa(x).kind, oa(x).name.as_str())).or_default().push_back(i);
    }
    for (j, &y) in lb.iter().enumerate() {
        if let Some(i) = by_key.get_mut(&(ob(y).kind, ob(y).name.as_str())).and_then(VecDeque::pop_front) {
            partner[j] = Some((i, Pairing::Same));
            taken[i] = true;
        }
    }
    // 2. similar names among the rest, same kind, nearest position first
    let left_a: Vec<usize> = (0..la.len()).filter(|&i| !taken[i]).collect();
    let left_b: Vec<usize> = (0..lb.len()).filter(|&j| partner[j].is_none()).collect();
    if !left_a.is_empty() && !left_b.is_empty() && left_a.len() <= SIMILARITY_LIMIT && left_b.len() <= SIMILARITY_LIMIT
    {
        let mut candidates: Vec<(f64, usize, usize, usize)> = Vec::new();
        for &j in &left_b {
            for &i in &left_a {
                let (x, y) = (oa(la[i]), ob(lb[j]));
                if x.kind != y.kind {
                    continue;
                }
                let sim = similarity(&x.name, &y.name);
                if sim >= RENAMED_AT {
                    candidates.push((sim, i.abs_diff(j), i, j));
                }
            }
        }
        order::sort_by(&mut candidates, |p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)).then(p.3.cmp(&q.3)));
        for (_, _, i, j) in candidates {
            if !taken[i] && partner[j].is_none() {
                taken[i] = true;
                partner[j] = Some((i, Pairing::Renamed));
            }
        }
    }
    // 3. rows in B's order; a removed step goes before the first B step that follows it in A
    let mut rows = Vec::with_capacity(la.len().max(lb.len()));
    let mut placed = vec![false; la.len()];
    let mut next_removed = 0;
    for (j, p) in partner.iter().enumerate() {
        if let Some((i, pairing)) = *p {
            while next_removed < i {
                if !taken[next_removed] && !placed[next_removed] {
                    placed[next_removed] = true;
                    rows.push(Row { depth, a: Some(la[next_removed]), b: None, pairing: Pairing::Removed });
                }
                next_removed += 1;
            }
            next_removed = next_removed.max(i + 1);
            rows.push(Row { depth, a: Some(la[i]), b: Some(lb[j]), pairing });
        } else {
            rows.push(Row { depth, a: None, b: Some(lb[j]), pairing: Pairing::Added });
        }
    }
    // removed steps not placed yet (after the last match, or passed over by a crossing match)
    for i in 0..la.len() {
        if !taken[i] && !placed[i] {
            rows.push(Row { depth, a: Some(la[i]), b: None, pairing: Pairing::Removed });
        }
    }
    rows
}

/// Dice coefficient of the character bigrams of two names (case-insensitive), 0..=1.
pub fn similarity(x: &str, y: &str) -> f64 {
    let grams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = fold::lower(s).chars().collect();
        let mut g: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
        order::sort(&mut g);
        g
    };
    if x.eq_ignore_ascii_case(y) {
        return 1.0;
    }
    let (gx, gy) = (grams(x), grams(y));
    if gx.is_empty() || gy.is_empty() {
        return 0.0;
    }
    // multiset intersection of two sorted lists
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < gx.len() && j < gy.len() {
        match gx[i].cmp(&gy[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (gx.len() + gy.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::super::summary;
    use super::super::testing::{base, trace};
    use super::*;
    use crate::model::Kind::{Generation as Llm, Tool};

    /// Rows as `name|name` with `-`/`+` for a missing side, indented by depth.
    fn show(a: &Trace, b: &Trace) -> Vec<String> {
        align(a, b)
            .iter()
            .map(|r| {
                let n =
                    |t: &Trace, i: Option<u32>| i.map_or("-".to_string(), |i| t.observations[i as usize].name.clone());
                format!("{}{}|{} {:?}", "  ".repeat(r.depth as usize), n(a, r.a), n(b, r.b), r.pairing)
            })
            .collect()
    }

    #[test]
    fn identical_traces_match_step_by_step() {
        let (a, b) = (trace("a", &base()), trace("b", &base()));
        let rows = show(&a, &b);
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|r| r.ends_with("Same")), "{rows:?}");
        let s = summary(&a, &b, &align(&a, &b), &[]);
        assert_eq!((s.same, s.added, s.removed, s.renamed), (5, 0, 0, 0));
        assert!(s.most_changed.is_empty());
    }

    #[test]
    fn inserted_and_removed_steps_keep_their_place() {
        let a = trace("a", &base());
        let mut with = base();
        with.insert(3, ("v", Some("r"), Tool, "verify", 2)); // between search and fetch
        with.retain(|s| s.0 != "f");
        let b = trace("b", &with);
        assert_eq!(
            show(&a, &b),
            [
                "agent|agent Same",
                "  plan|plan Same",
                "  search|search Same",
                "  -|verify Added",
                "  fetch|- Removed",
                "  write answer|write answer Same",
            ]
        );
    }

    #[test]
    fn reordered_parallel_branches_pair_by_name() {
        let a = trace("a", &base());
        let mut swapped = base();
        swapped[2].4 = 3; // search now starts after fetch
        swapped[3].4 = 2;
        let b = trace("b", &swapped);
        let rows = show(&a, &b);
        assert!(rows.iter().all(|r| r.ends_with("Same")), "{rows:?}");
        assert_eq!(rows[2], "  fetch|fetch Same");
    }

    #[test]
    fn a_renamed_step_is_paired_and_subtrees_follow() {
        let mut a_spans = base();
        a_spans.push(("q", Some("s"), Llm, "rewrite query", 2));
        let mut b_spans = base();
        b_spans[2].3 = "search_web";
        b_spans.push(("q", Some("s"), Llm, "rewrite query", 2));
        let (a, b) = (trace("a", &a_spans), trace("b", &b_spans));
        let rows = show(&a, &b);
        assert!(rows.contains(&"  search|search_web Renamed".to_string()), "{rows:?}");
        assert!(rows.contains(&"    rewrite query|rewrite query Same".to_string()), "{rows:?}");
        // an unrelated name of the same kind is not a rename
        let mut c_spans = base();
        c_spans[2].3 = "calculator";
        let rows = show(&a, &trace("c", &c_spans));
        assert!(rows.contains(&"  -|calculator Added".to_string()), "{rows:?}");
        assert!(rows.contains(&"  search|- Removed".to_string()), "{rows:?}");
        assert!(rows.contains(&"    rewrite query|- Removed".to_string()), "removed with its subtree: {rows:?}");
    }

    #[test]
    fn repeated_steps_match_occurrence_by_occurrence() {
        let mut a_spans = base();
        a_spans.push(("s2", Some("r"), Tool, "search", 5));
        let b = trace("b", &base());
        let rows = show(&trace("a", &a_spans), &b);
        assert_eq!(rows.iter().filter(|r| r.starts_with("  search|search Same")).count(), 1);
        assert_eq!(rows.last().map(String::as_str), Some("  search|- Removed"), "{rows:?}");
    }

    #[test]
    fn name_similarity() {
        assert_eq!(similarity("search", "Search"), 1.0);
        assert!(similarity("search", "search_web") >= RENAMED_AT);
        assert!(similarity("search", "calculator") < RENAMED_AT);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
