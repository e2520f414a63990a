//! Timeline arithmetic, everything but the DOM and the canvas: time ↔ display time with optional
//! idle-gap folding (`map`), the window with zoom around a point, pan and readable axis ticks from
//! nanoseconds to hours (`viewport`), rows, bars and the overview in pixels (`geometry`), what keys,
//! the wheel, drags and pinches do (`input`), where bar labels go (`label`), kind colours (`palette`), self time and the critical path
//! (`paths`), lanes by agent, service or thread (`lanes`).

mod geometry;
mod input;
mod label;
mod lanes;
mod map;
mod palette;
mod paths;
mod viewport;

pub use geometry::{
    bar_end_ns, max_scroll, reveal_row, row_at, row_top, rows_in_view, Bar, Overview, Scale, AXIS_H, OVERVIEW_H, ROW_H,
    TICK_MIN_PX,
};
pub use input::{key_action, step_selection, wheel_action, Drag, KeyAction, Pinch, WheelAction};
pub use label::{place_label, LabelAt, Place, CHAR_W};
pub use lanes::{lanes, Handoff, Lane, LaneKey, LaneRow, Lanes};
pub use map::TimeMap;
pub use palette::kind_color;
pub use paths::{critical_path, self_time, self_times};
pub use viewport::{offset_label, same_zoom, tick_step, ticks, window_label, window_of, zoom_of, Viewport};

/// Traces for the tests of every part.
#[cfg(test)]
mod testing {
    use crate::model::{Kind, Observation, Trace};

    /// A trace of spans from `(id, parent, start_ns, end_ns)`.
    pub fn trace(spec: &[(&str, Option<&str>, i64, i64)]) -> Trace {
        let obs = spec
            .iter()
            .map(|(id, p, s, e)| {
                let mut o = Observation::new(*id, Kind::Span, *id, *s);
                o.parent_id = p.map(str::to_string);
                o.end_ns = Some(*e);
                o
            })
            .collect();
        Trace::build("t".into(), obs, "x", &mut Vec::new())
    }
}
