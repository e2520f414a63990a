//! More views alone, each with its props: the timeline, the dialogs and panels, the welcome page.

use super::components::boxed;
use super::*;
use canopy::state::address::Address;
use canopy::state::live::Live;
use canopy::state::load::Loader;
use canopy::state::{Credentials, Data, Dialogs, Jobs, Links, Notices, Theme, ViewState};
use canopy::views::connect::ConnectDialog;
use canopy::views::export::ExportDialog;
use canopy::views::share_panel::SharePanel;
use canopy::views::theme_picker::ThemePicker;
use canopy::views::timeline::TimelineView;
use canopy::views::welcome::Welcome;

fn agent() -> (Data, ViewState) {
    let data = Data::new();
    data.merge(canopy::import::load("agent.json", AGENT.as_bytes()).unwrap().set);
    let view = ViewState::new(data);
    view.show_trace(Some(0));
    (data, view)
}

/// Sets a `<select>` or `<input>` and tells the page, as a user's change would.
fn change(root: &web_sys::HtmlElement, sel: &str, value: &str) {
    let el = root.query_selector(sel).unwrap().unwrap();
    if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        s.set_value(value);
    } else if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_value(value);
    }
    el.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
}

fn click(root: &web_sys::HtmlElement, sel: &str) {
    root.query_selector(sel).unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
}

fn live_of(data: Data, view: ViewState) -> (Live, Loader) {
    let (jobs, notices, links) = (Jobs::new(), Notices::new(), Links::new());
    let live = Live { data, view, jobs, notices, links, dialogs: Dialogs::new(), credentials: Credentials::new() };
    (live, Loader { data, view, jobs, notices, links })
}

#[wasm_bindgen_test]
async fn the_timeline_alone_draws_the_shown_trace() {
    let (data, view) = agent();
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <TimelineView data=data view=view/> });
    settle().await;
    settle().await;
    let canvas: web_sys::HtmlCanvasElement = root.query_selector(".timeline-canvas").unwrap().unwrap().unchecked_into();
    assert!(canvas.width() > 0 && canvas.height() > 0, "the canvas is sized");
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let pixels = ctx.get_image_data(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height())).unwrap().data();
    let painted = pixels.chunks(4).filter(|p| p[3] > 0).count();
    assert!(painted > 100, "bars were drawn ({painted} pixels)");
    // zooming from outside (a link, back/forward) is the view's zoom
    let end = data.with_untracked(|d| d.traces[0].duration_ns().unwrap_or(1));
    view.zoom.set(Some((0, end / 2)));
    settle().await;
    assert_eq!(view.zoom.get_untracked(), Some((0, end / 2)));
    root.remove();
}

#[wasm_bindgen_test]
async fn connect_alone_offers_every_store_and_each_its_form() {
    let (data, view) = agent();
    let (live, loader) = live_of(data, view);
    live.dialogs.connect.set(true);
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <ConnectDialog live=live loader=loader/> });
    settle().await;
    let options: Vec<String> = all(&root, "#connect-source option").iter().map(|o| o.text_content().unwrap()).collect();
    assert_eq!(options.len(), 5, "{options:?}");
    assert!(root.query_selector("#connect-key").unwrap().is_some(), "Phoenix asks for its API key");
    let keys = |root: &web_sys::HtmlElement| root.query_selector("#connect-key").unwrap().is_some();
    change(&root, "#connect-source", "tempo");
    settle().await;
    assert!(!keys(&root), "Tempo takes no key field");
    let host: web_sys::HtmlInputElement = root.query_selector("#connect-host").unwrap().unwrap().unchecked_into();
    assert!(host.value().contains("3200"), "Tempo's default host: {}", host.value());
    root.query_selector(".modal-backdrop").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    settle().await;
    assert!(!live.dialogs.connect.get_untracked(), "a click outside closes it");
    root.remove();
}

#[wasm_bindgen_test]
async fn export_alone_previews_what_redaction_would_mask() {
    let (data, view) = agent();
    let dialogs = Dialogs::new();
    let root = boxed();
    let _h =
        leptos::mount::mount_to(root.clone(), move || view! { <ExportDialog data=data view=view dialogs=dialogs/> });
    settle().await;
    let formats = all(&root, "#export-format option").len();
    assert!(formats >= 3, "Canopy, OTLP and Langfuse: {formats}");
    click(&root, "#export-preview");
    settle().await;
    let status = root.query_selector(".export-status").unwrap().unwrap().text_content().unwrap();
    assert!(!status.is_empty(), "the preview says what it found");
    root.remove();
}

#[wasm_bindgen_test]
async fn share_theme_and_welcome_alone() {
    let (data, view) = agent();
    let (links, dialogs) = (Links::new(), Dialogs::new());
    links.unlinkable.set(vec!["agent.json (opened from this computer)".into()]);
    let address = Address { data, view, links };
    let (_, loader) = live_of(data, view);
    let root = boxed();
    let _h = leptos::mount::mount_to(root.clone(), move || {
        provide_context(Jobs::new());
        view! {
            <SharePanel links=links dialogs=dialogs address=address/>
            <ThemePicker view=view/>
            <Welcome loader=loader/>
        }
    });
    settle().await;
    let link: web_sys::HtmlInputElement = root.query_selector("#share-link").unwrap().unwrap().unchecked_into();
    let id = data.with_untracked(|d| d.traces[0].id.clone());
    assert!(link.value().contains(&format!("trace={id}")), "the link names the trace: {}", link.value());
    assert!(root.query_selector("#share-warning").unwrap().unwrap().text_content().unwrap().contains("agent.json"));
    change(&root, "#theme", "dark");
    settle().await;
    assert_eq!(view.theme.get_untracked(), Theme::Dark);
    assert_eq!(all(&root, ".demo-card").len(), canopy::views::welcome::DEMOS.len());
    root.remove();
}
