//! ClickHouse `otel_traces` rows (tests/fixtures/clickhouse/, PROVENANCE.md there): the
//! OpenTelemetry Collector ClickHouse exporter's table, filled by the real ClickHouse engine
//! (chdb) and exported with real `FORMAT JSONEachRow`, `FORMAT JSON`, `FORMAT JSONCompact` and a
//! camelCase-aliased `SELECT`. Every number expected here is read from `expected.txt`, which
//! `scripts/realdata/clickhouse_otel_traces.py` wrote by asking the database (`count()`,
//! `uniqExact(TraceId)`, `countIf(StatusCode …)`, `sum(length(Events.Name))`, …), never by Canopy.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::{load, Format, Stream};
use canopy::model::{Level, TraceSet, WarningKind};
use common::{open, own};
use std::collections::BTreeMap;

mod common;

/// `expected.txt`: `name=value` lines, and `per_trace <id> <rows>`.
struct Expected {
    facts: BTreeMap<String, String>,
    per_trace: BTreeMap<String, usize>,
}

impl Expected {
    fn read() -> Expected {
        let text = std::fs::read_to_string(own("clickhouse/expected.txt")).unwrap();
        let (mut facts, mut per_trace) = (BTreeMap::new(), BTreeMap::new());
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(rest) = line.strip_prefix("per_trace ") {
                let (id, n) = rest.split_once(' ').unwrap();
                per_trace.insert(id.to_string(), n.parse().unwrap());
            } else if let Some((k, v)) = line.split_once('=') {
                facts.insert(k.to_string(), v.to_string());
            }
        }
        Expected { facts, per_trace }
    }

    fn n(&self, k: &str) -> usize {
        self.facts[k].parse().unwrap()
    }

    fn ns(&self, k: &str) -> i64 {
        self.facts[k].parse().unwrap()
    }
}

/// The set as its traces' observation counts by trace id.
fn per_trace(set: &TraceSet) -> BTreeMap<String, usize> {
    set.traces.iter().map(|t| (t.id.clone(), t.observations.len())).collect()
}

/// What each observation became, in a comparable form (id, parent, name, kind, times, level,
/// model, tokens, events, the length of input and output).
fn digest(set: &TraceSet) -> Vec<String> {
    digest_with(set, true)
}

fn digest_with(set: &TraceSet, events: bool) -> Vec<String> {
    let mut out: Vec<String> = set
        .traces
        .iter()
        .flat_map(|t| t.observations.iter().map(move |o| (t, o)))
        .map(|(t, o)| {
            format!(
                "{} {} {:?} {} {:?} {} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?}",
                t.id,
                o.id,
                o.parent_id,
                o.name,
                o.kind,
                o.start_ns,
                o.end_ns,
                o.level,
                o.model.as_ref().map(|m| m.to_string()),
                o.usage.input,
                o.usage.output,
                if events { o.events.len() } else { 0 },
                o.input.as_ref().map(|p| p.raw().len()),
                o.output.as_ref().map(|p| p.raw().len())
            )
        })
        .collect();
    out.sort();
    out
}

fn check_whole_table(file: &str) {
    let want = Expected::read();
    let (format, set) = open(own(&format!("clickhouse/{file}")));
    assert_eq!(format, Format::ClickHouse, "{file}");
    assert_eq!(set.traces.len(), want.n("traces"), "{file}: uniqExact(TraceId)");
    let obs: Vec<_> = set.traces.iter().flat_map(|t| &t.observations).collect();
    assert_eq!(obs.len(), want.n("rows"), "{file}: count()");
    assert_eq!(per_trace(&set), want.per_trace, "{file}: rows per TraceId");
    let roots: usize = set.traces.iter().map(|t| t.tree.roots.len()).sum();
    assert_eq!(roots, want.n("roots"), "{file}: countIf(ParentSpanId = '')");
    let errors = obs.iter().filter(|o| o.level == Level::Error).count();
    assert_eq!(errors, want.n("error_spans"), "{file}: countIf(StatusCode = STATUS_CODE_ERROR)");
    let events: usize = obs.iter().map(|o| o.events.len()).sum();
    assert_eq!(events, want.n("events"), "{file}: sum(length(Events.Name))");
    // OpenInference through the conventions: LLM spans are generations with their tokens
    let llm: Vec<_> = obs.iter().filter(|o| o.kind == canopy::model::Kind::Generation).collect();
    assert_eq!(llm.len(), want.n("llm_spans"), "{file}: openinference.span.kind = LLM");
    let prompt: u64 = llm.iter().filter_map(|o| o.usage.input).sum();
    let completion: u64 = llm.iter().filter_map(|o| o.usage.output).sum();
    assert_eq!(prompt, want.n("llm_prompt_tokens") as u64, "{file}: llm.token_count.prompt");
    assert_eq!(completion, want.n("llm_completion_tokens") as u64, "{file}: llm.token_count.completion");
    let models: std::collections::BTreeSet<String> =
        llm.iter().filter_map(|o| o.model.as_ref().map(|m| m.to_string())).collect();
    assert_eq!(models.into_iter().collect::<Vec<_>>().join(","), want.facts["models"], "{file}");
    // service.name from the ServiceName column on every span
    let service = &want.facts["services"];
    assert!(obs
        .iter()
        .all(|o| o.attribute("service.name").is_some_and(|a| format!("{a:?}").contains(service.as_str()))));
    // times: DateTime64(9) to the nanosecond, Duration in ns
    let first = obs.iter().map(|o| o.start_ns).min().unwrap();
    let last = obs.iter().filter_map(|o| o.end_ns).max().unwrap();
    assert_eq!(first, want.ns("first_timestamp_ns"), "{file}: min(Timestamp)");
    assert_eq!(last, want.ns("last_end_ns"), "{file}: max(Timestamp + Duration)");
    // ClickHouse writes times without their zone: read as UTC, and said
    let zoneless = set.warnings.iter().find_map(|w| match w.kind {
        WarningKind::NoTimeZone { times } => Some(times),
        _ => None,
    });
    assert_eq!(zoneless, Some(want.n("rows") + want.n("events")), "{file}: every Timestamp and Events.Timestamp");
    // session and user from the OpenInference attributes
    assert!(set.traces.iter().all(|t| t.session_id.is_some()), "{file}");
}

#[test]
fn json_each_row_as_the_database_counts_it() {
    check_whole_table("otel_traces.JSONEachRow.jsonl");
}

#[test]
fn format_json_as_the_database_counts_it() {
    check_whole_table("otel_traces.JSON.json");
}

#[test]
fn every_export_of_the_same_rows_reads_the_same() {
    let (_, rows) = open(own("clickhouse/otel_traces.JSONEachRow.jsonl"));
    let (_, json) = open(own("clickhouse/otel_traces.JSON.json"));
    assert_eq!(digest(&rows), digest(&json));
    // the one trace exported as JSONCompact and with camelCase aliases is that trace of the table
    let want = Expected::read();
    let one = &want.facts["one_trace"];
    let mut only = rows.clone();
    only.traces.retain(|t| &t.id == one);
    for file in ["one-trace.JSONCompact.json", "one-trace.camelCase.jsonl"] {
        let (format, set) = open(own(&format!("clickhouse/{file}")));
        assert_eq!(format, Format::ClickHouse, "{file}");
        assert_eq!(set.traces.len(), 1, "{file}");
        assert_eq!(set.traces[0].observations.len(), want.n("one_trace_rows"), "{file}");
        // the camelCase query selected no Events columns (as the camelCase TypeScript type has none)
        let events = !file.contains("camelCase");
        assert_eq!(digest_with(&set, events), digest_with(&only, events), "{file}");
    }
}

/// The exporter's `json` tables: attributes in `JSON` columns (ClickHouse writes them nested by
/// the dots of their keys), kinds and statuses as pdata names them (`Internal`, `Error`).
#[test]
fn json_typed_table_as_the_database_counts_it() {
    let want = Expected::read();
    let (format, set) = open(own("clickhouse/otel_traces_json.JSONEachRow.jsonl"));
    assert_eq!(format, Format::ClickHouse);
    let obs: Vec<_> = set.traces.iter().flat_map(|t| &t.observations).collect();
    assert_eq!(obs.len(), want.n("json_table_rows"), "count()");
    assert_eq!(
        obs.iter().filter(|o| o.level == Level::Error).count(),
        want.n("json_table_error_spans"),
        "StatusCode = 'Error'"
    );
    let prompt: u64 =
        obs.iter().filter(|o| o.kind == canopy::model::Kind::Generation).filter_map(|o| o.usage.input).sum();
    assert_eq!(prompt, want.n("json_table_llm_prompt_tokens") as u64, "SpanAttributes.llm.token_count.prompt");
    // and every span reads as it does from the Map table
    let (_, rows) = open(own("clickhouse/otel_traces.JSONEachRow.jsonl"));
    assert_eq!(digest(&set), digest(&rows));
}

/// The same spans read from the OTLP export they were converted from (the corpus file) give
/// the same tree, times, levels, models and tokens: nothing is lost in the table.
#[test]
fn rows_match_the_otlp_export_they_came_from() {
    let (_, rows) = open(own("clickhouse/otel_traces.JSONEachRow.jsonl"));
    let (_, otlp) = open(own("realdata/openinference-openai/traces.otlp.jsonl"));
    assert_eq!(digest(&rows), digest(&otlp));
}

#[test]
fn opens_by_content_and_in_pieces() {
    for file in [
        "otel_traces.JSONEachRow.jsonl",
        "otel_traces.JSON.json",
        "one-trace.JSONCompact.json",
        "one-trace.camelCase.jsonl",
    ] {
        let bytes = std::fs::read(own(&format!("clickhouse/{file}"))).unwrap();
        let whole = load("query-result.txt", &bytes).unwrap();
        assert_eq!(whole.format, Format::ClickHouse, "{file} under another name");
        for piece in [7, 4096, 65536] {
            let mut s = Stream::new("query-result.txt");
            for c in bytes.chunks(piece) {
                s.push(c).unwrap();
            }
            let streamed = s.finish().unwrap();
            assert_eq!(digest(&streamed.set), digest(&whole.set), "{file} in pieces of {piece}");
        }
    }
}

/// A single span object in camelCase (the form issue 26 reports; no tool writing it was found),
/// a list of them, and the columns a query may leave out.
#[test]
fn single_camel_case_spans() {
    let one = r#"{"scopeName":"openinference.instrumentation.openai","spanName":"ChatCompletion","traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","parentSpanId":"","timestamp":"2026-12-07T04:49:58.879760825Z","duration":"1500","statusCode":"Error","statusMessage":"boom","spanKind":"Client","attributes":{"openinference.span.kind":"LLM","llm.model_name":"gpt-4o-mini","llm.token_count.prompt":"21","llm.token_count.completion":5}}"#;
    let l = load("span.json", one.as_bytes()).unwrap();
    assert_eq!(l.format, Format::ClickHouse);
    let o = &l.set.traces[0].observations[0];
    assert_eq!(
        (o.name.as_str(), o.start_ns, o.end_ns),
        ("ChatCompletion", 1_796_618_998_879_760_825, Some(1_796_618_998_879_762_325))
    );
    assert_eq!(o.kind, canopy::model::Kind::Generation);
    assert_eq!((o.usage.input, o.usage.output), (Some(21), Some(5)));
    assert_eq!((o.level, o.status_message.as_deref()), (Level::Error, Some("boom")));
    assert!(l.set.warnings.iter().all(|w| !matches!(w.kind, WarningKind::NoTimeZone { .. })), "the time had its zone");
    // no ids, no time: one trace named by the file, a notice that the span has no time
    let bare = r#"[{"scopeName":"s","spanName":"a","attributes":{"gen_ai.request.model":"m"}},{"scopeName":"s","spanName":"b","attributes":{}}]"#;
    let l = load("bare.json", bare.as_bytes()).unwrap();
    assert_eq!(l.set.traces.len(), 1);
    assert_eq!(l.set.traces[0].observations.len(), 2);
    assert!(l.set.warnings.iter().any(|w| matches!(w.kind, WarningKind::Untimed { spans: 2 })), "{:?}", l.set.warnings);
}

#[test]
fn other_clickhouse_results_are_named() {
    let other = r#"{"meta":[{"name":"x","type":"UInt8"}],"data":[{"x":1}],"rows":1}"#;
    let e = load("q.json", other.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("ClickHouse result without the TraceId"), "{e}");
}
