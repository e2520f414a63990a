//! Helpers shared by the host integration tests: where the fixture files are.
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};

/// Every `.json` and `.jsonl` file below `root`, sorted (walked without recursion).
pub fn json_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json" || x == "jsonl") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The real files in `../shared/fixtures`.
pub fn shared_fixtures() -> Vec<PathBuf> {
    json_files(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"))
}

/// Shared fixtures, our edge cases and the demos: every trace file the project has.
pub fn every_fixture() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = shared_fixtures();
    files.extend(json_files(&root.join("tests/fixtures")));
    files.extend(json_files(&root.join("public/demo")));
    files
}

/// A file in `../shared/fixtures`.
pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures").join(rel)
}

/// One of our own edge-case files.
pub fn own(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// Imports a file whole, panicking with its error.
pub fn open(path: PathBuf) -> (canopy::import::Format, canopy::model::TraceSet) {
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let loaded = canopy::import::load(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
    (loaded.format, loaded.set)
}

/// How many observations of each kind.
pub fn kinds(set: &canopy::model::TraceSet) -> std::collections::BTreeMap<&'static str, usize> {
    let mut m = std::collections::BTreeMap::new();
    for o in set.traces.iter().flat_map(|t| &t.observations) {
        *m.entry(o.kind.label()).or_insert(0) += 1;
    }
    m
}

/// The real-library corpus folders (tests/fixtures/realdata/*) that have both an OTLP JSON
/// rendering and expect.py's expectations, sorted.
pub fn realdata_dirs() -> Vec<PathBuf> {
    let root = own("realdata");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").is_file() && p.join("traces.otlp.jsonl").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "the corpus: {dirs:?}");
    dirs
}
