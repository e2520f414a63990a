//! PURE: model → bytes for sharing. A TraceSet (or a selection of its traces) written as Canopy
//! JSON, OTLP JSON or Langfuse-export JSON, optionally redacted first (`redact`), with a note in
//! the file saying how. Every format opens again in Canopy with the same trees, totals and scores.

pub mod langfuse;
pub mod otlp;
pub mod redact;

use crate::model::pricing::PriceTable;
use crate::model::TraceSet;

/// The formats Canopy writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Canopy,
    Otlp,
    Langfuse,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Canopy, ExportFormat::Otlp, ExportFormat::Langfuse];

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Canopy => "Canopy JSON",
            ExportFormat::Otlp => "OTLP JSON",
            ExportFormat::Langfuse => "Langfuse export JSON",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Canopy => "canopy",
            ExportFormat::Otlp => "otlp",
            ExportFormat::Langfuse => "langfuse",
        }
    }

    pub fn from_key(s: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.key() == s)
    }

    /// File name ending.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Canopy => "canopy.json",
            ExportFormat::Otlp => "otlp.json",
            ExportFormat::Langfuse => "langfuse.json",
        }
    }
}

/// The traces at `indices` (in that order) with the scores that concern them and their sessions.
pub fn select(set: &TraceSet, indices: &[usize]) -> TraceSet {
    let mut out = TraceSet::default();
    for &i in indices {
        if let Some(t) = set.traces.get(i) {
            out.traces.push(t.clone());
        }
    }
    let ids: std::collections::HashSet<&str> = out.traces.iter().map(|t| t.id.as_str()).collect();
    let sessions: std::collections::HashSet<&str> = out.traces.iter().filter_map(|t| t.session_id.as_deref()).collect();
    out.scores = set
        .scores
        .iter()
        .filter(|s| match (&s.trace_id, &s.session_id) {
            (Some(t), _) => ids.contains(t.as_str()),
            (None, Some(sid)) => sessions.contains(sid.as_str()),
            (None, None) => false,
        })
        .cloned()
        .collect();
    out.warnings =
        set.warnings.iter().filter(|w| w.trace_id.as_deref().is_none_or(|t| ids.contains(t))).cloned().collect();
    out.rebuild_sessions();
    out
}

/// Writes `set` as `format`, with `note` (e.g. how it was redacted) where the format has room.
pub fn write(set: &TraceSet, format: ExportFormat, note: Option<&str>) -> String {
    write_priced(set, format, note, None)
}

/// `write`; a Canopy document also lists the prices of `prices` its estimated costs came from
/// and the user's own (`prices_used`). Estimated costs are written in no format.
pub fn write_priced(set: &TraceSet, format: ExportFormat, note: Option<&str>, prices: Option<&PriceTable>) -> String {
    match format {
        ExportFormat::Canopy => crate::import::canopy::write_with(set, note, prices),
        ExportFormat::Otlp => otlp::write(set, note),
        ExportFormat::Langfuse => langfuse::write(set, note),
    }
}
