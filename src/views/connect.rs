//! The Connect dialog: load traces straight from a trace store's API (Phoenix for now). Keys are
//! kept in memory for this dialog only: never in the URL, never stored, never in messages.

use crate::app::AppState;
use crate::source::phoenix::{Phoenix, Project};
use leptos::prelude::*;

#[component]
pub fn ConnectDialog() -> impl IntoView {
    let state = expect_context::<AppState>();
    let host = RwSignal::new("http://127.0.0.1:6006".to_string());
    let key = RwSignal::new(String::new());
    let projects = RwSignal::new(Vec::<Project>::new());
    let project = RwSignal::new(String::new());
    let max_spans = RwSignal::new("10000".to_string());
    let status = RwSignal::new(String::new());
    let client = move || Phoenix {
        host: host.get_untracked().trim().to_string(),
        api_key: Some(key.get_untracked()).filter(|k| !k.is_empty()),
    };
    let list = move |_| {
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
                    <select id="connect-source">
                        <option value="phoenix" selected=true>"Arize Phoenix"</option>
                    </select>
                </label>
                <label>"Host"
                    <input id="connect-host" type="url" prop:value=move || host.get() on:input=move |ev| host.set(event_target_value(&ev))/>
                </label>
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
            </div>
        </div>
    }
}
