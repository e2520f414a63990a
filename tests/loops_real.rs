//! Loops in the real exports of tests/fixtures/realdata/*: each library's scenario ends with an
//! agent that calls its `step` tool until the model stops, 49 times (with the same arguments, or,
//! where the scenario passes the step number — Langfuse, OpenLLMetry, OpenInference's OpenAI —
//! with a counter: a runaway). Nothing else loops, but for smolagents' tools turn, where the
//! agent really called `get_weather({"city": "x"})` and `explode` four times each with the same
//! arguments (the spans say so: same `input.value`, one after another).
#![cfg(not(target_arch = "wasm32"))]

use canopy::model::loops::{detect, LoopKind};
use std::path::PathBuf;

#[test]
fn the_agent_loop_is_flagged_and_nothing_else() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdata");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.retain(|d| d.join("traces.otlp.jsonl").is_file());
    dirs.sort();
    assert!(dirs.len() >= 11);
    let mut step_loops = 0;
    for dir in &dirs {
        let lib = dir.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(dir.join("traces.otlp.jsonl")).unwrap();
        let set = canopy::import::load("traces.otlp.jsonl", &bytes).unwrap().set;
        let mut found = Vec::new();
        for t in &set.traces {
            for l in detect(t) {
                found.push((l.label.clone(), l.calls.len(), l.kind));
                if l.label.starts_with("step") {
                    assert_eq!(l.calls.len(), 49, "{lib}: the loop's 49 tool calls");
                    assert!(matches!(l.kind, LoopKind::RepeatedTool | LoopKind::Runaway), "{lib}");
                    assert!(l.share > 0.5, "{lib}: most of the run ({:.2})", l.share);
                    assert!(l.askers.len() >= 48, "{lib}: the model calls that asked for them ({})", l.askers.len());
                    step_loops += 1;
                }
            }
        }
        let others: Vec<_> = found.iter().filter(|f| !f.0.starts_with("step")).collect();
        if lib == "openinference-smolagents" {
            let mut names: Vec<(&str, usize)> = others.iter().map(|f| (f.0.as_str(), f.1)).collect();
            names.sort();
            assert_eq!(names, [("explode", 4), ("get_weather", 4)], "{lib}");
        } else {
            assert!(others.is_empty(), "{lib}: {others:?}");
        }
    }
    assert_eq!(step_loops, dirs.len(), "every library's agent loop is flagged");
}

/// The list filter `has:loop` keeps the traces that loop.
#[test]
fn has_loop_filters_the_list() {
    use canopy::model::tracelist::{filter, ListQuery};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdata/openinference-langchain");
    let set = canopy::import::load("x.jsonl", &std::fs::read(dir.join("traces.otlp.jsonl")).unwrap()).unwrap().set;
    let kept: Vec<&str> =
        filter(&set, &ListQuery::parse("has:loop")).into_iter().map(|i| set.traces[i].display_name()).collect();
    assert_eq!(kept, ["agent_loop"]);
    assert_eq!(filter(&set, &ListQuery::parse("")).len(), 3);
}
