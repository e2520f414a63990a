//! Shows an input/output payload: chat messages as role-labelled blocks, else pretty JSON or text.

use crate::model::messages::{self, Message};
use crate::model::{Decoded, Payload};
use leptos::prelude::*;

/// Text longer than this is cut with a "show all" button, so a 20 MB payload does not stall the page.
const SHOW_CHARS: usize = 20_000;

#[component]
pub fn PayloadView(payload: Payload) -> impl IntoView {
    match payload.decode() {
        Decoded::Text(t) => view! { <LongText text=t class="payload-text"/> }.into_any(),
        Decoded::Json(v) => match messages::extract(&v) {
            Some(msgs) => view! { <Messages msgs=msgs/> }.into_any(),
            None => {
                let pretty = serde_json::to_string_pretty(&v).unwrap_or_else(|_| payload.raw().to_string());
                view! { <LongText text=pretty class="payload-json"/> }.into_any()
            }
        },
    }
}

#[component]
fn Messages(msgs: Vec<Message>) -> impl IntoView {
    view! {
        <div class="messages">
            {msgs
                .into_iter()
                .map(|m| {
                    let role = if m.role.is_empty() { "message".to_string() } else { m.role.clone() };
                    let role_class = format!("message role-{}", role.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
                    view! {
                        <div class=role_class>
                            <div class="message-role">
                                {role}
                                {m.tool_call_id.map(|id| view! { <span class="tool-call-id">{format!(" → call {id}")}</span> })}
                            </div>
                            {(!m.text.is_empty()).then(|| view! { <LongText text=m.text.clone() class="message-text"/> })}
                            {m.tool_calls
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <div class="tool-call">
                                            <span class="tool-call-name">{format!("tool call: {}", c.name)}</span>
                                            {c.id.map(|id| view! { <span class="tool-call-id">{format!(" ({id})")}</span> })}
                                            <pre class="tool-call-args">{c.arguments}</pre>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Preformatted text, cut at `SHOW_CHARS` with a button to show the rest.
#[component]
pub fn LongText(text: String, class: &'static str) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let total = text.chars().count();
    let cut = text.char_indices().nth(SHOW_CHARS).map(|(i, _)| i);
    let head = cut.map(|i| text[..i].to_string());
    let text = StoredValue::new(text);
    view! {
        <pre class=class>
            {move || match (&head, expanded.get()) {
                (Some(h), false) => h.clone(),
                _ => text.get_value(),
            }}
        </pre>
        {cut.map(|_| {
            view! {
                <button class="btn small show-all" on:click=move |_| expanded.update(|e| *e = !*e)>
                    {move || if expanded.get() { "Show less".to_string() } else { format!("Show all {total} characters") }}
                </button>
            }
        })}
    }
}
