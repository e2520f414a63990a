//! The context each LLM call filled, one small line chart per agent: y is the prompt's tokens,
//! x the call order, the model's window a dashed line when it is known and near, calls at or
//! above 80 % of it marked. A point's tooltip names the call; a click (or Enter) selects it.
//!
//! The charts are built with DOM calls rather than `view!`: typed SVG views of every element
//! and attribute cost 6 kB of the bundle (gzipped); this, with the series' arithmetic, 4 kB. Names
//! from the trace go in as text (`textContent`), never as markup.

use crate::model::breakdown::{Series, NEAR_FULL};
use crate::model::units::{format_count, format_tokens, plural};
use crate::model::Trace;
use crate::state::ViewState;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

/// The drawing box, in SVG units (the element scales to its width).
const W: f64 = 600.0;
const H: f64 = 90.0;
const PAD: f64 = 8.0;

/// One chart's data, with each point's tooltip made once (names are the trace's text).
#[derive(Clone, PartialEq)]
pub struct Chart {
    pub series: Series,
    pub tips: Vec<String>,
}

/// The charts of a trace's agents.
pub fn charts(t: &Trace, series: Vec<Series>) -> Vec<Chart> {
    series
        .into_iter()
        .map(|s| {
            let tips = s
                .points
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let o = &t.observations[p.index as usize];
                    let share = match (p.share(), p.window) {
                        (Some(sh), Some(w)) => {
                            format!(", {:.0} % of {}'s {} window", sh * 100.0, model(o), format_tokens(w))
                        }
                        _ => String::new(),
                    };
                    format!("call {}: {} · {} tokens in{share}", k + 1, o.name, format_count(p.used))
                })
                .collect();
            Chart { series: s, tips }
        })
        .collect()
}

fn model(o: &crate::model::Observation) -> &str {
    o.model.as_deref().unwrap_or("the model")
}

#[component]
pub fn ContextCharts(#[prop(into)] charts: Signal<Vec<Chart>>, view: ViewState) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    Effect::new(move |_| {
        let Some(el) = host.get() else { return };
        let Some(doc) = el.owner_document() else { return };
        el.set_text_content(None);
        charts.with(|list| {
            if list.is_empty() {
                if let Some(p) = add(&doc, &el, None, "p", &[("class", "hint empty-note")]) {
                    p.set_text_content(Some("No LLM calls with input tokens."));
                }
            }
            for c in list {
                draw(&doc, &el, c);
            }
        });
        mark(&el, view.selected.get_untracked());
    });
    Effect::new(move |_| {
        let selected = view.selected.get();
        if let Some(el) = host.get_untracked() {
            mark(&el, selected);
        }
    });
    // one listener for every point: the point's `data-index` names its observation
    let pick = move |ev: &web_sys::Event| {
        let index = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.get_attribute("data-index"))
            .and_then(|s| s.parse::<u32>().ok());
        if let Some(i) = index {
            view.selected.set(Some(i));
        }
        index.is_some()
    };
    view! {
        <h3 class="costs-h">"Context per LLM call"</h3>
        <div
            class="ctx-charts"
            node_ref=host
            on:click=move |ev| {
                pick(&ev);
            }
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if (ev.key() == "Enter" || ev.key() == " ") && pick(&ev) {
                    ev.prevent_default();
                }
            }
        ></div>
    }
}

const SVG: Option<&str> = Some("http://www.w3.org/2000/svg");

/// Appends an element (SVG when `ns` says so) with its attributes to `parent`.
fn add(doc: &Document, parent: &Element, ns: Option<&str>, tag: &str, attrs: &[(&str, &str)]) -> Option<Element> {
    let e = match ns {
        Some(_) => doc.create_element_ns(ns, tag).ok()?,
        None => doc.create_element(tag).ok()?,
    };
    for (k, v) in attrs {
        let _ = e.set_attribute(k, v);
    }
    parent.append_child(&e).ok()?;
    Some(e)
}

/// Appends text in an element of its own.
fn text(doc: &Document, parent: &Element, tag: &str, class: &str, t: &str) {
    if let Some(e) = add(doc, parent, None, tag, &[("class", class)]) {
        e.set_text_content(Some(t));
    }
}

/// Marks the selected call's point (and no other).
fn mark(host: &Element, selected: Option<u32>) {
    if let Ok(marked) = host.query_selector_all(".ctx-point.selected") {
        for k in 0..marked.length() {
            if let Some(e) = marked.item(k).and_then(|n| n.dyn_into::<Element>().ok()) {
                let _ = e.class_list().remove_1("selected");
            }
        }
    }
    let found = selected.and_then(|i| host.query_selector(&format!(".ctx-point[data-index=\"{i}\"]")).ok().flatten());
    if let Some(e) = found {
        let _ = e.class_list().add_1("selected");
    }
}

/// One agent's chart: its title line and the SVG.
fn draw(doc: &Document, host: &Element, c: &Chart) -> Option<()> {
    let s = &c.series;
    let xy = s.layout(W, H, PAD);
    let window = s.window();
    let window_y = s.window_y(H, PAD);
    let peak = s.points.iter().map(|p| p.used).max().unwrap_or(0);
    let full = s.points.iter().filter(|p| p.is_near_full()).count();
    let mut facts = vec![plural(s.points.len(), "call", "calls"), format!("largest {} tokens", format_tokens(peak))];
    if let Some(w) = window {
        let on = if window_y.is_some() { "" } else { ", far above" };
        facts.push(format!("window {}{on}", format_tokens(w)));
    }
    if full > 0 {
        facts.push(format!("{full} at ≥ 80 % of it"));
    }
    let drops = s.drops();
    if drops > 0 {
        facts.push(format!("drops {}", plural(drops, "time", "times")));
    }

    let fig = add(doc, host, None, "figure", &[("class", "ctx-series")])?;
    let caption = add(doc, &fig, None, "figcaption", &[("class", "ctx-title")])?;
    text(doc, &caption, "span", "hint", if s.agent { "agent " } else { "under " });
    text(doc, &caption, "b", "ctx-name", &s.label);
    text(doc, &caption, "span", "hint", &format!(" · {}", facts.join(" · ")));

    let view_box = format!("0 0 {W} {H}");
    let label = format!("Context per call of {}", s.label);
    let svg = add(
        doc,
        &fig,
        SVG,
        "svg",
        &[("class", "ctx-chart"), ("viewBox", &view_box), ("role", "img"), ("aria-label", &label)],
    )?;
    let hline = |class: &str, y: f64| {
        let (x1, x2, y) = (format!("{PAD}"), format!("{}", W - PAD), format!("{y:.1}"));
        add(doc, &svg, SVG, "line", &[("class", class), ("x1", &x1), ("x2", &x2), ("y1", &y), ("y2", &y)]);
    };
    hline("ctx-axis", H - PAD);
    if let (Some(y), Some(w)) = (window_y, window) {
        hline("ctx-window", y);
        // the 80 % line
        let h = H - 2.0 * PAD;
        hline("ctx-near", PAD + h * (1.0 - (w as f64 * NEAR_FULL / s.top() as f64).min(1.0)));
    }
    let line: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    add(doc, &svg, SVG, "polyline", &[("class", "ctx-line"), ("points", &line.join(" "))]);
    // points shrink as calls crowd (50 calls at radius 4 would touch), never below a pixel or so
    let r = format!("{:.1}", (W / (s.points.len() as f64 * 4.0)).clamp(1.5, 4.0));
    for ((p, (x, y)), tip) in s.points.iter().zip(&xy).zip(&c.tips) {
        let class = if p.is_near_full() { "ctx-point full" } else { "ctx-point" };
        let (cx, cy, index, tokens) = (format!("{x:.1}"), format!("{y:.1}"), p.index.to_string(), p.used.to_string());
        let attrs = [
            ("class", class),
            ("cx", cx.as_str()),
            ("cy", cy.as_str()),
            ("r", r.as_str()),
            ("tabindex", "0"),
            ("data-index", index.as_str()),
            ("data-tokens", tokens.as_str()),
        ];
        if let Some(dot) = add(doc, &svg, SVG, "circle", &attrs) {
            if let Some(t) = add(doc, &dot, SVG, "title", &[]) {
                t.set_text_content(Some(tip));
            }
        }
    }
    Some(())
}
