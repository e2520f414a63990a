//! MLflow's JSON as it is written: `Trace.to_json()` (v2 and v3 info, v2 and v3 spans), a row of
//! `mlflow.search_traces()` saved by pandas, and the REST answers (trace infos, maps as objects or
//! as `[{key, value}]` lists). Checked against `mlflow/entities/trace.py`, `trace_info.py`,
//! `trace_info_v2.py`, `span.py` and `assessment.py` of mlflow 3.17.2.
//!
//! Read from one `serde_json::Value` tree (no derived struct per shape: page size). The getters
//! here are the typed fields the old wire structs had: absent or null is `None`, a value of the
//! wrong type is an error naming the field.

use crate::import::jsonv::{self, as_int, get};
use crate::model::time::parse_rfc3339_ns;
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Payload};
use serde_json::Value;

/// A wrong type, as the reason of a shape error.
pub(super) type Res<T> = Result<T, String>;

use super::super::jsonv::kind_of as what;

fn wrong<T>(key: &str, x: &Value, expected: &str) -> Res<T> {
    Err(format!("`{key}` is {}, expected {expected}", what(x)))
}

/// The value at `key` of an object, null as absent.
pub(super) fn get_any<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    get(v, &[key])
}

/// An object: a document of MLflow's, or one of its parts.
pub(super) fn object<'a>(x: &'a Value, what_it_is: &str) -> Res<&'a Value> {
    match x {
        Value::Object(_) => Ok(x),
        other => wrong(what_it_is, other, "an object"),
    }
}

pub(super) fn s<'a>(v: &'a Value, key: &str) -> Res<Option<&'a str>> {
    match get_any(v, key) {
        None => Ok(None),
        Some(Value::String(t)) => Ok(Some(t)),
        Some(other) => wrong(key, other, "a string"),
    }
}

pub(super) fn obj<'a>(v: &'a Value, key: &str) -> Res<Option<&'a Value>> {
    get_any(v, key).map(|x| object(x, key)).transpose()
}

pub(super) fn arr<'a>(v: &'a Value, key: &str) -> Res<Option<&'a [Value]>> {
    match get_any(v, key) {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(other) => wrong(key, other, "a list"),
    }
}

pub(super) fn boolean(v: &Value, key: &str) -> Res<Option<bool>> {
    match get_any(v, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => wrong(key, other, "a boolean"),
    }
}

/// An integer written as a number or a string holding one (`FlexInt`), as an `i64`.
pub(super) fn flex_int(v: &Value, key: &str) -> Res<Option<i64>> {
    match get_any(v, key) {
        None => Ok(None),
        Some(x @ (Value::Number(_) | Value::String(_))) => Ok(as_int(x).and_then(|i| i64::try_from(i).ok())),
        Some(other) => wrong(key, other, "an integer or a string holding one"),
    }
}

/// A point in time in nanoseconds: an RFC 3339 text (`2026-12-07T04:27:27.591Z`) or epoch
/// milliseconds (a number, or a string holding one).
pub(super) fn stamp(v: &Value, key: &str) -> Res<Option<i64>> {
    ms_or(v, key, "a time: RFC 3339 text or epoch milliseconds", |s| parse_rfc3339_ns(s).or_else(|| ms_text_to_ns(s)))
}

/// A length of time in nanoseconds: milliseconds (a number), or protobuf's `"0.025s"`.
pub(super) fn length(v: &Value, key: &str) -> Res<Option<i64>> {
    ms_or(v, key, "a duration: milliseconds or seconds as \"0.025s\"", |s| match s.strip_suffix('s') {
        Some(secs) => parse_f64(secs).and_then(|v| ms_to_ns(v * 1000.0)),
        None => ms_text_to_ns(s),
    })
}

fn ms_or(v: &Value, key: &str, expected: &str, from_str: fn(&str) -> Option<i64>) -> Res<Option<i64>> {
    match get_any(v, key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(match (n.as_i64(), n.is_u64()) {
            (Some(i), _) => whole_ms_to_ns(i),
            (None, true) => None,
            (None, false) => n.as_f64().and_then(ms_to_ns),
        }),
        Some(Value::String(t)) => Ok(from_str(t.trim())),
        Some(other) => wrong(key, other, expected),
    }
}

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

/// A string as its text, anything else as its JSON text (with spaced separators or compact ones,
/// as its file was written).
pub(super) fn text_of(x: &Value, spaced: bool) -> String {
    match x {
        Value::String(t) => t.clone(),
        other => jsonv::json_text_as(other, spaced),
    }
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

pub(super) fn key_values(v: &Value, key: &str, spaced: bool) -> Res<KeyValues> {
    let mut out = Vec::new();
    match get_any(v, key) {
        None => {}
        Some(Value::Object(map)) => out.extend(map.iter().map(|(k, x)| (k.clone(), text_of(x, spaced)))),
        Some(Value::Array(items)) => {
            for kv in items {
                let kv = object(kv, key)?;
                let k = s(kv, "key")?.ok_or_else(|| format!("`{key}`: missing field `key`"))?;
                out.push((k.to_string(), get_any(kv, "value").map(|x| text_of(x, spaced)).unwrap_or_default()));
            }
        }
        Some(other) => return wrong(key, other, "an object or a list of {key, value}"),
    }
    Ok(KeyValues(out))
}

/// A span's or an event's attributes in the order written: an object of JSON values
/// (`to_json()`; MLflow's values there are JSON-encoded strings), or the REST answers' OTLP list
/// `[{key, value: {string_value | int_value | double_value | bool_value | kvlist_value |
/// array_value}}]` (plain values, not encoded). Strings as their text, numbers and booleans
/// typed (integers as their text), objects and lists as JSON; nulls dropped.
pub(super) fn attributes(v: &Value, spaced: bool) -> Res<Vec<Attribute>> {
    let mut out = Vec::new();
    match get_any(v, "attributes") {
        None => {}
        Some(Value::Object(map)) => {
            for (k, x) in map {
                let value = match x {
                    Value::Null => continue,
                    Value::Array(_) | Value::Object(_) => json_payload(x, spaced),
                    other => jsonv::attr_value(other),
                };
                out.push(Attribute { key: k.as_str().into(), value });
            }
        }
        Some(Value::Array(items)) => {
            for kv in items {
                let kv = object(kv, "attributes")?;
                let k = s(kv, "key")?.ok_or("`attributes`: missing field `key`")?;
                let value = match get_any(kv, "value") {
                    Some(any) => any_value(object(any, "value")?)?,
                    None => None,
                };
                if let Some(value) = value {
                    out.push(Attribute { key: k.into(), value });
                }
            }
        }
        Some(other) => return wrong("attributes", other, "an object of attributes"),
    }
    Ok(out)
}

/// An object or a list as a JSON attribute, written with the separators of its file.
fn json_payload(x: &Value, spaced: bool) -> AttrValue {
    let text = jsonv::json_text_as(x, spaced);
    AttrValue::Json(Payload::from_json_text(&text).unwrap_or_else(|| Payload::from_value(x)))
}

/// An OTLP `AnyValue` as protobuf writes it to JSON (snake_case, or camelCase); `None` when empty.
fn any_value(a: &Value) -> Res<Option<AttrValue>> {
    let text = |snake: &str, camel: &str| match get(a, &[snake, camel]) {
        None => Ok(None),
        Some(Value::String(t)) => Ok(Some(t)),
        Some(other) => wrong(snake, other, "a string"),
    };
    if let Some(t) = text("string_value", "stringValue")?.or(text("bytes_value", "bytesValue")?) {
        return Ok(Some(AttrValue::Str(t.clone())));
    }
    match get(a, &["int_value", "intValue"]) {
        None => {}
        Some(x @ (Value::Number(_) | Value::String(_))) => {
            if let Some(i) = as_int(x) {
                let text = i.to_string();
                return Ok(Some(if i64::try_from(i).is_ok() { AttrValue::Int(text) } else { AttrValue::Str(text) }));
            }
        }
        Some(other) => return wrong("int_value", other, "an integer or a string holding one"),
    }
    match get(a, &["double_value", "doubleValue"]) {
        None => {}
        Some(Value::Number(n)) => return Ok(n.as_f64().map(AttrValue::Float)),
        Some(other) => return wrong("double_value", other, "a number"),
    }
    match get(a, &["bool_value", "boolValue"]) {
        None => {}
        Some(Value::Bool(b)) => return Ok(Some(AttrValue::Bool(*b))),
        Some(other) => return wrong("bool_value", other, "a boolean"),
    }
    Ok(match any_json(a)? {
        Value::Null => None,
        json => Some(AttrValue::Json(Payload::from_value(&json))),
    })
}

/// An `AnyValue` as JSON (nested lists as arrays and objects; depth is bounded by the parser's).
fn any_json(a: &Value) -> Res<Value> {
    if let Some(t) = get(a, &["string_value", "stringValue", "bytes_value", "bytesValue"]).and_then(Value::as_str) {
        return Ok(Value::String(t.to_string()));
    }
    if let Some(i) = get(a, &["int_value", "intValue"]).and_then(as_int) {
        return Ok(i64::try_from(i).map(Value::from).unwrap_or_else(|_| Value::String(i.to_string())));
    }
    if let Some(f) = get(a, &["double_value", "doubleValue"]).and_then(Value::as_f64) {
        return Ok(serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null));
    }
    if let Some(b) = get(a, &["bool_value", "boolValue"]).and_then(Value::as_bool) {
        return Ok(Value::Bool(b));
    }
    if let Some(kv) = get(a, &["kvlist_value", "kvlistValue"]) {
        let mut map = serde_json::Map::new();
        for e in jsonv::list(object(kv, "kvlist_value")?, &["values"]) {
            let e = object(e, "values")?;
            let k = s(e, "key")?.ok_or("`values`: missing field `key`")?;
            let v = match get_any(e, "value") {
                Some(v) => any_json(object(v, "value")?)?,
                None => Value::Null,
            };
            map.insert(k.to_string(), v);
        }
        return Ok(Value::Object(map));
    }
    match get(a, &["array_value", "arrayValue"]) {
        Some(list) => {
            let items = jsonv::list(object(list, "array_value")?, &["values"]);
            Ok(Value::Array(items.iter().map(|x| any_json(object(x, "values")?)).collect::<Res<_>>()?))
        }
        None => Ok(Value::Null),
    }
}
