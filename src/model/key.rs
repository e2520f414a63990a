//! Attribute keys, shared: the same key on a million spans is one allocation, not a million.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// Keys longer than this are not shared (real keys are short; long ones are rarely repeated).
const MAX_SHARED_LEN: usize = 128;
/// Distinct keys remembered at most; past this, new keys are allocated on their own (hostile
/// files with millions of unique keys do not grow the table without bound).
const MAX_SHARED: usize = 100_000;

thread_local! {
    static SHARED: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
}

/// An attribute key. Reads like a `&str` (`key == "llm.model_name"`, `key.starts_with(…)`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(Arc<str>);

impl Key {
    pub fn new(s: &str) -> Key {
        if s.len() > MAX_SHARED_LEN {
            return Key(Arc::from(s));
        }
        SHARED.with(|cell| {
            let mut set = cell.borrow_mut();
            if let Some(k) = set.get(s) {
                return Key(k.clone());
            }
            let k: Arc<str> = Arc::from(s);
            if set.len() < MAX_SHARED {
                set.insert(k.clone());
            }
            Key(k)
        })
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
}
