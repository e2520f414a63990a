//! Canopy's own format loads back exactly: every real fixture and every edge-case file, imported,
//! written as a Canopy document and loaded again, gives the same traces, totals and scores.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::import::{canopy as canopy_format, load, Format};
use canopy::model::TraceSet;
use std::path::PathBuf;

fn assert_same(a: &TraceSet, b: &TraceSet, what: &str) {
    assert_eq!(a.traces.len(), b.traces.len(), "{what}");
    for (x, y) in a.traces.iter().zip(&b.traces) {
        assert_eq!(x.id, y.id, "{what}");
        assert_eq!(
            (&x.name, &x.session_id, &x.user_id, &x.tags),
            (&y.name, &y.session_id, &y.user_id, &y.tags),
            "{what}"
        );
        assert_eq!(x.start_ns, y.start_ns, "{what}");
        assert_eq!((&x.input, &x.output), (&y.input, &y.output), "{what}");
        assert_eq!(x.attributes, y.attributes, "{what}");
        assert_eq!(x.observations, y.observations, "{what}: observations differ");
        assert_eq!(x.tree, y.tree, "{what}");
        assert_eq!(x.totals, y.totals, "{what}");
        assert_eq!(x.source, y.source, "{what}");
        assert_eq!(x.reported_cost_usd, y.reported_cost_usd, "{what}");
    }
    assert_eq!(a.scores, b.scores, "{what}");
    assert_eq!(a.sessions, b.sessions, "{what}");
}

#[test]
fn every_fixture_round_trips_exactly() {
    let files = common::every_fixture();
    let mut round_tripped = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Ok(first) = load(&name, &std::fs::read(&path).unwrap()) else {
            continue;
        };
        let written = canopy_format::write(&first.set, None);
        let again = load("again.canopy.json", written.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again.format, Format::Canopy);
        assert_same(&first.set, &again.set, &name);
        // and writing it again gives the same bytes
        assert_eq!(canopy_format::write(&again.set, None), written, "{name}");
        round_tripped += 1;
    }
    assert!(round_tripped >= 25, "only {round_tripped} files round-tripped");
}

#[test]
fn versions_and_notes() {
    let newer = br#"{"canopy": 99, "traces": []}"#;
    let e = load("future.json", newer).unwrap_err();
    assert!(e.to_string().contains("version 99, newer than this viewer"), "{e}");
    let set = load(
        "x.json",
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("public/demo/agent-tools.json"))
            .unwrap()
            .as_slice(),
    )
    .unwrap()
    .set;
    let text = canopy_format::write(&set, Some("redacted: emails"));
    let back = load("noted.json", text.as_bytes()).unwrap().set;
    assert!(back.warnings.iter().any(|w| w.to_string() == "note in the file: redacted: emails"));
    // times are strings, so JavaScript readers keep every nanosecond
    assert!(text.contains(r#""start_ns":"1763000000000000000""#));
}

/// A sum like 2e-6 + 3e-6 = 4.9999999999999996e-6 is written with all its digits and must read
/// back as the same number (serde_json's fast float parser was off by one unit in the last place
/// without `float_roundtrip`: the Langfuse corpus fixture's cost changed on a round trip).
#[test]
fn floats_read_back_bit_for_bit() {
    for x in [2e-6_f64 + 3e-6, 0.1 + 0.2, 1.0 / 3.0, 5e-324, 1.7976931348623157e308] {
        let text = serde_json::to_string(&x).unwrap();
        let back: f64 = canopy::import::json_from_bytes(text.as_bytes()).unwrap();
        assert_eq!(back.to_bits(), x.to_bits(), "{text}");
    }
}

/// Issue 27: an export lists the prices its estimated costs came from and the user's own
/// (`prices_used`), never writes an estimated cost as if the file had reported it, and opens again.
#[test]
fn estimated_costs_are_not_written_but_the_prices_used_are_listed() {
    use canopy::export::{self, ExportFormat};
    use canopy::model::pricing::{Draft, PriceTable};
    let table = r#"{"version":1,
      "sources":{"litellm":{"package":"litellm==1.0.0","date":"2026-11-20"}},
      "models":[
        {"name":"gpt-4o","provider":"openai","in":2.5,"out":10,"src":"litellm"},
        {"name":"gpt-4o-mini","provider":"openai","in":0.15,"out":0.6,"cache_read":0.075,"context":128000,"src":"litellm"},
        {"name":"text-embedding-3-small","provider":"openai","in":0.02,"src":"litellm"}
      ]}"#;
    let mut table = PriceTable::from_json(table).unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realdata/openinference-openai/traces.otlp.jsonl");
    let mut set = load("traces.otlp.jsonl", &std::fs::read(path).unwrap()).unwrap().set;
    let plain = canopy_format::write(&set, None);
    assert!(!set.price(&table).is_empty(), "the fixture's calls carry tokens and no cost");
    let estimated: f64 = set.traces.iter().map(|t| t.totals.estimated_cost_usd).sum();
    assert!(estimated > 0.0);

    // the user's own price for a model no call used is listed too
    let mut mine = Draft::from_entry(&table.entries[0]);
    mine.name = "my-model".into();
    mine.prices[0] = "1.5".into();
    table.set_user(mine.to_entry().unwrap());

    let text = export::write_priced(&set, ExportFormat::Canopy, None, Some(&table));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let used = doc["prices_used"].as_array().unwrap();
    let names: Vec<(&str, &str)> =
        used.iter().map(|e| (e["name"].as_str().unwrap(), e["src"].as_str().unwrap())).collect();
    assert_eq!(names, [("gpt-4o-mini", "litellm"), ("text-embedding-3-small", "litellm"), ("my-model", "user")]);
    assert_eq!(used[0]["in"], 0.15);
    assert_eq!(used[0]["context"], 128000);
    assert_eq!(used[0]["date"], "2026-11-20");
    assert_eq!(used[2]["in"], 1.5);
    assert!(used[2].get("date").is_none(), "the user's prices have no source date");
    // no observation carries a cost: every one was estimated
    let observations = doc["traces"].as_array().unwrap().iter().flat_map(|t| t["observations"].as_array().unwrap());
    assert!(observations.clone().count() > 100);
    assert!(observations.clone().all(|o| o.get("cost").is_none()));
    // without the list, the document is what it was before pricing
    let mut unlisted = doc.clone();
    unlisted.as_object_mut().unwrap().remove("prices_used");
    assert_eq!(unlisted, serde_json::from_str::<serde_json::Value>(&plain).unwrap());

    // it opens again, its costs estimated again by whoever opens it
    let mut back = load("priced.canopy.json", text.as_bytes()).unwrap().set;
    assert!(back.traces.iter().all(|t| !t.totals.has_reported && !t.totals.has_estimate));
    back.price(&table);
    assert_same(&set, &back, "priced again");

    // nor do the other formats write estimated costs
    for f in [ExportFormat::Otlp, ExportFormat::Langfuse] {
        let text = export::write_priced(&set, f, None, Some(&table));
        let again = load("again.json", text.as_bytes()).unwrap().set;
        assert!(again.traces.iter().all(|t| !t.totals.has_reported), "{f:?}: an estimate came back as reported");
    }
}
