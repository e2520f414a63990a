//! The visible window over display time: zoom around a point, pan, reveal or fit a span, the
//! window the app state keeps (nanoseconds from the trace's start), and the axis ticks.

use super::TimeMap;
use crate::model::time::format_duration;

/// A visible window over display time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub start: f64,
    pub end: f64,
}

impl Viewport {
    pub fn width(&self) -> f64 {
        (self.end - self.start).max(1e-9)
    }

    /// All of a map `total` display units long.
    pub fn all(total: f64) -> Viewport {
        Viewport { start: 0.0, end: total }
    }

    /// Pixels per display unit on a drawing `width_px` wide.
    pub fn px_per_unit(&self, width_px: f64) -> f64 {
        width_px / self.width()
    }

    /// The x (pixels from the left) of display time `d` on a drawing `width_px` wide.
    pub fn to_px(&self, d: f64, width_px: f64) -> f64 {
        (d - self.start) * self.px_per_unit(width_px)
    }

    /// Zooms by `factor` (<1 zooms in) keeping the display time under `anchor` (0..1 of the width)
    /// fixed, clamped to [0, total] and to at least `min_width` display units (1 ns).
    pub fn zoom(&self, factor: f64, anchor: f64, total: f64) -> Viewport {
        let min_width = 1.0f64.min(total);
        let w = (self.width() * factor).clamp(min_width, total.max(min_width));
        let pivot = self.start + anchor.clamp(0.0, 1.0) * self.width();
        let start = pivot - anchor.clamp(0.0, 1.0) * w;
        Viewport { start, end: start + w }.clamped(total)
    }

    /// Moves by `delta` display units, staying inside [0, total].
    pub fn pan(&self, delta: f64, total: f64) -> Viewport {
        Viewport { start: self.start + delta, end: self.end + delta }.clamped(total)
    }

    /// The same width centred on display time `center`, inside [0, total].
    pub fn centered_on(&self, center: f64, total: f64) -> Viewport {
        self.pan(center - (self.start + self.end) / 2.0, total)
    }

    /// Centred on the span `a..b` (display units) when all of it is out of view, else `None`.
    pub fn reveal(&self, a: f64, b: f64, total: f64) -> Option<Viewport> {
        (b < self.start || a > self.end).then(|| self.centered_on((a + b) / 2.0, total))
    }

    /// The span `a..b` with 5 % of its width (1 unit at least) either side, inside [0, total].
    pub fn around(a: f64, b: f64, total: f64) -> Viewport {
        let pad = ((b - a) * 0.05).max(1.0);
        Viewport { start: (a - pad).max(0.0), end: (b + pad).min(total) }
    }

    /// The part of this window between x positions `x0` and `x1` (either order) of a drawing
    /// `width_px` wide, 1 unit at least: a drag along the axis. `None` for 4 px or less, a click.
    pub fn between_px(&self, x0: f64, x1: f64, width_px: f64) -> Option<Viewport> {
        if (x1 - x0).abs() <= 4.0 {
            return None;
        }
        let a = self.start + x0.min(x1) / width_px * self.width();
        let b = self.start + x0.max(x1) / width_px * self.width();
        Some(Viewport { start: a, end: b.max(a + 1.0) })
    }

    /// More than half a display unit from `other` at either end: another window, not a rounding.
    pub fn differs(&self, other: &Viewport) -> bool {
        (self.start - other.start).abs() > 0.5 || (self.end - other.end).abs() > 0.5
    }

    fn clamped(self, total: f64) -> Viewport {
        let w = self.width().min(total.max(1e-9));
        let start = self.start.clamp(0.0, (total - w).max(0.0));
        Viewport { start, end: start + w }
    }
}

/// Axis ticks for a window `width_ns` wide drawn over `pixels`: a 1-2-5 step giving ticks at
/// least `min_px` apart, and the first tick at or after `start_ns` (relative times).
pub fn tick_step(width_ns: f64, pixels: f64, min_px: f64) -> i64 {
    let target = width_ns / (pixels / min_px).max(1.0);
    let mut step: i64 = 1;
    loop {
        for m in [1i64, 2, 5] {
            let s = step.saturating_mul(m);
            if s as f64 >= target {
                return s;
            }
        }
        if step > i64::MAX / 10 {
            return step;
        }
        step *= 10;
    }
}

/// The display positions of the axis ticks of `vp` drawn `width_px` wide, at least `min_px`
/// apart (`tick_step`); 200 at most, whatever the numbers.
pub fn ticks(vp: &Viewport, width_px: f64, min_px: f64) -> Vec<f64> {
    let step = tick_step(vp.width(), width_px, min_px) as f64;
    let mut d = (vp.start / step).ceil() * step;
    let mut out = Vec::new();
    while d <= vp.end && out.len() < 200 {
        out.push(d);
        d += step;
    }
    out
}

/// Display position `d` as time since the map's start (`1.2s`): a tick's label.
pub fn offset_label(map: &TimeMap, d: f64) -> String {
    format_duration(map.to_time(d).saturating_sub(map.to_time(0.0)))
}

/// The window as `start – end`, times since the map's start.
pub fn window_label(map: &TimeMap, vp: &Viewport) -> String {
    format!("{} – {}", offset_label(map, vp.start), offset_label(map, vp.end))
}

/// The window the app state names: `zoom` in nanoseconds from the trace's start `t0` (which
/// survive folding idle gaps on and off), or all of it.
pub fn window_of(map: &TimeMap, t0: Option<i64>, zoom: Option<(i64, i64)>) -> Viewport {
    let total = map.total;
    match (zoom, t0) {
        (Some((a, b)), Some(t0)) => {
            let (x, y) = (map.to_display(t0.saturating_add(a)), map.to_display(t0.saturating_add(b)));
            Viewport { start: x.clamp(0.0, total), end: y.clamp(0.0, total).max(x + 1.0) }
        }
        _ => Viewport::all(total),
    }
}

/// What the app state keeps of window `vp` (see `window_of`): `None` when it shows everything.
pub fn zoom_of(map: &TimeMap, t0: i64, vp: &Viewport) -> Option<(i64, i64)> {
    if vp.start <= 0.5 && vp.end >= map.total - 0.5 {
        None
    } else {
        Some((map.to_time(vp.start).saturating_sub(t0), map.to_time(vp.end).saturating_sub(t0)))
    }
}

/// Whether two kept windows show the same: equal, or the same window once mapped.
pub fn same_zoom(map: &TimeMap, t0: Option<i64>, a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y || window_of(map, t0, a) == window_of(map, t0, b),
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_readable_at_every_scale() {
        assert_eq!(tick_step(1_000.0, 1000.0, 100.0), 100);
        assert_eq!(tick_step(3_000_000.0, 600.0, 80.0), 500_000);
        assert_eq!(tick_step(3.6e12, 1200.0, 100.0), 500_000_000_000);
        assert_eq!(tick_step(10.0, 1000.0, 100.0), 1);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let v = Viewport { start: 0.0, end: 1000.0 };
        let z = v.zoom(0.5, 0.25, 1000.0);
        assert_eq!((z.start, z.end), (125.0, 625.0));
        let p = z.pan(1000.0, 1000.0);
        assert_eq!((p.start, p.end), (500.0, 1000.0), "panning stops at the end");
        let tiny = v.zoom(1e-12, 0.5, 1000.0);
        assert!((tiny.width() - 1.0).abs() < 1e-9, "never narrower than 1 ns");
    }

    #[test]
    fn windows_move_to_show_what_is_asked() {
        let v = Viewport { start: 100.0, end: 300.0 };
        assert_eq!((v.px_per_unit(400.0), v.to_px(200.0, 400.0), v.to_px(100.0, 400.0)), (2.0, 200.0, 0.0));
        assert_eq!(Viewport::all(50.0), Viewport { start: 0.0, end: 50.0 });
        assert_eq!(v.centered_on(500.0, 1000.0), Viewport { start: 400.0, end: 600.0 });
        assert_eq!(v.centered_on(990.0, 1000.0), Viewport { start: 800.0, end: 1000.0 }, "stops at the end");
        // a span in view stays put; one out of view is centred
        assert_eq!(v.reveal(250.0, 400.0, 1000.0), None);
        assert_eq!(v.reveal(400.0, 420.0, 1000.0), Some(Viewport { start: 310.0, end: 510.0 }));
        assert_eq!(v.reveal(0.0, 20.0, 1000.0), Some(Viewport { start: 0.0, end: 200.0 }));
        // fitting pads 5 %, at least one unit, and stays inside the map
        assert_eq!(Viewport::around(100.0, 300.0, 1000.0), Viewport { start: 90.0, end: 310.0 });
        assert_eq!(Viewport::around(0.0, 5.0, 4.0), Viewport { start: 0.0, end: 4.0 });
        // a drag along the axis, either way; a click is not one
        assert_eq!(v.between_px(150.0, 50.0, 200.0), Some(Viewport { start: 150.0, end: 250.0 }));
        assert_eq!(v.between_px(10.0, 14.0, 200.0), None);
        assert_eq!(v.between_px(0.0, 4.5, 2000.0), Some(Viewport { start: 100.0, end: 101.0 }), "1 unit at least");
        assert!(!v.differs(&Viewport { start: 100.4, end: 299.6 }));
        assert!(v.differs(&Viewport { start: 100.0, end: 299.4 }));
    }

    #[test]
    fn ticks_and_labels() {
        let v = Viewport { start: 0.0, end: 1000.0 };
        assert_eq!(ticks(&v, 1000.0, 100.0), (0..=10).map(|i| f64::from(i) * 100.0).collect::<Vec<_>>());
        assert_eq!(ticks(&Viewport { start: 150.0, end: 1000.0 }, 1000.0, 100.0)[0], 200.0);
        assert_eq!(ticks(&Viewport { start: 0.0, end: 1e9 }, 1e6, 1.0).len(), 200, "bounded");
        let m = TimeMap::identity(5_000, 6_100_005_000);
        assert_eq!(window_label(&m, &Viewport::all(m.total)), "0ns – 6.1s");
        assert_eq!(offset_label(&m, 2_500_000.0), "2.5ms");
        // the whole of i64 is longer than i64 holds: the label saturates instead of wrapping
        let huge = TimeMap::identity(i64::MIN, i64::MAX);
        assert_eq!(window_label(&huge, &Viewport::all(huge.total)), "0ns – 2562047h 47m");
    }

    #[test]
    fn the_kept_window_survives_folding() {
        let t0 = 1_000;
        let plain = TimeMap::identity(t0, 2_000);
        assert_eq!(window_of(&plain, Some(t0), Some((100, 300))), Viewport { start: 100.0, end: 300.0 });
        assert_eq!(window_of(&plain, Some(t0), Some((300, 300))), Viewport { start: 300.0, end: 301.0 });
        assert_eq!(window_of(&plain, Some(t0), Some((-500, 5_000))), Viewport::all(1000.0), "clamped");
        assert_eq!(window_of(&plain, None, Some((100, 300))), Viewport::all(1000.0), "no trace");
        assert_eq!(window_of(&plain, Some(t0), None), Viewport::all(1000.0));
        assert_eq!(zoom_of(&plain, t0, &Viewport { start: 100.0, end: 300.0 }), Some((100, 300)));
        assert_eq!(zoom_of(&plain, t0, &Viewport { start: 0.4, end: 999.6 }), None, "all of it");
        // the same nanoseconds are kept whether idle gaps are folded or not
        let iv = [
            (t0, t0 + 40_000_000),
            (t0 + 18_000_000_000, t0 + 18_040_000_000),
            (t0 + 36_000_000_000, t0 + 36_040_000_000),
        ];
        let folded = TimeMap::compressed(&iv, 1_000_000, 0.05, 0.1);
        let zoom = Some((18_000_000_000, 18_040_000_000));
        let w = window_of(&folded, Some(t0), zoom);
        assert!(w.width() > 39_999_999.0 && w.width() < 40_000_001.0, "{w:?}");
        assert_eq!(zoom_of(&folded, t0, &w), zoom);
        // windows clamped to the same view are the same
        assert!(same_zoom(&plain, Some(t0), Some((-500, 5_000)), Some((-100, 6_000))));
        assert!(!same_zoom(&plain, Some(t0), Some((100, 300)), Some((100, 301))));
        assert!(!same_zoom(&plain, Some(t0), None, Some((100, 300))));
        assert!(same_zoom(&plain, Some(t0), None, None));
    }
}
