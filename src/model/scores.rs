//! Scores as the lists show them: each trace's value per score name, score labels per observation,
//! every score name, and each name's statistics. Every pass groups scores through a hash map once,
//! so a crafted file with 100,000 distinct names costs as much as 100,000 scores of one name.
//!
//! A numeric score that is not a number (NaN, written `"NaN"` or as text that is not a number) is
//! kept and shown as `NaN`; the statistics leave it out, and the trace list sorts it after every
//! number in either direction (`tracelist::sort`).

use super::order;
use super::{Score, ScoreValue, Trace, TraceSet};
use std::collections::{HashMap, HashSet};

/// `scores` grouped by name, names in first-seen order, each group in the scores' order.
fn by_name<'a>(scores: impl IntoIterator<Item = &'a Score>) -> Vec<(&'a str, Vec<&'a Score>)> {
    let mut groups: Vec<(&'a str, Vec<&'a Score>)> = Vec::new();
    let mut at: HashMap<&'a str, usize> = HashMap::new();
    for s in scores {
        let i = match at.get(s.name.as_str()) {
            Some(&i) => i,
            None => {
                at.insert(&s.name, groups.len());
                groups.push((&s.name, Vec::new()));
                groups.len() - 1
            }
        };
        groups[i].1.push(s);
    }
    groups
}

/// The value of several scores of one name: the mean when all are numeric, else the first.
pub fn combine(scores: &[&Score]) -> Option<ScoreValue> {
    let mut sum = 0.0;
    for s in scores {
        match s.value {
            ScoreValue::Numeric(v) => sum += v,
            _ => return scores.first().map(|s| s.value.clone()),
        }
    }
    (!scores.is_empty()).then(|| ScoreValue::Numeric(sum / scores.len() as f64))
}

/// Trace-level scores by trace id and name (observation scores count for their trace too).
pub struct ScoreIndex<'a> {
    by_trace: HashMap<&'a str, Vec<&'a Score>>,
}

impl<'a> ScoreIndex<'a> {
    pub fn new(set: &'a TraceSet) -> Self {
        let mut by_trace: HashMap<&'a str, Vec<&'a Score>> = HashMap::new();
        for s in &set.scores {
            if let Some(t) = s.trace_id.as_deref() {
                by_trace.entry(t).or_default().push(s);
            }
        }
        ScoreIndex { by_trace }
    }

    pub fn of(&self, trace_id: &str) -> &[&'a Score] {
        self.by_trace.get(trace_id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The value shown in a trace's column for `name`: the mean of numeric scores, else the first.
    pub fn value(&self, trace_id: &str, name: &str) -> Option<ScoreValue> {
        let scores: Vec<&Score> = self.of(trace_id).iter().copied().filter(|s| s.name == name).collect();
        combine(&scores)
    }
}

/// Each trace's value per score name (as `ScoreIndex::value`), computed once for the whole set so
/// a list can show score columns without rescanning scores per row.
pub fn score_table(set: &TraceSet) -> HashMap<String, HashMap<String, ScoreValue>> {
    let index = ScoreIndex::new(set);
    let mut out: HashMap<String, HashMap<String, ScoreValue>> = HashMap::new();
    for (trace_id, scores) in &index.by_trace {
        let row = out.entry(trace_id.to_string()).or_default();
        for (name, group) in by_name(scores.iter().copied()) {
            if let Some(v) = combine(&group) {
                row.insert(name.to_string(), v);
            }
        }
    }
    out
}

/// Score labels ("name: value — comment") per observation index of `t`, computed once per trace so
/// tree rows and timeline frames do not scan every score. Same matching as
/// `TraceSet::observation_scores`.
pub fn observation_score_labels(set: &TraceSet, t: &Trace) -> HashMap<u32, Vec<String>> {
    // labels by observation id first: most files have no observation scores, and a trace's
    // observations are only looked up (100,000 ids hashed) when some score names one of them
    let mut wanted: HashMap<&str, Vec<String>> = HashMap::new();
    for s in &set.scores {
        let Some(oid) = s.observation_id.as_deref() else { continue };
        if s.trace_id.as_deref().is_some_and(|tid| tid != t.id) {
            continue;
        }
        let label = match &s.comment {
            Some(c) => format!("{}: {} — {c}", s.name, s.value.display()),
            None => format!("{}: {}", s.name, s.value.display()),
        };
        wanted.entry(oid).or_default().push(label);
    }
    let mut out: HashMap<u32, Vec<String>> = HashMap::new();
    if wanted.is_empty() {
        return out;
    }
    for (i, o) in t.observations.iter().enumerate() {
        if let Some(labels) = wanted.get(o.id.as_str()) {
            out.insert(i as u32, labels.clone());
        }
    }
    out
}

/// Every score name, in first-seen order.
pub fn score_names(set: &TraceSet) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    set.scores.iter().filter(|s| seen.insert(&s.name)).map(|s| s.name.clone()).collect()
}

/// Distribution of one score name across everything loaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreStats {
    pub name: String,
    pub count: usize,
    /// Data types seen: "numeric", "categorical", "boolean", "text".
    pub types: Vec<&'static str>,
    pub sources: Vec<String>,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Numeric histogram: (low, high, count), `bins` equal-width bins over [min, max].
    pub histogram: Vec<(f64, f64, usize)>,
    /// Categorical and boolean counts, most frequent first.
    pub categories: Vec<(String, usize)>,
    /// Each distinct finite number with its count, ascending, when there are at most `FEW`.
    pub values: Vec<(f64, usize)>,
    /// Each distinct text with its count, most frequent first.
    pub texts: Vec<(String, usize)>,
    /// How many distinct values: finite numbers, categories and texts.
    pub distinct: usize,
    /// The first comment, shown on hover where the score reads as one value.
    pub comment: Option<String>,
}

/// At most this many distinct numbers read as one bar each rather than as a histogram.
pub const FEW: usize = 6;

/// One distinct value of a score as a bar: what it reads, the list query that filters to it
/// (none for text with spaces, which a query cannot hold), how many scores have it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueBar {
    pub label: String,
    pub query: Option<String>,
    pub count: usize,
}

impl ScoreStats {
    /// Each distinct value as a bar, numbers ascending, then categories and texts by count;
    /// empty when the numbers are too many for bars (the histogram shows them).
    pub fn bars(&self) -> Vec<ValueBar> {
        let bar = |label: String, exact: String, count| ValueBar {
            query: (!exact.contains(char::is_whitespace)).then(|| format!("{}={exact}", self.name)),
            label,
            count,
        };
        // the query's number to 12 places: a filter's `=` matches within 1e-12, and `{v}` (the
        // shortest form) would bring float printing's other algorithm into the wasm
        let nums = self.values.iter().map(|&(v, c)| bar(trim(v), super::units::trim_zeros(format!("{v:.12}")), c));
        let rest = self.categories.iter().chain(&self.texts).map(|(t, c)| bar(t.clone(), t.clone(), *c));
        nums.chain(rest).collect()
    }
}

/// Statistics of every score name, in first-seen order. NaN and infinite values are counted but
/// left out of the numbers (mean, median, range, histogram).
pub fn score_stats(set: &TraceSet, bins: usize) -> Vec<ScoreStats> {
    by_name(&set.scores).into_iter().map(|(name, scores)| stats_of(name, &scores, bins)).collect()
}

fn stats_of(name: &str, scores: &[&Score], bins: usize) -> ScoreStats {
    let mut st = ScoreStats { name: name.to_string(), count: scores.len(), ..Default::default() };
    let mut nums: Vec<f64> = Vec::new();
    let mut cats: HashMap<String, usize> = HashMap::new();
    let mut texts: HashMap<String, usize> = HashMap::new();
    let mut sources: HashSet<&str> = HashSet::new();
    for s in scores {
        let ty = match &s.value {
            ScoreValue::Numeric(v) => {
                nums.push(*v);
                "numeric"
            }
            ScoreValue::Categorical(c) => {
                *cats.entry(c.clone()).or_insert(0) += 1;
                "categorical"
            }
            ScoreValue::Boolean(b) => {
                *cats.entry(b.to_string()).or_insert(0) += 1;
                "boolean"
            }
            ScoreValue::Text(t) => {
                *texts.entry(t.clone()).or_insert(0) += 1;
                "text"
            }
        };
        if st.comment.is_none() {
            st.comment = s.comment.clone().filter(|c| !c.is_empty());
        }
        // at most four types: a linear look-up is the cheapest
        if !st.types.contains(&ty) {
            st.types.push(ty);
        }
        if let Some(src) = &s.source {
            if sources.insert(src) {
                st.sources.push(src.clone());
            }
        }
    }
    nums.retain(|v| v.is_finite());
    if !nums.is_empty() {
        order::sort_by(&mut nums, f64::total_cmp);
        let n = nums.len();
        st.mean = Some(nums.iter().sum::<f64>() / n as f64);
        st.median = Some(if n % 2 == 1 { nums[n / 2] } else { (nums[n / 2 - 1] + nums[n / 2]) / 2.0 });
        let (lo, hi) = (nums[0], nums[n - 1]);
        st.min = Some(lo);
        st.max = Some(hi);
        let bins = bins.max(1);
        let width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
        let mut counts = vec![0usize; if hi > lo { bins } else { 1 }];
        for v in &nums {
            let b = if hi > lo { (((v - lo) / width) as usize).min(bins - 1) } else { 0 };
            counts[b] += 1;
        }
        // the distinct numbers, counted in one pass over the sorted values
        let mut runs: Vec<(f64, usize)> = Vec::new();
        for &v in &nums {
            match runs.last_mut() {
                Some((x, c)) if x.total_cmp(&v).is_eq() => *c += 1,
                _ => runs.push((v, 1)),
            }
        }
        st.distinct = runs.len();
        if runs.len() <= FEW {
            st.values = runs;
        }
        st.histogram = counts
            .into_iter()
            .enumerate()
            .map(|(i, c)| (lo + i as f64 * width, lo + (i + 1) as f64 * width, c))
            .collect();
    }
    st.categories = by_count(cats);
    st.texts = by_count(texts);
    st.distinct += st.categories.len() + st.texts.len();
    st
}

/// Values with their counts, most frequent first (then by value).
fn by_count(counts: HashMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    order::sort_by(&mut v, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// What the traces of one group of a score cost: those at or above the median and those below
/// it (numbers), or those of each category (categories, booleans).
#[derive(Debug, Clone, PartialEq)]
pub struct CostGroup {
    pub label: String,
    /// Traces of the group that have a cost.
    pub traces: usize,
    pub mean_usd: f64,
    /// Some of it is estimated from tokens × list prices.
    pub estimated: bool,
}

/// Per score name, what its traces cost by group: do better-scored runs cost more? Only traces
/// with a cost count; a name whose traces have none has no groups.
pub fn cost_groups(set: &TraceSet) -> HashMap<String, Vec<CostGroup>> {
    let table = score_table(set);
    // per name: (value, cost, estimated) of each trace with a cost
    let mut by_name: HashMap<&str, Vec<(&ScoreValue, f64, bool)>> = HashMap::new();
    for t in set.traces.iter().filter(|t| t.has_cost()) {
        let Some(values) = table.get(&t.id) else { continue };
        let estimated = t.cost_origin().is_some_and(super::pricing::Origin::has_estimate);
        for (name, v) in values {
            by_name.entry(name).or_default().push((v, t.cost_usd(), estimated));
        }
    }
    let group = |label: String, items: &[&(&ScoreValue, f64, bool)]| CostGroup {
        label,
        traces: items.len(),
        mean_usd: items.iter().map(|x| x.1).sum::<f64>() / items.len().max(1) as f64,
        estimated: items.iter().any(|x| x.2),
    };
    let mut out = HashMap::new();
    for (name, items) in by_name {
        let mut nums: Vec<f64> =
            items.iter().filter_map(|x| if let ScoreValue::Numeric(v) = x.0 { Some(*v) } else { None }).collect();
        nums.retain(|v| v.is_finite());
        let groups = if !nums.is_empty() {
            order::sort_by(&mut nums, f64::total_cmp);
            let n = nums.len();
            let median = if n % 2 == 1 { nums[n / 2] } else { (nums[n / 2 - 1] + nums[n / 2]) / 2.0 };
            let num = |x: &&(&ScoreValue, f64, bool)| match x.0 {
                ScoreValue::Numeric(v) if v.is_finite() => Some(*v),
                _ => None,
            };
            let high: Vec<_> = items.iter().filter(|x| num(x).is_some_and(|v| v >= median)).collect();
            let low: Vec<_> = items.iter().filter(|x| num(x).is_some_and(|v| v < median)).collect();
            let m = trim(median);
            [(format!("≥ {m}"), high), (format!("< {m}"), low)]
                .into_iter()
                .filter(|(_, g)| !g.is_empty())
                .map(|(l, g)| group(l, &g))
                .collect()
        } else {
            // one pass, through a map: a crafted file may hold thousands of categories
            let mut cats: HashMap<String, Vec<&(&ScoreValue, f64, bool)>> = HashMap::new();
            for x in &items {
                cats.entry(x.0.display()).or_default().push(x);
            }
            let mut groups: Vec<CostGroup> = cats.into_iter().map(|(l, g)| group(l, &g)).collect();
            order::sort_by(&mut groups, |a, b| b.traces.cmp(&a.traces).then(a.label.cmp(&b.label)));
            groups
        };
        out.insert(name.to_string(), groups);
    }
    out
}

/// A number as a score shows it: at most three decimals.
fn trim(v: f64) -> String {
    super::units::trim_zeros(format!("{v:.3}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(name: &str, trace: &str, value: ScoreValue) -> Score {
        Score {
            id: String::new(),
            name: name.into(),
            value,
            source: None,
            comment: None,
            trace_id: Some(trace.into()),
            observation_id: None,
            session_id: None,
            time_ns: None,
        }
    }

    #[test]
    fn score_table_matches_the_index() {
        let mut set = TraceSet::default();
        for v in [0.2, 0.4] {
            set.scores.push(score("q", "t", ScoreValue::Numeric(v)));
        }
        // names interleaved: a name seen again later is still one column
        set.scores.push(score("c", "t", ScoreValue::Categorical("good".into())));
        set.scores.push(score("q", "t", ScoreValue::Numeric(0.9)));
        set.scores.push(score("c", "t", ScoreValue::Categorical("bad".into())));
        let table = score_table(&set);
        assert_eq!(table["t"]["q"], ScoreValue::Numeric((0.2 + 0.4 + 0.9) / 3.0));
        assert_eq!(table["t"]["c"], ScoreValue::Categorical("good".into()), "not all numeric: the first");
        let index = ScoreIndex::new(&set);
        for name in ["q", "c"] {
            assert_eq!(index.value("t", name), Some(table["t"][name].clone()));
        }
        assert_eq!(score_names(&set), vec!["q".to_string(), "c".to_string()]);
    }

    /// Do better-scored runs cost more: the traces' costs by score group, estimates marked.
    #[test]
    fn cost_by_score_group() {
        use crate::model::{Kind, Observation, Trace};
        let trace = |id: &str, usd: Option<f64>| {
            let mut o = Observation::new("o", Kind::Generation, "o", 0);
            o.cost.total = usd;
            o.cost.estimated = (id == "d").then_some(0);
            let mut t = Trace::build(id.into(), vec![o], "f", &mut Vec::new());
            t.id = id.into();
            t
        };
        let traces = vec![trace("a", Some(1.0)), trace("b", Some(3.0)), trace("c", None), trace("d", Some(5.0))];
        let mut set = TraceSet { traces, ..TraceSet::default() };
        for (t, q, ok) in [("a", 0.2, false), ("b", 0.9, true), ("c", 0.9, true), ("d", 0.8, true)] {
            set.scores.push(score("q", t, ScoreValue::Numeric(q)));
            set.scores.push(score("ok", t, ScoreValue::Boolean(ok)));
        }
        let g = cost_groups(&set);
        let q: Vec<(&str, usize, f64, bool)> =
            g["q"].iter().map(|c| (c.label.as_str(), c.traces, c.mean_usd, c.estimated)).collect();
        // c has no cost: a, b, d count; median of 0.2, 0.9, 0.8 is 0.8
        assert_eq!(q, [("≥ 0.8", 2, 4.0, true), ("< 0.8", 1, 1.0, false)]);
        let ok: Vec<(&str, usize, f64)> = g["ok"].iter().map(|c| (c.label.as_str(), c.traces, c.mean_usd)).collect();
        assert_eq!(ok, [("true", 2, 4.0), ("false", 1, 1.0)]);
    }

    #[test]
    fn statistics_leave_out_values_that_are_not_numbers() {
        let mut set = TraceSet::default();
        for v in [f64::NAN, 3.0, f64::INFINITY, 1.0, -f64::NAN, 2.0] {
            set.scores.push(score("q", "t", ScoreValue::Numeric(v)));
        }
        let st = &score_stats(&set, 2)[0];
        assert_eq!(st.count, 6);
        assert_eq!((st.min, st.median, st.max, st.mean), (Some(1.0), Some(2.0), Some(3.0), Some(2.0)));
        assert_eq!(st.histogram, vec![(1.0, 2.0, 1), (2.0, 3.0, 2)]);
    }
}
