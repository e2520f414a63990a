//! The status line and the progress bar of a load: bytes (and observations) read of a file, or items and bytes of an
//! API load; the step under way; Cancel.

use crate::model::units::human_bytes;
use crate::state::{Jobs, Progress};
use crate::views::show::Show;
use leptos::prelude::*;

fn text(p: &Progress) -> String {
    if p.unit == "bytes" {
        let mut out = match p.total {
            Some(t) if t > 0 => format!("{}: {} of {}", p.what, human_bytes(p.done), human_bytes(t)),
            _ => format!("{}: {}", p.what, human_bytes(p.done)),
        };
        if !p.note.is_empty() {
            out.push_str(" · ");
            out.push_str(&p.note);
        }
        return out;
    }
    let count = match p.total {
        Some(t) if t > 0 => format!("{} of {t} {}", p.done.min(t), p.unit),
        _ => format!("{} {}", p.done, p.unit),
    };
    let mut out = format!("{}: {count} · {}", p.what, human_bytes(p.bytes));
    if !p.note.is_empty() {
        out.push_str(" · ");
        out.push_str(&p.note);
    }
    out
}

#[component]
pub fn ProgressBar(jobs: Jobs) -> impl IntoView {
    let p = move || jobs.progress.get().unwrap_or_default();
    view! {
        <span class="progress" role="status" id="load-progress">
            <progress
                max=move || p().total.unwrap_or(1).max(1)
                value=move || p().total.map(|_| p().done)
            ></progress>
            <span class="progress-text">{move || text(&p())}</span>
            <button class="btn small" id="cancel-load" on:click=move |_| jobs.cancel.set(true)>"Cancel"</button>
        </span>
    }
}

/// The loading line, or the progress bar of an API load.
#[component]
pub fn StatusLine(jobs: Jobs) -> impl IntoView {
    view! {
        <Show
            when=move || jobs.progress.with(Option::is_none)
            fallback=move || view! { <ProgressBar jobs=jobs/> }
        >
            <span class="loading" role="status">{move || jobs.loading.get().unwrap_or_default()}</span>
        </Show>
    }
}
