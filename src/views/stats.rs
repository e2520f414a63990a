//! Per-name statistics of one trace or all loaded traces (the Stats tab): a sortable table, one
//! row per name (or name and kind), virtualized since there can be thousands of names. A row
//! opens where those observations are: the tree filtered to exactly that name, or the trace list
//! filtered to the traces holding it. Grouping, scope and sort live in `view.mode` (the link).

use crate::model::filter::name_token;
use crate::model::known::{Figure, Known};
use crate::model::pricing::Origin;
use crate::model::stats::{self, Column, Mode, Row, Table, COLUMNS};
use crate::model::time::format_duration;
use crate::model::units::{format_count, format_tokens};
use crate::state::{Data, MainView, Page, ViewState};
use crate::views::cost::{cost_text, total_text};
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;

const ROW_H: f64 = 28.0;
/// The two toggles (pressed: grouped by name and kind; over all loaded traces): (id, label), the
/// second's label written with the number of traces.
const TOGGLES: [(&str, &str); 2] = [("stats-by-kind", "By name and kind"), ("stats-all", "")];

/// A duration cell: `–` for a row with no observation that ended.
fn duration(v: Option<i64>) -> String {
    v.map(format_duration).unwrap_or_else(|| "–".to_string())
}

/// A token cell: `–` when none of the row carries it, `≥` when some do.
fn tokens(known: Known, n: u64) -> (String, String) {
    total_text(known, Figure::Tokens, format_tokens(n), format_count(n) + " tokens")
}

/// A row's cells (class, text, hover), in `COLUMNS` order less the kind when not grouped by it.
fn cells(r: &Row) -> Vec<(&'static str, String, String)> {
    let origin = Origin::of(r.reported, r.estimated);
    let (cost, cost_note) = total_text(
        r.cost_known,
        Figure::Cost,
        cost_text(r.cost_usd, origin),
        if r.estimated {
            "Partly or wholly estimated from token counts × list prices".to_string()
        } else {
            String::new()
        },
    );
    let (input, input_note) = tokens(r.input_known, r.input_tokens);
    let (output, output_note) = tokens(r.output_known, r.output_tokens);
    let untimed = r.count - r.timed;
    let timed_note = if untimed > 0 {
        format!("{} without an end not counted", format_count(untimed as u64))
    } else {
        String::new()
    };
    let mut out = vec![("td stats-name", r.name.clone(), r.name.clone())];
    if let Some(k) = r.kind {
        out.push(("td stats-kind", k.label().to_string(), String::new()));
    }
    out.extend([
        ("td num", format_count(r.count as u64), timed_note.clone()),
        ("td num", duration((r.timed > 0).then_some(r.total_ns)), timed_note.clone()),
        ("td num", duration((r.timed > 0).then_some(r.self_ns)), "Less the time its children cover".to_string()),
        ("td num", duration(r.p50_ns), timed_note.clone()),
        ("td num", duration(r.p95_ns), timed_note),
        ("td num", duration(r.max_ns), String::new()),
        ("td num", input, input_note),
        ("td num", output, output_note),
        (if r.estimated { "td num cost estimated" } else { "td num cost" }, cost, cost_note),
        (if r.errors > 0 { "td num stats-errors" } else { "td num" }, r.errors.to_string(), String::new()),
    ]);
    out
}

/// Opens where a row's observations are: the tree filtered to exactly them (this trace), or the
/// trace list filtered to the traces holding the name (all traces).
fn open(view: ViewState, table: StoredValue<Table>, order: Memo<Vec<u32>>, all: bool, pos: usize) {
    let Some((name, kind)) = order
        .with_untracked(|o| o.get(pos).copied())
        .and_then(|i| table.with_value(|t| t.rows.get(i as usize).map(|r| (r.name.clone(), r.kind))))
    else {
        return;
    };
    let mut q = name_token(&name);
    if all {
        view.list_query.set(q);
        view.page.set(Page::Traces);
    } else {
        if let Some(k) = kind {
            q = q + " kind:" + k.label();
        }
        view.tree_filter.set(q);
        // the mode was this view's (as a tab switch clears it)
        view.main.set(MainView::Tree);
        view.mode.set(String::new());
    }
}

#[component]
pub fn StatsView(data: Data, view: ViewState) -> impl IntoView {
    // read from the link's words each time (a memo per type costs bundle size)
    let mode = move || Mode::parse(&view.mode.get());
    let mode_now = move || Mode::parse(&view.mode.get_untracked());
    let set_mode = move |m: Mode| view.mode.set(m.write());
    // the mode less its sort (as its words), so a click on a header sorts without counting again
    let scope = Memo::new(move |_| Mode { sort: Column::Total, descending: true, ..mode() }.write());
    let scoped = move || {
        let m = Mode::parse(&scope.get());
        (m.by_kind, m.all)
    };
    // The table is kept beside a memo of its version rather than in a memo of its own: a memo of
    // a new type is kilobytes of wasm (issue 29's budget), a `u64` memo's code is shared.
    let table = StoredValue::new(Table::default());
    let counted = Memo::new(move |before: Option<&u64>| {
        let (by_kind, all) = scoped();
        let t = if all {
            data.with(|d| stats::compute(&d.traces, by_kind))
        } else {
            let r = view.current.get();
            r.and_then(|r| data.with_trace(r, |t| stats::compute(std::slice::from_ref(t), by_kind))).unwrap_or_default()
        };
        table.set_value(t);
        before.map_or(1, |v| v + 1)
    });
    let order = Memo::new(move |_| {
        counted.track();
        let m = mode();
        table.with_value(|t| stats::sorted(&t.rows, m.sort, m.descending))
    });
    // rows are drawn again when the table is counted again (another scope, a load, new prices)
    let epoch = Signal::derive(move || counted.get());
    let viewport = Viewport::new(ROW_H);
    let press = move |i: usize| {
        let m = mode_now();
        set_mode(Mode { by_kind: m.by_kind != (i == 0), all: m.all != (i == 1), ..m });
        viewport.to_top();
    };
    let all = move || Mode::parse(&scope.get_untracked()).all;
    // the toggles and the summary drawn again as one when any changes (one effect, not one each)
    let tools = move || {
        let (by_kind, all) = scoped();
        let pressed = [by_kind, all];
        let traces = format!("All {} traces", format_count(data.trace_count() as u64));
        let buttons = TOGGLES.iter().enumerate().map(|(i, &(id, label))| {
            let label = if label.is_empty() { traces.clone() } else { label.to_string() };
            let pressed = if pressed[i] { "true" } else { "false" };
            view! { <button class="btn small" id=id aria-pressed=pressed on:click=move |_| press(i)>{label}</button> }
        });
        counted.track();
        let summary = table.with_value(|t| {
            let mut s = format!(
                "{} · {}",
                crate::model::units::plural(t.rows.len(), "row", "rows"),
                crate::model::units::plural(t.observations, "observation", "observations")
            );
            if t.untimed > 0 {
                s = s + " · " + &format_count(t.untimed as u64) + " without an end, not in the durations";
            }
            s
        });
        view! { {buttons.collect_view()}<span class="stats-summary hint">{summary}</span> }
    };
    let head = move || {
        let by_kind = scoped().0;
        let m = mode();
        let cells = COLUMNS
            .iter()
            .filter(|c| by_kind || c.0 != Column::Kind)
            .map(|&(col, _, label)| {
                let sort = match (m.sort == col, m.descending) {
                    (false, _) => "none",
                    (true, true) => "descending",
                    (true, false) => "ascending",
                };
                let arrow = match sort {
                    "descending" => " ▼",
                    "ascending" => " ▲",
                    _ => "",
                };
                let class = if matches!(col, Column::Name | Column::Kind) { "th" } else { "th num" };
                let title = match col {
                    Column::SelfTime => "Self time: the duration less the union of its children's intervals within it",
                    Column::P50 | Column::P95 => "Nearest-rank percentile of the durations (always one of them)",
                    _ => "Sort (again: the other way)",
                };
                view! {
                    <button class=class role="columnheader" aria-sort=sort title=title on:click=move |_| set_mode(mode_now().click(col))>
                        {label}{arrow}
                    </button>
                }
            })
            .collect_view();
        // the columns' widths by CSS: with a kind column or without
        view! { <div class=if by_kind { "table-head by-kind" } else { "table-head" } role="row">{cells}</div> }
    };
    view! {
        <section class="stats-view">
            <div class="stats-tools">{tools}</div>
            <VirtualList
                viewport=viewport
                len=Signal::derive(move || order.with(Vec::len))
                item=Callback::new(move |pos| order.with(|o| o.get(pos).copied().unwrap_or(0)) as u64)
                epoch=epoch
                class="table-scroll stats-table"
                label="Statistics by name"
                role="grid"
                header=move || head
                on_enter=Callback::new(move |pos| open(view, table, order, all(), pos))
                row=Callback::new(move |(pos, item): (usize, u64)| {
                    let Some(r) = table.with_value(|t| t.rows.get(item as usize).cloned()) else {
                        return ().into_any();
                    };
                    // the exact figures for tests and scripts, beside the formatted cells
                    let numbers = format!("{} {} {} {} {}", r.count, r.timed, r.total_ns, r.self_ns, r.errors);
                    // rows are drawn again when the grouping changes (the epoch): the class is fixed
                    let class = if r.kind.is_some() { "tr stats-row by-kind" } else { "tr stats-row" };
                    view! {
                        <div
                            class=class
                            role="row"
                            class:cursor=move || viewport.cursor.get() == Some(pos)
                            style:top=viewport.top(pos)
                            data-numbers=numbers
                            on:click=move |_| {
                                viewport.cursor.set(Some(pos));
                                open(view, table, order, all(), pos);
                            }
                        >
                            {cells(&r).into_iter().map(|(class, text, title)| view! { <span class=class role="gridcell" title=title>{text}</span> }).collect_view()}
                        </div>
                    }
                    .into_any()
                })
            />
        </section>
    }
}
