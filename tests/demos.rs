//! The built-in demo traces open, and show what each is meant to demonstrate.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::load;
use canopy::model::{Kind, Level};

fn demo(name: &str) -> canopy::model::TraceSet {
    let path = format!("{}/public/demo/{name}", env!("CARGO_MANIFEST_DIR"));
    load(name, &std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{e}")).set
}

#[test]
fn agent_demo_has_tools_retrieval_and_scores() {
    let set = demo("agent-tools.json");
    let t = &set.traces[0];
    assert_eq!(t.observations.len(), 7);
    for k in [Kind::Agent, Kind::Generation, Kind::Tool, Kind::Retriever, Kind::Embedding, Kind::Event] {
        assert!(t.observations.iter().any(|o| o.kind == k), "{k:?}");
    }
    assert_eq!(t.totals.tokens, 450 + 9 + 742);
    assert_eq!(set.scores.len(), 2);
    assert_eq!(t.session_id.as_deref(), Some("demo-session-42"));
}

#[test]
fn rag_demo_counts_tokens_once() {
    let set = demo("rag-chain.otlp.json");
    let t = &set.traces[0];
    assert_eq!(t.observations.len(), 4);
    // the chain repeats 322 = 315 + 7; only the LLM and embedding spans count
    assert_eq!(t.totals.tokens, 322);
    let retriever = t.observations.iter().find(|o| o.kind == Kind::Retriever).unwrap();
    assert_eq!(retriever.documents.len(), 3);
    let llm = t.observations.iter().find(|o| o.kind == Kind::Generation).unwrap();
    assert!(llm.completion_start_ns.is_some());
    assert_eq!(t.session_id.as_deref(), Some("support-chat-7"));
}

#[test]
fn failing_demo_has_errors_and_an_exception() {
    let set = demo("failing-run.json");
    let t = &set.traces[0];
    assert_eq!(t.observations.len(), 4);
    assert_eq!(t.totals.errors, 3);
    let tool = t.observations.iter().find(|o| o.kind == Kind::Tool).unwrap();
    assert_eq!(tool.level, Level::Error);
    assert_eq!(tool.tool_name.as_deref(), Some("check_inventory"));
    assert!(tool.events.iter().any(|e| e.is_exception()));
    assert_eq!(
        t.observations.iter().find(|o| o.kind == Kind::Agent).map(|o| o.name.as_str()),
        Some("invoke_agent order-assistant")
    );
}
