//! Recognises chat messages in a decoded payload, whatever SDK wrote them, for role-labelled display.

use serde_json::Value;

/// One chat turn, reduced to what a reader needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub role: String,
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    /// For tool results: the call they answer.
    pub tool_call_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolCall {
    pub id: Option<String>,
    pub name: String,
    /// Arguments as text (pretty JSON when they parse).
    pub arguments: String,
}

/// Finds a message list in common shapes: a list of `{role, …}`, `{messages: [...]}`, OpenAI
/// `{choices: [{message}]}`, a single `{role, content}` or `{message: {...}}`.
pub fn extract(v: &Value) -> Option<Vec<Message>> {
    match v {
        Value::Array(items) if !items.is_empty() && items.iter().all(is_message) => {
            Some(items.iter().map(message).collect())
        }
        Value::Object(map) => {
            if let Some(Value::Array(items)) = map.get("messages") {
                if !items.is_empty() && items.iter().all(is_message) {
                    return Some(items.iter().map(message).collect());
                }
            }
            if let Some(Value::Array(choices)) = map.get("choices") {
                let msgs: Vec<Message> =
                    choices.iter().filter_map(|c| c.get("message").filter(|m| is_message(m))).map(message).collect();
                if !msgs.is_empty() {
                    return Some(msgs);
                }
            }
            if is_message(v) {
                return Some(vec![message(v)]);
            }
            match map.get("message") {
                Some(m) if is_message(m) => Some(vec![message(m)]),
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_message(v: &Value) -> bool {
    v.get("role").is_some_and(Value::is_string)
}

fn message(v: &Value) -> Message {
    let role = v.get("role").and_then(Value::as_str).unwrap_or("").to_string();
    let mut text = Vec::new();
    let mut tool_calls = Vec::new();
    for key in ["content", "contents", "parts"] {
        if let Some(c) = v.get(key) {
            collect_content(c, &mut text, &mut tool_calls);
        }
    }
    if let Some(Value::Array(calls)) = v.get("tool_calls") {
        for c in calls {
            let f = c.get("function").unwrap_or(c);
            tool_calls.push(ToolCall {
                id: c.get("id").and_then(Value::as_str).map(str::to_string),
                name: f.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                arguments: args_text(f.get("arguments").or_else(|| f.get("input"))),
            });
        }
    }
    Message {
        role,
        text: text.join("\n"),
        tool_calls,
        tool_call_id: v.get("tool_call_id").and_then(Value::as_str).map(str::to_string),
    }
}

/// Content as a string, or a list of parts (OpenAI `{type:text,text}`, Anthropic blocks, GenAI
/// `{type, content}`, OpenInference `{type, text}`); tool-call parts become tool calls.
fn collect_content(c: &Value, text: &mut Vec<String>, calls: &mut Vec<ToolCall>) {
    match c {
        Value::String(s) => text.push(s.clone()),
        Value::Array(parts) => {
            for p in parts {
                let ty = p.get("type").and_then(Value::as_str).unwrap_or("");
                match ty {
                    "tool_call" | "tool_use" | "function_call" => calls.push(ToolCall {
                        id: p.get("id").and_then(Value::as_str).map(str::to_string),
                        name: p.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                        arguments: args_text(p.get("arguments").or_else(|| p.get("input"))),
                    }),
                    _ => {
                        if let Some(s) = ["text", "content", "response", "result"].iter().find_map(|k| p.get(*k)) {
                            match s {
                                Value::String(s) => text.push(s.clone()),
                                other => text.push(other.to_string()),
                            }
                        } else if let Value::String(s) = p {
                            text.push(s.clone());
                        } else if !p.is_null() {
                            text.push(format!("[{}]", if ty.is_empty() { "part" } else { ty }));
                        }
                    }
                }
            }
        }
        Value::Null => {}
        other => text.push(other.to_string()),
    }
}

fn args_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(parsed @ (Value::Object(_) | Value::Array(_))) => {
                serde_json::to_string_pretty(&parsed).unwrap_or_else(|_| s.clone())
            }
            _ => s.clone(),
        },
        Some(other) => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn openai_chat_with_tool_calls() {
        let v = json!([
            {"role": "system", "content": "be brief"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "rainy"}
        ]);
        let m = extract(&v).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].text, "be brief");
        assert_eq!(m[1].tool_calls[0].name, "get_weather");
        assert!(m[1].tool_calls[0].arguments.contains("\"city\": \"Paris\""));
        assert_eq!(m[2].tool_call_id.as_deref(), Some("c1"));
    }

    #[test]
    fn choices_parts_and_contents() {
        let v = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}]});
        assert_eq!(extract(&v).unwrap()[0].text, "hi");
        let v = json!([{"role": "user", "parts": [{"type": "text", "content": "Weather?"}, {"type": "tool_call", "name": "w", "arguments": {"a": 1}}]}]);
        let m = extract(&v).unwrap();
        assert_eq!(m[0].text, "Weather?");
        assert_eq!(m[0].tool_calls[0].name, "w");
        let v = json!([{"role": "user", "contents": [{"type": "text", "text": "x"}]}]);
        assert_eq!(extract(&v).unwrap()[0].text, "x");
        let v = json!({"index": 0, "message": {"role": "assistant", "content": "done"}});
        assert_eq!(extract(&v).unwrap()[0].role, "assistant");
    }

    #[test]
    fn non_messages_are_not_forced() {
        assert!(extract(&json!({"query": "q"})).is_none());
        assert!(extract(&json!([1, 2])).is_none());
        assert!(extract(&json!([])).is_none());
    }
}
