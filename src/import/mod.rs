//! The only entry to importing: sniff a file's format by content, then hand it to that format's importer.

mod agentops;
mod attribute_map;
mod binary;
pub mod canopy;
mod clickhouse;
mod jaeger;
mod jsonv;
mod langfuse;
mod langsmith;
mod mlflow;
mod openai_agents;
mod otlp;
mod phoenix;
mod sdk;
mod semconv;
mod sniff;
mod trulens;
pub mod warmup;
mod wire;
mod zipkin;
pub use wire::json_from_bytes;

use crate::model::{TraceSet, Warning, WarningKind};
use thiserror::Error;

/// Formats Canopy recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    LangfuseExport,
    LangfuseApiTrace,
    /// `GET /api/public/traces`: a page of traces.
    LangfuseTraces,
    /// `GET /api/public/v2/observations` (or v1): a page of observations of any traces.
    LangfuseObservations,
    /// `GET /api/public/sessions/{id}`.
    LangfuseSession,
    /// `GET /api/public/v2/scores` or `/v3/scores`.
    LangfuseScores,
    Otlp,
    OtlpJsonLines,
    /// Binary OTLP: one export request (`ExportTraceServiceRequest`, `ExportLogsServiceRequest`,
    /// `TracesData`, `LogsData`).
    OtlpProtobuf,
    /// The collector file exporter's `format: proto`: length-prefixed export requests.
    OtlpProtobufFile,
    Jaeger,
    JaegerJsonLines,
    /// Jaeger's domain model as protobuf JSON (`model.Trace` / `model.Span`).
    JaegerModel,
    LangSmith,
    /// OTLP spans without their resource envelope, paged: `{data: [span], next_cursor}` (Phoenix otlpv1).
    OtlpSpans,
    PhoenixSpans,
    PhoenixAnnotations,
    /// Zipkin v2 JSON: a list of spans (or of lists of spans).
    Zipkin,
    /// OpenTelemetry Python's `ReadableSpan.to_json()`: `ConsoleSpanExporter` output.
    PythonSpans,
    /// OpenTelemetry JS `ReadableSpan`s as JSON, or what its `ConsoleSpanExporter` prints.
    JsSpans,
    /// any-agent's saved `AgentTrace` (`{spans, final_output}`).
    AnyAgent,
    /// TruLens / Snowflake AI Observability event records (`record`, `record_attributes`, `trace`).
    TruLens,
    /// Canopy's own document (docs/format.md).
    Canopy,
    /// One span's attributes as a flat object.
    AttributeMap,
    /// The OpenAI Agents SDK's own export (`/v1/traces/ingest` bodies).
    OpenAiAgents,
    /// MLflow's `Trace.to_json()` (v2 or v3), a list of them, `search_traces()` rows, or a REST
    /// answer of trace infos.
    Mlflow,
    /// MLflow traces or `search_traces()` rows, one a line.
    MlflowJsonLines,
    /// Rows of the OpenTelemetry Collector ClickHouse exporter's `otel_traces` table as ClickHouse
    /// exports them (`FORMAT JSONEachRow`, `JSON`, `JSONCompact`), or the same columns in camelCase.
    ClickHouse,
    /// AgentOps' API answers: a trace (`{trace_id, spans}`, public v1 or the dashboard's v4) or a span.
    AgentOps,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::LangfuseExport => "Langfuse trace export",
            Format::LangfuseApiTrace => "Langfuse API trace",
            Format::LangfuseTraces => "Langfuse trace list",
            Format::LangfuseObservations => "Langfuse observations page",
            Format::LangfuseSession => "Langfuse session",
            Format::LangfuseScores => "Langfuse scores",
            Format::Otlp => "OTLP JSON",
            Format::OtlpJsonLines => "OTLP JSON Lines",
            Format::OtlpProtobuf => "OTLP protobuf",
            Format::OtlpProtobufFile => "OTLP protobuf (collector file)",
            Format::Jaeger => "Jaeger JSON",
            Format::JaegerJsonLines => "Jaeger JSON Lines",
            Format::JaegerModel => "Jaeger domain-model JSON",
            Format::LangSmith => "LangSmith runs",
            Format::OtlpSpans => "OTLP span list",
            Format::PhoenixSpans => "Phoenix spans",
            Format::PhoenixAnnotations => "Phoenix annotations",
            Format::Zipkin => "Zipkin v2 JSON",
            Format::PythonSpans => "OpenTelemetry Python span dump",
            Format::JsSpans => "OpenTelemetry JS spans",
            Format::AnyAgent => "any-agent trace",
            Format::TruLens => "TruLens event records",
            Format::Canopy => "Canopy file",
            Format::AttributeMap => "span attribute map",
            Format::OpenAiAgents => "OpenAI Agents SDK traces",
            Format::Mlflow => "MLflow traces",
            Format::MlflowJsonLines => "MLflow traces (JSON Lines)",
            Format::ClickHouse => "ClickHouse otel_traces rows",
            Format::AgentOps => "AgentOps API answer",
        }
    }
}

/// Why a file could not be opened. Shown to the user after the file name.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("this is not a text file (it looks like {0}); Canopy opens JSON and OTLP protobuf trace files")]
    Binary(&'static str),
    /// What compressed the file, and how to undo it.
    #[error("the file is {0}-compressed; decompress it ({1}) and open the result")]
    Compressed(&'static str, &'static str),
    /// A binary file broken at a byte offset.
    #[error("{format} file, but at byte {offset}: {reason}")]
    Corrupt { format: &'static str, offset: u64, reason: String },
    #[error("the file looks UTF-16 encoded but is not valid UTF-16 (an odd length or an unpaired surrogate); save it as UTF-8 and open it again")]
    Utf16,
    #[error("not valid JSON: line {line}, column {column}: {reason}")]
    Syntax { line: usize, column: usize, reason: String },
    #[error("no traces found: this looks like {0}, which is not supported yet")]
    Unsupported(&'static str),
    #[error("no traces found: {0}")]
    Unrecognized(String),
    #[error("{format} file, but line {line}, column {column}: {reason}")]
    Shape { format: &'static str, line: usize, column: usize, reason: String },
    #[error("{0} file without any spans or observations")]
    NoTraces(&'static str),
}

/// An import failure with the name of the file it concerns.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{file}: {error}")]
pub struct LoadError {
    pub file: String,
    pub error: ImportError,
}

/// A successfully imported file.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub format: Format,
    pub set: TraceSet,
}

impl Format {
    /// Every format, for tools that force one (fuzzing, "open as…").
    pub const ALL: [Format; 29] = [
        Format::LangfuseExport,
        Format::LangfuseApiTrace,
        Format::LangfuseTraces,
        Format::LangfuseObservations,
        Format::LangfuseSession,
        Format::LangfuseScores,
        Format::Otlp,
        Format::OtlpJsonLines,
        Format::OtlpSpans,
        Format::OtlpProtobuf,
        Format::OtlpProtobufFile,
        Format::Jaeger,
        Format::JaegerJsonLines,
        Format::JaegerModel,
        Format::LangSmith,
        Format::PhoenixSpans,
        Format::PhoenixAnnotations,
        Format::Zipkin,
        Format::PythonSpans,
        Format::JsSpans,
        Format::AnyAgent,
        Format::TruLens,
        Format::Canopy,
        Format::AttributeMap,
        Format::OpenAiAgents,
        Format::Mlflow,
        Format::MlflowJsonLines,
        Format::ClickHouse,
        Format::AgentOps,
    ];
}

/// Opens `bytes` (named `file` for messages and provenance) in whatever supported format they are.
/// UTF-16 files are read as their text; bytes that are not UTF-8 are replaced (with a warning)
/// rather than refusing the whole file.
pub fn load(file: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    decoded(file, bytes, None)
}

/// Opens `bytes` as `format`, without sniffing.
pub fn load_as(file: &str, bytes: &[u8], format: Format) -> Result<Loaded, LoadError> {
    decoded(file, bytes, Some(format))
}

/// Turns other encodings into UTF-8 before opening, and says so in a warning.
fn decoded(file: &str, bytes: &[u8], format: Option<Format>) -> Result<Loaded, LoadError> {
    let err = |error| LoadError { file: file.to_string(), error };
    // binaries first: read as text, their bytes would be replaced before anything could tell
    let binary = match format {
        Some(Format::OtlpProtobuf) => Some(Ok((otlp::Wire::Request, None))),
        Some(Format::OtlpProtobufFile) => Some(Ok((otlp::Wire::Framed, None))),
        Some(_) => None,
        None => binary::recognise(bytes).map(|r| r.map(|(wire, signal)| (wire, Some(signal)))),
    };
    if let Some(found) = binary {
        let (wire, signal) = found.map_err(err)?;
        let mut r = otlp::ProtoReader::new(wire, signal);
        r.push(bytes).map_err(err)?;
        return loaded(file, proto_format(wire), otlp::finish(file, r.finish().map_err(err)?));
    }
    if let Some(order) = sniff::utf16_of(bytes) {
        let text = sniff::utf16_to_utf8(bytes, order).ok_or(err(ImportError::Utf16))?;
        let mut l = open(file, &String::from_utf8_lossy(&text), format)?;
        warn(&mut l, file, WarningKind::Utf16);
        return Ok(l);
    }
    // checked as UTF-8 once here; the readers then read text (bytes that are not UTF-8 are
    // replaced, as the OTLP reader also does when the file arrives in pieces)
    let text = String::from_utf8_lossy(bytes);
    let mut l = open(file, &text, format)?;
    if let std::borrow::Cow::Owned(_) = text {
        warn(&mut l, file, WarningKind::NotUtf8);
    }
    Ok(l)
}

fn warn(l: &mut Loaded, file: &str, kind: WarningKind) {
    l.set.warnings.insert(0, Warning::new(file, kind));
}

fn open(file: &str, text: &str, format: Option<Format>) -> Result<Loaded, LoadError> {
    let err = |error| LoadError { file: file.to_string(), error };
    sniff::strip_bom(text.as_bytes()).map_err(err)?;
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let format = match format {
        Some(f) => f,
        None => sniff::detect(body.as_bytes()).map_err(err)?,
    };
    let set = match format {
        Format::LangfuseExport
        | Format::LangfuseApiTrace
        | Format::LangfuseTraces
        | Format::LangfuseObservations
        | Format::LangfuseSession
        | Format::LangfuseScores => langfuse::import(file, body, format),
        Format::Otlp | Format::OtlpJsonLines | Format::OtlpSpans => otlp::import(file, body, format),
        // opened as bytes by `decoded`, never as text
        Format::OtlpProtobuf | Format::OtlpProtobufFile => Err(ImportError::Binary("OTLP protobuf")),
        Format::PhoenixSpans | Format::PhoenixAnnotations => phoenix::import(file, body, format),
        Format::Zipkin => zipkin::import(file, body, format),
        Format::PythonSpans | Format::AnyAgent => sdk::python::import(file, body, format),
        Format::JsSpans => sdk::js::import(file, body, format),
        Format::TruLens => trulens::import(file, body, format),
        Format::Canopy => canopy::import(file, body, format),
        Format::AttributeMap => attribute_map::import(file, body, format),
        Format::Jaeger | Format::JaegerJsonLines => jaeger::import(file, body, format),
        Format::JaegerModel => jaeger::domain::import(file, body, format),
        Format::LangSmith => langsmith::import(file, body, format),
        Format::OpenAiAgents => openai_agents::import(file, body, format),
        Format::Mlflow | Format::MlflowJsonLines => mlflow::import(file, body, format),
        Format::ClickHouse => clickhouse::import(file, body, format),
        Format::AgentOps => agentops::import(file, body, format),
    }
    .map_err(err)?;
    loaded(file, format, set)
}

fn proto_format(wire: otlp::Wire) -> Format {
    match wire {
        otlp::Wire::Request => Format::OtlpProtobuf,
        otlp::Wire::Framed => Format::OtlpProtobufFile,
    }
}

fn loaded(file: &str, format: Format, mut set: TraceSet) -> Result<Loaded, LoadError> {
    // a file of scores alone is fine: they attach to traces loaded from other files
    // and so is a file of log records alone: they wait for their spans (`model::logs`)
    if set.traces.is_empty() && set.scores.is_empty() && set.pending_logs.is_empty() {
        return Err(LoadError { file: file.to_string(), error: ImportError::NoTraces(format.label()) });
    }
    set.rebuild_sessions();
    Ok(Loaded { format, set })
}

/// A file opened piece by piece as its bytes arrive (a download, a file read in slices): OTLP
/// JSON and OTLP JSON Lines are converted span by span meanwhile, so the file is never whole in
/// memory and the caller can let the page paint between pieces; other formats are kept until
/// `finish` and opened as `load` would. The result is the same as `load` of all the bytes.
pub struct Stream {
    file: String,
    read: usize,
    state: Streaming,
}

enum Streaming {
    /// The first bytes, until there are enough to tell the format.
    Sniffing(Vec<u8>),
    /// A format read in one piece at the end.
    Whole(Vec<u8>),
    Otlp(otlp::Chunked, Format),
    /// OTLP JSON Lines: the bytes after the last complete line, and that line's number.
    Lines(otlp::Gather, Vec<u8>, usize),
    /// Binary OTLP, request by request and span by span.
    Proto(Box<otlp::ProtoReader>, Format),
}

impl Stream {
    pub fn new(file: &str) -> Stream {
        Stream { file: file.to_string(), read: 0, state: Streaming::Sniffing(Vec::new()) }
    }

    /// Bytes given so far.
    pub fn bytes(&self) -> usize {
        self.read
    }

    /// Observations read so far (0 for formats read at the end).
    pub fn observations(&self) -> usize {
        match &self.state {
            Streaming::Otlp(c, _) => c.gather.spans,
            Streaming::Lines(g, ..) => g.spans,
            Streaming::Proto(r, _) => r.gather.spans,
            _ => 0,
        }
    }

    /// The next piece of the file. An error ends the stream: the file cannot be opened.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        self.read += chunk.len();
        let err = |error| LoadError { file: self.file.clone(), error };
        match &mut self.state {
            Streaming::Sniffing(buf) => {
                let before = buf.len();
                buf.extend_from_slice(chunk);
                // binary OTLP is known by its first element, usually within the first kilobytes:
                // looked for each time the bytes pass a power of two, so tiny pieces cost little
                // (other binaries are named at the end or past the sniffing window, when all is seen)
                let passed = (before.max(512) | 1).leading_zeros() != (buf.len().max(512) | 1).leading_zeros();
                if passed && matches!(binary::recognise(buf), Some(Ok(_))) {
                    let buf = std::mem::take(buf);
                    self.state = self.start(buf).map_err(err)?;
                } else if buf.len() > sniff::SNIFF_BYTES {
                    // `detect` reads this much; one byte more tells it the file goes on
                    let buf = std::mem::take(buf);
                    self.state = self.start(buf).map_err(err)?;
                }
            }
            Streaming::Whole(buf) => buf.extend_from_slice(chunk),
            Streaming::Otlp(c, _) => c.push(chunk).map_err(err)?,
            Streaming::Proto(r, _) => r.push(chunk).map_err(err)?,
            Streaming::Lines(gather, rest, line) => {
                rest.extend_from_slice(chunk);
                complete_lines(gather, rest, line).map_err(err)?;
            }
        }
        Ok(())
    }

    /// How to read a file that starts with `buf`.
    fn start(&self, buf: Vec<u8>) -> Result<Streaming, ImportError> {
        if let Some(found) = binary::recognise(&buf) {
            let (wire, signal) = found?;
            let mut r = otlp::ProtoReader::new(wire, Some(signal));
            r.push(&buf)?;
            return Ok(Streaming::Proto(Box::new(r), proto_format(wire)));
        }
        let body = match sniff::strip_bom(&buf) {
            Ok(body) => body,
            // all blank so far: whatever follows decides; UTF-16 is converted whole at the end
            Err(ImportError::Empty | ImportError::Utf16) => return Ok(Streaming::Whole(buf)),
            Err(e) => return Err(e),
        };
        let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
        let format = match sniff::detect(body) {
            Ok(f) if matches!(first, Some(b'{') | Some(b'[')) => f,
            _ => return Ok(Streaming::Whole(buf)),
        };
        let skip = buf.len() - body.len();
        match format {
            Format::Otlp | Format::OtlpSpans => {
                let mut c = otlp::reader(body, format);
                c.push(&buf[skip..])?;
                Ok(Streaming::Otlp(c, format))
            }
            Format::OtlpJsonLines => {
                let (mut gather, mut rest, mut line) = (otlp::Gather::default(), buf[skip..].to_vec(), 0);
                complete_lines(&mut gather, &mut rest, &mut line)?;
                Ok(Streaming::Lines(gather, rest, line))
            }
            _ => Ok(Streaming::Whole(buf)),
        }
    }

    /// The end of the file: builds the traces (the longest step for a large OTLP file).
    pub fn finish(self) -> Result<Loaded, LoadError> {
        let file = self.file;
        let err = |error| LoadError { file: file.clone(), error };
        match self.state {
            Streaming::Sniffing(buf) | Streaming::Whole(buf) => load(&file, &buf),
            Streaming::Otlp(mut c, format) => {
                c.finish().map_err(err)?;
                loaded(&file, format, otlp::finish(&file, c.gather))
            }
            Streaming::Lines(mut gather, rest, line) => {
                otlp::read_line(&mut gather, &rest, line + 1).map_err(err)?;
                loaded(&file, Format::OtlpJsonLines, otlp::finish(&file, gather))
            }
            Streaming::Proto(r, format) => loaded(&file, format, otlp::finish(&file, r.finish().map_err(err)?)),
        }
    }
}

/// Reads the complete lines at the start of `rest` (numbering them after `line`) and drops them.
fn complete_lines(gather: &mut otlp::Gather, rest: &mut Vec<u8>, line: &mut usize) -> Result<(), ImportError> {
    let Some(end) = rest.iter().rposition(|&b| b == b'\n') else { return Ok(()) };
    for text in rest[..end].split(|&b| b == b'\n') {
        *line += 1;
        otlp::read_line(gather, text, *line)?;
    }
    rest.drain(..=end);
    Ok(())
}

/// Puts a JSON Lines line number on an error found inside that line.
fn at_line(e: ImportError, line: usize) -> ImportError {
    match e {
        ImportError::Syntax { column, reason, .. } => ImportError::Syntax { line, column, reason },
        ImportError::Shape { format, column, reason, .. } => ImportError::Shape { format, line, column, reason },
        other => other,
    }
}

/// Turns a serde_json error into the user-facing shape error of `format`.
fn shape_error(format: Format, e: &serde_json::Error) -> ImportError {
    if e.is_syntax() || e.is_eof() {
        return ImportError::Syntax { line: e.line(), column: e.column(), reason: wire::reason(e) };
    }
    ImportError::Shape { format: format.label(), line: e.line(), column: e.column(), reason: wire::reason(e) }
}
