//! What is shown of the data: the page, the trace and its selection, the tree's folds and filter,
//! the timeline's zoom, the list's query and sort, the theme. The current trace is one memo that
//! every view of it shares.

use super::data::{Data, TraceRef};
use crate::model::tracelist::Column;
use leptos::prelude::*;
use std::collections::HashSet;

const THEME_KEY: &str = "canopy.theme";

/// Light, dark, or whatever the system prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn from_key(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            "system" | "auto" => Some(Theme::System),
            _ => None,
        }
    }

    /// The theme remembered on this device.
    pub fn stored() -> Option<Theme> {
        let s = web_sys::window()?.local_storage().ok()??;
        Theme::from_key(&s.get_item(THEME_KEY).ok()??)
    }

    /// Remembers the theme picked in the toolbar on this device.
    pub fn store(self) {
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(THEME_KEY, self.key());
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The pages of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Traces,
    Trace,
    Sessions,
    Session(String),
    Scores,
    /// Cost and tokens of every loaded trace by model and by step name.
    Costs,
    /// The shown trace compared with another (its id).
    Compare(String),
    /// Every observation of the loaded traces in one table.
    Spans,
}

/// The views of one trace, as the link names them.
pub use crate::source::fragment::ViewKey as MainView;

/// The view state. Every field is written by the views and the address bar, read by both.
#[derive(Clone, Copy)]
pub struct ViewState {
    pub page: RwSignal<Page>,
    /// Which loaded trace is shown (its position); `current` is what views read.
    pub trace: RwSignal<Option<usize>>,
    /// The shown trace as it is now: equal while it is unchanged, so a merge that adds other
    /// traces reruns nothing that shows this one.
    pub current: Memo<Option<TraceRef>>,
    pub selected: RwSignal<Option<u32>>,
    /// Collapsed observations of the shown trace: shared by the tree and the timeline.
    pub collapsed: RwSignal<HashSet<u32>>,
    /// Which view the trace pane shows.
    pub main: RwSignal<MainView>,
    /// The tree's filter box.
    pub tree_filter: RwSignal<String>,
    /// The shown view's own mode (graph, flame graph, statistics): see `ViewFragment::mode`.
    pub mode: RwSignal<String>,
    /// Timeline window in nanoseconds from the trace's start; `None` shows all of it.
    pub zoom: RwSignal<Option<(i64, i64)>>,
    /// The timeline folds idle gaps.
    pub compress: RwSignal<bool>,
    /// The timeline is laid out in lanes by agent (or service, or thread) instead of tree rows.
    pub lanes: RwSignal<bool>,
    /// Trace list state, kept while a trace is open so "back" finds it as it was.
    pub list_query: RwSignal<String>,
    pub list_sort: RwSignal<(Column, bool)>,
    pub search_text: RwSignal<String>,
    pub theme: RwSignal<Theme>,
    /// Remote images in messages load only after the user allows it (nothing leaves the tab
    /// unasked): the load generation it was allowed for. Each new load asks again, so one trusted
    /// file's allowance never fetches another's images.
    pub allow_remote: RwSignal<Option<u64>>,
}

impl ViewState {
    pub fn new(data: Data) -> ViewState {
        let trace = RwSignal::new(None::<usize>);
        let current = Memo::new(move |_| trace.get().and_then(|i| data.trace_ref(i)));
        ViewState {
            page: RwSignal::new(Page::Trace),
            trace,
            current,
            selected: RwSignal::new(None),
            collapsed: RwSignal::new(HashSet::new()),
            main: RwSignal::new(MainView::Tree),
            tree_filter: RwSignal::new(String::new()),
            mode: RwSignal::new(String::new()),
            zoom: RwSignal::new(None),
            compress: RwSignal::new(false),
            lanes: RwSignal::new(false),
            list_query: RwSignal::new(String::new()),
            list_sort: RwSignal::new((Column::Start, false)),
            search_text: RwSignal::new(String::new()),
            theme: RwSignal::new(Theme::System),
            allow_remote: RwSignal::new(None),
        }
    }

    /// Shows another trace: it opens expanded, with the whole timeline.
    pub fn show_trace(&self, trace: Option<usize>) {
        if self.trace.get_untracked() != trace {
            self.collapsed.set(Default::default());
            self.zoom.set(None);
            self.tree_filter.set(String::new());
        }
        self.trace.set(trace);
    }

    /// Opens a trace (and optionally one of its observations) in the trace page.
    pub fn open_trace(&self, trace: usize, observation: Option<u32>) {
        self.show_trace(Some(trace));
        self.selected.set(observation);
        self.page.set(Page::Trace);
    }

    /// Back to nothing shown (what was loaded is gone).
    pub fn reset(&self) {
        self.show_trace(None);
        self.selected.set(None);
        self.page.set(Page::Trace);
    }
}
