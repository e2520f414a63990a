//! Redaction at export: a fixture with planted secrets, exported in every format with the built-in
//! detectors, keeps none of them, keeps the trees, totals and scores, and says it was redacted.
#![cfg(not(target_arch = "wasm32"))]

use canopy::export::redact::{redact, Detector, Rules};
use canopy::export::{self, ExportFormat};
use canopy::import::load;

#[allow(dead_code)] // only its regex adapter is used here
mod fuzz_checks;
use fuzz_checks::lite;

const PLANTED: [&str; 9] = [
    "maria.garcia@example.com",
    "4111 1111 1111 1111",
    "415-555-0132",
    "10.20.30.40",
    "2001:db8::8a2e:370:7334",
    "eyJhbGciOiJIUzI1NiJ9",
    "sk-proj-AbCdEf0123456789xyzSECRET",
    "abcdefghijklmnop123456",
    "AKIAIOSFODNN7EXAMPLE",
];

fn fixture() -> canopy::model::TraceSet {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/redaction/planted-secrets.json");
    load("planted-secrets.json", &std::fs::read(path).unwrap()).unwrap().set
}

#[test]
fn no_planted_secret_survives_any_export_format() {
    let set = fixture();
    let unredacted = export::write(&set, ExportFormat::Canopy, None);
    for p in PLANTED {
        assert!(unredacted.contains(p), "the fixture plants {p}");
    }
    let rules = Rules { detectors: Detector::ALL.to_vec(), ..Default::default() };
    let (clean, report) = redact(&set, &rules, lite).unwrap();
    assert_eq!(report.masked["email"], (1, 5), "one address, in five places");
    assert!(report.masked["secret"].0 >= 4 && report.masked["ip"].0 == 2 && report.masked["card"].0 == 1);
    for format in ExportFormat::ALL {
        let file = export::write(&clean, format, Some(&rules.describe()));
        for p in PLANTED {
            assert!(!file.contains(p), "{format:?} still holds {p}");
        }
        assert!(file.contains("<email-1>") && file.contains("Redacted by Canopy"), "{format:?}");
        let again = load(&format!("x.{}", format.extension()), file.as_bytes()).unwrap().set;
        let (a, b) = (&set.traces[0], &again.traces[0]);
        assert_eq!(a.tree, b.tree, "{format:?}");
        assert_eq!(a.totals, b.totals, "{format:?}");
        assert_eq!(again.scores.len(), 1, "{format:?}");
        assert_eq!(again.scores[0].comment.as_deref(), Some("customer <email-1> was happy"), "{format:?}");
    }
}

#[test]
fn field_rules_drop_inputs_outputs_and_attributes() {
    let set = fixture();
    let rules =
        Rules { drop_inputs: true, drop_outputs: true, drop_attributes: vec!["metadata".into()], ..Default::default() };
    let (clean, report) = redact(&set, &rules, lite).unwrap();
    let t = &clean.traces[0];
    assert!(t.input.is_none() && t.output.is_none());
    assert!(t.observations.iter().all(|o| o.input.is_none() && o.output.is_none()));
    assert!(t.observations.iter().all(|o| o.attribute("metadata").is_none()));
    // trace input and output, o1 input and output, o2 input (its output is null), two metadata entries
    assert_eq!(report.dropped_fields, 2 + 3 + 2);
    assert_eq!(t.totals, set.traces[0].totals, "numbers are not touched");
}

/// A one-trace Langfuse file whose trace input is `input` (raw JSON) and whose generation's output
/// is the JSON string `text`.
fn one_trace(input: &str, text: &str) -> canopy::model::TraceSet {
    let file = format!(
        r#"{{"trace":{{"id":"t-1","name":"n","timestamp":"2025-01-01T00:00:00.000Z","sessionId":"sess-42","userId":"user-7","input":{input}}},
        "observations":[{{"id":"o-1","traceId":"t-1","type":"GENERATION","name":"gen","startTime":"2025-01-01T00:00:00.000Z",
        "endTime":"2025-01-01T00:00:01.000Z","output":{}}}]}}"#,
        serde_json::to_string(text).unwrap()
    );
    load("one.json", file.as_bytes()).unwrap().set
}

/// Every export format of `set` redacted by `rules`, and the report.
fn exports(
    set: &canopy::model::TraceSet,
    rules: &Rules,
) -> (Vec<(ExportFormat, String)>, canopy::export::redact::Report) {
    let (clean, report) = redact(set, rules, lite).unwrap();
    let files = ExportFormat::ALL.into_iter().map(|f| (f, export::write(&clean, f, Some(&rules.describe())))).collect();
    (files, report)
}

fn all_detectors() -> Rules {
    Rules { detectors: Detector::ALL.to_vec(), ..Default::default() }
}

#[test]
fn payloads_deeper_than_serde_allows_are_redacted_not_passed_through() {
    for depth in [129, 1_000, 100_000] {
        let deep = format!(r#"{}"mail maria@example.com"{}"#, "[".repeat(depth), "]".repeat(depth));
        let set = one_trace(&deep, "hello");
        assert!(set.traces[0].input.as_ref().unwrap().raw().contains("maria@example.com"), "{depth}: loaded");
        let (files, report) = exports(&set, &all_detectors());
        assert_eq!(report.masked.get("email"), Some(&(1, 1)), "{depth}: the address is counted");
        for (format, file) in files {
            assert!(!file.contains("maria@example.com"), "{depth} levels, {format:?}: the address survived");
            assert!(file.contains("<email-1>"), "{depth} levels, {format:?}");
        }
    }
}

#[test]
fn detectors_run_most_specific_first_whatever_order_they_were_ticked() {
    // a phone-like run at the end of an API key: masked as a phone first, the key's head stays
    let text = "use sk-proj-AbCdEfGhIj415-555-0132 or call +1 415-555-0199, mail a.b@c.io, card 4111 1111 1111 1111";
    let set = one_trace("null", text);
    let mut orders = vec![Detector::ALL.to_vec()];
    orders.push(Detector::ALL.iter().rev().copied().collect());
    orders.push(vec![Detector::Phone, Detector::Card, Detector::Ip, Detector::Email, Detector::Secret]);
    let outputs: Vec<String> = orders
        .iter()
        .map(|detectors| {
            let (clean, _) = redact(&set, &Rules { detectors: detectors.clone(), ..Default::default() }, lite).unwrap();
            clean.traces[0].observations[0].output.as_ref().unwrap().as_text()
        })
        .collect();
    // the whole file too, with its note saying how it was redacted
    let files: Vec<Vec<(ExportFormat, String)>> =
        orders.into_iter().map(|detectors| exports(&set, &Rules { detectors, ..Default::default() }).0).collect();
    assert_eq!(files[1], files[0]);
    assert_eq!(files[2], files[0]);
    assert_eq!(outputs[0], "use <secret-1> or call <phone-1>, mail <email-1>, card <card-1>");
    assert_eq!(outputs[1], outputs[0], "reversed ticks");
    assert_eq!(outputs[2], outputs[0], "phone ticked first");
}

#[test]
fn a_masked_payload_keeps_everything_else_as_written() {
    // whitespace, key order, escapes and numbers beyond f64 stay as the file had them
    let input = "{ \"z\" : 12345678901234567890,\n  \"a\": [1e400, 0.1000000000000000055511151231257827, -0.0],\n  \"s\": \"caf\\u00e9 \\\"q\\\"\", \"m\": \"mail maria@example.com now\" }";
    let set = one_trace(input, "hello");
    assert_eq!(set.traces[0].input.as_ref().unwrap().raw(), input, "the importer keeps the raw text");
    let (clean, _) = redact(&set, &all_detectors(), lite).unwrap();
    let want = input.replace("maria@example.com", "<email-1>");
    assert_eq!(clean.traces[0].input.as_ref().unwrap().raw(), want);
}

#[test]
fn a_payload_with_nothing_to_mask_comes_out_byte_identical() {
    let input = "{ \"z\" : 12345678901234567890,\n  \"a\": [1e400, 0.1000000000000000055511151231257827],\t\"b\":{\"y\":null,\"x\":\"\\u00e9\\/\"} }";
    let set = one_trace(input, "nothing here");
    let (clean, report) = redact(&set, &all_detectors(), lite).unwrap();
    assert!(report.masked.is_empty());
    assert_eq!(clean.traces[0].input.as_ref().unwrap().raw(), input);
    let files: Vec<String> = ExportFormat::ALL.into_iter().map(|f| export::write(&clean, f, None)).collect();
    let plain: Vec<String> = ExportFormat::ALL.into_iter().map(|f| export::write(&set, f, None)).collect();
    assert_eq!(files, plain, "the redacted export is the plain export");
}

#[test]
fn basic_credentials_are_masked_in_every_format() {
    let set =
        one_trace(r#"{"headers":{"Authorization":"Basic dXNlcjpwYXNz"}}"#, "sent Authorization: Basic dXNlcjpwYXNz ok");
    let rules = Rules { detectors: vec![Detector::Secret], ..Default::default() };
    let (files, report) = exports(&set, &rules);
    assert_eq!(report.masked["secret"], (1, 2));
    for (format, file) in files {
        assert!(!file.contains("dXNlcjpwYXNz"), "{format:?} still holds the Basic credential");
        assert!(file.contains("<secret-1>"), "{format:?}");
    }
}

const SPANS: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout-svc"}}]},
  "scopeSpans":[{"spans":[
  {"traceId":"5b8aa5a2d2c872e8321cf37308d69df2","spanId":"051581bf3cb55c13","name":"root","startTimeUnixNano":"1700000000000000000",
   "endTimeUnixNano":"1700000001000000000","attributes":[{"key":"session.id","value":{"stringValue":"session-xyz"}},
   {"key":"user.id","value":{"stringValue":"user-qwe"}}]},
  {"traceId":"5b8aa5a2d2c872e8321cf37308d69df2","spanId":"1e2f3a4b5c6d7e8f","parentSpanId":"051581bf3cb55c13","name":"child",
   "startTimeUnixNano":"1700000000100000000","endTimeUnixNano":"1700000000200000000"}]}]}]}"#;

#[test]
fn ids_sessions_users_and_services_are_masked_only_when_asked_in_every_format() {
    use canopy::export::redact::Field;
    let set = load("acme-prod.json", SPANS.as_bytes()).unwrap().set;
    let cases: [(Field, &[&str]); 4] = [
        (Field::Ids, &["5b8aa5a2d2c872e8321cf37308d69df2", "051581bf3cb55c13", "1e2f3a4b5c6d7e8f"]),
        (Field::Sessions, &["session-xyz"]),
        (Field::Users, &["user-qwe"]),
        (Field::Services, &["acme-prod", "checkout-svc"]),
    ];
    // off by default: every format that writes the field still has it
    let (plain, _) = exports(&set, &all_detectors());
    for (field, originals) in cases {
        let rules = Rules { fields: vec![field], ..Default::default() };
        let (files, report) = exports(&set, &rules);
        assert!(report.masked.contains_key(field.label()), "{field:?}: {report:?}");
        for ((format, file), (_, before)) in files.iter().zip(&plain) {
            for o in originals {
                if *format == ExportFormat::Canopy {
                    assert!(before.contains(o), "{format:?} without {field:?} keeps {o}");
                }
                assert!(!file.contains(o), "{format:?} with {field:?} still holds {o}");
            }
            let again = load(&format!("x.{}", format.extension()), file.as_bytes()).unwrap().set;
            assert_eq!(again.traces[0].tree, set.traces[0].tree, "{format:?} with {field:?}: the same tree");
        }
    }
}

/// The best of three timings of `f`.
fn best_of_3(mut f: impl FnMut()) -> std::time::Duration {
    (0..3)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn crafted_texts_cost_linear_time() {
    // each repeated piece defeats one of the old patterns on a backtracking engine: runs without
    // `@`, JWT heads without dots, keys' prefixes, long digit and base64 runs, PEM headers without end
    let pieces = [
        "a",
        "a.",
        "eyJ-",
        "eyJabcdefgh.",
        "sk-",
        "Bearer ",
        "Basic ",
        "1",
        "1 ",
        "1-",
        "1.",
        "1:",
        "-----BEGIN PRIVATE KEY-----",
        "QUJD",
        "@a",
        "a@",
        "(12) ",
        "+1",
    ];
    let rules = Rules { detectors: Detector::ALL.to_vec(), ..Default::default() };
    for p in pieces {
        let time = |bytes: usize| {
            let text = p.repeat(bytes / p.len());
            let set = one_trace("null", &text);
            best_of_3(|| {
                redact(&set, &rules, lite).unwrap();
            })
        };
        let (small, large) = (time(100_000), time(800_000));
        // linear work grows 8×; quadratic, 64×
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
        assert!(ratio < 24.0, "{p:?}: 100 KB in {small:?}, 800 KB in {large:?} ({ratio:.1}×)");
    }
}
