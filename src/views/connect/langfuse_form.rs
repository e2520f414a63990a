//! The Langfuse form: the project's public and secret key, a trace or a session by id, or traces
//! by time and server-side filters (counted first if wished).

use super::keys::RememberRow;
use super::parts::{ask, input, local_iso, number, ManyFieldset, OneFieldset};
use super::Common;
use crate::model::units::plural;
use crate::source::link::SourceKind;
use crate::source::live::langfuse::{Langfuse, Query, TraceFilter, What};
use crate::source::live::Query as Load;
use leptos::prelude::*;

pub const LABEL: &str = "Langfuse (cloud or self-hosted)";
pub const DEFAULT_HOST: &str = "https://cloud.langfuse.com";

#[component]
pub fn LangfuseForm(c: Common) -> impl IntoView {
    let k = c.keys;
    let (public_key, secret_key) = (k.public_key, k.secret_key);
    let (f_name, f_user, f_session, f_tags) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let max_traces = RwSignal::new("200".to_string());
    let store = move || {
        k.save(SourceKind::Langfuse);
        let keys = k.now();
        Langfuse::new(&c.host(), keys.public_key, keys.secret_key, c.live.jobs.notifier())
    };
    let load = move |what: What, max_traces: usize| c.load(Load::Langfuse(Query { store: store(), what, max_traces }));
    let filter = move || TraceFilter {
        name: f_name.get_untracked(),
        user_id: f_user.get_untracked(),
        session_id: f_session.get_untracked(),
        tags: f_tags.get_untracked(),
        from: local_iso(&c.from.get_untracked()),
        to: local_iso(&c.to.get_untracked()),
    };
    let open_trace = Callback::new(move |()| {
        if let Some(id) = c.trace_id() {
            load(What::Trace(id), 1);
        }
    });
    let open_session = Callback::new(move |()| {
        if let Some(id) = c.session_id() {
            load(What::Session(id), number(max_traces, 200));
        }
    });
    let count = move |_| {
        let (store, f) = (store(), filter());
        ask(c, "Asking Langfuse…", async move { store.list(&f, 1, 1).await }, move |p| {
            c.status.set(plural(p.total_items, "matching trace", "matching traces"))
        });
    };
    let load_traces = move |_| load(What::Matching(filter()), number(max_traces, 200));
    view! {
        <div class="filters">
            <label>"Public key"
                <input id="connect-pk" type="text" autocomplete="off" prop:value=move || public_key.get() on:input=move |ev| public_key.set(event_target_value(&ev))/>
            </label>
            <label>"Secret key"
                <input id="connect-sk" type="password" autocomplete="off" prop:value=move || secret_key.get() on:input=move |ev| secret_key.set(event_target_value(&ev))/>
            </label>
        </div>
        <RememberRow k=k credentials=c.live.credentials/>
        <OneFieldset c=c open_trace=open_trace open_session=open_session/>
        <ManyFieldset c=c>
            <div class="filters">
                <label>"Name" {input("connect-f-name", f_name)}</label>
                <label>"User" {input("connect-f-user", f_user)}</label>
                <label>"Session" {input("connect-f-session", f_session)}</label>
                <label>"Tags (comma-separated)" {input("connect-f-tags", f_tags)}</label>
            </div>
            <label>"At most this many traces"
                <input id="connect-max-traces" type="number" min="1" prop:value=move || max_traces.get() on:input=move |ev| max_traces.set(event_target_value(&ev))/>
            </label>
            <div class="modal-row">
                <button class="btn" id="connect-count" on:click=count>"Count matches"</button>
                <button class="btn" id="connect-load-langfuse" on:click=load_traces>"Load traces"</button>
            </div>
        </ManyFieldset>
    }
}
