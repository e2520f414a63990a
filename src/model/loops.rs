//! Agents that loop: the same tool called with equivalent arguments three times or more in one
//! agent, the same model input sent three times or more (failed calls retried are retries, not a
//! loop), two tools alternating three rounds or more while each keeps answering the same, and a
//! tool called ten times or more in one agent whatever its arguments (a runaway: users report
//! agents repeating a tool 20–50 times with a counter or a page number changing). "One agent" is
//! one agent by name: LangGraph runs its node again for every step. Each loop says what it cost:
//! its calls' time, tokens and cost, and the model calls that asked for them.
//!
//! Tool arguments and results are compared as JSON after normalising it (model inputs as they
//! were sent: a resent history is the same text): key order and
//! whitespace do not matter, numbers equal to nine significant digits are equal (0.1 + 0.2 is
//! 0.3), JSON held in a string is read as JSON. One pass over the trace, hashing each call once:
//! iterative, whatever the depth.

use super::{Decoded, Kind, Payload, Trace};
use serde_json::Value;
use std::collections::HashMap;

/// Calls of one kind repeated this many times or more make a loop.
pub const MIN_REPEATS: usize = 3;
/// One tool called this many times or more in one agent is a runaway, whatever its arguments.
pub const MIN_RUNAWAY: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopKind {
    /// One tool, equivalent arguments.
    RepeatedTool,
    /// One model, the same input.
    RepeatedInput,
    /// Two tools taking turns, each answering the same each time.
    Alternating,
    /// One tool called `MIN_RUNAWAY` times or more, its arguments changing.
    Runaway,
}

/// One loop found in a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Loop {
    pub kind: LoopKind,
    /// What repeats: the tool's name, the model's, or `a ↔ b`.
    pub label: String,
    /// The agent it ran in (the nearest agent above the calls), `None` for the trace itself.
    pub agent: Option<u32>,
    /// The repeated calls, in time order.
    pub calls: Vec<u32>,
    /// The model calls that asked for the repeated tool calls (each the latest before one).
    pub askers: Vec<u32>,
    /// Time of the calls and their askers, their tokens and cost.
    pub duration_ns: i64,
    pub tokens: u64,
    pub cost_usd: f64,
    /// `duration_ns` as a share of the trace's duration (0 to 1).
    pub share: f64,
}

/// The loops of a trace, largest first.
pub fn detect(t: &Trace) -> Vec<Loop> {
    let steps = steps_by_agent(t);
    let mut loops = Vec::new();
    for (agent, calls) in &steps {
        // equivalent calls grouped: (kind, name, normalised JSON) → positions in `calls`
        let mut groups: HashMap<(bool, &str, String), Vec<usize>> = HashMap::new();
        let mut tools: Vec<(usize, String)> = Vec::new();
        let mut by_tool: HashMap<&str, Vec<usize>> = HashMap::new();
        for (pos, &i) in calls.iter().enumerate() {
            let o = &t.observations[i as usize];
            match o.kind {
                Kind::Tool => {
                    let key = canonical(o.input.as_ref());
                    groups.entry((true, tool_name(t, i), key)).or_default().push(pos);
                    by_tool.entry(tool_name(t, i)).or_default().push(pos);
                    tools.push((pos, canonical(o.output.as_ref())));
                }
                // a failed call sent again is a retry
                Kind::Generation if o.input.is_some() && o.level != super::Level::Error => {
                    // a resent input is the same text: hashed as it is, not parsed (inputs are
                    // most of a file's bytes)
                    let key = o.input.as_ref().map(|p| p.raw().trim().to_string()).unwrap_or_default();
                    let model = o.model.as_deref().unwrap_or("model");
                    groups.entry((false, model, key)).or_default().push(pos);
                }
                _ => {}
            }
        }
        let mut flagged = vec![false; calls.len()];
        for ((is_tool, name, _), members) in groups.iter().filter(|(_, m)| m.len() >= MIN_REPEATS) {
            let kind = if *is_tool { LoopKind::RepeatedTool } else { LoopKind::RepeatedInput };
            for &p in members {
                flagged[p] = true;
            }
            loops.push(made(t, calls, kind, name.to_string(), *agent, members));
        }
        loops.extend(alternating(t, calls, &tools, &flagged, *agent));
        for (name, members) in by_tool {
            if members.len() >= MIN_RUNAWAY && !members.iter().all(|&p| flagged[p]) {
                loops.push(made(t, calls, LoopKind::Runaway, name.to_string(), *agent, &members));
            }
        }
    }
    let total = t.duration_ns().unwrap_or(0).max(1) as f64;
    for l in &mut loops {
        l.share = (l.duration_ns as f64 / total).min(1.0);
    }
    super::order::sort_by(&mut loops, |a, b| {
        b.calls.len().cmp(&a.calls.len()).then(a.calls.first().cmp(&b.calls.first()))
    });
    loops
}

/// Runs of two tools taking turns (a b a b a b…) at least `MIN_REPEATS` rounds, each tool's
/// results equivalent throughout: no progress. Runs whose calls all repeat their arguments are
/// loops already.
fn alternating(t: &Trace, calls: &[u32], tools: &[(usize, String)], flagged: &[bool], agent: Option<u32>) -> Vec<Loop> {
    let name = |k: usize| tool_name(t, calls[tools[k].0]);
    let same = |a: usize, b: usize| name(a) == name(b) && tools[a].1 == tools[b].1;
    let mut out = Vec::new();
    let mut k = 2;
    while k < tools.len() {
        if !(same(k, k - 2) && name(k) != name(k - 1)) {
            k += 1;
            continue;
        }
        let start = k - 2;
        while k < tools.len() && same(k, k - 2) && name(k) != name(k - 1) {
            k += 1;
        }
        let run: Vec<usize> = (start..k).map(|j| tools[j].0).collect();
        if run.len() >= 2 * MIN_REPEATS && !run.iter().all(|&p| flagged[p]) {
            let label = format!("{} ↔ {}", name(start), name(start + 1));
            out.push(made(t, calls, LoopKind::Alternating, label, agent, &run));
        }
    }
    out
}

/// A loop of `members` (positions in `calls`), with the model calls that asked for them.
fn made(t: &Trace, calls: &[u32], kind: LoopKind, label: String, agent: Option<u32>, members: &[usize]) -> Loop {
    let mut askers: Vec<u32> = Vec::new();
    if kind != LoopKind::RepeatedInput {
        for &p in members {
            let asker = calls[..p].iter().rev().find(|&&i| t.observations[i as usize].kind == Kind::Generation);
            if let Some(&a) = asker.filter(|a| !askers.contains(a)) {
                askers.push(a);
            }
        }
    }
    let ids: Vec<u32> = members.iter().map(|&p| calls[p]).collect();
    let (mut duration_ns, mut tokens, mut cost_usd) = (0i64, 0u64, 0f64);
    for &i in ids.iter().chain(&askers) {
        let o = &t.observations[i as usize];
        duration_ns = duration_ns.saturating_add(o.duration_ns().unwrap_or(0));
        tokens = tokens.saturating_add(t.totals.subtree_tokens.get(i as usize).copied().unwrap_or(0));
        cost_usd += t.totals.subtree_cost.get(i as usize).copied().unwrap_or(0.0);
    }
    Loop { kind, label, agent, calls: ids, askers, duration_ns, tokens, cost_usd, share: 0.0 }
}

fn tool_name(t: &Trace, i: u32) -> &str {
    let o = &t.observations[i as usize];
    o.tool_name.as_deref().unwrap_or(&o.name)
}

/// The tool and model calls of each agent (the nearest agent above them, by name; `None`: none),
/// in time order, with the first observation of that agent. A call inside a tool (a tool that
/// runs a model) belongs to the same agent.
fn steps_by_agent(t: &Trace) -> Vec<(Option<u32>, Vec<u32>)> {
    let agent_of = agent_of(t);
    let mut groups: Vec<(Option<u32>, Vec<u32>)> = Vec::new();
    let mut at: HashMap<Option<&str>, usize> = HashMap::new();
    for &i in &t.tree.preorder {
        let o = &t.observations[i as usize];
        let inherited = agent_of[i as usize];
        if matches!(o.kind, Kind::Tool | Kind::Generation) {
            let name = inherited.map(|a| t.observations[a as usize].name.as_str());
            let g = *at.entry(name).or_insert_with(|| {
                groups.push((inherited, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(i);
        }
    }
    for (_, calls) in &mut groups {
        super::order::sort_by_key(calls, |&i| (t.observations[i as usize].start_ns, i));
    }
    groups
}

/// The agent each observation runs in: the nearest `Kind::Agent` above it (not itself), `None`
/// for none. One pass in preorder, parents before children: iterative whatever the depth. Shared
/// with the transcript, which groups model calls by the same agent (by this agent's name).
pub(crate) fn agent_of(t: &Trace) -> Vec<Option<u32>> {
    let mut agent_of: Vec<Option<u32>> = vec![None; t.observations.len()];
    for &i in &t.tree.preorder {
        let inherited = t.tree.parent_of(i).and_then(|p| {
            if t.observations.get(p as usize).is_some_and(|o| o.kind == Kind::Agent) {
                Some(p)
            } else {
                agent_of.get(p as usize).copied().flatten()
            }
        });
        if let Some(slot) = agent_of.get_mut(i as usize) {
            *slot = inherited;
        }
    }
    agent_of
}

/// A payload as normalised JSON text: keys sorted, numbers to nine significant digits, JSON held
/// in strings read as JSON. Equal texts are equivalent payloads.
fn canonical(p: Option<&Payload>) -> String {
    let mut out = String::new();
    match p.map(Payload::decode) {
        Some(Decoded::Json(v)) => write(&v, &mut out, true),
        Some(Decoded::Text(s)) => write(&Value::String(s.trim().to_string()), &mut out, false),
        None => {}
    }
    out
}

/// Writes `v` normalised, without recursion (a payload can be deep); JSON held in its strings
/// is read one level down (`embedded`), not further.
fn write(v: &Value, out: &mut String, embedded: bool) {
    enum Step<'a> {
        Value(&'a Value),
        Text(&'static str),
        Key(&'a str),
    }
    let mut stack = vec![Step::Value(v)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Text(s) => out.push_str(s),
            Step::Key(k) => {
                out.push_str(&Value::String(k.to_string()).to_string());
                out.push(':');
            }
            Step::Value(Value::Object(m)) => {
                let mut keys: Vec<(&String, &Value)> = m.iter().collect();
                super::order::sort_by(&mut keys, |a, b| a.0.cmp(b.0));
                out.push('{');
                stack.push(Step::Text("}"));
                for (n, (k, v)) in keys.into_iter().enumerate().rev() {
                    stack.push(Step::Value(v));
                    stack.push(Step::Key(k));
                    if n > 0 {
                        stack.push(Step::Text(","));
                    }
                }
            }
            Step::Value(Value::Array(items)) => {
                out.push('[');
                stack.push(Step::Text("]"));
                for (n, v) in items.iter().enumerate().rev() {
                    stack.push(Step::Value(v));
                    if n > 0 {
                        stack.push(Step::Text(","));
                    }
                }
            }
            Step::Value(Value::Number(x)) => match x.as_f64() {
                Some(f) if f.is_finite() => out.push_str(&format!("{f:.8e}")),
                _ => out.push_str(&x.to_string()),
            },
            Step::Value(Value::String(s)) => match parse_embedded(s).filter(|_| embedded) {
                Some(inner) => write(&inner, out, false),
                None => out.push_str(&Value::String(s.clone()).to_string()),
            },
            Step::Value(other) => out.push_str(&other.to_string()),
        }
    }
}

/// JSON an argument holds as a string (`"{\"city\": \"Paris\"}"`), read once.
fn parse_embedded(s: &str) -> Option<Value> {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    serde_json::from_str::<Value>(t).ok().filter(|v| !matches!(v, Value::String(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, Trace};

    /// Observations `(id, parent, kind, name, input)`, started one after another.
    fn trace(spec: &[(&str, Option<&str>, Kind, &str, &str)]) -> Trace {
        let obs = spec
            .iter()
            .enumerate()
            .map(|(k, (id, parent, kind, name, input))| {
                let mut o = Observation::new(*id, *kind, *name, k as i64 * 10);
                o.end_ns = Some(k as i64 * 10 + 5);
                o.parent_id = parent.map(str::to_string);
                if !input.is_empty() {
                    o.input = Payload::from_json_text(input);
                }
                if *kind == Kind::Tool {
                    o.output = Payload::from_json_text(r#""same answer""#);
                }
                o
            })
            .collect();
        Trace::build("t".into(), obs, "f", &mut Vec::new())
    }

    fn found(t: &Trace) -> Vec<(LoopKind, String, usize)> {
        detect(t).into_iter().map(|l| (l.kind, l.label, l.calls.len())).collect()
    }

    const A: Option<&str> = Some("agent");

    #[test]
    fn equivalent_arguments_repeated_three_times_are_a_loop() {
        let t = trace(&[
            ("agent", None, Kind::Agent, "agent", ""),
            ("g1", A, Kind::Generation, "llm", r#"[{"role":"user","content":"1"}]"#),
            ("t1", A, Kind::Tool, "search", r#"{"q":"paris","limit":10,"ratio":0.3}"#),
            ("g2", A, Kind::Generation, "llm", r#"[{"role":"user","content":"2"}]"#),
            // keys reordered, whitespace, a number equal to nine digits, JSON held in a string
            ("t2", A, Kind::Tool, "search", r#"{ "limit": 10.0, "q": "paris", "ratio": 0.30000000000000004 }"#),
            ("g3", A, Kind::Generation, "llm", r#"[{"role":"user","content":"3"}]"#),
            ("t3", A, Kind::Tool, "search", r#""{\"ratio\":0.3,\"q\":\"paris\",\"limit\":10}""#),
            // different arguments do not count
            ("t4", A, Kind::Tool, "search", r#"{"q":"london","limit":10,"ratio":0.3}"#),
            ("t5", A, Kind::Tool, "search", r#"{"q":"paris","limit":11,"ratio":0.3}"#),
        ]);
        let loops = detect(&t);
        assert_eq!(found(&t), [(LoopKind::RepeatedTool, "search".to_string(), 3)]);
        let l = &loops[0];
        assert_eq!(l.calls, [2, 4, 6], "t1, t2, t3");
        assert_eq!(l.agent, Some(0));
        assert_eq!(l.askers, [1, 3, 5], "the model call before each repeat asked for it");
        assert_eq!(l.duration_ns, 6 * 5);
        assert!(l.share > 0.3 && l.share < 0.4, "{}", l.share);
    }

    #[test]
    fn two_repeats_or_different_tools_are_not_a_loop() {
        let t = trace(&[
            ("t1", None, Kind::Tool, "search", r#"{"q":"a"}"#),
            ("t2", None, Kind::Tool, "search", r#"{"q":"a"}"#),
            ("t3", None, Kind::Tool, "fetch", r#"{"q":"a"}"#),
            ("t4", None, Kind::Tool, "search", r#"{"q":"b"}"#),
        ]);
        assert_eq!(found(&t), []);
    }

    #[test]
    fn interleaved_agents_count_apart() {
        let b = Some("b");
        let t = trace(&[
            ("agent", None, Kind::Agent, "a", ""),
            ("b", None, Kind::Agent, "b", ""),
            ("x1", A, Kind::Tool, "lookup", r#"{"id":1}"#),
            ("y1", b, Kind::Tool, "lookup", r#"{"id":1}"#),
            ("x2", A, Kind::Tool, "lookup", r#"{"id":1}"#),
            ("y2", b, Kind::Tool, "lookup", r#"{"id":1}"#),
        ]);
        assert_eq!(found(&t), [], "two calls in each agent: no agent loops");
        let t = trace(&[
            ("agent", None, Kind::Agent, "a", ""),
            ("b", None, Kind::Agent, "b", ""),
            ("x1", A, Kind::Tool, "lookup", r#"{"id":1}"#),
            ("y1", b, Kind::Tool, "lookup", r#"{"id":1}"#),
            ("x2", A, Kind::Tool, "lookup", r#"{"id":1}"#),
            ("x3", A, Kind::Tool, "lookup", r#"{"id":1}"#),
        ]);
        let loops = detect(&t);
        assert_eq!(found(&t), [(LoopKind::RepeatedTool, "lookup".to_string(), 3)]);
        assert_eq!(loops[0].calls, [2, 4, 5]);
    }

    #[test]
    fn the_same_model_input_three_times() {
        let input = r#"[{"role":"user","content":"again"}]"#;
        let t = trace(&[
            ("g1", None, Kind::Generation, "llm", input),
            ("g2", None, Kind::Generation, "llm", input),
            ("g3", None, Kind::Generation, "llm", input),
        ]);
        assert_eq!(found(&t), [(LoopKind::RepeatedInput, "model".to_string(), 3)]);
    }

    #[test]
    fn a_tool_called_ten_times_whatever_its_arguments_runs_away() {
        let ids: Vec<String> = (0..10).map(|k| format!("t{k}")).collect();
        let args: Vec<String> = (0..10).map(|k| format!(r#"{{"args":[{k}]}}"#)).collect();
        let spec: Vec<_> = (0..10).map(|k| (ids[k].as_str(), None, Kind::Tool, "step", args[k].as_str())).collect();
        assert_eq!(found(&trace(&spec)), [(LoopKind::Runaway, "step".to_string(), 10)]);
        assert_eq!(found(&trace(&spec[..9])), [], "nine: not yet");
    }

    #[test]
    fn failed_calls_sent_again_are_retries_and_one_agent_is_one_name() {
        let input = r#"[{"role":"user","content":"x"}]"#;
        let mut t = trace(&[
            ("g1", None, Kind::Generation, "llm", input),
            ("g2", None, Kind::Generation, "llm", input),
            ("g3", None, Kind::Generation, "llm", input),
        ]);
        for o in &mut t.observations {
            o.level = crate::model::Level::Error;
        }
        assert_eq!(found(&t), []);
        // LangGraph: the node `agent` runs again for each step, one tool call each time
        let (a1, a2, a3) = (Some("a1"), Some("a2"), Some("a3"));
        let t = trace(&[
            ("a1", None, Kind::Agent, "agent", ""),
            ("x1", a1, Kind::Tool, "step", "{}"),
            ("a2", None, Kind::Agent, "agent", ""),
            ("x2", a2, Kind::Tool, "step", "{}"),
            ("a3", None, Kind::Agent, "agent", ""),
            ("x3", a3, Kind::Tool, "step", "{}"),
        ]);
        assert_eq!(found(&t), [(LoopKind::RepeatedTool, "step".to_string(), 3)]);
    }

    #[test]
    fn two_tools_taking_turns_without_progress() {
        // each call's arguments differ, the answers do not: read, check, read, check…
        let mut spec = Vec::new();
        let ids: Vec<String> = (0..6).map(|k| format!("t{k}")).collect();
        let args: Vec<String> = (0..6).map(|k| format!(r#"{{"page":{k}}}"#)).collect();
        for k in 0..6 {
            let name = if k % 2 == 0 { "read" } else { "check" };
            spec.push((ids[k].as_str(), None, Kind::Tool, name, args[k].as_str()));
        }
        let t = trace(&spec);
        assert_eq!(found(&t), [(LoopKind::Alternating, "read ↔ check".to_string(), 6)]);
        // two rounds only: not yet
        let t = trace(&spec[..5]);
        assert_eq!(found(&t), []);
    }
}
