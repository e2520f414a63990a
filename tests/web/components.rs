//! Each view alone: mounted with the state it is given as props (and only the narrow contexts its
//! leaves ask for), never the whole shell.

use super::*;
use canopy::state::{Data, Jobs, NoticeKind, Notices, Page, Progress, ViewState};
use canopy::views::compare_page::ComparePage;
use canopy::views::costs_page::Costs;
use canopy::views::detail::Detail;
use canopy::views::header::TraceHeader;
use canopy::views::nav::Nav;
use canopy::views::notice_banner::NoticeBanner;
use canopy::views::progress::ProgressBar;
use canopy::views::scores_page::ScoresPage;
use canopy::views::sessions_page::SessionsPage;
use canopy::views::trace_list::TraceList;
use canopy::views::traces_page::TracesPage;
use canopy::views::tree::TreeView;

/// A fixed-size box on the page, for one view.
pub(super) fn boxed() -> web_sys::HtmlElement {
    ensure_styles();
    let root: web_sys::HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    root.set_attribute("style", "width: 1000px; height: 600px; position: relative; overflow: hidden;").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    root
}

/// The data of these files, merged as the app merges them, and a view of it showing the first trace.
fn loaded(files: &[(&str, &str)]) -> (Data, ViewState) {
    let data = Data::new();
    for (name, body) in files {
        data.merge(canopy::import::load(name, body.as_bytes()).unwrap_or_else(|e| panic!("{e}")).set);
    }
    let view = ViewState::new(data);
    view.show_trace(Some(0));
    (data, view)
}

fn texts(root: &web_sys::HtmlElement, sel: &str) -> Vec<String> {
    all(root, sel).iter().map(|e| e.text_content().unwrap_or_default()).collect()
}

#[wasm_bindgen_test]
async fn the_tree_alone_shows_its_trace_and_a_merge_of_others_leaves_its_rows_in_place() {
    let (data, view) = loaded(&[("agent.json", AGENT)]);
    let observations = data.with_untracked(|d| d.traces[0].observations.len());
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <TreeView data=data view=view/> });
    settle().await;
    assert_eq!(all(&root, ".tree-row").len(), observations);
    let first = all(&root, ".tree-row")[0].clone();

    // another trace arrives (a second file, a live page): the shown trace is unchanged, so its
    // rows are not built again
    data.merge(canopy::import::load("wide.json", wide_trace(3).as_bytes()).unwrap().set);
    settle().await;
    assert_eq!(data.with_untracked(|d| d.traces.len()), 2);
    assert!(first.is_connected(), "a merge that does not touch the shown trace rebuilt its rows");
    assert!(all(&root, ".tree-row")[0].is_same_node(Some(&first)));

    // the shown trace grows: its rows follow
    view.show_trace(Some(1));
    settle().await;
    assert_eq!(all(&root, ".tree-row").len(), 3);
    let more = wide_trace(5);
    data.merge(canopy::import::load("wide-more.json", more.as_bytes()).unwrap().set);
    settle().await;
    assert_eq!(all(&root, ".tree-row").len(), 5, "rows of the shown trace follow a merge into it");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_detail_alone_shows_the_selected_observation() {
    let (data, view) = loaded(&[("agent.json", AGENT)]);
    let (i, name) = data.with_untracked(|d| {
        let t = &d.traces[0];
        let i = t.observations.iter().position(|o| !o.name.is_empty()).unwrap();
        (i as u32, t.observations[i].name.clone())
    });
    view.selected.set(Some(i));
    let root = boxed();
    // its copy buttons tell the status line, the only context it asks for
    let _h = leptos::mount::mount_to(root.clone(), move || {
        provide_context(Jobs::new());
        view! { <Detail data=data view=view/> }
    });
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains(&name), "the detail names the selected observation {name}");
    view.selected.set(None);
    settle().await;
    // nothing selected: the trace's own input and output
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Select an observation") && text.contains("Trace input"), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_header_list_and_nav_alone_show_what_is_loaded() {
    let (data, view) = loaded(&[("agent.json", AGENT), ("wide.json", &wide_trace(4))]);
    let names: Vec<String> = data.with_untracked(|d| d.traces.iter().map(|t| t.display_name().to_string()).collect());
    let root = boxed();
    let notices = Notices::new();
    let _h = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Nav data=data view=view/>
            <TraceHeader data=data view=view notices=notices/>
            <TraceList data=data view=view/>
        }
    });
    settle().await;
    assert!(texts(&root, "#nav-traces")[0].contains("(2)"));
    assert!(root.query_selector(".trace-header").unwrap().unwrap().text_content().unwrap().contains(&names[0]));
    assert_eq!(texts(&root, ".trace-list-name"), names, "both traces are listed");
    view.show_trace(Some(1));
    settle().await;
    assert!(root.query_selector(".trace-header").unwrap().unwrap().text_content().unwrap().contains(&names[1]));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_list_pages_alone_show_traces_sessions_and_scores() {
    let qa = FIXTURES.iter().find(|(n, _)| *n == "qa-chatbot").unwrap().1;
    let (data, view) = loaded(&[("qa.json", qa), ("agent.json", AGENT)]);
    let (traces, sessions, scored) =
        data.with_untracked(|d| (d.traces.len(), d.sessions.len(), canopy::model::tracelist::score_names(d).len()));
    assert!(sessions > 0 && scored > 0, "the fixtures hold sessions and scores");

    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <TracesPage data=data view=view/> });
    settle().await;
    let text = root.text_content().unwrap_or_default();
    for name in
        data.with_untracked(|d| d.traces.iter().take(3).map(|t| t.display_name().to_string()).collect::<Vec<_>>())
    {
        assert!(text.contains(&name), "the traces page lists {name}");
    }
    assert!(traces >= 2);
    root.remove();

    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <SessionsPage data=data view=view/> });
    settle().await;
    let first = data.with_untracked(|d| d.sessions[0].id.clone());
    assert!(root.text_content().unwrap_or_default().contains(&first), "the sessions page lists {first}");
    root.remove();

    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <ScoresPage data=data view=view/> });
    settle().await;
    let name = data.with_untracked(|d| canopy::model::tracelist::score_names(d)[0].clone());
    assert!(root.text_content().unwrap_or_default().contains(&name), "the scores page shows {name}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_compare_page_alone_lines_up_two_traces() {
    let (data, view) = loaded(&[("wide.json", &wide_trace(4)), ("agent.json", AGENT)]);
    let other = data.with_untracked(|d| d.traces[1].id.clone());
    view.page.set(Page::Compare(other.clone()));
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || {
        provide_context(Jobs::new());
        view! { <ComparePage data=data view=view other=other/> }
    });
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("span-1"), "the first trace's steps are shown");
    root.remove();
}

#[wasm_bindgen_test]
async fn notices_show_in_the_style_of_their_level_and_go_when_dismissed() {
    let notices = Notices::new();
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <NoticeBanner notices=notices/> });
    notices.push(NoticeKind::LoadFailed, "broken.json: not valid JSON".into());
    notices.push(NoticeKind::LimitReached, "stopped at the limit of 10 traces".into());
    notices.push(NoticeKind::Cancelled, "cancelled after 2 of 5 traces".into());
    settle().await;
    assert_eq!(texts(&root, ".error-banner .error-text"), vec!["broken.json: not valid JSON"]);
    assert_eq!(texts(&root, ".warning-banner .error-text"), vec!["stopped at the limit of 10 traces"]);
    assert_eq!(texts(&root, ".notice-banner .error-text"), vec!["cancelled after 2 of 5 traces"]);
    assert_eq!(all(&root, "[role=alert]").len(), 1, "only the error interrupts");
    let dismiss: web_sys::HtmlElement =
        root.query_selector(".error-banner .dismiss").unwrap().unwrap().unchecked_into();
    dismiss.click();
    settle().await;
    assert!(all(&root, ".error-banner").is_empty());
    assert_eq!(all(&root, ".warning-banner, .notice-banner").len(), 2);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_progress_bar_alone_reads_its_job() {
    let jobs = Jobs::new();
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <ProgressBar jobs=jobs/> });
    jobs.progress.set(Some(Progress {
        what: "Langfuse".into(),
        done: 2,
        total: Some(5),
        unit: "traces",
        bytes: 2_000,
        note: String::new(),
    }));
    settle().await;
    assert_eq!(texts(&root, ".progress-text"), vec!["Langfuse: 2 of 5 traces · 2 KB"]);
    root.remove();
}

/// The trace list counts errors in words that agree with the number ("1 error", not "1 errors").
#[wasm_bindgen_test]
async fn the_trace_list_says_one_error_and_two_errors() {
    let span = |t: &str, s: &str, code: u8| {
        format!(
            r#"{{"traceId":"{t}","spanId":"{s}","name":"s{s}","startTimeUnixNano":"1","endTimeUnixNano":"2","status":{{"code":{code}}}}}"#
        )
    };
    let (a, b) = ("0a".repeat(16), "0b".repeat(16));
    let spans = [span(&a, "01", 2), span(&a, "02", 0), span(&b, "03", 2), span(&b, "04", 2)].join(",");
    let body = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#);
    let (data, view) = loaded(&[("errors.json", &body)]);
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <TraceList data=data view=view/> });
    settle().await;
    let mut counts = texts(&root, ".err-count");
    counts.sort();
    assert_eq!(counts, [" · 1 error", " · 2 errors"]);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_trace_s_costs_chart_its_calls_select_on_click_and_stay_through_a_merge_of_others() {
    let (data, view) = loaded(&[("agent.json", AGENT)]);
    let (calls, tokens) = data.with_untracked(|d| {
        let t = &d.traces[0];
        let calls = (0..t.observations.len())
            .filter(|&i| {
                let o = &t.observations[i];
                o.kind == canopy::model::Kind::Generation && o.usage.input > Some(0) && t.totals.usage_counted[i]
            })
            .count();
        (calls, t.totals.tokens)
    });
    assert!(calls > 0, "the demo has LLM calls");
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <Costs data=data view=view trace=true/> });
    settle().await;
    let points = all(&root, ".ctx-point");
    assert_eq!(points.len(), calls, "one point per LLM call");
    let summary = root.query_selector(".breakdown-summary").unwrap().unwrap();
    assert_eq!(summary.get_attribute("data-tokens"), Some(tokens.to_string()));

    // Enter on a point (or a click: e2e/costs.test.mjs) selects the call it stands for
    let index: u32 = points[0].get_attribute("data-index").unwrap().parse().unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    points[0]
        .dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap())
        .unwrap();
    settle().await;
    assert_eq!(view.selected.get_untracked(), Some(index));
    assert!(points[0].class_list().contains("selected"));

    // another trace arrives: the shown one is unchanged, its chart is not drawn again
    data.merge(canopy::import::load("wide.json", wide_trace(3).as_bytes()).unwrap().set);
    settle().await;
    assert!(points[0].is_connected(), "a merge of another trace redrew the chart");
    root.remove();
}
