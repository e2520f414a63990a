//! Spans as the OpenTelemetry Python SDK prints them (`ReadableSpan.to_json()`): what
//! `ConsoleSpanExporter` writes (pretty-printed objects one after another, `0x…` hex ids, ISO
//! times, `null` end times of spans still running), and any-agent's saved `AgentTrace`
//! (`{spans, final_output}`: the same span objects with ids as decimal integers, `parent` as a
//! context, times as integer nanoseconds).

use super::{attrs, big_int, hex_id, no_parent, objects, payload, span_kind, traces};
use crate::import::jsonv::{get, list, str};
use crate::import::wire::iso_ns;
use crate::import::{Format, ImportError};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, TraceSet};
use serde_json::Value;

/// An id written as `"0x…"` hex text or as a decimal integer (any-agent), as lowercase hex of
/// `width` digits. `None` for null.
fn id(v: Option<&Value>, width: usize) -> Option<String> {
    let v = v?;
    if let Some(digits) = big_int(v) {
        return Some(digits.parse::<u128>().map_or_else(|_| digits.to_string(), |n| format!("{n:0width$x}")));
    }
    match v {
        Value::Null => None,
        Value::String(s) => Some(hex_id(s)),
        Value::Number(n) => Some(n.as_u64().map_or_else(|| n.to_string(), |n| format!("{n:0width$x}"))),
        other => Some(serde_json::to_string(other).unwrap_or_default()),
    }
}

/// A time as ISO text (the console) or integer nanoseconds (any-agent); `None` for null.
fn time(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::String(s) if big_int(v?).is_none() => iso_ns(Some(s)),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let docs = objects(body, format)?;
    let mut output = None;
    let spans: Vec<&Value> = if format == Format::AnyAgent {
        let mut spans = Vec::new();
        for d in &docs {
            spans.extend(list(d, &["spans"]));
            output = output.or(get(d, &["final_output"]));
        }
        spans
    } else {
        docs.iter().collect()
    };
    let mut set = traces(file, spans.into_iter().map(observation).collect());
    // the agent's answer is the trace's output when no root span carries one
    if let (Some(out), [t]) = (output, set.traces.as_mut_slice()) {
        if t.output.is_none() {
            t.output = Some(payload(out));
        }
    }
    Ok(set)
}

fn observation(s: &Value) -> (String, Observation) {
    let ctx = get(s, &["context"]);
    let ctx_id = |c: Option<&Value>, key: &str, width| id(c.and_then(|c| get(c, &[key])), width);
    let trace_id = ctx_id(ctx, "trace_id", 32).unwrap_or_default();
    let span_id = ctx_id(ctx, "span_id", 16).unwrap_or_default();
    let start = time(get(s, &["start_time"]));
    let name = str(s, &["name"]).unwrap_or_default().to_string();
    let mut o = Observation::new(span_id, Kind::Span, name, start.unwrap_or(0));
    o.end_ns = time(get(s, &["end_time"]));
    o.parent_id =
        id(get(s, &["parent_id"]), 16).or_else(|| ctx_id(get(s, &["parent"]), "span_id", 16)).filter(|p| !no_parent(p));
    o.attributes = attrs(s, &["attributes"]);
    if let Some(k) = str(s, &["kind"]).and_then(span_kind) {
        o.attributes.push(Attribute { key: "otel.span_kind".into(), value: AttrValue::Str(k.into()) });
    }
    let links: Vec<AttrValue> = list(s, &["links"])
        .iter()
        .map(|l| {
            let c = get(l, &["context"]);
            let mut entries = vec![
                Attribute {
                    key: "trace_id".into(),
                    value: AttrValue::Str(ctx_id(c, "trace_id", 32).unwrap_or_default()),
                },
                Attribute {
                    key: "span_id".into(),
                    value: AttrValue::Str(ctx_id(c, "span_id", 16).unwrap_or_default()),
                },
            ];
            entries.extend(attrs(l, &["attributes"]));
            AttrValue::Map(entries)
        })
        .collect();
    if !links.is_empty() {
        o.attributes.push(Attribute { key: "otel.links".into(), value: AttrValue::Array(links) });
    }
    // the resource's service name, as the OTLP importer adds it
    let service = get(s, &["resource"])
        .map(|r| attrs(r, &["attributes"]))
        .and_then(|a| a.into_iter().find(|a| a.key == "service.name" && o.attribute("service.name").is_none()));
    o.attributes.extend(service);
    if let Some(status) = get(s, &["status"]) {
        if str(status, &["status_code"]).is_some_and(|c| c.eq_ignore_ascii_case("ERROR")) {
            o.level = Level::Error;
        }
        o.status_message = str(status, &["description"]).filter(|d| !d.is_empty()).map(str::to_string);
    }
    o.events = list(s, &["events"])
        .iter()
        .map(|e| Event {
            name: str(e, &["name"]).unwrap_or_default().to_string(),
            time_ns: time(get(e, &["timestamp"])).unwrap_or(o.start_ns),
            attributes: attrs(e, &["attributes"]),
        })
        .collect();
    (trace_id, o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_as_hex_text_or_decimal_integers() {
        let body = r#"{"a": 100927429609276267646756448943279827607, "b": 12324293800750531911,
            "c": "0x7c55252ee7e5a186", "d": null, "t": 1758026593210770000, "i": "1970-01-01T00:00:01.000002Z"}"#;
        let v = &objects(body, Format::AnyAgent).unwrap()[0];
        assert_eq!(id(v.get("a"), 32).unwrap(), format!("{:032x}", 100927429609276267646756448943279827607u128));
        assert_eq!(id(v.get("b"), 16).unwrap(), "ab08afea3548c547");
        assert_eq!(id(v.get("c"), 16).unwrap(), "7c55252ee7e5a186");
        assert_eq!(id(v.get("d"), 16), None);
        assert_eq!(time(v.get("t")), Some(1_758_026_593_210_770_000));
        assert_eq!(time(v.get("i")), Some(1_000_002_000));
    }
}
