//! Every observation of the loaded traces in one table.

use crate::state::{Data, ViewState};
use leptos::prelude::*;

/// Being built (issue 29).
#[component]
pub fn SpansPage(data: Data, view: ViewState) -> impl IntoView {
    let _ = (data, view);
    view! { <div class="spans-page"></div> }
}
