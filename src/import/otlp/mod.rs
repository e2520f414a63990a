//! OTLP JSON: spec form (hex ids, integer enums), protobuf-JSON (base64 ids, enum names), snake_case
//! keys with nulls, one request, an array of requests, or JSON Lines (one request per line).
//!
//! The request's envelope and what a span holds are in `envelope`, attribute values in `values`;
//! `chunked` follows the envelope piece by piece, and the one-piece import is that reader given
//! all the text at once. Binary OTLP (protobuf) is `proto_reader` (the envelope, piece by piece)
//! and `proto_span`/`proto` (its messages), converted by the same `envelope`. (Dependencies go one
//! way: `mod` → `chunked` | `proto_reader` → `proto_span` → `proto` → `envelope` → `values`.)

mod chunked;
#[cfg(test)]
mod chunked_tests;
mod envelope;
mod logs;
mod part;
mod proto;
mod proto_reader;
mod proto_span;
mod values;

pub(in crate::import) use chunked::Chunked;
pub(in crate::import) use envelope::Gather;
use envelope::Pending;
use envelope::Role;
#[allow(unused_imports)] // the protobuf reader builds them
pub(in crate::import) use logs::LogRecord;
pub(in crate::import) use proto_reader::{looks_like_protobuf, recognise, Reader as ProtoReader, Signal, Wire};

use super::{Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::{AttrValue, Event, Observation, Score, ScoreValue, Trace, TraceSet, Warning, WarningKind};
use std::collections::HashMap;

/// The chunked reader of an OTLP document of `format` that starts with `start`.
pub(in crate::import) fn reader(start: &[u8], format: Format) -> Chunked {
    Chunked::new(root_of(start, format), format, Gather::default())
}

/// Reads one JSON value (an export request, a list of them, Tempo's `{trace: …}` or a page of
/// spans) into `gather`, with the chunked reader given all the text at once.
fn read_value(body: &str, format: Format) -> Result<Gather, ImportError> {
    let mut c = reader(body.as_bytes(), format);
    c.push_text(body)?;
    c.finish()?;
    Ok(c.gather)
}

/// What the top of an OTLP document of `format` starting with `start` is.
fn root_of(start: &[u8], format: Format) -> Role {
    if format == Format::OtlpSpans {
        Role::Page
    } else if super::sniff::shape(start).sub_has("trace", "resourceSpans") {
        Role::Wrapped
    } else {
        Role::Request
    }
}

/// Reads line `n` (1-based) of an OTLP JSON Lines file.
pub(in crate::import) fn read_line(gather: &mut Gather, line: &[u8], n: usize) -> Result<(), ImportError> {
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
        gather = read_value(body, format)?;
    }
    Ok(finish(file, gather))
}

/// Builds the traces of everything gathered (ids restored, scores taken out, trees built).
pub(in crate::import) fn finish(file: &str, gather: Gather) -> TraceSet {
    let mut set = TraceSet::default();
    let Gather { traces, untimed, dropped, not_utf8, logs, .. } = gather;
    if not_utf8 {
        set.warnings.push(Warning::new(file, WarningKind::NotUtf8));
    }
    if untimed > 0 {
        set.warnings.push(Warning::new(file, WarningKind::Untimed { spans: untimed }));
    }
    if dropped > 0 {
        set.warnings.push(Warning::new(file, WarningKind::Dropped { count: dropped }));
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
    // records join their spans in this file now; the others wait in the set for a file with them
    set.pending_logs = logs::pending(logs, file);
    set.attach_logs();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Level};

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

    /// (Wrong shapes are errors: `chunked_tests::wrong_shapes_are_errors`, whole and in pieces.)
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
