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

use super::sdk;
use super::wire::{has_zone, is_blank_id, iso_ns, normalize_id, FlexInt};
use super::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, TraceSet, Warning, WarningKind};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// One row; every column optional (a query may select a few).
#[derive(Deserialize, Default)]
struct Row {
    #[serde(rename = "Timestamp", alias = "timestamp", alias = "startTime")]
    timestamp: Option<Box<RawValue>>,
    #[serde(rename = "TraceId", alias = "traceId")]
    trace_id: Option<String>,
    #[serde(rename = "SpanId", alias = "spanId")]
    span_id: Option<String>,
    #[serde(rename = "ParentSpanId", alias = "parentSpanId")]
    parent_span_id: Option<String>,
    #[serde(rename = "SpanName", alias = "spanName")]
    span_name: Option<String>,
    #[serde(rename = "SpanKind", alias = "spanKind")]
    span_kind: Option<Box<RawValue>>,
    #[serde(rename = "ServiceName", alias = "serviceName")]
    service_name: Option<String>,
    #[serde(rename = "ResourceAttributes", alias = "resourceAttributes")]
    resource_attributes: Option<Flat>,
    #[serde(rename = "ScopeName", alias = "scopeName")]
    scope_name: Option<String>,
    #[serde(rename = "ScopeVersion", alias = "scopeVersion")]
    scope_version: Option<String>,
    #[serde(rename = "SpanAttributes", alias = "spanAttributes", alias = "attributes")]
    span_attributes: Option<Flat>,
    #[serde(rename = "Duration", alias = "duration", default)]
    duration: FlexInt,
    #[serde(rename = "StatusCode", alias = "statusCode")]
    status_code: Option<Box<RawValue>>,
    #[serde(rename = "StatusMessage", alias = "statusMessage")]
    status_message: Option<String>,
    #[serde(rename = "Events.Timestamp", alias = "events.timestamp")]
    event_times: Option<Vec<Box<RawValue>>>,
    #[serde(rename = "Events.Name", alias = "events.name")]
    event_names: Option<Vec<String>>,
    #[serde(rename = "Events.Attributes", alias = "events.attributes")]
    event_attrs: Option<Vec<Flat>>,
    /// `Events` as one column of tuples (`flatten_nested = 0`), or a camelCase `events` list.
    #[serde(rename = "Events", alias = "events")]
    events: Option<Vec<EventObj>>,
    #[serde(rename = "Links.TraceId", alias = "links.traceId")]
    link_traces: Option<Vec<String>>,
    #[serde(rename = "Links.SpanId", alias = "links.spanId")]
    link_spans: Option<Vec<String>>,
    #[serde(rename = "Links.Attributes", alias = "links.attributes")]
    link_attrs: Option<Vec<Flat>>,
    /// `FORMAT JSON`/`JSONCompact`: the columns' names and types, then the rows.
    meta: Option<Vec<Meta>>,
    data: Option<Vec<DataRow>>,
}

#[derive(Deserialize)]
struct EventObj {
    #[serde(rename = "Timestamp", alias = "timestamp")]
    timestamp: Option<Box<RawValue>>,
    #[serde(rename = "Name", alias = "name")]
    name: Option<String>,
    #[serde(rename = "Attributes", alias = "attributes")]
    attributes: Option<Flat>,
}

#[derive(Deserialize)]
struct Meta {
    name: String,
}

/// A row of `data`: an object (`FORMAT JSON`) or the values in `meta`'s order (`JSONCompact`).
enum DataRow {
    Named(Box<Row>),
    Compact(Vec<Box<RawValue>>),
}

impl<'de> Deserialize<'de> for DataRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DataRow;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a row: an object or a list of values")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DataRow, A::Error> {
                Row::deserialize(de::value::MapAccessDeserializer::new(map)).map(|r| DataRow::Named(Box::new(r)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DataRow, A::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element::<Box<RawValue>>()? {
                    values.push(v);
                }
                Ok(DataRow::Compact(values))
            }
        }
        d.deserialize_any(V)
    }
}

/// An attribute map with its nested objects flattened to dotted keys: a `JSON`-typed column (the
/// exporter's `json` tables) writes `llm.token_count.prompt` as `{"llm":{"token_count":{"prompt":…}}}`.
/// A Map column's values are strings, which stay as they are. Values keep their JSON types.
#[derive(Default)]
struct Flat(Vec<Attribute>);

/// An object's entries in the order written, each value raw.
struct Entries(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value()?));
                }
                Ok(Entries(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Entries, E> {
                Ok(Entries(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Flat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Entries(top) = Entries::deserialize(d)?;
        let mut out = Vec::with_capacity(top.len());
        // a stack, not recursion; entries pushed in reverse so they come out in the order written
        let mut stack: Vec<(String, Box<RawValue>)> = top.into_iter().rev().collect();
        while let Some((key, raw)) = stack.pop() {
            if raw.get().trim_start().starts_with('{') {
                if let Ok(Entries(inner)) = serde_json::from_str::<Entries>(raw.get()) {
                    if !inner.is_empty() {
                        stack.extend(inner.into_iter().rev().map(|(k, v)| (format!("{key}.{k}"), v)));
                        continue;
                    }
                }
            }
            out.push(Attribute { key: key.into(), value: sdk::value_of(raw) });
        }
        Ok(Flat(out))
    }
}

/// What reading the rows noticed, for the warnings.
#[derive(Default)]
struct Notes {
    zoneless: usize,
    untimed: usize,
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let docs: Vec<Row> = super::wire::items(body).map_err(|e| shape_error(format, &e))?;
    let mut rows = Vec::new();
    for mut doc in docs {
        let Some(data) = doc.data.take() else {
            rows.push(doc);
            continue;
        };
        let names: Vec<String> = doc.meta.take().unwrap_or_default().into_iter().map(|m| m.name).collect();
        for row in data {
            rows.push(match row {
                DataRow::Named(r) => *r,
                DataRow::Compact(values) => compact(&names, values).map_err(|e| shape_error(format, &e))?,
            });
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

/// A `JSONCompact` row as the object `FORMAT JSON` would have written.
fn compact(names: &[String], values: Vec<Box<RawValue>>) -> serde_json::Result<Row> {
    let mut text = String::from("{");
    for (i, (name, value)) in names.iter().zip(values.iter()).enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(name)?);
        text.push(':');
        text.push_str(value.get());
    }
    text.push('}');
    serde_json::from_str(&text)
}

/// A JSON value's text: a string's content, a number as written; `None` for null.
fn text(raw: Option<&RawValue>) -> Option<String> {
    let t = raw?.get().trim();
    if t.starts_with('"') {
        return serde_json::from_str(t).ok();
    }
    (t != "null").then(|| t.to_string())
}

/// A time as ClickHouse writes a `DateTime64(9)`: `2026-12-07 04:49:58.879760825` in the server's
/// zone without saying which (read as UTC, counted), ISO text with a zone
/// (`date_time_output_format = 'iso'`), or epoch seconds with a fraction (`'unix_timestamp'`);
/// also a whole number of ns, µs, ms or s, told apart by its size.
fn time(raw: Option<&RawValue>, notes: &mut Notes) -> Option<i64> {
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
    let start = time(r.timestamp.as_deref(), notes);
    if start.is_none() {
        notes.untimed = notes.untimed.saturating_add(1);
    }
    let mut o = Observation::new(span_id, Kind::Span, r.span_name.unwrap_or_default(), start.unwrap_or(0));
    o.end_ns = start.zip(r.duration.to_i64()).and_then(|(s, d)| s.checked_add(d));
    o.parent_id = id(r.parent_span_id);
    o.attributes = r.span_attributes.unwrap_or_default().0;
    if let Some(k) = text(r.span_kind.as_deref()).as_deref().and_then(sdk::span_kind) {
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
        .or_else(|| r.resource_attributes.and_then(|a| a.0.into_iter().find(|a| a.key == "service.name")));
    if o.attribute("service.name").is_none() {
        o.attributes.extend(service);
    }
    let status = text(r.status_code.as_deref()).unwrap_or_default();
    if status.to_ascii_uppercase().ends_with("ERROR") || status == "2" {
        o.level = Level::Error;
    }
    o.status_message = r.status_message.filter(|m| !m.is_empty());
    let times = r.event_times.unwrap_or_default();
    let names = r.event_names.unwrap_or_default();
    let mut attrs = r.event_attrs.unwrap_or_default().into_iter();
    let n = times.len().max(names.len());
    let mut names = names.into_iter();
    for t in times.iter().map(Some).chain(std::iter::repeat(None)).take(n) {
        let time_ns = time(t.map(|t| &**t), notes).unwrap_or(o.start_ns);
        let (name, attributes) = (names.next().unwrap_or_default(), attrs.next().unwrap_or_default().0);
        o.events.push(Event { name, time_ns, attributes });
    }
    for e in r.events.unwrap_or_default() {
        let time_ns = time(e.timestamp.as_deref(), notes).unwrap_or(o.start_ns);
        let attributes = e.attributes.unwrap_or_default().0;
        o.events.push(Event { name: e.name.unwrap_or_default(), time_ns, attributes });
    }
    let (traces, spans) = (r.link_traces.unwrap_or_default(), r.link_spans.unwrap_or_default());
    let mut link_attrs = r.link_attrs.unwrap_or_default().into_iter();
    let links: Vec<AttrValue> = traces
        .into_iter()
        .zip(spans)
        .map(|(t, s)| {
            let mut entries = vec![str_attr("trace_id", normalize_id(&t)), str_attr("span_id", normalize_id(&s))];
            entries.extend(link_attrs.next().unwrap_or_default().0);
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
        let raw = |s: &str| serde_json::from_str::<Box<RawValue>>(s).unwrap();
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
        let f: Flat = serde_json::from_str(
            r#"{"input":{"value":"{\"a\":1}"},"llm":{"model_name":"gpt","token_count":{"prompt":21}},"n":5,"e":{}}"#,
        )
        .unwrap();
        let got: Vec<(&str, &AttrValue)> = f.0.iter().map(|a| (a.key.as_str(), &a.value)).collect();
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
