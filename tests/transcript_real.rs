//! The transcript of real libraries' exports (tests/fixtures/realdata/*) and of Langfuse JSON
//! exports (../shared/fixtures/langfuse) against an independent reading:
//! scripts/realdata/transcript_expect.py reads the raw JSON with Python's `json` and writes, per
//! trace, the model and tool calls in time order, the first user message and the last assistant
//! text (`transcript.expected.json`). Canopy's Turn and Tool blocks must come in that order with
//! those names, its Input must start with that message and its Final must be that text.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::model::transcript::{build, BlockKind};
use canopy::model::Trace;
use serde_json::Value;
use std::path::Path;

/// Compares one trace; returns how many calls matched.
fn check(t: &Trace, e: &Value, what: &str) -> usize {
    let tr = build(t);
    let mut seq = Vec::new();
    for b in &tr.blocks {
        match &b.kind {
            BlockKind::Turn { .. } => seq.push(format!("llm:{}", t.observations[b.obs as usize].name)),
            BlockKind::Tool { name, .. } => seq.push(format!("tool:{name}")),
            _ => {}
        }
    }
    let want: Vec<String> = e["sequence"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    assert_eq!(seq, want, "{what}: turns and tools in order");
    if let Some(input) = e["input"].as_str() {
        let first = tr.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Input { messages } => messages.first().map(|m| m.text()),
            _ => None,
        });
        assert_eq!(first.as_deref(), Some(input), "{what}: the user's input");
    }
    let fin = tr.blocks.iter().find_map(|b| match &b.kind {
        BlockKind::Final { text } => Some(text.as_str()),
        _ => None,
    });
    match e["final"].as_str() {
        Some(text) => assert_eq!(fin, Some(text), "{what}: the final answer"),
        // no assistant text in any call: the run's answer is the root's output, if any
        None => {
            let root_out = t.output_payload().map(|p| p.as_text()).filter(|s| !s.trim().is_empty());
            assert_eq!(fin.map(str::to_string), root_out, "{what}: the final answer falls back to the root's output");
        }
    }
    // every block is at a sane depth and points at an observation of the trace
    assert!(tr.blocks.iter().all(|b| (b.obs as usize) < t.observations.len()), "{what}");
    let opens = tr.blocks.iter().filter(|b| matches!(b.kind, BlockKind::AgentStart { .. })).count();
    let closes = tr.blocks.iter().filter(|b| matches!(b.kind, BlockKind::AgentEnd)).count();
    assert_eq!(opens, closes, "{what}: agent blocks are closed");
    want.len()
}

fn expected(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<Value>(&text).unwrap()["by_trace"].clone()
}

#[test]
fn realdata_transcripts_match_the_independent_reading() {
    let mut covered = Vec::new();
    for dir in common::realdata_dirs() {
        let lib = dir.file_name().unwrap().to_string_lossy().to_string();
        let exp = expected(&dir.join("transcript.expected.json"));
        let bytes = std::fs::read(dir.join("traces.otlp.jsonl")).unwrap();
        let set = canopy::import::load("traces.otlp.jsonl", &bytes).unwrap().set;
        assert_eq!(set.traces.len(), exp.as_object().unwrap().len(), "{lib}: traces");
        let mut calls = 0;
        for t in &set.traces {
            let e = exp.get(&t.id).unwrap_or_else(|| panic!("{lib}: trace {} not in the expectations", t.id));
            calls += check(t, e, &format!("{lib} {}", t.display_name()));
        }
        assert!(calls > 0, "{lib}: no calls");
        covered.push(lib);
    }
    for lib in [
        "openinference-langchain",
        "openinference-openai-agents",
        "openinference-crewai",
        "openinference-smolagents",
        "pydantic-ai-logfire",
        "langfuse",
    ] {
        assert!(covered.iter().any(|c| c == lib), "{lib} not covered: {covered:?}");
    }
}

/// Langfuse JSON exports (provenance: ../shared/fixtures/README.md). langgraph-js writes the
/// tool result as a message of role `get_weather` without the call's id and its `get_weather`
/// observation is a SPAN: no tool card, by either reader.
#[test]
fn langfuse_exports_match_the_independent_reading() {
    for name in ["langgraph-js-2025-10-30", "google-adk-2025-08-28", "pydantic-ai-2025-06-06"] {
        let path = common::shared(&format!("langfuse/{name}.trace.json"));
        if !path.is_file() {
            eprintln!("skipped: {} is not here", path.display());
            continue;
        }
        let (_, set) = common::open(path);
        let exp = expected(&common::own(&format!("langfuse/transcript/{name}.expected.json")));
        for t in &set.traces {
            check(t, &exp[&t.id], name);
        }
    }
}

/// The expectation files are not traces: importing them must not add a trace to the corpus.
#[test]
fn expectation_files_are_not_read_as_traces() {
    let path = common::own("realdata/langfuse/transcript.expected.json");
    let loaded = canopy::import::load("transcript.expected.json", &std::fs::read(path).unwrap());
    assert!(loaded.map(|l| l.set.traces.is_empty()).unwrap_or(true));
}
