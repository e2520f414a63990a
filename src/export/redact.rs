//! Redaction at export time: built-in detectors (emails, phone numbers, card numbers, API keys and
//! bearer tokens, IP addresses), user patterns, and field rules (drop inputs, outputs, attributes
//! by key). Every masked value gets a stable placeholder (`<email-1>` wherever that address
//! appears), so the structure of the conversation stays readable.

use crate::model::{AttrValue, Attribute, Payload, Trace, TraceSet};
use std::collections::{BTreeMap, HashMap};

/// The built-in detectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detector {
    Email,
    Phone,
    Card,
    Secret,
    Ip,
}

impl Detector {
    pub const ALL: [Detector; 5] = [Detector::Secret, Detector::Email, Detector::Card, Detector::Phone, Detector::Ip];

    /// The placeholder's word and the checkbox label.
    pub fn label(self) -> &'static str {
        match self {
            Detector::Email => "email",
            Detector::Phone => "phone",
            Detector::Card => "card",
            Detector::Secret => "secret",
            Detector::Ip => "ip",
        }
    }

    fn pattern(self) -> &'static str {
        match self {
            Detector::Email => r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
            // international or grouped numbers: at least three groups with separators
            Detector::Phone => r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]\d{3,4}[ .-]\d{3,5}\b",
            Detector::Card => r"\b\d(?:[ -]?\d){12,18}\b",
            Detector::Secret => concat!(
                r"\b[Bb][Ee][Aa][Rr][Ee][Rr]\s+[A-Za-z0-9._~+/-]{8,}=*",
                r"|\b(?:sk|pk|rk)-(?:lf-|proj-|ant-)?[A-Za-z0-9_-]{16,}",
                r"|\bAKIA[0-9A-Z]{16}\b",
                r"|\bgh[pousr]_[A-Za-z0-9]{30,}",
                r"|\bxox[abprs]-[A-Za-z0-9-]{10,}",
                r"|\bAIza[0-9A-Za-z_-]{35}",
                r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
            ),
            Detector::Ip => concat!(
                r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b",
                r"|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b",
                r"|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?\b",
            ),
        }
    }
}

/// What to mask or drop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub detectors: Vec<Detector>,
    /// User regular expressions; matches become `<redacted-N>`.
    pub patterns: Vec<String>,
    pub drop_inputs: bool,
    pub drop_outputs: bool,
    /// Attribute keys to drop (exact, or a prefix ending in `*`).
    pub drop_attributes: Vec<String>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.detectors.is_empty()
            && self.patterns.iter().all(|p| p.trim().is_empty())
            && !self.drop_inputs
            && !self.drop_outputs
            && self.drop_attributes.iter().all(|a| a.trim().is_empty())
    }

    /// One line saying how the file was redacted, written into the export.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.detectors.iter().map(|d| format!("{}s", d.label())).collect();
        let n = self.patterns.iter().filter(|p| !p.trim().is_empty()).count();
        if n > 0 {
            parts.push(format!("{n} custom pattern(s)"));
        }
        if self.drop_inputs {
            parts.push("inputs dropped".into());
        }
        if self.drop_outputs {
            parts.push("outputs dropped".into());
        }
        let keys: Vec<&str> = self.drop_attributes.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
        if !keys.is_empty() {
            parts.push(format!("attributes dropped: {}", keys.join(", ")));
        }
        format!("Redacted by Canopy: {}; masked values are replaced by placeholders like <email-1>.", parts.join(", "))
    }
}

/// What a redaction did: masked values per kind (distinct values and occurrences), fields dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// kind → (distinct values, occurrences)
    pub masked: BTreeMap<String, (usize, usize)>,
    pub dropped_fields: usize,
    /// A few examples (original → placeholder) for the preview, never exported.
    pub examples: Vec<(String, String)>,
}

/// A compiled pattern: the byte ranges it matches in a text, left to right, not overlapping.
pub trait Pattern {
    fn find_all(&self, text: &str) -> Vec<(usize, usize)>;
}

/// Compiles a pattern, or says why it is not one. The page uses the browser's own `RegExp` (no
/// regex engine in the bundle); host tests use `regex-lite`. The built-in detectors are written
/// in the syntax both accept.
pub type Compile = fn(&str) -> Result<Box<dyn Pattern>, String>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RedactError {
    #[error("pattern {index} is not a valid regular expression: {reason}")]
    BadPattern { index: usize, reason: String },
}

struct Masker {
    rules: Vec<(String, Box<dyn Pattern>)>,
    /// (kind, original) → placeholder
    seen: HashMap<(String, String), String>,
    next: HashMap<String, usize>,
    report: Report,
}

impl Masker {
    fn new(r: &Rules, compile: Compile) -> Result<Masker, RedactError> {
        let mut rules = Vec::new();
        for d in &r.detectors {
            // the built-in patterns are constants covered by tests
            if let Ok(re) = compile(d.pattern()) {
                rules.push((d.label().to_string(), re));
            }
        }
        for (i, p) in r.patterns.iter().enumerate().filter(|(_, p)| !p.trim().is_empty()) {
            let re = compile(p).map_err(|reason| RedactError::BadPattern { index: i + 1, reason })?;
            rules.push(("redacted".to_string(), re));
        }
        Ok(Masker { rules, seen: HashMap::new(), next: HashMap::new(), report: Report::default() })
    }

    fn mask(&mut self, text: &str) -> Option<String> {
        let mut out: Option<String> = None;
        for ri in 0..self.rules.len() {
            let current = out.as_deref().unwrap_or(text);
            let (kind, re) = &self.rules[ri];
            let mut pieces: Vec<(usize, usize)> = Vec::new();
            for (a, b) in re.find_all(current) {
                let Some(found) = current.get(a..b).filter(|f| !f.is_empty()) else { continue };
                if kind == "card" && !luhn(found) {
                    continue;
                }
                // never re-mask a placeholder
                if found.starts_with('<') && found.ends_with('>') {
                    continue;
                }
                pieces.push((a, b));
            }
            if pieces.is_empty() {
                continue;
            }
            let kind = kind.clone();
            let mut s = String::with_capacity(current.len());
            let mut last = 0;
            for (a, b) in pieces {
                s.push_str(&current[last..a]);
                s.push_str(&self.placeholder(&kind, &current[a..b]));
                last = b;
            }
            s.push_str(&current[last..]);
            out = Some(s);
        }
        out
    }

    fn placeholder(&mut self, kind: &str, original: &str) -> String {
        let key = (kind.to_string(), original.to_string());
        let entry = self.report.masked.entry(kind.to_string()).or_default();
        entry.1 += 1;
        if let Some(p) = self.seen.get(&key) {
            return p.clone();
        }
        entry.0 += 1;
        let n = self.next.entry(kind.to_string()).or_insert(0);
        *n += 1;
        let p = format!("<{kind}-{n}>");
        if self.report.examples.len() < 20 {
            self.report.examples.push((original.to_string(), p.clone()));
        }
        self.seen.insert(key, p.clone());
        p
    }

    fn text(&mut self, s: &mut String) {
        if let Some(m) = self.mask(s) {
            *s = m;
        }
    }

    fn opt(&mut self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.text(s);
        }
    }

    /// Masks the string values (not the keys) of a JSON payload, walking it without recursion.
    fn payload(&mut self, p: &mut Option<Payload>) {
        let Some(payload) = p else { return };
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(payload.raw()) else { return };
        let mut changed = false;
        let mut stack: Vec<&mut serde_json::Value> = vec![&mut value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::String(s) => {
                    if let Some(m) = self.mask(s) {
                        *s = m;
                        changed = true;
                    }
                }
                serde_json::Value::Array(a) => stack.extend(a.iter_mut()),
                serde_json::Value::Object(o) => stack.extend(o.values_mut()),
                _ => {}
            }
        }
        if changed {
            *payload = Payload::from_value(&value);
        }
    }

    fn attributes(&mut self, attrs: &mut Vec<Attribute>, drop: &[String]) {
        let before = attrs.len();
        attrs.retain(|a| !drops(&a.key, drop));
        self.report.dropped_fields += before - attrs.len();
        let mut stack: Vec<&mut AttrValue> = attrs.iter_mut().map(|a| &mut a.value).collect();
        while let Some(v) = stack.pop() {
            match v {
                AttrValue::Str(s) => self.text(s),
                AttrValue::Json(p) => {
                    let mut o = Some(p.clone());
                    self.payload(&mut o);
                    if let Some(n) = o {
                        *p = n;
                    }
                }
                AttrValue::Array(a) => stack.extend(a.iter_mut()),
                AttrValue::Map(m) => stack.extend(m.iter_mut().map(|a| &mut a.value)),
                AttrValue::Int(_) | AttrValue::Float(_) | AttrValue::Bool(_) | AttrValue::Bytes(_) => {}
            }
        }
    }
}

fn drops(key: &str, rules: &[String]) -> bool {
    rules.iter().map(|r| r.trim()).filter(|r| !r.is_empty()).any(|r| match r.strip_suffix('*') {
        Some(prefix) => key.starts_with(prefix),
        None => key == r,
    })
}

/// The Luhn checksum of the digits in `s` (card numbers pass; most other digit runs do not).
fn luhn(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 13 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A redacted copy of `set` (ids, times, kinds, numbers and tree shape untouched) and what was done.
pub fn redact(set: &TraceSet, rules: &Rules, compile: Compile) -> Result<(TraceSet, Report), RedactError> {
    let mut m = Masker::new(rules, compile)?;
    let mut out = set.clone();
    for t in &mut out.traces {
        redact_trace(&mut m, t, rules);
    }
    for s in &mut out.scores {
        m.opt(&mut s.comment);
        if let crate::model::ScoreValue::Text(v) | crate::model::ScoreValue::Categorical(v) = &mut s.value {
            m.text(v);
        }
    }
    for w in &mut out.warnings {
        m.text(&mut w.message);
    }
    Ok((out, m.report))
}

fn redact_trace(m: &mut Masker, t: &mut Trace, rules: &Rules) {
    let mut dropped = 0;
    if rules.drop_inputs {
        dropped += usize::from(t.input.take().is_some());
    }
    if rules.drop_outputs {
        dropped += usize::from(t.output.take().is_some());
    }
    m.payload(&mut t.input);
    m.payload(&mut t.output);
    m.opt(&mut t.name);
    m.opt(&mut t.user_id);
    for tag in &mut t.tags {
        m.text(tag);
    }
    m.attributes(&mut t.attributes, &rules.drop_attributes);
    for o in &mut t.observations {
        if rules.drop_inputs {
            dropped += usize::from(o.input.take().is_some());
        }
        if rules.drop_outputs {
            dropped += usize::from(o.output.take().is_some());
        }
        m.payload(&mut o.input);
        m.payload(&mut o.output);
        m.payload(&mut o.model_parameters);
        m.text(&mut o.name);
        m.opt(&mut o.status_message);
        m.attributes(&mut o.attributes, &rules.drop_attributes);
        for d in &mut o.documents {
            if rules.drop_outputs {
                dropped += usize::from(d.content.take().is_some());
            }
            m.opt(&mut d.content);
            m.opt(&mut d.metadata);
        }
        for e in &mut o.events {
            m.attributes(&mut e.attributes, &rules.drop_attributes);
        }
    }
    m.report.dropped_fields += dropped;
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lite(regex_lite::Regex);

    impl Pattern for Lite {
        fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
            self.0.find_iter(text).map(|m| (m.start(), m.end())).collect()
        }
    }

    fn lite(p: &str) -> Result<Box<dyn Pattern>, String> {
        regex_lite::Regex::new(p).map(|r| Box::new(Lite(r)) as Box<dyn Pattern>).map_err(|e| e.to_string())
    }

    fn all() -> Rules {
        Rules { detectors: Detector::ALL.to_vec(), ..Default::default() }
    }

    fn masked(text: &str) -> String {
        Masker::new(&all(), lite).unwrap().mask(text).unwrap_or_else(|| text.to_string())
    }

    #[test]
    fn detectors_find_what_they_name_and_leave_the_rest() {
        assert_eq!(masked("mail ana.lopez+x@example.co.uk now"), "mail <email-1> now");
        assert_eq!(masked("call +1 415-555-0132 or (030) 1234 5678"), "call <phone-1> or <phone-2>");
        assert_eq!(masked("card 4111 1111 1111 1111 ok"), "card <card-1> ok");
        assert_eq!(masked("order 1234567890123 ok"), "order 1234567890123 ok", "fails Luhn: not a card");
        assert_eq!(masked("Authorization: Bearer abc.DEF-123_xyz"), "Authorization: <secret-1>");
        assert_eq!(masked("key sk-proj-AbCdEf0123456789xyz"), "key <secret-1>");
        assert_eq!(masked("aws AKIAIOSFODNN7EXAMPLE"), "aws <secret-1>");
        assert_eq!(masked("from 10.0.12.7 and 2001:db8::8a2e:370:7334"), "from <ip-1> and <ip-2>");
        for clean in ["the year 2024 had 365 days", "version 1.2.3", "at 12:30:45", "score 0.93", "id 5ce76a3512e683ec"]
        {
            assert_eq!(masked(clean), clean);
        }
    }

    #[test]
    fn the_same_value_gets_the_same_placeholder_everywhere() {
        let mut m = Masker::new(&all(), lite).unwrap();
        assert_eq!(m.mask("a@b.io, c@d.io, a@b.io").unwrap(), "<email-1>, <email-2>, <email-1>");
        assert_eq!(m.mask("again a@b.io").unwrap(), "again <email-1>");
        assert_eq!(m.report.masked["email"], (2, 4));
    }

    #[test]
    fn user_patterns_are_checked_and_applied() {
        let r = Rules { patterns: vec!["ACME-\\d+".into()], ..Default::default() };
        assert_eq!(Masker::new(&r, lite).unwrap().mask("ticket ACME-42").unwrap(), "ticket <redacted-1>");
        let bad = Rules { patterns: vec!["ok".into(), "(unclosed".into()], ..Default::default() };
        assert!(matches!(Masker::new(&bad, lite), Err(RedactError::BadPattern { index: 2, .. })));
    }

    #[test]
    fn payload_strings_are_masked_and_json_stays_valid() {
        let mut m = Masker::new(&all(), lite).unwrap();
        let raw = r#"{"messages":[{"role":"user","content":"I am \"x\" <a@b.io>"}],"n":4111111111111111}"#;
        let mut p = Some(Payload::from_value(&serde_json::from_str(raw).unwrap()));
        m.payload(&mut p);
        let v: serde_json::Value = serde_json::from_str(p.unwrap().raw()).unwrap();
        assert_eq!(v["messages"][0]["content"], "I am \"x\" <<email-1>>");
        assert_eq!(v["n"], 4111111111111111u64, "numbers are not text");
    }

    #[test]
    fn field_rules_drop_by_key_and_prefix() {
        assert!(drops("http.request.header.authorization", &["http.request.header.*".into()]));
        assert!(drops("user.email", &[" user.email ".into()]));
        assert!(!drops("user.emails", &["user.email".into()]));
    }
}
