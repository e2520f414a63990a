//! Properties of tree building over arbitrary parent links (orphans, duplicates, cycles, self
//! parents): no panic, every observation exactly once, a consistent tree, and totals equal to the
//! usage of the deepest carriers computed independently.
#![cfg(not(target_arch = "wasm32"))]

use canopy::model::{Kind, Observation, Trace, Usage};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Parent {
    None,
    Index(usize),
    Missing,
}

fn parent() -> impl Strategy<Value = Parent> {
    prop_oneof![Just(Parent::None), (0usize..64).prop_map(Parent::Index), Just(Parent::Missing)]
}

/// (id index, parent, start, tokens): ids are drawn from a small range so duplicates happen.
fn spec() -> impl Strategy<Value = Vec<(usize, Parent, i64, Option<u64>)>> {
    prop::collection::vec((0usize..48, parent(), 0i64..1_000, prop::option::of(0u64..500)), 0..64)
}

fn build(spec: &[(usize, Parent, i64, Option<u64>)]) -> Trace {
    let obs: Vec<Observation> = spec
        .iter()
        .map(|(id, p, start, tokens)| {
            let mut o = Observation::new(format!("o{id}"), Kind::Span, format!("n{id}"), *start);
            o.parent_id = match p {
                Parent::None => None,
                Parent::Index(i) => Some(format!("o{}", i % 48)),
                Parent::Missing => Some("not-there".into()),
            };
            if let Some(t) = tokens {
                o.usage = Usage { input: Some(*t), output: Some(0), total: Some(*t), details: vec![] };
            }
            o
        })
        .collect();
    Trace::build("t".into(), obs, "prop", &mut Vec::new())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_observation_appears_exactly_once(spec in spec()) {
        let t = build(&spec);
        let n = t.observations.len();
        let mut seen = t.tree.preorder.clone();
        seen.sort();
        prop_assert_eq!(seen, (0..n as u32).collect::<Vec<_>>());
        // positions and subtree ranges agree with the preorder
        for (k, &i) in t.tree.preorder.iter().enumerate() {
            prop_assert_eq!(t.tree.pos[i as usize] as usize, k);
            prop_assert!(t.tree.subtree_end[i as usize] as usize > k);
        }
    }

    #[test]
    fn the_tree_is_consistent(spec in spec()) {
        let t = build(&spec);
        for i in 0..t.observations.len() as u32 {
            match t.tree.parent_of(i) {
                Some(p) => {
                    prop_assert_eq!(t.tree.depth[i as usize], t.tree.depth[p as usize] + 1);
                    prop_assert!(t.tree.children_of(p).contains(&i));
                    // a descendant sits inside its ancestor's subtree range
                    let (pp, pi) = (t.tree.pos[p as usize], t.tree.pos[i as usize]);
                    prop_assert!(pp < pi && pi < t.tree.subtree_end[p as usize]);
                }
                None => {
                    prop_assert_eq!(t.tree.depth[i as usize], 0);
                    prop_assert!(t.tree.roots.contains(&i));
                }
            }
            let kids = t.tree.children_of(i);
            for w in kids.windows(2) {
                prop_assert!(t.observations[w[0] as usize].start_ns <= t.observations[w[1] as usize].start_ns);
            }
        }
    }

    #[test]
    fn totals_are_the_sum_over_the_deepest_usage_carriers(spec in spec()) {
        let t = build(&spec);
        let n = t.observations.len();
        // independently: walk up from every carrier and mark its ancestors
        let carries = |i: usize| t.observations[i].usage.total_tokens() > 0;
        let mut has_carrier_below = vec![false; n];
        for i in 0..n {
            if carries(i) {
                let mut cur = t.tree.parent_of(i as u32);
                while let Some(p) = cur {
                    has_carrier_below[p as usize] = true;
                    cur = t.tree.parent_of(p);
                }
            }
        }
        let expected: u64 = (0..n).filter(|&i| carries(i) && !has_carrier_below[i]).map(|i| t.observations[i].usage.total_tokens()).sum();
        prop_assert_eq!(t.totals.tokens, expected);
    }
}
