//! MLflow's own files and its OTLP export (tests/fixtures/mlflow/, written by mlflow 3.17.2 and
//! mlflow-skinny 2.21.3, PROVENANCE.md there) read as MLflow's own readers read them: every number
//! expected here comes from `expected-by-mlflow-python.txt`, written by
//! `scripts/realdata/mlflow_expect.py` with `mlflow.entities.Trace.from_json`,
//! `TraceInfo.from_proto` and `opentelemetry-proto`, never by Canopy.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::{load, Format, Stream};
use canopy::model::{Kind, Level, ScoreValue, Trace, TraceSet};
use common::{open, own};
use serde_json::Value;
use std::collections::BTreeMap;

mod common;

fn expected() -> BTreeMap<String, Vec<Value>> {
    let text = std::fs::read_to_string(own("mlflow/expected-by-mlflow-python.txt")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// MLflow's span types as Canopy's kinds (the table in `src/import/semconv/mlflow.rs`'s docs).
fn kind_of(span_type: &str) -> Kind {
    match span_type {
        "LLM" | "CHAT_MODEL" => Kind::Generation,
        "RETRIEVER" => Kind::Retriever,
        "TOOL" => Kind::Tool,
        "AGENT" => Kind::Agent,
        "CHAIN" => Kind::Chain,
        other => panic!("no span type {other} in the fixtures"),
    }
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

/// One trace as Canopy read it against MLflow's reading of it.
fn check_trace(file: &str, set: &TraceSet, t: &Trace, want: &Value) {
    let at = format!("{file} {}", t.id);
    assert_eq!(t.observations.len() as u64, u(&want["spans"]), "{at}: spans");
    if want["spans"] == 0 {
        // a trace info alone: its time is the trace's request time
        assert_eq!(Some(t.start_ns), want["request_time_ms"].as_i64().map(|ms| ms * 1_000_000), "{at}");
    } else {
        assert_eq!(t.tree.roots.len() as u64, u(&want["roots"]), "{at}: roots");
        let errors = t.observations.iter().filter(|o| o.level == Level::Error).count();
        assert_eq!(errors as u64, u(&want["errors"]), "{at}: spans in error");
        let mut kinds: BTreeMap<Kind, u64> = BTreeMap::new();
        for (span_type, n) in want["span_types"].as_object().unwrap() {
            *kinds.entry(kind_of(span_type)).or_default() += u(n);
        }
        let mut got: BTreeMap<Kind, u64> = BTreeMap::new();
        for o in &t.observations {
            *got.entry(o.kind).or_default() += 1;
        }
        assert_eq!(got, kinds, "{at}: kinds");
        // tokens: once, on the LLM spans (mlflow's own per-span usage); never the trace's sum again
        let tokens = &want["tokens"];
        assert_eq!(t.totals.input_tokens, u(&tokens["input_tokens"]), "{at}: input tokens");
        assert_eq!(t.totals.output_tokens, u(&tokens["output_tokens"]), "{at}: output tokens");
        assert_eq!(t.totals.tokens, u(&tokens["total_tokens"]), "{at}: tokens");
        let carriers = t.observations.iter().filter(|o| !o.usage.is_empty()).count();
        assert_eq!(carriers as u64, u(&want["token_carriers"]), "{at}: usage carriers");
        if let Some(sum) = want.get("trace_token_usage").filter(|v| !v.is_null()) {
            assert_eq!(t.totals.tokens, u(&sum["total_tokens"]), "{at}: MLflow's own trace sum");
        }
    }
    if let Some(docs) = want.get("documents") {
        let got: usize = t.observations.iter().filter(|o| o.kind == Kind::Retriever).map(|o| o.documents.len()).sum();
        assert_eq!(got as u64, u(docs), "{at}: retrieved documents");
    }
    if let Some(models) = want.get("models") {
        let mut got: Vec<&str> = t.observations.iter().filter_map(|o| o.model.as_deref()).collect();
        got.sort();
        got.dedup();
        let models: Vec<&str> = models.as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
        assert_eq!(got, models, "{at}: models");
    }
    for (key, got) in [("session", &t.session_id), ("user", &t.user_id), ("name", &t.name)] {
        if let Some(w) = want.get(key) {
            assert_eq!(got.as_deref(), w.as_str(), "{at}: {key}");
        }
    }
    if let Some(cost) = want.get("cost_usd") {
        assert_eq!(t.reported_cost_usd, cost.as_f64(), "{at}: MLflow's trace cost");
        if let (Some(c), true) = (cost.as_f64(), !t.observations.is_empty()) {
            // the spans' own `mlflow.llm.cost` add up to MLflow's trace cost
            assert!((t.totals.cost_usd - c).abs() < 1e-12, "{at}: span costs {} vs {c}", t.totals.cost_usd);
        }
    }
    let Some(assessments) = want.get("assessments").and_then(Value::as_array) else { return };
    let scores: Vec<_> = set.scores.iter().filter(|s| s.trace_id.as_deref() == Some(t.id.as_str())).collect();
    assert_eq!(scores.len(), assessments.len(), "{at}: assessments");
    for (s, a) in scores.iter().zip(assessments) {
        assert_eq!(s.name, a["name"].as_str().unwrap(), "{at}");
        let value = match &s.value {
            ScoreValue::Boolean(b) => Value::from(*b),
            ScoreValue::Numeric(n) => Value::from(*n),
            ScoreValue::Categorical(c) | ScoreValue::Text(c) => Value::from(c.as_str()),
        };
        assert_eq!(value, a["value"], "{at}: {}", s.name);
        let expectation = a["kind"] == "expectation";
        assert_eq!(matches!(s.value, ScoreValue::Text(_)), expectation && a["value"].is_string(), "{at}: {}", s.name);
        let source = a["source_type"].as_str().unwrap();
        let want_source = if expectation { format!("{source} expectation") } else { source.to_string() };
        assert_eq!(s.source.as_deref(), Some(want_source.as_str()), "{at}: {}", s.name);
        assert_eq!(s.observation_id.as_deref(), a["span_id"].as_str(), "{at}: {}", s.name);
        if let Some(span) = a["span_id"].as_str() {
            assert!(t.observations.is_empty() || t.observations.iter().any(|o| o.id == span), "{at}: span {span}");
        }
        if let Some(r) = a["rationale"].as_str() {
            assert!(s.comment.as_deref().is_some_and(|c| c.starts_with(r)), "{at}: {:?}", s.comment);
        }
    }
}

#[test]
fn every_mlflow_file_reads_as_mlflow_reads_it() {
    let all = expected();
    assert_eq!(all.len(), 11, "every fixture but the protobuf body has its expectations");
    for (file, traces) in &all {
        let (format, set) = open(own(&format!("mlflow/{file}")));
        let want_format = match file.as_str() {
            // one request on its one line: OTLP JSON
            f if f.ends_with("otlp.jsonl") => Format::Otlp,
            f if f.ends_with(".jsonl") => Format::MlflowJsonLines,
            _ => Format::Mlflow,
        };
        assert_eq!(format, want_format, "{file}");
        assert_eq!(set.traces.len(), traces.len(), "{file}: traces");
        for want in traces {
            let id = want["trace_id"].as_str().unwrap();
            let t = set.traces.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("{file}: no trace {id}"));
            check_trace(file, &set, t, want);
        }
        let scores: usize =
            traces.iter().map(|t| t.get("assessments").and_then(Value::as_array).map_or(0, Vec::len)).sum();
        assert_eq!(set.scores.len(), scores, "{file}: no other scores");
    }
}

/// The OTLP export: MLflow's per-span `mlflow.chat.tokenUsage` was not read (0 tokens), and its
/// JSON-encoded strings showed their quotes.
#[test]
fn otlp_export_counts_tokens_and_reads_mlflow_span_types() {
    let (_, set) = open(own("mlflow/mlflow-3.17.2-otlp.jsonl"));
    let agent = set.traces.iter().find(|t| t.id == "2ffe643718841de45e204f25d5fc0886").unwrap();
    // (mlflow_expect.py: the two CHAT_MODEL spans' mlflow.chat.tokenUsage, 75 + 103)
    assert_eq!(agent.totals.tokens, 178);
    let llm: Vec<_> = agent.observations.iter().filter(|o| o.kind == Kind::Generation).collect();
    assert_eq!(llm.len(), 2);
    assert!(llm.iter().all(|o| o.model.as_deref() == Some("gpt-4o-mini")));
    let retrieve = agent.observations.iter().find(|o| o.name == "retrieve").unwrap();
    assert_eq!(retrieve.documents.len(), 2);
    assert_eq!(retrieve.documents[0].content.as_deref(), Some("Paris is the capital of France."));
    let tool = agent.observations.iter().find(|o| o.kind == Kind::Tool).unwrap();
    assert_eq!(tool.tool_name.as_deref(), Some("get_weather"));
    let request_id = agent.observations[0].attribute("mlflow.traceRequestId").map(|v| v.display());
    assert_eq!(request_id.as_deref(), Some("tr-2ffe643718841de45e204f25d5fc0886"), "without its JSON quotes");
    // the failing call: its exception event is the status of the span MLflow left without a message
    let failed = set.traces.iter().find(|t| t.id == "b71be76c6fe5745d582a20e899b27004").unwrap();
    let chat = failed.observations.iter().find(|o| o.kind == Kind::Generation).unwrap();
    assert_eq!(chat.level, Level::Error);
    assert_eq!(chat.status_message.as_deref(), Some("InternalServerError: Error code: 500 - the model is overloaded"));
}

/// The OTLP body as MLflow's exporter sent it (protobuf), whole and in pieces: what MLflow's
/// reading of that body found (its expectations are the `.jsonl` rendering's, which
/// mlflow_expect.py checks is that body), and the very observations of the JSON rendering.
#[test]
fn the_otlp_body_as_sent_reads_as_its_json_rendering() {
    let name = "mlflow-3.17.2-otlp.bin";
    let bytes = std::fs::read(own(&format!("mlflow/{name}"))).unwrap();
    let all = expected();
    let want = &all["mlflow-3.17.2-otlp.jsonl"];
    let (_, json) = open(own("mlflow/mlflow-3.17.2-otlp.jsonl"));
    let by_id = |set: &TraceSet| {
        let mut v: Vec<_> = set.traces.iter().map(|t| (t.id.clone(), t.observations.clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let mut readings = vec![("whole".to_string(), load(name, &bytes).unwrap_or_else(|e| panic!("{e}")))];
    for piece in [1, 7, 4096] {
        let mut s = Stream::new(name);
        for p in bytes.chunks(piece) {
            s.push(p).unwrap_or_else(|e| panic!("{e}"));
        }
        readings.push((format!("in pieces of {piece}"), s.finish().unwrap_or_else(|e| panic!("{e}"))));
    }
    for (what, l) in readings {
        let at = format!("{name} {what}");
        assert_eq!(l.format, Format::OtlpProtobuf, "{at}");
        assert_eq!(l.set.traces.len(), want.len(), "{at}: traces");
        for w in want {
            let id = w["trace_id"].as_str().unwrap();
            let t = l.set.traces.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("{at}: no trace {id}"));
            check_trace(&at, &l.set, t, w);
        }
        assert_eq!(by_id(&l.set), by_id(&json), "{at}: the JSON rendering's observations");
    }
}

/// The same trace as a `to_json()` file, a list, `search_traces` rows and the REST `get` answer
/// (attributes as OTLP values there, not JSON-encoded): one id, the same spans, kinds, usage,
/// session and scores; and each file opens under any name.
#[test]
fn every_shape_gives_the_same_trace_and_opens_by_content() {
    let id = "tr-2ffe643718841de45e204f25d5fc0886";
    let files = [
        "mlflow-3.17.2-trace-v3.json",
        "mlflow-3.17.2-traces-list.json",
        "mlflow-3.17.2-search-traces.json",
        "mlflow-3.17.2-search-traces.jsonl",
        "mlflow-3.17.2-search-traces-columns.json",
        "mlflow-3.17.2-rest-get-v3.json",
    ];
    let mut shapes = Vec::new();
    for f in files {
        let bytes = std::fs::read(own(&format!("mlflow/{f}"))).unwrap();
        let set = load("renamed.txt", &bytes).unwrap_or_else(|e| panic!("{f}: {e}")).set;
        let t = set.traces.iter().find(|t| t.id == id).unwrap();
        let obs: Vec<_> =
            t.observations.iter().map(|o| (o.id.clone(), o.parent_id.clone(), o.kind, o.usage.clone())).collect();
        shapes.push((
            obs,
            t.session_id.clone(),
            set.scores.iter().filter(|s| s.trace_id.as_deref() == Some(id)).count(),
        ));
        assert_eq!(t.session_id.as_deref(), Some("session-paris"), "{f}");
        assert!(set.sessions.iter().any(|s| s.id == "session-paris" && s.user_id.as_deref() == Some("user-7")), "{f}");
    }
    assert!(shapes.windows(2).all(|w| w[0] == w[1]), "{shapes:?}");
    // the v2 file: `0x`-less hex ids, `parent_id`, and MLflow 2's chat messages kept as an attribute
    let (_, v2) = open(own("mlflow/mlflow-skinny-2.21.3-trace-v2.json"));
    let chat = v2.traces[0].observations.iter().find(|o| o.kind == Kind::Generation).unwrap();
    assert_eq!(chat.parent_id.as_deref(), Some("3492bc06f857a030"));
    assert!(chat.attribute("mlflow.chat.messages").is_some());
}

#[test]
fn near_misses_are_not_mlflow() {
    // an `info` without a trace id, and a `traces` list of something else
    for body in [r#"{"info": {"name": "x"}, "data": {"spans": []}}"#, r#"{"traces": [{"id": "x"}]}"#] {
        let e = load("x.json", body.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("match no supported format"), "{e}");
    }
    // a trace whose spans are not a list is named as an MLflow file
    let e = load("x.json", br#"{"info": {"trace_id": "tr-1"}, "data": {"spans": 3}}"#).unwrap_err();
    assert!(e.to_string().contains("MLflow traces file"), "{e}");
}
