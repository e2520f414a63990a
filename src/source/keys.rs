//! Keys remembered on this device, only when the user ticks "remember": localStorage, one entry
//! per host, removed by "Forget". Everywhere else keys live in memory for one load.

/// The keys of one host: Phoenix API key, Langfuse public and secret key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keys {
    pub api_key: String,
    pub public_key: String,
    pub secret_key: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn entry(host: &str) -> String {
    format!("canopy.keys.{}", host.trim().trim_end_matches('/'))
}

pub fn remembered(host: &str) -> Option<Keys> {
    let raw = storage()?.get_item(&entry(host)).ok()??;
    let v: Vec<String> = serde_json::from_str(&raw).ok()?;
    Some(Keys { api_key: v.first()?.clone(), public_key: v.get(1)?.clone(), secret_key: v.get(2)?.clone() })
}

pub fn remember(host: &str, keys: &Keys) {
    if let Some(s) = storage() {
        let v = serde_json::to_string(&[&keys.api_key, &keys.public_key, &keys.secret_key]).unwrap_or_default();
        let _ = s.set_item(&entry(host), &v);
    }
}

pub fn forget(host: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&entry(host));
    }
}
