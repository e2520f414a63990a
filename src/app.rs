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
    /// Remote images in messages load only after the user allows it (nothing leaves the tab
    /// unasked): the load generation it was allowed for. Each new load (a file dropped, merged or
    /// replacing) asks again, so one trusted file's allowance never fetches another's images.
    pub allow_remote: RwSignal<Option<u64>>,
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
    /// Trace files opened by address, for the link (`url=`).
    pub urls: RwSignal<Vec<String>>,
    /// What was loaded that a link cannot reopen (dropped files, addresses that needed headers).
    pub unlinkable: RwSignal<Vec<String>>,
    /// The tree's filter box.
    pub tree_filter: RwSignal<String>,
    /// Timeline window in nanoseconds from the trace's start; `None` shows all of it.
    pub zoom: RwSignal<Option<(i64, i64)>>,
    /// The timeline folds idle gaps.
    pub compress: RwSignal<bool>,
    pub theme: RwSignal<Theme>,
    /// Opened with `?embed=1`: no toolbar, no drop zone, parts hidden on request.
    pub embed: StoredValue<Option<crate::embed::Embed>>,
    /// The Share panel (the link and what it cannot carry) is open.
    pub share_open: RwSignal<bool>,
    /// Files and addresses being read right now (a link's view waits for all of them).
    pub reading: RwSignal<u32>,
    /// The canonical host whose remembered keys a link reopened its data with (the page says so,
    /// with a Forget button).
    pub keys_remembered_for: RwSignal<Option<String>>,
}

/// Light, dark, or whatever the system prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn from_key(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            "system" | "auto" => Some(Theme::System),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The pages of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Traces,
    Trace,
    Sessions,
    Session(String),
    Scores,
    /// The shown trace compared with another (its id).
    Compare(String),
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
            allow_remote: RwSignal::new(None),
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
            urls: RwSignal::new(Vec::new()),
            unlinkable: RwSignal::new(Vec::new()),
            tree_filter: RwSignal::new(String::new()),
            zoom: RwSignal::new(None),
            compress: RwSignal::new(false),
            theme: RwSignal::new(Theme::System),
            embed: StoredValue::new(None),
            share_open: RwSignal::new(false),
            reading: RwSignal::new(0),
            keys_remembered_for: RwSignal::new(None),
        }
    }

    /// Shows another trace: it opens expanded, with the whole timeline.
    pub fn show_trace(&self, trace: Option<usize>) {
        if self.trace.get_untracked() != trace {
            self.collapsed.set(Default::default());
            self.zoom.set(None);
            self.tree_filter.set(String::new());
        }
        self.trace.set(trace);
    }

    pub fn embedded(&self) -> bool {
        self.embed.with_value(Option::is_some)
    }

    /// Forgets everything loaded (an embedding page's `load` replaces what was shown).
    pub fn clear(&self) {
        self.show_trace(None);
        self.selected.set(None);
        self.data.set(TraceSet::default());
        self.urls.set(Vec::new());
        self.unlinkable.set(Vec::new());
        self.source_link.set(None);
        self.page.set(Page::Trace);
        self.generation.update(|g| *g += 1);
    }

    /// Opens a trace (and optionally one of its observations) in the trace page.
    pub fn open_trace(&self, trace: usize, observation: Option<u32>) {
        self.show_trace(Some(trace));
        self.selected.set(observation);
        self.page.set(Page::Trace);
    }

    pub fn push_error(&self, text: String) {
        // never reused, even after every notice is dismissed: the embed API sends each one once
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.errors.update(|e| e.push(Notice { id, text }));
    }

    /// Imports bytes and shows them instead of what was loaded, which goes only once they have
    /// opened; on failure shows why and keeps what was loaded (an embedding page's `load`).
    pub fn load_bytes_replacing(&self, name: &str, bytes: &[u8]) -> bool {
        let result = import::load(name, bytes);
        if result.is_ok() {
            self.clear();
        }
        self.take(result)
    }

    /// Imports bytes and merges them in; on failure shows why and keeps what was loaded.
    pub fn load_bytes(&self, name: &str, bytes: &[u8]) -> bool {
        mark("canopy:import-start");
        let result = import::load(name, bytes);
        mark("canopy:import-end");
        self.take(result)
    }

    /// Merges an imported file in and shows it; on failure shows why and keeps what was loaded.
    fn take(&self, result: Result<import::Loaded, import::LoadError>) -> bool {
        match result {
            Ok(loaded) => {
                let mut touched = Vec::new();
                self.data.update(|d| touched = d.merge(loaded.set));
                self.generation.update(|g| *g += 1);
                // a file of scores alone touches no trace: keep showing the current one
                if let Some(&first) = touched.first() {
                    self.show_trace(Some(first));
                    self.selected.set(None);
                    self.page.set(Page::Trace);
                }
                true
            }
            Err(e) => {
                self.push_error(e.to_string());
                false
            }
        }
    }

    /// Reads and loads files one after another (several dropped together merge into one set).
    pub fn load_files(self, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        self.reading.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            self.cancel.set(false);
            for f in files {
                let name = f.name();
                let size = f.size() as usize;
                self.loading.set(Some(format!("Reading {name}…")));
                // a compressed file's size says nothing of the bytes it holds
                let gzip = source::is_gzip(&f).await;
                let mut opening = Opening::new(self, &name, (!gzip).then_some(size));
                let read = source::read_file_pieces(&f, gzip, &mut |piece| opening.piece(piece), &|| {
                    self.cancel.get_untracked()
                })
                .await;
                let done = match read {
                    Ok(()) => opening.finish().await,
                    Err(e) => {
                        opening.stop();
                        self.push_error(format!("{name}: {e}"));
                        false
                    }
                };
                if done {
                    self.unlinkable.update(|u| u.push(format!("{name} (opened from this computer)")));
                }
                if self.cancel.get_untracked() {
                    break;
                }
            }
            self.loading.set(None);
            self.reading.update(|n| *n = n.saturating_sub(1));
        });
    }

    /// Fetches an address with request headers (kept in this call only) and loads it.
    pub fn load_url_with(self, url: String, headers: Vec<(String, String)>) {
        self.reading.update(|n| *n += 1);
        leptos::task::spawn_local(self.fetch_and_load(url, headers, false));
    }

    /// Fetches an address and loads it.
    pub fn load_url(self, url: String) {
        self.reading.update(|n| *n += 1);
        leptos::task::spawn_local(self.fetch_and_load(url, Vec::new(), false));
    }

    /// Fetches an address and shows it instead of what was loaded, which goes only once the new
    /// file has opened (a failed fetch or import keeps it).
    pub fn load_url_replacing(self, url: String) {
        self.reading.update(|n| *n += 1);
        leptos::task::spawn_local(self.fetch_and_load(url, Vec::new(), true));
    }

    /// An address that loaded, for the link (once).
    fn remember_url(&self, url: &str) {
        if !self.urls.with_untracked(|u| u.iter().any(|x| x == url)) {
            self.urls.update(|u| u.push(url.to_string()));
        }
    }

    /// Reads an address piece by piece, opening it as it arrives (a progress bar of the bytes and
    /// observations read, and Cancel); an address that needed headers cannot be put in a link, so
    /// it is said instead.
    async fn fetch_and_load(self, url: String, headers: Vec<(String, String)>, replace: bool) {
        let name = source::name_of_url(&url);
        mark("canopy:fetch-start");
        self.loading.set(Some(format!("Fetching {name}…")));
        self.cancel.set(false);
        source::yield_to_browser().await;
        let mut opening = Opening::new(self, &name, None);
        opening.replace = replace;
        let cancelled = || self.cancel.get_untracked();
        let fetched = source::fetch_url_pieces(
            &url,
            &headers,
            &mut |piece, total| {
                opening.total = total;
                opening.piece(piece)
            },
            &cancelled,
        )
        .await;
        let address = source::advice::redact_url(&url);
        let loaded = match fetched {
            Ok(_) => opening.finish().await,
            Err(e) => {
                opening.stop();
                self.push_error(format!("{address}: {e}"));
                false
            }
        };
        if loaded {
            // a presigned or tokened address stays out of the page's address, its history and links
            let unlinkable = match source::advice::credential_in(&url) {
                Some(what) => Some(format!("{address} (its address carries {what}, which links never carry)")),
                None if !headers.is_empty() => {
                    Some(format!("{address} (needs request headers, which links never carry)"))
                }
                None => None,
            };
            match unlinkable {
                Some(why) => self.unlinkable.update(|u| u.push(why)),
                None => self.remember_url(&url),
            }
        }
        self.loading.set(None);
        self.reading.update(|n| *n = n.saturating_sub(1));
    }
}

/// A file being opened as its pieces arrive: the import stream and the progress bar.
struct Opening {
    state: AppState,
    name: String,
    stream: Option<import::Stream>,
    /// An import error: the rest of the file is not read.
    failed: Option<import::LoadError>,
    /// The file's length, when known.
    total: Option<usize>,
    shown: usize,
    /// When the progress bar last changed (ms, `performance.now`).
    shown_at_ms: f64,
    /// What was loaded goes once this file has opened (and stays if it does not).
    replace: bool,
}

impl Opening {
    const PROGRESS_EVERY_MS: f64 = 100.0;

    fn new(state: AppState, name: &str, total: Option<usize>) -> Opening {
        Opening {
            state,
            name: name.to_string(),
            stream: None,
            failed: None,
            total,
            shown: 0,
            shown_at_ms: f64::MIN,
            replace: false,
        }
    }

    /// Reads a piece; false once the file is known not to open (the error is kept for `finish`).
    fn piece(&mut self, piece: &[u8]) -> bool {
        let stream = self.stream.get_or_insert_with(|| {
            mark("canopy:import-start");
            import::Stream::new(&self.name)
        });
        if let Err(e) = stream.push(piece) {
            self.failed = Some(e);
            return false;
        }
        let read = stream.bytes();
        // ten changes a second read as smooth; each change costs the page a frame (style, layout,
        // paint), and one per piece was a tenth of a large file's load. A compressed length is no
        // total for the bytes read.
        let now = source::now_ms();
        if (read - self.shown >= 256 << 10 && now - self.shown_at_ms >= Self::PROGRESS_EVERY_MS)
            || Some(read) == self.total
        {
            self.shown = read;
            self.shown_at_ms = now;
            let observations = stream.observations();
            self.state.progress.set(Some(crate::remote::Progress {
                what: format!("Opening {}", self.name),
                done: read,
                total: self.total.filter(|t| *t >= read),
                unit: "bytes",
                bytes: read,
                note: if observations > 0 {
                    format!("{} observations", crate::model::units::format_count(observations))
                } else {
                    String::new()
                },
            }));
        }
        true
    }

    /// The whole file has been read: builds its traces (said first, as it can take a moment for
    /// large files) and merges them in.
    async fn finish(mut self) -> bool {
        self.state.progress.set(None);
        if let Some(e) = self.failed.take() {
            self.state.push_error(e.to_string());
            return false;
        }
        let stream = self.stream.take().unwrap_or_else(|| {
            mark("canopy:import-start");
            import::Stream::new(&self.name)
        });
        mark("canopy:read-end");
        let (read, observations) = (stream.bytes(), stream.observations());
        self.state.loading.set(Some(if observations > 0 {
            format!("Building {} ({} observations)…", self.name, crate::model::units::format_count(observations))
        } else {
            format!("Opening {} ({})…", self.name, human_bytes(read))
        }));
        source::yield_to_browser().await;
        let result = stream.finish();
        mark("canopy:import-end");
        if self.replace && result.is_ok() {
            self.state.clear();
        }
        self.state.take(result)
    }

    /// Reading stopped (cancelled or failed): nothing of this file is kept.
    fn stop(self) {
        self.state.progress.set(None);
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

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let initial = crate::history::install(state);
    crate::embed::install(state, &initial);
    warm_up(state);
    view! { <Shell/> }
}

/// Imports `import::warmup`'s made-up trace once, after the empty app is painted, a piece at a
/// time when the browser is idle, and drops it: the browser then runs the importer's optimized
/// code from the first real file on (see `import::warmup` for why). Nothing of it is kept or
/// shown. A file opened meanwhile stops it: that import warms the code up itself.
fn warm_up(state: AppState) {
    // some forty pieces of a few ms, none of them a long task, done well before a user has
    // chosen a file (BENCHMARKS.md, 2026-12-02)
    const PIECE: usize = 16 * 1024;
    // a piece starts only with this much of the idle period (at most 50 ms) left: each turn's
    // work stays near 20 ms, so input that arrives meanwhile hardly waits
    const LEFT_MS: f64 = 30.0;
    leptos::task::spawn_local(async move {
        // the first paint with content comes first (the page may be idle before it)
        for _ in 0..60 {
            source::when_idle().await;
            if painted() {
                break;
            }
        }
        mark("canopy:warm-up-start");
        let doc = import::warmup::sample(import::warmup::SPANS);
        let mut stream = import::Stream::new("warm-up");
        let mut idle = source::when_idle().await;
        for piece in doc.as_bytes().chunks(PIECE) {
            // pieces while the idle period lasts, then the next one
            if idle.remaining_ms() < LEFT_MS {
                idle = source::when_idle().await;
            }
            if state.loading.get_untracked().is_some() || stream.push(piece).is_err() {
                return;
            }
        }
        if state.loading.get_untracked().is_none() {
            let _ = stream.finish();
            mark("canopy:warm-up-end");
        }
    });
}

/// Whether the page has had its first contentful paint.
fn painted() -> bool {
    web_sys::window()
        .and_then(|w| w.performance())
        .is_some_and(|p| p.get_entries_by_name("first-contentful-paint").length() > 0)
}

/// Entry point called by `main`: panic reporting, then mount.
pub fn start() {
    std::panic::set_hook(Box::new(crate::crash::report_panic));
    // keys for the id maps (model::hash): wasm has no randomness of its own, the page does
    let bits = || (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    crate::model::hash::seed(bits() << 11 ^ bits());
    leptos::mount::mount_to_body(App);
}

/// The crash report's text and notice live in `crash`; tests reach them here too.
pub use crate::crash::{crash_report, show_crash_report};
