//! Browser tests of the views (wasm-bindgen-test in headless Chromium): virtualization, filtering,
//! selection and detail, hostile text, and errors that keep loaded traces.
#![cfg(target_arch = "wasm32")]

use canopy::state::State;
use canopy::views::shell::Shell;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

const STYLES: &[&str] = &[
    include_str!("../style/theme.css"),
    include_str!("../style/shell.css"),
    include_str!("../style/tree.css"),
    include_str!("../style/detail.css"),
    include_str!("../style/timeline.css"),
    include_str!("../style/lists.css"),
    include_str!("../style/scores.css"),
];

fn ensure_styles() {
    if doc().get_element_by_id("test-styles").is_none() {
        let style = doc().create_element("style").unwrap();
        style.set_id("test-styles");
        style.set_text_content(Some(&STYLES.join("\n")));
        doc().head().unwrap().append_child(&style).unwrap();
    }
}

/// Mounts the whole shell into a fixed-size box with the given files already loaded.
fn mount(files: &[(&str, String)]) -> (State, web_sys::HtmlElement) {
    ensure_styles();
    let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    root.set_attribute("style", "width: 1200px; height: 700px; position: relative; overflow: hidden;").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    let state = State::new();
    for (name, body) in files {
        state.loader().load_bytes(name, body.as_bytes());
    }
    leptos::mount::mount_to(root.clone(), move || {
        state.provide();
        view! { <Shell state=state/> }
    })
    .forget();
    (state, root)
}

fn all(root: &web_sys::HtmlElement, sel: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.unchecked_into()).collect()
}

async fn settle() {
    leptos::task::tick().await;
    let p = js_sys::Promise::new(&mut |r, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&r, 30).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    leptos::task::tick().await;
}

/// An OTLP trace of `n` spans: a root with `n - 1` children, each child's name its index.
fn wide_trace(n: usize) -> String {
    let mut spans = Vec::with_capacity(n);
    for i in 0..n {
        let parent = if i == 0 { String::new() } else { r#","parentSpanId":"0000000000000001""#.to_string() };
        spans.push(format!(
            r#"{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"{:016x}"{parent},"name":"span-{i}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
            i + 1,
            1_000_000 + i,
            2_000_000 + i
        ));
    }
    format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#, spans.join(","))
}

#[wasm_bindgen_test]
async fn large_tree_renders_a_bounded_number_of_rows() {
    let n = 50_000;
    let (_state, root) = mount(&[("wide.json", wide_trace(n))]);
    settle().await;
    let rows = all(&root, ".tree-row");
    assert!(!rows.is_empty(), "tree rendered no rows");
    assert!(rows.len() < 80, "{} rows in the DOM for {n} observations", rows.len());
    let spacer: web_sys::HtmlElement = root.query_selector(".tree-scroll .spacer").unwrap().unwrap().unchecked_into();
    assert_eq!(spacer.offset_height(), (n as f64 * canopy::views::tree::ROW_H) as i32);

    // scroll to the end: the last observation is drawn, the row count stays bounded
    let scroller: web_sys::HtmlElement = root.query_selector(".tree-scroll").unwrap().unwrap().unchecked_into();
    scroller.set_scroll_top(i32::MAX);
    scroller.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    settle().await;
    let rows = all(&root, ".tree-row");
    assert!(rows.len() < 80, "{} rows after scrolling", rows.len());
    assert!(rows.iter().any(|r| r.text_content().unwrap_or_default().contains(&format!("span-{}", n - 1))));
    root.remove();
}

#[wasm_bindgen_test]
async fn filter_keeps_ancestors_and_collapse_hides_children() {
    let (_state, root) = mount(&[("wide.json", wide_trace(30))]);
    settle().await;
    let input: web_sys::HtmlInputElement = root.query_selector(".tree-filter").unwrap().unwrap().unchecked_into();
    input.set_value("span-17");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    settle().await;
    let names: Vec<String> = all(&root, ".tree-row .row-name").iter().map(|e| e.text_content().unwrap()).collect();
    assert_eq!(names, vec!["span-0", "span-17"], "the match and its parent");
    input.set_value("");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    settle().await;
    let collapse: web_sys::HtmlElement = root.query_selector("#collapse-all").unwrap().unwrap().unchecked_into();
    collapse.click();
    settle().await;
    assert_eq!(all(&root, ".tree-row").len(), 1);
    root.remove();
}

const HOSTILE: &str = r#"{"trace":{"id":"t","name":"<img src=x onerror=\"window.__pwned=1\">","timestamp":"2025-01-01T00:00:00Z"},
 "observations":[{"id":"o","type":"GENERATION","name":"<script>window.__pwned=2</script>","startTime":"2025-01-01T00:00:00Z","endTime":"2025-01-01T00:00:01Z",
  "input":"[{\"role\":\"user\",\"content\":\"<b>bold?</b><img src=y onerror=alert(1)>\"}]","output":"<iframe src=javascript:alert(1)>",
  "metadata":"{\"html\":\"<svg onload=alert(1)>\"}","statusMessage":"<a href=javascript:alert(1)>x</a>","level":"ERROR"}]}"#;

#[wasm_bindgen_test]
async fn trace_content_is_text_never_html() {
    let (state, root) = mount(&[("hostile.json", HOSTILE.to_string())]);
    settle().await;
    state.view.selected.set(Some(0));
    settle().await;
    for tag in ["img", "script", "iframe", "svg", "a"] {
        let found = all(&root, &format!(".trace-header {tag}, .tree-scroll {tag}, .detail {tag}"));
        assert!(found.is_empty(), "a <{tag}> element came from trace content");
    }
    assert!(all(&root, "b").iter().all(|b| b.text_content().unwrap() != "bold?"), "<b> from trace content");
    assert!(all(&root, "[onerror], [onload]").is_empty());
    let text = root.text_content().unwrap();
    assert!(text.contains("<script>window.__pwned=2</script>"));
    assert!(text.contains("<img src=x onerror=\"window.__pwned=1\">"));
    assert!(text.contains("<b>bold?</b>"));
    assert!(js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap().is_undefined());
    root.remove();
}

const AGENT: &str = include_str!("../public/demo/agent-tools.json");

#[wasm_bindgen_test]
async fn selecting_a_row_shows_its_detail_and_keys_move_selection() {
    let (state, root) = mount(&[("agent.json", AGENT.to_string())]);
    settle().await;
    let rows = all(&root, ".tree-row");
    let answer = rows.iter().find(|r| r.text_content().unwrap().contains("answer")).unwrap();
    answer.unchecked_ref::<web_sys::HtmlElement>().click();
    settle().await;
    let detail = root.query_selector(".detail").unwrap().unwrap().text_content().unwrap();
    assert!(detail.contains("gpt-4o-2024-08-06"));
    assert!(detail.contains("time to first token"));
    assert!(detail.contains("faithfulness"));
    let roles: Vec<String> = all(&root, ".detail .message-role").iter().map(|e| e.text_content().unwrap()).collect();
    assert!(roles.iter().any(|r| r.starts_with("system")), "{roles:?}");
    assert!(roles.iter().any(|r| r.starts_with("tool")), "{roles:?}");

    // ArrowUp selects the previous visible row (embed-query, inside the retriever)
    let scroller = root.query_selector(".tree-scroll").unwrap().unwrap();
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
    };
    scroller.dispatch_event(&key("ArrowUp")).unwrap();
    settle().await;
    let selected = state.view.selected.get_untracked().unwrap();
    let name = state.data.with_untracked(|d| d.traces[0].observations[selected as usize].name.clone());
    assert_eq!(name, "embed-query");
    // ArrowLeft on a leaf goes to its parent; again collapses nothing (root has children, expanded → collapses)
    scroller.dispatch_event(&key("ArrowLeft")).unwrap();
    settle().await;
    let selected = state.view.selected.get_untracked().unwrap();
    let name = state.data.with_untracked(|d| d.traces[0].observations[selected as usize].name.clone());
    assert_eq!(name, "baggage-policy-search");
    scroller.dispatch_event(&key("ArrowLeft")).unwrap();
    settle().await;
    assert!(!all(&root, ".tree-row").iter().any(|r| r.text_content().unwrap().contains("embed-query")), "collapsed");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_broken_file_reports_and_keeps_what_was_loaded() {
    let (state, root) = mount(&[("agent.json", AGENT.to_string())]);
    settle().await;
    state.loader().load_bytes("broken.json", b"{\"trace\": {\"id\": ");
    settle().await;
    let banner = root.query_selector(".error-banner").unwrap().expect("an error banner").text_content().unwrap();
    assert!(banner.contains("broken.json: not valid JSON: line 1, column 17"), "{banner}");
    assert_eq!(state.data.with_untracked(|d| d.traces.len()), 1);
    assert!(!all(&root, ".tree-row").is_empty(), "the loaded trace is still shown");
    root.remove();
}

/// Every shared fixture, compiled in: the browser test cannot read the disk.
const FIXTURES: &[(&str, &str)] = &[
    ("autogen", include_str!("../../shared/fixtures/langfuse/autogen-2025-06-06.trace.json")),
    ("beeai", include_str!("../../shared/fixtures/langfuse/beeai-2025-08-01.trace.json")),
    ("google-adk", include_str!("../../shared/fixtures/langfuse/google-adk-2025-08-28.trace.json")),
    ("langgraph", include_str!("../../shared/fixtures/langfuse/langgraph-js-2025-10-30.trace.json")),
    ("llamaindex", include_str!("../../shared/fixtures/langfuse/llamaindex-2025-06-05.trace.json")),
    ("pydantic-ai", include_str!("../../shared/fixtures/langfuse/pydantic-ai-2025-06-06.trace.json")),
    ("qa-chatbot", include_str!("../../shared/fixtures/langfuse/qa-chatbot-scores.json")),
    ("rag-otlp", include_str!("../../shared/fixtures/otlp/rag-earnings-agent.protobuf-json.json")),
    ("spec-otlp", include_str!("../../shared/fixtures/otlp/spec-example.json")),
    ("openinference", include_str!("../../shared/fixtures/openinference/openinference_client_span_tool_calls.json")),
    ("genai", include_str!("../../shared/fixtures/openinference/otel_genai_client_span_tool_calls.json")),
    ("jaeger", include_str!("../../shared/fixtures/jaeger/ui_01.json")),
    ("langsmith", include_str!("../../shared/fixtures/langsmith/langsmith_py_wrap_openai_stream.json")),
];

#[wasm_bindgen_test]
async fn every_fixture_payload_renders_through_the_right_renderer() {
    use canopy::model::{messages, Decoded};
    use canopy::views::payload::PayloadView;
    ensure_styles();
    let mut message_payloads = 0;
    let mut json_payloads = 0;
    let mut text_payloads = 0;
    for (name, body) in FIXTURES {
        let set = canopy::import::load(name, body.as_bytes()).unwrap_or_else(|e| panic!("{e}")).set;
        for o in set.traces.iter().flat_map(|t| &t.observations) {
            for p in [&o.input, &o.output].into_iter().flatten() {
                let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
                doc().body().unwrap().append_child(&root).unwrap();
                let state = State::new();
                let payload = p.clone();
                let handle = leptos::mount::mount_to(root.clone(), move || {
                    state.provide();
                    view! { <PayloadView payload=payload field="test"/> }
                });
                settle().await;
                match p.decode() {
                    Decoded::Json(v) => match messages::extract(&v) {
                        Some(msgs) => {
                            message_payloads += 1;
                            let blocks = all(&root, ".message");
                            assert_eq!(blocks.len(), msgs.len(), "{name}/{}: one block per message", o.name);
                            let roles: Vec<String> =
                                all(&root, ".message-role").iter().map(|e| e.text_content().unwrap()).collect();
                            for (m, r) in msgs.iter().zip(&roles) {
                                assert!(r.starts_with(&m.role), "{name}/{}: role label {r} for {}", o.name, m.role);
                            }
                        }
                        None => {
                            json_payloads += 1;
                            assert!(!all(&root, ".json-row").is_empty(), "{name}/{}: JSON tree rows", o.name);
                        }
                    },
                    Decoded::Text(t) => {
                        text_payloads += 1;
                        let shown = root
                            .query_selector(".markdown, .payload-text")
                            .unwrap()
                            .expect("a text view")
                            .text_content()
                            .unwrap();
                        let first_word = t.split_whitespace().next().unwrap_or("");
                        assert!(
                            shown.contains(first_word.trim_matches(|c: char| !c.is_alphanumeric())),
                            "{name}/{}",
                            o.name
                        );
                    }
                }
                drop(handle);
                root.remove();
            }
        }
    }
    assert!(message_payloads >= 20, "messages rendered: {message_payloads}");
    assert!(json_payloads >= 5, "JSON trees rendered: {json_payloads}");
    assert!(text_payloads >= 5, "texts rendered: {text_payloads}");
}

#[wasm_bindgen_test]
async fn hostile_markdown_links_and_images_stay_inert() {
    use canopy::views::payload::PayloadView;
    let text = "Click [me](javascript:alert(1)) or [ok](https://example.com) <img src=x onerror=alert(2)> ![pic](https://tracker.example/p.png)\n\n<script>alert(3)</script>";
    let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    doc().body().unwrap().append_child(&root).unwrap();
    let state = State::new();
    let payload = canopy::model::Payload::from_text(text);
    let _h = leptos::mount::mount_to(root.clone(), move || {
        state.provide();
        view! { <PayloadView payload=payload field="hostile"/> }
    });
    settle().await;
    let links = all(&root, "a");
    assert_eq!(links.len(), 2, "two markdown links become anchors");
    let hrefs: Vec<Option<String>> = links.iter().map(|a| a.get_attribute("href")).collect();
    assert_eq!(hrefs, vec![None, Some("https://example.com".to_string())], "javascript: never becomes an href");
    assert_eq!(links[1].get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    assert!(all(&root, "img, script, iframe, [onerror]").is_empty(), "no element from raw HTML, no image fetched");
    let shown = root.text_content().unwrap();
    assert!(shown.contains("<img src=x onerror=alert(2)>") && shown.contains("<script>alert(3)</script>"));
    root.remove();
}

#[wasm_bindgen_test]
async fn tool_results_link_to_their_calls_and_long_histories_fold() {
    use canopy::views::payload::PayloadView;
    let mut msgs = vec![serde_json::json!({"role": "system", "content": "rules"})];
    for i in 0..10 {
        msgs.push(serde_json::json!({"role": "user", "content": format!("question {i}")}));
    }
    msgs.push(serde_json::json!({"role": "assistant", "content": null, "tool_calls": [{"id": "c9", "function": {"name": "lookup", "arguments": "{}"}}]}));
    msgs.push(serde_json::json!({"role": "tool", "tool_call_id": "c9", "content": "found"}));
    let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    doc().body().unwrap().append_child(&root).unwrap();
    let state = State::new();
    let payload = canopy::model::Payload::from_value(&serde_json::Value::Array(msgs));
    let _h = leptos::mount::mount_to(root.clone(), move || {
        state.provide();
        view! { <PayloadView payload=payload field="history"/> }
    });
    settle().await;
    assert_eq!(all(&root, ".message-wrap").len(), 13);
    assert_eq!(all(&root, ".message-wrap.folded").len(), 6, "13 turns: system + last 6 shown, 6 folded");
    let toggle = root.query_selector(".fold-toggle").unwrap().unwrap();
    assert_eq!(toggle.text_content().unwrap(), "Show 6 earlier messages");
    let head = root.query_selector(".tool-result-head").unwrap().unwrap().text_content().unwrap();
    assert_eq!(head, "↩ result of lookup (c9)");
    toggle.unchecked_ref::<web_sys::HtmlElement>().click();
    settle().await;
    assert!(all(&root, ".message-wrap.folded").is_empty());
    root.remove();
}

#[path = "web/components.rs"]
mod components;
#[path = "web/dialogs.rs"]
mod dialogs;

/// The records of pulldown-cmark's entity table (host only since 2026-12-08), read from its source:
/// `name \u{XXXX}…\0\` per line.
fn entity_table() -> Vec<(String, String)> {
    let src = include_str!("../vendor/pulldown-cmark/src/entities.rs");
    let body = src.split("const ENTITIES: &str = \"\\\n").nth(1).unwrap().split("\";").next().unwrap();
    let mut out = Vec::new();
    for line in body.lines() {
        let record = line.trim().trim_end_matches("\\0\\");
        let (name, escaped) = record.split_once(' ').unwrap();
        let mut value = String::new();
        let mut rest = escaped;
        while let Some(i) = rest.find("\\u{") {
            value.push_str(&rest[..i]);
            let end = rest[i..].find('}').unwrap() + i;
            value.push(char::from_u32(u32::from_str_radix(&rest[i + 3..end], 16).unwrap()).unwrap());
            rest = &rest[end + 1..];
        }
        value.push_str(rest);
        out.push((name.to_string(), value));
    }
    out
}

#[wasm_bindgen_test]
fn the_browser_expands_every_entity_as_the_commonmark_table_does() {
    use canopy::views::markdown::entity;
    let table = entity_table();
    assert_eq!(table.len(), 2125);
    let differ: Vec<_> = table.iter().filter(|(n, v)| entity(n).as_deref() != Some(v.as_str())).take(5).collect();
    assert!(differ.is_empty(), "expanded otherwise by the browser: {differ:?}");
    // a name the list lacks, one that only starts with an old entity, and nothing at all
    for not in ["foo", "notit", "ampx", "", "AEli", "amp;lt"] {
        assert_eq!(entity(not), None, "{not}");
    }
}

#[wasm_bindgen_test]
async fn markdown_shows_entities_expanded_and_others_as_written() {
    use canopy::views::payload::PayloadView;
    let text = "&copy; 2026 &amp; &notit; &foo; &#x41; &NotEqualTilde; `&copy;`";
    let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    doc().body().unwrap().append_child(&root).unwrap();
    let state = State::new();
    let payload = canopy::model::Payload::from_text(text);
    let _h = leptos::mount::mount_to(root.clone(), move || {
        state.provide();
        view! { <PayloadView payload=payload field="entities"/> }
    });
    settle().await;
    let shown = root.query_selector(".markdown").unwrap().unwrap().text_content().unwrap();
    assert_eq!(shown, "© 2026 & &notit; &foo; A \u{2242}\u{338} &copy;");
    root.remove();
}

#[wasm_bindgen_test]
async fn reference_labels_match_across_case_as_the_commonmark_spec_says() {
    use canopy::views::markdown::fold;
    use canopy::views::payload::PayloadView;
    for (a, b) in [("ẞ", "SS"), ("ẞ", "ss"), ("Толпой", "ТОЛПОЙ"), ("ΑΓΩ", "αγω"), ("ς", "Σ"), ("Foo Bar", "fOO bAR")]
    {
        assert_eq!(fold(a), fold(b), "{a} ~ {b}");
    }
    assert_ne!(fold("a"), fold("b"));
    // CommonMark 0.31.2 examples 540 and 206, and a label that matches nothing
    let text = "[ẞ]\n\n[SS]: https://a.example\n\n[Толпой][Толпой] is a Russian word.\n\n[ТОЛПОЙ]: https://b.example\n\n[nothing]";
    let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    doc().body().unwrap().append_child(&root).unwrap();
    let state = State::new();
    let payload = canopy::model::Payload::from_text(text);
    let _h = leptos::mount::mount_to(root.clone(), move || {
        state.provide();
        view! { <PayloadView payload=payload field="labels"/> }
    });
    settle().await;
    let hrefs: Vec<Option<String>> = all(&root, ".markdown a").iter().map(|a| a.get_attribute("href")).collect();
    assert_eq!(hrefs, vec![Some("https://a.example".to_string()), Some("https://b.example".to_string())]);
    assert!(root.text_content().unwrap().contains("[nothing]"));
    root.remove();
}

/// pulldown-cmark's punctuation table (host only since 2026-12-08), read from its source: the
/// `PUNCT_TAB` blocks of 16 code points and their `PUNCT_MASKS`.
fn punct_table() -> Vec<(u32, u16)> {
    let src = include_str!("../vendor/pulldown-cmark/src/puncttable.rs");
    let list = |name: &str| -> Vec<u16> {
        let body = src.split(&format!("const {name}: [u16; 727] = [")).nth(1).unwrap().split("];").next().unwrap();
        body.lines()
            .filter_map(|l| l.trim().split(',').next().filter(|v| !v.is_empty() && !v.starts_with("//")))
            .map(|v| v.strip_prefix("0x").map_or_else(|| v.parse().unwrap(), |h| u16::from_str_radix(h, 16).unwrap()))
            .collect()
    };
    let (tab, masks) = (list("PUNCT_TAB"), list("PUNCT_MASKS"));
    assert_eq!((tab.len(), masks.len()), (727, 727));
    tab.into_iter().map(u32::from).zip(masks).collect()
}

#[wasm_bindgen_test]
fn the_browser_tells_punctuation_as_the_commonmark_table_does() {
    use canopy::views::markdown::punctuation;
    let table = punct_table();
    let in_table = |cp: u32| table.iter().any(|&(hi, m)| hi == cp / 16 && m & (1 << (cp & 15)) != 0);
    let (mut missing, mut extra) = (Vec::new(), Vec::new());
    for cp in 128..=0x1FBFF {
        let Some(c) = char::from_u32(cp) else { continue };
        match (in_table(cp), punctuation(c)) {
            (true, false) => missing.push(cp),
            (false, true) => extra.push(cp),
            _ => {}
        }
    }
    assert!(missing.is_empty(), "punctuation the browser does not know: {:x?}", &missing[..missing.len().min(20)]);
    // the table is of an older Unicode than the browser knows: newer versions, whose new symbols are
    // punctuation there (Chromium 2026: 856, most of them U+1CC00… Symbols for Legacy Computing
    // Supplement, and U+20C1 SAUDI RIYAL SIGN): only ever more, and only code points the table
    // had unassigned
    assert!(extra.len() < 2000, "{} more than the table: {:x?}", extra.len(), &extra[..extra.len().min(40)]);
    assert!(punctuation('¡') && punctuation('€') && !punctuation('é') && !punctuation('中'));
}

/// vendor/wasm-streams, which stands in for wasm-streams in server_fn: a Rust stream read back
/// through a JavaScript `ReadableStream`, chunks in order and then the end; an error errors it.
#[wasm_bindgen_test]
async fn the_vendored_readable_stream_carries_chunks_and_errors_both_ways() {
    use futures_util::stream::{self, StreamExt};
    use wasm_streams::ReadableStream;
    let chunks = ["a", "bc", "def"].map(wasm_bindgen::JsValue::from_str);
    let js = ReadableStream::from_stream(stream::iter(chunks.clone().map(Ok))).into_raw();
    let back: Vec<_> = ReadableStream::from_raw(js).into_stream().collect().await;
    let back: Vec<Option<String>> = back.into_iter().map(|r| r.unwrap().as_string()).collect();
    assert_eq!(back, vec![Some("a".into()), Some("bc".into()), Some("def".into())]);
    let failing =
        stream::iter([Ok(wasm_bindgen::JsValue::from_str("x")), Err(wasm_bindgen::JsValue::from_str("broken"))]);
    let read: Vec<_> = ReadableStream::from_stream(failing).into_stream().collect().await;
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].as_ref().ok().and_then(|v| v.as_string()).as_deref(), Some("x"));
    assert_eq!(read[1].as_ref().err().and_then(|e| e.as_string()).as_deref(), Some("broken"));
}
