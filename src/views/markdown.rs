//! Markdown rendered safely: read by `model::markdown` into events, built as DOM nodes from a
//! whitelist of tags (a task's checkbox is a disabled input), text only as text nodes; raw HTML
//! in the source shows as text; links open in a new tab with `rel=noopener noreferrer` and only
//! for http(s) and mailto; images are not fetched.

use crate::model::markdown::{events, Event, Tag};
use leptos::prelude::*;

/// Nesting beyond this is flattened into its parent: the builder never grows without bound.
const MAX_DEPTH: usize = 48;

#[component]
pub fn Markdown(text: String) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = host.get() {
            while let Some(child) = el.first_child() {
                let _ = el.remove_child(&child);
            }
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                pulldown_cmark::set_entity_resolver(entity);
                pulldown_cmark::set_label_fold(fold);
                pulldown_cmark::set_punctuation(punctuation);
                render(&doc, &el, &text);
            }
        }
    });
    view! { <div class="markdown" node_ref=host></div> }
}

/// A named character reference (`&copy;`, given as `copy`) expanded by the browser, which knows
/// the list CommonMark adopts (WHATWG's): the page carries no table of its own (9 kB gzipped,
/// BENCHMARKS.md 2026-12-08). Read through a detached `<textarea>`, whose content is text: only
/// references are expanded there, never markup, and the name is letters and digits anyway.
pub fn entity(name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    if !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let doc = web_sys::window()?.document()?;
    let area = doc.create_element("textarea").ok()?.dyn_into::<web_sys::HtmlTextAreaElement>().ok()?;
    area.set_inner_html(&format!("&{name};"));
    let out = area.value();
    // a name the list lacks stays as written (`&foo;`), and one that only starts with an old
    // entity keeps the rest (`&notit;` reads `¬it;`): neither is an entity for CommonMark, and
    // no expansion but `&semi;`'s ends in `;`
    (!out.ends_with(';') || out == ";").then_some(out)
}

/// A reference label's case folded as commonmark.js (CommonMark's reference implementation) folds
/// it: `toLowerCase().toUpperCase()` (`ẞ` and `ss` both read `SS`). The browser's own Unicode
/// tables instead of a table in the page (BENCHMARKS.md 2026-12-08).
pub fn fold(label: &str) -> String {
    js_sys::JsString::from(label).to_lower_case().to_upper_case().into()
}

/// A Unicode punctuation character as CommonMark counts them (general categories P and S), by
/// the browser's own tables (BENCHMARKS.md 2026-12-08). Asked only for characters beside an
/// emphasis delimiter that are not ASCII.
pub fn punctuation(c: char) -> bool {
    thread_local! {
        static CLASS: js_sys::RegExp = js_sys::RegExp::new(r"^[\p{P}\p{S}]$", "u");
    }
    CLASS.with(|re| re.test(c.encode_utf8(&mut [0; 4])))
}

/// Only these addresses become links; everything else stays text.
pub fn safe_href(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("https://") || u.starts_with("http://") || u.starts_with("mailto:")
}

fn render(doc: &web_sys::Document, root: &web_sys::Element, text: &str) {
    let mut stack: Vec<web_sys::Element> = vec![root.clone()];
    let append_text = |parent: &web_sys::Element, s: &str| {
        let node = doc.create_text_node(s);
        let _ = parent.append_child(&node);
    };
    for ev in events(text) {
        let Some(top) = stack.last().cloned() else { break };
        match ev {
            Event::Start(tag) => {
                let (name, href) = match &tag {
                    Tag::Paragraph => ("p", None),
                    Tag::Heading(level) => (
                        match level {
                            1 => "h3",
                            2 => "h4",
                            _ => "h5",
                        },
                        None,
                    ),
                    Tag::Quote => ("blockquote", None),
                    Tag::CodeBlock => ("pre", None),
                    Tag::List(Some(_)) => ("ol", None),
                    Tag::List(None) => ("ul", None),
                    Tag::Item => ("li", None),
                    Tag::Emphasis => ("em", None),
                    Tag::Strong => ("strong", None),
                    Tag::Strike => ("del", None),
                    Tag::Link(url) => ("a", Some(url.clone())),
                    // images are shown as their alt text and address, never fetched
                    Tag::Image(url) => {
                        append_text(&top, &format!("[image: {url}] "));
                        ("span", None)
                    }
                    Tag::Table => ("table", None),
                    Tag::TableHead => ("thead", None),
                    Tag::TableRow => ("tr", None),
                    Tag::TableCell => ("td", None),
                };
                if stack.len() > MAX_DEPTH {
                    stack.push(top.clone()); // keep Start/End balanced without nesting deeper
                    continue;
                }
                let Ok(el) = doc.create_element(name) else { continue };
                if let Tag::List(Some(start)) = tag {
                    if start != 1 {
                        let _ = el.set_attribute("start", &start.to_string());
                    }
                }
                if let Some(h) = href {
                    if safe_href(&h) {
                        let _ = el.set_attribute("href", &h);
                        let _ = el.set_attribute("target", "_blank");
                        let _ = el.set_attribute("rel", "noopener noreferrer");
                    } else {
                        let _ = el.set_attribute("title", &format!("not a web address: {h}"));
                    }
                }
                let _ = top.append_child(&el);
                stack.push(el);
            }
            Event::End => {
                if stack.len() > 1 {
                    stack.pop();
                }
            }
            Event::Text(t) => append_text(&top, &t),
            Event::Code(t) => {
                if let Ok(code) = doc.create_element("code") {
                    code.set_text_content(Some(&t));
                    let _ = top.append_child(&code);
                }
            }
            Event::SoftBreak => append_text(&top, "\n"),
            Event::HardBreak => {
                if let Ok(br) = doc.create_element("br") {
                    let _ = top.append_child(&br);
                }
            }
            Event::Rule => {
                if let Ok(hr) = doc.create_element("hr") {
                    let _ = top.append_child(&hr);
                }
            }
            // a task list item's box, shown and never editable
            Event::TaskMarker(done) => {
                if let Ok(input) = doc.create_element("input") {
                    let _ = input.set_attribute("type", "checkbox");
                    let _ = input.set_attribute("disabled", "");
                    if done {
                        let _ = input.set_attribute("checked", "");
                    }
                    let _ = top.append_child(&input);
                    append_text(&top, " ");
                }
            }
        }
    }
}
