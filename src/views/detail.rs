//! Detail pane of the selected observation: times, model, usage, cost, status, payloads, attributes, events.

use crate::model::known::{Figure, Known};
use crate::model::messages::Message;
use crate::model::pricing::{line_items, PriceTable};
use crate::model::time::{format_duration, format_utc};
use crate::model::transcript::BlockKind;
use crate::model::units::{format_cost, format_count, format_price, format_tokens, plural};
use crate::model::{facts, AttrValue, Attribute, Decoded, Kind, Level, Observation, Trace, TraceSet};
use crate::state::{Data, ViewState};
use crate::views::copy::CopyButton;
use crate::views::kind_class;
use crate::views::payload::{LongText, Messages, PayloadView};
use leptos::prelude::*;

#[component]
pub fn Detail(data: Data, view: ViewState) -> impl IntoView {
    view! {
        <section class="detail" id="detail-pane" tabindex="-1" aria-label="Observation detail" class:open=move || view.selected.get().is_some()>
            // on a narrow screen the detail covers the tree (style/phone.css): this, or the
            // browser's back, returns to it
            <button class="btn detail-back" id="detail-back" on:click=move |_| view.selected.set(None)>"← Back"</button>
            {move || {
                let (shown, sel) = (view.current.get(), view.selected.get());
                let prices = data.prices();
                // what a model call was sent that its agent's previous call had not: the transcript's turn
                let since = match (shown, sel) {
                    (Some(r), Some(i)) => data.transcript(r).blocks.iter().find_map(|b| match &b.kind {
                        BlockKind::Turn { context, new, .. } if b.obs == i => Some((*context, new.clone())),
                        _ => None,
                    }),
                    _ => None,
                };
                data.with_shown(shown, |d, t| match sel.map(|i| (i, t.observations.get(i as usize))) {
                    Some((i, Some(o))) => observation_view(d, t, o, i, prices.as_deref(), since).into_any(),
                    Some((_, None)) => view! { <p class="hint">"Select an observation."</p> }.into_any(),
                    None => trace_view(t).into_any(),
                })
            }}
        </section>
    }
}

fn trace_view(t: &Trace) -> impl IntoView {
    view! {
        <div class="detail-body">
            <p class="hint">"Select an observation in the tree (or use ↑/↓) to see its details."</p>
            {t.input_payload().cloned().map(|p| section("Trace input", view! { <PayloadView payload=p field="trace-input"/> }))}
            {t.output_payload().cloned().map(|p| section("Trace output", view! { <PayloadView payload=p field="trace-output"/> }))}
            {(!t.attributes.is_empty()).then(|| section("Trace metadata", attributes_table(&t.attributes)))}
        </div>
    }
}

/// The cost's rows: for an estimate, each kind of token at its rate (`1,204 input × $2.50/M`);
/// for a reported cost, the file's own breakdown.
fn cost_rows(o: &Observation, prices: Option<&PriceTable>) -> Vec<(String, String)> {
    let entry = o.cost.estimated.and_then(|at| prices?.get(at));
    let mut rows: Vec<(String, String)> = match entry {
        Some(e) => line_items(&o.usage, e)
            .into_iter()
            .map(|l| {
                let what = format!(
                    "{} {} × {}/M",
                    format_count(l.tokens),
                    l.kind.replace('_', " "),
                    format_price(l.per_million)
                );
                (what, format_cost(l.usd))
            })
            .collect(),
        None => o.cost.details.iter().map(|(k, v)| (k.clone(), format_cost(*v))).collect(),
    };
    let total = if entry.is_some() {
        format!("≈{}", format_cost(o.cost.total_usd()))
    } else {
        format_cost(o.cost.total_usd())
    };
    rows.push(("total".into(), total));
    rows
}

/// A titled part of the pane. Takes and returns erased views: one copy of this code for all 16 callers.
fn section(title: &'static str, body: impl IntoView + 'static) -> AnyView {
    section_erased(title, body.into_any())
}

fn section_erased(title: &'static str, body: AnyView) -> AnyView {
    view! {
        <div class="detail-section">
            <h4>{title}</h4>
            {body}
        </div>
    }
    .into_any()
}

/// "Since the previous call": the messages new to this call, how many were resent, and how full
/// the context was.
fn since_view(context: usize, new: Vec<Message>, used: Option<String>) -> AnyView {
    let said = match (context, new.len()) {
        (0, n) => format!("{n} message{}, none resent from this agent's previous call", if n == 1 { "" } else { "s" }),
        (c, n) => format!(
            "{n} new message{}, after {c} earlier one{} resent as context",
            if n == 1 { "" } else { "s" },
            if c == 1 { "" } else { "s" }
        ),
    };
    section(
        "Since the previous call",
        view! {
            <p class="hint since-summary">{said}{used.map(|u| format!(" · context {u}"))}</p>
            {(!new.is_empty()).then(|| view! { <Messages msgs=new/> })}
        },
    )
}

fn observation_view(
    d: &TraceSet,
    t: &Trace,
    o: &Observation,
    idx: u32,
    prices: Option<&PriceTable>,
    since: Option<(usize, Vec<Message>)>,
) -> impl IntoView {
    let key = t.tree.key(&t.observations, idx);
    let link = deep_link(&t.id, &key);
    let json = crate::import::canopy::observation_json(o);
    let kind_panel = kind_panel(t, o, idx);
    let (input_title, output_title) = match o.kind {
        Kind::Tool => ("Arguments", "Result"),
        Kind::Retriever | Kind::Reranker => ("Query", "Output"),
        Kind::Embedding => ("Input text", "Output"),
        _ => ("Input", "Output"),
    };
    let start_offset = o.start_ns.saturating_sub(t.start_ns);
    let mut facts: Vec<(&'static str, String)> = vec![
        ("start", format!("{} (+{})", format_utc(o.start_ns), format_duration(start_offset))),
        ("duration", o.duration_ns().map(format_duration).unwrap_or_else(|| "running (no end time)".into())),
    ];
    if t.tree.has_children(idx) {
        facts.push(("self time", format_duration(crate::model::timeline::self_time(t, idx))));
    }
    if let Some(cs) = o.completion_start_ns {
        facts.push(("time to first token", format_duration(cs.saturating_sub(o.start_ns))));
    }
    if let Some(m) = &o.model {
        facts.push(("model", m.to_string()));
    }
    let context = prices.and_then(|p| crate::model::pricing::context_use(o, p));
    if let Some((used, window)) = context {
        let share = used as f64 / window as f64 * 100.0;
        let warn = if share >= 80.0 { " — nearly full" } else { "" };
        let pct = if share < 0.1 { "<0.1".to_string() } else { format!("{share:.1}") };
        facts.push(("context", format!("{} of {} tokens ({pct} %){warn}", format_tokens(used), format_tokens(window))));
    }
    let context_text = facts.iter().find(|(k, _)| *k == "context").map(|(_, v)| v.clone());
    if let Some(tn) = &o.tool_name {
        facts.push(("tool", tn.clone()));
    }
    facts.push(("id", o.id.clone()));
    if let Some(p) = &o.parent_id {
        facts.push(("parent id", p.clone()));
    }
    let usage = (!o.usage.is_empty()).then(|| {
        let mut rows: Vec<(String, String)> = Vec::new();
        // exact counts: the detail has room for them
        if let Some(v) = o.usage.input {
            rows.push(("input".into(), format_count(v)));
        }
        if let Some(v) = o.usage.output {
            rows.push(("output".into(), format_count(v)));
        }
        rows.push(("total".into(), format_count(o.usage.total_tokens())));
        for (k, v) in &o.usage.details {
            rows.push((k.clone(), format_count(*v)));
        }
        rows
    });
    let counted =
        t.totals.usage_counted.get(t.observations.iter().position(|x| std::ptr::eq(x, o)).unwrap_or(0)).copied();
    let cost = (!o.cost.is_empty()).then(|| cost_rows(o, prices));
    let cost_note = crate::views::cost::entry_note(o, prices);
    let unpriced = (prices.is_some() && o.cost.is_empty() && counted == Some(true))
        .then(|| {
            o.model
                .as_ref()
                .map(|m| format!("No price for {m}: no entry of the price table matches it. Add one under Prices."))
        })
        .flatten();
    let scores: Vec<(String, String, Option<String>)> =
        d.observation_scores(t, o).map(|s| (s.name.clone(), s.value.display(), s.comment.clone())).collect();
    let exceptions: Vec<_> = o.events.iter().filter(|e| e.is_exception()).cloned().collect();
    let other_events: Vec<_> = o.events.iter().filter(|e| !e.is_exception()).cloned().collect();
    let level = o.level;
    let status = o.status_message.clone();
    view! {
        <div class="detail-body">
            <div class="detail-title">
                <span class=kind_class(o.kind)>{o.kind.label()}</span>
                <h3>{o.name.clone()}</h3>
            </div>
            <div class="detail-copy">
                <CopyButton what="observation id" text=o.id.clone()/>
                <span class="copy-label">"id"</span>
                <CopyButton what="observation as JSON" text=json/>
                <span class="copy-label">"JSON"</span>
                <CopyButton what="link" text=link/>
                <span class="copy-label">"link"</span>
            </div>
            {(level != Level::Default || status.is_some())
                .then(|| {
                    view! {
                        <div class="status" class:status-error=level == Level::Error class:status-warning=level == Level::Warning>
                            <b>{level.label().to_ascii_uppercase()}</b>
                            {status.map(|s| view! { <span class="status-message">{s}</span> })}
                        </div>
                    }
                })}
            {exceptions
                .into_iter()
                .map(|e| {
                    let get = |k: &str| e.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
                    let head = [get("exception.type"), get("exception.message")].into_iter().flatten().collect::<Vec<_>>().join(": ");
                    view! {
                        <div class="exception">
                            <b>{if head.is_empty() { "exception".to_string() } else { head }}</b>
                            {get("exception.stacktrace").map(|s| view! { <pre class="stacktrace">{s}</pre> })}
                        </div>
                    }
                })
                .collect_view()}
            <dl class="facts">
                {facts
                    .into_iter()
                    .map(|(k, v)| view! { <dt>{k}</dt><dd><span>{v.clone()}</span><CopyButton what=k text=v/></dd> })
                    .collect_view()}
            </dl>
            {usage.map(|rows| {
                section(
                    "Usage (tokens)",
                    view! {
                        {kv_table(rows)}
                        {(counted == Some(false))
                            .then(|| view! { <p class="hint">"Not added to the trace total: observations below it carry the same usage."</p> })}
                    },
                )
            })}
            {cost.map(|rows| {
                let title = if cost_note.is_some() { "Cost (USD, estimated)" } else { "Cost (USD)" };
                section(title, view! { {kv_table(rows)} {cost_note.map(|n| view! { <p class="hint cost-note">{n}</p> })} })
            })}
            {unpriced.map(|n| section("Cost (USD)", view! { <p class="hint">{n}</p> }))}
            {(!scores.is_empty())
                .then(|| {
                    section(
                        "Scores",
                        view! {
                            <ul class="scores">
                                {scores
                                    .into_iter()
                                    .map(|(n, v, c)| {
                                        let title = c.clone().unwrap_or_default();
                                        view! { <li title=title><b>{n}</b>": "{v}{c.map(|c| view! { <div class="score-comment">{c}</div> })}</li> }
                                    })
                                    .collect_view()}
                            </ul>
                        },
                    )
                })}
            {kind_panel}
            {since.map(|(c, new)| since_view(c, new, context_text.clone()))}
            {o.input.clone().map(|p| section(input_title, view! { <PayloadView payload=p field="input"/> }))}
            {o.output.clone().map(|p| section(output_title, view! { <PayloadView payload=p field="output"/> }))}
            {(!o.documents.is_empty())
                .then(|| {
                    section(
                        "Documents",
                        view! {
                            <ol class="documents">
                                {o.documents
                                    .iter()
                                    .map(|doc| {
                                        let title = [doc.id.clone(), doc.score.map(|s| format!("score {s:.3}"))].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                        view! {
                                            <li>
                                                {(!title.is_empty()).then(|| view! { <div class="doc-meta">{title}</div> })}
                                                <details class="doc-body">
                                                    <summary>{preview(doc.content.as_deref().unwrap_or(""))}</summary>
                                                    <LongText text=doc.content.clone().unwrap_or_default() class="doc-content"/>
                                                </details>
                                                {doc.metadata.clone().map(|m| view! { <div class="doc-meta">{m}</div> })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        },
                    )
                })}
            {o.model_parameters.clone().map(|p| section("Model parameters", view! { <PayloadView payload=p field="model-parameters"/> }))}
            {(!o.attributes.is_empty()).then(|| section("Metadata and attributes", attributes_table(&o.attributes)))}
            {(!other_events.is_empty())
                .then(|| {
                    let start = o.start_ns;
                    section(
                        "Events",
                        view! {
                            <ul class="events">
                                {other_events
                                    .into_iter()
                                    .map(|e| {
                                        let attrs = e.attributes.iter().map(|a| format!("{}={}", a.key, a.value.display())).collect::<Vec<_>>().join(", ");
                                        view! { <li><b>{e.name.clone()}</b>{format!(" +{} ", format_duration(e.time_ns.saturating_sub(start)))}<span class="event-attrs">{attrs}</span></li> }
                                    })
                                    .collect_view()}
                            </ul>
                        },
                    )
                })}
        </div>
    }
}

fn kv_table(rows: Vec<(String, String)>) -> impl IntoView {
    view! {
        <table class="kv">
            <tbody>{rows.into_iter().map(|(k, v)| view! { <tr><th>{k}</th><td>{v}</td></tr> }).collect_view()}</tbody>
        </table>
    }
}

/// Attributes as rows; a JSON metadata object is spread into one row per key.
fn attributes_table(attrs: &[Attribute]) -> impl IntoView {
    let mut rows: Vec<(String, String)> = Vec::new();
    for a in attrs {
        match &a.value {
            AttrValue::Json(p) => match p.decode() {
                Decoded::Json(serde_json::Value::Object(map)) => {
                    for (k, v) in map {
                        let text = match v {
                            serde_json::Value::String(s) => s,
                            other => serde_json::to_string_pretty(&other).unwrap_or_default(),
                        };
                        rows.push((format!("{}.{k}", a.key), text));
                    }
                }
                Decoded::Json(v) => {
                    rows.push((a.key.to_string(), serde_json::to_string_pretty(&v).unwrap_or_default()))
                }
                Decoded::Text(t) => rows.push((a.key.to_string(), t)),
            },
            other => rows.push((a.key.to_string(), other.display())),
        }
    }
    view! {
        <table class="kv attributes">
            <tbody>
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <tr><th>{k}</th><td><LongText text=v class="attr-value"/></td></tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// First line of a document, for its folded summary.
fn preview(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let cut: String = line.chars().take(140).collect();
    if cut.len() < line.len() || text.lines().count() > 1 {
        format!("{cut}…")
    } else {
        cut
    }
}

/// A link that reopens the view with this observation selected (never a key).
fn deep_link(trace_id: &str, key: &str) -> String {
    use_context::<crate::state::address::Address>().map(|a| a.share_url(Some((trace_id, key)))).unwrap_or_default()
}

/// The panel only some kinds have: LLM facts and offered tools, reranker order, embedding sizes,
/// and what an agent or chain did below it.
fn kind_panel(t: &Trace, o: &Observation, idx: u32) -> Option<AnyView> {
    match o.kind {
        Kind::Generation => {
            let f = facts::llm(o);
            let mut rows: Vec<(String, String)> = Vec::new();
            for (k, v) in [
                ("temperature", &f.temperature),
                ("max tokens", &f.max_tokens),
                ("top p", &f.top_p),
                ("finish reason", &f.finish_reason),
            ] {
                if let Some(v) = v {
                    rows.push((k.to_string(), v.clone()));
                }
            }
            if rows.is_empty() && f.tools.is_empty() {
                return None;
            }
            let tools = f.tools;
            Some(
                section(
                    "LLM call",
                    view! {
                        {(!rows.is_empty()).then(|| kv_table(rows))}
                        {(!tools.is_empty())
                            .then(|| {
                                view! {
                                    <div class="tools-offered">
                                        <div class="hint">{format!("{} offered", plural(tools.len(), "tool", "tools"))}</div>
                                        {tools
                                            .into_iter()
                                            .map(|t| {
                                                view! {
                                                    <details class="tool-def">
                                                        <summary>
                                                            <span class="tool-call-name">{t.name}</span>
                                                            {t.description.map(|d| view! { <span class="hint">{format!(" — {d}")}</span> })}
                                                        </summary>
                                                        {t.parameters.map(|p| view! { <pre class="tool-call-args">{p}</pre> })}
                                                    </details>
                                                }
                                            })
                                            .collect_view()}
                                    </div>
                                }
                            })}
                    },
                )
                .into_any(),
            )
        }
        Kind::Reranker => {
            let before = facts::reranker_input(o);
            if before.is_empty() {
                return None;
            }
            let after: Vec<String> =
                o.documents.iter().map(|d| d.content.clone().or_else(|| d.id.clone()).unwrap_or_default()).collect();
            let list = |items: Vec<String>| {
                view! { <ol class="rank-list">{items.into_iter().map(|i| view! { <li>{preview(&i)}</li> }).collect_view()}</ol> }
            };
            Some(
                section(
                    "Ranking (before → after)",
                    view! {
                        <div class="rerank">
                            <div><div class="hint">"before"</div>{list(before)}</div>
                            <div><div class="hint">"after"</div>{list(after)}</div>
                        </div>
                    },
                )
                .into_any(),
            )
        }
        Kind::Embedding => {
            let dims = facts::embedding_dimensions(o);
            let mut rows = vec![];
            if let Some(m) = &o.model {
                rows.push(("model".to_string(), m.to_string()));
            }
            if !dims.is_empty() {
                rows.push(("vectors".into(), dims.len().to_string()));
                rows.push(("dimensions".into(), dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")));
            }
            (!rows.is_empty()).then(|| section("Embedding", kv_table(rows)).into_any())
        }
        Kind::Agent | Kind::Chain | Kind::Span if t.tree.has_children(idx) => {
            let s = facts::children(t, idx);
            let mut rows = vec![
                ("direct steps".to_string(), s.direct_children.to_string()),
                ("all steps below".to_string(), s.descendants.to_string()),
                (
                    "by kind".to_string(),
                    s.by_kind
                        .iter()
                        .map(|&(k, n)| plural(n, k.label(), &format!("{}s", k.label())))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ];
            // unknown is not zero: a figure no call below carries reads `–`, a partial one `≥`,
            // each with why (this table has no hover)
            let total = |known: Known, figure, value: String| match known.note(figure) {
                Some(why) => format!("{} ({why})", known.show(value)),
                None => value,
            };
            if s.tokens > 0 || s.tokens_known.calls > 0 {
                rows.push(("tokens".into(), total(s.tokens_known, Figure::Tokens, format_count(s.tokens))));
            }
            if s.cost_usd > 0.0 || s.cost_known.calls > 0 {
                let estimated = t.totals.subtree_estimated.get(idx as usize).copied().unwrap_or(false);
                let origin = crate::model::pricing::Origin::of(!estimated, estimated);
                let cost = crate::views::cost::cost_text(s.cost_usd, origin);
                rows.push(("cost".into(), total(s.cost_known, Figure::Cost, cost)));
            }
            if s.errors > 0 {
                rows.push(("errors".into(), s.errors.to_string()));
            }
            Some(section("Below this step", kv_table(rows)).into_any())
        }
        _ => None,
    }
}
