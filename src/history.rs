//! The view in the address bar: the fragment follows what is shown (source, page, trace,
//! observation, view, filters, zoom, collapsed nodes), a link reopens it, and back/forward walk
//! through pages, traces and views. No server is involved: it all stays after the `#`.

use crate::app::{AppState, MainView, Page, Theme};
use crate::model::order;
use crate::model::tracelist::Column;
use crate::source::fragment::{
    many_urls_question, Collapsed, PageKey, ViewFragment, MAX_COLLAPSED_KEYS, MAX_LINK_URLS,
};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};

/// Address writes wait this long for the view to settle: a zoom gesture or a typed filter makes
/// one history update, not one per event (browsers throttle pages that write hundreds).
const SETTLE_MS: u64 = 150;

/// Reads the address, starts what it asks to load, and keeps the address in step from then on.
/// Returns the view the page was opened with.
pub fn install(state: AppState) -> ViewFragment {
    let (search, hash) = address();
    // `?url=…&embed=1` and `#url=…` say the same; the query is folded into the fragment
    let initial = ViewFragment::parse(&format!("{}&{}", search.trim_start_matches('?'), hash.trim_start_matches('#')));
    let kept = StoredValue::new(initial.kept.clone());
    state.embed.set_value(crate::embed::Embed::from_view(&initial));
    let theme =
        initial.kept("theme").and_then(Theme::from_key).or_else(|| (!state.embedded()).then(stored_theme).flatten());
    state.theme.set(theme.unwrap_or(Theme::System));
    Effect::new(move |_| set_theme_attribute(state.theme.get()));

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
            state.load_url(u);
        }
    });
    provide_context(LinkFiles { waiting, answer });
    let open_urls = move |urls: Vec<String>| {
        if urls.len() > MAX_LINK_URLS {
            waiting.set(Some(urls));
        } else {
            for u in urls {
                state.load_url(u);
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
        state.generation.track();
        // several files load at once: wait for all, not for the first to finish
        let busy =
            state.reading.get() > 0 || state.loading.with(Option::is_some) || state.progress.with(Option::is_some);
        if busy || pending.with_value(Option::is_none) || state.data.with_untracked(|d| d.traces.is_empty()) {
            return;
        }
        let Some(f) = pending.get_value() else { return };
        pending.set_value(None);
        if !apply(state, &f) {
            if let Some(id) = &f.trace {
                state.push_error(format!("The link names trace {id}, which is not in what was loaded."));
            }
        }
    });

    // the address follows the view: a new page, trace or view at once and as a history entry;
    // selection, filters, folds and zoom a moment after they settle, in place
    let ticket = StoredValue::new(0u64);
    let popped = StoredValue::new(false);
    Effect::new(move |_| {
        let mut f = current(state);
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
            write(last, &f, push);
            return;
        }
        popped.set_value(false);
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
        // the effect runs before any timer; if the view did not change it never clears the flag
        set_timeout(move || popped.set_value(false), std::time::Duration::from_millis(0));
        last.set_value(text.clone());
        let f = ViewFragment::parse(&text);
        if let Some(t) = f.kept("theme").and_then(Theme::from_key) {
            state.theme.set(t);
        }
        let new_urls: Vec<String> =
            state.urls.with_untracked(|have| f.urls.iter().filter(|u| !have.contains(u)).cloned().collect());
        let new_api = f.api.as_ref().filter(|a| {
            state.source_link.with_untracked(|l| l.as_ref().is_none_or(|l| l.kind != a.kind || l.host != a.host))
        });
        if new_urls.is_empty() && new_api.is_none() {
            apply(state, &f);
            return;
        }
        pending.set_value(Some(f.clone()));
        open_urls(new_urls);
        if new_api.is_some() {
            if let Some(link) = f.api_to_load() {
                state.reopen(link);
            }
        }
    });
    on_cleanup(move || pop.remove());

    open_urls(initial.urls.clone());
    if let Some(link) = initial.api_to_load() {
        state.reopen(link);
    }
    initial
}

/// Puts the view in the address unless it is there already.
fn write(last: StoredValue<String>, f: &ViewFragment, push: bool) {
    let text = f.write();
    if text != last.get_value() {
        replace_address(&text, push);
        last.set_value(text);
    }
}

/// The whole address for the view as it is now (`obs`, a trace id and observation key, replaces
/// the selection when given).
pub fn share_url(state: AppState, obs: Option<(&str, &str)>) -> String {
    let mut f = untrack(|| current(state));
    if let Some((trace, key)) = obs {
        f.trace = Some(trace.to_string());
        f.obs = Some(key.to_string());
        f.page = PageKey::Trace;
    }
    // an embedding page's parameters are its own: a shared link opens the full app
    f.kept.clear();
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
    format!("{}{}#{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default(), f.write())
}

/// The view as a fragment, read through signals so an effect calling it follows every part.
fn current(state: AppState) -> ViewFragment {
    let mut f = ViewFragment {
        urls: state.urls.get(),
        api: state.source_link.get().map(|mut l| {
            l.trace = None;
            l.session = None;
            l
        }),
        timeline: state.view.get() == MainView::Timeline,
        list_query: state.list_query.get(),
        find: state.search_text.get(),
        tree_filter: state.tree_filter.get(),
        zoom: state.zoom.get(),
        compress: state.compress.get(),
        ..ViewFragment::default()
    };
    let (col, desc) = state.list_sort.get();
    if (col.clone(), desc) != (Column::Start, false) {
        f.sort = Some((col.key(), desc));
    }
    f.page = match state.page.get() {
        Page::Trace => PageKey::Trace,
        Page::Traces => PageKey::Traces,
        Page::Sessions => PageKey::Sessions,
        Page::Scores => PageKey::Scores,
        Page::Session(id) => {
            f.session = Some(id);
            PageKey::Session
        }
        Page::Compare(other) => {
            f.vs = Some(other);
            PageKey::Compare
        }
    };
    let (ti, selected) = (state.trace.get(), state.selected.get());
    state.data.with(|d| {
        let Some(t) = ti.and_then(|i| d.traces.get(i)) else { return };
        f.trace = Some(t.id.clone());
        // comparing: the selection is a step of the second trace
        let of = match &f.vs {
            Some(vs) if f.page == PageKey::Compare => d.traces.iter().find(|x| &x.id == vs).unwrap_or(t),
            _ => t,
        };
        f.obs = selected.and_then(|i| (i < of.observations.len() as u32).then(|| of.tree.key(&of.observations, i)));
        f.collapsed = state.collapsed.with(|c| {
            if c.is_empty() {
                return Collapsed::None;
            }
            let parents = (0..t.observations.len() as u32).filter(|&i| t.tree.has_children(i)).count();
            if c.len() >= parents {
                return Collapsed::All;
            }
            let mut keys: Vec<String> = c.iter().map(|&i| t.tree.key(&t.observations, i)).collect();
            order::sort(&mut keys);
            keys.truncate(MAX_COLLAPSED_KEYS);
            Collapsed::Keys(keys)
        });
    });
    f
}

/// Shows the view a fragment names, over the data already loaded. False when it names a trace
/// that is not there.
fn apply(state: AppState, f: &ViewFragment) -> bool {
    let found = state.data.with_untracked(|d| {
        let ti = f.trace.as_ref().and_then(|id| d.traces.iter().position(|t| &t.id == id))?;
        let t = &d.traces[ti];
        let of = match &f.vs {
            Some(vs) if f.page == PageKey::Compare => d.traces.iter().find(|x| &x.id == vs).unwrap_or(t),
            _ => t,
        };
        let selected = f.obs.as_deref().and_then(|k| of.tree.find_key(&of.observations, k));
        let collapsed: HashSet<u32> = match &f.collapsed {
            Collapsed::None => HashSet::new(),
            Collapsed::All => (0..t.observations.len() as u32).filter(|&i| t.tree.has_children(i)).collect(),
            Collapsed::Keys(keys) => {
                let index: HashMap<String, u32> =
                    (0..t.observations.len() as u32).map(|i| (t.tree.key(&t.observations, i), i)).collect();
                keys.iter().filter_map(|k| index.get(k).copied()).collect()
            }
        };
        Some((ti, selected, collapsed))
    });
    if let Some((ti, selected, collapsed)) = &found {
        state.trace.set(Some(*ti));
        state.selected.set(*selected);
        state.collapsed.set(collapsed.clone());
        state.zoom.set(f.zoom);
        state.tree_filter.set(f.tree_filter.clone());
    }
    let has_trace = state.trace.get_untracked().is_some();
    state.page.set(match f.page {
        PageKey::Trace if has_trace => Page::Trace,
        PageKey::Trace | PageKey::Traces => Page::Traces,
        PageKey::Sessions => Page::Sessions,
        PageKey::Session => f.session.clone().map(Page::Session).unwrap_or(Page::Sessions),
        PageKey::Scores => Page::Scores,
        PageKey::Compare => {
            let other = f.vs.clone().filter(|id| state.data.with_untracked(|d| d.traces.iter().any(|t| &t.id == id)));
            match other {
                Some(id) if has_trace => Page::Compare(id),
                _ if has_trace => Page::Trace,
                _ => Page::Traces,
            }
        }
    });
    state.view.set(if f.timeline { MainView::Timeline } else { MainView::Tree });
    state.compress.set(f.compress);
    state.list_query.set(f.list_query.clone());
    state.search_text.set(f.find.clone());
    let sort = f.sort.as_ref().and_then(|(c, desc)| Some((Column::from_key(c)?, *desc)));
    state.list_sort.set(sort.unwrap_or((Column::Start, false)));
    found.is_some() || f.trace.is_none()
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

const THEME_KEY: &str = "canopy.theme";

fn stored_theme() -> Option<Theme> {
    let s = web_sys::window()?.local_storage().ok()??;
    Theme::from_key(&s.get_item(THEME_KEY).ok()??)
}

/// Remembers the theme picked in the toolbar on this device.
pub fn store_theme(theme: Theme) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(THEME_KEY, theme.key());
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

/// The user's answer to a link that opens more files than `MAX_LINK_URLS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    First,
    All,
    None,
}

/// A link's files waiting for the user's answer, and where the answer goes (given by `install`).
#[derive(Clone, Copy)]
pub struct LinkFiles {
    waiting: RwSignal<Option<Vec<String>>>,
    answer: Callback<Answer>,
}

/// Asks, inside the page, before a link opens more files than it opens by itself: the first ten,
/// all of them, or none. Nothing is fetched until the user answers.
#[component]
pub fn LinkFilesPrompt() -> impl IntoView {
    let Some(files) = use_context::<LinkFiles>() else { return ().into_any() };
    let button = move |id: &'static str, label: String, choice: Answer| {
        view! { <button class="btn small" id=id on:click=move |_| files.answer.run(choice)>{label}</button> }
    };
    (move || {
        files.waiting.with(|w| w.as_ref().map(Vec::len)).map(|n| {
            view! {
                <div class="error-banner link-files" role="alertdialog" aria-label="Open the link's files">
                    <span class="error-text">{many_urls_question(n)}</span>
                    {button("link-files-first", format!("Open the first {MAX_LINK_URLS}"), Answer::First)}
                    {button("link-files-all", format!("Open all {n}"), Answer::All)}
                    {button("link-files-none", "Cancel".to_string(), Answer::None)}
                </div>
            }
        })
    })
    .into_any()
}
