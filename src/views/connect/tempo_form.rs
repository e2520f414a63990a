//! The Tempo form: request headers, a trace by id, or a TraceQL search by time.

use super::parts::{input, local_ms, number, HeadersField, ManyFieldset, OneFieldset};
use super::Common;
use crate::source::live::tempo::{Query, Search, Tempo, What};
use crate::source::live::{Credentials, Query as Load};
use leptos::prelude::*;

pub const LABEL: &str = "Grafana Tempo";
pub const DEFAULT_HOST: &str = "http://127.0.0.1:3200";

#[component]
pub fn TempoForm(c: Common) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let search_limit = RwSignal::new("20".to_string());
    let load = move |what: What| {
        let store =
            Tempo::new(&c.host(), Credentials::parse_headers(&c.headers.get_untracked()), c.live.jobs.notifier());
        c.load(Load::Tempo(Query { store, what }));
    };
    let open_trace = Callback::new(move |()| {
        if let Some(id) = c.trace_id() {
            load(What::Trace(id));
        }
    });
    let run_search = move |_| {
        load(What::Search(Search {
            query: query.get_untracked(),
            from_ms: local_ms(&c.from.get_untracked()),
            to_ms: local_ms(&c.to.get_untracked()),
            limit: number(search_limit, 20),
        }))
    };
    view! {
        <HeadersField c=c/>
        <OneFieldset c=c open_trace=open_trace/>
        <ManyFieldset c=c>
            <label>"TraceQL (empty: all)" {input("connect-traceql", query)}</label>
            <div class="modal-row">
                <label>"At most this many traces" {input("connect-search-limit", search_limit)}</label>
                <button class="btn" id="connect-search" on:click=run_search>"Search"</button>
            </div>
        </ManyFieldset>
    }
}
