//! Spans of the OpenTelemetry JS SDK (`@opentelemetry/sdk-trace-base`) as people save them:
//! `JSON.stringify` of `ReadableSpan`s (what `InMemorySpanExporter.getFinishedSpans()` holds:
//! `_spanContext`/`spanContext`, `parentSpanContext` (SDK 2) or `parentSpanId` (SDK 1), HrTime
//! `[seconds, nanoseconds]` times, `status.code` 0/1/2, `instrumentationScope` or
//! `instrumentationLibrary`), and the objects `ConsoleSpanExporter` prints (`traceId`, `id`,
//! `timestamp` and `duration` in microseconds, `parentSpanContext` or `parentId`).

use super::{attrs, hex_id, no_parent, objects, span_kind, text_of, traces};
use crate::import::jsonv::{get, list, str};
use crate::import::wire::duration_ns;
use crate::import::{Format, ImportError};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, TraceSet};
use serde_json::Value;

/// An `[seconds, nanoseconds]` time in nanoseconds.
fn hr_time(v: Option<&Value>) -> Option<i64> {
    let [s, ns] = v?.as_array()?.as_slice() else { return None };
    s.as_i64()?.checked_mul(1_000_000_000)?.checked_add(ns.as_i64()?)
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let spans = objects(body, format)?;
    Ok(traces(file, spans.iter().map(observation).collect()))
}

/// A context's `traceId` or `spanId`.
fn ctx_id<'a>(c: Option<&'a Value>, key: &str) -> Option<&'a str> {
    str(c?, &[key])
}

fn observation(s: &Value) -> (String, Observation) {
    let ctx = get(s, &["spanContext", "_spanContext"]);
    let trace_id = ctx_id(ctx, "traceId").or(str(s, &["traceId"])).map(hex_id).unwrap_or_default();
    let span_id = ctx_id(ctx, "spanId").or(str(s, &["id"])).map(hex_id).unwrap_or_default();
    let micros = |key: &str| get(s, &[key]).and_then(|t| duration_ns(&format!("{}us", text_of(t))));
    let start = hr_time(get(s, &["startTime"])).or_else(|| micros("timestamp"));
    let name = str(s, &["name"]).unwrap_or_default().to_string();
    let mut o = Observation::new(span_id, Kind::Span, name, start.unwrap_or(0));
    // an unended span's endTime is [0, 0]
    o.end_ns = hr_time(get(s, &["endTime"])).filter(|e| *e != 0).or_else(|| start?.checked_add(micros("duration")?));
    o.parent_id = ctx_id(get(s, &["parentSpanContext"]), "spanId")
        .or(str(s, &["parentSpanId"]))
        .or(str(s, &["parentId"]))
        .map(hex_id)
        .filter(|p| !no_parent(p));
    o.attributes = attrs(s, &["attributes"]);
    if let Some(k) = get(s, &["kind"]).and_then(|k| span_kind(&text_of(k))) {
        o.attributes.push(Attribute { key: "otel.span_kind".into(), value: AttrValue::Str(k.into()) });
    }
    if let Some(scope) = get(s, &["instrumentationScope", "instrumentationLibrary"]) {
        for (k, key) in [("otel.scope.name", "name"), ("otel.scope.version", "version")] {
            if let Some(v) = str(scope, &[key]).filter(|v| !v.is_empty()) {
                o.attributes.push(Attribute { key: k.into(), value: AttrValue::Str(v.to_string()) });
            }
        }
    }
    let service = get(s, &["resource"]).and_then(|r| {
        let from_map = attrs(r, &["attributes", "_attributes"]).into_iter().find(|a| a.key == "service.name");
        from_map.map(|a| a.value).or_else(|| {
            list(r, &["_rawAttributes"]).iter().find_map(|kv| match kv.as_array()?.as_slice() {
                [k, v] if k.as_str() == Some("service.name") => Some(AttrValue::Str(text_of(v))),
                _ => None,
            })
        })
    });
    if let Some(v) = service.filter(|_| o.attribute("service.name").is_none()) {
        o.attributes.push(Attribute { key: "service.name".into(), value: v });
    }
    let links: Vec<AttrValue> = list(s, &["links"])
        .iter()
        .map(|l| {
            let c = get(l, &["context"]);
            let mut entries = vec![
                Attribute {
                    key: "trace_id".into(),
                    value: AttrValue::Str(ctx_id(c, "traceId").map(hex_id).unwrap_or_default()),
                },
                Attribute {
                    key: "span_id".into(),
                    value: AttrValue::Str(ctx_id(c, "spanId").map(hex_id).unwrap_or_default()),
                },
            ];
            entries.extend(attrs(l, &["attributes"]));
            AttrValue::Map(entries)
        })
        .collect();
    if !links.is_empty() {
        o.attributes.push(Attribute { key: "otel.links".into(), value: AttrValue::Array(links) });
    }
    if let Some(status) = get(s, &["status"]) {
        let code = get(status, &["code"]).map(text_of).unwrap_or_default();
        if code == "2" || code.eq_ignore_ascii_case("ERROR") {
            o.level = Level::Error;
        }
        o.status_message = str(status, &["message"]).filter(|m| !m.is_empty()).map(str::to_string);
    }
    o.events = list(s, &["events"])
        .iter()
        .map(|e| Event {
            name: str(e, &["name"]).unwrap_or_default().to_string(),
            time_ns: hr_time(get(e, &["time"])).unwrap_or(o.start_ns),
            attributes: attrs(e, &["attributes"]),
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
