//! Costs: cost and tokens by model and by step name over all loaded traces (a page beside
//! Traces, Sessions and Scores), or of the shown trace (a tab beside Tree and Timeline) with the
//! context of its LLM calls per agent. One component for both: the same tables, one copy of their
//! code in the bundle.

use crate::model::breakdown::{by_model, by_step, context_series};
use crate::model::known::Known;
use crate::state::{Data, MainView, ViewState};
use crate::views::breakdown::{BreakdownSummary, BreakdownTable, Tables};
use crate::views::context_chart::{charts, ContextCharts};
use leptos::prelude::*;

/// A step row of the trace's table opens the tree filtered to that name: where those steps are.
fn show_steps(view: ViewState, tables: Memo<Tables>, pos: usize) {
    if let Some(name) = tables.with_untracked(|t| t.steps.get(pos).and_then(|r| r.label.clone())) {
        view.tree_filter.set(name);
        view.main.set(MainView::Tree);
    }
}

/// The costs of every loaded trace (`trace` false) or of the shown one.
#[component]
pub fn Costs(data: Data, view: ViewState, trace: bool) -> impl IntoView {
    let tables = Memo::new(move |_| {
        let of = |ts: &[crate::model::Trace]| {
            // what the observations carry (as the rows count), not a platform's trace total
            let (mut cost_known, mut tokens_known) = (Known::default(), Known::default());
            for t in ts {
                cost_known = cost_known.and(t.totals.cost_known);
                tokens_known = tokens_known.and(t.totals.tokens_known);
            }
            Tables { models: by_model(ts), steps: by_step(ts), cost_known, tokens_known }
        };
        if trace {
            // the shown trace through its ref: a merge of other traces reruns nothing here
            view.current.get().and_then(|r| data.with_trace(r, |t| of(std::slice::from_ref(t)))).unwrap_or_default()
        } else {
            data.with(|d| of(&d.traces))
        }
    });
    let context = Memo::new(move |_| {
        let table = data.prices();
        let shown = if trace { view.current.get() } else { None };
        shown.and_then(|r| data.with_trace(r, |t| charts(t, context_series(t, table.as_deref())))).unwrap_or_default()
    });
    let epoch = Signal::derive(move || {
        if trace {
            view.current.get().map_or(0, |r| r.version ^ ((r.index as u64) << 32))
        } else {
            data.rows_epoch().get()
        }
    });
    let on_open = trace.then(|| Callback::new(move |pos| show_steps(view, tables, pos)));
    view! {
        <section class=if trace { "trace-costs" } else { "costs-page" } id=if trace { "trace-costs" } else { "costs-page" }>
            <BreakdownSummary tables=tables whole=!trace/>
            {trace.then(|| view! { <ContextCharts charts=context view=view/> })}
            <BreakdownTable tables=tables steps=false epoch=epoch/>
            <BreakdownTable tables=tables steps=true epoch=epoch on_open=on_open/>
        </section>
    }
}
