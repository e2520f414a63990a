//! Notices: what the page tells the user about a load, each with a level (shown in its own style)
//! and a kind (so code acts on what happened, never on a message's wording).

use leptos::prelude::*;

/// How much a notice matters; the banner styles each level differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something the user asked for did not happen.
    Error,
    /// It happened, but not all of it.
    Warning,
    /// It happened as asked; worth knowing.
    Notice,
}

impl Level {
    /// The CSS class and the word an embedding page receives.
    pub fn key(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A file or address did not open; what was loaded stays.
    LoadFailed,
    /// A live store refused or failed a request.
    StoreFailed,
    /// A load stopped at its limit; more is on the server.
    LimitReached,
    /// The user cancelled a load; what was loaded stays.
    Cancelled,
    /// A search or query matched nothing.
    NothingFound,
    /// A link or an id names a trace that is not loaded.
    NotLoaded,
    /// A file's log records wait for their spans (a file of logs alone).
    LogsWaiting,
    /// The price table could not be fetched or read: no cost is estimated.
    PricesFailed,
}

impl NoticeKind {
    pub fn level(self) -> Level {
        match self {
            NoticeKind::LoadFailed | NoticeKind::StoreFailed | NoticeKind::NotLoaded => Level::Error,
            NoticeKind::LimitReached | NoticeKind::PricesFailed => Level::Warning,
            NoticeKind::Cancelled | NoticeKind::NothingFound | NoticeKind::LogsWaiting => Level::Notice,
        }
    }
}

/// One message in the banner.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Numbered for good (never reused, even after every notice is dismissed): the embed API
    /// sends each one once.
    pub id: u64,
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn level(&self) -> Level {
        self.kind.level()
    }
}

#[derive(Clone, Copy)]
pub struct Notices {
    list: RwSignal<Vec<Notice>>,
}

impl Notices {
    pub fn new() -> Notices {
        Notices { list: RwSignal::new(Vec::new()) }
    }

    pub fn push(&self, kind: NoticeKind, text: String) {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.list.update(|l| l.push(Notice { id, kind, text }));
    }

    pub fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|n| n.id != id));
    }

    /// Takes back every notice of `kind` (what it said is no longer so); whether there was one.
    pub fn dismiss_kind(&self, kind: NoticeKind) -> bool {
        let had = self.list.with_untracked(|l| l.iter().any(|n| n.kind == kind));
        if had {
            self.list.update(|l| l.retain(|n| n.kind != kind));
        }
        had
    }

    /// The notices shown, tracked.
    pub fn get(&self) -> Vec<Notice> {
        self.list.get()
    }

    pub fn with<R>(&self, f: impl FnOnce(&[Notice]) -> R) -> R {
        self.list.with(|l| f(l))
    }
}

impl Default for Notices {
    fn default() -> Self {
        Notices::new()
    }
}
