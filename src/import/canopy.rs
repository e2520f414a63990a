//! Canopy's own format: a versioned JSON document of a whole TraceSet that loads back exactly.
//! Schema in docs/format.md. The writer lives here too, so the two can never drift apart.

use super::jsonv::{self, get, list, str, wrong_shape};
use super::{shape_error, Format, ImportError};
use crate::model::key::Key;
use crate::model::pricing::{self, PriceTable};
use crate::model::{
    AttrValue, Attribute, Cost, Document, Event, Kind, Level, Observation, Payload, Score, ScoreValue, Trace, TraceSet,
    Usage,
};
use crate::model::{Warning, WarningKind};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;

/// The version this build writes; it reads every version up to it.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc {
    canopy: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    traces: Vec<WTrace>,
    #[serde(default)]
    scores: Vec<WScore>,
    /// The price table's entries estimated costs came from, and the user's own (not read back).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    prices_used: Vec<Value>,
}

/// Nanosecond times are written as decimal strings: exact in every JSON reader, JavaScript included.
mod ns {
    use serde::Serializer;
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}

mod ns_opt {
    use serde::Serializer;
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&v.to_string()),
            None => s.serialize_none(),
        }
    }
}

#[derive(Serialize)]
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

#[derive(Serialize)]
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

#[derive(Serialize)]
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

#[derive(Serialize)]
struct WCost {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    details_usd: Vec<(String, f64)>,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
struct WEvent {
    name: String,
    #[serde(with = "ns")]
    time_ns: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<WAttr>,
}

#[derive(Serialize)]
struct WAttr {
    key: String,
    value: WValue,
}

/// A typed attribute value: exactly one key says the type.
#[derive(Serialize)]
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

#[derive(Serialize)]
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

#[derive(Serialize)]
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

fn to_wattrs(a: &[Attribute]) -> Vec<WAttr> {
    a.iter().map(|a| WAttr { key: a.key.to_string(), value: to_wvalue(&a.value) }).collect()
}

/// Writes `set` as a Canopy document. `note` (e.g. how it was redacted) is carried in the file.
pub fn write(set: &TraceSet, note: Option<&str>) -> String {
    write_with(set, note, None)
}

/// `write`, listing the prices of `table` that estimated costs of `set` came from and the user's
/// own (`prices_used`); estimated costs themselves are left out, as the file did not report them.
pub fn write_with(set: &TraceSet, note: Option<&str>, table: Option<&PriceTable>) -> String {
    let doc = Doc {
        canopy: VERSION,
        note: note.map(str::to_string),
        traces: set.traces.iter().map(write_trace).collect(),
        scores: set.scores.iter().map(write_score).collect(),
        prices_used: table.map(|t| prices_used(set, t)).unwrap_or_default(),
    };
    // Serializing owned, well-formed values cannot fail; an empty string would be the only fallback.
    serde_json::to_string(&doc).unwrap_or_default()
}

/// Each entry as the table writes it, with its source's date.
fn prices_used(set: &TraceSet, t: &PriceTable) -> Vec<Value> {
    let entries = pricing::used(set, t).into_iter().filter_map(|i| t.get(i));
    entries
        .map(|e| {
            let mut v = pricing::entry_json(e);
            if let (Some(s), Value::Object(m)) = (t.source_of(e), &mut v) {
                m.insert("date".into(), s.date.clone().into());
            }
            v
        })
        .collect()
}

/// One observation in the Canopy format, pretty-printed (for "copy as JSON"). Written compact,
/// then indented as a JSON value: the writer's derived code exists once, for the compact form
/// (a pretty copy of it was ~4 kB of wasm).
pub fn observation_json(o: &Observation) -> String {
    let compact = serde_json::to_string(&write_obs(o)).unwrap_or_default();
    match serde_json::from_str::<serde_json::Value>(&compact) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or(compact),
        Err(_) => compact,
    }
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
        cost: o.cost.is_reported().then(|| WCost { total_usd: o.cost.total, details_usd: o.cost.details.clone() }),
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

/// A Canopy document that is not the shape this version writes: `what` is the field or value.
fn bad(format: Format, what: &str) -> ImportError {
    ImportError::Shape { format: format.label(), line: 0, column: 0, reason: format!("invalid or missing {what}") }
}

/// A required string field.
fn req_str(v: &Value, key: &str, format: Format) -> Result<String, ImportError> {
    str(v, &[key]).map(str::to_string).ok_or_else(|| bad(format, &format!("field `{key}`")))
}

fn opt_str(v: &Value, key: &str, format: Format) -> Result<Option<String>, ImportError> {
    match get(v, &[key]) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format, &format!("field `{key}`"))),
    }
}

fn opt_f64(v: &Value, key: &str, format: Format) -> Result<Option<f64>, ImportError> {
    match get(v, &[key]) {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| bad(format, &format!("field `{key}`"))),
        Some(_) => Err(bad(format, &format!("field `{key}`"))),
    }
}

fn opt_u64(v: &Value, key: &str, format: Format) -> Result<Option<u64>, ImportError> {
    match get(v, &[key]) {
        None => Ok(None),
        Some(x) => x.as_u64().map(Some).ok_or_else(|| bad(format, &format!("field `{key}`"))),
    }
}

/// A nanosecond time written as a decimal string.
fn opt_ns(v: &Value, key: &str, format: Format) -> Result<Option<i64>, ImportError> {
    match get(v, &[key]) {
        None => Ok(None),
        Some(Value::String(t)) => t.parse().map(Some).map_err(|_| bad(format, &format!("field `{key}`"))),
        Some(_) => Err(bad(format, &format!("field `{key}`"))),
    }
}

fn req_ns(v: &Value, key: &str, format: Format) -> Result<i64, ImportError> {
    opt_ns(v, key, format)?.ok_or_else(|| bad(format, &format!("field `{key}`")))
}

/// Where the payloads are written in the body: they load back as the exact text written.
type Spans = HashMap<String, (usize, usize)>;

const PAYLOAD_KEYS: [&str; 4] = ["input", "output", "model_parameters", "json"];

/// The value under `key` of `v` (at `at`), as written in `body`.
fn payload(v: &Value, at: &str, key: &str, raw: &(&str, Spans)) -> Option<Payload> {
    let x = get(v, &[key])?;
    let text = raw.1.get(&format!("{at}/{key}")).and_then(|&(s, e)| raw.0.get(s..e));
    Some(match text.and_then(|t| RawValue::from_string(t.to_string()).ok()) {
        Some(r) => Payload::from_raw(r),
        None => Payload::from_value(x),
    })
}

fn strings(v: &Value, key: &str, format: Format) -> Result<Vec<String>, ImportError> {
    list(v, &[key])
        .iter()
        .map(|x| x.as_str().map(str::to_string).ok_or_else(|| bad(format, &format!("field `{key}`"))))
        .collect()
}

/// A typed attribute value: exactly one key says the type.
fn read_value(v: &Value, at: &str, raw: &(&str, Spans), format: Format) -> Result<AttrValue, ImportError> {
    let wrong = || bad(format, "attribute value");
    let map = v.as_object().filter(|m| m.len() == 1).ok_or_else(wrong)?;
    let (kind, x) = map.iter().next().ok_or_else(wrong)?;
    let text = || x.as_str().map(str::to_string).ok_or_else(wrong);
    Ok(match kind.as_str() {
        "str" => AttrValue::Str(text()?),
        "int" => AttrValue::Int(text()?),
        "float" => AttrValue::Float(x.as_f64().ok_or_else(wrong)?),
        "bool" => AttrValue::Bool(x.as_bool().ok_or_else(wrong)?),
        "bytes" => AttrValue::Bytes(text()?),
        "array" => AttrValue::Array(
            x.as_array()
                .ok_or_else(wrong)?
                .iter()
                .enumerate()
                .map(|(i, x)| read_value(x, &format!("{at}/array/{i}"), raw, format))
                .collect::<Result<_, _>>()?,
        ),
        "map" => AttrValue::Map(read_attrs(x.as_array().ok_or_else(wrong)?, &format!("{at}/map"), raw, format)?),
        "json" => AttrValue::Json(payload(v, at, "json", raw).unwrap_or_else(|| Payload::from_value(x))),
        _ => return Err(wrong()),
    })
}

fn read_attrs(items: &[Value], at: &str, raw: &(&str, Spans), format: Format) -> Result<Vec<Attribute>, ImportError> {
    items
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let key = req_str(a, "key", format)?;
            let v = get(a, &["value"]).ok_or_else(|| bad(format, "field `value`"))?;
            let value = read_value(v, &format!("{at}/{i}/value"), raw, format)?;
            Ok(Attribute { key: key.into(), value })
        })
        .collect()
}

/// Ordered `[name, number]` pairs.
fn pairs<T>(
    items: &[Value],
    format: Format,
    num: impl Fn(&Value) -> Option<T>,
) -> Result<Vec<(String, T)>, ImportError> {
    items
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([Value::String(k), n]) => num(n).map(|n| (k.clone(), n)).ok_or_else(|| bad(format, "detail")),
            _ => Err(bad(format, "detail")),
        })
        .collect()
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let doc: Value = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
    if !doc.is_object() {
        return Err(wrong_shape(format, "a Canopy document (an object)", &doc));
    }
    let version = get(&doc, &["canopy"])
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| bad(format, "field `canopy`"))?;
    if version > VERSION {
        return Err(ImportError::Unrecognized(format!(
            "this Canopy file is version {version}, newer than this viewer understands ({VERSION}); open it with a newer Canopy"
        )));
    }
    let raw = (body, jsonv::raw_spans(body, &PAYLOAD_KEYS));
    let mut set = TraceSet::default();
    if let Some(note) = opt_str(&doc, "note", format)? {
        set.warnings.push(Warning::new(file, WarningKind::FileNote { note }));
    }
    let traces = get(&doc, &["traces"]).and_then(Value::as_array).ok_or_else(|| bad(format, "field `traces`"))?;
    for (i, wt) in traces.iter().enumerate() {
        let at = format!("/traces/{i}");
        let wobs =
            get(wt, &["observations"]).and_then(Value::as_array).ok_or_else(|| bad(format, "field `observations`"))?;
        let obs = wobs
            .iter()
            .enumerate()
            .map(|(j, o)| read_obs(o, &format!("{at}/observations/{j}"), &raw, format))
            .collect::<Result<_, _>>()?;
        let source = opt_str(wt, "source", format)?.filter(|s| !s.is_empty()).unwrap_or_else(|| file.to_string());
        let mut t = Trace::build(req_str(wt, "id", format)?, obs, &source, &mut set.warnings);
        t.name = opt_str(wt, "name", format)?;
        t.session_id = opt_str(wt, "session_id", format)?;
        t.user_id = opt_str(wt, "user_id", format)?;
        t.tags = strings(wt, "tags", format)?;
        t.start_ns = req_ns(wt, "start_ns", format)?;
        t.input = payload(wt, &at, "input", &raw);
        t.output = payload(wt, &at, "output", &raw);
        t.attributes = read_attrs(list(wt, &["attributes"]), &format!("{at}/attributes"), &raw, format)?;
        t.reported_cost_usd = opt_f64(wt, "reported_cost_usd", format)?;
        set.traces.push(t);
    }
    set.scores = list(&doc, &["scores"]).iter().map(|s| read_score(s, format)).collect::<Result<_, _>>()?;
    Ok(set)
}

fn read_score(s: &Value, format: Format) -> Result<Score, ImportError> {
    let wrong = || bad(format, "score value");
    let value = get(s, &["value"]).and_then(Value::as_object).filter(|m| m.len() == 1).ok_or_else(wrong)?;
    let (kind, x) = value.iter().next().ok_or_else(wrong)?;
    let text = || x.as_str().map(str::to_string).ok_or_else(wrong);
    let value = match kind.as_str() {
        "numeric" => ScoreValue::Numeric(x.as_f64().ok_or_else(wrong)?),
        "categorical" => ScoreValue::Categorical(text()?),
        "boolean" => ScoreValue::Boolean(x.as_bool().ok_or_else(wrong)?),
        "text" => ScoreValue::Text(text()?),
        _ => return Err(wrong()),
    };
    Ok(Score {
        id: req_str(s, "id", format)?,
        name: req_str(s, "name", format)?,
        value,
        source: opt_str(s, "source", format)?,
        comment: opt_str(s, "comment", format)?,
        trace_id: opt_str(s, "trace_id", format)?,
        observation_id: opt_str(s, "observation_id", format)?,
        session_id: opt_str(s, "session_id", format)?,
        time_ns: opt_ns(s, "time_ns", format)?,
    })
}

fn read_obs(w: &Value, at: &str, raw: &(&str, Spans), format: Format) -> Result<Observation, ImportError> {
    let kind = req_str(w, "kind", format)?;
    let start_ns = req_ns(w, "start_ns", format)?;
    let mut o = Observation::new(
        req_str(w, "id", format)?,
        Kind::from_name(&kind).unwrap_or(Kind::Span),
        req_str(w, "name", format)?,
        start_ns,
    );
    o.parent_id = opt_str(w, "parent_id", format)?;
    o.end_ns = opt_ns(w, "end_ns", format)?;
    o.completion_start_ns = opt_ns(w, "completion_start_ns", format)?;
    o.input = payload(w, at, "input", raw);
    o.output = payload(w, at, "output", raw);
    o.model = opt_str(w, "model", format)?.map(|m| Key::new(&m));
    o.model_parameters = payload(w, at, "model_parameters", raw);
    if let Some(u) = get(w, &["usage"]) {
        o.usage = Usage {
            input: opt_u64(u, "input", format)?,
            output: opt_u64(u, "output", format)?,
            total: opt_u64(u, "total", format)?,
            details: pairs(list(u, &["details"]), format, Value::as_u64)?,
        };
    }
    if let Some(c) = get(w, &["cost"]) {
        o.cost = Cost {
            total: opt_f64(c, "total_usd", format)?,
            details: pairs(list(c, &["details_usd"]), format, Value::as_f64)?,
            estimated: None,
        };
    }
    o.level = Level::from_name(&req_str(w, "level", format)?).unwrap_or_default();
    o.status_message = opt_str(w, "status_message", format)?;
    o.tool_name = opt_str(w, "tool_name", format)?;
    o.documents = list(w, &["documents"])
        .iter()
        .map(|d| {
            Ok(Document {
                id: opt_str(d, "id", format)?,
                content: opt_str(d, "content", format)?,
                score: opt_f64(d, "score", format)?,
                metadata: opt_str(d, "metadata", format)?,
            })
        })
        .collect::<Result<_, ImportError>>()?;
    o.events = list(w, &["events"])
        .iter()
        .enumerate()
        .map(|(k, e)| {
            Ok(Event {
                name: req_str(e, "name", format)?,
                time_ns: req_ns(e, "time_ns", format)?,
                attributes: read_attrs(list(e, &["attributes"]), &format!("{at}/events/{k}/attributes"), raw, format)?,
            })
        })
        .collect::<Result<_, ImportError>>()?;
    o.attributes = read_attrs(list(w, &["attributes"]), &format!("{at}/attributes"), raw, format)?;
    Ok(o)
}
