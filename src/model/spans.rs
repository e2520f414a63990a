//! The spans table's arithmetic: every observation of every loaded trace as one row, filtered by
//! kind and by the trace list's grammar (`tracelist::ListQuery`, each clause tested on the
//! observation), sorted by a column, and the latency and cost spread of the rows per model.
//!
//! A row is a `(trace, observation)` pair of indices: a million rows are 8 MB and no observation
//! is ever copied. Sorting keys each row once with an `i64` (text by its rank among the distinct
//! texts, floats by their bits in `total_cmp` order) and sorts through `order`.

use super::tracelist::{contains_ci, metric_holds, satisfies, ListQuery};
use super::{fold, order, Kind, Level, Observation, Score, ScoreValue, Trace, TraceSet};
use std::collections::HashMap;

/// One row: the trace's index in the set, the observation's index in the trace.
pub type Row = (u32, u32);

/// The table's columns; `Score` columns are one per name scored on observations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Col {
    Trace,
    Name,
    Kind,
    Model,
    Start,
    Duration,
    Ttft,
    Input,
    Output,
    Cost,
    Error,
    Score(String),
}

/// The fixed columns in their order, with the word a link uses and the header's text.
pub const FIXED: [(Col, &str, &str); 11] = [
    (Col::Trace, "trace", "Trace"),
    (Col::Name, "name", "Name"),
    (Col::Kind, "kind", "Kind"),
    (Col::Model, "model", "Model"),
    (Col::Start, "start", "Start"),
    (Col::Duration, "duration", "Duration"),
    (Col::Ttft, "ttft", "First token"),
    (Col::Input, "input", "Input tok."),
    (Col::Output, "output", "Output tok."),
    (Col::Cost, "cost", "Cost"),
    (Col::Error, "error", "Error"),
];

impl Col {
    pub fn key(&self) -> String {
        match self {
            Col::Score(n) => format!("score:{n}"),
            c => FIXED.iter().find(|f| f.0 == *c).map(|f| f.1.to_string()).unwrap_or_default(),
        }
    }

    pub fn from_key(key: &str) -> Option<Col> {
        if let Some(n) = key.strip_prefix("score:") {
            return Some(Col::Score(n.to_string()));
        }
        FIXED.iter().find(|f| f.1 == key).map(|f| f.0.clone())
    }

    /// Text columns sort A→Z first; figures largest first.
    pub fn descends_first(&self) -> bool {
        !matches!(self, Col::Trace | Col::Name | Col::Kind | Col::Model | Col::Start)
    }
}

/// The table's columns: the fixed ones, then one per name scored on observations.
pub fn columns(set: &TraceSet) -> Vec<Col> {
    let mut cols: Vec<Col> = FIXED.iter().map(|f| f.0.clone()).collect();
    cols.extend(ObsScores::new(set).names.into_iter().map(Col::Score));
    cols
}

/// The kind chip's word: `llm` for generations, else the kind's label.
pub fn kind_key(k: Kind) -> &'static str {
    if k == Kind::Generation {
        "llm"
    } else {
        k.label()
    }
}

/// What the table shows, as kept in the link's `mode=`: `llm/-duration model:gpt cost>0.01`
/// (kind, sort column with `-` for descending, then the filter). A mode of another view (the
/// flame graph's) is not one: it reads as the default.
#[derive(Debug, Clone, PartialEq)]
pub struct Mode {
    pub kind: Option<Kind>,
    pub sort: Col,
    pub desc: bool,
    pub query: String,
}

impl Default for Mode {
    fn default() -> Self {
        Mode { kind: None, sort: Col::Start, desc: false, query: String::new() }
    }
}

impl Mode {
    pub fn parse(text: &str) -> Mode {
        let text = text.trim_start();
        let (head, query) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let Some((kind, sort)) = head.split_once('/') else { return Mode::default() };
        let kind = match kind {
            "all" => None,
            k => match Kind::from_name(k) {
                Some(k) => Some(k),
                None => return Mode::default(),
            },
        };
        let (desc, sort) = sort.strip_prefix('-').map_or((false, sort), |s| (true, s));
        let Some(sort) = Col::from_key(sort) else { return Mode::default() };
        Mode { kind, sort, desc, query: query.trim_start().to_string() }
    }

    /// The link's text; empty for the default.
    pub fn text(&self) -> String {
        if *self == Mode::default() {
            return String::new();
        }
        let kind = self.kind.map_or("all", kind_key);
        let sign = if self.desc { "-" } else { "" };
        let out = format!("{kind}/{sign}{}", self.sort.key());
        if self.query.is_empty() {
            out
        } else {
            out + " " + &self.query
        }
    }
}

/// How many observations of each kind are loaded, in `Kind::ALL`'s order, kinds present only.
pub fn kind_counts(set: &TraceSet) -> Vec<(Kind, usize)> {
    let mut n = [0usize; Kind::ALL.len()];
    for t in &set.traces {
        for o in &t.observations {
            n[o.kind as usize] += 1;
        }
    }
    Kind::ALL.iter().zip(n).filter(|(_, c)| *c > 0).map(|(k, c)| (*k, c)).collect()
}

pub fn get(set: &TraceSet, (t, o): Row) -> Option<(&Trace, &Observation)> {
    let t = set.traces.get(t as usize)?;
    Some((t, t.observations.get(o as usize)?))
}

/// Time to first token: from the start to the first token, for a streamed call that has one.
pub fn ttft_ns(o: &Observation) -> Option<i64> {
    o.completion_start_ns.map(|c| c.saturating_sub(o.start_ns).max(0))
}

/// Scores given to observations, by observation id (most files have none: then nothing is
/// looked up per row).
#[derive(Default)]
pub struct ObsScores<'a> {
    by_id: HashMap<&'a str, Vec<&'a Score>>,
    /// Every name scored on an observation, in first-seen order.
    pub names: Vec<String>,
}

impl<'a> ObsScores<'a> {
    pub fn new(set: &'a TraceSet) -> Self {
        let mut s = ObsScores::default();
        for sc in &set.scores {
            let Some(oid) = sc.observation_id.as_deref() else { continue };
            s.by_id.entry(oid).or_default().push(sc);
            if !s.names.contains(&sc.name) {
                s.names.push(sc.name.clone());
            }
        }
        s
    }

    /// The scores of `o` in trace `t` (a score naming another trace is not its).
    pub fn of(&self, t: &Trace, o: &Observation) -> Vec<&'a Score> {
        let all = self.by_id.get(o.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        all.iter().copied().filter(|s| s.trace_id.as_deref().is_none_or(|id| id == t.id)).collect()
    }

    /// The value shown in `name`'s column: the mean of numeric scores, else the first.
    pub fn value(&self, t: &Trace, o: &Observation, name: &str) -> Option<ScoreValue> {
        if self.by_id.is_empty() {
            return None;
        }
        let of: Vec<&Score> = self.of(t, o).into_iter().filter(|s| s.name == name).collect();
        super::scores::combine(&of)
    }
}

/// An observation's own figures a condition may test (`cost>0.01`, `duration>2s`, `ttft<1s`,
/// `tokens>1000`, `input>`, `output>`, `errors>0`): `Some(None)` when it has no such figure,
/// `None` for a score's name.
pub fn metric(o: &Observation, name: &str) -> Option<Option<f64>> {
    let secs = |ns: Option<i64>| ns.map(|n| n as f64 / 1e9);
    Some(match fold::lower(name).as_str() {
        "cost" => o.cost.total,
        "tokens" => (!o.usage.is_empty()).then(|| o.usage.total_tokens() as f64),
        "input" => o.usage.input.map(|n| n as f64),
        "output" => o.usage.output.map(|n| n as f64),
        "duration" | "latency" => secs(o.duration_ns()),
        "ttft" => secs(ttft_ns(o)),
        "errors" | "error" => Some(f64::from(u8::from(o.level == Level::Error))),
        _ => return None,
    })
}

/// The rows of `kind` (all when `None`) matching `q`, in load order. Each clause of the trace
/// list's grammar tests the observation: words its name, model, tool, id or its trace's name;
/// `level:`, `kind:`, `model:`, `after:`/`before:` and figures its own; `tag:` and `has:loop`
/// its trace.
pub fn rows(set: &TraceSet, kind: Option<Kind>, q: &ListQuery, scores: &ObsScores) -> Vec<Row> {
    let mut out = Vec::new();
    for (ti, t) in set.traces.iter().enumerate() {
        let trace_ok = q.tags.iter().all(|tag| t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag)))
            && (!q.has_loop || !super::loops::detect(t).is_empty());
        if !trace_ok {
            continue;
        }
        let tname = t.display_name();
        for (oi, o) in t.observations.iter().enumerate() {
            if kind.is_some_and(|k| o.kind != k) || !matches(t, tname, o, q, scores) {
                continue;
            }
            out.push((ti as u32, oi as u32));
        }
    }
    out
}

fn matches(t: &Trace, tname: &str, o: &Observation, q: &ListQuery, scores: &ObsScores) -> bool {
    let model = o.model.as_deref();
    q.min_level.is_none_or(|min| o.level >= min)
        && (q.kinds.is_empty() || q.kinds.contains(&o.kind))
        && q.models.iter().all(|m| model.is_some_and(|x| contains_ci(x, m)))
        && q.after_ns.is_none_or(|a| o.start_ns >= a)
        && q.before_ns.is_none_or(|b| o.start_ns < b)
        && q.words.iter().all(|w| {
            contains_ci(&o.name, w)
                || model.is_some_and(|m| contains_ci(m, w))
                || o.tool_name.as_deref().is_some_and(|n| contains_ci(n, w))
                || contains_ci(&o.id, w)
                || contains_ci(tname, w)
        })
        && q.scores.iter().all(|c| match metric(o, &c.name) {
            Some(value) => metric_holds(value, c),
            None => scores.of(t, o).iter().any(|s| s.name.eq_ignore_ascii_case(&c.name) && satisfies(&s.value, c)),
        })
}

/// A float as an `i64` in `f64::total_cmp`'s order.
fn ord_f64(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

/// Each distinct text's rank in case-folded order: text columns sort by a number. (`dyn`: one
/// copy in the wasm for the five columns that call it.)
fn ranks<'a>(texts: &mut dyn Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut at: HashMap<&'a str, usize> = HashMap::new();
    for s in texts {
        at.entry(s).or_insert(0);
    }
    let mut distinct: Vec<(String, &'a str)> = at.keys().map(|s| (fold::lower(s), *s)).collect();
    order::sort_by(&mut distinct, |a, b| a.cmp(b));
    for (r, (_, s)) in distinct.into_iter().enumerate() {
        at.insert(s, r);
    }
    at
}

/// Numbers first, then texts (a score column may mix them), then numbers that are not numbers
/// (a NaN score), then no value: whichever the direction.
const VALUE: u8 = 0;
const TEXT: u8 = 1;
const NAN: u8 = 2;
const MISSING: u8 = 3;

fn num(v: Option<f64>) -> (u8, i64) {
    match v {
        Some(v) if v.is_nan() => (NAN, 0),
        Some(v) => (VALUE, ord_f64(v)),
        None => (MISSING, 0),
    }
}

fn int(v: Option<i64>) -> (u8, i64) {
    v.map_or((MISSING, 0), |v| (VALUE, v))
}

fn is_text(v: &ScoreValue) -> bool {
    matches!(v, ScoreValue::Categorical(_) | ScoreValue::Text(_))
}

/// Sorts `rows` by `col`; ties keep their order. Whichever the direction, rows without a value
/// come last (unknown is not zero: a call with no cost is not the cheapest).
pub fn sort(set: &TraceSet, rows: &mut [Row], col: &Col, desc: bool, scores: &ObsScores) {
    let pairs = || rows.iter().filter_map(|&r| get(set, r));
    let values: Vec<Option<ScoreValue>> = match col {
        Col::Score(name) => rows.iter().map(|&r| get(set, r).and_then(|(t, o)| scores.value(t, o, name))).collect(),
        _ => Vec::new(),
    };
    let texts: Vec<String> = values.iter().flatten().filter(|v| is_text(v)).map(ScoreValue::display).collect();
    let text_rank = match col {
        Col::Trace => ranks(&mut pairs().map(|(t, _)| t.display_name())),
        Col::Name => ranks(&mut pairs().map(|(_, o)| o.name.as_str())),
        Col::Kind => ranks(&mut pairs().map(|(_, o)| o.kind.label())),
        Col::Model => ranks(&mut pairs().filter_map(|(_, o)| o.model.as_deref())),
        _ => ranks(&mut texts.iter().map(String::as_str)),
    };
    let rank = |s: &str| text_rank.get(s).map(|&r| r as i64);
    let mut keyed: Vec<(u8, i64, Row)> = Vec::with_capacity(rows.len());
    for (i, &r) in rows.iter().enumerate() {
        let Some((t, o)) = get(set, r) else {
            keyed.push((MISSING, 0, r));
            continue;
        };
        let (tail, key) = match col {
            Col::Trace => int(rank(t.display_name())),
            Col::Name => int(rank(&o.name)),
            Col::Kind => int(rank(o.kind.label())),
            Col::Model => int(o.model.as_deref().and_then(rank)),
            Col::Start => (VALUE, o.start_ns),
            Col::Duration => int(o.duration_ns()),
            Col::Ttft => int(ttft_ns(o)),
            Col::Input => int(o.usage.input.map(|n| n.min(i64::MAX as u64) as i64)),
            Col::Output => int(o.usage.output.map(|n| n.min(i64::MAX as u64) as i64)),
            Col::Cost => num(o.cost.total),
            Col::Error => (VALUE, o.level as i64),
            Col::Score(_) => match values.get(i).cloned().flatten() {
                Some(ScoreValue::Numeric(v)) => num(Some(v)),
                Some(ScoreValue::Boolean(b)) => num(Some(f64::from(u8::from(b)))),
                Some(v) => (TEXT, rank(&v.display()).unwrap_or(0)),
                None => (MISSING, 0),
            },
        };
        keyed.push((tail, key, r));
    }
    order::sort_by(&mut keyed, |a, b| {
        let by = a.1.cmp(&b.1);
        a.0.cmp(&b.0).then(if desc { by.reverse() } else { by })
    });
    for (slot, (_, _, r)) in rows.iter_mut().zip(keyed) {
        *slot = r;
    }
}

/// The spread of some values: count, extremes and quartiles (nearest rank).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spread {
    pub n: usize,
    pub min: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub max: f64,
}

impl Spread {
    fn of(mut v: Vec<f64>) -> Option<Spread> {
        v.retain(|x| x.is_finite());
        order::sort_by(&mut v, f64::total_cmp);
        let at = |p: usize| v.get((v.len().saturating_sub(1) * p).div_ceil(100)).copied().unwrap_or(0.0);
        (!v.is_empty()).then(|| Spread {
            n: v.len(),
            min: at(0),
            p25: at(25),
            median: at(50),
            p75: at(75),
            max: at(100),
        })
    }
}

/// One model's calls among the rows: how many, their durations (seconds) and known costs (USD).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpread {
    pub model: String,
    pub calls: usize,
    pub duration: Option<Spread>,
    pub cost: Option<Spread>,
}

/// The spread of latency and cost per model over `rows` (rows without a model are left out), the
/// `limit` models with most calls first. Costs count only calls that carry one.
pub fn by_model(set: &TraceSet, rows: &[Row], limit: usize) -> Vec<ModelSpread> {
    // a map of a type the app already has, to a position (each new map type is more wasm)
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, usize, Vec<f64>, Vec<f64>)> = Vec::new();
    for &r in rows {
        let Some((_, o)) = get(set, r) else { continue };
        let Some(m) = o.model.as_deref() else { continue };
        let i = *at.entry(m).or_insert_with(|| {
            groups.push((m, 0, Vec::new(), Vec::new()));
            groups.len() - 1
        });
        let g = &mut groups[i];
        g.1 += 1;
        g.2.extend(o.duration_ns().map(|d| d as f64 / 1e9));
        g.3.extend(o.cost.total);
    }
    let mut out: Vec<ModelSpread> = groups
        .into_iter()
        .map(|(m, calls, d, c)| ModelSpread {
            model: m.to_string(),
            calls,
            duration: Spread::of(d),
            cost: Spread::of(c),
        })
        .collect();
    order::sort_by(&mut out, |a, b| b.calls.cmp(&a.calls).then_with(|| a.model.cmp(&b.model)));
    out.truncate(limit);
    out
}

/// Where `v` falls on a log scale from `lo` to `hi`, in percent (0 at or below `lo`): latencies
/// and costs span orders of magnitude.
pub fn log_pos(v: f64, lo: f64, hi: f64) -> f64 {
    if lo > 0.0 && hi > lo && v > lo {
        ((v.ln() - lo.ln()) / (hi.ln() - lo.ln()) * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// The smallest positive and the largest value of the spreads: a chart's shared scale.
pub fn scale<'a>(spreads: impl Iterator<Item = &'a Spread>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for s in spreads {
        for v in [s.min, s.p25] {
            if v > 0.0 {
                lo = lo.min(v);
            }
        }
        hi = hi.max(s.max);
    }
    if lo.is_finite() {
        (lo.min(hi), hi)
    } else {
        (0.0, hi)
    }
}

#[cfg(test)]
#[path = "spans_tests.rs"]
mod tests;
