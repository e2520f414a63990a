//! Loading files and addresses into the data: read piece by piece with a progress bar and
//! Cancel, imported as the pieces arrive, merged in; a failure is said and keeps what was loaded.

use super::{Data, Jobs, Links, NoticeKind, Notices, Page, Progress, ViewState};
use crate::import;
use crate::model::WarningKind;
use crate::source;
use leptos::prelude::*;

/// What loads need of the state; views that open files or addresses take this.
#[derive(Clone, Copy)]
pub struct Loader {
    pub data: Data,
    pub view: ViewState,
    pub jobs: Jobs,
    pub notices: Notices,
    pub links: Links,
}

impl Loader {
    /// Forgets everything loaded.
    pub fn clear(&self) {
        self.view.reset();
        self.data.clear();
        self.links.clear();
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
                let brought_logs = !loaded.set.pending_logs.is_empty();
                let touched = self.data.merge(loaded.set);
                // log records whose spans are in no loaded file yet (a file of logs alone) show
                // nothing until they join: say how many wait
                let waiting = self.data.with_untracked(|d| {
                    d.warnings
                        .iter()
                        .find(|w| matches!(w.kind, WarningKind::LogsWaiting { .. }))
                        .map(|w| format!("{}: {w}", w.source))
                });
                // one notice, of how many wait now: gone once they have all joined
                let told = self.notices.dismiss_kind(NoticeKind::LogsWaiting);
                if let (true, Some(text)) = (brought_logs || told, waiting) {
                    self.notices.push(NoticeKind::LogsWaiting, text);
                }
                // a file of scores alone touches no trace: keep showing the current one
                if let Some(&first) = touched.first() {
                    self.view.show_trace(Some(first));
                    self.view.selected.set(None);
                    self.view.page.set(Page::Trace);
                }
                true
            }
            Err(e) => {
                self.notices.push(NoticeKind::LoadFailed, e.to_string());
                false
            }
        }
    }

    /// Reads and loads files one after another (several dropped together merge into one set).
    pub fn load_files(self, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        self.jobs.started_reading();
        leptos::task::spawn_local(async move {
            self.jobs.cancel.set(false);
            for f in files {
                let name = f.name();
                let size = f.size() as usize;
                self.jobs.loading.set(Some(format!("Reading {name}…")));
                // a compressed file's size says nothing of the bytes it holds
                let compression = source::compression_of(&f).await;
                let mut opening = Opening::new(self, &name, compression.is_none().then_some(size));
                let read = source::read_file_pieces(&f, compression, &mut |piece| opening.piece(piece), &|| {
                    self.jobs.cancel.get_untracked()
                })
                .await;
                let done = match read {
                    Ok(()) => opening.finish().await,
                    Err(e) => {
                        opening.stop();
                        self.notices.push(NoticeKind::LoadFailed, format!("{name}: {e}"));
                        false
                    }
                };
                if done {
                    self.links.unlinkable.update(|u| u.push(format!("{name} (opened from this computer)")));
                }
                if self.jobs.cancel.get_untracked() {
                    break;
                }
            }
            self.jobs.loading.set(None);
            self.jobs.done_reading();
        });
    }

    /// Fetches an address with request headers (kept in this call only) and loads it.
    pub fn load_url_with(self, url: String, headers: Vec<(String, String)>) {
        self.jobs.started_reading();
        leptos::task::spawn_local(self.fetch_and_load(url, headers, false));
    }

    /// Fetches an address and loads it.
    pub fn load_url(self, url: String) {
        self.jobs.started_reading();
        leptos::task::spawn_local(self.fetch_and_load(url, Vec::new(), false));
    }

    /// Fetches an address and shows it instead of what was loaded, which goes only once the new
    /// file has opened (a failed fetch or import keeps it).
    pub fn load_url_replacing(self, url: String) {
        self.jobs.started_reading();
        leptos::task::spawn_local(self.fetch_and_load(url, Vec::new(), true));
    }

    /// Reads an address piece by piece, opening it as it arrives (a progress bar of the bytes and
    /// observations read, and Cancel); an address that needed headers cannot be put in a link, so
    /// it is said instead.
    async fn fetch_and_load(self, url: String, headers: Vec<(String, String)>, replace: bool) {
        let name = source::name_of_url(&url);
        mark("canopy:fetch-start");
        self.jobs.loading.set(Some(format!("Fetching {name}…")));
        self.jobs.cancel.set(false);
        source::yield_to_browser().await;
        let mut opening = Opening::new(self, &name, None);
        opening.replace = replace;
        let cancelled = || self.jobs.cancel.get_untracked();
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
                self.notices.push(NoticeKind::LoadFailed, format!("{address}: {e}"));
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
                Some(why) => self.links.unlinkable.update(|u| u.push(why)),
                None => self.links.remember_url(&url),
            }
        }
        self.jobs.loading.set(None);
        self.jobs.done_reading();
    }
}

/// A file being opened as its pieces arrive: the import stream and the progress bar.
struct Opening {
    loader: Loader,
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

    fn new(loader: Loader, name: &str, total: Option<usize>) -> Opening {
        Opening {
            loader,
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
            self.loader.jobs.progress.set(Some(Progress {
                what: format!("Opening {}", self.name),
                done: read,
                total: self.total.filter(|t| *t >= read),
                unit: "bytes",
                bytes: read,
                note: if observations > 0 {
                    crate::model::units::plural(observations, "observation", "observations")
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
        self.loader.jobs.progress.set(None);
        if let Some(e) = self.failed.take() {
            self.loader.notices.push(NoticeKind::LoadFailed, e.to_string());
            return false;
        }
        let stream = self.stream.take().unwrap_or_else(|| {
            mark("canopy:import-start");
            import::Stream::new(&self.name)
        });
        mark("canopy:read-end");
        let (read, observations) = (stream.bytes(), stream.observations());
        self.loader.jobs.loading.set(Some(if observations > 0 {
            format!(
                "Building {} ({})…",
                self.name,
                crate::model::units::plural(observations, "observation", "observations")
            )
        } else {
            format!("Opening {} ({})…", self.name, crate::model::units::human_bytes(read))
        }));
        source::yield_to_browser().await;
        let result = stream.finish();
        mark("canopy:import-end");
        if self.replace && result.is_ok() {
            self.loader.clear();
        }
        self.loader.take(result)
    }

    /// Reading stopped (cancelled or failed): nothing of this file is kept.
    fn stop(self) {
        self.loader.jobs.progress.set(None);
    }
}

/// A User Timing mark, so benchmarks and the browser's profiler can split a load into phases.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
