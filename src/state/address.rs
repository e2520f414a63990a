//! The view as an address: the fragment read from what is shown (`current`), what is shown set
//! from a fragment (`apply`), and the whole link that reopens it (`share_url`).

use super::{Data, Links, Page, ViewState};
use crate::model::order;
use crate::model::tracelist::Column;
use crate::source::fragment::{Collapsed, PageKey, ViewFragment, MAX_COLLAPSED_KEYS};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};

/// What the address is made of: the data shown, the view of it, and where it came from.
#[derive(Clone, Copy)]
pub struct Address {
    pub data: Data,
    pub view: ViewState,
    pub links: Links,
}

impl Address {
    /// The whole address for the view as it is now (`obs`, a trace id and observation key, replaces
    /// the selection when given).
    pub fn share_url(self, obs: Option<(&str, &str)>) -> String {
        let mut f = untrack(|| self.current());
        if let Some((trace, key)) = obs {
            f.trace = Some(trace.to_string());
            f.obs = Some(key.to_string());
            f.page = PageKey::Trace;
        }
        // an embedding page's parameters are its own: a shared link opens the full app
        f.kept.clear();
        let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
        format!("{}{}#{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default(), f.write())
    }

    /// The view as a fragment, read through signals so an effect calling it follows every part.
    pub fn current(self) -> ViewFragment {
        let mut f = ViewFragment {
            urls: self.links.urls.get(),
            api: self.links.source.get().map(|mut l| {
                l.trace = None;
                l.session = None;
                l
            }),
            view: self.view.main.get(),
            list_query: self.view.list_query.get(),
            find: self.view.search_text.get(),
            tree_filter: self.view.tree_filter.get(),
            mode: self.view.mode.get(),
            zoom: self.view.zoom.get(),
            compress: self.view.compress.get(),
            lanes: self.view.lanes.get(),
            ..ViewFragment::default()
        };
        let (col, desc) = self.view.list_sort.get();
        if (col.clone(), desc) != (Column::Start, false) {
            f.sort = Some((col.key(), desc));
        }
        f.page = match self.view.page.get() {
            Page::Trace => PageKey::Trace,
            Page::Traces => PageKey::Traces,
            Page::Sessions => PageKey::Sessions,
            Page::Scores => PageKey::Scores,
            Page::Costs => PageKey::Costs,
            Page::Spans => PageKey::Spans,
            Page::Session(id) => {
                f.session = Some(id);
                PageKey::Session
            }
            Page::Compare(other) => {
                f.vs = Some(other);
                PageKey::Compare
            }
        };
        let (ti, selected) = (self.view.trace.get(), self.view.selected.get());
        self.data.with(|d| {
            let Some(t) = ti.and_then(|i| d.traces.get(i)) else { return };
            f.trace = Some(t.id.clone());
            // comparing: the selection is a step of the second trace
            let of = match &f.vs {
                Some(vs) if f.page == PageKey::Compare => d.traces.iter().find(|x| &x.id == vs).unwrap_or(t),
                _ => t,
            };
            f.obs = selected.and_then(|i| (i < of.observations.len() as u32).then(|| of.tree.key(&of.observations, i)));
            f.collapsed = self.view.collapsed.with(|c| {
                if c.is_empty() {
                    return Collapsed::None;
                }
                let parents = (0..t.observations.len() as u32).filter(|&i| t.tree.has_children(i)).count();
                if c.len() >= parents {
                    return Collapsed::All;
                }
                let mut keys: Vec<String> = c.iter().map(|&i| t.tree.key(&t.observations, i)).collect();
                order::sort(&mut keys);
                keys.truncate(MAX_COLLAPSED_KEYS);
                Collapsed::Keys(keys)
            });
        });
        f
    }

    /// Shows the view a fragment names, over the data already loaded. False when it names a trace
    /// that is not there.
    pub fn apply(self, f: &ViewFragment) -> bool {
        let found = self.data.with_untracked(|d| {
            let ti = f.trace.as_ref().and_then(|id| d.traces.iter().position(|t| &t.id == id))?;
            let t = &d.traces[ti];
            let of = match &f.vs {
                Some(vs) if f.page == PageKey::Compare => d.traces.iter().find(|x| &x.id == vs).unwrap_or(t),
                _ => t,
            };
            let selected = f.obs.as_deref().and_then(|k| of.tree.find_key(&of.observations, k));
            let collapsed: HashSet<u32> = match &f.collapsed {
                Collapsed::None => HashSet::new(),
                Collapsed::All => (0..t.observations.len() as u32).filter(|&i| t.tree.has_children(i)).collect(),
                Collapsed::Keys(keys) => {
                    let index: HashMap<String, u32> =
                        (0..t.observations.len() as u32).map(|i| (t.tree.key(&t.observations, i), i)).collect();
                    keys.iter().filter_map(|k| index.get(k).copied()).collect()
                }
            };
            Some((ti, selected, collapsed))
        });
        if let Some((ti, selected, collapsed)) = &found {
            self.view.trace.set(Some(*ti));
            self.view.selected.set(*selected);
            self.view.collapsed.set(collapsed.clone());
            self.view.zoom.set(f.zoom);
            self.view.tree_filter.set(f.tree_filter.clone());
        }
        let has_trace = self.view.trace.get_untracked().is_some();
        self.view.page.set(match f.page {
            PageKey::Trace if has_trace => Page::Trace,
            PageKey::Trace | PageKey::Traces => Page::Traces,
            PageKey::Sessions => Page::Sessions,
            PageKey::Session => f.session.clone().map(Page::Session).unwrap_or(Page::Sessions),
            PageKey::Scores => Page::Scores,
            PageKey::Costs => Page::Costs,
            PageKey::Spans => Page::Spans,
            PageKey::Compare => {
                let other =
                    f.vs.clone().filter(|id| self.data.with_untracked(|d| d.traces.iter().any(|t| &t.id == id)));
                match other {
                    Some(id) if has_trace => Page::Compare(id),
                    _ if has_trace => Page::Trace,
                    _ => Page::Traces,
                }
            }
        });
        self.view.main.set(f.view);
        self.view.mode.set(f.mode.clone());
        self.view.compress.set(f.compress);
        self.view.lanes.set(f.lanes);
        self.view.list_query.set(f.list_query.clone());
        self.view.search_text.set(f.find.clone());
        let sort = f.sort.as_ref().and_then(|(c, desc)| Some((Column::from_key(c)?, *desc)));
        self.view.list_sort.set(sort.unwrap_or((Column::Start, false)));
        found.is_some() || f.trace.is_none()
    }
}
