//! Credentials for live stores: kept in memory for the load they are typed for; remembered on this
//! device only when the user ticks "remember" (`source::keys`), and the page says when a link
//! reopened its data with remembered keys.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Credentials {
    /// The canonical host whose remembered keys a link reopened its data with (the page says so,
    /// with a Forget button).
    pub remembered_for: RwSignal<Option<String>>,
}

impl Credentials {
    pub fn new() -> Credentials {
        Credentials { remembered_for: RwSignal::new(None) }
    }
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials::new()
    }
}
