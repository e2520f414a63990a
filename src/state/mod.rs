//! App state, owned by concern: the loaded data, what is shown of it, the work under way, the
//! notices, where the data came from, the dialogs, and the credentials of live stores. Each part
//! is a small `Copy` handle of signals provided to the views on its own, so a view takes only
//! what it shows (and a component test provides only that). State never imports views.

pub mod address;
pub mod credentials;
pub mod data;
pub mod dialogs;
pub mod jobs;
pub mod links;
pub mod live;
pub mod load;
pub mod notices;
pub mod prices;
pub mod view;

pub use credentials::Credentials;
pub use data::{Data, TraceRef};
pub use dialogs::Dialogs;
pub use jobs::{Jobs, Progress};
pub use links::Links;
pub use notices::{Level, Notice, NoticeKind, Notices};
pub use prices::{PriceStatus, Prices};
pub use view::{MainView, Page, Theme, ViewState};

use crate::source::fragment::ViewFragment;
use leptos::prelude::*;

/// Every part of the state, for the app's wiring (address bar, embed API, loads). Views take the
/// parts they need instead.
#[derive(Clone, Copy)]
pub struct State {
    pub data: Data,
    pub view: ViewState,
    pub jobs: Jobs,
    pub notices: Notices,
    pub links: Links,
    pub dialogs: Dialogs,
    pub credentials: Credentials,
    pub prices: Prices,
    /// Opened with `?embed=1`: no toolbar, no drop zone, parts hidden on request.
    pub embed: StoredValue<Option<Embed>>,
}

impl State {
    pub fn new() -> State {
        let data = Data::new();
        State {
            data,
            view: ViewState::new(data),
            jobs: Jobs::new(),
            notices: Notices::new(),
            links: Links::new(),
            dialogs: Dialogs::new(),
            credentials: Credentials::new(),
            prices: Prices::new(),
            embed: StoredValue::new(None),
        }
    }

    /// What live loads need, for Connect and the address bar.
    pub fn live(&self) -> live::Live {
        live::Live {
            data: self.data,
            view: self.view,
            jobs: self.jobs,
            notices: self.notices,
            links: self.links,
            dialogs: self.dialogs,
            credentials: self.credentials,
        }
    }

    /// The address of what is shown.
    pub fn address(&self) -> address::Address {
        address::Address { data: self.data, view: self.view, links: self.links }
    }

    /// Gives each part to the views below as its own context.
    pub fn provide(self) {
        provide_context(self);
        provide_context(self.data);
        provide_context(self.view);
        provide_context(self.jobs);
        provide_context(self.notices);
        provide_context(self.links);
        provide_context(self.dialogs);
        provide_context(self.credentials);
        provide_context(self.prices);
        provide_context(self.loader());
        provide_context(self.address());
        provide_context(self.live());
        provide_context(EmbedMode(self.embed));
    }

    pub fn embedded(&self) -> bool {
        self.embed.with_value(Option::is_some)
    }

    /// What loads need, for the wiring and the views that open files and addresses.
    pub fn loader(&self) -> load::Loader {
        load::Loader { data: self.data, view: self.view, jobs: self.jobs, notices: self.notices, links: self.links }
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

/// Whether the page is embedded, and how (its own context type: views ask only this).
#[derive(Clone, Copy)]
pub struct EmbedMode(pub StoredValue<Option<Embed>>);

impl EmbedMode {
    pub fn embedded(&self) -> bool {
        self.0.with_value(Option::is_some)
    }

    /// Classes for the app's root element.
    pub fn classes(&self) -> String {
        self.0.with_value(|e| e.as_ref().map(Embed::classes).unwrap_or_default())
    }
}

/// What `?embed=1&hide=…` asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embed {
    /// Parts left out: `nav`, `list`, `header`, `tabs`, `detail`.
    pub hide: Vec<String>,
}

/// The parts `hide=` can name; each becomes a `hide-<part>` class on the app.
pub const PARTS: [&str; 5] = ["nav", "list", "header", "tabs", "detail"];

impl Embed {
    /// `Some` when the page was opened embedded (`embed`, `embed=1`; not `embed=0`).
    pub fn from_view(f: &ViewFragment) -> Option<Embed> {
        let on = f.kept("embed").is_some_and(|v| !matches!(v, "0" | "false" | "no"));
        on.then(|| Embed {
            hide: f
                .kept("hide")
                .unwrap_or("")
                .split(',')
                .map(|p| p.trim().to_ascii_lowercase())
                .filter(|p| PARTS.contains(&p.as_str()))
                .collect(),
        })
    }

    /// Classes for the app's root element.
    pub fn classes(&self) -> String {
        let mut c = String::from("embed");
        for p in &self.hide {
            c.push_str(" hide-");
            c.push_str(p);
        }
        c
    }
}
