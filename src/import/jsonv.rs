//! Reading a `serde_json::Value` by key, for the formats read through a value tree rather than a
//! derived struct per wire shape: one shared parser instead of a visitor per struct keeps the page
//! small (each derived struct costs kilobytes of wasm; BENCHMARKS.md, issue 26).
//!
//! Every getter takes the spellings a writer may use (`&["traceId", "trace_id"]`) and returns the
//! first present, non-null one. Numbers follow `wire::FlexInt`/`FlexFloat`: a JSON number or a
//! string holding one. (Readers use what they need: unused getters are allowed.)
#![allow(dead_code)]

use super::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute};
use serde_json::Value;
use std::collections::HashMap;

/// Every object of a document that is one object, a list of them (nulls skipped), or several such
/// values one after another (JSON Lines, pretty-printed objects back to back);
/// anything else is a shape error of `format` at the value.
pub fn objects(body: &str, format: Format) -> Result<Vec<Value>, ImportError> {
    nested_objects(body, format, 1)
}

/// As `objects`, lists nested up to `depth` deep (Zipkin's list of traces, each a list of spans).
pub fn nested_objects(body: &str, format: Format, depth: usize) -> Result<Vec<Value>, ImportError> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    loop {
        let at = stream.byte_offset();
        let Some(value) = stream.next() else { break };
        let value = value.map_err(|e| shape_error(format, &e))?;
        flatten(value, depth, &mut out).map_err(|found| not_object(body, at, format, &found))?;
    }
    Ok(out)
}

/// Pushes `v` if an object, or the objects of a list (nulls skipped) `depth` lists deep; the first
/// value that is neither is the error.
fn flatten(v: Value, depth: usize, out: &mut Vec<Value>) -> Result<(), Value> {
    match v {
        Value::Object(_) => out.push(v),
        Value::Array(items) if depth > 0 => {
            for item in items.into_iter().filter(|i| !i.is_null()) {
                flatten(item, depth.saturating_sub(1), out)?;
            }
        }
        other => return Err(other),
    }
    Ok(())
}

/// A shape error: `found` where an object (or a list of them) was, at the value starting after byte `at`.
pub fn not_object(body: &str, at: usize, format: Format, found: &Value) -> ImportError {
    not_a(body, at, format, found, "an object or a list of objects")
}

/// What a JSON value is, in words, for shape errors ("a string").
pub fn kind_of(x: &Value) -> &'static str {
    match x {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A shape error: `found` where `expected` was, at the value starting after byte `at`.
pub fn not_a(body: &str, at: usize, format: Format, found: &Value, expected: &str) -> ImportError {
    let rest = body.get(at..).unwrap_or_default();
    let start = at.saturating_add(rest.len().saturating_sub(rest.trim_start().len()));
    let upto = body.get(..start).unwrap_or_default();
    let line = upto.matches('\n').count().saturating_add(1);
    let column = upto.rsplit('\n').next().unwrap_or_default().chars().count().saturating_add(1);
    let kind = kind_of(found);
    let reason = format!("invalid type: {kind}, expected {expected}");
    ImportError::Shape { format: format.label(), line, column, reason }
}

/// The first of `keys` present in `v` (an object) and not null.
pub fn get<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    let map = v.as_object()?;
    keys.iter().find_map(|k| map.get(*k).filter(|x| !x.is_null()))
}

/// A string field (numbers and booleans are given as their JSON text: ids are written both ways).
pub fn text(v: &Value, keys: &[&str]) -> Option<String> {
    match get(v, keys)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string field, borrowed (only an actual JSON string).
pub fn str<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    get(v, keys)?.as_str()
}

/// An integer written as a number or a string; a float is truncated, as `FlexInt` does.
pub fn int(v: &Value, keys: &[&str]) -> Option<i128> {
    as_int(get(v, keys)?)
}

pub fn as_int(x: &Value) -> Option<i128> {
    match x {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or(n.as_u64().map(i128::from))
            .or(n.as_f64().filter(|f| f.is_finite()).map(|f| f as i128)),
        Value::String(s) => s.trim().parse::<i128>().ok(),
        _ => None,
    }
}

/// A number written as a number or a string.
pub fn float(v: &Value, keys: &[&str]) -> Option<f64> {
    match get(v, keys)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::model::units::parse_f64(s.trim()),
        _ => None,
    }
}

pub fn bool(v: &Value, keys: &[&str]) -> Option<bool> {
    match get(v, keys)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A list field's items (none when absent, null or not a list).
pub fn list<'a>(v: &'a Value, keys: &[&str]) -> &'a [Value] {
    get(v, keys).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// A JSON value as an attribute value: integers kept as their text (no rounding past 2^53),
/// objects as maps in their written order, null as an empty string.
pub fn attr_value(x: &Value) -> AttrValue {
    match x {
        Value::Null => AttrValue::Str(String::new()),
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Number(n) if n.is_f64() => n.as_f64().map(AttrValue::Float).unwrap_or(AttrValue::Int(n.to_string())),
        Value::Number(n) => AttrValue::Int(n.to_string()),
        Value::String(s) => AttrValue::Str(s.clone()),
        Value::Array(items) => AttrValue::Array(items.iter().map(attr_value).collect()),
        Value::Object(map) => AttrValue::Map(attributes(map)),
    }
}

/// An object's entries as attributes, in their written order.
pub fn attributes(map: &serde_json::Map<String, Value>) -> Vec<Attribute> {
    map.iter().map(|(k, x)| Attribute { key: k.as_str().into(), value: attr_value(x) }).collect()
}

/// A value as JSON text with the separators of Python's `json.dumps` (`", "` and `": "`): how
/// Python writers (MLflow) wrote the values a reader keeps as text.
pub fn json_text(x: &Value) -> String {
    json_text_as(x, true)
}

/// A value as JSON text, with Python's spaced separators or compact ones (`,` and `:`).
pub fn json_text_as(x: &Value, spaced: bool) -> String {
    let mut out = String::new();
    write_json(&mut out, x, if spaced { [", ", ": "] } else { [",", ":"] });
    out
}

/// Whether JSON `text` was written with spaced separators (after its first key: `{"a": …`).
pub fn spaced(text: &str) -> bool {
    text.find("\":").is_some_and(|i| text[i..].starts_with("\": "))
}

fn write_json(out: &mut String, x: &Value, sep: [&str; 2]) {
    match x {
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep[0]);
                }
                write_json(out, v, sep);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep[0]);
                }
                out.push_str(&serde_json::to_string(k.as_str()).unwrap_or_default());
                out.push_str(sep[1]);
                write_json(out, v, sep);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A value that is not the `what` a format wants there, as a shape error naming the format.
pub fn wrong_shape(format: super::Format, what: &str, found: &Value) -> super::ImportError {
    let kind = kind_of(found);
    let reason = format!("{kind} where {what} was expected");
    super::ImportError::Shape { format: format.label(), line: 0, column: 0, reason }
}

/// The byte span of every value under one of `keys` in `body` (valid JSON, already parsed), by its
/// path (`/traces/0/input`), not looking inside those values: the text of a value as written,
/// which a `Value` does not keep (a payload carried verbatim).
pub fn raw_spans(body: &str, keys: &[&str]) -> HashMap<String, (usize, usize)> {
    let mut out = HashMap::new();
    let b = body.as_bytes();
    let start = skip_ws(b, 0);
    scan(b, start, &mut String::new(), keys, &mut out);
    out
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i = i.saturating_add(1);
    }
    i
}

fn string_end(b: &[u8], mut i: usize) -> usize {
    i = i.saturating_add(1);
    loop {
        match b.get(i) {
            Some(b'\\') => i = i.saturating_add(2),
            Some(b'"') => return i.saturating_add(1),
            Some(_) => i = i.saturating_add(1),
            None => return b.len(),
        }
    }
}

/// The end of the value starting at `i`, recording spans under `keys` below `path`.
fn scan(b: &[u8], i: usize, path: &mut String, keys: &[&str], out: &mut HashMap<String, (usize, usize)>) -> usize {
    let (close, object) = match b.get(i) {
        Some(b'{') => (b'}', true),
        Some(b'[') => (b']', false),
        Some(b'"') => return string_end(b, i),
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace()) {
                j = j.saturating_add(1);
            }
            return j;
        }
    };
    let mut j = skip_ws(b, i.saturating_add(1));
    if b.get(j) == Some(&close) {
        return j.saturating_add(1);
    }
    let mut index = 0usize;
    loop {
        let len = path.len();
        path.push('/');
        let mut wanted = false;
        if object {
            let key_end = string_end(b, j);
            let key = b.get(j.saturating_add(1)..key_end.saturating_sub(1)).unwrap_or_default();
            let key = std::str::from_utf8(key).unwrap_or_default();
            path.push_str(key);
            wanted = keys.contains(&key);
            j = skip_ws(b, skip_ws(b, key_end).saturating_add(1));
        } else {
            path.push_str(&index.to_string());
            index = index.saturating_add(1);
        }
        let end = if wanted {
            let end = scan(b, j, &mut String::new(), &[], out);
            out.insert(path.clone(), (j, end));
            end
        } else {
            scan(b, j, path, keys, out)
        };
        path.truncate(len);
        j = skip_ws(b, end);
        match b.get(j) {
            Some(b',') => j = skip_ws(b, j.saturating_add(1)),
            _ => return j.saturating_add(1),
        }
    }
}

/// An object's entries with their values as the raw JSON text written in `text` (payloads are
/// kept as written: spacing, escapes and number spelling); one visitor shared by every reader
/// that keeps raw payloads. Anything but an object is an error.
pub fn raw_entries(text: &str) -> Result<Vec<(String, &serde_json::value::RawValue)>, serde_json::Error> {
    serde_json::from_str::<RawEntries>(text).map(|e| e.0)
}

struct RawEntries<'a>(Vec<(String, &'a serde_json::value::RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for RawEntries<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = RawEntries<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut m: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, &'de serde_json::value::RawValue>()? {
                    out.push((k, v));
                }
                Ok(RawEntries(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn getters_take_the_first_spelling_present_and_not_null() {
        let v =
            json!({"trace_id": null, "traceId": "ab", "n": "12", "f": 0.5, "big": 9007199254740993_u64, "l": [1, 2]});
        assert_eq!(text(&v, &["trace_id", "traceId"]).as_deref(), Some("ab"));
        assert_eq!(int(&v, &["n"]), Some(12));
        assert_eq!(float(&v, &["f"]), Some(0.5));
        assert_eq!(attr_value(&v["big"]), AttrValue::Int("9007199254740993".into()));
        assert_eq!(list(&v, &["l"]).len(), 2);
        assert!(list(&v, &["missing"]).is_empty());
        assert_eq!(get(&json!([1]), &["x"]), None, "not an object");
        assert_eq!(json_text(&json!({"a": [1, "b"], "c": {}})), r#"{"a": [1, "b"], "c": {}}"#);
        assert_eq!(json_text_as(&json!({"a": [1, "b"]}), false), r#"{"a":[1,"b"]}"#);
        assert!(spaced(r#"[{"a": 1}]"#) && !spaced(r#"[{"a":1}]"#));
        let body = r#"{"t": [{"input": { "a" : [1, "}"] }, "x": {"input": 2}}], "input": "s\"" }"#;
        let spans = raw_spans(body, &["input"]);
        let at = |p: &str| spans.get(p).and_then(|&(s, e)| body.get(s..e));
        assert_eq!(at("/t/0/input"), Some(r#"{ "a" : [1, "}"] }"#));
        assert_eq!(at("/t/0/x/input"), Some("2"));
        assert_eq!(at("/input"), Some(r#""s\"""#));
    }

    #[test]
    fn raw_entries_keep_values_as_written() {
        let e = raw_entries(r#"{"a": 1.0, "b\u00e9": {"x" : "\u00e9"}}"#).unwrap();
        let got: Vec<(&str, &str)> = e.iter().map(|(k, v)| (k.as_str(), v.get())).collect();
        assert_eq!(got, [("a", "1.0"), ("bé", r#"{"x" : "\u00e9"}"#)]);
        assert!(raw_entries("[1]").is_err());
    }
}
