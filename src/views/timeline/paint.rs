//! Drawing the timeline on its canvases: `Frame` says what one frame of the rows shows, and a
//! `Painter` (a canvas's 2D context at the device's pixel ratio) draws it, or the overview strip.
//! Where each thing goes is `model::timeline`'s; this only draws.

use crate::model::timeline::{
    bar_end_ns, kind_color, offset_label, place_label, row_top, rows_in_view, ticks, Bar, Lanes, Overview, Scale,
    TimeMap, Viewport, AXIS_H, ROW_H, TICK_MIN_PX,
};
use crate::model::{Kind, Level, Trace};
use std::collections::HashSet;
use wasm_bindgen::JsCast;

/// The outline of a step that failed.
const ERROR: &str = "#c62828";
/// The stripe under a step on the critical path.
const CRITICAL: &str = "#f08c00";
/// The tick at a generation's first token.
const FIRST_TOKEN: &str = "#ffffff";

/// What one frame of the rows canvas shows.
pub struct Frame<'a> {
    pub viewport: Viewport,
    pub scroll_top: f64,
    /// The rows (observations) in display order.
    pub rows: &'a [u32],
    /// The lanes, when the rows are laid out by agent (then `rows` are not drawn).
    pub lanes: Option<&'a Lanes>,
    pub map: &'a TimeMap,
    pub trace: &'a Trace,
    /// A flag per observation: on the critical path.
    pub critical: &'a [bool],
    /// The observations that carry scores.
    pub scored: &'a HashSet<u32>,
    pub selected: Option<u32>,
}

/// The value of CSS custom property `name` on the page (the theme's), or `fallback`.
pub(crate) fn css(name: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|el| web_sys::window()?.get_computed_style(&el).ok().flatten())
        .and_then(|s| s.get_property_value(name).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.to_string())
}

/// A canvas's 2D context, the canvas sized to `width` × `height` CSS pixels at the device's ratio.
pub struct Painter {
    ctx: web_sys::CanvasRenderingContext2d,
    width: f64,
    height: f64,
}

impl Painter {
    pub fn on(c: &web_sys::HtmlCanvasElement, width: f64, height: f64) -> Option<Painter> {
        let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
        let (pw, ph) = ((width * dpr) as u32, (height * dpr) as u32);
        if c.width() != pw || c.height() != ph {
            c.set_width(pw);
            c.set_height(ph);
            // through the CSSOM: a `style` attribute written as text is inline style, which the
            // page's Content-Security-Policy refuses; only when the size changes, not every frame
            let style = web_sys::HtmlElement::style(c);
            let _ = style.set_property("width", &format!("{width}px"));
            let _ = style.set_property("height", &format!("{height}px"));
        }
        let ctx = c.get_context("2d").ok()??.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        Some(Painter { ctx, width, height })
    }

    /// The context, for a view that draws its own picture (the flame graph).
    pub(crate) fn ctx(&self) -> &web_sys::CanvasRenderingContext2d {
        &self.ctx
    }

    /// Draws frame `f`: idle-gap breaks, the rows in view, then the axis over them.
    pub fn frame(&self, f: &Frame) {
        let (ctx, w, h) = (&self.ctx, self.width, self.height);
        let text = css("--text", "#1d1f23");
        let border = css("--border", "#dfe1e5");
        let panel = css("--panel", "#ffffff");
        ctx.set_fill_style_str(&panel);
        ctx.fill_rect(0.0, 0.0, w, h);
        let scale = Scale { map: f.map, viewport: f.viewport, width: w };

        // idle-gap breaks, shaded across the whole height
        ctx.set_fill_style_str(&border);
        for (x, bw) in scale.breaks() {
            ctx.set_global_alpha(0.5);
            ctx.fill_rect(x, 0.0, bw, h);
            ctx.set_global_alpha(1.0);
        }

        ctx.set_font("12px system-ui, sans-serif");
        ctx.set_text_baseline("middle");
        if let Some(lanes) = f.lanes {
            self.lanes(f, lanes, &scale, &text);
            self.axis(f, &border, &panel);
            return;
        }
        for pos in rows_in_view(f.scroll_top, h, f.rows.len()) {
            let Some(&i) = f.rows.get(pos) else { continue };
            let Some(o) = f.trace.observations.get(i as usize) else { continue };
            if f.selected == Some(i) {
                ctx.set_fill_style_str(&css("--selected", "#dbe7fd"));
                ctx.fill_rect(0.0, row_top(pos, f.scroll_top), w, ROW_H);
            }
            if let Some(bar) = Bar::of(o, f.trace.totals.end_ns, pos, f.scroll_top, &scale) {
                let marks = Marks {
                    kind: o.kind,
                    running: o.end_ns.is_none(),
                    error: o.level == Level::Error,
                    scored: f.scored.contains(&i),
                    critical: f.critical.get(i as usize).copied().unwrap_or(false),
                };
                self.bar(&bar, &marks, &text);
            }
        }
        self.axis(f, &border, &panel);
    }

    /// The rows as lanes: a header per lane (its agent's spans faint behind its name and
    /// totals), its steps on the sub-rows below with their names inside when they fit, the
    /// selected bar outlined, and a line for each handoff.
    fn lanes(&self, f: &Frame, lanes: &Lanes, scale: &Scale, text: &str) {
        let (ctx, w, h) = (&self.ctx, self.width, self.height);
        let end = f.trace.totals.end_ns;
        let band = css("--bg", "#f7f7f5");
        let mut selected_bar = None;
        for pos in rows_in_view(f.scroll_top, h, lanes.rows.len()) {
            let Some(row) = lanes.rows.get(pos) else { continue };
            let y = row_top(pos, f.scroll_top);
            let header = row.sub.is_none();
            if header {
                ctx.set_fill_style_str(&band);
                ctx.fill_rect(0.0, y, w, ROW_H);
            }
            for &i in lanes.items(pos) {
                let Some(o) = f.trace.observations.get(i as usize) else { continue };
                // items are in start order: the rest start past the right edge
                if scale.x(o.start_ns) > w + 2.0 {
                    break;
                }
                let Some(bar) = Bar::of(o, end, pos, f.scroll_top, scale) else { continue };
                if f.selected == Some(i) {
                    selected_bar = Some((bar.left, bar.y, bar.width));
                }
                if header {
                    ctx.set_fill_style_str(kind_color(o.kind));
                    ctx.set_global_alpha(0.25);
                    ctx.fill_rect(bar.left, y + 3.0, bar.width, ROW_H - 6.0);
                    ctx.set_global_alpha(1.0);
                    continue;
                }
                let marks = Marks {
                    kind: o.kind,
                    running: o.end_ns.is_none(),
                    error: o.level == Level::Error,
                    scored: f.scored.contains(&i),
                    critical: f.critical.get(i as usize).copied().unwrap_or(false),
                };
                self.bar_body(&bar, &marks, text);
                // the name inside the bar when it fits whole (bars side by side: never beside it)
                if let Some(at) = place_label(bar.left, bar.left + bar.width, o.name.chars().count(), w, false) {
                    ctx.set_fill_style_str(text);
                    ctx.set_text_align("left");
                    let _ = ctx.fill_text(&o.name, at.x, y + ROW_H / 2.0);
                }
            }
            if let (true, Some(lane)) = (header, lanes.lanes.get(row.lane as usize)) {
                ctx.set_fill_style_str(text);
                ctx.set_text_align("left");
                ctx.set_font("600 12px system-ui, sans-serif");
                let _ = ctx.fill_text(&lane.name, 6.0, y + ROW_H / 2.0);
                // about 7.5 px a bold character (no text metrics: one web-sys feature less)
                let name_w = lane.name.chars().count() as f64 * 7.5;
                ctx.set_font("12px system-ui, sans-serif");
                ctx.set_fill_style_str(&css("--muted", "#6b7079"));
                let _ = ctx.fill_text(&lane.summary(), 14.0 + name_w, y + ROW_H / 2.0);
            }
        }
        if let Some((x, y, bw)) = selected_bar {
            ctx.set_stroke_style_str(&css("--accent", "#2f6fde"));
            ctx.set_line_width(2.0);
            ctx.stroke_rect(x - 1.0, y + 3.0, bw + 2.0, ROW_H - 6.0);
        }
        // handoffs: from the handing bar's end (or the receiver's start, if sooner) to the
        // receiving bar's start, a dot where it lands
        ctx.set_stroke_style_str(text);
        ctx.set_fill_style_str(text);
        ctx.set_line_width(1.25);
        for hand in &lanes.handoffs {
            let (Some(a), Some(b)) =
                (f.trace.observations.get(hand.from as usize), f.trace.observations.get(hand.to as usize))
            else {
                continue;
            };
            let (Some(ra), Some(rb)) = (lanes.row_of(hand.from), lanes.row_of(hand.to)) else { continue };
            let xb = scale.x(b.start_ns);
            let xa = scale.x(bar_end_ns(a, end)).min(xb);
            let (ya, yb) = (row_top(ra, f.scroll_top) + ROW_H / 2.0, row_top(rb, f.scroll_top) + ROW_H / 2.0);
            if (xa < 0.0 && xb < 0.0) || (xa > w && xb > w) || (ya.max(yb) < AXIS_H) || ya.min(yb) > h {
                continue;
            }
            ctx.begin_path();
            ctx.move_to(xa, ya);
            ctx.line_to(xb, yb);
            ctx.stroke();
            ctx.begin_path();
            let _ = ctx.arc(xb, yb, 2.5, 0.0, std::f64::consts::TAU);
            ctx.fill();
        }
    }

    fn bar(&self, bar: &Bar, m: &Marks, text: &str) {
        self.bar_body(bar, m, text);
        let Some(at) = bar.label_at else { return };
        let ctx = &self.ctx;
        ctx.set_fill_style_str(text);
        ctx.set_text_align(if at.left_aligned { "left" } else { "right" });
        let _ = ctx.fill_text(&bar.label, at.x, bar.y + ROW_H / 2.0);
    }

    /// A bar and its marks, without its label.
    fn bar_body(&self, bar: &Bar, m: &Marks, text: &str) {
        let ctx = &self.ctx;
        let (x, y, w) = (bar.left, bar.y, bar.width);
        ctx.set_fill_style_str(kind_color(m.kind));
        ctx.set_global_alpha(if m.running { 0.45 } else { 0.85 });
        ctx.fill_rect(x, y + 4.0, w, ROW_H - 8.0);
        ctx.set_global_alpha(1.0);
        if m.error {
            ctx.set_stroke_style_str(ERROR);
            ctx.set_line_width(2.0);
            ctx.stroke_rect(x, y + 4.0, w, ROW_H - 8.0);
        }
        // scored observations get a dot at the bar's start, in the colour of the tree's badge
        if m.scored {
            ctx.set_fill_style_str(kind_color(Kind::Evaluator));
            ctx.begin_path();
            let _ = ctx.arc(x + 4.0, y + 4.0, 3.0, 0.0, std::f64::consts::TAU);
            ctx.fill();
        }
        if m.critical {
            ctx.set_fill_style_str(CRITICAL);
            ctx.fill_rect(x, y + ROW_H - 5.0, w, 3.0);
        }
        // time to first token: a white tick inside the generation's bar
        if let Some(xt) = bar.first_token {
            ctx.set_fill_style_str(FIRST_TOKEN);
            ctx.fill_rect(xt - 1.0, y + 3.0, 2.0, ROW_H - 6.0);
        }
        // events: small ticks under the bar
        ctx.set_fill_style_str(text);
        for &xe in &bar.events {
            ctx.fill_rect(xe - 0.5, y + ROW_H - 6.0, 1.0, 5.0);
        }
    }

    /// The axis on top, over the rows: a line and a labelled tick every so often.
    fn axis(&self, f: &Frame, border: &str, panel: &str) {
        let (ctx, w) = (&self.ctx, self.width);
        ctx.set_fill_style_str(panel);
        ctx.fill_rect(0.0, 0.0, w, AXIS_H);
        ctx.set_stroke_style_str(border);
        ctx.set_line_width(1.0);
        ctx.begin_path();
        ctx.move_to(0.0, AXIS_H - 0.5);
        ctx.line_to(w, AXIS_H - 0.5);
        ctx.stroke();
        ctx.set_fill_style_str(&css("--muted", "#6b7079"));
        ctx.set_text_align("left");
        for d in ticks(&f.viewport, w, TICK_MIN_PX) {
            let x = f.viewport.to_px(d, w);
            ctx.fill_rect(x, AXIS_H - 6.0, 1.0, 6.0);
            let _ = ctx.fill_text(&offset_label(f.map, d), x + 3.0, AXIS_H / 2.0);
        }
    }

    /// Draws the overview strip: a pixel line per band of `rows` of trace `t`.
    pub fn overview(&self, ov: &Overview, rows: &[u32], t: &Trace) {
        let ctx = &self.ctx;
        ctx.set_fill_style_str(&css("--bg", "#f7f7f5"));
        ctx.fill_rect(0.0, 0.0, self.width, self.height);
        // O(rows), done once per trace, not per frame
        for (pos, &i) in rows.iter().enumerate() {
            let Some(o) = t.observations.get(i as usize) else { continue };
            let (x, w, y) = ov.line(o, t.totals.end_ns, pos);
            ctx.set_fill_style_str(kind_color(o.kind));
            ctx.fill_rect(x, y, w, 1.0);
        }
    }
}

/// What a bar is marked with besides its place.
struct Marks {
    kind: Kind,
    running: bool,
    error: bool,
    scored: bool,
    critical: bool,
}

/// Frame draw times, kept in the page (`window.__canopyFrames`) for `make bench`; never sent anywhere.
pub fn record_frame(ms: f64) {
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
