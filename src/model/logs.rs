//! Log records that belong to a span (OTLP logs: GenAI content events, application log lines),
//! kept with the set until their span is loaded, then joined to it by trace and span id.
//!
//! The OpenTelemetry GenAI instrumentations put prompts and completions in log events rather than
//! on the span, and a collector may write spans and logs to different files, so a record waits in
//! `TraceSet::pending_logs` (through `merge`) until a load brings its span:
//! - GenAI content events become the span's messages (input and output), in record order, as in
//!   [gen-ai-events](https://github.com/open-telemetry/semantic-conventions/blob/v1.38.0/docs/gen-ai/gen-ai-events.md):
//!   `gen_ai.{system,user,assistant,tool}.message` and `gen_ai.choice` (semconv 1.30–1.36, content
//!   in the body), and `gen_ai.client.inference.operation.details` (`gen_ai.system_instructions`,
//!   `gen_ai.input.messages`, `gen_ai.output.messages` attributes). A span that already has an
//!   input or output (from its attributes) keeps it.
//! - Any other record becomes an event on the span: its name (or `log`), time, and `body`,
//!   `severity` and the record's attributes.

use super::{AttrValue, Attribute, Event, Payload, TraceSet, Warning, WarningKind};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One log record as the model keeps it until its span is loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingLog {
    /// Lowercase hex; empty when the record names no trace (it then never joins).
    pub trace_id: String,
    pub span_id: String,
    /// The event name (`eventName`, or the older `event.name` attribute).
    pub name: Option<String>,
    pub time_ns: Option<i64>,
    /// The severity text, else the severity number as text.
    pub severity: Option<String>,
    pub body: Option<AttrValue>,
    pub attributes: Vec<Attribute>,
    /// The file or address it came from.
    pub source: String,
}

/// Nesting below this depth is shown as text rather than converted (the readers cap depth too).
const MAX_DEPTH: usize = 64;

impl TraceSet {
    /// Joins every pending record whose span is loaded to that span; the others keep waiting.
    /// Returns the positions of the traces it changed, and updates the note of how many wait.
    pub fn attach_logs(&mut self) -> Vec<usize> {
        let pending = std::mem::take(&mut self.pending_logs);
        let mut changed = Vec::new();
        if !pending.is_empty() {
            let index: HashMap<&str, usize> = self.traces.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
            let mut per_trace: Vec<(usize, Vec<PendingLog>)> = Vec::new();
            let mut slots: HashMap<usize, usize> = HashMap::new();
            let mut waiting = Vec::new();
            for r in pending {
                match index.get(r.trace_id.as_str()) {
                    Some(&t) => {
                        let slot = *slots.entry(t).or_insert_with(|| {
                            per_trace.push((t, Vec::new()));
                            per_trace.len() - 1
                        });
                        per_trace[slot].1.push(r);
                    }
                    None => waiting.push(r),
                }
            }
            for (t, records) in per_trace {
                let trace = &mut self.traces[t];
                let mut by_span: HashMap<&str, usize> = HashMap::new();
                for (i, o) in trace.observations.iter().enumerate() {
                    by_span.entry(o.id.as_str()).or_insert(i);
                }
                let mut per_obs: Vec<(usize, Vec<PendingLog>)> = Vec::new();
                let mut obs_slots: HashMap<usize, usize> = HashMap::new();
                for r in records {
                    match by_span.get(r.span_id.as_str()) {
                        Some(&o) => {
                            let slot = *obs_slots.entry(o).or_insert_with(|| {
                                per_obs.push((o, Vec::new()));
                                per_obs.len() - 1
                            });
                            per_obs[slot].1.push(r);
                        }
                        None => waiting.push(r),
                    }
                }
                if per_obs.is_empty() {
                    continue;
                }
                for (o, records) in per_obs {
                    if let Some(ob) = trace.observations.get_mut(o) {
                        apply(ob, records);
                    }
                }
                changed.push(t);
            }
            self.pending_logs = waiting;
        }
        self.warnings.retain(|w| !matches!(w.kind, WarningKind::LogsWaiting { .. }));
        if let Some(first) = self.pending_logs.first() {
            let records = self.pending_logs.len();
            self.warnings.push(Warning::new(&first.source, WarningKind::LogsWaiting { records }));
        }
        changed
    }
}

/// Whether `loaded` is `span` plus what log records added to it (messages where it had none,
/// events): the span opened again adds nothing then. (Only asked of a span whose id is loaded
/// and that differs from every loaded one.)
pub(super) fn covers(loaded: &super::Observation, span: &super::Observation) -> bool {
    let same_io = |l: &Option<Payload>, s: &Option<Payload>| s.is_none() || l == s;
    if !same_io(&loaded.input, &span.input)
        || !same_io(&loaded.output, &span.output)
        || !span.events.iter().all(|e| loaded.events.contains(e))
        || loaded.events.len() < span.events.len()
    {
        return false;
    }
    let bare =
        |o: &super::Observation| super::Observation { input: None, output: None, events: Vec::new(), ..o.clone() };
    bare(loaded) == bare(span)
}

/// What one span's records become on it.
fn apply(ob: &mut super::Observation, records: Vec<PendingLog>) {
    let mut input: Vec<Value> = Vec::new();
    let mut output: Vec<Value> = Vec::new();
    // a record identical to an event the span already had (the same file opened again) is kept
    // once; records of this load are all kept (a log line may repeat)
    let before = ob.events.len();
    for r in records {
        let role = match r.name.as_deref() {
            Some("gen_ai.system.message") => "system",
            Some("gen_ai.user.message") => "user",
            Some("gen_ai.assistant.message") => "assistant",
            Some("gen_ai.tool.message") => "tool",
            Some("gen_ai.choice") => {
                output.push(choice(&r));
                continue;
            }
            Some("gen_ai.client.inference.operation.details") => {
                details(&r, &mut input, &mut output);
                continue;
            }
            _ => {
                let e = event(r, ob.start_ns);
                if !ob.events[..before].contains(&e) {
                    ob.events.push(e);
                }
                continue;
            }
        };
        input.push(message(&r, role));
    }
    if ob.input.is_none() && !input.is_empty() {
        ob.input = Some(Payload::from_value(&Value::Array(input)));
    }
    if ob.output.is_none() && !output.is_empty() {
        ob.output = Some(Payload::from_value(&Value::Array(output)));
    }
    // records arrive in their own batches: events in time order, ties as they came
    crate::model::order::sort_by_key(&mut ob.events, |e| e.time_ns);
}

/// A field of the record's body (a map), else the attribute of that name (older writers).
fn field(r: &PendingLog, key: &str) -> Option<Value> {
    let in_body = match &r.body {
        Some(AttrValue::Map(entries)) => entries.iter().find(|a| a.key == key).map(|a| json(&a.value, 0)),
        _ => None,
    };
    in_body.or_else(|| r.attributes.iter().find(|a| a.key == key).map(|a| json(&a.value, 0)))
}

/// `gen_ai.{role}.message`: the body's `content`, `tool_calls` (assistant) and `id` (the tool call
/// a tool message answers), as an OpenAI chat message.
fn message(r: &PendingLog, role: &str) -> Value {
    let mut m = Map::new();
    let role = field(r, "role").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| role.to_string());
    m.insert("role".into(), Value::from(role));
    let content = field(r, "content").or_else(|| match &r.body {
        Some(AttrValue::Map(_)) | None => None,
        // a body that is not a map is the content itself
        Some(b) => Some(json(b, 0)),
    });
    if let Some(c) = content {
        m.insert("content".into(), c);
    }
    if let Some(calls) = field(r, "tool_calls") {
        m.insert("tool_calls".into(), calls);
    }
    if let Some(id) = field(r, "id").or_else(|| field(r, "tool_call_id")) {
        m.insert("tool_call_id".into(), id);
    }
    Value::Object(m)
}

/// `gen_ai.choice`: the body's `message` (role, content, tool_calls), with its `index` and
/// `finish_reason`.
fn choice(r: &PendingLog) -> Value {
    let mut m = match field(r, "message") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if !m.get("role").is_some_and(Value::is_string) {
        m.insert("role".into(), Value::from("assistant"));
    }
    for key in ["index", "finish_reason"] {
        if let Some(v) = field(r, key) {
            m.entry(key).or_insert(v);
        }
    }
    Value::Object(m)
}

/// `gen_ai.client.inference.operation.details`: system instructions first (as a system message),
/// then the input messages; the output messages. Each may be structured or a JSON string.
fn details(r: &PendingLog, input: &mut Vec<Value>, output: &mut Vec<Value>) {
    let attr = |key: &str| {
        r.attributes.iter().find(|a| a.key == key).map(|a| match json(&a.value, 0) {
            Value::String(s) => serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s)),
            v => v,
        })
    };
    if let Some(sys) = attr("gen_ai.system_instructions") {
        let parts = match sys {
            Value::Array(parts) => Value::Array(parts),
            Value::String(text) => Value::String(text),
            other => Value::Array(vec![other]),
        };
        let mut m = Map::new();
        m.insert("role".into(), Value::from("system"));
        m.insert("parts".into(), parts);
        input.push(Value::Object(m));
    }
    for (key, to) in [("gen_ai.input.messages", &mut *input), ("gen_ai.output.messages", &mut *output)] {
        match attr(key) {
            Some(Value::Array(items)) => to.extend(items),
            Some(other) => to.push(other),
            None => {}
        }
    }
}

/// A record that is not a GenAI content event, as an event on its span.
fn event(r: PendingLog, span_start_ns: i64) -> Event {
    let mut attributes = Vec::with_capacity(r.attributes.len() + 2);
    if let Some(body) = r.body {
        attributes.push(Attribute { key: "body".into(), value: body });
    }
    if let Some(s) = r.severity {
        attributes.push(Attribute { key: "severity".into(), value: AttrValue::Str(s) });
    }
    attributes.extend(r.attributes);
    Event { name: r.name.unwrap_or_else(|| "log".into()), time_ns: r.time_ns.unwrap_or(span_start_ns), attributes }
}

/// An attribute value as JSON: integers as numbers when they fit, maps as objects.
fn json(v: &AttrValue, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::String(v.display());
    }
    match v {
        AttrValue::Str(s) | AttrValue::Bytes(s) => Value::String(s.clone()),
        AttrValue::Int(s) => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(s.clone())),
        AttrValue::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Array(items) => Value::Array(items.iter().map(|i| json(i, depth + 1)).collect()),
        AttrValue::Map(entries) => {
            Value::Object(entries.iter().map(|a| (a.key.to_string(), json(&a.value, depth + 1))).collect())
        }
        AttrValue::Json(p) => serde_json::from_str(p.raw()).unwrap_or(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Observation, Trace};

    fn record(name: &str, attributes: Vec<Attribute>) -> PendingLog {
        PendingLog {
            trace_id: "t".into(),
            span_id: "s".into(),
            name: Some(name.into()),
            time_ns: None,
            severity: None,
            body: None,
            attributes,
            source: "logs.json".into(),
        }
    }

    fn text(key: &str, v: &str) -> Attribute {
        Attribute { key: key.into(), value: AttrValue::Str(v.into()) }
    }

    fn set_with(records: Vec<PendingLog>) -> TraceSet {
        let mut set = TraceSet::default();
        let obs = vec![Observation::new("s", Kind::Generation, "chat", 10)];
        set.traces.push(Trace::build("t".into(), obs, "spans.json", &mut set.warnings));
        set.pending_logs = records;
        set
    }

    #[test]
    fn operation_details_as_json_text_with_system_instructions_first() {
        // the attribute values as a writer that serializes them (the span form) gives them
        let details = record(
            "gen_ai.client.inference.operation.details",
            vec![
                text("gen_ai.input.messages", r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#),
                text("gen_ai.system_instructions", r#"[{"type":"text","content":"be brief"}]"#),
                text(
                    "gen_ai.output.messages",
                    r#"[{"role":"assistant","parts":[{"type":"text","content":"hello"}],"finish_reason":"stop"}]"#,
                ),
            ],
        );
        let mut set = set_with(vec![details]);
        assert_eq!(set.attach_logs(), vec![0]);
        let o = &set.traces[0].observations[0];
        let read = |p: Option<&Payload>| {
            let v: Value = serde_json::from_str(p.map(Payload::raw).unwrap_or("null")).unwrap_or(Value::Null);
            crate::model::messages::extract(&v).unwrap_or_default()
        };
        let input = read(o.input.as_ref());
        let got: Vec<(String, String)> = input.iter().map(|m| (m.role.clone(), m.text())).collect();
        assert_eq!(got, [("system".to_string(), "be brief".to_string()), ("user".into(), "hi".into())]);
        assert_eq!(read(o.output.as_ref())[0].text(), "hello");
        assert!(o.events.is_empty(), "a content event is not also an event");
        assert!(set.pending_logs.is_empty() && set.warnings.is_empty());
    }

    #[test]
    fn a_span_with_its_own_messages_keeps_them_and_other_records_are_events_in_time_order() {
        let mut late = record("app.step", vec![text("k", "v")]);
        late.time_ns = Some(30);
        let mut early = record("", Vec::new());
        early.name = None;
        early.time_ns = Some(20);
        early.body = Some(AttrValue::Str("line".into()));
        early.severity = Some("INFO".into());
        let mut user = record("gen_ai.user.message", Vec::new());
        user.body = Some(AttrValue::Map(vec![text("content", "from the log")]));
        let mut set = set_with(vec![late, user, early]);
        set.traces[0].observations[0].input = Some(Payload::from_text("from the span"));
        set.attach_logs();
        let o = &set.traces[0].observations[0];
        assert_eq!(o.input.as_ref().map(Payload::raw), Some(r#""from the span""#));
        let names: Vec<(&str, i64)> = o.events.iter().map(|e| (e.name.as_str(), e.time_ns)).collect();
        assert_eq!(names, [("log", 20), ("app.step", 30)]);
        let keys: Vec<&str> = o.events[0].attributes.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["body", "severity"]);
    }

    #[test]
    fn records_of_spans_not_loaded_wait_and_are_counted() {
        let mut other = record("x", Vec::new());
        other.span_id = "elsewhere".into();
        let mut no_trace = record("y", Vec::new());
        no_trace.trace_id = String::new();
        let mut set = set_with(vec![other, no_trace]);
        assert!(set.attach_logs().is_empty());
        assert_eq!(set.pending_logs.len(), 2);
        let notes: Vec<String> = set.warnings.iter().map(|w| format!("{}: {w}", w.source)).collect();
        assert_eq!(
            notes,
            ["logs.json: 2 log records wait for their spans; open the file with the spans and they join them"]
        );
    }
}
