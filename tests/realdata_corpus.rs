//! Golden test over the real exports in tests/fixtures/realdata/*: each library's OTLP JSON Lines
//! rendering opened with `canopy::import::load` against `expected.json`, which
//! scripts/realdata/expect.py computed from the request bodies with opentelemetry-proto (never
//! from Canopy). Prints a table of expected vs got per library; libraries in `KNOWN_GAPS` must
//! mismatch (the list only shrinks), all others must match.
#![cfg(not(target_arch = "wasm32"))]

use canopy::model::{Kind, Level, TraceSet};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Libraries whose fixture Canopy does not read as expect.py does yet, and why. Remove a row
/// when its fix lands: the test fails while a listed library matches.
const KNOWN_GAPS: &[(&str, &str)] = &[];

/// One compared quantity: its name, expected, got (as text, for the table).
struct Row {
    what: &'static str,
    want: String,
    got: String,
}

fn realdata_dirs() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdata");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// traces.otlp.jsonl, then logs.otlp.jsonl merged in when present.
fn open(dir: &Path) -> TraceSet {
    let mut set: Option<TraceSet> = None;
    for name in ["traces.otlp.jsonl", "logs.otlp.jsonl"] {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let loaded = canopy::import::load(name, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match set.as_mut() {
            Some(s) => {
                s.merge(loaded.set);
            }
            None => set = Some(loaded.set),
        }
    }
    set.unwrap_or_else(|| panic!("{}: no traces.otlp.jsonl", dir.display()))
}

fn num(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or_else(|| panic!("expected.json: no {key}"))
}

fn compare(expected: &Value, set: &TraceSet) -> Vec<Row> {
    let obs = || set.traces.iter().flat_map(|t| t.observations.iter());
    // tokens as the header totals count them: observations whose usage went into the totals
    // (the deepest carriers), split into embeddings and the rest
    let (mut llm_in, mut llm_out, mut emb_in) = (0u64, 0u64, 0u64);
    for t in &set.traces {
        for (i, o) in t.observations.iter().enumerate() {
            if !t.totals.usage_counted[i] {
                continue;
            }
            if o.kind == Kind::Embedding {
                emb_in += o.usage.input.unwrap_or(0);
            } else {
                llm_in += o.usage.input.unwrap_or(0);
                llm_out += o.usage.output.unwrap_or(0);
            }
        }
        let (i, o): (u64, u64) = (t.totals.input_tokens, t.totals.output_tokens);
        let counted_in: u64 = (0..t.observations.len())
            .filter(|&k| t.totals.usage_counted[k])
            .map(|k| t.observations[k].usage.input.unwrap_or(0))
            .sum();
        let counted_out: u64 = (0..t.observations.len())
            .filter(|&k| t.totals.usage_counted[k])
            .map(|k| t.observations[k].usage.output.unwrap_or(0))
            .sum();
        assert_eq!((i, o), (counted_in, counted_out), "trace {}: header totals are the counted observations", t.id);
    }
    let models: BTreeSet<String> = obs().filter_map(|o| o.model.as_ref().map(|m| m.as_str().to_string())).collect();
    let want_models: BTreeSet<String> =
        expected["models"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
    let per_trace: BTreeMap<String, u64> =
        set.traces.iter().map(|t| (t.id.clone(), t.observations.len() as u64)).collect();
    let want_per_trace: BTreeMap<String, u64> = expected["spans_per_trace"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    let row = |what, want: u64, got: u64| Row { what, want: want.to_string(), got: got.to_string() };
    vec![
        row("traces", num(expected, "traces"), set.traces.len() as u64),
        row("observations", num(expected, "spans"), obs().count() as u64),
        row("roots", num(expected, "roots"), set.traces.iter().map(|t| t.tree.roots.len() as u64).sum()),
        row("errors", num(expected, "error_spans"), obs().filter(|o| o.level == Level::Error).count() as u64),
        row("input tokens", num(expected, "input_tokens"), llm_in),
        row("output tokens", num(expected, "output_tokens"), llm_out),
        row("embedding tokens", num(expected, "embedding_input_tokens"), emb_in),
        Row { what: "models", want: format!("{want_models:?}"), got: format!("{models:?}") },
        Row {
            what: "per-trace counts",
            want: if want_per_trace == per_trace { "same".into() } else { format!("{want_per_trace:?}") },
            got: if want_per_trace == per_trace { "same".into() } else { format!("{per_trace:?}") },
        },
    ]
}

#[test]
fn real_exports_read_as_the_independent_reader_counts() {
    let dirs = realdata_dirs();
    assert!(!dirs.is_empty(), "no tests/fixtures/realdata/*/expected.json");
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    println!("{:<30} {:<18} {:>14} {:>14}", "library", "quantity", "expected", "got");
    for dir in &dirs {
        let lib = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: Value = serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let rows = compare(&expected, &open(dir));
        let mismatched: Vec<&Row> = rows.iter().filter(|r| r.want != r.got).collect();
        for r in &rows {
            let mark = if r.want == r.got { "" } else { "  <-- differs" };
            println!("{lib:<30} {:<18} {:>14} {:>14}{mark}", r.what, r.want, r.got);
        }
        let gap = KNOWN_GAPS.iter().find(|(l, _)| *l == lib);
        seen.insert(lib.clone());
        match (gap, mismatched.is_empty()) {
            (Some((_, why)), true) => {
                failures.push(format!("{lib} now matches: remove it from KNOWN_GAPS (was: {why})"))
            }
            (None, false) => failures.push(format!(
                "{lib}: {} differ from expected.json",
                mismatched.iter().map(|r| r.what).collect::<Vec<_>>().join(", ")
            )),
            _ => {}
        }
    }
    for (lib, _) in KNOWN_GAPS {
        if !seen.contains(*lib) {
            failures.push(format!("KNOWN_GAPS names {lib}, which has no fixture"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
