//! Golden test over the real exports in tests/fixtures/realdata/*: each library's OTLP JSON Lines
//! rendering, and its request bodies as sent (protobuf, gzip undone as the browser does, score
//! and metrics bodies too) dropped one after another as the app merges them (in the order sent
//! and reversed, whole and in pieces), opened against `expected.json`, which
//! scripts/realdata/expect.py computed from the request bodies with opentelemetry-proto (never
//! from Canopy). Prints a table of expected vs got per library and wire; libraries in
//! `KNOWN_GAPS` must mismatch (the list only shrinks), all others must match, and both wires must
//! give identical observations.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::{load, Format, LoadError, Loaded, Stream};
use canopy::model::{Kind, Level, Observation, TraceSet, WarningKind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
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

/// One request body as the stand-in received it (index.jsonl), gzip undone as the page's
/// DecompressionStream undoes a dropped `.gz` file.
struct Body {
    file: String,
    path: String,
    content_type: String,
    bytes: Vec<u8>,
}

fn bodies(dir: &Path) -> Vec<Body> {
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let mut out = Vec::new();
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let e: Value = serde_json::from_str(line).unwrap();
        let text = |k: &str| e[k].as_str().unwrap_or_else(|| panic!("{}: index.jsonl without {k}", dir.display()));
        assert_eq!(text("method"), "POST", "{}", dir.display());
        let file = text("file").to_string();
        let raw = std::fs::read(dir.join(&file)).unwrap();
        assert_eq!(raw.len() as u64, e["bytes"].as_u64().unwrap(), "{file}: the body as received");
        let bytes = if text("content_encoding") == "gzip" {
            assert!(file.ends_with(".gz"), "{file}");
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut plain).unwrap();
            plain
        } else {
            raw
        };
        out.push(Body { file, path: text("path").to_string(), content_type: text("content_type").to_string(), bytes });
    }
    out
}

/// `load` of the whole body, or `Stream` of it in pieces of `piece` bytes.
fn read(file: &str, bytes: &[u8], piece: Option<usize>) -> Result<Loaded, LoadError> {
    let Some(n) = piece else { return load(file, bytes) };
    let mut s = Stream::new(file);
    for p in bytes.chunks(n) {
        s.push(p)?;
    }
    s.finish()
}

/// The bodies dropped one after another on the app (each opened, then merged into what is
/// loaded, as `state::Loader` does): OTLP trace requests must open as such, Langfuse's score
/// bodies open as scores alone, and OTLP metrics are refused saying they are metrics. Returns the
/// merged set and how many scores the score bodies hold (counted by serde_json).
fn open_bodies(dir: &Path, piece: Option<usize>, reversed: bool) -> (TraceSet, usize) {
    let mut set = TraceSet::default();
    let mut score_items = 0;
    let mut all = bodies(dir);
    if reversed {
        all.reverse();
    }
    for b in all {
        let at = format!("{}/{} ({piece:?})", dir.file_name().unwrap().to_string_lossy(), b.file);
        let result = read(&b.file, &b.bytes, piece);
        let route = b.path.split('?').next().unwrap();
        if route.ends_with("/v1/traces") {
            let loaded = result.unwrap_or_else(|e| panic!("{at}: {e}"));
            let want = if b.content_type.contains("json") { Format::Otlp } else { Format::OtlpProtobuf };
            assert_eq!(loaded.format, want, "{at}");
            assert!(!loaded.set.traces.is_empty(), "{at}: a traces request without traces");
            set.merge(loaded.set);
        } else if route.ends_with("/v1/metrics") {
            let e = result.err().unwrap_or_else(|| panic!("{at}: metrics opened as traces"));
            assert_eq!(e.file, b.file, "{at}");
            assert!(e.to_string().contains("OTLP metrics"), "{at}: {e}");
            if piece.is_none() {
                println!("{at}: refused, {e}");
            }
        } else if route == "/api/public/scores" {
            let loaded = result.unwrap_or_else(|e| panic!("{at}: {e}"));
            let body: Value = serde_json::from_slice(&b.bytes).unwrap();
            let items = body.as_array().map_or(1, Vec::len);
            assert!(loaded.set.traces.is_empty(), "{at}: scores alone");
            assert_eq!(loaded.set.scores.len(), items, "{at}: scores");
            score_items += items;
            set.merge(loaded.set);
        } else {
            panic!("{at}: no rule for bodies sent to {}", b.path);
        }
    }
    (set, score_items)
}

/// What each observation is, by trace, in id order: to compare two readings.
fn observations(set: &TraceSet) -> BTreeMap<String, Vec<Observation>> {
    set.traces
        .iter()
        .map(|t| {
            let mut obs = t.observations.clone();
            obs.sort_by(|a, b| a.id.cmp(&b.id));
            (t.id.clone(), obs)
        })
        .collect()
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

/// The fields in which two observations of one id differ, by name (empty when identical).
fn differing(a: &Observation, b: &Observation) -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! field {
        ($($f:ident),*) => {$( if a.$f != b.$f { out.push(stringify!($f)); } )*};
    }
    field!(id, parent_id, kind, name, start_ns, end_ns, completion_start_ns, input, output, model);
    field!(model_parameters, usage, cost, level, status_message, tool_name, documents, events, attributes);
    out
}

/// The figures of a trace's header (totals) and its tree's rows (ids in the order shown, with
/// depth and the per-row totals), free of the order its observations arrived in.
type Shown = (String, Vec<(String, u32, u64, f64, u32, bool)>);

fn shown(t: &canopy::model::Trace) -> Shown {
    let x = &t.totals;
    let header = format!(
        "{:?}",
        (
            (x.start_ns, x.end_ns, x.input_tokens, x.output_tokens, x.tokens, x.embedding_tokens, x.cost_usd),
            (x.has_usage, x.has_cost, x.errors, x.warnings, x.in_progress, t.tree.orphans, t.tree.cycles_broken),
        )
    );
    let rows = t.tree.preorder.iter().map(|&i| {
        let i = i as usize;
        let o = &t.observations[i];
        (o.id.clone(), t.tree.depth[i], x.subtree_tokens[i], x.subtree_cost[i], x.subtree_errors[i], x.usage_counted[i])
    });
    (header, rows.collect())
}

/// Where the bodies' reading and the JSON rendering's differ (each trace's header fields and totals,
/// sessions, every field of every observation): none, or the first few.
fn wire_differences(json: &TraceSet, bodies: &TraceSet) -> Vec<String> {
    let (a, b) = (observations(json), observations(bodies));
    let ids = |m: &BTreeMap<String, Vec<Observation>>| m.keys().cloned().collect::<Vec<_>>();
    if ids(&a) != ids(&b) {
        return vec![format!("traces {:?} vs {:?}", ids(&a), ids(&b))];
    }
    let mut out = Vec::new();
    // what the header and the trace list show of each trace
    for t in &json.traces {
        let u = bodies.traces.iter().find(|u| u.id == t.id).unwrap();
        let mut fields = Vec::new();
        macro_rules! field {
            ($($f:ident),*) => {$( if t.$f != u.$f { fields.push(stringify!($f)); } )*};
        }
        field!(name, session_id, user_id, tags, input, output, start_ns, reported_cost_usd);
        if shown(t) != shown(u) {
            fields.push("tree or totals");
        }
        let set = |v: &[canopy::model::Attribute]| v.iter().map(|a| format!("{a:?}")).collect::<BTreeSet<_>>();
        if set(&t.attributes) != set(&u.attributes) {
            fields.push("attributes");
        }
        if !fields.is_empty() {
            out.push(format!("trace {}: {}", t.id, fields.join(", ")));
        }
    }
    // the sessions, by trace id (their indices follow the order traces arrived in)
    let sessions = |s: &TraceSet| {
        let ids = |v: &[usize]| v.iter().map(|&i| s.traces[i].id.clone()).collect::<BTreeSet<_>>();
        s.sessions.iter().map(|x| (x.id.clone(), x.user_id.clone(), ids(&x.traces))).collect::<BTreeSet<_>>()
    };
    if sessions(json) != sessions(bodies) {
        out.push(format!("sessions {:?} vs {:?}", sessions(json), sessions(bodies)));
    }
    for (id, x) in &a {
        let y = &b[id];
        if x.len() != y.len() {
            out.push(format!("trace {id}: {} vs {} observations", x.len(), y.len()));
            continue;
        }
        for (o, p) in x.iter().zip(y) {
            let fields = differing(o, p);
            if !fields.is_empty() {
                out.push(format!("trace {id} observation {} ({}): {}", o.id, o.name, fields.join(", ")));
            }
        }
    }
    out.truncate(5);
    out
}

/// A library's readings: name and the set read.
fn readings(dir: &Path, failures: &mut Vec<String>, lib: &str) -> Vec<(String, TraceSet)> {
    let json = open(dir);
    let mut out = Vec::new();
    for (piece, reversed) in [(None, false), (Some(7), false), (Some(4096), false), (None, true)] {
        let what = match (piece, reversed) {
            (_, true) => "bodies reversed".to_string(),
            (None, _) => "bodies".to_string(),
            (Some(n), _) => format!("bodies in {n} B"),
        };
        let (set, score_items) = open_bodies(dir, piece, reversed);
        // the score bodies attach to the traces they name
        assert_eq!(set.scores.len(), score_items, "{lib} {what}: scores");
        for s in &set.scores {
            let t = s.trace_id.as_deref();
            assert!(set.traces.iter().any(|x| Some(x.id.as_str()) == t), "{lib} {what}: score {s:?} names no trace");
        }
        // a trace split over requests joins, never conflicts
        let conflicts: Vec<_> =
            set.warnings.iter().filter(|w| matches!(w.kind, WarningKind::MergeConflict { .. })).collect();
        assert!(conflicts.is_empty(), "{lib} {what}: {conflicts:?}");
        for d in wire_differences(&json, &set) {
            failures.push(format!("{lib}: {what} and the JSON rendering differ: {d}"));
        }
        out.push((what, set));
    }
    out.insert(0, ("JSON Lines".to_string(), json));
    out
}

#[test]
fn real_exports_read_as_the_independent_reader_counts() {
    let dirs = realdata_dirs();
    assert!(!dirs.is_empty(), "no tests/fixtures/realdata/*/expected.json");
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    println!("{:<30} {:<16} {:<18} {:>14} {:>14}", "library", "wire", "quantity", "expected", "got");
    for dir in &dirs {
        let lib = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: Value = serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let mut mismatched: Vec<String> = Vec::new();
        for (wire, set) in readings(dir, &mut failures, &lib) {
            let rows = compare(&expected, &set);
            for r in &rows {
                let mark = if r.want == r.got { "" } else { "  <-- differs" };
                println!("{lib:<30} {wire:<16} {:<18} {:>14} {:>14}{mark}", r.what, r.want, r.got);
            }
            mismatched.extend(rows.iter().filter(|r| r.want != r.got).map(|r| format!("{} ({wire})", r.what)));
        }
        let gap = KNOWN_GAPS.iter().find(|(l, _)| *l == lib);
        seen.insert(lib.clone());
        match (gap, mismatched.is_empty()) {
            (Some((_, why)), true) => {
                failures.push(format!("{lib} now matches: remove it from KNOWN_GAPS (was: {why})"))
            }
            (None, false) => failures.push(format!("{lib}: {} differ from expected.json", mismatched.join(", "))),
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
