//! Browser side of sources: reading dropped or picked files, fetching URLs.

use super::advice;
use js_sys::Uint8Array;
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why bytes could not be obtained. Shown after the file name or address.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SourceError {
    #[error("the browser could not read the file ({0})")]
    Read(String),
    /// No answer could be read; the text says what to do (usually CORS from another origin).
    #[error("{0}")]
    Network(String),
    /// The server answered with an error status; the text says what to do.
    #[error("{1}")]
    Status(u16, String),
    #[error("no answer within {0} s; the server is slow or unreachable")]
    Timeout(u32),
    #[error("not a web address Canopy can open: {0}")]
    BadUrl(String),
    #[error("cancelled; what was loaded before stays")]
    Cancelled,
}

/// A fetch that has not answered within this many seconds is abandoned.
const FETCH_TIMEOUT_S: u32 = 120;

/// Reads a whole file picked or dropped by the user.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, SourceError> {
    let buf = JsFuture::from(file.array_buffer()).await.map_err(|e| SourceError::Read(js_text(&e)))?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// Fetches `url` (absolute, or relative to the page) with extra request headers (e.g.
/// `Authorization` for a private file host or API); returns a display name and the body.
pub async fn fetch_url_with(url: &str, headers: &[(String, String)]) -> Result<(String, Vec<u8>), SourceError> {
    fetch_url_progress(url, headers, &|_, _| {}, &|| false).await
}

/// `fetch_url_with`, reading the body chunk by chunk: `on_bytes(received, total)` after each
/// chunk (the total when the server sent a length), and `cancelled()` stops the read.
pub async fn fetch_url_progress(
    url: &str,
    headers: &[(String, String)],
    on_bytes: &dyn Fn(usize, Option<usize>),
    cancelled: &dyn Fn() -> bool,
) -> Result<(String, Vec<u8>), SourceError> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("javascript:") || lower.starts_with("data:text/html") || lower.is_empty() {
        return Err(SourceError::BadUrl(url.to_string()));
    }
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    // a request that hangs is cut after FETCH_TIMEOUT_S instead of leaving "Fetching…" forever
    let controller = web_sys::AbortController::new().ok();
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    if let (Some(c), Some(w)) = (controller.clone(), web_sys::window()) {
        let flag = timed_out.clone();
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || {
            flag.set(true);
            c.abort();
        });
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), FETCH_TIMEOUT_S as i32 * 1000);
    }
    let signal = controller.as_ref().map(|c| c.signal());
    let failed = |timed_out: &std::rc::Rc<std::cell::Cell<bool>>| {
        if timed_out.get() {
            SourceError::Timeout(FETCH_TIMEOUT_S)
        } else {
            SourceError::Network(advice::for_network_failure(url, &origin))
        }
    };
    let mut request = gloo_net::http::Request::get(url).abort_signal(signal.as_ref());
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let resp = request.send().await.map_err(|_| failed(&timed_out))?;
    if !resp.ok() {
        return Err(SourceError::Status(resp.status(), advice::for_status(resp.status(), url)));
    }
    let total = resp.headers().get("content-length").and_then(|l| l.parse::<usize>().ok());
    let Some(body) = resp.body() else {
        let bytes = resp.binary().await.map_err(|_| failed(&timed_out))?;
        return Ok((name_of_url(url), bytes));
    };
    // chunk by chunk, so the page can say how far it got (and stop on Cancel)
    let call = |target: &wasm_bindgen::JsValue, name: &str| -> Option<wasm_bindgen::JsValue> {
        let f = js_sys::Reflect::get(target, &name.into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
        f.call0(target).ok()
    };
    let reader = call(&body, "getReader").ok_or_else(|| failed(&timed_out))?;
    let mut bytes: Vec<u8> = Vec::with_capacity(total.unwrap_or(0).min(1 << 30));
    loop {
        if cancelled() {
            let _ = call(&reader, "cancel");
            return Err(SourceError::Cancelled);
        }
        let promise = call(&reader, "read").and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
        let chunk = match promise {
            Some(p) => JsFuture::from(p).await.map_err(|_| failed(&timed_out))?,
            None => return Err(failed(&timed_out)),
        };
        if js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        if let Ok(v) = js_sys::Reflect::get(&chunk, &"value".into()) {
            let arr = Uint8Array::new(&v);
            let at = bytes.len();
            bytes.resize(at + arr.length() as usize, 0);
            arr.copy_to(&mut bytes[at..]);
        }
        on_bytes(bytes.len(), total);
    }
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

/// GET for API clients: the URL fetch (timeout, advice) retried with backoff when the server is
/// rate limiting or briefly failing (429, 502, 503, 504), telling `notify` each time it waits.
pub async fn api_get(url: &str, headers: &[(String, String)], notify: &dyn Fn(String)) -> Result<Vec<u8>, SourceError> {
    const WAITS_MS: [u32; 3] = [1000, 3000, 8000];
    let mut attempt = 0;
    loop {
        match fetch_url_with(url, headers).await {
            Ok((_, body)) => return Ok(body),
            Err(SourceError::Status(code, msg))
                if matches!(code, 429 | 502 | 503 | 504) && attempt < WAITS_MS.len() =>
            {
                let wait = WAITS_MS[attempt];
                notify(format!(
                    "{msg}; retrying in {} s (attempt {} of {})",
                    wait / 1000,
                    attempt + 2,
                    WAITS_MS.len() + 1
                ));
                sleep_ms(wait).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Follows a cursor-paged API to its end: `get(base)`, then `get(base&cursor=…)` with each cursor
/// `next_of` reads from a page, until there is none or the server repeats one (it must not keep
/// us here forever). Returns the pages in order; `on_page` hears each one's size.
pub async fn follow_cursor<F, Fut>(
    base: &str,
    get: F,
    next_of: fn(&[u8]) -> Option<String>,
    on_page: &dyn Fn(usize),
) -> Result<Vec<Vec<u8>>, SourceError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<u8>, SourceError>>,
{
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{base}&cursor={}", String::from(js_sys::encode_uri_component(c))),
            None => base.to_string(),
        };
        let body = get(path).await?;
        on_page(body.len());
        let next = next_of(&body).filter(|c| !c.is_empty());
        pages.push(body);
        match next {
            Some(c) if cursor.as_ref() != Some(&c) => cursor = Some(c),
            _ => return Ok(pages),
        }
    }
}

async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
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
