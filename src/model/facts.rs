//! Facts the kind-specific detail panels show, read from wherever each SDK put them: model
//! parameters, finish reason, tools offered to an LLM, embedding sizes, a summary of children.

use super::order;
use super::{AttrValue, Decoded, Kind, Observation, Payload, Trace};
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LlmFacts {
    pub temperature: Option<String>,
    pub max_tokens: Option<String>,
    pub top_p: Option<String>,
    pub finish_reason: Option<String>,
    pub tools: Vec<ToolDef>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolDef {
    pub name: String,
    pub description: Option<String>,
    /// The parameter schema as pretty JSON.
    pub parameters: Option<String>,
}

fn decoded(p: Option<&Payload>) -> Option<Value> {
    match p?.decode() {
        Decoded::Json(v) => Some(v),
        Decoded::Text(_) => None,
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.first().and_then(scalar_text),
        other => Some(other.to_string()),
    }
}

fn attr_json(o: &Observation, key: &str) -> Option<Value> {
    match o.attribute(key)? {
        AttrValue::Json(p) => decoded(Some(p)),
        AttrValue::Str(s) => serde_json::from_str(s).ok().or_else(|| Some(Value::String(s.clone()))),
        AttrValue::Array(items) => Some(Value::Array(items.iter().map(|i| Value::String(i.display())).collect())),
        other => Some(Value::String(other.display())),
    }
}

pub fn llm(o: &Observation) -> LlmFacts {
    let params = decoded(o.model_parameters.as_ref());
    let input = decoded(o.input.as_ref());
    let output = decoded(o.output.as_ref());
    let param = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            params
                .as_ref()
                .and_then(|p| p.get(*k))
                .or_else(|| input.as_ref().and_then(|i| i.get(*k)))
                .and_then(scalar_text)
        })
    };
    let finish_reason = output
        .as_ref()
        .and_then(|out| {
            let first_choice = out.get("choices").and_then(|c| c.get(0));
            let candidate = out.get("candidates").and_then(|c| c.get(0));
            let first_message = out.get(0);
            [
                first_choice.and_then(|c| c.get("finish_reason")),
                out.get("stop_reason"),
                out.get("finish_reason"),
                candidate.and_then(|c| c.get("finishReason")),
                first_message.and_then(|m| m.get("finish_reason")),
                out.get("status"),
            ]
            .into_iter()
            .flatten()
            .find_map(scalar_text)
        })
        .or_else(|| {
            ["gen_ai.response.finish_reasons", "llm.finish_reason"]
                .iter()
                .find_map(|k| attr_json(o, k))
                .as_ref()
                .and_then(scalar_text)
        });
    LlmFacts {
        temperature: param(&["temperature"]),
        max_tokens: param(&[
            "max_tokens",
            "max_completion_tokens",
            "max_output_tokens",
            "maxOutputTokens",
            "max_new_tokens",
        ]),
        top_p: param(&["top_p", "topP"]),
        finish_reason,
        tools: tools(o, params.as_ref(), input.as_ref()),
    }
}

/// Tools offered to the model: in the request (`tools`), the parameters, Langfuse metadata,
/// OpenInference `llm.tools.N.tool.json_schema`.
fn tools(o: &Observation, params: Option<&Value>, input: Option<&Value>) -> Vec<ToolDef> {
    let mut lists: Vec<Value> = Vec::new();
    for source in [params, input] {
        if let Some(t) = source.and_then(|s| s.get("tools")) {
            lists.push(t.clone());
        }
    }
    if let Some(meta) =
        o.attribute("metadata").and_then(|m| if let AttrValue::Json(p) = m { decoded(Some(p)) } else { None })
    {
        if let Some(t) = meta.get("tools") {
            lists.push(t.clone());
        }
    }
    let mut oi: Vec<(usize, Value)> = o
        .attributes
        .iter()
        .filter_map(|a| {
            let rest = a.key.strip_prefix("llm.tools.")?;
            let (n, tail) = rest.split_once('.')?;
            (tail == "tool.json_schema").then_some(())?;
            let v = match &a.value {
                AttrValue::Str(s) => serde_json::from_str(s).ok()?,
                _ => return None,
            };
            Some((n.parse().ok()?, v))
        })
        .collect();
    order::sort_by_key(&mut oi, |(n, _)| *n);
    if !oi.is_empty() {
        lists.push(Value::Array(oi.into_iter().map(|(_, v)| v).collect()));
    }
    let mut out = Vec::new();
    for list in lists {
        let Value::Array(items) = list else { continue };
        for t in items {
            let f = t.get("function").unwrap_or(&t);
            let Some(name) = f.get("name").and_then(Value::as_str) else { continue };
            if out.iter().any(|d: &ToolDef| d.name == name) {
                continue;
            }
            out.push(ToolDef {
                name: name.to_string(),
                description: f.get("description").and_then(Value::as_str).map(str::to_string),
                parameters: f
                    .get("parameters")
                    .or_else(|| f.get("input_schema"))
                    .or_else(|| f.get("inputSchema"))
                    .and_then(|p| serde_json::to_string_pretty(p).ok()),
            });
        }
    }
    out
}

/// Vector sizes of an embedding observation (from the summarised `embedding.embeddings`).
pub fn embedding_dimensions(o: &Observation) -> Vec<usize> {
    match attr_json(o, "embedding.embeddings") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|e| e.get("vector_dimensions").and_then(Value::as_u64))
            .map(|d| d as usize)
            .collect(),
        _ => Vec::new(),
    }
}

/// The reranker's input order (documents' contents), when recorded.
pub fn reranker_input(o: &Observation) -> Vec<String> {
    match attr_json(o, "reranker.input_documents") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|d| d.get("content").or_else(|| d.get("id")).and_then(scalar_text).unwrap_or_default())
            .collect(),
        _ => Vec::new(),
    }
}

/// What an agent or chain step did below it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChildSummary {
    pub direct_children: usize,
    pub descendants: usize,
    /// Descendants by kind, most frequent first.
    pub by_kind: Vec<(Kind, usize)>,
    pub tokens: u64,
    pub cost_usd: f64,
    /// How much of `cost_usd` and `tokens` the calls below carry.
    pub cost_known: super::known::Known,
    pub tokens_known: super::known::Known,
    pub errors: u32,
}

pub fn children(t: &Trace, i: u32) -> ChildSummary {
    let tree = &t.tree;
    let (Some(&start), Some(&end)) = (tree.pos.get(i as usize), tree.subtree_end.get(i as usize)) else {
        return ChildSummary::default();
    };
    let span = tree.preorder.get(start as usize..end as usize).unwrap_or_default();
    let mut counts: std::collections::HashMap<Kind, usize> = std::collections::HashMap::new();
    for &d in &tree.preorder[(start as usize + 1)..(end as usize)] {
        *counts.entry(t.observations[d as usize].kind).or_insert(0) += 1;
    }
    let mut by_kind: Vec<(Kind, usize)> = counts.into_iter().collect();
    order::sort_by(&mut by_kind, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ChildSummary {
        direct_children: tree.children_of(i).len(),
        descendants: (end - start - 1) as usize,
        by_kind,
        tokens: t.totals.subtree_tokens.get(i as usize).copied().unwrap_or(0),
        cost_usd: t.totals.subtree_cost.get(i as usize).copied().unwrap_or(0.0),
        cost_known: super::known::coverage(&t.observations, &|i| tree.parent_of(i), span, super::known::has_cost),
        tokens_known: super::known::coverage(&t.observations, &|i| tree.parent_of(i), span, super::known::has_tokens),
        errors: t.totals.subtree_errors.get(i as usize).copied().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Attribute;
    use serde_json::json;

    fn obs() -> Observation {
        Observation::new("o", Kind::Generation, "llm", 0)
    }

    #[test]
    fn openai_request_and_response() {
        let mut o = obs();
        o.model_parameters = Some(Payload::from_value(&json!({"temperature": 0.2, "max_tokens": 512})));
        o.input = Some(Payload::from_value(
            &json!({"messages": [], "tools": [{"type": "function", "function": {"name": "search", "description": "web search", "parameters": {"type": "object"}}}]}),
        ));
        o.output = Some(Payload::from_value(
            &json!({"choices": [{"finish_reason": "tool_calls", "message": {"role": "assistant"}}]}),
        ));
        let f = llm(&o);
        assert_eq!((f.temperature.as_deref(), f.max_tokens.as_deref()), (Some("0.2"), Some("512")));
        assert_eq!(f.finish_reason.as_deref(), Some("tool_calls"));
        assert_eq!(f.tools[0].name, "search");
        assert_eq!(f.tools[0].description.as_deref(), Some("web search"));
    }

    #[test]
    fn anthropic_gemini_genai_and_openinference_forms() {
        let mut o = obs();
        o.output = Some(Payload::from_value(&json!({"role": "assistant", "content": [], "stop_reason": "end_turn"})));
        assert_eq!(llm(&o).finish_reason.as_deref(), Some("end_turn"));
        o.output = Some(Payload::from_value(&json!({"candidates": [{"finishReason": "STOP"}]})));
        assert_eq!(llm(&o).finish_reason.as_deref(), Some("STOP"));
        o.output = None;
        o.attributes = vec![
            Attribute {
                key: "gen_ai.response.finish_reasons".into(),
                value: AttrValue::Array(vec![AttrValue::Str("length".into())]),
            },
            Attribute {
                key: "llm.tools.0.tool.json_schema".into(),
                value: AttrValue::Str(r#"{"type":"function","function":{"name":"lookup"}}"#.into()),
            },
        ];
        let f = llm(&o);
        assert_eq!(f.finish_reason.as_deref(), Some("length"));
        assert_eq!(f.tools[0].name, "lookup");
    }

    #[test]
    fn child_summary_counts_descendants_by_kind() {
        let mk = |id: &str, p: Option<&str>, k: Kind| {
            let mut o = Observation::new(id, k, id, 0);
            o.parent_id = p.map(str::to_string);
            o
        };
        let t = Trace::build(
            "t".into(),
            vec![
                mk("a", None, Kind::Agent),
                mk("l1", Some("a"), Kind::Generation),
                mk("t1", Some("a"), Kind::Tool),
                mk("l2", Some("t1"), Kind::Generation),
            ],
            "x",
            &mut Vec::new(),
        );
        let s = children(&t, 0);
        assert_eq!((s.direct_children, s.descendants), (2, 3));
        assert_eq!(s.by_kind, vec![(Kind::Generation, 2), (Kind::Tool, 1)]);
    }
}
