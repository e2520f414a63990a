//! Where trace bytes come from: files and URLs (`browser`) and remembered keys (`keys`), wasm
//! only; live trace stores (`live`: capabilities, credentials and the pager, pure and
//! host-tested; the store clients, wasm only); the advice shown when a source fails (`advice`),
//! the source link and the whole view kept in the URL fragment (`link`, `fragment`), pure and
//! host-tested.

pub mod advice;
pub mod fragment;
pub mod link;
pub mod live;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub mod keys;
#[cfg(target_arch = "wasm32")]
pub use browser::*;
