//! AgentOps' API answers (`tests/fixtures/agentops/`, shaped by the server's response models:
#![cfg(not(target_arch = "wasm32"))]
//! see the PROVENANCE.md there). Every expected number was read from the files by
//! `tests/fixtures/agentops/count.py` (Python's `json` module), never by running Canopy.

use canopy::import::Format;
use canopy::model::{Kind, Level, TraceSet};
use common::{kinds, open, own};

mod common;

fn errors(set: &TraceSet) -> usize {
    set.traces.iter().flat_map(|t| &t.observations).filter(|o| o.level == Level::Error).count()
}

#[test]
fn dashboard_trace_detail_with_attributes() {
    // count.py: 5 spans, 1 root, 1 error (429, one exception event), 3 chat calls, tokens 195
    // (input 154, output 41), model gpt-4o-mini-2024-07-18, agentops.span.kind session + tool,
    // tags demo, travel; root duration 4815102000 ns
    let (format, set) = open(own("agentops/trace-detail-v4.json"));
    assert_eq!(format, Format::AgentOps);
    assert_eq!(set.traces.len(), 1);
    let t = &set.traces[0];
    assert_eq!(t.id, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!((t.observations.len(), t.tree.roots.len(), errors(&set)), (5, 1, 1));
    assert_eq!(t.totals.tokens, 195);
    assert_eq!(t.tags, ["demo", "travel"]);
    assert_eq!(t.name.as_deref(), Some("travel_agent"), "the session's operation.name");
    let want = [("chain", 1), ("generation", 3), ("tool", 1)];
    assert_eq!(kinds(&set).into_iter().collect::<Vec<_>>(), want);
    let llm: Vec<_> = t.observations.iter().filter(|o| o.kind == Kind::Generation).collect();
    let input: u64 = llm.iter().filter_map(|o| o.usage.input).sum();
    let output: u64 = llm.iter().filter_map(|o| o.usage.output).sum();
    assert_eq!((input, output), (154, 41));
    let first = t.observations.iter().find(|o| o.id == "53995c3f42cd8ad8").unwrap();
    assert_eq!(first.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert!(first.input.as_ref().is_some_and(|i| i.raw().contains("Lisbon")), "the prompt messages");
    assert_eq!(first.duration_ns(), Some(1_204_377_000), "start + duration (ns), not the µs end_time");
    let failed = t.observations.iter().find(|o| o.level == Level::Error).unwrap();
    assert!(failed.status_message.as_deref().is_some_and(|m| m.contains("429")));
    assert_eq!(failed.events.len(), 1);
    let tool = t.observations.iter().find(|o| o.kind == Kind::Tool).unwrap();
    assert_eq!(tool.name, "get_weather");
    assert!(tool.input.as_ref().is_some_and(|i| i.raw().contains("Lisbon")));
    assert_eq!(tool.cost.total, Some(0.01), "@tool(cost=0.01)");
    let root = t.observations.iter().find(|o| o.parent_id.is_none()).unwrap();
    assert_eq!(root.duration_ns(), Some(4_815_102_000));
}

#[test]
fn public_trace_summary_and_one_span() {
    // count.py: the public v1 trace: 5 spans, 1 root, 1 error, no attributes (so no kinds or tokens)
    let (format, set) = open(own("agentops/public-trace.json"));
    assert_eq!(format, Format::AgentOps);
    let t = &set.traces[0];
    assert_eq!((t.observations.len(), t.tree.roots.len(), errors(&set), t.totals.tokens), (5, 1, 1, 0));
    assert_eq!(t.tags, ["demo", "travel"]);
    // count.py: the public v1 span: the first chat call, tokens 75 (58 + 17), no trace id
    let (format, set) = open(own("agentops/public-span.json"));
    assert_eq!(format, Format::AgentOps);
    let o = &set.traces[0].observations[0];
    assert_eq!(set.traces[0].id, "public-span.json", "named by the file");
    assert_eq!(
        (o.kind, o.usage.input, o.usage.output, o.usage.total),
        (Kind::Generation, Some(58), Some(17), Some(75))
    );
    assert_eq!(o.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
}
