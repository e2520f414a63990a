//! The overview strip above the timeline's rows: the whole trace in one band, the window shown
//! as a box on it; pressing or dragging on it moves the window there.

use super::paint::Painter;
use super::{local, ShownTrace};
use crate::model::timeline::{Overview, TimeMap, Viewport};
use leptos::prelude::*;

#[component]
pub fn TimelineOverview(
    shown: ShownTrace,
    /// The rows (observations) in display order.
    rows: Memo<Vec<u32>>,
    timemap: Memo<TimeMap>,
    /// The window shown, moved here.
    viewport: RwSignal<Viewport>,
    /// The strip's width in CSS pixels.
    width: Signal<f64>,
    /// Changes when the page's colours do.
    restyle: Signal<()>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // drawn once per trace/collapse/mapping, not per frame
    Effect::new(move |_| {
        let w = width.get();
        restyle.track();
        let Some(c) = canvas.get() else { return };
        rows.with(|rows| {
            timemap.with(|map| {
                shown.with(|t| {
                    if let Some(p) = Painter::on(&c, w, crate::model::timeline::OVERVIEW_H) {
                        p.overview(&Overview { map, width: w, rows: rows.len() }, rows, t);
                    }
                })
            })
        });
    });
    let center_on = move |x: f64| {
        let w = width.get_untracked();
        let (center, total) = timemap.with_untracked(|m| (Overview { map: m, width: w, rows: 0 }.time_at(x), m.total));
        viewport.update(|v| *v = v.centered_on(center, total));
    };
    let window = move || {
        let vp = viewport.get();
        let w = width.get();
        timemap.with(|m| Overview { map: m, width: w, rows: 0 }.window(&vp))
    };
    view! {
        <div
            class="timeline-overview"
            on:mousedown=move |ev: web_sys::MouseEvent| center_on(local(&ev).0)
            on:mousemove=move |ev: web_sys::MouseEvent| {
                // dragging the window (any button held) keeps it under the pointer
                if ev.buttons() & 1 == 1 {
                    center_on(local(&ev).0);
                }
            }
        >
            <canvas node_ref=canvas class="overview-canvas"></canvas>
            <div
                class="overview-window"
                style:left=move || format!("{}px", window().0)
                style:width=move || format!("{}px", window().1)
            ></div>
        </div>
    }
}
