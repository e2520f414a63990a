//! Canopy: an LLM trace viewer that runs in the browser.
//!
//! - `model`: pure trace model (TraceSet, Trace, Observation, Score, Session), tree, totals, filter,
//!   comparison of two traces (`compare`).
//! - `import`: pure bytes → model; one file per format, `import::load` sniffs and dispatches;
//!   `import::warmup`, the made-up trace the app imports once while idle.
//! - `export`: pure model → bytes: Canopy, OTLP and Langfuse-export JSON, redaction first.
//! - `source`: where bytes come from — file drop/picker, URLs and APIs (wasm only); failure advice
//!   and the view kept in the URL fragment (pure).
//! - `state` (wasm only): app state owned by concern (data, view, jobs, notices, links, dialogs,
//!   credentials) and the loads that write it; never imports views.
//! - `views` (wasm only): Leptos components, one per file.
//! - `app` (wasm only): wiring only: the root component, the address bar (`history`), the host
//!   page's API (`embed`); panics are reported by `public/canopy-crash.js`.
//!
//! Which folder may import which is checked by `tests/layering.rs` (docs/architecture.md).

pub mod export;
pub mod import;
pub mod model;

#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod source;
#[cfg(target_arch = "wasm32")]
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod views;

/// The page's allocator (see Cargo.toml): faster than dlmalloc for the many small allocations of
/// a load. The page is single-threaded, which is what this allocator's cell assumes.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
