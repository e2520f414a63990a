//! Keys remembered on this device, only when the user ticks "remember": localStorage, one entry
//! per canonical host (`advice::canonical_host`: scheme, host and port, so a path, a trailing
//! slash or another spelling finds the same entry and no other server does), holding only the
//! keys its source uses. Removed by "Forget". Everywhere else keys live in memory for one load.

use super::advice::canonical_host;
use super::link::SourceKind;

/// The keys of one host: Phoenix API key, Langfuse public and secret key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keys {
    pub api_key: String,
    pub public_key: String,
    pub secret_key: String,
}

impl Keys {
    /// Only the keys `kind` sends (Phoenix: the API key; Langfuse: the public and secret key;
    /// the others none): a key typed for one kind of server is never kept for another.
    pub fn used_by(&self, kind: SourceKind) -> Keys {
        match kind {
            SourceKind::Phoenix => Keys { api_key: self.api_key.clone(), ..Keys::default() },
            SourceKind::Langfuse => {
                Keys { public_key: self.public_key.clone(), secret_key: self.secret_key.clone(), ..Keys::default() }
            }
            SourceKind::Tempo | SourceKind::Jaeger => Keys::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.api_key.is_empty() && self.public_key.is_empty() && self.secret_key.is_empty()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn entry(canonical: &str) -> String {
    format!("canopy.keys.{canonical}")
}

/// The keys remembered for exactly this host (by its canonical form), if any.
pub fn remembered(host: &str) -> Option<Keys> {
    let raw = storage()?.get_item(&entry(&canonical_host(host)?)).ok()??;
    let v: Vec<String> = serde_json::from_str(&raw).ok()?;
    let keys = Keys { api_key: v.first()?.clone(), public_key: v.get(1)?.clone(), secret_key: v.get(2)?.clone() };
    (!keys.is_empty()).then_some(keys)
}

/// The keys a link to `host` reopens with: those remembered for exactly that host that `kind`
/// uses, and the canonical host to name in the notice that says so.
pub fn for_link(kind: SourceKind, host: &str) -> Option<(String, Keys)> {
    let keys = remembered(host)?.used_by(kind);
    let usable = match kind {
        SourceKind::Langfuse => !keys.secret_key.is_empty(),
        _ => !keys.is_empty(),
    };
    usable.then(|| (canonical_host(host).unwrap_or_default(), keys))
}

/// Remembers the keys `kind` uses for this host; nothing for a source without keys, an empty
/// set, or an address that is not an http(s) host. Returns the canonical host they went under.
pub fn remember(kind: SourceKind, host: &str, keys: &Keys) -> Option<String> {
    let keys = keys.used_by(kind);
    let canonical = canonical_host(host).filter(|_| !keys.is_empty())?;
    let s = storage()?;
    let v = serde_json::to_string(&[&keys.api_key, &keys.public_key, &keys.secret_key]).ok()?;
    s.set_item(&entry(&canonical), &v).ok()?;
    Some(canonical)
}

/// Forgets the keys of this host (and an entry an older version kept under the host as typed).
pub fn forget(host: &str) {
    if let Some(s) = storage() {
        if let Some(canonical) = canonical_host(host) {
            let _ = s.remove_item(&entry(&canonical));
        }
        let _ = s.remove_item(&entry(host.trim().trim_end_matches('/')));
    }
}
