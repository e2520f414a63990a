//! Shows an input/output payload: chat messages as role-labelled blocks, else pretty JSON or text.

use crate::model::messages::{self, Message, Part};
use crate::model::{Decoded, Payload};
use crate::views::copy::CopyButton;
use crate::views::json_view::JsonView;
use crate::views::markdown::Markdown;
use crate::views::show::Show;
use leptos::prelude::*;

/// Text longer than this is cut with a "show all" button, so a 20 MB payload does not stall the page.
const SHOW_CHARS: usize = 20_000;

/// Text larger than this is shown plainly: Markdown layout of megabytes would stall the page.
const MARKDOWN_MAX_BYTES: usize = 200_000;

/// A payload with a per-field "formatted / raw" switch that is remembered on this device, and a
/// copy button. `field` names the field for that memory ("input", "output"…).
#[component]
pub fn PayloadView(payload: Payload, field: &'static str) -> impl IntoView {
    let raw_mode = RwSignal::new(remembered_raw(field));
    let payload = StoredValue::new(payload);
    let copy_text = payload.with_value(|p| p.as_text());
    view! {
        <div class="payload">
            <div class="payload-tools">
                <button
                    class="btn tiny raw-toggle"
                    title="Switch between the formatted view and the raw value"
                    on:click=move |_| {
                        let next = !raw_mode.get_untracked();
                        raw_mode.set(next);
                        remember_raw(field, next);
                    }
                >
                    {move || if raw_mode.get() { "formatted" } else { "raw" }}
                </button>
                <CopyButton what=field text=copy_text/>
            </div>
            {move || {
                if raw_mode.get() {
                    view! { <LongText text=payload.with_value(|p| p.raw().to_string()) class="payload-raw"/> }.into_any()
                } else {
                    formatted(payload.get_value())
                }
            }}
        </div>
    }
}

fn formatted(payload: Payload) -> AnyView {
    match payload.decode() {
        Decoded::Text(t) if t.len() <= MARKDOWN_MAX_BYTES => view! { <Markdown text=t/> }.into_any(),
        Decoded::Text(t) => view! { <LongText text=t class="payload-text"/> }.into_any(),
        Decoded::Json(v) => match messages::extract(&v) {
            Some(msgs) => view! { <Messages msgs=msgs/> }.into_any(),
            None => view! { <JsonView value=v/> }.into_any(),
        },
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn remembered_raw(field: &str) -> bool {
    storage().and_then(|s| s.get_item(&format!("canopy.raw.{field}")).ok().flatten()).as_deref() == Some("1")
}

fn remember_raw(field: &str, raw: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("canopy.raw.{field}"), if raw { "1" } else { "0" });
    }
}

/// Histories longer than this show only their last `KEEP_RECENT` turns until asked.
const FOLD_AFTER: usize = 8;
const KEEP_RECENT: usize = 6;
/// System prompts longer than this start folded.
const SYSTEM_FOLD_CHARS: usize = 300;

#[component]
pub fn Messages(msgs: Vec<Message>) -> impl IntoView {
    // tool call id → tool name, so a result can say which call it answers
    let call_names: std::collections::HashMap<String, String> =
        msgs.iter().flat_map(|m| m.tool_calls()).filter_map(|c| c.id.clone().map(|id| (id, c.name.clone()))).collect();
    let total = msgs.len();
    let hidden = if total > FOLD_AFTER { total - KEEP_RECENT } else { 0 };
    // a leading system prompt stays visible even when older turns are folded
    let keep_first = hidden > 0 && msgs.first().is_some_and(|m| m.role == "system");
    let show_all = RwSignal::new(false);
    let names = StoredValue::new(call_names);
    let render = move |(i, m): (usize, Message)| {
        let folded = move || hidden > 0 && !show_all.get() && i < hidden && !(keep_first && i == 0);
        view! {
            <div class="message-wrap" class:folded=folded>
                <MessageBlock msg=m names=names/>
            </div>
        }
    };
    view! {
        <div class="messages">
            {(hidden > 0)
                .then(|| {
                    view! {
                        <button class="btn small fold-toggle" on:click=move |_| show_all.update(|s| *s = !*s)>
                            {move || {
                                if show_all.get() {
                                    "Fold earlier messages".to_string()
                                } else {
                                    format!("Show {} earlier message{}", hidden - usize::from(keep_first), if hidden - usize::from(keep_first) == 1 { "" } else { "s" })
                                }
                            }}
                        </button>
                    }
                })}
            {msgs.into_iter().enumerate().map(render).collect_view()}
        </div>
    }
}

#[component]
fn MessageBlock(msg: Message, names: StoredValue<std::collections::HashMap<String, String>>) -> impl IntoView {
    let role = if msg.role.is_empty() { "message".to_string() } else { msg.role.clone() };
    let role_class =
        format!("message role-{}", role.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let label = match &msg.name {
        Some(n) if !n.is_empty() => format!("{role} · {n}"),
        _ => role.clone(),
    };
    let short = msg.text().chars().count() <= SYSTEM_FOLD_CHARS;
    let body = msg.parts.into_iter().map(move |p| part_view(p, names)).collect_view();
    if role == "system" {
        // a long system prompt starts folded: it is rarely what a reader is looking for first
        view! {
            <details class=role_class open=short>
                <summary class="message-role">{label}</summary>
                {body}
            </details>
        }
        .into_any()
    } else {
        view! {
            <div class=role_class>
                <div class="message-role">{label}</div>
                {body}
            </div>
        }
        .into_any()
    }
}

fn part_view(p: Part, names: StoredValue<std::collections::HashMap<String, String>>) -> AnyView {
    match p {
        Part::Text(t) if t.len() <= MARKDOWN_MAX_BYTES => view! { <Markdown text=t/> }.into_any(),
        Part::Text(t) => view! { <LongText text=t class="message-text"/> }.into_any(),
        Part::Reasoning(t) => view! {
            <details class="reasoning">
                <summary>"Reasoning"</summary>
                <LongText text=t class="message-text"/>
            </details>
        }
        .into_any(),
        Part::Image(url) => view! { <ImagePart url=url/> }.into_any(),
        Part::ToolCall(c) => {
            let id = c.id.clone().unwrap_or_default();
            view! {
                <div class="tool-call" data-call-id=id>
                    <span class="tool-call-name">{format!("tool call: {}", c.name)}</span>
                    {c.id.map(|id| view! { <span class="tool-call-id">{format!(" ({id})")}</span> })}
                    {(!c.arguments.is_empty()).then(|| view! { <pre class="tool-call-args">{c.arguments}</pre> })}
                </div>
            }
            .into_any()
        }
        Part::ToolResult { call_id, content } => {
            let name = call_id.as_ref().and_then(|id| names.with_value(|n| n.get(id).cloned()));
            let target = call_id.clone();
            let head = match (&name, &call_id) {
                (Some(n), Some(id)) => format!("result of {n} ({id})"),
                (None, Some(id)) => format!("result of call {id}"),
                _ => "tool result".to_string(),
            };
            view! {
                <div class="tool-result">
                    <button
                        class="link-button tool-result-head"
                        title="Show the call this answers"
                        disabled=name.is_none()
                        on:click=move |ev| reveal_call(&ev, target.as_deref())
                    >
                        {format!("↩ {head}")}
                    </button>
                    <LongText text=content class="message-text"/>
                </div>
            }
            .into_any()
        }
        Part::Other(kind) => view! { <div class="part-other">{format!("[{kind}]")}</div> }.into_any(),
    }
}

/// Scrolls the tool call with `id` (in the same pane) into view and flashes it.
fn reveal_call(ev: &web_sys::MouseEvent, id: Option<&str>) {
    use wasm_bindgen::JsCast;
    let Some(id) = id else { return };
    let Some(start) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let Some(pane) = start.closest(".messages, .detail").ok().flatten() else { return };
    let Ok(list) = pane.query_selector_all(".tool-call") else { return };
    for i in 0..list.length() {
        let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        if el.get_attribute("data-call-id").as_deref() == Some(id) {
            el.scroll_into_view();
            let _ = el.class_list().add_1("flash");
        }
    }
}

/// An image from a message: inline raster data is shown; remote addresses only after the user
/// allows remote content for what is loaded now (a new load asks again); anything else is shown
/// as text.
#[component]
fn ImagePart(url: String) -> impl IntoView {
    let (data, view) = (expect_context::<crate::state::Data>(), expect_context::<crate::state::ViewState>());
    if messages::is_inline_image(&url) {
        return view! { <img class="message-image" src=url alt="image from the message"/> }.into_any();
    }
    if messages::is_remote_image(&url) {
        let shown = url.clone();
        return view! {
            <div class="remote-image">
                <Show
                    when=move || view.allow_remote.get().is_some_and(|g| g == data.generation())
                    fallback=move || {
                        let u = shown.clone();
                        view! {
                            <span class="hint">{format!("remote image: {u} ")}</span>
                            <button class="btn small" on:click=move |_| view.allow_remote.set(Some(data.generation_untracked()))>
                                "Load remote images"
                            </button>
                        }
                    }
                >
                    <img class="message-image" src=url.clone() alt="remote image from the message" referrerpolicy="no-referrer"/>
                </Show>
            </div>
        }
        .into_any();
    }
    view! { <div class="part-other">{format!("[image: {url}]")}</div> }.into_any()
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
