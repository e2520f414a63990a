//! Spans of the OpenTelemetry JS SDK (`@opentelemetry/sdk-trace-base`) as people save them:
//! `JSON.stringify` of `ReadableSpan`s (what `InMemorySpanExporter.getFinishedSpans()` holds:
//! `_spanContext`/`spanContext`, `parentSpanContext` (SDK 2) or `parentSpanId` (SDK 1), HrTime
//! `[seconds, nanoseconds]` times, `status.code` 0/1/2, `instrumentationScope` or
//! `instrumentationLibrary`), and the objects `ConsoleSpanExporter` prints (`traceId`, `id`,
//! `timestamp` and `duration` in microseconds, `parentSpanContext` or `parentId`).

use super::{hex_id, no_parent, span_kind, traces, Attrs};
use crate::import::wire::{duration_ns, items};
use crate::import::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, TraceSet};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Span {
    name: Option<String>,
    kind: Option<Box<RawValue>>,
    #[serde(alias = "_spanContext")]
    span_context: Option<Context>,
    /// The console's ids.
    trace_id: Option<String>,
    id: Option<String>,
    parent_span_context: Option<Context>,
    parent_span_id: Option<String>,
    parent_id: Option<String>,
    start_time: Option<HrTime>,
    end_time: Option<HrTime>,
    /// The console's start and duration, in microseconds (the duration with a fraction).
    timestamp: Option<Box<RawValue>>,
    duration: Option<Box<RawValue>>,
    status: Option<Status>,
    attributes: Option<Attrs>,
    events: Option<Vec<SpanEvent>>,
    links: Option<Vec<Link>>,
    resource: Option<Resource>,
    #[serde(alias = "instrumentationLibrary")]
    instrumentation_scope: Option<Scope>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Context {
    trace_id: Option<String>,
    span_id: Option<String>,
}

/// `[seconds, nanoseconds]`.
#[derive(Deserialize)]
struct HrTime(i64, i64);

impl HrTime {
    fn ns(&self) -> Option<i64> {
        self.0.checked_mul(1_000_000_000)?.checked_add(self.1)
    }
}

#[derive(Deserialize)]
struct Status {
    /// 0 UNSET, 1 OK, 2 ERROR (or the names).
    code: Option<Box<RawValue>>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct SpanEvent {
    name: Option<String>,
    time: Option<HrTime>,
    attributes: Option<Attrs>,
}

#[derive(Deserialize)]
struct Link {
    context: Option<Context>,
    attributes: Option<Attrs>,
}

#[derive(Deserialize)]
struct Resource {
    /// The console's map, or a stringified SDK 1 `Resource`'s `_attributes`.
    #[serde(alias = "_attributes")]
    attributes: Option<Attrs>,
    /// A stringified SDK 2 `Resource`: `[[key, value], …]`.
    #[serde(rename = "_rawAttributes")]
    raw_attributes: Option<Vec<(String, Box<RawValue>)>>,
}

#[derive(Deserialize)]
struct Scope {
    name: Option<String>,
    version: Option<String>,
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let spans: Vec<Span> = items(body).map_err(|e| shape_error(format, &e))?;
    Ok(traces(file, spans.into_iter().map(observation).collect()))
}

/// A JSON value as text: a string's contents, anything else as written.
fn text(raw: &RawValue) -> String {
    let t = raw.get().trim();
    serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string())
}

fn observation(s: Span) -> (String, Observation) {
    let ctx = s.span_context.as_ref();
    let trace_id = ctx.and_then(|c| c.trace_id.as_deref()).or(s.trace_id.as_deref()).map(hex_id).unwrap_or_default();
    let span_id = ctx.and_then(|c| c.span_id.as_deref()).or(s.id.as_deref()).map(hex_id).unwrap_or_default();
    let console_start = s.timestamp.as_deref().and_then(|t| duration_ns(&format!("{}us", text(t))));
    let start = s.start_time.as_ref().and_then(HrTime::ns).or(console_start);
    let mut o = Observation::new(span_id, Kind::Span, s.name.unwrap_or_default(), start.unwrap_or(0));
    // an unended span's endTime is [0, 0]
    o.end_ns = s.end_time.as_ref().and_then(HrTime::ns).filter(|e| *e != 0).or_else(|| {
        let d = s.duration.as_deref().and_then(|d| duration_ns(&format!("{}us", text(d))))?;
        start?.checked_add(d)
    });
    o.parent_id = s
        .parent_span_context
        .and_then(|p| p.span_id)
        .or(s.parent_span_id)
        .or(s.parent_id)
        .map(|p| hex_id(&p))
        .filter(|p| !no_parent(p));
    o.attributes = s.attributes.unwrap_or_default().0;
    if let Some(k) = s.kind.as_deref().and_then(|k| span_kind(&text(k))) {
        o.attributes.push(Attribute { key: "otel.span_kind".into(), value: AttrValue::Str(k.into()) });
    }
    if let Some(scope) = s.instrumentation_scope {
        for (k, v) in [("otel.scope.name", scope.name), ("otel.scope.version", scope.version)] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                o.attributes.push(Attribute { key: k.into(), value: AttrValue::Str(v) });
            }
        }
    }
    let service = s.resource.and_then(|r| {
        let from_map = r.attributes.and_then(|a| a.0.into_iter().find(|a| a.key == "service.name"));
        from_map.map(|a| a.value).or_else(|| {
            let raw = r.raw_attributes?;
            raw.into_iter().find(|(k, _)| k == "service.name").map(|(_, v)| AttrValue::Str(text(&v)))
        })
    });
    if let Some(v) = service.filter(|_| o.attribute("service.name").is_none()) {
        o.attributes.push(Attribute { key: "service.name".into(), value: v });
    }
    let links: Vec<AttrValue> = s
        .links
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            let (t, sp) = l.context.map(|c| (c.trace_id, c.span_id)).unwrap_or_default();
            let mut entries = vec![
                Attribute {
                    key: "trace_id".into(),
                    value: AttrValue::Str(t.as_deref().map(hex_id).unwrap_or_default()),
                },
                Attribute {
                    key: "span_id".into(),
                    value: AttrValue::Str(sp.as_deref().map(hex_id).unwrap_or_default()),
                },
            ];
            entries.extend(l.attributes.unwrap_or_default().0);
            AttrValue::Map(entries)
        })
        .collect();
    if !links.is_empty() {
        o.attributes.push(Attribute { key: "otel.links".into(), value: AttrValue::Array(links) });
    }
    if let Some(status) = s.status {
        let code = status.code.as_deref().map(text).unwrap_or_default();
        if code == "2" || code.eq_ignore_ascii_case("ERROR") {
            o.level = Level::Error;
        }
        o.status_message = status.message.filter(|m| !m.is_empty());
    }
    o.events = s
        .events
        .unwrap_or_default()
        .into_iter()
        .map(|e| Event {
            name: e.name.unwrap_or_default(),
            time_ns: e.time.as_ref().and_then(HrTime::ns).unwrap_or(o.start_ns),
            attributes: e.attributes.unwrap_or_default().0,
        })
        .collect();
    (trace_id, o)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SDK 1.x: `spanContext`, `parentSpanId`, `instrumentationLibrary`, an unended span.
    #[test]
    fn sdk_one_field_names() {
        let body = r#"[{"name":"a","spanContext":{"traceId":"AB","spanId":"01"},"parentSpanId":"02",
            "startTime":[1,5],"endTime":[0,0],"instrumentationLibrary":{"name":"lib"},"status":{"code":"ERROR"}}]"#;
        let set = import("x.json", body, Format::JsSpans).unwrap();
        let o = &set.traces[0].observations[0];
        assert_eq!(set.traces[0].id, "00000000000000ab");
        assert_eq!((o.id.as_str(), o.parent_id.as_deref()), ("0000000000000001", Some("0000000000000002")));
        assert_eq!((o.start_ns, o.end_ns), (1_000_000_005, None));
        assert_eq!(o.attribute("otel.scope.name"), Some(&AttrValue::Str("lib".into())));
        assert_eq!(o.level, Level::Error);
    }
}
