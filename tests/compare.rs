//! Comparing traces (`model::compare`) on every real fixture and on shapes too deep for recursion.

mod common;

use canopy::import;
use canopy::model::compare::{align, summary, Pairing};
use canopy::model::{Kind, Observation, Trace};

#[test]
fn every_fixture_trace_compared_with_itself_matches_every_step() {
    let mut traces = 0;
    for f in common::every_fixture() {
        let Ok(loaded) = import::load("f.json", &std::fs::read(&f).unwrap()) else { continue };
        for t in &loaded.set.traces {
            let rows = align(t, t);
            assert_eq!(rows.len(), t.observations.len(), "{}", f.display());
            assert!(rows.iter().all(|r| r.pairing == Pairing::Same && r.a == r.b), "{}", f.display());
            let s = summary(t, t, &rows, &loaded.set.scores);
            assert!(s.most_changed.is_empty() && s.added + s.removed + s.renamed == 0);
            traces += 1;
        }
    }
    assert!(traces > 20, "{traces}");
}

#[test]
fn a_chain_100000_deep_compares_without_recursion() {
    let chain = |id: &str, extra: bool| {
        let mut obs: Vec<Observation> = (0..100_000)
            .map(|i| {
                let mut o = Observation::new(format!("s{i}"), Kind::Span, format!("step {}", i % 7), i);
                o.parent_id = (i > 0).then(|| format!("s{}", i - 1));
                o
            })
            .collect();
        if extra {
            let mut o = Observation::new("x", Kind::Tool, "lookup", 50_000);
            o.parent_id = Some("s49999".into());
            obs.push(o);
        }
        Trace::build(id.into(), obs, "deep.json", &mut Vec::new())
    };
    let (a, b) = (chain("a", false), chain("b", true));
    let rows = align(&a, &b);
    assert_eq!(rows.len(), 100_001);
    let added: Vec<_> = rows.iter().filter(|r| r.pairing == Pairing::Added).collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].depth, 50_000);
}

#[test]
fn a_flat_trace_of_100000_steps_half_renamed_compares() {
    // 100,000 sibling roots: pairing and placing removed steps must not be quadratic
    let flat = |id: &str, prefix: &str| {
        let obs: Vec<Observation> = (0..100_000)
            .map(|i| {
                let name = if i % 2 == 0 { format!("step {i}") } else { format!("{prefix} {i}") };
                Observation::new(format!("s{i}"), Kind::Span, name, i)
            })
            .collect();
        Trace::build(id.into(), obs, "flat.json", &mut Vec::new())
    };
    let (a, b) = (flat("a", "old"), flat("b", "new"));
    let rows = align(&a, &b);
    let count = |p: Pairing| rows.iter().filter(|r| r.pairing == p).count();
    assert_eq!(count(Pairing::Same), 50_000);
    // past the similarity search's limit the rest is added and removed, each exactly once
    assert_eq!((count(Pairing::Added), count(Pairing::Removed)), (50_000, 50_000));
    assert_eq!(rows.len(), 150_000);
}
