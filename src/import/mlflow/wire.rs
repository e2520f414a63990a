//! MLflow's JSON as it is written: `Trace.to_json()` (v2 and v3 info, v2 and v3 spans), a row of
//! `mlflow.search_traces()` saved by pandas, and the REST answers (trace infos, maps as objects or
//! as `[{key, value}]` lists). Checked against `mlflow/entities/trace.py`, `trace_info.py`,
//! `trace_info_v2.py`, `span.py` and `assessment.py` of mlflow 3.17.2.

use crate::import::wire::FlexInt;
use crate::model::time::parse_rfc3339_ns;
use crate::model::units::parse_f64;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// Anything MLflow writes about one trace or many; which fields are set says which it is:
/// `{info, data}` (a trace), `{trace_info, spans}` (a trace as the REST `get`/`batchGet` answer it),
/// `{traces, next_page_token}` (a REST page), `trace` (a `search_traces` row holding the trace's
/// JSON text, or the REST `get` answer's trace), or the fields of a trace info itself (a REST trace
/// info, or a `search_traces` row without its `trace` column).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Entry {
    pub info: Option<Box<Entry>>,
    pub trace_info: Option<Box<Entry>>,
    pub data: Option<Data>,
    pub traces: Option<Vec<Entry>>,
    pub next_page_token: Option<String>,
    pub trace: Option<Box<RawValue>>,
    pub spans: Option<Vec<WireSpan>>,
    // v3 info (and `search_traces` columns of the same names)
    pub trace_id: Option<String>,
    pub client_request_id: Option<String>,
    pub trace_location: Option<Location>,
    pub request_time: Stamp,
    pub execution_duration: Length,
    pub execution_duration_ms: Length,
    pub state: Option<String>,
    pub trace_metadata: KeyValues,
    pub tags: KeyValues,
    pub assessments: Option<Vec<Assessment>>,
    pub request_preview: Option<String>,
    pub response_preview: Option<String>,
    /// `search_traces`' decoded request and response.
    pub request: Option<Box<RawValue>>,
    pub response: Option<Box<RawValue>>,
    // v2 info
    pub request_id: Option<String>,
    pub experiment_id: Option<String>,
    pub timestamp_ms: Stamp,
    pub execution_time_ms: Length,
    pub status: Option<String>,
    pub request_metadata: KeyValues,
}

/// A `search_traces()` DataFrame saved by pandas' default `to_json()`: each column an object of
/// row index to value. Only the `trace` column is read (it holds everything else).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Columns {
    pub trace: KeyValues,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Data {
    pub spans: Option<Vec<WireSpan>>,
    /// v2: the trace's request and response (JSON text in a string).
    pub request: Option<Box<RawValue>>,
    pub response: Option<Box<RawValue>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Location {
    pub mlflow_experiment: Option<Experiment>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Experiment {
    pub experiment_id: Option<String>,
}

/// A span in the v3 schema (OTLP-like: base64 ids, `start_time_unix_nano`, `status.code`) or the
/// v2 schema (`context.span_id` hex, `parent_id`, `start_time`, `status_code`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct WireSpan {
    pub name: Option<String>,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub parent_span_id: Option<String>,
    pub start_time_unix_nano: FlexInt,
    pub end_time_unix_nano: FlexInt,
    pub status: Option<Status>,
    pub events: Option<Vec<WireEvent>>,
    pub attributes: Attributes,
    pub context: Option<Context>,
    pub parent_id: Option<String>,
    pub start_time: FlexInt,
    pub end_time: FlexInt,
    pub status_code: Option<String>,
    pub status_message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Context {
    pub span_id: Option<String>,
    pub trace_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Status {
    pub code: Option<String>,
    pub message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct WireEvent {
    pub name: Option<String>,
    pub time_unix_nano: FlexInt,
    /// v2.
    pub timestamp: FlexInt,
    pub attributes: Attributes,
}

/// Feedback or an expectation (`Assessment.to_dictionary()`, and the REST form, alike).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Assessment {
    pub assessment_id: Option<String>,
    pub assessment_name: Option<String>,
    pub span_id: Option<String>,
    pub source: Option<Source>,
    pub create_time: Stamp,
    pub feedback: Option<Valued>,
    pub expectation: Option<Valued>,
    pub rationale: Option<String>,
    pub valid: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Source {
    pub source_type: Option<String>,
    pub source_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Valued {
    pub value: Option<Box<RawValue>>,
    /// An expectation too large or complex for `value`, as text in a format it names.
    pub serialized_value: Option<Serialized>,
    pub error: Option<AssessmentError>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Serialized {
    pub value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AssessmentError {
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// A string map as an object (Python's dicts) or a `[{key, value}]` list (the v2 REST answers),
/// values other than strings kept as their JSON text; in the order written.
#[derive(Default)]
pub(super) struct KeyValues(pub Vec<(String, String)>);

impl KeyValues {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

#[derive(Deserialize)]
struct KeyValue {
    key: String,
    #[serde(default)]
    value: Option<Box<RawValue>>,
}

pub(super) fn text_of(raw: &RawValue) -> String {
    serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_string())
}

impl<'de> Deserialize<'de> for KeyValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyValues;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or a list of {key, value}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyValues, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    out.push((k, text_of(&v)));
                }
                Ok(KeyValues(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyValues, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = seq.next_element::<KeyValue>()? {
                    out.push((kv.key, kv.value.map(|v| text_of(&v)).unwrap_or_default()));
                }
                Ok(KeyValues(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyValues, E> {
                Ok(KeyValues::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A span's or an event's attributes in the order written: an object of JSON values
/// (`to_json()`; MLflow's values there are JSON-encoded strings), or the REST answers' OTLP list
/// `[{key, value: {string_value | int_value | double_value | bool_value | kvlist_value |
/// array_value}}]` (plain values, not encoded).
#[derive(Default)]
pub(super) struct Attributes(pub Vec<(String, Attr)>);

pub(super) enum Attr {
    /// A value of an object of attributes, as written.
    Json(Box<RawValue>),
    /// A string of an OTLP list: the text itself.
    Text(String),
    /// Any other value of an OTLP list, as JSON.
    Value(Value),
}

/// An OTLP `AnyValue` as protobuf writes it to JSON (snake_case, or camelCase).
#[derive(Deserialize, Default)]
#[serde(default)]
struct AnyValue {
    #[serde(alias = "stringValue")]
    string_value: Option<String>,
    #[serde(alias = "intValue")]
    int_value: FlexInt,
    #[serde(alias = "doubleValue")]
    double_value: Option<f64>,
    #[serde(alias = "boolValue")]
    bool_value: Option<bool>,
    #[serde(alias = "bytesValue")]
    bytes_value: Option<String>,
    #[serde(alias = "kvlistValue")]
    kvlist_value: Option<Values<OtlpKeyValue>>,
    #[serde(alias = "arrayValue")]
    array_value: Option<Values<AnyValue>>,
}

#[derive(Deserialize)]
struct Values<T> {
    #[serde(default = "Vec::new")]
    values: Vec<T>,
}

#[derive(Deserialize)]
struct OtlpKeyValue {
    key: String,
    #[serde(default)]
    value: AnyValue,
}

impl AnyValue {
    /// The value as JSON (nested lists as arrays and objects; depth is bounded by the reader's).
    fn into_json(self) -> Value {
        if let Some(s) = self.string_value.or(self.bytes_value) {
            return Value::String(s);
        }
        if let Some(i) = self.int_value.0 {
            return i64::try_from(i).map(Value::from).unwrap_or_else(|_| Value::String(i.to_string()));
        }
        if let Some(f) = self.double_value {
            return serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null);
        }
        if let Some(b) = self.bool_value {
            return Value::Bool(b);
        }
        if let Some(kv) = self.kvlist_value {
            return Value::Object(kv.values.into_iter().map(|e| (e.key, e.value.into_json())).collect());
        }
        match self.array_value {
            Some(a) => Value::Array(a.values.into_iter().map(AnyValue::into_json).collect()),
            None => Value::Null,
        }
    }
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attributes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of attributes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    out.push((k, Attr::Json(v)));
                }
                Ok(Attributes(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attributes, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = seq.next_element::<OtlpKeyValue>()? {
                    let value = match kv.value.into_json() {
                        Value::String(s) => Attr::Text(s),
                        other => Attr::Value(other),
                    };
                    out.push((kv.key, value));
                }
                Ok(Attributes(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Attributes, E> {
                Ok(Attributes::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A point in time in nanoseconds: an RFC 3339 text (`2026-12-07T04:27:27.591Z`) or epoch
/// milliseconds (a number, or a string holding one).
#[derive(Default, Clone, Copy)]
pub(super) struct Stamp(pub Option<i64>);

/// A length of time in nanoseconds: milliseconds (a number), or protobuf's `"0.025s"`.
#[derive(Default, Clone, Copy)]
pub(super) struct Length(pub Option<i64>);

/// Whole milliseconds exactly (an `f64` of epoch nanoseconds would round them).
fn whole_ms_to_ns(ms: i64) -> Option<i64> {
    ms.checked_mul(1_000_000)
}

/// Milliseconds text: whole exactly, fractions as a float.
fn ms_text_to_ns(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().map_or_else(|| parse_f64(s).and_then(ms_to_ns), whole_ms_to_ns)
}

fn ms_to_ns(ms: f64) -> Option<i64> {
    let ns = (ms * 1e6).round();
    (ns.is_finite() && ns.abs() < 9.2e18).then_some(ns as i64)
}

macro_rules! number_visitor {
    ($name:ident, $what:literal, $from_str:expr) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        Ok($name(i64::try_from(v).ok().and_then(whole_ms_to_ns)))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        Ok($name(whole_ms_to_ns(v)))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        Ok($name(ms_to_ns(v)))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        let f: fn(&str) -> Option<i64> = $from_str;
                        Ok($name(f(v.trim())))
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<$name, E> {
                        Ok($name(None))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

number_visitor!(Stamp, "a time: RFC 3339 text or epoch milliseconds", |s| {
    parse_rfc3339_ns(s).or_else(|| ms_text_to_ns(s))
});
number_visitor!(Length, "a duration: milliseconds or seconds as \"0.025s\"", |s| match s.strip_suffix('s') {
    Some(secs) => parse_f64(secs).and_then(|v| ms_to_ns(v * 1000.0)),
    None => ms_text_to_ns(s),
});
