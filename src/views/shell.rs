//! The page frame: toolbar (open file, open URL, demos), drop zone, error banner, warnings, layout.

use crate::source;
use crate::state::address::Address;
use crate::state::{Data, Dialogs, Jobs, Level, Links, MainView, Notices, Page, Theme, ViewState};
use crate::views::connect::ConnectDialog;
use crate::views::detail::Detail;
use crate::views::header::TraceHeader;
use crate::views::scores_page::ScoresPage;
use crate::views::sessions_page::{SessionPage, SessionsPage};
use crate::views::timeline::TimelineView;
use crate::views::trace_list::TraceList;
use crate::views::traces_page::TracesPage;
use crate::views::tree::TreeView;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Built-in example traces, served from `demo/` next to the page.
pub const DEMOS: &[(&str, &str)] = &[
    ("Agent with tools", "demo/agent-tools.json"),
    ("RAG chain", "demo/rag-chain.otlp.json"),
    ("Failing run", "demo/failing-run.json"),
];

#[component]
pub fn Shell() -> impl IntoView {
    let data = expect_context::<Data>();
    let view = expect_context::<ViewState>();
    let dialogs = expect_context::<Dialogs>();
    let loader = expect_context::<crate::state::load::Loader>();
    let embed = expect_context::<crate::state::EmbedMode>();
    let address = expect_context::<Address>();
    let jobs = expect_context::<Jobs>();
    let dragging = RwSignal::new(false);
    let url_text = RwSignal::new(String::new());
    let file_input = NodeRef::<leptos::html::Input>::new();
    let has_traces = move || data.with(|d| !d.traces.is_empty());

    let embedded = embed.embedded();
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if embedded {
            return; // the host page decides what is shown
        }
        let files = source::files_of(ev.data_transfer().and_then(|dt| dt.files()));
        loader.load_files(files);
    };
    let on_pick = move |ev: web_sys::Event| {
        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            loader.load_files(source::files_of(input.files()));
            input.set_value(""); // picking the same file again must load it again
        }
    };
    let open_url = move || {
        let u = url_text.get_untracked();
        if !u.trim().is_empty() {
            loader.load_url(u.trim().to_string());
        }
    };

    view! {
        <div
            class=format!("app {}", embed.classes())
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(!embedded);
            }
            on:dragleave=move |ev: web_sys::DragEvent| {
                // leaving into a child element also fires dragleave; only the page edge counts
                if ev.related_target().is_none() {
                    dragging.set(false);
                }
            }
            on:drop=on_drop
        >
            <Show when=move || embedded>
                <CompactHeader/>
            </Show>
            <Show when=move || !embedded>
            <header class="toolbar">
                <span class="brand">"Canopy"</span>
                <button class="btn" id="open-file" on:click=move |_| {
                    if let Some(i) = file_input.get() {
                        i.click();
                    }
                }>"Open file…"</button>
                <input
                    type="file"
                    id="file-input"
                    multiple=true
                    accept=".json,.jsonl,.ndjson,application/json"
                    node_ref=file_input
                    on:change=on_pick
                />
                <form class="url-form" on:submit=move |ev: web_sys::SubmitEvent| {
                    ev.prevent_default();
                    open_url();
                }>
                    <input
                        type="url"
                        id="url-input"
                        placeholder="https://… trace file URL"
                        prop:value=move || url_text.get()
                        on:input=move |ev| url_text.set(event_target_value(&ev))
                    />
                    <button class="btn" id="open-url" type="submit">"Open URL"</button>
                </form>
                <button class="btn" id="open-connect" on:click=move |_| dialogs.connect.set(true)>"Connect…"</button>
                <Show when=has_traces>
                    <button class="btn" id="open-export" on:click=move |_| dialogs.export.set(true)>"Export…"</button>
                </Show>
                <Show when=has_traces>
                    <button class="btn" id="copy-link" title="Copy a link that reopens this view" on:click=move |_| share(address, jobs, dialogs)>"Copy link"</button>
                </Show>
                <span class="toolbar-demos">"Demos: " <DemoButtons class="btn demo-button"/></span>
                <Status/>
                <ThemePicker/>
            </header>
            </Show>
            <Show when=move || dialogs.share.get()>
                <SharePanel/>
            </Show>
            <ErrorBanner/>
            <crate::views::connect::KeysNotice/>
            <crate::views::link_files::LinkFilesPrompt/>
            <Show when=move || dialogs.connect.get()>
                <ConnectDialog/>
            </Show>
            <Show when=move || dialogs.export.get()>
                <crate::views::export::ExportDialog/>
            </Show>
            <Show when=has_traces fallback=move || if embedded { view! { <EmbedWaiting/> }.into_any() } else { view! { <Welcome/> }.into_any() }>
                <Nav/>
                {move || match view.page.get() {
                    Page::Traces => view! { <TracesPage/> }.into_any(),
                    Page::Sessions => view! { <SessionsPage/> }.into_any(),
                    Page::Session(id) => view! { <SessionPage id=id/> }.into_any(),
                    Page::Scores => view! { <ScoresPage/> }.into_any(),
                    Page::Compare(other) => view! { <crate::views::compare_page::ComparePage other=other/> }.into_any(),
                    Page::Trace => view! {
                <main class="workspace">
                        <TraceList/>
                        <section class="trace-pane">
                            <TraceHeader/>
                            <div class="view-tabs" role="tablist">
                                <button
                                    class="tab"
                                    id="tab-tree"
                                    role="tab"
                                    class:active=move || view.main.get() == MainView::Tree
                                    on:click=move |_| view.main.set(MainView::Tree)
                                >
                                    "Tree"
                                </button>
                                <button
                                    class="tab"
                                    id="tab-timeline"
                                    role="tab"
                                    class:active=move || view.main.get() == MainView::Timeline
                                    on:click=move |_| view.main.set(MainView::Timeline)
                                >
                                    "Timeline"
                                </button>
                            </div>
                            <div class="split">
                                {move || match view.main.get() {
                                    MainView::Tree => view! { <TreeView/> }.into_any(),
                                    MainView::Timeline => view! { <TimelineView/> }.into_any(),
                                }}
                                <Detail/>
                            </div>
                        </section>
                    </main>
                    }.into_any(),
                }}
            </Show>
            <div class="drop-overlay">"Drop trace files to open them"</div>
        </div>
    }
}

/// The loading line, or the progress bar of an API load.
#[component]
fn Status() -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    view! {
        <Show
            when=move || jobs.progress.with(Option::is_none)
            fallback=|| view! { <crate::views::progress::ProgressBar/> }
        >
            <span class="loading" role="status">{move || jobs.loading.get().unwrap_or_default()}</span>
        </Show>
    }
}

/// Embedded: one slim line with the status and a way out to the full app.
#[component]
fn CompactHeader() -> impl IntoView {
    let address = expect_context::<crate::state::address::Address>();
    let open_full = move |_| {
        let url = address.share_url(None);
        if let Some(w) = web_sys::window() {
            let _ = w.open_with_url_and_target_and_features(&url, "_blank", "noopener,noreferrer");
        }
    };
    view! {
        <header class="toolbar compact">
            <span class="brand">"Canopy"</span>
            <Status/>
            <button class="btn small" id="open-full" title="Open this view in a full Canopy tab" on:click=open_full>"Open in Canopy ↗"</button>
        </header>
    }
}

#[component]
fn EmbedWaiting() -> impl IntoView {
    view! {
        <div class="welcome embed-waiting">
            <p class="hint">"Waiting for a trace from the page around this view."</p>
        </div>
    }
}

/// Light, dark or the system's choice; remembered on this device.
#[component]
fn ThemePicker() -> impl IntoView {
    let view = expect_context::<ViewState>();
    view! {
        <label class="theme-picker" title="Theme">
            <select
                id="theme"
                aria-label="Theme"
                prop:value=move || view.theme.get().key()
                on:change=move |ev| {
                    if let Some(t) = Theme::from_key(&event_target_value(&ev)) {
                        view.theme.set(t);
                        t.store();
                    }
                }
            >
                <option value="system">"System theme"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </label>
    }
}

/// Copies the link to this view and says what it cannot carry.
fn share(address: Address, jobs: Jobs, dialogs: Dialogs) {
    let url = address.share_url(None);
    crate::views::copy::copy_text(jobs, "link", url);
    dialogs.share.set(true);
}

/// The link just copied, selectable by hand too, and why it may not reopen everything.
#[component]
fn SharePanel() -> impl IntoView {
    let links = expect_context::<Links>();
    let dialogs = expect_context::<Dialogs>();
    let address = expect_context::<crate::state::address::Address>();
    let url = move || address.share_url(None);
    let missing = move || links.unlinkable.get();
    view! {
        <div class="share-panel" id="share-panel" role="dialog" aria-label="Link to this view">
            <div class="share-row">
                <input id="share-link" readonly=true prop:value=url on:focus=move |ev| {
                    if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        i.select();
                    }
                }/>
                <button class="btn small" id="close-share" on:click=move |_| dialogs.share.set(false)>"Close"</button>
            </div>
            <p class="hint">
                "The link reopens this view: the trace, the selection, the tree or timeline with its zoom, the filters "
                "and folded nodes. It holds addresses, never data or keys."
            </p>
            <Show when=move || !missing().is_empty()>
                <div class="share-warning" id="share-warning">
                    <p>"The link cannot bring back what was not opened from an address:"</p>
                    <ul>{move || missing().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    <p>
                        "For a colleague to see it, put the file where a browser can fetch it (a static server, object "
                        "storage, a gist's raw address) and open it with Open URL, or send it exported (Export…) "
                        "alongside the link."
                    </p>
                </div>
            </Show>
        </div>
    }
}

/// Where you are among the loaded data: the trace list, sessions, scores, or one trace.
#[component]
fn Nav() -> impl IntoView {
    let data = expect_context::<Data>();
    let view = expect_context::<ViewState>();
    let count = move |f: fn(&crate::model::TraceSet) -> usize| data.with(f);
    let tab = move |page: Page, id: &'static str, label: String| {
        let p = page.clone();
        let is = move || match (&view.page.get(), &p) {
            (Page::Session(_), Page::Sessions) => true,
            (a, b) => a == b,
        };
        view! {
            <button class="tab" id=id class:active=is on:click=move |_| view.page.set(page.clone())>{label}</button>
        }
    };
    view! {
        <nav class="nav-tabs" aria-label="Views">
            {move || tab(Page::Traces, "nav-traces", format!("Traces ({})", count(|d| d.traces.len())))}
            {move || tab(Page::Sessions, "nav-sessions", format!("Sessions ({})", count(|d| d.sessions.len())))}
            {move || tab(Page::Scores, "nav-scores", format!("Scores ({})", count(|d| crate::model::tracelist::score_names(d).len())))}
            {move || {
                let name = data.with(|d| view.trace.get().and_then(|i| d.traces.get(i)).map(|t| t.display_name().to_string()));
                name.map(|n| tab(Page::Trace, "nav-trace", format!("Trace: {n}")))
            }}
            {move || match view.page.get() {
                Page::Compare(other) => Some(tab(Page::Compare(other), "nav-compare", "Compare".to_string())),
                _ => None,
            }}
        </nav>
    }
}

#[component]
fn ErrorBanner() -> impl IntoView {
    let notices = expect_context::<Notices>();
    view! {
        <div class="banners">
            <For
                each=move || notices.get()
                key=|n| n.id
                children=move |n| {
                    let (id, level) = (n.id, n.level());
                    view! {
                        <div class=format!("{}-banner", level.key()) role=if level == Level::Error { "alert" } else { "status" }>
                            <span class="error-text">{n.text}</span>
                            <button
                                class="dismiss"
                                title="Dismiss"
                                on:click=move |_| notices.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}

/// One button per built-in demo trace; a click loads it.
#[component]
fn DemoButtons(class: &'static str) -> impl IntoView {
    let loader = expect_context::<crate::state::load::Loader>();
    DEMOS
        .iter()
        .map(|(label, path)| {
            let path = path.to_string();
            view! {
                <button class=class on:click=move |_| loader.load_url(path.clone())>
                    {*label}
                </button>
            }
        })
        .collect_view()
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <div class="welcome">
            <h1>"Open an LLM trace"</h1>
            <p>
                "Drop a trace file anywhere on this page, pick one with "<b>"Open file…"</b>
                ", or paste a URL. Everything stays in this tab: nothing is uploaded."
            </p>
            <p class="formats">
                "Opens Langfuse exports and API responses, OTLP JSON (every variant, Tempo too), Phoenix spans and "
                "annotations, Jaeger JSON, LangSmith runs and feedback, and Canopy files; OpenInference, "
                "OpenTelemetry GenAI, Langfuse and Vercel AI SDK attributes are understood. Drop several files at once "
                "to join them."
            </p>
            <div class="demo-cards">
                <DemoButtons class="demo-card demo-button"/>
            </div>
        </div>
    }
}
