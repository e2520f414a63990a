//! OpenLLMetry (Traceloop) `traceloop.*` and `llm.*` attributes: checked against
//! `SpanAttributes` of `opentelemetry-semantic-conventions-ai` and the decorators of
//! `traceloop-sdk` 0.62.4 (`@workflow`, `@task`, `@agent`, `@tool`), read from their source. Its
//! LLM spans also carry the GenAI keys of 1.36 and before (`gen_ai.prompt.N.*`,
//! `gen_ai.usage.prompt_tokens`), which `genai` reads.
//!
//! | key | becomes |
//! |---|---|
//! | `traceloop.span.kind` (`workflow`, `task`, `agent`, `tool`) | kind: chain, chain, agent, tool |
//! | `llm.request.type` (`chat`, `completion`, `embedding`, `rerank`) | kind, where no kind name or GenAI operation gave one |
//! | `traceloop.entity.name` | the name of a workflow, task, agent or tool span |
//! | `traceloop.entity.input`, `traceloop.entity.output` (JSON text) | input, output |
//! | `llm.usage.total_tokens` | usage total |
//! | `traceloop.workflow.name` | the trace's name |
//! | `traceloop.association.properties.session_id` (else `.thread_id`, `.conversation_id`, `.chat_id`), `.user_id` | the trace's session, user |

use super::found::{Field, Found, Input, KindOperation, Output, SessionId, Tokens, UserId};
use super::span::Span;
use crate::model::Kind;

const ASSOCIATION: &str = "traceloop.association.properties.";

/// The attributes read whole, and the field each is offered to.
const KEYS: [(&str, Field); 5] = [
    ("traceloop.span.kind", Field::KindOperation(KindOperation::TraceloopSpan, kind_of_span_kind)),
    ("llm.request.type", Field::KindOperation(KindOperation::TraceloopRequest, kind_of_request)),
    ("traceloop.entity.input", Field::Input(Input::Traceloop)),
    ("traceloop.entity.output", Field::Output(Output::Traceloop)),
    ("llm.usage.total_tokens", Field::TotalTokens(Tokens::Traceloop)),
];

pub(super) fn read(s: &Span, f: &mut Found) {
    // (the keys start with `traceloop.` or `llm.`: a span with neither skips the look-ups)
    if !s.attrs.iter().any(|a| a.key.starts_with("traceloop.") || a.key.starts_with("llm.")) {
        return;
    }
    f.offer_keys(s, &KEYS);
    if s.find("traceloop.span.kind").is_some() {
        f.name = f.name.take().or_else(|| s.text("traceloop.entity.name"));
    }
    f.trace_name = f.trace_name.take().or_else(|| s.text("traceloop.workflow.name"));
    let session = ["session_id", "thread_id", "conversation_id", "chat_id"]
        .iter()
        .find_map(|k| s.find(&format!("{ASSOCIATION}{k}")));
    f.session_id.offer(SessionId::Traceloop as usize, session);
    f.user_id.offer(UserId::Traceloop as usize, s.find(&format!("{ASSOCIATION}user_id")));
}

/// The kind of a `traceloop.span.kind`.
fn kind_of_span_kind(kind: &str) -> Option<Kind> {
    Some(match kind {
        "workflow" | "task" => Kind::Chain,
        "agent" => Kind::Agent,
        "tool" => Kind::Tool,
        _ => return None,
    })
}

/// The kind of an `llm.request.type`.
fn kind_of_request(kind: &str) -> Option<Kind> {
    Some(match kind {
        "chat" | "completion" => Kind::Generation,
        "embedding" => Kind::Embedding,
        "rerank" => Kind::Reranker,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::apply;
    use crate::model::{AttrValue, Attribute, Kind, Observation};

    fn span(name: &str, attrs: &[(&str, &str)]) -> Observation {
        let mut o = Observation::new("s", Kind::Span, name, 0);
        o.attributes =
            attrs.iter().map(|(k, v)| Attribute { key: (*k).into(), value: AttrValue::Str((*v).into()) }).collect();
        o
    }

    #[test]
    fn workflow_task_agent_tool_and_llm_spans() {
        let mut w = span(
            "joke_workflow.workflow",
            &[
                ("traceloop.span.kind", "workflow"),
                ("traceloop.entity.name", "joke_workflow"),
                ("traceloop.workflow.name", "joke_workflow"),
                ("traceloop.entity.input", r#"{"args": [], "kwargs": {"topic": "owls"}}"#),
                ("traceloop.entity.output", r#""an owl joke""#),
                ("traceloop.association.properties.session_id", "s-1"),
                ("traceloop.association.properties.user_id", "u-1"),
            ],
        );
        let ids = apply(&mut w);
        assert_eq!((w.kind, w.name.as_str()), (Kind::Chain, "joke_workflow"));
        assert!(w.input.as_ref().unwrap().raw().contains("owls"));
        assert!(w.output.is_some());
        assert!(w.attribute("traceloop.entity.input").is_none(), "moved into the input");
        assert_eq!(
            (ids.name.as_deref(), ids.session_id.as_deref(), ids.user_id.as_deref()),
            (Some("joke_workflow"), Some("s-1"), Some("u-1"))
        );
        for (kind, want) in
            [("task", Kind::Chain), ("agent", Kind::Agent), ("tool", Kind::Tool), ("unknown", Kind::Span)]
        {
            // (`gen_ai.agent.name`, which traceloop-sdk 0.62.4 adds inside agents, changes nothing)
            let attrs = [("traceloop.span.kind", kind), ("traceloop.entity.name", "n"), ("gen_ai.agent.name", "a")];
            let mut o = span("x", &attrs);
            apply(&mut o);
            assert_eq!((o.kind, o.name.as_str()), (want, "n"), "{kind}");
        }
        // an LLM span: kind by request type, total by llm.usage.total_tokens, counts by the
        // GenAI names of 1.36 and before
        let mut l = span(
            "openai.chat",
            &[
                ("llm.request.type", "chat"),
                ("gen_ai.request.model", "gpt-4o"),
                ("gen_ai.prompt.0.role", "user"),
                ("gen_ai.prompt.0.content", "tell a joke"),
                ("gen_ai.completion.0.role", "assistant"),
                ("gen_ai.completion.0.content", "no"),
            ],
        );
        l.attributes.push(Attribute { key: "gen_ai.usage.prompt_tokens".into(), value: AttrValue::Int("9".into()) });
        l.attributes
            .push(Attribute { key: "gen_ai.usage.completion_tokens".into(), value: AttrValue::Int("3".into()) });
        l.attributes.push(Attribute { key: "llm.usage.total_tokens".into(), value: AttrValue::Int("12".into()) });
        apply(&mut l);
        assert_eq!(l.kind, Kind::Generation);
        assert_eq!((l.usage.input, l.usage.output, l.usage.total), (Some(9), Some(3), Some(12)));
        assert!(l.input.as_ref().unwrap().raw().contains("tell a joke"));
        let mut e = span("openai.embeddings", &[("llm.request.type", "embedding")]);
        apply(&mut e);
        assert_eq!(e.kind, Kind::Embedding);
    }
}
