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
