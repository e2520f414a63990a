//! MLflow's own span attributes (`mlflow.*`), as MLflow Tracing writes them on its spans, in its
//! `Trace.to_json()` files and in its OTLP export: checked against `SpanAttributeKey`,
//! `SpanType` and `TokenUsageKey` of mlflow 3.17.2 (`mlflow/tracing/constant.py`,
//! `mlflow/entities/span.py`) and the spans mlflow 3.17.2 and mlflow-skinny 2.21.3 wrote
//! (`tests/fixtures/mlflow/`).
//!
//! MLflow writes every attribute JSON-encoded: a string is `"\"AGENT\""`, an object its JSON text.
//! On a span with `mlflow.` keys, `decode_strings` turns the JSON strings back into text before
//! any convention reads the span (objects and numbers stay JSON text, read where they are used).
//!
//! | key | becomes |
//! |---|---|
//! | `mlflow.spanType` (`LLM`, `CHAT_MODEL`, `RETRIEVER`, `TOOL`, `AGENT`, `CHAIN`, `EMBEDDING`, `RERANKER`, `GUARDRAIL`, `EVALUATOR`; `PARSER`, `MEMORY`, `WORKFLOW`, `TASK`, `UNKNOWN` stay spans) | kind |
//! | `mlflow.llm.model` | model |
//! | `mlflow.chat.tokenUsage` (JSON: `input_tokens`, `output_tokens`, `total_tokens`, cache counts) | usage, where no other convention gave any |
//! | `mlflow.llm.cost` (JSON: `input_cost`, `output_cost`, `total_cost`, USD) | cost, where no other convention gave a total |
//! | `mlflow.spanInputs`, `mlflow.spanOutputs` | input, output |
//! | `mlflow.spanOutputs` of a `RETRIEVER` (`[{page_content, metadata, id}]`) | documents |
//! | `mlflow.spanFunctionName` of a `TOOL` | tool name |
//! | `mlflow.spanLogLevel` (Python logging levels: 10 debug, 30 warning, 40 error) | level |
//! | `mlflow.trace.session`, `mlflow.trace.user` | the trace's session, user |
//!
//! `mlflow.chat.tools`, `mlflow.chat.messages` (MLflow 2), `mlflow.traceRequestId` and the rest
//! stay attributes. MLflow's trace-level `mlflow.trace.tokenUsage` is a sum of its spans' usage and is
//! never read here (it is trace metadata, not a span attribute), so nothing is counted twice.

use super::found::{Field, Found, Input, KindOperation, Model, Output, SessionId, ToolName, UserId};
use super::span::{Span, MLFLOW};
use super::values::Draft;
use crate::import::jsonv::{get, json_text_as, spaced};
use crate::model::{AttrValue, Attribute, Cost, Document, Kind, Level, Usage};
use serde_json::Value;

/// The attributes read whole, and the field each is offered to.
const KEYS: [(&str, Field); 6] = [
    ("mlflow.spanType", Field::KindOperation(KindOperation::Mlflow, kind_of)),
    ("mlflow.llm.model", Field::Model(Model::Mlflow)),
    ("mlflow.spanInputs", Field::Input(Input::Mlflow)),
    ("mlflow.spanOutputs", Field::Output(Output::Mlflow)),
    ("mlflow.trace.session", Field::SessionId(SessionId::Mlflow)),
    ("mlflow.trace.user", Field::UserId(UserId::Mlflow)),
];

/// Decodes the JSON strings MLflow wrote as attribute values (`"\"gpt-4o\""` → `gpt-4o`) on a
/// span that carries `mlflow.` keys; other spans are left alone.
pub(super) fn decode_strings(attrs: &mut [Attribute]) {
    if !attrs.iter().any(|a| a.key.as_bytes().first() == Some(&b'm') && a.key.starts_with("mlflow.")) {
        return;
    }
    for a in attrs {
        if let AttrValue::Str(s) = &mut a.value {
            if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
                if let Ok(text) = serde_json::from_str::<String>(s) {
                    *s = text;
                }
            }
        }
    }
}

pub(super) fn read(s: &Span, f: &mut Found) {
    if !s.has_prefix(MLFLOW) {
        return;
    }
    f.offer_keys(s, &KEYS);
    let span_type = s.text("mlflow.spanType");
    if span_type.as_deref() == Some("TOOL") {
        f.tool_name.offer(ToolName::Mlflow as usize, s.find("mlflow.spanFunctionName"));
    }
    if s.find("mlflow.chat.tokenUsage").is_some() && f.usage_fallback.is_none() {
        f.usage_fallback = Some(usage);
    }
    if s.find("mlflow.llm.cost").is_some() && f.cost_fallback.is_none() {
        f.cost_fallback = Some(add_cost);
    }
    if f.level.is_none() {
        f.level = s.get("mlflow.spanLogLevel").and_then(AttrValue::as_u64).map(|n| match n {
            0..=10 => Level::Debug,
            11..=29 => Level::Default,
            30..=39 => Level::Warning,
            _ => Level::Error,
        });
    }
    if span_type.as_deref() == Some("RETRIEVER") && f.documents.is_empty() {
        f.documents = s.text("mlflow.spanOutputs").map(|t| documents(&t)).unwrap_or_default();
    }
}

/// The kind of an `mlflow.spanType` (`SpanType` in `mlflow/entities/span.py`).
fn kind_of(t: &str) -> Option<Kind> {
    Some(match t {
        "LLM" | "CHAT_MODEL" => Kind::Generation,
        "RETRIEVER" => Kind::Retriever,
        "TOOL" => Kind::Tool,
        "AGENT" => Kind::Agent,
        "CHAIN" | "WORKFLOW" => Kind::Chain,
        "EMBEDDING" => Kind::Embedding,
        "RERANKER" => Kind::Reranker,
        "GUARDRAIL" => Kind::Guardrail,
        "EVALUATOR" => Kind::Evaluator,
        "PARSER" | "MEMORY" | "TASK" | "UNKNOWN" => Kind::Span,
        _ => return None,
    })
}

/// `mlflow.chat.tokenUsage`: `{input_tokens, output_tokens, total_tokens, cache_read_input_tokens…}`.
fn usage(s: &Span) -> Usage {
    let mut usage = Usage::default();
    let text = s.text("mlflow.chat.tokenUsage").unwrap_or_default();
    for (k, v) in numbers(&text) {
        let n = v.max(0.0).round() as u64;
        match k.as_str() {
            "input_tokens" => usage.input = Some(n),
            "output_tokens" => usage.output = Some(n),
            "total_tokens" => usage.total = Some(n),
            _ => usage.details.push((k, n)),
        }
    }
    usage
}

/// `mlflow.llm.cost`: `{input_cost, output_cost, total_cost}` in USD.
fn add_cost(s: &Span, cost: &mut Cost) {
    let text = s.text("mlflow.llm.cost").unwrap_or_default();
    for (k, v) in numbers(&text) {
        match k.as_str() {
            "total_cost" => cost.total = Some(v),
            "input_cost" => cost.details.push(("input".into(), v)),
            "output_cost" => cost.details.push(("output".into(), v)),
            _ => cost.details.push((k, v)),
        }
    }
    if cost.total.is_none() && !cost.details.is_empty() {
        cost.total = Some(cost.details.iter().map(|d| d.1).sum());
    }
}

/// The numbers of a JSON object, by key in key order (anything else in it is passed over; a key
/// written twice counts once, as last written).
fn numbers(text: &str) -> Vec<(String, f64)> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else { return Vec::new() };
    let mut out: Vec<(String, f64)> = map.into_iter().filter_map(|(k, v)| v.as_f64().map(|n| (k, n))).collect();
    crate::model::order::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    out
}

/// A retriever's output as documents (`mlflow.entities.Document.to_dict()`: `page_content`,
/// `metadata`, `id`); an output of another shape gives none.
fn documents(text: &str) -> Vec<Draft> {
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(text) else { return Vec::new() };
    // metadata kept as text with the separators it was written with
    let spaced = spaced(text);
    let mut out = Vec::with_capacity(list.len());
    for d in &list {
        let content = match get(d, &["page_content"]) {
            _ if !d.is_object() => return Vec::new(),
            None => None,
            Some(Value::String(t)) => Some(t.clone()),
            Some(_) => return Vec::new(),
        };
        let metadata = get(d, &["metadata"]);
        // a document's metadata, for its score when a retriever put one there
        let score = metadata.and_then(|m| get(m, &["score"])).and_then(Value::as_f64);
        let id = get(d, &["id"]).map(|i| match i {
            Value::String(t) => t.clone(),
            other => json_text_as(other, spaced),
        });
        let metadata = metadata.map(|m| json_text_as(m, spaced));
        out.push(Draft::Done(Document { id, content, score, metadata }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::apply;
    use crate::model::{AttrValue, Attribute, Decoded, Kind, Level, Observation};

    /// Attributes as MLflow's OTLP export sends them: every value a JSON-encoded string.
    fn span(attrs: &[(&str, &str)]) -> Observation {
        let mut o = Observation::new("s", Kind::Span, "x", 0);
        o.attributes =
            attrs.iter().map(|(k, v)| Attribute { key: (*k).into(), value: AttrValue::Str((*v).into()) }).collect();
        o
    }

    #[test]
    fn chat_model_span_with_usage_cost_and_json_encoded_strings() {
        let mut o = span(&[
            ("mlflow.traceRequestId", r#""tr-0ca4""#),
            ("mlflow.spanType", r#""CHAT_MODEL""#),
            ("mlflow.spanInputs", r#"{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}"#),
            ("mlflow.spanOutputs", r#"{"choices": [{"message": {"role": "assistant", "content": "hello"}}]}"#),
            ("model", r#""gpt-4o-mini""#),
            ("mlflow.llm.model", r#""gpt-4o-mini""#),
            (
                "mlflow.chat.tokenUsage",
                r#"{"input_tokens": 57, "output_tokens": 18, "total_tokens": 75, "cache_read_input_tokens": 5}"#,
            ),
            ("mlflow.llm.cost", r#"{"input_cost": 1.5e-05, "output_cost": 2e-05, "total_cost": 3.5e-05}"#),
            ("mlflow.spanLogLevel", "20"),
        ]);
        apply(&mut o);
        assert_eq!(o.kind, Kind::Generation);
        assert_eq!(o.model.as_deref(), Some("gpt-4o-mini"));
        assert_eq!((o.usage.input, o.usage.output, o.usage.total), (Some(57), Some(18), Some(75)));
        assert_eq!(o.usage.details, [("cache_read_input_tokens".to_string(), 5)]);
        assert_eq!(o.cost.total, Some(3.5e-05));
        assert_eq!(o.cost.details, [("input".to_string(), 1.5e-05), ("output".to_string(), 2e-05)]);
        assert_eq!(o.level, Level::Default);
        let Decoded::Json(input) = o.input.as_ref().unwrap().decode() else { panic!("input is JSON") };
        assert_eq!(input["messages"][0]["content"], "hi");
        // the JSON strings left as attributes read as their text
        assert_eq!(o.attribute("model"), Some(&AttrValue::Str("gpt-4o-mini".into())));
        assert_eq!(o.attribute("mlflow.traceRequestId"), Some(&AttrValue::Str("tr-0ca4".into())));
        assert!(o.attribute("mlflow.spanInputs").is_none(), "moved into the input");
    }

    #[test]
    fn retriever_documents_tool_names_levels_and_session() {
        let mut r = span(&[
            ("mlflow.spanType", r#""RETRIEVER""#),
            (
                "mlflow.spanOutputs",
                r#"[{"page_content": "Paris", "metadata": {"doc_uri": "kb/paris.md", "score": 0.5}, "id": "doc-1"}, {"page_content": "Weather", "metadata": {}, "id": null}]"#,
            ),
        ]);
        apply(&mut r);
        assert_eq!(r.kind, Kind::Retriever);
        assert_eq!(r.documents.len(), 2);
        assert_eq!((r.documents[0].id.as_deref(), r.documents[0].content.as_deref()), (Some("doc-1"), Some("Paris")));
        assert_eq!(r.documents[0].score, Some(0.5));
        assert_eq!(r.documents[1].id, None);

        let mut t = span(&[
            ("mlflow.spanType", r#""TOOL""#),
            ("mlflow.spanFunctionName", r#""get_weather""#),
            ("mlflow.spanLogLevel", "40"),
            ("mlflow.trace.session", r#""s-1""#),
            ("mlflow.trace.user", r#""u-7""#),
        ]);
        let ids = apply(&mut t);
        assert_eq!((t.kind, t.tool_name.as_deref(), t.level), (Kind::Tool, Some("get_weather"), Level::Error));
        assert_eq!((ids.session_id.as_deref(), ids.user_id.as_deref()), (Some("s-1"), Some("u-7")));

        // a span without MLflow's keys keeps its quoted strings as they were
        let mut other = span(&[("model", r#""quoted""#)]);
        apply(&mut other);
        assert_eq!(other.attribute("model"), Some(&AttrValue::Str(r#""quoted""#.into())));
        // an AGENT's function name is not a tool name
        let mut a = span(&[("mlflow.spanType", r#""AGENT""#), ("mlflow.spanFunctionName", r#""agent""#)]);
        apply(&mut a);
        assert_eq!((a.kind, a.tool_name.as_deref()), (Kind::Agent, None));
    }
}
