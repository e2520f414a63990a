//! Copying to the clipboard, with a short confirmation in the status area.

use crate::state::Jobs;
use leptos::prelude::*;

/// Copies `text`; says "Copied <what>" (or why it could not) in the toolbar's status line.
pub fn copy_text(jobs: Jobs, what: &str, text: String) {
    let what = what.to_string();
    leptos::task::spawn_local(async move {
        let Some(window) = web_sys::window() else { return };
        let promise = window.navigator().clipboard().write_text(&text);
        let msg = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => format!("Copied {what}"),
            Err(_) => format!("Could not copy {what}: the browser refused clipboard access"),
        };
        jobs.loading.set(Some(msg.clone()));
        set_timeout(
            move || {
                if jobs.loading.get_untracked().as_deref() == Some(msg.as_str()) {
                    jobs.loading.set(None);
                }
            },
            std::time::Duration::from_millis(1500),
        );
    });
}

/// A small "copy" button for one field.
#[component]
pub fn CopyButton(what: &'static str, text: String) -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    let text = StoredValue::new(text);
    view! {
        <button class="btn tiny copy" title=format!("Copy {what}") on:click=move |_| copy_text(jobs, what, text.get_value())>
            "copy"
        </button>
    }
}
