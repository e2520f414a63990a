//! Per-name statistics of one trace or all loaded traces.

use crate::state::{Data, ViewState};
use leptos::prelude::*;

/// Being built (issue 29).
#[component]
pub fn StatsView(data: Data, view: ViewState) -> impl IntoView {
    let _ = (data, view);
    view! { <div class="stats-view"></div> }
}
