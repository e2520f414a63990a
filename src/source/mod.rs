//! Where trace bytes come from: files and URLs (`browser`), API clients (`phoenix`, `langfuse`,
//! `tracestore`) and remembered keys (`keys`), all wasm only; the advice shown when a source fails
//! (`advice`), the source link and the whole view kept in the URL fragment
//! (`link`, `fragment`), pure and host-tested.

pub mod advice;
pub mod fragment;
pub mod link;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub mod keys;
#[cfg(target_arch = "wasm32")]
pub mod langfuse;
#[cfg(target_arch = "wasm32")]
pub mod phoenix;
#[cfg(target_arch = "wasm32")]
pub mod tracestore;
#[cfg(target_arch = "wasm32")]
pub use browser::*;
