//! Where things go on the timeline's canvases, in CSS pixels: rows under the axis and which row a
//! point hits, scrolling, each bar with its marks and label, and the overview strip.

use super::label::{place_label, LabelAt};
use super::{TimeMap, Viewport};
use crate::model::layout::{scroll_to_reveal, visible_window};
use crate::model::time::format_duration;
use crate::model::Observation;
use std::ops::Range;

/// Height of one row.
pub const ROW_H: f64 = 22.0;
/// Height of the axis above the rows.
pub const AXIS_H: f64 = 24.0;
/// Height of the overview strip.
pub const OVERVIEW_H: f64 = 28.0;
/// Axis ticks are at least this far apart.
pub const TICK_MIN_PX: f64 = 90.0;

/// The row position under `y` (from the canvas top) scrolled by `scroll_top`; `None` on the axis.
pub fn row_at(y: f64, scroll_top: f64) -> Option<usize> {
    (y >= AXIS_H).then(|| ((y - AXIS_H + scroll_top) / ROW_H).floor() as usize)
}

/// The top of row `pos`.
pub fn row_top(pos: usize, scroll_top: f64) -> f64 {
    AXIS_H + pos as f64 * ROW_H - scroll_top
}

/// How far `rows` rows scroll in a canvas `height` tall: to one empty row past the last.
pub fn max_scroll(rows: usize, height: f64) -> f64 {
    (rows as f64 * ROW_H - (height - AXIS_H) + ROW_H).max(0.0)
}

/// The rows to draw (with some overscan) of `rows` in a canvas `height` tall.
pub fn rows_in_view(scroll_top: f64, height: f64, rows: usize) -> Range<usize> {
    visible_window(scroll_top, height - AXIS_H, ROW_H, rows)
}

/// The scroll that brings row `pos` into a canvas `height` tall, or `None` if it shows already.
pub fn reveal_row(pos: usize, scroll_top: f64, height: f64) -> Option<f64> {
    scroll_to_reveal(pos, scroll_top, height - AXIS_H, ROW_H)
}

/// Where a bar ends: a running observation runs to the trace's end (`trace_end_ns`).
pub fn bar_end_ns(o: &Observation, trace_end_ns: Option<i64>) -> i64 {
    o.end_ns.unwrap_or_else(|| trace_end_ns.unwrap_or(o.start_ns))
}

/// Trace time to x for one frame: the map, the window shown, and the canvas width.
#[derive(Debug, Clone, Copy)]
pub struct Scale<'a> {
    pub map: &'a TimeMap,
    pub viewport: Viewport,
    pub width: f64,
}

impl Scale<'_> {
    /// The x of trace time `t_ns`.
    pub fn x(&self, t_ns: i64) -> f64 {
        self.viewport.to_px(self.map.to_display(t_ns), self.width)
    }

    /// Each folded idle gap in view: (x, width), 2 px wide at least.
    pub fn breaks(&self) -> Vec<(f64, f64)> {
        let bw = (self.map.break_width * self.viewport.px_per_unit(self.width)).max(2.0);
        self.map
            .breaks
            .iter()
            .map(|&(_, _, d)| (self.viewport.to_px(d, self.width), bw))
            .filter(|&(x, bw)| x + bw >= 0.0 && x <= self.width)
            .collect()
    }
}

/// One observation's bar as drawn in its row.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The top of the row.
    pub y: f64,
    /// Left and width, clipped to 2 px past either edge, 1 px wide at least.
    pub left: f64,
    pub width: f64,
    /// The x of the first token, when it falls inside the bar.
    pub first_token: Option<f64>,
    /// The x of each event in view.
    pub events: Vec<f64>,
    /// Name and duration (or "running").
    pub label: String,
    /// Where the label goes (`label::place_label`), `None` where it fits nowhere whole.
    pub label_at: Option<LabelAt>,
}

impl Bar {
    /// The bar of `o` in row `pos`, or `None` when it is out of view left or right.
    pub fn of(o: &Observation, trace_end_ns: Option<i64>, pos: usize, scroll_top: f64, s: &Scale) -> Option<Bar> {
        let w = s.width;
        let x0 = s.x(o.start_ns);
        let x1 = s.x(bar_end_ns(o, trace_end_ns)).max(x0 + 1.0);
        if x1 < -2.0 || x0 > w + 2.0 {
            return None;
        }
        let left = x0.max(-2.0);
        let width = (x1.min(w + 2.0) - left).max(1.0);
        let first_token = o.completion_start_ns.map(|t| s.x(t)).filter(|&x| x >= left && x <= left + width);
        let events = o.events.iter().map(|e| s.x(e.time_ns)).filter(|&x| x >= 0.0 && x <= w).collect();
        let duration =
            o.end_ns.map(|e| format_duration(e.saturating_sub(o.start_ns))).unwrap_or_else(|| "running".into());
        let label = format!("{}  {}", o.name, duration);
        Some(Bar {
            y: row_top(pos, scroll_top),
            left,
            width,
            first_token,
            events,
            label_at: place_label(x0, x1, label.chars().count(), w, true),
            label,
        })
    }
}

/// The overview strip: the whole map across `width`, one pixel line per band of `rows` rows.
#[derive(Debug, Clone, Copy)]
pub struct Overview<'a> {
    pub map: &'a TimeMap,
    pub width: f64,
    pub rows: usize,
}

impl Overview<'_> {
    /// The line of `o` in row `pos`: (x, width, y), 1 px wide at least.
    pub fn line(&self, o: &Observation, trace_end_ns: Option<i64>, pos: usize) -> (f64, f64, f64) {
        let scale = self.width / self.map.total.max(1e-9);
        let x = self.map.to_display(o.start_ns) * scale;
        let x2 = (self.map.to_display(bar_end_ns(o, trace_end_ns)) * scale).max(x + 1.0);
        let y = (pos as f64 / self.rows.max(1) as f64 * (OVERVIEW_H - 2.0)).floor() + 1.0;
        (x, x2 - x, y)
    }

    /// Where window `vp` shows on the strip: (left, width), 2 px wide at least.
    pub fn window(&self, vp: &Viewport) -> (f64, f64) {
        let total = self.map.total.max(1e-9);
        (vp.start / total * self.width, (vp.width() / total * self.width).max(2.0))
    }

    /// The display time under x.
    pub fn time_at(&self, x: f64) -> f64 {
        x / self.width * self.map.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timeline::label::Place;
    use crate::model::{Event, Kind};

    #[test]
    fn rows_under_the_axis() {
        assert_eq!(
            (row_at(10.0, 0.0), row_at(24.0, 0.0), row_at(45.9, 0.0), row_at(46.0, 0.0)),
            (None, Some(0), Some(0), Some(1))
        );
        assert_eq!(row_at(30.0, 44.0), Some(2), "scrolled by two rows");
        assert_eq!((row_top(0, 0.0), row_top(3, 10.0)), (24.0, 80.0));
        // 10 rows in 24 + 110 px: 5 rows show, and one empty row past the last
        assert_eq!(max_scroll(10, 134.0), 132.0);
        assert_eq!(max_scroll(2, 500.0), 0.0);
        assert_eq!(rows_in_view(0.0, 134.0, 100), 0..12, "5 rows and a part, and 6 more");
        assert_eq!(rows_in_view(0.0, 134.0, 0), 0..0);
        assert_eq!(reveal_row(9, 0.0, 134.0), Some(110.0));
        assert_eq!(reveal_row(1, 0.0, 134.0), None);
    }

    fn obs(start_ns: i64, end_ns: Option<i64>) -> Observation {
        let mut o = Observation::new("o", Kind::Generation, "chat", start_ns);
        o.end_ns = end_ns;
        o
    }

    #[test]
    fn bars_sit_at_their_times() {
        let map = TimeMap::identity(0, 1_000);
        let s = Scale { map: &map, viewport: Viewport { start: 0.0, end: 1_000.0 }, width: 500.0 };
        assert_eq!(s.x(400), 200.0);
        let mut o = obs(100, Some(300));
        o.completion_start_ns = Some(150);
        o.events.push(Event { name: "e".into(), time_ns: 200, attributes: Vec::new() });
        o.events.push(Event { name: "late".into(), time_ns: 2_000, attributes: Vec::new() });
        let b = Bar::of(&o, Some(1_000), 2, 0.0, &s).expect("in view");
        assert_eq!((b.y, b.left, b.width), (68.0, 50.0, 100.0));
        assert_eq!((b.first_token, b.events), (Some(75.0), vec![100.0]));
        assert_eq!(
            (b.label.as_str(), b.label_at.map(|l| (l.x, l.place))),
            ("chat  200ns", Some((154.0, Place::Right)))
        );
        // running: to the trace's end, labelled so, the label inside the bar when none fits after
        let b = Bar::of(&obs(100, None), Some(1_000), 0, 0.0, &s).expect("in view");
        assert_eq!((b.left, b.width, b.label.as_str()), (50.0, 450.0, "chat  running"));
        assert_eq!(b.label_at.map(|l| (l.x, l.place)), Some((54.0, Place::Inside)));
        // zoomed in on 0..100: the bar is clipped, one starting later is out of view
        let z = Scale { viewport: Viewport { start: 0.0, end: 100.0 }, ..s };
        let b = Bar::of(&obs(50, Some(900)), None, 0, 0.0, &z).expect("in view");
        assert_eq!((b.left, b.width), (250.0, 252.0));
        // zoomed in on 100..200 of a bar from 50: it starts left of the window, its label pinned
        let mid = Scale { viewport: Viewport { start: 100.0, end: 200.0 }, ..s };
        let b = Bar::of(&obs(50, Some(900)), None, 0, 0.0, &mid).expect("in view");
        assert_eq!((b.left, b.label_at.map(|l| (l.x, l.place))), (-2.0, Some((4.0, Place::Pinned))));
        assert_eq!(Bar::of(&obs(200, Some(300)), None, 0, 0.0, &z), None);
        // an instant is 1 px wide
        assert_eq!(Bar::of(&obs(0, Some(0)), None, 0, 0.0, &s).map(|b| (b.left, b.width)), Some((0.0, 1.0)));
    }

    #[test]
    fn folded_gaps_show_where_they_are() {
        let map = TimeMap::compressed(&[(0, 100), (10_000, 10_100)], 1, 0.05, 0.1);
        assert_eq!((map.break_width, map.total), (20.0, 220.0));
        let s = Scale { map: &map, viewport: Viewport::all(220.0), width: 440.0 };
        assert_eq!(s.breaks(), vec![(200.0, 40.0)]);
        assert_eq!(s.x(10_000), 240.0);
        let past = Scale { viewport: Viewport { start: 150.0, end: 160.0 }, ..s };
        assert!(past.breaks().is_empty(), "{:?}", past.breaks());
    }

    #[test]
    fn the_overview_shows_everything() {
        let map = TimeMap::identity(0, 1_000);
        let ov = Overview { map: &map, width: 200.0, rows: 4 };
        assert_eq!(ov.line(&obs(500, Some(750)), None, 2), (100.0, 50.0, 14.0));
        assert_eq!(ov.line(&obs(500, None), Some(1_000), 0), (100.0, 100.0, 1.0));
        assert_eq!(ov.line(&obs(0, Some(1)), None, 3).1, 1.0, "1 px at least");
        assert_eq!(ov.window(&Viewport { start: 250.0, end: 500.0 }), (50.0, 50.0));
        assert_eq!(ov.window(&Viewport { start: 0.0, end: 1.0 }).1, 2.0, "2 px at least");
        assert_eq!(ov.time_at(50.0), 250.0);
    }
}
