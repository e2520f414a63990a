//! Span attribute conventions mapped onto the model, one file each: OpenInference
//! (`openinference`), OpenTelemetry GenAI (`genai`), Langfuse's own `langfuse.*` (`langfuse`),
//! Vercel AI SDK `ai.*` (`vercel`), OpenLLMetry `traceloop.*` (`traceloop`), Pydantic AI and Logfire (`pydantic`), Google ADK
//! `gcp.vertex.agent.*` (`adk`), CrewAI's crews (`crewai`), MLflow's `mlflow.*` (`mlflow`), the AgentOps SDK's
//! `agentops.*` (`agentops`). Shared by every OTLP-shaped
//! importer.
//!
//! Each convention offers what it finds on a span to the model's fields (`found`); where several
//! give the same field, the precedence written there decides, field by field. Flattened lists
//! (`llm.input_messages.0.message.role`…) are rebuilt by `tree`.

mod adk;
mod agentops;
mod crewai;
#[cfg(test)]
mod fixtures;
mod found;
mod genai;
mod langfuse;
mod mlflow;
mod openinference;
mod pydantic;
mod span;
mod trace_ids;
mod traceloop;
mod tree;
mod values;
mod vercel;

pub use trace_ids::TraceIds;

use crate::model::Observation;
use found::Found;
use span::Span;

/// `apply` on every observation of one trace, gathering the trace-level facts they carry.
pub fn apply_all(obs: &mut [Observation]) -> TraceIds {
    let mut all = TraceIds::default();
    for o in obs {
        all.absorb(apply(o));
    }
    all
}

/// Fills kind, model, usage, cost, input/output, tool, documents, level from `o.attributes`, and
/// removes the attributes whose content moved into those fields (all others stay, shown as-is).
pub fn apply(o: &mut Observation) -> TraceIds {
    mlflow::decode_strings(&mut o.attributes);
    let mut found = Found::new(o.attributes.len());
    let fields = {
        let span = Span::new(&o.attributes, &o.events);
        openinference::read(&span, &mut found);
        genai::read(&span, &mut found);
        langfuse::read(&span, &mut found);
        vercel::read(&span, &mut found);
        traceloop::read(&span, &mut found);
        agentops::read(&span, &mut found);
        pydantic::read(&span, &mut found);
        adk::read(&span, &mut found);
        crewai::read(&span, &mut found);
        mlflow::read(&span, &mut found);
        found.resolve(&span)
    };
    fields.write_to(o, &mut found.consumed)
}

#[cfg(test)]
mod tests {
    use super::fixtures::{attrs_from_flat_map, fixture};
    use super::*;
    use crate::model::{AttrValue, Attribute, Decoded, Kind, Payload};

    /// Runs `apply` on a span holding `keys[first..]` (`value(i)` for key `i`, written in reverse
    /// order so that attribute order does not decide), for every `first`.
    fn each_first(
        keys: &[&str],
        value: &dyn Fn(usize) -> AttrValue,
        check: &mut dyn FnMut(usize, &Observation, &TraceIds),
    ) {
        for first in 0..keys.len() {
            let mut o = Observation::new("s", Kind::Span, "x", 0);
            o.attributes =
                (first..keys.len()).rev().map(|i| Attribute { key: keys[i].into(), value: value(i) }).collect();
            let ids = apply(&mut o);
            check(first, &o, &ids);
        }
    }

    /// Errors are status ERROR, level ERROR, or an exception event (issue 26): a span whose
    /// only sign of failure is its exception event counts as an error.
    #[test]
    fn an_exception_event_makes_an_error() {
        use crate::model::{Event, Level};
        let event = |name: &str| Event {
            name: name.into(),
            time_ns: 1,
            attributes: vec![Attribute { key: "exception.type".into(), value: AttrValue::Str("ValueError".into()) }],
        };
        let mut o = Observation::new("s", Kind::Span, "x", 0);
        o.events.push(event("exception"));
        apply(&mut o);
        assert_eq!(o.level, Level::Error);
        assert_eq!(o.status_message.as_deref(), Some("ValueError"));
        let mut quiet = Observation::new("s", Kind::Span, "x", 0);
        quiet.events.push(event("retry"));
        apply(&mut quiet);
        assert_eq!(quiet.level, Level::Default, "another event is not an error");
    }

    type ReadText = fn(&Observation, &TraceIds) -> Option<String>;
    type ReadCount = fn(&Observation) -> Option<u64>;
    type ReadPayload = fn(&Observation) -> Option<&Payload>;

    fn marked(i: usize) -> AttrValue {
        AttrValue::Str(format!("<{i}>"))
    }

    /// Each field's keys, best first: with every key of a chain present the first wins, and with it
    /// removed the next. An input or output that loses is not consumed: it stays an attribute.
    #[test]
    fn precedence_between_conventions_holds_key_by_key() {
        let text_chains: [(&[&str], ReadText); 4] = [
            (
                &[
                    "embedding.model_name",
                    "reranker.model_name",
                    "llm.model_name",
                    "gen_ai.response.model",
                    "gen_ai.request.model",
                    "langfuse.observation.model.name",
                    "ai.model.id",
                    "mlflow.llm.model",
                ],
                |o, _| o.model.as_deref().map(str::to_string),
            ),
            (&["tool.name", "gen_ai.tool.name", "ai.toolCall.name"], |o, _| o.tool_name.clone()),
            (
                &[
                    "session.id",
                    "gen_ai.conversation.id",
                    "langfuse.session.id",
                    "traceloop.association.properties.session_id",
                    "mlflow.trace.session",
                ],
                |_, ids| ids.session_id.clone(),
            ),
            (
                &[
                    "user.id",
                    "langfuse.user.id",
                    "traceloop.association.properties.user_id",
                    "enduser.id",
                    "mlflow.trace.user",
                ],
                |_, ids| ids.user_id.clone(),
            ),
        ];
        for (keys, read) in text_chains {
            each_first(keys, &marked, &mut |first, o, ids| {
                assert_eq!(read(o, ids), Some(format!("<{first}>")), "{keys:?} from {first}");
            });
        }
        let int = |i: usize| AttrValue::Int((100 + i).to_string());
        let token_chains: [(&[&str], ReadCount); 3] = [
            (
                &[
                    "llm.token_count.prompt",
                    "gen_ai.usage.input_tokens",
                    "gen_ai.usage.prompt_tokens",
                    "ai.usage.promptTokens",
                ],
                |o| o.usage.input,
            ),
            (
                &[
                    "llm.token_count.completion",
                    "gen_ai.usage.output_tokens",
                    "gen_ai.usage.completion_tokens",
                    "ai.usage.completionTokens",
                ],
                |o| o.usage.output,
            ),
            (&["llm.token_count.total", "gen_ai.usage.total_tokens", "llm.usage.total_tokens"], |o| o.usage.total),
        ];
        for (keys, read) in token_chains {
            each_first(keys, &int, &mut |first, o, _| assert_eq!(read(o), Some(100 + first as u64), "{keys:?}"));
        }
        let float = |i: usize| AttrValue::Float(1.0 + i as f64);
        each_first(&["llm.cost.total", "gen_ai.usage.cost"], &float, &mut |first, o, _| {
            assert_eq!(o.cost.total, Some(1.0 + first as f64));
        });
        let payloads: [(&[&str], ReadPayload); 3] = [
            (
                &[
                    "llm.input_messages.0.message.content",
                    "gen_ai.prompt.0.content",
                    "gen_ai.input.messages",
                    "input.value",
                    "langfuse.observation.input",
                    "traceloop.entity.input",
                    "ai.prompt.messages",
                    "ai.prompt",
                    "gen_ai.tool.call.arguments",
                    "ai.toolCall.args",
                    "tool.parameters",
                    "reranker.query",
                    "gen_ai.prompt",
                    "mlflow.spanInputs",
                ],
                |o| o.input.as_ref(),
            ),
            (
                &[
                    "llm.output_messages.0.message.content",
                    "gen_ai.completion.0.content",
                    "gen_ai.output.messages",
                    "output.value",
                    "langfuse.observation.output",
                    "traceloop.entity.output",
                    "ai.response.text",
                    "gen_ai.tool.call.result",
                    "ai.toolCall.result",
                    "gen_ai.completion",
                    "mlflow.spanOutputs",
                ],
                |o| o.output.as_ref(),
            ),
            (
                &["llm.invocation_parameters", "langfuse.observation.model.parameters", "gen_ai.request.temperature"],
                |o| o.model_parameters.as_ref(),
            ),
        ];
        for (keys, read) in payloads {
            each_first(keys, &marked, &mut |first, o, _| {
                let got = read(o).map(|p| p.raw().to_string()).unwrap_or_default();
                assert!(got.contains(&format!("<{first}>")), "{:?} should win: {got}", keys[first]);
                let kept: Vec<&str> = o.attributes.iter().map(|a| a.key.as_str()).collect();
                let losers = keys[first + 1..].iter().filter(|k| !k.starts_with("gen_ai.request."));
                for k in losers {
                    assert!(kept.contains(k), "{k} lost to {} and stays: {kept:?}", keys[first]);
                }
            });
        }
        // a kind name (OpenInference, else Langfuse) decides when known; an unknown one is passed
        // over for the GenAI operation, then Vercel's
        let kind = |attrs: &[(&str, &str)]| {
            let mut o = Observation::new("s", Kind::Span, "x", 0);
            o.attributes =
                attrs.iter().map(|(k, v)| Attribute { key: (*k).into(), value: AttrValue::Str((*v).into()) }).collect();
            apply(&mut o);
            o.kind
        };
        let all = [
            ("openinference.span.kind", "RETRIEVER"),
            ("langfuse.observation.type", "TOOL"),
            ("gen_ai.operation.name", "embeddings"),
            ("ai.operationId", "ai.generateText.doGenerate"),
        ];
        assert_eq!(kind(&all), Kind::Retriever);
        assert_eq!(kind(&all[1..]), Kind::Tool);
        assert_eq!(kind(&all[2..]), Kind::Embedding);
        assert_eq!(kind(&all[3..]), Kind::Generation);
        assert_eq!(kind(&[("openinference.span.kind", "NOT A KIND"), all[1], all[2]]), Kind::Embedding);
        assert_eq!(kind(&[("openinference.span.kind", ""), all[1], all[2]]), Kind::Tool);
        assert_eq!(kind(&[("gen_ai.operation.name", "unknown op"), all[3]]), Kind::Generation);
        // MLflow's span type, JSON-encoded as MLflow writes it, comes after every other convention
        assert_eq!(kind(&[("mlflow.spanType", "\"CHAT_MODEL\"")]), Kind::Generation);
        assert_eq!(kind(&[("mlflow.spanType", "\"TOOL\""), all[2]]), Kind::Embedding);
        assert_eq!(kind(&[("mlflow.spanType", "\"PARSER\""), all[3]]), Kind::Generation);
        // tags of both conventions, OpenInference's first
        let mut o = Observation::new("s", Kind::Span, "x", 0);
        o.attributes = vec![
            Attribute { key: "langfuse.trace.tags".into(), value: AttrValue::Str(r#"["b","a"]"#.into()) },
            Attribute { key: "tag.tags".into(), value: AttrValue::Array(vec![AttrValue::Str("a".into())]) },
        ];
        assert_eq!(apply(&mut o).tags, ["a", "b", "a"]);
    }

    /// Usage details keep the attributes' order across conventions; Langfuse's usage and cost
    /// details count only where no other convention gave usage or a total cost.
    #[test]
    fn usage_and_cost_details_and_their_langfuse_fallbacks() {
        let attr = |k: &str, v: AttrValue| Attribute { key: k.into(), value: v };
        let n = |v: u64| AttrValue::Int(v.to_string());
        let mut o = Observation::new("s", Kind::Span, "x", 0);
        o.attributes = vec![
            attr("gen_ai.usage.cache_read_tokens", n(3)),
            attr("llm.token_count.prompt_details.cache_read", n(4)),
            attr("gen_ai.usage.reasoning_tokens", n(5)),
            attr("langfuse.observation.usage_details", AttrValue::Str(r#"{"input":9}"#.into())),
            attr("llm.cost.prompt", AttrValue::Float(0.25)),
            attr("langfuse.observation.cost_details", AttrValue::Str(r#"{"output":0.5}"#.into())),
        ];
        apply(&mut o);
        let details: Vec<(&str, u64)> = o.usage.details.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(details, [("cache_read_tokens", 3), ("prompt_details.cache_read", 4), ("reasoning_tokens", 5)]);
        assert_eq!(o.usage.input, None, "usage was given: Langfuse's is not read");
        // no total cost: Langfuse's details join, and the total is the sum of all
        assert_eq!(o.cost.details, [("input".to_string(), 0.25), ("output".to_string(), 0.5)]);
        assert_eq!(o.cost.total, Some(0.75));
        let mut l = Observation::new("s", Kind::Span, "x", 0);
        l.attributes = vec![
            attr("langfuse.observation.usage_details", AttrValue::Str(r#"{"input":9,"output":2.6,"cache":1}"#.into())),
            attr("langfuse.observation.cost_details", AttrValue::Str(r#"{"total":1.5,"input":1}"#.into())),
            attr("llm.model_name", AttrValue::Str("m".into())),
        ];
        apply(&mut l);
        assert_eq!(
            (l.usage.input, l.usage.output, l.usage.details.clone()),
            (Some(9), Some(3), vec![("cache".into(), 1)])
        );
        assert_eq!((l.cost.total, l.cost.details.clone()), (Some(1.5), vec![("input".into(), 1.0)]));
        assert_eq!(l.kind, Kind::Generation, "a model and usage make a span a generation");
    }

    #[test]
    fn openinference_llm_span_with_tool_calls() {
        let mut o = Observation::new("s", Kind::Span, "llm", 0);
        o.attributes = attrs_from_flat_map(&fixture("openinference_client_span_tool_calls.json"));
        apply(&mut o);
        assert_eq!(o.kind, Kind::Generation);
        assert_eq!(o.model.as_deref(), Some("gpt-4-0613"));
        assert_eq!((o.usage.input, o.usage.output, o.usage.total), (Some(97), Some(52), Some(149)));
        let Decoded::Json(input) = o.input.as_ref().unwrap().decode() else { panic!("input not json") };
        assert_eq!(input[0]["role"], "user");
        assert_eq!(input[0]["contents"][0]["text"], "Weather in Paris?");
        assert_eq!(input[1]["tool_calls"][0]["function"]["name"], "get_weather");
        assert_eq!(input[1]["tool_calls"][0]["id"], "1234");
        assert_eq!(input[2]["tool_call_id"], "1234");
        let Decoded::Json(output) = o.output.as_ref().unwrap().decode() else { panic!("output not json") };
        assert_eq!(output[0]["role"], "assistant");
        // messages replaced the flattened keys; the raw request stays visible as an attribute
        assert!(o.attribute("llm.input_messages.0.message.role").is_none());
        assert!(o.attribute("input.value").is_some());
        let Decoded::Json(params) = o.model_parameters.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(params["temperature"], 0.5);
    }

    #[test]
    fn genai_span_with_message_strings() {
        let mut o = Observation::new("s", Kind::Span, "chat", 0);
        o.attributes = attrs_from_flat_map(&fixture("otel_genai_client_span_tool_calls.json"));
        apply(&mut o);
        assert_eq!(o.kind, Kind::Generation);
        assert_eq!(o.model.as_deref(), Some("gpt-4-0613"));
        assert_eq!(o.usage.input, Some(97));
        assert_eq!(o.usage.output, Some(52));
        let Decoded::Json(input) = o.input.as_ref().unwrap().decode() else { panic!("input not json") };
        assert_eq!(input[1]["parts"][1]["name"], "get_weather");
        let Decoded::Json(params) = o.model_parameters.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(params["temperature"], 0.5);
    }

    #[test]
    fn retrieval_documents_and_tool_names() {
        let mut o = Observation::new("s", Kind::Span, "retrieve", 0);
        o.attributes = vec![
            Attribute { key: "openinference.span.kind".into(), value: AttrValue::Str("RETRIEVER".into()) },
            Attribute { key: "retrieval.documents.1.document.content".into(), value: AttrValue::Str("second".into()) },
            Attribute { key: "retrieval.documents.0.document.content".into(), value: AttrValue::Str("first".into()) },
            Attribute { key: "retrieval.documents.0.document.score".into(), value: AttrValue::Float(0.9) },
            Attribute { key: "tool.name".into(), value: AttrValue::Str("search".into()) },
            Attribute { key: "session.id".into(), value: AttrValue::Str("s1".into()) },
        ];
        let ids = apply(&mut o);
        assert_eq!(o.kind, Kind::Retriever);
        assert_eq!(o.documents.len(), 2);
        assert_eq!(o.documents[0].content.as_deref(), Some("first"));
        assert_eq!(o.documents[0].score, Some(0.9));
        assert_eq!(o.tool_name.as_deref(), Some("search"));
        assert_eq!(ids.session_id.as_deref(), Some("s1"));
    }

    #[test]
    fn reranker_embedding_and_message_events() {
        let a = |k: &str, v: &str| Attribute { key: k.into(), value: AttrValue::Str(v.into()) };
        let mut o = Observation::new("s", Kind::Span, "rerank", 0);
        o.attributes = vec![
            a("openinference.span.kind", "RERANKER"),
            a("reranker.model_name", "bge-reranker"),
            a("reranker.query", "refund time"),
            a("reranker.input_documents.0.document.content", "shipping"),
            a("reranker.input_documents.1.document.content", "refunds"),
            a("reranker.output_documents.0.document.content", "refunds"),
            Attribute { key: "reranker.output_documents.0.document.score".into(), value: AttrValue::Float(0.97) },
        ];
        apply(&mut o);
        assert_eq!(o.kind, Kind::Reranker);
        assert_eq!(o.model.as_deref(), Some("bge-reranker"));
        assert_eq!(o.documents.len(), 1);
        assert_eq!(o.documents[0].score, Some(0.97));
        assert_eq!(o.input.as_ref().unwrap().as_text(), "refund time");
        assert!(o.attribute("reranker.input_documents").unwrap().display().contains("shipping"));

        let mut e = Observation::new("e", Kind::Span, "embed", 0);
        e.attributes = vec![
            a("openinference.span.kind", "EMBEDDING"),
            a("embedding.model_name", "text-embedding-3-small"),
            a("embedding.embeddings.0.embedding.text", "hello"),
            Attribute {
                key: "embedding.embeddings.0.embedding.vector".into(),
                value: AttrValue::Array(vec![AttrValue::Float(0.1), AttrValue::Float(0.2), AttrValue::Float(0.3)]),
            },
        ];
        apply(&mut e);
        assert_eq!(e.kind, Kind::Embedding);
        let summary = e.attribute("embedding.embeddings").unwrap().display();
        assert!(summary.contains("\"vector_dimensions\":3") && summary.contains("hello"), "{summary}");

        let mut g = Observation::new("g", Kind::Span, "chat", 0);
        g.attributes = vec![a("gen_ai.operation.name", "chat")];
        let ev = |name: &str, attrs: Vec<Attribute>| crate::model::Event {
            name: name.into(),
            time_ns: 0,
            attributes: attrs,
        };
        g.events = vec![
            ev("gen_ai.system.message", vec![a("content", "be brief")]),
            ev("gen_ai.user.message", vec![a("content", "hi")]),
            ev("gen_ai.choice", vec![a("message", r#"{"role":"assistant","content":"hello"}"#)]),
        ];
        apply(&mut g);
        let Decoded::Json(input) = g.input.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(input[0]["role"], "system");
        assert_eq!(input[1]["content"], "hi");
        let Decoded::Json(output) = g.output.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(output[0]["content"], "hello");
    }
}
