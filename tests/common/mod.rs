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
