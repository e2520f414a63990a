//! Comparing two traces: their observations aligned across the two trees, the deltas of each
//! matched step, a word-level diff of texts, and a summary ranking the steps that changed most.
//!
//! Alignment, parent by parent from the roots down (iterative):
//! 1. children with the same kind and name are paired in order (the first `search` tool call of A
//!    with the first of B, the second with the second…), so parallel branches that started in a
//!    different order still pair up, and a repeated step is matched occurrence by occurrence;
//! 2. what is left is paired by name similarity (character bigrams, Dice ≥ 0.5) among steps of
//!    the same kind, nearest position first: a renamed step;
//! 3. the rest is removed (only in A) or added (only in B), with its whole subtree.
//!
//! Matched pairs then have their children aligned the same way. Rows come out in B's order, a
//! removed step just before the first B step that follows it in A.

use super::fold;
use super::order;
use super::{Observation, Score, ScoreValue, Trace};
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
    let mut by_key: HashMap<(super::Kind, &str), VecDeque<usize>> = HashMap::new();
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

/// A before/after pair of numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change<T> {
    pub before: T,
    pub after: T,
}

impl Change<f64> {
    /// The relative change in percent; `None` from zero.
    pub fn percent(&self) -> Option<f64> {
        (self.before != 0.0).then(|| (self.after - self.before) / self.before.abs() * 100.0)
    }
}

/// What changed in one matched step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDelta {
    /// Duration in ms (`NaN` when still running).
    pub duration_ms: Change<f64>,
    pub tokens: Change<f64>,
    pub cost_usd: Change<f64>,
    pub model: Option<Change<String>>,
    pub parameters_changed: bool,
    pub input_changed: bool,
    pub output_changed: bool,
    pub error: Change<bool>,
}

fn ms(o: &Observation) -> f64 {
    o.duration_ns().map_or(f64::NAN, |d| d as f64 / 1e6)
}

/// The duration of a matched pair in ms (`NaN` while running): all a list row needs, without
/// comparing payloads as `step_delta` does.
pub fn duration_ms(a: &Observation, b: &Observation) -> Change<f64> {
    Change { before: ms(a), after: ms(b) }
}

fn raw(p: &Option<super::Payload>) -> &str {
    p.as_ref().map_or("", |p| p.raw())
}

/// The deltas of a matched pair of steps.
pub fn step_delta(a: &Observation, b: &Observation) -> StepDelta {
    let is_error = |o: &Observation| o.level == super::Level::Error;
    StepDelta {
        duration_ms: duration_ms(a, b),
        tokens: Change { before: a.usage.total_tokens() as f64, after: b.usage.total_tokens() as f64 },
        cost_usd: Change { before: a.cost.total.unwrap_or(0.0), after: b.cost.total.unwrap_or(0.0) },
        model: (a.model != b.model).then(|| Change {
            before: a.model.as_deref().unwrap_or_default().to_string(),
            after: b.model.as_deref().unwrap_or_default().to_string(),
        }),
        parameters_changed: raw(&a.model_parameters) != raw(&b.model_parameters),
        input_changed: raw(&a.input) != raw(&b.input),
        output_changed: raw(&a.output) != raw(&b.output),
        error: Change { before: is_error(a), after: is_error(b) },
    }
}

impl StepDelta {
    /// How much the step changed, to rank steps: relative duration and token changes, plus one
    /// for each of a changed model, parameters, input, output or error state.
    pub fn weight(&self) -> f64 {
        let rel = |c: &Change<f64>| {
            if c.before.is_nan() || c.after.is_nan() {
                0.0
            } else {
                (c.after - c.before).abs() / c.before.abs().max(c.after.abs()).max(1e-9)
            }
        };
        rel(&self.duration_ms)
            + rel(&self.tokens)
            + rel(&self.cost_usd)
            + [
                self.model.is_some(),
                self.parameters_changed,
                self.input_changed,
                self.output_changed,
                self.error.before != self.error.after,
            ]
            .iter()
            .filter(|x| **x)
            .count() as f64
    }
}

/// A score of both traces by name: numbers as their mean, other values as text.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreChange {
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub numeric: Option<Change<f64>>,
}

/// The top of the compare view.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub duration_ms: Change<f64>,
    pub tokens: Change<f64>,
    pub cost_usd: Change<f64>,
    pub errors: Change<f64>,
    pub same: usize,
    pub renamed: usize,
    pub added: usize,
    pub removed: usize,
    pub scores: Vec<ScoreChange>,
    /// Rows (indices into the aligned rows) of the matched steps that changed most, most first.
    pub most_changed: Vec<usize>,
}

/// Summarizes the comparison of `a` and `b` aligned as `rows`; `scores` are all loaded scores.
pub fn summary(a: &Trace, b: &Trace, rows: &[Row], scores: &[Score]) -> Summary {
    let count = |p: Pairing| rows.iter().filter(|r| r.pairing == p).count();
    let dur = |t: &Trace| t.duration_ns().map_or(f64::NAN, |d| d as f64 / 1e6);
    let mut ranked: Vec<(f64, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let (x, y) = (r.a?, r.b?);
            let w = step_delta(&a.observations[x as usize], &b.observations[y as usize]).weight();
            (w > 0.0).then_some((w, k))
        })
        .collect();
    order::sort_by(&mut ranked, |p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
    Summary {
        duration_ms: Change { before: dur(a), after: dur(b) },
        tokens: Change { before: a.totals.tokens as f64, after: b.totals.tokens as f64 },
        cost_usd: Change { before: a.cost_usd(), after: b.cost_usd() },
        errors: Change { before: a.totals.errors as f64, after: b.totals.errors as f64 },
        same: count(Pairing::Same),
        renamed: count(Pairing::Renamed),
        added: count(Pairing::Added),
        removed: count(Pairing::Removed),
        scores: score_changes(a, b, scores),
        most_changed: ranked.into_iter().take(5).map(|(_, k)| k).collect(),
    }
}

fn score_changes(a: &Trace, b: &Trace, scores: &[Score]) -> Vec<ScoreChange> {
    // trace-level scores only: observation scores belong to their step
    let of = |t: &Trace| -> Vec<&Score> {
        scores.iter().filter(|s| s.trace_id.as_deref() == Some(t.id.as_str()) && s.observation_id.is_none()).collect()
    };
    let (sa, sb) = (of(a), of(b));
    let mut names: Vec<&str> = sa.iter().chain(&sb).map(|s| s.name.as_str()).collect();
    order::sort(&mut names);
    names.dedup();
    let mean = |list: &[&Score], name: &str| -> Option<f64> {
        let v: Vec<f64> = list
            .iter()
            .filter(|s| s.name == name)
            .filter_map(|s| match s.value {
                ScoreValue::Numeric(x) => Some(x),
                ScoreValue::Boolean(x) => Some(f64::from(u8::from(x))),
                _ => None,
            })
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let text = |list: &[&Score], name: &str| -> Option<String> {
        let v: Vec<String> = list.iter().filter(|s| s.name == name).map(|s| s.value.display()).collect();
        (!v.is_empty()).then(|| v.join(", "))
    };
    names
        .into_iter()
        .map(|name| ScoreChange {
            name: name.to_string(),
            before: text(&sa, name),
            after: text(&sb, name),
            numeric: match (mean(&sa, name), mean(&sb, name)) {
                (Some(before), Some(after)) => Some(Change { before, after }),
                _ => None,
            },
        })
        .collect()
}

/// A piece of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// Beyond this many word edits the texts are shown as replaced whole: the walk back keeps about
/// the square of it (600 → 360k positions, under 3 MB), and such texts have little in common.
const MAX_EDITS: usize = 600;

/// Words, runs of spaces, and single other characters (byte ranges): the units of a text diff.
fn tokens(s: &str) -> Vec<(usize, usize)> {
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0u8
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if i > start && (prev != Some(k) || k == 2) {
            out.push((start, i));
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push((start, s.len()));
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Sort {
    Same,
    Removed,
    Added,
}

/// A word-level diff of `a` to `b` (Myers' algorithm; texts too different are replaced whole).
/// Same and removed pieces are slices of `a`, added ones of `b`.
pub fn words<'a>(a: &'a str, b: &'a str) -> Vec<Piece<'a>> {
    let (ta, tb) = (tokens(a), tokens(b));
    let ea: Vec<&str> = ta.iter().map(|&(s, e)| &a[s..e]).collect();
    let eb: Vec<&str> = tb.iter().map(|&(s, e)| &b[s..e]).collect();
    // common ends first: most edits are small and local
    let pre = ea.iter().zip(&eb).take_while(|(x, y)| x == y).count();
    let suf = ea[pre..].iter().rev().zip(eb[pre..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (end_a, end_b) = (ea.len() - suf, eb.len() - suf);
    // (sort, token index: in A for same and removed, in B for added)
    let mut script: Vec<(Sort, usize)> = (0..pre).map(|i| (Sort::Same, i)).collect();
    match myers(&ea[pre..end_a], &eb[pre..end_b]) {
        Some(middle) => script.extend(middle.into_iter().map(|(sort, i)| (sort, pre + i))),
        None => {
            script.extend((pre..end_a).map(|i| (Sort::Removed, i)));
            script.extend((pre..end_b).map(|i| (Sort::Added, i)));
        }
    }
    script.extend((end_a..ea.len()).map(|i| (Sort::Same, i)));
    // runs of one sort over consecutive tokens become one slice
    let mut out = Vec::new();
    let mut k = 0;
    while k < script.len() {
        let (sort, first) = script[k];
        let mut last = first;
        while k + 1 < script.len() && script[k + 1].0 == sort && script[k + 1].1 == last + 1 {
            k += 1;
            last += 1;
        }
        let (text, t) = if sort == Sort::Added { (b, &tb) } else { (a, &ta) };
        let slice = &text[t[first].0..t[last].1];
        out.push(match sort {
            Sort::Same => Piece::Same(slice),
            Sort::Removed => Piece::Removed(slice),
            Sort::Added => Piece::Added(slice),
        });
        k += 1;
    }
    out
}

/// The shortest edit script from `a` to `b` (indices into each), or `None` past `MAX_EDITS`.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<(Sort, usize)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    if n == 0 || m == 0 {
        let mut out: Vec<(Sort, usize)> = (0..a.len()).map(|i| (Sort::Removed, i)).collect();
        out.extend((0..b.len()).map(|j| (Sort::Added, j)));
        return Some(out);
    }
    let max = ((n + m) as usize).min(MAX_EDITS) as isize;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * offset as usize + 1];
    // the furthest points of each round, to walk back
    let mut rounds: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'rounds: for d in 0..=max {
        // only diagonals -d..=d can have been reached before this round
        rounds.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let at = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[at - 1] < v[at + 1]) { v[at + 1] } else { v[at - 1] + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[at] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'rounds;
            }
            k += 2;
        }
    }
    let d_end = found?;
    let mut out = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (1..=d_end).rev() {
        // round d's saved furthest points, diagonal k at k + d
        let v = &rounds[d as usize];
        let get = |k: isize| v.get((k + d) as usize).copied().unwrap_or(0);
        let k = x - y;
        let prev_k = if k == -d || (k != d && get(k - 1) < get(k + 1)) { k + 1 } else { k - 1 };
        let prev_x = get(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            out.push((Sort::Same, x as usize));
        }
        if x == prev_x {
            y -= 1;
            out.push((Sort::Added, y as usize));
        } else {
            x -= 1;
            out.push((Sort::Removed, x as usize));
        }
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        out.push((Sort::Same, x as usize));
    }
    out.reverse();
    Some(out)
}

/// A piece of a diff with its own text (of decoded payloads, which do not outlive the call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owned {
    Same(String),
    Removed(String),
    Added(String),
}

/// `words`, with owned pieces.
pub fn words_owned(a: &str, b: &str) -> Vec<Owned> {
    words(a, b)
        .into_iter()
        .map(|p| match p {
            Piece::Same(s) => Owned::Same(s.to_string()),
            Piece::Removed(s) => Owned::Removed(s.to_string()),
            Piece::Added(s) => Owned::Added(s.to_string()),
        })
        .collect()
}

/// One leaf of a JSON value that differs: its path (`messages[2].content`), before and after
/// (compact JSON; `None` where the path does not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonChange {
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Every leaf of `v` with its path, in document order (iterative: payloads can be deep).
fn leaves(v: &serde_json::Value) -> Vec<(String, String)> {
    use serde_json::Value;
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), v)];
    while let Some((path, v)) = stack.pop() {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, child) in m.iter().rev() {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    stack.push((p, child));
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), child));
                }
            }
            leaf => out.push((path, leaf.to_string())),
        }
    }
    out
}

/// The leaves that differ between two JSON values, in the order of `b` then the removed ones.
pub fn json_changes(a: &serde_json::Value, b: &serde_json::Value) -> Vec<JsonChange> {
    let la = leaves(a);
    let lb = leaves(b);
    let before: HashMap<&str, &str> = la.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
    let after: HashMap<&str, &str> = lb.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
    let mut out: Vec<JsonChange> = lb
        .iter()
        .filter(|(p, v)| before.get(p.as_str()) != Some(&v.as_str()))
        .map(|(p, v)| JsonChange {
            path: p.clone(),
            before: before.get(p.as_str()).map(|s| s.to_string()),
            after: Some(v.clone()),
        })
        .collect();
    out.extend(la.iter().filter(|(p, _)| !after.contains_key(p.as_str())).map(|(p, v)| JsonChange {
        path: p.clone(),
        before: Some(v.clone()),
        after: None,
    }));
    out
}

/// One message of a conversation compared with its counterpart.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageDiff {
    pub role: String,
    /// `Same` (identical or edited in place: see `text`), `Added` or `Removed`.
    pub pairing: Pairing,
    pub text: Vec<Owned>,
    /// Tool calls by position: name, and their arguments compared as JSON when they parse.
    pub tool_calls: Vec<ToolCallDiff>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolCallDiff {
    pub name: Change<String>,
    pub arguments: Vec<JsonChange>,
    /// Arguments that are not JSON, compared as text.
    pub text: Vec<Owned>,
}

fn tool_call_diff(a: Option<&super::messages::ToolCall>, b: Option<&super::messages::ToolCall>) -> ToolCallDiff {
    let name = |c: Option<&super::messages::ToolCall>| c.map(|c| c.name.clone()).unwrap_or_default();
    let args = |c: Option<&super::messages::ToolCall>| c.map(|c| c.arguments.clone()).unwrap_or_default();
    let (ta, tb) = (args(a), args(b));
    let parse = |t: &str| if t.is_empty() { Some(serde_json::Value::Null) } else { serde_json::from_str(t).ok() };
    let (arguments, text) = match (parse(&ta), parse(&tb)) {
        (Some(x), Some(y)) => (json_changes(&x, &y), Vec::new()),
        _ => (Vec::new(), words_owned(&ta, &tb)),
    };
    ToolCallDiff { name: Change { before: name(a), after: name(b) }, arguments, text }
}

fn message_diff(a: Option<&super::messages::Message>, b: Option<&super::messages::Message>) -> MessageDiff {
    let text = |m: Option<&super::messages::Message>| m.map(|m| m.text()).unwrap_or_default();
    let calls = |m: Option<&super::messages::Message>| -> Vec<super::messages::ToolCall> {
        m.map(|m| m.tool_calls().cloned().collect()).unwrap_or_default()
    };
    let (ca, cb) = (calls(a), calls(b));
    MessageDiff {
        role: b.or(a).map(|m| m.role.clone()).unwrap_or_default(),
        pairing: match (a, b) {
            (Some(_), Some(_)) => Pairing::Same,
            (Some(_), None) => Pairing::Removed,
            _ => Pairing::Added,
        },
        text: words_owned(&text(a), &text(b)),
        tool_calls: (0..ca.len().max(cb.len())).map(|i| tool_call_diff(ca.get(i), cb.get(i))).collect(),
    }
}

/// Two conversations compared message by message: identical messages pair up (Myers over whole
/// messages), and a run of removed messages followed by added ones of the same roles is read as
/// those messages edited.
pub fn messages_diff(a: &[super::messages::Message], b: &[super::messages::Message]) -> Vec<MessageDiff> {
    let key = |m: &super::messages::Message| {
        let calls: Vec<String> = m.tool_calls().map(|c| format!("{}({})", c.name, c.arguments)).collect();
        format!("{}\u{0}{}\u{0}{}", m.role, m.text(), calls.join("\u{0}"))
    };
    let (ka, kb): (Vec<String>, Vec<String>) = (a.iter().map(key).collect(), b.iter().map(key).collect());
    let (ra, rb): (Vec<&str>, Vec<&str>) =
        (ka.iter().map(String::as_str).collect(), kb.iter().map(String::as_str).collect());
    let script = myers(&ra, &rb).unwrap_or_else(|| {
        let mut s: Vec<(Sort, usize)> = (0..a.len()).map(|i| (Sort::Removed, i)).collect();
        s.extend((0..b.len()).map(|j| (Sort::Added, j)));
        s
    });
    let mut out = Vec::new();
    let mut k = 0;
    // B index of each Same step: walk both sides
    let mut bj = 0;
    while k < script.len() {
        match script[k].0 {
            Sort::Same => {
                out.push(message_diff(Some(&a[script[k].1]), Some(&b[bj])));
                bj += 1;
                k += 1;
            }
            _ => {
                let removed: Vec<usize> =
                    script[k..].iter().take_while(|s| s.0 == Sort::Removed).map(|s| s.1).collect();
                k += removed.len();
                let added: Vec<usize> = script[k..].iter().take_while(|s| s.0 == Sort::Added).map(|s| s.1).collect();
                k += added.len();
                bj += added.len();
                let mut r = removed.iter().peekable();
                for &j in &added {
                    // an edited message: the next removed one of the same role
                    match r.peek() {
                        Some(&&i) if a[i].role == b[j].role => {
                            r.next();
                            out.push(message_diff(Some(&a[i]), Some(&b[j])));
                        }
                        _ => out.push(message_diff(None, Some(&b[j]))),
                    }
                }
                out.extend(r.map(|&i| message_diff(Some(&a[i]), None)));
            }
        }
    }
    out
}

/// How the contents of two payloads (inputs or outputs) differ, read as what they hold.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentDiff {
    /// Chat messages on both sides, message by message.
    Messages(Vec<MessageDiff>),
    /// Other JSON on both sides: the leaves that changed.
    Json(Vec<JsonChange>),
    /// Text (or JSON on one side only), word by word.
    Text(Vec<Owned>),
}

/// Compares two payloads as messages, JSON or text, whichever both are.
pub fn content_diff(a: Option<&super::Payload>, b: Option<&super::Payload>) -> ContentDiff {
    use super::payload::Decoded;
    let decode = |p: Option<&super::Payload>| p.map(|p| p.decode()).unwrap_or(Decoded::Text(String::new()));
    match (decode(a), decode(b)) {
        (Decoded::Json(x), Decoded::Json(y)) => match (super::messages::extract(&x), super::messages::extract(&y)) {
            (Some(ma), Some(mb)) => ContentDiff::Messages(messages_diff(&ma, &mb)),
            _ => ContentDiff::Json(json_changes(&x, &y)),
        },
        (x, y) => {
            let text = |d: Decoded| match d {
                Decoded::Text(t) => t,
                Decoded::Json(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
            };
            ContentDiff::Text(words_owned(&text(x), &text(y)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Observation};

    /// A trace from `(id, parent, kind, name, start ms)`.
    fn trace(id: &str, spans: &[(&str, Option<&str>, Kind, &str, i64)]) -> Trace {
        let obs = spans
            .iter()
            .map(|(i, p, k, n, s)| {
                let mut o = Observation::new(*i, *k, *n, s * 1_000_000);
                o.parent_id = p.map(str::to_string);
                o.end_ns = Some((s + 10) * 1_000_000);
                o
            })
            .collect();
        Trace::build(id.into(), obs, "t.json", &mut Vec::new())
    }

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

    use Kind::{Agent, Generation as Llm, Tool};

    fn base() -> Vec<(&'static str, Option<&'static str>, Kind, &'static str, i64)> {
        vec![
            ("r", None, Agent, "agent", 0),
            ("p", Some("r"), Llm, "plan", 1),
            ("s", Some("r"), Tool, "search", 2),
            ("f", Some("r"), Tool, "fetch", 3),
            ("w", Some("r"), Llm, "write answer", 4),
        ]
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
    fn deltas_and_ranking() {
        let a = trace("a", &base());
        let mut b = trace("b", &base());
        let w = b.observations.iter_mut().find(|o| o.name == "write answer").unwrap();
        w.end_ns = Some(w.start_ns + 30_000_000); // 10 → 30 ms
        w.model = Some("gpt-5".into());
        let rows = align(&a, &b);
        let row =
            rows.iter().position(|r| r.b.is_some_and(|i| b.observations[i as usize].name == "write answer")).unwrap();
        let (x, y) = (rows[row].a.unwrap(), rows[row].b.unwrap());
        let d = step_delta(&a.observations[x as usize], &b.observations[y as usize]);
        assert_eq!((d.duration_ms.before, d.duration_ms.after), (10.0, 30.0));
        assert_eq!(d.duration_ms.percent(), Some(200.0));
        assert_eq!(d.model, Some(Change { before: String::new(), after: "gpt-5".into() }));
        let s = summary(&a, &b, &rows, &[]);
        assert_eq!(s.most_changed, vec![row]);
    }

    #[test]
    fn scores_by_name() {
        let (a, b) = (trace("a", &base()), trace("b", &base()));
        let score = |t: &str, name: &str, v: ScoreValue| Score {
            id: String::new(),
            name: name.into(),
            value: v,
            source: None,
            comment: None,
            trace_id: Some(t.into()),
            observation_id: None,
            session_id: None,
            time_ns: None,
        };
        let scores = [
            score("a", "helpful", ScoreValue::Numeric(0.5)),
            score("a", "helpful", ScoreValue::Numeric(1.0)),
            score("b", "helpful", ScoreValue::Numeric(0.25)),
            score("b", "tone", ScoreValue::Categorical("rude".into())),
        ];
        let s = summary(&a, &b, &align(&a, &b), &scores);
        assert_eq!(s.scores.len(), 2);
        assert_eq!(s.scores[0].numeric, Some(Change { before: 0.75, after: 0.25 }));
        assert_eq!((s.scores[1].before.as_deref(), s.scores[1].after.as_deref()), (None, Some("rude")));
    }

    /// One side of a word diff: the first text (`removed`) or the second, rebuilt from its pieces.
    fn side(d: &[Piece], removed: bool) -> String {
        d.iter()
            .filter_map(|p| match p {
                Piece::Same(s) => Some(*s),
                Piece::Removed(s) if removed => Some(*s),
                Piece::Added(s) if !removed => Some(*s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn word_diff() {
        let d = words("The cat sat on the mat.", "The dog sat on the red mat!");
        let show: Vec<String> = d
            .iter()
            .map(|p| match p {
                Piece::Same(s) => s.to_string(),
                Piece::Removed(s) => format!("[-{s}]"),
                Piece::Added(s) => format!("[+{s}]"),
            })
            .collect();
        assert_eq!(show.concat(), "The [-cat][+dog] sat on the [+red ]mat[-.][+!]");
        // both texts come back whole from the pieces
        assert_eq!(side(&d, true), "The cat sat on the mat.");
        assert_eq!(side(&d, false), "The dog sat on the red mat!");
        assert_eq!(words("same", "same"), vec![Piece::Same("same")]);
        assert_eq!(words("", "new"), vec![Piece::Added("new")]);
    }

    /// Both texts come back from the pieces, and nothing same is reported as changed.
    #[test]
    fn word_diff_rebuilds_both_sides() {
        let vocab = ["a", "b", "c", " ", ".", "é", "long_word", "\n"];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..500 {
            let mut text = || (0..next(30)).map(|_| vocab[next(vocab.len())]).collect::<String>();
            let (a, b) = (text(), text());
            let d = words(&a, &b);
            assert_eq!((side(&d, true), side(&d, false)), (a.clone(), b.clone()));
            if a == b {
                assert!(d.iter().all(|p| matches!(p, Piece::Same(_))));
            }
        }
    }

    #[test]
    fn very_different_long_texts_are_replaced_whole() {
        let a: String = (0..5000).map(|i| format!("a{i} ")).collect();
        let b: String = (0..5000).map(|i| format!("b{i} ")).collect();
        let d = words(&a, &b);
        assert_eq!(d, vec![Piece::Removed(a.trim_end()), Piece::Added(b.trim_end()), Piece::Same(" ")]);
    }

    fn payload(v: serde_json::Value) -> crate::model::Payload {
        crate::model::Payload::from_value(&v)
    }

    #[test]
    fn conversations_are_compared_message_by_message() {
        use serde_json::json;
        let a = payload(json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "Let me look.", "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "search", "arguments": "{\"q\": \"paris\"}"}}]},
        ]));
        let b = payload(json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "Let me check.", "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "search", "arguments": "{\"q\": \"paris fr\", \"n\": 2}"}}]},
            {"role": "tool", "tool_call_id": "1", "content": "sunny"},
        ]));
        let ContentDiff::Messages(m) = content_diff(Some(&a), Some(&b)) else { panic!("not read as messages") };
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].text, vec![Owned::Same("Be brief.".into())]);
        assert_eq!((m[2].role.as_str(), m[2].pairing), ("assistant", Pairing::Same));
        assert_eq!(
            m[2].text,
            vec![
                Owned::Same("Let me ".into()),
                Owned::Removed("look".into()),
                Owned::Added("check".into()),
                Owned::Same(".".into())
            ]
        );
        let args = &m[2].tool_calls[0].arguments;
        assert_eq!(
            args,
            &vec![
                JsonChange { path: "q".into(), before: Some("\"paris\"".into()), after: Some("\"paris fr\"".into()) },
                JsonChange { path: "n".into(), before: None, after: Some("2".into()) },
            ]
        );
        assert_eq!((m[3].role.as_str(), m[3].pairing), ("tool", Pairing::Added));
    }

    #[test]
    fn json_and_text_contents() {
        use serde_json::json;
        let a = payload(json!({"query": "x", "top_k": 3, "filters": {"lang": ["en", "fr"]}}));
        let b = payload(json!({"query": "x", "top_k": 5, "filters": {"lang": ["en"]}}));
        assert_eq!(
            content_diff(Some(&a), Some(&b)),
            ContentDiff::Json(vec![
                JsonChange { path: "top_k".into(), before: Some("3".into()), after: Some("5".into()) },
                JsonChange { path: "filters.lang[1]".into(), before: Some("\"fr\"".into()), after: None },
            ])
        );
        let t = crate::model::Payload::from_text("The answer is 42.");
        let u = crate::model::Payload::from_text("The answer is 43.");
        let ContentDiff::Text(d) = content_diff(Some(&t), Some(&u)) else { panic!() };
        assert!(d.contains(&Owned::Removed("42".into())) && d.contains(&Owned::Added("43".into())), "{d:?}");
        assert_eq!(content_diff(None, None), ContentDiff::Text(Vec::new()));
    }

    #[test]
    fn name_similarity() {
        assert_eq!(similarity("search", "Search"), 1.0);
        assert!(similarity("search", "search_web") >= RENAMED_AT);
        assert!(similarity("search", "calculator") < RENAMED_AT);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
