//! Sidebar list of loaded traces (virtualized); choosing one shows it in the tree and detail panes.

use crate::model::time::format_duration;
use crate::state::{Data, ViewState};
use crate::views::show::Show;
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;

const ROW_H: f64 = 46.0;

#[component]
pub fn TraceList(data: Data, view: ViewState) -> impl IntoView {
    let viewport = Viewport::new(ROW_H);
    let count = Memo::new(move |_| data.with(|d| d.traces.len()));
    let show = move |i: usize| {
        view.show_trace(Some(i));
        view.selected.set(None);
    };

    view! {
        <Show when=move || { count.get() > 1 }>
            <nav class="trace-list" aria-label="Loaded traces">
                <div class="trace-list-title">{move || crate::model::units::plural(count.get(), "trace", "traces")}</div>
                <VirtualList
                    viewport=viewport
                    len=count
                    item=Callback::new(|i| i as u64)
                    epoch=data.rows_epoch()
                    class="trace-list-scroll"
                    label="Loaded traces"
                    on_enter=Callback::new(show)
                    row=Callback::new(move |(i, _): (usize, u64)| {
                        let (id, name, meta, errors) = data.with_untracked(|d| {
                                d.traces
                                    .get(i)
                                    .map(|t| {
                                        (
                                            t.id.clone(),
                                            t.display_name().to_string(),
                                            format!(
                                                "{} · {} obs",
                                                t.duration_ns().map(format_duration).unwrap_or_else(|| "running".into()),
                                                crate::model::units::format_count(t.observations.len() as u64),
                                            ),
                                            t.totals.errors,
                                        )
                                    })
                                    .unwrap_or_default()
                            });
                        view! {
                            <div
                                class="trace-list-row"
                                class:selected=move || view.trace.get() == Some(i)
                                class:cursor=move || viewport.cursor.get() == Some(i)
                                style:top=viewport.top(i)
                                on:click=move |_| {
                                    viewport.cursor.set(Some(i));
                                    show(i);
                                }
                            >
                                <div class="trace-list-name" title=name.clone()>{name.clone()}</div>
                                <button
                                    class="compare-this"
                                    title="Compare the shown trace with this one"
                                    aria-label="Compare with the shown trace"
                                    hidden=move || view.trace.get().is_none_or(|t| t == i)
                                    on:click=move |ev| {
                                        ev.stop_propagation();
                                        view.selected.set(None);
                                        view.page.set(crate::state::Page::Compare(id.clone()));
                                    }
                                >"⇄"</button>
                                <div class="trace-list-meta">
                                    {meta}
                                    {(errors > 0).then(|| view! { <span class="err-count">{format!(" · {errors} {}", if errors == 1 { "error" } else { "errors" })}</span> })}
                                </div>
                            </div>
                        }
                    }.into_any())
                    />
            </nav>
        </Show>
    }
}
