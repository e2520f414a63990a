//! Comparing two traces: their observations aligned across the two trees (`align`), the deltas of
//! each matched step and a summary ranking the steps that changed most (`delta`), a word-level
//! diff of texts (`text`), and payloads compared as messages, JSON or text (`content`).
//!
//! Alignment, parent by parent from the roots down (iterative):
//! 1. children with the same kind and name are paired in order (the first `search` tool call of A
//!    with the first of B, the second with the second…), so parallel branches that started in a
//!    different order still pair up, and a repeated step is matched occurrence by occurrence;
//! 2. what is left is paired by name similarity (character bigrams, Dice ≥ 0.5) among steps of
//!    the same kind, nearest position first: a renamed step;
//! 3. the rest is removed (only in A) or added (only in B), with its whole subtree.
//!
//! Matched pairs then have their children aligned the same way. Rows come out in B's order, a
//! removed step just before the first B step that follows it in A.

mod align;
mod content;
mod delta;
mod text;

pub use align::{align, similarity, Pairing, Row};
pub use content::{content_diff, json_changes, messages_diff, ContentDiff, JsonChange, MessageDiff, ToolCallDiff};
pub use delta::{duration_ms, step_delta, summary, Change, ScoreChange, StepDelta, Summary};
pub use text::{words, words_owned, Owned, Piece};

/// Traces to compare, for the tests of every part.
#[cfg(test)]
mod testing {
    use crate::model::{Kind, Observation, Trace};

    /// A trace from `(id, parent, kind, name, start ms)`.
    pub fn trace(id: &str, spans: &[(&str, Option<&str>, Kind, &str, i64)]) -> Trace {
        let obs = spans
            .iter()
            .map(|(i, p, k, n, s)| {
                let mut o = Observation::new(*i, *k, *n, s * 1_000_000);
                o.parent_id = p.map(str::to_string);
                o.end_ns = Some((s + 10) * 1_000_000);
                o
            })
            .collect();
        Trace::build(id.into(), obs, "t.json", &mut Vec::new())
    }

    use Kind::{Agent, Generation as Llm, Tool};

    pub fn base() -> Vec<(&'static str, Option<&'static str>, Kind, &'static str, i64)> {
        vec![
            ("r", None, Agent, "agent", 0),
            ("p", Some("r"), Llm, "plan", 1),
            ("s", Some("r"), Tool, "search", 2),
            ("f", Some("r"), Tool, "fetch", 3),
            ("w", Some("r"), Llm, "write answer", 4),
        ]
    }
}
