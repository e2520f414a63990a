//! OTLP JSON Lines whose first line is longer than the sniffing window (a collector batch with
//! LLM content is 300 KB and more): every line opens, whole or in pieces. Expected counts are read
//! from the lines with serde_json, not with Canopy's reader.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::{self, Stream};
use serde_json::{json, Value};

/// The spec's example request (a real file) as two lines: the first carries a 300 KB attribute,
/// the second is the same request under another trace id.
fn long_lines() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/otlp/spec-example.json");
    let text = std::fs::read_to_string(path).expect("the shared OTLP fixture");
    let mut first: Value = serde_json::from_str(&text).expect("JSON");
    let padding = json!({"key": "app.batch.note", "value": {"stringValue": "x".repeat(300_000)}});
    if let Some(attrs) =
        first.pointer_mut("/resourceSpans/0/scopeSpans/0/spans/0/attributes").and_then(Value::as_array_mut)
    {
        attrs.push(padding);
    }
    let second = text.replace("5B8EFFF798038103D269B633813FC60C", "0123456789ABCDEF0123456789ABCDEF");
    let second: Value = serde_json::from_str(&second).expect("JSON");
    format!("{}\n{}\n", serde_json::to_string(&first).unwrap(), serde_json::to_string(&second).unwrap())
}

/// Spans and distinct trace ids in the lines, counted by serde_json.
fn expected(lines: &str) -> (usize, usize) {
    let mut traces = std::collections::BTreeSet::new();
    let mut spans = 0;
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        for r in v["resourceSpans"].as_array().into_iter().flatten() {
            for s in r["scopeSpans"].as_array().into_iter().flatten() {
                for sp in s["spans"].as_array().into_iter().flatten() {
                    spans += 1;
                    traces.insert(sp["traceId"].as_str().unwrap_or_default().to_ascii_lowercase());
                }
            }
        }
    }
    (traces.len(), spans)
}

#[test]
fn a_first_line_longer_than_the_sniffing_window_opens() {
    let lines = long_lines();
    assert!(lines.find('\n').unwrap() > 256 * 1024, "the first line is past the window");
    let (traces, spans) = expected(&lines);
    assert_eq!((traces, spans), (2, 2));

    let set = import::load("batch.jsonl", lines.as_bytes()).unwrap_or_else(|e| panic!("{e}")).set;
    assert_eq!(set.traces.len(), traces);
    assert_eq!(set.observation_count(), spans);
    // the long value itself arrived
    let longest = set.traces.iter().flat_map(|t| &t.observations).map(|o| format!("{o:?}").len()).max();
    assert!(longest.unwrap_or(0) > 300_000, "the 300 KB value is in the model");

    for piece in [7 * 1024, 64 * 1024, 1 << 20] {
        let mut stream = Stream::new("batch.jsonl");
        for chunk in lines.as_bytes().chunks(piece) {
            stream.push(chunk).unwrap_or_else(|e| panic!("piece {piece}: {e}"));
        }
        let set = stream.finish().unwrap_or_else(|e| panic!("piece {piece}: {e}")).set;
        assert_eq!((set.traces.len(), set.observation_count()), (traces, spans), "in pieces of {piece}");
    }
}

#[test]
fn what_follows_a_request_is_still_checked() {
    // a second value that is no request is an error with its place, not a silent stop
    let lines = format!("{}\n[1, 2]\n", long_lines().lines().next().unwrap());
    let e = import::load("batch.jsonl", lines.as_bytes()).expect_err("not OTLP after the first line");
    assert!(e.to_string().contains("line 2"), "{e}");
}
