//! The Stats tab's per-name counts and total durations (`model::stats`) over every real
//! library's run, against the same figures read here from the raw OTLP JSON Lines
//! (tests/fixtures/realdata/*/traces.otlp.jsonl) with serde_json alone, without Canopy's importer.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::model::stats;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A time in nanoseconds as OTLP JSON writes it (a string, or a number).
fn ns(v: &Value) -> Option<i64> {
    v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_i64())
}

/// An attribute's string value.
fn text_attr<'a>(s: &'a Value, key: &str) -> Option<&'a str> {
    let attrs = s["attributes"].as_array()?;
    attrs.iter().find(|a| a["key"] == key).and_then(|a| a["value"]["stringValue"].as_str())
}

/// The name a reader shows, as the conventions define it: Logfire's message (`logfire.msg`, what
/// Logfire's own UI lists), OpenLLMetry's entity name (`traceloop.entity.name`: its span names
/// are `<entity>.<kind>`), else the span's name.
fn name(s: &Value) -> &str {
    text_attr(s, "logfire.msg").or(text_attr(s, "traceloop.entity.name")).or(s["name"].as_str()).unwrap_or("")
}

/// Per span name: how many spans, how many ended, and the sum of their durations (end − start,
/// never negative), from the file's own text.
fn raw(body: &str) -> BTreeMap<String, (usize, usize, i64)> {
    let mut out: BTreeMap<String, (usize, usize, i64)> = BTreeMap::new();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let req: Value = serde_json::from_str(line).unwrap();
        for rs in req["resourceSpans"].as_array().into_iter().flatten() {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for s in ss["spans"].as_array().into_iter().flatten() {
                    let e = out.entry(name(s).to_string()).or_default();
                    e.0 += 1;
                    let (start, end) = (ns(&s["startTimeUnixNano"]), ns(&s["endTimeUnixNano"]));
                    if let (Some(start), Some(end)) = (start, end.filter(|&e| e > 0)) {
                        e.1 += 1;
                        e.2 += (end - start).max(0);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn per_name_counts_and_totals_match_the_raw_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdata");
    let mut libs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    libs.sort();
    let mut checked = 0;
    for lib in libs.iter().filter(|p| p.join("traces.otlp.jsonl").exists()) {
        let file = lib.join("traces.otlp.jsonl");
        let want = raw(&std::fs::read_to_string(&file).unwrap());
        let (_, set) = common::open(file);
        let table = stats::compute(&set.traces, false);
        let got: BTreeMap<String, (usize, usize, i64)> =
            table.rows.iter().map(|r| (r.name.clone(), (r.count, r.timed, r.total_ns))).collect();
        let name = lib.file_name().unwrap().to_string_lossy();
        assert_eq!(got, want, "{name}");
        assert_eq!(table.observations, set.observation_count(), "{name}");
        // grouped by kind, the rows of a name add up to its row by name
        let by_kind = stats::compute(&set.traces, true);
        for (n, &(count, _, total)) in &want {
            let rows = by_kind.rows.iter().filter(|r| &r.name == n);
            let (c, t) = rows.fold((0, 0), |(c, t), r| (c + r.count, t + r.total_ns));
            assert_eq!((c, t), (count, total), "{name}: {n} by kind");
        }
        // this trace alone, each trace: the rows of all traces are their sums
        let mut sum: BTreeMap<String, (usize, i64)> = BTreeMap::new();
        for t in &set.traces {
            for r in stats::compute(std::slice::from_ref(t), false).rows {
                let e = sum.entry(r.name).or_default();
                e.0 += r.count;
                e.1 += r.total_ns;
            }
        }
        let whole: BTreeMap<String, (usize, i64)> = want.iter().map(|(n, v)| (n.clone(), (v.0, v.2))).collect();
        assert_eq!(sum, whole, "{name}: per trace");
        // self time is within the duration, and percentiles are ordered
        for r in &table.rows {
            assert!(r.self_ns >= 0 && r.self_ns <= r.total_ns, "{name}: {}", r.name);
            assert!(r.p50_ns <= r.p95_ns && r.p95_ns <= r.max_ns, "{name}: {}", r.name);
        }
        checked += 1;
    }
    assert!(checked >= 10, "every library of the corpus ({checked})");
}
