//! The agent graph of one trace.

use crate::state::{Data, ViewState};
use leptos::prelude::*;

/// Being built (issue 29).
#[component]
pub fn GraphView(data: Data, view: ViewState) -> impl IntoView {
    let _ = (data, view);
    view! { <div class="graph-view"></div> }
}
