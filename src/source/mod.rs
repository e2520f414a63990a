//! Where trace bytes come from: files and URLs (`browser`, wasm only) and the advice shown when a
//! source fails (`advice`, pure, host-tested).

pub mod advice;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub mod langfuse;
#[cfg(target_arch = "wasm32")]
pub mod phoenix;
#[cfg(target_arch = "wasm32")]
pub use browser::*;
