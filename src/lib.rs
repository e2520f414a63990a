//! Canopy: an LLM trace viewer that runs in the browser.
//!
//! - `model`: pure trace model (TraceSet, Trace, Observation, Score, Session), tree, totals, filter.
//! - `import`: pure bytes → model; one file per format, `import::load` sniffs and dispatches.
//! - `export`: pure model → bytes: Canopy, OTLP and Langfuse-export JSON, redaction first.
//! - `source`: where bytes come from — file drop/picker and URLs (wasm only), failure advice (pure).
//! - `views` (wasm only): Leptos components, one per file.
//! - `app` (wasm only): the root component, load state, deep links and panic reporting.
//! - `remote` (wasm only): paged loads from live trace stores with progress, limits and Cancel.

pub mod export;
pub mod import;
pub mod model;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod remote;
pub mod source;
#[cfg(target_arch = "wasm32")]
pub mod views;
