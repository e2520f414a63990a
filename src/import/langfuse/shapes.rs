//! Langfuse's wire shapes (traces, observations, scores, pages, sessions), read by key from each
//! object's raw entries (`jsonv::raw_entries`) rather than through a derived struct per shape
//! (size): payloads stay the JSON text written in the file.

use super::super::jsonv;
use super::super::wire::FlexFloat;
use crate::model::key::Key;
use serde_json::value::RawValue;
use serde_json::Error;
use std::collections::BTreeMap;

/// The `{trace, observations}` export.
#[derive(Default)]
pub(super) struct Export<'a> {
    pub(super) trace: Option<WireTrace<'a>>,
    pub(super) observations: Option<Vec<WireObs>>,
}

#[derive(Default)]
pub(super) struct WireTrace<'a> {
    pub(super) id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) timestamp: Option<String>,
    pub(super) session_id: Option<String>,
    pub(super) user_id: Option<String>,
    pub(super) tags: Option<Vec<String>>,
    pub(super) release: Option<String>,
    pub(super) version: Option<String>,
    pub(super) environment: Option<String>,
    pub(super) input: Option<Box<RawValue>>,
    pub(super) output: Option<Box<RawValue>>,
    pub(super) metadata: Option<Box<RawValue>>,
    pub(super) total_cost: Option<FlexFloat>,
    /// Full observations (API) or only their ids (list endpoints); the export repeats the top-level list.
    pub(super) observations: Option<&'a RawValue>,
    pub(super) scores: Option<Vec<WireScore>>,
    pub(super) corrections: Option<Vec<WireScore>>,
}

#[derive(Default)]
pub(super) struct WireObs {
    pub(super) id: Option<String>,
    pub(super) trace_id: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) name: Option<String>,
    pub(super) start_time: Option<String>,
    pub(super) end_time: Option<String>,
    pub(super) completion_start_time: Option<String>,
    pub(super) parent_observation_id: Option<String>,
    pub(super) level: Option<String>,
    pub(super) status_message: Option<String>,
    pub(super) version: Option<String>,
    pub(super) environment: Option<String>,
    pub(super) input: Option<Box<RawValue>>,
    pub(super) output: Option<Box<RawValue>>,
    pub(super) metadata: Option<Box<RawValue>>,
    /// v2 observations name it `providedModelName` (the `model` field group).
    pub(super) model: Option<Key>,
    pub(super) model_parameters: Option<Box<RawValue>>,
    /// v2 observations carry their trace's user and session (the `basic` field group).
    pub(super) user_id: Option<String>,
    pub(super) session_id: Option<String>,
    pub(super) usage_details: Option<BTreeMap<String, FlexFloat>>,
    pub(super) cost_details: Option<BTreeMap<String, FlexFloat>>,
    /// Legacy usage object: `{input, output, total, unit}`.
    pub(super) usage: Option<BTreeMap<String, Option<Box<RawValue>>>>,
    pub(super) prompt_tokens: Option<FlexFloat>,
    pub(super) completion_tokens: Option<FlexFloat>,
    pub(super) total_tokens: Option<FlexFloat>,
    pub(super) total_cost: Option<FlexFloat>,
    pub(super) calculated_total_cost: Option<FlexFloat>,
    pub(super) prompt_name: Option<String>,
    pub(super) prompt_version: Option<FlexFloat>,
}

#[derive(Default)]
pub(super) struct WireScore {
    pub(super) id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) value: Option<Box<RawValue>>,
    pub(super) string_value: Option<String>,
    pub(super) long_string_value: Option<String>,
    pub(super) data_type: Option<String>,
    pub(super) source: Option<String>,
    pub(super) comment: Option<String>,
    pub(super) trace_id: Option<String>,
    pub(super) observation_id: Option<String>,
    pub(super) session_id: Option<String>,
    pub(super) timestamp: Option<String>,
}

/// `{data: [...], meta: {...}}`: a page of the public API.
pub(super) struct Page<T> {
    pub(super) data: Option<Vec<T>>,
    pub(super) meta: Option<PageMeta>,
}

pub(super) struct PageMeta {
    pub(super) cursor: Option<String>,
    pub(super) page: Option<f64>,
    pub(super) total_pages: Option<f64>,
}

/// `GET /api/public/sessions/{id}`.
#[derive(Default)]
pub(super) struct WireSession<'a> {
    pub(super) id: Option<String>,
    pub(super) traces: Option<Vec<WireTrace<'a>>>,
}

/// A text field (null as none; anything but a string is an error, as a typed field was).
fn string(raw: &RawValue) -> Result<Option<String>, Error> {
    serde_json::from_str::<Option<String>>(raw.get())
}

/// A value kept as written (null as none).
fn payload(raw: &RawValue) -> Option<Box<RawValue>> {
    (raw.get().trim() != "null").then(|| raw.to_owned())
}

fn flex(raw: &RawValue) -> Result<Option<FlexFloat>, Error> {
    Ok(match payload(raw) {
        Some(r) => Some(serde_json::from_str::<FlexFloat>(r.get())?),
        None => None,
    })
}

/// An object of numbers, by key (null as none).
fn flex_map(raw: &RawValue) -> Result<Option<BTreeMap<String, FlexFloat>>, Error> {
    let Some(r) = payload(raw) else { return Ok(None) };
    let mut out = BTreeMap::new();
    for (k, v) in jsonv::raw_entries(r.get())? {
        out.insert(k, serde_json::from_str::<FlexFloat>(v.get())?);
    }
    Ok(Some(out))
}

/// A list of values each read by `one` (null as none).
pub(super) fn list_of<'a, T>(raw: &'a RawValue, one: fn(&'a str) -> Result<T, Error>) -> Result<Option<Vec<T>>, Error> {
    let Some(items) = serde_json::from_str::<Option<Vec<&'a RawValue>>>(raw.get())? else {
        return Ok(None);
    };
    items.into_iter().map(|i| one(i.get())).collect::<Result<Vec<T>, _>>().map(Some)
}

/// A list whose entries may be full objects or bare ids (list endpoints return ids); ids are skipped.
pub(super) fn objects_or_ids<'a, T>(
    raw: &'a RawValue,
    one: fn(&'a str) -> Result<T, Error>,
) -> Result<Option<Vec<T>>, Error> {
    let Some(items) = serde_json::from_str::<Option<Vec<&'a RawValue>>>(raw.get())? else {
        return Ok(None);
    };
    let objects = items.into_iter().filter(|i| !i.get().trim_start().starts_with('"'));
    objects.map(|i| one(i.get())).collect::<Result<Vec<T>, _>>().map(Some)
}

pub(super) fn export(text: &str) -> Result<Export<'_>, Error> {
    let mut e = Export::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "trace" if payload(v).is_some() => e.trace = Some(trace(v.get())?),
            "observations" => e.observations = objects_or_ids(v, obs)?,
            _ => {}
        }
    }
    Ok(e)
}

pub(super) fn trace(text: &str) -> Result<WireTrace<'_>, Error> {
    let mut t = WireTrace::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "id" => t.id = string(v)?,
            "name" => t.name = string(v)?,
            "timestamp" => t.timestamp = string(v)?,
            "sessionId" => t.session_id = string(v)?,
            "userId" => t.user_id = string(v)?,
            "tags" => t.tags = serde_json::from_str::<Option<Vec<String>>>(v.get())?,
            "release" => t.release = string(v)?,
            "version" => t.version = string(v)?,
            "environment" => t.environment = string(v)?,
            "input" => t.input = payload(v),
            "output" => t.output = payload(v),
            "metadata" => t.metadata = payload(v),
            "totalCost" => t.total_cost = flex(v)?,
            "observations" => t.observations = (v.get().trim() != "null").then_some(v),
            "scores" => t.scores = objects_or_ids(v, wire_score)?,
            "corrections" => t.corrections = objects_or_ids(v, wire_score)?,
            _ => {}
        }
    }
    Ok(t)
}

pub(super) fn obs(text: &str) -> Result<WireObs, Error> {
    let mut o = WireObs::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "id" => o.id = string(v)?,
            "traceId" => o.trace_id = string(v)?,
            "type" => o.kind = string(v)?,
            "name" => o.name = string(v)?,
            "startTime" => o.start_time = string(v)?,
            "endTime" => o.end_time = string(v)?,
            "completionStartTime" => o.completion_start_time = string(v)?,
            "parentObservationId" => o.parent_observation_id = string(v)?,
            "level" => o.level = string(v)?,
            "statusMessage" => o.status_message = string(v)?,
            "version" => o.version = string(v)?,
            "environment" => o.environment = string(v)?,
            "input" => o.input = payload(v),
            "output" => o.output = payload(v),
            "metadata" => o.metadata = payload(v),
            "model" | "providedModelName" => o.model = string(v)?.as_deref().map(Key::new),
            "modelParameters" => o.model_parameters = payload(v),
            "userId" => o.user_id = string(v)?,
            "sessionId" => o.session_id = string(v)?,
            "usageDetails" => o.usage_details = flex_map(v)?,
            "costDetails" => o.cost_details = flex_map(v)?,
            "usage" => {
                // inserted one by one (a key written twice: the last holds, as `collect` keeps):
                // `collect` into a map compiles a sort of its own
                o.usage = match payload(v) {
                    Some(r) => {
                        let mut usage = BTreeMap::new();
                        for (k, v) in jsonv::raw_entries(r.get())? {
                            usage.insert(k, payload(v));
                        }
                        Some(usage)
                    }
                    None => None,
                }
            }
            "promptTokens" => o.prompt_tokens = flex(v)?,
            "completionTokens" => o.completion_tokens = flex(v)?,
            "totalTokens" => o.total_tokens = flex(v)?,
            "totalCost" => o.total_cost = flex(v)?,
            "calculatedTotalCost" => o.calculated_total_cost = flex(v)?,
            "promptName" => o.prompt_name = string(v)?,
            "promptVersion" => o.prompt_version = flex(v)?,
            _ => {}
        }
    }
    Ok(o)
}

pub(super) fn wire_score(text: &str) -> Result<WireScore, Error> {
    let mut s = WireScore::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "id" => s.id = string(v)?,
            "name" => s.name = string(v)?,
            "value" => s.value = payload(v),
            "stringValue" => s.string_value = string(v)?,
            "longStringValue" => s.long_string_value = string(v)?,
            "dataType" => s.data_type = string(v)?,
            "source" => s.source = string(v)?,
            "comment" => s.comment = string(v)?,
            "traceId" => s.trace_id = string(v)?,
            "observationId" => s.observation_id = string(v)?,
            "sessionId" => s.session_id = string(v)?,
            "timestamp" => s.timestamp = string(v)?,
            _ => {}
        }
    }
    Ok(s)
}

pub(super) fn page_meta(raw: &RawValue) -> Result<Option<PageMeta>, Error> {
    let m = serde_json::from_str::<serde_json::Value>(raw.get())?;
    if m.is_null() {
        return Ok(None);
    }
    let num = |k: &str| jsonv::get(&m, &[k]).and_then(serde_json::Value::as_f64);
    let cursor = jsonv::str(&m, &["cursor"]).map(String::from);
    Ok(Some(PageMeta { cursor, page: num("page"), total_pages: num("totalPages") }))
}

pub(super) fn page<'a, T>(text: &'a str, one: fn(&'a str) -> Result<T, Error>) -> Result<Page<T>, Error> {
    let mut p = Page { data: None, meta: None };
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "data" => p.data = list_of(v, one)?,
            "meta" => p.meta = page_meta(v)?,
            _ => {}
        }
    }
    Ok(p)
}

pub(super) fn session(text: &str) -> Result<WireSession<'_>, Error> {
    let mut s = WireSession::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "id" => s.id = string(v)?,
            "traces" => s.traces = list_of(v, trace)?,
            _ => {}
        }
    }
    Ok(s)
}
