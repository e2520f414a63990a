//! The one struct serde reads the small parts of an OTLP JSON envelope into: a resource, a scope,
//! a span's events and links, and a log record (`envelope` and `logs` both read it; neither of them
//! depends on the other for it).

use super::super::wire::FlexInt;
use super::values::{AnyValue, Attrs, EnumValue};
use serde::Deserialize;

/// What a resource, a scope, a span's events and links, and a log record hold, as one struct:
/// serde compiles a reader per struct (1-5 kB of wasm each), and each of these uses only its own
/// fields of it (a resource its attributes; a scope its name and version; an event its time, name
/// and attributes; a link its ids and attributes; a log record, `logs::WireLog`, the rest). A span's
/// status keeps a struct of its own: every span holds one, and a `Part` would make spans larger.
#[derive(Deserialize, Default)]
pub(super) struct Part {
    #[serde(alias = "traceId", alias = "trace_id")]
    pub(super) trace_id: Option<String>,
    #[serde(alias = "spanId", alias = "span_id")]
    pub(super) span_id: Option<String>,
    #[serde(alias = "timeUnixNano", alias = "time_unix_nano")]
    pub(super) time_unix_nano: Option<FlexInt>,
    pub(super) name: Option<String>,
    pub(super) version: Option<String>,
    pub(super) attributes: Option<Attrs<0>>,
    #[serde(alias = "observedTimeUnixNano", alias = "observed_time_unix_nano")]
    pub(super) observed_time_unix_nano: Option<FlexInt>,
    #[serde(alias = "severityNumber", alias = "severity_number")]
    pub(super) severity_number: Option<EnumValue>,
    #[serde(alias = "severityText", alias = "severity_text")]
    pub(super) severity_text: Option<String>,
    pub(super) body: Option<AnyValue>,
    #[serde(alias = "droppedAttributesCount", alias = "dropped_attributes_count")]
    pub(super) dropped_attributes_count: Option<FlexInt>,
    #[serde(alias = "eventName", alias = "event_name")]
    pub(super) event_name: Option<String>,
}

pub(super) type Resource = Part;
pub(super) type Scope = Part;
pub(super) type Link = Part;
pub(super) type SpanEvent = Part;

impl Part {
    /// The scope's name and version; a scope without a name adds nothing.
    pub(super) fn named(self) -> Option<(String, Option<String>)> {
        self.name.map(|n| (n, self.version))
    }
}
