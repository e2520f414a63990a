//! Sessions: the list of conversations, and one session read like the conversation it was —
//! each trace a turn with the user's input and the final output, gaps between turns, its tree on
//! demand, and a timeline of the whole session.

use crate::model::known::Figure;
use crate::model::messages;
use crate::model::time::{format_duration, format_utc};
use crate::model::tracelist;
use crate::model::units::{format_count, format_tokens, plural};
use crate::model::TraceSet;
use crate::state::{Data, Page, ViewState};
use crate::views::cost::{cost_text, origin_note, total_text};
use crate::views::show::Show;
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;

const PREVIEW_CHARS: usize = 400;

const ROW_H: f64 = 30.0;
/// The sessions table's columns: session, user, traces, first, duration, tokens, cost, errors, scores.
const COLUMNS: &str = "280px 180px 70px 190px 90px 80px 100px 70px 260px";

#[component]
pub fn SessionsPage(data: Data, view: ViewState) -> impl IntoView {
    let sessions = Memo::new(move |_| data.with(tracelist::sessions));
    let viewport = Viewport::new(ROW_H);
    let open = move |pos: usize| {
        if let Some(id) = sessions.with_untracked(|s| s.get(pos).map(|s| s.id.clone())) {
            view.page.set(Page::Session(id));
        }
    };
    view! {
        <section class="sessions-page">
            <Show when=move || sessions.with(Vec::is_empty)>
                <p class="hint empty-note">"No sessions: none of the loaded traces carries a session id."</p>
            </Show>
            <VirtualList
                viewport=viewport
                len=Signal::derive(move || sessions.with(Vec::len))
                item=Callback::new(|pos| pos as u64)
                epoch=data.rows_epoch()
                class="table-scroll sessions-table"
                label="Sessions"
                role="grid"
                header=move || view! {
                    <div class="table-head" role="row" style:grid-template-columns=COLUMNS>
                        <span class="th">"Session"</span><span class="th">"User"</span><span class="th">"Traces"</span>
                        <span class="th">"First"</span><span class="th">"Duration"</span><span class="th">"Tokens"</span>
                        <span class="th">"Cost"</span><span class="th">"Errors"</span><span class="th">"Scores"</span>
                    </div>
                }
                on_enter=Callback::new(open)
                row=Callback::new(move |(pos, _): (usize, u64)| {
                    let Some(s) = sessions.with_untracked(|s| s.get(pos).cloned()) else { return ().into_any() };
                    let scores = s.scores.iter().map(|sc| format!("{}: {}", sc.name, sc.value.display())).collect::<Vec<_>>().join(", ");
                    let same = |text: String| (text.clone(), text);
                    let exact = format!("{} tokens", format_count(s.tokens));
                    let cells = [
                        same(s.id.clone()),
                        same(s.user.clone().unwrap_or_default()),
                        same(format_count(s.traces.len() as u64)),
                        same(format_utc(s.first_ns)),
                        same(format_duration(s.duration_ns())),
                        total_text(s.tokens_known, Figure::Tokens, format_tokens(s.tokens), exact),
                        total_text(s.cost_known, Figure::Cost, cost_text(s.cost_usd, s.cost_origin), String::new()),
                        same(format_count(s.errors as u64)),
                        same(scores),
                    ];
                    view! {
                        <div
                            class="tr session-row"
                            role="row"
                            class:has-errors={s.errors > 0}
                            class:cursor=move || viewport.cursor.get() == Some(pos)
                            style:top=viewport.top(pos)
                            style:grid-template-columns=COLUMNS
                            on:click=move |_| {
                                viewport.cursor.set(Some(pos));
                                open(pos);
                            }
                        >
                            {cells.into_iter().map(|(c, title)| view! { <span class="td" role="gridcell" title=title>{c}</span> }).collect_view()}
                        </div>
                    }
                    .into_any()
                })
            />
        </section>
    }
}

/// A turn's question or answer (`messages::trace_said`: the last user or assistant text, from an
/// agent's state too), cut to a preview.
fn preview(t: &crate::model::Trace, side: messages::Side) -> String {
    let text = messages::trace_said(t, side).unwrap_or_default();
    let cut: String = text.chars().take(PREVIEW_CHARS).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[component]
pub fn SessionPage(data: Data, view: ViewState, id: String) -> impl IntoView {
    let summary = Memo::new(move |_| data.with(|d| tracelist::sessions(d).into_iter().find(|s| s.id == id)));
    move || {
        let Some(s) = summary.get() else {
            return view! { <p class="hint">"This session is not loaded."</p> }.into_any();
        };
        data.with(|d| session_view(d, s, view)).into_any()
    }
}

fn session_view(d: &TraceSet, s: tracelist::SessionSummary, view: ViewState) -> impl IntoView {
    let span = s.duration_ns().max(1) as f64;
    let scores =
        s.scores.iter().map(|sc| (sc.name.clone(), sc.value.display(), sc.comment.clone())).collect::<Vec<_>>();
    let tokens = total_text(s.tokens_known, Figure::Tokens, format_count(s.tokens), String::new());
    let note = origin_note(s.cost_origin, 0.0, None);
    let cost = total_text(s.cost_known, Figure::Cost, cost_text(s.cost_usd, s.cost_origin), note);
    let mut prev_end: Option<i64> = None;
    let mut turns = Vec::new();
    let mut bars = Vec::new();
    for (n, &ti) in s.traces.iter().enumerate() {
        let t = &d.traces[ti];
        let end = t.totals.end_ns.unwrap_or(t.start_ns);
        if let Some(pe) = prev_end {
            let gap = t.start_ns.saturating_sub(pe);
            if gap > 0 {
                turns.push(
                    view! { <div class="turn-gap">{format!("⋯ {} later", format_duration(gap))}</div> }.into_any(),
                );
            }
        }
        prev_end = Some(prev_end.map_or(end, |p| p.max(end)));
        let left = t.start_ns.saturating_sub(s.first_ns) as f64 / span * 100.0;
        let width = (end.saturating_sub(t.start_ns) as f64 / span * 100.0).max(0.4);
        bars.push(view! {
            <div class="session-bar" class:has-errors={t.totals.errors > 0} style:left=format!("{left}%") style:width=format!("{width}%")
                title=format!("turn {}: {} ({})", n + 1, t.display_name(), t.duration_ns().map(format_duration).unwrap_or_default())
                on:click=move |_| view.open_trace(ti, None)></div>
        }.into_any());
        let turn_scores =
            d.trace_scores(t).map(|sc| format!("{}: {}", sc.name, sc.value.display())).collect::<Vec<_>>().join(" · ");
        let steps: Vec<(u32, u32, String, String)> = t
            .tree
            .preorder
            .iter()
            .map(|&i| {
                (
                    i,
                    t.tree.depth[i as usize],
                    t.observations[i as usize].kind.label().to_string(),
                    t.observations[i as usize].name.clone(),
                )
            })
            .take(500)
            .collect();
        turns.push(view! {
            <div class="turn" class:has-errors={t.totals.errors > 0}>
                <div class="turn-head">
                    <span class="turn-no">{format!("Turn {}", n + 1)}</span>
                    <span class="turn-name">{t.display_name().to_string()}</span>
                    <span class="hint">{format_utc(t.start_ns)}</span>
                    <span class="turn-metrics">
                        {t.duration_ns().map(format_duration).unwrap_or_else(|| "running".into())}
                        {t.has_cost().then(|| format!(" · {}", t.cost_known().show(cost_text(t.cost_usd(), t.cost_origin()))))}
                        {(t.totals.errors > 0).then(|| view! { <span class="err-mark">{plural(t.totals.errors, "error", "errors")}</span> })}
                    </span>
                    <button class="btn tiny" on:click=move |_| view.open_trace(ti, None)>"open"</button>
                </div>
                <div class="turn-user"><span class="message-role">"user"</span>{preview(t, messages::Side::Input)}</div>
                <div class="turn-answer"><span class="message-role">"answer"</span>{preview(t, messages::Side::Output)}</div>
                {(!turn_scores.is_empty()).then(|| view! { <div class="hint">{format!("scores: {turn_scores}")}</div> })}
                <details class="turn-tree">
                    <summary>{plural(t.observations.len(), "step", "steps")}</summary>
                    <ul>
                        {steps
                            .into_iter()
                            .map(|(i, depth, kind, name)| view! {
                                <li style:padding-left=format!("{}px", depth.min(30) * 14) on:click=move |_| view.open_trace(ti, Some(i))>
                                    <span class=format!("kind kind-{kind}")>{kind.clone()}</span>" "{name}
                                </li>
                            })
                            .collect_view()}
                    </ul>
                </details>
            </div>
        }.into_any());
    }
    view! {
        <section class="session-page">
            <div class="trace-header">
                <button class="btn small" on:click=move |_| view.page.set(Page::Sessions)>"← Sessions"</button>
                <h2 class="trace-name">{format!(" Session {}", s.id)}</h2>
                <div class="stats">
                    <span class="stat"><span class="stat-label">"user"</span>{s.user.clone().unwrap_or_default()}</span>
                    <span class="stat"><span class="stat-label">"turns"</span>{format_count(s.traces.len() as u64)}</span>
                    <span class="stat"><span class="stat-label">"duration"</span>{format_duration(s.duration_ns())}</span>
                    <span class="stat" title=tokens.1><span class="stat-label">"tokens"</span>{tokens.0}</span>
                    <span class="stat" title=cost.1><span class="stat-label">"cost"</span>{cost.0}</span>
                    <span class="stat"><span class="stat-label">"errors"</span>{format_count(s.errors as u64)}</span>
                    {scores.into_iter().map(|(n, v, c)| view! { <span class="stat score-chip" title=c.unwrap_or_default()><span class="stat-label">{n}</span>{v}</span> }).collect_view()}
                </div>
                <div class="session-timeline" title="the whole session: one bar per turn">{bars}</div>
            </div>
            <div class="turns">{turns}</div>
        </section>
    }
}
