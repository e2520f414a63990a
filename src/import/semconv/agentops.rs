//! The AgentOps SDK's own keys, checked against its source (AgentOps-AI/agentops, commit
//! a855a92dfaa7fd4423f9a68b1ba0295a3a72da80: `agentops/semconv/span_kinds.py`,
//! `span_attributes.py`, `agentops/sdk/decorators/utility.py`, `factory.py`). Its decorators
//! (`@session`/`@trace`, `@agent`, `@tool`, `@task`, `@workflow`, `@operation`, `@guardrail`) name
//! a span `{function}.{kind}` and mark the kind; its provider instrumentations write the GenAI
//! keys of 1.36 and before (`gen_ai.prompt.N.*`, `gen_ai.usage.prompt_tokens`), which `genai` reads.
//!
//! | key | becomes |
//! |---|---|
//! | `agentops.span.kind` (`session`, `workflow`, `task`, `operation`, `chain`, `agent`, `tool`, `llm`, `guardrail`) | kind: chain (the first five), agent, tool, generation, guardrail |
//! | `gen_ai.request.type` (`chat`, `completion`, `embedding`), AgentOps' copy of `llm.request.type` | kind, where no kind name or operation gave one |
//! | `agentops.{kind}.input`, `agentops.{kind}.output` (and `agentops.entity.*`: JSON text) | input, output |
//! | `operation.name` | the name of a decorated span |
//! | `operation.name` of a `session` span | the trace's name |
//! | `gen_ai.usage.total_cost` (a `@tool(cost=…)`) | cost total |

use super::found::{CostTotal, Field, Found, Input, KindOperation, Output, Source};
use super::span::Span;
use crate::model::Kind;

const KIND: &str = "agentops.span.kind";

/// The attributes read whole, and the field each is offered to.
const KEYS: [(&str, Field); 3] = [
    (KIND, Field::KindOperation(KindOperation::AgentOpsSpan, kind_of_span_kind)),
    ("gen_ai.request.type", Field::KindOperation(KindOperation::AgentOpsRequest, kind_of_request)),
    ("gen_ai.usage.total_cost", Field::CostTotal(CostTotal::AgentOps)),
];

pub(super) fn read(s: &Span, f: &mut Found) {
    // (AgentOps' keys start with `agentops.`, or are two `gen_ai.` keys: a span with neither
    // prefix skips the look-ups)
    let ours = |k: &str| k.starts_with("agentops.") || k.starts_with("gen_ai.");
    if !s.attrs.iter().any(|a| ours(&a.key)) {
        return;
    }
    f.offer_keys(s, &KEYS);
    // `agentops.{kind}.input` as the decorator wrote it, whatever the kind (`entity` on a session)
    let entity = |end: &str| {
        let of_a_kind = |k: &str| k.strip_suffix(end).is_some_and(|kind| !kind.is_empty() && !kind.contains('.'));
        s.attrs.iter().position(|a| a.key.strip_prefix("agentops.").is_some_and(of_a_kind))
    };
    f.input.offer(Input::AgentOps as usize, entity(".input").map(Source::Attr));
    f.output.offer(Output::AgentOps as usize, entity(".output").map(Source::Attr));
    let Some(kind) = s.text(KIND) else { return };
    f.name = f.name.take().or_else(|| s.text("operation.name"));
    if kind == "session" {
        f.trace_name = f.trace_name.take().or_else(|| s.text("operation.name"));
    }
}

/// The kind of an `agentops.span.kind` (`AgentOpsSpanKindValues`).
fn kind_of_span_kind(kind: &str) -> Option<Kind> {
    Some(match kind {
        "session" | "workflow" | "task" | "operation" | "chain" => Kind::Chain,
        "agent" => Kind::Agent,
        "tool" => Kind::Tool,
        "llm" => Kind::Generation,
        "guardrail" => Kind::Guardrail,
        _ => return None,
    })
}

/// The kind of a `gen_ai.request.type` (`LLMRequestTypeValues`).
fn kind_of_request(kind: &str) -> Option<Kind> {
    Some(match kind {
        "chat" | "completion" => Kind::Generation,
        "embedding" => Kind::Embedding,
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
    fn decorated_spans_and_an_llm_call() {
        // as `@session` / `@tool(cost=0.01)` write them (utility.py, factory.py)
        let mut root = span(
            "travel_plan.session",
            &[
                ("agentops.span.kind", "session"),
                ("operation.name", "travel_plan"),
                ("agentops.entity.input", r#"{"args": ["Lisbon"], "kwargs": {}}"#),
                ("agentops.entity.output", r#""3 days""#),
            ],
        );
        let ids = apply(&mut root);
        assert_eq!((root.kind, root.name.as_str()), (Kind::Chain, "travel_plan"));
        assert!(root.input.as_ref().unwrap().raw().contains("Lisbon"));
        assert!(root.output.is_some());
        assert!(root.attribute("agentops.entity.input").is_none(), "moved into the input");
        assert_eq!(ids.name.as_deref(), Some("travel_plan"));
        let mut tool = span(
            "get_weather.tool",
            &[
                ("agentops.span.kind", "tool"),
                ("operation.name", "get_weather"),
                ("agentops.tool.input", r#"{"args": [], "kwargs": {"city": "Lisbon"}}"#),
                ("agentops.tool.output", r#""sunny""#),
                ("gen_ai.usage.total_cost", "0.01"),
            ],
        );
        let ids = apply(&mut tool);
        assert_eq!((tool.kind, tool.name.as_str()), (Kind::Tool, "get_weather"));
        assert!(tool.input.as_ref().unwrap().raw().contains("city"));
        assert_eq!(tool.cost.total, Some(0.01));
        assert_eq!(ids.name, None, "only a session names the trace");
        for (kind, want) in [("agent", Kind::Agent), ("llm", Kind::Generation), ("guardrail", Kind::Guardrail)] {
            let mut o = span("x", &[("agentops.span.kind", kind), ("operation.name", "n")]);
            apply(&mut o);
            assert_eq!((o.kind, o.name.as_str()), (want, "n"), "{kind}");
        }
        // the OpenAI instrumentation: no agentops.span.kind, `gen_ai.request.type` tells the kind
        let mut l = span(
            "openai.chat.completion",
            &[("gen_ai.request.type", "chat"), ("gen_ai.system", "OpenAI"), ("gen_ai.request.model", "gpt-4o-mini")],
        );
        apply(&mut l);
        assert_eq!((l.kind, l.name.as_str()), (Kind::Generation, "openai.chat.completion"));
        let mut e = span("openai.embeddings", &[("gen_ai.request.type", "embedding")]);
        apply(&mut e);
        assert_eq!(e.kind, Kind::Embedding);
    }
}
