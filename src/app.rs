//! The root component: load state shared through context, loading from files and URLs, panic reporting.

use crate::import;
use crate::model::TraceSet;
use crate::source;
use crate::source::link::SourceLink;
use crate::views::shell::Shell;
use leptos::prelude::*;

/// One message in the error banner.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: u64,
    pub text: String,
}

/// Shared app state. The TraceSet is replaced only by merging a new load into it; views read it.
#[derive(Clone, Copy)]
pub struct AppState {
    pub data: RwSignal<TraceSet>,
    /// Bumped on every successful load so views can reset per-load UI state.
    pub generation: RwSignal<u64>,
    pub trace: RwSignal<Option<usize>>,
    pub selected: RwSignal<Option<u32>>,
    pub errors: RwSignal<Vec<Notice>>,
    pub loading: RwSignal<Option<String>>,
    /// Remote images in messages load only after the user allows it (nothing leaves the tab unasked).
    pub allow_remote: RwSignal<bool>,
    /// Collapsed observations of the shown trace: shared by the tree and the timeline.
    pub collapsed: RwSignal<std::collections::HashSet<u32>>,
    /// Which view the left pane shows.
    pub view: RwSignal<MainView>,
    pub page: RwSignal<Page>,
    /// Trace list state, kept while a trace is open so "back" finds it as it was.
    pub list_query: RwSignal<String>,
    pub list_sort: RwSignal<(crate::model::tracelist::Column, bool)>,
    pub search_text: RwSignal<String>,
    /// Set by the Cancel button; a paged API load checks it between pages.
    pub cancel: RwSignal<bool>,
    /// The Connect dialog is open.
    pub connect_open: RwSignal<bool>,
    /// The Export dialog is open.
    pub export_open: RwSignal<bool>,
    /// What the Connect dialog opens with (from a link), and a line saying why.
    pub connect_preset: RwSignal<Option<(SourceLink, String)>>,
    /// A load from an API under way: the progress bar.
    pub progress: RwSignal<Option<crate::remote::Progress>>,
    /// The API the shown data came from; written to the URL fragment (never a key).
    pub source_link: RwSignal<Option<SourceLink>>,
}

/// The pages of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Traces,
    Trace,
    Sessions,
    Session(String),
    Scores,
}

/// The views of one trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainView {
    Tree,
    Timeline,
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            data: RwSignal::new(TraceSet::default()),
            generation: RwSignal::new(0),
            trace: RwSignal::new(None),
            selected: RwSignal::new(None),
            errors: RwSignal::new(Vec::new()),
            loading: RwSignal::new(None),
            allow_remote: RwSignal::new(false),
            collapsed: RwSignal::new(std::collections::HashSet::new()),
            view: RwSignal::new(MainView::Tree),
            page: RwSignal::new(Page::Trace),
            list_query: RwSignal::new(String::new()),
            list_sort: RwSignal::new((crate::model::tracelist::Column::Start, false)),
            search_text: RwSignal::new(String::new()),
            cancel: RwSignal::new(false),
            connect_open: RwSignal::new(false),
            export_open: RwSignal::new(false),
            connect_preset: RwSignal::new(None),
            progress: RwSignal::new(None),
            source_link: RwSignal::new(None),
        }
    }

    /// Opens a trace (and optionally one of its observations) in the trace page.
    pub fn open_trace(&self, trace: usize, observation: Option<u32>) {
        self.trace.set(Some(trace));
        self.selected.set(observation);
        self.page.set(Page::Trace);
    }

    pub fn push_error(&self, text: String) {
        self.errors.update(|e| {
            let id = e.last().map(|n| n.id + 1).unwrap_or(0);
            e.push(Notice { id, text });
        });
    }

    /// Imports bytes and merges them in; on failure shows why and keeps what was loaded.
    pub fn load_bytes(&self, name: &str, bytes: &[u8]) {
        mark("canopy:import-start");
        let result = import::load(name, bytes);
        mark("canopy:import-end");
        match result {
            Ok(loaded) => {
                self.source_link.set(None);
                let mut touched = Vec::new();
                self.data.update(|d| touched = d.merge(loaded.set));
                self.generation.update(|g| *g += 1);
                // a file of scores alone touches no trace: keep showing the current one
                if let Some(&first) = touched.first() {
                    self.trace.set(Some(first));
                    self.selected.set(None);
                    self.page.set(Page::Trace);
                }
            }
            Err(e) => self.push_error(e.to_string()),
        }
    }

    /// Reads and loads files one after another (several dropped together merge into one set).
    pub fn load_files(self, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            for f in files {
                let name = f.name();
                self.loading.set(Some(format!("Reading {name}…")));
                source::yield_to_browser().await;
                match source::read_file(&f).await {
                    Ok(bytes) => {
                        self.loading.set(Some(format!("Opening {name} ({})…", human_bytes(bytes.len()))));
                        source::yield_to_browser().await;
                        self.load_bytes(&name, &bytes);
                    }
                    Err(e) => self.push_error(format!("{name}: {e}")),
                }
            }
            self.loading.set(None);
        });
    }

    /// Fetches an address with request headers (kept in this call only) and loads it.
    pub fn load_url_with(self, url: String, headers: Vec<(String, String)>) {
        leptos::task::spawn_local(async move {
            let shown = source::advice::redact_url(&url);
            self.loading.set(Some(format!("Fetching {shown}…")));
            source::yield_to_browser().await;
            match source::fetch_url_with(&url, &headers).await {
                Ok((name, bytes)) => {
                    self.loading.set(Some(format!("Opening {name} ({})…", human_bytes(bytes.len()))));
                    source::yield_to_browser().await;
                    self.load_bytes(&name, &bytes);
                }
                Err(e) => self.push_error(format!("{shown}: {e}")),
            }
            self.loading.set(None);
        });
    }

    /// Fetches an address and loads it.
    pub fn load_url(self, url: String) {
        leptos::task::spawn_local(async move {
            let name = source::name_of_url(&url);
            mark("canopy:fetch-start");
            self.loading.set(Some(format!("Fetching {name}…")));
            source::yield_to_browser().await;
            match source::fetch_url(&url).await {
                Ok((name, bytes)) => {
                    self.loading.set(Some(format!("Opening {name} ({})…", human_bytes(bytes.len()))));
                    source::yield_to_browser().await;
                    self.load_bytes(&name, &bytes);
                }
                Err(e) => self.push_error(format!("{}: {e}", source::advice::redact_url(&url))),
            }
            self.loading.set(None);
        });
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// A User Timing mark, so benchmarks and the browser's profiler can split a load into phases.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

pub fn human_bytes(n: usize) -> String {
    let f = n as f64;
    if f >= 1e9 {
        format!("{:.1} GB", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1} MB", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.0} KB", f / 1e3)
    } else {
        format!("{n} B")
    }
}

/// The `url` query parameter, if the page was opened as a share link for a file.
fn url_param() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("url").filter(|u| !u.trim().is_empty())
}

/// `#src=…&host=…`: the API a shared or reloaded view came from.
fn source_link_param() -> Option<(SourceLink, Option<String>)> {
    let hash = web_sys::window()?.location().hash().ok()?;
    SourceLink::from_fragment(&hash)
}

/// Replaces the fragment without a history entry or a scroll jump.
fn set_fragment(fragment: &str) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let base = format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default());
    let url = if fragment.is_empty() { base } else { format!("{base}#{fragment}") };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// `#trace=<id>&obs=<key>` from a copied link: what to select once the data is loaded.
fn deep_link_target() -> Option<(String, Option<String>)> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(hash.trim_start_matches('#')).ok()?;
    Some((params.get("trace")?, params.get("obs")))
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let pending = StoredValue::new(deep_link_target());
    // once the data holding the linked trace has loaded, select it (and the linked observation)
    Effect::new(move |_| {
        state.generation.track();
        let Some((trace_id, obs_key)) = pending.get_value() else { return };
        let found = state.data.with_untracked(|d| {
            let ti = d.traces.iter().position(|t| t.id == trace_id)?;
            let t = &d.traces[ti];
            Some((ti, obs_key.as_deref().and_then(|k| t.tree.find_key(&t.observations, k))))
        });
        if let Some((ti, obs)) = found {
            state.trace.set(Some(ti));
            state.selected.set(obs);
            pending.set_value(None);
        }
    });
    // the fragment follows what is shown when it came from an API, so a reload or a shared link
    // reopens it; a later file load takes the source out again
    Effect::new(move |had_link: Option<bool>| {
        state.generation.track();
        let (link, page, trace, selected) =
            (state.source_link.get(), state.page.get(), state.trace.get(), state.selected.get());
        let Some(mut link) = link else {
            if had_link == Some(true) {
                set_fragment("");
            }
            return false;
        };
        let shown = trace.and_then(|ti| {
            state.data.with_untracked(|d| {
                let t = d.traces.get(ti)?;
                Some((t.id.clone(), selected.map(|i| t.tree.key(&t.observations, i))))
            })
        });
        let mut obs = None;
        match (page, shown) {
            (Page::Session(id), _) => {
                link.session = Some(id);
                link.trace = None;
            }
            (Page::Trace, Some((id, key))) => {
                link.trace = Some(id);
                link.session = None;
                obs = key;
            }
            _ => {}
        }
        set_fragment(&link.to_fragment(obs.as_deref()));
        true
    });
    if let Some(url) = url_param() {
        state.load_url(url);
    } else if let Some((link, _)) = source_link_param() {
        state.reopen(link);
    }
    view! { <Shell/> }
}

/// Entry point called by `main`: panic reporting, then mount.
pub fn start() {
    std::panic::set_hook(Box::new(report_panic));
    leptos::mount::mount_to_body(App);
}

/// A panic leaves the wasm instance unusable; instead of a dead or blank page, show what happened
/// and a text to copy into a bug report. Written with plain DOM calls since the app may be broken.
fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    let report = format!("Canopy {} crashed: {info}", env!("CARGO_PKG_VERSION"));
    web_sys::console::error_1(&report.clone().into());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    if let Ok(div) = doc.create_element("div") {
        div.set_class_name("crash-report");
        div.set_attribute("role", "alert").ok();
        if let Ok(h) = doc.create_element("strong") {
            h.set_text_content(Some(
                "Canopy hit an internal error and stopped. Reload the page to continue; please report this text:",
            ));
            div.append_child(&h).ok();
        }
        if let Ok(pre) = doc.create_element("pre") {
            pre.set_text_content(Some(&report));
            div.append_child(&pre).ok();
        }
        body.append_child(&div).ok();
    }
}
