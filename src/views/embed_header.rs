//! Embedded: the slim header with the status and a way out to the full app, and the note shown
//! while the host page has sent nothing yet.

use crate::state::address::Address;
use crate::state::Jobs;
use crate::views::progress::StatusLine;
use leptos::prelude::*;

/// Embedded: one slim line with the status and a way out to the full app.
#[component]
pub fn CompactHeader(address: Address, jobs: Jobs) -> impl IntoView {
    let open_full = move |_| {
        let url = address.share_url(None);
        if let Some(w) = web_sys::window() {
            let _ = w.open_with_url_and_target_and_features(&url, "_blank", "noopener,noreferrer");
        }
    };
    view! {
        <header class="toolbar compact">
            <span class="brand">"Canopy"</span>
            <StatusLine jobs=jobs/>
            <button class="btn small" id="open-full" title="Open this view in a full Canopy tab" on:click=open_full>"Open in Canopy ↗"</button>
        </header>
    }
}

#[component]
pub fn EmbedWaiting() -> impl IntoView {
    view! {
        <div class="welcome embed-waiting">
            <p class="hint">"Waiting for a trace from the page around this view."</p>
        </div>
    }
}
