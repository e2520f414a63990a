//! JSON as a tree: rows virtualized, expand/collapse per node and all, search with highlighting,
//! copy path and value. Built from the value only when shown.

use crate::app::AppState;
use crate::model::fold;
use crate::model::json_tree::{JsonTree, Label, Scalar};
use crate::model::layout::visible_window;
use crate::views::copy::copy_text;
use leptos::prelude::*;
use std::collections::HashSet;

const ROW_H: f64 = 20.0;
/// Strings longer than this are cut in the row (copy value gives all of it).
const ROW_CHARS: usize = 400;
/// Trees up to this many nodes open fully expanded; larger ones open two levels deep.
const EXPAND_ALL_UP_TO: usize = 300;

#[component]
pub fn JsonView(value: serde_json::Value) -> impl IntoView {
    let state = expect_context::<AppState>();
    let tree = JsonTree::build(value);
    let initial = if tree.nodes.len() <= EXPAND_ALL_UP_TO { HashSet::new() } else { tree.collapsed_below(2) };
    let tree = StoredValue::new(tree);
    let collapsed = RwSignal::new(initial);
    let query = RwSignal::new(String::new());
    let current = RwSignal::new(0usize);
    let scroll_top = RwSignal::new(0.0f64);
    let scroller = NodeRef::<leptos::html::Div>::new();

    let rows = Memo::new(move |_| collapsed.with(|c| tree.with_value(|t| t.visible(c))));
    let matches = Memo::new(move |_| {
        let q = query.get();
        tree.with_value(|t| t.search(&q))
    });
    let window = Memo::new(move |_| {
        let h = scroller.get().map(|el| f64::from(el.client_height())).filter(|h| *h > 0.0).unwrap_or(420.0);
        rows.with(|r| {
            visible_window(scroll_top.get(), h.min(2000.0), ROW_H, r.len()).map(|p| (p, r[p])).collect::<Vec<_>>()
        })
    });

    let go_to = move |step: isize| {
        let m = matches.get_untracked();
        if m.is_empty() {
            return;
        }
        let next = (current.get_untracked() as isize + step).rem_euclid(m.len() as isize) as usize;
        current.set(next);
        let target = m[next];
        let ancestors = tree.with_value(|t| t.ancestors(target));
        collapsed.update(|c| {
            for a in &ancestors {
                c.remove(a);
            }
        });
        let pos = collapsed.with_untracked(|c| tree.with_value(|t| t.visible(c).iter().position(|&x| x == target)));
        if let (Some(pos), Some(el)) = (pos, scroller.get_untracked()) {
            let top = (pos as f64 * ROW_H - 3.0 * ROW_H).max(0.0);
            el.set_scroll_top(top as i32);
            scroll_top.set(top);
        }
    };

    view! {
        <div class="json-view">
            <div class="json-tools">
                <button class="btn tiny" on:click=move |_| collapsed.set(HashSet::new())>"Expand all"</button>
                <button class="btn tiny" on:click=move |_| collapsed.set(tree.with_value(|t| t.collapsed_below(1)))>"Collapse all"</button>
                <input
                    class="json-search"
                    type="search"
                    placeholder="Search keys and values"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        current.set(0);
                    }
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            go_to(if ev.shift_key() { -1 } else { 1 });
                        }
                    }
                />
                <span class="json-match-count">
                    {move || {
                        let n = matches.with(Vec::len);
                        if query.with(String::is_empty) {
                            String::new()
                        } else if n == 0 {
                            "no match".into()
                        } else {
                            format!("{}/{n}", current.get() + 1)
                        }
                    }}
                </span>
                <button class="btn tiny" title="Previous match" on:click=move |_| go_to(-1)>"↑"</button>
                <button class="btn tiny" title="Next match" on:click=move |_| go_to(1)>"↓"</button>
            </div>
            <div
                class="json-scroll"
                node_ref=scroller
                on:scroll=move |ev| scroll_top.set(f64::from(event_target::<web_sys::Element>(&ev).scroll_top()))
            >
                <div class="spacer" style:height=move || format!("{}px", rows.with(Vec::len) as f64 * ROW_H)>
                    <For
                        each=move || window.get()
                        key=|k| *k
                        children=move |(pos, i)| {
                            let (label, value, depth, container, count_text) = tree.with_value(|t| {
                                let n = &t.nodes[i as usize];
                                let label = match &n.label {
                                    Label::Root => String::new(),
                                    Label::Key(k) => format!("{k}: "),
                                    Label::Index(k) => format!("{k}: "),
                                };
                                let (value, count) = match &n.value {
                                    Scalar::Str(s) => {
                                        let cut: String = s.chars().take(ROW_CHARS).collect();
                                        let more = if s.chars().count() > ROW_CHARS { "…" } else { "" };
                                        (format!("{}{more}", serde_json::to_string(&cut).unwrap_or_default()), String::new())
                                    }
                                    Scalar::Num(t) => (t.clone(), String::new()),
                                    Scalar::Bool(b) => (b.to_string(), String::new()),
                                    Scalar::Null => ("null".into(), String::new()),
                                    Scalar::Object(n) => (String::new(), format!("{{{n} key{}}}", if *n == 1 { "" } else { "s" })),
                                    Scalar::Array(n) => (String::new(), format!("[{n} item{}]", if *n == 1 { "" } else { "s" })),
                                };
                                (label, value, n.depth, n.is_container(), count)
                            });
                            let is_match = move || matches.with(|m| m.binary_search(&i).is_ok());
                            let is_current = move || matches.with(|m| m.get(current.get()) == Some(&i));
                            let open = move || !collapsed.with(|c| c.contains(&i));
                            view! {
                                <div
                                    class="json-row"
                                    class:match=is_match
                                    class:current=is_current
                                    style:top=format!("{}px", pos as f64 * ROW_H)
                                    style:padding-left=format!("{}px", depth.min(60) as f64 * 14.0 + 4.0)
                                >
                                    <span
                                        class="toggle"
                                        on:click=move |_| {
                                            if container {
                                                collapsed.update(|c| {
                                                    if !c.remove(&i) {
                                                        c.insert(i);
                                                    }
                                                });
                                            }
                                        }
                                    >
                                        {move || if !container { " " } else if open() { "▾" } else { "▸" }}
                                    </span>
                                    <span class="json-key">{highlight(label, query)}</span>
                                    <span class="json-value">{highlight(value, query)}</span>
                                    <span class="json-count">{count_text}</span>
                                    <span class="json-row-actions">
                                        <button
                                            class="btn tiny"
                                            on:click=move |_| copy_text(state, "path", tree.with_value(|t| t.path(i)))
                                        >
                                            "copy path"
                                        </button>
                                        <button
                                            class="btn tiny"
                                            on:click=move |_| copy_text(state, "value", tree.with_value(|t| t.subtree_json(i)))
                                        >
                                            "copy value"
                                        </button>
                                    </span>
                                </div>
                            }
                        }
                    />
                </div>
            </div>
        </div>
    }
}

/// The text with every case-insensitive occurrence of the query wrapped in a highlight span.
/// Everything stays text nodes: trace content is never HTML.
fn highlight(text: String, query: RwSignal<String>) -> impl IntoView {
    move || {
        // ranges of `text` itself, on its char boundaries (lower-casing can change a char's length)
        let found = query.with(|q| fold::find_folded(&text, q));
        let part = |r: std::ops::Range<usize>| text.get(r).unwrap_or_default().to_string();
        let mut out = Vec::new();
        let mut at = 0;
        for r in found {
            out.push(view! { <span>{part(at..r.start)}</span> }.into_any());
            at = r.end;
            out.push(view! { <mark>{part(r)}</mark> }.into_any());
        }
        out.push(view! { <span>{part(at..text.len())}</span> }.into_any());
        out
    }
}
