//! Live loads into the state: the one adapter between the pager (`source::live`) and the app.
//! Each unit is merged as it arrives, the first trace shows at once, the progress bar and the
//! notices follow the load, and a finished load records its source (never a key) for the
//! fragment.

use super::{Credentials, Data, Dialogs, Jobs, Links, NoticeKind, Notices, Page, Progress, ViewState};
use crate::model::TraceSet;
use crate::source::link::SourceLink;
use crate::source::live::{Query, Sink, Told};
use leptos::prelude::*;

/// What live loads need of the state; the Connect dialog and the address bar take this.
#[derive(Clone, Copy)]
pub struct Live {
    pub data: Data,
    pub view: ViewState,
    pub jobs: Jobs,
    pub notices: Notices,
    pub links: Links,
    pub dialogs: Dialogs,
    pub credentials: Credentials,
}

/// A running load as the app sees it.
struct AppSink {
    live: Live,
    /// The first trace this load touched, and how many it touched.
    first: Option<usize>,
    traces: usize,
    /// Where the data comes from: in the address as soon as the first trace shows, so a reload
    /// mid-load reopens it.
    source: Option<SourceLink>,
}

impl Sink for AppSink {
    fn begin(&mut self, what: String, unit: &'static str, source: Option<SourceLink>) {
        self.live.jobs.cancel.set(false);
        self.live.jobs.progress.set(Some(Progress { what, unit, ..Default::default() }));
        self.source = source;
    }

    fn progress(&mut self, change: impl FnOnce(&mut Progress)) {
        self.live.jobs.update_progress(change);
    }

    fn cancelled(&self) -> bool {
        self.live.jobs.cancelled()
    }

    fn merge(&mut self, set: TraceSet) {
        let Live { data, view, links, .. } = self.live;
        let touched = data.merge(set);
        if self.first.is_none() && !touched.is_empty() {
            if let Some(l) = &self.source {
                links.source.set(Some(l.clone()));
            }
        }
        self.first = self.first.or(touched.first().copied());
        // something to read while the rest arrives
        if view.trace.get_untracked().is_none() {
            view.show_trace(self.first);
        }
        self.traces += touched.len();
    }

    fn tell(&mut self, about: Told, text: String) {
        let kind = match about {
            Told::Failed => NoticeKind::StoreFailed,
            Told::Cancelled => NoticeKind::Cancelled,
            Told::Limit => NoticeKind::LimitReached,
            Told::NothingFound => NoticeKind::NothingFound,
        };
        self.live.notices.push(kind, text);
    }

    async fn pause(&self) {
        crate::source::yield_to_browser().await;
    }

    /// Shows the first trace (or the list when several came) and records the source.
    fn end(&mut self, link: Option<SourceLink>) {
        let Live { data, view, jobs, links, .. } = self.live;
        jobs.progress.set(None);
        jobs.loading.set(None);
        if let Some(t) = self.first {
            if let Some(l) = link {
                links.source.set(Some(l));
            }
            let several = data.trace_count() > 1 && self.traces > 1;
            view.page.set(if several { Page::Traces } else { Page::Trace });
            view.show_trace(Some(t));
        }
    }
}

impl Live {
    /// Loads from a live store in the background.
    pub fn load(self, query: Query) {
        leptos::task::spawn_local(async move {
            let mut sink = AppSink { live: self, first: None, traces: 0, source: None };
            query.run(&mut sink).await;
        });
    }

    /// Reopens what a link's fragment names from its API: loads it at once when no key is needed
    /// or the keys were remembered on this device; otherwise opens Connect filled in, asking for them.
    pub fn reopen(self, link: SourceLink) {
        // only keys remembered for exactly this host, only those its kind sends; the page says so
        let keys = crate::source::keys::for_link(link.kind, &link.host).map(|(host, k)| {
            self.credentials.remembered_for.set(Some(host));
            k
        });
        match Query::reopen(&link, keys, self.jobs.notifier()) {
            Ok(query) => self.load(query),
            Err(why) => {
                self.dialogs.connect_preset.set(Some((link, why)));
                self.dialogs.connect.set(true);
            }
        }
    }
}
