//! Spans as the OpenTelemetry Python SDK prints them (`ReadableSpan.to_json()`): what
//! `ConsoleSpanExporter` writes (pretty-printed objects one after another, `0x…` hex ids, ISO
//! times, `null` end times of spans still running), and any-agent's saved `AgentTrace`
//! (`{spans, final_output}`: the same span objects with ids as decimal integers, `parent` as a
//! context, times as integer nanoseconds).

use super::{hex_id, no_parent, span_kind, traces, Attrs};
use crate::import::wire::{iso_ns, items};
use crate::import::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, Payload, TraceSet};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct AgentTrace {
    spans: Option<Vec<Span>>,
    final_output: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct Span {
    name: Option<String>,
    context: Option<Context>,
    kind: Option<String>,
    /// The console's `"0x…"` (or null for a root).
    parent_id: Option<Box<RawValue>>,
    /// any-agent's parent context (ids null for a root).
    parent: Option<Context>,
    start_time: Option<Box<RawValue>>,
    end_time: Option<Box<RawValue>>,
    status: Option<Status>,
    attributes: Option<Attrs>,
    events: Option<Vec<SpanEvent>>,
    links: Option<Vec<Link>>,
    resource: Option<Resource>,
}

#[derive(Deserialize)]
struct Context {
    trace_id: Option<Box<RawValue>>,
    span_id: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct Status {
    status_code: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct SpanEvent {
    name: Option<String>,
    timestamp: Option<Box<RawValue>>,
    attributes: Option<Attrs>,
}

#[derive(Deserialize)]
struct Link {
    context: Option<Context>,
    attributes: Option<Attrs>,
}

#[derive(Deserialize)]
struct Resource {
    attributes: Option<Attrs>,
}

/// An id written as `"0x…"` hex text or as a decimal integer (any-agent), as lowercase hex of
/// `width` digits. `None` for null.
fn id(raw: Option<&RawValue>, width: usize) -> Option<String> {
    let text = raw?.get().trim();
    if text.starts_with('"') {
        let s: String = serde_json::from_str(text).ok()?;
        return Some(hex_id(&s));
    }
    match text.parse::<u128>() {
        Ok(n) => Some(format!("{n:0width$x}")),
        Err(_) => (text != "null").then(|| text.to_string()),
    }
}

/// A time as ISO text (the console) or integer nanoseconds (any-agent); `None` for null.
fn time(raw: Option<&RawValue>) -> Option<i64> {
    let text = raw?.get().trim();
    if text.starts_with('"') {
        return iso_ns(serde_json::from_str::<String>(text).ok().as_deref());
    }
    text.parse::<i64>().ok()
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let (spans, output) = if format == Format::AnyAgent {
        let docs: Vec<AgentTrace> = items(body).map_err(|e| shape_error(format, &e))?;
        let mut spans = Vec::new();
        let mut output = None;
        for d in docs {
            spans.extend(d.spans.unwrap_or_default());
            output = output.or(d.final_output);
        }
        (spans, output)
    } else {
        (items::<Span>(body).map_err(|e| shape_error(format, &e))?, None)
    };
    let mut set = traces(file, spans.into_iter().map(observation).collect());
    // the agent's answer is the trace's output when no root span carries one
    if let (Some(out), [t]) = (output, set.traces.as_mut_slice()) {
        if t.output.is_none() && out.get().trim() != "null" {
            t.output = Some(Payload::from_raw(out));
        }
    }
    Ok(set)
}

fn observation(s: Span) -> (String, Observation) {
    let ctx = s.context.as_ref();
    let trace_id = id(ctx.and_then(|c| c.trace_id.as_deref()), 32).unwrap_or_default();
    let span_id = id(ctx.and_then(|c| c.span_id.as_deref()), 16).unwrap_or_default();
    let start = time(s.start_time.as_deref());
    let mut o = Observation::new(span_id, Kind::Span, s.name.unwrap_or_default(), start.unwrap_or(0));
    o.end_ns = time(s.end_time.as_deref());
    o.parent_id = id(s.parent_id.as_deref(), 16)
        .or_else(|| id(s.parent.as_ref().and_then(|p| p.span_id.as_deref()), 16))
        .filter(|p| !no_parent(p));
    o.attributes = s.attributes.unwrap_or_default().0;
    if let Some(k) = s.kind.as_deref().and_then(span_kind) {
        o.attributes.push(Attribute { key: "otel.span_kind".into(), value: AttrValue::Str(k.into()) });
    }
    let links: Vec<AttrValue> = s
        .links
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            let c = l.context.as_ref();
            let mut entries = vec![
                Attribute {
                    key: "trace_id".into(),
                    value: AttrValue::Str(id(c.and_then(|c| c.trace_id.as_deref()), 32).unwrap_or_default()),
                },
                Attribute {
                    key: "span_id".into(),
                    value: AttrValue::Str(id(c.and_then(|c| c.span_id.as_deref()), 16).unwrap_or_default()),
                },
            ];
            entries.extend(l.attributes.unwrap_or_default().0);
            AttrValue::Map(entries)
        })
        .collect();
    if !links.is_empty() {
        o.attributes.push(Attribute { key: "otel.links".into(), value: AttrValue::Array(links) });
    }
    // the resource's service name, as the OTLP importer adds it
    let service = s
        .resource
        .and_then(|r| r.attributes)
        .and_then(|a| a.0.into_iter().find(|a| a.key == "service.name" && o.attribute("service.name").is_none()));
    o.attributes.extend(service);
    if let Some(status) = s.status {
        if status.status_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("ERROR")) {
            o.level = Level::Error;
        }
        o.status_message = status.description.filter(|d| !d.is_empty());
    }
    o.events = s
        .events
        .unwrap_or_default()
        .into_iter()
        .map(|e| Event {
            name: e.name.unwrap_or_default(),
            time_ns: time(e.timestamp.as_deref()).unwrap_or(o.start_ns),
            attributes: e.attributes.unwrap_or_default().0,
        })
        .collect();
    (trace_id, o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_as_hex_text_or_decimal_integers() {
        let raw = |s: &str| serde_json::from_str::<Box<RawValue>>(s).unwrap();
        assert_eq!(
            id(Some(&raw("100927429609276267646756448943279827607")), 32).unwrap(),
            format!("{:032x}", 100927429609276267646756448943279827607u128)
        );
        assert_eq!(id(Some(&raw("12324293800750531911")), 16).unwrap(), "ab08afea3548c547");
        assert_eq!(id(Some(&raw("\"0x7c55252ee7e5a186\"")), 16).unwrap(), "7c55252ee7e5a186");
        assert_eq!(id(Some(&raw("null")), 16), None);
        assert_eq!(time(Some(&raw("1758026593210770000"))), Some(1_758_026_593_210_770_000));
        assert_eq!(time(Some(&raw("\"1970-01-01T00:00:01.000002Z\""))), Some(1_000_002_000));
    }
}
