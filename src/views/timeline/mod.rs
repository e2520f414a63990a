//! The timeline of one trace on a canvas: rows follow the tree (sharing its collapsed set), bars at
//! true offsets, zoom/pan by wheel, drag, keys, axis range and double-click, an overview strip,
//! time to first token and events, critical path and idle-gap compression on demand, and lanes
//! by agent (a header row per agent with its totals, its steps stacked below, handoffs joined by
//! a line) instead of tree rows. Each frame draws only the rows and bars in view.
//!
//! `TimelineView` takes the data and the view as props; it hands its parts what they show:
//! the toolbar (`tools`), the overview strip (`overview`) and the rows with their axis (`rows`),
//! which draw through `paint`. The arithmetic is `model::timeline`'s.

mod overview;
pub(crate) mod paint;
mod rows;
mod tools;

use crate::model::filter::visible_rows;
use crate::model::timeline::{
    critical_path, lanes, reveal_row, same_zoom, window_of, zoom_of, LaneKey, Lanes, TimeMap, Viewport,
};
use crate::model::Trace;
use crate::state::{Data, ViewState};
use leptos::prelude::*;
use overview::TimelineOverview;
use rows::TimelineRows;
use std::sync::Arc;
use tools::TimelineTools;
use wasm_bindgen::JsCast;

/// Reads the shown trace: runs a function on it when there is one, tracked in effects and memos.
/// The parts see the trace only through this, so only `TimelineView` knows where it lives.
#[derive(Clone, Copy)]
pub struct ShownTrace(StoredValue<Arc<ReadTrace>>);

/// Runs its argument on the shown trace, if there is one.
type ReadTrace = dyn Fn(&mut dyn FnMut(&Trace)) + Send + Sync;

impl ShownTrace {
    pub fn new(read: impl Fn(&mut dyn FnMut(&Trace)) + Send + Sync + 'static) -> ShownTrace {
        ShownTrace(StoredValue::new(Arc::new(read)))
    }

    /// `f` of the shown trace, `None` when no trace is shown.
    pub fn with<R>(&self, f: impl FnOnce(&Trace) -> R) -> Option<R> {
        // a clone of the reader, so that no lock on the store is held while it runs
        let read = self.0.get_value();
        let mut f = Some(f);
        let mut out = None;
        read(&mut |t| out = f.take().map(|f| f(t)));
        out
    }

    /// Where observation `i` runs (a running one as an instant), read untracked.
    pub fn span_untracked(&self, i: u32) -> Option<(i64, i64)> {
        untrack(|| {
            self.with(|t| t.observations.get(i as usize).map(|o| (o.start_ns, o.end_ns.unwrap_or(o.start_ns))))
                .flatten()
        })
    }
}

/// A mouse event's position over the element it happened on.
pub(crate) fn local(ev: &web_sys::MouseEvent) -> (f64, f64) {
    let rect = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|e| e.get_bounding_client_rect());
    match rect {
        Some(r) => (f64::from(ev.client_x()) - r.left(), f64::from(ev.client_y()) - r.top()),
        None => (0.0, 0.0),
    }
}

#[component]
pub fn TimelineView(data: Data, view: ViewState) -> impl IntoView {
    // tracks the shown trace only: a merge of other traces redraws nothing
    let shown = ShownTrace::new(move |f| {
        if let Some(r) = view.current.get() {
            data.with_trace(r, |t| f(t));
        }
    });
    // the size of the rows canvas, measured by it
    let size = RwSignal::new((800.0f64, 500.0f64));
    let scroll_top = RwSignal::new(0.0f64);
    let compress = view.compress;
    let show_critical = RwSignal::new(false);
    // colours come from the theme's CSS variables: a new theme repaints
    let restyle = Signal::derive(move || view.theme.track());

    let rows =
        Memo::new(move |_| shown.with(|t| view.collapsed.with(|c| visible_rows(t, c, None))).unwrap_or_default());
    // lanes by agent when asked for: rows become each lane's header and its sub-rows
    // (each new layout counts as a change: comparing two would cost as much as making one)
    let lane_layout: Memo<Option<Lanes>> = Memo::new_with_compare(
        move |_| {
            if !view.lanes.get() {
                return None;
            }
            shown.with(|t| lanes(t, LaneKey::Agent))
        },
        |a, b| a.is_some_and(Option::is_some) || b.is_some_and(Option::is_some),
    );
    let timemap = Memo::new(move |_| {
        let on = compress.get();
        shown.with(|t| TimeMap::of_trace(t, on)).unwrap_or_else(|| TimeMap::identity(0, 1))
    });
    let viewport = RwSignal::new(Viewport { start: 0.0, end: 1.0 });
    // the window is kept in the app state (and so in the link) as nanoseconds from the trace's
    // start, which survive folding idle gaps on and off
    let trace_start = move || untrack(|| shown.with(|t| t.start_ns));
    let window = move |zoom: Option<(i64, i64)>| timemap.with_untracked(|m| window_of(m, trace_start(), zoom));
    // a new trace or mapping shows the window the state names (all of it unless zoomed)
    Effect::new(move |_| {
        timemap.track();
        viewport.set(window(view.zoom.get_untracked()));
        scroll_top.set(0.0);
    });
    // a window set from outside (back/forward, a link) moves the view
    Effect::new(move |_| {
        let want = window(view.zoom.get());
        if want.differs(&viewport.get_untracked()) {
            viewport.set(want);
        }
    });
    // and zooming or panning here is written back
    Effect::new(move |_| {
        let vp = viewport.get();
        let Some(t0) = trace_start() else { return };
        let (zoom, same) = timemap.with_untracked(|m| {
            let zoom = zoom_of(m, t0, &vp);
            (zoom, same_zoom(m, Some(t0), zoom, view.zoom.get_untracked()))
        });
        if !same {
            view.zoom.set(zoom);
        }
    });
    // which observations carry scores: once per trace and load, not per frame
    let scored = Memo::new(move |_| {
        data.with_shown(view.current.get(), |d, t| {
            crate::model::tracelist::observation_score_labels(d, t)
                .into_keys()
                .collect::<std::collections::HashSet<u32>>()
        })
        .unwrap_or_default()
    });
    let critical = Memo::new(move |_| {
        if !show_critical.get() {
            return Vec::new();
        }
        shown.with(critical_path).unwrap_or_default()
    });

    // selection from the tree (or keys) scrolls into view here too
    Effect::new(move |_| {
        let Some(sel) = view.selected.get() else { return };
        let (_, h) = size.get_untracked();
        let in_lane = lane_layout.with_untracked(|l| l.as_ref().map(|l| l.row_of(sel)));
        let pos = match in_lane {
            Some(pos) => pos,
            None => rows.with_untracked(|r| r.iter().position(|&x| x == sel)),
        };
        let Some(pos) = pos else { return };
        if let Some(top) = reveal_row(pos, scroll_top.get_untracked(), h) {
            scroll_top.set(top);
        }
        if let Some((s, e)) = shown.span_untracked(sel) {
            let moved =
                timemap.with_untracked(|m| viewport.get_untracked().reveal(m.to_display(s), m.to_display(e), m.total));
            if let Some(vp) = moved {
                viewport.set(vp);
            }
        }
    });

    view! {
        <section class="timeline-pane">
            <TimelineTools viewport timemap show_critical compress lanes=view.lanes/>
            <TimelineOverview shown rows timemap viewport width=Signal::derive(move || size.get().0) restyle/>
            <TimelineRows shown rows lanes=lane_layout timemap critical scored viewport scroll_top size selected=view.selected restyle/>
        </section>
    }
}
