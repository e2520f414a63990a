//! Values the built-in detectors found, found again wherever else they occur. A detector reads a
//! value only where it stands on its own (a word boundary before an API key, say), so the same
//! key glued to a word (`messagessk-proj-…`) or after an escape inside double-encoded JSON
//! (`\nsk-proj-…`) was left in the file while masked elsewhere: a second pass masks every
//! occurrence of what the first pass found (fuzz target `redaction`).

use std::collections::{HashMap, HashSet};

/// Values longer than this are not looked for again: the longest built-in matches of that size
/// (PEM blocks) carry their own markers, and the cost per position stays bounded.
const LONGEST: usize = 256;

/// What the first pass found: each value with the rule that found it.
pub struct Known {
    values: HashMap<String, usize>,
    /// first four bytes → the lengths of the values that start with them, longest first
    heads: HashMap<[u8; 4], Vec<usize>>,
}

impl Known {
    /// From `(value, rule)` pairs; `None` when there is nothing to look for.
    pub fn new(found: impl IntoIterator<Item = (String, usize)>) -> Option<Known> {
        let mut values = HashMap::new();
        let mut heads: HashMap<[u8; 4], Vec<usize>> = HashMap::new();
        for (v, rule) in found {
            let b = v.as_bytes();
            // the built-in detectors' values are at least five bytes long
            if b.len() < 4 || b.len() > LONGEST {
                continue;
            }
            let head = [b[0], b[1], b[2], b[3]];
            heads.entry(head).or_default().push(b.len());
            values.insert(v, rule);
        }
        if values.is_empty() {
            return None;
        }
        for lens in heads.values_mut() {
            crate::model::order::sort_by(lens, |x, y| y.cmp(x));
            lens.dedup();
        }
        Some(Known { values, heads })
    }

    /// Every occurrence in `text`, leftmost and then longest first, not overlapping: (start, end, rule).
    pub fn find(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let t = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i + 4 <= t.len() {
            let head = [t[i], t[i + 1], t[i + 2], t[i + 3]];
            let hit = self.heads.get(&head).and_then(|lens| {
                lens.iter().find_map(|&n| {
                    let v = text.get(i..i + n)?;
                    self.values.get(v).map(|&rule| (n, rule))
                })
            });
            match hit {
                Some((n, rule)) => {
                    out.push((i, i + n, rule));
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// The distinct values in `found` (kind, value) whose kind is one of `builtin` (kind → rule).
pub fn from_seen<'a>(
    found: impl IntoIterator<Item = &'a (String, String)>,
    builtin: &HashMap<&str, usize>,
) -> Option<Known> {
    let mut seen = HashSet::new();
    Known::new(
        found
            .into_iter()
            .filter_map(|(kind, v)| builtin.get(kind.as_str()).map(|&rule| (v.clone(), rule)))
            .filter(|(v, _)| seen.insert(v.clone())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_is_found_glued_or_not_longest_first() {
        let k = Known::new([("sk-proj-ABCDEFGH".to_string(), 0), ("sk-proj-ABCDEFGHIJ".to_string(), 1)]).unwrap();
        let text = "xsk-proj-ABCDEFGHIJ and \\nsk-proj-ABCDEFGH, ✓sk-proj-ABCDEFGH";
        let found: Vec<&str> = k.find(text).iter().map(|&(a, b, _)| &text[a..b]).collect();
        assert_eq!(found, ["sk-proj-ABCDEFGHIJ", "sk-proj-ABCDEFGH", "sk-proj-ABCDEFGH"]);
        assert_eq!(k.find(text)[0].2, 1, "the rule that found the longest value");
        assert!(Known::new([("abc".to_string(), 0)]).is_none(), "too short to be a detector's value");
        assert!(k.find("sk-proj-ABCDEFG").is_empty());
    }
}
