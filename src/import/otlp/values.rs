//! OTLP attribute values read straight into the model's: `KeyValue` lists, `AnyValue` (every
//! type, the first holding when a writer gives several), integers kept as their text, and enums
//! written as numbers or names.

use crate::model::{AttrValue, Attribute};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

use super::super::wire::FlexFloat;

#[derive(Deserialize)]
struct KeyValue {
    key: crate::model::key::Key,
    value: Option<AnyValue>,
}

/// An OTLP `AnyValue`, read straight into the attribute value it becomes: no struct of seven
/// optional fields per attribute (a million and a half of them in a large file). When a writer
/// gives several fields, the first of string, bool, int, double, bytes, array, kvlist holds.
pub(super) struct AnyValue(pub(super) AttrValue);

/// The fields of an `AnyValue`, in the order they take precedence.
#[derive(Clone, Copy)]
enum AnyField {
    Str,
    Bool,
    Int,
    Double,
    Bytes,
    Array,
    KvList,
    Other,
}

impl AnyField {
    const NAMES: [&'static str; 7] =
        ["stringValue", "boolValue", "intValue", "doubleValue", "bytesValue", "arrayValue", "kvlistValue"];

    fn of(name: &str) -> AnyField {
        match name {
            "stringValue" | "string_value" => AnyField::Str,
            "boolValue" | "bool_value" => AnyField::Bool,
            "intValue" | "int_value" => AnyField::Int,
            "doubleValue" | "double_value" => AnyField::Double,
            "bytesValue" | "bytes_value" => AnyField::Bytes,
            "arrayValue" | "array_value" => AnyField::Array,
            "kvlistValue" | "kvlist_value" => AnyField::KvList,
            _ => AnyField::Other,
        }
    }
}

impl<'de> Deserialize<'de> for AnyField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AnyField, E> {
                Ok(AnyField::of(v))
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OTLP AnyValue object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<AnyValue, A::Error> {
                let mut best: Option<(usize, AttrValue)> = None;
                let mut seen = 0u8;
                while let Some(field) = map.next_key::<AnyField>()? {
                    let rank = field as usize;
                    if let Some(&name) = AnyField::NAMES.get(rank) {
                        // as strict as a derived struct: a field (or its snake_case alias) once
                        if seen & (1 << rank) != 0 {
                            return Err(de::Error::duplicate_field(name));
                        }
                        seen |= 1 << rank;
                    }
                    // `null` counts as absent
                    let value = match field {
                        AnyField::Str => map.next_value::<Option<String>>()?.map(AttrValue::Str),
                        AnyField::Bool => map.next_value::<Option<bool>>()?.map(AttrValue::Bool),
                        AnyField::Int => map.next_value::<Option<IntText>>()?.map(|i| AttrValue::Int(i.0)),
                        AnyField::Double => {
                            map.next_value::<Option<FlexFloat>>()?.map(|f| AttrValue::Float(f.0.unwrap_or(f64::NAN)))
                        }
                        AnyField::Bytes => map.next_value::<Option<String>>()?.map(AttrValue::Bytes),
                        AnyField::Array => map
                            .next_value::<Option<ArrayValue>>()?
                            .map(|a| AttrValue::Array(a.values.unwrap_or_default().into_iter().map(|v| v.0).collect())),
                        AnyField::KvList => {
                            map.next_value::<Option<KvList>>()?.map(|kv| AttrValue::Map(attributes(kv.values)))
                        }
                        AnyField::Other => {
                            map.next_value::<de::IgnoredAny>()?;
                            None
                        }
                    };
                    if let Some(v) = value {
                        if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                            best = Some((rank, v));
                        }
                    }
                }
                Ok(AnyValue(best.map_or(AttrValue::Str(String::new()), |(_, v)| v)))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
struct ArrayValue {
    values: Option<Vec<AnyValue>>,
}

#[derive(Deserialize)]
struct KvList {
    values: Option<Attrs<0>>,
}

/// An integer kept as its decimal text, so values beyond 2^53 or i64 are not rounded.
struct IntText(String);

impl<'de> Deserialize<'de> for IntText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IntText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An enum written as its number (spec JSON) or its name (protobuf-JSON).
pub(super) enum EnumValue {
    Num(i64),
    Name(String),
}

impl<'de> Deserialize<'de> for EnumValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EnumValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnumValue, E> {
                Ok(EnumValue::Num(v as i64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnumValue, E> {
                Ok(EnumValue::Num(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumValue, E> {
                Ok(EnumValue::Name(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl EnumValue {
    pub(super) fn span_kind(&self) -> &'static str {
        let n = match self {
            EnumValue::Num(n) => *n,
            EnumValue::Name(s) => match s.trim_start_matches("SPAN_KIND_").to_ascii_uppercase().as_str() {
                "INTERNAL" => 1,
                "SERVER" => 2,
                "CLIENT" => 3,
                "PRODUCER" => 4,
                "CONSUMER" => 5,
                _ => 0,
            },
        };
        match n {
            1 => "internal",
            2 => "server",
            3 => "client",
            4 => "producer",
            5 => "consumer",
            _ => "unspecified",
        }
    }

    /// A log record's severity number (1–24), from its number or its name (`SEVERITY_NUMBER_WARN2`).
    pub(super) fn severity_number(&self) -> Option<i64> {
        match self {
            EnumValue::Num(n) => Some(*n).filter(|n| *n > 0),
            EnumValue::Name(s) => {
                let name = s.trim_start_matches("SEVERITY_NUMBER_");
                let (word, step) = match name.as_bytes().last() {
                    Some(d @ b'2'..=b'4') => (&name[..name.len() - 1], i64::from(d - b'1')),
                    _ => (name, 0),
                };
                let base = match word.to_ascii_uppercase().as_str() {
                    "TRACE" => 1,
                    "DEBUG" => 5,
                    "INFO" => 9,
                    "WARN" => 13,
                    "ERROR" => 17,
                    "FATAL" => 21,
                    _ => return None,
                };
                Some(base + step)
            }
        }
    }

    pub(super) fn is_error(&self) -> bool {
        match self {
            EnumValue::Num(n) => *n == 2,
            EnumValue::Name(s) => s.eq_ignore_ascii_case("STATUS_CODE_ERROR") || s.eq_ignore_ascii_case("ERROR"),
        }
    }
}

pub(super) fn attributes<const EXTRA: usize>(list: Option<Attrs<EXTRA>>) -> Vec<Attribute> {
    list.map(|a| a.0).unwrap_or_else(|| Vec::with_capacity(EXTRA))
}

/// Room a span's attributes keep for what `observation` and its context add: the span kind,
/// the service, the scope's name and version (`semconv::apply` gives back what is not used).
pub(super) const SPAN_EXTRA: usize = 4;

/// A list of OTLP `KeyValue`s read straight into attributes with room for `EXTRA` more. They are
/// gathered in a buffer kept between lists and then copied once into a list of the exact size:
/// no list grows while it is read, and no second list is built from the first.
pub(super) struct Attrs<const EXTRA: usize>(pub(super) Vec<Attribute>);

thread_local! {
    static ATTRS_BUFFER: std::cell::Cell<Vec<Attribute>> = const { std::cell::Cell::new(Vec::new()) };
}

impl<'de, const EXTRA: usize> Deserialize<'de> for Attrs<EXTRA> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // the room is a value, not a type: one reader is compiled for every `EXTRA`
        struct V(usize);
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Attribute>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of attributes")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Attribute>, A::Error> {
                // a list inside a value (kvlistValue) finds the buffer taken and starts its own
                let mut buf = ATTRS_BUFFER.take();
                buf.clear();
                let read = loop {
                    match seq.next_element::<KeyValue>() {
                        Ok(Some(kv)) => buf.push(Attribute {
                            key: kv.key,
                            value: kv.value.map_or(AttrValue::Str(String::new()), |v| v.0),
                        }),
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                };
                let mut out = Vec::with_capacity(buf.len() + self.0);
                out.append(&mut buf);
                // one span with thousands of attributes does not keep their room for the rest
                if buf.capacity() <= 1024 {
                    ATTRS_BUFFER.set(buf);
                }
                read.map(|()| out)
            }
        }
        d.deserialize_seq(V(EXTRA)).map(Attrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_values_read_every_type_and_the_first_type_holds_when_several_are_given() {
        let value = |json: &str| serde_json::from_str::<AnyValue>(json).map(|v| v.0).map_err(|e| e.to_string());
        assert_eq!(value(r#"{"stringValue":"s"}"#), Ok(AttrValue::Str("s".into())));
        assert_eq!(value(r#"{"bool_value":true}"#), Ok(AttrValue::Bool(true)));
        assert_eq!(value(r#"{"intValue":"99999999999999999999"}"#), Ok(AttrValue::Int("99999999999999999999".into())));
        assert_eq!(value(r#"{"intValue":7}"#), Ok(AttrValue::Int("7".into())));
        assert_eq!(value(r#"{"doubleValue":"NaN"}"#).map(|v| v.as_f64().is_some_and(f64::is_nan)), Ok(true));
        assert_eq!(value(r#"{"doubleValue":0.5}"#), Ok(AttrValue::Float(0.5)));
        assert_eq!(value(r#"{"bytesValue":"AAE="}"#), Ok(AttrValue::Bytes("AAE=".into())));
        assert_eq!(
            value(r#"{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"x"},{}]}}"#),
            Ok(AttrValue::Array(vec![
                AttrValue::Int("1".into()),
                AttrValue::Str("x".into()),
                AttrValue::Str(String::new())
            ]))
        );
        assert_eq!(value(r#"{"arrayValue":{}}"#), Ok(AttrValue::Array(Vec::new())));
        assert_eq!(
            value(r#"{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}"#),
            Ok(AttrValue::Map(vec![Attribute { key: "k".into(), value: AttrValue::Bool(false) }]))
        );
        // several types: string, bool, int, double, bytes, array, kvlist, whatever their order
        assert_eq!(value(r#"{"intValue":"1","stringValue":"s"}"#), Ok(AttrValue::Str("s".into())));
        assert_eq!(value(r#"{"doubleValue":2.5,"boolValue":true}"#), Ok(AttrValue::Bool(true)));
        // null is absent, unknown fields are skipped, nothing at all is an empty string
        assert_eq!(value(r#"{"stringValue":null,"intValue":"3"}"#), Ok(AttrValue::Int("3".into())));
        assert_eq!(value(r#"{"futureValue":{"a":[1]},"boolValue":true}"#), Ok(AttrValue::Bool(true)));
        assert_eq!(value("{}"), Ok(AttrValue::Str(String::new())));
        // a field twice, also through its snake_case alias, is an error as for any struct
        assert!(value(r#"{"stringValue":"a","string_value":"b"}"#).is_err_and(|e| e.contains("duplicate field")));
        assert!(value(r#""not an object""#).is_err());
    }
}
