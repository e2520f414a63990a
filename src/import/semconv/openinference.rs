//! OpenInference (Arize Phoenix and its instrumentations): checked against the
//! [OpenInference semantic conventions](https://arize-ai.github.io/openinference/spec/semantic_conventions.html)
//! as published with `openinference-semantic-conventions` 0.1.29 (Python).
//!
//! | key | becomes |
//! |---|---|
//! | `openinference.span.kind` | kind, by name |
//! | `embedding.model_name`, `reranker.model_name`, `llm.model_name` | model |
//! | `llm.token_count.prompt`, `.completion`, `.total` | usage: input, output, total |
//! | `llm.token_count.*_details.*` (e.g. `prompt_details.cache_read`) | usage details |
//! | `llm.cost.total`; `llm.cost.prompt`, `llm.cost.completion` | cost total; cost details input, output |
//! | `llm.input_messages.*`, `llm.output_messages.*` (flattened) | input, output (messages) |
//! | `input.value`, `output.value` | input, output |
//! | `tool.parameters`; `reranker.query` | input of a tool; of a reranker |
//! | `llm.invocation_parameters` | model parameters |
//! | `retrieval.documents.*`, else `reranker.output_documents.*` | documents |
//! | `reranker.input_documents.*` | attribute `reranker.input_documents` (JSON) |
//! | `embedding.embeddings.*` | attribute `embedding.embeddings` (texts and vector sizes) |
//! | `tool.name` | tool name |
//! | `session.id`, `user.id`, `tag.tags` | the trace's session, user, tags |

use super::found::{
    CostTotal, Field, Found, Input, KindName, Model, Output, Parameters, SessionId, Source, Tags, Tokens, ToolName,
    UserId,
};
use super::span::Span;
use super::tree::{EMBEDDINGS, LLM_INPUT, LLM_OUTPUT, RERANKER_INPUT, RERANKER_OUTPUT, RETRIEVAL};
use crate::model::{AttrValue, Attribute, Payload};
use serde_json::{Map, Value};

/// The attributes read whole, and the field each is offered to.
const KEYS: [(&str, Field); 17] = [
    ("openinference.span.kind", Field::KindName(KindName::OpenInference)),
    ("embedding.model_name", Field::Model(Model::OpenInferenceEmbedding)),
    ("reranker.model_name", Field::Model(Model::OpenInferenceReranker)),
    ("llm.model_name", Field::Model(Model::OpenInferenceLlm)),
    ("llm.token_count.prompt", Field::InputTokens(Tokens::OpenInference)),
    ("llm.token_count.completion", Field::OutputTokens(Tokens::OpenInference)),
    ("llm.token_count.total", Field::TotalTokens(Tokens::OpenInference)),
    ("llm.cost.total", Field::CostTotal(CostTotal::OpenInference)),
    ("input.value", Field::Input(Input::OpenInferenceValue)),
    ("tool.parameters", Field::Input(Input::OpenInferenceToolParameters)),
    ("reranker.query", Field::Input(Input::OpenInferenceRerankerQuery)),
    ("output.value", Field::Output(Output::OpenInferenceValue)),
    ("llm.invocation_parameters", Field::Parameters(Parameters::OpenInference)),
    ("tool.name", Field::ToolName(ToolName::OpenInference)),
    ("session.id", Field::SessionId(SessionId::OpenInference)),
    ("user.id", Field::UserId(UserId::OpenInference)),
    ("tag.tags", Field::Tags(Tags::OpenInference)),
];

pub(super) fn read(s: &Span, f: &mut Found) {
    f.offer_keys(s, &KEYS);
    f.input.offer(Input::OpenInferenceMessages as usize, Some(Source::Tree(LLM_INPUT)));
    f.output.offer(Output::OpenInferenceMessages as usize, Some(Source::Tree(LLM_OUTPUT)));
    // (most keys do not start with the prefix's first byte)
    for (i, a) in s.attrs.iter().enumerate().filter(|(_, a)| a.key.as_bytes().first() == Some(&b'l')) {
        let detail = a.key.strip_prefix("llm.token_count.").filter(|k| k.contains("_details."));
        if let (Some(k), Some(n)) = (detail, a.value.as_u64()) {
            f.usage_details.push((i, k.to_string(), n));
        }
    }
    for (k, name) in [("llm.cost.prompt", "input"), ("llm.cost.completion", "output")] {
        if let Some(v) = s.get(k).and_then(AttrValue::as_f64) {
            f.cost_details.push((name.into(), v));
        }
    }
    // Retrieved documents; for rerankers the output order (the ranking that mattered), with the
    // input order kept as an attribute.
    let consumed = f.consumed.flags();
    let mut tree = |t: usize| s.flat.unflatten(s.attrs, t, consumed);
    f.documents = tree(RETRIEVAL).or_else(|| tree(RERANKER_OUTPUT)).map(|t| t.to_documents()).unwrap_or_default();
    let reranker_input = tree(RERANKER_INPUT).map(|t| t.to_value());
    let embeddings = tree(EMBEDDINGS).map(|t| t.to_value());
    if let Some(v) = reranker_input {
        let value = AttrValue::Json(Payload::from_value(&v));
        f.added.push(Attribute { key: "reranker.input_documents".into(), value });
    }
    if let Some(Value::Array(items)) = embeddings {
        let value = AttrValue::Json(Payload::from_value(&Value::Array(items.into_iter().map(summary).collect())));
        f.added.push(Attribute { key: "embedding.embeddings".into(), value });
    }
}

/// An embedding as its text and the size of its vector: thousands of floats help no one reading
/// a trace.
fn summary(e: Value) -> Value {
    let dims = e.get("vector").and_then(Value::as_array).map(Vec::len);
    let mut m = Map::new();
    if let Some(t) = e.get("text") {
        m.insert("text".into(), t.clone());
    }
    if let Some(d) = dims {
        m.insert("vector_dimensions".into(), Value::from(d));
    }
    Value::Object(m)
}
