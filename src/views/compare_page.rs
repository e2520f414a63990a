//! Two traces side by side: a summary of what changed, the aligned steps (virtualized), and for
//! the chosen step its deltas and its input and output diffed as messages, JSON or words.

use crate::model::compare::{self, Change, ContentDiff, JsonChange, Owned, Pairing, Row};
use crate::model::units::{format_cost, format_tokens};
use crate::model::Trace;
use crate::state::{Data, Page, ViewState};
use crate::views::virtual_list::{epoch, Viewport, VirtualList};
use leptos::prelude::*;

const ROW_H: f64 = 26.0;

/// `12 ms → 30 ms (+150%)`, or one value when unchanged.
fn change(c: &Change<f64>, fmt: fn(f64) -> String) -> String {
    if c.before.is_nan() && c.after.is_nan() {
        return "–".into();
    }
    let show = |v: f64| if v.is_nan() { "–".to_string() } else { fmt(v) };
    if c.before == c.after {
        return show(c.after);
    }
    let pct = c.percent().filter(|p| p.is_finite()).map(|p| format!(" ({p:+.0}%)")).unwrap_or_default();
    format!("{} → {}{pct}", show(c.before), show(c.after))
}

/// A change whose sides nobody recorded read `–`, not `$0` (unknown is not zero).
fn known(c: Change<f64>, before: bool, after: bool) -> Change<f64> {
    let side = |known: bool, v: f64| if known { v } else { f64::NAN };
    Change { before: side(before, c.before), after: side(after, c.after) }
}

/// A cost change that holds an estimate, marked as everywhere else (`≈`).
fn estimated_mark(estimated: bool, text: String) -> String {
    if estimated {
        format!("≈ {text}")
    } else {
        text
    }
}

fn ms(v: f64) -> String {
    crate::model::time::format_duration((v * 1e6) as i64)
}

fn tokens(v: f64) -> String {
    format_tokens(v as u64)
}

fn count(v: f64) -> String {
    format!("{v}")
}

/// Word pieces as text spans: removed and added marked, the text itself never HTML.
fn pieces(p: &[Owned]) -> impl IntoView {
    p.iter()
        .map(|p| match p {
            Owned::Same(t) => view! { <span>{t.clone()}</span> }.into_any(),
            Owned::Removed(t) => view! { <del class="diff-del">{t.clone()}</del> }.into_any(),
            Owned::Added(t) => view! { <ins class="diff-add">{t.clone()}</ins> }.into_any(),
        })
        .collect_view()
}

fn json_changes(changes: &[JsonChange]) -> impl IntoView {
    let rows = changes
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td class="diff-path">{if c.path.is_empty() { "(value)".to_string() } else { c.path.clone() }}</td>
                    <td><del class="diff-del">{c.before.clone().unwrap_or_default()}</del></td>
                    <td><ins class="diff-add">{c.after.clone().unwrap_or_default()}</ins></td>
                </tr>
            }
        })
        .collect_view();
    view! { <table class="diff-json"><tbody>{rows}</tbody></table> }
}

fn content(title: &'static str, d: ContentDiff) -> impl IntoView {
    let body = match d {
        ContentDiff::Text(p) if p.iter().all(|x| matches!(x, Owned::Same(_))) => {
            view! { <p class="hint">"unchanged"</p> }.into_any()
        }
        ContentDiff::Text(p) => view! { <pre class="diff-text">{pieces(&p)}</pre> }.into_any(),
        ContentDiff::Json(c) if c.is_empty() => view! { <p class="hint">"unchanged"</p> }.into_any(),
        ContentDiff::Json(c) => json_changes(&c).into_any(),
        ContentDiff::Messages(m) => m
            .into_iter()
            .map(|m| {
                let class = match m.pairing {
                    Pairing::Added => "diff-msg added",
                    Pairing::Removed => "diff-msg removed",
                    _ => "diff-msg",
                };
                let calls = m
                    .tool_calls
                    .iter()
                    .map(|c| {
                        let name = if c.name.before == c.name.after {
                            c.name.after.clone()
                        } else {
                            format!("{} → {}", c.name.before, c.name.after)
                        };
                        view! {
                            <div class="diff-call">
                                <span class="diff-call-name">{format!("tool call {name}")}</span>
                                {json_changes(&c.arguments)}
                                {(!c.text.is_empty()).then(|| view! { <pre class="diff-text">{pieces(&c.text)}</pre> })}
                            </div>
                        }
                    })
                    .collect_view();
                view! {
                    <div class=class>
                        <span class="diff-role">{m.role.clone()}</span>
                        <pre class="diff-text">{pieces(&m.text)}</pre>
                        {calls}
                    </div>
                }
            })
            .collect_view()
            .into_any(),
    };
    view! {
        <section class="diff-section">
            <h4>{title}</h4>
            {body}
        </section>
    }
}

/// The deltas and content diffs of one aligned row.
fn step_detail(a: &Trace, b: &Trace, row: &Row) -> AnyView {
    let name = |t: &Trace, i: Option<u32>| i.map(|i| t.observations[i as usize].name.clone());
    match (row.a, row.b) {
        (Some(x), Some(y)) => {
            let (oa, ob) = (&a.observations[x as usize], &b.observations[y as usize]);
            let d = compare::step_delta(oa, ob);
            let title = if oa.name == ob.name { ob.name.clone() } else { format!("{} → {}", oa.name, ob.name) };
            let flag = |on: bool, text: &'static str| on.then(|| view! { <span class="diff-flag">{text}</span> });
            view! {
                <div class="compare-detail" id="compare-detail">
                    <h3>{title}</h3>
                    <div class="stats">
                        <span class="stat"><span class="stat-label">"duration"</span><span class="stat-value">{change(&d.duration_ms, ms)}</span></span>
                        <span class="stat"><span class="stat-label">"tokens"</span><span class="stat-value">{change(&d.tokens, tokens)}</span></span>
                        <span class="stat"><span class="stat-label">"cost"</span><span class="stat-value">{estimated_mark(oa.cost.estimated.is_some() || ob.cost.estimated.is_some(), change(&known(d.cost_usd, oa.cost.total.is_some(), ob.cost.total.is_some()), format_cost))}</span></span>
                        {d.model.as_ref().map(|m| view! {
                            <span class="stat"><span class="stat-label">"model"</span><span class="stat-value">{format!("{} → {}", m.before, m.after)}</span></span>
                        })}
                    </div>
                    <div class="diff-flags">
                        {flag(d.error.before != d.error.after, if d.error.after { "now fails" } else { "no longer fails" })}
                    </div>
                    {d.parameters_changed.then(|| content("Parameters", compare::content_diff(oa.model_parameters.as_ref(), ob.model_parameters.as_ref())))}
                    {content("Input", compare::content_diff(oa.input.as_ref(), ob.input.as_ref()))}
                    {content("Output", compare::content_diff(oa.output.as_ref(), ob.output.as_ref()))}
                </div>
            }
            .into_any()
        }
        _ => {
            let (what, n) = match row.pairing {
                Pairing::Removed => ("only in the first trace", name(a, row.a)),
                _ => ("only in the second trace", name(b, row.b)),
            };
            view! {
                <div class="compare-detail" id="compare-detail">
                    <h3>{n.unwrap_or_default()}</h3>
                    <p class="hint">{format!("This step is {what}.")}</p>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
pub fn ComparePage(data: Data, view: ViewState, other: String) -> impl IntoView {
    let other_id = StoredValue::new(other);
    let b_index = Memo::new(move |_| {
        data.generation();
        data.with(|d| d.traces.iter().position(|t| other_id.with_value(|o| &t.id == o)))
    });
    let rows = Memo::new(move |_| {
        data.generation();
        let (Some(a), Some(b)) = (view.trace.get(), b_index.get()) else { return Vec::new() };
        data.with(|d| compare::align(&d.traces[a], &d.traces[b]))
    });
    // a row with a step of B is selected through the app's selection (so it is in the address);
    // a removed step (only in A) only here
    let removed_pick = RwSignal::new(None::<usize>);
    let selected = Memo::new(move |_| {
        if let Some(k) = removed_pick.get() {
            return Some(k);
        }
        let b = view.selected.get()?;
        rows.with(|r| r.iter().position(|row| row.b == Some(b)))
    });
    let pick = move |k: usize| {
        let b = rows.with_untracked(|r| r.get(k).and_then(|row| row.b));
        match b {
            Some(b) => {
                removed_pick.set(None);
                view.selected.set(Some(b));
            }
            None => {
                view.selected.set(None);
                removed_pick.set(Some(k));
            }
        }
    };
    let viewport = Viewport::new(ROW_H);
    // back on a trace page the selection means a step of that trace again
    on_cleanup(move || view.selected.set(None));
    let reveal = move |k: usize| {
        pick(k);
        viewport.cursor.set(Some(k));
        viewport.show_near_top(k, 2);
    };

    let summary = move || {
        let (Some(a), Some(b)) = (view.trace.get(), b_index.get()) else {
            return view! { <p class="hint">"The trace to compare with is not loaded."</p> }.into_any();
        };
        data.with(|d| {
            let (ta, tb) = (&d.traces[a], &d.traces[b]);
            let s = rows.with(|r| compare::summary(ta, tb, r, &d.scores));
            let stat = |label: &'static str, value: String| {
                view! { <span class="stat"><span class="stat-label">{label}</span><span class="stat-value">{value}</span></span> }
            };
            let scores = s
                .scores
                .iter()
                .map(|c| {
                    let text = match &c.numeric {
                        Some(n) => change(n, |v| format!("{:.3}", v).trim_end_matches('0').trim_end_matches('.').to_string()),
                        None => format!("{} → {}", c.before.as_deref().unwrap_or("—"), c.after.as_deref().unwrap_or("—")),
                    };
                    view! { <li><span class="stat-label">{c.name.clone()}</span>" "{text}</li> }
                })
                .collect_view();
            let most = s
                .most_changed
                .iter()
                .map(|&k| {
                    let label = rows.with(|r| {
                        let r = &r[k];
                        r.b.map(|i| tb.observations[i as usize].name.clone()).unwrap_or_default()
                    });
                    view! { <li><button class="link-button most-changed" on:click=move |_| reveal(k)>{label}</button></li> }
                })
                .collect_view();
            view! {
                <div class="compare-summary" id="compare-summary">
                    <h2 class="compare-title">
                        <span class="compare-a">{ta.display_name().to_string()}</span>
                        " ↔ "
                        <span class="compare-b">{tb.display_name().to_string()}</span>
                    </h2>
                    <div class="stats">
                        {stat("duration", change(&s.duration_ms, ms))}
                        {stat("tokens", change(&known(s.tokens, !ta.totals.tokens_known.is_unknown(), !tb.totals.tokens_known.is_unknown()), tokens))}
                        {stat("cost", estimated_mark(
                            [ta.cost_origin(), tb.cost_origin()].iter().flatten().any(|o| o.has_estimate()),
                            change(&known(s.cost_usd, !ta.cost_known().is_unknown(), !tb.cost_known().is_unknown()), format_cost),
                        ))}
                        {stat("errors", change(&s.errors, count))}
                        {stat("steps", format!("{} same, {} renamed, {} added, {} removed", s.same, s.renamed, s.added, s.removed))}
                    </div>
                    {(!s.scores.is_empty()).then(|| view! { <ul class="compare-scores">{scores}</ul> })}
                    {(!s.most_changed.is_empty()).then(|| view! {
                        <div class="compare-most"><span class="stat-label">"changed most"</span><ul>{most}</ul></div>
                    })}
                    <button class="btn small" id="compare-swap" on:click=move |_| {
                        let (Some(a), Some(b)) = (view.trace.get_untracked(), b_index.get_untracked()) else { return };
                        let a_id = data.with_untracked(|d| d.traces[a].id.clone());
                        view.selected.set(None);
                        removed_pick.set(None);
                        view.show_trace(Some(b));
                        view.page.set(Page::Compare(a_id));
                    }>"Swap sides"</button>
                </div>
            }
            .into_any()
        })
    };

    view! {
        <main class="compare-page">
            {summary}
            <div class="compare-split">
                <VirtualList
                    viewport=viewport
                    len=Signal::derive(move || rows.with(Vec::len))
                    item=Callback::new(|k| k as u64)
                    epoch=Signal::derive(move || epoch(view.trace.get(), data.generation()) ^ epoch(b_index.get(), 0).rotate_left(17))
                    class="compare-rows"
                    label="Steps of both traces"
                    on_enter=Callback::new(pick)
                    row=Callback::new(move |(k, _): (usize, u64)| {
                        let (a_name, b_name, class, depth, delta) = data.with_untracked(|d| {
                            let (Some(a), Some(b)) = (view.trace.get_untracked(), b_index.get_untracked()) else {
                                return Default::default();
                            };
                            let (ta, tb) = (&d.traces[a], &d.traces[b]);
                            rows.with_untracked(|r| {
                                let Some(row) = r.get(k) else { return Default::default() };
                                let n = |t: &Trace, i: Option<u32>| i.map(|i| t.observations[i as usize].name.clone()).unwrap_or_default();
                                let delta = match (row.a, row.b) {
                                    (Some(x), Some(y)) => change(&compare::duration_ms(&ta.observations[x as usize], &tb.observations[y as usize]), ms),
                                    _ => String::new(),
                                };
                                let class = match row.pairing {
                                    Pairing::Same => "compare-row same",
                                    Pairing::Renamed => "compare-row renamed",
                                    Pairing::Added => "compare-row added",
                                    Pairing::Removed => "compare-row removed",
                                };
                                (n(ta, row.a), n(tb, row.b), class, row.depth, delta)
                            })
                        });
                        let indent = format!("{}px", depth.min(60) as f64 * 12.0 + 6.0);
                        // a cut name or change reads whole on hover
                        let title = format!("{a_name} | {b_name}  {delta}");
                        view! {
                            <div
                                class=class
                                title=title
                                class:selected=move || selected.get() == Some(k)
                                class:cursor=move || viewport.cursor.get() == Some(k)
                                style:top=viewport.top(k)
                                on:click=move |_| {
                                    viewport.cursor.set(Some(k));
                                    pick(k);
                                }
                            >
                                <span class="compare-cell" style:padding-left=indent.clone()>{a_name}</span>
                                <span class="compare-cell" style:padding-left=indent>{b_name}</span>
                                <span class="compare-delta">{delta}</span>
                            </div>
                        }
                    }.into_any())
                />
                <div class="compare-side">
                    {move || {
                        let k = selected.get()?;
                        let (a, b) = (view.trace.get()?, b_index.get()?);
                        let row = rows.with(|r| r.get(k).cloned())?;
                        Some(data.with(|d| step_detail(&d.traces[a], &d.traces[b], &row)))
                    }}
                    {move || selected.get().is_none().then(|| view! { <p class="hint">"Choose a step to see what changed in it."</p> })}
                </div>
            </div>
        </main>
    }
}
