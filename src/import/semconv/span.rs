//! One span as the conventions read it: its attributes found by key, which flattened trees they
//! hold, and its events.

use super::tree::Flattened;
use crate::model::{AttrValue, Attribute, Event};
use std::collections::HashMap;

/// A span's attributes and events, indexed once for every convention's look-ups.
pub(super) struct Span<'a> {
    pub(super) attrs: &'a [Attribute],
    pub(super) events: &'a [Event],
    /// Which flattened trees the attributes hold.
    pub(super) flat: Flattened,
    index: Index<'a>,
    /// Which of `PREFIXES` some key starts with.
    prefixes: u8,
}

/// Prefixes that all keys of a convention share: a span with none of one convention's keys skips
/// its look-ups (most spans follow one convention).
pub(super) const GEN_AI: usize = 0;
pub(super) const LANGFUSE: usize = 1;
pub(super) const VERCEL: usize = 2;
pub(super) const MLFLOW: usize = 3;
const PREFIXES: [&str; 4] = ["gen_ai.", "langfuse.", "ai.", "mlflow."];

impl<'a> Span<'a> {
    pub(super) fn new(attrs: &'a [Attribute], events: &'a [Event]) -> Span<'a> {
        let mut prefixes = 0;
        for a in attrs {
            // the first byte tells which one prefix a key may start with
            let i = match a.key.as_bytes().first() {
                Some(b'g') => GEN_AI,
                Some(b'l') => LANGFUSE,
                Some(b'a') => VERCEL,
                Some(b'm') => MLFLOW,
                _ => continue,
            };
            if a.key.starts_with(PREFIXES[i]) {
                prefixes |= 1 << i;
            }
        }
        Span { attrs, events, flat: Flattened::of(attrs), index: Index::new(attrs), prefixes }
    }

    /// Whether some key starts with `PREFIXES[prefix]`.
    pub(super) fn has_prefix(&self, prefix: usize) -> bool {
        self.prefixes & (1 << prefix) != 0
    }

    /// The position of the first attribute with `key`.
    #[inline]
    pub(super) fn find(&self, key: &str) -> Option<usize> {
        self.index.get(key)
    }

    /// The value of the first attribute with `key`.
    pub(super) fn get(&self, key: &str) -> Option<&'a AttrValue> {
        self.find(key).map(|i| &self.attrs[i].value)
    }

    /// The value at `at` as text (a string as it is, any other value as it displays); `None`
    /// when that text is empty.
    pub(super) fn text_at(&self, at: usize) -> Option<String> {
        let v = &self.attrs.get(at)?.value;
        Some(v.as_str().map(str::to_string).unwrap_or_else(|| v.display())).filter(|s| !s.is_empty())
    }

    /// `text_at` of the first attribute with `key`.
    pub(super) fn text(&self, key: &str) -> Option<String> {
        self.find(key).and_then(|i| self.text_at(i))
    }
}

/// Finds an attribute by key (the first with it): a scan over the usual dozen, a map for spans
/// that carry hundreds. `apply` asks for some sixty keys a span mostly does not have, so a mask
/// of the keys' lengths and last bytes answers most of them without looking at one key.
struct Index<'a> {
    attrs: &'a [Attribute],
    map: Option<HashMap<&'a str, usize>>,
    present: [u64; 2],
}

/// The word and bit of `key` in a 128-bit mask, kept as two `u64`s (a `u128` shift is a call
/// into compiler-rt on wasm32).
// (always inlined: it runs some fifty times per span, and the release build optimizes for size)
#[inline(always)]
fn mask_bit(key: &str) -> (usize, u64) {
    let last = key.as_bytes().last().copied().unwrap_or(0);
    let bit = (key.len().wrapping_mul(31) + usize::from(last)) % 128;
    (bit / 64, 1u64 << (bit % 64))
}

impl<'a> Index<'a> {
    const SCAN_UP_TO: usize = 48;

    fn new(attrs: &'a [Attribute]) -> Self {
        let map = (attrs.len() > Self::SCAN_UP_TO)
            .then(|| attrs.iter().enumerate().rev().map(|(i, a)| (a.key.as_str(), i)).collect());
        let mut present = [0u64; 2];
        for a in attrs {
            let (word, bit) = mask_bit(&a.key);
            present[word] |= bit;
        }
        Index { attrs, map, present }
    }

    fn get(&self, key: &str) -> Option<usize> {
        let (word, bit) = mask_bit(key);
        if self.present[word] & bit == 0 {
            return None;
        }
        match &self.map {
            Some(m) => m.get(key).copied(),
            None => self.attrs.iter().position(|a| a.key == key),
        }
    }
}
