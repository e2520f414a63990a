//! The tabs across the top: the trace list, sessions, scores, costs, the trace shown, a comparison.

use crate::state::{Data, Page, ViewState};
use leptos::prelude::*;

/// Where you are among the loaded data: the trace list, sessions, scores, costs, or one trace.
#[component]
pub fn Nav(data: Data, view: ViewState) -> impl IntoView {
    let count = move |f: fn(&crate::model::TraceSet) -> usize| data.with(f);
    let tab = move |page: Page, id: &'static str, label: String| {
        let p = page.clone();
        let is = move || match (&view.page.get(), &p) {
            (Page::Session(_), Page::Sessions) => true,
            (a, b) => a == b,
        };
        view! {
            <button class="tab" id=id class:active=is on:click=move |_| view.page.set(page.clone())>{label}</button>
        }
    };
    view! {
        <nav class="nav-tabs" aria-label="Views">
            {move || tab(Page::Traces, "nav-traces", format!("Traces ({})", count(|d| d.traces.len())))}
            {move || tab(Page::Sessions, "nav-sessions", format!("Sessions ({})", count(|d| d.sessions.len())))}
            {move || tab(Page::Scores, "nav-scores", format!("Scores ({})", count(|d| crate::model::tracelist::score_names(d).len())))}
            {move || tab(Page::Costs, "nav-costs", "Costs".to_string())}
            {move || tab(Page::Spans, "nav-spans", "Spans".to_string())}
            {move || {
                let name = view.current.get().and_then(|r| data.with_trace(r, |t| t.display_name().to_string()));
                name.map(|n| tab(Page::Trace, "nav-trace", format!("Trace: {n}")))
            }}
            {move || match view.page.get() {
                Page::Compare(other) => Some(tab(Page::Compare(other), "nav-compare", "Compare".to_string())),
                _ => None,
            }}
        </nav>
    }
}
