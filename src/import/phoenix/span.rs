//! One Phoenix span in any of the JSON forms Phoenix writes: the REST API's and phoenix-client's
//! (`context.trace_id`, nested or dotted `attributes`), the 2023 `span_json_encoder` form (UUID ids,
//! times without a zone, `llm.messages` as `[role, content]` pairs, `conversation`), and a row of
//! `get_spans_dataframe().to_json(orient="records")` (keys `context.span_id`, `attributes.…`,
//! `eval.<name>.score|label|explanation`, times as epoch milliseconds).

use super::super::wire::{has_zone, iso_ns};
use crate::model::{AttrValue, Attribute, Event, Kind, Level, Observation, Score, ScoreValue};
use serde_json::{Map, Value};

/// One span, its fields taken out of the span's object (which keeps the other keys: a dataframe
/// row's `attributes.…` and `eval.…` columns).
pub(super) struct Span {
    name: Option<String>,
    trace_id: Option<String>,
    span_id: Option<String>,
    span_kind: Option<String>,
    parent_id: Option<String>,
    start_time: Option<Value>,
    end_time: Option<Value>,
    status_code: Option<String>,
    status_message: Option<String>,
    attributes: Map<String, Value>,
    events: Vec<Value>,
    /// The 2023 encoder's `{"conversation_id": …}`: the session.
    conversation_id: Option<String>,
    /// A dataframe row's other columns: `attributes.…` and `eval.…`.
    columns: Map<String, Value>,
}

/// The value of `key` in `map` unless null, taken out of it.
fn take(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    map.remove(key).filter(|v| !v.is_null())
}

fn take_str(map: &mut Map<String, Value>, key: &str) -> Option<String> {
    match take(map, key)? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn take_map(map: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match take(map, key) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// What reading spans noticed about the file as a whole.
#[derive(Default)]
pub(super) struct Notes {
    /// Times written without a zone, read as UTC.
    pub(super) zoneless: usize,
}

/// A time as Phoenix's writers leave it: ISO text (with or without a zone), or epoch milliseconds
/// (pandas' `to_json` default for a dataframe's datetime columns).
fn time_ns(t: &Value, notes: &mut Notes) -> Option<i64> {
    match t {
        Value::String(t) => {
            let ns = iso_ns(Some(t));
            if ns.is_some() && !has_zone(t) {
                notes.zoneless += 1;
            }
            ns
        }
        // whole milliseconds exactly (a product in f64 would round today's 1.8e18 ns)
        Value::Number(n) => {
            let ms = n.as_f64().filter(|ms| ms.is_finite() && ms.abs() < 9.2e12)?;
            let whole = ms.trunc();
            (whole as i64).checked_mul(1_000_000)?.checked_add(((ms - whole) * 1e6).round() as i64)
        }
        _ => None,
    }
}

impl Span {
    /// A span's object (`None` if it is not one); its context nested or as a row's dotted columns.
    pub(super) fn read(v: Value) -> Option<Span> {
        let Value::Object(mut m) = v else {
            return None;
        };
        let mut context = take_map(&mut m, "context");
        let row_trace_id = take_str(&mut m, "context.trace_id");
        let row_span_id = take_str(&mut m, "context.span_id");
        Some(Span {
            name: take_str(&mut m, "name"),
            trace_id: take_str(&mut context, "trace_id").or(row_trace_id),
            span_id: take_str(&mut context, "span_id").or(row_span_id),
            span_kind: take_str(&mut m, "span_kind"),
            parent_id: take_str(&mut m, "parent_id"),
            start_time: take(&mut m, "start_time"),
            end_time: take(&mut m, "end_time"),
            status_code: take_str(&mut m, "status_code"),
            status_message: take_str(&mut m, "status_message"),
            attributes: take_map(&mut m, "attributes"),
            events: match take(&mut m, "events") {
                Some(Value::Array(events)) => events,
                _ => Vec::new(),
            },
            conversation_id: take_str(&mut take_map(&mut m, "conversation"), "conversation_id"),
            columns: m,
        })
    }

    pub(super) fn trace_id(&self) -> String {
        self.trace_id.clone().unwrap_or_default()
    }

    /// The observation, and the scores a dataframe row carries in its `eval.<name>.*` columns.
    pub(super) fn convert(self, notes: &mut Notes) -> (Observation, Vec<Score>) {
        let trace_id = self.trace_id();
        let id = self.span_id.unwrap_or_default();
        let kind = self.span_kind.as_deref().and_then(Kind::from_name).unwrap_or(Kind::Span);
        let start = self.start_time.as_ref().and_then(|t| time_ns(t, notes)).unwrap_or(0);
        let mut o = Observation::new(id, kind, self.name.unwrap_or_default(), start);
        o.parent_id = self.parent_id.filter(|p| !p.is_empty());
        o.end_ns = self.end_time.as_ref().and_then(|t| time_ns(t, notes));
        if self.status_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("ERROR")) {
            o.level = Level::Error;
        }
        o.status_message = self.status_message.filter(|m| !m.is_empty());
        let mut attributes = self.attributes;
        let mut evals: Vec<(String, Value)> = Vec::new();
        for (k, v) in self.columns {
            if v.is_null() {
                continue; // a column of other rows, empty in this one
            }
            if let Some(key) = k.strip_prefix("attributes.") {
                attributes.insert(key.to_string(), v);
            } else if let Some(eval) = k.strip_prefix("eval.") {
                evals.push((eval.to_string(), v));
            }
        }
        o.attributes = flatten(attributes);
        if let Some(session) = self.conversation_id {
            if o.attribute("session.id").is_none() {
                o.attributes.push(Attribute { key: "session.id".into(), value: AttrValue::Str(session) });
            }
        }
        o.events = self
            .events
            .into_iter()
            .map(|e| {
                let Value::Object(mut e) = e else {
                    return Event { name: String::new(), time_ns: o.start_ns, attributes: Vec::new() };
                };
                Event {
                    name: take_str(&mut e, "name").unwrap_or_default(),
                    time_ns: take(&mut e, "timestamp").and_then(|t| time_ns(&t, notes)).unwrap_or(o.start_ns),
                    attributes: flatten(take_map(&mut e, "attributes")),
                }
            })
            .collect();
        let scores = eval_scores(evals, &o.id, &trace_id);
        (o, scores)
    }
}

/// `eval.<name>.score`, `.label` and `.explanation` columns (what `TraceDataset` joins from a
/// `SpanEvaluations`) as one score per name: numeric with the label in the comment, else the label.
fn eval_scores(columns: Vec<(String, Value)>, span: &str, trace: &str) -> Vec<Score> {
    let mut by_name: Vec<Eval> = Vec::new();
    for (key, v) in columns {
        let Some((name, field)) = key.rsplit_once('.') else { continue };
        let i = match by_name.iter().position(|e| e.name == name) {
            Some(i) => i,
            None => {
                by_name.push(Eval { name: name.to_string(), ..Eval::default() });
                by_name.len() - 1
            }
        };
        match (field, v) {
            ("score", Value::Number(n)) => by_name[i].score = n.as_f64(),
            ("label", Value::String(s)) => by_name[i].label = Some(s),
            ("explanation", Value::String(s)) => by_name[i].explanation = Some(s),
            _ => {}
        }
    }
    by_name
        .into_iter()
        .filter_map(|Eval { name, score, label, explanation }| {
            let (value, comment) = match (score, label) {
                (Some(s), Some(l)) => {
                    (ScoreValue::Numeric(s), Some(format!("label: {l}")).into_iter().chain(explanation).collect())
                }
                (Some(s), None) => (ScoreValue::Numeric(s), explanation.into_iter().collect()),
                (None, Some(l)) => (ScoreValue::Categorical(l), explanation.into_iter().collect()),
                (None, None) => (ScoreValue::Text(explanation?), Vec::<String>::new()),
            };
            Some(Score {
                id: format!("{span}/eval.{name}"),
                name,
                value,
                source: Some("EVAL".into()),
                comment: Some(comment.join(" — ")).filter(|c| !c.is_empty()),
                trace_id: Some(trace.to_string()).filter(|t| !t.is_empty()),
                observation_id: Some(span.to_string()),
                session_id: None,
                time_ns: None,
            })
        })
        .collect()
}

/// One evaluation's columns of a dataframe row.
#[derive(Default)]
struct Eval {
    name: String,
    score: Option<f64>,
    label: Option<String>,
    explanation: Option<String>,
}

/// Phoenix may nest attributes (`{"llm": {"model_name": …}}`) or flatten them (`"llm.model_name"`);
/// both become dotted keys, with list positions as segments, so one convention mapper serves all.
/// The 2023 `llm.messages` (`[[role, content], …]`) become `llm.input_messages`. Iterative, with an
/// explicit stack.
pub(super) fn flatten(map: Map<String, Value>) -> Vec<Attribute> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, Value)> = map.into_iter().rev().collect();
    while let Some((key, value)) = stack.pop() {
        match value {
            Value::Array(items) if key == "llm.messages" && items.iter().all(is_pair) => {
                for (i, pair) in items.into_iter().enumerate().rev() {
                    if let Value::Array(mut rc) = pair {
                        let content = rc.pop().unwrap_or_default();
                        let role = rc.pop().unwrap_or_default();
                        stack.push((format!("llm.input_messages.{i}.message.content"), content));
                        stack.push((format!("llm.input_messages.{i}.message.role"), role));
                    }
                }
            }
            Value::Object(m) if !m.is_empty() => {
                for (k, v) in m.into_iter().rev() {
                    stack.push((format!("{key}.{k}"), v));
                }
            }
            Value::Array(items) if items.iter().any(|v| v.is_object()) => {
                for (i, v) in items.into_iter().enumerate().rev() {
                    stack.push((format!("{key}.{i}"), v));
                }
            }
            other => out.push(Attribute { key: key.into(), value: scalar(other) }),
        }
    }
    out
}

/// A 2023 chat message: `[role, content]`, both text.
fn is_pair(v: &Value) -> bool {
    matches!(v, Value::Array(rc) if rc.len() == 2 && rc.iter().all(Value::is_string))
}

fn scalar(v: Value) -> AttrValue {
    match v {
        Value::String(s) => AttrValue::Str(s),
        Value::Bool(b) => AttrValue::Bool(b),
        Value::Number(n) if n.is_f64() => AttrValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        Value::Number(n) => AttrValue::Int(n.to_string()),
        Value::Array(items) => AttrValue::Array(items.into_iter().map(scalar).collect()),
        Value::Null => AttrValue::Str(String::new()),
        Value::Object(_) => AttrValue::Str("{}".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_flat_attributes_flatten_alike() {
        let nested: Map<String, Value> =
            serde_json::from_str(r#"{"llm":{"model_name":"gpt-4","input_messages":[{"message":{"role":"user","content":"hi"}}]},"tag.tags":["a","b"]}"#).unwrap();
        let mut keys: Vec<String> = flatten(nested).into_iter().map(|a| a.key.to_string()).collect();
        keys.sort();
        assert_eq!(
            keys,
            vec![
                "llm.input_messages.0.message.content",
                "llm.input_messages.0.message.role",
                "llm.model_name",
                "tag.tags"
            ]
        );
    }

    #[test]
    fn messages_of_2023_become_input_messages() {
        let m: Map<String, Value> =
            serde_json::from_str(r#"{"llm":{"messages":[["system","be brief"],["user","hi"]]}}"#).unwrap();
        let got: Vec<(String, AttrValue)> = flatten(m).into_iter().map(|a| (a.key.to_string(), a.value)).collect();
        let s = |k: &str, v: &str| (k.to_string(), AttrValue::Str(v.into()));
        assert_eq!(
            got,
            vec![
                s("llm.input_messages.0.message.role", "system"),
                s("llm.input_messages.0.message.content", "be brief"),
                s("llm.input_messages.1.message.role", "user"),
                s("llm.input_messages.1.message.content", "hi"),
            ]
        );
    }
}
