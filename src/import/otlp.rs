//! OTLP JSON: spec form (hex ids, integer enums), protobuf-JSON (base64 ids, enum names), snake_case
//! keys with nulls, one request, an array of requests, or JSON Lines (one request per line). The
//! document's envelope is followed by `otlp_chunks`, which also reads it piece by piece.

use super::otlp_chunks::{Chunked, Role};
use super::semconv;
use super::wire::{is_blank_id, normalize_id, normalize_id_owned, FlexFloat, FlexInt};
use super::{Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::units::plural;
use crate::model::{AttrValue, Attribute, Event, Level, Observation, Score, ScoreValue, Trace, TraceSet};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;

#[derive(Deserialize)]
pub(super) struct Resource {
    attributes: Option<Attrs<0>>,
}

#[derive(Deserialize)]
pub(super) struct Scope {
    name: Option<String>,
    version: Option<String>,
}

impl Scope {
    /// The scope's name and version; a scope without a name adds nothing.
    pub(super) fn named(self) -> Option<(String, Option<String>)> {
        self.name.map(|n| (n, self.version))
    }
}

#[derive(Deserialize)]
pub(super) struct Span {
    #[serde(alias = "traceId", alias = "trace_id")]
    trace_id: Option<String>,
    #[serde(alias = "spanId", alias = "span_id")]
    span_id: Option<String>,
    #[serde(alias = "parentSpanId", alias = "parent_span_id")]
    parent_span_id: Option<String>,
    name: Option<String>,
    kind: Option<EnumValue>,
    #[serde(alias = "startTimeUnixNano", alias = "start_time_unix_nano")]
    start_time_unix_nano: Option<FlexInt>,
    #[serde(alias = "endTimeUnixNano", alias = "end_time_unix_nano")]
    end_time_unix_nano: Option<FlexInt>,
    attributes: Option<Attrs<SPAN_EXTRA>>,
    events: Option<Vec<SpanEvent>>,
    status: Option<Status>,
    links: Option<Vec<Link>>,
    #[serde(alias = "droppedAttributesCount", alias = "dropped_attributes_count")]
    dropped_attributes_count: Option<FlexInt>,
    #[serde(alias = "droppedEventsCount", alias = "dropped_events_count")]
    dropped_events_count: Option<FlexInt>,
}

#[derive(Deserialize)]
struct Link {
    #[serde(alias = "traceId", alias = "trace_id")]
    trace_id: Option<String>,
    #[serde(alias = "spanId", alias = "span_id")]
    span_id: Option<String>,
    attributes: Option<Attrs<0>>,
}

#[derive(Deserialize)]
struct SpanEvent {
    #[serde(alias = "timeUnixNano", alias = "time_unix_nano")]
    time_unix_nano: Option<FlexInt>,
    name: Option<String>,
    attributes: Option<Attrs<0>>,
}

#[derive(Deserialize)]
struct Status {
    code: Option<EnumValue>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct KeyValue {
    key: crate::model::key::Key,
    value: Option<AnyValue>,
}

/// An OTLP `AnyValue`, read straight into the attribute value it becomes: no struct of seven
/// optional fields per attribute (a million and a half of them in a large file). When a writer
/// gives several fields, the first of string, bool, int, double, bytes, array, kvlist holds.
struct AnyValue(AttrValue);

/// The fields of an `AnyValue`, in the order they take precedence.
#[derive(Clone, Copy)]
enum AnyField {
    Str,
    Bool,
    Int,
    Double,
    Bytes,
    Array,
    KvList,
    Other,
}

impl AnyField {
    const NAMES: [&'static str; 7] =
        ["stringValue", "boolValue", "intValue", "doubleValue", "bytesValue", "arrayValue", "kvlistValue"];

    fn of(name: &str) -> AnyField {
        match name {
            "stringValue" | "string_value" => AnyField::Str,
            "boolValue" | "bool_value" => AnyField::Bool,
            "intValue" | "int_value" => AnyField::Int,
            "doubleValue" | "double_value" => AnyField::Double,
            "bytesValue" | "bytes_value" => AnyField::Bytes,
            "arrayValue" | "array_value" => AnyField::Array,
            "kvlistValue" | "kvlist_value" => AnyField::KvList,
            _ => AnyField::Other,
        }
    }
}

impl<'de> Deserialize<'de> for AnyField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AnyField, E> {
                Ok(AnyField::of(v))
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OTLP AnyValue object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<AnyValue, A::Error> {
                let mut best: Option<(usize, AttrValue)> = None;
                let mut seen = 0u8;
                while let Some(field) = map.next_key::<AnyField>()? {
                    let rank = field as usize;
                    if let Some(&name) = AnyField::NAMES.get(rank) {
                        // as strict as a derived struct: a field (or its snake_case alias) once
                        if seen & (1 << rank) != 0 {
                            return Err(de::Error::duplicate_field(name));
                        }
                        seen |= 1 << rank;
                    }
                    // `null` counts as absent
                    let value = match field {
                        AnyField::Str => map.next_value::<Option<String>>()?.map(AttrValue::Str),
                        AnyField::Bool => map.next_value::<Option<bool>>()?.map(AttrValue::Bool),
                        AnyField::Int => map.next_value::<Option<IntText>>()?.map(|i| AttrValue::Int(i.0)),
                        AnyField::Double => {
                            map.next_value::<Option<FlexFloat>>()?.map(|f| AttrValue::Float(f.0.unwrap_or(f64::NAN)))
                        }
                        AnyField::Bytes => map.next_value::<Option<String>>()?.map(AttrValue::Bytes),
                        AnyField::Array => map
                            .next_value::<Option<ArrayValue>>()?
                            .map(|a| AttrValue::Array(a.values.unwrap_or_default().into_iter().map(|v| v.0).collect())),
                        AnyField::KvList => {
                            map.next_value::<Option<KvList>>()?.map(|kv| AttrValue::Map(attributes(kv.values)))
                        }
                        AnyField::Other => {
                            map.next_value::<de::IgnoredAny>()?;
                            None
                        }
                    };
                    if let Some(v) = value {
                        if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                            best = Some((rank, v));
                        }
                    }
                }
                Ok(AnyValue(best.map_or(AttrValue::Str(String::new()), |(_, v)| v)))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
struct ArrayValue {
    values: Option<Vec<AnyValue>>,
}

#[derive(Deserialize)]
struct KvList {
    values: Option<Attrs<0>>,
}

/// An integer kept as its decimal text, so values beyond 2^53 or i64 are not rounded.
struct IntText(String);

impl<'de> Deserialize<'de> for IntText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IntText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntText, E> {
                Ok(IntText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An enum written as its number (spec JSON) or its name (protobuf-JSON).
enum EnumValue {
    Num(i64),
    Name(String),
}

impl<'de> Deserialize<'de> for EnumValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EnumValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnumValue, E> {
                Ok(EnumValue::Num(v as i64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnumValue, E> {
                Ok(EnumValue::Num(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumValue, E> {
                Ok(EnumValue::Name(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl EnumValue {
    fn span_kind(&self) -> &'static str {
        let n = match self {
            EnumValue::Num(n) => *n,
            EnumValue::Name(s) => match s.trim_start_matches("SPAN_KIND_").to_ascii_uppercase().as_str() {
                "INTERNAL" => 1,
                "SERVER" => 2,
                "CLIENT" => 3,
                "PRODUCER" => 4,
                "CONSUMER" => 5,
                _ => 0,
            },
        };
        match n {
            1 => "internal",
            2 => "server",
            3 => "client",
            4 => "producer",
            5 => "consumer",
            _ => "unspecified",
        }
    }

    fn is_error(&self) -> bool {
        match self {
            EnumValue::Num(n) => *n == 2,
            EnumValue::Name(s) => s.eq_ignore_ascii_case("STATUS_CODE_ERROR") || s.eq_ignore_ascii_case("ERROR"),
        }
    }
}

fn attributes<const EXTRA: usize>(list: Option<Attrs<EXTRA>>) -> Vec<Attribute> {
    list.map(|a| a.0).unwrap_or_else(|| Vec::with_capacity(EXTRA))
}

/// Room a span's attributes keep for what `observation` and its context add: the span kind,
/// the service, the scope's name and version (`semconv::apply` gives back what is not used).
const SPAN_EXTRA: usize = 4;

/// A list of OTLP `KeyValue`s read straight into attributes with room for `EXTRA` more. They are
/// gathered in a buffer kept between lists and then copied once into a list of the exact size:
/// no list grows while it is read, and no second list is built from the first.
struct Attrs<const EXTRA: usize>(Vec<Attribute>);

thread_local! {
    static ATTRS_BUFFER: std::cell::Cell<Vec<Attribute>> = const { std::cell::Cell::new(Vec::new()) };
}

impl<'de, const EXTRA: usize> Deserialize<'de> for Attrs<EXTRA> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const E: usize>;
        impl<'de, const E: usize> Visitor<'de> for V<E> {
            type Value = Attrs<E>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of attributes")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Attrs<E>, A::Error> {
                // a list inside a value (kvlistValue) finds the buffer taken and starts its own
                let mut buf = ATTRS_BUFFER.take();
                buf.clear();
                let read = loop {
                    match seq.next_element::<KeyValue>() {
                        Ok(Some(kv)) => buf.push(Attribute {
                            key: kv.key,
                            value: kv.value.map_or(AttrValue::Str(String::new()), |v| v.0),
                        }),
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                };
                let mut out = Vec::with_capacity(buf.len() + E);
                out.append(&mut buf);
                // one span with thousands of attributes does not keep their room for the rest
                if buf.capacity() <= 1024 {
                    ATTRS_BUFFER.set(buf);
                }
                read.map(|()| Attrs(out))
            }
        }
        d.deserialize_seq(V::<EXTRA>)
    }
}

/// What the enclosing resource and scope add to each of their spans.
#[derive(Clone, Default)]
pub(super) struct Context {
    /// Canopy's own OTLP export keeps trace ids that were not OTLP hex here.
    original_trace: Option<String>,
    /// `service.name` from the resource.
    service: Option<Attribute>,
    /// `otel.scope.name` and `otel.scope.version`.
    scope: Vec<Attribute>,
}

impl Context {
    pub(super) fn with_resource(mut self, r: Option<Resource>) -> Context {
        let resource = attributes(r.and_then(|r| r.attributes));
        let text = |k: &str| resource.iter().find(|a| a.key == k).and_then(|a| a.value.as_str()).map(str::to_string);
        self.service = text("service.name").map(|s| Attribute { key: "service.name".into(), value: AttrValue::Str(s) });
        self.original_trace = text("canopy.original_trace_id");
        self
    }

    pub(super) fn with_named_scope(mut self, scope: Option<(String, Option<String>)>) -> Context {
        self.scope.clear();
        if let Some((name, version)) = scope {
            self.scope.push(Attribute { key: "otel.scope.name".into(), value: AttrValue::Str(name) });
            if let Some(v) = version {
                self.scope.push(Attribute { key: "otel.scope.version".into(), value: AttrValue::Str(v) });
            }
        }
        self
    }

    /// What every span under this resource and scope carries, made once: a span copies the
    /// values, and its keys are the same shared keys.
    fn span_attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.service.iter().chain(&self.scope)
    }
}

/// One trace as its spans arrive.
#[derive(Default)]
struct Pending {
    obs: Vec<Observation>,
    ids: semconv::TraceIds,
}

/// Spans are converted as the parser reaches them, so the file's wire form of all spans is never
/// held at once: peak memory is the bytes plus the model, not the bytes plus two copies.
#[derive(Default)]
pub(super) struct Gather {
    slots: HashMap<String, usize>,
    traces: Vec<(String, Pending)>,
    /// The trace id of the last span as written, and its trace's slot.
    last: Option<(String, usize)>,
    untimed: usize,
    dropped: i64,
    /// Spans read so far, for progress.
    pub(super) spans: usize,
    /// Bytes that are not UTF-8 were replaced.
    pub(super) not_utf8: bool,
}

impl Gather {
    pub(super) fn span(&mut self, span: Span, ctx: &Context) {
        self.spans += 1;
        // spans of one trace mostly come one after another: the last trace's slot is reused
        // without normalizing and hashing its id again
        let same_as_last = ctx.original_trace.is_none()
            && self.last.as_ref().is_some_and(|(raw, _)| Some(raw.as_str()) == span.trace_id.as_deref());
        let known = if same_as_last { self.last.as_ref().map(|(_, slot)| *slot) } else { None };
        let slot = match known {
            Some(slot) => slot,
            None => {
                let trace_id = ctx
                    .original_trace
                    .clone()
                    .unwrap_or_else(|| span.trace_id.as_deref().map(normalize_id).unwrap_or_default());
                let slot = match self.slots.get(&trace_id) {
                    Some(&i) => i,
                    None => {
                        self.slots.insert(trace_id.clone(), self.traces.len());
                        self.traces.push((trace_id, Pending::default()));
                        self.traces.len() - 1
                    }
                };
                self.last = match (&ctx.original_trace, &span.trace_id) {
                    (None, Some(raw)) => Some((raw.clone(), slot)),
                    _ => None,
                };
                slot
            }
        };
        let mut ob = observation(span, &mut self.untimed, &mut self.dropped);
        ob.attributes.extend(ctx.span_attributes().cloned());
        // attributes that become fields (messages, usage…) are folded now, while the span is small
        let ids = semconv::apply(&mut ob);
        let pending = &mut self.traces[slot].1;
        pending.ids.absorb(ids);
        pending.obs.push(ob);
    }
}

/// The names OTLP JSON writers use for each level's fields.
pub(super) const RESOURCE_SPANS: [&str; 3] = ["resourceSpans", "resource_spans", "batches"];
pub(super) const SCOPE_SPANS: [&str; 4] =
    ["scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans"];
pub(super) const SCOPE: [&str; 3] = ["scope", "instrumentationLibrary", "instrumentation_library"];

/// Reads one JSON value (an export request, a list of them, Tempo's `{trace: …}` or a page of
/// spans) into `gather`, with the chunked reader given all the text at once.
fn read_value(gather: Gather, body: &str, format: Format) -> Result<Gather, ImportError> {
    let mut c = Chunked::new(root_of(body.as_bytes(), format), format, gather);
    c.push_text(body)?;
    c.finish()?;
    Ok(c.gather)
}

/// What the top of an OTLP document of `format` starting with `start` is.
pub(super) fn root_of(start: &[u8], format: Format) -> Role {
    if format == Format::OtlpSpans {
        Role::Page
    } else if super::sniff::shape(start).sub_has("trace", "resourceSpans") {
        Role::Wrapped
    } else {
        Role::Request
    }
}

/// Reads line `n` (1-based) of an OTLP JSON Lines file.
pub(super) fn read_line(gather: &mut Gather, line: &[u8], n: usize) -> Result<(), ImportError> {
    if line.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(());
    }
    let mut c = Chunked::new(Role::Request, Format::OtlpJsonLines, std::mem::take(gather));
    let read = c.push(line).and_then(|_| c.finish());
    *gather = c.gather;
    read.map_err(|e| super::at_line(e, n))
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let mut gather = Gather::default();
    if format == Format::OtlpJsonLines {
        for (n, line) in body.split('\n').enumerate() {
            read_line(&mut gather, line.as_bytes(), n + 1)?;
        }
    } else {
        gather = read_value(gather, body, format)?;
    }
    Ok(finish(file, gather))
}

/// Builds the traces of everything gathered (ids restored, scores taken out, trees built).
pub(super) fn finish(file: &str, gather: Gather) -> TraceSet {
    let mut set = TraceSet::default();
    let Gather { traces, untimed, dropped, not_utf8, .. } = gather;
    if not_utf8 {
        set.warnings.push(crate::model::Warning {
            source: file.to_string(),
            trace_id: None,
            message: super::wire::NOT_UTF8.to_string(),
        });
    }
    if untimed > 0 {
        set.warnings.push(crate::model::Warning {
            source: file.to_string(),
            trace_id: None,
            message: format!("{} no start time; placed at time 0", plural(untimed, "span has", "spans have")),
        });
    }
    if dropped > 0 {
        set.warnings.push(crate::model::Warning {
            source: file.to_string(),
            trace_id: None,
            message: format!(
                "the exporter dropped {} before writing this file (span limits); those values are not in it",
                plural(dropped, "attribute or event", "attributes or events")
            ),
        });
    }
    for (id, Pending { mut obs, ids }) in traces {
        restore_ids(&mut obs);
        set.scores.extend(take_scores(&mut obs, &id));
        let mut t = Trace::build(id, obs, file, &mut set.warnings);
        ids.apply_to(&mut t);
        // name, input and output otherwise come from the first root (see `Trace::display_name`),
        // so they follow the tree when spans from another file join this trace
        set.traces.push(t);
    }
    set
}

/// Ids Canopy's OTLP export had to turn into hex come back as they were (`canopy.original_id`).
fn restore_ids(obs: &mut [Observation]) {
    let mut map: HashMap<String, String> = HashMap::new();
    for o in obs.iter_mut() {
        if let Some(i) = o.attributes.iter().position(|a| a.key == "canopy.original_parent_id") {
            o.parent_id = o.attributes.remove(i).value.as_str().map(str::to_string);
        }
        if let Some(i) = o.attributes.iter().position(|a| a.key == "canopy.original_id") {
            if let Some(orig) = o.attributes.remove(i).value.as_str().map(str::to_string) {
                map.insert(std::mem::replace(&mut o.id, orig.clone()), orig);
            }
        }
    }
    if map.is_empty() {
        return;
    }
    for o in obs.iter_mut() {
        if let Some(p) = o.parent_id.as_ref().and_then(|p| map.get(p)) {
            o.parent_id = Some(p.clone());
        }
    }
}

/// `canopy.score` span events (Canopy's OTLP export: OTLP has no place for scores) as scores.
fn take_scores(obs: &mut [Observation], trace_id: &str) -> Vec<Score> {
    let mut out = Vec::new();
    for o in obs.iter_mut() {
        if !o.events.iter().any(|e| e.name == "canopy.score") {
            continue;
        }
        let (scores, rest): (Vec<Event>, Vec<Event>) =
            std::mem::take(&mut o.events).into_iter().partition(|e| e.name == "canopy.score");
        o.events = rest;
        for e in scores {
            let get = |k: &str| e.attributes.iter().find(|a| a.key == k).map(|a| &a.value);
            let text = |k: &str| get(k).and_then(AttrValue::as_str).map(str::to_string);
            let value = match (text("score.data_type").as_deref(), get("score.value")) {
                (Some("BOOLEAN"), Some(AttrValue::Bool(b))) => ScoreValue::Boolean(*b),
                (Some("NUMERIC"), Some(AttrValue::Float(f))) => ScoreValue::Numeric(*f),
                // a value that is not a number is kept as NaN, not read as a number it is not (the
                // lists show it as `NaN` and sort it after every number)
                (Some("NUMERIC"), Some(AttrValue::Int(i))) => ScoreValue::Numeric(parse_f64(i).unwrap_or(f64::NAN)),
                (Some("TEXT"), Some(AttrValue::Str(t))) => ScoreValue::Text(t.clone()),
                (_, Some(AttrValue::Str(t))) => ScoreValue::Categorical(t.clone()),
                _ => continue,
            };
            let scope = text("score.scope");
            out.push(Score {
                id: text("score.id").unwrap_or_default(),
                name: text("score.name").unwrap_or_default(),
                value,
                source: text("score.source"),
                comment: text("score.comment"),
                trace_id: (scope.as_deref() != Some("session")).then(|| trace_id.to_string()),
                observation_id: (scope.as_deref() == Some("observation")).then(|| o.id.clone()),
                session_id: text("score.session_id"),
                time_ns: Some(e.time_ns).filter(|t| *t != 0),
            });
        }
    }
    out
}

fn observation(span: Span, untimed: &mut usize, dropped: &mut i64) -> Observation {
    *dropped += [span.dropped_attributes_count, span.dropped_events_count]
        .iter()
        .filter_map(|c| c.and_then(|c| c.to_i64()))
        .filter(|c| *c > 0)
        .sum::<i64>();
    let start = span.start_time_unix_nano.and_then(|t| t.to_i64());
    if start.is_none() {
        *untimed += 1;
    }
    let id = span.span_id.map(normalize_id_owned).unwrap_or_default();
    let mut ob = Observation::new(id, crate::model::Kind::Span, span.name.unwrap_or_default(), start.unwrap_or(0));
    ob.parent_id = span.parent_span_id.filter(|p| !is_blank_id(p)).map(normalize_id_owned);
    ob.end_ns = span.end_time_unix_nano.and_then(|t| t.to_i64()).filter(|&e| e != 0);
    ob.attributes = attributes(span.attributes);
    let links: Vec<AttrValue> = span
        .links
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            let mut entries = vec![
                Attribute {
                    key: "trace_id".into(),
                    value: AttrValue::Str(l.trace_id.as_deref().map(normalize_id).unwrap_or_default()),
                },
                Attribute {
                    key: "span_id".into(),
                    value: AttrValue::Str(l.span_id.as_deref().map(normalize_id).unwrap_or_default()),
                },
            ];
            entries.extend(attributes(l.attributes));
            AttrValue::Map(entries)
        })
        .collect();
    if !links.is_empty() {
        ob.attributes.push(Attribute { key: "otel.links".into(), value: AttrValue::Array(links) });
    }
    if let Some(k) = span.kind {
        ob.attributes.push(Attribute { key: "otel.span_kind".into(), value: AttrValue::Str(k.span_kind().into()) });
    }
    if let Some(status) = span.status {
        if status.code.as_ref().is_some_and(EnumValue::is_error) {
            ob.level = Level::Error;
        }
        ob.status_message = status.message.filter(|m| !m.is_empty());
    }
    ob.events = span
        .events
        .unwrap_or_default()
        .into_iter()
        .map(|e| Event {
            name: e.name.unwrap_or_default(),
            time_ns: e.time_unix_nano.and_then(|t| t.to_i64()).unwrap_or(ob.start_ns),
            attributes: attributes(e.attributes),
        })
        .collect();
    ob
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn attribute_lists_inside_values_keep_every_entry_in_order() {
        // a kvlist inside a kvlist inside the span's list: each list reads while the outer one is open
        let kv = |k: &str, v: &str| format!(r#"{{"key":"{k}","value":{v}}}"#);
        let inner = kv("deep", r#"{"kvlistValue":{"values":[{"key":"x","value":{"intValue":"1"}}]}}"#);
        let middle = format!(r#"{{"kvlistValue":{{"values":[{inner},{}]}}}}"#, kv("y", r#"{"boolValue":true}"#));
        let attrs = [kv("a", r#"{"stringValue":"1"}"#), kv("m", &middle), kv("z", r#"{"stringValue":"2"}"#)].join(",");
        let body = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{}","spanId":"01","name":"s","attributes":[{attrs}]}},{{"traceId":"{}","spanId":"02","name":"t","attributes":[{}]}}]}}]}}]}}"#,
            "0a".repeat(16),
            "0a".repeat(16),
            kv("only", r#"{"stringValue":"3"}"#)
        );
        let set = import("x.json", &body, Format::Otlp).unwrap();
        let obs = &set.traces[0].observations;
        let keys = |o: &Observation| o.attributes.iter().map(|a| a.key.to_string()).collect::<Vec<_>>();
        assert_eq!(keys(&obs[0])[..3], ["a", "m", "z"]);
        let AttrValue::Map(m) = &obs[0].attributes[1].value else { panic!("m is a map") };
        assert_eq!(m.iter().map(|a| a.key.to_string()).collect::<Vec<_>>(), ["deep", "y"]);
        let AttrValue::Map(d) = &m[0].value else { panic!("deep is a map") };
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].value, AttrValue::Int("1".into()));
        assert_eq!(keys(&obs[1])[0], "only");
    }

    #[test]
    fn any_values_read_every_type_and_the_first_type_holds_when_several_are_given() {
        let value = |json: &str| serde_json::from_str::<AnyValue>(json).map(|v| v.0).map_err(|e| e.to_string());
        assert_eq!(value(r#"{"stringValue":"s"}"#), Ok(AttrValue::Str("s".into())));
        assert_eq!(value(r#"{"bool_value":true}"#), Ok(AttrValue::Bool(true)));
        assert_eq!(value(r#"{"intValue":"99999999999999999999"}"#), Ok(AttrValue::Int("99999999999999999999".into())));
        assert_eq!(value(r#"{"intValue":7}"#), Ok(AttrValue::Int("7".into())));
        assert_eq!(value(r#"{"doubleValue":"NaN"}"#).map(|v| v.as_f64().is_some_and(f64::is_nan)), Ok(true));
        assert_eq!(value(r#"{"doubleValue":0.5}"#), Ok(AttrValue::Float(0.5)));
        assert_eq!(value(r#"{"bytesValue":"AAE="}"#), Ok(AttrValue::Bytes("AAE=".into())));
        assert_eq!(
            value(r#"{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"x"},{}]}}"#),
            Ok(AttrValue::Array(vec![
                AttrValue::Int("1".into()),
                AttrValue::Str("x".into()),
                AttrValue::Str(String::new())
            ]))
        );
        assert_eq!(value(r#"{"arrayValue":{}}"#), Ok(AttrValue::Array(Vec::new())));
        assert_eq!(
            value(r#"{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}"#),
            Ok(AttrValue::Map(vec![Attribute { key: "k".into(), value: AttrValue::Bool(false) }]))
        );
        // several types: string, bool, int, double, bytes, array, kvlist, whatever their order
        assert_eq!(value(r#"{"intValue":"1","stringValue":"s"}"#), Ok(AttrValue::Str("s".into())));
        assert_eq!(value(r#"{"doubleValue":2.5,"boolValue":true}"#), Ok(AttrValue::Bool(true)));
        // null is absent, unknown fields are skipped, nothing at all is an empty string
        assert_eq!(value(r#"{"stringValue":null,"intValue":"3"}"#), Ok(AttrValue::Int("3".into())));
        assert_eq!(value(r#"{"futureValue":{"a":[1]},"boolValue":true}"#), Ok(AttrValue::Bool(true)));
        assert_eq!(value("{}"), Ok(AttrValue::Str(String::new())));
        // a field twice, also through its snake_case alias, is an error as for any struct
        assert!(value(r#"{"stringValue":"a","string_value":"b"}"#).is_err_and(|e| e.contains("duplicate field")));
        assert!(value(r#""not an object""#).is_err());
    }

    #[test]
    fn spans_of_interleaved_traces_each_find_their_trace() {
        // the last trace's slot is reused while ids repeat: A, A, B, A, B (B also written in base64)
        let span =
            |t: &str, s: &str| format!(r#"{{"traceId":"{t}","spanId":"{s}","name":"{s}","startTimeUnixNano":"1"}}"#);
        let (a, b, b64) = ("0a".repeat(16), "0b".repeat(16), "CwsLCwsLCwsLCwsLCwsLCw==");
        let spans = [span(&a, "a1"), span(&a, "a2"), span(&b, "b1"), span(&a, "a3"), span(b64, "b2")].join(",");
        let body = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#);
        let set = import("x.json", &body, Format::Otlp).unwrap();
        let names = |id: &str| {
            let t = set.traces.iter().find(|t| t.id == id).unwrap();
            t.observations.iter().map(|o| o.name.as_str()).collect::<Vec<_>>()
        };
        assert_eq!(set.traces.len(), 2);
        assert_eq!(names(&a), ["a1", "a2", "a3"]);
        assert_eq!(names(&b), ["b1", "b2"]);
    }

    #[test]
    fn snake_case_with_nulls_and_enum_names() {
        let body = r#"{"resource_spans":[{"resource":null,"scope_spans":[{"scope":null,"spans":[
            {"trace_id":"AAECAwQFBgcICQoLDA0ODw==","span_id":"AAECAwQFBgc=","parent_span_id":null,"name":"s",
             "kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1000,"end_time_unix_nano":"3000",
             "attributes":[{"key":"openinference.span.kind","value":{"string_value":"LLM"}}],
             "status":{"code":"STATUS_CODE_ERROR","message":"boom"},"events":null}]}]}]}"#;
        let set = import("x.json", body, Format::Otlp).unwrap();
        let t = &set.traces[0];
        assert_eq!(t.id, "000102030405060708090a0b0c0d0e0f");
        let o = &t.observations[0];
        assert_eq!(o.id, "0001020304050607");
        assert_eq!(o.kind, Kind::Generation);
        assert_eq!((o.start_ns, o.end_ns), (1000, Some(3000)));
        assert_eq!(o.level, Level::Error);
        assert_eq!(o.status_message.as_deref(), Some("boom"));
        assert_eq!(o.attribute("otel.span_kind"), Some(&AttrValue::Str("client".into())));
    }

    #[test]
    fn resource_and_scope_written_after_their_spans_still_apply() {
        let spans = r#"[{"traceId":"01","spanId":"02","name":"a","startTimeUnixNano":"1"},
                        {"traceId":"01","spanId":"03","parentSpanId":"02","name":"b","startTimeUnixNano":"2"}]"#;
        let resource = r#"{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]}"#;
        let scope = r#"{"name":"lib","version":"1.2"}"#;
        let usual = format!(
            r#"{{"resourceSpans":[{{"resource":{resource},"scopeSpans":[{{"scope":{scope},"spans":{spans}}}]}}]}}"#
        );
        let late = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":{spans},"scope":{scope}}}],"resource":{resource}}}]}}"#
        );
        let read = |body: &str| {
            let set = import("x.json", body, Format::Otlp).unwrap();
            set.traces[0].observations.iter().map(|o| (o.name.clone(), o.attributes.clone())).collect::<Vec<_>>()
        };
        let a = read(&usual);
        assert_eq!(a, read(&late));
        assert_eq!(a.len(), 2);
        let keys: Vec<&str> = a[1].1.iter().map(|x| x.key.as_str()).collect();
        assert!(keys.contains(&"service.name") && keys.contains(&"otel.scope.version"), "{keys:?}");
    }

    /// (Wrong shapes are errors: `otlp_chunks::tests::wrong_shapes_are_errors`, whole and in pieces.)
    #[test]
    fn nulls_are_empty_not_errors() {
        let set = import("x.json", r#"{"resourceSpans":[null,{"scopeSpans":null}]}"#, Format::Otlp).unwrap();
        assert!(set.traces.is_empty(), "nulls are empty, not errors");
    }

    #[test]
    fn json_lines_errors_name_the_line() {
        let body = "{\"resourceSpans\":[]}\n{\"resourceSpans\": [oops]}\n";
        let e = import("x.jsonl", body, Format::OtlpJsonLines).unwrap_err();
        assert!(matches!(e, ImportError::Syntax { line: 2, .. }), "{e:?}");
    }

    /// A model named on many spans is one shared text, not a copy per span.
    #[test]
    fn model_names_are_shared() {
        let span = |id: &str, model: &str| {
            format!(
                r#"{{"traceId":"01","spanId":"{id}","name":"chat","startTimeUnixNano":"1","attributes":[{{"key":"gen_ai.request.model","value":{{"stringValue":"{model}"}}}}]}}"#
            )
        };
        let spans = [span("02", "gpt-4o"), span("03", "gpt-4o"), span("04", "claude")].join(",");
        let body = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#);
        let set = import("x.json", &body, Format::Otlp).unwrap();
        let obs = &set.traces[0].observations;
        let model = |i: usize| obs[i].model.as_deref().unwrap();
        assert_eq!([model(0), model(1), model(2)], ["gpt-4o", "gpt-4o", "claude"]);
        assert_eq!(model(0).as_ptr(), model(1).as_ptr(), "the same model is one text");
        assert_ne!(model(0).as_ptr(), model(2).as_ptr());
    }

    #[test]
    fn big_integers_are_not_rounded() {
        let body = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"n","startTimeUnixNano":"1",
            "attributes":[{"key":"big","value":{"intValue":"9223372036854775222"}},{"key":"huge","value":{"intValue":"99999999999999999999999"}}]}]}]}]}"#;
        let set = import("x.json", body, Format::Otlp).unwrap();
        let o = &set.traces[0].observations[0];
        assert_eq!(o.attribute("big"), Some(&AttrValue::Int("9223372036854775222".into())));
        assert_eq!(o.attribute("huge"), Some(&AttrValue::Int("99999999999999999999999".into())));
    }
}
