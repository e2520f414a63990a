//! The page frame: toolbar (open file, open URL, demos), drop zone, banners, the page shown.

use crate::source;
use crate::state::{MainView, Page, State};
use crate::views::connect::ConnectDialog;
use crate::views::costs_page::Costs;
use crate::views::detail::Detail;
use crate::views::embed_header::{CompactHeader, EmbedWaiting};
use crate::views::header::TraceHeader;
use crate::views::nav::Nav;
use crate::views::notice_banner::NoticeBanner;
use crate::views::progress::StatusLine;
use crate::views::scores_page::ScoresPage;
use crate::views::sessions_page::{SessionPage, SessionsPage};
use crate::views::share_panel::{share, SharePanel};
use crate::views::show::Show;
use crate::views::theme_picker::ThemePicker;
use crate::views::timeline::TimelineView;
use crate::views::trace_list::TraceList;
use crate::views::traces_page::TracesPage;
use crate::views::tree::TreeView;
use crate::views::welcome::{DemoButtons, Welcome};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn Shell(state: State) -> impl IntoView {
    let State { data, view, jobs, notices, links, dialogs, .. } = state;
    let (loader, address) = (state.loader(), state.address());
    let dragging = RwSignal::new(false);
    let url_text = RwSignal::new(String::new());
    let file_input = NodeRef::<leptos::html::Input>::new();
    let has_traces = move || data.with(|d| !d.traces.is_empty());
    // on a narrow screen the toolbar folds into a menu (style/phone.css); a pick closes it
    let menu = RwSignal::new(false);

    let embedded = state.embedded();
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
            class=format!("app {}", state.embed.with_value(|e| e.as_ref().map(crate::state::Embed::classes).unwrap_or_default()))
            class:dragging=move || dragging.get()
            class:touch=crate::views::virtual_list::coarse_pointer()
            // while files are still being read (several at once from a link): assistive technology
            // and tests wait for the figures to settle
            aria-busy=move || (jobs.reading.get() > 0 || jobs.loading.with(Option::is_some)).to_string()
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
                <CompactHeader address=address jobs=jobs/>
            </Show>
            <Show when=move || !embedded>
            <header class="toolbar" class:menu-open=move || menu.get() on:click=move |ev| {
                let picked = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("button").ok().flatten());
                if picked.is_some_and(|b| b.id() != "menu-toggle") {
                    menu.set(false);
                }
            }>
                <span class="brand">"Canopy"</span>
                <button class="btn" id="menu-toggle" aria-expanded=move || menu.get().to_string() on:click=move |_| menu.update(|m| *m = !*m)>"Menu"</button>
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
                <button class="btn" id="open-prices" title="The prices estimated costs come from, and your own" on:click=move |_| dialogs.prices.set(true)>"Prices"</button>
                <Show when=has_traces>
                    <button class="btn" id="copy-link" title="Copy a link that reopens this view" on:click=move |_| share(address, jobs, dialogs)>"Copy link"</button>
                </Show>
                <span class="toolbar-demos">"Demos: " <DemoButtons loader=loader class="btn demo-button"/></span>
                <StatusLine jobs=jobs/>
                <ThemePicker view=view/>
            </header>
            </Show>
            <Show when=move || dialogs.share.get()>
                <SharePanel links=links dialogs=dialogs address=address/>
            </Show>
            <NoticeBanner notices=notices/>
            <crate::views::connect::KeysNotice credentials=state.credentials/>
            <crate::views::link_files::LinkFilesPrompt/>
            <Show when=move || dialogs.connect.get()>
                <ConnectDialog live=state.live() loader=loader/>
            </Show>
            <Show when=move || dialogs.export.get()>
                <crate::views::export::ExportDialog data=data view=view dialogs=dialogs/>
            </Show>
            <Show when=move || dialogs.prices.get()>
                <crate::views::prices_panel::PricesPanel data=data prices=state.prices notices=notices dialogs=dialogs/>
            </Show>
            <Show when=has_traces fallback=move || if embedded { view! { <EmbedWaiting/> }.into_any() } else { view! { <Welcome loader=loader/> }.into_any() }>
                <Nav data=data view=view/>
                {move || match view.page.get() {
                    Page::Traces => view! { <TracesPage data=data view=view/> }.into_any(),
                    Page::Sessions => view! { <SessionsPage data=data view=view/> }.into_any(),
                    Page::Session(id) => view! { <SessionPage data=data view=view id=id/> }.into_any(),
                    Page::Scores => view! { <ScoresPage data=data view=view/> }.into_any(),
                    Page::Costs => view! { <Costs data=data view=view trace=false/> }.into_any(),
                    Page::Spans => view! { <crate::views::spans_page::SpansPage data=data view=view/> }.into_any(),
                    Page::Compare(other) => view! { <crate::views::compare_page::ComparePage data=data view=view other=other/> }.into_any(),
                    Page::Trace => view! {
                <main class="workspace">
                        <TraceList data=data view=view/>
                        <section class="trace-pane">
                            <TraceHeader data=data view=view notices=notices/>
                            <div class="view-tabs" role="tablist">
                                // one button type for the three tabs (a view per button cost bundle size)
                                {[
                                    (MainView::Tree, "tab-tree", "Tree", ""),
                                    (MainView::Timeline, "tab-timeline", "Timeline", ""),
                                    (MainView::Transcript, "tab-transcript", "Transcript", "The run read as one conversation (keys j/k turns, n/p tool calls, h/l agents)"),
                                    (MainView::Costs, "tab-costs", "Costs", "Cost and tokens by model and step, and the context of each LLM call"),
                                    (MainView::Graph, "tab-graph", "Graph", "Which agents, tools and models call which, and how often"),
                                    (MainView::Flame, "tab-flame", "Flame", "Where the time, tokens or cost go: a flame graph"),
                                    (MainView::Stats, "tab-stats", "Stats", "Per-name statistics: count, time, percentiles, tokens, cost, errors"),
                                ]
                                    .into_iter()
                                    .map(|(v, id, label, title)| view! {
                                        <button class="tab" id=id role="tab" title=title class:active=move || view.main.get() == v on:click=move |_| {
                                            // a mode belongs to the view it was set in
                                            if view.main.get_untracked() != v {
                                                view.mode.set(String::new());
                                            }
                                            view.main.set(v);
                                        }>
                                            {label}
                                        </button>
                                    })
                                    .collect_view()}
                            </div>
                            <div class="split">
                                {move || match view.main.get() {
                                    MainView::Tree => view! { <TreeView data=data view=view/> }.into_any(),
                                    MainView::Timeline => view! { <TimelineView data=data view=view/> }.into_any(),
                                    MainView::Transcript => view! { <crate::views::transcript::TranscriptView data=data view=view/> }.into_any(),
                                    MainView::Costs => view! { <Costs data=data view=view trace=true/> }.into_any(),
                                    MainView::Graph => view! { <crate::views::graph::GraphView data=data view=view/> }.into_any(),
                                    MainView::Flame => view! { <crate::views::flame::FlameView data=data view=view/> }.into_any(),
                                    MainView::Stats => view! { <crate::views::stats::StatsView data=data view=view/> }.into_any(),
                                }}
                                <Detail data=data view=view/>
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
