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
        Payload::write_with(|out| write_json_str(out, text)).unwrap_or_else(|| Payload(null_raw()))
    }

    /// The JSON that `write` puts into a buffer kept between calls (growing a fresh one for each
    /// span's payload was half the time of writing it), copied out once at its size. `write`
    /// must write valid JSON (it is not checked again); `None` if it wrote bytes that are not UTF-8.
    pub fn write_with(write: impl FnOnce(&mut Vec<u8>)) -> Option<Self> {
        SCRATCH.with(|cell| {
            let mut out = cell.take();
            out.clear();
            write(&mut out);
            let payload = std::str::from_utf8(&out).ok().and_then(Payload::from_json_text);
            if out.capacity() <= MAX_SCRATCH {
                cell.replace(out);
            }
            payload
        })
    }

    /// JSON text written by Canopy itself (valid by construction), kept as it is without parsing
    /// it again to check it; parsed after all should serde_json not take it as raw text.
    pub fn from_json_text(text: &str) -> Option<Self> {
        match <Box<RawValue> as serde::Deserialize>::deserialize(Handover(Some(text.to_string()))) {
            // the length tells serde_json kept the text as it is
            Ok(raw) if raw.get().len() == text.len() => Some(Payload(raw)),
            _ => RawValue::from_string(text.to_string()).ok().map(Payload),
        }
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
        let value: serde_json::Value = match serde_json::from_str(self.0.get()) {
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
        match serde_json::from_str::<String>(self.0.get()) {
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
    serde_json::from_str(t).ok()
}

/// Payload writing's buffer is kept for the next payload up to this capacity.
const MAX_SCRATCH: usize = 1 << 20;

thread_local! {
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// JSON text we wrote ourselves, handed to serde_json as a raw value. `Box<RawValue>` reads
/// itself as a map of one entry, serde_json's raw-value token to the text; given that text as a
/// `String`, serde_json keeps it as it is: no parse, no copy. `Payload::from_json_text` checks the
/// result and parses the text should serde_json ever stop doing so.
struct Handover(Option<String>);

const RAW_TOKEN: &str = "$serde_json::private::RawValue";

impl<'de> serde::Deserializer<'de> for Handover {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> serde::de::MapAccess<'de> for Handover {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.0 {
            Some(_) => seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(RAW_TOKEN)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        seed.deserialize(serde::de::value::StringDeserializer::new(self.0.take().unwrap_or_default()))
    }
}

/// Appends `s` as a JSON string exactly as serde_json writes it (`\"`, `\\`, `\b`, `\f`, `\n`,
/// `\r`, `\t`, other controls as `\u00xx`), eight bytes at a time where nothing needs escaping:
/// message texts are most of an LLM file, and serde_json looks at them byte by byte.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let clean = |w: u64| {
        !(w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0 || has_zero(w ^ (ONES * 0x22)) || has_zero(w ^ (ONES * 0x5c)))
    };
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            if clean(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        let c = b[i];
        let short = match c {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            0x08 => Some(b'b'),
            0x0c => Some(b'f'),
            b'\n' => Some(b'n'),
            b'\r' => Some(b'r'),
            b'\t' => Some(b't'),
            _ => None,
        };
        if short.is_some() || c < 0x20 {
            out.extend_from_slice(&b[start..i]);
            match short {
                Some(e) => out.extend_from_slice(&[b'\\', e]),
                None => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(c >> 4)],
                        HEX[usize::from(c & 15)],
                    ]);
                }
            }
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
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

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut texts: Vec<String> =
            ["", "plain", "a\"b\\c", "tab\tnew\nline\r", "é€𝄞 \u{7f}", "\u{0}\u{1f}\u{8}\u{c}"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        // every byte value below 0x80 at every position of an eight-byte word, and runs past it
        for c in 0u8..0x80 {
            for at in 0..17 {
                let mut t = "x".repeat(at);
                t.push(char::from(c));
                t.push_str("yyyyyyyyy");
                texts.push(t);
            }
        }
        for t in texts {
            let mut out = Vec::new();
            write_json_str(&mut out, &t);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&t).unwrap(), "{t:?}");
        }
    }

    #[test]
    fn written_text_is_handed_over_without_a_parse() {
        // the hand-over itself (not the parsing fallback): it keeps even text that is not JSON
        let raw = <Box<RawValue> as serde::Deserialize>::deserialize(Handover(Some("[1, ".into()))).unwrap();
        assert_eq!(raw.get(), "[1, ");
        assert_eq!(Payload::from_json_text("[1, 2]").unwrap().raw(), "[1, 2]");
        assert_eq!(Payload::write_with(|out| out.extend_from_slice(b"{\"a\": 1}")).unwrap().raw(), "{\"a\": 1}");
    }

    #[test]
    fn text_payloads_are_json_strings() {
        for t in ["", "plain", "line\nbreak \"quoted\" \u{1}", "é€𝄞"] {
            let p = Payload::from_text(t);
            assert_eq!(p.raw(), serde_json::to_string(t).unwrap());
            assert_eq!(p.as_text(), t);
        }
    }

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
