//! Loops where they show: a `×7` badge on the trace list row and the tree row, and a "loops"
//! panel in the trace header with what each repeated, how often, and what it took.

use crate::model::loops::{Loop, LoopKind};
use crate::model::time::format_duration;
use crate::model::units::format_cost;
use crate::state::ViewState;
use leptos::prelude::*;

/// What a loop is, in words.
fn what(l: &Loop) -> String {
    match l.kind {
        LoopKind::RepeatedTool => format!("{} called {} times with the same arguments", l.label, l.calls.len()),
        LoopKind::RepeatedInput => format!("{} sent the same input {} times", l.label, l.calls.len()),
        LoopKind::Alternating => format!("{} taking turns {} times, answering the same", l.label, l.calls.len()),
        LoopKind::Runaway => format!("{} called {} times (its arguments change)", l.label, l.calls.len()),
    }
}

/// The badge of a trace or a step that loops: the largest loop's count.
pub fn badge(loops: &[Loop]) -> Option<AnyView> {
    let top = loops.first()?;
    let title = loops.iter().map(what).collect::<Vec<_>>().join("\n");
    Some(view! { <span class="loop-badge" title=title>{format!("⟳×{}", top.calls.len())}</span> }.into_any())
}

/// The badge of the observation `idx` when it is one of a loop's calls.
pub fn step_badge(loops: &[Loop], idx: u32) -> Option<AnyView> {
    let l = loops.iter().find(|l| l.calls.contains(&idx))?;
    Some(view! { <span class="loop-badge" title=what(l)>{format!("⟳×{}", l.calls.len())}</span> }.into_any())
}

/// The header's panel: one line per loop; a click selects its first call.
pub fn panel(loops: &[Loop], view: ViewState) -> Option<AnyView> {
    if loops.is_empty() {
        return None;
    }
    let summary = match loops.len() {
        1 => format!("⟳ loop: {}", what(&loops[0])),
        n => format!("⟳ {n} loops"),
    };
    let items = loops
        .iter()
        .map(|l| {
            let first = l.calls.first().copied();
            let cost = if l.cost_usd > 0.0 { format!(" · {}", format_cost(l.cost_usd)) } else { String::new() };
            let figures = format!(
                "{} · {} tokens{cost} · {:.0} % of the run{}",
                format_duration(l.duration_ns),
                crate::model::units::format_tokens(l.tokens),
                l.share * 100.0,
                if l.askers.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (with the {} that asked)",
                        crate::model::units::plural(l.askers.len(), "model call", "model calls")
                    )
                }
            );
            view! {
                <li>
                    <button class="link-button" on:click=move |_| view.selected.set(first)>{what(l)}</button>
                    <span class="hint">{format!(" — {figures}")}</span>
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <details class="loops-panel" open=loops.len() == 1>
                <summary>{summary}</summary>
                <ul>{items}</ul>
            </details>
        }
        .into_any(),
    )
}
