//! The question a link with many files asks before it opens them.

use crate::source::fragment::{many_urls_question, MAX_LINK_URLS};
use crate::state::dialogs::{Answer, LinkFiles};
use leptos::prelude::*;

/// Asks, inside the page, before a link opens more files than it opens by itself: the first ten,
/// all of them, or none. Nothing is fetched until the user answers.
#[component]
pub fn LinkFilesPrompt() -> impl IntoView {
    let Some(files) = use_context::<LinkFiles>() else { return ().into_any() };
    let button = move |id: &'static str, label: String, choice: Answer| {
        view! { <button class="btn small" id=id on:click=move |_| files.answer.run(choice)>{label}</button> }
    };
    (move || {
        files.waiting.with(|w| w.as_ref().map(Vec::len)).map(|n| {
            view! {
                <div class="error-banner link-files" role="alertdialog" aria-label="Open the link's files">
                    <span class="error-text">{many_urls_question(n)}</span>
                    {button("link-files-first", format!("Open the first {MAX_LINK_URLS}"), Answer::First)}
                    {button("link-files-all", format!("Open all {n}"), Answer::All)}
                    {button("link-files-none", "Cancel".to_string(), Answer::None)}
                </div>
            }
        })
    })
    .into_any()
}
