//! The banner of notices: what a load did not do, in the style of its level.

use crate::state::{Level, Notices};
use leptos::prelude::*;

/// The notices, each in the style of its level (error, warning, notice), each dismissable.
#[component]
pub fn NoticeBanner(notices: Notices) -> impl IntoView {
    view! {
        <div class="banners">
            <For
                each=move || notices.get()
                key=|n| n.id
                children=move |n| {
                    let (id, level) = (n.id, n.level());
                    view! {
                        <div class=format!("{}-banner", level.key()) role=if level == Level::Error { "alert" } else { "status" }>
                            <span class="error-text">{n.text}</span>
                            <button
                                class="dismiss"
                                title="Dismiss"
                                on:click=move |_| notices.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
