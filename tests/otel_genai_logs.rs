//! OTLP logs: real spans and log records from the official OpenTelemetry OpenAI instrumentation
//! (`tests/fixtures/otel-genai/`, both semconv modes), joined to their spans whether they come in
//! one file, in two files opened in either order, or piece by piece.
//!
//! Every expected number comes from `*.expected.json`, which `scripts/realdata/otel_genai_logs.py`
//! computed with python from the protobuf bodies as sent (`opentelemetry-proto`), never from Canopy.

mod common;

use canopy::import::{self, Format, Stream};
use canopy::model::messages::{extract, Message, Part};
use canopy::model::{Observation, TraceSet, WarningKind};
use serde_json::Value;

const MODES: [&str; 2] = ["legacy", "latest"];

fn fixture(mode: &str) -> (Vec<u8>, Value) {
    let jsonl = std::fs::read(common::own(&format!("otel-genai/openai-v2-{mode}.jsonl"))).unwrap();
    let expected = std::fs::read_to_string(common::own(&format!("otel-genai/openai-v2-{mode}.expected.json"))).unwrap();
    (jsonl, serde_json::from_str(&expected).unwrap())
}

fn open(name: &str, bytes: &[u8]) -> import::Loaded {
    import::load(name, bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// The lines of a JSON Lines file that hold `key` (`resourceSpans` or `resourceLogs`).
fn lines_with(jsonl: &[u8], key: &str) -> Vec<u8> {
    let text = std::str::from_utf8(jsonl).unwrap();
    let mut out = String::new();
    for line in text.lines().filter(|l| l.contains(&format!("\"{key}\""))) {
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

fn observation<'a>(set: &'a TraceSet, span_id: &str) -> &'a Observation {
    let found = set.traces.iter().flat_map(|t| &t.observations).find(|o| o.id == span_id);
    found.unwrap_or_else(|| panic!("no observation {span_id}"))
}

fn messages(p: Option<&canopy::model::Payload>) -> Vec<Message> {
    p.map(|p| extract(&serde_json::from_str::<Value>(p.raw()).unwrap()).expect("a message list")).unwrap_or_default()
}

fn roles(m: &[Message]) -> Vec<String> {
    m.iter().map(|m| m.role.clone()).collect()
}

/// What each span shows, printed to compare loads: id, input, output and events.
fn shown(set: &TraceSet) -> Vec<String> {
    let mut out: Vec<String> = set
        .traces
        .iter()
        .flat_map(|t| &t.observations)
        .map(|o| {
            format!(
                "{} {:?} {:?} {:?}",
                o.id,
                o.input.as_ref().map(|p| p.raw()),
                o.output.as_ref().map(|p| p.raw()),
                o.events
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn each_llm_span_shows_its_messages_from_the_log_events_in_both_semconv_modes() {
    for mode in MODES {
        let (jsonl, want) = fixture(mode);
        let loaded = open("genai.jsonl", &jsonl);
        assert_eq!(loaded.format, Format::OtlpJsonLines, "{mode}");
        let set = &loaded.set;
        assert_eq!(set.traces.len() as u64, want["traces"].as_u64().unwrap(), "{mode}");
        assert_eq!(set.observation_count() as u64, want["spans"].as_u64().unwrap(), "{mode}");
        // every record's span is in the file: none waits
        assert!(set.pending_logs.is_empty(), "{mode}: {:?}", set.pending_logs);
        assert!(!set.warnings.iter().any(|w| matches!(w.kind, WarningKind::LogsWaiting { .. })), "{mode}");
        check_messages(mode, set, &want);
    }
}

/// Each span the expectations name: its name, the roles of its messages, tool call and result
/// ids, and its other records.
fn check_messages(mode: &str, set: &TraceSet, want: &Value) {
    let mut with_messages = 0;
    for (span_id, w) in want["by_span"].as_object().unwrap() {
        let o = observation(set, span_id);
        assert_eq!(o.name, w["name"].as_str().unwrap(), "{mode} {span_id}");
        let strings =
            |k: &str| w[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect::<Vec<_>>();
        let (input, output) = (messages(o.input.as_ref()), messages(o.output.as_ref()));
        assert_eq!(roles(&input), strings("input_roles"), "{mode} {} input", o.name);
        assert_eq!(roles(&output), strings("output_roles"), "{mode} {} output", o.name);
        let calls: Vec<String> =
            input.iter().chain(&output).flat_map(|m| m.tool_calls()).filter_map(|c| c.id.clone()).collect();
        assert_eq!(calls, strings("tool_call_ids"), "{mode} {} tool calls", o.name);
        let results: Vec<String> = input
            .iter()
            .flat_map(|m| &m.parts)
            .filter_map(|p| if let Part::ToolResult { call_id, .. } = p { call_id.clone() } else { None })
            .collect();
        assert_eq!(results, strings("tool_result_ids"), "{mode} {} tool results", o.name);
        // the fixture's only other record is an application log line without an event name
        let logs = o.events.iter().filter(|e| e.name == "log").count();
        assert_eq!(logs as u64, w["events"].as_u64().unwrap(), "{mode} {} events", o.name);
        with_messages += usize::from(!input.is_empty());
    }
    // the tool-calling turn, its follow-up, the streamed call and the failing call
    assert_eq!(with_messages, 4, "{mode}");
}

/// `load` of the whole body, or `Stream` of it in pieces of `piece` bytes.
fn read(name: &str, bytes: &[u8], piece: Option<usize>) -> import::Loaded {
    let Some(n) = piece else { return open(name, bytes) };
    let mut s = Stream::new(name);
    for p in bytes.chunks(n) {
        s.push(p).unwrap_or_else(|e| panic!("{e}"));
    }
    s.finish().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_protobuf_bodies_as_sent_dropped_in_order_read_as_the_json_lines() {
    for mode in MODES {
        let (jsonl, want) = fixture(mode);
        let rendering = open("genai.jsonl", &jsonl).set;
        // `{mode}-N-{traces,logs}.pb`, N the order the receiver got them
        let dir = common::own("otel-genai");
        let mut bodies: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(&format!("{mode}-")) && n.ends_with(".pb"))
            .collect();
        bodies.sort();
        assert!(bodies.iter().any(|n| n.ends_with("-logs.pb")) && bodies.iter().any(|n| n.ends_with("-traces.pb")));
        for piece in [None, Some(1), Some(7), Some(4096)] {
            let at = format!("{mode} bodies ({piece:?})");
            let mut set = TraceSet::default();
            let mut waited = 0;
            for name in &bodies {
                let bytes = std::fs::read(dir.join(name)).unwrap();
                let loaded = read(name, &bytes, piece);
                assert_eq!(loaded.format, Format::OtlpProtobuf, "{at} {name}");
                if name.ends_with("-logs.pb") {
                    // a logs body alone: every record waits for its span
                    assert!(loaded.set.traces.is_empty(), "{at} {name}");
                    waited += loaded.set.pending_logs.len();
                } else {
                    assert!(loaded.set.pending_logs.is_empty(), "{at} {name}");
                }
                set.merge(loaded.set);
            }
            assert_eq!(waited as u64, want["log_records"].as_u64().unwrap(), "{at}: records");
            assert_eq!(set.traces.len() as u64, want["traces"].as_u64().unwrap(), "{at}");
            assert_eq!(set.observation_count() as u64, want["spans"].as_u64().unwrap(), "{at}");
            assert!(set.pending_logs.is_empty(), "{at}: {:?}", set.pending_logs);
            assert!(!set.warnings.iter().any(|w| matches!(w.kind, WarningKind::LogsWaiting { .. })), "{at}");
            assert!(!set.warnings.iter().any(|w| matches!(w.kind, WarningKind::MergeConflict { .. })), "{at}");
            check_messages(&at, &set, &want);
            assert_eq!(shown(&set), shown(&rendering), "{at}: the JSON Lines' messages and events");
            let by_id = |s: &TraceSet| {
                let mut v: Vec<_> = s.traces.iter().flat_map(|t| t.observations.clone()).collect();
                v.sort_by(|a, b| a.id.cmp(&b.id));
                v
            };
            assert!(by_id(&set) == by_id(&rendering), "{at}: the JSON Lines' observations");
        }
    }
}

#[test]
fn the_conversation_reads_as_written() {
    // the texts the script sent and the stand-in answered (scripts/realdata/otel_genai_logs.py)
    for mode in MODES {
        let (jsonl, want) = fixture(mode);
        let set = open("genai.jsonl", &jsonl).set;
        let follow_up = want["by_span"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(_, w)| w["input_roles"].as_array().unwrap().len() == 4)
            .map(|(id, _)| id.clone())
            .unwrap();
        let o = observation(&set, &follow_up);
        let input = messages(o.input.as_ref());
        assert_eq!(input[0].text(), "You answer questions about the weather.", "{mode}");
        assert_eq!(input[1].text(), "What is the weather in Paris?", "{mode}");
        let call = input[2].tool_calls().next().unwrap();
        assert_eq!((call.name.as_str(), call.id.as_deref()), ("get_weather", Some("call_weather_1")), "{mode}");
        assert!(call.arguments.contains("Paris"), "{mode}: {}", call.arguments);
        assert_eq!(messages(o.output.as_ref())[0].text(), "It is sunny in Paris, 21 degrees.", "{mode}");
        // the application's log line: severity, body and the code attributes
        let log = set.traces.iter().flat_map(|t| &t.observations).flat_map(|o| &o.events).find(|e| e.name == "log");
        let log = log.unwrap_or_else(|| panic!("{mode}: no log event"));
        let attr = |k: &str| log.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
        assert_eq!(attr("body").as_deref(), Some("get_weather(Paris) took 1200 ms"), "{mode}");
        assert_eq!(attr("severity").as_deref(), Some("WARN"), "{mode}");
        assert_eq!(attr("code.function.name").as_deref(), Some("run"), "{mode}");
        assert!(log.time_ns > 0, "{mode}");
    }
}

#[test]
fn logs_in_a_second_file_join_their_spans_whichever_file_comes_first() {
    for mode in MODES {
        let (jsonl, want) = fixture(mode);
        let one = shown(&open("both.jsonl", &jsonl).set);
        let spans = lines_with(&jsonl, "resourceSpans");
        let logs = lines_with(&jsonl, "resourceLogs");

        // a file of logs alone opens, and says how many records wait
        let alone = open("logs.jsonl", &logs).set;
        assert!(alone.traces.is_empty());
        assert_eq!(alone.pending_logs.len() as u64, want["log_records"].as_u64().unwrap(), "{mode}");
        let waiting = alone.warnings.iter().find_map(|w| match w.kind {
            WarningKind::LogsWaiting { records } => Some(records),
            _ => None,
        });
        assert_eq!(waiting.map(|n| n as u64), want["log_records"].as_u64(), "{mode}");

        let mut spans_first = open("spans.jsonl", &spans).set;
        assert!(spans_first.traces.iter().flat_map(|t| &t.observations).all(|o| o.input.is_none()), "{mode}");
        let touched = spans_first.merge(open("logs.jsonl", &logs).set);
        assert_eq!(touched.len() as u64, want["traces"].as_u64().unwrap(), "{mode}: each trace changed");
        let mut logs_first = alone;
        logs_first.merge(open("spans.jsonl", &spans).set);
        for (what, set) in [("spans then logs", &spans_first), ("logs then spans", &logs_first)] {
            assert_eq!(shown(set), one, "{mode}: {what}");
            assert!(set.pending_logs.is_empty(), "{mode}: {what}");
            assert!(!set.warnings.iter().any(|w| matches!(w.kind, WarningKind::LogsWaiting { .. })), "{mode}: {what}");
        }
        // the logs file again adds nothing, nor does the spans file again (its spans lack only
        // what the logs gave them), and neither says anything
        spans_first.merge(open("logs.jsonl", &logs).set);
        assert_eq!(shown(&spans_first), one, "{mode}: logs twice");
        spans_first.merge(open("spans.jsonl", &spans).set);
        assert_eq!(shown(&spans_first), one, "{mode}: spans again");
        let conflicts = spans_first.warnings.iter().filter(|w| matches!(w.kind, WarningKind::MergeConflict { .. }));
        assert_eq!(conflicts.count(), 0, "{mode}");
    }
}

#[test]
fn one_request_with_spans_and_logs_and_a_list_of_requests_open_alike_whole_and_in_pieces() {
    for mode in MODES {
        let (jsonl, _) = fixture(mode);
        let want = shown(&open("both.jsonl", &jsonl).set);
        let requests: Vec<Value> =
            std::str::from_utf8(&jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        // one request carrying both resourceSpans and resourceLogs (logs first, as they may come)
        let mut both = serde_json::Map::new();
        for key in ["resourceLogs", "resourceSpans"] {
            let all: Vec<Value> =
                requests.iter().filter_map(|r| r.get(key)).flat_map(|v| v.as_array().unwrap().clone()).collect();
            both.insert(key.into(), Value::Array(all));
        }
        let both = serde_json::to_vec(&Value::Object(both)).unwrap();
        let list = serde_json::to_vec(&Value::Array(requests)).unwrap();
        for (what, bytes, format) in [
            ("one request", &both, Format::Otlp),
            ("a list", &list, Format::Otlp),
            ("JSON Lines", &jsonl, Format::OtlpJsonLines),
        ] {
            let whole = open("x.json", bytes);
            assert_eq!(whole.format, format, "{mode} {what}");
            assert_eq!(shown(&whole.set), want, "{mode} {what}");
            for piece in [7, 100, 4096] {
                let mut s = Stream::new("x.json");
                for p in bytes.chunks(piece) {
                    s.push(p).unwrap();
                }
                let streamed = s.finish().unwrap();
                assert_eq!(shown(&streamed.set), want, "{mode} {what} in pieces of {piece}");
            }
        }
    }
}

/// Hand-written records in the other spellings the span reader accepts: snake_case keys, hex ids,
/// integer enums, `event.name` as an attribute, and a record whose span is in no file.
#[test]
fn snake_case_hex_ids_integer_enums_and_records_without_their_span() {
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let body = format!(
        r#"{{"resource_spans":[{{"scope_spans":[{{"spans":[{{"trace_id":"{trace}","span_id":"b7ad6b7169203331","name":"chat","start_time_unix_nano":"1000","end_time_unix_nano":2000}}]}}]}}],
        "resource_logs":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"string_value":"svc"}}}}]}},"scope_logs":[{{"scope":{{"name":"lib"}},"log_records":[
          {{"trace_id":"{trace}","span_id":"b7ad6b7169203331","observed_time_unix_nano":"1500","attributes":[{{"key":"event.name","value":{{"string_value":"gen_ai.user.message"}}}}],"body":{{"kvlist_value":{{"values":[{{"key":"content","value":{{"string_value":"hi"}}}}]}}}}}},
          {{"trace_id":"{trace}","span_id":"b7ad6b7169203331","time_unix_nano":1600,"severity_number":17,"body":{{"string_value":"boom"}}}},
          {{"trace_id":"{trace}","span_id":"00f067aa0ba902b7","time_unix_nano":1700,"severity_text":"INFO","body":{{"string_value":"elsewhere"}}}},
          {{"time_unix_nano":1800,"body":{{"string_value":"no span at all"}}}}
        ]}}]}}]}}"#
    );
    let set = open("x.json", body.as_bytes()).set;
    let o = observation(&set, "b7ad6b7169203331");
    let input = messages(o.input.as_ref());
    assert_eq!((roles(&input), input[0].text()), (vec!["user".to_string()], "hi".to_string()));
    assert_eq!(o.events.len(), 1);
    let e = &o.events[0];
    assert_eq!((e.name.as_str(), e.time_ns), ("log", 1600));
    let attr = |k: &str| e.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
    assert_eq!((attr("body"), attr("severity")), (Some("boom".into()), Some("ERROR".into())));
    assert_eq!(attr("service.name").as_deref(), Some("svc"));
    assert_eq!(attr("otel.scope.name").as_deref(), Some("lib"));
    // kept, not lost: the record of another span and the one without any
    assert_eq!(set.pending_logs.len(), 2);
    assert!(set.warnings.iter().any(|w| w.kind == WarningKind::LogsWaiting { records: 2 }));
    // the other span arrives in a second file: its record joins, the one without a span waits on
    let mut set = set;
    let later = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{trace}","spanId":"00f067aa0ba902b7","parentSpanId":"b7ad6b7169203331","name":"tool","startTimeUnixNano":"1650"}}]}}]}}]}}"#
    );
    set.merge(open("later.json", later.as_bytes()).set);
    assert_eq!(observation(&set, "00f067aa0ba902b7").events.len(), 1);
    assert_eq!(set.pending_logs.len(), 1);
    assert!(set.warnings.iter().any(|w| w.kind == WarningKind::LogsWaiting { records: 1 }));
}
