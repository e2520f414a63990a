//! The many-traces views' arithmetic: trace list filtering (text, level, tags, time, score
//! conditions) and sorting, content search across every trace, session summaries, score statistics.

use super::fold;
use super::order;
use super::{Level, Score, ScoreValue, Trace, TraceSet};
use std::cmp::Ordering;
use std::collections::HashMap;

pub use super::scores::{
    cost_groups, observation_score_labels, score_names, score_stats, score_table, CostGroup, ScoreIndex, ScoreStats,
};

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
/// conditions test the trace's scores; `name:"…"` keeps traces with an observation of exactly
/// that name (`filter::tokens`: quoted, spaces allowed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub words: Vec<String>,
    pub min_level: Option<Level>,
    pub tags: Vec<String>,
    pub kinds: Vec<super::Kind>,
    pub after_ns: Option<i64>,
    pub before_ns: Option<i64>,
    pub scores: Vec<ScoreCondition>,
    /// `has:loop`: traces where an agent loops (`loops::detect`).
    pub has_loop: bool,
    /// Exact observation names every kept trace contains (`name:"…"`).
    pub names: Vec<String>,
    /// `model:gpt-4o`: a model name containing it (lower-cased); a trace holds a call to it.
    pub models: Vec<String>,
}

impl ListQuery {
    pub fn parse(text: &str) -> ListQuery {
        let mut q = ListQuery::default();
        for token in super::filter::tokens(text) {
            let token = match token {
                super::filter::Token::Name(n) => {
                    q.names.push(n);
                    continue;
                }
                // a quoted model: (the graph's links) finds the traces calling it
                super::filter::Token::Model(m) => {
                    q.models.push(fold::lower(&m));
                    continue;
                }
                super::filter::Token::Word(w) => w,
            };
            let lower = fold::lower(token);
            if lower == "has:loop" || lower == "has:loops" {
                q.has_loop = true;
            } else if lower == "errors" || lower == "error" {
                q.min_level = Some(Level::Error);
            } else if let Some(l) = lower.strip_prefix("level:").and_then(Level::from_name) {
                q.min_level = Some(l);
            } else if let Some(m) = lower.strip_prefix("model:").filter(|m| !m.is_empty()) {
                q.models.push(m.to_string());
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

pub fn satisfies(v: &ScoreValue, c: &ScoreCondition) -> bool {
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
        (Some(a), Some(b)) => compare(a, c.op, b),
        _ => match c.op {
            Op::Eq => text == want,
            Op::Ne => text != want,
            _ => false,
        },
    }
}

fn compare(a: f64, op: Op, b: f64) -> bool {
    match op {
        Op::Lt => a < b,
        Op::Le => a <= b,
        Op::Gt => a > b,
        Op::Ge => a >= b,
        Op::Eq => (a - b).abs() < 1e-12,
        // NaN is no number, so it is not this one
        Op::Ne => (a - b).abs() >= 1e-12 || a.is_nan() || b.is_nan(),
    }
}

/// The trace's own figures a condition may test (`cost>0.01`, `tokens>=1000`, `errors>0`,
/// `duration>2s`):
/// `Some(None)` for a figure the trace does not have (no cost), `None` for a score's name.
fn metric(t: &super::Trace, name: &str) -> Option<Option<f64>> {
    Some(match fold::lower(name).as_str() {
        "cost" => t.has_cost().then(|| t.cost_usd()),
        "tokens" => t.totals.has_usage.then_some(t.totals.tokens as f64),
        "errors" => Some(t.totals.errors as f64),
        "observations" => Some(t.observations.len() as f64),
        "duration" => t.duration_ns().map(|d| d as f64 / 1e9),
        _ => return None,
    })
}

/// Whether a figure (`metric`'s, or an observation's: `spans::metric`) meets `c`: a figure that is
/// unknown meets no condition (`cost>0.01` never holds without a cost). `cost>$0.01` reads as
/// `cost>0.01`; times are in seconds and may carry a unit (`duration>2s`, `ttft<500ms`).
pub fn metric_holds(value: Option<f64>, c: &ScoreCondition) -> bool {
    let Some(v) = value else { return false };
    let text = c.value.trim_start_matches('$');
    let units = [("ms", 1e-3), ("µs", 1e-6), ("us", 1e-6), ("ns", 1e-9), ("s", 1.0), ("m", 60.0), ("h", 3600.0)];
    let parse = crate::model::units::parse_f64;
    let want =
        parse(text).or_else(|| units.iter().find_map(|(u, f)| text.strip_suffix(u).and_then(parse).map(|n| n * f)));
    match want {
        Some(w) => compare(v, c.op, w),
        None => satisfies(&ScoreValue::Numeric(v), c),
    }
}

/// Whether `hay` contains `lower` (lower-cased) in any case; ASCII text is compared in place,
/// without a lower-cased copy (the spans table tests a million names).
pub fn contains_ci(hay: &str, lower: &str) -> bool {
    if hay.is_ascii() && lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), lower.as_bytes());
        return n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
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
            let names_ok = q.names.iter().all(|n| t.observations.iter().any(|o| o.name == *n));
            let models_ok = q
                .models
                .iter()
                .all(|m| t.observations.iter().any(|o| o.model.as_deref().is_some_and(|x| contains_ci(x, m))));
            let time_ok = q.after_ns.is_none_or(|a| t.start_ns >= a) && q.before_ns.is_none_or(|b| t.start_ns < b);
            let scores_ok = q.scores.iter().all(|c| match metric(t, &c.name) {
                Some(value) => metric_holds(value, c),
                None => index.of(&t.id).iter().any(|s| s.name.eq_ignore_ascii_case(&c.name) && satisfies(&s.value, c)),
            });
            // last: it reads the payloads of the trace's calls
            words_ok
                && level_ok
                && tags_ok
                && kinds_ok
                && names_ok
                && models_ok
                && time_ok
                && scores_ok
                && (!q.has_loop || !super::loops::detect(t).is_empty())
        })
        .map(|(i, _)| i)
        .collect()
}

/// A sortable key for one trace and column.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Int(i128),
    Num(f64),
    Text(String),
    /// A number that is not one (a NaN score or cost).
    NotANumber,
    Missing,
}

impl Key {
    fn num(v: f64) -> Key {
        if v.is_nan() {
            Key::NotANumber
        } else {
            Key::Num(v)
        }
    }

    /// Values first, then numbers that are not numbers, then no value: in either direction.
    fn tail(&self) -> u8 {
        match self {
            Key::NotANumber => 1,
            Key::Missing => 2,
            _ => 0,
        }
    }

    /// A total order over values. A column holds one kind, except scores, which may mix numbers
    /// and text: numbers first.
    fn cmp_value(&self, other: &Key) -> Ordering {
        let rank = |k: &Key| match k {
            Key::Int(_) => 0,
            Key::Num(_) => 1,
            Key::Text(_) => 2,
            Key::NotANumber => 3,
            Key::Missing => 4,
        };
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a.cmp(b),
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

fn key(t: &Trace, col: &Column, index: &ScoreIndex) -> Key {
    match col {
        Column::Name => Key::Text(fold::lower(t.display_name())),
        Column::Start => Key::Int(t.start_ns.into()),
        Column::Duration => t.duration_ns().map(|d| Key::Int(d.into())).unwrap_or(Key::Missing),
        Column::Observations => Key::Int(t.observations.len() as i128),
        // unknown is no value, not zero: it sorts with the missing ones
        Column::Tokens if !t.totals.has_usage => Key::Missing,
        Column::Tokens => Key::Int(t.totals.tokens.into()),
        Column::Cost if !t.has_cost() => Key::Missing,
        Column::Cost => Key::num(t.cost_usd()),
        Column::Errors => Key::Int(t.totals.errors as i128),
        Column::Session => t.session_id.as_ref().map(|s| Key::Text(fold::lower(s))).unwrap_or(Key::Missing),
        Column::User => t.user_id.as_ref().map(|s| Key::Text(fold::lower(s))).unwrap_or(Key::Missing),
        Column::Tags => Key::Text(fold::lower(&t.tags.join(","))),
        Column::Score(name) => match index.value(&t.id, name) {
            Some(ScoreValue::Numeric(v)) => Key::num(v),
            Some(ScoreValue::Boolean(b)) => Key::Int(b.into()),
            Some(other) => Key::Text(fold::lower(&other.display())),
            None => Key::Missing,
        },
    }
}

/// Sorts trace indices by a column; ties keep load order. Whichever the direction, values that
/// are not numbers (a NaN score) come after every value, and missing values after them: the
/// comparison is a total order (`f64::total_cmp`), which the sort requires (it panics otherwise).
pub fn sort(set: &TraceSet, rows: &mut [usize], col: &Column, descending: bool) {
    let index = ScoreIndex::new(set);
    let mut keyed: Vec<(Key, usize)> = rows.iter().map(|&i| (key(&set.traces[i], col, &index), i)).collect();
    order::sort_by(&mut keyed, |(a, ai), (b, bi)| {
        let by_value = a.cmp_value(b);
        let by_value = if descending { by_value.reverse() } else { by_value };
        a.tail().cmp(&b.tail()).then(by_value).then(ai.cmp(bi))
    });
    for (slot, (_, i)) in rows.iter_mut().zip(keyed) {
        *slot = i;
    }
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
    let (pos, end) = if lower.is_ascii() {
        let pos = hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))?;
        (pos, pos + needle.len())
    } else {
        // offsets in lower-cased text are not offsets in `text` (a char's length can change)
        let r = fold::find_folded(text, lower).into_iter().next()?;
        (r.start, r.end)
    };
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
    /// Where the cost comes from (some turns' costs may be estimated).
    pub cost_origin: Option<super::pricing::Origin>,
    /// How much of the cost and of the tokens the turns carry.
    pub cost_known: super::known::Known,
    pub tokens_known: super::known::Known,
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
    // scores by session in one pass, not one pass over every score per session
    let mut scores: HashMap<&str, Vec<&Score>> = HashMap::new();
    for sc in &set.scores {
        if let Some(sid) = sc.session_id.as_deref() {
            scores.entry(sid).or_default().push(sc);
        }
    }
    set.sessions
        .iter()
        .map(|s| {
            let mut traces = s.traces.clone();
            order::sort_by_key(&mut traces, |&i| (set.traces[i].start_ns, i));
            let ts = || traces.iter().map(|&i| &set.traces[i]);
            let mut known = (super::known::Known::default(), super::known::Known::default());
            for t in ts() {
                known = (known.0.and(t.cost_known()), known.1.and(t.totals.tokens_known));
            }
            SessionSummary {
                id: s.id.clone(),
                user: s.user_id.clone(),
                first_ns: ts().map(|t| t.start_ns).min().unwrap_or(0),
                last_ns: ts().map(|t| t.totals.end_ns.unwrap_or(t.start_ns)).max().unwrap_or(0),
                tokens: ts().map(|t| t.totals.tokens).sum(),
                cost_usd: ts().map(|t| t.cost_usd()).sum(),
                cost_origin: ts().filter_map(|t| t.cost_origin()).reduce(super::pricing::Origin::and),
                cost_known: known.0,
                tokens_known: known.1,
                errors: ts().map(|t| t.totals.errors).sum(),
                scores: scores.get(s.id.as_str()).map(|v| v.iter().map(|&sc| sc.clone()).collect()).unwrap_or_default(),
                traces,
            }
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
    fn name_tokens_keep_traces_with_exactly_that_name() {
        let q = ListQuery::parse(r#"name:"Chat Model" errors"#);
        assert_eq!(q.names, vec!["Chat Model".to_string()]);
        assert_eq!(q.min_level, Some(Level::Error));
        let mk = |id: &str, names: &[&str]| {
            let obs = names
                .iter()
                .enumerate()
                .map(|(i, n)| super::super::Observation::new(i.to_string(), super::super::Kind::Span, *n, 0))
                .collect();
            Trace::build(id.into(), obs, "x", &mut Vec::new())
        };
        let set = TraceSet {
            traces: vec![mk("a", &["Chat Model"]), mk("b", &["Chat Model 2"]), mk("c", &["x", "Chat Model"])],
            ..TraceSet::default()
        };
        assert_eq!(filter(&set, &ListQuery::parse(&super::super::filter::name_token("Chat Model"))), vec![0, 2]);
        assert_eq!(
            filter(&set, &ListQuery::parse("chat")),
            vec![0, 1],
            "a word is a substring of the trace's name (its first root's)"
        );
    }

    #[test]
    fn snippets_keep_offsets_valid() {
        let (s, (a, b)) = snippet("Ünïcode text then the NEEDLE and more", "needle").unwrap();
        assert_eq!(&s[a..b], "NEEDLE");
        assert!(snippet("nothing here", "needle").is_none());
        // `Ⱥ` lower-cases to three bytes: the mark covers `Ⱥab` of the text, not `Ⱥabc`
        let (s, (a, b)) = snippet("xȺabcẞy", "ⱥab").unwrap();
        assert_eq!(&s[a..b], "Ⱥab");
        let (s, (a, b)) = snippet("xȺabcẞy", "cß").unwrap();
        assert_eq!(&s[a..b], "cẞ");
    }

    #[test]
    fn score_conditions_on_values_that_are_not_numbers() {
        let nan = ScoreValue::Numeric(f64::NAN);
        let c = |t: &str| condition(t).unwrap();
        assert!(satisfies(&nan, &c("q!=0.5")), "NaN is not 0.5");
        for t in ["q=0.5", "q<0.5", "q>0.5", "q<=1", "q>=0"] {
            assert!(!satisfies(&nan, &c(t)), "{t}");
        }
        assert!(satisfies(&ScoreValue::Numeric(0.4), &c("q<0.5")));
    }
}
