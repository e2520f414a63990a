//! Where the loaded data came from, for the link that reopens it: the live store (never a key),
//! the addresses opened, and what a link cannot carry (dropped files, addresses with headers).

use crate::source::link::SourceLink;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Links {
    /// The API the shown data came from; written to the URL fragment (never a key).
    pub source: RwSignal<Option<SourceLink>>,
    /// Trace files opened by address (`url=`).
    pub urls: RwSignal<Vec<String>>,
    /// What was loaded that a link cannot reopen, each with why.
    pub unlinkable: RwSignal<Vec<String>>,
}

impl Links {
    pub fn new() -> Links {
        Links { source: RwSignal::new(None), urls: RwSignal::new(Vec::new()), unlinkable: RwSignal::new(Vec::new()) }
    }

    /// An address that loaded, for the link (once).
    pub fn remember_url(&self, url: &str) {
        if !self.urls.with_untracked(|u| u.iter().any(|x| x == url)) {
            self.urls.update(|u| u.push(url.to_string()));
        }
    }

    pub fn clear(&self) {
        self.urls.set(Vec::new());
        self.unlinkable.set(Vec::new());
        self.source.set(None);
    }
}

impl Default for Links {
    fn default() -> Self {
        Links::new()
    }
}
