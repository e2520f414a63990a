//! `model::markdown` measured on the CommonMark 0.31.2 spec examples and the GFM table,
//! strikethrough and task-list examples: pulldown-cmark must write each example's HTML as the spec
//! does, and Canopy's events must mean what pulldown-cmark's do, both read into one tree
//! (tests/fuzz_checks/markdown_tree.rs; the rules and the numbers are in docs/markdown.md).
#![cfg(not(target_arch = "wasm32"))]

#[path = "fuzz_checks/markdown_tree.rs"]
mod markdown_tree;

use markdown_tree::{canopy, options, reference, Show};
use pulldown_cmark::Parser;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The spec sections of what LLM output uses: paragraphs, emphasis, lists, code spans and fences,
/// headings, links, block quotes, tables, strikethrough and task lists.
const LLM_SECTIONS: &[&str] = &[
    "Paragraphs",
    "Emphasis and strong emphasis",
    "Lists",
    "List items",
    "Code spans",
    "Fenced code blocks",
    "ATX headings",
    "Setext headings",
    "Links",
    "Block quotes",
    "Tables (extension)",
    "Strikethrough (extension)",
    "Task list items (extension)",
];

/// Examples of `LLM_SECTIONS` that pass, as measured (docs/markdown.md): fewer fails the test.
const LLM_FLOOR: usize = 437;
/// Examples in `LLM_SECTIONS`.
const LLM_EXAMPLES: usize = 437;
// the floor is at least 95 % of the examples
const _: () = assert!(LLM_FLOOR * 100 >= 95 * LLM_EXAMPLES);

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
    /// pulldown-cmark's HTML is the spec's, so its tree holds the spec's meaning.
    reference_ok: bool,
    /// Canopy's tree is pulldown-cmark's.
    canopy_ok: bool,
}

impl Outcome<'_> {
    fn passes(&self) -> bool {
        self.reference_ok && self.canopy_ok
    }

    fn describe(&self) -> String {
        let md = &self.ex.markdown;
        format!(
            "{} (example {:?}, spec line {}): {md:?}\n  spec      {:?}\n  reference {}\n  canopy    {}",
            self.ex.section,
            self.ex.example,
            self.ex.start_line,
            self.ex.html,
            Show(&reference(md, self.gfm)),
            Show(&canopy(md)),
        )
    }
}

/// The CommonMark examples are read as plain CommonMark by the reference (so that its HTML can
/// be the spec's), the GFM ones with the extensions; Canopy always reads with the extensions.
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

/// pulldown-cmark's HTML for `text`.
fn reference_html(text: &str, gfm: bool) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(text, options(gfm)));
    html
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

/// Per section: examples, and how many pass.
fn by_section<'a>(out: &'a [Outcome<'a>]) -> BTreeMap<&'a str, (usize, usize)> {
    let mut by: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in out {
        let e = by.entry(o.ex.section.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(o.passes());
    }
    by
}

#[test]
fn pulldown_cmark_writes_the_spec_html_of_every_example() {
    let spec = spec();
    let out = measure(&spec);
    assert_eq!(out.len(), 652 + 12, "the fixture's examples");
    let wrong: Vec<String> = out.iter().filter(|o| !o.reference_ok).map(Outcome::describe).collect();
    assert!(wrong.is_empty(), "the reference differs from the spec on {}:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn the_sections_llm_output_uses_pass_at_least_the_measured_floor() {
    let spec = spec();
    let out = measure(&spec);
    let llm: Vec<&Outcome> = out.iter().filter(|o| LLM_SECTIONS.contains(&o.ex.section.as_str())).collect();
    assert_eq!(llm.len(), LLM_EXAMPLES);
    let failing: Vec<String> = llm.iter().filter(|o| !o.passes()).map(|o| o.describe()).collect();
    let passing = llm.len() - failing.len();
    assert!(
        passing >= LLM_FLOOR,
        "{passing} of {} examples pass, below the floor of {LLM_FLOOR}; failing:\n{}",
        llm.len(),
        failing.join("\n")
    );
}

/// docs/markdown.md shows the numbers this measures: every row of its table is one measured now.
#[test]
fn the_docs_table_is_the_measured_one() {
    let spec = spec();
    let out = measure(&spec);
    let docs = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/markdown.md")).unwrap();
    let mut rows = Vec::new();
    for (section, (n, pass)) in by_section(&out) {
        let llm = if LLM_SECTIONS.contains(&section) { "yes" } else { "" };
        let pct = 100.0 * pass as f64 / n as f64;
        rows.push(format!("| {section} | {llm} | {n} | {pass} | {pct:.1} |"));
    }
    let missing: Vec<&String> = rows.iter().filter(|r| !docs.contains(r.as_str())).collect();
    assert!(missing.is_empty(), "docs/markdown.md does not show these rows:\n{}", rows.join("\n"));
}

/// The comparison tells real differences from spelling ones.
#[test]
fn the_tree_keeps_meaning_and_drops_spelling() {
    let same = |a: &str, b: &str| reference(a, true) == reference(b, true);
    // alike on the page: a tight and a loose list, `*` and `_`, a reference and an inline link
    assert!(same("- a\n- b\n", "- a\n\n- b\n"));
    assert!(same("*a* __b__", "_a_ **b**"));
    assert!(same("[x][r]\n\n[r]: /u \"t\"", "[x](/u)"));
    assert!(same("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"), "raw HTML is text");
    // not alike: emphasis or not, another address, a heading level, a code block or a paragraph
    assert!(!same("*a*", "a"));
    assert!(!same("[x](/u)", "[x](/v)"));
    assert!(!same("# a", "## a"));
    assert!(!same("    a", "a"));
    assert!(!same("- [ ] a", "- [x] a"));
    assert_eq!(markdown_tree::depth(&reference("> - *a*", true)), 5, "quote, list, item, paragraph, emphasis");
    assert_eq!(canopy("- [x] a\n\n| h |\n| - |\n| c |"), reference("- [x] a\n\n| h |\n| - |\n| c |", true));
}
