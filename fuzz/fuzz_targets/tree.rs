//! Fuzzes tree building with arbitrary parent links: every observation must appear exactly once.
#![no_main]

use canopy::model::{Kind, Observation, Trace};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // three bytes per observation: id, parent (0 = none, 255 = missing), start
    let obs: Vec<Observation> = data
        .chunks_exact(3)
        .map(|c| {
            let mut o = Observation::new(format!("{}", c[0] % 64), Kind::Span, "n", i64::from(c[2]));
            o.parent_id = match c[1] {
                0 => None,
                255 => Some("missing".into()),
                p => Some(format!("{}", p % 64)),
            };
            o
        })
        .collect();
    let n = obs.len();
    let t = Trace::build("t".into(), obs, "fuzz", &mut Vec::new());
    let mut seen = t.tree.preorder.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), n);
});
