//! The module graph, checked: which top-level folder may import which (a Perfetto-style
//! allowlist, docs/architecture.md), and no cycle between modules at any level.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Who may import whom. Each layer may use the layers before it in `LAYERS`; `export` is pure
/// (model and the formats' writers in import) and is used by state, views and app. `app` is
/// wiring only: nothing imports it.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("import", &["model"]),
    ("export", &["model", "import"]),
    ("source", &["model", "import"]),
    ("state", &["model", "import", "export", "source"]),
    ("views", &["model", "import", "export", "source", "state"]),
    ("app", &["model", "import", "export", "source", "state", "views"]),
];

/// A module path, `["import", "otlp", "chunks"]`; the crate root is empty.
type Module = Vec<String>;

/// The source of one file, with the module it defines.
struct File {
    module: Module,
    text: String,
}

/// Code without comments, string and char literals (their text could look like paths).
fn code_of(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'r' if b.get(i + 1) == Some(&b'#') || (b.get(i + 1) == Some(&b'"') && !ident_byte(b, i)) => {
                // a raw string r"…" or r#"…"#
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                while j < b.len() && !b[j..].starts_with(&close) {
                    j += 1;
                }
                i = j + close.len();
                out.push_str("\"\"");
            }
            b'\'' => {
                // a char literal ('a', '\n', '{'), not a lifetime ('a)
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..].iter().position(|&c| c == b'\'').map(|p| i + 2 + p)
                } else if b.get(i + 2) == Some(&b'\'') {
                    Some(i + 2)
                } else {
                    None
                };
                match end {
                    Some(e) => {
                        out.push_str("' '");
                        i = e + 1;
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            c => {
                // a multi-byte character is copied whole
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                if len == 1 {
                    out.push(c as char);
                } else {
                    out.push_str(&text[i..i + len]);
                }
                i += len;
            }
        }
    }
    out
}

/// Whether the byte before `i` continues an identifier (so `r"` there is no raw string).
fn ident_byte(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

fn words(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in code.char_indices() {
        let word = c.is_alphanumeric() || c == '_';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&code[s..i]);
                start = None;
            }
            _ => {}
        }
        if !word && !c.is_whitespace() {
            out.push(&code[i..i + c.len_utf8()]);
        }
    }
    if let Some(s) = start {
        out.push(&code[s..]);
    }
    out
}

/// Every module each file's code refers to (`crate::a::b`, `super::c`, `use crate::{a, b::c}`),
/// resolved against the modules that exist; inline modules (`mod tests { … }`) are followed, so
/// `super` inside them means the file's own module.
fn references(file: &File, known: &BTreeSet<Module>) -> BTreeSet<(Module, Module)> {
    let code = code_of(&file.text);
    let toks = words(&code);
    let mut out = BTreeSet::new();
    // inline modules open at a brace depth
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let here: Module = file.module.iter().cloned().chain(inline.iter().map(|(m, _)| m.clone())).collect();
        match toks[i] {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if toks.get(i + 2) == Some(&"{") => {
                inline.push((toks[i + 1].to_string(), depth));
            }
            "crate" | "super" | "self" if toks.get(i + 1) == Some(&":") && toks.get(i + 2) == Some(&":") => {
                // a path starts here: `crate`, or `super`s relative to this module
                if i > 0 && toks[i - 1] == ":" {
                    i += 1;
                    continue;
                }
                let mut base: Module = match toks[i] {
                    "crate" => Vec::new(),
                    _ => here.clone(),
                };
                let mut j = i;
                if toks[i] == "super" {
                    while toks.get(j) == Some(&"super") && toks.get(j + 1) == Some(&":") {
                        base.pop();
                        j += 3;
                    }
                } else {
                    j += 3;
                }
                let mut found = Vec::new();
                path_targets(&toks, j, base, known, &mut found);
                for target in found {
                    out.insert((here.clone(), target));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The modules named by the path (or `{…}` group of paths) starting at `toks[j]` below `base`.
fn path_targets(toks: &[&str], mut j: usize, mut base: Module, known: &BTreeSet<Module>, out: &mut Vec<Module>) {
    loop {
        match toks.get(j) {
            Some(&"{") => {
                // each item of the group, split at commas outside nested groups
                let mut k = j + 1;
                let mut starts = vec![k];
                let mut level = 0;
                while let Some(t) = toks.get(k) {
                    match *t {
                        "{" => level += 1,
                        "}" if level == 0 => break,
                        "}" => level -= 1,
                        "," if level == 0 => starts.push(k + 1),
                        _ => {}
                    }
                    k += 1;
                }
                for s in starts {
                    path_targets(toks, s, base.clone(), known, out);
                }
                return;
            }
            Some(name) if name.chars().all(|c| c.is_alphanumeric() || c == '_') && *name != "self" => {
                let mut next = base.clone();
                next.push(name.to_string());
                if !known.contains(&next) {
                    break;
                }
                base = next;
                if toks.get(j + 1) == Some(&":") && toks.get(j + 2) == Some(&":") {
                    j += 3;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    out.push(base);
}

/// Sources under `src/` with the module each defines.
fn crate_files() -> Vec<File> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("src is readable") {
            let p = entry.expect("a directory entry").path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = p.strip_prefix(&src).expect("under src");
            let mut module: Module =
                rel.iter().map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                module.pop();
            }
            out.push(File { module, text: std::fs::read_to_string(&p).expect("a source file") });
        }
    }
    out
}

/// The edges between siblings: a reference from `a` to `b` becomes one between the children of
/// their common ancestor it passes through (a parent using its child, or a child its parent's
/// items, is no edge).
fn sibling_edges(refs: &BTreeSet<(Module, Module)>) -> BTreeSet<(Module, Module)> {
    let mut out = BTreeSet::new();
    for (a, b) in refs {
        let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        if common == a.len() || common == b.len() {
            continue;
        }
        out.insert((a[..=common].to_vec(), b[..=common].to_vec()));
    }
    out
}

/// A cycle among the edges, if any, as the modules along it.
fn find_cycle(edges: &BTreeSet<(Module, Module)>) -> Option<Vec<Module>> {
    let mut next: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    // iterative depth-first search with colours: 1 on the path, 2 done
    let mut colour: BTreeMap<&Module, u8> = BTreeMap::new();
    for start in next.keys() {
        if colour.contains_key(start) {
            continue;
        }
        let mut path: Vec<(&Module, usize)> = vec![(start, 0)];
        colour.insert(start, 1);
        while let Some((node, at)) = path.last_mut() {
            let outs = next.get(*node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&n) = outs.get(*at) {
                *at += 1;
                match colour.get(n) {
                    Some(1) => {
                        let from = path.iter().position(|(m, _)| *m == n).unwrap_or(0);
                        let mut cycle: Vec<Module> = path[from..].iter().map(|(m, _)| (*m).clone()).collect();
                        cycle.push(n.clone());
                        return Some(cycle);
                    }
                    Some(_) => {}
                    None => {
                        colour.insert(n, 1);
                        path.push((n, 0));
                    }
                }
            } else {
                colour.insert(node, 2);
                path.pop();
            }
        }
    }
    None
}

/// Top-level imports the allowlist does not grant.
fn violations(edges: &BTreeSet<(Module, Module)>) -> Vec<String> {
    let mut out = Vec::new();
    for (a, b) in edges {
        if a.len() != 1 || b.len() != 1 {
            continue;
        }
        let may = ALLOWED.iter().find(|(m, _)| *m == a[0]).map(|(_, may)| *may);
        match may {
            Some(may) if may.contains(&b[0].as_str()) => {}
            Some(_) => out.push(format!("{} imports {}, which the allowlist does not grant", a[0], b[0])),
            None => out.push(format!("{} is not in the allowlist", a[0])),
        }
    }
    out
}

fn graph(files: &[File]) -> BTreeSet<(Module, Module)> {
    let mut known: BTreeSet<Module> = files.iter().map(|f| f.module.clone()).collect();
    // inline modules are modules too (a path may go through them)
    for f in files {
        let code = code_of(&f.text);
        let toks = words(&code);
        for w in toks.windows(3) {
            if w[0] == "mod" && w[2] == "{" {
                known.insert(f.module.iter().cloned().chain([w[1].to_string()]).collect());
            }
        }
    }
    let mut refs = BTreeSet::new();
    for f in files {
        refs.extend(references(f, &known));
    }
    sibling_edges(&refs)
}

fn show(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_module_imports_what_the_allowlist_does_not_grant() {
    let files = crate_files();
    let edges = graph(&files);
    assert!(edges.len() > 10, "the scanner found {} edges: it reads no paths", edges.len());
    let bad = violations(&edges);
    assert!(bad.is_empty(), "layering broken:\n{}", bad.join("\n"));
}

#[test]
fn no_module_cycle_at_any_level() {
    let edges = graph(&crate_files());
    if let Some(cycle) = find_cycle(&edges) {
        panic!("module cycle: {}", cycle.iter().map(show).collect::<Vec<_>>().join(" -> "));
    }
}

fn file(module: &str, text: &str) -> File {
    File { module: module.split("::").filter(|s| !s.is_empty()).map(String::from).collect(), text: text.into() }
}

#[test]
fn the_checker_finds_a_cycle_between_siblings() {
    let files = [
        file("import", "pub mod otlp; pub mod chunks;"),
        file("import::otlp", "use super::chunks::Chunked; // crate::model"),
        file("import::chunks", "use crate::import::{otlp::{Span, Scope}};\nmod tests { use super::*; }"),
    ];
    let cycle = find_cycle(&graph(&files)).expect("a cycle");
    assert_eq!(cycle.len(), 3, "{cycle:?}");
    // a parent using its child and tests using their file are no cycle
    let files = [
        file("model", "pub mod tree; use tree::Tree;"),
        file("model::tree", "use super::Observation;\nmod tests { use super::*; }"),
    ];
    assert_eq!(find_cycle(&graph(&files)), None);
}

#[test]
fn the_checker_finds_a_layer_broken_and_ignores_comments_and_strings() {
    let files = [
        file("model", "fn f() { crate::import::load(); }"),
        file("import", r#"fn g() { let s = "crate::views::x"; /* crate::state */ } // crate::app"#),
        file("views", "pub mod a;"),
        file("state", ""),
        file("app", ""),
    ];
    let edges = graph(&files);
    assert_eq!(violations(&edges), vec!["model imports import, which the allowlist does not grant".to_string()]);
}
