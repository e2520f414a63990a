//! The Transcript tab: one trace read as the conversation its agent had (`model::transcript`):
//! the input, each model call with only its new messages, tool calls as cards with their results,
//! retrievals, subagents as nested blocks, errors and the final answer. Each block says when it
//! started, how long it took, its tokens and cost; a click selects its observation (the tree,
//! timeline and detail follow, and the reverse). Keys: j/k model turns, n/p tool calls, h/l the
//! parent or child agent. The blocks are in a measured virtualized list.

use crate::model::messages::extract;
use crate::model::pricing::Origin;
use crate::model::time::format_duration;
use crate::model::transcript::{Block, BlockKind, Doc, Transcript};
use crate::model::units::plural;
use crate::model::{Decoded, Trace};
use crate::state::{Data, TraceRef, ViewState};
use crate::views::cost::cost_text;
use crate::views::measured_list::{Measured, MeasuredList};
use crate::views::payload::{LongText, Messages};
use leptos::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;

/// A first guess of a block's height in pixels, before it is drawn and measured.
fn guess(b: &Block) -> f64 {
    let lines = |msgs: &[crate::model::messages::Message]| {
        msgs.iter().map(|m| 1.0 + (m.text().len() as f64 / 90.0).min(40.0)).sum::<f64>()
    };
    match &b.kind {
        BlockKind::Input { messages } => 40.0 + 22.0 * lines(messages),
        BlockKind::Turn { new, reply, context } => {
            40.0 + 22.0 * (lines(new) + lines(reply)) + if *context > 0 { 28.0 } else { 0.0 }
        }
        BlockKind::Tool { .. } => 110.0,
        BlockKind::Retrieval { documents } => 40.0 + 26.0 * documents.len() as f64,
        BlockKind::AgentStart { .. } => 34.0,
        BlockKind::AgentEnd => 10.0,
        BlockKind::Step { .. } => 100.0,
        BlockKind::Error { .. } => 36.0,
        BlockKind::Final { text } => 44.0 + 22.0 * (text.len() as f64 / 90.0).min(40.0),
    }
}

/// An agent's colour, the same for the same name: a hue from its letters.
fn agent_hue(name: &str) -> u32 {
    name.bytes().fold(2166136261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619)) % 360
}

/// The figures in a block's head: `+1.2s · 340ms · 1.2k tokens · ≈$0.0021`.
fn figures(b: &Block, t: &Trace) -> String {
    let mut out = vec![format!("+{}", format_duration(b.offset_ns.max(0)))];
    out.extend(b.duration_ns(t).map(format_duration));
    // a call's tokens are never one: "tokens" is plural here
    out.extend(b.tokens(t).map(|n| format!("{} tokens", crate::model::units::format_tokens(n))));
    if let Some(usd) = b.cost_usd(t) {
        let estimated = match b.kind {
            BlockKind::Turn { .. } => t.observations.get(b.obs as usize).is_some_and(|o| o.cost.estimated.is_some()),
            _ => t.totals.subtree_estimated.get(b.obs as usize).copied().unwrap_or(false),
        };
        out.push(cost_text(usd, estimated.then_some(Origin::Estimated)));
    }
    out.join(" · ")
}

/// What a block's head calls it.
fn title(b: &Block, t: &Trace) -> String {
    let o = t.observations.get(b.obs as usize);
    let name = o.map(|o| o.name.as_str()).unwrap_or_default();
    match &b.kind {
        BlockKind::Input { .. } => "Input".into(),
        BlockKind::Turn { .. } => match o.and_then(|o| o.model.as_ref()) {
            Some(m) => format!("{name} · {m}"),
            None => name.to_string(),
        },
        BlockKind::Tool { name, from_messages, .. } => {
            format!("tool · {name}{}", if *from_messages { " (from the messages)" } else { "" })
        }
        BlockKind::Retrieval { documents } => format!("{name} · {}", plural(documents.len(), "document", "documents")),
        BlockKind::AgentStart { name } => format!("Agent {name}"),
        BlockKind::AgentEnd => String::new(),
        BlockKind::Step { .. } => name.to_string(),
        BlockKind::Error { .. } => "Error".into(),
        BlockKind::Final { .. } => "Final answer".into(),
    }
}

/// Arguments or a result: JSON indented, other text as written (LangChain's dumped tool
/// message is read as its content by the model); `None` when there is nothing to show.
fn pretty(text: &str) -> Option<String> {
    let shown = crate::model::messages::pretty_text(text);
    (!matches!(shown.trim(), "" | "{}" | "null" | "\"\"")).then_some(shown)
}

/// The earlier messages a call resent, opened on demand from its input.
#[component]
fn ContextFold(data: Data, shown: TraceRef, obs: u32, count: usize) -> impl IntoView {
    let open = RwSignal::new(false);
    let messages = move || {
        data.with_trace(shown, |t| {
            let input = t.observations.get(obs as usize)?.input.as_ref()?;
            let msgs = match input.decode() {
                Decoded::Json(v) => extract(&v)?,
                Decoded::Text(_) => return None,
            };
            Some(msgs.into_iter().take(count).collect::<Vec<_>>())
        })
        .flatten()
        .unwrap_or_default()
    };
    let label = format!("context: {count} earlier message{}", if count == 1 { "" } else { "s" });
    view! {
        <button class="btn small tx-context" on:click=move |ev| {
            ev.stop_propagation();
            open.update(|o| *o = !*o)
        }>
            {move || if open.get() { "Fold the context".to_string() } else { label.clone() }}
        </button>
        {move || open.get().then(|| view! { <div class="tx-context-messages"><Messages msgs=messages()/></div> })}
    }
}

fn documents_view(documents: Vec<Doc>) -> AnyView {
    documents
        .into_iter()
        .map(|d| {
            // the first words of the document, so the list reads without opening each
            let preview: String =
                d.content.as_deref().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
            let cut = preview.char_indices().nth(100).map_or(preview.len(), |(i, _)| i);
            let head = format!(
                "#{}{}{} — {}{}",
                d.rank,
                d.score.map(|s| format!(" · score {s:.3}")).unwrap_or_default(),
                d.id.map(|i| format!(" · {i}")).unwrap_or_default(),
                &preview[..cut],
                if cut < preview.len() { "…" } else { "" }
            );
            view! {
                <details class="tx-doc">
                    <summary>{head}</summary>
                    {d.content.map(|c| view! { <LongText text=c class="tx-pre"/> })}
                </details>
            }
        })
        .collect_view()
        .into_any()
}

/// A labelled text (arguments, result, input, output): one copy of its view code for all four.
#[inline(never)]
fn labelled(label: &'static str, text: Option<String>) -> AnyView {
    match text {
        Some(t) => view! { <div class="tx-label">{label}</div><LongText text=t class="tx-pre"/> }.into_any(),
        None => ().into_any(),
    }
}

/// Messages in a box of `class` (none when empty): one copy for the input, the new and the reply.
#[inline(never)]
fn messages_view(msgs: Vec<crate::model::messages::Message>, class: &'static str) -> AnyView {
    if msgs.is_empty() {
        return ().into_any();
    }
    view! { <div class=class><Messages msgs=msgs/></div> }.into_any()
}

#[inline(never)]
fn error_text(message: Option<String>) -> AnyView {
    message.map_or_else(|| ().into_any(), |m| view! { <div class="tx-error-text">{m}</div> }.into_any())
}

/// The body of one block: a list of parts, so every kind shares the parts' code.
fn body(b: Block, data: Data, shown: TraceRef) -> AnyView {
    let obs = b.obs;
    let parts: Vec<AnyView> = match b.kind {
        BlockKind::Input { messages } => vec![messages_view(messages, "tx-messages")],
        BlockKind::Turn { context, new, reply } => vec![
            if context > 0 {
                view! { <ContextFold data=data shown=shown obs=obs count=context/> }.into_any()
            } else {
                ().into_any()
            },
            messages_view(new, "tx-messages"),
            messages_view(reply, "tx-reply"),
        ],
        BlockKind::Tool { arguments, result, error, .. } => vec![
            labelled("arguments", arguments.as_deref().and_then(pretty)),
            labelled("result", result.as_deref().and_then(pretty)),
            error_text(error),
        ],
        BlockKind::Retrieval { documents } => vec![documents_view(documents)],
        BlockKind::Step { input, output } => {
            vec![labelled("input", input.map(|p| p.as_text())), labelled("output", output.map(|p| p.as_text()))]
        }
        BlockKind::Error { message } => vec![error_text(Some(message))],
        // the answer as the assistant's message: the messages' Markdown, one copy of its code
        BlockKind::Final { text } => vec![messages_view(
            vec![crate::model::messages::Message {
                role: "assistant".into(),
                parts: vec![crate::model::messages::Part::Text(text)],
                ..Default::default()
            }],
            "tx-messages",
        )],
        BlockKind::AgentStart { .. } | BlockKind::AgentEnd => Vec::new(),
    };
    parts.into_iter().collect_view().into_any()
}

/// The class of a block's card.
fn class_of(k: &BlockKind) -> &'static str {
    match k {
        BlockKind::Input { .. } => "tx-block tx-input",
        BlockKind::Turn { .. } => "tx-block tx-turn",
        BlockKind::Tool { error: Some(_), .. } => "tx-block tx-tool tx-failed",
        BlockKind::Tool { .. } => "tx-block tx-tool",
        BlockKind::Retrieval { .. } => "tx-block tx-retrieval",
        BlockKind::AgentStart { .. } => "tx-block tx-agent",
        BlockKind::AgentEnd => "tx-block tx-agent-end",
        BlockKind::Step { .. } => "tx-block tx-step",
        BlockKind::Error { .. } => "tx-block tx-error",
        BlockKind::Final { .. } => "tx-block tx-final",
    }
}

/// A block's kind as `data-kind` names it.
fn kind_key(k: &BlockKind) -> &'static str {
    match k {
        BlockKind::Input { .. } => "input",
        BlockKind::Turn { .. } => "turn",
        BlockKind::Tool { .. } => "tool",
        BlockKind::Retrieval { .. } => "retrieval",
        BlockKind::AgentStart { .. } => "agent",
        BlockKind::AgentEnd => "agent-end",
        BlockKind::Step { .. } => "step",
        BlockKind::Error { .. } => "error",
        BlockKind::Final { .. } => "final",
    }
}

/// Where the keys move from the selected block: j/k turns, n/p tools, h/l agents.
fn key_target(tx: &Transcript, from: Option<usize>, key: &str) -> Option<usize> {
    let at = from.unwrap_or(0);
    match (key, from) {
        ("j", None) => tx.blocks.iter().position(|b| matches!(b.kind, BlockKind::Turn { .. })),
        ("n", None) => tx.blocks.iter().position(|b| matches!(b.kind, BlockKind::Tool { .. })),
        ("j", _) => tx.next_turn(at, true),
        ("k", _) => tx.next_turn(at, false),
        ("n", _) => tx.next_tool(at, true),
        ("p", _) => tx.next_tool(at, false),
        ("h", _) => tx.parent_agent(at),
        ("l", _) => tx.child_agent(at),
        _ => None,
    }
}

/// A built transcript, equal only to itself: comparing two by content would cost a walk.
#[derive(Clone, Default)]
struct Shown(Arc<Transcript>);

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shown {
    type Target = Transcript;
    fn deref(&self) -> &Transcript {
        &self.0
    }
}

/// Where the agent block opened at `k` ends: the first block after it at its depth or above.
fn agent_end(blocks: &[Block], k: usize) -> usize {
    let d = blocks.get(k).map_or(0, |b| b.depth);
    blocks.iter().skip(k + 1).position(|b| b.depth <= d).map_or(blocks.len(), |p| k + 1 + p)
}

/// The blocks shown: all but those inside a folded agent block (its end too).
fn unfolded(blocks: &[Block], folded: &HashSet<usize>) -> Vec<usize> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut k = 0;
    while k < blocks.len() {
        out.push(k);
        if folded.contains(&k) && matches!(blocks[k].kind, BlockKind::AgentStart { .. }) {
            let end = agent_end(blocks, k);
            // the agent's own end line goes with it
            k = if blocks.get(end).is_some_and(|b| matches!(b.kind, BlockKind::AgentEnd)) { end + 1 } else { end };
        } else {
            k += 1;
        }
    }
    out
}

#[component]
pub fn TranscriptView(data: Data, view: ViewState) -> impl IntoView {
    let tx = Memo::new(move |_| Shown(view.current.get().map(|r| data.transcript(r)).unwrap_or_default()));
    let list = Measured::new();
    // agent blocks folded by the reader (their AgentStart positions); a new transcript unfolds all
    let folded = RwSignal::new(HashSet::<usize>::new());
    let rows = Memo::new(move |_| tx.with(|t| folded.with(|f| unfolded(&t.blocks, f))));
    let epoch = Signal::derive(move || {
        let folds = folded.with(|f| f.iter().fold(f.len() as u64, |h, &k| h.wrapping_mul(31).wrapping_add(k as u64)));
        view.current.get().map_or(0, |r| r.version ^ ((r.index as u64) << 32)) ^ folds.rotate_left(48)
    });
    Effect::new(move |_| {
        tx.track();
        folded.set(HashSet::new());
    });
    // new rows: guessed heights; a new transcript starts at the top
    Effect::new(move |prev: Option<Shown>| {
        let heights = tx.with(|t| {
            rows.with(|r| crate::model::layout::Heights::new(r.iter().filter_map(|&k| t.blocks.get(k)).map(guess)))
        });
        list.heights.set(heights);
        let now = tx.get();
        if prev.as_ref() != Some(&now) {
            list.to_top();
        }
        now
    });
    // the block of the selected observation (its first), shown when the selection changes
    let selected_block = Memo::new(move |_| {
        let sel = view.selected.get()?;
        let shown = view.current.get()?;
        data.with_trace(shown, |t| tx.with(|x| x.block_of(t, sel))).flatten()
    });
    Effect::new(move |_| {
        // also when the transcript is built again (a load that grows the trace): it starts at the top
        tx.track();
        let Some(i) = selected_block.get() else { return };
        // a step inside a folded agent unfolds it
        let hidden: Vec<usize> = tx.with_untracked(|t| {
            folded.with_untracked(|f| f.iter().copied().filter(|&k| k < i && i < agent_end(&t.blocks, k)).collect())
        });
        if !hidden.is_empty() {
            folded.update(|f| {
                hidden.iter().for_each(|k| {
                    f.remove(k);
                })
            });
        }
        let Some(pos) = rows.with_untracked(|r| r.binary_search(&i).ok()) else { return };
        // after the frame's layout: the list's height may have just been set (a new trace,
        // the tab opened), and a scroll past the old end would stop there
        request_animation_frame(move || list.reveal(pos));
    });
    let on_key = Callback::new(move |ev: web_sys::KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        let to = tx.with_untracked(|t| {
            key_target(t, selected_block.get_untracked(), &key).and_then(|i| t.blocks.get(i)).map(|b| b.obs)
        });
        if let Some(obs) = to {
            ev.prevent_default();
            view.selected.set(Some(obs));
        }
    });
    let row = Callback::new(move |pos: usize| {
        let Some(shown) = view.current.get_untracked() else { return ().into_any() };
        let Some(at) = rows.with_untracked(|r| r.get(pos).copied()) else { return ().into_any() };
        let Some(b) = tx.with_untracked(|t| t.blocks.get(at).cloned()) else { return ().into_any() };
        let (head, figures, loops) = data
            .with_trace(shown, |t| {
                (title(&b, t), figures(&b, t), crate::views::loops::step_badge(&data.loops(shown), b.obs))
            })
            .unwrap_or_default();
        let obs = b.obs;
        let depth = b.depth;
        let hue = match &b.kind {
            BlockKind::AgentStart { name } => Some(agent_hue(name)),
            _ => None,
        };
        let is_end = matches!(b.kind, BlockKind::AgentEnd);
        // what a test or a script reads without parsing the text: the kind and the step's name
        let (kind, name) = match &b.kind {
            BlockKind::Tool { name, .. } => ("tool", name.clone()),
            BlockKind::AgentStart { name } => ("agent", name.clone()),
            k => (
                kind_key(k),
                data.with_trace(shown, |t| t.observations.get(b.obs as usize).map(|o| o.name.clone()))
                    .flatten()
                    .unwrap_or_default(),
            ),
        };
        let class = class_of(&b.kind);
        let selected = move || selected_block.get() == Some(at);
        // an agent block folds and unfolds from its head
        let fold = hue.map(|_| {
            let is_folded = move || folded.with(|f| f.contains(&at));
            view! {
                // its words come from the CSS (`.tx-fold::before`), by `aria-expanded`
                <button class="btn small tx-fold" aria-expanded=move || (!is_folded()).to_string() on:click=move |ev| {
                    ev.stop_propagation();
                    folded.update(|f| if !f.remove(&at) { f.insert(at); });
                }></button>
            }
        });
        let block = view! {
            <div
                class=class
                class:selected=selected
                style:margin-left=format!("{}px", u32::from(depth.min(12)) * 18)
                style:border-left-color=hue.map(|h| format!("hsl({h} 55% 45%)")).unwrap_or_default()
                data-obs=obs
                data-kind=kind
                data-name=name
                on:click=move |_| view.selected.set(Some(obs))
            >
                {(!is_end).then(|| view! {
                    <div class="tx-head">
                        {fold}
                        <span class="tx-title">{head}</span>
                        {loops}
                        <span class="tx-figures">{figures}</span>
                    </div>
                })}
                {body(b, data, shown)}
            </div>
        };
        block.into_any()
    });
    let count = move || rows.with(Vec::len);
    view! {
        <div class="transcript" id="transcript">
            {move || (count() == 0).then(|| view! { <p class="muted tx-empty">"This trace has nothing to read as a conversation."</p> })}
            <MeasuredList list=list epoch=epoch row=row class="tx-scroller" label="Transcript" on_keydown=on_key/>
        </div>
    }
}
