//! Every observation of the loaded traces in one table (`page=spans`): kind chips, the trace
//! list's filter grammar applied to each observation, a sortable virtualized table of
//! `(trace, observation)` rows, and latency and cost spreads per model over the rows shown. What
//! it shows is kept in the link's `mode=` (`model::spans::Mode`).

use crate::model::pricing::Origin;
use crate::model::spans::{self, Col, Mode, ObsScores, Row, Spread};
use crate::model::time::{format_duration, format_utc};
use crate::model::tracelist::ListQuery;
use crate::model::units::{format_count, plural};
use crate::model::{Kind, Level};
use crate::state::{Data, ViewState};
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;

const ROW_H: f64 = 28.0;
/// Models in each chart: the ones with most calls.
const CHART_MODELS: usize = 8;

fn kind_label(k: Option<Kind>) -> &'static str {
    match k {
        None => "All",
        Some(Kind::Generation) => "LLM calls",
        Some(Kind::Tool) => "Tool calls",
        Some(Kind::Retriever) => "Retrievals",
        Some(Kind::Agent) => "Agents",
        Some(Kind::Chain) => "Chains",
        Some(Kind::Embedding) => "Embeddings",
        // the kind without a role: "span" beside "LLM calls" read as a typo
        Some(Kind::Span) => "Other spans",
        Some(k) => k.label(),
    }
}

fn width(c: &Col) -> u32 {
    match c {
        Col::Trace | Col::Name => 200,
        Col::Model => 150,
        // `2025-07-02 16:46:56.897Z` whole
        Col::Start => 220,
        Col::Error => 160,
        // `≈$0.00000495`: an estimate of a small call reads whole
        Col::Cost | Col::Score(_) | Col::Kind => 110,
        _ => 96,
    }
}

fn pack((t, o): Row) -> u64 {
    (u64::from(t) << 32) | u64::from(o)
}

fn unpack(i: u64) -> Row {
    ((i >> 32) as u32, i as u32)
}

/// What the table shows, read from the link's `mode=` (tracked).
fn mode_of(view: ViewState) -> Mode {
    view.mode.with(|s| Mode::parse(s))
}

/// The row at `pos` of the flat `[trace, obs, trace, obs…]` list.
fn at(rows: &[u32], pos: usize) -> Option<Row> {
    Some((*rows.get(2 * pos)?, *rows.get(2 * pos + 1)?))
}

#[component]
pub fn SpansPage(data: Data, view: ViewState) -> impl IntoView {
    let viewport = Viewport::new(ROW_H);
    let template = Memo::new(move |_| {
        let cols = data.with(spans::columns);
        cols.iter().map(|c| format!("{}px", width(c))).collect::<Vec<_>>().join(" ")
    });
    // what filters (the kind and the query): a header click changes only the sort, so the rows
    // are not filtered again (100,000 rows: a sort click 78 → 66 ms at p95, BENCHMARKS.md)
    let filter = Memo::new(move |_| Mode { sort: Col::Start, desc: false, ..mode_of(view) }.text());
    // flat pairs: memos of a type the app already has (each new one is more wasm)
    let kept = Memo::new(move |_| {
        let m = Mode::parse(&filter.get());
        data.with(|d| {
            let r = spans::rows(d, m.kind, &ListQuery::parse(&m.query), &ObsScores::new(d));
            r.into_iter().flat_map(|(t, o)| [t, o]).collect::<Vec<u32>>()
        })
    });
    let rows = Memo::new(move |_| {
        let m = mode_of(view);
        let mut r: Vec<Row> = kept.with(|k| k.chunks_exact(2).map(|p| (p[0], p[1])).collect());
        data.with(|d| spans::sort(d, &mut r, &m.sort, m.desc, &ObsScores::new(d)));
        r.into_iter().flat_map(|(t, o)| [t, o]).collect::<Vec<u32>>()
    });
    let len = move || rows.with(Vec::len) / 2;
    let open = Callback::new(move |pos: usize| {
        if let Some((t, o)) = rows.with_untracked(|r| at(r, pos)) {
            // the mode was this page's: the trace's views read their own
            view.mode.set(String::new());
            view.open_trace(t as usize, Some(o));
        }
    });
    let chips = move || {
        let counts = data.with(spans::kind_counts);
        let total: usize = counts.iter().map(|x| x.1).sum();
        std::iter::once((None, total))
            .chain(counts.into_iter().map(|(k, n)| (Some(k), n)))
            .map(|(k, n)| {
                view! {
                    <button class="btn small spans-kind" aria-pressed=move || (mode_of(view).kind == k).to_string()
                        data-kind=k.map_or("all", spans::kind_key)
                        on:click=move |_| apply(view, viewport, &|m| m.kind = k)>
                        {kind_label(k)}" "<span class="hint">{format_count(n as u64)}</span>
                    </button>
                }
            })
            .collect_view()
    };

    view! {
        <section class="spans-page">
            <div class="list-tools">
                <div class="spans-kinds" role="group" aria-label="Kind">{chips}</div>
                <input
                    class="list-filter spans-filter"
                    type="search"
                    aria-label="Filter spans"
                    placeholder="Filter: words, model:gpt-4o, cost>0.01, duration>2s, ttft<1s, level:error, kind:tool, quality<0.5"
                    prop:value=move || mode_of(view).query
                    on:input=move |ev| {
                        let q = event_target_value(&ev);
                        apply(view, viewport, &|m| m.query = q.clone());
                    }
                />
                <span class="hint list-count spans-count" data-shown=len>
                    {move || plural(len(), "span", "spans")}
                </span>
            </div>
            {charts(data, rows)}
            <VirtualList
                viewport=viewport
                len=Signal::derive(len)
                item=Callback::new(move |pos| rows.with(|r| at(r, pos).map_or(u64::MAX, pack)))
                epoch=data.rows_epoch()
                class="table-scroll spans-table"
                label="Spans"
                role="grid"
                header=move || head(data, view, viewport, template)
                on_enter=open
                after=move || view! { <p class="hint spans-none" hidden=move || len() != 0>"No span matches."</p> }
                row=Callback::new(move |(pos, i): (usize, u64)| span_row(data, pos, unpack(i), viewport, template, open).into_any())
            />
        </section>
    }
}

/// Changes what the table shows, in the link, and goes back to its first row.
fn apply(view: ViewState, viewport: Viewport, f: &dyn Fn(&mut Mode)) {
    let mut m = view.mode.with_untracked(|s| Mode::parse(s));
    f(&mut m);
    view.mode.set(m.text());
    viewport.to_top();
}

/// A column's `aria-sort`.
fn sort_of(m: &Mode, c: &Col) -> &'static str {
    match (m.sort == *c, m.desc) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    }
}

/// The table's head: a button per column that sorts by it (again: the other way), `aria-sort`.
/// The arrow is the CSS's, from `aria-sort`.
fn head(data: Data, view: ViewState, viewport: Viewport, template: Memo<String>) -> impl IntoView {
    let cells = move || {
        data.with(spans::columns)
            .into_iter()
            .map(|c| {
                let label = match &c {
                    Col::Score(n) => n.clone(),
                    c => spans::FIXED.iter().find(|f| f.0 == *c).map_or("", |f| f.2).to_string(),
                };
                let (c2, c3) = (c.clone(), c.clone());
                let sort = move || sort_of(&mode_of(view), &c2);
                view! {
                    <button class="th" role="columnheader" aria-sort=sort data-col=c.key() title=format!("Sort by {label}")
                        on:click=move |_| apply(view, viewport, &|m| {
                            if m.sort == c3 {
                                m.desc = !m.desc;
                            } else {
                                m.sort = c3.clone();
                                m.desc = c3.descends_first();
                            }
                        })>
                        {label.clone()}
                    </button>
                }
            })
            .collect_view()
    };
    view! { <div class="table-head" role="row" style:grid-template-columns=move || template.get()>{cells}</div> }
}

/// One observation's row: its cells in the columns' order, its figures as `data-*`.
fn span_row(
    data: Data,
    pos: usize,
    row: Row,
    viewport: Viewport,
    template: Memo<String>,
    open: Callback<usize>,
) -> impl IntoView {
    let (cells, error, duration) = data.with_untracked(|d| {
        let Some((t, o)) = spans::get(d, row) else { return (Vec::new(), false, String::new()) };
        let sc = ObsScores::new(d);
        let dash = || "–".to_string();
        let count = |n: Option<u64>| n.map_or_else(dash, format_count);
        let cells: Vec<String> = {
            spans::columns(d)
                .iter()
                .map(|c| match c {
                    Col::Trace => t.display_name().to_string(),
                    Col::Name => o.name.clone(),
                    Col::Kind => o.kind.label().to_string(),
                    Col::Model => o.model.as_deref().map_or_else(dash, str::to_string),
                    Col::Start => format_utc(o.start_ns),
                    Col::Duration => o.duration_ns().map_or_else(|| "running".to_string(), format_duration),
                    Col::Ttft => spans::ttft_ns(o).map_or_else(dash, format_duration),
                    Col::Input => count(o.usage.input),
                    Col::Output => count(o.usage.output),
                    Col::Cost => o.cost.total.map_or_else(dash, |usd| {
                        crate::views::cost::cost_text(
                            usd,
                            Some(if o.cost.estimated.is_some() { Origin::Estimated } else { Origin::Reported }),
                        )
                    }),
                    Col::Error if o.level == Level::Error => o.status_message.clone().unwrap_or_else(|| "error".into()),
                    Col::Error => String::new(),
                    Col::Score(n) => sc.value(t, o, n).map(|v| v.display()).unwrap_or_default(),
                })
                .collect()
        };
        (cells, o.level == Level::Error, o.duration_ns().map(|n| n.to_string()).unwrap_or_default())
    });
    view! {
        <div
            class="tr"
            role="row"
            class:has-errors=error
            data-trace=row.0
            data-obs=row.1
            data-duration-ns=duration
            class:cursor=move || viewport.cursor.get() == Some(pos)
            style:top=viewport.top(pos)
            style:grid-template-columns=move || template.get()
            on:click=move |_| {
                viewport.cursor.set(Some(pos));
                open.run(pos);
            }
        >
            {cells.into_iter().map(|c| view! { <span class="td" role="gridcell" title=c.clone()>{c.clone()}</span> }).collect_view()}
        </div>
    }
}

/// Latency and cost per model over the rows shown: a box (quartiles) on a whisker (extremes) and
/// the median, on a log scale shared by the models.
fn charts(data: Data, rows: Memo<Vec<u32>>) -> impl IntoView {
    let charts = move || {
        let list = rows.with(|r| {
            let pairs: Vec<Row> = r.chunks_exact(2).map(|p| (p[0], p[1])).collect();
            data.with(|d| spans::by_model(d, &pairs, CHART_MODELS))
        });
        [("Latency", false), ("Cost", true)].into_iter().map(|(title, cost)| chart(&list, title, cost)).collect_view()
    };
    view! {
        <details class="spans-charts" open>
            <summary>"Latency and cost per model"</summary>
            <div class="spread-charts">{charts}</div>
        </details>
    }
}

/// A figure of the chart: seconds as a duration, or USD.
fn figure(v: f64, cost: bool) -> String {
    if cost {
        crate::model::units::format_cost(v)
    } else {
        format_duration((v * 1e9) as i64)
    }
}

fn pct(v: f64) -> String {
    format!("{v:.1}%")
}

fn chart(list: &[spans::ModelSpread], title: &'static str, cost: bool) -> AnyView {
    let pick = |m: &spans::ModelSpread| if cost { m.cost } else { m.duration };
    let spreads: Vec<(String, Spread)> = list.iter().filter_map(|m| Some((m.model.clone(), pick(m)?))).collect();
    let (lo, hi) = spans::scale(spreads.iter().map(|s| &s.1));
    let range = if spreads.is_empty() {
        " none among these spans".to_string()
    } else {
        format!(" {} – {}, log scale", figure(lo, cost), figure(hi, cost))
    };
    let lines = spreads
        .into_iter()
        .map(|(model, s)| {
            let [min, p25, mid, p75, max] = [s.min, s.p25, s.median, s.p75, s.max].map(|v| spans::log_pos(v, lo, hi));
            let tip = format!(
                "{model}: {} · min {} · max {}",
                plural(s.n, "call", "calls"),
                figure(s.min, cost),
                figure(s.max, cost)
            );
            // placed through the CSSOM (`style:`): the CSP refuses style attributes
            view! {
                <div class="spread-line" title=tip>
                    <span class="spread-model">{model}</span>
                    <span class="spread-track">
                        <span class="spread-whisker" style:left=pct(min) style:width=pct(max - min)></span>
                        <span class="spread-box" style:left=pct(p25) style:width=pct(p75 - p25)></span>
                        <span class="spread-median" style:left=pct(mid)></span>
                    </span>
                    <span class="spread-mid">{figure(s.median, cost)}</span>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="spread-chart">
            <div class="spread-title">{title}<span class="hint">{range}</span></div>
            {lines}
        </div>
    }
    .into_any()
}
