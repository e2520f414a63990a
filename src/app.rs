//! The root component: load state shared through context, loading from files and URLs, panic reporting.

use crate::import;
use crate::model::TraceSet;
use crate::source;
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

impl AppState {
    /// Loads a Phoenix project's spans page by page, merging each page as it arrives (traces split
    /// across pages join up), with progress, a limit and Cancel. The key stays in this call.
    pub fn load_phoenix(self, client: source::phoenix::Phoenix, project: source::phoenix::Project, max_spans: usize) {
        const PAGE: usize = 1000;
        self.cancel.set(false);
        leptos::task::spawn_local(async move {
            let host = source::advice::host_of(&client.host);
            let label = format!("phoenix:{}/{}", host, project.name);
            let (mut cursor, mut pages, mut spans, mut bytes) = (None::<String>, 0usize, 0usize, 0usize);
            let mut first_trace = None;
            loop {
                if self.cancel.get_untracked() {
                    self.push_error(format!(
                        "{label}: cancelled after {pages} page(s), {spans} spans; what was loaded stays"
                    ));
                    break;
                }
                self.loading.set(Some(format!(
                    "Phoenix {}: page {}, {spans} spans, {} — Cancel stops",
                    project.name,
                    pages + 1,
                    human_bytes(bytes)
                )));
                let limit = PAGE.min(max_spans.saturating_sub(spans)).max(1);
                match client.spans_page(&project.id, cursor.as_deref(), limit).await {
                    Ok((body, next)) => {
                        pages += 1;
                        bytes += body.len();
                        match import::load_as(&label, &body, import::Format::PhoenixSpans) {
                            Ok(mut loaded) => {
                                // the page-by-page loop is the complete result: drop "one page of…" notes
                                loaded.set.warnings.retain(|w| !w.message.contains("next_cursor"));
                                spans += loaded.set.observation_count();
                                let mut touched = Vec::new();
                                self.data.update(|d| touched = d.merge(loaded.set));
                                self.generation.update(|g| *g += 1);
                                first_trace = first_trace.or(touched.first().copied());
                            }
                            Err(e) if e.error == import::ImportError::NoTraces("Phoenix spans") => {}
                            Err(e) => {
                                self.push_error(e.to_string());
                                break;
                            }
                        }
                        match next {
                            Some(c) if spans < max_spans => cursor = Some(c),
                            Some(_) => {
                                self.push_error(format!(
                                    "{label}: stopped at the limit of {max_spans} spans; more are on the server"
                                ));
                                break;
                            }
                            None => break,
                        }
                    }
                    Err(e) => {
                        self.push_error(format!("{label}: {e}"));
                        break;
                    }
                }
                source::yield_to_browser().await;
            }
            self.loading.set(None);
            if let Some(t) = first_trace {
                self.page.set(if self.data.with_untracked(|d| d.traces.len()) > 1 {
                    Page::Traces
                } else {
                    Page::Trace
                });
                self.trace.set(Some(t));
            }
        });
    }
}

impl AppState {
    /// Loads the Langfuse traces matching `filter`: list pages, then each trace in full, merged
    /// as it arrives, with progress, a limit and Cancel.
    pub fn load_langfuse(
        self,
        client: source::langfuse::Langfuse,
        filter: source::langfuse::TraceFilter,
        max_traces: usize,
    ) {
        const PAGE: usize = 50;
        self.cancel.set(false);
        leptos::task::spawn_local(async move {
            let label = format!("langfuse:{}", source::advice::host_of(&client.host));
            let (mut page, mut loaded, mut bytes) = (1usize, 0usize, 0usize);
            let mut first = None;
            'pages: loop {
                let (ids, total_pages, total) = match client.trace_ids(&filter, page, PAGE).await {
                    Ok(r) => r,
                    Err(e) => {
                        self.push_error(format!("{label}: {e}"));
                        break;
                    }
                };
                for id in ids {
                    if self.cancel.get_untracked() {
                        self.push_error(format!(
                            "{label}: cancelled after {loaded} of {total} traces; what was loaded stays"
                        ));
                        break 'pages;
                    }
                    if loaded >= max_traces {
                        self.push_error(format!(
                            "{label}: stopped at the limit of {max_traces} traces; {total} match on the server"
                        ));
                        break 'pages;
                    }
                    self.loading.set(Some(format!(
                        "Langfuse: trace {} of {total}, {} — Cancel stops",
                        loaded + 1,
                        human_bytes(bytes)
                    )));
                    match client.trace(&id).await {
                        Ok(body) => {
                            bytes += body.len();
                            match import::load_as(&format!("{label}/{id}"), &body, import::Format::LangfuseApiTrace) {
                                Ok(l) => {
                                    let mut touched = Vec::new();
                                    self.data.update(|d| touched = d.merge(l.set));
                                    self.generation.update(|g| *g += 1);
                                    first = first.or(touched.first().copied());
                                    loaded += 1;
                                }
                                Err(e) => self.push_error(e.to_string()),
                            }
                        }
                        Err(e) => {
                            self.push_error(format!("{label}: trace {id}: {e}"));
                            break 'pages;
                        }
                    }
                    source::yield_to_browser().await;
                }
                if page >= total_pages {
                    break;
                }
                page += 1;
            }
            self.loading.set(None);
            if let Some(t) = first {
                self.page.set(if loaded > 1 { Page::Traces } else { Page::Trace });
                self.trace.set(Some(t));
            }
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
    if let Some(url) = url_param() {
        state.load_url(url);
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
