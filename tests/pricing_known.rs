//! The shipped price table (`public/models.json`) against known answers worked by hand from the
//! pinned sources (`tests/fixtures/pricing/known_answers.json`, written by
//! `scripts/models/known_answers.py` from the sources' own numbers, not by Canopy): which entry a
//! model name as traces write it finds, and what its tokens cost.

use canopy::model::pricing::{estimate, PriceTable};
use canopy::model::Usage;
use serde_json::Value;
use std::path::Path;

fn read(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The usage a span would carry: details under the keys instrumentations write.
fn usage(tokens: &Value) -> Usage {
    let n = |k: &str| tokens.get(k).and_then(Value::as_u64);
    let details = [
        ("cache_read", "cache_read_tokens"),
        ("cache_write", "cache_creation_input_tokens"),
        ("reasoning", "reasoning_tokens"),
        ("audio_input", "prompt_details.audio"),
        ("audio_output", "completion_details.audio"),
    ];
    Usage {
        input: n("input"),
        output: n("output"),
        total: None,
        details: details.iter().filter_map(|(k, key)| Some((key.to_string(), n(k)?))).collect(),
    }
}

#[test]
fn known_answers_from_the_pinned_sources() {
    let table = PriceTable::from_json(&read("public/models.json")).expect("the shipped table reads");
    assert!(table.entries.len() > 1000, "{} entries", table.entries.len());
    let cases: Vec<Value> = serde_json::from_str(&read("tests/fixtures/pricing/known_answers.json")).unwrap();
    assert!(cases.len() >= 12);
    for c in &cases {
        let model = c["model"].as_str().unwrap();
        let found = table.lookup(model, c["provider"].as_str()).and_then(|i| table.get(i));
        let Some(want) = c["entry"].as_object() else {
            assert!(found.is_none(), "{model} is not priced by a guess: {found:?}");
            continue;
        };
        let e = found.unwrap_or_else(|| panic!("{model}: no entry"));
        assert_eq!(
            (e.name.as_str(), e.provider.as_str()),
            (want["name"].as_str().unwrap(), want["provider"].as_str().unwrap()),
            "{model}"
        );
        // tiers apply: a prompt above the threshold is priced at the tier's rates
        let expected = c.get("expected_usd_if_tiered").and_then(Value::as_f64).or(c["expected_usd"].as_f64()).unwrap();
        let got = estimate(&usage(&c["tokens"]), e).unwrap_or_else(|| panic!("{model}: not priced"));
        assert!((got - expected).abs() <= 1e-12 * expected.max(1.0), "{model}: {got} ≠ {expected} ({})", c["why"]);
    }
}
