//! One LangSmith run as its SDKs and API write it (times as RFC 3339 text, with or without a
//! zone, or epoch milliseconds), what a patch adds to it, and the observation it becomes.

use super::super::jsonv;
use super::super::wire::{has_zone, iso_ns, FlexFloat};
use crate::model::key::Key;
use crate::model::order;
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Cost, Event, Kind, Level, Observation, Payload, Usage};
use serde_json::value::RawValue;
use serde_json::{Error, Value};
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct Run {
    pub(super) id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) run_type: Option<String>,
    pub(super) start_time: Option<RunTime>,
    pub(super) end_time: Option<RunTime>,
    pub(super) parent_run_id: Option<String>,
    pub(super) trace_id: Option<String>,
    pub(super) dotted_order: Option<String>,
    pub(super) inputs: Option<Box<RawValue>>,
    pub(super) outputs: Option<Box<RawValue>>,
    pub(super) error: Option<String>,
    pub(super) extra: Option<Extra>,
    pub(super) events: Option<Vec<RunEvent>>,
    pub(super) tags: Option<Vec<String>>,
    pub(super) session_name: Option<String>,
    pub(super) status: Option<String>,
    pub(super) prompt_tokens: Option<FlexFloat>,
    pub(super) completion_tokens: Option<FlexFloat>,
    pub(super) total_tokens: Option<FlexFloat>,
    pub(super) total_cost: Option<FlexFloat>,
    pub(super) prompt_cost: Option<FlexFloat>,
    pub(super) completion_cost: Option<FlexFloat>,
    pub(super) first_token_time: Option<RunTime>,
}

/// A run's time as the SDKs write it: RFC 3339 text (Python, the API), or Unix epoch
/// milliseconds (the JS SDK's `end_time: Date.now()`). Kept raw and told apart by its first
/// character (an untagged enum would buffer every run's fields; size).
pub(super) type RunTime = Box<RawValue>;

/// The text of a time written as a JSON string (`None` for a number).
fn time_text(t: &RawValue) -> Option<String> {
    let raw = t.get().trim();
    raw.starts_with('"').then(|| serde_json::from_str::<String>(raw).ok()).flatten()
}

/// Whether a time is written as a number (epoch milliseconds).
fn is_millis(t: &RawValue) -> bool {
    t.get().trim().bytes().next().is_some_and(|b| b == b'-' || b.is_ascii_digit())
}

fn ns(t: &RawValue) -> Option<i64> {
    if let Some(text) = time_text(t) {
        return iso_ns(Some(&text));
    }
    if !is_millis(t) {
        return None;
    }
    // milliseconds after the epoch: the whole ones exactly (a product in f64 would round
    // today's 1.8e18 ns to a multiple of 256), the fraction to the nearest nanosecond
    let ms = parse_f64(t.get()).filter(|ms| ms.is_finite() && ms.abs() < 9.2e12)?;
    let whole = ms.trunc();
    (whole as i64).checked_mul(1_000_000)?.checked_add(((ms - whole) * 1e6).round() as i64)
}

/// How many of a run's times are text without a zone (read as UTC, as the Python SDK before 0.1
/// meant them: it wrote `datetime.utcnow()`).
pub(super) fn zoneless(r: &Run) -> usize {
    [&r.start_time, &r.end_time, &r.first_token_time]
        .iter()
        .filter_map(|t| t.as_deref().and_then(time_text))
        .filter(|s| !has_zone(s) && iso_ns(Some(s)).is_some())
        .count()
}

/// The parent a dotted order names: `<time>Z<root id>.…<time>Z<parent id>.<time>Z<own id>` (the
/// tree of runs that carry no `parent_run_id`); only the last two segments are read.
fn parent_in(dotted: Option<&str>) -> Option<String> {
    let mut segments = dotted?.rsplitn(3, '.');
    let _own = segments.next()?;
    let parent = segments.next()?;
    parent.split_once('Z').map(|(_, id)| id.to_string()).filter(|id| !id.is_empty())
}

/// The nanoseconds of an optional run time.
fn time_ns(t: &Option<RunTime>) -> Option<i64> {
    t.as_deref().and_then(ns)
}

#[derive(Default)]
pub(super) struct Extra {
    pub(super) metadata: Option<HashMap<String, Box<RawValue>>>,
    pub(super) invocation_params: Option<Box<RawValue>>,
    pub(super) runtime: Option<Box<RawValue>>,
}

pub(super) struct RunEvent {
    pub(super) name: Option<String>,
    pub(super) time: Option<String>,
}

/// A text field (null as none; anything but a string is an error, as a typed field was).
fn string(raw: &RawValue) -> Result<Option<String>, Error> {
    serde_json::from_str::<Option<String>>(raw.get())
}

/// A payload kept as written (null as none).
fn payload(raw: &RawValue) -> Option<Box<RawValue>> {
    (raw.get().trim() != "null").then(|| raw.to_owned())
}

fn flex(raw: &RawValue) -> Result<Option<FlexFloat>, Error> {
    Ok(match payload(raw) {
        Some(r) => Some(serde_json::from_str::<FlexFloat>(r.get())?),
        None => None,
    })
}

/// One run object, its payloads kept as written.
pub(super) fn parse(text: &str) -> Result<Run, Error> {
    let mut r = Run::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "id" => r.id = string(v)?,
            "name" => r.name = string(v)?,
            "run_type" => r.run_type = string(v)?,
            "start_time" => r.start_time = payload(v),
            "end_time" => r.end_time = payload(v),
            "parent_run_id" => r.parent_run_id = string(v)?,
            "trace_id" => r.trace_id = string(v)?,
            "dotted_order" => r.dotted_order = string(v)?,
            "inputs" => r.inputs = payload(v),
            "outputs" => r.outputs = payload(v),
            "error" => r.error = string(v)?,
            "extra" => r.extra = payload(v).map(|x| extra(x.get())).transpose()?,
            "events" => r.events = payload(v).map(|x| events(x.get())).transpose()?,
            "tags" => {
                r.tags = payload(v)
                    .map(|x| serde_json::from_str::<Value>(x.get()))
                    .transpose()?
                    .map(|t| t.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect())
            }
            "session_name" => r.session_name = string(v)?,
            "status" => r.status = string(v)?,
            "prompt_tokens" => r.prompt_tokens = flex(v)?,
            "completion_tokens" => r.completion_tokens = flex(v)?,
            "total_tokens" => r.total_tokens = flex(v)?,
            "total_cost" => r.total_cost = flex(v)?,
            "prompt_cost" => r.prompt_cost = flex(v)?,
            "completion_cost" => r.completion_cost = flex(v)?,
            "first_token_time" => r.first_token_time = payload(v),
            _ => {}
        }
    }
    Ok(r)
}

/// A run's `extra`: its metadata entries and settings kept as written.
pub(super) fn extra(text: &str) -> Result<Extra, Error> {
    let mut e = Extra::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "metadata" => {
                e.metadata = payload(v)
                    .map(|m| {
                        jsonv::raw_entries(m.get()).map(|es| es.into_iter().map(|(k, v)| (k, v.to_owned())).collect())
                    })
                    .transpose()?
            }
            "invocation_params" => e.invocation_params = payload(v),
            "runtime" => e.runtime = payload(v),
            _ => {}
        }
    }
    Ok(e)
}

/// A run's events (each a name and a time).
pub(super) fn events(text: &str) -> Result<Vec<RunEvent>, Error> {
    let v = serde_json::from_str::<Value>(text)?;
    Ok(v.as_array()
        .into_iter()
        .flatten()
        .map(|e| RunEvent {
            name: jsonv::str(e, &["name"]).map(String::from),
            time: jsonv::str(e, &["time"]).map(String::from),
        })
        .collect())
}

/// A count or cost written as a number or a string holding one.
fn num(x: &Value) -> Option<FlexFloat> {
    match x {
        Value::Number(n) => Some(FlexFloat(n.as_f64())),
        Value::String(s) => Some(FlexFloat(parse_f64(s))),
        Value::Null => None,
        _ => Some(FlexFloat(None)),
    }
}

fn num_at(v: &Value, key: &str) -> Option<FlexFloat> {
    jsonv::get(v, &[key]).and_then(num)
}

/// Later fields win: a patch carries the end time, outputs and events of a posted run.
pub(super) fn patch(into: &mut Run, p: Run) {
    macro_rules! take {
        ($($f:ident),*) => { $( if p.$f.is_some() { into.$f = p.$f; } )* };
    }
    take!(
        name,
        run_type,
        start_time,
        end_time,
        parent_run_id,
        trace_id,
        dotted_order,
        inputs,
        outputs,
        error,
        extra,
        events,
        tags,
        session_name,
        status,
        prompt_tokens,
        completion_tokens,
        total_tokens,
        total_cost,
        prompt_cost,
        completion_cost,
        first_token_time
    );
}

/// The trace a run belongs to: its `trace_id`, else the root run id that starts its dotted order.
pub(super) fn trace_of(r: &Run) -> String {
    if let Some(t) = r.trace_id.clone().filter(|t| !t.is_empty()) {
        return t;
    }
    if let Some(first) = r.dotted_order.as_deref().and_then(|d| d.split('.').next()) {
        // each segment is `<timestamp>Z<run id>`
        if let Some((_, id)) = first.split_once('Z') {
            return id.to_string();
        }
    }
    r.id.clone().unwrap_or_default()
}

pub(super) fn session_of(r: &Run) -> Option<String> {
    let meta = r.extra.as_ref()?.metadata.as_ref()?;
    ["session_id", "thread_id", "conversation_id"]
        .iter()
        .find_map(|k| meta.get(*k).and_then(|v| serde_json::from_str::<String>(v.get()).ok()))
}

fn count(v: Option<FlexFloat>) -> Option<u64> {
    v.and_then(|f| f.0).filter(|f| f.is_finite() && *f >= 0.0).map(|f| f.round() as u64)
}

pub(super) fn observation(r: Run) -> Observation {
    let kind = match r.run_type.as_deref().unwrap_or("").to_ascii_lowercase().as_str() {
        "llm" => Kind::Generation,
        "chain" => Kind::Chain,
        "tool" => Kind::Tool,
        "retriever" => Kind::Retriever,
        "embedding" => Kind::Embedding,
        "prompt" => Kind::Prompt,
        _ => Kind::Span,
    };
    let start_ns = time_ns(&r.start_time).unwrap_or(0);
    let mut o = Observation::new(r.id.clone().unwrap_or_default(), kind, r.name.clone().unwrap_or_default(), start_ns);
    o.parent_id = r.parent_run_id.clone().filter(|p| !p.is_empty()).or_else(|| parent_in(r.dotted_order.as_deref()));
    o.end_ns = time_ns(&r.end_time);
    // the JS SDK writes the start in microseconds (a counter added for ordering) and the end as
    // `Date.now()` milliseconds: an end within the start's millisecond is that instant, not a
    // run ending before it started
    if let (true, Some(end)) = (r.end_time.as_deref().is_some_and(is_millis), o.end_ns) {
        if end < start_ns && start_ns - end < 1_000_000 {
            o.end_ns = Some(start_ns);
        }
    }
    o.input = r.inputs.map(Payload::from_raw).filter(|p| !p.is_empty_value());
    let usage_out = r.outputs.as_ref().and_then(|raw| serde_json::from_str::<Value>(raw.get()).ok());
    o.output = r.outputs.map(Payload::from_raw).filter(|p| !p.is_empty_value());
    if let Some(e) = r.error.filter(|e| !e.is_empty()) {
        o.level = Level::Error;
        o.status_message = Some(e);
    } else if r.status.as_deref() == Some("error") {
        o.level = Level::Error;
    }
    let mut usage = Usage {
        input: count(r.prompt_tokens),
        output: count(r.completion_tokens),
        total: count(r.total_tokens),
        details: Vec::new(),
    };
    let out = usage_out.as_ref();
    if let Some(u) = out.and_then(|u| jsonv::get(u, &["usage_metadata"])).filter(|u| u.is_object()) {
        usage.input = usage.input.or(count(num_at(u, "input_tokens")));
        usage.output = usage.output.or(count(num_at(u, "output_tokens")));
        usage.total = usage.total.or(count(num_at(u, "total_tokens")));
        for (prefix, key) in [("input", "input_token_details"), ("output", "output_token_details")] {
            let details = jsonv::get(u, &[key]).and_then(Value::as_object);
            let mut d: Vec<(String, u64)> = details
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| count(num(v)).map(|n| (format!("{prefix}_{k}"), n)))
                .collect();
            order::sort(&mut d);
            usage.details.extend(d);
        }
    } else if let Some(tu) = out
        .and_then(|u| jsonv::get(u, &["llm_output"]))
        .and_then(|l| jsonv::get(l, &["token_usage"]))
        .filter(|t| t.is_object())
    {
        usage.input = usage.input.or(count(num_at(tu, "prompt_tokens")));
        usage.output = usage.output.or(count(num_at(tu, "completion_tokens")));
        usage.total = usage.total.or(count(num_at(tu, "total_tokens")));
    }
    if usage.total_tokens() > 0 {
        o.usage = usage;
    }
    let mut cost = Cost { total: r.total_cost.and_then(|c| c.0), details: Vec::new(), estimated: None };
    for (k, v) in [("input", r.prompt_cost), ("output", r.completion_cost)] {
        if let Some(x) = v.and_then(|c| c.0) {
            cost.details.push((k.into(), x));
        }
    }
    if cost.total.is_some_and(|c| c != 0.0) || !cost.details.is_empty() {
        o.cost = cost;
    }
    let events = r.events.unwrap_or_default();
    o.completion_start_ns = time_ns(&r.first_token_time).or_else(|| {
        events.iter().filter(|e| e.name.as_deref() == Some("new_token")).filter_map(|e| iso_ns(e.time.as_deref())).min()
    });
    // streamed tokens are summarised (their text is in the outputs); other events are kept
    let tokens = events.iter().filter(|e| e.name.as_deref() == Some("new_token")).count();
    if tokens > 0 {
        o.attributes
            .push(Attribute { key: "langsmith.streamed_tokens".into(), value: AttrValue::Int(tokens.to_string()) });
    }
    o.events = events
        .into_iter()
        .filter(|e| e.name.as_deref() != Some("new_token"))
        .map(|e| Event {
            name: e.name.unwrap_or_default(),
            time_ns: iso_ns(e.time.as_deref()).unwrap_or(start_ns),
            attributes: Vec::new(),
        })
        .collect();
    if let Some(extra) = r.extra {
        let meta = extra.metadata.unwrap_or_default();
        let text = |k: &str| meta.get(k).and_then(|v| serde_json::from_str::<String>(v.get()).ok());
        o.model = text("ls_model_name")
            .or_else(|| {
                extra.invocation_params.as_ref().and_then(|p| serde_json::from_str::<Value>(p.get()).ok()).and_then(
                    |m| {
                        let m = m.as_object()?;
                        m.get("model").or_else(|| m.get("model_name")).and_then(|v| v.as_str().map(String::from))
                    },
                )
            })
            .as_deref()
            .map(Key::new);
        o.model_parameters = extra.invocation_params.map(Payload::from_raw).filter(|p| !p.is_empty_value());
        let mut keys: Vec<_> = meta.into_iter().collect();
        order::sort_by(&mut keys, |a, b| a.0.cmp(&b.0));
        for (k, v) in keys {
            o.attributes
                .push(Attribute { key: format!("metadata.{k}").into(), value: AttrValue::Json(Payload::from_raw(v)) });
        }
        if let Some(rt) = extra.runtime {
            o.attributes.push(Attribute { key: "runtime".into(), value: AttrValue::Json(Payload::from_raw(rt)) });
        }
    }
    if let Some(d) = r.dotted_order {
        o.attributes.push(Attribute { key: "dotted_order".into(), value: AttrValue::Str(d) });
    }
    o
}
