//! Masks the strings of a JSON text in one pass over its bytes, copying everything else as it
//! was: no parse into a tree, so no depth limit (serde's 128 levels used to let deeper payloads
//! through unredacted), no reordered keys or reformatted whitespace, no rounded numbers
//! (`12345678901234567890`, `1e400` stay as written).

use std::borrow::Cow;

/// The text with every string that `mask` changes replaced (`mask` gets the decoded string and
/// whether it is an object key), or `None` when nothing changed. In valid JSON every `"` outside a
/// string opens one, so a string is found without knowing how deep it is; it is a key when a `:`
/// follows it.
pub fn mask_strings(raw: &str, mut mask: impl FnMut(&str, bool) -> Option<String>) -> Option<String> {
    let b = raw.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(k) = b.get(i..).and_then(|rest| rest.iter().position(|&c| c == b'"')) {
        let open = i + k;
        let mut j = open + 1;
        let mut escaped = false;
        // the closing quote: the first `"` not escaped by a backslash (or the end, in a broken text)
        while j < b.len() && b[j] != b'"' {
            if b[j] == b'\\' {
                escaped = true;
                j += 1;
            }
            j += 1;
        }
        let close = j.min(b.len());
        let after = (close + 1).min(b.len());
        let inner = raw.get(open + 1..close).unwrap_or("");
        let next = b[after..].iter().find(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
        let is_key = next == Some(&b':');
        let text: Cow<str> = if escaped { Cow::Owned(unescape(inner)) } else { Cow::Borrowed(inner) };
        if let Some(m) = mask(&text, is_key) {
            let o = out.get_or_insert_with(|| String::with_capacity(raw.len()));
            o.push_str(&raw[copied..open]);
            push_json_str(o, &m);
            copied = after;
        }
        i = after;
    }
    out.map(|mut o| {
        o.push_str(&raw[copied..]);
        o
    })
}

/// A JSON string's content decoded; a lone surrogate (which JSON allows and UTF-8 cannot hold)
/// becomes U+FFFD, so the detectors still read the rest.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let hex4 = |chars: &mut std::str::Chars| -> Option<u32> {
        let h: String = chars.by_ref().take(4).collect();
        (h.len() == 4).then(|| u32::from_str_radix(&h, 16).ok()).flatten()
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let Some(u) = hex4(&mut chars) else {
                    out.push('\u{fffd}');
                    continue;
                };
                if (0xd800..0xdc00).contains(&u) {
                    // a high surrogate: with a low one after it, one character
                    let rest = chars.as_str();
                    if let Some(lo) =
                        rest.strip_prefix("\\u").and_then(|r| r.get(..4)).and_then(|h| u32::from_str_radix(h, 16).ok())
                    {
                        if (0xdc00..0xe000).contains(&lo) {
                            chars = rest[6..].chars();
                            out.push(
                                char::from_u32(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00)).unwrap_or('\u{fffd}'),
                            );
                            continue;
                        }
                    }
                }
                out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// `s` as a JSON string, escaped as serde_json escapes it.
fn push_json_str(out: &mut String, s: &str) {
    let mut buf = Vec::with_capacity(s.len() + 2);
    crate::model::payload::write_json_str(&mut buf, s);
    // write_json_str copies `s` and adds only ASCII escapes: still UTF-8
    out.push_str(&String::from_utf8_lossy(&buf));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(raw: &str) -> Option<String> {
        mask_strings(raw, |s, key| (!key && s.contains('x')).then(|| s.to_uppercase()))
    }

    #[test]
    fn only_changed_strings_are_rewritten_and_keys_are_told_apart() {
        assert_eq!(upper(r#"{"x": "ax" , "b":[ "y", 1e400 ]}"#).unwrap(), r#"{"x": "AX" , "b":[ "y", 1e400 ]}"#);
        assert_eq!(upper(r#"{ "a" : "b" }"#), None);
        assert_eq!(upper(r#""x\"q\\""#).unwrap(), r#""X\"Q\\""#);
    }

    #[test]
    fn escapes_are_decoded_before_masking() {
        let mut seen = Vec::new();
        mask_strings(r#"["a\u0040b", "\ud83d\ude00", "\ud800z", "\n\/"]"#, |s, _| {
            seen.push(s.to_string());
            None
        });
        assert_eq!(seen, ["a@b", "😀", "\u{fffd}z", "\n/"]);
    }

    #[test]
    fn depth_does_not_matter() {
        let deep = format!("{}\"x\"{}", "[".repeat(200_000), "]".repeat(200_000));
        let out = upper(&deep).unwrap();
        assert_eq!(out.len(), deep.len());
        assert!(out.contains("\"X\""));
    }
}
