//! Payloads compared as what they hold: conversations message by message, other JSON leaf by
//! leaf, anything else word by word.

use super::align::Pairing;
use super::delta::Change;
use super::text::{myers, words_owned, Owned, Sort};
use crate::model::{messages, Payload};
use std::collections::HashMap;

/// One leaf of a JSON value that differs: its path (`messages[2].content`), before and after
/// (compact JSON; `None` where the path does not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonChange {
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Every leaf of `v` with its path, in document order (iterative: payloads can be deep).
fn leaves(v: &serde_json::Value) -> Vec<(String, String)> {
    use serde_json::Value;
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), v)];
    while let Some((path, v)) = stack.pop() {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, child) in m.iter().rev() {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    stack.push((p, child));
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), child));
                }
            }
            leaf => out.push((path, leaf.to_string())),
        }
    }
    out
}

/// The leaves that differ between two JSON values, in the order of `b` then the removed ones.
pub fn json_changes(a: &serde_json::Value, b: &serde_json::Value) -> Vec<JsonChange> {
    let la = leaves(a);
    let lb = leaves(b);
    let before: HashMap<&str, &str> = la.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
    let after: HashMap<&str, &str> = lb.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
    let mut out: Vec<JsonChange> = lb
        .iter()
        .filter(|(p, v)| before.get(p.as_str()) != Some(&v.as_str()))
        .map(|(p, v)| JsonChange {
            path: p.clone(),
            before: before.get(p.as_str()).map(|s| s.to_string()),
            after: Some(v.clone()),
        })
        .collect();
    out.extend(la.iter().filter(|(p, _)| !after.contains_key(p.as_str())).map(|(p, v)| JsonChange {
        path: p.clone(),
        before: Some(v.clone()),
        after: None,
    }));
    out
}

/// One message of a conversation compared with its counterpart.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageDiff {
    pub role: String,
    /// `Same` (identical or edited in place: see `text`), `Added` or `Removed`.
    pub pairing: Pairing,
    pub text: Vec<Owned>,
    /// Tool calls by position: name, and their arguments compared as JSON when they parse.
    pub tool_calls: Vec<ToolCallDiff>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolCallDiff {
    pub name: Change<String>,
    pub arguments: Vec<JsonChange>,
    /// Arguments that are not JSON, compared as text.
    pub text: Vec<Owned>,
}

fn tool_call_diff(a: Option<&messages::ToolCall>, b: Option<&messages::ToolCall>) -> ToolCallDiff {
    let name = |c: Option<&messages::ToolCall>| c.map(|c| c.name.clone()).unwrap_or_default();
    let args = |c: Option<&messages::ToolCall>| c.map(|c| c.arguments.clone()).unwrap_or_default();
    let (ta, tb) = (args(a), args(b));
    let parse = |t: &str| if t.is_empty() { Some(serde_json::Value::Null) } else { serde_json::from_str(t).ok() };
    let (arguments, text) = match (parse(&ta), parse(&tb)) {
        (Some(x), Some(y)) => (json_changes(&x, &y), Vec::new()),
        _ => (Vec::new(), words_owned(&ta, &tb)),
    };
    ToolCallDiff { name: Change { before: name(a), after: name(b) }, arguments, text }
}

fn message_diff(a: Option<&messages::Message>, b: Option<&messages::Message>) -> MessageDiff {
    let text = |m: Option<&messages::Message>| m.map(|m| m.text()).unwrap_or_default();
    let calls = |m: Option<&messages::Message>| -> Vec<messages::ToolCall> {
        m.map(|m| m.tool_calls().cloned().collect()).unwrap_or_default()
    };
    let (ca, cb) = (calls(a), calls(b));
    MessageDiff {
        role: b.or(a).map(|m| m.role.clone()).unwrap_or_default(),
        pairing: match (a, b) {
            (Some(_), Some(_)) => Pairing::Same,
            (Some(_), None) => Pairing::Removed,
            _ => Pairing::Added,
        },
        text: words_owned(&text(a), &text(b)),
        tool_calls: (0..ca.len().max(cb.len())).map(|i| tool_call_diff(ca.get(i), cb.get(i))).collect(),
    }
}

/// Two conversations compared message by message: identical messages pair up (Myers over whole
/// messages), and a run of removed messages followed by added ones of the same roles is read as
/// those messages edited.
pub fn messages_diff(a: &[messages::Message], b: &[messages::Message]) -> Vec<MessageDiff> {
    let key = |m: &messages::Message| {
        let calls: Vec<String> = m.tool_calls().map(|c| format!("{}({})", c.name, c.arguments)).collect();
        format!("{}\u{0}{}\u{0}{}", m.role, m.text(), calls.join("\u{0}"))
    };
    let (ka, kb): (Vec<String>, Vec<String>) = (a.iter().map(key).collect(), b.iter().map(key).collect());
    let (ra, rb): (Vec<&str>, Vec<&str>) =
        (ka.iter().map(String::as_str).collect(), kb.iter().map(String::as_str).collect());
    let script = myers(&ra, &rb).unwrap_or_else(|| {
        let mut s: Vec<(Sort, usize)> = (0..a.len()).map(|i| (Sort::Removed, i)).collect();
        s.extend((0..b.len()).map(|j| (Sort::Added, j)));
        s
    });
    let mut out = Vec::new();
    let mut k = 0;
    // B index of each Same step: walk both sides
    let mut bj = 0;
    while k < script.len() {
        match script[k].0 {
            Sort::Same => {
                out.push(message_diff(Some(&a[script[k].1]), Some(&b[bj])));
                bj += 1;
                k += 1;
            }
            _ => {
                let removed: Vec<usize> =
                    script[k..].iter().take_while(|s| s.0 == Sort::Removed).map(|s| s.1).collect();
                k += removed.len();
                let added: Vec<usize> = script[k..].iter().take_while(|s| s.0 == Sort::Added).map(|s| s.1).collect();
                k += added.len();
                bj += added.len();
                let mut r = removed.iter().peekable();
                for &j in &added {
                    // an edited message: the next removed one of the same role
                    match r.peek() {
                        Some(&&i) if a[i].role == b[j].role => {
                            r.next();
                            out.push(message_diff(Some(&a[i]), Some(&b[j])));
                        }
                        _ => out.push(message_diff(None, Some(&b[j]))),
                    }
                }
                out.extend(r.map(|&i| message_diff(Some(&a[i]), None)));
            }
        }
    }
    out
}

/// How the contents of two payloads (inputs or outputs) differ, read as what they hold.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentDiff {
    /// Chat messages on both sides, message by message.
    Messages(Vec<MessageDiff>),
    /// Other JSON on both sides: the leaves that changed.
    Json(Vec<JsonChange>),
    /// Text (or JSON on one side only), word by word.
    Text(Vec<Owned>),
}

/// Compares two payloads as messages, JSON or text, whichever both are.
pub fn content_diff(a: Option<&Payload>, b: Option<&Payload>) -> ContentDiff {
    use crate::model::payload::Decoded;
    let decode = |p: Option<&Payload>| p.map(|p| p.decode()).unwrap_or(Decoded::Text(String::new()));
    match (decode(a), decode(b)) {
        (Decoded::Json(x), Decoded::Json(y)) => match (messages::extract(&x), messages::extract(&y)) {
            (Some(ma), Some(mb)) => ContentDiff::Messages(messages_diff(&ma, &mb)),
            _ => ContentDiff::Json(json_changes(&x, &y)),
        },
        (x, y) => {
            let text = |d: Decoded| match d {
                Decoded::Text(t) => t,
                Decoded::Json(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
            };
            ContentDiff::Text(words_owned(&text(x), &text(y)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(v: serde_json::Value) -> crate::model::Payload {
        crate::model::Payload::from_value(&v)
    }

    #[test]
    fn conversations_are_compared_message_by_message() {
        use serde_json::json;
        let a = payload(json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "Let me look.", "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "search", "arguments": "{\"q\": \"paris\"}"}}]},
        ]));
        let b = payload(json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "Let me check.", "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "search", "arguments": "{\"q\": \"paris fr\", \"n\": 2}"}}]},
            {"role": "tool", "tool_call_id": "1", "content": "sunny"},
        ]));
        let ContentDiff::Messages(m) = content_diff(Some(&a), Some(&b)) else { panic!("not read as messages") };
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].text, vec![Owned::Same("Be brief.".into())]);
        assert_eq!((m[2].role.as_str(), m[2].pairing), ("assistant", Pairing::Same));
        assert_eq!(
            m[2].text,
            vec![
                Owned::Same("Let me ".into()),
                Owned::Removed("look".into()),
                Owned::Added("check".into()),
                Owned::Same(".".into())
            ]
        );
        let args = &m[2].tool_calls[0].arguments;
        assert_eq!(
            args,
            &vec![
                JsonChange { path: "q".into(), before: Some("\"paris\"".into()), after: Some("\"paris fr\"".into()) },
                JsonChange { path: "n".into(), before: None, after: Some("2".into()) },
            ]
        );
        assert_eq!((m[3].role.as_str(), m[3].pairing), ("tool", Pairing::Added));
    }

    #[test]
    fn json_and_text_contents() {
        use serde_json::json;
        let a = payload(json!({"query": "x", "top_k": 3, "filters": {"lang": ["en", "fr"]}}));
        let b = payload(json!({"query": "x", "top_k": 5, "filters": {"lang": ["en"]}}));
        assert_eq!(
            content_diff(Some(&a), Some(&b)),
            ContentDiff::Json(vec![
                JsonChange { path: "top_k".into(), before: Some("3".into()), after: Some("5".into()) },
                JsonChange { path: "filters.lang[1]".into(), before: Some("\"fr\"".into()), after: None },
            ])
        );
        let t = crate::model::Payload::from_text("The answer is 42.");
        let u = crate::model::Payload::from_text("The answer is 43.");
        let ContentDiff::Text(d) = content_diff(Some(&t), Some(&u)) else { panic!() };
        assert!(d.contains(&Owned::Removed("42".into())) && d.contains(&Owned::Added("43".into())), "{d:?}");
        assert_eq!(content_diff(None, None), ContentDiff::Text(Vec::new()));
    }
}
