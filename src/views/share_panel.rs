//! Sharing: the link to this view, copied, and what it cannot carry.

use crate::state::address::Address;
use crate::state::{Dialogs, Jobs, Links};
use crate::views::show::Show;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Copies the link to this view and says what it cannot carry.
pub fn share(address: Address, jobs: Jobs, dialogs: Dialogs) {
    let url = address.share_url(None);
    crate::views::copy::copy_text(jobs, "link", url);
    dialogs.share.set(true);
}

/// The link just copied, selectable by hand too, and why it may not reopen everything.
#[component]
pub fn SharePanel(links: Links, dialogs: Dialogs, address: Address) -> impl IntoView {
    let url = move || address.share_url(None);
    let missing = move || links.unlinkable.get();
    view! {
        <div class="share-panel" id="share-panel" role="dialog" aria-label="Link to this view">
            <div class="share-row">
                <input id="share-link" readonly=true prop:value=url on:focus=move |ev| {
                    if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        i.select();
                    }
                }/>
                <button class="btn small" id="close-share" on:click=move |_| dialogs.share.set(false)>"Close"</button>
            </div>
            <p class="hint">
                "The link reopens this view: the trace, the selection, the tree or timeline with its zoom, the filters "
                "and folded nodes. It holds addresses, never data or keys."
            </p>
            <Show when=move || !missing().is_empty()>
                <div class="share-warning" id="share-warning">
                    <p>"The link cannot bring back what was not opened from an address:"</p>
                    <ul>{move || missing().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    <p>
                        "For a colleague to see it, put the file where a browser can fetch it (a static server, object "
                        "storage, a gist's raw address) and open it with Open URL, or send it exported (Export…) "
                        "alongside the link."
                    </p>
                </div>
            </Show>
        </div>
    }
}
