//! Rows of the `otel_traces` table that the OpenTelemetry Collector's ClickHouse exporter writes
//! (opentelemetry-collector-contrib `exporter/clickhouseexporter`; ClickStack/HyperDX and Grafana's
//! ClickHouse data source query it), as ClickHouse exports a query's result: `FORMAT
//! JSONEachRow` (one object a line, or a list), `FORMAT JSON` (`{meta, data: [row], rows}`) and
//! `FORMAT JSONCompact` (`{meta, data: [[value]]}`, named by `meta`). Columns are read by their
//! names (`Timestamp`, `TraceId`, `SpanId`, `ParentSpanId`, `SpanName`, `SpanKind`, `ServiceName`,
//! `ResourceAttributes`, `ScopeName`, `ScopeVersion`, `SpanAttributes`, `Duration` in ns,
//! `StatusCode`, `StatusMessage`, `Events.*`, `Links.*`) or their camelCase spellings (`spanName`,
//! `spanAttributes`/`attributes`, …), so single span objects `{scopeName, spanName, attributes}`
//! open too. Rows are grouped into traces by their trace id.

use super::jsonv::{self, as_int};
use super::sdk;
use super::wire::{has_zone, is_blank_id, iso_ns, normalize_id};
use super::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, Payload, TraceSet, Warning, WarningKind};
use serde_json::{Map, Value};

/// One row, read from the columns' values (every column optional: a query may select a few).
#[derive(Default)]
struct Row {
    timestamp: Option<Value>,
    trace_id: Option<String>,
    span_id: Option<String>,
    parent_span_id: Option<String>,
    span_name: Option<String>,
    span_kind: Option<Value>,
    service_name: Option<String>,
    resource_attributes: Vec<Attribute>,
    scope_name: Option<String>,
    scope_version: Option<String>,
    span_attributes: Vec<Attribute>,
    duration: Option<i128>,
    status_code: Option<Value>,
    status_message: Option<String>,
    event_times: Vec<Value>,
    event_names: Vec<String>,
    event_attrs: Vec<Value>,
    /// `Events` as one column of tuples (`flatten_nested = 0`), or a camelCase `events` list.
    events: Vec<Value>,
    link_traces: Vec<String>,
    link_spans: Vec<String>,
    link_attrs: Vec<Value>,
}

/// The first of `keys` in `map` not null, taken out of it.
fn take(map: &mut Map<String, Value>, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| map.remove(*k).filter(|v| !v.is_null()))
}

/// A string column (a number given as its text).
fn string(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn take_str(map: &mut Map<String, Value>, keys: &[&str]) -> Option<String> {
    take(map, keys).and_then(string)
}

fn take_list(map: &mut Map<String, Value>, keys: &[&str]) -> Vec<Value> {
    match take(map, keys) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn take_strings(map: &mut Map<String, Value>, keys: &[&str]) -> Vec<String> {
    take_list(map, keys).into_iter().map(|v| string(v).unwrap_or_default()).collect()
}

impl Row {
    /// A row object's columns by their names (`FORMAT JSON`) or camelCase spellings.
    fn read(mut m: Map<String, Value>) -> Row {
        Row {
            timestamp: take(&mut m, &["Timestamp", "timestamp", "startTime"]),
            trace_id: take_str(&mut m, &["TraceId", "traceId"]),
            span_id: take_str(&mut m, &["SpanId", "spanId"]),
            parent_span_id: take_str(&mut m, &["ParentSpanId", "parentSpanId"]),
            span_name: take_str(&mut m, &["SpanName", "spanName"]),
            span_kind: take(&mut m, &["SpanKind", "spanKind"]),
            service_name: take_str(&mut m, &["ServiceName", "serviceName"]),
            resource_attributes: flat(take(&mut m, &["ResourceAttributes", "resourceAttributes"])),
            scope_name: take_str(&mut m, &["ScopeName", "scopeName"]),
            scope_version: take_str(&mut m, &["ScopeVersion", "scopeVersion"]),
            span_attributes: flat(take(&mut m, &["SpanAttributes", "spanAttributes", "attributes"])),
            duration: take(&mut m, &["Duration", "duration"]).as_ref().and_then(as_int),
            status_code: take(&mut m, &["StatusCode", "statusCode"]),
            status_message: take_str(&mut m, &["StatusMessage", "statusMessage"]),
            event_times: take_list(&mut m, &["Events.Timestamp", "events.timestamp"]),
            event_names: take_strings(&mut m, &["Events.Name", "events.name"]),
            event_attrs: take_list(&mut m, &["Events.Attributes", "events.attributes"]),
            events: take_list(&mut m, &["Events", "events"]),
            link_traces: take_strings(&mut m, &["Links.TraceId", "links.traceId"]),
            link_spans: take_strings(&mut m, &["Links.SpanId", "links.spanId"]),
            link_attrs: take_list(&mut m, &["Links.Attributes", "links.attributes"]),
        }
    }
}

/// An attribute map with its nested objects flattened to dotted keys: a `JSON`-typed column (the
/// exporter's `json` tables) writes `llm.token_count.prompt` as `{"llm":{"token_count":{"prompt":…}}}`.
/// A Map column's values are strings, which stay as they are. Values keep their JSON types.
fn flat(v: Option<Value>) -> Vec<Attribute> {
    let Some(Value::Object(top)) = v else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(top.len());
    // a stack, not recursion; entries pushed in reverse so they come out in the order written
    let mut stack: Vec<(String, Value)> = top.into_iter().rev().collect();
    while let Some((key, value)) = stack.pop() {
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                stack.extend(inner.into_iter().rev().map(|(k, v)| (format!("{key}.{k}"), v)));
            }
            value => out.push(Attribute { key: key.into(), value: value_of(value) }),
        }
    }
    out
}

/// One JSON value as an attribute value, as `sdk::value_of` reads raw JSON: lists of scalars item
/// by item, anything else nested kept as JSON.
fn value_of(v: Value) -> AttrValue {
    match v {
        Value::String(s) => AttrValue::Str(s),
        Value::Bool(b) => AttrValue::Bool(b),
        Value::Null => AttrValue::Str(String::new()),
        Value::Array(items) if !items.iter().any(|i| i.is_array() || i.is_object()) => {
            AttrValue::Array(items.into_iter().map(value_of).collect())
        }
        Value::Array(_) | Value::Object(_) => AttrValue::Json(Payload::from_value(&v)),
        Value::Number(n) => {
            let text = n.to_string();
            if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
                crate::model::units::parse_f64(&text).map(AttrValue::Float).unwrap_or(AttrValue::Str(text))
            } else {
                AttrValue::Int(text)
            }
        }
    }
}

/// What reading the rows noticed, for the warnings.
#[derive(Default)]
struct Notes {
    zoneless: usize,
    untimed: usize,
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let mut rows = Vec::new();
    for doc in serde_json::Deserializer::from_str(body).into_iter::<Value>() {
        match doc.map_err(|e| shape_error(format, &e))? {
            Value::Array(items) => {
                for item in items.into_iter().filter(|i| !i.is_null()) {
                    document(item, &mut rows, format)?;
                }
            }
            doc => document(doc, &mut rows, format)?,
        }
    }
    if !rows.iter().any(|r| r.trace_id.is_some() || r.span_id.is_some() || r.span_name.is_some()) {
        return Err(ImportError::Unrecognized(
            "a ClickHouse result without the TraceId, SpanId or SpanName columns of otel_traces".into(),
        ));
    }
    let mut notes = Notes::default();
    let spans = rows.into_iter().enumerate().map(|(i, r)| observation(file, i, r, &mut notes)).collect();
    let mut set = sdk::traces(file, spans);
    if notes.zoneless > 0 {
        set.warnings.push(Warning::new(file, WarningKind::NoTimeZone { times: notes.zoneless }));
    }
    if notes.untimed > 0 {
        set.warnings.push(Warning::new(file, WarningKind::Untimed { spans: notes.untimed }));
    }
    Ok(set)
}

/// One object of the result: a row (`JSONEachRow`), or `{meta, data}` (`FORMAT JSON`/`JSONCompact`)
/// whose `data` rows are objects or the values in `meta`'s order.
fn document(doc: Value, rows: &mut Vec<Row>, format: Format) -> Result<(), ImportError> {
    let Value::Object(mut map) = doc else {
        return Err(jsonv::wrong_shape(format, "an object or a list of objects", &doc));
    };
    let data = match take(&mut map, &["data"]) {
        Some(Value::Array(data)) => data,
        Some(other) => return Err(jsonv::wrong_shape(format, "a list of rows", &other)),
        None => {
            rows.push(Row::read(map));
            return Ok(());
        }
    };
    let names: Vec<String> = jsonv::list(&Value::Object(map), &["meta"])
        .iter()
        .map(|m| jsonv::text(m, &["name"]).unwrap_or_default())
        .collect();
    for row in data {
        match row {
            Value::Object(r) => rows.push(Row::read(r)),
            // a `JSONCompact` row as the object `FORMAT JSON` would have written
            Value::Array(values) => rows.push(Row::read(names.iter().cloned().zip(values).collect())),
            other => return Err(jsonv::wrong_shape(format, "a row: an object or a list of values", &other)),
        }
    }
    Ok(())
}

/// A JSON value's text: a string's content, a number as written; `None` for null.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A time as ClickHouse writes a `DateTime64(9)`: `2026-12-07 04:49:58.879760825` in the server's
/// zone without saying which (read as UTC, counted), ISO text with a zone
/// (`date_time_output_format = 'iso'`), or epoch seconds with a fraction (`'unix_timestamp'`);
/// also a whole number of ns, µs, ms or s, told apart by its size.
fn time(raw: Option<&Value>, notes: &mut Notes) -> Option<i64> {
    let t = text(raw)?;
    let t = t.trim();
    if t.contains('-') && t.len() >= 10 {
        if !has_zone(t) {
            notes.zoneless = notes.zoneless.saturating_add(1);
        }
        return iso_ns(Some(t));
    }
    epoch_ns(t)
}

/// Epoch text as nanoseconds, exactly: `1796618998.879760825` (seconds with a fraction), or an
/// integer whose digits say its unit (19 ns, 16 µs, 13 ms, 10 s).
fn epoch_ns(t: &str) -> Option<i64> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((whole, frac)) = t.split_once('.') {
        if !digits(whole) || !(frac.is_empty() || digits(frac)) {
            return None;
        }
        let frac: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        let ns = whole.parse::<i64>().ok()?.checked_mul(1_000_000_000)?;
        return ns.checked_add(frac.parse::<i64>().ok()?);
    }
    if !digits(t) {
        return None;
    }
    let n = t.parse::<i64>().ok()?;
    let per = match t.trim_start_matches('0').len() {
        0..=11 => 1_000_000_000,
        12..=14 => 1_000_000,
        15..=17 => 1_000,
        _ => 1,
    };
    n.checked_mul(per)
}

fn id(raw: Option<String>) -> Option<String> {
    raw.filter(|s| !is_blank_id(s)).map(|s| normalize_id(&s))
}

fn str_attr(key: &str, value: String) -> Attribute {
    Attribute { key: key.into(), value: AttrValue::Str(value) }
}

fn observation(file: &str, i: usize, r: Row, notes: &mut Notes) -> (String, Observation) {
    let trace_id = id(r.trace_id).unwrap_or_else(|| file.to_string());
    let span_id = id(r.span_id).unwrap_or_else(|| format!("row-{}", i.saturating_add(1)));
    let start = time(r.timestamp.as_ref(), notes);
    if start.is_none() {
        notes.untimed = notes.untimed.saturating_add(1);
    }
    let mut o = Observation::new(span_id, Kind::Span, r.span_name.unwrap_or_default(), start.unwrap_or(0));
    let duration = r.duration.and_then(|d| i64::try_from(d).ok());
    o.end_ns = start.zip(duration).and_then(|(s, d)| s.checked_add(d));
    o.parent_id = id(r.parent_span_id);
    o.attributes = r.span_attributes;
    if let Some(k) = text(r.span_kind.as_ref()).as_deref().and_then(sdk::span_kind) {
        o.attributes.push(str_attr("otel.span_kind", k.into()));
    }
    // the scope and the resource's service name, as the OTLP importer adds them
    for (key, v) in [("otel.scope.name", r.scope_name), ("otel.scope.version", r.scope_version)] {
        if let Some(v) = v.filter(|v| !v.is_empty() && o.attribute(key).is_none()) {
            o.attributes.push(str_attr(key, v));
        }
    }
    let service = r
        .service_name
        .filter(|s| !s.is_empty())
        .map(|s| str_attr("service.name", s))
        .or_else(|| r.resource_attributes.into_iter().find(|a| a.key == "service.name"));
    if o.attribute("service.name").is_none() {
        o.attributes.extend(service);
    }
    let status = text(r.status_code.as_ref()).unwrap_or_default();
    if status.to_ascii_uppercase().ends_with("ERROR") || status == "2" {
        o.level = Level::Error;
    }
    o.status_message = r.status_message.filter(|m| !m.is_empty());
    let times = r.event_times;
    let mut attrs = r.event_attrs.into_iter();
    let n = times.len().max(r.event_names.len());
    let mut names = r.event_names.into_iter();
    for t in times.iter().map(Some).chain(std::iter::repeat(None)).take(n) {
        let time_ns = time(t, notes).unwrap_or(o.start_ns);
        let (name, attributes) = (names.next().unwrap_or_default(), flat(attrs.next()));
        o.events.push(Event { name, time_ns, attributes });
    }
    for e in r.events {
        // an object, or a tuple (timestamp, name, attributes)
        let (timestamp, name, attributes) = match e {
            Value::Object(mut m) => (
                take(&mut m, &["Timestamp", "timestamp"]),
                take_str(&mut m, &["Name", "name"]),
                take(&mut m, &["Attributes", "attributes"]),
            ),
            Value::Array(t) => {
                let mut t = t.into_iter();
                (t.next(), t.next().and_then(string), t.next())
            }
            _ => (None, None, None),
        };
        let time_ns = time(timestamp.as_ref(), notes).unwrap_or(o.start_ns);
        o.events.push(Event { name: name.unwrap_or_default(), time_ns, attributes: flat(attributes) });
    }
    let mut link_attrs = r.link_attrs.into_iter();
    let links: Vec<AttrValue> = r
        .link_traces
        .into_iter()
        .zip(r.link_spans)
        .map(|(t, s)| {
            let mut entries = vec![str_attr("trace_id", normalize_id(&t)), str_attr("span_id", normalize_id(&s))];
            entries.extend(flat(link_attrs.next()));
            AttrValue::Map(entries)
        })
        .collect();
    if !links.is_empty() {
        o.attributes.push(Attribute { key: "otel.links".into(), value: AttrValue::Array(links) });
    }
    (trace_id, o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_each_form_clickhouse_writes() {
        let raw = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        let mut notes = Notes::default();
        let want = 1_796_618_998_879_760_825;
        // 1796618998.879760825 s is 2026-12-07 04:49:58.879760825 UTC (python: datetime.fromtimestamp(…, utc))
        assert_eq!(time(Some(&raw(r#""2026-12-07 04:49:58.879760825""#)), &mut notes), Some(want));
        assert_eq!(notes.zoneless, 1);
        assert_eq!(time(Some(&raw(r#""2026-12-07T04:49:58.879760825Z""#)), &mut notes), Some(want));
        assert_eq!(notes.zoneless, 1, "a zone given is not counted");
        assert_eq!(time(Some(&raw(r#""1796618998.879760825""#)), &mut notes), Some(want));
        assert_eq!(time(Some(&raw("1796618998879760825")), &mut notes), Some(want));
        assert_eq!(time(Some(&raw("1796618998879")), &mut notes), Some(1_796_618_998_879_000_000));
        assert_eq!(time(Some(&raw("1796618998")), &mut notes), Some(1_796_618_998_000_000_000));
        assert_eq!(time(Some(&raw("1796618998.5")), &mut notes), Some(1_796_618_998_500_000_000));
        for bad in [r#""soon""#, "null", r#""99999999999999999999.1""#, "-5", r#""1.2.3""#] {
            assert_eq!(time(Some(&raw(bad)), &mut notes), None, "{bad}");
        }
    }

    #[test]
    fn json_columns_are_flattened_to_dotted_keys() {
        // as chdb 4.4.0 (ClickHouse 26.9) writes a `JSON` column holding llm.token_count.prompt = "21",
        // llm.model_name = "gpt" and input.value = '{"a":1}'
        let f = flat(serde_json::from_str(
            r#"{"input":{"value":"{\"a\":1}"},"llm":{"model_name":"gpt","token_count":{"prompt":21}},"n":5,"e":{}}"#,
        )
        .unwrap());
        let got: Vec<(&str, &AttrValue)> = f.iter().map(|a| (a.key.as_str(), &a.value)).collect();
        assert_eq!(got[0], ("input.value", &AttrValue::Str(r#"{"a":1}"#.into())));
        assert_eq!(got[1], ("llm.model_name", &AttrValue::Str("gpt".into())));
        assert_eq!(got[2], ("llm.token_count.prompt", &AttrValue::Int("21".into())));
        assert_eq!(got[3], ("n", &AttrValue::Int("5".into())));
        assert!(matches!(got[4], ("e", AttrValue::Json(_))), "an empty object stays a value");
    }

    #[test]
    fn status_and_kind_in_the_exporters_spellings() {
        // exporter_traces.go wrote traceutil's STATUS_CODE_*/SPAN_KIND_*; pdata's String() gives Error/Client
        for (status, kind, error) in [
            ("STATUS_CODE_ERROR", "SPAN_KIND_CLIENT", true),
            ("Error", "Client", true),
            ("Ok", "Internal", false),
            ("STATUS_CODE_UNSET", "SPAN_KIND_CLIENT", false),
        ] {
            let row =
                format!(r#"{{"TraceId":"a","SpanId":"b","SpanName":"x","StatusCode":"{status}","SpanKind":"{kind}"}}"#);
            let set = import("f", &row, Format::ClickHouse).unwrap();
            let o = &set.traces[0].observations[0];
            assert_eq!(o.level == Level::Error, error, "{status}");
            let k = o.attribute("otel.span_kind").map(|a| format!("{a:?}"));
            assert!(k.is_some_and(|k| k.to_lowercase().contains(&kind.to_lowercase().replace("span_kind_", ""))));
        }
    }
}
