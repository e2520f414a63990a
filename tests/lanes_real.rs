//! Timeline lanes over real exports (tests/fixtures/realdata): the OpenAI Agents "tools turn",
//! where a triage agent hands over to a weather agent inside a `tools-turn` agent, has a lane per
//! agent in order of first start, the handoff from the triage's `handoff to weather agent` tool to
//! the weather agent's first step, and lane tokens that add up to the trace's. Every real trace
//! lays out without losing a step.
#![cfg(not(target_arch = "wasm32"))]

use canopy::model::timeline::{lanes, LaneKey};
use canopy::model::Kind;
use std::path::PathBuf;

fn load(lib: &str) -> canopy::model::TraceSet {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdata").join(lib).join("traces.otlp.jsonl");
    canopy::import::load("traces.otlp.jsonl", &std::fs::read(path).unwrap()).unwrap().set
}

#[test]
fn the_openai_agents_handoff_is_a_connector_between_lanes() {
    let set = load("openinference-openai-agents");
    let t = set.traces.iter().find(|t| t.observations.iter().filter(|o| o.kind == Kind::Agent).count() >= 5).unwrap();
    let l = lanes(t, LaneKey::Agent);
    let names: Vec<&str> = l.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["tools-turn", "triage agent", "weather agent"]);
    let named = |i: u32| t.observations[i as usize].name.as_str();
    let hands: Vec<(&str, &str)> = l.handoffs.iter().map(|h| (named(h.from), named(h.to))).collect();
    assert!(hands.contains(&("handoff to weather agent", "turn")), "{hands:?}");
    let tokens: u64 = l.lanes.iter().map(|l| l.tokens).sum();
    assert_eq!(tokens, t.totals.tokens, "lane tokens add up to the header's");
    let cost: f64 = l.lanes.iter().map(|l| l.cost_usd).sum();
    assert!((cost - t.totals.cost_usd).abs() < 1e-9);
}

#[test]
fn every_real_trace_lays_out_every_step_once() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdata");
    let mut libs: Vec<String> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    libs.retain(|l| root.join(l).join("traces.otlp.jsonl").is_file());
    for lib in libs {
        for t in &load(&lib).traces {
            let l = lanes(t, LaneKey::Agent);
            let mut seen = vec![0u32; t.observations.len()];
            for r in 0..l.rows.len() {
                for &i in l.items(r) {
                    seen[i as usize] += 1;
                    assert_eq!(l.row_of(i), Some(r), "{lib}");
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{lib}: each observation on one row");
        }
    }
}
