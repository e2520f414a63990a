//! `Show` compiled once: leptos's `Show` is generic over its condition and its children's view
//! type, so each of the app's `<Show>`s compiled another copy of it and its memo (about 0.7 kB of
//! wasm each). This one takes the same props, boxes the condition and erases the children; views
//! import it in place of leptos's (`use crate::views::show::Show;`), and markup stays the same.

use leptos::prelude::*;
use std::sync::Arc;

/// Shows `children` while `when` is true, else `fallback` (nothing by default), as leptos's `Show`.
#[component(transparent)]
pub fn Show<W>(
    /// Drawn again each time the condition turns true.
    children: ChildrenFn,
    /// The condition, memoized: the children are rebuilt only when it changes.
    when: W,
    /// What is shown while the condition is false.
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView
where
    W: Fn() -> bool + Send + Sync + 'static,
{
    shown(Arc::new(when), children, fallback)
}

fn shown(when: Arc<dyn Fn() -> bool + Send + Sync>, children: ChildrenFn, fallback: ViewFn) -> AnyView {
    let when = ArcMemo::new(move |_| when());
    (move || if when.get() { children() } else { fallback.run() }).into_any()
}
