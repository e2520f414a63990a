//! The Connect dialog: load traces straight from a trace store's API (Phoenix, Langfuse, Tempo,
//! Jaeger, or any address with headers): one trace or session by id, or many by filters and time.
//! Keys stay in memory for the load unless the user ticks "remember"; never in the URL or messages.
//! Keys belong to the host they were typed for (`advice::canonical_host`): another host empties
//! the fields, and only Phoenix and Langfuse keep keys, each only the ones it sends.

use crate::model::units::plural;
use crate::remote::{LangfuseWhat, PhoenixWhat, StoreWhat};
use crate::source::advice::canonical_host;
use crate::source::keys::{self, Keys};
use crate::source::langfuse::{Langfuse, TraceFilter};
use crate::source::link::SourceKind;
use crate::source::phoenix::{Phoenix, Project, SpanQuery};
use crate::source::tracestore::{Search, TraceStore};
use crate::state::{Credentials, Dialogs, Jobs};
use leptos::prelude::*;

fn default_host(kind: &str) -> &'static str {
    match kind {
        "langfuse" => "https://cloud.langfuse.com",
        "tempo" => "http://127.0.0.1:3200",
        "jaeger" => "http://127.0.0.1:16686",
        "url" => "https://",
        _ => "http://127.0.0.1:6006",
    }
}

/// A `datetime-local` value (the user's local time) as Unix milliseconds.
fn local_ms(v: &str) -> Option<f64> {
    if v.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(v.trim())).get_time();
    (!ms.is_nan()).then_some(ms)
}

/// The same as ISO 8601 UTC, as Langfuse and Phoenix take it (empty when unset or invalid).
fn local_iso(v: &str) -> String {
    local_ms(v)
        .map(|ms| String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string()))
        .unwrap_or_default()
}

fn number(s: RwSignal<String>, default: usize) -> usize {
    s.get_untracked().trim().parse::<usize>().unwrap_or(default).max(1)
}

#[component]
pub fn ConnectDialog() -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    let dialogs = expect_context::<Dialogs>();
    let credentials = expect_context::<Credentials>();
    let loader = expect_context::<crate::state::load::Loader>();
    let state = expect_context::<crate::state::State>();
    // a link that could not reopen by itself fills the dialog in and says what is missing
    let preset = dialogs.connect_preset.get_untracked();
    dialogs.connect_preset.set(None);
    let kind =
        RwSignal::new(preset.as_ref().map(|(l, _)| l.kind.key().to_string()).unwrap_or_else(|| "phoenix".into()));
    let host = RwSignal::new(
        preset.as_ref().map(|(l, _)| l.host.clone()).unwrap_or_else(|| default_host("phoenix").to_string()),
    );
    let status = RwSignal::new(preset.as_ref().map(|(_, why)| why.clone()).unwrap_or_default());
    let trace_id = RwSignal::new(preset.as_ref().and_then(|(l, _)| l.trace.clone()).unwrap_or_default());
    let session_id = RwSignal::new(preset.as_ref().and_then(|(l, _)| l.session.clone()).unwrap_or_default());
    let project =
        RwSignal::new(preset.as_ref().and_then(|(l, _)| l.project.clone()).unwrap_or_else(|| "default".into()));
    let key = RwSignal::new(String::new());
    let public_key = RwSignal::new(String::new());
    let secret_key = RwSignal::new(String::new());
    let projects = RwSignal::new(Vec::<Project>::new());
    let max_spans = RwSignal::new("10000".to_string());
    let otlp = RwSignal::new(false);
    let (f_name, f_user, f_session, f_tags) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let max_traces = RwSignal::new("200".to_string());
    let query = RwSignal::new(String::new());
    let services = RwSignal::new(Vec::<String>::new());
    let service = RwSignal::new(String::new());
    let operation = RwSignal::new(String::new());
    let store_tags = RwSignal::new(String::new());
    let search_limit = RwSignal::new("20".to_string());
    let headers = RwSignal::new(String::new());
    let keep = RwSignal::new(false);
    let is_remembered = RwSignal::new(false);
    // the canonical host the keys in the fields were typed for (or filled in from)
    let keys_host = RwSignal::new(None::<String>);
    // another host empties the key fields (keys typed for one server are never sent to, or kept
    // for, another); a host with remembered keys fills them in
    Effect::new(move |_| {
        let now = canonical_host(&host.get());
        if untrack(|| keys_host.get()) == now && now.is_some() {
            return; // the same server, spelled another way
        }
        key.set(String::new());
        public_key.set(String::new());
        secret_key.set(String::new());
        keep.set(false);
        is_remembered.set(false);
        if let Some(k) = now.as_deref().and_then(keys::remembered) {
            key.set(k.api_key);
            public_key.set(k.public_key);
            secret_key.set(k.secret_key);
            is_remembered.set(true);
            keep.set(true);
        }
        keys_host.set(now);
    });
    // the keys to send to the host as it is now: none if the fields were typed for another
    let keys_now = move || {
        let fields = Keys {
            api_key: key.get_untracked(),
            public_key: public_key.get_untracked(),
            secret_key: secret_key.get_untracked(),
        };
        let same = keys_host.get_untracked().is_some_and(|h| Some(h) == canonical_host(&host.get_untracked()));
        if same {
            fields
        } else {
            Keys::default()
        }
    };
    let source_kind = move || SourceKind::from_key(&kind.get_untracked());
    let save_keys = move || {
        let Some(kind) = source_kind().filter(|_| keep.get_untracked()) else { return };
        if keys::remember(kind, &host.get_untracked(), &keys_now()).is_some() {
            is_remembered.set(true);
        }
    };
    let close = move || dialogs.connect.set(false);
    let is = move |k: &'static str| kind.with(|x| x == k);

    // "Name: value" per line; kept in memory for the request only
    let parsed_headers = move || {
        headers
            .get_untracked()
            .lines()
            .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
            .filter(|(k, _)| !k.is_empty())
            .collect::<Vec<_>>()
    };
    let langfuse = move || {
        let k = keys_now();
        Langfuse {
            host: host.get_untracked().trim().to_string(),
            public_key: k.public_key,
            secret_key: k.secret_key,
            notify: jobs.notifier(),
            generation: Default::default(),
        }
    };
    let phoenix = move || Phoenix {
        host: host.get_untracked().trim().to_string(),
        api_key: Some(keys_now().api_key).filter(|k| !k.is_empty()),
        notify: jobs.notifier(),
    };
    let store = move || TraceStore {
        kind: if is("jaeger") { SourceKind::Jaeger } else { SourceKind::Tempo },
        host: host.get_untracked().trim().to_string(),
        headers: parsed_headers(),
        notify: jobs.notifier(),
    };
    let search = move || Search {
        query: query.get_untracked(),
        service: service.get_untracked(),
        operation: operation.get_untracked(),
        tags: store_tags.get_untracked(),
        from_ms: local_ms(&from.get_untracked()),
        to_ms: local_ms(&to.get_untracked()),
        limit: number(search_limit, 20),
    };
    let filter = move || TraceFilter {
        name: f_name.get_untracked(),
        user_id: f_user.get_untracked(),
        session_id: f_session.get_untracked(),
        tags: f_tags.get_untracked(),
        from: local_iso(&from.get_untracked()),
        to: local_iso(&to.get_untracked()),
    };

    let open_trace = move |_| {
        let id = trace_id.get_untracked().trim().to_string();
        if id.is_empty() {
            status.set("Enter a trace id".into());
            return;
        }
        save_keys();
        match kind.get_untracked().as_str() {
            "langfuse" => state.load_langfuse(langfuse(), LangfuseWhat::Trace(id), 1),
            "phoenix" => state.load_phoenix(
                phoenix(),
                project.get_untracked(),
                PhoenixWhat::Spans(SpanQuery { trace_ids: vec![id], otlp: otlp.get_untracked(), ..Default::default() }),
                number(max_spans, 10_000),
            ),
            _ => state.load_store(store(), StoreWhat::Trace(id)),
        }
        close();
    };
    let open_session = move |_| {
        let id = session_id.get_untracked().trim().to_string();
        if id.is_empty() {
            status.set("Enter a session id".into());
            return;
        }
        save_keys();
        if is("langfuse") {
            state.load_langfuse(langfuse(), LangfuseWhat::Session(id), number(max_traces, 200));
        } else {
            state.load_phoenix(phoenix(), project.get_untracked(), PhoenixWhat::Session(id), number(max_spans, 10_000));
        }
        close();
    };
    let load_address = move |_| {
        loader.load_url_with(host.get_untracked().trim().to_string(), parsed_headers());
        close();
    };
    let count = move |_| {
        save_keys();
        let (c, f) = (langfuse(), filter());
        status.set("Asking Langfuse…".into());
        leptos::task::spawn_local(async move {
            match c.list(&f, 1, 1).await {
                Ok(p) => status.set(plural(p.total_items, "matching trace", "matching traces")),
                Err(e) => status.set(e.to_string()),
            }
        });
    };
    let load_langfuse = move |_| {
        save_keys();
        state.load_langfuse(langfuse(), LangfuseWhat::Matching(filter()), number(max_traces, 200));
        close();
    };
    let list_projects = move |_| {
        save_keys();
        let c = phoenix();
        status.set("Asking for projects…".into());
        leptos::task::spawn_local(async move {
            match c.projects().await {
                Ok(list) => {
                    status.set(plural(list.len(), "project", "projects"));
                    if !list.iter().any(|p| p.id == project.get_untracked() || p.name == project.get_untracked()) {
                        project.set(list.first().map(|p| p.name.clone()).unwrap_or_default());
                    }
                    projects.set(list);
                }
                Err(e) => status.set(e.to_string()),
            }
        });
    };
    let load_spans = move |_| {
        save_keys();
        let q = SpanQuery {
            from: local_iso(&from.get_untracked()),
            to: local_iso(&to.get_untracked()),
            trace_ids: Vec::new(),
            otlp: otlp.get_untracked(),
        };
        state.load_phoenix(phoenix(), project.get_untracked(), PhoenixWhat::Spans(q), number(max_spans, 10_000));
        close();
    };
    let list_services = move |_| {
        let c = store();
        status.set("Asking for services…".into());
        leptos::task::spawn_local(async move {
            match c.jaeger_services().await {
                Ok(list) => {
                    status.set(plural(list.len(), "service", "services"));
                    service.set(list.first().cloned().unwrap_or_default());
                    services.set(list);
                }
                Err(e) => status.set(e.to_string()),
            }
        });
    };
    let run_search = move |_| {
        if is("jaeger") && service.get_untracked().trim().is_empty() {
            status.set("Choose a service (List services)".into());
            return;
        }
        state.load_store(store(), StoreWhat::Search(search()));
        close();
    };

    let input = move |id: &'static str, sig: RwSignal<String>| {
        view! { <input id=id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/> }
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| close()>
            <div class="modal" role="dialog" aria-label="Connect to a trace store" on:click=|ev| ev.stop_propagation()>
                <h3>"Load from an API"</h3>
                <label>"Source"
                    <select
                        id="connect-source"
                        on:change=move |ev| {
                            let k = event_target_value(&ev);
                            host.set(default_host(&k).into());
                            status.set(String::new());
                            kind.set(k);
                        }
                    >
                        {[
                            ("phoenix", "Arize Phoenix"),
                            ("langfuse", "Langfuse (cloud or self-hosted)"),
                            ("tempo", "Grafana Tempo"),
                            ("jaeger", "Jaeger"),
                            ("url", "Any address, with headers"),
                        ]
                            .into_iter()
                            .map(|(v, label)| view! { <option value=v selected=move || is(v)>{label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>"Host"
                    <input id="connect-host" type="url" prop:value=move || host.get() on:input=move |ev| host.set(event_target_value(&ev))/>
                </label>
                <Show when=move || is("phoenix")>
                    <label>"API key (optional)"
                        <input id="connect-key" type="password" autocomplete="off" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev))/>
                    </label>
                    <p class="hint">"The server must allow this page's origin (Phoenix: PHOENIX_ALLOWED_ORIGINS)."</p>
                </Show>
                <Show when=move || is("langfuse")>
                    <div class="filters">
                        <label>"Public key"
                            <input id="connect-pk" type="text" autocomplete="off" prop:value=move || public_key.get() on:input=move |ev| public_key.set(event_target_value(&ev))/>
                        </label>
                        <label>"Secret key"
                            <input id="connect-sk" type="password" autocomplete="off" prop:value=move || secret_key.get() on:input=move |ev| secret_key.set(event_target_value(&ev))/>
                        </label>
                    </div>
                </Show>
                <Show when=move || is("phoenix") || is("langfuse")>
                    <div class="modal-row">
                        <label class="toggle-label">
                            <input type="checkbox" id="connect-remember" prop:checked=move || keep.get() on:change=move |ev| keep.set(event_target_checked(&ev))/>
                            "Remember the keys on this device (otherwise kept in memory only)"
                        </label>
                        <Show when=move || is_remembered.get()>
                            <span class="hint" id="connect-remembered">
                                {move || format!("Using keys remembered for {}", keys_host.get().unwrap_or_default())}
                            </span>
                            <button
                                class="btn small"
                                id="connect-forget"
                                on:click=move |_| {
                                    keys::forget(&host.get_untracked());
                                    if credentials.remembered_for.get_untracked() == keys_host.get_untracked() {
                                        credentials.remembered_for.set(None);
                                    }
                                    key.set(String::new());
                                    public_key.set(String::new());
                                    secret_key.set(String::new());
                                    keep.set(false);
                                    is_remembered.set(false);
                                }
                            >
                                "Forget keys for this host"
                            </button>
                        </Show>
                    </div>
                </Show>
                <Show when=move || !is("phoenix") && !is("langfuse")>
                    <label>"Request headers, one \"Name: value\" per line (kept in memory only)"
                        <textarea id="connect-headers" rows="2" prop:value=move || headers.get() on:input=move |ev| headers.set(event_target_value(&ev))></textarea>
                    </label>
                </Show>
                <Show when=move || is("phoenix")>
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
                </Show>
                <Show when=move || !is("url")>
                    <fieldset class="connect-one">
                        <legend>"One trace or session"</legend>
                        <div class="modal-row">
                            <label>"Trace id" {input("connect-trace-id", trace_id)}</label>
                            <button class="btn" id="connect-open-trace" on:click=open_trace>"Open trace"</button>
                        </div>
                        <Show when=move || is("phoenix") || is("langfuse")>
                            <div class="modal-row">
                                <label>"Session id" {input("connect-session-id", session_id)}</label>
                                <button class="btn" id="connect-open-session" on:click=open_session>"Open session"</button>
                            </div>
                        </Show>
                    </fieldset>
                    <fieldset class="connect-many">
                        <legend>"Many, by time and filters"</legend>
                        <div class="filters">
                            <label>"From (local time)"<input id="connect-from" type="datetime-local" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/></label>
                            <label>"To"<input id="connect-to" type="datetime-local" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/></label>
                        </div>
                        <Show when=move || is("phoenix")>
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
                        </Show>
                        <Show when=move || is("langfuse")>
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
                                <button class="btn" id="connect-load-langfuse" on:click=load_langfuse>"Load traces"</button>
                            </div>
                        </Show>
                        <Show when=move || is("tempo")>
                            <label>"TraceQL (empty: all)" {input("connect-traceql", query)}</label>
                        </Show>
                        <Show when=move || is("jaeger")>
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
                                <label>"Tags (key=value, space-separated)" {input("connect-tags", store_tags)}</label>
                            </div>
                        </Show>
                        <Show when=move || is("tempo") || is("jaeger")>
                            <div class="modal-row">
                                <label>"At most this many traces" {input("connect-search-limit", search_limit)}</label>
                                <button class="btn" id="connect-search" on:click=run_search>"Search"</button>
                            </div>
                        </Show>
                    </fieldset>
                </Show>
                <Show when=move || is("url")>
                    <div class="modal-row">
                        <button class="btn" id="connect-load-url" on:click=load_address>"Load address"</button>
                    </div>
                </Show>
                <p class="hint connect-status" role="status">{move || status.get()}</p>
            </div>
        </div>
    }
}

/// Says that what a link reopened was loaded with keys remembered on this device, for which host,
/// with a button that forgets them ("using keys remembered for X · Forget").
#[component]
pub fn KeysNotice() -> impl IntoView {
    let credentials = expect_context::<Credentials>();
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
