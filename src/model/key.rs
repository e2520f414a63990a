//! Attribute keys and model names, shared: the same key on a million spans is one allocation, not a million.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// Keys longer than this are not shared (real keys are short; long ones are rarely repeated).
const MAX_SHARED_LEN: usize = 128;
/// Distinct keys remembered at most; past this, new keys are allocated on their own (hostile
/// files with millions of unique keys do not grow the table without bound).
const MAX_SHARED: usize = 100_000;

/// Slots of the small cache in front of the shared set (a power of two).
const RECENT: usize = 256;

thread_local! {
    static SHARED: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
    /// The keys last seen, by a cheap fingerprint: spans repeat the same few dozen keys, and a
    /// hit here costs one comparison instead of hashing the key. A fixed-size cache cannot be
    /// filled by hostile keys; a miss falls back to the set (whose hash is keyed).
    static RECENT_KEYS: RefCell<Vec<Option<Arc<str>>>> = RefCell::new(vec![None; RECENT]);
}

/// A cheap fingerprint of the whole key, eight bytes at a time (message keys differ only in a
/// position in the middle: `llm.input_messages.0.message.role`, `…1.message.role`).
fn slot(s: &str) -> usize {
    let mut h = s.len() as u64;
    let mut words = s.as_bytes().chunks_exact(8);
    for w in &mut words {
        let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(23);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let word = rest.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
        h = (h ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(23);
    }
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % RECENT
}

/// An attribute key or a model name. Reads like a `&str` (`key == "llm.model_name"`, `key.starts_with(…)`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(Arc<str>);

impl Key {
    pub fn new(s: &str) -> Key {
        if s.len() > MAX_SHARED_LEN {
            return Key(Arc::from(s));
        }
        let at = slot(s);
        let recent = RECENT_KEYS.with(|cell| cell.borrow()[at].as_ref().filter(|k| &***k == s).cloned());
        if let Some(k) = recent {
            return Key(k);
        }
        let k = SHARED.with(|cell| {
            let mut set = cell.borrow_mut();
            if let Some(k) = set.get(s) {
                return k.clone();
            }
            let k: Arc<str> = Arc::from(s);
            if set.len() < MAX_SHARED {
                set.insert(k.clone());
            }
            k
        });
        RECENT_KEYS.with(|cell| cell.borrow_mut()[at] = Some(k.clone()));
        Key(k)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Read straight from the document's text: a key already seen costs a lookup, not an allocation.
impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key::new(v))
            }
        }
        d.deserialize_str(V)
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::new(s)
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        Key::new(&s)
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Key {
        Key::new(s)
    }
}

impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Key {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_share_one_allocation() {
        let a = Key::from("llm.model_name");
        let b = Key::from(String::from("llm.model_name"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "llm.model_name");
        assert!(a.starts_with("llm."));
        let long = "k".repeat(MAX_SHARED_LEN + 1);
        assert!(!Arc::ptr_eq(&Key::new(&long).0, &Key::new(&long).0), "long keys are not kept");
        assert_eq!(Key::new(&long), Key::new(&long));
    }

    #[test]
    fn the_cache_in_front_returns_the_key_asked_for() {
        // keys that share a slot replace each other there; each lookup still gets its own text
        let keys: Vec<String> = (0..4 * RECENT).map(|i| format!("llm.input_messages.{i}.message.role")).collect();
        for _ in 0..2 {
            for k in &keys {
                assert_eq!(Key::new(k).as_str(), k);
            }
        }
        let a = Key::new("llm.input_messages.7.message.role");
        assert!(Arc::ptr_eq(&a.0, &Key::new("llm.input_messages.7.message.role").0));
        let spread: std::collections::HashSet<usize> = keys.iter().take(64).map(|k| slot(k)).collect();
        assert!(spread.len() > 32, "message keys spread over the cache: {} slots for 64 keys", spread.len());
    }
}
