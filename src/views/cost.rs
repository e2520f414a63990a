//! A cost as it shows everywhere: reported costs as they are, estimated ones marked `≈` with a
//! tooltip saying where the price came from; totals no call carries as `–`, partial ones as `≥`.

use crate::model::known::{Figure, Known};
use crate::model::pricing::{Origin, PriceTable};
use crate::model::units::{format_cost, format_price};
use crate::model::Observation;
use leptos::prelude::*;

/// The text of a cost: `≈$0.0075` when some of it is estimated.
pub fn cost_text(usd: f64, origin: Option<Origin>) -> String {
    match origin {
        Some(o) if o.has_estimate() => format!("≈{}", format_cost(usd)),
        _ => format_cost(usd),
    }
}

/// What a trace-level figure is made of, for its tooltip.
pub fn origin_note(origin: Option<Origin>, estimated_usd: f64, table: Option<&PriceTable>) -> String {
    let dated = table.map(sources_line).unwrap_or_default();
    match origin {
        Some(Origin::Estimated) => format!("Estimated: token counts × list prices{dated}. The file carries no cost."),
        Some(Origin::Mixed) => format!(
            "Reported by the file, plus {} estimated from token counts × list prices{dated} for calls that carry no cost.",
            format_cost(estimated_usd)
        ),
        _ => "Reported by the file.".to_string(),
    }
}

/// ` (litellm==1.2.3, 2026-12-01; …)`: the table's sources and dates.
fn sources_line(t: &PriceTable) -> String {
    let parts: Vec<String> = t.sources.iter().map(|s| format!("{} of {}", s.key, s.date)).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// One call's price, for its tooltip: the entry, its prices and the source's date.
pub fn entry_note(o: &Observation, table: Option<&PriceTable>) -> Option<String> {
    let t = table?;
    let e = t.get(o.cost.estimated?)?;
    let rate = |label: &str, v: Option<f64>| v.map(|p| format!("{label} {}/M", format_price(p)));
    let rates: Vec<String> = [
        rate("input", e.input),
        rate("output", e.output),
        rate("cache read", e.cache_read),
        rate("cache write", e.cache_write),
        rate("reasoning", e.reasoning),
    ]
    .into_iter()
    .flatten()
    .collect();
    let source = match t.source_of(e) {
        Some(s) => format!("{} of {}", s.key, s.date),
        None if e.is_user() => "your own price (this browser)".to_string(),
        None => e.source.clone(),
    };
    // a table without its sources (a hand-made one) says nothing rather than "Source: ."
    let source = if source.is_empty() { String::new() } else { format!(" Source: {source}.") };
    Some(format!("Estimated with {} ({}): {}.{source}", e.name, e.provider, rates.join(", ")))
}

/// A total cost with its mark and tooltip: `–` (no `cost` class: no figure) when no call carries
/// one, `≥ …` when only some do. (A function, not a component: no props builder in the bundle.)
pub fn cost_value(usd: f64, origin: Option<Origin>, known: Known, note: String) -> impl IntoView {
    let estimated = origin.is_some_and(Origin::has_estimate);
    let (text, title) = total_text(known, Figure::Cost, cost_text(usd, origin), note);
    let class = if known.is_unknown() { "unknown" } else { "cost" };
    view! { <span class=class class:estimated=estimated title=title>{text}</span> }
}

/// A total's text and hover: `–` and why when no call carries it, `≥ …` and how many calls do
/// when some do, else `value`; `note` says what the figure is made of.
pub fn total_text(known: Known, figure: Figure, value: String, note: String) -> (String, String) {
    let title = match known.note(figure) {
        Some(why) if known.is_unknown() || note.is_empty() => why,
        Some(why) => format!("{why}. {note}"),
        None => note,
    };
    (known.show(value), title)
}
