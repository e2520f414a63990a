//! The Connect dialog: load traces straight from a trace store's API (Phoenix for now). Keys are
//! kept in memory for this dialog only: never in the URL, never stored, never in messages.

use crate::app::AppState;
use crate::source::langfuse::{Langfuse, TraceFilter};
use crate::source::phoenix::{Phoenix, Project};
use leptos::prelude::*;

/// Keys remembered on this device (only when the user ticks the box): localStorage, per host.
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn remembered(host: &str) -> Option<(String, String, String)> {
    let raw = storage()?.get_item(&format!("canopy.keys.{}", host.trim().trim_end_matches('/'))).ok()??;
    let v: Vec<String> = serde_json::from_str(&raw).ok()?;
    Some((v.first()?.clone(), v.get(1)?.clone(), v.get(2)?.clone()))
}

fn remember(host: &str, key: &str, public_key: &str, secret_key: &str) {
    if let Some(s) = storage() {
        let v = serde_json::to_string(&[key, public_key, secret_key]).unwrap_or_default();
        let _ = s.set_item(&format!("canopy.keys.{}", host.trim().trim_end_matches('/')), &v);
    }
}

fn forget(host: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&format!("canopy.keys.{}", host.trim().trim_end_matches('/')));
    }
}

#[component]
pub fn ConnectDialog() -> impl IntoView {
    let state = expect_context::<AppState>();
    let host = RwSignal::new("http://127.0.0.1:6006".to_string());
    let key = RwSignal::new(String::new());
    let projects = RwSignal::new(Vec::<Project>::new());
    let project = RwSignal::new(String::new());
    let max_spans = RwSignal::new("10000".to_string());
    let status = RwSignal::new(String::new());
    let kind = RwSignal::new("phoenix".to_string());
    let public_key = RwSignal::new(String::new());
    let secret_key = RwSignal::new(String::new());
    let (f_name, f_user, f_session, f_tags) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let max_traces = RwSignal::new("200".to_string());
    let keep = RwSignal::new(false);
    let is_remembered = RwSignal::new(false);
    // a host with remembered keys fills them in
    Effect::new(move |_| {
        let h = host.get();
        match remembered(&h) {
            Some((k, pk, sk)) => {
                key.set(k);
                public_key.set(pk);
                secret_key.set(sk);
                is_remembered.set(true);
                keep.set(true);
            }
            None => is_remembered.set(false),
        }
    });
    let save_keys = move || {
        if keep.get_untracked() {
            remember(
                &host.get_untracked(),
                &key.get_untracked(),
                &public_key.get_untracked(),
                &secret_key.get_untracked(),
            );
        }
    };
    let trace_id = RwSignal::new(String::new());
    let headers = RwSignal::new(String::new());
    // "Name: value" per line; kept in memory for this request only
    let parsed_headers = move || {
        headers
            .get_untracked()
            .lines()
            .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
            .filter(|(k, _)| !k.is_empty())
            .collect::<Vec<_>>()
    };
    let load_by_id = move |_| {
        let id = trace_id.get_untracked().trim().to_string();
        if id.is_empty() {
            status.set("Enter a trace id".into());
            return;
        }
        let url = format!(
            "{}/api/traces/{}",
            host.get_untracked().trim().trim_end_matches('/'),
            js_sys::encode_uri_component(&id)
        );
        state.load_url_with(url, parsed_headers());
        state.connect_open.set(false);
    };
    let load_address = move |_| {
        let url = host.get_untracked().trim().to_string();
        state.load_url_with(url, parsed_headers());
        state.connect_open.set(false);
    };
    // waits for rate limits are reported in the status line
    let notify = move || -> std::rc::Rc<dyn Fn(String)> { std::rc::Rc::new(move |m| state.loading.set(Some(m))) };
    let langfuse = move || Langfuse {
        host: host.get_untracked(),
        public_key: public_key.get_untracked(),
        secret_key: secret_key.get_untracked(),
        notify: notify(),
    };
    let filter = move || TraceFilter {
        name: f_name.get_untracked(),
        user_id: f_user.get_untracked(),
        session_id: f_session.get_untracked(),
        tags: f_tags.get_untracked(),
    };
    let count = move |_| {
        save_keys();
        let (c, f) = (langfuse(), filter());
        status.set("Asking Langfuse…".into());
        leptos::task::spawn_local(async move {
            match c.trace_ids(&f, 1, 1).await {
                Ok((_, _, total)) => status.set(format!("{total} matching trace(s)")),
                Err(e) => status.set(e.to_string()),
            }
        });
    };
    let load_langfuse = move |_| {
        save_keys();
        let max = max_traces.get_untracked().trim().parse::<usize>().unwrap_or(200).max(1);
        state.load_langfuse(langfuse(), filter(), max);
        state.connect_open.set(false);
    };
    let client = move || Phoenix {
        host: host.get_untracked().trim().to_string(),
        api_key: Some(key.get_untracked()).filter(|k| !k.is_empty()),
        notify: notify(),
    };
    let list = move |_| {
        save_keys();
        let c = client();
        status.set("Asking for projects…".into());
        leptos::task::spawn_local(async move {
            match c.projects().await {
                Ok(list) => {
                    status.set(format!("{} project(s)", list.len()));
                    project.set(list.first().map(|p| p.id.clone()).unwrap_or_default());
                    projects.set(list);
                }
                Err(e) => status.set(e.to_string()),
            }
        });
    };
    let load = move |_| {
        let Some(p) = projects.with_untracked(|ps| ps.iter().find(|p| p.id == project.get_untracked()).cloned()) else {
            return;
        };
        let max = max_spans.get_untracked().trim().parse::<usize>().unwrap_or(10_000).max(1);
        state.load_phoenix(client(), p, max);
        state.connect_open.set(false);
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| state.connect_open.set(false)>
            <div class="modal" role="dialog" aria-label="Connect to a trace store" on:click=|ev| ev.stop_propagation()>
                <h3>"Load from an API"</h3>
                <label>"Source"
                    <select
                        id="connect-source"
                        on:change=move |ev| {
                            let k = event_target_value(&ev);
                            host.set(match k.as_str() {
                                "langfuse" => "https://cloud.langfuse.com".into(),
                                "tempo" => "http://127.0.0.1:3200".into(),
                                "jaeger" => "http://127.0.0.1:16686".into(),
                                "url" => "https://".into(),
                                _ => "http://127.0.0.1:6006".into(),
                            });
                            status.set(String::new());
                            kind.set(k);
                        }
                    >
                        <option value="phoenix" selected=true>"Arize Phoenix"</option>
                        <option value="langfuse">"Langfuse (cloud or self-hosted)"</option>
                        <option value="tempo">"Grafana Tempo (trace by id)"</option>
                        <option value="jaeger">"Jaeger (trace by id)"</option>
                        <option value="url">"Any address, with headers"</option>
                    </select>
                </label>
                <label>"Host"
                    <input id="connect-host" type="url" prop:value=move || host.get() on:input=move |ev| host.set(event_target_value(&ev))/>
                </label>
                <Show when=move || matches!(kind.get().as_str(), "phoenix" | "langfuse")>
                    <div class="modal-row">
                        <label class="toggle-label">
                            <input type="checkbox" id="connect-remember" prop:checked=move || keep.get() on:change=move |ev| keep.set(event_target_checked(&ev))/>
                            "Remember the keys on this device"
                        </label>
                        <Show when=move || is_remembered.get()>
                            <button
                                class="btn small"
                                id="connect-forget"
                                on:click=move |_| {
                                    forget(&host.get_untracked());
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
                <Show when=move || matches!(kind.get().as_str(), "tempo" | "jaeger" | "url")>
                    <Show when=move || kind.get() != "url">
                        <label>"Trace id"
                            <input id="connect-trace-id" prop:value=move || trace_id.get() on:input=move |ev| trace_id.set(event_target_value(&ev))/>
                        </label>
                    </Show>
                    <label>"Request headers, one \"Name: value\" per line (kept in memory only)"
                        <textarea id="connect-headers" rows="2" prop:value=move || headers.get() on:input=move |ev| headers.set(event_target_value(&ev))></textarea>
                    </label>
                    <div class="modal-row">
                        <Show
                            when=move || kind.get() == "url"
                            fallback=move || view! { <button class="btn" id="connect-load-id" on:click=load_by_id>"Load trace"</button> }
                        >
                            <button class="btn" id="connect-load-url" on:click=load_address>"Load address"</button>
                        </Show>
                        <span class="hint connect-status">{move || status.get()}</span>
                    </div>
                </Show>
                <Show
                    when=move || matches!(kind.get().as_str(), "langfuse" | "phoenix")
                >
                <Show
                    when=move || kind.get() == "langfuse"
                    fallback=move || view! {
                        <label>"API key (optional; kept in memory only)"
                            <input id="connect-key" type="password" autocomplete="off" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev))/>
                        </label>
                        <p class="hint">"The server must allow this page's origin (Phoenix: PHOENIX_ALLOWED_ORIGINS)."</p>
                        <div class="modal-row">
                            <button class="btn" id="connect-list" on:click=list>"List projects"</button>
                            <span class="hint connect-status">{move || status.get()}</span>
                        </div>
                        <Show when=move || !projects.with(Vec::is_empty)>
                            <label>"Project"
                                <select id="connect-project" on:change=move |ev| project.set(event_target_value(&ev))>
                                    {move || projects.get().into_iter().map(|p| {
                                        let sel = p.id == project.get_untracked();
                                        view! { <option value=p.id.clone() selected=sel>{p.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                            <label>"At most this many spans"
                                <input id="connect-max" type="number" min="1" prop:value=move || max_spans.get() on:input=move |ev| max_spans.set(event_target_value(&ev))/>
                            </label>
                            <div class="modal-row">
                                <button class="btn" id="connect-load" on:click=load>"Load spans"</button>
                            </div>
                        </Show>
                    }
                >
                    <label>"Public key"
                        <input id="connect-pk" type="text" autocomplete="off" prop:value=move || public_key.get() on:input=move |ev| public_key.set(event_target_value(&ev))/>
                    </label>
                    <label>"Secret key (kept in memory only)"
                        <input id="connect-sk" type="password" autocomplete="off" prop:value=move || secret_key.get() on:input=move |ev| secret_key.set(event_target_value(&ev))/>
                    </label>
                    <div class="filters">
                        <label>"Name"<input id="connect-f-name" prop:value=move || f_name.get() on:input=move |ev| f_name.set(event_target_value(&ev))/></label>
                        <label>"User"<input id="connect-f-user" prop:value=move || f_user.get() on:input=move |ev| f_user.set(event_target_value(&ev))/></label>
                        <label>"Session"<input id="connect-f-session" prop:value=move || f_session.get() on:input=move |ev| f_session.set(event_target_value(&ev))/></label>
                        <label>"Tags (comma-separated)"<input id="connect-f-tags" prop:value=move || f_tags.get() on:input=move |ev| f_tags.set(event_target_value(&ev))/></label>
                    </div>
                    <label>"At most this many traces"
                        <input id="connect-max-traces" type="number" min="1" prop:value=move || max_traces.get() on:input=move |ev| max_traces.set(event_target_value(&ev))/>
                    </label>
                    <div class="modal-row">
                        <button class="btn" id="connect-count" on:click=count>"Count matches"</button>
                        <button class="btn" id="connect-load-langfuse" on:click=load_langfuse>"Load traces"</button>
                        <span class="hint connect-status">{move || status.get()}</span>
                    </div>
                </Show>
                </Show>
            </div>
        </div>
    }
}
