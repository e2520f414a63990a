//! The agent graph of the shown trace (`view=graph`): a node per agent, tool, model, retriever or
//! chain with its calls, time, tokens, cost and errors, edges with counts (by name) or step
//! numbers (as run, `mode=run`). dagre lays it out in a worker (public/graph-worker.js), so a
//! thousand nodes never block the page; nodes are buttons (keyboard, screen readers), edges one
//! SVG below them, both in one stage that zooms and pans (wheel, drag, pinch, keys, buttons).
//! A click selects the node's observations: the tree filter becomes exactly them, and its first
//! call is shown in the detail pane.

use crate::model::graph::{self, Graph, Layout, Mode, Node};
use crate::model::time::format_duration;
use crate::model::units::{format_cost, format_count, format_tokens};
use crate::model::Kind;
use crate::state::{Data, MainView, ViewState};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// More distinct nodes than this are not laid out (dagre's time grows faster than linearly).
const MAX_NODES: usize = 2_000;
const NODE_H: f64 = 48.0;
/// Average glyph width at the node's font size, for the box widths dagre is given.
const CHAR_W: f64 = 7.6;

/// The second line of a node: calls, time, tokens, cost, errors (unknown figures left out, a
/// figure only some calls carry marked `≥`).
fn figures(n: &Node) -> String {
    let calls = n.members.len();
    let at_least = |with: usize| if with < calls { "≥ " } else { "" };
    let mut parts = vec![format!("×{}", format_count(calls as u64)), format_duration(n.duration_ns)];
    if n.with_tokens > 0 {
        parts.push(format!("{}{} tok", at_least(n.with_tokens), format_tokens(n.tokens)));
    }
    if n.with_cost > 0 {
        let estimated = if n.estimated > 0 { "≈" } else { "" };
        parts.push(at_least(n.with_cost).to_string() + estimated + &format_cost(n.cost_usd));
    }
    if n.errors > 0 {
        parts.push(crate::model::units::plural(n.errors, "error", "errors"));
    }
    parts.join(" · ")
}

/// A node's box: wide enough for its kind, name and figures, within bounds (a long name is cut
/// with its full text in the title).
fn node_width(n: &Node) -> f64 {
    // the badge is upper case, spaced and padded: wider per letter than the name
    let name = n.label.chars().count() as f64 * CHAR_W + kind_word(n.kind).len() as f64 * 8.0 + 20.0;
    let figures = figures(n).chars().count() as f64 * (CHAR_W - 0.5);
    (name.max(figures) + 20.0).clamp(110.0, 300.0)
}

/// An edge's label: a count by name, the step numbers as run.
fn edge_label(e: &graph::Edge) -> String {
    if e.order.is_empty() {
        return format!("×{}", format_count(e.count as u64));
    }
    let mut s = e.order.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ");
    if e.count > e.order.len() {
        s += &format!(" … ({}×)", format_count(e.count as u64));
    }
    s
}

/// The request dagre's worker reads (see public/graph-worker.js).
fn request(id: u32, g: &Graph) -> String {
    let nodes: Vec<(f64, f64)> = g.nodes.iter().map(|n| (node_width(n), NODE_H)).collect();
    let edges: Vec<(u32, u32, f64, f64)> =
        g.edges.iter().map(|e| (e.from, e.to, edge_label(e).chars().count() as f64 * 6.5 + 8.0, 16.0)).collect();
    graph::layout_request(id, &nodes, &edges)
}

/// The SVG path through an edge's points, with its arrowhead drawn at the end (one path per
/// edge: no marker definitions).
fn path_of(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (k, (x, y)) in points.iter().enumerate() {
        d += &format!("{}{x:.1},{y:.1} ", if k == 0 { "M" } else { "L" });
    }
    if let [.., (ax, ay), (bx, by)] = points {
        let (dx, dy) = (bx - ax, by - ay);
        let len = dx.hypot(dy).max(1e-6);
        let (ux, uy) = (dx / len * 7.0, dy / len * 7.0);
        d += &format!(
            "M{:.1},{:.1} L{bx:.1},{by:.1} L{:.1},{:.1}",
            bx - ux - uy * 0.5,
            by - uy + ux * 0.5,
            bx - ux + uy * 0.5,
            by - uy - ux * 0.5
        );
    }
    d
}

/// Zoom and pan: screen = graph × scale + offset.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Camera {
    scale: f64,
    x: f64,
    y: f64,
}

impl Camera {
    /// Zooms by `factor` keeping the graph point under (`px`, `py`) in place.
    fn zoom_at(self, factor: f64, px: f64, py: f64) -> Camera {
        let scale = (self.scale * factor).clamp(0.05, 4.0);
        let k = scale / self.scale;
        Camera { scale, x: px - (px - self.x) * k, y: py - (py - self.y) * k }
    }

    /// The whole graph in a `w`×`h` box, never enlarged past its natural size nor shrunk below
    /// half of it to fit a tall graph's height (its text would be unreadable: pan to see the
    /// rest); a graph wider than the box always fits its width.
    fn fit(p: &Layout, w: f64, h: f64) -> Camera {
        if p.width <= 0.0 || p.height <= 0.0 || w <= 0.0 || h <= 0.0 {
            return Camera { scale: 1.0, x: 0.0, y: 0.0 };
        }
        let by_width = w / p.width;
        let scale = by_width.min((h / p.height).max(0.5)).min(1.0);
        Camera { scale, x: (w - p.width * scale) / 2.0, y: ((h - p.height * scale) / 2.0).max(0.0) }
    }
}

#[component]
pub fn GraphView(data: Data, view: ViewState) -> impl IntoView {
    let mode = Memo::new(move |_| view.mode.with(|m| Mode::from_words(m)));
    // a new graph whenever the trace or the mode changes: never compared (a deep comparison of
    // every node would cost time and bundle size for nothing)
    let graph = Memo::new_with_compare(
        move |_| {
            let m = mode.get();
            view.current.get().and_then(|r| data.with_trace(r, |t| Arc::new(graph::build(t, m))))
        },
        |_, _| true,
    );
    // the layout of the graph shown, or why there is none
    let placed = RwSignal::new(None::<Result<Layout, String>>);
    let camera = RwSignal::new(Camera { scale: 1.0, x: 0.0, y: 0.0 });
    let frame = NodeRef::<leptos::html::Div>::new();
    // the worker and its message handler, kept while the view is shown
    let worker = StoredValue::new_local(None::<(web_sys::Worker, Closure<dyn FnMut(web_sys::MessageEvent)>)>);
    let asked = StoredValue::new(0u32);

    let fit = move || {
        let Some(el) = frame.get_untracked() else { return };
        let (w, h) = (el.client_width() as f64, el.client_height() as f64);
        placed.with_untracked(|p| {
            if let Some(Ok(p)) = p {
                camera.set(Camera::fit(p, w, h));
            }
        });
    };

    Effect::new(move |_| {
        let Some(g) = graph.get() else { return };
        placed.set(None);
        if g.nodes.len() > MAX_NODES || g.nodes.is_empty() {
            return;
        }
        if worker.with_value(Option::is_none) {
            let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let data = ev.data();
                if let Some(why) = data.as_string() {
                    placed.set(Some(Err(why)));
                    return;
                }
                let flat = js_sys::Float64Array::new(&data).to_vec();
                let Some(g) = graph.get_untracked() else { return };
                match graph::read_layout(&flat, g.nodes.len(), g.edges.len()) {
                    Some(l) if l.id == asked.get_value() => {
                        placed.set(Some(Ok(l)));
                        fit();
                    }
                    _ => {} // an answer for a graph no longer shown
                }
            });
            match web_sys::Worker::new("graph-worker.js") {
                Ok(w) => {
                    w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                    worker.set_value(Some((w, on_message)));
                }
                Err(_) => {
                    placed.set(Some(Err("the layout worker could not start".into())));
                    return;
                }
            }
        }
        let id = asked.get_value() + 1;
        asked.set_value(id);
        worker.with_value(|w| {
            if let Some((w, _)) = w {
                let _ = w.post_message(&JsValue::from_str(&request(id, &g)));
            }
        });
    });
    on_cleanup(move || {
        worker.update_value(|w| {
            if let Some((w, _)) = w.take() {
                w.terminate();
            }
        })
    });

    // the node of the selected observation is the selected node
    let selected_node = Memo::new(move |_| {
        let i = view.selected.get()?;
        graph.with(|g| g.as_ref().and_then(|g| g.node_of.get(i as usize).copied()))
    });
    // the selected node's outline: one effect for the whole graph, not one per node (a thousand
    // reactive classes made drawing a large graph a long task)
    Effect::new(move |_| {
        let chosen = selected_node.get();
        placed.track();
        let Some(frame) = frame.get() else { return };
        if let Ok(old) = frame.query_selector_all(".graph-node.selected") {
            for i in 0..old.length() {
                if let Some(el) = old.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                    let _ = el.class_list().remove_1("selected");
                }
            }
        }
        if let Some(el) = chosen.and_then(|k| frame.query_selector(&format!("[data-node=\"{k}\"]")).ok().flatten()) {
            let _ = el.class_list().add_1("selected");
        }
    });
    let pick = move |n: usize| {
        let Some(g) = graph.get_untracked() else { return };
        let Some(node) = g.nodes.get(n) else { return };
        view.tree_filter.set(graph::filter_for(node));
        view.selected.set(node.members.first().copied());
    };

    // pan by dragging the background, pinch with two fingers, zoom with the wheel
    let pointers = StoredValue::new(Vec::<(i32, f64, f64)>::new());
    let local = move |x: i32, y: i32| -> (f64, f64) {
        let r = frame.get_untracked().map(|el| el.get_bounding_client_rect());
        r.map(|r| (x as f64 - r.left(), y as f64 - r.top())).unwrap_or((x as f64, y as f64))
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (px, py) = local(ev.client_x(), ev.client_y());
        camera.update(|c| *c = c.zoom_at((-ev.delta_y() * 0.002).exp(), px, py));
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        if ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| e.closest("button").ok().flatten().is_some())
        {
            return; // a node's own click
        }
        let (x, y) = local(ev.client_x(), ev.client_y());
        pointers.update_value(|p| p.push((ev.pointer_id(), x, y)));
        if let Some(el) = frame.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let (x, y) = local(ev.client_x(), ev.client_y());
        let id = ev.pointer_id();
        let before = pointers.get_value();
        let Some(k) = before.iter().position(|p| p.0 == id) else { return };
        let (_, ox, oy) = before[k];
        match before.len() {
            1 => camera.update(|c| {
                c.x += x - ox;
                c.y += y - oy;
            }),
            2 => {
                let (_, qx, qy) = before[1 - k];
                let (d0, d1) = ((ox - qx).hypot(oy - qy), (x - qx).hypot(y - qy));
                if d0 > 1.0 {
                    camera.update(|c| *c = c.zoom_at(d1 / d0, (x + qx) / 2.0, (y + qy) / 2.0));
                }
            }
            _ => {}
        }
        pointers.update_value(|p| p[k] = (id, x, y));
    };
    let on_up = move |ev: web_sys::PointerEvent| pointers.update_value(|p| p.retain(|q| q.0 != ev.pointer_id()));
    let zoom_by = move |factor: f64| {
        let (w, h) =
            frame.get_untracked().map(|el| (el.client_width() as f64, el.client_height() as f64)).unwrap_or_default();
        camera.update(|c| *c = c.zoom_at(factor, w / 2.0, h / 2.0));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "+" | "=" => zoom_by(1.25),
        "-" => zoom_by(0.8),
        "0" => fit(),
        _ => {}
    };
    let set_mode = move |m: Mode| view.mode.set(if m == Mode::AsRun { "run".into() } else { String::new() });

    let status = move || {
        let g = graph.get()?;
        let counts = format!(
            "{} · {}",
            crate::model::units::plural(g.nodes.len(), "node", "nodes"),
            crate::model::units::plural(g.edges.iter().map(|e| e.count).sum::<usize>(), "call", "calls")
        );
        Some(if g.nodes.len() > MAX_NODES {
            format!(
                "{counts}: more than {} distinct names are too many to lay out; filter the trace or use Stats",
                format_count(MAX_NODES as u64)
            )
        } else {
            placed.with(|p| match p {
                None => format!("{counts} · laying out…"),
                Some(Err(e)) => format!("{counts}: the graph could not be laid out ({e})"),
                // the worker's quick layering, shown while dagre works
                Some(Ok(l)) if l.provisional => format!("{counts} · a first sketch, laying out…"),
                Some(Ok(_)) => counts,
            })
        })
    };

    view! {
        <div class="graph-view">
            <div class="graph-tools">
                <button class="btn small" id="graph-by-name" class:active=move || mode.get() == Mode::ByName aria-pressed=move || (mode.get() == Mode::ByName).to_string()
                    title="One edge per caller and callee, with how many calls" on:click=move |_| set_mode(Mode::ByName)>"By name"</button>
                <button class="btn small" id="graph-as-run" class:active=move || mode.get() == Mode::AsRun aria-pressed=move || (mode.get() == Mode::AsRun).to_string()
                    title="Edges in the order the steps ran, numbered: a loop is a cycle" on:click=move |_| set_mode(Mode::AsRun)>"As run"</button>
                <button class="btn small" title="Zoom out (−)" aria-label="Zoom out" on:click=move |_| zoom_by(0.8)>"−"</button>
                <button class="btn small" title="Zoom in (+)" aria-label="Zoom in" on:click=move |_| zoom_by(1.25)>"+"</button>
                <button class="btn small" id="graph-fit" title="The whole graph (0)" on:click=move |_| fit()>"Fit"</button>
                {move || selected_node.get().and_then(|n| graph.with(|g| g.as_ref().and_then(|g| g.nodes.get(n as usize).map(|n| n.members.len())))).map(|calls| view! {
                    <button class="btn small" id="graph-show-tree" title="The tree, filtered to this node's observations" on:click=move |_| view.main.set(MainView::Tree)>
                        {format!("Show {} in the tree", crate::model::units::plural(calls, "call", "calls"))}
                    </button>
                })}
                <span class="hint graph-status" aria-live="polite">{status}</span>
            </div>
            <div class="graph-frame" node_ref=frame tabindex="0" aria-label="Agent graph: drag to pan, wheel or +/− to zoom, 0 to fit"
                on:wheel=on_wheel on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up on:keydown=on_key>
                {move || {
                    let g = graph.get()?;
                    placed.with(|p| {
                        let p = p.as_ref()?.as_ref().ok().filter(|p| p.nodes.len() == g.nodes.len())?;
                        // drawn with the selection it has now; the effect above follows it after
                        let chosen = selected_node.get_untracked();
                        // a node calling itself: a loop on its right side (dagre routes it behind
                        // the node's box, which hides it)
                        let own = |e: &graph::Edge| {
                            let n = g.nodes.get(e.from as usize)?;
                            let &(x, y) = p.nodes.get(e.from as usize)?;
                            let r = x + node_width(n) / 2.0;
                            (e.from == e.to).then_some((r, y))
                        };
                        let edges = g.edges.iter().zip(&p.edges).map(|(e, (_, pts))| {
                            let d = match own(e) {
                                Some((r, y)) => format!("M{r:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {r:.1},{:.1}", y - 10.0, r + 44.0, y - 34.0, r + 44.0, y + 34.0, y + 10.0)
                                    + &path_of(&[(r + 8.0, y + 16.0), (r, y + 10.0)]),
                                None => path_of(pts),
                            };
                            view! { <path class="graph-edge" class:then=e.then d=d/> }
                        }).collect_view();
                        let labels = g.edges.iter().zip(&p.edges).map(|(e, ((x, y), _))| {
                            let (x, y) = own(e).map_or((*x, *y), |(r, y)| (r + 40.0, y));
                            view! {
                            <span class="graph-edge-label" style:left=format!("{x:.1}px") style:top=format!("{y:.1}px")>{edge_label(e)}</span>
                            }
                        }).collect_view();
                        let nodes = g.nodes.iter().zip(&p.nodes).enumerate().map(|(k, (n, &(x, y)))| {
                            let w = node_width(n);
                            let failed = n.errors > 0;
                            let title = format!("{} ({}): {}", n.label, n.kind.label(), figures(n));
                            view! {
                                <button class=if chosen == Some(k as u32) { "graph-node selected" } else { "graph-node" } class:error=failed data-node=k
                                    data-calls=n.members.len() title=title
                                    style:left=format!("{:.1}px", x - w / 2.0) style:top=format!("{:.1}px", y - NODE_H / 2.0)
                                    style:width=format!("{w:.0}px") style:height=format!("{NODE_H:.0}px")
                                    on:click=move |_| pick(k)>
                                    <span class="graph-name">
                                        <span class=format!("kind kind-{}", n.kind.label())>{kind_word(n.kind)}</span>
                                        " " {n.label.clone()}
                                    </span>
                                    <span class="graph-figures">{figures(n)}</span>
                                </button>
                            }
                        }).collect_view();
                        Some(view! {
                            <div class="graph-stage" style:width=format!("{:.0}px", p.width) style:height=format!("{:.0}px", p.height)
                                style:transform=move || { let c = camera.get(); format!("translate({:.1}px, {:.1}px) scale({:.4})", c.x, c.y, c.scale) }>
                                <svg class="graph-edges" width=format!("{:.0}", p.width) height=format!("{:.0}", p.height)>
                                    {edges}
                                </svg>
                                {labels}
                                {nodes}
                            </div>
                        })
                    })
                }}
            </div>
        </div>
    }
}

/// The kind's badge word, short enough for a node ("model" for a generation).
fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Generation => "model",
        k => k.label(),
    }
}
