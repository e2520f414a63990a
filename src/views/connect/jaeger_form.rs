//! The Jaeger form: request headers, a trace by id, or a search of one service (listed or
//! typed) by time, operation and tags.

use super::parts::{ask, input, local_ms, number, HeadersField, ManyFieldset, OneFieldset};
use super::Common;
use crate::model::units::plural;
use crate::source::live::jaeger::{Jaeger, Query, Search, What};
use crate::source::live::{Credentials, Query as Load};
use crate::views::show::Show;
use leptos::prelude::*;

pub const LABEL: &str = "Jaeger";
pub const DEFAULT_HOST: &str = "http://127.0.0.1:16686";

#[component]
pub fn JaegerForm(c: Common) -> impl IntoView {
    let services = RwSignal::new(Vec::<String>::new());
    let (service, operation, tags) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let search_limit = RwSignal::new("20".to_string());
    let store =
        move || Jaeger::new(&c.host(), Credentials::parse_headers(&c.headers.get_untracked()), c.live.jobs.notifier());
    let open_trace = Callback::new(move |()| {
        if let Some(id) = c.trace_id() {
            c.load(Load::Jaeger(Query { store: store(), what: What::Trace(id) }));
        }
    });
    let list_services = move |_| {
        let store = store();
        ask(c, "Asking for services…", async move { store.services().await }, move |list| {
            c.status.set(plural(list.len(), "service", "services"));
            service.set(list.first().cloned().unwrap_or_default());
            services.set(list);
        });
    };
    let run_search = move |_| {
        if service.get_untracked().trim().is_empty() {
            c.status.set("Choose a service (List services)".into());
            return;
        }
        let search = Search {
            service: service.get_untracked(),
            operation: operation.get_untracked(),
            tags: tags.get_untracked(),
            from_ms: local_ms(&c.from.get_untracked()),
            to_ms: local_ms(&c.to.get_untracked()),
            limit: number(search_limit, 20),
        };
        c.load(Load::Jaeger(Query { store: store(), what: What::Search(search) }));
    };
    view! {
        <HeadersField c=c/>
        <OneFieldset c=c open_trace=open_trace/>
        <ManyFieldset c=c>
            <div class="modal-row">
                <Show
                    when=move || !services.with(Vec::is_empty)
                    fallback=move || view! { <label>"Service" {input("connect-service-text", service)}</label> }
                >
                    <label>"Service"
                        <select id="connect-service" on:change=move |ev| service.set(event_target_value(&ev))>
                            {move || services.get().into_iter().map(|s| {
                                let sel = s == service.get_untracked();
                                view! { <option value=s.clone() selected=sel>{s.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <button class="btn" id="connect-list-services" on:click=list_services>"List services"</button>
            </div>
            <div class="filters">
                <label>"Operation" {input("connect-operation", operation)}</label>
                <label>"Tags (key=value, space-separated)" {input("connect-tags", tags)}</label>
            </div>
            <div class="modal-row">
                <label>"At most this many traces" {input("connect-search-limit", search_limit)}</label>
                <button class="btn" id="connect-search" on:click=run_search>"Search"</button>
            </div>
        </ManyFieldset>
    }
}
