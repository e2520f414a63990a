//! A breakdown of cost and tokens (by model or by step name) as one table whose last column is
//! its bar chart: a horizontal bar per row, the estimated part of a cost in its own shade. Rows
//! by step name can be thousands, so the table is a `VirtualList`.

use crate::model::breakdown::{bar, Row};
use crate::model::known::{Figure, Known};
use crate::model::pricing::Origin;
use crate::model::units::{format_cost, format_count, format_tokens};
use crate::views::cost::{cost_text, total_text};
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;

const ROW_H: f64 = 28.0;
/// Label, cost, tokens, bar, calls, input, output: what a phone shows first comes first. (The
/// bar cell comes last in the DOM, and is placed fourth by CSS `order`: one cell type for the rest.)
const COLUMNS: &str = "minmax(120px, 2fr) 116px 72px minmax(80px, 1fr) 52px 72px 72px";

/// The cost cell's text and tooltip: estimated parts marked `≈`, unpriced calls named.
fn cost_cell(r: &Row) -> (String, String, bool) {
    let origin = Origin::of(r.has_reported(), r.has_estimate());
    let unpriced = if r.unpriced > 0 {
        format!(" {} of its calls have no price (their model matches no entry of the price table).", r.unpriced)
    } else {
        String::new()
    };
    let note = match origin {
        Some(Origin::Estimated) => format!("Estimated: token counts × list prices.{unpriced}"),
        Some(Origin::Mixed) => format!(
            "{} reported by the file, {} estimated from token counts × list prices.{unpriced}",
            format_cost(r.cost_usd - r.estimated_usd),
            format_cost(r.estimated_usd)
        ),
        Some(Origin::Reported) => format!("Reported by the file.{unpriced}"),
        None if r.unpriced > 0 => format!("No price:{unpriced}"),
        None => "No cost: these calls carry none.".to_string(),
    };
    let text = match origin {
        Some(_) => cost_text(r.cost_usd, origin),
        None if r.unpriced > 0 => "no price".to_string(),
        None => "–".to_string(),
    };
    (text, note, origin.is_some_and(Origin::has_estimate))
}

/// An input or output column's cell: `–` when no call of the row counted it apart (unknown, not 0).
fn split(known: bool, n: u64, why: &str) -> (&'static str, String, String) {
    if known {
        ("td num late", format_tokens(n), format_count(n))
    } else {
        ("td num late", "–".to_string(), why.to_string())
    }
}

/// A breakdown by model and one by step name, over the same traces.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    pub models: Vec<Row>,
    pub steps: Vec<Row>,
    /// How much of the cost and of the tokens the calls carry.
    pub cost_known: Known,
    pub tokens_known: Known,
}

impl Tables {
    fn rows(&self, steps: bool) -> &[Row] {
        if steps {
            &self.steps
        } else {
            &self.models
        }
    }
}

/// The table of `tables`' rows by step name (`steps`) or by model. `on_open` is called with a
/// row's position on a click or Enter.
#[component]
pub fn BreakdownTable(
    tables: Memo<Tables>,
    steps: bool,
    #[prop(into)] epoch: Signal<u64>,
    #[prop(optional_no_strip)] on_open: Option<Callback<usize>>,
) -> impl IntoView {
    let viewport = Viewport::new(ROW_H);
    let open = move |pos: usize| {
        if let Some(f) = on_open {
            f.run(pos);
        }
    };
    let (what, none, label, class, title) = if steps {
        ("Step", "unnamed", "Cost by step name", "table-scroll breakdown-table by-step", "By step name")
    } else {
        ("Model", "no model", "Cost by model", "table-scroll breakdown-table by-model", "By model")
    };
    view! {
        <h3 class="costs-h">{title}</h3>
        <VirtualList
            viewport=viewport
            len=Signal::derive(move || tables.with(|t| t.rows(steps).len()))
            item=Callback::new(|pos| pos as u64)
            epoch=epoch
            class=class
            label=label
            role="grid"
            header=move || view! {
                <div class="table-head" role="row" style:grid-template-columns=COLUMNS>
                    <span class="th">{what}</span><span class="th num">"Cost"</span><span class="th num">"Tokens"</span>
                    <span class="th num late">"Calls"</span><span class="th num late">"Input"</span><span class="th num late">"Output"</span>
                    <span class="th" title="Cost when any row has one, else tokens; the hatched part is estimated">"Share"</span>
                </div>
            }
            // drawn once: the closure inside follows the rows
            after=move || move || tables.with(|t| t.rows(steps).is_empty()).then(|| view! { <p class="hint empty-note">"No tokens or costs."</p> })
            on_enter=Callback::new(open)
            row=Callback::new(move |(pos, _): (usize, u64)| {
                let found = tables.with_untracked(|t| t.rows(steps).get(pos).map(|r| (r.clone(), bar(r, t.rows(steps)))));
                let Some((r, shares)) = found else {
                    return ().into_any();
                };
                let (cost, note, estimated) = cost_cell(&r);
                let name = r.label.clone().unwrap_or_else(|| none.to_string());
                let label_class = if r.label.is_some() { "td breakdown-label" } else { "td breakdown-label unlabelled" };
                let cost_class = match (estimated, r.unpriced > 0 && r.cost_usd == 0.0) {
                    (true, _) => "td num cost estimated",
                    (_, true) => "td num cost unpriced",
                    _ => "td num cost",
                };
                // one cell type for every column: a smaller bundle than a view per column
                let cells = [
                    (label_class, name.clone(), name),
                    (cost_class, cost, note),
                    ("td num", format_tokens(r.tokens), format_count(r.tokens)),
                    ("td num late", r.calls.to_string(), String::new()),
                    split(r.input_known, r.input_tokens, "no input token counts"),
                    split(r.output_known, r.output_tokens, "no output token counts"),
                ];
                // the numbers for tests and scripts: tokens, input, output, cost
                let numbers = format!("{} {} {} {}", r.tokens, r.input_tokens, r.output_tokens, r.cost_usd);
                view! {
                    <div
                        class="tr breakdown-row"
                        role="row"
                        class:cursor=move || viewport.cursor.get() == Some(pos)
                        style:top=viewport.top(pos)
                        style:grid-template-columns=COLUMNS
                        data-numbers=numbers
                        on:click=move |_| {
                            viewport.cursor.set(Some(pos));
                            open(pos);
                        }
                    >
                        {cells.into_iter().map(|(class, text, title)| view! { <span class=class role="gridcell" title=title>{text}</span> }).collect_view()}
                        <span class="td share" role="gridcell" aria-hidden="true">
                            <span class="share-bar reported" style:width=format!("{:.1}%", shares.0)></span>
                            <span class="share-bar estimated-part" style:width=format!("{:.1}%", shares.1)></span>
                        </span>
                    </div>
                }
                .into_any()
            })
        />
    }
}

/// The line above a breakdown: totals, what is estimated, and the models without a price.
#[component]
pub fn BreakdownSummary(tables: Memo<Tables>, whole: bool) -> impl IntoView {
    let summary = move || {
        tables.with(|t| {
            let rows = &t.models;
            let tokens: u64 = rows.iter().map(|r| r.tokens).sum();
            let cost: f64 = rows.iter().map(|r| r.cost_usd).sum();
            let estimated: f64 = rows.iter().map(|r| r.estimated_usd).sum();
            let origin = Origin::of(cost - estimated > 0.0, estimated > 0.0);
            let calls: usize = rows.iter().map(|r| r.calls).sum();
            let unpriced = crate::model::breakdown::unpriced_models(rows).join(", ");
            // (class, label, value, tooltip): one view type for every figure
            let exact = format!("{} tokens", format_count(tokens));
            let (tokens_text, tokens_note) = total_text(t.tokens_known, Figure::Tokens, format_tokens(tokens), exact);
            let mut stats = vec![
                ("stat", "calls", format_count(calls as u64), String::new()),
                ("stat breakdown-tokens", "tokens", tokens_text, tokens_note),
            ];
            if t.cost_known.is_unknown() {
                let (text, why) = total_text(t.cost_known, Figure::Cost, String::new(), String::new());
                stats.push(("stat", "cost", text, why));
            } else if let Some(o) = origin {
                let note = match o {
                    Origin::Estimated => "Estimated from token counts × list prices".to_string(),
                    Origin::Mixed => {
                        format!("{} of it estimated from token counts × list prices", format_cost(estimated))
                    }
                    Origin::Reported => "Reported by the file".to_string(),
                };
                let (class, label) =
                    if o == Origin::Estimated { ("stat estimated", "est. cost") } else { ("stat", "cost") };
                let (text, note) = total_text(t.cost_known, Figure::Cost, cost_text(cost, origin), note);
                stats.push((class, label, text, note));
            }
            if !unpriced.is_empty() {
                let note = "No entry of the price table matches these models (or it is not loaded yet): their calls have no cost.";
                stats.push(("stat unpriced", "no price for", unpriced, note.to_string()));
            }
            view! {
                <div class="breakdown-summary stats" data-tokens=tokens.to_string()>
                    {stats.into_iter().map(|(class, label, value, title)| view! {
                        <span class=class title=title>
                            <span class="stat-label">{label}</span>
                            <span class="stat-value">{value}</span>
                        </span>
                    }).collect_view()}
                </div>
            }
        })
    };
    view! {
        {whole.then(|| view! { <h2 class="costs-title">"All loaded traces"</h2> })}
        {summary}
    }
}
