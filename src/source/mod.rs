//! Where trace bytes come from in the browser: dropped or picked files, and URLs.

use js_sys::Uint8Array;
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why bytes could not be obtained. Shown after the file name or address.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SourceError {
    #[error("the browser could not read the file ({0})")]
    Read(String),
    #[error("the request failed before any answer came ({0}); the server may be down, or refuse cross-origin requests (CORS)")]
    Network(String),
    #[error("the server answered {status} {text}")]
    Status { status: u16, text: String },
    #[error("not a web address Canopy can open: {0}")]
    BadUrl(String),
}

/// Reads a whole file picked or dropped by the user.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, SourceError> {
    let buf = JsFuture::from(file.array_buffer()).await.map_err(|e| SourceError::Read(js_text(&e)))?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// Fetches `url` (absolute, or relative to the page) and returns a display name and the body.
pub async fn fetch_url(url: &str) -> Result<(String, Vec<u8>), SourceError> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("javascript:") || lower.starts_with("data:text/html") || lower.is_empty() {
        return Err(SourceError::BadUrl(url.to_string()));
    }
    let resp = gloo_net::http::Request::get(url).send().await.map_err(|e| SourceError::Network(e.to_string()))?;
    if !resp.ok() {
        return Err(SourceError::Status { status: resp.status(), text: resp.status_text() });
    }
    let bytes = resp.binary().await.map_err(|e| SourceError::Network(e.to_string()))?;
    Ok((name_of_url(url), bytes))
}

/// The last path segment of an address, for messages ("…/traces/run.json" → "run.json").
pub fn name_of_url(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    match path.trim_end_matches('/').rsplit('/').next() {
        Some(last) if !last.is_empty() => last.to_string(),
        _ => url.to_string(),
    }
}

/// The files of a drop or picker event, as a plain list.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Lets the browser paint (e.g. a "loading" message) before a long synchronous step.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn js_text(v: &wasm_bindgen::JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
