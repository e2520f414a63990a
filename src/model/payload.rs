//! Raw JSON payloads (input, output, metadata) kept as the bytes that came in until a view shows them.

use serde_json::value::RawValue;
use std::fmt;

/// A JSON value stored unparsed. Cheap to keep, parsed only on demand by the view that shows it.
#[derive(Clone)]
pub struct Payload(Box<RawValue>);

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// How a payload reads once decoded for display.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// Plain text (a JSON string that does not itself hold JSON).
    Text(String),
    /// Structured JSON; string-encoded JSON is unwrapped at most two levels.
    Json(serde_json::Value),
}

impl Payload {
    pub fn from_raw(raw: Box<RawValue>) -> Self {
        Payload(raw)
    }

    /// Wraps text as a JSON string payload.
    pub fn from_text(text: &str) -> Self {
        // serde_json's own writing is valid JSON: kept as written, not parsed again to check it
        Payload(serde_json::value::to_raw_value(text).unwrap_or_else(|_| null_raw()))
    }

    /// Wraps an already-built JSON value (used for values assembled at import, like flattened messages).
    pub fn from_value(value: &serde_json::Value) -> Self {
        Payload(serde_json::value::to_raw_value(value).unwrap_or_else(|_| null_raw()))
    }

    /// The payload as a raw JSON value (for writers that embed it unchanged).
    pub fn to_raw(&self) -> Box<RawValue> {
        self.0.clone()
    }

    /// The payload as it is, for writers that embed it unchanged without a copy.
    pub fn as_raw_value(&self) -> &RawValue {
        &self.0
    }

    pub fn raw(&self) -> &str {
        self.0.get()
    }

    pub fn len_bytes(&self) -> usize {
        self.0.get().len()
    }

    pub fn is_null(&self) -> bool {
        self.0.get().trim() == "null"
    }

    /// True for `null`, `""`, `{}` and `[]`: nothing worth a section in the detail pane.
    pub fn is_empty_value(&self) -> bool {
        let s: String = self.0.get().chars().filter(|c| !c.is_whitespace()).collect();
        matches!(s.as_str(), "null" | "\"\"" | "{}" | "[]")
    }

    /// Parses the payload for display. JSON held inside strings (Langfuse often double-encodes) is
    /// decoded at most two levels so a string that merely looks like JSON three levels down stays text.
    pub fn decode(&self) -> Decoded {
        let value: serde_json::Value = match serde_json::from_slice(self.0.get().as_bytes()) {
            Ok(v) => v,
            Err(_) => return Decoded::Text(self.0.get().to_string()),
        };
        let mut current = value;
        for _ in 0..2 {
            match current {
                serde_json::Value::String(ref s) => match parse_embedded_json(s) {
                    Some(inner) => current = inner,
                    None => break,
                },
                _ => break,
            }
        }
        match current {
            serde_json::Value::String(s) => Decoded::Text(s),
            other => Decoded::Json(other),
        }
    }

    /// The payload as plain text when it is a JSON string, else its raw JSON.
    pub fn as_text(&self) -> String {
        match serde_json::from_slice::<String>(self.0.get().as_bytes()) {
            Ok(s) => s,
            Err(_) => self.0.get().to_string(),
        }
    }
}

/// Strings holding an object or array are decoded; strings holding a bare number or word are not.
fn parse_embedded_json(s: &str) -> Option<serde_json::Value> {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[') || t.starts_with('"')) {
        return None;
    }
    serde_json::from_slice(t.as_bytes()).ok()
}

fn null_raw() -> Box<RawValue> {
    // "null" is valid JSON, so this cannot fail; the fallback keeps the no-expect rule.
    RawValue::from_string("null".to_string()).unwrap_or_else(|_| Box::<RawValue>::default())
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = self.0.get();
        if raw.len() > 80 {
            let cut = raw.char_indices().nth(80).map(|(i, _)| i).unwrap_or(raw.len());
            write!(f, "Payload({}…)", &raw[..cut])
        } else {
            write!(f, "Payload({raw})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Payload {
        Payload::from_raw(RawValue::from_string(s.to_string()).unwrap())
    }

    #[test]
    fn double_encoded_json_is_unwrapped_twice() {
        let inner = serde_json::to_string(&serde_json::json!({"a": 1})).unwrap();
        let once = serde_json::to_string(&inner).unwrap();
        let twice = serde_json::to_string(&once).unwrap();
        assert_eq!(raw(&twice).decode(), Decoded::Json(serde_json::json!({"a": 1})));
    }

    #[test]
    fn triple_encoding_stops_at_two_levels() {
        let inner = serde_json::to_string(&serde_json::json!([1])).unwrap();
        let l1 = serde_json::to_string(&inner).unwrap();
        let l2 = serde_json::to_string(&l1).unwrap();
        let l3 = serde_json::to_string(&l2).unwrap();
        assert_eq!(raw(&l3).decode(), Decoded::Text(inner));
    }

    #[test]
    fn plain_strings_stay_text() {
        assert_eq!(raw("\"hello\"").decode(), Decoded::Text("hello".into()));
        assert_eq!(raw("\"42\"").decode(), Decoded::Text("42".into()));
        assert_eq!(Payload::from_text("<script>").decode(), Decoded::Text("<script>".into()));
    }

    #[test]
    fn emptiness() {
        assert!(raw("null").is_empty_value());
        assert!(raw("{ }").is_empty_value());
        assert!(!raw("{\"a\":1}").is_empty_value());
    }
}
