//! Pydantic AI's and Logfire's own attributes: checked against `pydantic_ai/capabilities/instrumentation.py`
//! and `_instrumentation.py` of `pydantic-ai-slim` 2.68.0 (read from its source), the attributes
//! of pydantic-ai 0.2 kept in `../shared/fixtures/langfuse/pydantic-ai-2025-06-06.trace.json`, and
//! Logfire's span attributes (`logfire.msg`, `logfire.span_type`, `logfire.level_num`,
//! `logfire.json_schema`, `logfire.scrubbed`). Its chat spans carry GenAI keys, which `genai` reads.
//!
//! | key | becomes |
//! |---|---|
//! | `pydantic_ai.all_messages` (GenAI messages as JSON), else `all_messages_events` (0.x) | input of an agent run |
//! | `final_result` | output of an agent run |
//! | `tool_arguments`, `tool_response` (before `gen_ai.tool.call.*`) | input, output of a tool |
//! | `operation.cost` (USD, on chat spans) | cost total |
//! | `gen_ai.aggregated_usage.*` (an agent run's own total) | kept as attributes, never counted: the chat spans below carry the same tokens |
//! | `logfire.msg` | the span's name (the message, its template filled in) |
//! | `logfire.span_type` `log` | kind event |
//! | `logfire.level_num` (warn 13, error 17) | level, where nothing else gave one |
//! | `logfire.json_schema` | attributes it types as `object` or `array` are read as JSON |
//!
//! Values Logfire scrubbed (`[Scrubbed due to '…']`, listed in `logfire.scrubbed`) are never
//! taken for an input or output (`found`): they stay attributes, shown as what they are.

use super::found::{CostTotal, Found, Input, Output, Source};
use super::span::Span;
use crate::model::{AttrValue, Kind, Level};

pub(super) fn read(s: &Span, f: &mut Found) {
    // Logfire's own keys, or Pydantic AI's (`gen_ai.agent.name` alone is any GenAI agent's)
    let ours = ["logfire.msg", "logfire.span_type", "logfire.json_schema", "pydantic_ai.all_messages", "agent_name"];
    if !ours.iter().any(|k| s.find(k).is_some()) {
        return;
    }
    let first = |keys: &[&str]| keys.iter().find_map(|k| s.find(k)).map(Source::Attr);
    let input = first(&["pydantic_ai.all_messages", "all_messages_events", "tool_arguments"]);
    f.input.offer(Input::PydanticAi as usize, input);
    f.output.offer(Output::PydanticAi as usize, first(&["final_result", "tool_response"]));
    f.cost_total.offer(CostTotal::PydanticAi as usize, s.find("operation.cost"));
    f.name = s.text("logfire.msg").or(f.name.take());
    if s.text("logfire.span_type").as_deref() == Some("log") {
        f.kind_fallback = Some(Kind::Event);
    }
    let level_num = s.get("logfire.level_num").and_then(AttrValue::as_f64);
    f.level = f.level.or(level_num.and_then(|n| match n {
        n if n >= 17.0 => Some(Level::Error),
        n if n >= 13.0 => Some(Level::Warning),
        n if n < 9.0 => Some(Level::Debug),
        _ => None,
    }));
    json_by_schema(s, f);
}

/// Attributes `logfire.json_schema` types as objects or arrays hold JSON text: they are read as
/// JSON (shown as a tree, not a string) unless they became an input or output.
fn json_by_schema(s: &Span, f: &mut Found) {
    let Some(schema) = s.text("logfire.json_schema") else { return };
    let Ok(schema) = serde_json::from_str::<serde_json::Value>(&schema) else { return };
    let Some(props) = schema.get("properties").and_then(|p| p.as_object()) else { return };
    for (key, p) in props {
        let typed = p.get("type").and_then(|t| t.as_str()).is_some_and(|t| t == "object" || t == "array");
        if let Some(i) = s.find(key).filter(|_| typed) {
            f.json_attributes.push(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::apply;
    use crate::model::{AttrValue, Attribute, Kind, Level, Observation};

    fn span(attrs: &[(&str, AttrValue)]) -> Observation {
        let mut o = Observation::new("s", Kind::Span, "{agent_name} run", 0);
        o.attributes = attrs.iter().map(|(k, v)| Attribute { key: (*k).into(), value: v.clone() }).collect();
        apply(&mut o);
        o
    }

    fn text(t: &str) -> AttrValue {
        AttrValue::Str(t.into())
    }

    #[test]
    fn scrubbed_values_stay_attributes_and_logfire_hints() {
        let o = span(&[
            ("logfire.msg", text("qa_agent run")),
            ("agent_name", text("qa_agent")),
            ("all_messages_events", text(r#"[{"role":"user","content":"hi"}]"#)),
            ("final_result", text("[Scrubbed due to 'password']")),
            ("logfire.scrubbed", text(r#"[{"path":["attributes","final_result"],"matched_substring":"password"}]"#)),
            ("logfire.level_num", AttrValue::Int("13".into())),
        ]);
        assert_eq!(o.name, "qa_agent run");
        assert!(o.input.as_ref().unwrap().raw().contains("hi"), "0.x all_messages_events");
        assert!(o.output.is_none(), "a scrubbed value is not the output");
        assert_eq!(o.attribute("final_result").map(|v| v.display()).as_deref(), Some("[Scrubbed due to 'password']"));
        assert_eq!(o.level, Level::Warning);
        let log = span(&[("logfire.msg", text("cache miss")), ("logfire.span_type", text("log"))]);
        assert_eq!(log.kind, Kind::Event);
        let err = span(&[("logfire.msg", text("x")), ("logfire.level_num", AttrValue::Int("17".into()))]);
        assert_eq!(err.level, Level::Error);
        // spans of no Pydantic AI or Logfire keep their name and `final_result` key alone
        let other = span(&[("final_result", text("x"))]);
        assert_eq!((other.name.as_str(), other.output.is_none()), ("{agent_name} run", true));
    }
}
