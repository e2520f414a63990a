//! The spans table on real libraries' exports (issue 29): the rows of kind LLM are the model calls
//! the raw OTLP JSON names, counted here without Canopy from each convention's own attribute
//! (`openinference.span.kind` = LLM, Langfuse's `langfuse.observation.type` = generation, GenAI's
//! `gen_ai.operation.name` = chat / generate_content). The Vercel AI SDK is left out: its
//! `ai.generateText` wrappers and `doGenerate` calls both say `chat`-like things, so an
//! independent count would be a reading of Canopy's own rule.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::model::spans::{self, Col, ObsScores};
use canopy::model::tracelist::ListQuery;
use canopy::model::Kind;
use serde_json::Value;

/// (library, attribute key, values that mean a model call)
const LIBS: &[(&str, &str, &[&str])] = &[
    ("openinference-openai", "openinference.span.kind", &["LLM"]),
    ("openinference-openai-agents", "openinference.span.kind", &["LLM"]),
    ("openinference-langchain", "openinference.span.kind", &["LLM"]),
    ("openinference-llama-index", "openinference.span.kind", &["LLM"]),
    ("openinference-crewai", "openinference.span.kind", &["LLM"]),
    ("openinference-smolagents", "openinference.span.kind", &["LLM"]),
    ("langfuse", "langfuse.observation.type", &["generation"]),
    ("traceloop", "gen_ai.operation.name", &["chat", "text_completion"]),
    ("pydantic-ai-logfire", "gen_ai.operation.name", &["chat", "text_completion"]),
    ("google-adk", "gen_ai.operation.name", &["generate_content"]),
];

/// Spans in the file whose `key` attribute is one of `values`, and every span.
fn count(body: &str, key: &str, values: &[&str]) -> (usize, usize) {
    let (mut hits, mut all) = (0, 0);
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let req: Value = serde_json::from_str(line).unwrap();
        for rs in req["resourceSpans"].as_array().into_iter().flatten() {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for s in ss["spans"].as_array().into_iter().flatten() {
                    all += 1;
                    let attrs = s["attributes"].as_array().into_iter().flatten();
                    let v = attrs.filter(|a| a["key"] == key).find_map(|a| a["value"]["stringValue"].as_str());
                    hits += usize::from(v.is_some_and(|v| values.contains(&v)));
                }
            }
        }
    }
    (hits, all)
}

#[test]
fn llm_rows_are_the_model_calls_each_library_names() {
    for (lib, key, values) in LIBS {
        let path = common::own(&format!("realdata/{lib}/traces.otlp.jsonl"));
        let body = std::fs::read_to_string(&path).unwrap();
        let (want, all) = count(&body, key, values);
        let (_, set) = common::open(path);
        let sc = ObsScores::new(&set);
        let llm = spans::rows(&set, Some(Kind::Generation), &ListQuery::default(), &sc);
        let every = spans::rows(&set, None, &ListQuery::default(), &sc);
        println!("{lib:30} LLM {:4} (file {want:4}), all {:4} (file {all:4})", llm.len(), every.len());
        assert_eq!(llm.len(), want, "{lib}: LLM rows");
        assert_eq!(every.len(), set.observation_count(), "{lib}: one row per observation");
        assert_eq!(every.len(), all, "{lib}: one row per span of the file");
        // every row is a distinct observation
        let mut seen = every.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), every.len(), "{lib}");
        // sorted by duration, descending: durations never grow, running ones last
        let mut rows = llm.clone();
        spans::sort(&set, &mut rows, &Col::Duration, true, &sc);
        let d: Vec<Option<i64>> = rows.iter().map(|&r| spans::get(&set, r).unwrap().1.duration_ns()).collect();
        assert!(
            d.windows(2).all(|w| match (w[0], w[1]) {
                (Some(a), Some(b)) => a >= b,
                (None, Some(_)) => false,
                _ => true,
            }),
            "{lib}: {d:?}"
        );
        // `cost>0` keeps only calls that carry a cost, whatever the file says
        let priced = spans::rows(&set, None, &ListQuery::parse("cost>0"), &sc);
        assert!(priced.iter().all(|&r| spans::get(&set, r).unwrap().1.cost.total.is_some_and(|c| c > 0.0)), "{lib}");
    }
}

/// A million rows: every observation a row of two indices, filtered and sorted without a copy of
/// an observation, durations in order and ties in load order.
#[test]
fn a_million_rows() {
    use canopy::model::{Observation, Trace, TraceSet};
    let mut w = Vec::new();
    let traces = (0..4)
        .map(|t| {
            let obs = (0..250_000i64)
                .map(|i| {
                    let kind = if i % 2 == 0 { Kind::Generation } else { Kind::Tool };
                    let mut o = Observation::new(format!("{t}-{i}"), kind, if i % 3 == 0 { "call" } else { "Tool" }, i);
                    o.end_ns = Some(i + (i * 7919) % 1000);
                    o
                })
                .collect();
            Trace::build(format!("t{t}"), obs, "x", &mut w)
        })
        .collect();
    let set = TraceSet { traces, ..Default::default() };
    let sc = ObsScores::new(&set);
    let started = std::time::Instant::now();
    let mut rows = spans::rows(&set, None, &ListQuery::default(), &sc);
    assert_eq!(rows.len(), 1_000_000);
    spans::sort(&set, &mut rows, &Col::Duration, true, &sc);
    let d = |r| spans::get(&set, r).unwrap().1.duration_ns().unwrap();
    assert!(rows.windows(2).all(|w| d(w[0]) >= d(w[1])));
    spans::sort(&set, &mut rows, &Col::Name, false, &sc);
    assert_eq!(spans::get(&set, rows[0]).unwrap().1.name, "call");
    let llm = spans::rows(&set, Some(Kind::Generation), &ListQuery::parse("duration>0.0000005s"), &sc);
    assert!(llm.len() > 200_000 && llm.len() < 500_000);
    println!("a million rows: filtered and sorted twice in {:?}", started.elapsed());
}
