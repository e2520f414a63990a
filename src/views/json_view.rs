//! JSON as a tree: rows virtualized, expand/collapse per node and all, search with highlighting,
//! copy path and value. Built from the value only when shown.

use crate::model::fold;
use crate::model::json_tree::{JsonTree, Label, Scalar};
use crate::views::copy::copy_text;
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;
use std::collections::HashSet;

const ROW_H: f64 = 20.0;
/// Strings longer than this are cut in the row (copy value gives all of it).
const ROW_CHARS: usize = 400;
/// Trees up to this many nodes open fully expanded; larger ones open two levels deep.
const EXPAND_ALL_UP_TO: usize = 300;

#[component]
pub fn JsonView(value: serde_json::Value) -> impl IntoView {
    let jobs = expect_context::<crate::state::Jobs>();
    let tree = JsonTree::build(value);
    let initial = if tree.nodes.len() <= EXPAND_ALL_UP_TO { HashSet::new() } else { tree.collapsed_below(2) };
    let tree = StoredValue::new(tree);
    let collapsed = RwSignal::new(initial);
    let query = RwSignal::new(String::new());
    let current = RwSignal::new(0usize);
    let viewport = Viewport::new(ROW_H);

    let rows = Memo::new(move |_| collapsed.with(|c| tree.with_value(|t| t.visible(c))));
    let matches = Memo::new(move |_| {
        let q = query.get();
        tree.with_value(|t| t.search(&q))
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
        if let Some(pos) = pos {
            viewport.cursor.set(Some(pos));
            viewport.show_near_top(pos, 3);
        }
    };

    // Enter on the keyboard cursor's row opens or closes it
    let toggle_at = move |pos: usize| {
        let Some(i) = rows.with_untracked(|r| r.get(pos).copied()) else { return };
        if tree.with_value(|t| t.nodes.get(i as usize).is_some_and(|n| n.is_container())) {
            collapsed.update(|c| {
                if !c.remove(&i) {
                    c.insert(i);
                }
            });
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
            <VirtualList
                viewport=viewport
                len=Signal::derive(move || rows.with(Vec::len))
                item=Callback::new(move |pos| rows.with(|r| r.get(pos).map_or(u64::MAX, |&i| u64::from(i))))
                class="json-scroll"
                label="JSON"
                role="tree"
                on_enter=Callback::new(toggle_at)
                row=Callback::new(move |(pos, i): (usize, u64)| {
                    let i = i as u32;
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
                            class:cursor=move || viewport.cursor.get() == Some(pos)
                            style:top=viewport.top(pos)
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
                                    on:click=move |_| copy_text(jobs, "path", tree.with_value(|t| t.path(i)))
                                >
                                    "copy path"
                                </button>
                                <button
                                    class="btn tiny"
                                    on:click=move |_| copy_text(jobs, "value", tree.with_value(|t| t.subtree_json(i)))
                                >
                                    "copy value"
                                </button>
                            </span>
                        </div>
                    }
                }.into_any())
                />
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
