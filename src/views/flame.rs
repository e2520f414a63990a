//! The flame graph of one trace on a canvas: time order (each observation at its true offset,
//! rows by depth), left-heavy (identical name paths merged, heaviest first) or sandwich (one
//! name's callers above, its callees below), weighed by duration, self time, tokens or cost.
//! Hover tells a box's figures, a click selects its observation, a double-click or Enter zooms
//! into it; Ctrl+wheel or a pinch zooms, a drag pans, arrows move the selection. The mode and
//! weight are `mode=` in the link; the layout is `model::flame`'s, this only draws.

use crate::model::flame::{layout, names, Flame, Mode, Settings, Weight};
use crate::model::known::{Figure, Known};
use crate::model::time::format_duration;
use crate::model::timeline::{
    key_action, kind_color, wheel_action, Drag, KeyAction, Pinch, Viewport, WheelAction, CHAR_W,
};
use crate::model::units::{format_cost, format_tokens};
use crate::model::{Level, Trace};
use crate::state::{Data, ViewState};
use crate::views::show::Show;
use crate::views::timeline::local;
use crate::views::timeline::paint::{css, Painter};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A row's height in CSS pixels.
const ROW: f64 = 20.0;
/// The window is kept in these units (the whole width), whatever the weight's own: the
/// viewport's zoom stops at one unit.
const SPAN: f64 = 1e9;

/// The box's name cut to fit `px` pixels (`None`: too narrow for any of it).
fn fit(name: &str, px: f64) -> Option<String> {
    let room = ((px - 6.0) / CHAR_W).floor() as usize;
    if room < 3 {
        return None;
    }
    if name.chars().count() <= room {
        return Some(name.to_string());
    }
    Some(name.chars().take(room - 1).collect::<String>() + "…")
}

/// What one frame shows.
struct Frame<'a> {
    flame: &'a Flame,
    trace: &'a Trace,
    vp: Viewport,
    top: f64,
    selected: Option<u32>,
    size: (f64, f64),
}

/// Draws a frame: only boxes at least half a pixel wide; narrower ones leave one faint pixel
/// per row and column, so 100,000 boxes cost a pass over them and a few thousand fills.
fn paint(c: &web_sys::HtmlCanvasElement, f: &Frame) {
    let (w, h) = f.size;
    // the timeline's canvas set-up: sized at the device's pixel ratio through the CSSOM
    let Some(painter) = Painter::on(c, w, h) else { return };
    let ctx = painter.ctx();
    let (panel, text, muted) = (css("--panel", "#ffffff"), css("--text", "#1d1f23"), css("--muted", "#6b7079"));
    let (accent, error) = (css("--accent", "#2f6fdf"), css("--error", "#c62828"));
    ctx.set_fill_style_str(&panel);
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.set_font("12px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    ctx.set_text_align("left");
    let fl = f.flame;
    let k = SPAN / fl.extent.max(f64::MIN_POSITIVE);
    // the rightmost pixel column already marked for narrow boxes, per row
    let mut marked = vec![f64::NEG_INFINITY; fl.rows()];
    // where the last label drawn in each row ends: siblings that ran in parallel overlap in time
    // order, and a label over another's would read as neither
    let mut label_end = vec![f64::NEG_INFINITY; fl.rows()];
    let mut outline = None;
    for b in &fl.boxes {
        let row = (b.depth - fl.min_depth) as usize;
        let y = row as f64 * ROW - f.top;
        if y + ROW < 0.0 || y > h {
            continue;
        }
        let (x0, x1) = (f.vp.to_px(b.x0 * k, w), f.vp.to_px(b.x1 * k, w));
        if x1 < 0.0 || x0 > w {
            continue;
        }
        let Some(o) = f.trace.observations.get(b.obs as usize) else { continue };
        if x1 - x0 < 0.5 {
            let col = x0.floor();
            if marked[row] < col && x1 > x0 {
                marked[row] = col;
                ctx.set_fill_style_str(&muted);
                ctx.set_global_alpha(0.4);
                ctx.fill_rect(col, y + 1.0, 1.0, ROW - 2.0);
            }
            continue;
        }
        let (l, r) = (x0.max(-2.0), x1.min(w + 2.0));
        ctx.set_fill_style_str(kind_color(o.kind));
        let picked = f.selected == Some(b.obs);
        ctx.set_global_alpha(if picked { 0.75 } else { 0.4 });
        // a pixel between neighbours once they are wide enough to tell apart
        let gap = if r - l > 3.0 { 1.0 } else { 0.0 };
        ctx.fill_rect(l, y + 1.0, r - l - gap, ROW - 2.0);
        ctx.set_global_alpha(1.0);
        if b.error {
            ctx.set_stroke_style_str(&error);
            ctx.set_line_width(1.5);
            ctx.stroke_rect(l + 0.75, y + 1.75, (r - l - gap - 1.5).max(0.5), ROW - 3.5);
        }
        if picked {
            outline = Some((l, y, r - l - gap));
        }
        // the name from the visible left edge, when some of it fits
        let lx = l.max(0.0);
        if let Some(label) = fit(&o.name, r.min(w) - lx).filter(|_| lx >= label_end[row]) {
            ctx.set_fill_style_str(&text);
            let _ = ctx.fill_text(&label, lx + 3.0, y + ROW / 2.0);
            label_end[row] = lx + 6.0 + label.chars().count() as f64 * CHAR_W;
        }
    }
    ctx.set_global_alpha(1.0);
    if let Some((x, y, bw)) = outline {
        ctx.set_stroke_style_str(&accent);
        ctx.set_line_width(2.0);
        ctx.stroke_rect(x, y + 1.0, bw, ROW - 2.0);
    }
}

/// A box's hover text: its name, kind, figures, and how many observations it merges.
fn tip_text(t: &Trace, f: &Flame, i: usize, weight: Option<Weight>) -> Option<String> {
    let b = f.boxes.get(i)?;
    let o = t.observations.get(b.obs as usize)?;
    let (tk, ck): (Known, Known) = (t.totals.tokens_known, t.totals.cost_known);
    let mut s = o.name.clone() + "\n" + o.kind.label() + " · " + &format_duration(b.duration_ns);
    s += &(" · ".to_string() + &tk.show(format_tokens(b.tokens)) + " tokens · " + &ck.show(format_cost(b.cost)));
    if b.count > 1 {
        s += &format!("\n{} observations merged", b.count);
    }
    if let Some(w) = weight.filter(|_| f.extent > 0.0) {
        s += &format!("\n{:.1}% of the {}", 100.0 * b.width() / f.extent, weight_label(w).to_lowercase());
    }
    if o.level == Level::Error {
        s += "\nfailed";
    }
    Some(s)
}

fn mode_label(m: Mode) -> &'static str {
    match m {
        Mode::Time => "Time order",
        Mode::LeftHeavy => "Left-heavy",
        Mode::Sandwich => "Sandwich",
    }
}

fn weight_label(w: Weight) -> &'static str {
    match w {
        Weight::Duration => "Duration",
        Weight::SelfTime => "Self time",
        Weight::Tokens => "Tokens",
        Weight::Cost => "Cost",
    }
}

#[component]
pub fn FlameView(data: Data, view: ViewState) -> impl IntoView {
    // parsed where read: cheaper than a memo of its own (bundle size)
    let settings = move || view.mode.with(|m| Settings::parse(m));
    let settings_untracked = move || untrack(settings);
    let change = move |f: &dyn Fn(&mut Settings)| {
        let mut s = settings_untracked();
        f(&mut s);
        view.mode.set(s.encode());
    };
    let with_trace = move |f: &mut dyn FnMut(&Trace)| {
        if let Some(r) = view.current.get() {
            data.with_trace(r, |t| f(t));
        }
    };
    // the sandwich's name: the one in the link, else the selected step's, else the most common
    let focus = move || {
        let s = settings();
        if s.mode != Mode::Sandwich || !s.focus.is_empty() {
            return s.focus;
        }
        let mut out = String::new();
        with_trace(&mut |t| {
            let sel = untrack(|| view.selected.get()).and_then(|i| t.observations.get(i as usize));
            out = sel.map(|o| o.name.clone()).or_else(|| names(t).into_iter().next().map(|n| n.0)).unwrap_or_default();
        });
        out
    };
    // a new layout counts as a change: comparing two would cost as much as making one
    let flame = Memo::new_with_compare(
        move |_| {
            let s = Settings { focus: focus(), ..settings() };
            let mut out = Flame::default();
            with_trace(&mut |t| out = layout(t, &s));
            out
        },
        |_, _| true,
    );
    // tokens and cost no observation carries are unknown, not zero: said, and nothing drawn
    let note = move || {
        let s = settings();
        let figure = match s.weight {
            Weight::Tokens => Figure::Tokens,
            Weight::Cost => Figure::Cost,
            _ => return String::new(),
        };
        let mut out = String::new();
        if s.mode != Mode::Time {
            with_trace(&mut |t| {
                let known = if figure == Figure::Tokens { t.totals.tokens_known } else { t.totals.cost_known };
                let why = known.note(figure);
                out = why
                    .map(|n| if known.is_unknown() { n + ": nothing to weigh" } else { "≥ ".to_string() + &n })
                    .unwrap_or_default();
            });
        }
        out
    };
    let choices = move || {
        let mut out = Vec::new();
        with_trace(&mut |t| out = names(t).into_iter().take(300).map(|n| n.0).collect());
        out
    };

    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let wrap = NodeRef::<leptos::html::Div>::new();
    let tip = NodeRef::<leptos::html::Div>::new();
    let size = RwSignal::new((800.0f64, 400.0f64));
    let vp = RwSignal::new(Viewport::all(SPAN));
    let top = RwSignal::new(0.0f64);
    // where a press started (x, y, window, scroll), the pointers down, a two-finger pinch
    let press = StoredValue::new(None::<Drag>);
    let pointers = StoredValue::new(Vec::<(i32, f64)>::new());
    let pinch = StoredValue::new(None::<Pinch>);
    let reset = move || {
        vp.set(Viewport::all(SPAN));
        top.set(0.0);
    };
    Effect::new(move |_| {
        flame.track();
        reset();
    });

    // the canvas fills its box: measured on every resize of it
    let measure = move || {
        if let Some(el) = wrap.get_untracked() {
            let h = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|v| v.as_f64()).unwrap_or(900.0);
            size.set((f64::from(el.client_width()).max(100.0), f64::from(el.client_height()).clamp(60.0, h)));
        }
    };

    Effect::new(move |_| {
        let (size, vp, top, selected) = (size.get(), vp.get(), top.get(), view.selected.get());
        view.theme.track();
        let Some(c) = canvas.get() else { return };
        flame.with(|flame| {
            with_trace(&mut |trace| paint(&c, &Frame { flame, trace, vp, top, selected, size }));
            // what tests read: the layout's size, its first row's widths, the mode and selection
            let row0: Vec<String> =
                flame.boxes.iter().filter(|b| b.depth == 0).map(|b| b.width().to_string()).collect();
            for (k, v) in [
                ("data-mode", settings_untracked().encode()),
                ("data-count", flame.boxes.len().to_string()),
                ("data-extent", flame.extent.to_string()),
                ("data-row0", row0.join(" ")),
                ("data-selected", selected.map(|i| i.to_string()).unwrap_or_default()),
            ] {
                let _ = c.set_attribute(k, &v);
            }
        });
    });

    let max_top = move || (flame.with_untracked(Flame::rows) as f64 * ROW - size.get_untracked().1 + ROW).max(0.0);
    // the box under (x, y), by index
    let hit = move |x: f64, y: f64| {
        let (v, w) = (vp.get_untracked(), size.get_untracked().0);
        flame.with_untracked(|f| {
            let depth = f.min_depth + ((y + top.get_untracked()) / ROW).floor() as i32;
            f.hit(depth, (v.start + x / w * v.width()) / SPAN * f.extent)
        })
    };
    let zoom_into = move |i: usize| {
        let span = flame.with_untracked(|f| f.boxes.get(i).map(|b| (b.x0 * SPAN / f.extent, b.x1 * SPAN / f.extent)));
        if let Some((a, b)) = span.filter(|s| s.1 > s.0) {
            vp.set(Viewport::around(a, b, SPAN));
        }
    };
    let selected_box = move || {
        view.selected.get_untracked().and_then(|s| flame.with_untracked(|f| f.boxes.iter().position(|b| b.obs == s)))
    };
    let select = move |i: usize| {
        if let Some(o) = flame.with_untracked(|f| f.boxes.get(i).map(|b| b.obs)) {
            view.selected.set(Some(o));
        }
    };
    // the hover tip: its text (never HTML) at (x, y), or hidden
    let show_tip = move |at: Option<(f64, f64, String)>| {
        let Some(el) = tip.get_untracked() else { return };
        el.set_hidden(at.is_none());
        if let Some((x, y, text)) = at {
            el.set_text_content(Some(&text));
            let style = web_sys::HtmlElement::style(&el);
            let _ = style.set_property("left", &format!("{}px", x.min(size.get_untracked().0 - 240.0).max(0.0)));
            let _ = style.set_property("top", &format!("{}px", y + 16.0));
        }
    };
    let wheel = move |ev: &web_sys::WheelEvent| {
        ev.prevent_default();
        let (x, _) = local(ev);
        let w = size.get_untracked().0;
        match wheel_action(ev.delta_x(), ev.delta_y(), ev.ctrl_key() || ev.meta_key(), ev.shift_key(), x, w) {
            WheelAction::Zoom { factor, anchor } => vp.update(|v| *v = v.zoom(factor, anchor, SPAN)),
            WheelAction::Pan(f) => vp.update(|v| *v = v.pan(v.width() * f, SPAN)),
            WheelAction::Scroll { pan, by } => {
                if let Some(f) = pan {
                    vp.update(|v| *v = v.pan(v.width() * f, SPAN));
                }
                top.update(|t| *t = (*t + by).clamp(0.0, max_top()));
            }
        }
    };
    let key = move |ev: &web_sys::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" => {
                let next = match selected_box() {
                    Some(i) => flame.with_untracked(|f| f.step(i, &key)),
                    None => flame.with_untracked(|f| (!f.boxes.is_empty()).then_some(0)),
                };
                if let Some(i) = next {
                    select(i);
                }
            }
            "Enter" => {
                if let Some(i) = selected_box() {
                    zoom_into(i);
                }
            }
            "Escape" => reset(),
            _ => match key_action(&key) {
                Some(KeyAction::Zoom(f)) => vp.update(|v| *v = v.zoom(f, 0.5, SPAN)),
                Some(KeyAction::ShowAll) => reset(),
                Some(KeyAction::Pan(f)) => vp.update(|v| *v = v.pan(v.width() * f, SPAN)),
                _ => return,
            },
        }
        ev.prevent_default();
    };
    // presses, drags, pinches, hover, clicks and double-clicks
    let pointer = move |kind: &str, ev: &web_sys::MouseEvent| {
        let (x, y) = local(ev);
        let id = ev.dyn_ref::<web_sys::PointerEvent>().map_or(1, web_sys::PointerEvent::pointer_id);
        let w = size.get_untracked().0;
        match kind {
            "pointerdown" => {
                let n = pointers.try_update_value(|p| {
                    p.retain(|q| q.0 != id);
                    p.push((id, x));
                    p.len()
                });
                if n == Some(2) {
                    let (a, b) = pointers.with_value(|p| (p[0].1, p[1].1));
                    pinch.set_value(Some(Pinch { a, b, viewport: vp.get_untracked() }));
                    press.set_value(None);
                } else {
                    press.set_value(Some(Drag { x, y, viewport: vp.get_untracked(), scroll_top: top.get_untracked() }));
                }
            }
            "pointermove" => {
                pointers.update_value(|p| p.iter_mut().filter(|q| q.0 == id).for_each(|q| q.1 = x));
                if let Some(pn) = pinch.get_value() {
                    if let Some((a, b)) = pointers.with_value(|p| Some((p.first()?.1, p.get(1)?.1))) {
                        vp.set(pn.to(a, b, w, SPAN));
                    }
                    return;
                }
                if let Some(d) = press.get_value().filter(|d| d.moved(x, y)) {
                    vp.set(d.viewport.pan(-(x - d.x) / w * d.viewport.width(), SPAN));
                    top.set((d.scroll_top - (y - d.y)).clamp(0.0, max_top()));
                    show_tip(None);
                    return;
                }
                let weight = {
                    let s = settings_untracked();
                    (s.mode != Mode::Time).then_some(s.weight)
                };
                let mut text = None;
                if let Some(i) = hit(x, y) {
                    with_trace(&mut |t| text = flame.with_untracked(|f| tip_text(t, f, i, weight)));
                }
                show_tip(text.map(|s| (x, y, s)));
            }
            "pointerup" => {
                pointers.update_value(|p| p.retain(|q| q.0 != id));
                if pinch.get_value().is_some() {
                    pinch.set_value(None);
                    return;
                }
                let clicked = press.get_value().is_some_and(|d| !d.moved(x, y));
                press.set_value(None);
                if let Some(i) = hit(x, y).filter(|_| clicked) {
                    select(i);
                }
            }
            "dblclick" => {
                if let Some(i) = hit(x, y) {
                    zoom_into(i);
                }
            }
            // the pointer left or was taken by the browser: what it was doing stops
            _ => {
                pointers.update_value(|p| p.retain(|q| q.0 != id));
                pinch.set_value(None);
                press.set_value(None);
                show_tip(None);
            }
        }
    };

    // One listener for every event on the canvas and one ResizeObserver, attached by hand: eight
    // typed `on:` handlers cost more bundle than this dispatch.
    type Listener = Closure<dyn FnMut(wasm_bindgen::JsValue)>;
    let kept = StoredValue::new_local(None::<(web_sys::ResizeObserver, Listener, Listener)>);
    Effect::new(move |_| {
        let (Some(c), Some(el)) = (canvas.get(), wrap.get()) else { return };
        let on_event = Listener::new(move |v: wasm_bindgen::JsValue| {
            let Ok(ev) = v.dyn_into::<web_sys::Event>() else { return };
            let kind = ev.type_();
            if let Some(ev) = ev.dyn_ref::<web_sys::WheelEvent>() {
                wheel(ev);
            } else if let Some(ev) = ev.dyn_ref::<web_sys::KeyboardEvent>() {
                key(ev);
            } else if let Some(ev) = ev.dyn_ref::<web_sys::MouseEvent>() {
                pointer(&kind, ev);
            }
        });
        for name in
            ["wheel", "pointerdown", "pointermove", "pointerup", "pointercancel", "pointerleave", "dblclick", "keydown"]
        {
            let _ = c.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
        }
        let on_resize = Listener::new(move |_| measure());
        if let Ok(ro) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            ro.observe(&el);
            kept.set_value(Some((ro, on_event, on_resize)));
        }
        measure();
    });
    on_cleanup(move || {
        kept.with_value(|k| k.as_ref().map(|(ro, ..)| ro.disconnect()));
    });

    view! {
        <section class="flame-pane">
            <div class="flame-tools" role="toolbar" aria-label="Flame graph">
                {Mode::ALL
                    .into_iter()
                    .map(|m| view! {
                        <button class="btn flame-mode" aria-pressed=move || (settings().mode == m).to_string() on:click=move |_| change(&|s| s.mode = m)>
                            {mode_label(m)}
                        </button>
                    })
                    .collect_view()}
                <label class="toggle-label" title="What a merged box's width measures (time order is always duration)">
                    "Weight"
                    <select
                        class="flame-weight"
                        prop:disabled=move || settings().mode == Mode::Time
                        prop:value=move || settings().weight.word()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(w) = Weight::ALL.into_iter().find(|w| w.word() == v) {
                                change(&|s| s.weight = w);
                            }
                        }
                    >
                        {Weight::ALL.into_iter().map(|w| view! { <option value=w.word()>{weight_label(w)}</option> }).collect_view()}
                    </select>
                </label>
                <Show when=move || settings().mode == Mode::Sandwich>
                    <label class="toggle-label">
                        "Name"
                        <select
                            class="flame-focus"
                            prop:value=focus
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                change(&|s| s.focus = v.clone());
                            }
                        >
                            {move || choices().into_iter().map(|n| { let label = n.clone(); view! { <option value=n>{label}</option> } }).collect_view()}
                        </select>
                    </label>
                </Show>
                <button class="btn flame-reset" title="Show all (0 or Escape)" on:click=move |_| reset()>"Reset zoom"</button>
                <span class="flame-note hint" role="status">{note}</span>
            </div>
            <div class="flame-wrap" node_ref=wrap>
                <canvas
                    node_ref=canvas
                    class="flame-canvas"
                    tabindex="0"
                    aria-label="Flame graph: arrows move the selection, Enter zooms in, 0 shows all"
                ></canvas>
                <div class="flame-tip" role="tooltip" hidden node_ref=tip></div>
            </div>
        </section>
    }
}
