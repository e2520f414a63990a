//! Unit tests of the masker: detectors, placeholders, user patterns, payloads, keys, field rules.
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
    for clean in ["the year 2024 had 365 days", "version 1.2.3", "at 12:30:45", "score 0.93", "id 5ce76a3512e683ec"] {
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
fn object_keys_are_read_by_the_built_in_detectors_only() {
    let r = Rules { detectors: vec![Detector::Email], patterns: vec!["role".into()], ..Default::default() };
    let mut m = Masker::new(&r, lite).unwrap();
    let mut p = Some(Payload::from_json_text(r#"{"a@b.io": {"role": "role"}}"#).unwrap());
    m.payload(&mut p);
    assert_eq!(p.unwrap().raw(), r#"{"<email-1>": {"role": "<redacted-1>"}}"#);
}

#[test]
fn field_rules_drop_by_key_and_prefix() {
    assert!(drops("http.request.header.authorization", &["http.request.header.*".into()]));
    assert!(drops("user.email", &[" user.email ".into()]));
    assert!(!drops("user.emails", &["user.email".into()]));
}
