//! What OpenTelemetry SDKs and agent frameworks print or save of their spans, rather than send:
//! Python's `ConsoleSpanExporter` and any-agent's `AgentTrace` (`python`), JS `ReadableSpan`s
//! (`js`). Shared here (also with `clickhouse`, which reads single spans `{scopeName, spanName,
//! attributes}`): the attribute maps they all write, ids, and spans grouped into traces.
pub(super) mod js;
pub(super) mod python;

use super::semconv;
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Observation, Payload, Trace, TraceSet};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::fmt;

/// An attribute map `{key: value}` in the order written, each value keeping its JSON type:
/// integers stay text (a u128 is not rounded), objects stay raw JSON.
#[derive(Default)]
pub(super) struct Attrs(pub(super) Vec<Attribute>);

impl<'de> serde::Deserialize<'de> for Attrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attrs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attrs, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let raw: Box<RawValue> = map.next_value()?;
                    out.push(Attribute { key: key.into(), value: value_of(raw) });
                }
                Ok(Attrs(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Attrs, E> {
                Ok(Attrs(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One JSON value as an attribute value. Lists are read item by item (one level: attribute
/// lists hold scalars); anything else nested stays raw JSON.
pub(super) fn value_of(raw: Box<RawValue>) -> AttrValue {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'"') => AttrValue::Str(serde_json::from_str(text).unwrap_or_default()),
        Some(b't') => AttrValue::Bool(true),
        Some(b'f') => AttrValue::Bool(false),
        Some(b'n') | None => AttrValue::Str(String::new()),
        Some(b'[') => match serde_json::from_str::<Vec<Box<RawValue>>>(text) {
            Ok(items) if items.iter().all(|i| !matches!(i.get().trim().as_bytes().first(), Some(b'[' | b'{'))) => {
                AttrValue::Array(items.into_iter().map(value_of).collect())
            }
            _ => AttrValue::Json(Payload::from_raw(raw)),
        },
        Some(b'{') => AttrValue::Json(Payload::from_raw(raw)),
        _ if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) => {
            parse_f64(text).map(AttrValue::Float).unwrap_or_else(|| AttrValue::Str(text.to_string()))
        }
        _ => AttrValue::Int(text.to_string()),
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
        let a: Attrs =
            serde_json::from_str(r#"{"s":"x","i":100927429609276267646756448943279827607,"f":2.5e-6,"b":false,"l":[1,"a"],"o":{"k":1},"n":null}"#)
                .unwrap();
        let v: Vec<(&str, &AttrValue)> = a.0.iter().map(|a| (a.key.as_str(), &a.value)).collect();
        assert_eq!(v[0], ("s", &AttrValue::Str("x".into())));
        assert_eq!(v[1].1, &AttrValue::Int("100927429609276267646756448943279827607".into()));
        assert_eq!(v[2].1, &AttrValue::Float(2.5e-6));
        assert_eq!(v[3].1, &AttrValue::Bool(false));
        assert_eq!(v[4].1, &AttrValue::Array(vec![AttrValue::Int("1".into()), AttrValue::Str("a".into())]));
        assert!(matches!(v[5].1, AttrValue::Json(p) if p.raw() == r#"{"k":1}"#));
        assert_eq!(v[6].1, &AttrValue::Str(String::new()));
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
