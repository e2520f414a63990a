//! Per-name statistics over one trace or many (the Stats tab): count, total and self time,
//! nearest-rank percentiles of the duration, each observation's own tokens and cost (unknown is
//! not zero: `Known` says how many of the row's observations carry them), errors.
//!
//! Durations are integer nanoseconds; an observation without an end counts in `count` but in no
//! duration figure (`timed` says how many do). Self time: an observation's duration less the
//! union of its direct children's intervals clipped to its own, so parallel children overlapping
//! each other are subtracted once; a child without an end (its extent is unknown) subtracts
//! nothing; never negative.

use super::hash::{id_map, IdMap};
use super::known::Known;
use super::{fold, order, Kind, Level, Observation, Trace};

/// A column of the table, each sortable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Kind,
    Count,
    Total,
    SelfTime,
    P50,
    P95,
    Max,
    Input,
    Output,
    Cost,
    Errors,
}

/// Every column: its word in the link (`sort:p95`) and its header.
pub const COLUMNS: [(Column, &str, &str); 12] = [
    (Column::Name, "name", "Name"),
    (Column::Kind, "kind", "Kind"),
    (Column::Count, "count", "Count"),
    (Column::Total, "total", "Total"),
    (Column::SelfTime, "self", "Self"),
    (Column::P50, "p50", "p50"),
    (Column::P95, "p95", "p95"),
    (Column::Max, "max", "Max"),
    (Column::Input, "input", "Input"),
    (Column::Output, "output", "Output"),
    (Column::Cost, "cost", "Cost"),
    (Column::Errors, "errors", "Errors"),
];

impl Column {
    pub fn key(self) -> &'static str {
        COLUMNS.iter().find(|c| c.0 == self).map_or("", |c| c.1)
    }

    /// Text sorts A→Z first, numbers largest first.
    pub fn descending_first(self) -> bool {
        !matches!(self, Column::Name | Column::Kind)
    }
}

/// The view's mode, kept in the link as words (`mode=kind all sort:p95 asc`): grouping by name
/// and kind, all loaded traces, the sort. Unknown words are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub by_kind: bool,
    pub all: bool,
    pub sort: Column,
    pub descending: bool,
}

impl Default for Mode {
    fn default() -> Mode {
        Mode { by_kind: false, all: false, sort: Column::Total, descending: true }
    }
}

impl Mode {
    pub fn parse(text: &str) -> Mode {
        let mut m = Mode::default();
        let mut direction = None;
        for w in text.split_whitespace() {
            match w {
                "kind" => m.by_kind = true,
                "all" => m.all = true,
                "asc" => direction = Some(false),
                "desc" => direction = Some(true),
                _ => {
                    if let Some(c) = w.strip_prefix("sort:").and_then(|k| COLUMNS.iter().find(|c| c.1 == k)) {
                        m.sort = c.0;
                        m.descending = c.0.descending_first();
                    }
                }
            }
        }
        m.descending = direction.unwrap_or(m.descending);
        m
    }

    /// The words of `parse`, defaults left out: `""` for the default mode.
    pub fn write(&self) -> String {
        let mut words: Vec<&str> = Vec::new();
        if self.by_kind {
            words.push("kind");
        }
        if self.all {
            words.push("all");
        }
        let sort = "sort:".to_string() + self.sort.key();
        if (self.sort, self.descending) != (Column::Total, true) {
            words.push(&sort);
            words.push(if self.descending { "desc" } else { "asc" });
        }
        words.join(" ")
    }

    /// The mode after a click on `col`'s header: the same column reverses, another starts in its
    /// natural direction.
    pub fn click(self, col: Column) -> Mode {
        let descending = if self.sort == col { !self.descending } else { col.descending_first() };
        Mode { sort: col, descending, ..self }
    }
}

/// The observations of one name (and kind, when grouped by kind).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub name: String,
    /// Set when grouped by name and kind.
    pub kind: Option<Kind>,
    pub count: usize,
    /// Observations with an end: the ones the duration figures count.
    pub timed: usize,
    pub total_ns: i64,
    pub self_ns: i64,
    /// Nearest-rank percentiles and the maximum of the timed durations.
    pub p50_ns: Option<i64>,
    pub p95_ns: Option<i64>,
    pub max_ns: Option<i64>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
    /// How many of the row's observations carry each figure (`calls`: all of them but failures
    /// without token counts, which have nothing to count, as in `known::coverage`).
    pub input_known: Known,
    pub output_known: Known,
    pub cost_known: Known,
    /// Some of the cost was estimated from tokens and the price table; some was reported.
    pub estimated: bool,
    pub reported: bool,
    pub errors: usize,
}

/// The table over some traces.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub rows: Vec<Row>,
    pub traces: usize,
    pub observations: usize,
    /// Observations without an end: in the counts, in no duration.
    pub untimed: usize,
}

/// The `p`-th percentile (0–100) of `sorted` by nearest rank: the value at rank ⌈p·n/100⌉ (at
/// least 1), always one of the values. `None` for no values.
pub fn nearest_rank(sorted: &[i64], p: usize) -> Option<i64> {
    let n = sorted.len();
    let rank = (p * n).div_ceil(100).clamp(1, n.max(1));
    sorted.get(rank - 1).copied()
}

/// Each observation's self time (see the module's note); `None` without an end.
pub fn self_times(t: &Trace) -> Vec<Option<i64>> {
    let obs = &t.observations;
    let mut spans: Vec<(i64, i64)> = Vec::new();
    (0..obs.len())
        .map(|i| {
            let o = &obs[i];
            let (start, end) = (o.start_ns, o.start_ns.saturating_add(o.duration_ns()?));
            spans.clear();
            for &c in t.tree.children_of(i as u32) {
                let Some(c) = obs.get(c as usize) else { continue };
                let Some(d) = c.duration_ns() else { continue };
                let (s, e) = (c.start_ns.max(start), c.start_ns.saturating_add(d).min(end));
                if e > s {
                    spans.push((s, e));
                }
            }
            Some((end - start - union_ns(&mut spans)).max(0))
        })
        .collect()
}

/// The length of the union of intervals (start, end), walked in start order: each adds what
/// lies past the end covered so far, so overlaps count once. (Pairs of i64 sort with the one
/// copy of that sort the app already has.)
fn union_ns(spans: &mut [(i64, i64)]) -> i64 {
    order::sort(spans);
    let (mut covered, mut reach) = (0i64, i64::MIN);
    for &(s, e) in spans.iter() {
        if e > reach {
            covered = covered.saturating_add(e - s.max(reach));
            reach = e;
        }
    }
    covered
}

/// One figure's coverage in a row: `has` when the observation carries it.
fn count_known(k: &mut Known, o: &Observation, has: bool) {
    let refused = o.level == Level::Error && o.usage.is_empty();
    k.carried |= has;
    k.covered += usize::from(has);
    k.calls += usize::from(has || !refused);
}

/// The statistics of `traces`, one row per name (per name and kind with `by_kind`), in the
/// order names first appear.
pub fn compute(traces: &[Trace], by_kind: bool) -> Table {
    let mut table = Table { traces: traces.len(), ..Table::default() };
    let mut rows: Vec<Row> = Vec::new();
    // (duration, start): pairs sort with the app's one copy of that sort
    let mut durations: Vec<Vec<(i64, i64)>> = Vec::new();
    // a name's first row; rows of the same name under other kinds follow `next`
    let mut at: IdMap<&str, u32> = id_map(0);
    let mut next: Vec<u32> = Vec::new();
    for t in traces {
        let selfs = self_times(t);
        for (o, own) in t.observations.iter().zip(selfs) {
            let kind = by_kind.then_some(o.kind);
            let mut slot = at.get(o.name.as_str()).copied();
            let mut last = None;
            while let Some(s) = slot.filter(|&s| rows[s as usize].kind != kind) {
                last = Some(s);
                slot = Some(next[s as usize]).filter(|&n| n != u32::MAX);
            }
            let slot = slot.unwrap_or_else(|| {
                let new = rows.len() as u32;
                rows.push(Row { name: o.name.clone(), kind, ..Row::default() });
                durations.push(Vec::new());
                next.push(u32::MAX);
                match last {
                    Some(l) => next[l as usize] = new,
                    None => {
                        at.insert(o.name.as_str(), new);
                    }
                }
                new
            }) as usize;
            let r = &mut rows[slot];
            r.count += 1;
            if let (Some(d), Some(s)) = (o.duration_ns(), own) {
                r.timed += 1;
                r.total_ns = r.total_ns.saturating_add(d);
                r.self_ns = r.self_ns.saturating_add(s);
                durations[slot].push((d, o.start_ns));
            }
            r.input_tokens = r.input_tokens.saturating_add(o.usage.input.unwrap_or(0));
            r.output_tokens = r.output_tokens.saturating_add(o.usage.output.unwrap_or(0));
            count_known(&mut r.input_known, o, o.usage.input.is_some());
            count_known(&mut r.output_known, o, o.usage.output.is_some());
            count_known(&mut r.cost_known, o, o.cost.total.is_some());
            if let Some(c) = o.cost.total {
                r.cost_usd += c;
                r.estimated |= o.cost.estimated.is_some();
                r.reported |= o.cost.estimated.is_none();
            }
            r.errors += usize::from(o.level == Level::Error);
        }
    }
    for (r, mut pairs) in rows.iter_mut().zip(durations) {
        order::sort(&mut pairs);
        let d: Vec<i64> = pairs.into_iter().map(|p| p.0).collect();
        r.p50_ns = nearest_rank(&d, 50);
        r.p95_ns = nearest_rank(&d, 95);
        r.max_ns = d.last().copied();
        table.observations += r.count;
        table.untimed += r.count - r.timed;
    }
    table.rows = rows;
    table
}

/// A row's number in a column, as an integer that sorts as the value does; `None` for no value
/// (no timed observation, a figure no observation carries), which sorts last in either direction.
fn number(r: &Row, col: Column) -> Option<i64> {
    let timed = |v: i64| (r.timed > 0).then_some(v);
    let known = |k: Known, v: u64| (!k.is_unknown()).then(|| i64::try_from(v).unwrap_or(i64::MAX));
    match col {
        Column::Name | Column::Kind => None,
        Column::Count => Some(r.count as i64),
        Column::Total => timed(r.total_ns),
        Column::SelfTime => timed(r.self_ns),
        Column::P50 => r.p50_ns,
        Column::P95 => r.p95_ns,
        Column::Max => r.max_ns,
        Column::Input => known(r.input_known, r.input_tokens),
        Column::Output => known(r.output_known, r.output_tokens),
        // the bits of a float ordered as `total_cmp` orders it
        Column::Cost => (!r.cost_known.is_unknown()).then(|| {
            let bits = r.cost_usd.to_bits() as i64;
            bits ^ (((bits >> 63) as u64) >> 1) as i64
        }),
        Column::Errors => Some(r.errors as i64),
    }
}

/// The rows' positions in the order of `col`: numbers with ties in first-appearance order, and
/// missing values last whichever the direction; text case-folded (name, then kind, or kind then
/// name), descending as the reverse. Keys are tuples the app already sorts elsewhere, so this
/// adds no copy of a sort to the wasm.
pub fn sorted(rows: &[Row], col: Column, descending: bool) -> Vec<u32> {
    if matches!(col, Column::Name | Column::Kind) {
        let mut keys: Vec<(String, u64)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (name, kind) = (fold::lower(&r.name), r.kind.map_or("", Kind::label));
                let key = if col == Column::Kind { kind.to_string() + "\u{1}" + &name } else { name + "\u{1}" + kind };
                (key, i as u64)
            })
            .collect();
        order::sort(&mut keys);
        let mut out: Vec<u32> = keys.into_iter().map(|k| k.1 as u32).collect();
        if descending {
            out.reverse();
        }
        return out;
    }
    let mut keys: Vec<(i64, i64, u32)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| match number(r, col) {
            // `!v` reverses the order of every i64, the extremes included
            Some(v) => (0, if descending { !v } else { v }, i as u32),
            None => (1, 0, i as u32),
        })
        .collect();
    order::sort(&mut keys);
    keys.into_iter().map(|k| k.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::known::Figure;

    fn ob(id: &str, parent: Option<&str>, name: &str, start: i64, end: Option<i64>) -> Observation {
        let mut o = Observation::new(id, Kind::Span, name, start);
        o.parent_id = parent.map(str::to_string);
        o.end_ns = end;
        o
    }

    fn build(obs: Vec<Observation>) -> Trace {
        Trace::build("t".into(), obs, "x", &mut Vec::new())
    }

    fn row<'a>(t: &'a Table, name: &str) -> &'a Row {
        t.rows.iter().find(|r| r.name == name).unwrap()
    }

    #[test]
    fn self_time_subtracts_overlapping_parallel_children_once() {
        let t = build(vec![
            ob("p", None, "agent", 0, Some(100)),
            // two parallel calls overlapping each other on 30..50: 10..70 covered once
            ob("a", Some("p"), "tool", 10, Some(50)),
            ob("b", Some("p"), "tool", 30, Some(70)),
            // inside `a`: already covered, and not a direct child of `p`
            ob("g", Some("a"), "inner", 20, Some(40)),
            // runs past the parent's end: only 90..100 is the parent's
            ob("c", Some("p"), "late", 90, Some(130)),
            // no end: its extent is unknown, it subtracts nothing
            ob("r", Some("p"), "running", 75, None),
        ]);
        let selfs = self_times(&t);
        assert_eq!(selfs[0], Some(100 - 60 - 10));
        assert_eq!(selfs[1], Some(40 - 20), "a less its child g");
        assert_eq!(selfs[4], Some(40));
        assert_eq!(selfs[5], None);
        // children covering all of it, and more: zero, never negative
        let t = build(vec![ob("p", None, "p", 10, Some(20)), ob("a", Some("p"), "a", 0, Some(30))]);
        assert_eq!(self_times(&t)[0], Some(0));
        // the sweep: nested, touching, disjoint, and identical intervals
        let union = |mut v: Vec<(i64, i64)>| union_ns(&mut v);
        assert_eq!(union(vec![(0, 10), (2, 3), (10, 20), (30, 31), (30, 31)]), 21);
        assert_eq!(union(vec![(5, 6), (0, 100)]), 100);
        assert_eq!(union(vec![]), 0);
        let table = compute(
            std::slice::from_ref(&build(vec![
                ob("p", None, "agent", 0, Some(100)),
                ob("a", Some("p"), "tool", 10, Some(50)),
                ob("b", Some("p"), "tool", 30, Some(70)),
            ])),
            false,
        );
        assert_eq!(row(&table, "agent").self_ns, 40);
        assert_eq!((row(&table, "tool").total_ns, row(&table, "tool").self_ns), (80, 80));
    }

    #[test]
    fn nearest_rank_percentiles_and_untimed_observations() {
        let d: Vec<i64> = (1..=20).collect();
        assert_eq!(nearest_rank(&d, 50), Some(10), "rank ⌈0.5·20⌉ = 10");
        assert_eq!(nearest_rank(&d, 95), Some(19), "rank ⌈0.95·20⌉ = 19");
        assert_eq!(nearest_rank(&d, 100), Some(20));
        assert_eq!(nearest_rank(&d, 0), Some(1));
        assert_eq!(nearest_rank(&[7], 95), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[1, 2, 3], 50), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2), "a value, never an average");
        // durations given out of order, one call without an end
        let mut obs: Vec<Observation> =
            [5, 1, 4, 2, 3].iter().enumerate().map(|(i, &d)| ob(&i.to_string(), None, "call", 0, Some(d))).collect();
        obs.push(ob("open", None, "call", 0, None));
        let table = compute(std::slice::from_ref(&build(obs)), false);
        let r = row(&table, "call");
        assert_eq!((r.count, r.timed, r.total_ns), (6, 5, 15));
        assert_eq!((r.p50_ns, r.p95_ns, r.max_ns), (Some(3), Some(5), Some(5)));
        assert_eq!((table.observations, table.untimed), (6, 1));
        // nothing timed: no duration figures at all
        let table = compute(std::slice::from_ref(&build(vec![ob("x", None, "open", 0, None)])), false);
        assert_eq!((row(&table, "open").p50_ns, row(&table, "open").max_ns), (None, None));
    }

    #[test]
    fn unknown_tokens_and_cost_are_not_zero() {
        let mut a = ob("a", None, "llm", 0, Some(1));
        a.usage.input = Some(10);
        a.usage.output = Some(3);
        a.cost.total = Some(0.5);
        let b = ob("b", None, "llm", 0, Some(1));
        // failed before any tokens: nothing to count, so the row is not partial for it
        let mut c = ob("c", None, "llm", 0, Some(1));
        c.level = Level::Error;
        let d = ob("d", None, "tool", 0, Some(1));
        let table = compute(std::slice::from_ref(&build(vec![a, b, c, d])), false);
        let llm = row(&table, "llm");
        assert_eq!((llm.input_tokens, llm.output_tokens, llm.errors), (10, 3, 1));
        assert_eq!(llm.input_known, Known { carried: true, covered: 1, calls: 2 });
        assert_eq!(llm.input_known.show("10".into()), "≥ 10");
        assert_eq!(llm.cost_known.note(Figure::Cost).as_deref(), Some("1 of 2 calls priced"));
        assert!(llm.reported && !llm.estimated);
        let tool = row(&table, "tool");
        assert!(tool.input_known.is_unknown() && tool.cost_known.is_unknown());
        assert_eq!(tool.cost_known.show("$0".into()), "–");
        // unknown sorts after every value, in both directions
        for desc in [true, false] {
            assert_eq!(sorted(&table.rows, Column::Input, desc), vec![0, 1]);
            assert_eq!(sorted(&table.rows, Column::Cost, desc), vec![0, 1]);
        }
        // all known
        let mut e = ob("e", None, "e", 0, Some(1));
        e.usage.input = Some(0);
        let table = compute(std::slice::from_ref(&build(vec![e])), false);
        assert_eq!(table.rows[0].input_known.show("0".into()), "0", "a zero that was counted is zero");
    }

    #[test]
    fn grouped_by_kind_and_across_traces() {
        let mut tool = ob("t", None, "search", 0, Some(4));
        tool.kind = Kind::Tool;
        let one = build(vec![ob("a", None, "search", 0, Some(2)), tool, ob("b", None, "other", 0, Some(1))]);
        let two = build(vec![ob("a", None, "search", 0, Some(10))]);
        let both = [one, two];
        let by_name = compute(&both, false);
        assert_eq!(by_name.traces, 2);
        assert_eq!(by_name.rows.len(), 2);
        assert_eq!((row(&by_name, "search").count, row(&by_name, "search").total_ns), (3, 16));
        let by_kind = compute(&both, true);
        let found: Vec<(&str, Option<Kind>, usize)> =
            by_kind.rows.iter().map(|r| (r.name.as_str(), r.kind, r.count)).collect();
        assert_eq!(
            found,
            vec![("search", Some(Kind::Span), 2), ("search", Some(Kind::Tool), 1), ("other", Some(Kind::Span), 1)]
        );
        assert_eq!(sorted(&by_kind.rows, Column::Total, true), vec![0, 1, 2]);
        assert_eq!(sorted(&by_kind.rows, Column::Total, false), vec![2, 1, 0]);
        assert_eq!(sorted(&by_kind.rows, Column::Name, false), vec![2, 0, 1]);
        assert_eq!(sorted(&by_kind.rows, Column::Kind, false), vec![2, 0, 1], "ties by name");
        assert_eq!(sorted(&by_kind.rows, Column::Kind, true), vec![1, 0, 2], "the reverse");
    }

    #[test]
    fn costs_sort_as_numbers_and_counts_tie_in_first_appearance_order() {
        let obs: Vec<Observation> = [Some(0.5), Some(0.0), Some(2.0), Some(0.25), None]
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let mut o = ob(&i.to_string(), None, &format!("n{i}"), 0, Some(1));
                o.cost.total = c;
                o
            })
            .collect();
        let table = compute(std::slice::from_ref(&build(obs)), false);
        assert_eq!(sorted(&table.rows, Column::Cost, true), vec![2, 0, 3, 1, 4], "a free call is $0, not unknown");
        assert_eq!(sorted(&table.rows, Column::Cost, false), vec![1, 3, 0, 2, 4]);
        assert_eq!(sorted(&table.rows, Column::Count, true), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn mode_words_round_trip_and_unknown_words_are_ignored() {
        assert_eq!(Mode::parse(""), Mode::default());
        assert_eq!(Mode::default().write(), "");
        let m = Mode::parse("all junk kind sort:p95 left-heavy");
        assert_eq!(m, Mode { by_kind: true, all: true, sort: Column::P95, descending: true });
        assert_eq!(m.write(), "kind all sort:p95 desc");
        assert_eq!(Mode::parse(&m.write()), m);
        let by_name = Mode::default().click(Column::Name);
        assert_eq!((by_name.sort, by_name.descending), (Column::Name, false));
        assert!(by_name.click(Column::Name).descending, "again reverses");
        assert_eq!(Mode::parse("sort:count asc"), Mode { sort: Column::Count, descending: false, ..Mode::default() });
        for (c, key, _) in COLUMNS {
            assert_eq!(Mode::parse(&format!("sort:{key}")).sort, c);
        }
    }
}
