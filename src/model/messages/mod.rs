//! One reading of chat messages whatever SDK wrote them: OpenAI chat and Responses API, Anthropic
//! content blocks, Gemini parts, OpenTelemetry GenAI parts, OpenInference (rebuilt) messages,
//! LangChain message dicts (plain, `message_to_dict`'s `{type, data}`, serialized, `(role, text)`
//! tuples), plain strings; and the states agents keep them in (LangGraph's `{messages}` and
//! `Command`, CrewAI's task and crew outputs). `said` reads a question or an answer from them.

mod said;
pub use said::{said, trace_said, Side};

use serde_json::{Map, Value};

/// One chat turn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    /// Normalised role: `system`, `user`, `assistant`, `tool`, or whatever else the source said.
    pub role: String,
    pub parts: Vec<Part>,
    /// For tool results: the call they answer.
    pub tool_call_id: Option<String>,
    /// A name on the message (tool name for tool results, speaker name otherwise).
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    /// Reasoning / thinking content, folded by default.
    Reasoning(String),
    /// An image: a `data:` URL or a remote address (shown only when the user allows it).
    Image(String),
    ToolCall(ToolCall),
    ToolResult {
        call_id: Option<String>,
        content: String,
    },
    /// A part of a type we do not render, shown by its type.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolCall {
    pub id: Option<String>,
    pub name: String,
    /// Arguments as text: pretty JSON when they parse.
    pub arguments: String,
}

impl Message {
    /// All text parts joined: what a reader would call the message's content.
    pub fn text(&self) -> String {
        let t: Vec<&str> =
            self.parts.iter().filter_map(|p| if let Part::Text(t) = p { Some(t.as_str()) } else { None }).collect();
        t.join("\n")
    }

    pub fn tool_calls(&self) -> impl Iterator<Item = &ToolCall> {
        self.parts.iter().filter_map(|p| if let Part::ToolCall(c) = p { Some(c) } else { None })
    }
}

/// Finds a message list in a decoded payload, or `None` if it does not hold chat messages.
pub fn extract(v: &Value) -> Option<Vec<Message>> {
    let msgs = match v {
        Value::Array(items) if !items.is_empty() && items.iter().all(is_message_like) => {
            let mut out = Vec::new();
            for item in items {
                push_item(item, &mut out);
            }
            out
        }
        // the OpenAI Agents SDK's model output: a list of Responses API objects, each with its
        // `output` items (OpenInference writes it as `output.value`)
        Value::Array(items)
            if !items.is_empty()
                && items.iter().all(|i| i.get("object").and_then(Value::as_str) == Some("response")) =>
        {
            let mut out = Vec::new();
            for item in items {
                if let Some(Value::Array(output)) = item.get("output") {
                    output.iter().filter(|o| is_message_like(o)).for_each(|o| push_item(o, &mut out));
                }
            }
            out
        }
        Value::Object(map) => {
            // LangGraph's `Command` (a node's output) holds the state it writes under `update`
            let state = match map.get("update") {
                Some(Value::Object(u)) if !map.contains_key("messages") => u,
                _ => map,
            };
            if let Some(out) = listed(state) {
                return Some(out);
            }
            // CrewAI's crew output: each task's output holds its conversation
            if let Some(Value::Array(tasks)) = map.get("tasks_output") {
                let out: Vec<Message> =
                    tasks.iter().filter_map(Value::as_object).filter_map(listed).flatten().collect();
                if !out.is_empty() {
                    return Some(out);
                }
            }
            if let Some(Value::Array(choices)) = map.get("choices") {
                let out: Vec<Message> = choices
                    .iter()
                    .filter_map(|c| c.get("message").or_else(|| c.get("delta")))
                    .filter(|m| is_message_like(m))
                    .map(message)
                    .collect();
                if !out.is_empty() {
                    return Some(out);
                }
            }
            // Gemini response: candidates[].content
            if let Some(Value::Array(cands)) = map.get("candidates") {
                let out: Vec<Message> =
                    cands.iter().filter_map(|c| c.get("content")).filter(|m| is_message_like(m)).map(message).collect();
                if !out.is_empty() {
                    return Some(out);
                }
            }
            // Anthropic response: {role: "assistant", content: [blocks], stop_reason}
            if is_message_like(v) {
                return Some(vec![message(v)]);
            }
            match map.get("message") {
                Some(m) if is_message_like(m) => vec![message(m)],
                _ => return None,
            }
        }
        _ => return None,
    };
    (!msgs.is_empty()).then_some(msgs)
}

/// A list of messages under a known key: chat `messages`, Responses `input`/`output`, Gemini
/// `contents`, with a `system`/`instructions` beside it as the first message.
fn listed(map: &Map<String, Value>) -> Option<Vec<Message>> {
    let items = ["messages", "input", "output", "contents"].iter().find_map(|key| match map.get(*key) {
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(is_message_like) => Some(items),
        _ => None,
    })?;
    let mut out = Vec::new();
    if let Some(sys) = map.get("system").or_else(|| map.get("instructions")) {
        let text = plain_text(sys);
        if !text.is_empty() {
            out.push(Message { role: "system".into(), parts: vec![Part::Text(text)], ..Default::default() });
        }
    }
    for item in items {
        push_item(item, &mut out);
    }
    Some(out)
}

/// LangChain's `(role, content)` tuple, as a graph's input often gives its messages.
fn tuple(v: &Value) -> Option<(&str, &Value)> {
    match v.as_array()?.as_slice() {
        [Value::String(role), content]
            if matches!(role.as_str(), "human" | "user" | "ai" | "assistant" | "system" | "tool") =>
        {
            Some((role, content))
        }
        _ => None,
    }
}

/// LangChain serializes messages as `{lc: 1, type: "constructor", id: [..., "HumanMessage"], kwargs}`.
fn langchain_serialized(v: &Value) -> Option<(&str, &Value)> {
    v.get("lc")?;
    let class = v.get("id")?.as_array()?.last()?.as_str()?;
    Some((class, v.get("kwargs")?))
}

fn is_message_like(v: &Value) -> bool {
    if langchain_serialized(v).is_some() || tuple(v).is_some() {
        return true;
    }
    let Some(m) = v.as_object() else { return false };
    if m.get("role").is_some_and(Value::is_string) {
        return true;
    }
    // LangChain dicts: {type: "human"|"ai"|"system"|"tool", content}, or `message_to_dict`'s
    // {type, data: {content, tool_calls…}} (how LangGraph's states are written)
    let ty = m.get("type").and_then(Value::as_str).unwrap_or("");
    if matches!(ty, "human" | "ai" | "system" | "tool" | "function" | "chat" | "generic")
        && (m.contains_key("content") || m.get("data").is_some_and(Value::is_object))
    {
        return true;
    }
    // Responses API items without a role
    matches!(
        ty,
        "function_call"
            | "function_call_output"
            | "reasoning"
            | "message"
            | "custom_tool_call"
            | "custom_tool_call_output"
    )
}

fn push_item(item: &Value, out: &mut Vec<Message>) {
    let ty = item.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        // Responses API: a function call and its output are separate items; attach calls to the
        // assistant turn before them when there is one
        "function_call" | "custom_tool_call" => {
            let call = Part::ToolCall(tool_call(
                item.get("call_id").or_else(|| item.get("id")),
                item.get("name"),
                item.get("arguments").or_else(|| item.get("input")),
            ));
            match out.last_mut() {
                Some(last) if last.role == "assistant" => last.parts.push(call),
                _ => out.push(Message { role: "assistant".into(), parts: vec![call], ..Default::default() }),
            }
        }
        "function_call_output" | "custom_tool_call_output" => {
            let call_id = item.get("call_id").and_then(Value::as_str).map(str::to_string);
            let content = item.get("output").map(plain_text).unwrap_or_default();
            out.push(Message {
                role: "tool".into(),
                parts: vec![Part::ToolResult { call_id: call_id.clone(), content }],
                tool_call_id: call_id,
                name: None,
            });
        }
        "reasoning" if item.get("role").is_none() => {
            let text = item.get("summary").or_else(|| item.get("content")).map(plain_text).unwrap_or_default();
            out.push(Message { role: "assistant".into(), parts: vec![Part::Reasoning(text)], ..Default::default() });
        }
        _ => out.push(message(item)),
    }
}

fn role_of(raw: &str) -> String {
    match raw.to_ascii_lowercase().as_str() {
        "human" | "user" | "humanmessage" | "humanmessagechunk" => "user".into(),
        "ai" | "assistant" | "model" | "aimessage" | "aimessagechunk" | "bot" => "assistant".into(),
        "system" | "systemmessage" | "developer" => "system".into(),
        "tool" | "function" | "toolmessage" | "functionmessage" | "ipython" => "tool".into(),
        other => other.to_string(),
    }
}

fn message(v: &Value) -> Message {
    if let Some((class, kwargs)) = langchain_serialized(v) {
        let mut m = message(kwargs);
        m.role = role_of(class);
        return m;
    }
    if let Some((role, content)) = tuple(v) {
        let mut parts = Vec::new();
        collect_parts(content, &mut parts);
        return Message { role: role_of(role), parts, ..Default::default() };
    }
    if let (Some(Value::String(ty)), Some(data @ Value::Object(_))) = (v.get("type"), v.get("data")) {
        let mut m = message(data);
        m.role = role_of(ty);
        return m;
    }
    let role_raw = v.get("role").or_else(|| v.get("type")).and_then(Value::as_str).unwrap_or("");
    let mut msg = Message {
        role: role_of(role_raw),
        parts: Vec::new(),
        tool_call_id: v
            .get("tool_call_id")
            .or_else(|| v.get("tool_use_id"))
            .and_then(Value::as_str)
            .map(str::to_string),
        name: v.get("name").and_then(Value::as_str).map(str::to_string),
    };
    for key in ["content", "contents", "parts"] {
        if let Some(c) = v.get(key) {
            collect_parts(c, &mut msg.parts);
        }
    }
    for key in ["reasoning_content", "reasoning", "thinking"] {
        if let Some(Value::String(r)) = v.get(key) {
            msg.parts.insert(0, Part::Reasoning(r.clone()));
        }
    }
    // OpenAI chat / LangChain tool calls
    if let Some(Value::Array(calls)) = v.get("tool_calls") {
        for c in calls {
            let f = c.get("function").unwrap_or(c);
            msg.parts.push(Part::ToolCall(tool_call(
                c.get("id"),
                f.get("name"),
                f.get("arguments").or_else(|| f.get("args")),
            )));
        }
    }
    if let Some(f) = v.get("function_call").filter(|f| f.is_object()) {
        msg.parts.push(Part::ToolCall(tool_call(None, f.get("name"), f.get("arguments"))));
    }
    if msg.role == "tool"
        && !msg.parts.iter().any(|p| matches!(p, Part::ToolResult { .. }))
        && msg.tool_call_id.is_some()
    {
        // a tool message's content is the result of the call it names
        let content = msg.text();
        msg.parts.retain(|p| !matches!(p, Part::Text(_)));
        msg.parts.insert(0, Part::ToolResult { call_id: msg.tool_call_id.clone(), content });
    }
    msg
}

fn tool_call(id: Option<&Value>, name: Option<&Value>, args: Option<&Value>) -> ToolCall {
    ToolCall {
        id: id.and_then(Value::as_str).map(str::to_string),
        name: name.and_then(Value::as_str).unwrap_or("").to_string(),
        arguments: args_text(args),
    }
}

/// Content as a string or a list of parts/blocks of any SDK.
fn collect_parts(c: &Value, parts: &mut Vec<Part>) {
    match c {
        Value::String(s) => parts.push(Part::Text(s.clone())),
        Value::Array(items) => {
            for p in items {
                part(p, parts);
            }
        }
        Value::Null => {}
        Value::Object(_) => part(c, parts),
        other => parts.push(Part::Text(other.to_string())),
    }
}

fn part(p: &Value, parts: &mut Vec<Part>) {
    let Some(m) = p.as_object() else {
        if let Value::String(s) = p {
            parts.push(Part::Text(s.clone()));
        }
        return;
    };
    let ty = m.get("type").and_then(Value::as_str).unwrap_or("");
    let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
    match ty {
        "text" | "input_text" | "output_text" | "message_content" => {
            parts.push(Part::Text(s("text").or_else(|| s("content")).unwrap_or_default()))
        }
        "thinking" | "reasoning" | "redacted_thinking" | "summary_text" => parts.push(Part::Reasoning(
            s("thinking").or_else(|| s("text")).or_else(|| s("content")).unwrap_or_else(|| "(redacted)".into()),
        )),
        "tool_use" | "tool_call" | "function_call" | "server_tool_use" => parts.push(Part::ToolCall(tool_call(
            m.get("id").or_else(|| m.get("call_id")),
            m.get("name"),
            m.get("input").or_else(|| m.get("arguments")),
        ))),
        "tool_result" | "tool_call_response" | "function_call_output" => parts.push(Part::ToolResult {
            call_id: s("tool_use_id").or_else(|| s("id")).or_else(|| s("call_id")),
            content: m
                .get("content")
                .or_else(|| m.get("response"))
                .or_else(|| m.get("output"))
                .map(plain_text)
                .unwrap_or_default(),
        }),
        "image" | "image_url" | "input_image" => {
            if let Some(url) = image_url(m) {
                parts.push(Part::Image(url));
            } else {
                parts.push(Part::Other("image".into()));
            }
        }
        _ => {
            // Gemini parts carry no type: {text}, {functionCall}, {functionResponse}, {inlineData}
            if let Some(t) = s("text") {
                if m.get("thought").and_then(Value::as_bool) == Some(true) {
                    parts.push(Part::Reasoning(t));
                } else {
                    parts.push(Part::Text(t));
                }
            } else if let Some(fc) = m.get("functionCall").or_else(|| m.get("function_call")) {
                parts.push(Part::ToolCall(tool_call(fc.get("id"), fc.get("name"), fc.get("args"))));
            } else if let Some(fr) = m.get("functionResponse").or_else(|| m.get("function_response")) {
                parts.push(Part::ToolResult {
                    call_id: fr.get("id").or_else(|| fr.get("name")).and_then(Value::as_str).map(str::to_string),
                    content: fr.get("response").map(plain_text).unwrap_or_default(),
                });
            } else if let Some(url) = image_url(m) {
                parts.push(Part::Image(url));
            } else if let Some(t) = s("content") {
                parts.push(Part::Text(t));
            } else {
                parts.push(Part::Other(if ty.is_empty() { "part".into() } else { ty.to_string() }));
            }
        }
    }
}

/// An image's address: OpenAI `image_url.url`, Responses `image_url`, Anthropic `source`
/// (base64 or url), Gemini `inlineData`/`fileData`, OpenInference `image.url`.
fn image_url(m: &Map<String, Value>) -> Option<String> {
    if let Some(u) = m.get("image_url") {
        return u.get("url").and_then(Value::as_str).or_else(|| u.as_str()).map(str::to_string);
    }
    if let Some(src) = m.get("source") {
        if let (Some(data), Some(mt)) =
            (src.get("data").and_then(Value::as_str), src.get("media_type").and_then(Value::as_str))
        {
            return Some(format!("data:{mt};base64,{data}"));
        }
        return src.get("url").and_then(Value::as_str).map(str::to_string);
    }
    if let Some(inline) = m.get("inlineData").or_else(|| m.get("inline_data")) {
        let mt = inline.get("mimeType").or_else(|| inline.get("mime_type")).and_then(Value::as_str)?;
        let data = inline.get("data").and_then(Value::as_str)?;
        return Some(format!("data:{mt};base64,{data}"));
    }
    if let Some(fd) = m.get("fileData").or_else(|| m.get("file_data")) {
        return fd.get("fileUri").or_else(|| fd.get("file_uri")).and_then(Value::as_str).map(str::to_string);
    }
    m.get("image").and_then(|i| i.get("url")).and_then(Value::as_str).map(str::to_string)
}

/// A value as readable text: strings as they are, parts joined, anything else as compact JSON.
fn plain_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let mut parts = Vec::new();
            for i in items {
                part(i, &mut parts);
            }
            parts
                .into_iter()
                .map(|p| match p {
                    Part::Text(t) | Part::Reasoning(t) => t,
                    Part::ToolResult { content, .. } => content,
                    Part::Image(u) => format!("[image {u}]"),
                    Part::ToolCall(c) => format!("{}({})", c.name, c.arguments),
                    Part::Other(t) => format!("[{t}]"),
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        Value::Null => String::new(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

fn args_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => pretty_text(s),
        Some(other) => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// Text that holds a JSON object or array, indented; any other text as it is.
pub fn pretty_text(s: &str) -> String {
    match serde_json::from_str::<Value>(s) {
        Ok(parsed @ (Value::Object(_) | Value::Array(_))) => {
            serde_json::to_string_pretty(&parsed).unwrap_or_else(|_| s.to_string())
        }
        _ => s.to_string(),
    }
}

/// True for image addresses that may be shown without asking: inline raster data only.
/// (SVG is excluded: it is a document, not just pixels.)
pub fn is_inline_image(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    ["data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif", "data:image/webp"]
        .iter()
        .any(|p| u.starts_with(p))
}

/// True for remote image addresses that may be fetched once the user allows remote content.
pub fn is_remote_image(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("https://") || u.starts_with("http://")
}

#[cfg(test)]
mod tests;
