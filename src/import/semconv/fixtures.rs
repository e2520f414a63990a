//! Span attributes for tests: a flat JSON map of the shared fixtures read as attributes.

use crate::model::{AttrValue, Attribute};
use serde_json::Value;

pub(super) fn attrs_from_flat_map(path: &str) -> Vec<Attribute> {
    let text = std::fs::read_to_string(path).unwrap();
    let map: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    map.into_iter()
        .map(|(key, v)| Attribute {
            key: key.into(),
            value: match v {
                Value::String(s) => AttrValue::Str(s),
                Value::Number(n) if n.is_f64() => AttrValue::Float(n.as_f64().unwrap()),
                Value::Number(n) => AttrValue::Int(n.to_string()),
                Value::Bool(b) => AttrValue::Bool(b),
                other => AttrValue::Str(other.to_string()),
            },
        })
        .collect()
}

pub(super) fn fixture(name: &str) -> String {
    format!("{}/../shared/fixtures/openinference/{name}", env!("CARGO_MANIFEST_DIR"))
}
