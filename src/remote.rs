//! The app side of live loads: the one adapter between the pager (`source::live`) and app state.
//! Each unit is merged as it arrives, the first trace shows at once, the progress bar and the
//! notices follow the load, and a finished load records its source (never a key) for the
//! fragment. All of live loading's use of `AppState` is here.

use crate::app::{AppState, Page};
use crate::model::TraceSet;
use crate::source::link::SourceLink;
use crate::source::live::{Query, Sink};
use leptos::prelude::*;

pub use crate::source::live::Progress;

/// A running load as the app sees it.
struct AppSink {
    state: AppState,
    /// The first trace this load touched, and how many it touched.
    first: Option<usize>,
    traces: usize,
    /// Where the data comes from: in the address as soon as the first trace shows, so a reload
    /// mid-load reopens it.
    source: Option<SourceLink>,
}

impl Sink for AppSink {
    fn begin(&mut self, what: String, unit: &'static str, source: Option<SourceLink>) {
        self.state.cancel.set(false);
        self.state.progress.set(Some(Progress { what, unit, ..Default::default() }));
        self.source = source;
    }

    fn progress(&mut self, change: impl FnOnce(&mut Progress)) {
        self.state.progress.update(|p| {
            if let Some(p) = p {
                change(p)
            }
        });
    }

    fn cancelled(&self) -> bool {
        self.state.cancel.get_untracked()
    }

    fn merge(&mut self, set: TraceSet) {
        let s = self.state;
        let mut touched = Vec::new();
        s.data.update(|d| touched = d.merge(set));
        s.generation.update(|g| *g += 1);
        if self.first.is_none() && !touched.is_empty() {
            if let Some(l) = &self.source {
                s.source_link.set(Some(l.clone()));
            }
        }
        self.first = self.first.or(touched.first().copied());
        // something to read while the rest arrives
        if s.trace.get_untracked().is_none() {
            s.show_trace(self.first);
        }
        self.traces += touched.len();
    }

    fn tell(&mut self, text: String) {
        self.state.push_error(text);
    }

    async fn pause(&self) {
        crate::source::yield_to_browser().await;
    }

    /// Shows the first trace (or the list when several came) and records the source.
    fn end(&mut self, link: Option<SourceLink>) {
        let s = self.state;
        s.progress.set(None);
        s.loading.set(None);
        if let Some(t) = self.first {
            if let Some(l) = link {
                s.source_link.set(Some(l));
            }
            let several = s.data.with_untracked(|d| d.traces.len()) > 1 && self.traces > 1;
            s.page.set(if several { Page::Traces } else { Page::Trace });
            s.show_trace(Some(t));
        }
    }
}

impl AppState {
    /// Where a store's retry waits are told: the progress note (and the status line).
    pub fn notifier(self) -> std::rc::Rc<dyn Fn(String)> {
        std::rc::Rc::new(move |m| {
            self.progress.update(|p| {
                if let Some(p) = p {
                    p.note = m.clone()
                }
            });
            self.loading.set(Some(m));
        })
    }

    /// Loads from a live store in the background.
    pub fn load_live(self, query: Query) {
        leptos::task::spawn_local(async move {
            let mut sink = AppSink { state: self, first: None, traces: 0, source: None };
            query.run(&mut sink).await;
        });
    }

    /// Reopens what a link's fragment names from its API: loads it at once when no key is needed
    /// or the keys were remembered on this device; otherwise opens Connect filled in, asking for them.
    pub fn reopen(self, link: SourceLink) {
        // only keys remembered for exactly this host, only those its kind sends; the page says so
        let keys = crate::source::keys::for_link(link.kind, &link.host).map(|(host, k)| {
            self.keys_remembered_for.set(Some(host));
            k
        });
        match Query::reopen(&link, keys, self.notifier()) {
            Ok(query) => self.load_live(query),
            Err(why) => {
                self.connect_preset.set(Some((link, why)));
                self.connect_open.set(true);
            }
        }
    }
}
