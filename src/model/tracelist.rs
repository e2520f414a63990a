//! The many-traces views' arithmetic: trace list filtering (text, level, tags, time, score
//! conditions) and sorting, content search across every trace, session summaries, score statistics.

use super::fold;
use super::order;
use super::{Level, Score, ScoreValue, Trace, TraceSet};
use std::collections::HashMap;

/// Columns of the trace list; `Score` columns are one per score name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Start,
    Duration,
    Observations,
    Tokens,
    Cost,
    Errors,
    Session,
    User,
    Tags,
    Score(String),
}

const FIXED_COLUMNS: [(Column, &str); 10] = [
    (Column::Name, "name"),
    (Column::Start, "start"),
    (Column::Duration, "duration"),
    (Column::Observations, "observations"),
    (Column::Tokens, "tokens"),
    (Column::Cost, "cost"),
    (Column::Errors, "errors"),
    (Column::Session, "session"),
    (Column::User, "user"),
    (Column::Tags, "tags"),
];

impl Column {
    /// The word a link uses for the column: `duration`, or `score:<name>`.
    pub fn key(&self) -> String {
        match self {
            Column::Score(n) => format!("score:{n}"),
            c => FIXED_COLUMNS.iter().find(|(f, _)| f == c).map(|(_, k)| k.to_string()).unwrap_or_default(),
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        if let Some(n) = key.strip_prefix("score:") {
            return Some(Column::Score(n.to_string()));
        }
        FIXED_COLUMNS.iter().find(|(_, k)| *k == key).map(|(c, _)| c.clone())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// `name < 0.5`, `helpfulness = unhelpful`…
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreCondition {
    pub name: String,
    pub op: Op,
    pub value: String,
}

/// A parsed trace-list filter. Words match name, id, session, user, tags; `level:error` (or
/// `errors`) keeps traces with an observation at least that severe; `tag:x`; `kind:tool` keeps
/// traces containing that kind; `after:`/`before:` take RFC 3339 dates; `name<0.5` style
/// conditions test the trace's scores.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub words: Vec<String>,
    pub min_level: Option<Level>,
    pub tags: Vec<String>,
    pub kinds: Vec<super::Kind>,
    pub after_ns: Option<i64>,
    pub before_ns: Option<i64>,
    pub scores: Vec<ScoreCondition>,
}

impl ListQuery {
    pub fn parse(text: &str) -> ListQuery {
        let mut q = ListQuery::default();
        for token in text.split_whitespace() {
            let lower = fold::lower(token);
            if lower == "errors" || lower == "error" {
                q.min_level = Some(Level::Error);
            } else if let Some(l) = lower.strip_prefix("level:").and_then(Level::from_name) {
                q.min_level = Some(l);
            } else if let Some(t) = token.strip_prefix("tag:") {
                q.tags.push(t.to_string());
            } else if let Some(k) = lower.strip_prefix("kind:").and_then(super::Kind::from_name) {
                q.kinds.push(k);
            } else if let Some(d) = lower.strip_prefix("after:").and_then(super::time::parse_rfc3339_ns) {
                q.after_ns = Some(d);
            } else if let Some(d) = lower.strip_prefix("before:").and_then(super::time::parse_rfc3339_ns) {
                q.before_ns = Some(d);
            } else if let Some(c) = condition(token) {
                q.scores.push(c);
            } else {
                q.words.push(lower);
            }
        }
        q
    }

    pub fn is_empty(&self) -> bool {
        *self == ListQuery::default()
    }
}

fn condition(token: &str) -> Option<ScoreCondition> {
    for (sym, op) in [("<=", Op::Le), (">=", Op::Ge), ("!=", Op::Ne), ("<", Op::Lt), (">", Op::Gt), ("=", Op::Eq)] {
        if let Some((name, value)) = token.split_once(sym) {
            if !name.is_empty() && !value.is_empty() && !name.contains(':') {
                return Some(ScoreCondition { name: name.to_string(), op, value: value.to_string() });
            }
        }
    }
    None
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
        let nums: Vec<f64> =
            scores.iter().filter_map(|s| if let ScoreValue::Numeric(v) = s.value { Some(v) } else { None }).collect();
        if !nums.is_empty() && nums.len() == scores.len() {
            return Some(ScoreValue::Numeric(nums.iter().sum::<f64>() / nums.len() as f64));
        }
        scores.first().map(|s| s.value.clone())
    }
}

fn satisfies(v: &ScoreValue, c: &ScoreCondition) -> bool {
    let num = match v {
        ScoreValue::Numeric(n) => Some(*n),
        ScoreValue::Boolean(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    };
    let text = fold::lower(&v.display());
    let want = fold::lower(&c.value);
    match (
        num,
        crate::model::units::parse_f64(&want).or(match want.as_str() {
            "true" => Some(1.0),
            "false" => Some(0.0),
            _ => None,
        }),
    ) {
        (Some(a), Some(b)) => match c.op {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => (a - b).abs() < 1e-12,
            Op::Ne => (a - b).abs() >= 1e-12,
        },
        _ => match c.op {
            Op::Eq => text == want,
            Op::Ne => text != want,
            _ => false,
        },
    }
}

fn contains_ci(hay: &str, lower: &str) -> bool {
    fold::lower(hay).contains(lower)
}

/// Indices of traces matching `q`, in load order.
pub fn filter(set: &TraceSet, q: &ListQuery) -> Vec<usize> {
    let index = ScoreIndex::new(set);
    set.traces
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            let words_ok = q.words.iter().all(|w| {
                contains_ci(t.display_name(), w)
                    || contains_ci(&t.id, w)
                    || t.session_id.as_deref().is_some_and(|s| contains_ci(s, w))
                    || t.user_id.as_deref().is_some_and(|s| contains_ci(s, w))
                    || t.tags.iter().any(|tag| contains_ci(tag, w))
            });
            let level_ok = q.min_level.is_none_or(|min| t.observations.iter().any(|o| o.level >= min));
            let tags_ok = q.tags.iter().all(|tag| t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag)));
            let kinds_ok = q.kinds.iter().all(|k| t.observations.iter().any(|o| o.kind == *k));
            let time_ok = q.after_ns.is_none_or(|a| t.start_ns >= a) && q.before_ns.is_none_or(|b| t.start_ns < b);
            let scores_ok = q.scores.iter().all(|c| {
                index.of(&t.id).iter().any(|s| s.name.eq_ignore_ascii_case(&c.name) && satisfies(&s.value, c))
            });
            words_ok && level_ok && tags_ok && kinds_ok && time_ok && scores_ok
        })
        .map(|(i, _)| i)
        .collect()
}

/// A sortable key for one trace and column.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Key {
    Missing,
    Num(f64),
    Text(String),
}

fn key(t: &Trace, col: &Column, index: &ScoreIndex) -> Key {
    match col {
        Column::Name => Key::Text(fold::lower(t.display_name())),
        Column::Start => Key::Num(t.start_ns as f64),
        Column::Duration => t.duration_ns().map(|d| Key::Num(d as f64)).unwrap_or(Key::Missing),
        Column::Observations => Key::Num(t.observations.len() as f64),
        Column::Tokens => Key::Num(t.totals.tokens as f64),
        Column::Cost => Key::Num(t.cost_usd()),
        Column::Errors => Key::Num(t.totals.errors as f64),
        Column::Session => t.session_id.as_ref().map(|s| Key::Text(fold::lower(s))).unwrap_or(Key::Missing),
        Column::User => t.user_id.as_ref().map(|s| Key::Text(fold::lower(s))).unwrap_or(Key::Missing),
        Column::Tags => Key::Text(fold::lower(&t.tags.join(","))),
        Column::Score(name) => match index.value(&t.id, name) {
            Some(ScoreValue::Numeric(v)) => Key::Num(v),
            Some(ScoreValue::Boolean(b)) => Key::Num(if b { 1.0 } else { 0.0 }),
            Some(other) => Key::Text(fold::lower(&other.display())),
            None => Key::Missing,
        },
    }
}

/// Sorts trace indices by a column; missing values always sort last; ties keep load order.
pub fn sort(set: &TraceSet, rows: &mut [usize], col: &Column, descending: bool) {
    let index = ScoreIndex::new(set);
    let mut keyed: Vec<(Key, usize)> = rows.iter().map(|&i| (key(&set.traces[i], col, &index), i)).collect();
    order::sort_by(&mut keyed, |(a, ai), (b, bi)| {
        let ord = match (a, b) {
            (Key::Missing, Key::Missing) => std::cmp::Ordering::Equal,
            (Key::Missing, _) => return std::cmp::Ordering::Greater,
            (_, Key::Missing) => return std::cmp::Ordering::Less,
            _ => a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal),
        };
        let ord = if descending { ord.reverse() } else { ord };
        ord.then(ai.cmp(bi))
    });
    for (slot, (_, i)) in rows.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// Each trace's value per score name (as `ScoreIndex::value`), computed once for the whole set so
/// a list can show score columns without rescanning scores per row.
pub fn score_table(set: &TraceSet) -> HashMap<String, HashMap<String, ScoreValue>> {
    let index = ScoreIndex::new(set);
    let mut out: HashMap<String, HashMap<String, ScoreValue>> = HashMap::new();
    for (trace_id, scores) in &index.by_trace {
        let mut names: Vec<&str> = scores.iter().map(|s| s.name.as_str()).collect();
        names.dedup();
        let row = out.entry(trace_id.to_string()).or_default();
        for n in names {
            if let Some(v) = index.value(trace_id, n) {
                row.insert(n.to_string(), v);
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
    let mut out: Vec<String> = Vec::new();
    for s in &set.scores {
        if !out.contains(&s.name) {
            out.push(s.name.clone());
        }
    }
    out
}

/// A content search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub trace: usize,
    pub observation: Option<u32>,
    pub field: String,
    /// Text around the match, and the match's byte range within it.
    pub snippet: String,
    pub at: (usize, usize),
}

/// Searches names, inputs, outputs and attributes of every observation of every trace (and the
/// traces' own fields); returns at most `limit` hits and the total number of hits.
pub fn search(set: &TraceSet, query: &str, limit: usize) -> (Vec<Hit>, usize) {
    let q = fold::lower(query.trim());
    let mut hits = Vec::new();
    let mut total = 0usize;
    if q.len() < 2 {
        return (hits, 0);
    }
    let mut consider = |trace: usize, observation: Option<u32>, field: &str, text: &str| {
        if let Some((snippet, at)) = snippet(text, &q) {
            total += 1;
            if hits.len() < limit {
                hits.push(Hit { trace, observation, field: field.to_string(), snippet, at });
            }
        }
    };
    for (ti, t) in set.traces.iter().enumerate() {
        consider(ti, None, "trace name", t.display_name());
        for (label, p) in [("trace input", &t.input), ("trace output", &t.output)] {
            if let Some(p) = p {
                consider(ti, None, label, p.raw());
            }
        }
        for (oi, o) in t.observations.iter().enumerate() {
            let oi = Some(oi as u32);
            consider(ti, oi, "name", &o.name);
            for (label, p) in [("input", &o.input), ("output", &o.output)] {
                if let Some(p) = p {
                    consider(ti, oi, label, p.raw());
                }
            }
            for a in &o.attributes {
                consider(ti, oi, &a.key, &a.value.display());
            }
            if let Some(m) = &o.status_message {
                consider(ti, oi, "status", m);
            }
        }
    }
    (hits, total)
}

/// ±60 characters around the first case-insensitive match of `lower` in `text`.
fn snippet(text: &str, lower: &str) -> Option<(String, (usize, usize))> {
    // ASCII-case-insensitive search over bytes keeps offsets valid without lowercasing the text
    let hay = text.as_bytes();
    let needle = lower.as_bytes();
    let pos = if lower.is_ascii() {
        hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))?
    } else {
        fold::lower(text).find(lower).filter(|p| text.is_char_boundary(*p))?
    };
    let end = (pos + needle.len()).min(text.len());
    let mut a = pos.saturating_sub(60);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 60).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    if !text.is_char_boundary(pos) || !text.is_char_boundary(end) {
        return None;
    }
    let s = text[a..b].replace(['\n', '\r'], " ");
    Some((s, (pos - a, end - a)))
}

/// One row of the session list.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    pub id: String,
    pub user: Option<String>,
    pub traces: Vec<usize>,
    pub first_ns: i64,
    pub last_ns: i64,
    pub tokens: u64,
    pub cost_usd: f64,
    pub errors: usize,
    pub scores: Vec<Score>,
}

impl SessionSummary {
    pub fn duration_ns(&self) -> i64 {
        self.last_ns.saturating_sub(self.first_ns)
    }
}

/// Session summaries, traces of each in time order.
pub fn sessions(set: &TraceSet) -> Vec<SessionSummary> {
    set.sessions
        .iter()
        .map(|s| {
            let mut traces = s.traces.clone();
            order::sort_by_key(&mut traces, |&i| (set.traces[i].start_ns, i));
            let ts = || traces.iter().map(|&i| &set.traces[i]);
            SessionSummary {
                id: s.id.clone(),
                user: s.user_id.clone(),
                first_ns: ts().map(|t| t.start_ns).min().unwrap_or(0),
                last_ns: ts().map(|t| t.totals.end_ns.unwrap_or(t.start_ns)).max().unwrap_or(0),
                tokens: ts().map(|t| t.totals.tokens).sum(),
                cost_usd: ts().map(|t| t.cost_usd()).sum(),
                errors: ts().map(|t| t.totals.errors).sum(),
                scores: set
                    .scores
                    .iter()
                    .filter(|sc| sc.session_id.as_deref() == Some(s.id.as_str()))
                    .cloned()
                    .collect(),
                traces,
            }
        })
        .collect()
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
}

pub fn score_stats(set: &TraceSet, bins: usize) -> Vec<ScoreStats> {
    score_names(set)
        .into_iter()
        .map(|name| {
            let scores: Vec<&Score> = set.scores.iter().filter(|s| s.name == name).collect();
            let mut st = ScoreStats { name, count: scores.len(), ..Default::default() };
            let mut nums: Vec<f64> = Vec::new();
            let mut cats: HashMap<String, usize> = HashMap::new();
            for s in &scores {
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
                    ScoreValue::Text(_) => "text",
                };
                if !st.types.contains(&ty) {
                    st.types.push(ty);
                }
                if let Some(src) = &s.source {
                    if !st.sources.contains(src) {
                        st.sources.push(src.clone());
                    }
                }
            }
            nums.retain(|v| v.is_finite());
            if !nums.is_empty() {
                order::sort_by(&mut nums, |a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
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
                st.histogram = counts
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (lo + i as f64 * width, lo + (i + 1) as f64 * width, c))
                    .collect();
            }
            let mut cats: Vec<(String, usize)> = cats.into_iter().collect();
            order::sort_by(&mut cats, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            st.categories = cats;
            st
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_keys_round_trip() {
        for c in FIXED_COLUMNS.iter().map(|(c, _)| c.clone()).chain([Column::Score("a b:c".into())]) {
            assert_eq!(Column::from_key(&c.key()), Some(c));
        }
        assert_eq!(Column::from_key("nope"), None);
    }

    use super::*;

    #[test]
    fn parses_conditions_and_prefixes() {
        let q = ListQuery::parse(
            "agent faithfulness<0.5 helpfulness=unhelpful tag:prod level:warning kind:tool after:2025-01-01",
        );
        assert_eq!(q.words, vec!["agent".to_string()]);
        assert_eq!(q.scores[0], ScoreCondition { name: "faithfulness".into(), op: Op::Lt, value: "0.5".into() });
        assert_eq!(q.scores[1].op, Op::Eq);
        assert_eq!(q.tags, vec!["prod".to_string()]);
        assert_eq!(q.min_level, Some(Level::Warning));
        assert!(q.after_ns.is_some());
        assert_eq!(ListQuery::parse("x>=2").scores[0].op, Op::Ge);
    }

    #[test]
    fn score_table_matches_the_index() {
        let mut set = TraceSet::default();
        for (i, v) in [0.2, 0.4].iter().enumerate() {
            set.scores.push(Score {
                id: i.to_string(),
                name: "q".into(),
                value: ScoreValue::Numeric(*v),
                source: None,
                comment: None,
                trace_id: Some("t".into()),
                observation_id: None,
                session_id: None,
                time_ns: None,
            });
        }
        let table = score_table(&set);
        assert_eq!(table["t"]["q"], ScoreValue::Numeric((0.2 + 0.4) / 2.0));
        assert_eq!(ScoreIndex::new(&set).value("t", "q"), Some(table["t"]["q"].clone()));
    }

    #[test]
    fn snippets_keep_offsets_valid() {
        let (s, (a, b)) = snippet("Ünïcode text then the NEEDLE and more", "needle").unwrap();
        assert_eq!(&s[a..b], "NEEDLE");
        assert!(snippet("nothing here", "needle").is_none());
    }
}
