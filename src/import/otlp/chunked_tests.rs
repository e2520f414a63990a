//! The chunked reader against the one-piece import: pieces of any size, damage anywhere and wrong
//! shapes give the same model or the same error.

use super::super::{wire, Format, ImportError};
use super::chunked::Chunked;
use super::envelope::{Gather, Role};
use serde::de::IgnoredAny;

/// The model (or the error) from reading `body` in pieces of `piece` bytes.
fn chunked(body: &[u8], piece: usize) -> Result<String, ImportError> {
    let mut c = Chunked::new(Role::Request, Format::Otlp, Gather::default());
    for p in body.chunks(piece.max(1)) {
        c.push(p)?;
    }
    c.finish()?;
    Ok(format!("{:?}", super::finish("x.json", c.gather)))
}

fn whole(body: &[u8]) -> Result<String, ImportError> {
    super::import("x.json", &String::from_utf8_lossy(body), Format::Otlp).map(|s| format!("{s:?}"))
}

/// The byte offset of serde's (line, column): `column` bytes after the start of `line`.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let start: usize = body.split(|&b| b == b'\n').take(line - 1).map(|l| l.len() + 1).sum();
    start + column
}

#[test]
fn tempo_wrapper_and_span_pages_have_their_roots() {
    let span = r#"{"traceId":"01","spanId":"02","name":"a","startTimeUnixNano":"1"}"#;
    let req = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{span}]}}]}}]}}"#);
    let count = |root, body: &str| {
        let mut c = Chunked::new(root, Format::Otlp, Gather::default());
        c.push(body.as_bytes()).and_then(|_| c.finish()).map(|_| c.gather.spans)
    };
    assert_eq!(count(Role::Wrapped, &format!(r#"{{"trace":{req}}}"#)), Ok(1));
    assert_eq!(count(Role::Page, &format!(r#"{{"data":[{span},null,{span}],"next_cursor":null}}"#)), Ok(2));
    assert!(count(Role::Wrapped, &format!(r#"{{"trace":[{req}]}}"#)).is_err());
    assert!(count(Role::Page, r#"{"data":{"a":1}}"#).is_err());
}

const SPANS: &str = r#"[{"traceId":"01","spanId":"02","name":"a","startTimeUnixNano":"1",
        "attributes":[{"key":"input.value","value":{"stringValue":"q \"quoted\" ]}"}}]},
       null,
       {"traceId":"01","spanId":"03","parentSpanId":"02","name":"b","startTimeUnixNano":2,"endTimeUnixNano":"9",
        "status":{"code":2,"message":"boom"},"events":[{"name":"e","timeUnixNano":"3"}]}]"#;
const RESOURCE: &str = r#"{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]}"#;
const SCOPE_: &str = r#"{"name":"lib","version":"1.2"}"#;
/// Log records of the spans above: a plain one (enum name), and a GenAI event named by its
/// attribute, in snake_case.
const LOGS: &str = r#"[{"traceId":"01","spanId":"02","timeUnixNano":"4","severityNumber":"SEVERITY_NUMBER_WARN",
        "body":{"stringValue":"w"},"eventName":"x"},
       null,
       {"trace_id":"01","span_id":"03","observed_time_unix_nano":5,"body":{"kvlist_value":{"values":[{"key":"content","value":{"string_value":"hi"}}]}},
        "attributes":[{"key":"event.name","value":{"stringValue":"gen_ai.user.message"}}]}]"#;

fn documents() -> Vec<String> {
    vec![
            format!(
                r#"{{"resourceSpans":[{{"resource":{RESOURCE},"scopeSpans":[{{"scope":{SCOPE_},"spans":{SPANS}}}]}}]}}"#
            ),
            // resource and scope after their spans, unknown keys, nulls, snake_case, a list of requests
            format!(
                r#"{{"x":[1,{{"a":null}}],"resourceSpans":[null,{{"schemaUrl":"s","scopeSpans":[{{"spans":{SPANS},"scope":{SCOPE_}}},{{"spans":[]}}],"resource":{RESOURCE}}}],"n":-1.5e3}}"#
            ),
            format!(
                "[{{\"resource_spans\":[{{\"scope_spans\":[{{\"instrumentation_library\":{SCOPE_},\n\"spans\":{SPANS}}}]}}]}},\r\n\t null, {{\"batches\":[]}}]"
            ),
            format!(r#"{{"resourceSpans":[{{"resource":{RESOURCE},"scopeSpans":[{{"spans":{SPANS},"scope":null}}]}}]}}  "#),
            r#"{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[]}]}], "\u0072esourceSpans": null}"#.into(),
            // logs before the spans they belong to, their resource and scope after them
            format!(
                r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":{LOGS},"scope":{SCOPE_}}}],"resource":{RESOURCE}}}],"resourceSpans":[{{"resource":{RESOURCE},"scopeSpans":[{{"scope":{SCOPE_},"spans":{SPANS}}}]}}]}}"#
            ),
        ]
}

#[test]
fn log_records_take_their_resource_and_scope_when_written_after_them() {
    let doc = documents().pop().unwrap_or_default();
    let set = super::import("x.json", &doc, Format::Otlp).unwrap_or_default();
    let events: Vec<_> = set.traces.iter().flat_map(|t| &t.observations).flat_map(|o| &o.events).collect();
    let x = events.iter().find(|e| e.name == "x").map(|e| e.attributes.iter().map(|a| a.key.to_string()).collect());
    let want = ["body", "severity", "service.name", "otel.scope.name", "otel.scope.version"].map(String::from);
    assert_eq!(x, Some(want.to_vec()));
    // span 03 has no input of its own: the GenAI event's message is its input
    let b = set.traces.iter().flat_map(|t| &t.observations).find(|o| o.id == "03");
    let input = b.and_then(|o| o.input.as_ref()).map(|p| p.raw().to_string());
    assert_eq!(input.as_deref(), Some(r#"[{"role":"user","content":"hi"}]"#));
}

#[test]
fn pieces_of_any_size_read_as_the_whole() {
    for doc in documents() {
        let want = whole(doc.as_bytes());
        assert!(want.is_ok(), "{want:?}");
        for piece in [1, 2, 3, 5, 8, 13, 64, 100_000] {
            assert_eq!(chunked(doc.as_bytes(), piece), want, "pieces of {piece}: {doc}");
        }
        for cut in 0..doc.len() {
            let mut c = Chunked::new(Role::Request, Format::Otlp, Gather::default());
            let (a, b) = doc.as_bytes().split_at(cut);
            let got = c.push(a).and_then(|_| c.push(b)).and_then(|_| c.finish());
            assert!(got.is_ok(), "cut at {cut}: {got:?}");
            assert_eq!(Ok(format!("{:?}", super::finish("x.json", c.gather))), want);
        }
    }
}

/// Every cut, stray byte and missing byte: the same result in pieces of any size, and a syntax
/// error is exactly serde's for the whole document (line, column, reason); a shape error comes
/// no later than serde's first syntax error.
#[test]
fn damage_anywhere_gives_serde_errors_in_pieces_of_any_size() {
    let mut checked = 0;
    for doc in documents() {
        let doc = doc.replace("],", "],\n");
        let bytes = doc.as_bytes();
        for at in 0..bytes.len() {
            let truncated = &bytes[..at];
            let mut damaged = bytes.to_vec();
            damaged.insert(at, b'#');
            let mut dropped = bytes.to_vec();
            dropped.remove(at);
            for body in [truncated, &damaged[..], &dropped[..]] {
                // the stream reads only documents that start as OTLP does (sniffed first)
                if !matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{') | Some(b'[')) {
                    continue;
                }
                let text = String::from_utf8_lossy(body);
                let want = chunked(body, 1 << 20);
                for piece in [1, 7] {
                    assert_eq!(chunked(body, piece), want, "pieces of {piece}: {text}");
                }
                let serde = serde_json::from_slice::<IgnoredAny>(body).err();
                let at_serde = serde.as_ref().map(|e| (e.line(), e.column()));
                match (&want, &serde) {
                    (Ok(_), None) => {}
                    // serde's typed and untyped readers word an error at the end of the file by
                    // what they were reading ("EOF while parsing an object" or "… a value"), and
                    // place a bad byte in a string before or after it: same place, give or take it
                    (Err(ImportError::Syntax { line, column, reason }), Some(e)) => {
                        let (ours, theirs) = (offset(body, *line, *column), offset(body, e.line(), e.column()));
                        assert!(ours.abs_diff(theirs) <= 1, "{want:?} vs {e}: {text}");
                        if e.is_eof() {
                            assert!(reason.starts_with("EOF while parsing"), "{reason}");
                        } else {
                            assert_eq!(reason, &wire::reason(e), "{text}");
                        }
                    }
                    (Err(ImportError::Shape { line, column, .. }), _) => {
                        assert!(at_serde.is_none_or(|p| p >= (*line, *column)), "{want:?} after {serde:?}: {text}")
                    }
                    _ => panic!("{want:?} but serde says {serde:?}: {text}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

#[test]
fn wrong_shapes_are_errors() {
    for body in [
        r#"{"resourceSpans":5}"#,
        r#"{"resourceSpans":[{"scopeSpans":{"spans":[]}}]}"#,
        r#"{"resourceSpans":[{"resource":{},"scopeSpans":{"spans":[]}}]}"#,
        r#"{"resourceSpans":[[1]]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[5]}]}]}"#,
        "[1]",
        // a request may follow a request (JSON Lines read as one document), nothing else may
        "{} [1]",
        "{} 5",
        r#"{} "x""#,
    ] {
        assert!(chunked(body.as_bytes(), 3).is_err(), "{body}");
        assert!(whole(body.as_bytes()).is_err(), "{body}");
    }
}
