//! The breakdowns over every real export of tests/fixtures/realdata/*: by model and by step name
//! they sum to the tokens the independent reader counted (expected.json, by expect.py with
//! opentelemetry-proto) and to the traces' own totals, reported and estimated costs alike; the
//! context charts hold each counted LLM call once.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::model::breakdown::{by_model, by_step, context_series, Row};
use canopy::model::pricing::PriceTable;
use canopy::model::Kind;
use serde_json::Value;

/// gpt-4o-mini and text-embedding-3-small, the models every library called, with their windows.
const TABLE: &str = r#"{"models":[
  {"name":"gpt-4o-mini","provider":"openai","in":0.15,"out":0.6,"context":128000},
  {"name":"text-embedding-3-small","provider":"openai","in":0.02,"context":8191}
]}"#;

#[test]
fn every_export_s_breakdowns_sum_to_the_counted_tokens_and_the_totals() {
    let table = PriceTable::from_json(TABLE).unwrap();
    let dirs = common::realdata_dirs();
    let mut points = 0;
    for dir in &dirs {
        let lib = dir.file_name().unwrap().to_string_lossy().to_string();
        let e: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
        let bytes = std::fs::read(dir.join("traces.otlp.jsonl")).unwrap();
        let mut set = canopy::import::load("traces.otlp.jsonl", &bytes).unwrap_or_else(|e| panic!("{lib}: {e}")).set;
        set.price(&table);
        let n = |k: &str| e[k].as_u64().unwrap_or_else(|| panic!("{lib}: {k}"));
        let input = n("input_tokens") + n("embedding_input_tokens");
        let (output, cost, estimated) = (
            n("output_tokens"),
            set.traces.iter().map(|t| t.totals.cost_usd).sum::<f64>(),
            set.traces.iter().map(|t| t.totals.estimated_cost_usd).sum::<f64>(),
        );
        for (what, rows) in [("by model", by_model(&set.traces)), ("by step", by_step(&set.traces))] {
            let sum = |f: fn(&Row) -> u64| rows.iter().map(f).sum::<u64>();
            assert_eq!(sum(|r| r.input_tokens), input, "{lib} {what}: input");
            assert_eq!(sum(|r| r.output_tokens), output, "{lib} {what}: output");
            assert_eq!(sum(|r| r.tokens), input + output, "{lib} {what}: tokens");
            let usd: f64 = rows.iter().map(|r| r.cost_usd).sum();
            let est: f64 = rows.iter().map(|r| r.estimated_usd).sum();
            assert!((usd - cost).abs() < 1e-12, "{lib} {what}: cost {usd} ≠ {cost}");
            assert!((est - estimated).abs() < 1e-12, "{lib} {what}: estimated {est} ≠ {estimated}");
            assert!(rows.iter().all(|r| r.unpriced == 0), "{lib} {what}: every model has a price");
        }
        for t in &set.traces {
            let calls = t
                .observations
                .iter()
                .enumerate()
                .filter(|(i, o)| o.kind == Kind::Generation && o.usage.input > Some(0) && t.totals.usage_counted[*i])
                .count();
            let series = context_series(t, Some(&table));
            let shown: usize = series.iter().map(|s| s.points.len()).sum();
            assert_eq!(shown, calls, "{lib} {}: one point per counted LLM call", t.id);
            for s in &series {
                assert!(s.points.windows(2).all(|w| w[0].start_ns <= w[1].start_ns), "{lib}: call order");
                assert!(s.points.iter().all(|p| p.window == Some(128_000)), "{lib}: gpt-4o-mini's window");
            }
            points += shown;
        }
    }
    assert!(points > 100, "the corpus has LLM calls to chart: {points}");
}
