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
    #[error("nothing arrived for {0} s; the server is slow or unreachable")]
    Timeout(u32),
    /// The answer began but its connection broke before the end.
    #[error("{0}")]
    Dropped(String),
    #[error("not a web address Canopy can open: {0}")]
    BadUrl(String),
    #[error("cancelled; what was loaded before stays")]
    Cancelled,
    /// Compressed in a way this browser cannot undo; the text says what to do.
    #[error("{0}")]
    Compressed(String),
}

impl SourceError {
    /// A failure that asking again soon may cure: rate limits, a briefly failing or overloaded
    /// server, a connection that broke mid-answer.
    pub fn is_transient(&self) -> bool {
        matches!(self, SourceError::Status(429 | 500 | 502 | 503 | 504, _) | SourceError::Dropped(_))
    }
}

/// A fetch from which nothing has arrived for this many seconds is abandoned (a slow download
/// that keeps arriving is never cut).
const IDLE_TIMEOUT_S: u32 = 30;

/// Where a browser has no `File.stream()`, a file is read in slices of this size.
const FILE_PIECE: f64 = (4 << 20) as f64;

/// What compressed a file, told by its first bytes (never its name): the browser undoes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
}

impl Compression {
    /// The format's name for `DecompressionStream`.
    fn format(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

    /// Why the file cannot be read where the browser cannot decompress it (zstd: Chromium 156 has
    /// no `DecompressionStream("zstd")`; it is tried first, for browsers that do).
    fn unsupported(self) -> String {
        match self {
            Compression::Gzip => "this browser cannot decompress gzip files; decompress it first".into(),
            Compression::Zstd => {
                "the file is zstd-compressed; this browser cannot decompress zstd; decompress it with \
                                  `zstd -d` and open the result"
                    .into()
            }
        }
    }
}

/// Reads a file picked or dropped by the user piece by piece, handing each to `on_piece` (which
/// returns false to stop), and lets the page paint and take input between pieces. A compressed
/// file (`compression` from [`compression_of`]) is decompressed as it is read, by the browser's
/// own `DecompressionStream`.
pub async fn read_file_pieces(
    file: &web_sys::File,
    compression: Option<Compression>,
    on_piece: &mut dyn FnMut(&[u8]) -> bool,
    cancelled: &dyn Fn() -> bool,
) -> Result<(), SourceError> {
    if let Some(c) = compression {
        let stream = call0(file, "stream")
            .and_then(|s| decompress(&s, c.format()))
            .ok_or_else(|| SourceError::Compressed(c.unsupported()))?;
        return read_stream(&stream, &mut |piece| on_piece(piece), cancelled, &|| {}).await.map_err(|e| match e {
            StreamError::Cancelled => SourceError::Cancelled,
            StreamError::Failed(_, why) => SourceError::Read(format!("not a valid {} file ({why})", c.format())),
        });
    }
    // as a stream, read like a download (one buffer handed back and forth); slices where a
    // browser has no `File.stream()`
    if let Some(stream) = call0(file, "stream") {
        return read_stream(&stream, &mut |piece| on_piece(piece), cancelled, &|| {}).await.map_err(|e| match e {
            StreamError::Cancelled => SourceError::Cancelled,
            StreamError::Failed(_, why) => SourceError::Read(why),
        });
    }
    let size = file.size();
    let mut pacer = Pacer::new();
    let mut at = 0.0;
    while at < size {
        if cancelled() {
            return Err(SourceError::Cancelled);
        }
        let end = (at + FILE_PIECE).min(size);
        let blob = file.slice_with_f64_and_f64(at, end).map_err(|e| SourceError::Read(js_text(&e)))?;
        let buf = JsFuture::from(blob.array_buffer()).await.map_err(|e| SourceError::Read(js_text(&e)))?;
        if !on_piece(&Uint8Array::new(&buf).to_vec()) {
            return Ok(());
        }
        at = end;
        pacer.breathe().await;
    }
    Ok(())
}

/// Whether a file starts as gzip (1F 8B) or zstd (28 B5 2F FD) does, whatever its name.
pub async fn compression_of(file: &web_sys::File) -> Option<Compression> {
    let blob = file.slice_with_f64_and_f64(0.0, 4.0).ok()?;
    let start = Uint8Array::new(&JsFuture::from(blob.array_buffer()).await.ok()?).to_vec();
    if start.starts_with(&[0x1F, 0x8B]) {
        Some(Compression::Gzip)
    } else if start.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Some(Compression::Zstd)
    } else {
        None
    }
}

/// `stream` decompressed from gzip by the browser (`stream.pipeThrough(new DecompressionStream("gzip"))`);
/// `None` where the browser has no `DecompressionStream`.
fn gunzip(stream: &wasm_bindgen::JsValue) -> Option<wasm_bindgen::JsValue> {
    decompress(stream, "gzip")
}

/// `stream` decompressed by the browser from `format`; `None` where it cannot (no
/// `DecompressionStream`, or not for this format).
fn decompress(stream: &wasm_bindgen::JsValue, format: &str) -> Option<wasm_bindgen::JsValue> {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"DecompressionStream".into()).ok()?;
    let ctor = ctor.dyn_into::<js_sys::Function>().ok()?;
    let ds = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&format.into())).ok()?;
    let pipe = js_sys::Reflect::get(stream, &"pipeThrough".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    pipe.call1(stream, &ds).ok()
}

fn call0(target: &wasm_bindgen::JsValue, name: &str) -> Option<wasm_bindgen::JsValue> {
    let f = js_sys::Reflect::get(target, &name.into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    f.call0(target).ok()
}

/// Bytes a BYOB read asks for at most.
const BYOB_PIECE: u32 = 1 << 20;

/// `stream.getReader({ mode: "byob" })`, or `None` where the stream is not a byte stream (or the
/// browser has no such readers).
fn byob_reader(stream: &wasm_bindgen::JsValue) -> Option<wasm_bindgen::JsValue> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"mode".into(), &"byob".into()).ok()?;
    call1(stream, "getReader", &options)
}

fn call1(target: &wasm_bindgen::JsValue, name: &str, arg: &wasm_bindgen::JsValue) -> Option<wasm_bindgen::JsValue> {
    let f = js_sys::Reflect::get(target, &name.into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    f.call1(target, arg).ok()
}

/// Why reading a `ReadableStream` stopped early.
enum StreamError {
    Cancelled,
    /// The stream broke after this many bytes, with the browser's reason.
    Failed(usize, String),
}

/// Reads a `ReadableStream` of bytes to its end, handing each piece to `on_piece` (false stops
/// the read) and giving the page a turn between pieces; `alive` hears each sign of life.
async fn read_stream(
    stream: &wasm_bindgen::JsValue,
    on_piece: &mut dyn FnMut(&[u8]) -> bool,
    cancelled: &dyn Fn() -> bool,
    alive: &dyn Fn(),
) -> Result<(), StreamError> {
    // a byte stream (a download, a file) is read into one buffer handed back and forth, in pieces
    // of up to BYOB_PIECE: no new buffer per piece, and a fraction of the reads. Others (the
    // decompressor's output) give their own pieces.
    let byob = byob_reader(stream);
    let mut buffer = byob.as_ref().map(|_| js_sys::ArrayBuffer::new(BYOB_PIECE));
    let reader = match byob {
        Some(r) => r,
        None => call0(stream, "getReader").ok_or(StreamError::Failed(0, "no reader".into()))?,
    };
    let mut piece: Vec<u8> = Vec::new();
    let mut received = 0usize;
    let mut pacer = Pacer::new();
    loop {
        if cancelled() {
            let _ = call0(&reader, "cancel");
            return Err(StreamError::Cancelled);
        }
        let promise = match &buffer {
            Some(b) => call1(&reader, "read", &Uint8Array::new(b)),
            None => call0(&reader, "read"),
        }
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
        let chunk = match promise {
            Some(p) => JsFuture::from(p).await.map_err(|e| StreamError::Failed(received, js_text(&e)))?,
            None => return Err(StreamError::Failed(received, "the stream cannot be read".into())),
        };
        alive();
        if js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            return Ok(());
        }
        if let Ok(v) = js_sys::Reflect::get(&chunk, &"value".into()) {
            // a fetch or decompression stream yields `Uint8Array`s: taken as they are (`new
            // Uint8Array(view)` would copy every piece once more before the copy into wasm memory)
            let arr = v.dyn_into::<Uint8Array>().unwrap_or_else(|v| Uint8Array::new(&v));
            if buffer.is_some() {
                // the buffer was handed to the stream and comes back as this piece's
                buffer = Some(arr.buffer());
            }
            piece.resize(arr.length() as usize, 0);
            arr.copy_to(&mut piece);
            received += piece.len();
            if !on_piece(&piece) {
                let _ = call0(&reader, "cancel");
                return Ok(());
            }
        }
        pacer.breathe().await;
    }
}

/// Fetches `url` (absolute, or relative to the page) with extra request headers (e.g.
/// `Authorization` for a private file host or API); returns a display name and the body.
pub async fn fetch_url_with(url: &str, headers: &[(String, String)]) -> Result<(String, Vec<u8>), SourceError> {
    let mut bytes = Vec::new();
    let name = fetch_url_pieces(
        url,
        headers,
        &mut |piece, _| {
            bytes.extend_from_slice(piece);
            true
        },
        &|| false,
    )
    .await?;
    Ok((name, bytes))
}

/// Fetches `url` and hands its body to `on_piece` as it arrives, with the total length when the
/// server sent one (`on_piece` returns false to stop reading); `cancelled()` stops the read. The
/// page paints and takes input between pieces. Returns the display name.
pub async fn fetch_url_pieces(
    url: &str,
    headers: &[(String, String)],
    on_piece: &mut dyn FnMut(&[u8], Option<usize>) -> bool,
    cancelled: &dyn Fn() -> bool,
) -> Result<String, SourceError> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("javascript:") || lower.starts_with("data:text/html") || lower.is_empty() {
        return Err(SourceError::BadUrl(url.to_string()));
    }
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    // a request that hangs is cut once nothing has arrived for IDLE_TIMEOUT_S, instead of leaving
    // "Fetching…" forever
    let watch = IdleWatch::new();
    let failed = |watch: &IdleWatch| {
        if watch.timed_out() {
            SourceError::Timeout(IDLE_TIMEOUT_S)
        } else {
            SourceError::Network(advice::for_network_failure(url, &origin))
        }
    };
    let dropped = |watch: &IdleWatch, received: usize| {
        if watch.timed_out() {
            SourceError::Timeout(IDLE_TIMEOUT_S)
        } else {
            SourceError::Dropped(advice::for_dropped_connection(url, received))
        }
    };
    let signal = watch.controller.as_ref().map(|c| c.signal());
    let mut request = gloo_net::http::Request::get(url).abort_signal(signal.as_ref());
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let resp = request.send().await.map_err(|_| failed(&watch))?;
    watch.alive();
    if !resp.ok() {
        return Err(SourceError::Status(resp.status(), advice::for_status(resp.status(), url)));
    }
    let total = resp.headers().get("content-length").and_then(|l| l.parse::<usize>().ok());
    let Some(body) = resp.body() else {
        let bytes = resp.binary().await.map_err(|_| dropped(&watch, 0))?;
        on_piece(&bytes, total);
        return Ok(name_of_url(url));
    };
    // a .gz file (not a gzip transfer encoding, which the browser undoes itself) is decompressed
    // as it arrives; its length then says nothing about the bytes read
    let content_type = resp.headers().get("content-type").unwrap_or_default().to_ascii_lowercase();
    let file_name = name_of_url(url).to_ascii_lowercase();
    let gzip = content_type.contains("gzip") || file_name.ends_with(".gz");
    let zstd = content_type.contains("zstd") || file_name.ends_with(".zst");
    let (body, total) = match (gzip, zstd) {
        (true, _) => (gunzip(&body).ok_or_else(|| failed(&watch))?, None),
        (_, true) => {
            let plain = decompress(&body, "zstd");
            (plain.ok_or_else(|| SourceError::Compressed(Compression::Zstd.unsupported()))?, None)
        }
        _ => (body.into(), total),
    };
    // piece by piece, so the page can say how far it got (and stop on Cancel)
    let read = read_stream(&body, &mut |piece| on_piece(piece, total), cancelled, &|| watch.alive()).await;
    match read {
        Ok(()) => Ok(name_of_url(url)),
        Err(StreamError::Cancelled) => Err(SourceError::Cancelled),
        // the decompressor reports a broken download and broken gzip alike
        Err(StreamError::Failed(received, why)) if gzip && !watch.timed_out() => Err(SourceError::Read(format!(
            "not a valid gzip file, or the download broke off after {received} bytes ({why})"
        ))),
        Err(StreamError::Failed(received, _)) => Err(dropped(&watch, received)),
    }
}

/// Aborts a fetch once nothing has arrived for `IDLE_TIMEOUT_S`: a check every second against
/// the time of the last sign of life, stopped when the fetch ends (dropped).
struct IdleWatch {
    controller: Option<web_sys::AbortController>,
    last: std::rc::Rc<std::cell::Cell<f64>>,
    fired: std::rc::Rc<std::cell::Cell<bool>>,
    interval: Option<i32>,
    _tick: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl IdleWatch {
    fn new() -> IdleWatch {
        let controller = web_sys::AbortController::new().ok();
        let last = std::rc::Rc::new(std::cell::Cell::new(now_ms()));
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
        let (c, l, f) = (controller.clone(), last.clone(), fired.clone());
        let tick = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            if !f.get() && now_ms() - l.get() > f64::from(IDLE_TIMEOUT_S) * 1000.0 {
                f.set(true);
                if let Some(c) = &c {
                    c.abort();
                }
            }
        });
        let interval = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000).ok()
        });
        IdleWatch { controller, last, fired, interval, _tick: tick }
    }

    fn alive(&self) {
        self.last.set(now_ms());
    }

    fn timed_out(&self) -> bool {
        self.fired.get()
    }
}

impl Drop for IdleWatch {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.interval, web_sys::window()) {
            w.clear_interval_with_handle(id);
        }
    }
}

/// Work done in pieces gives the page a turn (paint, input) whenever it has had the main thread
/// for a frame's worth of time: pieces already downloaded resolve as microtasks, which never let
/// the page paint by themselves.
struct Pacer {
    since: f64,
}

impl Pacer {
    /// Milliseconds of work between two turns of the page: each turn costs a paint of the
    /// progress bar (5–7 ms at 100k observations), and under 50 ms no task counts as long.
    const SLICE_MS: f64 = 40.0;

    fn new() -> Pacer {
        Pacer { since: now_ms() }
    }

    async fn breathe(&mut self) {
        if now_ms() - self.since >= Self::SLICE_MS {
            yield_to_browser().await;
            self.since = now_ms();
        }
    }
}

/// The page's clock (`performance.now`), in milliseconds.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
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

/// Lets the browser paint (e.g. a "loading" message) and handle input before going on: a message
/// to ourselves through a `MessageChannel` is a fresh task, without the 4 ms a chain of
/// `setTimeout(0)` gets.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let posted = WAKE.with(|wake| {
            let mut wake = wake.borrow_mut();
            if wake.is_none() {
                *wake = Wake::new();
            }
            let Some(w) = wake.as_ref() else { return false };
            w.waiting.borrow_mut().push_back(resolve.clone());
            w.channel.port2().post_message(&wasm_bindgen::JsValue::NULL).is_ok()
        });
        if !posted {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Resolves when the browser next has idle time (`requestIdleCallback`: no frame, input or task
/// waiting), for work nobody waits for; 100 ms later where the browser has no such call.
pub async fn when_idle() -> IdlePeriod {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(w) = web_sys::window() else {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            return;
        };
        if w.request_idle_callback(&resolve).is_err() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 100);
        }
    });
    IdlePeriod(JsFuture::from(promise).await.unwrap_or(wasm_bindgen::JsValue::NULL))
}

/// One idle period of the browser (its `IdleDeadline`).
pub struct IdlePeriod(wasm_bindgen::JsValue);

impl IdlePeriod {
    /// Milliseconds left of it; 0 once over, or where the browser gave none.
    pub fn remaining_ms(&self) -> f64 {
        call0(&self.0, "timeRemaining").and_then(|v| v.as_f64()).unwrap_or(0.0)
    }
}

/// One channel for the whole page; each message wakes the oldest waiting yield.
struct Wake {
    channel: web_sys::MessageChannel,
    waiting: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<js_sys::Function>>>,
}

thread_local! {
    static WAKE: std::cell::RefCell<Option<Wake>> = const { std::cell::RefCell::new(None) };
}

impl Wake {
    fn new() -> Option<Wake> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let waiting: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<js_sys::Function>>> = Default::default();
        let queue = waiting.clone();
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let next = queue.borrow_mut().pop_front();
            if let Some(resolve) = next {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget(); // lives as long as the page
        Some(Wake { channel, waiting })
    }
}

fn js_text(v: &wasm_bindgen::JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
