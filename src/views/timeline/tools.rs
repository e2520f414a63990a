//! The timeline's toolbar: zoom in and out, show everything, the critical path and idle-gap
//! toggles, lanes by agent, and the window shown as times since the trace's start.

use crate::model::timeline::{window_label, TimeMap, Viewport};
use leptos::prelude::*;

#[component]
pub fn TimelineTools(
    /// The window shown, zoomed here.
    viewport: RwSignal<Viewport>,
    timemap: Memo<TimeMap>,
    show_critical: RwSignal<bool>,
    /// Fold idle gaps.
    compress: RwSignal<bool>,
    /// Lay the rows out in lanes by agent.
    lanes: RwSignal<bool>,
) -> impl IntoView {
    let zoom_at = move |factor: f64| {
        let total = timemap.with_untracked(|m| m.total);
        viewport.update(|v| *v = v.zoom(factor, 0.5, total));
    };
    view! {
        <div class="timeline-tools">
            <button class="btn small" title="Zoom in (+)" on:click=move |_| zoom_at(0.5)>"+"</button>
            <button class="btn small" title="Zoom out (-)" on:click=move |_| zoom_at(2.0)>"−"</button>
            <button class="btn small" title="Show everything (0)" on:click=move |_| viewport.set(Viewport::all(timemap.with_untracked(|m| m.total)))>"Fit"</button>
            <label class="toggle-label"><input type="checkbox" prop:checked=move || show_critical.get() on:change=move |ev| show_critical.set(event_target_checked(&ev))/>" critical path"</label>
            <label class="toggle-label"><input type="checkbox" id="compress-gaps" prop:checked=move || compress.get() on:change=move |ev| compress.set(event_target_checked(&ev))/>" fold idle gaps"</label>
            <label class="toggle-label" title="Lanes: one per agent (else service or thread), its steps stacked below"><input type="checkbox" id="timeline-lanes" prop:checked=move || lanes.get() on:change=move |ev| lanes.set(event_target_checked(&ev))/>" lanes by agent"</label>
            <span class="hint timeline-window">
                {move || {
                    let vp = viewport.get();
                    timemap.with(|m| window_label(m, &vp))
                }}
            </span>
        </div>
    }
}
