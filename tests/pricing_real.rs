//! Golden costs over the real exports of tests/fixtures/realdata/*: every trace with token usage
//! gets a cost from the shipped price table, equal to its tokens (counted by expect.py with
//! opentelemetry-proto, never by Canopy) × the public list prices of the models the libraries
//! called, typed here from litellm 1.110.2's `model_prices_and_context_window.json` (2026-11-20).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::model::pricing::PriceTable;
use serde_json::Value;
use std::path::PathBuf;

/// US dollars per token: gpt-4o-mini input and output, text-embedding-3-small input (OpenAI's list
/// prices as litellm 1.110.2 gives them).
const GPT_4O_MINI: (f64, f64) = (0.15e-6, 0.6e-6);
const EMBEDDING_3_SMALL: f64 = 0.02e-6;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_trace_with_tokens_costs_its_tokens_at_list_prices() {
    let table = PriceTable::from_json(&std::fs::read_to_string(root().join("public/models.json")).unwrap()).unwrap();
    let mut exact = 0;
    let mut mixed = 0;
    let mut reported = 0;
    let dirs = common::realdata_dirs();
    for dir in &dirs {
        let lib = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
        let bytes = std::fs::read(dir.join("traces.otlp.jsonl")).unwrap();
        let mut set = canopy::import::load("traces.otlp.jsonl", &bytes).unwrap_or_else(|e| panic!("{lib}: {e}")).set;
        for t in &set.traces {
            assert!(!t.totals.has_estimate, "{lib}: nothing is estimated before the table is there");
        }
        set.price(&table);
        let per_trace = expected["tokens_per_trace"].as_object().unwrap_or_else(|| panic!("{lib}: tokens_per_trace"));
        for t in &set.traces {
            let Some(want) = per_trace.get(&t.id) else { continue };
            let n = |k: &str| want.get(k).and_then(Value::as_u64).unwrap_or(0) as f64;
            let (input, output, embedding) = (n("input"), n("output"), n("embedding_input"));
            if input + output + embedding == 0.0 {
                assert!(!t.has_cost(), "{lib} {}: no tokens, no cost", t.id);
                continue;
            }
            assert!(t.totals.unpriced.is_empty(), "{lib} {}: unpriced {:?}", t.id, t.totals.unpriced);
            assert!(t.has_cost(), "{lib} {}: tokens but no cost", t.id);
            let list = input * GPT_4O_MINI.0 + output * GPT_4O_MINI.1 + embedding * EMBEDDING_3_SMALL;
            if !t.totals.has_estimate {
                // the library priced its calls itself (Pydantic AI's `operation.cost`): reported, kept
                assert!(t.totals.has_reported, "{lib} {}", t.id);
                // genai-prices priced them at the same list prices
                assert!(
                    (t.cost_usd() - list).abs() <= 1e-12,
                    "{lib} {}: reported {} ≠ list {list}",
                    t.id,
                    t.cost_usd()
                );
                reported += 1;
                continue;
            }
            if t.totals.has_reported {
                // a call that carries its own cost keeps it (Langfuse's manual one): the trace says
                // it mixes both, and its estimate is what the other calls cost
                let est = t.totals.estimated_cost_usd;
                assert!(est > 0.0 && est <= list + 1e-15 && t.cost_usd() >= est, "{lib} {}: {est} of {list}", t.id);
                mixed += 1;
                continue;
            }
            let got = t.cost_usd();
            assert!(
                (got - list).abs() <= 1e-12,
                "{lib} {}: {got} ≠ {list} ({input} in, {output} out, {embedding} embedding)",
                t.id
            );
            assert!((t.totals.estimated_cost_usd - got).abs() <= 1e-15, "{lib} {}: all estimated", t.id);
            exact += 1;
        }
    }
    println!("{exact} traces priced exactly, {mixed} mixing reported and estimated costs, {reported} reported");
    assert!(exact >= 25 && reported >= 3 && mixed >= 2, "{exact} exact, {reported} reported, {mixed} mixed");
}
