//! Attribute values as the model keeps them: JSON values and payloads of attributes, tags, and
//! retrieved documents (read whole, or as drafts whose texts are moved out of their attributes).

use crate::model::{AttrValue, Attribute, Document, Payload};
use serde_json::Value;

pub(super) fn tags_of(v: &AttrValue) -> Vec<String> {
    match v {
        AttrValue::Array(items) => items.iter().map(AttrValue::display).collect(),
        AttrValue::Str(s) => serde_json::from_str::<Vec<String>>(s).unwrap_or_else(|_| vec![s.clone()]),
        other => vec![other.display()],
    }
}

pub(super) fn payload_of(v: &AttrValue) -> Payload {
    match v {
        AttrValue::Str(s) => Payload::from_text(s),
        AttrValue::Json(p) => p.clone(),
        other => Payload::from_value(&attr_json(other)),
    }
}

pub(super) fn attr_json(v: &AttrValue) -> Value {
    match v {
        AttrValue::Str(s) | AttrValue::Bytes(s) => Value::String(s.clone()),
        AttrValue::Int(s) => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(s.clone())),
        AttrValue::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Array(items) => Value::Array(items.iter().map(attr_json).collect()),
        AttrValue::Map(entries) => {
            Value::Object(entries.iter().map(|a| (a.key.to_string(), attr_json(&a.value))).collect())
        }
        AttrValue::Json(p) => serde_json::from_str(p.raw()).unwrap_or(Value::Null),
    }
}

pub(super) fn documents_of(v: &Value) -> Vec<Document> {
    match v {
        Value::Array(items) => items.iter().map(document).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn document(v: &Value) -> Document {
    let s = |k: &str| v.get(k).map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()));
    Document {
        id: s("id"),
        content: s("content"),
        score: v.get("score").and_then(|x| x.as_f64().or_else(|| x.as_str().and_then(crate::model::units::parse_f64))),
        metadata: s("metadata"),
    }
}

/// One-key objects OpenInference wraps values in; they are left out.
pub(super) fn is_wrapper(key: &str) -> bool {
    matches!(key, "message" | "tool_call" | "message_content" | "document" | "embedding")
}

/// A document read from a flattened tree, its texts still in their attributes while the tree
/// borrows them.
pub(super) enum Draft {
    Done(Document),
    Fields { id: Text, content: Text, score: Option<f64>, metadata: Text },
}

/// One text of a `Draft`.
pub(super) enum Text {
    None,
    Done(String),
    /// The string of the attribute at this position.
    Take(usize),
}

impl Text {
    fn resolve(self, attrs: &mut [Attribute]) -> Option<String> {
        match self {
            Text::None => None,
            Text::Done(s) => Some(s),
            Text::Take(at) => match attrs.get_mut(at).map(|a| &mut a.value) {
                Some(AttrValue::Str(s)) => Some(std::mem::take(s)),
                _ => None,
            },
        }
    }
}

impl Draft {
    /// The document, its texts moved out of `attrs` (the attributes the tree was read from).
    pub(super) fn resolve(self, attrs: &mut [Attribute]) -> Document {
        match self {
            Draft::Done(d) => d,
            Draft::Fields { id, content, score, metadata } => Document {
                id: id.resolve(attrs),
                content: content.resolve(attrs),
                score,
                metadata: metadata.resolve(attrs),
            },
        }
    }
}

pub(super) fn unwrap_wrappers(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            if map.len() == 1 {
                let key = map.keys().next().cloned().unwrap_or_default();
                if is_wrapper(&key) {
                    if let Some(inner) = map.into_iter().next().map(|(_, v)| v) {
                        return unwrap_wrappers(inner);
                    }
                    return Value::Null;
                }
            }
            Value::Object(map.into_iter().map(|(k, v)| (k, unwrap_wrappers(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(unwrap_wrappers).collect()),
        other => other,
    }
}
