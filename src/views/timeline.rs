//! The timeline of one trace on a canvas: rows follow the tree (sharing its collapsed set), bars at
//! true offsets, zoom/pan by wheel, drag, keys, axis range and double-click, an overview strip,
//! time to first token and events, critical path and idle-gap compression on demand. Each frame
//! draws only the rows and bars in view.

use crate::model::filter::visible_rows;
use crate::model::layout::{scroll_to_reveal, visible_window};
use crate::model::time::format_duration;
use crate::model::timeline::{critical_path, tick_step, TimeMap, Viewport};
use crate::model::{Kind, Level};
use crate::state::{Data, ViewState};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const ROW_H: f64 = 22.0;
const AXIS_H: f64 = 24.0;

fn kind_color(k: Kind) -> &'static str {
    match k {
        Kind::Generation => "#7b3fe4",
        Kind::Agent => "#d9480f",
        Kind::Tool => "#0c8599",
        Kind::Chain => "#2b8a3e",
        Kind::Retriever => "#1971c2",
        Kind::Embedding => "#ae3ec9",
        Kind::Evaluator => "#e67700",
        Kind::Guardrail => "#c92a2a",
        Kind::Reranker => "#1864ab",
        Kind::Prompt => "#5c940d",
        Kind::Event => "#5f6b7a",
        Kind::Span => "#7a7f87",
    }
}

#[component]
pub fn TimelineView() -> impl IntoView {
    let data = expect_context::<Data>();
    let view = expect_context::<ViewState>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let overview = NodeRef::<leptos::html::Canvas>::new();
    let size = RwSignal::new((800.0f64, 500.0f64));
    let scroll_top = RwSignal::new(0.0f64);
    let compress = view.compress;
    let show_critical = RwSignal::new(false);
    let drag = StoredValue::new(None::<(f64, f64, Viewport, f64)>);
    let axis_drag = RwSignal::new(None::<(f64, f64)>);

    let rows = Memo::new(move |_| {
        let ti = view.trace.get();
        data.with(|d| {
            let Some(t) = ti.and_then(|i| d.traces.get(i)) else { return Vec::new() };
            view.collapsed.with(|c| visible_rows(t, c, None))
        })
    });
    let timemap = Memo::new(move |_| {
        let ti = view.trace.get();
        let on = compress.get();
        data.with(|d| {
            let Some(t) = ti.and_then(|i| d.traces.get(i)) else { return TimeMap::identity(0, 1) };
            let end_all = t.totals.end_ns.unwrap_or(t.start_ns.saturating_add(1));
            let start = t.totals.start_ns.unwrap_or(t.start_ns).min(t.start_ns);
            if on {
                // idle = no leaf running: parents span their children's waits, so they do not count
                let iv: Vec<(i64, i64)> = t
                    .observations
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !t.tree.has_children(*i as u32))
                    .map(|(_, o)| (o.start_ns, o.end_ns.unwrap_or(end_all)))
                    .collect();
                TimeMap::compressed(&iv, 1_000_000, 0.02, 0.04)
            } else {
                TimeMap::identity(start, end_all)
            }
        })
    });
    let viewport = RwSignal::new(Viewport { start: 0.0, end: 1.0 });
    // the window is kept in the app state (and so in the link) as nanoseconds from the trace's
    // start, which survive folding idle gaps on and off
    let trace_start =
        move || data.with_untracked(|d| view.trace.get_untracked().and_then(|i| d.traces.get(i)).map(|t| t.start_ns));
    let window_of = move |zoom: Option<(i64, i64)>| {
        let total = timemap.with_untracked(|m| m.total);
        match (zoom, trace_start()) {
            (Some((a, b)), Some(t0)) => timemap.with_untracked(|m| {
                let (x, y) = (m.to_display(t0.saturating_add(a)), m.to_display(t0.saturating_add(b)));
                Viewport { start: x.clamp(0.0, total), end: y.clamp(0.0, total).max(x + 1.0) }
            }),
            _ => Viewport { start: 0.0, end: total },
        }
    };
    // a new trace or mapping shows the window the state names (all of it unless zoomed)
    Effect::new(move |_| {
        timemap.track();
        viewport.set(window_of(view.zoom.get_untracked()));
        scroll_top.set(0.0);
    });
    // a window set from outside (back/forward, a link) moves the view
    Effect::new(move |_| {
        let want = window_of(view.zoom.get());
        let vp = viewport.get_untracked();
        if (want.start - vp.start).abs() > 0.5 || (want.end - vp.end).abs() > 0.5 {
            viewport.set(want);
        }
    });
    // and zooming or panning here is written back
    Effect::new(move |_| {
        let vp = viewport.get();
        let total = timemap.with_untracked(|m| m.total);
        let Some(t0) = trace_start() else { return };
        let zoom = if vp.start <= 0.5 && vp.end >= total - 0.5 {
            None
        } else {
            timemap.with_untracked(|m| {
                Some((m.to_time(vp.start).saturating_sub(t0), m.to_time(vp.end).saturating_sub(t0)))
            })
        };
        let same = match (zoom, view.zoom.get_untracked()) {
            (Some(a), Some(b)) => window_of(Some(a)) == window_of(Some(b)) || a == b,
            (a, b) => a == b,
        };
        if !same {
            view.zoom.set(zoom);
        }
    });
    // which observations carry scores: once per trace and load, not per frame
    let scored = Memo::new(move |_| {
        let ti = view.trace.get();
        data.with(|d| {
            ti.and_then(|i| d.traces.get(i))
                .map(|t| {
                    crate::model::tracelist::observation_score_labels(d, t)
                        .into_keys()
                        .collect::<std::collections::HashSet<u32>>()
                })
                .unwrap_or_default()
        })
    });
    let critical = Memo::new(move |_| {
        if !show_critical.get() {
            return Vec::new();
        }
        let ti = view.trace.get();
        data.with(|d| ti.and_then(|i| d.traces.get(i)).map(critical_path).unwrap_or_default())
    });

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
        let (w, h) = size.get();
        view.theme.track(); // colours come from the theme's CSS variables
        let vp = viewport.get();
        let top = scroll_top.get();
        let selected = view.selected.get();
        let ti = view.trace.get();
        let Some(c) = canvas.get() else { return };
        let started = web_sys::window().and_then(|w| w.performance()).map(|p| p.now());
        rows.with(|rows| {
            timemap.with(|map| {
                critical.with(|crit| {
                    data.with(|d| {
                        let Some(t) = ti.and_then(|i| d.traces.get(i)) else { return };
                        scored.with(|sc| draw(&c, w, h, vp, top, rows, map, crit, selected, t, sc));
                    })
                })
            })
        });
        if let (Some(s), Some(p)) = (started, web_sys::window().and_then(|w| w.performance())) {
            record_frame(p.now() - s);
        }
    });
    // The overview strip is drawn once per trace/collapse/mapping, not per frame.
    Effect::new(move |_| {
        let (w, _) = size.get();
        view.theme.track();
        let ti = view.trace.get();
        let Some(c) = overview.get() else { return };
        rows.with(|rows| {
            timemap.with(|map| {
                data.with(|d| {
                    if let Some(t) = ti.and_then(|i| d.traces.get(i)) {
                        draw_overview(&c, w, rows, map, t);
                    }
                })
            })
        });
    });

    // selection from the tree (or keys) scrolls into view here too
    Effect::new(move |_| {
        let Some(sel) = view.selected.get() else { return };
        let (_, h) = size.get_untracked();
        let Some(pos) = rows.with_untracked(|r| r.iter().position(|&x| x == sel)) else { return };
        if let Some(top) = scroll_to_reveal(pos, scroll_top.get_untracked(), h - AXIS_H, ROW_H) {
            scroll_top.set(top);
        }
        let span = data.with_untracked(|d| {
            let t = view.trace.get_untracked().and_then(|i| d.traces.get(i))?;
            let o = t.observations.get(sel as usize)?;
            Some((o.start_ns, o.end_ns.unwrap_or(o.start_ns)))
        });
        if let Some((s, e)) = span {
            let (a, b) = timemap.with_untracked(|m| (m.to_display(s), m.to_display(e)));
            let vp = viewport.get_untracked();
            if b < vp.start || a > vp.end {
                let total = timemap.with_untracked(|m| m.total);
                viewport.set(vp.pan((a + b) / 2.0 - (vp.start + vp.end) / 2.0, total));
            }
        }
    });

    let max_scroll = move || {
        let (_, h) = size.get_untracked();
        (rows.with_untracked(|r| r.len()) as f64 * ROW_H - (h - AXIS_H) + ROW_H).max(0.0)
    };
    let hit = move |_x: f64, y: f64| -> Option<u32> {
        if y < AXIS_H {
            return None;
        }
        let pos = ((y - AXIS_H + scroll_top.get_untracked()) / ROW_H).floor() as usize;
        rows.with_untracked(|r| r.get(pos).copied())
    };
    let local = |ev: &web_sys::MouseEvent| -> (f64, f64) {
        let rect =
            ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|e| e.get_bounding_client_rect());
        match rect {
            Some(r) => (f64::from(ev.client_x()) - r.left(), f64::from(ev.client_y()) - r.top()),
            None => (0.0, 0.0),
        }
    };
    let zoom_at = move |factor: f64, anchor: f64| {
        let total = timemap.with_untracked(|m| m.total);
        viewport.update(|v| *v = v.zoom(factor, anchor, total));
    };
    let pan_by = move |fraction: f64| {
        let total = timemap.with_untracked(|m| m.total);
        viewport.update(|v| *v = v.pan(v.width() * fraction, total));
    };
    let center_on = move |x: f64| {
        let (w, _) = size.get_untracked();
        let total = timemap.with_untracked(|m| m.total);
        let center = x / w * total;
        viewport.update(|v| *v = v.pan(center - (v.start + v.end) / 2.0, total));
    };
    let fit = move |idx: u32| {
        let span = data.with_untracked(|d| {
            let t = view.trace.get_untracked().and_then(|i| d.traces.get(i))?;
            let o = t.observations.get(idx as usize)?;
            Some((o.start_ns, o.end_ns.unwrap_or(o.start_ns)))
        });
        if let Some((s, e)) = span {
            let (a, b) = timemap.with_untracked(|m| (m.to_display(s), m.to_display(e)));
            let pad = ((b - a) * 0.05).max(1.0);
            let total = timemap.with_untracked(|m| m.total);
            viewport.set(Viewport { start: (a - pad).max(0.0), end: (b + pad).min(total) });
        }
    };

    view! {
        <section class="timeline-pane">
            <div class="timeline-tools">
                <button class="btn small" title="Zoom in (+)" on:click=move |_| zoom_at(0.5, 0.5)>"+"</button>
                <button class="btn small" title="Zoom out (-)" on:click=move |_| zoom_at(2.0, 0.5)>"−"</button>
                <button class="btn small" title="Show everything (0)" on:click=move |_| viewport.set(Viewport { start: 0.0, end: timemap.with_untracked(|m| m.total) })>"Fit"</button>
                <label class="toggle-label"><input type="checkbox" prop:checked=move || show_critical.get() on:change=move |ev| show_critical.set(event_target_checked(&ev))/>" critical path"</label>
                <label class="toggle-label"><input type="checkbox" id="compress-gaps" prop:checked=move || compress.get() on:change=move |ev| compress.set(event_target_checked(&ev))/>" fold idle gaps"</label>
                <span class="hint timeline-window">
                    {move || {
                        let vp = viewport.get();
                        timemap.with(|m| format!("{} – {}", format_duration(m.to_time(vp.start) - m.to_time(0.0)), format_duration(m.to_time(vp.end) - m.to_time(0.0))))
                    }}
                </span>
            </div>
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
                <canvas node_ref=overview class="overview-canvas"></canvas>
                <div
                    class="overview-window"
                    style:left=move || {
                        let (w, _) = size.get();
                        let total = timemap.with(|m| m.total).max(1e-9);
                        format!("{}px", viewport.get().start / total * w)
                    }
                    style:width=move || {
                        let (w, _) = size.get();
                        let total = timemap.with(|m| m.total).max(1e-9);
                        format!("{}px", (viewport.get().width() / total * w).max(2.0))
                    }
                ></div>
            </div>
            <div class="timeline-canvas-wrap">
                <canvas
                    node_ref=canvas
                    class="timeline-canvas"
                    data-rows=move || rows.with(Vec::len).to_string()
                    data-folded=move || timemap.with(|m| m.breaks.len()).to_string()
                    tabindex="0"
                    on:wheel=move |ev: web_sys::WheelEvent| {
                        ev.prevent_default();
                        let (w, _) = size.get_untracked();
                        let (x, _) = local(&ev);
                        if ev.ctrl_key() || ev.meta_key() {
                            zoom_at((ev.delta_y() / 300.0).exp(), x / w);
                        } else if ev.shift_key() {
                            pan_by(ev.delta_y() / w);
                        } else {
                            if ev.delta_x().abs() > 0.0 {
                                pan_by(ev.delta_x() / w);
                            }
                            scroll_top.update(|s| *s = (*s + ev.delta_y()).clamp(0.0, max_scroll()));
                        }
                    }
                    on:mousedown=move |ev: web_sys::MouseEvent| {
                        let (x, y) = local(&ev);
                        if y < AXIS_H {
                            axis_drag.set(Some((x, x)));
                        } else {
                            drag.set_value(Some((x, y, viewport.get_untracked(), scroll_top.get_untracked())));
                        }
                    }
                    on:mousemove=move |ev: web_sys::MouseEvent| {
                        let (x, y) = local(&ev);
                        if let Some((x0, _)) = axis_drag.get_untracked() {
                            axis_drag.set(Some((x0, x)));
                            return;
                        }
                        if let Some((x0, y0, vp0, top0)) = drag.get_value() {
                            let (w, _) = size.get_untracked();
                            let total = timemap.with_untracked(|m| m.total);
                            viewport.set(vp0.pan(-(x - x0) / w * vp0.width(), total));
                            scroll_top.set((top0 - (y - y0)).clamp(0.0, max_scroll()));
                        }
                    }
                    on:mouseup=move |ev: web_sys::MouseEvent| {
                        let (x, y) = local(&ev);
                        if let Some((x0, x1)) = axis_drag.get_untracked() {
                            axis_drag.set(None);
                            let (w, _) = size.get_untracked();
                            if (x1 - x0).abs() > 4.0 {
                                let vp = viewport.get_untracked();
                                let a = vp.start + x0.min(x1) / w * vp.width();
                                let b = vp.start + x0.max(x1) / w * vp.width();
                                viewport.set(Viewport { start: a, end: b.max(a + 1.0) });
                            }
                            return;
                        }
                        let moved = drag.get_value().map(|(x0, y0, _, _)| (x - x0).abs() + (y - y0).abs() > 3.0).unwrap_or(false);
                        drag.set_value(None);
                        if !moved {
                            if let Some(i) = hit(x, y) {
                                view.selected.set(Some(i));
                            }
                        }
                    }
                    on:mouseleave=move |_| {
                        drag.set_value(None);
                        axis_drag.set(None);
                    }
                    on:dblclick=move |ev: web_sys::MouseEvent| {
                        let (x, y) = local(&ev);
                        if let Some(i) = hit(x, y) {
                            fit(i);
                        }
                    }
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        let handled = match ev.key().as_str() {
                            "+" | "=" | "w" | "W" => { zoom_at(0.7, 0.5); true }
                            "-" | "_" | "s" | "S" => { zoom_at(1.0 / 0.7, 0.5); true }
                            "0" => { viewport.set(Viewport { start: 0.0, end: timemap.with_untracked(|m| m.total) }); true }
                            "ArrowLeft" | "a" | "A" => { pan_by(-0.2); true }
                            "ArrowRight" | "d" | "D" => { pan_by(0.2); true }
                            "ArrowDown" | "ArrowUp" => {
                                let list = rows.get_untracked();
                                let pos = view.selected.get_untracked().and_then(|s| list.iter().position(|&x| x == s));
                                let next = match (ev.key().as_str(), pos) {
                                    ("ArrowDown", Some(p)) => (p + 1).min(list.len().saturating_sub(1)),
                                    ("ArrowUp", Some(p)) => p.saturating_sub(1),
                                    _ => 0,
                                };
                                if let Some(&i) = list.get(next) {
                                    view.selected.set(Some(i));
                                }
                                true
                            }
                            _ => false,
                        };
                        if handled {
                            ev.prevent_default();
                        }
                    }
                ></canvas>
                <Show when=move || axis_drag.get().is_some()>
                    <div
                        class="axis-selection"
                        style:left=move || format!("{}px", axis_drag.get().map(|(a, b)| a.min(b)).unwrap_or(0.0))
                        style:width=move || format!("{}px", axis_drag.get().map(|(a, b)| (a - b).abs()).unwrap_or(0.0))
                    ></div>
                </Show>
            </div>
        </section>
    }
}

fn context(c: &web_sys::HtmlCanvasElement, w: f64, h: f64) -> Option<web_sys::CanvasRenderingContext2d> {
    let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
    let (pw, ph) = ((w * dpr) as u32, (h * dpr) as u32);
    if c.width() != pw || c.height() != ph {
        c.set_width(pw);
        c.set_height(ph);
        // through the CSSOM: a `style` attribute written as text is inline style, which the
        // page's Content-Security-Policy refuses; only when the size changes, not every frame
        let style = web_sys::HtmlElement::style(c);
        let _ = style.set_property("width", &format!("{w}px"));
        let _ = style.set_property("height", &format!("{h}px"));
    }
    let ctx = c.get_context("2d").ok()??.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    Some(ctx)
}

fn css(name: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|el| web_sys::window()?.get_computed_style(&el).ok().flatten())
        .and_then(|s| s.get_property_value(name).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.to_string())
}

#[allow(clippy::too_many_arguments)]
fn draw(
    c: &web_sys::HtmlCanvasElement,
    w: f64,
    h: f64,
    vp: Viewport,
    scroll_top: f64,
    rows: &[u32],
    map: &TimeMap,
    critical: &[bool],
    selected: Option<u32>,
    t: &crate::model::Trace,
    scored: &std::collections::HashSet<u32>,
) {
    let Some(ctx) = context(c, w, h) else { return };
    let text = css("--text", "#1d1f23");
    let muted = css("--muted", "#6b7079");
    let border = css("--border", "#dfe1e5");
    ctx.set_fill_style_str(&css("--panel", "#ffffff"));
    ctx.fill_rect(0.0, 0.0, w, h);
    let scale = w / vp.width();
    let x_of = |t_ns: i64| (map.to_display(t_ns) - vp.start) * scale;
    let origin = map.to_time(0.0);

    // idle-gap breaks, shaded across the whole height
    ctx.set_fill_style_str(&border);
    for &(_, _, d) in &map.breaks {
        let x = (d - vp.start) * scale;
        let bw = (map.break_width * scale).max(2.0);
        if x + bw >= 0.0 && x <= w {
            ctx.set_global_alpha(0.5);
            ctx.fill_rect(x, 0.0, bw, h);
            ctx.set_global_alpha(1.0);
        }
    }

    // rows in view only
    let range = visible_window(scroll_top, h - AXIS_H, ROW_H, rows.len());
    ctx.set_font("12px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    for pos in range {
        let i = rows[pos];
        let Some(o) = t.observations.get(i as usize) else { continue };
        let y = AXIS_H + pos as f64 * ROW_H - scroll_top;
        if selected == Some(i) {
            ctx.set_fill_style_str(&css("--selected", "#dbe7fd"));
            ctx.fill_rect(0.0, y, w, ROW_H);
        }
        let end = o.end_ns.unwrap_or_else(|| t.totals.end_ns.unwrap_or(o.start_ns));
        let x0 = x_of(o.start_ns);
        let x1 = x_of(end).max(x0 + 1.0);
        let running = o.end_ns.is_none();
        if x1 >= -2.0 && x0 <= w + 2.0 {
            let bx = x0.max(-2.0);
            let bw = (x1.min(w + 2.0) - bx).max(1.0);
            ctx.set_fill_style_str(kind_color(o.kind));
            ctx.set_global_alpha(if running { 0.45 } else { 0.85 });
            ctx.fill_rect(bx, y + 4.0, bw, ROW_H - 8.0);
            ctx.set_global_alpha(1.0);
            if o.level == Level::Error {
                ctx.set_stroke_style_str("#c62828");
                ctx.set_line_width(2.0);
                ctx.stroke_rect(bx, y + 4.0, bw, ROW_H - 8.0);
            }
            // scored observations get a dot at the bar's start, like the tree's badge
            if scored.contains(&i) {
                ctx.set_fill_style_str("#e67700");
                ctx.begin_path();
                let _ = ctx.arc(bx + 4.0, y + 4.0, 3.0, 0.0, std::f64::consts::TAU);
                ctx.fill();
            }
            if critical.get(i as usize).copied().unwrap_or(false) {
                ctx.set_fill_style_str("#f08c00");
                ctx.fill_rect(bx, y + ROW_H - 5.0, bw, 3.0);
            }
            // time to first token: a white tick inside the generation's bar
            if let Some(cs) = o.completion_start_ns {
                let xt = x_of(cs);
                if xt >= bx && xt <= bx + bw {
                    ctx.set_fill_style_str("#ffffff");
                    ctx.fill_rect(xt - 1.0, y + 3.0, 2.0, ROW_H - 6.0);
                }
            }
            // events: small ticks under the bar
            ctx.set_fill_style_str(&text);
            for e in &o.events {
                let xe = x_of(e.time_ns);
                if xe >= 0.0 && xe <= w {
                    ctx.fill_rect(xe - 0.5, y + ROW_H - 6.0, 1.0, 5.0);
                }
            }
            let label = format!(
                "{}  {}",
                o.name,
                o.end_ns.map(|e| format_duration(e.saturating_sub(o.start_ns))).unwrap_or_else(|| "running".into())
            );
            ctx.set_fill_style_str(&text);
            let lx = if x1 + 4.0 < w - 60.0 { x1 + 4.0 } else { (x0 - 4.0).max(2.0) };
            if lx == x1 + 4.0 {
                ctx.set_text_align("left");
            } else {
                ctx.set_text_align("right");
            }
            let _ = ctx.fill_text(&label, if lx == x1 + 4.0 { lx } else { lx.max(120.0) }, y + ROW_H / 2.0);
        }
    }

    // axis on top, over the rows
    ctx.set_fill_style_str(&css("--panel", "#ffffff"));
    ctx.fill_rect(0.0, 0.0, w, AXIS_H);
    ctx.set_stroke_style_str(&border);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(0.0, AXIS_H - 0.5);
    ctx.line_to(w, AXIS_H - 0.5);
    ctx.stroke();
    let step = tick_step(vp.width(), w, 90.0) as f64;
    let mut d = (vp.start / step).ceil() * step;
    ctx.set_fill_style_str(&muted);
    ctx.set_text_align("left");
    let mut guard = 0;
    while d <= vp.end && guard < 200 {
        let x = (d - vp.start) * scale;
        ctx.fill_rect(x, AXIS_H - 6.0, 1.0, 6.0);
        let _ = ctx.fill_text(&format_duration(map.to_time(d) - origin), x + 3.0, AXIS_H / 2.0);
        d += step;
        guard += 1;
    }
}

fn draw_overview(c: &web_sys::HtmlCanvasElement, w: f64, rows: &[u32], map: &TimeMap, t: &crate::model::Trace) {
    let h = 28.0;
    let Some(ctx) = context(c, w, h) else { return };
    ctx.set_fill_style_str(&css("--bg", "#f7f7f5"));
    ctx.fill_rect(0.0, 0.0, w, h);
    let scale = w / map.total.max(1e-9);
    let n = rows.len().max(1) as f64;
    // one pixel row per band of observations: O(rows), done once per trace, not per frame
    for (pos, &i) in rows.iter().enumerate() {
        let Some(o) = t.observations.get(i as usize) else { continue };
        let end = o.end_ns.unwrap_or_else(|| t.totals.end_ns.unwrap_or(o.start_ns));
        let x = map.to_display(o.start_ns) * scale;
        let x2 = (map.to_display(end) * scale).max(x + 1.0);
        let y = (pos as f64 / n * (h - 2.0)).floor() + 1.0;
        ctx.set_fill_style_str(kind_color(o.kind));
        ctx.fill_rect(x, y, x2 - x, 1.0);
    }
}

/// Frame draw times, kept in the page (`window.__canopyFrames`) for `make bench`; never sent anywhere.
fn record_frame(ms: f64) {
    let Some(w) = web_sys::window() else { return };
    let key = wasm_bindgen::JsValue::from_str("__canopyFrames");
    let arr = match js_sys::Reflect::get(&w, &key) {
        Ok(v) if v.is_instance_of::<js_sys::Array>() => v.unchecked_into::<js_sys::Array>(),
        _ => {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&w, &key, &a);
            a
        }
    };
    if arr.length() < 100_000 {
        arr.push(&wasm_bindgen::JsValue::from_f64(ms));
    }
}
