//! The timeline's rows under their time axis, on a canvas: a bar per observation in view. Wheel,
//! drag (mouse, pen or one finger), a two-finger pinch and keys zoom, pan and scroll; a click
//! selects, a double-click fits the step, a drag along the axis zooms to that range. With lanes on, the rows are the lanes' headers and sub-rows, a
//! click picks the bar under the pointer, and a list of the lanes (for assistive technology and
//! tests) sits next to the canvas.

use super::paint::{record_frame, Frame, Painter};
use super::{local, ShownTrace};
use crate::model::timeline::{
    bar_end_ns, key_action, max_scroll, row_at, step_selection, wheel_action, Drag, KeyAction, Lanes, Pinch, Scale,
    TimeMap, Viewport, WheelAction, AXIS_H,
};
use crate::views::show::Show;
use leptos::prelude::*;
use std::collections::HashSet;

#[component]
pub fn TimelineRows(
    shown: ShownTrace,
    /// The rows (observations) in display order.
    rows: Memo<Vec<u32>>,
    /// The lanes, when the rows are laid out by agent.
    lanes: Memo<Option<Lanes>>,
    timemap: Memo<TimeMap>,
    /// A flag per observation: on the critical path (empty when not shown).
    critical: Memo<Vec<bool>>,
    /// The observations that carry scores.
    scored: Memo<HashSet<u32>>,
    /// The window shown.
    viewport: RwSignal<Viewport>,
    scroll_top: RwSignal<f64>,
    /// The canvas's size in CSS pixels, measured here.
    size: RwSignal<(f64, f64)>,
    /// The selected observation.
    selected: RwSignal<Option<u32>>,
    /// Changes when the page's colours do.
    restyle: Signal<()>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let drag = StoredValue::new(None::<Drag>);
    let axis_drag = RwSignal::new(None::<(f64, f64)>);
    // the pointers down on the canvas (id, x): two of them pinch
    let pointers = StoredValue::new(Vec::<(i32, f64)>::new());
    let pinch = StoredValue::new(None::<Pinch>);

    let measure = move || {
        if let Some(c) = canvas.get_untracked() {
            let parent = c.parent_element();
            let w = parent.as_ref().map(|p| f64::from(p.client_width())).unwrap_or(800.0).max(200.0);
            let h = parent.as_ref().map(|p| f64::from(p.client_height())).unwrap_or(500.0).max(120.0);
            size.set((
                w,
                h.min(web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|v| v.as_f64()).unwrap_or(h)),
            ));
        }
    };
    Effect::new(move |_| {
        if canvas.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    // Draw whenever anything shown changes. Work is bounded by the rows and bars in view.
    Effect::new(move |_| {
        let size = size.get();
        restyle.track();
        let vp = viewport.get();
        let top = scroll_top.get();
        let selected = selected.get();
        let Some(c) = canvas.get() else { return };
        let started = web_sys::window().and_then(|w| w.performance()).map(|p| p.now());
        rows.with(|rows| {
            lanes.with(|lanes| {
                timemap.with(|map| {
                    critical.with(|critical| {
                        shown.with(|trace| {
                            scored.with(|scored| {
                                let lanes = lanes.as_ref();
                                let frame = Frame {
                                    viewport: vp,
                                    scroll_top: top,
                                    rows,
                                    lanes,
                                    map,
                                    trace,
                                    critical,
                                    scored,
                                    selected,
                                };
                                if let Some(p) = Painter::on(&c, size.0, size.1) {
                                    p.frame(&frame);
                                }
                            })
                        })
                    })
                })
            })
        });
        if let (Some(s), Some(p)) = (started, web_sys::window().and_then(|w| w.performance())) {
            record_frame(p.now() - s);
        }
    });

    let total = move || timemap.with_untracked(|m| m.total);
    let row_count = move || {
        lanes.with_untracked(|l| l.as_ref().map(|l| l.rows.len())).unwrap_or_else(|| rows.with_untracked(Vec::len))
    };
    let max_top = move || max_scroll(row_count(), size.get_untracked().1);
    // the observation under (x, y): the row's in tree rows, the bar's in lanes
    let hit = move |x: f64, y: f64| -> Option<u32> {
        let pos = row_at(y, scroll_top.get_untracked())?;
        let in_lanes = lanes.with_untracked(|l| {
            let l = l.as_ref()?;
            let (vp, w) = (viewport.get_untracked(), size.get_untracked().0);
            Some(timemap.with_untracked(|map| {
                let scale = Scale { map, viewport: vp, width: w };
                shown
                    .with(|t| {
                        l.hit(pos, x, |i| {
                            let o = t.observations.get(i as usize)?;
                            Some((scale.x(o.start_ns), scale.x(bar_end_ns(o, t.totals.end_ns))))
                        })
                    })
                    .flatten()
            }))
        });
        match in_lanes {
            Some(found) => found,
            None => rows.with_untracked(|r| r.get(pos).copied()),
        }
    };
    let zoom_at = move |factor: f64, anchor: f64| {
        let total = total();
        viewport.update(|v| *v = v.zoom(factor, anchor, total));
    };
    let pan_by = move |fraction: f64| {
        let total = total();
        viewport.update(|v| *v = v.pan(v.width() * fraction, total));
    };
    // a pointer gone (left the canvas, or taken by the browser): what it was doing stops
    let release = move |ev: web_sys::PointerEvent| {
        pointers.update_value(|p| p.retain(|q| q.0 != ev.pointer_id()));
        pinch.set_value(None);
        drag.set_value(None);
        axis_drag.set(None);
    };
    let fit = move |idx: u32| {
        if let Some((s, e)) = shown.span_untracked(idx) {
            let (a, b, total) = timemap.with_untracked(|m| (m.to_display(s), m.to_display(e), m.total));
            viewport.set(Viewport::around(a, b, total));
        }
    };

    view! {
        <div class="timeline-canvas-wrap">
            <canvas
                node_ref=canvas
                class="timeline-canvas"
                data-rows=move || rows.with(Vec::len).to_string()
                data-folded=move || timemap.with(|m| m.breaks.len()).to_string()
                data-lanes=move || lanes.with(|l| l.as_ref().map(|l| l.lanes.len().to_string()).unwrap_or_default())
                data-selected=move || selected.get().map(|i| i.to_string()).unwrap_or_default()
                data-window-ns=move || format!("{:.0}", viewport.get().width())
                tabindex="0"
                on:wheel=move |ev: web_sys::WheelEvent| {
                    ev.prevent_default();
                    let (w, _) = size.get_untracked();
                    let (x, _) = local(&ev);
                    match wheel_action(ev.delta_x(), ev.delta_y(), ev.ctrl_key() || ev.meta_key(), ev.shift_key(), x, w) {
                        WheelAction::Zoom { factor, anchor } => zoom_at(factor, anchor),
                        WheelAction::Pan(fraction) => pan_by(fraction),
                        WheelAction::Scroll { pan, by } => {
                            if let Some(fraction) = pan {
                                pan_by(fraction);
                            }
                            scroll_top.update(|s| *s = (*s + by).clamp(0.0, max_top()));
                        }
                    }
                }
                on:pointerdown=move |ev: web_sys::PointerEvent| {
                    let (x, y) = local(&ev);
                    let n = pointers.try_update_value(|p| {
                        p.retain(|q| q.0 != ev.pointer_id());
                        p.push((ev.pointer_id(), x));
                        p.len()
                    });
                    if n == Some(2) {
                        // a second finger: a pinch, from both fingers and what shows now
                        let (a, b) = pointers.with_value(|p| (p[0].1, p[1].1));
                        pinch.set_value(Some(Pinch { a, b, viewport: viewport.get_untracked() }));
                        drag.set_value(None);
                    } else if y < AXIS_H {
                        axis_drag.set(Some((x, x)));
                    } else {
                        drag.set_value(Some(Drag { x, y, viewport: viewport.get_untracked(), scroll_top: scroll_top.get_untracked() }));
                    }
                }
                on:pointermove=move |ev: web_sys::PointerEvent| {
                    let at = local(&ev);
                    pointers.update_value(|p| {
                        if let Some(q) = p.iter_mut().find(|q| q.0 == ev.pointer_id()) {
                            q.1 = at.0;
                        }
                    });
                    if let Some(pn) = pinch.get_value() {
                        if let Some((a, b)) = pointers.with_value(|p| Some((p.first()?.1, p.get(1)?.1))) {
                            viewport.set(pn.to(a, b, size.get_untracked().0, total()));
                        }
                        return;
                    }
                    if let Some((x0, _)) = axis_drag.get_untracked() {
                        axis_drag.set(Some((x0, at.0)));
                        return;
                    }
                    if let Some(d) = drag.get_value() {
                        let (vp, top) = d.to(at, size.get_untracked(), row_count(), total());
                        viewport.set(vp);
                        scroll_top.set(top);
                    }
                }
                on:pointerup=move |ev: web_sys::PointerEvent| {
                    let (x, y) = local(&ev);
                    pointers.update_value(|p| p.retain(|q| q.0 != ev.pointer_id()));
                    if pinch.get_value().is_some() {
                        // the pinch ends with its first finger up; the other does not pan or select
                        pinch.set_value(None);
                        return;
                    }
                    if let Some((x0, x1)) = axis_drag.get_untracked() {
                        axis_drag.set(None);
                        let (w, _) = size.get_untracked();
                        if let Some(vp) = viewport.get_untracked().between_px(x0, x1, w) {
                            viewport.set(vp);
                        }
                        return;
                    }
                    let moved = drag.get_value().is_some_and(|d| d.moved(x, y));
                    let pressed = drag.get_value().is_some();
                    drag.set_value(None);
                    if pressed && !moved {
                        if let Some(i) = hit(x, y) {
                            selected.set(Some(i));
                        }
                    }
                }
                on:pointercancel=release
                on:pointerleave=release
                on:dblclick=move |ev: web_sys::MouseEvent| {
                    let (x, y) = local(&ev);
                    if let Some(i) = hit(x, y) {
                        fit(i);
                    }
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    let Some(action) = key_action(&ev.key()) else { return };
                    match action {
                        KeyAction::Zoom(factor) => zoom_at(factor, 0.5),
                        KeyAction::ShowAll => viewport.set(Viewport::all(total())),
                        KeyAction::Pan(fraction) => pan_by(fraction),
                        KeyAction::Step { down } => {
                            let next = rows.with_untracked(|r| step_selection(r, selected.get_untracked(), down));
                            if let Some(i) = next {
                                selected.set(Some(i));
                            }
                        }
                    }
                    ev.prevent_default();
                }
            ></canvas>
            <LaneList lanes shown/>
            <Show when=move || axis_drag.get().is_some()>
                <div
                    class="axis-selection"
                    style:left=move || format!("{}px", axis_drag.get().map(|(a, b)| a.min(b)).unwrap_or(0.0))
                    style:width=move || format!("{}px", axis_drag.get().map(|(a, b)| (a - b).abs()).unwrap_or(0.0))
                ></div>
            </Show>
        </div>
    }
}

/// The lanes as a list beside the canvas, in order: each lane's name and totals, for assistive
/// technology and tests; each names its header row, its first step and where that step's bar's
/// middle is as a share of the whole trace.
#[component]
fn LaneList(lanes: Memo<Option<Lanes>>, shown: ShownTrace) -> impl IntoView {
    let items = move || {
        lanes.with(|l| {
            let Some(l) = l.as_ref() else { return Vec::new() };
            let mut out = Vec::new();
            for (r, row) in l.rows.iter().enumerate() {
                let (Some(lane), None) = (l.lanes.get(row.lane as usize), row.sub) else { continue };
                let first = lane.rows.first().and_then(|s| s.first()).copied();
                // where the first step's middle falls, from the trace's start (0) to its end (1)
                let at = first
                    .and_then(|i| {
                        untrack(|| {
                            shown.with(|t| {
                                let o = t.observations.get(i as usize)?;
                                let (t0, end) = (t.totals.start_ns?.min(t.start_ns), t.totals.end_ns?);
                                let mid = (o.start_ns as f64 + bar_end_ns(o, Some(end)) as f64) / 2.0;
                                Some(format!("{:.4}", (mid - t0 as f64) / end.saturating_sub(t0).max(1) as f64))
                            })
                        })
                        .flatten()
                    })
                    .unwrap_or_default();
                out.push((r, format!("{}: {}", lane.name, lane.summary()), lane.name.clone(), first, at));
            }
            out
        })
    };
    view! {
        <ol class="timeline-lane-list" aria-label="Lanes">
            {move || {
                items()
                    .into_iter()
                    .map(|(r, text, name, first, at)| {
                        view! {
                            <li
                                data-lane=name
                                data-row=r.to_string()
                                data-first=first.map(|i| i.to_string()).unwrap_or_default()
                                data-first-at=at
                            >
                                {text}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}
