//! Tests of the flame graph's layouts.

use super::*;
use crate::model::{Kind, Observation, Trace};

/// A trace from `(id, parent, name, start_ns, end_ns)`.
fn trace(spec: &[(&str, Option<&str>, &str, i64, i64)]) -> Trace {
    let obs = spec
        .iter()
        .map(|(id, p, name, s, e)| {
            let mut o = Observation::new(*id, Kind::Span, *name, *s);
            o.parent_id = p.map(str::to_string);
            o.end_ns = Some(*e);
            o
        })
        .collect();
    Trace::build("t".into(), obs, "x", &mut Vec::new())
}

/// A root calling `b` twice (once through `c`), the second `b` running past the root's end.
fn sample() -> Trace {
    trace(&[
        ("r", None, "root", 0, 100),
        ("b1", Some("r"), "b", 10, 30),
        ("b2", Some("r"), "b", 40, 60),
        ("c", Some("r"), "c", 60, 120),
        ("b3", Some("c"), "b", 70, 80),
        ("d", Some("b2"), "d", 45, 50),
    ])
}

/// Every box lies within a box on the row nearer row 0 (its parent), and boxes on a row do
/// not overlap.
fn assert_nested(f: &Flame) {
    for b in &f.boxes {
        assert!(b.x0 <= b.x1 && b.x0 >= -1e-9 && b.x1 <= f.extent + 1e-9, "{b:?} outside 0..{}", f.extent);
        for c in f.boxes.iter().filter(|c| c.depth == b.depth && *c != b) {
            assert!(
                c.x1 <= b.x0 + 1e-9 || c.x0 >= b.x1 - 1e-9 || b.width() == 0.0 || c.width() == 0.0,
                "{b:?} overlaps {c:?}"
            );
        }
        if b.depth == 0 {
            continue;
        }
        let up = if b.depth > 0 { b.depth - 1 } else { b.depth + 1 };
        assert!(
            f.boxes.iter().any(|p| p.depth == up && p.x0 <= b.x0 + 1e-9 && b.x1 <= p.x1 + 1e-9),
            "{b:?} is not within a box on row {up}"
        );
    }
}

#[test]
fn time_order_clips_children_to_their_parent_and_roots_are_their_durations() {
    let t = sample();
    let f = time_order(&t);
    assert_eq!(f.boxes.len(), 6);
    assert_nested(&f);
    let root_row: f64 = f.boxes.iter().filter(|b| b.depth == 0).map(FlameBox::width).sum();
    assert_eq!(root_row, 100.0);
    let c = f.boxes.iter().find(|b| t.observations[b.obs as usize].id == "c").unwrap();
    assert_eq!((c.x0, c.x1, c.depth), (60.0, 100.0, 1), "clipped at the root's end");
    assert_eq!(c.duration_ns, 60, "the tooltip keeps its own duration");
}

#[test]
fn several_roots_span_the_trace() {
    let t = trace(&[("a", None, "a", 100, 200), ("b", None, "b", 300, 350)]);
    let f = time_order(&t);
    assert_eq!(f.extent, 250.0);
    assert_eq!(f.boxes.iter().map(|b| (b.x0, b.x1)).collect::<Vec<_>>(), vec![(0.0, 100.0), (200.0, 250.0)]);
}

#[test]
fn left_heavy_merges_identical_paths_heaviest_first() {
    let t = sample();
    let f = left_heavy(&t, &weights(&t, Weight::Duration));
    // paths: root, root/b, root/c, root/c/b, root/b/d
    assert_eq!(f.boxes.len(), 5);
    assert_nested(&f);
    let name = |b: &FlameBox| t.observations[b.obs as usize].name.as_str();
    let row1: Vec<(&str, f64, f64, u32)> =
        f.boxes.iter().filter(|b| b.depth == 1).map(|b| (name(b), b.x0, b.x1, b.count)).collect();
    // c (60 ns) before both b (20 + 20 ns)
    assert_eq!(row1, vec![("c", 0.0, 60.0, 1), ("b", 60.0, 100.0, 2)]);
    // the root holds its children: its 100 ns is less than theirs together (c runs past it)
    assert_eq!(f.extent, 100.0);
    assert_eq!(f.boxes[0].width(), 100.0);
}

#[test]
fn weights_hold_their_children() {
    let mut t = sample();
    t.observations[4].usage.total = Some(7);
    t.observations[5].usage.total = Some(5);
    t = Trace::build("t".into(), t.observations, "x", &mut Vec::new());
    for w in Weight::ALL {
        let f = left_heavy(&t, &weights(&t, w));
        assert_nested(&f);
    }
    let tokens = left_heavy(&t, &weights(&t, Weight::Tokens));
    assert_eq!(tokens.extent, 12.0);
    let self_time = weights(&t, Weight::SelfTime);
    // the root's own time: 100 minus its children's 10..30, 40..100
    let root = t.observations.iter().position(|o| o.id == "r").unwrap();
    let sum: f64 = self_time.iter().enumerate().filter(|(i, _)| *i != root).map(|(_, w)| *w).sum::<f64>();
    assert!(self_time[root] >= 20.0 && self_time[root] <= 20.0 + sum);
}

#[test]
fn sandwich_shows_callers_above_and_callees_below() {
    let t = sample();
    let f = sandwich(&t, &weights(&t, Weight::Duration), "b");
    assert_nested(&f);
    let name = |b: &FlameBox| t.observations[b.obs as usize].name.as_str();
    let rows: Vec<(i32, &str, f64, u32)> = f.boxes.iter().map(|b| (b.depth, name(b), b.width(), b.count)).collect();
    assert!(rows.contains(&(0, "b", 50.0, 3)), "{rows:?}");
    assert!(rows.contains(&(1, "d", 5.0, 1)), "{rows:?}");
    // called by root directly (2 × 20 ns) and by c (10 ns), c itself by root
    assert!(rows.contains(&(-1, "root", 40.0, 2)), "{rows:?}");
    assert!(rows.contains(&(-1, "c", 10.0, 1)), "{rows:?}");
    assert!(rows.contains(&(-2, "root", 10.0, 1)), "{rows:?}");
    assert_eq!((f.min_depth, f.max_depth, f.extent), (-2, 1, 50.0));
    assert!(sandwich(&t, &weights(&t, Weight::Duration), "nobody").boxes.is_empty());
}

#[test]
fn a_recursive_name_counts_its_outermost_calls_once() {
    let t = trace(&[("a", None, "f", 0, 100), ("b", Some("a"), "f", 0, 50), ("c", Some("b"), "f", 0, 20)]);
    let f = sandwich(&t, &weights(&t, Weight::Duration), "f");
    assert_eq!(f.extent, 100.0);
    assert_eq!(f.boxes.iter().filter(|b| b.depth == 0).count(), 1);
    assert_nested(&f);
}

#[test]
fn a_10000_deep_chain_does_not_overflow() {
    let n = 10_000;
    let spec: Vec<(String, Option<String>)> =
        (0..n).map(|i| (format!("s{i}"), (i > 0).then(|| format!("s{}", i - 1)))).collect();
    let obs = spec
        .iter()
        .enumerate()
        .map(|(i, (id, p))| {
            let mut o = Observation::new(id.clone(), Kind::Span, if i % 2 == 0 { "even" } else { "odd" }, i as i64);
            o.parent_id = p.clone();
            o.end_ns = Some(2 * n as i64 - i as i64);
            o
        })
        .collect();
    let t = Trace::build("t".into(), obs, "x", &mut Vec::new());
    let run = move || {
        let a = time_order(&t);
        let b = left_heavy(&t, &weights(&t, Weight::SelfTime));
        let c = sandwich(&t, &weights(&t, Weight::Duration), "odd");
        (a.rows(), b.boxes.len(), c.rows())
    };
    // a small stack: a recursive walk of 10,000 levels would not fit
    let (a, b, c) = std::thread::Builder::new().stack_size(256 * 1024).spawn(run).unwrap().join().unwrap();
    assert_eq!((a, b, c), (n, n, n));
}

#[test]
fn settings_read_the_words_they_know() {
    let s = Settings::parse("left-heavy tokens bogus");
    assert_eq!((s.mode, s.weight, s.focus.as_str()), (Mode::LeftHeavy, Weight::Tokens, ""));
    let s = Settings::parse("sandwich self of:Chat OpenAI");
    assert_eq!((s.mode, s.weight, s.focus.as_str()), (Mode::Sandwich, Weight::SelfTime, "Chat OpenAI"));
    assert_eq!(s.encode(), "sandwich self of:Chat OpenAI");
    assert_eq!(Settings::parse("").encode(), "");
    assert_eq!(Settings::parse("time duration").encode(), "");
    assert_eq!(Settings { mode: Mode::LeftHeavy, ..Settings::default() }.encode(), "left-heavy");
}

#[test]
fn arrows_move_between_boxes() {
    let t = sample();
    let f = time_order(&t);
    let at = |id: &str| f.boxes.iter().position(|b| t.observations[b.obs as usize].id == id).unwrap();
    assert_eq!(f.step(at("r"), "ArrowDown"), Some(at("b1")));
    assert_eq!(f.step(at("b1"), "ArrowRight"), Some(at("b2")));
    assert_eq!(f.step(at("c"), "ArrowLeft"), Some(at("b2")));
    assert_eq!(f.step(at("d"), "ArrowUp"), Some(at("b2")));
    assert_eq!(f.step(at("r"), "ArrowUp"), None);
    assert_eq!(f.hit(1, 45.0), Some(at("b2")));
    assert_eq!(names(&t)[0], ("b".to_string(), 3));
}
