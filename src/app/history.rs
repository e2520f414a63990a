//! The view in the address bar: the fragment follows what is shown (source, page, trace,
//! observation, view, filters, zoom, collapsed nodes), a link reopens it, and back/forward walk
//! through pages, traces and views. No server is involved: it all stays after the `#`.

use crate::source::fragment::{PageKey, ViewFragment, MAX_LINK_URLS};
use crate::state::dialogs::{Answer, LinkFiles};
use crate::state::{Embed, NoticeKind, State, Theme};
use leptos::prelude::*;

/// Address writes wait this long for the view to settle: a zoom gesture or a typed filter makes
/// one history update, not one per event (browsers throttle pages that write hundreds).
const SETTLE_MS: u64 = 150;

/// Reads the address, starts what it asks to load, and keeps the address in step from then on.
/// Returns the view the page was opened with.
pub fn install(state: State) -> ViewFragment {
    let (search, hash) = address();
    // `?url=…&embed=1` and `#url=…` say the same; the query is folded into the fragment
    let initial = ViewFragment::parse(&format!("{}&{}", search.trim_start_matches('?'), hash.trim_start_matches('#')));
    let kept = StoredValue::new(initial.kept.clone());
    state.embed.set_value(Embed::from_view(&initial));
    let theme =
        initial.kept("theme").and_then(Theme::from_key).or_else(|| (!state.embedded()).then(Theme::stored).flatten());
    state.view.theme.set(theme.unwrap_or(Theme::System));
    Effect::new(move |_| set_theme_attribute(state.view.theme.get()));

    let mut view_only = initial.clone();
    view_only.kept.clear();
    let pending = StoredValue::new((view_only != ViewFragment::default()).then(|| initial.clone()));
    // a link with more files than a link opens by itself waits for the user's answer
    let waiting = RwSignal::new(None::<Vec<String>>);
    let answer = Callback::new(move |choice: Answer| {
        let Some(urls) = waiting.get_untracked() else { return };
        waiting.set(None);
        let take = match choice {
            Answer::First => MAX_LINK_URLS,
            Answer::All => urls.len(),
            Answer::None => {
                // nothing of the link loads, so the view it names never comes
                pending.set_value(None);
                0
            }
        };
        for u in urls.into_iter().take(take) {
            state.loader().load_url(u);
        }
    });
    provide_context(LinkFiles { waiting, answer });
    let open_urls = move |urls: Vec<String>| {
        if urls.len() > MAX_LINK_URLS {
            waiting.set(Some(urls));
        } else {
            for u in urls {
                state.loader().load_url(u);
            }
        }
    };
    let last = StoredValue::new(hash.trim_start_matches('#').to_string());
    // an address with a token or password is opened but never kept in the page's address
    let mut shown = initial.clone();
    shown.urls.retain(|u| crate::source::advice::credential_in(u).is_none());
    if !search.is_empty() || shown.urls.len() != initial.urls.len() {
        let text = shown.write();
        replace_address(&text, false);
        last.set_value(text);
    }

    // once what the link loads has arrived, show the view it names
    Effect::new(move |_| {
        state.data.generation();
        // several files load at once: wait for all, not for the first to finish
        let busy = state.jobs.reading.get() > 0
            || state.jobs.loading.with(Option::is_some)
            || state.jobs.progress.with(Option::is_some);
        if busy || pending.with_value(Option::is_none) || state.data.with_untracked(|d| d.traces.is_empty()) {
            return;
        }
        let Some(f) = pending.get_value() else { return };
        pending.set_value(None);
        if !state.address().apply(&f) {
            if let Some(id) = &f.trace {
                state.notices.push(
                    NoticeKind::NotLoaded,
                    format!("The link names trace {id}, which is not in what was loaded."),
                );
            }
        }
    });

    // the address follows the view: a new page, trace or view at once and as a history entry;
    // selection, filters, folds and zoom a moment after they settle, in place
    let ticket = StoredValue::new(0u64);
    let popped = StoredValue::new(false);
    // the entry on top was pushed when the detail opened over the tree
    let detail_entry = StoredValue::new(false);
    Effect::new(move |_| {
        let mut f = state.address().current();
        f.kept = kept.get_value();
        if pending.with_value(Option::is_some) {
            return;
        }
        ticket.update_value(|t| *t += 1);
        let was = ViewFragment::parse(&last.get_value());
        if was.place() != f.place() {
            // leaving an empty page, or a view back/forward just restored, is no step to go back to
            let push = !popped.get_value() && (was.trace.is_some() || was.page != PageKey::Trace);
            popped.set_value(false);
            detail_entry.set_value(false);
            write(last, &f, push);
            return;
        }
        let restored = popped.get_value();
        popped.set_value(false);
        // on a narrow screen the detail covers the tree: opening it is a step the browser's back
        // (a phone's back gesture) undoes, and its Back button takes that same step
        if !restored && narrow() {
            match (was.obs.is_some(), f.obs.is_some()) {
                (false, true) => {
                    write(last, &f, true);
                    detail_entry.set_value(true);
                    return;
                }
                (true, false) if detail_entry.get_value() => {
                    detail_entry.set_value(false);
                    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                        let _ = h.back();
                        return;
                    }
                }
                _ => {}
            }
        }
        let mine = ticket.get_value();
        set_timeout(
            move || {
                if ticket.get_value() == mine {
                    write(last, &f, false);
                }
            },
            std::time::Duration::from_millis(SETTLE_MS),
        );
    });

    // back and forward (and a link pasted over this one): show the view the entry names, loading
    // what it needs that is not here yet
    let pop = window_event_listener(leptos::ev::popstate, move |_| {
        let (_, hash) = address();
        let text = hash.trim_start_matches('#').to_string();
        ticket.update_value(|t| *t += 1);
        popped.set_value(true);
        detail_entry.set_value(false);
        // the effect runs before any timer; if the view did not change it never clears the flag
        set_timeout(move || popped.set_value(false), std::time::Duration::from_millis(0));
        last.set_value(text.clone());
        let f = ViewFragment::parse(&text);
        if let Some(t) = f.kept("theme").and_then(Theme::from_key) {
            state.view.theme.set(t);
        }
        let new_urls: Vec<String> =
            state.links.urls.with_untracked(|have| f.urls.iter().filter(|u| !have.contains(u)).cloned().collect());
        let new_api = f.api.as_ref().filter(|a| {
            state.links.source.with_untracked(|l| l.as_ref().is_none_or(|l| l.kind != a.kind || l.host != a.host))
        });
        if new_urls.is_empty() && new_api.is_none() {
            state.address().apply(&f);
            return;
        }
        pending.set_value(Some(f.clone()));
        open_urls(new_urls);
        if new_api.is_some() {
            if let Some(link) = f.api_to_load() {
                state.live().reopen(link);
            }
        }
    });
    on_cleanup(move || pop.remove());

    open_urls(initial.urls.clone());
    if let Some(link) = initial.api_to_load() {
        state.live().reopen(link);
    }
    initial
}

/// The width under which the detail covers the tree (style/phone.css says the same).
const NARROW_PX: f64 = 820.0;

fn narrow() -> bool {
    web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).is_some_and(|w| w <= NARROW_PX)
}

/// Puts the view in the address unless it is there already.
fn write(last: StoredValue<String>, f: &ViewFragment, push: bool) {
    let text = f.write();
    if text != last.get_value() {
        replace_address(&text, push);
        last.set_value(text);
    }
}

/// `(search, hash)` of the page's address.
fn address() -> (String, String) {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return Default::default() };
    (loc.search().unwrap_or_default(), loc.hash().unwrap_or_default())
}

/// Puts a fragment in the address (and drops the query it was folded from): a new history entry
/// when `push`, else in place. Never scrolls or reloads.
fn replace_address(fragment: &str, push: bool) {
    let Some(w) = web_sys::window() else { return };
    let path = w.location().pathname().unwrap_or_default();
    let url = if fragment.is_empty() { path } else { format!("{path}#{fragment}") };
    if let Ok(h) = w.history() {
        let null = wasm_bindgen::JsValue::NULL;
        let _ = if push {
            h.push_state_with_url(&null, "", Some(&url))
        } else {
            h.replace_state_with_url(&null, "", Some(&url))
        };
    }
}

/// `data-theme` on `<html>` picks the light or dark variables; without it CSS follows the system.
fn set_theme_attribute(theme: Theme) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        t => root.set_attribute("data-theme", t.key()),
    };
}
