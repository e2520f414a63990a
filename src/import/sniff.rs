//! Content sniffing: which format a file is, from its first bytes, whatever its name.

use super::{Format, ImportError};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// Sniffing reads at most this much: enough for the first keys of any format, cheap on 100 MB files.
pub(super) const SNIFF_BYTES: usize = 256 * 1024;

/// Which UTF-16 a file is written in, from its byte-order mark or, without one, from the zero
/// bytes ASCII characters leave (Windows tools such as PowerShell's `Out-File` write UTF-16).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Utf16 {
    Le,
    Be,
}

pub fn utf16_of(bytes: &[u8]) -> Option<Utf16> {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Some(Utf16::Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(Utf16::Be);
    }
    if bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0 && bytes[0] != 0 {
        return Some(Utf16::Le);
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[2] == 0 && bytes[1] != 0 {
        return Some(Utf16::Be);
    }
    None
}

/// The UTF-8 text of a UTF-16 file (its byte-order mark dropped); `None` if it is not valid UTF-16
/// (an odd length or an unpaired surrogate).
pub fn utf16_to_utf8(bytes: &[u8], order: Utf16) -> Option<Vec<u8>> {
    let body = match order {
        Utf16::Le => bytes.strip_prefix(&[0xFF, 0xFE]).unwrap_or(bytes),
        Utf16::Be => bytes.strip_prefix(&[0xFE, 0xFF]).unwrap_or(bytes),
    };
    if body.len() % 2 != 0 {
        return None;
    }
    let units = body.chunks_exact(2).map(|p| match order {
        Utf16::Le => u16::from_le_bytes([p[0], p[1]]),
        Utf16::Be => u16::from_be_bytes([p[0], p[1]]),
    });
    let mut out = Vec::with_capacity(body.len() / 2 + body.len() / 8);
    let mut buf = [0u8; 4];
    for c in char::decode_utf16(units) {
        out.extend_from_slice(c.ok()?.encode_utf8(&mut buf).as_bytes());
    }
    Some(out)
}

/// Removes a UTF-8 byte-order mark; refuses encodings and binaries we cannot read, with the reason.
pub fn strip_bom(bytes: &[u8]) -> Result<&[u8], ImportError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    if utf16_of(bytes).is_some() {
        return Err(ImportError::Utf16);
    }
    let magic: [(&[u8], &str); 4] = [
        (b"PK\x03\x04", "a zip archive"),
        (&[0x1F, 0x8B], "a gzip archive"),
        (b"\x0A\x0D\x0D\x0A", "a pcap capture"),
        (b"%PDF", "a PDF document"),
    ];
    for (m, what) in magic {
        if bytes.starts_with(m) {
            return Err(ImportError::Binary(what));
        }
    }
    Ok(bytes)
}

/// What the first value of a document looks like: its keys, and the keys one level down.
#[derive(Debug, Default)]
pub struct Shape {
    pub top_array: bool,
    /// Keys of the top object, or of the first element when the top is an array.
    pub keys: Vec<String>,
    /// For each key above: the keys of its value (or of its first element if it is an array).
    pub sub: Vec<(String, Vec<String>)>,
    /// The first value was complete and more JSON values follow (JSON Lines).
    pub more_values: bool,
    /// A syntax error inside the sniffed bytes (not merely the end of the sniff window).
    pub syntax_error: Option<ImportError>,
}

impl Shape {
    pub fn has(&self, k: &str) -> bool {
        self.keys.iter().any(|x| x == k)
    }

    pub fn sub_has(&self, key: &str, k: &str) -> bool {
        self.sub.iter().any(|(name, keys)| name == key && keys.iter().any(|x| x == k))
    }
}

pub fn shape(body: &[u8]) -> Shape {
    let window = &body[..body.len().min(SNIFF_BYTES)];
    // read as text, as the readers read (a character cut at the window's end reads as U+FFFD,
    // at the end, where the window's end is met anyway)
    let prefix = String::from_utf8_lossy(window);
    let cell = RefCell::new(Shape::default());
    let mut de = serde_json::Deserializer::from_str(&prefix);
    let result = Top { cell: &cell }.deserialize(&mut de);
    let complete = result.is_ok();
    let mut s = cell.into_inner();
    if let Err(e) = result {
        if !(e.is_eof() && window.len() < body.len()) {
            s.syntax_error =
                Some(ImportError::Syntax { line: e.line(), column: e.column(), reason: super::wire::reason(&e) });
        }
    }
    // Something after a complete first value: JSON Lines (or junk, which the line parser reports).
    s.more_values = complete && de.end().is_err();
    s
}

/// Decides the format, or says clearly why the file is not one Canopy reads.
pub fn detect(body: &[u8]) -> Result<Format, ImportError> {
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    if langsmith_multipart(body) {
        return Ok(Format::LangSmith);
    }
    if !matches!(first, Some(b'{') | Some(b'[')) {
        // Let serde word the complaint with a position.
        return Err(match serde_json::from_str::<IgnoredAny>(&String::from_utf8_lossy(body)) {
            Err(e) => ImportError::Syntax { line: e.line(), column: e.column(), reason: super::wire::reason(&e) },
            Ok(_) => ImportError::Unrecognized("the file holds a single JSON value, not traces".into()),
        });
    }
    let s = shape(body);
    match recognise(&s) {
        Some(Ok(format)) => return Ok(format),
        Some(Err(e)) => return Err(e),
        None => {}
    }
    if let Some(e) = unsupported(&s).or(s.syntax_error) {
        return Err(e);
    }
    Err({
        if s.keys.is_empty() {
            ImportError::Unrecognized("the JSON is empty or holds no objects".into())
        } else {
            let mut keys = s.keys.clone();
            keys.truncate(6);
            ImportError::Unrecognized(format!("the file's keys ({}) match no supported format", keys.join(", ")))
        }
    })
}

/// A multipart body of LangSmith run operations (`POST /runs/multipart`, saved from a proxy or a
/// stand-in): a boundary line, then a form-data part named `post.<id>`, `patch.<id>` or `feedback.<id>`.
fn langsmith_multipart(body: &[u8]) -> bool {
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 1024)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    head.starts_with(b"--") && (has(b"name=\"post.") || has(b"name=\"patch.") || has(b"name=\"feedback."))
}

/// The format a shape belongs to, if any. Order matters: the most specific shapes come first.
#[rustfmt::skip]
fn recognise(s: &Shape) -> Option<Result<Format, ImportError>> {
    let data = |k: &str| s.sub_has("data", k);
    let lines = |single, jsonl| Some(Ok(if s.more_values { jsonl } else { single }));
    let tempo = s.has("batches") && s.sub_has("batches", "scopeSpans")
        || s.sub_has("batches", "instrumentationLibrarySpans")
        || s.sub_has("trace", "resourceSpans");
    let logs = s.has("resourceLogs") || s.has("resource_logs");
    if s.has("resourceSpans") || s.has("resource_spans") || tempo || logs {
        return lines(Format::Otlp, Format::OtlpJsonLines);
    }
    if s.has("canopy") && s.has("traces") {
        return Some(Ok(Format::Canopy));
    }
    // ClickHouse `otel_traces` rows: JSONEachRow objects, `FORMAT JSON`'s `{meta, data}`, or
    // `JSONCompact` (rows as lists, named by `meta`); camelCase column names (`spanName`) too
    let columns = |has: &dyn Fn(&str) -> bool| {
        has("TraceId") && (has("SpanId") || has("SpanName"))
            || has("spanName") && ["scopeName", "traceId", "spanId", "spanAttributes", "attributes"].iter().any(|k| has(k))
    };
    let result = s.has("meta") && s.has("data") && s.sub_has("meta", "name") && s.sub_has("meta", "type");
    if columns(&|k| s.has(k)) || columns(&|k| s.sub_has("data", k)) || result {
        return Some(Ok(Format::ClickHouse));
    }
    // AgentOps' API answers: a trace `{trace_id, spans: [{span_id, span_name, span_kind…}]}`, or one
    // span (`span_name` is its own: Phoenix and MLflow write `name`)
    let agentops_span = |has: &dyn Fn(&str) -> bool| has("span_id") && has("span_name") && (has("span_kind") || has("status_code"));
    if s.has("trace_id") && agentops_span(&|k| s.sub_has("spans", k)) || agentops_span(&|k| s.has(k)) {
        return Some(Ok(Format::AgentOps));
    }
    if s.has("trace") && (s.has("observations") || ["id", "timestamp", "projectId"].iter().any(|k| s.sub_has("trace", k))) {
        return Some(Ok(Format::LangfuseExport));
    }
    if s.has("id") && s.has("observations") && (s.has("timestamp") || s.has("projectId") || s.has("scores")) {
        return Some(Ok(Format::LangfuseApiTrace));
    }
    if s.has("id") && s.has("traces") && (s.has("createdAt") || s.has("projectId")) {
        return Some(Ok(Format::LangfuseSession));
    }
    // MLflow: `{info, data}` traces (or a list), `search_traces()` rows, REST pages of trace infos
    let info = |k: &str| s.sub_has("info", k);
    let traces = |k: &str| s.sub_has("traces", k);
    if s.has("info") && s.has("data") && (info("trace_id") || info("request_id")) {
        return lines(Format::Mlflow, Format::MlflowJsonLines);
    }
    if s.has("trace_id") && (s.has("trace") || s.has("spans")) && ["state", "request_time", "trace_metadata", "assessments"].iter().any(|k| s.has(k)) {
        return lines(Format::Mlflow, Format::MlflowJsonLines);
    }
    let rest = traces("trace_location") || traces("trace_info") || (traces("request_id") && traces("timestamp_ms"));
    if !s.top_array && ((s.has("traces") && rest) || s.sub_has("trace", "trace_info")) {
        return Some(Ok(Format::Mlflow));
    }
    if (s.has("traceID") && s.has("spans")) || (s.has("data") && (data("traceID") || (data("spans") && data("processes")))) {
        return lines(Format::Jaeger, Format::JaegerJsonLines);
    }
    // Phoenix spans saved bare: one, a list, JSON Lines, or dataframe rows (`context.span_id`)
    if (s.has("context") && s.has("span_kind")) || s.has("context.span_id") {
        return Some(Ok(Format::PhoenixSpans));
    }
    // Phoenix annotation dataframe rows (`get_span_annotations_dataframe`, its index reset)
    if s.has("annotation_name") && (s.has("span_id") || s.has("trace_id") || s.has("session_id")) {
        return Some(Ok(Format::PhoenixAnnotations));
    }
    // what the Langfuse SDKs send beside their spans: an ingestion batch, or score bodies
    // (before Zipkin: a score body has its `traceId`, `id` and `timestamp`, and a `value`)
    let score_body = s.has("name") && s.has("value") && (s.has("traceId") || s.has("observationId") || s.has("sessionId"));
    if (s.sub_has("batch", "type") && s.sub_has("batch", "body")) || score_body {
        return Some(Ok(Format::LangfuseScores));
    }
    // Jaeger's domain model (protobuf JSON): camel-case `spanId`, where the UI's JSON has `spanID`
    let model_span = |has: &dyn Fn(&str) -> bool| has("spanId") && (has("operationName") || has("startTime") && has("duration"));
    if model_span(&|k| s.sub_has("spans", k)) || model_span(&|k| s.has(k)) {
        return Some(Ok(Format::JaegerModel));
    }
    // OpenTelemetry JS: a stringified ReadableSpan, or the console exporter's object (which has
    // Zipkin's `traceId`, `id`, `timestamp` and `duration` too, so it is told apart first)
    let js_scope = s.has("instrumentationScope") || s.has("instrumentationLibrary");
    let js_console = s.has("traceId") && s.has("id") && (js_scope || s.has("parentSpanContext") || s.has("traceState"));
    let js_span = (s.has("_spanContext") || s.has("spanContext")) && (s.has("startTime") || s.has("endTime") || js_scope);
    if js_span || js_console {
        return Some(Ok(Format::JsSpans));
    }
    // Zipkin v2: `traceId` + `id` (+ microsecond `timestamp`, endpoints, …); a list, or a list of lists
    let zipkin_keys = ["timestamp", "duration", "localEndpoint", "remoteEndpoint", "annotations", "shared", "parentId"];
    let langfuse_keys = ["spanId", "projectId", "observationId", "dataType", "startTime"];
    let zipkin_v1 = s.has("binaryAnnotations") || s.sub_has("annotations", "endpoint");
    if s.has("traceId") && s.has("id") && zipkin_keys.iter().any(|k| s.has(k)) && !langfuse_keys.iter().any(|k| s.has(k)) && !zipkin_v1 {
        return Some(Ok(Format::Zipkin));
    }
    // TruLens / Snowflake AI Observability event records
    if s.has("record_attributes") || (s.has("record") && s.has("trace") && s.sub_has("trace", "span_id")) {
        return Some(Ok(Format::TruLens));
    }
    // OpenTelemetry Python's `to_json()` (`kind` where Phoenix writes `span_kind`), alone or in
    // any-agent's `{spans, final_output}`
    let python_span = |has: &dyn Fn(&str) -> bool, ctx: &dyn Fn(&str) -> bool| {
        ctx("span_id") && has("start_time") && (has("kind") || has("parent_id") || has("parent")) && !has("span_kind")
    };
    if python_span(&|k| s.has(k), &|k| s.sub_has("context", k)) {
        return Some(Ok(Format::PythonSpans));
    }
    if s.has("spans") && s.sub_has("spans", "context") && s.sub_has("spans", "start_time") {
        return Some(Ok(Format::AnyAgent));
    }
    if s.has("data") {
        if data("context") && data("span_kind") {
            return Some(Ok(Format::PhoenixSpans));
        }
        if data("annotator_kind") || (data("result") && (data("span_id") || data("trace_id") || data("session_id"))) {
            return Some(Ok(Format::PhoenixAnnotations));
        }
        if (data("span_id") || data("spanId")) && (data("start_time_unix_nano") || data("startTimeUnixNano")) {
            return Some(Ok(Format::OtlpSpans));
        }
        if data("object") && (data("span_data") || data("workflow_name")) {
            return Some(Ok(Format::OpenAiAgents));
        }
        if data("traceId") && data("startTime") && (data("type") || data("parentObservationId")) {
            return Some(Ok(Format::LangfuseObservations));
        }
        if data("name") && (data("dataType") || data("value")) && (data("traceId") || data("observationId") || data("sessionId") || data("source")) {
            return Some(Ok(Format::LangfuseScores));
        }
        if data("timestamp") && (data("observations") || data("projectId") || data("sessionId") || data("name")) {
            return Some(Ok(Format::LangfuseTraces));
        }
    }
    let runs = |k: &str| s.sub_has("runs", k);
    // a run update on its own (the Python SDK's `PATCH /runs/{id}` body): an id, its end, what it gave
    let run_update = s.has("id") && (s.has("parent_run_id") || s.has("dotted_order") || (s.has("end_time") && (s.has("outputs") || s.has("error"))));
    if s.has("post") || s.has("patch") || (s.has("run_type") && (s.has("id") || s.has("dotted_order"))) || (s.has("runs") && runs("run_type")) || run_update {
        return Some(Ok(Format::LangSmith));
    }
    if s.top_array && s.has("key") && s.has("run_id") {
        return Some(Ok(Format::LangSmith)); // a feedback list
    }
    let convention = |k: &String| ["openinference.", "gen_ai.", "llm.", "langfuse.observation."].iter().any(|p| k.starts_with(p));
    if !s.top_array && s.keys.iter().any(convention) {
        return Some(Ok(Format::AttributeMap));
    }
    None
}

/// Recognises formats we know of but do not open yet, so the message can name them.
fn unsupported(s: &Shape) -> Option<ImportError> {
    if s.has("traceEvents") || (s.top_array && s.has("ph") && s.has("ts")) {
        return Some(ImportError::Unsupported("a Chrome/Perfetto trace-event file"));
    }
    // v1 puts endpoints on each annotation and tags in `binaryAnnotations`
    if s.has("traceId") && s.has("id") && (s.has("binaryAnnotations") || s.sub_has("annotations", "endpoint")) {
        return Some(ImportError::Unsupported("a Zipkin v1 JSON file (Zipkin v2 JSON opens)"));
    }
    None
}

/// Scalars carry no keys: both visitors accept and skip them.
macro_rules! ignore_scalars {
    () => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }
    };
}

struct Top<'a> {
    cell: &'a RefCell<Shape>,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let idx = {
                let mut shape = self.cell.borrow_mut();
                shape.keys.push(key.clone());
                shape.sub.push((key, Vec::new()));
                shape.sub.len() - 1
            };
            map.next_value_seed(SubKeys { cell: self.cell, idx })?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.cell.borrow_mut().top_array = true;
        if seq.next_element_seed(Top { cell: self.cell })?.is_some() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(())
    }
    ignore_scalars!();
}

/// Records the keys of an object, or of an array's first object, into `sub[idx]` as they are read,
/// so a value cut off by the sniff limit still tells what it started with.
struct SubKeys<'a> {
    cell: &'a RefCell<Shape>,
    idx: usize,
}

impl<'de> DeserializeSeed<'de> for SubKeys<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SubKeys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if let Some(entry) = self.cell.borrow_mut().sub.get_mut(self.idx) {
                entry.1.push(key);
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if seq.next_element_seed(SubKeys { cell: self.cell, idx: self.idx })?.is_some() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(())
    }
    ignore_scalars!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(detect(br#"{"resourceSpans":[]}"#), Ok(Format::Otlp));
        assert_eq!(detect(br#"[{"resourceSpans":[]}]"#), Ok(Format::Otlp));
        assert_eq!(detect(b"{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n"), Ok(Format::OtlpJsonLines));
        assert_eq!(detect(br#"{"resource_spans":null}"#), Ok(Format::Otlp));
        // OTLP logs, alone or with spans, as one request or JSON Lines of both
        assert_eq!(detect(br#"{"resourceLogs":[]}"#), Ok(Format::Otlp));
        assert_eq!(detect(br#"{"resource_logs":[],"resource_spans":[]}"#), Ok(Format::Otlp));
        assert_eq!(detect(b"{\"resourceLogs\":[]}\n{\"resourceSpans\":[]}\n"), Ok(Format::OtlpJsonLines));
        assert_eq!(detect(br#"{"trace":{"id":"x","timestamp":"t"},"observations":[]}"#), Ok(Format::LangfuseExport));
        assert_eq!(
            detect(br#"{"id":"x","timestamp":"t","observations":[],"scores":[]}"#),
            Ok(Format::LangfuseApiTrace)
        );
    }

    #[test]
    fn detects_mlflow_shapes() {
        let mlflow = [
            r#"{"info":{"trace_id":"tr-1","state":"OK"},"data":{"spans":[]}}"#,
            r#"[{"info":{"request_id":"1","status":"OK"},"data":{"spans":[]}}]"#,
            r#"[{"trace_id":"tr-1","trace":"{}","state":"OK"}]"#,
            r#"{"traces":[{"trace_id":"tr-1","trace_location":{}}],"next_page_token":"x"}"#,
            r#"{"traces":[{"request_id":"1","timestamp_ms":1}]}"#,
            r#"{"trace":{"trace_info":{"trace_id":"tr-1"},"spans":[]}}"#,
            r#"{"traces":[{"trace_info":{"trace_id":"tr-1"},"spans":[]}]}"#,
        ];
        for body in mlflow {
            assert_eq!(detect(body.as_bytes()), Ok(Format::Mlflow), "{body}");
        }
        let lines = "{\"trace_id\":\"a\",\"trace\":\"{}\",\"state\":\"OK\"}\n{\"trace_id\":\"b\",\"trace\":\"{}\",\"state\":\"OK\"}\n";
        assert_eq!(detect(lines.as_bytes()), Ok(Format::MlflowJsonLines));
        // Langfuse's `trace` and `traces` stay Langfuse's
        assert_eq!(detect(br#"{"trace":{"id":"x","timestamp":"t"},"observations":[]}"#), Ok(Format::LangfuseExport));
        assert_eq!(detect(br#"{"id":"s","traces":[],"createdAt":"t"}"#), Ok(Format::LangfuseSession));
    }

    /// ClickHouse `otel_traces` rows in each JSON format ClickHouse exports, and camelCase columns.
    #[test]
    fn detects_clickhouse_rows() {
        let rows = [
            r#"{"Timestamp":"2026-12-07 04:49:58.879760825","TraceId":"a","SpanId":"b","ParentSpanId":""}"#,
            "{\"TraceId\":\"a\",\"SpanId\":\"b\"}\n{\"TraceId\":\"a\",\"SpanId\":\"c\"}\n",
            r#"[{"TraceId":"a","SpanName":"x"}]"#,
            r#"{"meta":[{"name":"TraceId","type":"String"}],"data":[{"TraceId":"a","SpanId":"b"}],"rows":1}"#,
            r#"{"meta":[{"name":"TraceId","type":"String"}],"data":[["a","b"]],"rows":1}"#,
            r#"{"scopeName":"s","spanName":"x","attributes":{}}"#,
            r#"[{"traceId":"a","spanName":"x","spanAttributes":{}}]"#,
        ];
        for body in rows {
            assert_eq!(detect(body.as_bytes()), Ok(Format::ClickHouse), "{body}");
        }
        // Langfuse's `{data, meta}` page keeps its own reader
        let page = r#"{"data":[{"id":"t","timestamp":"2024","name":"x"}],"meta":{"page":1,"totalItems":1}}"#;
        assert_eq!(detect(page.as_bytes()), Ok(Format::LangfuseTraces));
    }

    #[test]
    fn names_formats_not_supported_yet() {
        assert_eq!(detect(br#"{"data":[{"traceID":"1","spans":[]}]}"#), Ok(Format::Jaeger));
        assert_eq!(detect(br#"{"post":[],"patch":[]}"#), Ok(Format::LangSmith));
    }

    /// Each format of issue 26 by its keys in any order, and from a text cut short (a file longer
    /// than the sniffing window: only the keys before the cut are seen).
    #[test]
    fn other_trace_formats_by_their_keys_in_any_order() {
        let cases: [(&str, Format); 9] = [
            (r#"{"data":{"traceID":"1","spans":[]}}"#, Format::Jaeger),
            (
                r#"{"spans":[{"startTime":"2017-01-26T16:46:31Z","spanId":"AAI=","operationName":"x"#,
                Format::JaegerModel,
            ),
            (r#"{"operationName":"x","traceId":"AQ==","spanId":"AAI=","#, Format::JaegerModel),
            (r#"[{"id":"2","traceId":"1","timestamp":1,"name":"x"#, Format::Zipkin),
            (r#"[[{"localEndpoint":{},"traceId":"1","id":"2"#, Format::Zipkin),
            (
                r#"{"parent_id":null,"start_time":"2026-01-01T00:00:00Z","context":{"span_id":"0x1"},"name":"#,
                Format::PythonSpans,
            ),
            (
                r#"{"final_output":null,"spans":[{"start_time":1,"context":{"span_id":1},"attributes":{"#,
                Format::AnyAgent,
            ),
            (r#"[{"startTime":[1,0],"_spanContext":{"traceId":"a"},"name":"x"#, Format::JsSpans),
            (
                r#"{"resource":{},"instrumentationScope":{},"traceId":"a","id":"b","timestamp":1,"duration":"#,
                Format::JsSpans,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text.as_bytes()), Ok(want), "{text}");
        }
        // AgentOps: a public v1 trace, the dashboard's v4 detail (`metrics` first), one span
        for agentops in [
            r#"{"trace_id":"a","project_id":"p","tags":[],"spans":[{"span_id":"b","parent_span_id":null,"span_name":"x","span_kind":"SPAN_KIND_INTERNAL"#,
            r#"{"project_id":"p","trace_id":"a","tags":[],"metrics":{"span_count":1},"spans":[{"freeplan_truncated":false,"span_id":"b","parent_span_id":null,"span_name":"x","span_kind":"#,
            r#"{"span_id":"b","parent_span_id":"c","span_name":"x","span_kind":"SPAN_KIND_CLIENT","service_name":"s","#,
        ] {
            assert_eq!(detect(agentops.as_bytes()), Ok(Format::AgentOps), "{agentops}");
        }
        let trulens = r#"{"trace":{"span_id":"1","trace_id":"2"},"record":{"name":"x"},"start_timestamp":"#;
        assert_eq!(detect(trulens.as_bytes()), Ok(Format::TruLens));
        let v1 =
            br#"[{"traceId":"1","id":"2","name":"get","annotations":[{"timestamp":1,"value":"sr","endpoint":{}}]}]"#;
        assert_eq!(detect(v1), Err(ImportError::Unsupported("a Zipkin v1 JSON file (Zipkin v2 JSON opens)")));
        // a bare list of Phoenix spans (`span_kind`) is not Python's `to_json()` (`kind`)
        let phoenix =
            br#"[{"name":"x","context":{"span_id":"1"},"span_kind":"LLM","parent_id":null,"start_time":"2024"}]"#;
        assert_ne!(detect(phoenix), Ok(Format::PythonSpans));
        // Langfuse's observations and scores carry `traceId` and `id` too, but are no Zipkin spans
        assert_ne!(detect(br#"[{"id":"a","traceId":"t","startTime":"2024","type":"SPAN"}]"#), Ok(Format::Zipkin));
        assert_ne!(
            detect(br#"[{"id":"a","traceId":"t","timestamp":"2024","dataType":"NUMERIC"}]"#),
            Ok(Format::Zipkin)
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = detect(b"hello").unwrap_err();
        assert!(matches!(e, ImportError::Syntax { line: 1, column: 1, .. }), "{e:?}");
        assert!(e.to_string().starts_with("not valid JSON: line 1, column 1: expected value"), "{e}");
    }

    #[test]
    fn broken_json_of_no_known_shape_reports_the_syntax_error() {
        let e = detect(br#"{"foo": [1, 2,, 3]}"#).unwrap_err();
        assert!(matches!(e, ImportError::Syntax { line: 1, column: 15, .. }), "{e:?}");
    }

    #[test]
    fn refuses_binaries_and_encodings() {
        assert_eq!(strip_bom(b"PK\x03\x04rest"), Err(ImportError::Binary("a zip archive")));
        assert_eq!(strip_bom(b"  \n"), Err(ImportError::Empty));
        assert_eq!(strip_bom(&[0xFF, 0xFE, b'{', 0]), Err(ImportError::Utf16));
        assert_eq!(strip_bom(b"\xEF\xBB\xBF{}"), Ok(&b"{}"[..]));
    }

    #[test]
    fn truncated_sniff_still_sees_early_keys() {
        let s = shape(br#"{"trace":{"id":"a","timestamp":"2024","input":"unterminated"#);
        assert!(s.has("trace"));
        assert!(s.sub_has("trace", "timestamp"));
        assert!(s.sub_has("trace", "input"));
        assert_eq!(
            detect(br#"{"trace":{"id":"a","timestamp":"2024","input":"unterminated"#),
            Ok(Format::LangfuseExport)
        );
    }
}
