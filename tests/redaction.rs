//! Redaction at export: a fixture with planted secrets, exported in every format with the built-in
//! detectors, keeps none of them, keeps the trees, totals and scores, and says it was redacted.
#![cfg(not(target_arch = "wasm32"))]

use canopy::export::redact::{redact, Detector, Pattern, Rules};
use canopy::export::{self, ExportFormat};
use canopy::import::load;

struct Lite(regex_lite::Regex);

impl Pattern for Lite {
    fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        self.0.find_iter(text).map(|m| (m.start(), m.end())).collect()
    }
}

/// The host's engine; the page uses the browser's `RegExp` (checked end to end in e2e/export).
fn lite(p: &str) -> Result<Box<dyn Pattern>, String> {
    regex_lite::Regex::new(p).map(|r| Box::new(Lite(r)) as Box<dyn Pattern>).map_err(|e| e.to_string())
}

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
