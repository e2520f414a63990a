//! Hand-made MLflow documents for what the real fixtures do not hold: v2 `0x` ids, a feedback
//! error, an overridden assessment, a serialized expectation, `[{key, value}]` maps, protobuf
//! durations, rows without their `trace` column.

use super::import;
use crate::import::Format;
use crate::model::{AttrValue, Kind, Level, ScoreValue};

#[test]
fn v2_trace_with_0x_ids_and_error_status() {
    let body = r#"{"info": {"request_id": "abc", "experiment_id": "0", "timestamp_ms": 1700000000123,
        "execution_time_ms": 7, "status": "ERROR", "request_metadata": {"mlflow.trace.session": "s"},
        "tags": {"mlflow.traceName": "run"}},
      "data": {"request": "{\"q\": 1}", "response": null, "spans": [
        {"name": "run", "context": {"span_id": "0x00000000000000aa", "trace_id": "0x0000000000000000000000000000000b"},
         "parent_id": null, "start_time": 1700000000123000000, "end_time": 1700000000130000000,
         "status_code": "ERROR", "status_message": "boom",
         "attributes": {"mlflow.spanType": "\"CHAIN\"", "mlflow.traceRequestId": "\"abc\""},
         "events": [{"name": "exception", "timestamp": 1700000000129000000,
                     "attributes": {"exception.message": "boom", "exception.type": "ValueError"}}]},
        {"name": "llm", "context": {"span_id": "0x00000000000000bb", "trace_id": "0x0000000000000000000000000000000b"},
         "parent_id": "0x00000000000000aa", "start_time": 1700000000124000000, "end_time": 1700000000125000000,
         "status_code": "OK", "status_message": "", "attributes": {"mlflow.spanType": "\"LLM\""}, "events": []}]}}"#;
    let set = import("x.json", body, Format::Mlflow).unwrap();
    let t = &set.traces[0];
    assert_eq!((t.id.as_str(), t.name.as_deref(), t.session_id.as_deref()), ("abc", Some("run"), Some("s")));
    let root = &t.observations[0];
    assert_eq!((root.id.as_str(), root.kind, root.level), ("00000000000000aa", Kind::Chain, Level::Error));
    assert_eq!(root.status_message.as_deref(), Some("boom"));
    assert_eq!(root.events[0].time_ns, 1_700_000_000_129_000_000);
    assert_eq!(t.observations[1].parent_id.as_deref(), Some("00000000000000aa"));
    assert_eq!(t.tree.roots.len(), 1);
    let attr = |k: &str| t.attributes.iter().find(|a| a.key == k).map(|a| a.value.clone());
    assert_eq!(attr("mlflow.state"), Some(AttrValue::Str("ERROR".into())));
    assert_eq!(attr("mlflow.executionDurationNs"), Some(AttrValue::Str("7000000".into())));
}

#[test]
fn assessments_errors_overrides_and_serialized_expectations() {
    let body = r#"{"traces": [{"trace_id": "tr-1", "request_time": "2026-12-07T04:27:27.591Z",
        "execution_duration": "0.025s", "state": "OK",
        "trace_metadata": [{"key": "mlflow.trace.user", "value": "u"}],
        "request_preview": "{\"question\": \"hi\"}",
        "assessments": [
          {"assessment_id": "a1", "assessment_name": "judge", "source": {"source_type": "LLM_JUDGE"},
           "feedback": {"error": {"error_code": "RATE_LIMIT", "error_message": "429"}}},
          {"assessment_id": "a2", "assessment_name": "old", "feedback": {"value": 1}, "valid": false},
          {"assessment_id": "a3", "assessment_name": "facts", "source": {"source_type": "HUMAN", "source_id": "me"},
           "expectation": {"serialized_value": {"serialization_format": "JSON_FORMAT", "value": "[\"a\", \"b\"]"}}},
          {"assessment_id": "a4", "assessment_name": "score", "span_id": "00000000000000aa",
           "feedback": {"value": {"nested": true}}, "rationale": "why"}]}]}"#;
    let set = import("x.json", body, Format::Mlflow).unwrap();
    assert!(set.warnings.is_empty(), "no next_page_token: the whole result");
    let t = &set.traces[0];
    assert!(t.observations.is_empty());
    // 04:27:27.591 UTC on 2026-12-07
    assert_eq!(t.start_ns, 1_796_617_647_591_000_000);
    assert_eq!(t.user_id.as_deref(), Some("u"));
    assert!(t.input.as_ref().unwrap().raw().contains("question"));
    let names: Vec<&str> = set.scores.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["judge", "facts", "score"], "the overridden one is left out");
    assert_eq!(set.scores[0].value, ScoreValue::Text("error: 429".into()));
    assert_eq!(set.scores[1].value, ScoreValue::Text(r#"["a", "b"]"#.into()));
    assert_eq!(set.scores[1].source.as_deref(), Some("HUMAN expectation"));
    assert_eq!(set.scores[1].comment.as_deref(), Some("me"));
    assert_eq!(set.scores[2].value, ScoreValue::Text(r#"{"nested": true}"#.into()));
    assert_eq!(set.scores[2].observation_id.as_deref(), Some("00000000000000aa"));
    assert_eq!(set.scores[2].comment.as_deref(), Some("why"));
    let duration = t.attributes.iter().find(|a| a.key == "mlflow.executionDurationNs");
    assert_eq!(duration.map(|a| a.value.clone()), Some(AttrValue::Str("25000000".into())));
}

#[test]
fn a_page_with_a_next_page_token_says_it_is_one_page() {
    let body = r#"{"traces": [{"trace_id": "tr-1", "trace_location": {}}], "next_page_token": "eyJvZmZzZXQiOiAxMH0="}"#;
    let set = import("x.json", body, Format::Mlflow).unwrap();
    assert_eq!(set.warnings.len(), 1);
    assert!(set.warnings[0].to_string().contains("one page of a longer MLflow result"), "{}", set.warnings[0]);
}

#[test]
fn rows_without_their_trace_column_and_json_lines_errors() {
    // a `search_traces` row of selected columns: its spans and its info fields
    let row = r#"[{"trace_id": "tr-2", "state": "OK", "request_time": 1796617647591, "spans": [
        {"trace_id": "AAAAAAAAAAAAAAAAAAAAAQ==", "span_id": "AAAAAAAAAAE=", "parent_span_id": null, "name": "a",
         "start_time_unix_nano": 1796617647591000000, "end_time_unix_nano": 1796617647600000000,
         "status": {"code": "STATUS_CODE_OK", "message": ""}, "events": [],
         "attributes": {"mlflow.spanType": "\"AGENT\"", "n": 3, "f": 0.5, "b": true, "nothing": null}}]}]"#;
    let set = import("x.json", row, Format::Mlflow).unwrap();
    let o = &set.traces[0].observations[0];
    assert_eq!((o.id.as_str(), o.kind), ("0000000000000001", Kind::Agent));
    assert_eq!(o.attribute("n"), Some(&AttrValue::Int("3".into())));
    assert_eq!(o.attribute("f"), Some(&AttrValue::Float(0.5)));
    assert_eq!(o.attribute("b"), Some(&AttrValue::Bool(true)));
    assert_eq!(o.attribute("nothing"), None);
    let lines = "{\"trace_id\": \"tr-1\", \"trace\": \"{}\", \"state\": \"OK\"}\n\n{\"trace_id\": 5}\n";
    let e = import("x.jsonl", lines, Format::MlflowJsonLines).unwrap_err();
    assert!(e.to_string().contains("line 3"), "{e}");
}

#[test]
fn objects_kept_as_text_keep_the_separators_of_their_file() {
    let compact =
        r#"{"traces":[{"trace_id":"tr-1","assessments":[{"assessment_name":"x","feedback":{"value":{"a":[1,2]}}}]}]}"#;
    let set = import("x.json", compact, Format::Mlflow).unwrap();
    assert_eq!(set.scores[0].value, ScoreValue::Text(r#"{"a":[1,2]}"#.into()));
    let err = import("x.json", r#"{"info": {"trace_id": 5}}"#, Format::Mlflow).unwrap_err();
    assert!(err.to_string().contains("MLflow") && err.to_string().contains("`trace_id`"), "{err}");
}
