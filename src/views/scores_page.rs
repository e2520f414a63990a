//! Scores: a card per score name, read by how many values it has. One value reads as one line
//! (name, value, source, count; its comment on hover); a few values as a bar each with its count;
//! many numbers as a histogram with its axis, mean and median. Clicking a value, a bar or a bin
//! filters the trace list to those traces.

use crate::model::pricing::Origin;
use crate::model::tracelist::{self, CostGroup, ScoreStats};
use crate::model::units::plural;
use crate::state::{Data, Page, ViewState};
use crate::views::cost::cost_text;
use crate::views::show::Show;
use leptos::prelude::*;

fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `cost per trace: ≥ 0.8 ≈$0.012 (14) · < 0.8 $0.004 (9) · +200 %`: the mean cost of each
/// group's traces, the first four groups, and the change from the last shown to the first. A
/// group's label (a category or a text, of any length) is cut by CSS, whole in its title.
fn cost_line(groups: &[CostGroup]) -> impl IntoView {
    let shown = &groups[..groups.len().min(4)];
    let mut tail = String::new();
    if let (Some(a), Some(b)) = (shown.first(), shown.last().filter(|_| shown.len() > 1)) {
        if b.mean_usd > 0.0 {
            tail = format!(" · {:+.0} %", (a.mean_usd / b.mean_usd - 1.0) * 100.0);
        }
    }
    if groups.len() > shown.len() {
        tail.push_str(&format!(" · and {} more", groups.len() - shown.len()));
    }
    let parts = shown
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let rest = format!(" {} ({})", cost_text(g.mean_usd, Origin::of(!g.estimated, g.estimated)), g.traces);
            view! {
                {(k > 0).then_some(" · ")}
                <span class="cost-label" title=g.label.clone()>{g.label.clone()}</span>
                {rest}
            }
        })
        .collect_view();
    view! {
        <div class="hint score-cost" title="Mean cost of the scored traces that have a cost, by score group (≈: some of it estimated from tokens × list prices)">
            "cost per trace: "{parts}{tail}
        </div>
    }
}

/// The numbers of a card's title: how many, of what types, from where, mean and median; for one
/// value only where from and how many.
fn summary(st: &ScoreStats) -> String {
    let count = plural(st.count, "score", "scores");
    if st.distinct <= 1 {
        return st.sources.iter().map(String::as_str).chain([count.as_str()]).collect::<Vec<_>>().join(" · ");
    }
    let mut s = format!(" {count} · {} · {}", st.types.join("/"), st.sources.join(", "));
    if let (Some(m), Some(md)) = (st.mean, st.median) {
        s.push_str(&format!(" · mean {} · median {}", num(m), num(md)));
    }
    s
}

/// Where `v` falls between `lo` and `hi`, as a CSS percentage.
fn at(v: f64, lo: f64, hi: f64) -> String {
    format!("{}%", if hi > lo { (v - lo) / (hi - lo) * 100.0 } else { 50.0 })
}

/// Many numbers: a bin per tenth of the range (a click filters to it), under it the range's ends
/// and middle, and the mean and median marked where they fall.
fn histogram(st: &ScoreStats, filter_to: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let name = &st.name;
    let (lo, hi) = (st.min.unwrap_or(0.0), st.max.unwrap_or(0.0));
    let max_bin = st.histogram.iter().map(|b| b.2).max().unwrap_or(1).max(1);
    let n_bins = st.histogram.len();
    let bins = st
        .histogram
        .iter()
        .enumerate()
        .map(|(k, &(a, b, c))| {
            let q = if k + 1 == n_bins {
                format!("{name}>={} {name}<={}", num(a), num(b))
            } else {
                format!("{name}>={} {name}<{}", num(a), num(b))
            };
            view! {
                <button class="bar" title=format!("{} – {}: {c}", num(a), num(b)) on:click=move |_| filter_to(q.clone())>
                    <span class="bar-fill" style:height=format!("{}%", c as f64 / max_bin as f64 * 100.0)></span>
                </button>
            }
        })
        .collect_view();
    let marks = [("mean", st.mean), ("median", st.median)].into_iter().filter_map(|(what, v)| {
        let v = v?;
        Some(view! { <span class=format!("hist-mark {what}") style:left=at(v, lo, hi) title=format!("{what} {}", num(v))>{what}</span> })
    });
    view! {
        <div class="histogram">{bins}{marks.collect_view()}</div>
        <div class="hist-axis">
            <span>{num(lo)}</span>
            <span>{num((lo + hi) / 2.0)}</span>
            <span>{num(hi)}</span>
        </div>
    }
}

/// One score name's card: its title, cost line, histogram (many numbers) and a bar per value. One
/// value reads as one line (name, value, source, count) by CSS alone (`.one-value`).
fn card(
    st: ScoreStats,
    cost: Option<Vec<CostGroup>>,
    filter_to: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let bars = st.bars();
    let max = bars.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let histogram = (st.values.is_empty() && !st.histogram.is_empty()).then(|| histogram(&st, filter_to));
    let bars = bars
        .into_iter()
        .map(|b| {
            let fill = format!("{}%", b.count as f64 / max as f64 * 100.0);
            let (q, title) = (b.query, b.label.clone());
            view! {
                <button class="value-bar" title=title disabled=q.is_none() on:click=move |_| if let Some(q) = &q { filter_to(q.clone()) }>
                    <span class="vb-label">{b.label}</span>
                    <span class="vb-track"><span class="vb-fill" style:width=fill></span></span>
                    <span class="vb-count">{b.count}</span>
                </button>
            }
        })
        .collect_view();
    let one = st.distinct <= 1;
    view! {
        <div class="score-card" class:one-value=one title=if one { st.comment.clone() } else { None }>
            <div class="score-title"><b class="score-name">{st.name.clone()}</b><span class="hint">{summary(&st)}</span></div>
            {cost.map(|g| cost_line(&g))}
            {histogram}
            <div class="value-bars">{bars}</div>
        </div>
    }
}

#[component]
pub fn ScoresPage(data: Data, view: ViewState) -> impl IntoView {
    let stats = Memo::new(move |_| data.with(|d| tracelist::score_stats(d, 10)));
    let costs = Memo::new(move |_| data.with(tracelist::cost_groups));
    let filter_to = move |q: String| {
        view.list_query.set(q);
        view.page.set(Page::Traces);
    };
    view! {
        <section class="scores-page">
            <Show when=move || stats.with(Vec::is_empty)>
                <p class="hint empty-note">"No scores in the loaded files."</p>
            </Show>
            {move || {
                stats
                    .get()
                    .into_iter()
                    .map(|st| {
                        let cost = costs.with(|c| c.get(&st.name).cloned());
                        card(st, cost, filter_to)
                    })
                    .collect_view()
            }}
        </section>
    }
}
