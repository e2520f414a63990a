//! The HTTP pieces every store shares: a GET on the store's host with its credentials, retried
//! with backoff by the pager's `retry`; query-string encoding; the default time window; waits.

use super::{pager, Credentials};
use crate::source::{fetch_url_with, SourceError};
use std::rc::Rc;

/// A store's address, what it is sent to prove who asks, and where retry waits are told.
#[derive(Clone)]
pub struct Client {
    pub host: String,
    pub credentials: Credentials,
    /// Told when a request waits to retry (rate limits, brief server failures).
    pub notify: Rc<dyn Fn(String)>,
}

impl Client {
    pub fn new(host: &str, credentials: Credentials, notify: Rc<dyn Fn(String)>) -> Client {
        Client { host: host.trim().to_string(), credentials, notify }
    }

    /// GET `path` on the host: the URL fetch (idle timeout, advice) retried with backoff when the
    /// server is rate limiting or briefly failing (429, 500, 502, 503, 504) or the connection
    /// drops mid-answer. A request that never got an answer (the server is down, or CORS) and a
    /// timeout are not retried: the next try would most likely fail the same way, only later.
    pub async fn get(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let url = format!("{}{path}", self.host.trim().trim_end_matches('/'));
        let headers = self.credentials.headers();
        let notify = self.notify.clone();
        let attempt = || async { fetch_url_with(&url, &headers).await.map(|(_, body)| body) };
        pager::retry(attempt, SourceError::is_transient, sleep_ms, &move |m| notify(m)).await
    }
}

impl Credentials {
    /// The request headers these credentials are sent as.
    pub fn headers(&self) -> Vec<(String, String)> {
        match self {
            Credentials::None => Vec::new(),
            Credentials::Bearer(k) if k.is_empty() => Vec::new(),
            Credentials::Bearer(k) => vec![("Authorization".to_string(), format!("Bearer {k}"))],
            Credentials::Basic { public_key, secret_key } => {
                let raw = format!("{}:{}", public_key.trim(), secret_key.trim());
                let b64 = web_sys::window().and_then(|w| w.btoa(&raw).ok()).unwrap_or_default();
                vec![("Authorization".to_string(), format!("Basic {b64}"))]
            }
            Credentials::Headers(h) => h.clone(),
        }
    }
}

/// A query-string value, trimmed and percent-encoded as the browser does.
pub fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s.trim()).into()
}

/// A search's time window in Unix milliseconds: the given bounds, else the hour up to now.
pub fn window(from_ms: Option<f64>, to_ms: Option<f64>) -> (f64, f64) {
    let to = to_ms.unwrap_or_else(js_sys::Date::now);
    (from_ms.unwrap_or(to - 3_600_000.0), to)
}

async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
