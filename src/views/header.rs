//! The trace header: name, id, start, duration, tokens (generation and embedding apart), cost, counts, session and user.

use crate::model::known::Figure;
use crate::model::pricing::Origin;
use crate::model::time::{format_duration, format_utc};
use crate::model::units::{format_count, plural};
use crate::model::WarningLevel;
use crate::state::{Data, Notices, ViewState};
use crate::views::cost::{cost_value, origin_note, total_text};
use leptos::prelude::*;

#[component]
pub fn TraceHeader(data: Data, view: ViewState, notices: Notices) -> impl IntoView {
    move || {
        let shown = view.current.get();
        let prices = data.prices();
        let loops = shown.map(|r| data.loops(r)).unwrap_or_default();
        data.with_shown(shown, |d, t| {
            let stat_titled = |label: &'static str, value: String, title: String| {
                view! {
                    <span class="stat" title=title>
                        <span class="stat-label">{label}</span>
                        <span class="stat-value">{value}</span>
                    </span>
                }
            };
            let stat = move |label: &'static str, value: String| stat_titled(label, value, String::new());
            let duration = match (t.duration_ns(), t.totals.in_progress) {
                (Some(d), 0) => format_duration(d),
                (Some(d), _) => format!("{} (running)", format_duration(d)),
                (None, _) => "running".to_string(),
            };
            let has_errors = t.totals.errors > 0;
            let scores: Vec<String> = d.trace_scores(t).map(|s| format!("{}: {}", s.name, s.value.display())).collect();
            view! {
                <div class="trace-header">
                    <h2 class="trace-name">{t.display_name().to_string()}</h2>
                    <div class="trace-id" title="Trace id">{t.id.clone()}</div>
                    <div class="stats">
                        {stat("start", format_utc(t.start_ns))}
                        {stat("duration", duration)}
                        {stat("observations", format_count(t.observations.len() as u64))}
                        {(t.totals.tokens > t.totals.embedding_tokens || t.totals.tokens_known.is_unknown()).then(|| {
                            // the header has room for the exact count
                            let n = t.totals.tokens - t.totals.embedding_tokens;
                            let (text, title) = total_text(t.totals.tokens_known, Figure::Tokens, format_count(n), String::new());
                            stat_titled("tokens", text, title)
                        })}
                        {(t.totals.embedding_tokens > 0)
                            .then(|| stat("embedding tokens", format_count(t.totals.embedding_tokens)))}
                        {{
                            let origin = t.cost_origin();
                            let note = origin_note(origin, t.totals.estimated_cost_usd, prices.as_deref());
                            let label = if origin == Some(Origin::Estimated) { "est. cost" } else { "cost" };
                            view! {
                                <span class="stat">
                                    <span class="stat-label">{label}</span>
                                    <span class="stat-value">{cost_value(t.cost_usd(), origin, t.cost_known(), note)}</span>
                                </span>
                            }
                        }}
                        {(prices.is_some() && !t.totals.unpriced.is_empty()).then(|| {
                            let names = t.totals.unpriced.join(", ");
                            let title = "No entry of the price table matches these models: their calls have no cost. Add their prices under Prices.";
                            view! {
                                <span class="stat unpriced" title=title>
                                    <span class="stat-label">"no price for"</span>
                                    <span class="stat-value">{names}</span>
                                </span>
                            }
                        })}
                        <span class="stat" class:has-errors=has_errors>
                            <span class="stat-label">"errors"</span>
                            <span class="stat-value">{format_count(t.totals.errors as u64)}</span>
                        </span>
                        {t.session_id.clone().map(|s| stat("session", s))}
                        {t.user_id.clone().map(|u| stat("user", u))}
                        {(!t.tags.is_empty()).then(|| stat("tags", t.tags.join(", ")))}
                        {(!scores.is_empty()).then(|| stat("scores", scores.join(" · ")))}
                    </div>
                    {crate::views::loops::panel(&loops, view)}
                    {(d.traces.len() > 1).then(|| view! { <CompareWith data=data view=view notices=notices/> })}
                    <Warnings data=data/>
                </div>
            }
            .into_any()
        })
    }
}

/// Candidates offered to compare with: traces of the same name first, then by start time.
const COMPARE_CHOICES: usize = 100;

/// Picks another loaded trace (by id, with suggestions) to compare the shown one with.
#[component]
fn CompareWith(data: Data, view: ViewState, notices: Notices) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let choices = Memo::new(move |_| {
        let shown = view.current.get();
        data.with_shown(shown, |d, me| {
            let rank =
                |t: &crate::model::Trace| (t.display_name() != me.display_name(), t.start_ns.abs_diff(me.start_ns));
            // only the first few are offered, kept in rank order as the traces pass (equal ranks in
            // file order): no sort of 100,000 traces on each switch, and no second sort compiled
            let mut best: Vec<((bool, u64), &crate::model::Trace)> = Vec::with_capacity(COMPARE_CHOICES + 1);
            for t in d.traces.iter().filter(|t| t.id != me.id) {
                let r = rank(t);
                let at = best.partition_point(|(b, _)| *b <= r);
                if at < COMPARE_CHOICES {
                    best.insert(at, (r, t));
                    best.truncate(COMPARE_CHOICES);
                }
            }
            best.into_iter()
                .map(|(_, t)| (t.id.clone(), format!("{} · {}", t.display_name(), format_utc(t.start_ns))))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    let go = move || {
        let id = text.get_untracked().trim().to_string();
        let found = data.with_untracked(|d| d.traces.iter().any(|t| t.id == id));
        if found {
            // the selection of the compare page is a step of the other trace
            view.selected.set(None);
            view.page.set(crate::state::Page::Compare(id));
        } else if !id.is_empty() {
            notices.push(crate::state::NoticeKind::NotLoaded, format!("No loaded trace has the id {id}"));
        }
    };
    view! {
        <form class="compare-with" on:submit=move |ev| {
            ev.prevent_default();
            go();
        }>
            <input
                id="compare-with"
                list="compare-candidates"
                placeholder="Compare with trace id…"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <datalist id="compare-candidates">
                {move || choices.get().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
            </datalist>
            <button class="btn small" type="submit" id="compare-go">"Compare"</button>
        </form>
    }
}

#[component]
fn Warnings(data: Data) -> impl IntoView {
    let warnings = Memo::new(move |_| {
        data.with(|d| d.warnings.iter().map(|w| (w.level(), format!("{}: {}", w.source, w.kind))).collect::<Vec<_>>())
    });
    move || {
        let w = warnings.get();
        (!w.is_empty()).then(|| {
            view! {
                <details class="warnings">
                    <summary>{plural(w.len(), "import warning", "import warnings")}</summary>
                    <ul>{w.into_iter().map(|(level, m)| view! { <li class=level_class(level)>{m}</li> }).collect_view()}</ul>
                </details>
            }
        })
    }
}

/// Each level of an import warning in its own style: an error the source reported stands out, a
/// notice (one page of a longer result, a note the file carries) does not.
fn level_class(level: WarningLevel) -> &'static str {
    match level {
        WarningLevel::Error => "import-error",
        WarningLevel::Warning => "import-warning",
        WarningLevel::Notice => "import-notice",
    }
}
