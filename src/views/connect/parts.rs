//! Pieces the Connect forms share: a text field, the request headers, "One trace or session",
//! the time range of "Many", and reading the numbers and local times typed.

use super::Common;
use leptos::prelude::*;

/// A `datetime-local` value (the user's local time) as Unix milliseconds.
pub fn local_ms(v: &str) -> Option<f64> {
    if v.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(v.trim())).get_time();
    (!ms.is_nan()).then_some(ms)
}

/// The same as ISO 8601 UTC, as Langfuse and Phoenix take it (empty when unset or invalid).
pub fn local_iso(v: &str) -> String {
    local_ms(v)
        .map(|ms| String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string()))
        .unwrap_or_default()
}

/// A count typed in a field: at least 1, `default` when it is not a number.
pub fn number(s: RwSignal<String>, default: usize) -> usize {
    s.get_untracked().trim().parse::<usize>().unwrap_or(default).max(1)
}

/// Asks the store something in the background (a list, a count), saying so in the status line;
/// `answered` takes the answer, and a failure is said instead.
pub fn ask<T: 'static>(
    c: Common,
    asking: &str,
    request: impl std::future::Future<Output = Result<T, crate::source::SourceError>> + 'static,
    answered: impl FnOnce(T) + 'static,
) {
    c.status.set(asking.to_string());
    leptos::task::spawn_local(async move {
        match request.await {
            Ok(v) => answered(v),
            Err(e) => c.status.set(e.to_string()),
        }
    });
}

/// A plain text field bound to `sig`.
pub fn input(id: &'static str, sig: RwSignal<String>) -> impl IntoView {
    view! { <input id=id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/> }
}

/// Request headers, one "Name: value" per line (auth, tenant), kept in memory only.
#[component]
pub fn HeadersField(c: Common) -> impl IntoView {
    let headers = c.headers;
    view! {
        <label>"Request headers, one \"Name: value\" per line (kept in memory only)"
            <textarea id="connect-headers" rows="2" prop:value=move || headers.get() on:input=move |ev| headers.set(event_target_value(&ev))></textarea>
        </label>
    }
}

/// "One trace or session": a trace id, and a session id where the store has sessions.
#[component]
pub fn OneFieldset(
    c: Common,
    open_trace: Callback<()>,
    #[prop(optional)] open_session: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <fieldset class="connect-one">
            <legend>"One trace or session"</legend>
            <div class="modal-row">
                <label>"Trace id" {input("connect-trace-id", c.trace_id)}</label>
                <button class="btn" id="connect-open-trace" on:click=move |_| open_trace.run(())>"Open trace"</button>
            </div>
            {open_session.map(|open| view! {
                <div class="modal-row">
                    <label>"Session id" {input("connect-session-id", c.session_id)}</label>
                    <button class="btn" id="connect-open-session" on:click=move |_| open.run(())>"Open session"</button>
                </div>
            })}
        </fieldset>
    }
}

/// "Many, by time and filters": the time range, then the store's own filters and buttons.
#[component]
pub fn ManyFieldset(c: Common, children: Children) -> impl IntoView {
    let (from, to) = (c.from, c.to);
    view! {
        <fieldset class="connect-many">
            <legend>"Many, by time and filters"</legend>
            <div class="filters">
                <label>"From (local time)"<input id="connect-from" type="datetime-local" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/></label>
                <label>"To"<input id="connect-to" type="datetime-local" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/></label>
            </div>
            {children()}
        </fieldset>
    }
}
