//! wasm-streams' `ReadableStream` as server_fn uses it (`from_stream`, `into_raw`, `from_raw`,
//! `into_stream`), built on web-sys with no exported JavaScript class: see Cargo.toml for why.

use futures_util::stream::{self, Stream, StreamExt};
use js_sys::{Object, Promise, Reflect};
use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

type Chunks = Pin<Box<dyn Stream<Item = Result<JsValue, JsValue>>>>;

/// A JavaScript `ReadableStream`.
#[derive(Debug)]
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// The Rust side of a JavaScript stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// The JavaScript stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// A JavaScript stream whose `pull` takes the next item of `stream`: a chunk is enqueued, an
    /// error errors the stream, the end closes it. (Its high-water mark is the default, one chunk.)
    pub fn from_stream<St>(stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        // one pull at a time (the stream calls pull again only once the last one settled), so
        // the stream is taken out for the await and put back after
        let items: Rc<RefCell<Option<Chunks>>> = Rc::new(RefCell::new(Some(Box::pin(stream))));
        let pull = Closure::<dyn FnMut(web_sys::ReadableStreamDefaultController) -> Promise>::new(
            move |controller: web_sys::ReadableStreamDefaultController| {
                let items = items.clone();
                future_to_promise(async move {
                    let Some(mut stream) = items.borrow_mut().take() else {
                        return Ok(JsValue::UNDEFINED);
                    };
                    match stream.next().await {
                        Some(Ok(chunk)) => {
                            controller.enqueue_with_chunk(&chunk)?;
                            *items.borrow_mut() = Some(stream);
                        }
                        Some(Err(e)) => return Err(e),
                        None => controller.close()?,
                    }
                    Ok(JsValue::UNDEFINED)
                })
            },
        );
        let source = Object::new();
        // the source holds its pull function from here on (freed with it)
        let _ = Reflect::set(&source, &JsValue::from_str("pull"), &pull.into_js_value());
        let raw = web_sys::ReadableStream::new_with_underlying_source(&source).unwrap_throw();
        Self { raw }
    }

    /// The stream's chunks, read with a default reader until it is done or fails.
    pub fn into_stream(self) -> impl Stream<Item = Result<JsValue, JsValue>> {
        let reader: web_sys::ReadableStreamDefaultReader = self.raw.get_reader().unchecked_into();
        stream::unfold(Some(reader), |reader| async move {
            let reader = reader?;
            match JsFuture::from(reader.read()).await {
                Ok(result) => {
                    let done = Reflect::get(&result, &JsValue::from_str("done")).ok()?.as_bool().unwrap_or(true);
                    if done {
                        return None;
                    }
                    let value = Reflect::get(&result, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
                    Some((Ok(value), Some(reader)))
                }
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}
