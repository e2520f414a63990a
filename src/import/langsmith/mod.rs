//! LangSmith runs: ingest batches `{post, patch}` (patches complete posted runs), lists of them,
//! JSON Lines of request bodies or run operations (creates and updates linked only by `id`, in
//! any order), multipart ingest bodies (`multipart`), run lists from its API (`[run…]` or
//! `{runs: [...]}`), and feedback lists as scores. Each run is shown once, its operations merged.

mod multipart;
mod run;

use super::jsonv;
use super::wire::iso_ns;
use super::{shape_error, Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Attribute, Observation, Score, ScoreValue, Trace, TraceSet, Warning, WarningKind};
use run::{observation, patch, session_of, trace_of, Run};
use serde_json::value::RawValue;
use std::collections::HashMap;

/// An ingest batch: runs to create (`post`, or `runs` as the API lists them), updates, feedback.
#[derive(Default)]
struct Batch {
    post: Option<Vec<Run>>,
    patch: Option<Vec<Run>>,
    runs: Option<Vec<Run>>,
    feedback: Option<Vec<Feedback>>,
}

#[derive(Default)]
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
    feedback_source: Option<String>,
}

/// A list of values each read by `one` (null as none).
fn list_of<T>(
    raw: &RawValue,
    one: fn(&str) -> Result<T, serde_json::Error>,
) -> Result<Option<Vec<T>>, serde_json::Error> {
    let Some(items) = serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get())? else {
        return Ok(None);
    };
    items.into_iter().map(|i| one(i.get())).collect::<Result<Vec<T>, _>>().map(Some)
}

/// A document that is a list of values each read by `one`.
fn list<T>(body: &str, one: fn(&str) -> Result<T, serde_json::Error>) -> Result<Vec<T>, serde_json::Error> {
    let items: Vec<&RawValue> = serde_json::from_str(body)?;
    items.into_iter().map(|i| one(i.get())).collect()
}

fn batch(text: &str) -> Result<Batch, serde_json::Error> {
    let mut b = Batch::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "post" => b.post = list_of(v, run::parse)?,
            "patch" => b.patch = list_of(v, run::parse)?,
            "runs" => b.runs = list_of(v, run::parse)?,
            "feedback" => b.feedback = list_of(v, feedback)?,
            _ => {}
        }
    }
    Ok(b)
}

fn feedback(text: &str) -> Result<Feedback, serde_json::Error> {
    let string = |v: &RawValue| serde_json::from_str::<Option<String>>(v.get());
    let raw = |v: &RawValue| (v.get().trim() != "null").then(|| v.to_owned());
    let mut f = Feedback::default();
    for (k, v) in jsonv::raw_entries(text)? {
        match k.as_str() {
            "id" => f.id = string(v)?,
            "run_id" => f.run_id = string(v)?,
            "trace_id" => f.trace_id = string(v)?,
            "key" => f.key = string(v)?,
            "score" => f.score = raw(v),
            "value" => f.value = raw(v),
            "comment" => f.comment = string(v)?,
            "correction" => f.correction = raw(v),
            "created_at" => f.created_at = string(v)?,
            "feedback_source" => {
                let source = serde_json::from_str::<serde_json::Value>(v.get())?;
                f.feedback_source = jsonv::str(&source, &["type"]).map(String::from);
            }
            _ => {}
        }
    }
    Ok(f)
}

/// Run operations as a file holds them: creates (posted or listed runs), updates (patches), and
/// feedback, in order.
#[derive(Default)]
struct Ops {
    posts: Vec<Run>,
    patches: Vec<Run>,
    feedback: Vec<Feedback>,
}

impl Ops {
    fn batch(&mut self, b: Batch) {
        self.posts.extend(b.post.unwrap_or_default());
        self.posts.extend(b.runs.unwrap_or_default());
        self.patches.extend(b.patch.unwrap_or_default());
        self.feedback.extend(b.feedback.unwrap_or_default());
    }

    /// A run on its own line or in a list: an update when it has none of what a create has (a
    /// name, a type, a start), as the Python SDK's `PATCH /runs/{id}` bodies; else a create.
    fn run(&mut self, r: Run) {
        if r.name.is_none() && r.run_type.is_none() && r.start_time.is_none() {
            self.patches.push(r);
        } else {
            self.posts.push(r);
        }
    }

    /// One JSON value of a file: a batch, one feedback, or one run.
    fn value(&mut self, text: &str, format: Format) -> Result<(), ImportError> {
        let err = |e: serde_json::Error| shape_error(format, &e);
        let probe = super::sniff::shape(text.as_bytes());
        if ["post", "patch", "runs", "feedback"].iter().any(|k| probe.has(k)) {
            self.batch(batch(text).map_err(err)?);
        } else if probe.has("key") && probe.has("run_id") {
            self.feedback.push(feedback(text).map_err(err)?);
        } else if ["id", "run_type", "name", "dotted_order"].iter().any(|k| probe.has(k)) {
            self.run(run::parse(text).map_err(err)?);
        } else {
            // nothing of a run: read as a batch, which says what it lacks
            self.batch(batch(text).map_err(err)?);
        }
        Ok(())
    }

    /// Each run once, whatever order its operations came in: creates of one id merge (later
    /// fields win), then each update completes the run of its id (an update of a run no create
    /// names is a run of its own); and the feedback.
    fn merged(self) -> (Vec<Run>, Vec<Feedback>) {
        let mut runs: Vec<Run> = Vec::with_capacity(self.posts.len());
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for r in self.posts.into_iter().chain(self.patches) {
            match r.id.as_ref().and_then(|id| by_id.get(id)) {
                Some(&i) => patch(&mut runs[i], r),
                None => {
                    if let Some(id) = r.id.clone() {
                        by_id.insert(id, runs.len());
                    }
                    runs.push(r);
                }
            }
        }
        (runs, self.feedback)
    }
}

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let err = |e: serde_json::Error| shape_error(format, &e);
    let mut ops = Ops::default();
    let first = body.bytes().find(|b| !b.is_ascii_whitespace());
    if multipart::is_multipart(body) {
        multipart::read(body, &mut ops, format)?;
    } else if super::sniff::shape(body.as_bytes()).more_values {
        // JSON Lines of operations: request bodies one per line, batches, runs and patches mixed
        for value in serde_json::Deserializer::from_str(body).into_iter::<&RawValue>() {
            ops.value(value.map_err(err)?.get(), format)?;
        }
    } else if first == Some(b'[') {
        // a list of runs, of feedback, or of ingest batches saved one after another
        let probe = super::sniff::shape(body.as_bytes());
        if probe.has("key") && (probe.has("run_id") || probe.has("score")) {
            ops.feedback = list(body, feedback).map_err(err)?;
        } else if probe.has("post") || probe.has("patch") {
            list(body, batch).map_err(err)?.into_iter().for_each(|b| ops.batch(b));
        } else {
            list(body, run::parse).map_err(err)?.into_iter().for_each(|r| ops.run(r));
        }
    } else {
        ops.value(body, format)?;
    }
    let (runs, feedback) = ops.merged();
    let mut set = TraceSet::default();
    let zoneless: usize = runs.iter().map(run::zoneless).sum();
    if zoneless > 0 {
        set.warnings.push(Warning::new(file, WarningKind::NoTimeZone { times: zoneless }));
    }
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
        source: f.feedback_source,
        comment: f.comment.filter(|c| !c.is_empty()),
        trace_id: f.trace_id,
        observation_id: f.run_id,
        session_id: None,
        time_ns: iso_ns(f.created_at.as_deref()),
    })
}
