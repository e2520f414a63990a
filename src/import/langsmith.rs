//! LangSmith runs: ingest batches `{post, patch}` (patches complete posted runs), run lists from its
//! API (`[run…]` or `{runs: [...]}`), and feedback lists as scores.

use super::wire::{iso_ns, FlexFloat};
use super::{shape_error, Format, ImportError};
use crate::model::key::Key;
use crate::model::order;
use crate::model::units::parse_f64;
use crate::model::{
    AttrValue, Attribute, Cost, Event, Kind, Level, Observation, Payload, Score, ScoreValue, Trace, TraceSet, Usage,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Batch {
    post: Option<Vec<Run>>,
    patch: Option<Vec<Run>>,
    runs: Option<Vec<Run>>,
    feedback: Option<Vec<Feedback>>,
}

#[derive(Deserialize, Default)]
struct Run {
    id: Option<String>,
    name: Option<String>,
    run_type: Option<String>,
    start_time: Option<RunTime>,
    end_time: Option<RunTime>,
    parent_run_id: Option<String>,
    trace_id: Option<String>,
    dotted_order: Option<String>,
    inputs: Option<Box<RawValue>>,
    outputs: Option<Box<RawValue>>,
    error: Option<String>,
    extra: Option<Extra>,
    events: Option<Vec<RunEvent>>,
    tags: Option<Vec<String>>,
    session_name: Option<String>,
    status: Option<String>,
    prompt_tokens: Option<FlexFloat>,
    completion_tokens: Option<FlexFloat>,
    total_tokens: Option<FlexFloat>,
    total_cost: Option<FlexFloat>,
    prompt_cost: Option<FlexFloat>,
    completion_cost: Option<FlexFloat>,
    first_token_time: Option<RunTime>,
}

/// A run's time as the SDKs write it: RFC 3339 text (Python, the API), or Unix epoch
/// milliseconds (the JS SDK's `end_time: Date.now()`).
#[derive(Deserialize)]
#[serde(untagged)]
enum RunTime {
    Text(String),
    Millis(f64),
}

impl RunTime {
    fn ns(&self) -> Option<i64> {
        match self {
            RunTime::Text(t) => iso_ns(Some(t)),
            // milliseconds after the epoch: the whole ones exactly (a product in f64 would round
            // today's 1.8e18 ns to a multiple of 256), the fraction to the nearest nanosecond
            RunTime::Millis(ms) if ms.is_finite() && ms.abs() < 9.2e12 => {
                let whole = ms.trunc();
                (whole as i64).checked_mul(1_000_000)?.checked_add(((ms - whole) * 1e6).round() as i64)
            }
            RunTime::Millis(_) => None,
        }
    }
}

/// The nanoseconds of an optional run time.
fn time_ns(t: &Option<RunTime>) -> Option<i64> {
    t.as_ref().and_then(RunTime::ns)
}

#[derive(Deserialize, Default)]
struct Extra {
    metadata: Option<HashMap<String, Box<RawValue>>>,
    invocation_params: Option<Box<RawValue>>,
    runtime: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct RunEvent {
    name: Option<String>,
    time: Option<String>,
}

#[derive(Deserialize)]
struct Feedback {
    id: Option<String>,
    run_id: Option<String>,
    trace_id: Option<String>,
    key: Option<String>,
    score: Option<Box<RawValue>>,
    value: Option<Box<RawValue>>,
    comment: Option<String>,
    correction: Option<Box<RawValue>>,
    created_at: Option<String>,
    feedback_source: Option<FeedbackSource>,
}

#[derive(Deserialize)]
struct FeedbackSource {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// The usage LangChain writes into an LLM run's outputs.
#[derive(Deserialize)]
struct OutputUsage {
    usage_metadata: Option<UsageMetadata>,
    llm_output: Option<LlmOutput>,
}

#[derive(Deserialize)]
struct UsageMetadata {
    input_tokens: Option<FlexFloat>,
    output_tokens: Option<FlexFloat>,
    total_tokens: Option<FlexFloat>,
    input_token_details: Option<HashMap<String, FlexFloat>>,
    output_token_details: Option<HashMap<String, FlexFloat>>,
}

#[derive(Deserialize)]
struct LlmOutput {
    token_usage: Option<HashMap<String, FlexFloat>>,
}

/// Later fields win: a patch carries the end time, outputs and events of a posted run.
fn patch(into: &mut Run, p: Run) {
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

/// The runs of ingest batches: every posted run, then each patch completing the run of its id
/// (a patch of a run no batch posted is a run of its own), and their feedback.
fn merged(batches: Vec<Batch>) -> (Vec<Run>, Vec<Feedback>) {
    let (mut runs, mut patches, mut feedback) = (Vec::new(), Vec::new(), Vec::new());
    for b in batches {
        runs.extend(b.post.unwrap_or_default());
        runs.extend(b.runs.unwrap_or_default());
        patches.extend(b.patch.unwrap_or_default());
        feedback.extend(b.feedback.unwrap_or_default());
    }
    let mut by_id: HashMap<String, usize> =
        runs.iter().enumerate().filter_map(|(i, r)| r.id.clone().map(|id| (id, i))).collect();
    for p in patches {
        match p.id.as_ref().and_then(|id| by_id.get(id)) {
            Some(&i) => patch(&mut runs[i], p),
            None => {
                if let Some(id) = p.id.clone() {
                    by_id.insert(id, runs.len());
                }
                runs.push(p);
            }
        }
    }
    (runs, feedback)
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let first = body.bytes().find(|b| !b.is_ascii_whitespace());
    let (runs, feedback) = if first == Some(b'[') {
        // a list of runs, or a list of feedback
        let probe = super::sniff::shape(body.as_bytes());
        if probe.has("key") && (probe.has("run_id") || probe.has("score")) {
            let f: Vec<Feedback> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
            (Vec::new(), f)
        } else if probe.has("post") || probe.has("patch") {
            // ingest batches saved one after another (`[{post}, {post, patch}]`): one set of runs
            let b: Vec<Batch> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
            merged(b)
        } else {
            let r: Vec<Run> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
            (r, Vec::new())
        }
    } else {
        let probe = super::sniff::shape(body.as_bytes());
        if probe.has("run_type") {
            let r: Run = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
            (vec![r], Vec::new())
        } else {
            let b: Batch = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
            merged(vec![b])
        }
    };
    let mut set = TraceSet::default();
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, (Vec<Observation>, Meta)> = HashMap::new();
    for r in runs {
        let trace_id = trace_of(&r);
        let meta_session = session_of(&r);
        let tags = r.tags.clone().unwrap_or_default();
        let project = r.session_name.clone();
        let o = observation(r);
        let entry = groups.entry(trace_id.clone()).or_insert_with(|| {
            order.push(trace_id.clone());
            (Vec::new(), Meta::default())
        });
        entry.0.push(o);
        entry.1.session = entry.1.session.take().or(meta_session);
        entry.1.project = entry.1.project.take().or(project);
        for t in tags {
            if !entry.1.tags.contains(&t) {
                entry.1.tags.push(t);
            }
        }
    }
    for id in order {
        let Some((obs, meta)) = groups.remove(&id) else {
            continue;
        };
        let mut t = Trace::build(id, obs, file, &mut set.warnings);
        t.session_id = meta.session;
        t.tags = meta.tags;
        if let Some(p) = meta.project {
            t.attributes.push(Attribute { key: "langsmith.project".into(), value: AttrValue::Str(p) });
        }
        set.traces.push(t);
    }
    set.scores = feedback.into_iter().filter_map(score).collect();
    Ok(set)
}

#[derive(Default)]
struct Meta {
    session: Option<String>,
    project: Option<String>,
    tags: Vec<String>,
}

/// The trace a run belongs to: its `trace_id`, else the root run id that starts its dotted order.
fn trace_of(r: &Run) -> String {
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

fn session_of(r: &Run) -> Option<String> {
    let meta = r.extra.as_ref()?.metadata.as_ref()?;
    ["session_id", "thread_id", "conversation_id"]
        .iter()
        .find_map(|k| meta.get(*k).and_then(|v| serde_json::from_str::<String>(v.get()).ok()))
}

fn count(v: Option<FlexFloat>) -> Option<u64> {
    v.and_then(|f| f.0).filter(|f| f.is_finite() && *f >= 0.0).map(|f| f.round() as u64)
}

fn observation(r: Run) -> Observation {
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
    o.parent_id = r.parent_run_id.clone().filter(|p| !p.is_empty());
    o.end_ns = time_ns(&r.end_time);
    // the JS SDK writes the start in microseconds (a counter added for ordering) and the end as
    // `Date.now()` milliseconds: an end within the start's millisecond is that instant, not a
    // run ending before it started
    if let (Some(RunTime::Millis(_)), Some(end)) = (&r.end_time, o.end_ns) {
        if end < start_ns && start_ns - end < 1_000_000 {
            o.end_ns = Some(start_ns);
        }
    }
    o.input = r.inputs.map(Payload::from_raw).filter(|p| !p.is_empty_value());
    let usage_out = r.outputs.as_ref().and_then(|raw| serde_json::from_str::<OutputUsage>(raw.get()).ok());
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
    if let Some(u) = usage_out.as_ref().and_then(|u| u.usage_metadata.as_ref()) {
        usage.input = usage.input.or(count(u.input_tokens));
        usage.output = usage.output.or(count(u.output_tokens));
        usage.total = usage.total.or(count(u.total_tokens));
        for (prefix, details) in [("input", &u.input_token_details), ("output", &u.output_token_details)] {
            let mut d: Vec<(String, u64)> = details
                .iter()
                .flatten()
                .filter_map(|(k, v)| count(Some(*v)).map(|n| (format!("{prefix}_{k}"), n)))
                .collect();
            order::sort(&mut d);
            usage.details.extend(d);
        }
    } else if let Some(tu) = usage_out.as_ref().and_then(|u| u.llm_output.as_ref()).and_then(|l| l.token_usage.as_ref())
    {
        usage.input = usage.input.or(tu.get("prompt_tokens").copied().and_then(|v| count(Some(v))));
        usage.output = usage.output.or(tu.get("completion_tokens").copied().and_then(|v| count(Some(v))));
        usage.total = usage.total.or(tu.get("total_tokens").copied().and_then(|v| count(Some(v))));
    }
    if usage.total_tokens() > 0 {
        o.usage = usage;
    }
    let mut cost = Cost { total: r.total_cost.and_then(|c| c.0), details: Vec::new() };
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
                extra
                    .invocation_params
                    .as_ref()
                    .and_then(|p| serde_json::from_str::<HashMap<String, Box<RawValue>>>(p.get()).ok())
                    .and_then(|m| {
                        m.get("model")
                            .or_else(|| m.get("model_name"))
                            .and_then(|v| serde_json::from_str::<String>(v.get()).ok())
                    })
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

fn score(f: Feedback) -> Option<Score> {
    let name = f.key?;
    let raw = |v: &Option<Box<RawValue>>| v.as_ref().map(|r| r.get().trim().to_string()).filter(|r| r != "null");
    let value = if let Some(c) = raw(&f.correction) {
        ScoreValue::Text(serde_json::from_str::<String>(&c).unwrap_or(c))
    } else {
        match raw(&f.score) {
            Some(s) if s == "true" || s == "false" => ScoreValue::Boolean(s == "true"),
            Some(s) => match parse_f64(&s) {
                Some(n) => ScoreValue::Numeric(n),
                None => ScoreValue::Categorical(serde_json::from_str::<String>(&s).unwrap_or(s)),
            },
            None => {
                let v = raw(&f.value)?;
                ScoreValue::Categorical(serde_json::from_str::<String>(&v).unwrap_or(v))
            }
        }
    };
    Some(Score {
        id: f.id.unwrap_or_default(),
        name,
        value,
        source: f.feedback_source.and_then(|s| s.kind),
        comment: f.comment.filter(|c| !c.is_empty()),
        trace_id: f.trace_id,
        observation_id: f.run_id,
        session_id: None,
        time_ns: iso_ns(f.created_at.as_deref()),
    })
}
