//! The only entry to importing: sniff a file's format by content, then hand it to that format's importer.

mod attribute_map;
pub mod canopy;
mod jaeger;
mod langfuse;
mod langsmith;
mod otlp;
mod phoenix;
mod semconv;
mod sniff;
mod wire;

use crate::model::TraceSet;
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
    Jaeger,
    JaegerJsonLines,
    LangSmith,
    /// OTLP spans without their resource envelope, paged: `{data: [span], next_cursor}` (Phoenix otlpv1).
    OtlpSpans,
    PhoenixSpans,
    PhoenixAnnotations,
    /// Canopy's own document (docs/format.md).
    Canopy,
    /// One span's attributes as a flat object.
    AttributeMap,
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
            Format::Jaeger => "Jaeger JSON",
            Format::JaegerJsonLines => "Jaeger JSON Lines",
            Format::LangSmith => "LangSmith runs",
            Format::OtlpSpans => "OTLP span list",
            Format::PhoenixSpans => "Phoenix spans",
            Format::PhoenixAnnotations => "Phoenix annotations",
            Format::Canopy => "Canopy file",
            Format::AttributeMap => "span attribute map",
        }
    }
}

/// Why a file could not be opened. Shown to the user after the file name.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("this is not a text file (it looks like {0}); Canopy opens JSON trace files")]
    Binary(&'static str),
    #[error("the file is UTF-16 encoded; save it as UTF-8 and open it again")]
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
    pub const ALL: [Format; 16] = [
        Format::LangfuseExport,
        Format::LangfuseApiTrace,
        Format::LangfuseTraces,
        Format::LangfuseObservations,
        Format::LangfuseSession,
        Format::LangfuseScores,
        Format::Otlp,
        Format::OtlpJsonLines,
        Format::OtlpSpans,
        Format::Jaeger,
        Format::JaegerJsonLines,
        Format::LangSmith,
        Format::PhoenixSpans,
        Format::PhoenixAnnotations,
        Format::Canopy,
        Format::AttributeMap,
    ];
}

/// Opens `bytes` (named `file` for messages and provenance) in whatever supported format they are.
pub fn load(file: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let body = sniff::strip_bom(bytes).map_err(|error| LoadError { file: file.to_string(), error })?;
    let format = sniff::detect(body).map_err(|error| LoadError { file: file.to_string(), error })?;
    load_as(file, body, format)
}

/// Opens `bytes` as `format`, without sniffing.
pub fn load_as(file: &str, bytes: &[u8], format: Format) -> Result<Loaded, LoadError> {
    let err = |error| LoadError { file: file.to_string(), error };
    let body = sniff::strip_bom(bytes).map_err(err)?;
    let mut set = match format {
        Format::LangfuseExport
        | Format::LangfuseApiTrace
        | Format::LangfuseTraces
        | Format::LangfuseObservations
        | Format::LangfuseSession
        | Format::LangfuseScores => langfuse::import(file, body, format),
        Format::Otlp | Format::OtlpJsonLines | Format::OtlpSpans => otlp::import(file, body, format),
        Format::PhoenixSpans | Format::PhoenixAnnotations => phoenix::import(file, body, format),
        Format::Canopy => canopy::import(file, body, format),
        Format::AttributeMap => attribute_map::import(file, body, format),
        Format::Jaeger | Format::JaegerJsonLines => jaeger::import(file, body, format),
        Format::LangSmith => langsmith::import(file, body, format),
    }
    .map_err(err)?;
    // a file of scores alone is fine: they attach to traces loaded from other files
    if set.traces.is_empty() && set.scores.is_empty() {
        return Err(err(ImportError::NoTraces(format.label())));
    }
    set.rebuild_sessions();
    Ok(Loaded { format, set })
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
