//! Wire helpers shared by importers: flexible numbers, ids, timestamps, error wording.

use crate::model::time::parse_rfc3339_ns;
use crate::model::units::parse_f64;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// serde_json's message without its " at line L column C" tail (we print those ourselves).
pub fn reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// JSON bytes read as text (bytes that are not UTF-8 replaced), as every reader reads: serde's
/// reader of text is the only one in the app, rather than one for text and one for bytes (size).
pub fn json_from_bytes<T: serde::de::DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    serde_json::from_str(&String::from_utf8_lossy(body))
}

/// Appends `bytes` to `out` as `String::from_utf8_lossy` would write them (each maximal invalid
/// sequence becomes U+FFFD), a piece at a time: a character cut at the end of a piece waits in
/// `carry` for the next one, and is replaced only at the `last` piece. True when something was
/// replaced. Text that is all UTF-8 is checked once and copied once.
pub fn push_utf8(out: &mut String, carry: &mut Vec<u8>, bytes: &[u8], last: bool) -> bool {
    let joined;
    let all: &[u8] = if carry.is_empty() {
        bytes
    } else {
        joined = [std::mem::take(carry).as_slice(), bytes].concat();
        &joined
    };
    let (mut rest, later) = all.split_at(all.len() - if last { 0 } else { cut_char(all) });
    carry.extend_from_slice(later);
    let mut replaced = false;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return replaced;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // checked again, but only in text that is not UTF-8
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                replaced = true;
                // `None`: cut short at the end of the file (a cut inside the file is in `carry`)
                rest = e.error_len().and_then(|n| after.get(n..)).unwrap_or_default();
            }
        }
    }
}

/// How many bytes at the end of `bytes` begin a character that the next piece may complete:
/// a lead byte in the last three, with fewer bytes after it than it announces. Bytes before a
/// lead byte read the same whatever follows it, so the text can be split there.
fn cut_char(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: the lead is further back
        }
        let wants = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if back < wants { back } else { 0 };
    }
    0
}

/// An integer written as a JSON number or a string (OTLP writes 64-bit values as strings).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlexInt(pub Option<i128>);

impl<'de> serde::Deserialize<'de> for FlexInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FlexInt;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a string holding one")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexInt, E> {
                Ok(FlexInt(Some(v.into())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexInt, E> {
                Ok(FlexInt(Some(v.into())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FlexInt, E> {
                Ok(FlexInt(v.is_finite().then_some(v as i128)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexInt, E> {
                Ok(FlexInt(v.trim().parse::<i128>().ok()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FlexInt, E> {
                Ok(FlexInt(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<FlexInt, E> {
                Ok(FlexInt(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<FlexInt, D::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}

impl FlexInt {
    pub fn to_i64(self) -> Option<i64> {
        self.0.and_then(|v| i64::try_from(v).ok())
    }
}

/// A number written as a JSON number or a string ("NaN", "0.25").
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlexFloat(pub Option<f64>);

impl<'de> serde::Deserialize<'de> for FlexFloat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FlexFloat;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexFloat, E> {
                Ok(FlexFloat(Some(v as f64)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexFloat, E> {
                Ok(FlexFloat(Some(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FlexFloat, E> {
                Ok(FlexFloat(Some(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexFloat, E> {
                Ok(FlexFloat(parse_f64(v)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<FlexFloat, E> {
                Ok(FlexFloat(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FlexFloat, E> {
                Ok(FlexFloat(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<FlexFloat, E> {
                Ok(FlexFloat(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<FlexFloat, D::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}

/// A protobuf-JSON duration in nanoseconds: `"22938000ns"` (Jaeger's), `"0.022938s"` (the
/// standard form), or with `us`/`µs`/`ms`/`m`/`h`; exact for any number of fraction digits.
pub fn duration_ns(text: &str) -> Option<i64> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))?;
    let (number, unit) = t.split_at(split);
    let per: i128 = match unit {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    };
    let (neg, number) = number.strip_prefix('-').map_or((false, number), |n| (true, n));
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 18 {
        return None;
    }
    let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac_value: i128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let scale = 10i128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    let ns = whole.checked_mul(per)?.checked_add(frac_value.checked_mul(per)? / scale)?;
    i64::try_from(if neg { -ns } else { ns }).ok()
}

/// An ISO timestamp field, or null.
pub fn iso_ns(s: Option<&str>) -> Option<i64> {
    s.and_then(parse_rfc3339_ns)
}

/// Whether ISO text names its zone (`Z` or an offset after the time); a date alone has none.
pub fn has_zone(t: &str) -> bool {
    let t = t.trim();
    let Some(time) = t.get(10..) else { return false };
    time.ends_with(['Z', 'z']) || time.contains(['+']) || time.get(1..).is_some_and(|rest| rest.contains('-'))
}

/// Normalises trace/span ids to lowercase hex: OTLP spec JSON writes hex, protobuf-JSON writes base64.
pub fn normalize_id(raw: &str) -> String {
    let s = raw.trim();
    let is_hex = !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex && (s.len() == 16 || s.len() == 32) {
        return s.to_ascii_lowercase();
    }
    if let Some(bytes) = base64_decode(s) {
        if bytes.len() == 8 || bytes.len() == 16 {
            return bytes.iter().map(|b| format!("{b:02x}")).collect();
        }
    }
    if is_hex {
        return s.to_ascii_lowercase();
    }
    s.to_string()
}

/// `normalize_id` for an id already owned: one in the usual form (lowercase hex of 16 or 32
/// digits, nearly every OTLP id) is kept as it is instead of copied.
pub fn normalize_id_owned(raw: String) -> String {
    let usual = (raw.len() == 16 || raw.len() == 32) && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if usual {
        raw
    } else {
        normalize_id(&raw)
    }
}

/// True for ids that carry no value: empty, or all zeros (OTLP's "no parent").
pub fn is_blank_id(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.bytes().all(|b| b == b'0') || t.bytes().all(|b| b == b'A' || b == b'=')
}

pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_told_apart() {
        for t in ["2023-08-21T22:06:04.990344+00:00", "2024-05-01T12:00:00Z", "2024-05-01T12:00:00-05:00"] {
            assert!(has_zone(t), "{t}");
        }
        for t in ["2023-08-21T22:06:04.990344", "2024-05-01", "2024-05-01T12:00"] {
            assert!(!has_zone(t), "{t}");
        }
    }

    #[test]
    fn lossy_in_pieces_is_lossy_whole() {
        let samples: [&[u8]; 8] = [
            b"caf\xE9 ok",
            "naïve ✓ 😀".as_bytes(),
            b"\xF0\x9F\x98",
            b"a\xE2\x82\xACb\xC3",
            b"\xFF\xFE\xED\xA0\x80z",
            b"\xE0\x80 \xF4\x90\x80\x80 \xC0\xAF",
            b"\xF0\x9F\x98\x80\xF0\x9F",
            b"\x80\x80\x80\xE2\x82",
        ];
        for s in samples {
            let want = String::from_utf8_lossy(s).into_owned();
            for piece in 1..=s.len() {
                let (mut out, mut carry) = (String::new(), Vec::new());
                let chunks: Vec<&[u8]> = s.chunks(piece).collect();
                let mut replaced = false;
                for (i, c) in chunks.iter().enumerate() {
                    replaced |= push_utf8(&mut out, &mut carry, c, i + 1 == chunks.len());
                }
                assert_eq!(out, want, "{s:?} in pieces of {piece}");
                assert_eq!(replaced, std::str::from_utf8(s).is_err(), "{s:?} in pieces of {piece}");
            }
        }
    }

    #[test]
    fn ids_from_hex_and_base64_agree() {
        assert_eq!(normalize_id("5B8EFFF798038103D269B633813FC60C"), "5b8efff798038103d269b633813fc60c");
        assert_eq!(normalize_id("tH12H+eb6IruQTQs3VJyaA=="), "b47d761fe79be88aee41342cdd527268");
        assert_eq!(normalize_id("ziprJqtLsl8="), "ce2a6b26ab4bb25f");
        assert_eq!(normalize_id("not an id"), "not an id");
        for id in
            ["5B8EFFF798038103D269B633813FC60C", "5b8efff798038103d269b633813fc60c", "ziprJqtLsl8=", " 0a0b ", "x"]
        {
            assert_eq!(normalize_id_owned(id.to_string()), normalize_id(id), "{id}");
        }
        assert!(is_blank_id(""));
        assert!(is_blank_id("0000000000000000"));
        assert!(is_blank_id("AAAAAAAAAAA="));
        assert!(!is_blank_id("ziprJqtLsl8="));
    }

    #[test]
    fn durations_in_every_unit_are_exact() {
        assert_eq!(duration_ns("22938000ns"), Some(22_938_000));
        assert_eq!(duration_ns("0.022938s"), Some(22_938_000));
        assert_eq!(duration_ns("1.000000001s"), Some(1_000_000_001));
        assert_eq!(duration_ns("5us"), Some(5_000));
        assert_eq!(duration_ns("1.5ms"), Some(1_500_000));
        assert_eq!(duration_ns("-2s"), Some(-2_000_000_000));
        for bad in ["", "ns", "12", "1.2.3s", "1e3ns", "5 parsecs", "99999999999999999999s"] {
            assert_eq!(duration_ns(bad), None, "{bad}");
        }
    }

    #[test]
    fn flex_numbers() {
        let v: Vec<FlexInt> = serde_json::from_str(r#"["1751474840301046016", 12, null, "x", 1.5]"#).unwrap();
        assert_eq!(v[0].to_i64(), Some(1_751_474_840_301_046_016));
        assert_eq!(v[1].to_i64(), Some(12));
        assert_eq!(v[2].to_i64(), None);
        assert_eq!(v[3].to_i64(), None);
        assert_eq!(v[4].to_i64(), Some(1));
        let f: Vec<FlexFloat> = serde_json::from_str(r#"[0.5, "0.25", null, true]"#).unwrap();
        assert_eq!(f.iter().map(|x| x.0).collect::<Vec<_>>(), vec![Some(0.5), Some(0.25), None, None]);
    }
}
