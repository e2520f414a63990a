//! OTLP log records, whatever wire they came on (JSON or protobuf), kept until the spans are
//! built and then handed to the model, which joins each to its span by trace and span id
//! (`model::logs`: GenAI content events become messages, other records events).
//!
//! This is the seam between the wire readers and what a log record means: a reader turns each
//! record into a [`LogRecord`] and hands it to `Gather::log` (in `envelope`, beside the spans).
//! The JSON wire form of a record is read here (`WireLog`); its envelope (resourceLogs →
//! scopeLogs → logRecords) is followed by `chunked` as the spans' is.

use super::super::wire::{is_blank_id, normalize_id, FlexInt};
use super::values::attributes;
use crate::model::logs::PendingLog;
use crate::model::{AttrValue, Attribute};

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

/// An OTLP JSON `LogRecord`, in every key spelling the span reader accepts: the envelope's one
/// struct of small parts (its `timeUnixNano`, `observedTimeUnixNano`, `severityNumber`,
/// `severityText`, `body`, `attributes`, `droppedAttributesCount`, `traceId`, `spanId`, `eventName`).
pub(super) type WireLog = super::part::Part;

impl WireLog {
    /// The record, with what its resource and scope add; and how many attributes it dropped.
    pub(super) fn record<'a>(self, context: impl Iterator<Item = &'a Attribute>) -> (LogRecord, i64) {
        let dropped = self.dropped_attributes_count.and_then(|c| c.to_i64()).filter(|c| *c > 0).unwrap_or(0);
        let nonzero = |t: Option<FlexInt>| t.and_then(|t| t.to_i64()).filter(|t| *t != 0);
        let mut attrs = attributes(self.attributes);
        // the name older writers put in an attribute is the record's name, not one of its facts
        let named = attrs.iter().position(|a| a.key == "event.name");
        let attr_name = named.and_then(|i| attrs.remove(i).value.as_str().map(str::to_string));
        attrs.extend(context.cloned());
        let id = |i: Option<String>| i.filter(|i| !is_blank_id(i)).map(|i| normalize_id(&i));
        let record = LogRecord {
            trace_id: id(self.trace_id),
            span_id: id(self.span_id),
            time_ns: nonzero(self.time_unix_nano).or_else(|| nonzero(self.observed_time_unix_nano)),
            severity_text: self.severity_text.filter(|s| !s.is_empty()),
            severity_number: self.severity_number.and_then(|s| s.severity_number()),
            event_name: self.event_name.filter(|n| !n.is_empty()).or(attr_name),
            // an empty AnyValue (`{}`) is no body
            body: self.body.map(|b| b.0).filter(|b| *b != AttrValue::Str(String::new())),
            attributes: attrs,
        };
        (record, dropped)
    }
}

/// The model's form of the records of file `source`, to wait for (or join) their spans.
pub(super) fn pending(records: Vec<LogRecord>, source: &str) -> Vec<PendingLog> {
    records
        .into_iter()
        .map(|r| PendingLog {
            trace_id: r.trace_id.unwrap_or_default(),
            span_id: r.span_id.unwrap_or_default(),
            name: r.event_name,
            time_ns: r.time_ns,
            severity: r.severity_text.or_else(|| r.severity_number.and_then(severity_name)),
            body: r.body,
            attributes: r.attributes,
            source: source.to_string(),
        })
        .collect()
}

/// The short name of a severity number (`WARN`, `ERROR2`), as the log data model names them.
fn severity_name(n: i64) -> Option<String> {
    const NAMES: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    let i = usize::try_from(n.checked_sub(1)?).ok()?;
    let name = NAMES.get(i / 4)?;
    Some(if i % 4 == 0 { name.to_string() } else { format!("{name}{}", i % 4 + 1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_numbers_are_named_as_the_data_model_names_them() {
        let names: Vec<Option<String>> = [0, 1, 4, 9, 13, 14, 17, 24, 25].into_iter().map(severity_name).collect();
        let want = [None, Some("TRACE"), Some("TRACE4"), Some("INFO"), Some("WARN"), Some("WARN2"), Some("ERROR")];
        let want: Vec<Option<String>> =
            want.into_iter().map(|s| s.map(str::to_string)).chain([Some("FATAL4".into()), None]).collect();
        assert_eq!(names, want);
    }
}
