//! Google Agent Development Kit's own `gcp.vertex.agent.*` attributes: checked against
//! `google/adk/telemetry.py` of `google-adk` 1.12.0 (the version in
//! `../shared/fixtures/langfuse/google-adk-2025-08-28.trace.json`, whose observations keep the
//! spans' attributes). ADK also writes GenAI keys (`gen_ai.usage.*`, `gen_ai.tool.name`,
//! `gen_ai.operation.name`), which `genai` reads.
//!
//! | key | becomes |
//! |---|---|
//! | `gcp.vertex.agent.llm_request` (JSON: `config.system_instruction`, `contents` in Gemini's parts) | input: the system instruction and the contents as messages |
//! | `gcp.vertex.agent.llm_response` (JSON: `content`…) | output: the response's content as a message |
//! | `gcp.vertex.agent.tool_call_args`, `gcp.vertex.agent.tool_response` | input, output of a tool |
//! | `gcp.vertex.agent.session_id` | the trace's session |
//! | `gcp.vertex.agent.invocation_id`, `.event_id` | kept as attributes |

use super::found::{Found, Input, Output, SessionId, Source};
use super::span::Span;
use crate::model::Payload;
use serde_json::{Map, Value};

const PREFIX: &str = "gcp.vertex.agent.";

pub(super) fn read(s: &Span, f: &mut Found) {
    // (every key starts with `gcp.`: a span with none skips the look-ups)
    if !s.attrs.iter().any(|a| a.key.starts_with(PREFIX)) {
        return;
    }
    f.input.offer(Input::Adk as usize, Some(Source::Lazy(input)));
    f.output.offer(Output::Adk as usize, Some(Source::Lazy(output)));
    f.session_id.offer(SessionId::Adk as usize, s.find("gcp.vertex.agent.session_id"));
}

/// A JSON object in an attribute, `None` when it is empty (`{}`: ADK writes one on tool spans).
fn object(s: &Span, key: &str) -> Option<Map<String, Value>> {
    let text = s.text(key)?;
    serde_json::from_str::<Map<String, Value>>(&text).ok().filter(|m| !m.is_empty())
}

/// A tool's arguments, else the model request as messages.
fn input(s: &Span) -> Option<Payload> {
    if let Some(args) = s.get("gcp.vertex.agent.tool_call_args") {
        return Some(super::values::payload_of(args));
    }
    let request = object(s, "gcp.vertex.agent.llm_request")?;
    let mut messages = Vec::new();
    let system = request.get("config").and_then(|c| c.get("system_instruction")).filter(|v| !v.is_null());
    if let Some(text) = system {
        let mut m = Map::new();
        m.insert("role".into(), Value::from("system"));
        m.insert("content".into(), text.clone());
        messages.push(Value::Object(m));
    }
    if let Some(Value::Array(contents)) = request.get("contents") {
        messages.extend(contents.iter().cloned());
    }
    if messages.is_empty() {
        return Some(Payload::from_value(&Value::Object(request)));
    }
    Some(Payload::from_value(&Value::Array(messages)))
}

/// A tool's response, else the model response's content as a message.
fn output(s: &Span) -> Option<Payload> {
    if let Some(response) = s.get("gcp.vertex.agent.tool_response") {
        return Some(super::values::payload_of(response));
    }
    let mut response = object(s, "gcp.vertex.agent.llm_response")?;
    match response.remove("content") {
        Some(content @ Value::Object(_)) => Some(Payload::from_value(&Value::Array(vec![content]))),
        _ => Some(Payload::from_value(&Value::Object(response))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::apply;
    use crate::model::{AttrValue, Attribute, Decoded, Kind, Observation};

    /// Attributes as ADK 1.12.0 wrote them (from the shared Langfuse export's metadata).
    #[test]
    fn llm_and_tool_spans() {
        let a = |k: &str, v: &str| Attribute { key: k.into(), value: AttrValue::Str(v.into()) };
        let mut llm = Observation::new("l", Kind::Span, "call_llm", 0);
        llm.attributes = vec![
            a("gen_ai.system", "gcp.vertex.agent"),
            a("gen_ai.request.model", "gemini-2.0-flash"),
            a("gcp.vertex.agent.session_id", "demo-session"),
            a(
                "gcp.vertex.agent.llm_request",
                r#"{"model": "gemini-2.0-flash", "config": {"system_instruction": "Always greet."}, "contents": [{"parts": [{"text": "hi"}], "role": "user"}]}"#,
            ),
            a(
                "gcp.vertex.agent.llm_response",
                r#"{"content":{"parts":[{"function_call":{"args":{},"name":"say_hello"}}],"role":"model"},"finish_reason":"STOP"}"#,
            ),
            Attribute { key: "gen_ai.usage.input_tokens".into(), value: AttrValue::Int("28".into()) },
            Attribute { key: "gen_ai.usage.output_tokens".into(), value: AttrValue::Int("3".into()) },
        ];
        let ids = apply(&mut llm);
        assert_eq!(llm.kind, Kind::Generation);
        assert_eq!(llm.usage.total_tokens(), 31);
        assert_eq!(ids.session_id.as_deref(), Some("demo-session"));
        let Decoded::Json(input) = llm.input.as_ref().unwrap().decode() else { panic!() };
        assert_eq!((input[0]["role"].as_str(), input[0]["content"].as_str()), (Some("system"), Some("Always greet.")));
        assert_eq!(input[1]["parts"][0]["text"], "hi");
        let Decoded::Json(output) = llm.output.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(output[0]["parts"][0]["function_call"]["name"], "say_hello");

        let mut tool = Observation::new("t", Kind::Span, "execute_tool say_hello", 0);
        tool.attributes = vec![
            a("gen_ai.operation.name", "execute_tool"),
            a("gen_ai.tool.name", "say_hello"),
            a("gcp.vertex.agent.tool_call_args", "{}"),
            a("gcp.vertex.agent.tool_response", r#"{"greeting": "Hello"}"#),
            a("gcp.vertex.agent.llm_request", "{}"),
            a("gcp.vertex.agent.llm_response", "{}"),
        ];
        apply(&mut tool);
        assert_eq!((tool.kind, tool.tool_name.as_deref()), (Kind::Tool, Some("say_hello")));
        assert_eq!(tool.input.as_ref().unwrap().raw(), r#""{}""#);
        assert!(tool.output.as_ref().unwrap().raw().contains("Hello"));
        // ADK 2.13's run of a workflow (h-corpus's google-adk fixture) is a chain
        let mut run = Observation::new("w", Kind::Span, "invoke_workflow rag", 0);
        run.attributes = vec![a("gen_ai.operation.name", "invoke_workflow"), a("gen_ai.workflow.name", "rag")];
        apply(&mut run);
        assert_eq!(run.kind, Kind::Chain);
    }
}
