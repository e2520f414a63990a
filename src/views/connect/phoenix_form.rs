//! The Phoenix form: API key (optional), project (typed or listed), a trace or a session by id,
//! or spans by time, in Phoenix's span JSON or OTLP.

use super::keys::RememberRow;
use super::parts::{ask, input, local_iso, number, ManyFieldset, OneFieldset};
use super::Common;
use crate::model::units::plural;
use crate::source::link::SourceKind;
use crate::source::live::phoenix::{Phoenix, Project, Query, SpanQuery, What};
use crate::source::live::Query as Load;
use crate::views::show::Show;
use leptos::prelude::*;

pub const LABEL: &str = "Arize Phoenix";
pub const DEFAULT_HOST: &str = "http://127.0.0.1:6006";

#[component]
pub fn PhoenixForm(c: Common) -> impl IntoView {
    let k = c.keys;
    let key = k.api_key;
    let preset = c.preset.with_value(|p| p.as_ref().and_then(|l| l.project.clone()));
    let project = RwSignal::new(preset.unwrap_or_else(|| "default".into()));
    let projects = RwSignal::new(Vec::<Project>::new());
    let max_spans = RwSignal::new("10000".to_string());
    let otlp = RwSignal::new(false);
    let store = move || {
        k.save(SourceKind::Phoenix);
        Phoenix::new(&c.host(), k.now().api_key, c.live.jobs.notifier())
    };
    let load = move |what: What| {
        let store = store();
        let query = Query { store, project: project.get_untracked(), what, max_spans: number(max_spans, 10_000) };
        c.load(Load::Phoenix(query));
    };
    let open_trace = Callback::new(move |()| {
        if let Some(id) = c.trace_id() {
            load(What::Spans(SpanQuery { trace_ids: vec![id], otlp: otlp.get_untracked(), ..Default::default() }));
        }
    });
    let open_session = Callback::new(move |()| {
        if let Some(id) = c.session_id() {
            load(What::Session(id));
        }
    });
    let load_spans = move |_| {
        load(What::Spans(SpanQuery {
            from: local_iso(&c.from.get_untracked()),
            to: local_iso(&c.to.get_untracked()),
            trace_ids: Vec::new(),
            otlp: otlp.get_untracked(),
        }))
    };
    let list_projects = move |_| {
        let store = store();
        ask(c, "Asking for projects…", async move { store.projects().await }, move |list| {
            c.status.set(plural(list.len(), "project", "projects"));
            if !list.iter().any(|p| p.id == project.get_untracked() || p.name == project.get_untracked()) {
                project.set(list.first().map(|p| p.name.clone()).unwrap_or_default());
            }
            projects.set(list);
        });
    };
    view! {
        <label>"API key (optional)"
            <input id="connect-key" type="password" autocomplete="off" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev))/>
        </label>
        <p class="hint">"The server must allow this page's origin (Phoenix: PHOENIX_ALLOWED_ORIGINS)."</p>
        <RememberRow k=k credentials=c.live.credentials/>
        <Show
            when=move || !projects.with(Vec::is_empty)
            fallback=move || view! {
                <div class="modal-row">
                    <label>"Project" {input("connect-project-text", project)}</label>
                    <button class="btn" id="connect-list" on:click=list_projects>"List projects"</button>
                </div>
            }
        >
            <label>"Project"
                <select id="connect-project" on:change=move |ev| project.set(event_target_value(&ev))>
                    {move || projects.get().into_iter().map(|p| {
                        let sel = p.name == project.get_untracked() || p.id == project.get_untracked();
                        view! { <option value=p.name.clone() selected=sel>{p.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
        </Show>
        <OneFieldset c=c open_trace=open_trace open_session=open_session/>
        <ManyFieldset c=c>
            <div class="filters">
                <label>"At most this many spans"
                    <input id="connect-max" type="number" min="1" prop:value=move || max_spans.get() on:input=move |ev| max_spans.set(event_target_value(&ev))/>
                </label>
                <label>"Ask for"
                    <select id="connect-format" on:change=move |ev| otlp.set(event_target_value(&ev) == "otlp")>
                        <option value="phoenix" selected=true>"Phoenix spans (/spans)"</option>
                        <option value="otlp">"OTLP spans (/spans/otlpv1)"</option>
                    </select>
                </label>
            </div>
            <div class="modal-row">
                <button class="btn" id="connect-load" on:click=load_spans>"Load spans"</button>
            </div>
        </ManyFieldset>
    }
}
