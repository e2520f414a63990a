//! What OpenTelemetry SDKs and agent frameworks print or save of their spans, rather than send:
//! Python's `ConsoleSpanExporter` and any-agent's `AgentTrace` (`python`), JS `ReadableSpan`s
//! (`js`). Shared here (also with `clickhouse`, which reads single spans `{scopeName, spanName,
//! attributes}`): the attribute maps they all write, ids, and spans grouped into traces.
pub(super) mod js;
pub(super) mod python;

use super::jsonv::get;
use super::semconv;
use super::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Observation, Payload, Trace, TraceSet};
use serde_json::Value;
use std::collections::HashMap;

/// Put before the digits of an integer too large for 64 bits, which is then read as a string:
/// the value tree keeps only 64-bit integers (any-agent writes 128-bit trace ids as integers).
const BIG: char = '\u{1}';

/// Every object of a document that is one object, a list of them (nulls skipped), or several
/// such values one after another (JSON Lines, or pretty-printed objects written back to back, as
/// SDK console exporters print them). Errors carry their line and column in the file as written.
pub(super) fn objects(body: &str, format: Format) -> Result<Vec<Value>, ImportError> {
    match mark_big_ints(body) {
        // a file that fails marked fails as written, with the positions of the file
        Some(marked) => read(&marked, format).or_else(|_| read(body, format)),
        None => read(body, format),
    }
}

fn read(body: &str, format: Format) -> Result<Vec<Value>, ImportError> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    while let Some(value) = stream.next() {
        let items = match value.map_err(|e| shape_error(format, &e))? {
            Value::Array(items) => items,
            one => vec![one],
        };
        for item in items {
            match item {
                Value::Object(_) => out.push(item),
                Value::Null => {}
                other => {
                    let before = body.get(..stream.byte_offset()).unwrap_or(body);
                    let line = before.lines().count().max(1);
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
                    let what = match other {
                        Value::Bool(_) => "a boolean",
                        Value::Number(_) => "a number",
                        Value::String(_) => "a string",
                        _ => "a list",
                    };
                    let reason = format!("invalid type: {what}, expected an object or a list of objects");
                    return Err(ImportError::Shape { format: format.label(), line, column, reason });
                }
            }
        }
    }
    Ok(out)
}

/// `body` with each integer too large for 64 bits written as a string of its digits after
/// `BIG` (`None` when there is none). Text in strings is left alone; so is a number with a
/// leading zero (not JSON: it must still fail).
fn mark_big_ints(body: &str) -> Option<String> {
    let b = body.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i, mut in_string) = (0, 0, false);
    while let Some(&c) = b.get(i) {
        i += 1;
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'-' | b'0'..=b'9' => {
                let start = i - 1;
                while b.get(i).is_some_and(|d| matches!(d, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    i += 1;
                }
                let token = body.get(start..i).unwrap_or_default();
                let digits = token.strip_prefix('-').unwrap_or(token);
                let big = digits.len() > 18
                    && !digits.starts_with('0')
                    && digits.bytes().all(|d| d.is_ascii_digit())
                    && token.parse::<i64>().is_err()
                    && token.parse::<u64>().is_err();
                if big {
                    let o = out.get_or_insert_with(|| String::with_capacity(body.len() + 64));
                    o.push_str(body.get(copied..start).unwrap_or_default());
                    o.push_str("\"\\u0001");
                    o.push_str(token);
                    o.push('"');
                    copied = i;
                }
            }
            _ => {}
        }
    }
    let mut o = out?;
    o.push_str(body.get(copied..).unwrap_or_default());
    Some(o)
}

/// The digits of an integer too large for 64 bits (see `BIG`).
pub(super) fn big_int(v: &Value) -> Option<&str> {
    v.as_str()?.strip_prefix(BIG)
}

/// A JSON value as text: a string's contents, anything else as written.
pub(super) fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.strip_prefix(BIG).unwrap_or(s).to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A JSON value as a payload, integers too large for 64 bits written back as numbers.
pub(super) fn payload(v: &Value) -> Payload {
    let text = serde_json::to_string(v).unwrap_or_default();
    const MARK: &str = "\"\\u0001";
    if !text.contains(MARK) {
        return Payload::from_json_text(&text).unwrap_or_else(|| Payload::from_value(v));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(MARK) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let after = after.get(MARK.len()..).unwrap_or_default();
        let end = after.find(|c: char| !(c.is_ascii_digit() || c == '-')).unwrap_or(after.len());
        match after.get(end..).and_then(|a| a.strip_prefix('"')) {
            Some(tail) if end > 0 => {
                out.push_str(after.get(..end).unwrap_or_default());
                rest = tail;
            }
            _ => {
                out.push_str(MARK);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Payload::from_json_text(&out).unwrap_or_else(|| Payload::from_value(v))
}

/// An attribute map `{key: value}` under one of `keys`, in the order written (none when absent
/// or not a map).
pub(super) fn attrs(v: &Value, keys: &[&str]) -> Vec<Attribute> {
    match get(v, keys) {
        Some(Value::Object(map)) => {
            map.iter().map(|(k, x)| Attribute { key: k.as_str().into(), value: value(x) }).collect()
        }
        _ => Vec::new(),
    }
}

/// One JSON value as an attribute value, keeping its JSON type: integers stay text (a u128 is
/// not rounded). Lists are read item by item (one level: attribute lists hold scalars);
/// anything else nested stays JSON.
pub(super) fn value(v: &Value) -> AttrValue {
    match v {
        Value::String(s) => match s.strip_prefix(BIG) {
            Some(digits) => AttrValue::Int(digits.to_string()),
            None => AttrValue::Str(s.clone()),
        },
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Null => AttrValue::Str(String::new()),
        Value::Number(n) if n.is_f64() => {
            n.as_f64().map(AttrValue::Float).unwrap_or_else(|| AttrValue::Str(n.to_string()))
        }
        Value::Number(n) => AttrValue::Int(n.to_string()),
        Value::Array(items) if items.iter().all(|i| !matches!(i, Value::Array(_) | Value::Object(_))) => {
            AttrValue::Array(items.iter().map(value).collect())
        }
        other => AttrValue::Json(payload(other)),
    }
}

/// A hex id without its `0x`, lowercase, zero-padded to 16 or 32 digits as OTLP writes it
/// (Python prints `0x` + 32 or 16 digits already; padding only matters for odd writers).
pub(super) fn hex_id(raw: &str) -> String {
    let t = raw.trim();
    let t = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return t.to_string();
    }
    let width = if t.len() <= 16 { 16 } else { 32 };
    format!("{:0>width$}", t.to_ascii_lowercase())
}

/// True when a parent id names no span (missing, empty, all zeros).
pub(super) fn no_parent(id: &str) -> bool {
    id.is_empty() || id.bytes().all(|b| b == b'0')
}

/// Spans (each with its trace id) grouped into traces in the order each trace first appears,
/// mapped by the attribute conventions and built into trees.
pub(super) fn traces(file: &str, spans: Vec<(String, Observation)>) -> TraceSet {
    let mut set = TraceSet::default();
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Observation>> = HashMap::new();
    for (trace_id, o) in spans {
        groups
            .entry(trace_id.clone())
            .or_insert_with(|| {
                order.push(trace_id);
                Vec::new()
            })
            .push(o);
    }
    for trace_id in order {
        let Some(mut obs) = groups.remove(&trace_id) else { continue };
        let ids = semconv::apply_all(&mut obs);
        let mut t = Trace::build(trace_id, obs, file, &mut set.warnings);
        ids.apply_to(&mut t);
        set.traces.push(t);
    }
    set
}

/// The span kind as the OTLP importer keeps it (`otel.span_kind`: client, server, …), from
/// `SpanKind.CLIENT`, `CLIENT`, `client` or the enum's number.
pub(super) fn span_kind(raw: &str) -> Option<&'static str> {
    let name = raw.trim().rsplit('.').next().unwrap_or_default().trim_start_matches("SPAN_KIND_");
    Some(match name.to_ascii_uppercase().as_str() {
        "INTERNAL" | "0" => "internal",
        "SERVER" | "1" => "server",
        "CLIENT" | "2" => "client",
        "PRODUCER" | "3" => "producer",
        "CONSUMER" | "4" => "consumer",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_keep_their_json_types() {
        let body = r#"{"a": {"s":"x","i":100927429609276267646756448943279827607,"f":2.5e-6,"b":false,"l":[1,"a"],"o":{"k":1,"big":-100927429609276267646756448943279827607},"n":null}}"#;
        let v = objects(body, Format::PythonSpans).unwrap();
        let a = attrs(&v[0], &["a"]);
        let v: Vec<(&str, &AttrValue)> = a.iter().map(|a| (a.key.as_str(), &a.value)).collect();
        assert_eq!(v[0], ("s", &AttrValue::Str("x".into())));
        assert_eq!(v[1].1, &AttrValue::Int("100927429609276267646756448943279827607".into()));
        assert_eq!(v[2].1, &AttrValue::Float(2.5e-6));
        assert_eq!(v[3].1, &AttrValue::Bool(false));
        assert_eq!(v[4].1, &AttrValue::Array(vec![AttrValue::Int("1".into()), AttrValue::Str("a".into())]));
        assert!(
            matches!(v[5].1, AttrValue::Json(p) if p.raw() == r#"{"k":1,"big":-100927429609276267646756448943279827607}"#),
            "{:?}",
            v[5].1.display()
        );
        assert_eq!(v[6].1, &AttrValue::Str(String::new()));
    }

    #[test]
    fn big_integers_are_marked_outside_strings_only() {
        let body = r#"{"a": "12345678901234567890123", "b": [18446744073709551616, 18446744073709551615, 0123456789012345678901]}"#;
        let marked = mark_big_ints(body).unwrap();
        assert_eq!(
            marked,
            r#"{"a": "12345678901234567890123", "b": ["\u000118446744073709551616", 18446744073709551615, 0123456789012345678901]}"#
        );
        assert_eq!(mark_big_ints(r#"{"a": "\"99999999999999999999999"}"#), None);
        // still not JSON (a leading zero): the error is the file's
        assert!(matches!(objects(body, Format::PythonSpans), Err(ImportError::Syntax { line: 1, .. })));
        assert!(matches!(objects("[1]", Format::PythonSpans), Err(ImportError::Shape { .. })));
    }

    #[test]
    fn ids_and_kinds() {
        assert_eq!(hex_id("0x213052EB3B85D96F2107412ED7EC215B"), "213052eb3b85d96f2107412ed7ec215b");
        assert_eq!(hex_id("0xabc"), "0000000000000abc");
        assert_eq!(hex_id("zz"), "zz");
        assert_eq!(span_kind("SpanKind.CLIENT"), Some("client"));
        assert_eq!(span_kind("internal"), Some("internal"));
        assert_eq!(span_kind("2"), Some("client"), "the JS SDK's enum: INTERNAL 0, SERVER 1, CLIENT 2");
        assert_eq!(span_kind("odd"), None);
    }
}
