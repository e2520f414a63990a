//! Scores: one row per score name with count, types and sources, and its distribution (histogram
//! with mean and median for numbers, counts for categories and booleans). Clicking a bar or a
//! category filters the trace list to those traces.

use crate::model::pricing::Origin;
use crate::model::tracelist;
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
/// group's traces, the first four groups, and the change from the last shown to the first.
fn cost_line(groups: &[tracelist::CostGroup]) -> (String, String) {
    let shown = &groups[..groups.len().min(4)];
    let mut parts: Vec<String> = shown
        .iter()
        .map(|g| format!("{} {} ({})", g.label, cost_text(g.mean_usd, Origin::of(!g.estimated, g.estimated)), g.traces))
        .collect();
    if let (Some(a), Some(b)) = (shown.first(), shown.last().filter(|_| shown.len() > 1)) {
        if b.mean_usd > 0.0 {
            parts.push(format!("{:+.0} %", (a.mean_usd / b.mean_usd - 1.0) * 100.0));
        }
    }
    if groups.len() > shown.len() {
        parts.push(format!("and {} more", groups.len() - shown.len()));
    }
    let title = "Mean cost of the scored traces that have a cost, by score group (≈: some of it estimated from tokens × list prices)";
    (format!("cost per trace: {}", parts.join(" · ")), title.to_string())
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
                        let name = st.name.clone();
                        let max_bin = st.histogram.iter().map(|b| b.2).max().unwrap_or(1).max(1);
                        let max_cat = st.categories.iter().map(|c| c.1).max().unwrap_or(1).max(1);
                        let n_bins = st.histogram.len();
                        let cost = costs.with(|c| c.get(&st.name).map(|g| cost_line(g)));
                        view! {
                            <div class="score-card">
                                <div class="score-title">
                                    <b>{st.name.clone()}</b>
                                    <span class="hint">{format!(" {} · {} · {}", plural(st.count, "score", "scores"), st.types.join("/"), st.sources.join(", "))}</span>
                                    {st.mean.map(|m| view! { <span class="hint">{format!(" · mean {} · median {}", num(m), num(st.median.unwrap_or(m)))}</span> })}
                                </div>
                                {cost.map(|(line, title)| view! { <div class="hint score-cost" title=title>{line}</div> })}
                                <div class="histogram" class:empty=st.histogram.is_empty()>
                                    {st.histogram
                                        .iter()
                                        .enumerate()
                                        .map(|(k, &(lo, hi, c))| {
                                            let name = name.clone();
                                            let q = if k + 1 == n_bins { format!("{name}>={} {name}<={}", num(lo), num(hi)) } else { format!("{name}>={} {name}<{}", num(lo), num(hi)) };
                                            view! {
                                                <button class="bar" title=format!("{} – {}: {c}", num(lo), num(hi)) on:click=move |_| filter_to(q.clone())>
                                                    <span class="bar-fill" style:height=format!("{}%", c as f64 / max_bin as f64 * 100.0)></span>
                                                    <span class="bar-label">{num(lo)}</span>
                                                </button>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                                <div class="categories">
                                    {st.categories
                                        .iter()
                                        .map(|(cat, c)| {
                                            let q = format!("{}={}", name, cat);
                                            view! {
                                                <button class="category" on:click=move |_| filter_to(q.clone())>
                                                    <span class="cat-fill" style:width=format!("{}%", *c as f64 / max_cat as f64 * 100.0)></span>
                                                    <span class="cat-label">{format!("{cat}: {c}")}</span>
                                                </button>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </section>
    }
}
