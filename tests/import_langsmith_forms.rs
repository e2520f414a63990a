//! LangSmith in the forms users have (issue 26): what the Python SDK really sends (request bodies
//! of 0.0.87 one per line, with zoneless times and each run's end as its own update; 0.14.17's
//! `/runs/batch` bodies and `/runs/multipart` bodies), run operations linked only by `id` in any
//! order, and trees built from `dotted_order` alone. Expected numbers of the real files were read
//! with Python's `json` and `email` modules (as each comment says), never with Canopy.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::{load, Format};
use canopy::model::{Kind, Level, TraceSet, WarningKind};
use common::{open, own};

mod common;

fn zoneless(set: &TraceSet) -> Option<usize> {
    set.warnings.iter().find_map(|w| match w.kind {
        WarningKind::NoTimeZone { times } => Some(times),
        _ => None,
    })
}

/// The agent `scripts/realdata/langsmith_py.py` traces, as every capture of it reads: python,
/// merging each run's operations by id (creates first, then updates): 4 runs of one trace, one
/// root (`parent_run_id` None), kinds chain/llm/retriever/tool, `error` only on `weather`, every
/// run with an `end_time`, `usage_metadata.total_tokens` 21 on the LLM run.
fn the_agent(set: &TraceSet) {
    assert_eq!(set.traces.len(), 1);
    let t = &set.traces[0];
    assert_eq!(t.observations.len(), 4, "each run once");
    assert_eq!(t.tree.roots.len(), 1);
    let mut kinds: Vec<String> = t.observations.iter().map(|o| format!("{:?}", o.kind)).collect();
    kinds.sort();
    assert_eq!(kinds, ["Chain", "Generation", "Retriever", "Tool"]);
    let errors: Vec<&str> =
        t.observations.iter().filter(|o| o.level == Level::Error).map(|o| o.name.as_str()).collect();
    assert_eq!(errors, ["weather"]);
    assert!(t.observations.iter().all(|o| o.end_ns.is_some()), "every run ended");
    assert_eq!(t.totals.tokens, 21);
    let llm = t.observations.iter().find(|o| o.kind == Kind::Generation).unwrap();
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-mini"));
}

#[test]
fn request_bodies_of_the_python_sdk_before_0_1_open_with_utc_times() {
    let (format, set) = open(own("langsmith/py-sdk-0.0.87-request-bodies.jsonl"));
    assert_eq!(format, Format::LangSmith);
    // python: 5 lines: four `PATCH /runs/{id}` bodies, then one `{post: [4 runs], patch: []}`;
    // the posts say `outputs: {}`, the updates before them carry the outputs
    the_agent(&set);
    // python: 4 start_time + 4 end_time, none ending in Z or an offset
    assert_eq!(zoneless(&set), Some(8));
    // python: min start_time '2026-12-07T04:43:33.518687', as UTC: 1796618613518687000
    let first = set.traces[0].observations.iter().map(|o| o.start_ns).min();
    assert_eq!(first, Some(1_796_618_613_518_687_000));
}

#[test]
fn batch_bodies_of_the_current_python_sdk_open() {
    let (format, set) = open(own("langsmith/py-sdk-0.14.17-run-batches.jsonl"));
    assert_eq!(format, Format::LangSmith);
    // python: line 1 posts agent (no end_time) and retrieve; line 2 posts weather and chat and
    // patches agent with its end_time
    the_agent(&set);
    assert_eq!(zoneless(&set), None, "times end in +00:00");
    assert_eq!(set.traces[0].session_id.as_deref(), Some("trip-1"));
}

#[test]
fn multipart_bodies_of_the_current_python_sdk_open() {
    let (format, set) = open(own("langsmith/py-sdk-0.14.17-multipart.txt"));
    assert_eq!(format, Format::LangSmith);
    // python (email module, part names `post.<id>`, `post.<id>.inputs`…): 2 bodies, operations
    // post agent, post retrieve, post weather, post chat, patch agent
    the_agent(&set);
    let t = &set.traces[0];
    assert_eq!(t.session_id.as_deref(), Some("trip-1"), "post.<id>.extra metadata.session_id");
    // python: the LLM run's times 2026-12-07T04:43:39.436245+00:00 → 04:43:39.436377+00:00
    let llm = t.observations.iter().find(|o| o.kind == Kind::Generation).unwrap();
    assert_eq!(llm.end_ns.zip(Some(llm.start_ns)).map(|(e, s)| e - s), Some(132_000));
    assert!(llm.input.is_some() && llm.output.is_some(), "post.<id>.inputs and .outputs parts");
    // python: the agent's end comes from `patch.<id>`: 2026-12-07T04:43:39.436413+00:00
    let agent = t.observations.iter().find(|o| o.name == "agent").unwrap();
    assert_eq!(agent.end_ns.map(|e| e % 1_000_000_000), Some(436_413_000));
    assert!(agent.output.is_some(), "patch.<id>.outputs");
}

#[test]
fn naive_iso_times_are_utc_and_said_to_be() {
    let body = r#"{"id":"r1","name":"a","run_type":"chain","start_time":"2024-05-01T12:00:00.123456","end_time":"2024-05-01T12:00:01Z"}"#;
    let l = load("run.json", body.as_bytes()).unwrap();
    let o = &l.set.traces[0].observations[0];
    // python: datetime(2024,5,1,12,0,0,123456, tzinfo=utc) → 1714564800123456000 ns
    assert_eq!(o.start_ns, 1_714_564_800_123_456_000);
    assert_eq!(zoneless(&l.set), Some(1), "only the start has no zone");
}

/// Run operations one per line, linked only by id: the update first, its create after it, and
/// a list mixing creates and updates: each run is shown once, with the update's fields.
#[test]
fn operations_of_one_run_merge_in_any_order() {
    let create = r#"{"id":"r1","name":"root","run_type":"chain","start_time":"2024-05-01T12:00:00Z","outputs":{},"dotted_order":"20240501T120000000000Zr1"}"#;
    let child = r#"{"id":"r2","name":"llm","run_type":"llm","start_time":"2024-05-01T12:00:00.5Z","dotted_order":"20240501T120000000000Zr1.20240501T120000500000Zr2"}"#;
    let update = r#"{"id":"r1","end_time":"2024-05-01T12:00:02Z","outputs":{"answer":"yes"}}"#;
    let update2 = r#"{"id":"r2","end_time":"2024-05-01T12:00:01Z","error":"rate limited"}"#;
    for (name, body) in [
        ("ops.jsonl", [update, create, child, update2].join("\n")),
        ("ops.json", format!("[{create},{update},{child},{update2}]")),
        ("batches.jsonl", format!("{{\"patch\":[{update}]}}\n{{\"post\":[{create},{child}]}}\n{update2}")),
    ] {
        let l = load(name, body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(l.format, Format::LangSmith);
        let t = &l.set.traces[0];
        assert_eq!((l.set.traces.len(), t.observations.len()), (1, 2), "{name}: each run once");
        let root = t.observations.iter().find(|o| o.id == "r1").unwrap();
        assert_eq!(root.end_ns, Some(1_714_564_802_000_000_000), "{name}");
        assert_eq!(root.output.as_ref().map(|p| p.raw().to_string()).as_deref(), Some(r#"{"answer":"yes"}"#));
        let llm = t.observations.iter().find(|o| o.id == "r2").unwrap();
        assert_eq!(llm.parent_id.as_deref(), Some("r1"), "{name}: the parent from the dotted order");
        assert_eq!(llm.level, Level::Error);
        assert_eq!(t.tree.roots.len(), 1);
    }
}

/// A chain whose runs carry only `dotted_order` (no `parent_run_id`, no `trace_id`), created and
/// then ended by separate operations: one trace, as deep as the chain, built without recursion.
#[test]
fn a_deep_chain_is_built_from_dotted_orders() {
    // each segment names its run: the file grows with the square of the depth (38 MB at 1,500)
    const DEPTH: usize = 1_500;
    let mut body = String::new();
    let mut dotted = String::new();
    for i in 0..DEPTH {
        if i > 0 {
            dotted.push('.');
        }
        dotted.push_str(&format!("20240501T12{:02}{:02}000000Zr{i}", i / 60 % 60, i % 60));
        body.push_str(&format!(
            "{{\"id\":\"r{i}\",\"name\":\"step\",\"run_type\":\"chain\",\"start_time\":\"2024-05-01T12:00:00Z\",\"dotted_order\":\"{dotted}\"}}\n"
        ));
    }
    for i in 0..DEPTH {
        body.push_str(&format!("{{\"id\":\"r{i}\",\"end_time\":\"2024-05-01T13:00:00Z\"}}\n"));
    }
    let l = load("chain.jsonl", body.as_bytes()).unwrap();
    assert_eq!(l.set.traces.len(), 1);
    let t = &l.set.traces[0];
    assert_eq!(t.id, "r0", "the root at the head of every dotted order");
    assert_eq!(t.observations.len(), DEPTH);
    assert_eq!(t.tree.roots.len(), 1);
    assert!(t.observations.iter().all(|o| o.end_ns.is_some()));
    let deepest = t.observations.iter().find(|o| o.id == format!("r{}", DEPTH - 1)).unwrap();
    assert_eq!(deepest.parent_id.as_deref(), Some(format!("r{}", DEPTH - 2).as_str()));
}

#[test]
fn multipart_bodies_of_the_js_sdk_open() {
    let (format, set) = open(own("langsmith/js-sdk-0.3.87-multipart.txt"));
    assert_eq!(format, Format::LangSmith);
    // python (email module): 2 bodies; post agent, ChatOpenAI, calculator (with `.error`), then
    // patch ChatOpenAI and agent (`.outputs`, end_time as epoch ms 1796618969591); merged: 3
    // runs, one root, llm_output.token_usage.total_tokens 13, every run with an end_time
    assert_eq!(set.traces.len(), 1);
    let t = &set.traces[0];
    assert_eq!((t.observations.len(), t.tree.roots.len(), t.totals.tokens), (3, 1, 13));
    let errors: Vec<&str> =
        t.observations.iter().filter(|o| o.level == Level::Error).map(|o| o.name.as_str()).collect();
    assert_eq!(errors, ["calculator"]);
    let agent = t.observations.iter().find(|o| o.name == "agent").unwrap();
    assert_eq!(agent.end_ns, Some(1_796_618_969_591_000_000));
    assert!(t.observations.iter().all(|o| o.end_ns.is_some_and(|e| e >= o.start_ns)));
}

/// Multipart files are not `.json`, so the tests over every fixture do not see them: read in
/// pieces they open as they do whole.
#[test]
fn multipart_files_open_alike_in_pieces() {
    for name in ["langsmith/py-sdk-0.14.17-multipart.txt", "langsmith/js-sdk-0.3.87-multipart.txt"] {
        let bytes = std::fs::read(own(name)).unwrap();
        let whole = load(name, &bytes).unwrap();
        for size in [7, 4096] {
            let mut s = canopy::import::Stream::new(name);
            for piece in bytes.chunks(size) {
                s.push(piece).unwrap();
            }
            let got = s.finish().unwrap();
            let summary = |set: &TraceSet| {
                let mut v: Vec<_> = set
                    .traces
                    .iter()
                    .flat_map(|t| &t.observations)
                    .map(|o| (o.id.clone(), o.start_ns, o.end_ns, o.level))
                    .collect();
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            };
            assert_eq!(summary(&got.set), summary(&whole.set), "{name} in pieces of {size}");
        }
        // cut short: refused with the reason, not read as less
        let cut = &bytes[..bytes.len() / 2];
        let e = load(name, cut).unwrap_err();
        assert!(e.to_string().contains("multipart"), "{e}");
    }
}
