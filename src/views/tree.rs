//! The observation tree: virtualized rows, collapse/expand, filter keeping ancestors, keyboard moves.

use crate::model::filter::{self, Query};
use crate::model::time::format_duration;
use crate::model::units::{format_tokens, plural};
use crate::model::Level;
use crate::state::{Data, TraceRef, ViewState};
use crate::views::kind_class;
use crate::views::show::Show;
use crate::views::virtual_list::{epoch, row_px, Viewport, VirtualList};
use leptos::prelude::*;
use std::collections::HashSet;

pub const ROW_H: f64 = 26.0;
/// Deeper rows stop indenting further (traces can be thousands of levels deep); the depth is shown.
const MAX_INDENT_LEVELS: u32 = 40;

/// A trace's filter index with the trace (as it was) it was built for; equal when it is the same one.
#[derive(Clone)]
struct SharedIndex {
    key: TraceRef,
    index: std::sync::Arc<filter::TextIndex>,
}

impl PartialEq for SharedIndex {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && std::sync::Arc::ptr_eq(&self.index, &other.index)
    }
}

#[component]
pub fn TreeView(data: Data, view: ViewState) -> impl IntoView {
    let collapsed = view.collapsed;
    let filter_text = view.tree_filter;
    let viewport = Viewport::new(ROW_H);

    // A different trace starts at the top (`ViewState::show_trace` expands it).
    Effect::new(move |prev: Option<Option<usize>>| {
        let t = view.trace.get();
        if prev.is_some_and(|p| p != t) {
            viewport.to_top();
        }
        t
    });

    // which rows carry scores: once per trace and load, not per row
    let score_labels = Memo::new(move |_| {
        data.with_shown(view.current.get(), crate::model::tracelist::observation_score_labels).unwrap_or_default()
    });
    // the trace's searchable text, built when the box is focused (before the first keystroke: at
    // 100,000 observations building it takes a few frames) or on the first keystroke, and kept
    // while the same trace is shown unchanged (another load merging other traces keeps it), also
    // when the box is cleared and typed in again
    let focused = RwSignal::new(false);
    let wants_index = Memo::new(move |_| focused.get() || filter_text.with(|t| !t.trim().is_empty()));
    let index = Memo::new(move |prev: Option<&Option<SharedIndex>>| {
        let key = view.current.get()?;
        if let Some(Some(kept)) = prev.filter(|p| p.as_ref().is_some_and(|k| k.key == key)) {
            return Some(kept.clone());
        }
        if !wants_index.get() {
            return None;
        }
        let built = data.with_trace(key, filter::TextIndex::new)?;
        Some(SharedIndex { key, index: std::sync::Arc::new(built) })
    });
    let filtered = Memo::new(move |_| {
        let q = Query::parse(&filter_text.get());
        let shared = index.get()?;
        data.with_trace(shared.key, |t| filter::apply_with(t, &q, &shared.index)).flatten()
    });
    let rows = Memo::new(move |_| {
        let Some(shown) = view.current.get() else { return Vec::new() };
        data.with_trace(shown, |t| collapsed.with(|c| filtered.with(|f| filter::visible_rows(t, c, f.as_ref()))))
            .unwrap_or_default()
    });
    let reveal = move |idx: u32| {
        if let Some(pos) = rows.with_untracked(|r| r.iter().position(|&x| x == idx)) {
            viewport.reveal(pos);
        }
    };
    // a selection made elsewhere (timeline, deep link) is scrolled into view here too
    Effect::new(move |_| {
        if let Some(idx) = view.selected.get() {
            if rows.with(|r| r.contains(&idx)) {
                reveal(idx);
            }
        }
    });
    let select = move |idx: u32| {
        view.selected.set(Some(idx));
        reveal(idx);
    };
    let toggle = move |idx: u32| {
        collapsed.update(|c| {
            if !c.remove(&idx) {
                c.insert(idx);
            }
        })
    };

    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let list = rows.get_untracked();
        if list.is_empty() {
            return;
        }
        let cur = view.selected.get_untracked();
        let pos = cur.and_then(|c| list.iter().position(|&x| x == c));
        let shown = view.current.get_untracked();
        let has_children = |i: u32| shown.and_then(|r| data.with_trace(r, |t| t.tree.has_children(i))).unwrap_or(false);
        let parent_of = |i: u32| shown.and_then(|r| data.with_trace(r, |t| t.tree.parent_of(i))).flatten();
        let handled = match key.as_str() {
            "ArrowDown" | "j" => {
                let next = pos.map(|p| (p + 1).min(list.len() - 1)).unwrap_or(0);
                select(list[next]);
                true
            }
            "ArrowUp" | "k" => {
                let next = pos.map(|p| p.saturating_sub(1)).unwrap_or(0);
                select(list[next]);
                true
            }
            "Home" => {
                select(list[0]);
                true
            }
            "End" => {
                select(list[list.len() - 1]);
                true
            }
            "PageDown" => {
                select(list[pos.map_or(0, |p| p.saturating_add(viewport.page_rows())).min(list.len() - 1)]);
                true
            }
            "PageUp" => {
                select(list[pos.map_or(0, |p| p.saturating_sub(viewport.page_rows()))]);
                true
            }
            "ArrowLeft" | "h" => {
                if let Some(c) = cur {
                    if has_children(c) && !collapsed.with_untracked(|s| s.contains(&c)) {
                        toggle(c);
                    } else if let Some(p) = parent_of(c) {
                        select(p);
                    }
                }
                true
            }
            "ArrowRight" | "l" => {
                if let Some(c) = cur {
                    if collapsed.with_untracked(|s| s.contains(&c)) {
                        toggle(c);
                    } else if has_children(c) {
                        if let Some(p) = pos {
                            if p + 1 < list.len() {
                                select(list[p + 1]);
                            }
                        }
                    }
                }
                true
            }
            "Enter" => {
                if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                    if let Some(el) = doc.get_element_by_id("detail-pane") {
                        use wasm_bindgen::JsCast;
                        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                }
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };

    let match_info = move || {
        filtered.with(|f| {
            f.as_ref().map(|f| format!("{} match{}", f.match_count, if f.match_count == 1 { "" } else { "es" }))
        })
    };

    view! {
        <section class="tree-pane">
            <div class="tree-tools">
                <input
                    class="tree-filter"
                    type="search"
                    placeholder="Filter: name, kind:tool, level:error"
                    prop:value=move || filter_text.get()
                    on:input=move |ev| filter_text.set(event_target_value(&ev))
                    on:focus=move |_| focused.set(true)
                    on:blur=move |_| focused.set(false)
                />
                <span class="match-info">{match_info}</span>
                <button class="btn small" id="expand-all" title="Expand all" on:click=move |_| collapsed.set(HashSet::new())>
                    "Expand all"
                </button>
                <button
                    class="btn small"
                    id="collapse-all"
                    title="Collapse all"
                    on:click=move |_| {
                        let all = view.current.get_untracked().and_then(|r| data.with_trace(r, filter::all_parents));
                        collapsed.set(all.unwrap_or_default());
                    }
                >
                    "Collapse all"
                </button>
            </div>
            <VirtualList
                viewport=viewport
                len=Signal::derive(move || rows.with(Vec::len))
                item=Callback::new(move |pos| rows.with(|r| r.get(pos).map_or(u64::MAX, |&i| u64::from(i))))
                epoch=Signal::derive(move || {
                    let shown = view.current.get();
                    epoch(shown.map(|r| r.index), shown.map_or(0, |r| r.version))
                })
                class="tree-scroll"
                label="Observations"
                role="tree"
                on_keydown=Callback::new(on_key)
                after=move || view! {
                    <Show when=move || rows.with(|r| r.is_empty()) && filtered.with(|f| f.is_some())>
                        <div class="empty-note">"No observation matches the filter."</div>
                    </Show>
                }
                row=Callback::new(move |(pos, idx): (usize, u64)| {
                    let (ti, idx) = (view.trace.get_untracked().unwrap_or(0), idx as u32);
                    view! { <TreeRow trace=ti pos=pos idx=idx collapsed=collapsed score_labels=score_labels on_toggle=toggle data=data view=view/> }
                }.into_any())
            />
        </section>
    }
}

/// A thin gauge of how full a call's context window was (its input tokens ÷ the model's window),
/// warning from 80 %.
fn context_gauge(data: Data, trace: usize, idx: u32) -> Option<impl IntoView> {
    let table = data.prices()?;
    let (used, window) = data.with_untracked(|d| {
        let o = d.traces.get(trace)?.observations.get(idx as usize)?;
        crate::model::pricing::context_use(o, &table)
    })?;
    let share = used as f64 / window as f64;
    let full = share >= 0.8;
    let title =
        format!("context: {} of {} tokens ({:.0} %)", format_tokens(used), format_tokens(window), share * 100.0);
    Some(view! {
        <span class="ctx-gauge" class:full=full title=title>
            <span class="ctx-fill" style:width=format!("{:.0}%", share.min(1.0) * 100.0)></span>
        </span>
    })
}

#[component]
fn TreeRow(
    trace: usize,
    pos: usize,
    idx: u32,
    collapsed: RwSignal<HashSet<u32>>,
    score_labels: Memo<std::collections::HashMap<u32, Vec<String>>>,
    on_toggle: impl Fn(u32) + Copy + Send + Sync + 'static,
    data: Data,
    view: ViewState,
) -> impl IntoView {
    let row = data.with_untracked(|d| {
        let t = d.traces.get(trace)?;
        let o = t.observations.get(idx as usize)?;
        Some((
            o.name.clone(),
            o.kind,
            t.tree.depth.get(idx as usize).copied().unwrap_or(0),
            t.tree.has_children(idx),
            o.duration_ns(),
            t.totals.subtree_tokens.get(idx as usize).copied().unwrap_or(0),
            t.totals.subtree_cost.get(idx as usize).copied().unwrap_or(0.0),
            t.totals.subtree_estimated.get(idx as usize).copied().unwrap_or(false),
            o.level,
            t.totals.subtree_errors.get(idx as usize).copied().unwrap_or(0),
            o.model.as_ref().map(|m| m.to_string()),
        ))
    });
    let Some((name, kind, depth, has_children, duration, tokens, cost, estimated, level, sub_errors, model)) = row
    else {
        return ().into_any();
    };
    // scores attached to this observation: a badge, with every score and comment on hover
    let scores: Vec<String> = score_labels.with_untracked(|m| m.get(&idx).cloned().unwrap_or_default());
    let badge = (!scores.is_empty()).then(|| {
        let label = if scores.len() == 1 {
            scores[0].split(" — ").next().unwrap_or("").to_string()
        } else {
            format!("{} scores", scores.len())
        };
        view! { <span class="score-badge" title=scores.join("\n")>{label}</span> }
    });
    let indent = depth.min(MAX_INDENT_LEVELS) as f64 * 14.0 + 4.0;
    let deep = (depth > MAX_INDENT_LEVELS)
        .then(|| view! { <span class="depth-mark" title="depth">{format!("↳{depth}")}</span> });
    let is_collapsed = move || collapsed.with(|c| c.contains(&idx));
    view! {
        <div
            class="tree-row"
            role="treeitem"
            class:selected=move || view.selected.get() == Some(idx)
            class:error=level == Level::Error
            class:warning=level == Level::Warning
            class:debug=level == Level::Debug
            aria-expanded=move || has_children.then(|| if is_collapsed() { "false" } else { "true" })
            data-idx=idx.to_string()
            data-pos=pos.to_string()
            style:top=format!("{}px", pos as f64 * row_px(ROW_H))
            on:click=move |_| view.selected.set(Some(idx))
        >
            <span class="indent" style:width=format!("{indent}px")></span>
            {deep}
            <span
                class="toggle"
                on:click=move |ev| {
                    ev.stop_propagation();
                    if has_children {
                        on_toggle(idx);
                    }
                }
            >
                {move || if !has_children { " " } else if is_collapsed() { "▸" } else { "▾" }}
            </span>
            <span class=kind_class(kind) title=kind.label()>{kind.label()}</span>
            <span class="row-name" title=name.clone()>{name.clone()}</span>
            {model.map(|m| view! { <span class="row-model" title=m.clone()>{m.clone()}</span> })}
            {badge}
            {view.current.get_untracked().and_then(|r| crate::views::loops::step_badge(&data.loops(r), idx))}
            {(level == Level::Error).then(|| view! { <span class="err-mark" title="error">"error"</span> })}
            {(level != Level::Error && sub_errors > 0)
                .then(|| view! { <span class="err-below" title="errors below">{format!("{sub_errors} err below")}</span> })}
            <span class="row-metrics">
                {(tokens > 0).then(|| view! { <span class="row-tokens" title=plural(tokens, "token", "tokens")>{format!("{} tok", format_tokens(tokens))}</span> })}
                {(cost > 0.0).then(|| {
                    // a call's own estimate names its entry, prices and source date; a step's sum says it holds some
                    let own = data.with_untracked(|d| {
                        let o = d.traces.get(trace)?.observations.get(idx as usize)?;
                        crate::views::cost::entry_note(o, data.prices_untracked().as_deref())
                    });
                    let title = match (own, estimated) {
                        (Some(note), _) => note,
                        (None, true) => "includes costs estimated from tokens × list prices".to_string(),
                        (None, false) => "reported cost".to_string(),
                    };
                    view! {
                        <span class="row-cost" class:estimated=estimated title=title>
                            {crate::views::cost::cost_text(cost, crate::model::pricing::Origin::of(!estimated, estimated))}
                        </span>
                    }
                })}
                {move || context_gauge(data, trace, idx)}
                <span class="row-duration">{duration.map(format_duration).unwrap_or_else(|| "running".into())}</span>
            </span>
        </div>
    }
    .into_any()
}
