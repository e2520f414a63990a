//! A trace read as the conversation its agent had: the user's input, each model call with only
//! what is new since that agent's previous call, tool calls merged with their results, retrievals,
//! subagents as nested blocks, errors where they happened and the final answer. Pure Rust, one
//! iterative pass over the tree in preorder (traces can be thousands of levels deep).
//!
//! How blocks are decided:
//! - `Input`: the user messages of the first model call whose input reads as messages, else the
//!   root's input; its `obs` is the first root (the run received it).
//! - `Turn`: every generation; its input and output read as messages (plain text as one). The
//!   longest prefix of its input equal to the same agent's previous call (input + reply) is
//!   `context`, the rest is `new`: a history resent on every call is shown once. "The same agent"
//!   is the nearest agent above by name (`loops::agent_of`): LangGraph reruns its node per step.
//! - `Tool`: a tool observation with the call it answers (matched by tool name, else the oldest
//!   open call of its agent). A call the assistant asked for with no tool span, whose result a
//!   later input carries, is a `Tool` built from the messages (`obs` = the asking call). Tool
//!   results shown as `Tool` blocks are left out of the next turn's `new`.
//! - `AgentStart`/`AgentEnd`: a non-root agent; a run of the same agent right after its previous
//!   run (LangGraph's node again) continues the block instead of opening another.
//! - `Step`: only in traces with no turn at all: observations with an input or output and nothing
//!   below them that carries one (the leaves, not the wrappers around them).
//! - `Error`: after the block of the observation that failed; a wrapper's error only when nothing
//!   inside it already showed one (an exception propagating up is one error).
//! - `Final`: the last assistant text of the run, else the root's output.

use super::messages::{self, Message};
use super::{Kind, Payload, Trace};
use std::collections::{HashMap, VecDeque};

mod read;
#[cfg(test)]
mod tests;

use read::{answered, docs_from_output, error_of, messages_of, result_text, same, tool_output};

/// The transcript of one trace, in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Index into the trace's observations.
    pub obs: u32,
    /// Nesting inside agent blocks (0: the run itself).
    pub depth: u16,
    /// The observation's start minus the trace's start.
    pub offset_ns: i64,
    pub kind: BlockKind,
}

/// A retrieved document as the transcript shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// 1-based, in the order the retriever returned them.
    pub rank: usize,
    pub score: Option<f64>,
    pub id: Option<String>,
    pub content: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Input {
        messages: Vec<Message>,
    },
    Turn {
        /// Earlier messages resent with this call (folded; re-extracted from `obs` to open).
        context: usize,
        new: Vec<Message>,
        reply: Vec<Message>,
    },
    Tool {
        name: String,
        call_id: Option<String>,
        arguments: Option<String>,
        result: Option<String>,
        error: Option<String>,
        /// Built from the messages: the trace has no span for this call.
        from_messages: bool,
    },
    Retrieval {
        documents: Vec<Doc>,
    },
    AgentStart {
        name: String,
    },
    AgentEnd,
    Step {
        input: Option<Payload>,
        output: Option<Payload>,
    },
    Error {
        message: String,
    },
    Final {
        text: String,
    },
}

impl Transcript {
    /// The next (or previous) `Turn` after `from`, for j/k.
    pub fn next_turn(&self, from: usize, forward: bool) -> Option<usize> {
        self.next_where(from, forward, |k| matches!(k, BlockKind::Turn { .. }))
    }

    /// The next (or previous) `Tool`, for n/p.
    pub fn next_tool(&self, from: usize, forward: bool) -> Option<usize> {
        self.next_where(from, forward, |k| matches!(k, BlockKind::Tool { .. }))
    }

    fn next_where(&self, from: usize, forward: bool, want: impl Fn(&BlockKind) -> bool) -> Option<usize> {
        if forward {
            let start = from.checked_add(1)?;
            self.blocks.get(start..)?.iter().position(|b| want(&b.kind)).map(|p| p + start)
        } else {
            self.blocks.get(..from.min(self.blocks.len()))?.iter().rposition(|b| want(&b.kind))
        }
    }

    /// The `AgentStart` of the agent block holding `from` (for h).
    pub fn parent_agent(&self, from: usize) -> Option<usize> {
        let depth = self.blocks.get(from)?.depth;
        self.blocks.get(..from)?.iter().rposition(|b| b.depth < depth && matches!(b.kind, BlockKind::AgentStart { .. }))
    }

    /// The block that shows observation `obs`: its own (not an agent's end), else its nearest
    /// ancestor's, so a wrapper span selected in the tree is found where its work is read.
    pub fn block_of(&self, t: &Trace, obs: u32) -> Option<usize> {
        let mut first: HashMap<u32, usize> = HashMap::new();
        for (k, b) in self.blocks.iter().enumerate() {
            if !matches!(b.kind, BlockKind::AgentEnd) {
                first.entry(b.obs).or_insert(k);
            }
        }
        let mut at = obs;
        // each step goes one level up: the depth bounds the walk
        for _ in 0..=t.tree.parent.len() {
            if let Some(&k) = first.get(&at) {
                return Some(k);
            }
            at = *t.tree.parent.get(at as usize)?;
        }
        None
    }

    /// The first agent started inside `from` (an `AgentStart`) or after it in the same agent
    /// (for l).
    pub fn child_agent(&self, from: usize) -> Option<usize> {
        let b = self.blocks.get(from)?;
        let inner = match b.kind {
            BlockKind::AgentStart { .. } => b.depth.saturating_add(1),
            _ => b.depth,
        };
        for (k, c) in self.blocks.iter().enumerate().skip(from + 1) {
            if c.depth < inner {
                return None; // the enclosing agent ended
            }
            if c.depth == inner && matches!(c.kind, BlockKind::AgentStart { .. }) {
                return Some(k);
            }
        }
        None
    }
}

impl Block {
    /// Tokens: a turn's own usage; a tool, step, retrieval or agent counts what ran inside it.
    pub fn tokens(&self, t: &Trace) -> Option<u64> {
        let o = t.observations.get(self.obs as usize)?;
        match self.kind {
            BlockKind::Turn { .. } => (!o.usage.is_empty()).then(|| o.usage.total_tokens()),
            BlockKind::Tool { from_messages: false, .. }
            | BlockKind::Step { .. }
            | BlockKind::Retrieval { .. }
            | BlockKind::AgentStart { .. } => {
                t.totals.subtree_tokens.get(self.obs as usize).copied().filter(|&n| n > 0)
            }
            _ => None,
        }
    }

    /// Cost in USD, counted as `tokens` is.
    pub fn cost_usd(&self, t: &Trace) -> Option<f64> {
        let o = t.observations.get(self.obs as usize)?;
        match self.kind {
            BlockKind::Turn { .. } => o.cost.total,
            BlockKind::Tool { from_messages: false, .. }
            | BlockKind::Step { .. }
            | BlockKind::Retrieval { .. }
            | BlockKind::AgentStart { .. } => {
                t.totals.subtree_cost.get(self.obs as usize).copied().filter(|&c| c != 0.0)
            }
            _ => None,
        }
    }

    /// The observation's duration, for blocks that stand for one.
    pub fn duration_ns(&self, t: &Trace) -> Option<i64> {
        match self.kind {
            BlockKind::Input { .. } | BlockKind::Error { .. } | BlockKind::Final { .. } | BlockKind::AgentEnd => None,
            BlockKind::Tool { from_messages: true, .. } => None,
            _ => t.observations.get(self.obs as usize)?.duration_ns(),
        }
    }
}

/// A tool call an assistant asked for, waiting for its tool span or its result message.
struct Call {
    id: Option<String>,
    name: String,
    arguments: String,
    asker: u32,
    /// Shown: by a tool span or a block built from messages.
    done: bool,
}

/// An observation whose end does something: closes an agent block, or shows a wrapper's error.
struct Open {
    /// Position in preorder just past its subtree.
    end: u32,
    obs: u32,
    agent: bool,
    /// Errors shown before it began (more at its end: one inside it already said so).
    errors_at: usize,
    failed: bool,
}

struct Builder<'a> {
    t: &'a Trace,
    blocks: Vec<Block>,
    depth: u16,
    /// Each agent's previous call, input then reply (from the position given), by agent name.
    prev: HashMap<Option<&'a str>, (Vec<Message>, usize)>,
    calls: Vec<Call>,
    by_id: HashMap<String, usize>,
    /// Open calls by tool name, and by agent, oldest first (done ones skipped when met).
    by_name: HashMap<String, VecDeque<usize>>,
    by_agent: HashMap<Option<&'a str>, VecDeque<usize>>,
    /// Errors shown so far (Error blocks and tool errors).
    errors: usize,
    /// The first call's user messages, lifted into `Input`.
    input_from: Option<(u32, Vec<Message>)>,
    /// The last `AgentEnd` (its position) and its agent's name: found without a search, since
    /// LangGraph starts its agent node again thousands of times.
    ended: Option<(usize, &'a str)>,
}

/// Builds the transcript of `t`.
pub fn build(t: &Trace) -> Transcript {
    let agent_of = super::loops::agent_of(t);
    let agent_name = |i: u32| -> Option<&str> {
        let a = agent_of.get(i as usize).copied().flatten()?;
        t.observations.get(a as usize).map(|o| o.name.as_str())
    };
    let below = io_below(t);
    let mut b = Builder {
        t,
        blocks: Vec::new(),
        depth: 0,
        prev: HashMap::new(),
        calls: Vec::new(),
        by_id: HashMap::new(),
        by_name: HashMap::new(),
        by_agent: HashMap::new(),
        errors: 0,
        input_from: None,
        ended: None,
    };
    b.input();
    let mut open: Vec<Open> = Vec::new();
    let mut any_turn = false;
    for (k, &i) in t.tree.preorder.iter().enumerate() {
        while open.last().is_some_and(|o| o.end as usize <= k) {
            if let Some(o) = open.pop() {
                b.close(o);
            }
        }
        let Some(o) = t.observations.get(i as usize) else { continue };
        let is_root = t.tree.parent_of(i).is_none();
        let errors_at = b.errors;
        let failed = error_of(o).is_some();
        let shown = match o.kind {
            Kind::Generation => {
                any_turn = true;
                b.turn(i, agent_name(i))
            }
            Kind::Tool => b.tool(i, agent_name(i)),
            Kind::Retriever => b.retrieval(i),
            Kind::Agent if !is_root => {
                b.agent_start(i);
                open.push(Open { end: end_of(t, i), obs: i, agent: true, errors_at, failed });
                continue;
            }
            _ if !below.get(i as usize).copied().unwrap_or(true) && (o.input.is_some() || o.output.is_some()) => {
                b.step(i)
            }
            _ => false,
        };
        if shown {
            if failed && !matches!(o.kind, Kind::Tool) {
                b.error(i);
            }
        } else if failed {
            open.push(Open { end: end_of(t, i), obs: i, agent: false, errors_at, failed });
        }
    }
    while let Some(o) = open.pop() {
        b.close(o);
    }
    if any_turn {
        // steps are how a trace without messages reads; beside turns they are noise
        b.blocks.retain(|x| !matches!(x.kind, BlockKind::Step { .. }));
    }
    by_start_within_tool_runs(t, &mut b.blocks);
    b.finish();
    Transcript { blocks: b.blocks }
}

/// Tools that ran side by side (LangGraph sends each call to a wrapper of its own, and the walk
/// meets wrappers in their start order) are put in the order the tools themselves started.
fn by_start_within_tool_runs(t: &Trace, blocks: &mut [Block]) {
    let is_tool = |b: &Block| matches!(b.kind, BlockKind::Tool { from_messages: false, .. });
    let start = |b: &Block| t.observations.get(b.obs as usize).map(|o| o.start_ns).unwrap_or(i64::MAX);
    let mut k = 0;
    while k < blocks.len() {
        let run = blocks[k..].iter().take_while(|b| is_tool(b) && b.depth == blocks[k].depth).count();
        if run > 1 {
            super::order::sort_by_key(&mut blocks[k..k + run], start);
        }
        k += run.max(1);
    }
}

/// Whether something below each observation carries an input or output or is a block of its
/// own: a `Step` is only the deepest such observation. Bottom-up over preorder, no recursion.
fn io_below(t: &Trace) -> Vec<bool> {
    let mut below = vec![false; t.observations.len()];
    for &i in t.tree.preorder.iter().rev() {
        let Some(o) = t.observations.get(i as usize) else { continue };
        let carries = o.input.is_some()
            || o.output.is_some()
            || matches!(o.kind, Kind::Generation | Kind::Tool | Kind::Retriever | Kind::Agent);
        let mine = below.get(i as usize).copied().unwrap_or(false);
        if let Some(p) = t.tree.parent_of(i) {
            if let Some(slot) = below.get_mut(p as usize) {
                *slot |= carries || mine;
            }
        }
    }
    below
}

fn end_of(t: &Trace, i: u32) -> u32 {
    t.tree.subtree_end.get(i as usize).copied().unwrap_or(0)
}

impl<'a> Builder<'a> {
    fn push(&mut self, obs: u32, kind: BlockKind) {
        let start = self.t.observations.get(obs as usize).map(|o| o.start_ns).unwrap_or(self.t.start_ns);
        let offset_ns = start.checked_sub(self.t.start_ns).unwrap_or(if start < 0 { i64::MIN } else { i64::MAX });
        self.blocks.push(Block { obs, depth: self.depth, offset_ns, kind });
    }

    /// The user's input: from the first model call with user messages, else the root's input.
    fn input(&mut self) {
        let t = self.t;
        let Some(&root) = t.tree.roots.first() else { return };
        for &i in &t.tree.preorder {
            let o = &t.observations[i as usize];
            if o.kind != Kind::Generation {
                continue;
            }
            let Some(msgs) = messages_of(o.input.as_ref(), "user") else { continue };
            let user: Vec<Message> = msgs.into_iter().filter(|m| m.role == "user" && answered(m).is_empty()).collect();
            if user.is_empty() {
                continue;
            }
            self.input_from = Some((i, user.clone()));
            self.push(root, BlockKind::Input { messages: user });
            return;
        }
        if let Some(msgs) = messages_of(t.input_payload(), "user") {
            self.push(root, BlockKind::Input { messages: msgs });
        }
    }

    fn turn(&mut self, i: u32, agent: Option<&'a str>) -> bool {
        let o = &self.t.observations[i as usize];
        let input = messages_of(o.input.as_ref(), "user");
        let reply = messages_of(o.output.as_ref(), "assistant");
        // a model call is a turn even when its messages were not recorded (Google ADK writes
        // them as log events): its time, tokens and cost are part of the run
        let (input, reply) = (input.unwrap_or_default(), reply.unwrap_or_default());
        let context = match self.prev.get(&agent) {
            Some((p, reply_at)) => {
                let mut n = p.iter().zip(&input).take_while(|(a, b)| same(a, b)).count();
                // a history trimmed to a window (LangGraph's, the Agents SDK's) drops its oldest
                // messages: the previous reply sent back is still not new
                let echoed = p.get(*reply_at..).unwrap_or_default();
                let rest = input.get(n..).unwrap_or_default();
                if n < p.len()
                    && !echoed.is_empty()
                    && rest.len() >= echoed.len()
                    && rest.iter().zip(echoed).all(|(a, b)| same(a, b))
                {
                    n += echoed.len();
                }
                n
            }
            None => 0,
        };
        let mut new: Vec<Message> = input.get(context..).unwrap_or_default().to_vec();
        if let Some((_, lifted)) = self.input_from.as_ref().filter(|(from, _)| *from == i) {
            new.retain(|m| !lifted.iter().any(|l| same(l, m)));
        }
        // results of calls already shown (or shown now, from these messages) leave `new`
        let mut kept = Vec::with_capacity(new.len());
        for m in new {
            let ids = answered(&m);
            let mut known = !ids.is_empty();
            for id in &ids {
                match self.by_id.get(*id).copied() {
                    Some(c) => {
                        if !self.calls[c].done {
                            self.calls[c].done = true;
                            let call = &self.calls[c];
                            let kind = BlockKind::Tool {
                                name: call.name.clone(),
                                call_id: call.id.clone(),
                                arguments: Some(call.arguments.clone()).filter(|a| !a.is_empty()),
                                result: Some(result_text(&m, id)),
                                error: None,
                                from_messages: true,
                            };
                            let asker = call.asker;
                            self.push(asker, kind);
                        }
                    }
                    None => known = false,
                }
            }
            if !known {
                kept.push(m);
            }
        }
        for m in &reply {
            for c in m.tool_calls() {
                let at = self.calls.len();
                if let Some(id) = c.id.as_ref() {
                    if self.by_id.contains_key(id) {
                        continue;
                    }
                    self.by_id.insert(id.clone(), at);
                }
                self.calls.push(Call {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    arguments: c.arguments.clone(),
                    asker: i,
                    done: false,
                });
                self.by_name.entry(c.name.clone()).or_default().push_back(at);
                self.by_agent.entry(agent).or_default().push_back(at);
            }
        }
        let reply_at = input.len();
        let mut history = input;
        history.extend(reply.iter().cloned());
        self.prev.insert(agent, (history, reply_at));
        self.push(i, BlockKind::Turn { context, new: kept, reply });
        true
    }

    /// The oldest open call in `queue`, taken; done ones are dropped on the way.
    fn take(calls: &mut [Call], queue: Option<&mut VecDeque<usize>>) -> Option<usize> {
        let queue = queue?;
        while let Some(c) = queue.pop_front() {
            if let Some(call) = calls.get_mut(c).filter(|x| !x.done) {
                call.done = true;
                return Some(c);
            }
        }
        None
    }

    fn tool(&mut self, i: u32, agent: Option<&'a str>) -> bool {
        let o = &self.t.observations[i as usize];
        let name = o.tool_name.clone().unwrap_or_else(|| o.name.clone());
        let call = Self::take(&mut self.calls, self.by_name.get_mut(&name))
            .or_else(|| Self::take(&mut self.calls, self.by_name.get_mut(&o.name)))
            .or_else(|| Self::take(&mut self.calls, self.by_agent.get_mut(&agent)));
        let call = call.and_then(|c| self.calls.get(c));
        let error = error_of(o);
        if error.is_some() {
            self.errors += 1;
        }
        let arguments = o.input.as_ref().map(Payload::as_text).or_else(|| call.map(|c| c.arguments.clone()));
        let kind = BlockKind::Tool {
            name,
            call_id: call.and_then(|c| c.id.clone()),
            arguments,
            result: o.output.as_ref().map(tool_output),
            error,
            from_messages: false,
        };
        self.push(i, kind);
        true
    }

    fn retrieval(&mut self, i: u32) -> bool {
        let o = &self.t.observations[i as usize];
        let mut documents: Vec<Doc> = o
            .documents
            .iter()
            .enumerate()
            .map(|(k, d)| Doc { rank: k + 1, score: d.score, id: d.id.clone(), content: d.content.clone() })
            .collect();
        if documents.is_empty() {
            documents = docs_from_output(o.output.as_ref());
        }
        self.push(i, BlockKind::Retrieval { documents });
        true
    }

    fn step(&mut self, i: u32) -> bool {
        let o = &self.t.observations[i as usize];
        self.push(i, BlockKind::Step { input: o.input.clone(), output: o.output.clone() });
        true
    }

    fn agent_start(&mut self, i: u32) {
        let name = self.t.observations[i as usize].name.as_str();
        // the same agent running again right after (LangGraph's node per step) continues its block
        if self.ended.is_some_and(|(at, n)| at + 1 == self.blocks.len() && n == name) {
            self.blocks.pop();
        } else {
            self.push(i, BlockKind::AgentStart { name: name.to_string() });
        }
        self.depth = self.depth.saturating_add(1);
    }

    fn error(&mut self, i: u32) {
        if let Some(message) = self.t.observations.get(i as usize).and_then(error_of) {
            self.errors += 1;
            self.push(i, BlockKind::Error { message });
        }
    }

    fn close(&mut self, o: Open) {
        if o.failed && self.errors == o.errors_at {
            self.error(o.obs);
        }
        if o.agent {
            self.depth = self.depth.saturating_sub(1);
            self.push(o.obs, BlockKind::AgentEnd);
            let name = self.t.observations.get(o.obs as usize).map(|x| x.name.as_str()).unwrap_or("");
            self.ended = Some((self.blocks.len() - 1, name));
        }
    }

    /// The final answer: the last assistant text of any turn, else the root's output.
    fn finish(&mut self) {
        let t = self.t;
        let last = self.blocks.iter().rev().find_map(|b| match &b.kind {
            BlockKind::Turn { reply, .. } => {
                let text = reply
                    .iter()
                    .rev()
                    .filter(|m| m.role == "assistant")
                    .map(Message::text)
                    .find(|s| !s.trim().is_empty())?;
                Some((b.obs, text))
            }
            _ => None,
        });
        let depth = self.depth;
        self.depth = 0;
        match last {
            Some((obs, text)) => self.push(obs, BlockKind::Final { text }),
            None => {
                // a model call's output was read as its turn's reply already
                let root = t.tree.roots.first().filter(|&&r| t.observations[r as usize].kind != Kind::Generation);
                // the root's output read as every preview reads it: an agent's state by its
                // last assistant text
                let said = |p: &Payload| messages::said(p, messages::Side::Output).unwrap_or_else(|| p.as_text());
                if let (Some(&root), Some(text)) = (root, t.output_payload().map(said)) {
                    if !text.trim().is_empty() {
                        self.push(root, BlockKind::Final { text });
                    }
                }
            }
        }
        self.depth = depth;
    }
}
