//! The Connect dialog: load traces straight from a trace store's API (Phoenix, Langfuse, Tempo,
//! Jaeger, or any address with headers): one trace or session by id, or many by filters and time.
//! This file is the frame (source, host, status) and the registry of forms, one file each.
//! Keys stay in memory for the load unless the user ticks "remember"; never in the URL or messages.

mod address_form;
mod jaeger_form;
mod keys;
mod langfuse_form;
mod parts;
mod phoenix_form;
mod tempo_form;

pub use keys::KeysNotice;

use crate::source::link::{SourceKind, SourceLink};
use crate::state::live::Live;
use crate::state::load::Loader;
use keys::HostKeys;
use leptos::prelude::*;

/// What the Source list offers: a live store, or any address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Store(SourceKind),
    Address,
}

impl Choice {
    /// The list, in order: every store, then any address.
    fn all() -> impl Iterator<Item = Choice> {
        SourceKind::ALL.into_iter().map(Choice::Store).chain([Choice::Address])
    }

    /// The value of its option (a store's fragment key).
    fn key(self) -> &'static str {
        match self {
            Choice::Store(k) => k.key(),
            Choice::Address => "url",
        }
    }

    fn from_key(s: &str) -> Choice {
        SourceKind::from_key(s).map_or(Choice::Address, Choice::Store)
    }

    /// Its label in the list and the host it starts with: each form says its own.
    fn label_and_host(self) -> (&'static str, &'static str) {
        match self {
            Choice::Store(SourceKind::Phoenix) => (phoenix_form::LABEL, phoenix_form::DEFAULT_HOST),
            Choice::Store(SourceKind::Langfuse) => (langfuse_form::LABEL, langfuse_form::DEFAULT_HOST),
            Choice::Store(SourceKind::Tempo) => (tempo_form::LABEL, tempo_form::DEFAULT_HOST),
            Choice::Store(SourceKind::Jaeger) => (jaeger_form::LABEL, jaeger_form::DEFAULT_HOST),
            Choice::Address => (address_form::LABEL, address_form::DEFAULT_HOST),
        }
    }
}

/// What every form shares: the frame's fields and the keys typed for its host.
#[derive(Clone, Copy)]
pub struct Common {
    pub live: Live,
    pub loader: Loader,
    pub host: RwSignal<String>,
    /// The line under the form: what a list found, or what is missing.
    pub status: RwSignal<String>,
    pub trace_id: RwSignal<String>,
    pub session_id: RwSignal<String>,
    /// `datetime-local` values (the user's local time).
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
    /// "Name: value" per line; kept in memory for the request only.
    pub headers: RwSignal<String>,
    pub keys: HostKeys,
    /// The link the dialog was opened for, if any.
    pub preset: StoredValue<Option<SourceLink>>,
}

impl Common {
    pub fn close(self) {
        self.live.dialogs.connect.set(false);
    }

    /// The host as typed, trimmed.
    pub fn host(self) -> String {
        self.host.get_untracked().trim().to_string()
    }

    /// Runs `load` and closes the dialog.
    pub fn load(self, query: crate::source::live::Query) {
        self.live.load(query);
        self.close();
    }

    /// The trace id typed, or `None` with the status saying it is missing.
    pub fn trace_id(self) -> Option<String> {
        let id = self.trace_id.get_untracked().trim().to_string();
        if id.is_empty() {
            self.status.set("Enter a trace id".into());
        }
        (!id.is_empty()).then_some(id)
    }

    /// The session id typed, or `None` with the status saying it is missing.
    pub fn session_id(self) -> Option<String> {
        let id = self.session_id.get_untracked().trim().to_string();
        if id.is_empty() {
            self.status.set("Enter a session id".into());
        }
        (!id.is_empty()).then_some(id)
    }
}

#[component]
pub fn ConnectDialog(live: Live, loader: Loader) -> impl IntoView {
    // a link that could not reopen by itself fills the dialog in and says what is missing
    let preset = live.dialogs.connect_preset.get_untracked();
    live.dialogs.connect_preset.set(None);
    let first = preset.as_ref().map_or(Choice::Store(SourceKind::Phoenix), |(l, _)| Choice::Store(l.kind));
    let choice = RwSignal::new(first);
    let host =
        RwSignal::new(preset.as_ref().map_or_else(|| first.label_and_host().1.to_string(), |(l, _)| l.host.clone()));
    let link = preset.as_ref().map(|(l, _)| l.clone());
    let common = Common {
        live,
        loader,
        host,
        status: RwSignal::new(preset.as_ref().map(|(_, why)| why.clone()).unwrap_or_default()),
        trace_id: RwSignal::new(link.as_ref().and_then(|l| l.trace.clone()).unwrap_or_default()),
        session_id: RwSignal::new(link.as_ref().and_then(|l| l.session.clone()).unwrap_or_default()),
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
        headers: RwSignal::new(String::new()),
        keys: HostKeys::new(host),
        preset: StoredValue::new(link),
    };
    let status = common.status;
    let close = move || live.dialogs.connect.set(false);
    view! {
        <div class="modal-backdrop" on:click=move |_| close()>
            <div class="modal" role="dialog" aria-label="Connect to a trace store" on:click=|ev| ev.stop_propagation()>
                <h3>"Load from an API"</h3>
                <label>"Source"
                    <select
                        id="connect-source"
                        on:change=move |ev| {
                            let c = Choice::from_key(&event_target_value(&ev));
                            host.set(c.label_and_host().1.into());
                            status.set(String::new());
                            choice.set(c);
                        }
                    >
                        {Choice::all()
                            .map(|c| view! { <option value=c.key() selected=move || choice.get() == c>{c.label_and_host().0}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>"Host"
                    <input id="connect-host" type="url" prop:value=move || host.get() on:input=move |ev| host.set(event_target_value(&ev))/>
                </label>
                {move || match choice.get() {
                    Choice::Store(SourceKind::Phoenix) => view! { <phoenix_form::PhoenixForm c=common/> }.into_any(),
                    Choice::Store(SourceKind::Langfuse) => view! { <langfuse_form::LangfuseForm c=common/> }.into_any(),
                    Choice::Store(SourceKind::Tempo) => view! { <tempo_form::TempoForm c=common/> }.into_any(),
                    Choice::Store(SourceKind::Jaeger) => view! { <jaeger_form::JaegerForm c=common/> }.into_any(),
                    Choice::Address => view! { <address_form::AddressForm c=common/> }.into_any(),
                }}
                <p class="hint connect-status" role="status">{move || status.get()}</p>
            </div>
        </div>
    }
}
