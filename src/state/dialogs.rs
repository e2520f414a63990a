//! Which dialogs and panels are open, and what the Connect dialog opens with.

use crate::source::link::SourceLink;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Dialogs {
    pub connect: RwSignal<bool>,
    pub export: RwSignal<bool>,
    /// The Share panel (the link and what it cannot carry).
    pub share: RwSignal<bool>,
    /// The Prices panel (the price table and the user's own prices).
    pub prices: RwSignal<bool>,
    /// What the Connect dialog opens with (from a link), and a line saying why.
    pub connect_preset: RwSignal<Option<(SourceLink, String)>>,
}

impl Dialogs {
    pub fn new() -> Dialogs {
        Dialogs {
            connect: RwSignal::new(false),
            export: RwSignal::new(false),
            share: RwSignal::new(false),
            prices: RwSignal::new(false),
            connect_preset: RwSignal::new(None),
        }
    }
}

impl Default for Dialogs {
    fn default() -> Self {
        Dialogs::new()
    }
}

/// The user's answer to a link that opens more files than `MAX_LINK_URLS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    First,
    All,
    None,
}

/// A link's files waiting for the user's answer, and where the answer goes (given by `install`).
#[derive(Clone, Copy)]
pub struct LinkFiles {
    pub waiting: RwSignal<Option<Vec<String>>>,
    pub answer: Callback<Answer>,
}
