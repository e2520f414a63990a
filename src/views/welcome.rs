//! The empty page: what Canopy opens, and the built-in demos.

use crate::state::load::Loader;
use leptos::prelude::*;

/// Built-in example traces, served from `demo/` next to the page.
pub const DEMOS: &[(&str, &str)] = &[
    ("Agent with tools", "demo/agent-tools.json"),
    ("RAG chain", "demo/rag-chain.otlp.json"),
    ("Failing run", "demo/failing-run.json"),
];

/// One button per built-in demo trace; a click loads it.
#[component]
pub fn DemoButtons(loader: Loader, class: &'static str) -> impl IntoView {
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
pub fn Welcome(loader: Loader) -> impl IntoView {
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
                <DemoButtons loader=loader class="demo-card demo-button"/>
            </div>
        </div>
    }
}
