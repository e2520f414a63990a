//! The OTLP export request's envelope as serde reads it (resource, scope, span and what a span
//! holds), and the spans gathered trace by trace as they are converted into observations. The
//! protobuf wire (`proto`) fills the same structs, so both wires share `Gather::span`.

use super::super::semconv;
use super::super::wire::{is_blank_id, normalize_id, normalize_id_owned, FlexInt};
use super::logs::{LogRecord, WireLog};
use super::part::{Link, Resource, SpanEvent};
use super::values::{attributes, Attrs, EnumValue, SPAN_EXTRA};
use crate::model::{AttrValue, Attribute, Event, Level, Observation};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
pub(super) struct Status {
    pub(super) code: Option<EnumValue>,
    pub(super) message: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Span {
    #[serde(alias = "traceId", alias = "trace_id")]
    pub(super) trace_id: Option<String>,
    #[serde(alias = "spanId", alias = "span_id")]
    pub(super) span_id: Option<String>,
    #[serde(alias = "parentSpanId", alias = "parent_span_id")]
    pub(super) parent_span_id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) kind: Option<EnumValue>,
    #[serde(alias = "startTimeUnixNano", alias = "start_time_unix_nano")]
    pub(super) start_time_unix_nano: Option<FlexInt>,
    #[serde(alias = "endTimeUnixNano", alias = "end_time_unix_nano")]
    pub(super) end_time_unix_nano: Option<FlexInt>,
    pub(super) attributes: Option<Attrs<SPAN_EXTRA>>,
    pub(super) events: Option<Vec<SpanEvent>>,
    pub(super) status: Option<Status>,
    pub(super) links: Option<Vec<Link>>,
    #[serde(alias = "droppedAttributesCount", alias = "dropped_attributes_count")]
    pub(super) dropped_attributes_count: Option<FlexInt>,
    #[serde(alias = "droppedEventsCount", alias = "dropped_events_count")]
    pub(super) dropped_events_count: Option<FlexInt>,
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
    pub(super) fn span_attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.service.iter().chain(&self.scope)
    }
}

/// One trace as its spans arrive.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) obs: Vec<Observation>,
    pub(super) ids: semconv::TraceIds,
}

/// Spans are converted as the parser reaches them, so the file's wire form of all spans is never
/// held at once: peak memory is the bytes plus the model, not the bytes plus two copies.
#[derive(Default)]
pub(in crate::import) struct Gather {
    slots: HashMap<String, usize>,
    pub(super) traces: Vec<(String, Pending)>,
    /// The trace id of the last span as written, and its trace's slot.
    last: Option<(String, usize)>,
    pub(super) untimed: usize,
    pub(super) dropped: i64,
    /// Spans read so far, for progress.
    pub(in crate::import) spans: usize,
    /// Bytes that are not UTF-8 were replaced.
    pub(super) not_utf8: bool,
    /// Log records, joined to their spans when the traces are built (`logs`).
    pub(super) logs: Vec<LogRecord>,
    /// Log records read so far, for progress.
    pub(in crate::import) records: usize,
}

impl Gather {
    /// Keeps a log record until the spans are built (the JSON reader's `wire_log` and the
    /// protobuf reader call it).
    pub(in crate::import) fn log(&mut self, record: LogRecord) {
        self.records += 1;
        self.logs.push(record);
    }

    /// A JSON log record inside its resource and scope.
    pub(super) fn wire_log(&mut self, log: WireLog, ctx: &Context) {
        let (record, dropped) = log.record(ctx.span_attributes());
        self.dropped = self.dropped.saturating_add(dropped);
        self.log(record);
    }

    /// A span or a log record kept until its resource and scope were read.
    pub(super) fn item(&mut self, item: Item, ctx: &Context) {
        match item {
            Item::Span(span) => self.span(span, ctx),
            Item::Log(log) => self.wire_log(log, ctx),
        }
    }

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

/// What a scope holds: spans, or log records.
pub(super) enum Item {
    Span(Span),
    Log(WireLog),
}

/// The names OTLP JSON writers use for each level's fields.
pub(super) const RESOURCE_SPANS: [&str; 3] = ["resourceSpans", "resource_spans", "batches"];
pub(super) const SCOPE_SPANS: [&str; 4] =
    ["scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans"];
pub(super) const SCOPE: [&str; 3] = ["scope", "instrumentationLibrary", "instrumentation_library"];
pub(super) const RESOURCE_LOGS: [&str; 2] = ["resourceLogs", "resource_logs"];
pub(super) const SCOPE_LOGS: [&str; 2] = ["scopeLogs", "scope_logs"];
pub(super) const LOG_RECORDS: [&str; 2] = ["logRecords", "log_records"];

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

/// What a list or an object of the envelope is.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Role {
    /// `[request, …]` at the top.
    RequestList,
    /// `{resourceSpans: [...]}`, `{resourceLogs: [...]}` or both.
    Request,
    ResourceList,
    /// `{resource, scopeSpans: [...]}` (or `scopeLogs`)
    Resource,
    ScopeList,
    /// `{scope, spans: [...]}` (or `logRecords`)
    Scope,
    Spans,
    LogRecords,
    /// `{trace: request}` (Tempo v2) at the top.
    Wrapped,
    /// `{data: [span]}` (a page of spans without their resource) at the top.
    Page,
    /// `[page, …]` at the top: pages of spans saved one after another.
    PageList,
}

impl Role {
    pub(super) fn is_list(self) -> bool {
        matches!(
            self,
            Role::RequestList | Role::ResourceList | Role::ScopeList | Role::Spans | Role::PageList | Role::LogRecords
        )
    }

    pub(super) fn what(self) -> &'static str {
        match self {
            Role::Request | Role::Wrapped | Role::Page => "an OTLP export request object",
            Role::Resource => "a resourceSpans entry",
            Role::Scope => "a scopeSpans entry",
            _ => "a list",
        }
    }
}

/// What the value being read next is for.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Slot {
    /// A list or object of the envelope (or `null`).
    Enter(Role),
    Span,
    Log,
    Resource,
    Scope,
    /// Anything else: checked and skipped.
    Skip,
}

/// What the value of `key` is for, in an object of `role`.
pub(super) fn slot_of(role: Role, key: &str) -> Slot {
    match role {
        Role::Request if RESOURCE_SPANS.contains(&key) || RESOURCE_LOGS.contains(&key) => {
            Slot::Enter(Role::ResourceList)
        }
        Role::Resource if key == "resource" => Slot::Resource,
        Role::Resource if SCOPE_SPANS.contains(&key) || SCOPE_LOGS.contains(&key) => Slot::Enter(Role::ScopeList),
        Role::Scope if SCOPE.contains(&key) => Slot::Scope,
        Role::Scope if key == "spans" => Slot::Enter(Role::Spans),
        Role::Scope if LOG_RECORDS.contains(&key) => Slot::Enter(Role::LogRecords),
        Role::Wrapped if key == "trace" => Slot::Enter(Role::Request),
        Role::Page if key == "data" => Slot::Enter(Role::Spans),
        _ => Slot::Skip,
    }
}

/// What the elements of a list of `role` are.
pub(super) fn element_of(role: Role) -> Slot {
    match role {
        Role::RequestList => Slot::Enter(Role::Request),
        Role::ResourceList => Slot::Enter(Role::Resource),
        Role::ScopeList => Slot::Enter(Role::Scope),
        Role::PageList => Slot::Enter(Role::Page),
        Role::LogRecords => Slot::Log,
        _ => Slot::Span,
    }
}
