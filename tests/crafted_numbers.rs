//! Crafted numbers (issue 24, section 3): scores that are not numbers, times at the ends of i64,
//! many distinct score names, and traces whose id is loaded twice.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::load;
use canopy::model::tracelist::{self, Column};
use canopy::model::{Kind, Observation, Score, ScoreValue, Trace, TraceSet};
use std::time::{Duration, Instant};

/// What trace `i` of the crafted OTLP file scores for `quality`: `None` when it has no score,
/// `Some(None)` when the value is not a number.
fn crafted_quality(i: usize) -> Option<Option<f64>> {
    match i % 6 {
        0 => Some(None),
        3 => None,
        _ => Some(Some(((i * 37) % 11) as f64 / 10.0)),
    }
}

/// An OTLP file of `n` one-span traces, each with a Canopy `quality` score event as `crafted_quality`
/// says: the values that are not numbers are written three ways (`"NaN"`, `"x"`, `intValue: "y"`).
fn otlp_with_scores(n: usize) -> String {
    let spans: Vec<String> = (0..n)
        .map(|i| {
            let value = match crafted_quality(i) {
                None => String::new(),
                Some(v) => {
                    let v = match (v, i / 6 % 3) {
                        (Some(v), _) => format!(r#"{{"doubleValue":{v}}}"#),
                        (None, 0) => r#"{"doubleValue":"NaN"}"#.to_string(),
                        (None, 1) => r#"{"doubleValue":"x"}"#.to_string(),
                        (None, _) => r#"{"intValue":"y"}"#.to_string(),
                    };
                    format!(
                        r#""events":[{{"name":"canopy.score","timeUnixNano":"{t}","attributes":[
                        {{"key":"score.name","value":{{"stringValue":"quality"}}}},
                        {{"key":"score.data_type","value":{{"stringValue":"NUMERIC"}}}},
                        {{"key":"score.value","value":{v}}}]}}],"#,
                        t = 1000 + i
                    )
                }
            };
            format!(
                r#"{{"traceId":"{:032x}","spanId":"{:016x}","name":"t{i}",{value}"startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
                i + 1,
                i + 1,
                1000 + i,
                2000 + i
            )
        })
        .collect();
    format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#, spans.join(","))
}

#[test]
fn scores_that_are_not_numbers_sort_after_the_numbers_in_both_directions() {
    let n = 30;
    let set = load("scores.json", otlp_with_scores(n).as_bytes()).unwrap().set;
    assert_eq!(set.traces.len(), n);
    let index = tracelist::ScoreIndex::new(&set);
    // every value that is not a number is kept as NaN (shown "NaN"), not read as 0
    for (i, t) in set.traces.iter().enumerate() {
        let got = index.value(&t.id, "quality");
        match crafted_quality(i) {
            None => assert_eq!(got, None, "trace {i}"),
            Some(None) => assert!(matches!(got, Some(ScoreValue::Numeric(v)) if v.is_nan()), "trace {i}: {got:?}"),
            Some(Some(v)) => assert_eq!(got, Some(ScoreValue::Numeric(v)), "trace {i}"),
        }
    }
    let col = Column::from_key("score:quality").unwrap();
    for descending in [false, true] {
        let mut rows: Vec<usize> = (0..n).collect();
        tracelist::sort(&set, &mut rows, &col, descending);
        // expected from the spec alone: numbers in order (ties in load order), then NaN, then missing
        let mut numbers: Vec<(f64, usize)> = (0..n).filter_map(|i| Some((crafted_quality(i)??, i))).collect();
        numbers.sort_by(|a, b| if descending { b.0.total_cmp(&a.0) } else { a.0.total_cmp(&b.0) }.then(a.1.cmp(&b.1)));
        let mut want: Vec<usize> = numbers.into_iter().map(|(_, i)| i).collect();
        want.extend((0..n).filter(|&i| crafted_quality(i) == Some(None)));
        want.extend((0..n).filter(|&i| crafted_quality(i).is_none()));
        assert_eq!(rows, want, "descending: {descending}");
    }
    // the statistics leave NaN out
    let stats = tracelist::score_stats(&set, 4);
    let numbers: Vec<f64> = (0..n).filter_map(|i| crafted_quality(i)?).collect();
    assert_eq!(stats[0].count, (0..n).filter(|&i| crafted_quality(i).is_some()).count());
    let mean = stats[0].mean.unwrap();
    assert!((mean - numbers.iter().sum::<f64>() / numbers.len() as f64).abs() < 1e-12, "{mean}");
}

fn score(name: String, trace: &str, session: Option<String>, v: f64) -> Score {
    Score {
        id: String::new(),
        name,
        value: ScoreValue::Numeric(v),
        source: None,
        comment: None,
        trace_id: Some(trace.to_string()),
        observation_id: None,
        session_id: session,
        time_ns: None,
    }
}

/// A set with one trace and `n` scores of distinct names (each name twice), in `sessions` sessions.
fn many_score_names(n: usize) -> TraceSet {
    let mut set = TraceSet::default();
    set.traces.push(Trace::build("t".into(), vec![Observation::new("a", Kind::Span, "a", 0)], "x", &mut Vec::new()));
    for round in 0..2 {
        for i in 0..n {
            set.scores.push(score(format!("name-{:07}", n - i), "t", Some(format!("s{i}")), (i + round) as f64));
        }
    }
    set
}

/// The shortest of three runs of `f`.
fn best_of_three(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Asserts that `f` on an input 8 times larger takes less than 20 times as long: linear work
/// takes about 8 times, quadratic 64 (the margin is for a busy machine).
fn assert_linear<T>(what: &str, small: &T, large: &T, f: impl Fn(&T)) {
    let (a, b) = (best_of_three(|| f(small)), best_of_three(|| f(large)));
    let ratio = b.as_secs_f64() / a.as_secs_f64().max(1e-6);
    println!("{what}: {a:?}, 8 times the input {b:?}, ratio {ratio:.1}");
    assert!(ratio < 20.0, "{what}: {a:?}, then {b:?} for 8 times the input: ratio {ratio:.1}");
}

#[test]
fn many_distinct_score_names_take_linear_time() {
    let n = 100_000;
    let set = many_score_names(n);
    let names = tracelist::score_names(&set);
    let want: Vec<String> = (0..n).map(|i| format!("name-{:07}", n - i)).collect();
    assert_eq!(names, want, "every name once, in first-seen order");
    let stats = tracelist::score_stats(&set, 10);
    assert_eq!(stats.len(), n);
    assert!(stats.iter().all(|s| s.count == 2), "each name's two scores");
    assert_eq!((stats[7].name.as_str(), stats[7].mean), (want[7].as_str(), Some(7.5)));
    let table = tracelist::score_table(&set);
    assert_eq!(table["t"].len(), n);
    assert_eq!(table["t"][&want[9]], ScoreValue::Numeric(9.5));
    let small = many_score_names(n / 8);
    assert_linear("score_names", &small, &set, |s| drop(tracelist::score_names(s)));
    assert_linear("score_stats", &small, &set, |s| drop(tracelist::score_stats(s, 10)));
    assert_linear("score_table", &small, &set, |s| drop(tracelist::score_table(s)));
}

#[test]
fn many_sessions_with_scores_take_linear_time() {
    // every score names its own session: sessions × scores would be 10^10 at 100,000
    let build = |n: usize| {
        let mut set = TraceSet::default();
        for i in 0..n {
            let mut t =
                Trace::build(format!("t{i}"), vec![Observation::new("a", Kind::Span, "a", 0)], "x", &mut Vec::new());
            t.session_id = Some(format!("s{i}"));
            set.traces.push(t);
            set.scores.push(score("q".into(), &format!("t{i}"), Some(format!("s{i}")), i as f64));
        }
        set.rebuild_sessions();
        set
    };
    let (small, large) = (build(5_000), build(40_000));
    let sessions = tracelist::sessions(&large);
    assert_eq!(sessions.len(), 40_000);
    for (i, s) in sessions.iter().enumerate() {
        assert_eq!(s.scores.iter().map(|s| s.value.clone()).collect::<Vec<_>>(), vec![ScoreValue::Numeric(i as f64)]);
    }
    assert_linear("sessions", &small, &large, |s| drop(tracelist::sessions(s)));
}
