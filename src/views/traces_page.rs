//! The trace list: every loaded trace as a sortable, filterable, virtualized table with a column
//! per score name, and search across the content of every trace.

use crate::model::known::Figure;
use crate::model::pricing::Origin;
use crate::model::time::{format_duration, format_utc};
use crate::model::tracelist::{self, Column, ListQuery};
use crate::model::units::{format_count, format_tokens, plural};
use crate::model::ScoreValue;
use crate::state::{Data, ViewState};
use crate::views::cost::total_text;
use crate::views::show::Show;
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;
use std::collections::HashMap;

const ROW_H: f64 = 28.0;
const SEARCH_LIMIT: usize = 200;

fn header(c: &Column) -> String {
    match c {
        Column::Name => "Name".into(),
        Column::Start => "Start".into(),
        Column::Duration => "Duration".into(),
        Column::Observations => "Obs.".into(),
        Column::Tokens => "Tokens".into(),
        Column::Cost => "Cost".into(),
        Column::Errors => "Errors".into(),
        Column::Session => "Session".into(),
        Column::User => "User".into(),
        Column::Tags => "Tags".into(),
        Column::Score(n) => n.clone(),
    }
}

fn width(c: &Column) -> u32 {
    match c {
        Column::Name => 240,
        Column::Start => 190,
        Column::Session | Column::User => 150,
        Column::Tags => 140,
        Column::Score(_) => 110,
        // `≈$0.00000495`: an estimate of a small call reads whole
        Column::Cost => 110,
        _ => 80,
    }
}

#[component]
pub fn TracesPage(data: Data, view: ViewState) -> impl IntoView {
    let viewport = Viewport::new(ROW_H);
    let columns = Memo::new(move |_| {
        let mut cols = vec![
            Column::Name,
            Column::Start,
            Column::Duration,
            Column::Observations,
            Column::Tokens,
            Column::Cost,
            Column::Errors,
            Column::Session,
            Column::User,
            Column::Tags,
        ];
        cols.extend(data.with(tracelist::score_names).into_iter().map(Column::Score));
        cols
    });
    let rows = Memo::new(move |_| {
        let q = ListQuery::parse(&view.list_query.get());
        let (col, desc) = view.list_sort.get();
        data.with(|d| {
            let mut rows = tracelist::filter(d, &q);
            tracelist::sort(d, &mut rows, &col, desc);
            rows
        })
    });
    let score_cells = Memo::new(move |_| data.with(tracelist::score_table));
    let hits = Memo::new(move |_| {
        let q = view.search_text.get();
        data.with(|d| tracelist::search(d, &q, SEARCH_LIMIT))
    });
    let template = Memo::new(move |_| {
        columns.with(|cols| cols.iter().map(|c| format!("{}px", width(c))).collect::<Vec<_>>().join(" "))
    });

    view! {
        <section class="traces-page">
            <div class="list-tools">
                <input
                    class="list-filter"
                    type="search"
                    placeholder="Filter: words, cost>0.01, faithfulness<0.5, helpfulness=unhelpful, tag:prod, level:error, kind:tool, after:2025-01-01"
                    prop:value=move || view.list_query.get()
                    on:input=move |ev| {
                        view.list_query.set(event_target_value(&ev));
                        viewport.to_top();
                    }
                />
                <span
                    class="hint list-count"
                    data-shown=move || rows.with(Vec::len)
                    data-total=move || data.with(|d| d.traces.len())
                >
                    {move || format!("{} of {}", format_count(rows.with(Vec::len) as u64), plural(data.with(|d| d.traces.len()), "trace", "traces"))}
                </span>
                <input
                    class="content-search"
                    type="search"
                    placeholder="Search inside every trace (inputs, outputs, attributes)"
                    prop:value=move || view.search_text.get()
                    on:input=move |ev| view.search_text.set(event_target_value(&ev))
                />
            </div>
            <Show when=move || view.search_text.with(|s| s.trim().len() >= 2)>
                <div class="search-hits">
                    <div class="hint">
                        {move || hits.with(|(h, total)| if *total > h.len() { format!("{}, first {} shown", plural(*total, "hit", "hits"), h.len()) } else { plural(*total, "hit", "hits") })}
                    </div>
                    <ul>
                        {move || {
                            let (list, _) = hits.get();
                            data.with_untracked(|d| {
                                list.into_iter()
                                    .map(|h| {
                                        let tname = d.traces.get(h.trace).map(|t| t.display_name().to_string()).unwrap_or_default();
                                        let oname = h.observation.and_then(|o| d.traces.get(h.trace)?.observations.get(o as usize)).map(|o| o.name.clone());
                                        let (a, b) = h.at;
                                        let (pre, mid, post) = (h.snippet[..a].to_string(), h.snippet[a..b].to_string(), h.snippet[b..].to_string());
                                        let (t, o) = (h.trace, h.observation);
                                        view! {
                                            <li class="search-hit" on:click=move |_| view.open_trace(t, o)>
                                                <span class="hit-where">{format!("{tname}{} · {}", oname.map(|n| format!(" › {n}")).unwrap_or_default(), h.field)}</span>
                                                <span class="hit-snippet">{pre}<mark>{mid}</mark>{post}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            })
                        }}
                    </ul>
                </div>
            </Show>
            <VirtualList
                viewport=viewport
                len=Signal::derive(move || rows.with(Vec::len))
                item=Callback::new(move |pos| rows.with(|r| r.get(pos).map_or(u64::MAX, |&i| i as u64)))
                epoch=data.rows_epoch()
                class="table-scroll"
                label="Traces"
                role="grid"
                header=move || view! { <TableHead view=view columns=columns template=template /> }
                on_enter=Callback::new(move |pos| {
                    if let Some(i) = rows.with_untracked(|r| r.get(pos).copied()) {
                        view.open_trace(i, None);
                    }
                })
                row=Callback::new(move |(pos, i): (usize, u64)| view! { <TraceRow pos=pos trace=i as usize viewport=viewport columns=columns template=template score_cells=score_cells data=data view=view /> }.into_any())
            />
        </section>
    }
}

/// The table's head: a button per column that sorts by it (again: the other way).
#[component]
fn TableHead(view: ViewState, columns: Memo<Vec<Column>>, template: Memo<String>) -> impl IntoView {
    view! {
        <div class="table-head" role="row" style:grid-template-columns=move || template.get()>
            {move || {
                columns
                    .get()
                    .into_iter()
                    .map(|c| {
                        let col = c.clone();
                        let label = header(&c);
                        let arrow = move || {
                            let (sc, desc) = view.list_sort.get();
                            if sc == c { if desc { " ▼" } else { " ▲" } } else { "" }
                        };
                        view! {
                            <button
                                class="th"
                                role="columnheader"
                                title=format!("Sort by {label}")
                                on:click=move |_| {
                                    view.list_sort.update(|(sc, desc)| {
                                        if *sc == col {
                                            *desc = !*desc;
                                        } else {
                                            *sc = col.clone();
                                            *desc = !matches!(col, Column::Name | Column::Session | Column::User | Column::Tags);
                                        }
                                    })
                                }
                            >
                                {label.clone()}{arrow}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

/// A row's figures as exact numbers (`data-*`), beside the cells that show them formatted.
#[derive(Default)]
struct Figures {
    id: String,
    observations: usize,
    errors: usize,
    tokens: u64,
    input: u64,
    output: u64,
    embedding: u64,
    /// The cost (empty: unknown, not zero) and where it comes from (`reported`, `estimated`,
    /// `mixed`; empty: none).
    cost: String,
    cost_origin: &'static str,
}

impl Figures {
    fn of(t: &crate::model::Trace) -> Figures {
        Figures {
            id: t.id.clone(),
            observations: t.observations.len(),
            errors: t.totals.errors,
            tokens: t.totals.tokens,
            input: t.totals.input_tokens,
            output: t.totals.output_tokens,
            embedding: t.totals.embedding_tokens,
            cost: if t.has_cost() { t.cost_usd().to_string() } else { String::new() },
            cost_origin: match t.cost_origin() {
                Some(Origin::Reported) => "reported",
                Some(Origin::Estimated) => "estimated",
                Some(Origin::Mixed) => "mixed",
                None => "",
            },
        }
    }
}

/// One trace's row: its cells in the columns' order.
#[component]
fn TraceRow(
    pos: usize,
    trace: usize,
    viewport: Viewport,
    columns: Memo<Vec<Column>>,
    template: Memo<String>,
    score_cells: Memo<HashMap<String, HashMap<String, ScoreValue>>>,
    data: Data,
    view: ViewState,
) -> impl IntoView {
    let (cells, errors, figures) = data.with_untracked(|d| {
        let Some(t) = d.traces.get(trace) else { return (Vec::new(), false, Figures::default()) };
        let cells = columns.with_untracked(|cols| {
            cols.iter()
                .map(|c| {
                    let text = match c {
                        Column::Name => t.display_name().to_string(),
                        Column::Start => format_utc(t.start_ns),
                        Column::Duration => t.duration_ns().map(format_duration).unwrap_or_else(|| "running".into()),
                        // tight columns: `39k` with the exact count in the hover; unknown as `–`, why in the hover
                        Column::Observations => format_count(t.observations.len() as u64),
                        Column::Tokens => {
                            let exact = format!("{} tokens", format_count(t.totals.tokens));
                            let tokens = format_tokens(t.totals.tokens);
                            return total_text(t.totals.tokens_known, Figure::Tokens, tokens, exact);
                        }
                        Column::Cost => {
                            let cost = crate::views::cost::cost_text(t.cost_usd(), t.cost_origin());
                            return total_text(t.cost_known(), Figure::Cost, cost, String::new());
                        }
                        Column::Errors => {
                            if t.totals.errors > 0 {
                                format_count(t.totals.errors as u64)
                            } else {
                                String::new()
                            }
                        }
                        Column::Session => t.session_id.clone().unwrap_or_default(),
                        Column::User => t.user_id.clone().unwrap_or_default(),
                        Column::Tags => t.tags.join(", "),
                        Column::Score(n) => score_cells.with_untracked(|sc| {
                            sc.get(&t.id).and_then(|m| m.get(n)).map(|v| v.display()).unwrap_or_default()
                        }),
                    };
                    (text.clone(), text)
                })
                .collect::<Vec<(String, String)>>()
        });
        (cells, t.totals.errors > 0, Figures::of(t))
    });
    let name_at = columns.with_untracked(|cols| cols.iter().position(|c| *c == Column::Name)).unwrap_or(usize::MAX);
    let mut loop_badge = data.trace_ref(trace).and_then(|r| crate::views::loops::badge(&data.loops(r)));
    view! {
        <div
            class="tr"
            role="row"
            class:has-errors=errors
            data-trace=figures.id
            data-observations=figures.observations
            data-errors=figures.errors
            data-tokens=figures.tokens
            data-input-tokens=figures.input
            data-output-tokens=figures.output
            data-embedding-tokens=figures.embedding
            data-cost=figures.cost
            data-cost-origin=figures.cost_origin
            class:cursor=move || viewport.cursor.get() == Some(pos)
            style:top=viewport.top(pos)
            style:grid-template-columns=move || template.get()
            on:click=move |_| {
                viewport.cursor.set(Some(pos));
                view.open_trace(trace, None);
            }
        >
            {cells
                .into_iter()
                .enumerate()
                .map(|(k, (c, title))| {
                    // the name cell carries the loop badge
                    let badge = if k == name_at { loop_badge.take() } else { None };
                    view! { <span class="td" role="gridcell" title=title>{c}{badge}</span> }
                })
                .collect_view()}
        </div>
    }
}
