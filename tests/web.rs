//! Browser tests of the views (wasm-bindgen-test in headless Chromium): virtualization, filtering,
//! selection and detail, hostile text, and errors that keep loaded traces.
#![cfg(target_arch = "wasm32")]

use canopy::app::AppState;
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
fn mount(files: &[(&str, String)]) -> (AppState, web_sys::HtmlElement) {
    ensure_styles();
    let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    root.set_attribute("style", "width: 1200px; height: 700px; position: relative; overflow: hidden;").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    let state = AppState::new();
    for (name, body) in files {
        state.load_bytes(name, body.as_bytes());
    }
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(state);
        view! { <Shell/> }
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
    state.selected.set(Some(0));
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
    let selected = state.selected.get_untracked().unwrap();
    let name = state.data.with_untracked(|d| d.traces[0].observations[selected as usize].name.clone());
    assert_eq!(name, "embed-query");
    // ArrowLeft on a leaf goes to its parent; again collapses nothing (root has children, expanded → collapses)
    scroller.dispatch_event(&key("ArrowLeft")).unwrap();
    settle().await;
    let selected = state.selected.get_untracked().unwrap();
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
    state.load_bytes("broken.json", b"{\"trace\": {\"id\": ");
    settle().await;
    let banner = root.query_selector(".error-banner").unwrap().expect("an error banner").text_content().unwrap();
    assert!(banner.contains("broken.json: not valid JSON: line 1, column 17"), "{banner}");
    assert_eq!(state.data.with_untracked(|d| d.traces.len()), 1);
    assert!(!all(&root, ".tree-row").is_empty(), "the loaded trace is still shown");
    root.remove();
}
