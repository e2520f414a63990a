//! Trace formats beyond the LLM platforms' own (issue 26): Jaeger's single-trace `{data: {…}}`
#![cfg(not(target_arch = "wasm32"))]
//! and domain-model JSON, Zipkin v2, SDK dumps (Python and JS console exporters, any-agent).
//! Every expected number was read from the files by Python's `json` module (the snippet is in
//! each test's comment), never by running Canopy.

use canopy::import::{load, Format};
use canopy::model::{AttrValue, Decoded, Level, TraceSet};
use common::{open, own, shared};

mod common;

/// Errors as the issue counts them: level ERROR.
fn errors(set: &TraceSet) -> usize {
    set.traces.iter().flat_map(|t| &t.observations).filter(|o| o.level == Level::Error).count()
}

fn spans(set: &TraceSet) -> usize {
    set.traces.iter().map(|t| t.observations.len()).sum()
}

/// (id, parent, duration) of every observation, sorted.
fn shape_of(set: &TraceSet) -> Vec<(String, Option<String>, Option<i64>)> {
    let mut v: Vec<_> = set
        .traces
        .iter()
        .flat_map(|t| &t.observations)
        .map(|o| (o.id.clone(), o.parent_id.clone(), o.duration_ns()))
        .collect();
    v.sort();
    v
}

#[test]
fn jaeger_data_holding_one_trace_object() {
    // ui_01.json wrapped as {"data": <trace>}: the same 5 spans, 1 error (see jaeger_ui_fixture)
    let ui = std::fs::read_to_string(shared("jaeger/ui_01.json")).unwrap();
    let one = load("one.json", format!("{{\"data\": {ui}, \"errors\": null}}").as_bytes()).unwrap();
    let list = load("list.json", format!("{{\"data\": [{ui}]}}").as_bytes()).unwrap();
    assert_eq!(one.format, Format::Jaeger);
    assert_eq!((one.set.traces.len(), spans(&one.set), errors(&one.set)), (1, 5, 1));
    assert_eq!(shape_of(&one.set), shape_of(&list.set));
}

#[test]
fn jaeger_domain_model_trace() {
    // python: d=json.load(f); spans=d["spans"] → 5; base64 trace ids → {0…01}; span ids
    // 02,02,03,04,05; refs: 03 CHILD_OF 02; 04 CHILD_OF ff (other trace), CHILD_OF 02,
    // FOLLOWS_FROM 02; 05 CHILD_OF 04; one span with error vBool true; durations 5000ns ×4, 4000ns.
    let (format, set) = open(own("jaeger/domain-model-trace.json"));
    assert_eq!(format, Format::JaegerModel);
    assert_eq!((set.traces.len(), spans(&set), errors(&set)), (1, 5, 1));
    let t = &set.traces[0];
    assert_eq!(t.id, "0000000000000001", "printed as Jaeger prints a 64-bit trace id");
    assert_eq!(t.tree.roots.len(), 2, "span 02 twice, both without references");
    let s4 = t.observations.iter().find(|o| o.id == "0000000000000004").unwrap();
    assert_eq!(s4.parent_id.as_deref(), Some("0000000000000002"));
    let refs = s4.attribute("jaeger.references").unwrap().display();
    assert!(refs.contains("CHILD_OF 00000000000000ff/00000000000000ff"), "{refs}");
    assert_eq!(s4.attribute("jaeger.warnings").map(|v| v.display()), Some("[some span warning]".into()));
    let tagged = &t.observations[1];
    assert_eq!(tagged.attribute("javascript_limit"), Some(&AttrValue::Int("9223372036854775222".into())));
    assert_eq!(tagged.attribute("blob"), Some(&AttrValue::Bytes("AAAwOQ==".into())));
    assert_eq!(tagged.attribute("temperature"), Some(&AttrValue::Float(72.5)));
    assert_eq!(tagged.attribute("error"), Some(&AttrValue::Bool(true)));
    // 2017-01-26T16:46:31.639875139-05:00 = 1485467191.639875139 s
    assert_eq!(t.observations[0].start_ns, 1_485_467_191_639_875_139);
    let names: Vec<&str> = t.observations[0].events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["some-event", "log"]);
    assert!(set.warnings.iter().any(|w| w.to_string().contains("some trace warning")));
    // Jaeger's converter test turns this file into ui_01.json: the same tree either way
    let (_, ui) = open(shared("jaeger/ui_01.json"));
    assert_eq!(shape_of(&set), shape_of(&ui));
}

#[test]
fn jaeger_domain_model_single_span_and_self_reference() {
    // domain-model-span.json: one span 02, refs CHILD_OF 03, FOLLOWS_FROM 04, CHILD_OF ff/ff;
    // error vBool true; process service-x with 2 tags; 2 logs, the first's event field an INT64.
    let (format, set) = open(own("jaeger/domain-model-span.json"));
    assert_eq!(format, Format::JaegerModel);
    assert_eq!((set.traces.len(), spans(&set), errors(&set)), (1, 1, 1));
    let o = &set.traces[0].observations[0];
    assert_eq!(o.parent_id.as_deref(), Some("0000000000000003"));
    assert_eq!(o.attribute("service.name").map(|v| v.display()), Some("service-x".into()));
    assert_eq!(o.attribute("process.peer.ipv4"), Some(&AttrValue::Int("23456".into())));
    assert_eq!(o.events[0].name, "123415");
    // domain-model-thrift-03.json: trace 000000000000000052969a8955571a3f, spans 647d98 and
    // 52947b, the second CHILD_OF itself; durations 22938000ns; no error tags
    let (_, set) = open(own("jaeger/domain-model-thrift-03.json"));
    assert_eq!((set.traces.len(), spans(&set), errors(&set)), (1, 2, 0));
    let t = &set.traces[0];
    assert_eq!(t.id, "52969a8955571a3f");
    assert!(t.observations.iter().all(|o| o.duration_ns() == Some(22_938_000)));
    assert_eq!(t.tree.roots.len(), 2, "the self-reference is cut, not followed");
}

#[test]
fn python_console_exporter_dump() {
    // python: json.JSONDecoder().raw_decode over the file, object after object → 5 spans, one
    // trace 0x213052eb…215b; "stream answer" 0x0109f69e53c77fa5 twice (dumped running, end_time
    // None, then again when it ended); root "invoke_agent weather" (parent_id None); the tool span
    // status ERROR "tool failed" with an "exception" event; chat: kind SpanKind.CLIENT,
    // gen_ai.usage.input_tokens 21 + output 9, model gpt-4o-mini-2024-07-18.
    let (format, set) = open(own("python-sdk/console-exporter-1.45.2.json"));
    assert_eq!(format, Format::PythonSpans);
    assert_eq!((set.traces.len(), spans(&set), errors(&set)), (1, 5, 1));
    let t = &set.traces[0];
    assert_eq!(t.id, "213052eb3b85d96f2107412ed7ec215b");
    assert_eq!(t.tree.roots.len(), 1);
    assert_eq!(t.totals.in_progress, 1, "the dump of the running span");
    assert_eq!(t.totals.tokens, 30);
    let chat = t.observations.iter().find(|o| o.name == "chat gpt-4o-mini").unwrap();
    assert_eq!(chat.kind, canopy::model::Kind::Generation);
    assert_eq!(chat.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(chat.parent_id.as_deref(), Some("7c55252ee7e5a186"));
    assert_eq!(chat.attribute("otel.span_kind"), Some(&AttrValue::Str("client".into())));
    // 04:24:34.226590Z → .226632Z
    assert_eq!(chat.duration_ns(), Some(42_000));
    // the prompt event (gen_ai.content.prompt, gen_ai.prompt "Weather in Paris?") is the input
    let input = chat.input.as_ref().map(|p| p.as_text()).unwrap_or_default();
    assert!(input.contains("Weather in Paris?"), "{input}");
    let tool = t.observations.iter().find(|o| o.level == Level::Error).unwrap();
    assert_eq!(tool.status_message.as_deref(), Some("tool failed"));
    assert_eq!(tool.events.iter().filter(|e| e.is_exception()).count(), 1);
    assert_eq!(tool.attribute("service.name").map(|v| v.display()), Some("weather-agent".into()));
}

#[test]
fn any_agent_traces() {
    // python: d=json.load(f); spans=d["spans"]; {s["context"]["trace_id"]} one decimal id;
    // roots = parent None or parent.span_id None; sum(attributes["gen_ai.usage.input_tokens"]),
    // output likewise; status_code "ok"/"unset", no exception events.
    for (file, n, input, output) in [("OPENAI_trace.json", 6, 1020, 76), ("LANGCHAIN_trace.json", 7, 1262, 125)] {
        let (format, set) = open(own(&format!("any-agent/{file}")));
        assert_eq!(format, Format::AnyAgent, "{file}");
        assert_eq!((set.traces.len(), spans(&set), errors(&set)), (1, n, 0), "{file}");
        let t = &set.traces[0];
        assert_eq!(t.tree.roots.len(), 1, "{file}");
        assert_eq!((t.totals.input_tokens, t.totals.output_tokens), (input, output), "{file}");
        assert!(t.output.is_some(), "final_output is the trace's output");
    }
    let (_, set) = open(own("any-agent/OPENAI_trace.json"));
    // 100927429609276267646756448943279827607 in hex; 12324293800750531911 = ab08afea3548c547
    let t = &set.traces[0];
    assert_eq!(t.id, "4bedea77bb33b9c5f280371eae21ea97");
    let root = &t.observations[t.tree.roots[0] as usize];
    assert_eq!((root.id.as_str(), root.kind), ("ab08afea3548c547", canopy::model::Kind::Agent));
    let kinds = common::kinds(&set);
    assert_eq!(kinds.get("generation"), Some(&3), "call_llm ×3");
    assert_eq!(kinds.get("tool"), Some(&2), "execute_tool ×2");
    // the first call_llm: gen_ai.input.messages, a JSON list of 2 messages (system, user) in a string
    let llm = t.observations.iter().find(|o| o.name == "call_llm mistral/mistral-small-latest").unwrap();
    let input = llm.input.as_ref().expect("messages as input").decode();
    let Decoded::Json(serde_json::Value::Array(messages)) = input else { panic!("{input:?}") };
    assert_eq!(messages.len(), 2);
    assert_eq!(llm.model.as_deref(), Some("mistral/mistral-small-latest"));
}

#[test]
fn zipkin_list_of_traces() {
    // GET /api/v2/traces answers a list of traces, each a list of spans: skew.json (4 spans) and
    // yelp.json (16) put in one list; traceIds 1e223ff1f80f1c69 and the yelp one
    let a = std::fs::read_to_string(own("zipkin/zipkin-lens-skew.json")).unwrap();
    let b = std::fs::read_to_string(own("zipkin/zipkin-lens-yelp.json")).unwrap();
    let l = load("traces.json", format!("[{a},{b}]").as_bytes()).unwrap();
    assert_eq!(l.format, Format::Zipkin);
    assert_eq!((l.set.traces.len(), spans(&l.set)), (2, 20));
}

/// Expected counts of a Zipkin file, from Python over the JSON: len(spans); traceIds; spans
/// with an `error` tag or otel.status_code ERROR; sum(len(annotations)); (traceId, id) pairs
/// with both a shared and an unshared half.
struct Zipkin {
    file: &'static str,
    spans: usize,
    errors: usize,
    annotations: usize,
    shared_rpcs: usize,
}

#[test]
fn zipkin_v2_files() {
    let files = [
        Zipkin { file: "otel-py-1.45.1.json", spans: 4, errors: 1, annotations: 2, shared_rpcs: 0 },
        Zipkin { file: "zipkin-lens-skew.json", spans: 4, errors: 0, annotations: 0, shared_rpcs: 1 },
        Zipkin { file: "zipkin-lens-yelp.json", spans: 16, errors: 0, annotations: 1, shared_rpcs: 3 },
        Zipkin { file: "zipkin-lens-messaging-kafka.json", spans: 28, errors: 3, annotations: 0, shared_rpcs: 0 },
        Zipkin { file: "zipkin-lens-ascend.json", spans: 8, errors: 0, annotations: 0, shared_rpcs: 2 },
        Zipkin {
            file: "zipkin-lens-smartthings-oauth-authorization.json",
            spans: 175,
            errors: 2,
            annotations: 9,
            shared_rpcs: 41,
        },
    ];
    for z in files {
        let (format, set) = open(own(&format!("zipkin/{}", z.file)));
        assert_eq!(format, Format::Zipkin, "{}", z.file);
        assert_eq!((set.traces.len(), spans(&set), errors(&set)), (1, z.spans, z.errors), "{}", z.file);
        let t = &set.traces[0];
        let events: usize = t.observations.iter().map(|o| o.events.len()).sum();
        assert_eq!(events, z.annotations, "{}", z.file);
        // each shared RPC: the client half keeps the id, the server half hangs under it
        let servers: Vec<_> = t.observations.iter().filter(|o| o.id.ends_with(":server")).collect();
        let mut rpcs: Vec<&str> = servers.iter().map(|o| o.parent_id.as_deref().unwrap()).collect();
        rpcs.sort_unstable();
        rpcs.dedup();
        assert_eq!(rpcs.len(), z.shared_rpcs, "{}", z.file);
        for s in servers {
            let client = t.observations.iter().find(|o| Some(o.id.as_str()) == s.parent_id.as_deref()).unwrap();
            assert_eq!(client.attribute("otel.span_kind"), Some(&AttrValue::Str("client".into())), "{}", z.file);
            assert_eq!(s.attribute("otel.span_kind"), Some(&AttrValue::Str("server".into())), "{}", z.file);
            assert_eq!(s.attribute("zipkin.id").map(|v| v.display()).as_deref(), s.parent_id.as_deref());
        }
        assert_eq!(t.tree.roots.len(), 1, "{}: one root (python: spans without parentId)", z.file);
    }
}

#[test]
fn zipkin_shared_rpc_skew_is_marked_not_corrected() {
    // skew.json: client half 74280ae0c10d8062 (servicea) starts at 1470150004074202 µs, its
    // shared server half (serviceb) at 1470150004008761, 65441 µs earlier; "async"
    // 43210ae0c10d1234 names 74280ae0c10d8062 as parent and was written by serviceb.
    let (_, set) = open(own("zipkin/zipkin-lens-skew.json"));
    let t = &set.traces[0];
    let server = t.observations.iter().find(|o| o.id == "74280ae0c10d8062:server").unwrap();
    assert_eq!(server.parent_id.as_deref(), Some("74280ae0c10d8062"));
    assert_eq!(server.start_ns, 1_470_150_004_008_761_000, "times are kept as written");
    let skew = server.attribute("zipkin.clock_skew").unwrap().display();
    assert!(skew.starts_with("starts 65.4") && skew.contains("before its parent"), "{skew}");
    assert_eq!(server.attribute("zipkin.localEndpoint.serviceName").unwrap().display(), "serviceb");
    let client = t.observations.iter().find(|o| o.id == "74280ae0c10d8062").unwrap();
    assert_eq!(client.attribute("zipkin.localEndpoint.serviceName").unwrap().display(), "servicea");
    let async_span = t.observations.iter().find(|o| o.id == "43210ae0c10d1234").unwrap();
    assert_eq!(async_span.parent_id.as_deref(), Some("74280ae0c10d8062:server"), "server-side work under the server");
    assert!(set.warnings.iter().any(|w| w.to_string().contains("clock skew")), "{:?}", set.warnings);
    // smartthings: five shared server halves of 9d2d35b746db84f3 (service pusher) and its one
    // client half (bouncer): all six kept, none merged
    let (_, set) = open(own("zipkin/zipkin-lens-smartthings-oauth-authorization.json"));
    let halves = set.traces[0].observations.iter().filter(|o| o.id.starts_with("9d2d35b746db84f3")).count();
    assert_eq!(halves, 6);
}

#[test]
fn zipkin_from_opentelemetry_python() {
    // otel-py-1.45.1.json: chat span tags gen_ai.usage.input_tokens "21" / output "9", kind
    // CLIENT, one annotation '{"gen_ai.content.prompt": {"gen_ai.prompt": "Weather in Paris?"}}';
    // the tool span tags error "tool failed" + otel.status_code ERROR, annotation "exception".
    let (_, set) = open(own("zipkin/otel-py-1.45.1.json"));
    let t = &set.traces[0];
    assert_eq!(t.totals.tokens, 30);
    let chat = t.observations.iter().find(|o| o.name == "chat gpt-4o-mini").unwrap();
    assert_eq!(chat.kind, canopy::model::Kind::Generation);
    assert_eq!(chat.events[0].name, "gen_ai.content.prompt");
    assert_eq!(chat.duration_ns(), Some(42_000), "duration 42 µs");
    let tool = t.observations.iter().find(|o| o.level == Level::Error).unwrap();
    assert_eq!(tool.status_message.as_deref(), Some("tool failed"));
    assert_eq!(tool.events[0].name, "exception");
    assert!(tool.events[0].attributes.iter().any(|a| a.key == "exception.type"));
}

/// One run of `scripts/realdata/otel_js_spans.mjs` under one SDK version, both of its files.
struct JsRun {
    version: &'static str,
    trace: &'static str,
    root: &'static str,
    chat_ns: i64,
    root_ns: i64,
}

#[test]
fn js_sdk_readable_spans_and_console_objects() {
    // python over each file: 3 spans, one trace id, one root (no parentSpanContext (SDK 2) /
    // parentSpanId (SDK 1) / parentId (console)), status.code 2 on "execute_tool get_weather"
    // ("tool failed", an "exception" event); chat: kind 2 (CLIENT), tokens 21 + 9; durations from
    // HrTime endTime − startTime (the console's `duration` in µs is the same number).
    let runs = [
        JsRun {
            version: "2.12.1",
            trace: "d96546eeffb8387e24fe9c04b9bc0ac5",
            root: "b78009bc19e38bad",
            chat_ns: 24_494_725,
            root_ns: 36_731_015,
        },
        JsRun {
            version: "1.30.1",
            trace: "0918f84f4e1c47bb1d84f0b5e8f88376",
            root: "b46324489afbe806",
            chat_ns: 17_539_586,
            root_ns: 21_934_989,
        },
    ];
    for run in runs {
        for file in [
            format!("js-sdk/in-memory-exporter-{}.json", run.version),
            format!("js-sdk/console-exporter-{}.jsonl", run.version),
        ] {
            let (got, set) = open(own(&file));
            assert_eq!(got, Format::JsSpans, "{file}");
            assert_eq!((set.traces.len(), spans(&set), errors(&set)), (1, 3, 1), "{file}");
            let t = &set.traces[0];
            assert_eq!(t.id, run.trace, "{file}");
            assert_eq!(t.tree.roots.len(), 1, "{file}");
            assert_eq!(t.totals.tokens, 30, "{file}");
            let chat = t.observations.iter().find(|o| o.name == "chat gpt-4o-mini").unwrap();
            assert_eq!(chat.duration_ns(), Some(run.chat_ns), "{file}");
            assert_eq!(chat.kind, canopy::model::Kind::Generation, "{file}");
            assert_eq!(chat.parent_id.as_deref(), Some(run.root), "{file}");
            assert_eq!(chat.attribute("otel.span_kind"), Some(&AttrValue::Str("client".into())), "{file}");
            let scope = chat.attribute("otel.scope.name");
            assert_eq!(scope, Some(&AttrValue::Str("realdata.agent.js".into())), "{file}");
            let service = chat.attribute("service.name");
            assert_eq!(service, Some(&AttrValue::Str("unknown_service:node".into())), "{file}");
            let tool = t.observations.iter().find(|o| o.level == Level::Error).unwrap();
            assert_eq!(tool.status_message.as_deref(), Some("tool failed"), "{file}");
            assert!(tool.events.iter().any(|e| e.is_exception()), "{file}");
            let root = t.observations.iter().find(|o| o.name == "invoke_agent weather").unwrap();
            assert_eq!(root.duration_ns(), Some(run.root_ns), "{file}");
        }
    }
}

#[test]
fn valid_json_of_no_known_shape_names_its_keys() {
    // pretty-printed objects back to back (as console exporters write), JSON Lines, a list of
    // lists, and one object longer than the sniffing window: all valid JSON, none a trace
    let long = format!("{{\"hello\": [{}0]}}", "1, ".repeat(200_000));
    let cases: [(&str, &str); 4] = [
        ("{\n  \"name\": \"x\",\n  \"size\": 1\n}\n{\n  \"name\": \"y\"\n}\n", "name, size"),
        ("{\"level\":\"info\",\"msg\":\"a\"}\n{\"level\":\"info\",\"msg\":\"b\"}\n", "level, msg"),
        ("[[{\"x\": 1}], [{\"x\": 2}]]", "x"),
        (&long, "hello"),
    ];
    for (body, keys) in cases {
        let e = load("odd.json", body.as_bytes()).unwrap_err().to_string();
        let want = format!("odd.json: no traces found: the file's keys ({keys}) match no supported format");
        assert_eq!(e, want, "{}", &body[..body.len().min(40)]);
    }
}

#[test]
fn trulens_event_records() {
    // python: d=json.load(f) → 6 records; trace ids {3828…2435 (5 records), "" (the eval root,
    // a trace of its own by its span id)}; span_type record_root 1, retrieval 1, generation 1,
    // eval_root 1, eval 2; cost.num_tokens 429 (generation: prompt 336 + completion 93, model
    // gpt-4o-mini-2024-07-18) and 101 (retrieval); len(retrieved_contexts) 4; no status ERROR.
    let (format, set) = open(own("trulens/test-otel-spans-rag.json"));
    assert_eq!(format, Format::TruLens);
    assert_eq!((set.traces.len(), spans(&set), errors(&set)), (2, 6, 0));
    let t = set.traces.iter().find(|t| t.observations.len() == 5).unwrap();
    assert_eq!(t.id, format!("{:032x}", 38285552113882235753580066402372722435u128));
    assert_eq!(t.tree.roots.len(), 1);
    assert_eq!(t.totals.tokens, 530);
    let k = common::kinds(&set);
    let want = [("chain", 1), ("evaluator", 3), ("generation", 1), ("retriever", 1)];
    assert_eq!(k.into_iter().collect::<Vec<_>>(), want);
    let generation = t.observations.iter().find(|o| o.kind == canopy::model::Kind::Generation).unwrap();
    assert_eq!(generation.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!((generation.usage.input, generation.usage.output), (Some(336), Some(93)));
    assert!(generation.output.is_some());
    let retrieval = t.observations.iter().find(|o| o.kind == canopy::model::Kind::Retriever).unwrap();
    assert_eq!(retrieval.documents.len(), 4);
    assert!(retrieval.input.is_some(), "the query text");
}
