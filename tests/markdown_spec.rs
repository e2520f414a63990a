//! `model::markdown` measured on the CommonMark 0.31.2 spec examples and the GFM table,
//! strikethrough and task-list examples, against pulldown-cmark read into the same tree
//! (tests/fuzz_checks/markdown_tree.rs; the rules are in docs/markdown.md).
#![cfg(not(target_arch = "wasm32"))]

#[path = "fuzz_checks/markdown_tree.rs"]
mod markdown_tree;

use markdown_tree::{canopy, reference, reference_html, Show};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(serde::Deserialize)]
struct Example {
    markdown: String,
    html: String,
    section: String,
    example: Option<u32>,
    start_line: u32,
}

#[derive(serde::Deserialize)]
struct Spec {
    commonmark: Vec<Example>,
    gfm: Vec<Example>,
}

fn spec() -> Spec {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown/spec.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// One example's outcome.
struct Outcome<'a> {
    ex: &'a Example,
    gfm: bool,
    /// pulldown-cmark's HTML is the spec's (so its tree is the spec's meaning).
    reference_ok: bool,
    /// Canopy's tree is pulldown-cmark's.
    canopy_ok: bool,
}

fn measure(spec: &Spec) -> Vec<Outcome<'_>> {
    let cm = spec.commonmark.iter().map(|e| (e, false));
    let gfm = spec.gfm.iter().map(|e| (e, true));
    cm.chain(gfm)
        .map(|(ex, gfm)| Outcome {
            ex,
            gfm,
            reference_ok: html_form(&reference_html(&ex.markdown, gfm)) == html_form(&ex.html),
            canopy_ok: canopy(&ex.markdown) == reference(&ex.markdown, gfm),
        })
        .collect()
}

/// The spec's HTML and pulldown-cmark's written alike where they differ only in spelling (as
/// the spec's own test/normalize.py does): `"` escaped or not, whitespace between block tags,
/// table alignment as an attribute or a style, an empty `tbody`, and a checkbox's attributes.
fn html_form(html: &str) -> String {
    const BLOCK: &[&str] = &[
        "p",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ];
    let mut s = html.replace("&quot;", "\"");
    for a in ["left", "center", "right"] {
        s = s.replace(&format!(" style=\"text-align: {a}\""), &format!(" align=\"{a}\""));
    }
    s = s.replace(
        "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
        "<input checked=\"\" disabled=\"\" type=\"checkbox\">",
    );
    s = s.replace("<input disabled=\"\" type=\"checkbox\"/>", "<input disabled=\"\" type=\"checkbox\">");
    s = s.replace("type=\"checkbox\">\n", "type=\"checkbox\"> ");
    // newlines next to a block tag (outside code blocks) are not content
    let mut out = String::new();
    let mut in_pre = false;
    let mut rest = s.as_str();
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open..close];
        let name = tag.trim_start_matches(['<', '/']).split([' ', '>', '/']).next().unwrap_or("");
        let block = BLOCK.contains(&name);
        let text = &rest[..open];
        out.push_str(if block && !in_pre { text.trim_end_matches('\n') } else { text });
        if block && !in_pre {
            while out.ends_with('\n') {
                out.pop();
            }
        }
        out.push_str(tag);
        if name == "pre" {
            in_pre = !tag.starts_with("</");
        }
        rest = &rest[close..];
        if block && !in_pre {
            rest = rest.trim_start_matches('\n');
        }
    }
    out.push_str(rest.trim_end_matches('\n'));
    out.replace("<tbody></tbody>", "")
}

#[test]
fn report() {
    let spec = spec();
    let out = measure(&spec);
    let mut by: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for o in &out {
        let e = by.entry(o.ex.section.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(o.reference_ok);
        e.2 += usize::from(o.canopy_ok && o.reference_ok);
    }
    for (s, (n, r, c)) in &by {
        println!("| {s} | {n} | {r} | {c} | {:.1} |", 100.0 * *c as f64 / *n as f64);
    }
    if let Ok(path) = std::env::var("MARKDOWN_FAILURES") {
        let mut s = String::new();
        for o in out.iter().filter(|o| !(o.canopy_ok && o.reference_ok)) {
            s += &format!(
                "## {} {:?} line {} gfm={} ref_ok={}\n{:?}\nwant {}\ngot  {}\nhtml {:?}\nspec {:?}\n\n",
                o.ex.section,
                o.ex.example,
                o.ex.start_line,
                o.gfm,
                o.reference_ok,
                o.ex.markdown,
                Show(&reference(&o.ex.markdown, o.gfm)),
                Show(&canopy(&o.ex.markdown)),
                reference_html(&o.ex.markdown, o.gfm),
                o.ex.html
            );
        }
        std::fs::write(path, s).unwrap();
    }
}
