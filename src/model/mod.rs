//! The in-memory trace model: TraceSet → Trace → Observation, plus Score and Session. Pure Rust.

pub mod breakdown;
pub mod compare;
pub mod facts;
pub mod filter;
pub mod flame;
pub mod fold;
pub mod graph;
pub mod hash;
pub mod json_tree;
pub mod key;
pub mod known;
pub mod layout;
pub mod logs;
pub mod loops;
pub mod markdown;
pub mod merge;
pub mod messages;
pub mod order;
pub mod payload;
pub mod pricing;
pub mod scores;
pub mod spans;
pub mod stats;
pub mod time;
pub mod timeline;
pub mod tracelist;
pub mod transcript;
pub mod tree;
pub mod units;
pub mod warning;

pub use payload::{Decoded, Payload};
pub use tree::{Totals, Tree};
pub use warning::{Warning, WarningKind, WarningLevel};

/// What an observation is. Mapped from every source's own vocabulary at import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Span,
    Generation,
    Event,
    Agent,
    Tool,
    Chain,
    Retriever,
    Embedding,
    Evaluator,
    Guardrail,
    Reranker,
    Prompt,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Span,
        Kind::Generation,
        Kind::Event,
        Kind::Agent,
        Kind::Tool,
        Kind::Chain,
        Kind::Retriever,
        Kind::Embedding,
        Kind::Evaluator,
        Kind::Guardrail,
        Kind::Reranker,
        Kind::Prompt,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Span => "span",
            Kind::Generation => "generation",
            Kind::Event => "event",
            Kind::Agent => "agent",
            Kind::Tool => "tool",
            Kind::Chain => "chain",
            Kind::Retriever => "retriever",
            Kind::Embedding => "embedding",
            Kind::Evaluator => "evaluator",
            Kind::Guardrail => "guardrail",
            Kind::Reranker => "reranker",
            Kind::Prompt => "prompt",
        }
    }

    /// Reads the names used by Langfuse (`GENERATION`), OpenInference (`LLM`) and others.
    pub fn from_name(name: &str) -> Option<Kind> {
        let mut buf = [0; 16];
        let k = match upper_ascii(name, &mut buf)? {
            b"SPAN" | b"UNKNOWN" | b"INTERNAL" => Kind::Span,
            b"GENERATION" | b"LLM" | b"CHAT" => Kind::Generation,
            b"EVENT" => Kind::Event,
            b"AGENT" => Kind::Agent,
            b"TOOL" => Kind::Tool,
            b"CHAIN" => Kind::Chain,
            b"RETRIEVER" | b"RETRIEVAL" => Kind::Retriever,
            b"EMBEDDING" => Kind::Embedding,
            b"EVALUATOR" => Kind::Evaluator,
            b"GUARDRAIL" => Kind::Guardrail,
            b"RERANKER" => Kind::Reranker,
            b"PROMPT" => Kind::Prompt,
            _ => return None,
        };
        Some(k)
    }

    /// Kinds whose usage is a model call of their own, as opposed to a roll-up of children.
    pub fn is_model_call(self) -> bool {
        matches!(self, Kind::Generation | Kind::Embedding)
    }
}

/// `name` trimmed and upper-cased into `buf`, without an allocation (read for every span);
/// `None` when longer than any name it is compared with.
fn upper_ascii<'b>(name: &str, buf: &'b mut [u8; 16]) -> Option<&'b [u8]> {
    let t = name.trim().as_bytes();
    let out = buf.get_mut(..t.len())?;
    for (o, b) in out.iter_mut().zip(t) {
        *o = b.to_ascii_uppercase();
    }
    Some(out)
}

/// Severity, ordered so that `max` gives the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Level {
    Debug,
    #[default]
    Default,
    Warning,
    Error,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Default => "default",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Level> {
        let mut buf = [0; 16];
        match upper_ascii(name, &mut buf)? {
            b"DEBUG" => Some(Level::Debug),
            b"DEFAULT" | b"INFO" | b"OK" | b"UNSET" => Some(Level::Default),
            b"WARNING" | b"WARN" => Some(Level::Warning),
            b"ERROR" => Some(Level::Error),
            _ => None,
        }
    }
}

/// Token counts. `details` keeps every other key a source reports (cache reads, reasoning, audio…).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub total: Option<u64>,
    pub details: Vec<(String, u64)>,
}

impl Usage {
    pub fn is_empty(&self) -> bool {
        self.input.is_none() && self.output.is_none() && self.total.is_none() && self.details.is_empty()
    }

    /// The total a source reported, or input + output when it reported only those.
    pub fn total_tokens(&self) -> u64 {
        self.total.unwrap_or_else(|| self.input.unwrap_or(0).saturating_add(self.output.unwrap_or(0)))
    }
}

/// Cost in USD. `details` keeps the per-key breakdown (input, output, cache…) when a source has one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cost {
    pub total: Option<f64>,
    pub details: Vec<(String, f64)>,
    /// Set when Canopy estimated this cost from the tokens and the price table's entry at this
    /// position (`pricing`); `None` for a cost the source reported, which always wins.
    pub estimated: Option<u32>,
}

impl Cost {
    pub fn is_empty(&self) -> bool {
        self.total.is_none() && self.details.is_empty()
    }

    /// A cost the source reported (not one Canopy estimated).
    pub fn is_reported(&self) -> bool {
        !self.is_empty() && self.estimated.is_none()
    }

    pub fn total_usd(&self) -> f64 {
        self.total.unwrap_or(0.0)
    }
}

/// A point in time on an observation: span events, log lines, exceptions, first token.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: String,
    pub time_ns: i64,
    pub attributes: Vec<Attribute>,
}

impl Event {
    pub fn is_exception(&self) -> bool {
        self.name.eq_ignore_ascii_case("exception")
    }
}

/// A key with a value as the source typed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: key::Key,
    pub value: AttrValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Str(String),
    /// Kept as text so integers beyond i64/2^53 are not rounded.
    Int(String),
    Float(f64),
    Bool(bool),
    /// Binary values, shown as the base64 they arrived in.
    Bytes(String),
    Array(Vec<AttrValue>),
    Map(Vec<Attribute>),
    /// A JSON value kept raw (Langfuse metadata entries).
    Json(Payload),
}

impl AttrValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            AttrValue::Int(s) | AttrValue::Str(s) => s.trim().parse::<u64>().ok(),
            AttrValue::Float(f) if *f >= 0.0 && f.fract() == 0.0 => Some(*f as u64),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            AttrValue::Int(s) | AttrValue::Str(s) => units::parse_f64(s),
            AttrValue::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// One-line text for tables.
    pub fn display(&self) -> String {
        match self {
            AttrValue::Str(s) | AttrValue::Int(s) | AttrValue::Bytes(s) => s.clone(),
            AttrValue::Float(f) => f.to_string(),
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Json(p) => p.as_text(),
            AttrValue::Array(items) => {
                let parts: Vec<String> = items.iter().map(|v| v.display()).collect();
                format!("[{}]", parts.join(", "))
            }
            AttrValue::Map(entries) => {
                let parts: Vec<String> = entries.iter().map(|a| format!("{}: {}", a.key, a.value.display())).collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }
}

/// A retrieved document (OpenInference `retrieval.documents.N.document.*`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub id: Option<String>,
    pub content: Option<String>,
    pub score: Option<f64>,
    pub metadata: Option<String>,
}

/// One step of a trace: an LLM call, a tool call, a retrieval, an agent or chain step…
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The id as the source wrote it, never rewritten.
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: Kind,
    pub name: String,
    pub start_ns: i64,
    /// `None` while still running (or when the source never wrote an end).
    pub end_ns: Option<i64>,
    /// Time the first token arrived, for streaming generations.
    pub completion_start_ns: Option<i64>,
    pub input: Option<Payload>,
    pub output: Option<Payload>,
    pub model: Option<key::Key>,
    pub model_parameters: Option<Payload>,
    pub usage: Usage,
    pub cost: Cost,
    pub level: Level,
    pub status_message: Option<String>,
    pub tool_name: Option<String>,
    pub documents: Vec<Document>,
    pub events: Vec<Event>,
    pub attributes: Vec<Attribute>,
}

impl Observation {
    pub fn new(id: impl Into<String>, kind: Kind, name: impl Into<String>, start_ns: i64) -> Self {
        Observation {
            id: id.into(),
            parent_id: None,
            kind,
            name: name.into(),
            start_ns,
            end_ns: None,
            completion_start_ns: None,
            input: None,
            output: None,
            model: None,
            model_parameters: None,
            usage: Usage::default(),
            cost: Cost::default(),
            level: Level::Default,
            status_message: None,
            tool_name: None,
            documents: Vec::new(),
            events: Vec::new(),
            attributes: Vec::new(),
        }
    }

    /// Never negative: an end written before the start counts as an instant (the tree warns).
    pub fn duration_ns(&self) -> Option<i64> {
        self.end_ns.map(|e| e.saturating_sub(self.start_ns).max(0))
    }

    pub fn attribute(&self, key: &str) -> Option<&AttrValue> {
        self.attributes.iter().find(|a| a.key == key).map(|a| &a.value)
    }
}

/// Score values of every type a platform records.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreValue {
    Numeric(f64),
    Categorical(String),
    Boolean(bool),
    /// Free text, including Langfuse's CORRECTION scores (a corrected output).
    Text(String),
}

impl ScoreValue {
    pub fn display(&self) -> String {
        match self {
            ScoreValue::Numeric(v) => {
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    format!("{}", *v as i64)
                } else {
                    format!("{v:.3}").trim_end_matches('0').to_string()
                }
            }
            ScoreValue::Categorical(s) | ScoreValue::Text(s) => s.clone(),
            ScoreValue::Boolean(b) => b.to_string(),
        }
    }
}

/// An evaluation attached to a trace, an observation or a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub id: String,
    pub name: String,
    pub value: ScoreValue,
    /// Who scored: `EVAL` (LLM judge), `ANNOTATION` (a person), `API` (code)…
    pub source: Option<String>,
    pub comment: Option<String>,
    pub trace_id: Option<String>,
    pub observation_id: Option<String>,
    pub session_id: Option<String>,
    pub time_ns: Option<i64>,
}

/// One trace: its observations as imported, and the tree and totals built from them.
#[derive(Debug, Clone)]
pub struct Trace {
    pub id: String,
    pub name: Option<String>,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub tags: Vec<String>,
    pub input: Option<Payload>,
    pub output: Option<Payload>,
    pub attributes: Vec<Attribute>,
    /// The trace's own timestamp when the source has one (Langfuse), else the earliest observation.
    pub start_ns: i64,
    pub observations: Vec<Observation>,
    pub tree: Tree,
    pub totals: Totals,
    /// The total cost the producing platform reported for the trace (Langfuse `totalCost`): where
    /// present it is the truth, since the file may not hold every observation the platform priced.
    pub reported_cost_usd: Option<f64>,
    /// The file or address this trace came from.
    pub source: String,
}

impl Trace {
    /// Builds the tree and totals; warnings about the structure are appended to `warnings`.
    pub fn build(id: String, mut observations: Vec<Observation>, source: &str, warnings: &mut Vec<Warning>) -> Trace {
        // grown by doubling while reading: the spare half of a large trace is not kept
        observations.shrink_to_fit();
        let tree = Tree::build(&observations, &id, source, warnings);
        let totals = Totals::compute(&observations, &tree);
        let start_ns = totals.start_ns.unwrap_or(0);
        Trace {
            id,
            name: None,
            session_id: None,
            user_id: None,
            tags: Vec::new(),
            input: None,
            output: None,
            attributes: Vec::new(),
            start_ns,
            observations,
            tree,
            totals,
            reported_cost_usd: None,
            source: source.to_string(),
        }
    }

    /// Total cost: the platform's own figure where it reported one, else the roll-up.
    pub fn cost_usd(&self) -> f64 {
        self.reported_cost_usd.unwrap_or(self.totals.cost_usd)
    }

    pub fn has_cost(&self) -> bool {
        self.reported_cost_usd.is_some() || self.totals.has_cost
    }

    /// How much of `cost_usd` is known. A platform's reported total is a sum of the costs it had:
    /// where the observations show which calls carry one, they say how much it covers (the same
    /// trace reads the same from every API); with no observation's cost loaded, all of it.
    pub fn cost_known(&self) -> known::Known {
        match self.reported_cost_usd {
            Some(_) if !self.totals.cost_known.carried => known::Known::all(self.totals.cost_known.calls),
            _ => self.totals.cost_known,
        }
    }

    fn first_root(&self) -> Option<&Observation> {
        self.tree.roots.first().and_then(|&r| self.observations.get(r as usize))
    }

    /// The trace's input: its own (Langfuse has one), else its first root's.
    pub fn input_payload(&self) -> Option<&Payload> {
        self.input.as_ref().or_else(|| self.first_root().and_then(|o| o.input.as_ref()))
    }

    /// The trace's output: its own, else its first root's.
    pub fn output_payload(&self) -> Option<&Payload> {
        self.output.as_ref().or_else(|| self.first_root().and_then(|o| o.output.as_ref()))
    }

    /// Display name: its own, else its first root's, else its id.
    pub fn display_name(&self) -> &str {
        if let Some(n) = self.name.as_deref().filter(|n| !n.is_empty()) {
            return n;
        }
        self.tree
            .roots
            .first()
            .and_then(|&r| self.observations.get(r as usize))
            .map(|o| o.name.as_str())
            .unwrap_or(self.id.as_str())
    }

    pub fn duration_ns(&self) -> Option<i64> {
        self.totals
            .end_ns
            .map(|e| e.saturating_sub(self.start_ns.min(self.totals.start_ns.unwrap_or(self.start_ns))).max(0))
    }
}

/// A conversation: traces sharing a session id.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: String,
    pub user_id: Option<String>,
    /// Indices into `TraceSet::traces`.
    pub traces: Vec<usize>,
}

/// Everything loaded: the root of the model, built once per load and read-only after.
#[derive(Debug, Clone, Default)]
pub struct TraceSet {
    pub traces: Vec<Trace>,
    pub scores: Vec<Score>,
    pub sessions: Vec<Session>,
    pub warnings: Vec<Warning>,
    /// Log records whose span is not loaded yet (`logs`): a merge that brings it joins them.
    pub pending_logs: Vec<logs::PendingLog>,
}

impl TraceSet {
    /// Groups traces by session id, in order of first appearance.
    pub fn rebuild_sessions(&mut self) {
        let mut sessions: Vec<Session> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, t) in self.traces.iter().enumerate() {
            let Some(sid) = t.session_id.as_ref() else {
                continue;
            };
            let at = *index.entry(sid.clone()).or_insert_with(|| {
                sessions.push(Session { id: sid.clone(), user_id: None, traces: Vec::new() });
                sessions.len() - 1
            });
            let s = &mut sessions[at];
            s.traces.push(i);
            if s.user_id.is_none() {
                s.user_id = t.user_id.clone();
            }
        }
        self.sessions = sessions;
    }

    pub fn observation_count(&self) -> usize {
        self.traces.iter().map(|t| t.observations.len()).sum()
    }

    /// Scores attached to this trace (directly, not to one of its observations).
    pub fn trace_scores<'a>(&'a self, trace: &'a Trace) -> impl Iterator<Item = &'a Score> + 'a {
        self.scores.iter().filter(move |s| s.trace_id.as_deref() == Some(&trace.id) && s.observation_id.is_none())
    }

    pub fn observation_scores<'a>(
        &'a self,
        trace: &'a Trace,
        obs: &'a Observation,
    ) -> impl Iterator<Item = &'a Score> + 'a {
        self.scores.iter().filter(move |s| {
            s.observation_id.as_deref() == Some(&obs.id) && s.trace_id.as_deref().is_none_or(|t| t == trace.id)
        })
    }
}
