//! Messages of every SDK read from their real shapes.

use super::*;
use serde_json::{json, Value};

fn roles(m: &[Message]) -> Vec<&str> {
    m.iter().map(|m| m.role.as_str()).collect()
}

#[test]
fn openai_chat_with_tool_calls_and_results() {
    let v = json!([
        {"role": "system", "content": "be brief"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "rainy"}
    ]);
    let m = extract(&v).unwrap();
    assert_eq!(roles(&m), vec!["system", "assistant", "tool"]);
    let call = m[1].tool_calls().next().unwrap();
    assert_eq!((call.id.as_deref(), call.name.as_str()), (Some("c1"), "get_weather"));
    assert!(call.arguments.contains("\"city\": \"Paris\""));
    assert_eq!(m[2].parts, vec![Part::ToolResult { call_id: Some("c1".into()), content: "rainy".into() }]);
}

#[test]
fn openai_responses_api_items() {
    let v = json!({"instructions": "You are terse.", "input": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "weather?"}, {"type": "input_image", "image_url": "data:image/png;base64,AAAA"}]},
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": "need the tool"}]},
        {"type": "function_call", "call_id": "fc_1", "name": "weather", "arguments": "{\"q\":\"Paris\"}"},
        {"type": "function_call_output", "call_id": "fc_1", "output": "sunny"}
    ]});
    let m = extract(&v).unwrap();
    assert_eq!(roles(&m), vec!["system", "user", "assistant", "tool"]);
    assert_eq!(m[1].parts[1], Part::Image("data:image/png;base64,AAAA".into()));
    assert_eq!(m[2].parts[0], Part::Reasoning("need the tool".into()));
    assert_eq!(m[2].tool_calls().next().unwrap().name, "weather", "the call joins the reasoning turn");
    assert_eq!(m[3].tool_call_id.as_deref(), Some("fc_1"));
}

#[test]
fn a_list_of_responses_api_objects_reads_as_their_output_items() {
    // as the OpenAI Agents SDK's generation spans carry it (openinference-openai-agents 2.6.0)
    let v = json!([{"id": "r1", "object": "response", "instructions": null, "model": "gpt-4o-mini", "output": [
        {"type": "function_call", "call_id": "call_1_0", "name": "search_docs", "arguments": "{\"query\": \"x\"}", "id": "f1"}
    ]}, {"id": "r2", "object": "response", "output": [
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "ok 3", "annotations": []}]}
    ]}]);
    let m = extract(&v).unwrap();
    assert_eq!(roles(&m), vec!["assistant", "assistant"]);
    assert_eq!(m[0].tool_calls().next().unwrap().id.as_deref(), Some("call_1_0"));
    assert_eq!(m[1].text(), "ok 3");
    assert!(extract(&json!([{"object": "response", "output": []}, {"id": 1}])).is_none());
}

#[test]
fn anthropic_blocks() {
    let v = json!({"system": "Be kind.", "messages": [
        {"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/"}}, {"type": "text", "text": "what is this?"}]},
        {"role": "assistant", "content": [{"type": "thinking", "thinking": "looks like a cat"}, {"type": "tool_use", "id": "tu_1", "name": "lookup", "input": {"animal": "cat"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tu_1", "content": [{"type": "text", "text": "a cat"}]}]}
    ]});
    let m = extract(&v).unwrap();
    assert_eq!(roles(&m), vec!["system", "user", "assistant", "user"]);
    assert_eq!(m[1].parts[0], Part::Image("data:image/jpeg;base64,/9j/".into()));
    assert_eq!(m[2].parts[0], Part::Reasoning("looks like a cat".into()));
    assert_eq!(m[3].parts[0], Part::ToolResult { call_id: Some("tu_1".into()), content: "a cat".into() });
}

#[test]
fn gemini_contents_and_candidates() {
    let v = json!({"contents": [
        {"role": "user", "parts": [{"text": "hi"}, {"inlineData": {"mimeType": "image/png", "data": "iVBOR"}}]},
        {"role": "model", "parts": [{"functionCall": {"name": "search", "args": {"q": "x"}}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "search", "response": {"hits": 3}}}]}
    ]});
    let m = extract(&v).unwrap();
    assert_eq!(roles(&m), vec!["user", "assistant", "user"]);
    assert_eq!(m[0].parts[1], Part::Image("data:image/png;base64,iVBOR".into()));
    assert_eq!(m[1].tool_calls().next().unwrap().name, "search");
    assert!(matches!(&m[2].parts[0], Part::ToolResult { content, .. } if content.contains("\"hits\": 3")));
    let out = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "done", "thought": false}]}}]});
    assert_eq!(extract(&out).unwrap()[0].text(), "done");
}

#[test]
fn genai_parts_langchain_and_openinference() {
    let genai = json!([{"role": "assistant", "parts": [{"type": "reasoning", "content": "hmm"}, {"type": "tool_call", "id": "1", "name": "w", "arguments": {"a": 1}}]},
                       {"role": "tool", "parts": [{"type": "tool_call_response", "id": "1", "response": "rainy"}]}]);
    let m = extract(&genai).unwrap();
    assert_eq!(m[0].parts[0], Part::Reasoning("hmm".into()));
    assert_eq!(m[1].parts[0], Part::ToolResult { call_id: Some("1".into()), content: "rainy".into() });
    let lc = json!([{"type": "human", "content": "hi"}, {"type": "ai", "content": "", "tool_calls": [{"name": "t", "args": {"x": 1}, "id": "k"}]}]);
    let m = extract(&lc).unwrap();
    assert_eq!(roles(&m), vec!["user", "assistant"]);
    assert_eq!(m[1].tool_calls().next().unwrap().name, "t");
    let lc_ser = json!([{"lc": 1, "type": "constructor", "id": ["langchain", "schema", "messages", "SystemMessage"], "kwargs": {"content": "rules"}}]);
    assert_eq!(extract(&lc_ser).unwrap()[0].role, "system");
    let oi = json!([{"role": "user", "contents": [{"type": "text", "text": "x"}, {"type": "image", "image": {"url": "https://example.com/a.png"}}]}]);
    let m = extract(&oi).unwrap();
    assert_eq!(m[0].parts[1], Part::Image("https://example.com/a.png".into()));
}

#[test]
fn single_messages_and_non_messages() {
    assert_eq!(
        extract(&json!({"choices": [{"message": {"role": "assistant", "content": "hi"}}]})).unwrap()[0].text(),
        "hi"
    );
    assert_eq!(
        extract(&json!({"index": 0, "message": {"role": "assistant", "content": "done"}})).unwrap()[0].role,
        "assistant"
    );
    assert!(extract(&json!({"query": "q"})).is_none());
    assert!(extract(&json!([1, 2])).is_none());
    assert!(extract(&json!([])).is_none());
}

#[test]
fn image_address_rules() {
    assert!(is_inline_image("data:image/png;base64,AAA"));
    assert!(!is_inline_image("data:image/svg+xml;base64,AAA"));
    assert!(!is_inline_image("javascript:alert(1)"));
    assert!(is_remote_image("https://x/y.png"));
    assert!(!is_remote_image("javascript:alert(1)"));
}

// The states agents keep their messages in, as real libraries wrote them
// (tests/fixtures/realdata/*/traces.otlp.jsonl; long metadata cut where it says so).

/// LangGraph 1.x's final state: the `LangGraph` span's `output.value` in trace `tools_turn` of
/// openinference-langchain (`message_to_dict`'s `{type, data}`; `response_metadata` and
/// `usage_metadata` cut).
const LANGGRAPH_STATE: &str = r#"{"messages": [{"type": "human", "data": {"content": "Weather? call=get_weather,explode", "additional_kwargs": {}, "response_metadata": {}, "type": "human", "name": null, "id": "5d739d11-6b9b-4b06-94e4-da19dbac4eb8"}}, {"type": "ai", "data": {"content": "", "additional_kwargs": {"refusal": null}, "response_metadata": {}, "type": "ai", "name": null, "id": "lc_run--01a24ed6-820f-744e-9c30-156e6f855796-0", "tool_calls": [{"name": "get_weather", "args": {"city": "x"}, "id": "call_4_0", "type": "tool_call"}, {"name": "explode", "args": {"city": "x"}, "id": "call_4_1", "type": "tool_call"}], "invalid_tool_calls": []}}, {"type": "tool", "data": {"content": "sunny in x", "additional_kwargs": {}, "response_metadata": {}, "type": "tool", "name": "get_weather", "id": "3100dffd-530d-4afb-ad56-54cd4a796b52", "tool_call_id": "call_4_0", "artifact": null, "status": "success"}}, {"type": "tool", "data": {"content": "Error: RuntimeError('tool exploded')\n Please fix your mistakes.", "additional_kwargs": {}, "response_metadata": {}, "type": "tool", "name": "explode", "id": "6d518c5b-be23-4336-ac0b-2aff14865bca", "tool_call_id": "call_4_1", "artifact": null, "status": "error"}}, {"type": "ai", "data": {"content": "ok 3", "additional_kwargs": {"refusal": null}, "response_metadata": {}, "type": "ai", "name": null, "id": "lc_run--01a24ed6-8247-70fc-960f-dad310d63d70-0", "tool_calls": [], "invalid_tool_calls": []}}]}"#;

fn value(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn answer(s: &str) -> Option<String> {
    said(&crate::model::Payload::from_json_text(s).unwrap(), Side::Output)
}

fn question(s: &str) -> Option<String> {
    said(&crate::model::Payload::from_json_text(s).unwrap(), Side::Input)
}

#[test]
fn a_langgraph_state_reads_as_its_conversation() {
    let m = extract(&value(LANGGRAPH_STATE)).unwrap();
    assert_eq!(roles(&m), vec!["user", "assistant", "tool", "tool", "assistant"]);
    let calls: Vec<_> = m[1].tool_calls().map(|c| (c.id.as_deref(), c.name.as_str())).collect();
    assert_eq!(calls, vec![(Some("call_4_0"), "get_weather"), (Some("call_4_1"), "explode")]);
    assert_eq!(m[2].parts, vec![Part::ToolResult { call_id: Some("call_4_0".into()), content: "sunny in x".into() }]);
    assert_eq!(m[3].name.as_deref(), Some("explode"));
    assert_eq!(answer(LANGGRAPH_STATE).as_deref(), Some("ok 3"));
    assert_eq!(question(LANGGRAPH_STATE).as_deref(), Some("Weather? call=get_weather,explode"));
    // the graph's input, the same span's `input.value`: LangChain's (role, text) tuples
    let input = r#"{"messages": [["user", "Weather? call=get_weather,explode"]]}"#;
    assert_eq!(roles(&extract(&value(input)).unwrap()), vec!["user"]);
    assert_eq!(question(input).as_deref(), Some("Weather? call=get_weather,explode"));
    assert!(extract(&json!([["row", "1"], ["row", "2"]])).is_none(), "pairs that are not (role, text) are data");
}

#[test]
fn a_langgraph_command_reads_as_the_state_it_writes() {
    // the first `agent` node (AGENT span) of trace `agent_loop`, openinference-langchain:
    // `Command(update=…, goto="agent")` (metadata cut)
    let v = r#"{"graph": null, "update": {"messages": [{"type": "human", "data": {"content": "Count. loop=50:step", "additional_kwargs": {}, "response_metadata": {}, "type": "human", "name": null, "id": null}}, {"type": "ai", "data": {"content": "", "additional_kwargs": {"refusal": null}, "response_metadata": {}, "type": "ai", "name": null, "id": "lc_run--01a24ed6-8305-731f-ae22-c87684b9f5b6-0", "tool_calls": [{"name": "step", "args": {}, "id": "call_8_0", "type": "tool_call"}], "invalid_tool_calls": []}}, {"type": "tool", "data": {"content": "1", "additional_kwargs": {}, "response_metadata": {}, "type": "tool", "name": "step", "id": null, "tool_call_id": "call_8_0", "artifact": null, "status": "success"}}]}, "resume": null, "goto": "agent"}"#;
    assert_eq!(roles(&extract(&value(v)).unwrap()), vec!["user", "assistant", "tool"]);
    assert_eq!(answer(v), None, "a step that only called a tool has said nothing yet");
    assert_eq!(question(v).as_deref(), Some("Count. loop=50:step"));
}

#[test]
fn crewai_outputs_answer_with_their_raw_text() {
    // the root `Crew_….kickoff` span's `output.value`, openinference-crewai (token_usage kept)
    let crew = r#"{"raw": "ok 3", "pydantic": null, "json_dict": null, "tasks_output": [{"description": "What is Canopy? call=search_docs", "name": "What is Canopy? call=search_docs", "expected_output": "A short answer.", "summary": "What is Canopy? call=search_docs...", "raw": "ok 3", "pydantic": null, "json_dict": null, "agent": "helper", "output_format": "raw", "messages": [{"role": "system", "content": "You are helper. Brief.\nYour personal goal is: Answer briefly."}, {"role": "user", "content": "\nCurrent Task: What is Canopy? call=search_docs\n\nThis is the expected criteria for your final answer: A short answer.\nyou MUST return the actual complete content as the final answer, not a summary."}, {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1_0", "type": "function", "function": {"name": "search_docs", "arguments": "{\"query\": \"x\"}"}}]}, {"role": "tool", "content": "Canopy fact 0; Canopy fact 1; Canopy fact 2", "tool_call_id": "call_1_0", "name": "search_docs"}, {"role": "assistant", "content": "ok 3"}], "tool_failures": []}], "token_usage": {"total_tokens": 120, "prompt_tokens": 113, "cached_prompt_tokens": 0, "completion_tokens": 7, "reasoning_tokens": 0, "cache_creation_tokens": 0, "successful_requests": 2}}"#;
    assert_eq!(answer(crew).as_deref(), Some("ok 3"));
    let m = extract(&value(crew)).unwrap();
    assert_eq!(roles(&m), vec!["system", "user", "assistant", "tool", "assistant"], "the tasks' conversations");
    assert!(question(crew).unwrap().contains("Current Task: What is Canopy?"));
}

#[test]
fn agent_run_inputs_and_results_of_other_frameworks() {
    // smolagents' `ToolCallingAgent.run` root `input.value`, openinference-smolagents
    let run = r#"{"task": "What is Canopy? call=search_docs", "stream": false, "reset": true, "images": null, "additional_args": null, "max_steps": null, "return_full_result": null}"#;
    assert_eq!(question(run).as_deref(), Some("What is Canopy? call=search_docs"));
    // Pydantic AI's `invoke_agent agent` span, pydantic-ai-logfire: `pydantic_ai.all_messages`
    // (the input; the last user message is a tool's return, not the question) and `final_result`
    let all = r#"[{"role":"user","parts":[{"type":"text","content":"What is Canopy? call=search_docs"}]},{"role":"assistant","parts":[{"type":"tool_call","id":"call_2_0","name":"search_docs","arguments":"{\"query\": \"x\"}"}],"finish_reason":"tool_call"},{"role":"user","parts":[{"type":"tool_call_response","id":"call_2_0","name":"search_docs","result":["Canopy fact 0","Canopy fact 1","Canopy fact 2"]}]},{"role":"assistant","parts":[{"type":"text","content":"ok 3"}],"finish_reason":"stop"}]"#;
    assert_eq!(question(all).as_deref(), Some("What is Canopy? call=search_docs"));
    assert_eq!(answer(all).as_deref(), Some("ok 3"));
    assert_eq!(answer(r#""ok 3""#).as_deref(), Some("ok 3"));
    // the Vercel AI SDK's `invoke_agent` span's `gen_ai.output.messages`, vercel-ai: one
    // assistant message holding the call, its result and the text
    let vercel = r#"[{"role":"assistant","parts":[{"type":"tool_call","id":"call_2_0","name":"searchDocs","arguments":{"query":"x"}},{"type":"tool_call_response","id":"call_2_0","response":["Canopy fact 0","Canopy fact 1","Canopy fact 2"]},{"type":"text","content":"ok 3"}],"finish_reason":"stop"}]"#;
    assert_eq!(answer(vercel).as_deref(), Some("ok 3"));
    // a Python decorator's arguments (Traceloop's and Langfuse's `@observe` roots): no question
    assert_eq!(question(r#"{"args": [], "kwargs": {}}"#), None);
    assert_eq!(answer(r#"{"query": "q"}"#), None, "an unknown shape says nothing: the view shows it as it is");
}
