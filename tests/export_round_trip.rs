//! Every export format opens again with the same trees, totals and scores: each real fixture and
//! edge-case file, imported, exported as OTLP JSON and as Langfuse-export JSON, and loaded back.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::export::{self, ExportFormat};
use canopy::import::load;
use canopy::model::{Score, TraceSet};

fn score_key(s: &Score) -> String {
    format!(
        "{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
        s.name,
        s.value.display(),
        s.trace_id,
        s.observation_id,
        s.session_id,
        s.comment,
        s.source
    )
}

fn assert_same(a: &TraceSet, b: &TraceSet, what: &str) {
    assert_eq!(a.traces.len(), b.traces.len(), "{what}: trace count");
    for (x, y) in a.traces.iter().zip(&b.traces) {
        assert_eq!(x.id, y.id, "{what}");
        assert_eq!((&x.session_id, &x.user_id), (&y.session_id, &y.user_id), "{what}: session/user");
        let shape = |t: &canopy::model::Trace| {
            t.observations
                .iter()
                .map(|o| (o.id.clone(), o.parent_id.clone(), o.kind, o.name.clone(), o.start_ns, o.end_ns, o.level))
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(x), shape(y), "{what}: observations");
        assert_eq!(x.tree, y.tree, "{what}: tree");
        assert_eq!(x.totals, y.totals, "{what}: totals");
        let usage = |t: &canopy::model::Trace| t.observations.iter().map(|o| o.usage.clone()).collect::<Vec<_>>();
        let mut ux = usage(x);
        let mut uy = usage(y);
        for u in ux.iter_mut().chain(uy.iter_mut()) {
            u.details.sort();
        }
        assert_eq!(ux, uy, "{what}: usage");
        let models = |t: &canopy::model::Trace| t.observations.iter().map(|o| o.model.clone()).collect::<Vec<_>>();
        assert_eq!(models(x), models(y), "{what}: models");
    }
    let mut sa: Vec<String> = a.scores.iter().map(score_key).collect();
    let mut sb: Vec<String> = b.scores.iter().map(score_key).collect();
    sa.sort();
    sb.sort();
    assert_eq!(sa, sb, "{what}: scores");
}

#[test]
fn every_fixture_round_trips_through_otlp_and_langfuse_exports() {
    let files = common::every_fixture();
    let mut checked = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Ok(first) = load(&name, &std::fs::read(&path).unwrap()) else {
            continue;
        };
        if first.set.traces.is_empty() {
            continue; // score-only files: nothing to hang the scores on
        }
        for format in [ExportFormat::Otlp, ExportFormat::Langfuse] {
            // OTLP has no trace without spans (a Langfuse session listing carries only trace fields)
            if format == ExportFormat::Otlp && first.set.traces.iter().any(|t| t.observations.is_empty()) {
                continue;
            }
            let written = export::write(&first.set, format, Some("round trip"));
            let again = load(&format!("again.{}", format.extension()), written.as_bytes())
                .unwrap_or_else(|e| panic!("{name} as {format:?}: {e}"));
            assert_same(&first.set, &again.set, &format!("{name} as {format:?}"));
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} files checked");
}
