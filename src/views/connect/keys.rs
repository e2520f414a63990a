//! Keys in the Connect dialog. Keys belong to the host they were typed for
//! (`advice::canonical_host`): another host empties the fields, a host with remembered keys fills
//! them in, and only Phoenix and Langfuse keep keys, each only the ones it sends. Also the notice
//! that a link reopened with remembered keys.

use crate::source::advice::canonical_host;
use crate::source::keys::{self, Keys};
use crate::source::link::SourceKind;
use crate::state::Credentials;
use crate::views::show::Show;
use leptos::prelude::*;

/// The key fields and the host they were typed for (or filled in from).
#[derive(Clone, Copy)]
pub struct HostKeys {
    host: RwSignal<String>,
    pub api_key: RwSignal<String>,
    pub public_key: RwSignal<String>,
    pub secret_key: RwSignal<String>,
    /// "Remember the keys on this device" is ticked.
    pub keep: RwSignal<bool>,
    pub is_remembered: RwSignal<bool>,
    /// The canonical host the keys in the fields belong to.
    pub keys_host: RwSignal<Option<String>>,
}

impl HostKeys {
    pub fn new(host: RwSignal<String>) -> HostKeys {
        let k = HostKeys {
            host,
            api_key: RwSignal::new(String::new()),
            public_key: RwSignal::new(String::new()),
            secret_key: RwSignal::new(String::new()),
            keep: RwSignal::new(false),
            is_remembered: RwSignal::new(false),
            keys_host: RwSignal::new(None),
        };
        // another host empties the key fields (keys typed for one server are never sent to, or
        // kept for, another); a host with remembered keys fills them in
        Effect::new(move |_| {
            let now = canonical_host(&host.get());
            if untrack(|| k.keys_host.get()) == now && now.is_some() {
                return; // the same server, spelled another way
            }
            k.clear();
            if let Some(r) = now.as_deref().and_then(keys::remembered) {
                k.api_key.set(r.api_key);
                k.public_key.set(r.public_key);
                k.secret_key.set(r.secret_key);
                k.is_remembered.set(true);
                k.keep.set(true);
            }
            k.keys_host.set(now);
        });
        k
    }

    fn clear(self) {
        self.api_key.set(String::new());
        self.public_key.set(String::new());
        self.secret_key.set(String::new());
        self.keep.set(false);
        self.is_remembered.set(false);
    }

    /// The keys to send to the host as it is now: none if the fields were typed for another.
    pub fn now(self) -> Keys {
        let same =
            self.keys_host.get_untracked().is_some_and(|h| Some(h) == canonical_host(&self.host.get_untracked()));
        if !same {
            return Keys::default();
        }
        Keys {
            api_key: self.api_key.get_untracked(),
            public_key: self.public_key.get_untracked(),
            secret_key: self.secret_key.get_untracked(),
        }
    }

    /// Remembers the keys `kind` sends for this host, if "remember" is ticked.
    pub fn save(self, kind: SourceKind) {
        if self.keep.get_untracked() && keys::remember(kind, &self.host.get_untracked(), &self.now()).is_some() {
            self.is_remembered.set(true);
        }
    }
}

/// "Remember the keys on this device", and when keys are remembered for this host, which host
/// and a button that forgets them.
#[component]
pub fn RememberRow(k: HostKeys, credentials: Credentials) -> impl IntoView {
    view! {
        <div class="modal-row">
            <label class="toggle-label">
                <input type="checkbox" id="connect-remember" prop:checked=move || k.keep.get() on:change=move |ev| k.keep.set(event_target_checked(&ev))/>
                "Remember the keys on this device (otherwise kept in memory only)"
            </label>
            <Show when=move || k.is_remembered.get()>
                <span class="hint" id="connect-remembered">
                    {move || format!("Using keys remembered for {}", k.keys_host.get().unwrap_or_default())}
                </span>
                <button
                    class="btn small"
                    id="connect-forget"
                    on:click=move |_| {
                        keys::forget(&k.host.get_untracked());
                        if credentials.remembered_for.get_untracked() == k.keys_host.get_untracked() {
                            credentials.remembered_for.set(None);
                        }
                        k.clear();
                    }
                >
                    "Forget keys for this host"
                </button>
            </Show>
        </div>
    }
}

/// Says that what a link reopened was loaded with keys remembered on this device, for which host,
/// with a button that forgets them ("using keys remembered for X · Forget").
#[component]
pub fn KeysNotice(credentials: Credentials) -> impl IntoView {
    move || {
        credentials.remembered_for.get().map(|host| {
            let shown = host.clone();
            view! {
                <div class="keys-notice" role="status" id="keys-notice">
                    <span>{format!("Using keys remembered for {shown} · ")}</span>
                    <button
                        class="btn small"
                        id="keys-notice-forget"
                        on:click=move |_| {
                            keys::forget(&host);
                            credentials.remembered_for.set(None);
                        }
                    >
                        "Forget"
                    </button>
                </div>
            }
        })
    }
}
