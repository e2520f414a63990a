//! OTLP log records, whatever wire they came on (JSON or protobuf), kept until the spans are
//! built and then joined to their span by trace and span id.
//!
//! This is the seam between the wire readers and what a log record means: a reader turns each
//! record into a [`LogRecord`] and hands it to `Gather::log` (in `envelope`, beside the spans); `attach` decides what it becomes.

use crate::model::{AttrValue, Attribute, Event, Observation};

/// One log record as every wire gives it: ids normalized to lowercase hex, times in nanoseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub(in crate::import) struct LogRecord {
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    /// `timeUnixNano`, or `observedTimeUnixNano` when the time is unset.
    pub time_ns: Option<i64>,
    pub severity_text: Option<String>,
    pub severity_number: Option<i64>,
    /// `eventName` (OTLP 1.5+), or the `event.name` attribute older writers use.
    pub event_name: Option<String>,
    pub body: Option<AttrValue>,
    /// The record's attributes, then its resource's `service.name` and scope name and version.
    pub attributes: Vec<Attribute>,
}

/// Joins each record to the span it names, as an event on that span. Returns the records whose
/// span is not among `obs`, for the caller to keep.
pub(super) fn attach(obs: &mut [Observation], records: Vec<LogRecord>) -> Vec<LogRecord> {
    let mut rest = Vec::new();
    for r in records {
        let Some(o) = r.span_id.as_deref().and_then(|s| obs.iter_mut().find(|o| o.id == s)) else {
            rest.push(r);
            continue;
        };
        let mut attributes = r.attributes;
        if let Some(body) = r.body {
            attributes.insert(0, Attribute { key: "body".into(), value: body });
        }
        o.events.push(Event {
            name: r.event_name.unwrap_or_else(|| "log".into()),
            time_ns: r.time_ns.unwrap_or(o.start_ns),
            attributes,
        });
    }
    rest
}
