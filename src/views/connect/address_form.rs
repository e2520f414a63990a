//! "Any address, with headers": a trace file fetched from the host field with request headers
//! (kept in memory for the request only).

use super::parts::HeadersField;
use super::Common;
use crate::source::live::Credentials;
use leptos::prelude::*;

pub const LABEL: &str = "Any address, with headers";
pub const DEFAULT_HOST: &str = "https://";

#[component]
pub fn AddressForm(c: Common) -> impl IntoView {
    let load_address = move |_| {
        c.loader.load_url_with(c.host(), Credentials::parse_headers(&c.headers.get_untracked()));
        c.close();
    };
    view! {
        <HeadersField c=c/>
        <div class="modal-row">
            <button class="btn" id="connect-load-url" on:click=load_address>"Load address"</button>
        </div>
    }
}
