//! Canopy's own format: a versioned JSON document of a whole TraceSet that loads back exactly.
//! Schema in docs/format.md. The writer lives here too, so the two can never drift apart.

use super::{shape_error, Format, ImportError};
use crate::model::key::Key;
use crate::model::{
    AttrValue, Attribute, Cost, Document, Event, Kind, Level, Observation, Payload, Score, ScoreValue, Trace, TraceSet,
    Usage,
};
use crate::model::{Warning, WarningKind};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The version this build writes; it reads every version up to it.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Doc {
    canopy: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    traces: Vec<WTrace>,
    #[serde(default)]
    scores: Vec<WScore>,
}

/// Nanosecond times are written as decimal strings: exact in every JSON reader, JavaScript included.
mod ns {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let t = String::deserialize(d)?;
        t.parse().map_err(serde::de::Error::custom)
    }
}

mod ns_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&v.to_string()),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(t) => t.parse().map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct WTrace {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(with = "ns")]
    start_ns: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<WAttr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reported_cost_usd: Option<f64>,
    #[serde(default)]
    source: String,
    observations: Vec<WObs>,
}

#[derive(Serialize, Deserialize)]
struct WObs {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    kind: String,
    name: String,
    #[serde(with = "ns")]
    start_ns: i64,
    #[serde(default, with = "ns_opt", skip_serializing_if = "Option::is_none")]
    end_ns: Option<i64>,
    #[serde(default, with = "ns_opt", skip_serializing_if = "Option::is_none")]
    completion_start_ns: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<Key>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model_parameters: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    usage: Option<WUsage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cost: Option<WCost>,
    level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tool_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    documents: Vec<WDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    events: Vec<WEvent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<WAttr>,
}

#[derive(Serialize, Deserialize)]
struct WUsage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total: Option<u64>,
    /// Ordered pairs, so the order a source reported them in survives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    details: Vec<(String, u64)>,
}

#[derive(Serialize, Deserialize)]
struct WCost {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    details_usd: Vec<(String, f64)>,
}

#[derive(Serialize, Deserialize)]
struct WDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct WEvent {
    name: String,
    #[serde(with = "ns")]
    time_ns: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<WAttr>,
}

#[derive(Serialize, Deserialize)]
struct WAttr {
    key: String,
    value: WValue,
}

/// A typed attribute value: exactly one key says the type.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum WValue {
    Str(String),
    Int(String),
    Float(f64),
    Bool(bool),
    Bytes(String),
    Array(Vec<WValue>),
    Map(Vec<WAttr>),
    Json(Box<RawValue>),
}

#[derive(Serialize, Deserialize)]
struct WScore {
    id: String,
    name: String,
    value: WScoreValue,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    observation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
    #[serde(default, with = "ns_opt", skip_serializing_if = "Option::is_none")]
    time_ns: Option<i64>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum WScoreValue {
    Numeric(f64),
    Categorical(String),
    Boolean(bool),
    Text(String),
}

fn to_wvalue(v: &AttrValue) -> WValue {
    match v {
        AttrValue::Str(s) => WValue::Str(s.clone()),
        AttrValue::Int(s) => WValue::Int(s.clone()),
        AttrValue::Float(f) => WValue::Float(*f),
        AttrValue::Bool(b) => WValue::Bool(*b),
        AttrValue::Bytes(s) => WValue::Bytes(s.clone()),
        AttrValue::Array(items) => WValue::Array(items.iter().map(to_wvalue).collect()),
        AttrValue::Map(entries) => WValue::Map(to_wattrs(entries)),
        AttrValue::Json(p) => WValue::Json(p.to_raw()),
    }
}

fn from_wvalue(v: WValue) -> AttrValue {
    match v {
        WValue::Str(s) => AttrValue::Str(s),
        WValue::Int(s) => AttrValue::Int(s),
        WValue::Float(f) => AttrValue::Float(f),
        WValue::Bool(b) => AttrValue::Bool(b),
        WValue::Bytes(s) => AttrValue::Bytes(s),
        WValue::Array(items) => AttrValue::Array(items.into_iter().map(from_wvalue).collect()),
        WValue::Map(entries) => AttrValue::Map(from_wattrs(entries)),
        WValue::Json(raw) => AttrValue::Json(Payload::from_raw(raw)),
    }
}

fn to_wattrs(a: &[Attribute]) -> Vec<WAttr> {
    a.iter().map(|a| WAttr { key: a.key.to_string(), value: to_wvalue(&a.value) }).collect()
}

fn from_wattrs(a: Vec<WAttr>) -> Vec<Attribute> {
    a.into_iter().map(|a| Attribute { key: a.key.into(), value: from_wvalue(a.value) }).collect()
}

/// Writes `set` as a Canopy document. `note` (e.g. how it was redacted) is carried in the file.
pub fn write(set: &TraceSet, note: Option<&str>) -> String {
    let doc = Doc {
        canopy: VERSION,
        note: note.map(str::to_string),
        traces: set.traces.iter().map(write_trace).collect(),
        scores: set.scores.iter().map(write_score).collect(),
    };
    // Serializing owned, well-formed values cannot fail; an empty string would be the only fallback.
    serde_json::to_string(&doc).unwrap_or_default()
}

/// One observation in the Canopy format, pretty-printed (for "copy as JSON").
pub fn observation_json(o: &Observation) -> String {
    serde_json::to_string_pretty(&write_obs(o)).unwrap_or_default()
}

fn write_trace(t: &Trace) -> WTrace {
    WTrace {
        id: t.id.clone(),
        name: t.name.clone(),
        session_id: t.session_id.clone(),
        user_id: t.user_id.clone(),
        tags: t.tags.clone(),
        start_ns: t.start_ns,
        input: t.input.as_ref().map(Payload::to_raw),
        output: t.output.as_ref().map(Payload::to_raw),
        attributes: to_wattrs(&t.attributes),
        reported_cost_usd: t.reported_cost_usd,
        source: t.source.clone(),
        observations: t.observations.iter().map(write_obs).collect(),
    }
}

fn write_obs(o: &Observation) -> WObs {
    WObs {
        id: o.id.clone(),
        parent_id: o.parent_id.clone(),
        kind: o.kind.label().to_string(),
        name: o.name.clone(),
        start_ns: o.start_ns,
        end_ns: o.end_ns,
        completion_start_ns: o.completion_start_ns,
        input: o.input.as_ref().map(Payload::to_raw),
        output: o.output.as_ref().map(Payload::to_raw),
        model: o.model.clone(),
        model_parameters: o.model_parameters.as_ref().map(Payload::to_raw),
        usage: (!o.usage.is_empty()).then(|| WUsage {
            input: o.usage.input,
            output: o.usage.output,
            total: o.usage.total,
            details: o.usage.details.clone(),
        }),
        cost: (!o.cost.is_empty()).then(|| WCost { total_usd: o.cost.total, details_usd: o.cost.details.clone() }),
        level: o.level.label().to_string(),
        status_message: o.status_message.clone(),
        tool_name: o.tool_name.clone(),
        documents: o
            .documents
            .iter()
            .map(|d| WDoc {
                id: d.id.clone(),
                content: d.content.clone(),
                score: d.score,
                metadata: d.metadata.clone(),
            })
            .collect(),
        events: o
            .events
            .iter()
            .map(|e| WEvent { name: e.name.clone(), time_ns: e.time_ns, attributes: to_wattrs(&e.attributes) })
            .collect(),
        attributes: to_wattrs(&o.attributes),
    }
}

fn write_score(s: &Score) -> WScore {
    WScore {
        id: s.id.clone(),
        name: s.name.clone(),
        value: match &s.value {
            ScoreValue::Numeric(v) => WScoreValue::Numeric(*v),
            ScoreValue::Categorical(v) => WScoreValue::Categorical(v.clone()),
            ScoreValue::Boolean(v) => WScoreValue::Boolean(*v),
            ScoreValue::Text(v) => WScoreValue::Text(v.clone()),
        },
        source: s.source.clone(),
        comment: s.comment.clone(),
        trace_id: s.trace_id.clone(),
        observation_id: s.observation_id.clone(),
        session_id: s.session_id.clone(),
        time_ns: s.time_ns,
    }
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let doc: Doc = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
    if doc.canopy > VERSION {
        return Err(ImportError::Unrecognized(format!(
            "this Canopy file is version {}, newer than this viewer understands ({VERSION}); open it with a newer Canopy",
            doc.canopy
        )));
    }
    let mut set = TraceSet::default();
    if let Some(note) = doc.note {
        set.warnings.push(Warning::new(file, WarningKind::FileNote { note }));
    }
    for wt in doc.traces {
        let obs = wt.observations.into_iter().map(read_obs).collect();
        let source = if wt.source.is_empty() { file.to_string() } else { wt.source };
        let mut t = Trace::build(wt.id, obs, &source, &mut set.warnings);
        t.name = wt.name;
        t.session_id = wt.session_id;
        t.user_id = wt.user_id;
        t.tags = wt.tags;
        t.start_ns = wt.start_ns;
        t.input = wt.input.map(Payload::from_raw);
        t.output = wt.output.map(Payload::from_raw);
        t.attributes = from_wattrs(wt.attributes);
        t.reported_cost_usd = wt.reported_cost_usd;
        set.traces.push(t);
    }
    set.scores = doc
        .scores
        .into_iter()
        .map(|s| Score {
            id: s.id,
            name: s.name,
            value: match s.value {
                WScoreValue::Numeric(v) => ScoreValue::Numeric(v),
                WScoreValue::Categorical(v) => ScoreValue::Categorical(v),
                WScoreValue::Boolean(v) => ScoreValue::Boolean(v),
                WScoreValue::Text(v) => ScoreValue::Text(v),
            },
            source: s.source,
            comment: s.comment,
            trace_id: s.trace_id,
            observation_id: s.observation_id,
            session_id: s.session_id,
            time_ns: s.time_ns,
        })
        .collect();
    Ok(set)
}

fn read_obs(w: WObs) -> Observation {
    let mut o = Observation::new(w.id, Kind::from_name(&w.kind).unwrap_or(Kind::Span), w.name, w.start_ns);
    o.parent_id = w.parent_id;
    o.end_ns = w.end_ns;
    o.completion_start_ns = w.completion_start_ns;
    o.input = w.input.map(Payload::from_raw);
    o.output = w.output.map(Payload::from_raw);
    o.model = w.model;
    o.model_parameters = w.model_parameters.map(Payload::from_raw);
    o.usage = w
        .usage
        .map(|u| Usage { input: u.input, output: u.output, total: u.total, details: u.details })
        .unwrap_or_default();
    o.cost = w.cost.map(|c| Cost { total: c.total_usd, details: c.details_usd }).unwrap_or_default();
    o.level = Level::from_name(&w.level).unwrap_or_default();
    o.status_message = w.status_message;
    o.tool_name = w.tool_name;
    o.documents = w
        .documents
        .into_iter()
        .map(|d| Document { id: d.id, content: d.content, score: d.score, metadata: d.metadata })
        .collect();
    o.events = w
        .events
        .into_iter()
        .map(|e| Event { name: e.name, time_ns: e.time_ns, attributes: from_wattrs(e.attributes) })
        .collect();
    o.attributes = from_wattrs(w.attributes);
    o
}
