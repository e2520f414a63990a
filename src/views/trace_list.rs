//! Sidebar list of loaded traces (virtualized); choosing one shows it in the tree and detail panes.

use crate::app::AppState;
use crate::model::layout::visible_window;
use crate::model::time::format_duration;
use leptos::prelude::*;

const ROW_H: f64 = 46.0;

#[component]
pub fn TraceList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport_h = RwSignal::new(800.0f64);
    let count = Memo::new(move |_| state.data.with(|d| d.traces.len()));
    let window = Memo::new(move |_| {
        let r = visible_window(scroll_top.get(), viewport_h.get(), ROW_H, count.get());
        r.collect::<Vec<usize>>()
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            viewport_h.set(crate::views::tree::viewport_height(&el));
        }
    });

    view! {
        <Show when=move || { count.get() > 1 }>
            <nav class="trace-list" aria-label="Loaded traces">
                <div class="trace-list-title">{move || format!("{} traces", count.get())}</div>
                <div
                    class="trace-list-scroll"
                    node_ref=scroller
                    on:scroll=move |ev| {
                        let el = event_target::<web_sys::Element>(&ev);
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                >
                    <div class="spacer" style:height=move || format!("{}px", count.get() as f64 * ROW_H)>
                        <For
                            each=move || window.get()
                            key=|i| *i
                            children=move |i| {
                                let (id, name, meta, errors) = state
                                    .data
                                    .with_untracked(|d| {
                                        d.traces
                                            .get(i)
                                            .map(|t| {
                                                (
                                                    t.id.clone(),
                                                    t.display_name().to_string(),
                                                    format!(
                                                        "{} · {} obs",
                                                        t.duration_ns().map(format_duration).unwrap_or_else(|| "running".into()),
                                                        t.observations.len(),
                                                    ),
                                                    t.totals.errors,
                                                )
                                            })
                                            .unwrap_or_default()
                                    });
                                view! {
                                    <div
                                        class="trace-list-row"
                                        class:selected=move || state.trace.get() == Some(i)
                                        style:top=format!("{}px", i as f64 * ROW_H)
                                        on:click=move |_| {
                                            state.show_trace(Some(i));
                                            state.selected.set(None);
                                        }
                                    >
                                        <div class="trace-list-name" title=name.clone()>{name.clone()}</div>
                                        <button
                                            class="compare-this"
                                            title="Compare the shown trace with this one"
                                            aria-label="Compare with the shown trace"
                                            hidden=move || state.trace.get().is_none_or(|t| t == i)
                                            on:click=move |ev| {
                                                ev.stop_propagation();
                                                state.selected.set(None);
                                                state.page.set(crate::app::Page::Compare(id.clone()));
                                            }
                                        >"⇄"</button>
                                        <div class="trace-list-meta">
                                            {meta}
                                            {(errors > 0).then(|| view! { <span class="err-count">{format!(" · {errors} errors")}</span> })}
                                        </div>
                                    </div>
                                }
                            }
                        />
                    </div>
                </div>
            </nav>
        </Show>
    }
}
