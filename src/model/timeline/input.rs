//! What the timeline's keys, wheel and drags do, as values the view applies: kept apart from the
//! DOM events so that each gesture's arithmetic is tested on the host.

use super::geometry::max_scroll;
use super::Viewport;

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyAction {
    /// Zoom by this factor (< 1 zooms in) around the middle.
    Zoom(f64),
    /// Show everything.
    ShowAll,
    /// Pan by this fraction of the window (negative: back in time).
    Pan(f64),
    /// Select the next row down, or up.
    Step { down: bool },
}

/// The action of key `key` (a `KeyboardEvent.key`), if it has one: +/- or W/S zoom, 0 shows all,
/// arrows or A/D pan, up and down move the selection.
pub fn key_action(key: &str) -> Option<KeyAction> {
    Some(match key {
        "+" | "=" | "w" | "W" => KeyAction::Zoom(0.7),
        "-" | "_" | "s" | "S" => KeyAction::Zoom(1.0 / 0.7),
        "0" => KeyAction::ShowAll,
        "ArrowLeft" | "a" | "A" => KeyAction::Pan(-0.2),
        "ArrowRight" | "d" | "D" => KeyAction::Pan(0.2),
        "ArrowDown" => KeyAction::Step { down: true },
        "ArrowUp" => KeyAction::Step { down: false },
        _ => return None,
    })
}

/// The row after (or before) the selected one in `rows`; the first row when none of them is
/// selected; `None` when there are no rows.
pub fn step_selection(rows: &[u32], selected: Option<u32>, down: bool) -> Option<u32> {
    let pos = selected.and_then(|s| rows.iter().position(|&x| x == s));
    let next = match (down, pos) {
        (true, Some(p)) => (p + 1).min(rows.len().saturating_sub(1)),
        (false, Some(p)) => p.saturating_sub(1),
        _ => 0,
    };
    rows.get(next).copied()
}

/// What a turn of the wheel does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WheelAction {
    /// Zoom by `factor` keeping the point under the pointer (`anchor`, 0..1 of the width) fixed.
    Zoom { factor: f64, anchor: f64 },
    /// Pan by this fraction of the window.
    Pan(f64),
    /// Scroll the rows by `by` pixels, and pan by `pan` (a fraction of the window) if sideways.
    Scroll { pan: Option<f64>, by: f64 },
}

/// The wheel at `x` of a canvas `width_px` wide turned by `dx`, `dy` pixels: with Ctrl or ⌘
/// (`zoom_key`) it zooms, with Shift it pans, else it scrolls the rows (and pans if sideways).
pub fn wheel_action(dx: f64, dy: f64, zoom_key: bool, shift: bool, x: f64, width_px: f64) -> WheelAction {
    if zoom_key {
        WheelAction::Zoom { factor: (dy / 300.0).exp(), anchor: x / width_px }
    } else if shift {
        WheelAction::Pan(dy / width_px)
    } else {
        WheelAction::Scroll { pan: (dx.abs() > 0.0).then(|| dx / width_px), by: dy }
    }
}

/// A press on the rows: where it started and what was shown, to pan by dragging or tell a click.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drag {
    pub x: f64,
    pub y: f64,
    pub viewport: Viewport,
    pub scroll_top: f64,
}

impl Drag {
    /// The window and scroll with the pointer moved to (x, y): what was under it stays under it.
    /// `rows` rows in a canvas `width` × `height`, over a map `total` display units long.
    pub fn to(&self, (x, y): (f64, f64), (width, height): (f64, f64), rows: usize, total: f64) -> (Viewport, f64) {
        let vp = self.viewport.pan(-(x - self.x) / width * self.viewport.width(), total);
        (vp, (self.scroll_top - (y - self.y)).clamp(0.0, max_scroll(rows, height)))
    }

    /// Moved more than 3 px from where it started: a drag, not a click.
    pub fn moved(&self, x: f64, y: f64) -> bool {
        (x - self.x).abs() + (y - self.y).abs() > 3.0
    }
}

/// Two fingers on the rows: where they started (x) and what was shown, to zoom by pinching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pinch {
    pub a: f64,
    pub b: f64,
    pub viewport: Viewport,
}

impl Pinch {
    /// The window with the fingers moved to `a` and `b` on a canvas `width` wide, over a map
    /// `total` display units long: the time under the fingers' first midpoint stays under their
    /// midpoint, and the window narrows as they spread (widens as they close). Measured from
    /// where they started, so a long pinch does not drift; fingers nearer than 20 px count as 20.
    pub fn to(&self, a: f64, b: f64, width: f64, total: f64) -> Viewport {
        let apart = |a: f64, b: f64| (a - b).abs().max(20.0);
        let (m0, m1) = ((self.a + self.b) / 2.0, (a + b) / 2.0);
        let vp = self.viewport.zoom(apart(self.a, self.b) / apart(a, b), m0 / width, total);
        vp.pan(-(m1 - m0) / width * vp.width(), total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key_action("+"), Some(KeyAction::Zoom(0.7)));
        assert_eq!(key_action("S"), Some(KeyAction::Zoom(1.0 / 0.7)));
        assert_eq!(key_action("0"), Some(KeyAction::ShowAll));
        assert_eq!(key_action("a"), Some(KeyAction::Pan(-0.2)));
        assert_eq!(key_action("ArrowRight"), Some(KeyAction::Pan(0.2)));
        assert_eq!(key_action("ArrowUp"), Some(KeyAction::Step { down: false }));
        assert_eq!((key_action("x"), key_action("Enter")), (None, None));
    }

    #[test]
    fn arrows_step_through_the_rows() {
        let rows = [4, 7, 9];
        assert_eq!(step_selection(&rows, Some(7), true), Some(9));
        assert_eq!(step_selection(&rows, Some(9), true), Some(9), "stays on the last");
        assert_eq!(step_selection(&rows, Some(7), false), Some(4));
        assert_eq!(step_selection(&rows, Some(4), false), Some(4), "stays on the first");
        assert_eq!(step_selection(&rows, None, false), Some(4));
        assert_eq!(step_selection(&rows, Some(1), true), Some(4), "a folded-away selection starts over");
        assert_eq!(step_selection(&[], Some(1), true), None);
    }

    #[test]
    fn the_wheel() {
        assert_eq!(
            wheel_action(0.0, 300.0, true, false, 100.0, 400.0),
            WheelAction::Zoom { factor: 1f64.exp(), anchor: 0.25 }
        );
        assert_eq!(wheel_action(0.0, 100.0, false, true, 0.0, 400.0), WheelAction::Pan(0.25));
        assert_eq!(wheel_action(0.0, 30.0, false, false, 0.0, 400.0), WheelAction::Scroll { pan: None, by: 30.0 });
        assert_eq!(
            wheel_action(-40.0, 0.0, false, false, 0.0, 400.0),
            WheelAction::Scroll { pan: Some(-0.1), by: 0.0 }
        );
    }

    #[test]
    fn dragging_pans_and_scrolls() {
        let d = Drag { x: 100.0, y: 100.0, viewport: Viewport { start: 200.0, end: 400.0 }, scroll_top: 50.0 };
        // 40 px right over a 400 px canvas showing 200 units: 20 units back; 30 px up scrolls down
        let (vp, top) = d.to((140.0, 70.0), (400.0, 300.0), 100, 1_000.0);
        assert_eq!((vp, top), (Viewport { start: 180.0, end: 380.0 }, 80.0));
        // neither goes past the ends
        let (vp, top) = d.to((1_000.0, 400.0), (400.0, 300.0), 100, 1_000.0);
        assert_eq!((vp, top), (Viewport { start: 0.0, end: 200.0 }, 0.0));
        let (_, top) = d.to((100.0, -10_000.0), (400.0, 300.0), 100, 1_000.0);
        assert_eq!(top, 1_946.0, "one empty row past the last");
        assert!(!d.moved(102.0, 101.0) && d.moved(102.0, 102.0));
    }

    #[test]
    fn pinching_zooms_around_the_fingers() {
        let p = Pinch { a: 150.0, b: 250.0, viewport: Viewport { start: 200.0, end: 600.0 } };
        // 400 units on 400 px; fingers 100 px apart around x 200 (time 400) spread to 200 px
        // apart: half as wide, time 400 still under their midpoint
        assert_eq!(p.to(100.0, 300.0, 400.0, 1_000.0), Viewport { start: 300.0, end: 500.0 });
        // closed to 50 px apart: twice as wide, around the same time
        assert_eq!(p.to(175.0, 225.0, 400.0, 1_000.0), Viewport { start: 0.0, end: 800.0 });
        // both moved 40 px right, as far apart: a pan, what was under them still is
        assert_eq!(p.to(190.0, 290.0, 400.0, 1_000.0), Viewport { start: 160.0, end: 560.0 });
        // spread and moved: narrower, time 400 under the new midpoint (x 240)
        assert_eq!(p.to(140.0, 340.0, 400.0, 1_000.0), Viewport { start: 280.0, end: 480.0 });
        // fingers together count as 20 px apart: no division by nothing
        let q = Pinch { a: 200.0, b: 200.0, ..p };
        assert_eq!(q.to(190.0, 210.0, 400.0, 1_000.0), p.viewport);
    }
}
