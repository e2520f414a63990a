//! The app's wiring: the root component gives the state to the views, connects it to the address
//! bar (`history`) and a host page (`embed`), warms the importer up. Panics are reported by
//! `public/canopy-crash.js`.
//! Nothing here is a view or a piece of state of its own.

pub mod embed;
pub mod history;

use crate::import;
use crate::source;
use crate::state::load::mark;
use crate::state::State;
use crate::views::shell::Shell;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let state = State::new();
    state.provide();
    let initial = history::install(state);
    embed::install(state, &initial);
    fetch_prices_when_needed(state);
    warm_up(state);
    view! { <Shell state=state/> }
}

/// After each load, fetches the price table if something loaded has calls to price and it is
/// not there yet (`state::prices`): a page that never loads such a call never asks for it.
fn fetch_prices_when_needed(state: State) {
    Effect::new(move |_| {
        state.data.generation();
        state.prices.ensure(state.data, state.notices);
    });
}

/// Imports `import::warmup`'s made-up trace once (as OTLP JSON, then as binary OTLP), after the empty app is painted, a piece at a
/// time when the browser is idle, and drops it: the browser then runs the importer's optimized
/// code from the first real file on (see `import::warmup` for why). Nothing of it is kept or
/// shown. A file opened meanwhile stops it: that import warms the code up itself.
fn warm_up(state: State) {
    // some forty pieces of a few ms, none of them a long task, done well before a user has
    // chosen a file (BENCHMARKS.md, 2026-12-02)
    const PIECE: usize = 16 * 1024;
    // a piece starts only with this much of the idle period (at most 50 ms) left: each turn's
    // work stays near 20 ms, so input that arrives meanwhile hardly waits
    const LEFT_MS: f64 = 30.0;
    leptos::task::spawn_local(async move {
        // the first paint with content comes first (the page may be idle before it)
        for _ in 0..60 {
            source::when_idle().await;
            if painted() {
                break;
            }
        }
        mark("canopy:warm-up-start");
        // the JSON sample warms the conversion both wires share, the binary one the protobuf reader
        let json = import::warmup::sample(import::warmup::SPANS).into_bytes();
        let binary = import::warmup::protobuf_sample(import::warmup::PROTOBUF_SPANS);
        let mut idle = source::when_idle().await;
        for (name, doc) in [("warm-up", json), ("warm-up.pb", binary)] {
            let mut stream = import::Stream::new(name);
            for piece in doc.chunks(PIECE) {
                // pieces while the idle period lasts, then the next one
                if idle.remaining_ms() < LEFT_MS {
                    idle = source::when_idle().await;
                }
                if state.jobs.loading.get_untracked().is_some() || stream.push(piece).is_err() {
                    return;
                }
            }
            if state.jobs.loading.get_untracked().is_some() {
                return;
            }
            let _ = stream.finish();
        }
        mark("canopy:warm-up-end");
    });
}

/// Whether the page has had its first contentful paint.
fn painted() -> bool {
    web_sys::window()
        .and_then(|w| w.performance())
        .is_some_and(|p| p.get_entries_by_name("first-contentful-paint").length() > 0)
}

/// Entry point called by `main`: panic reporting, then mount.
pub fn start() {
    // a panic ends the module: release builds trap with no message and public/canopy-crash.js
    // shows the notice; debug builds also say the panic's message in the console, for us
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        root.set_attribute("data-canopy-version", env!("CARGO_PKG_VERSION")).ok();
    }
    // keys for the id maps (model::hash): wasm has no randomness of its own, the page does
    let bits = || (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    crate::model::hash::seed(bits() << 11 ^ bits());
    leptos::mount::mount_to_body(App);
}
