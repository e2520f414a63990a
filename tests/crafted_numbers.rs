//! Crafted numbers (issue 24, section 3): scores that are not numbers, times at the ends of i64,
//! many distinct score names, and traces whose id is loaded twice.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::load;
use canopy::model::timeline::{critical_path, self_times, TimeMap};
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

/// Timed tests take turns, so that one's allocations do not slow another's runs.
static TIMING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` on `large` and asserts it takes less than `budget`: work linear in the input takes a
/// few hundredths of that in a debug build, quadratic work (what each of these passes did) takes
/// minutes. Also prints `f`'s time on `small` (a quarter of the input) and on `large`, the shortest
/// of five runs each, for the growth row in BENCHMARKS.md (not asserted: how much worse than 4
/// times a bigger input does depends on the machine's caches, and on what else it runs).
fn assert_fast<T>(what: &str, small: &T, large: &T, budget: Duration, f: impl Fn(&T)) {
    let _turn = TIMING.lock().unwrap_or_else(|e| e.into_inner());
    let t = Instant::now();
    f(large);
    let once = t.elapsed();
    assert!(once < budget, "{what}: {once:?}, more than {budget:?}");
    let best = |x: &T| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f(x);
                t.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let (a, b) = (best(small), best(large));
    println!("{what}: n {a:?}, 4n {b:?}, ratio {:.1}", b.as_secs_f64() / a.as_secs_f64().max(1e-9));
}

#[test]
fn many_distinct_score_names_are_read_in_linear_time() {
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
    let small = many_score_names(n / 4);
    let budget = Duration::from_secs(20);
    assert_fast("score_names", &small, &set, budget, |s| drop(tracelist::score_names(s)));
    assert_fast("score_stats", &small, &set, budget, |s| drop(tracelist::score_stats(s, 10)));
    assert_fast("score_table", &small, &set, budget, |s| drop(tracelist::score_table(s)));
}

#[test]
fn many_sessions_with_scores_are_read_in_linear_time() {
    // every score names its own session: sessions × scores is 10^10 at 100,000
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
    let (small, large) = (build(25_000), build(100_000));
    let sessions = tracelist::sessions(&large);
    assert_eq!(sessions.len(), 100_000);
    for (i, s) in sessions.iter().enumerate() {
        assert_eq!(s.scores.iter().map(|s| s.value.clone()).collect::<Vec<_>>(), vec![ScoreValue::Numeric(i as f64)]);
    }
    assert_fast("sessions", &small, &large, Duration::from_secs(20), |s| drop(tracelist::sessions(s)));
}

/// A Jaeger trace whose times saturate at both ends of i64 (microseconds × 1000 on import).
fn jaeger_at_the_extremes(trace_id: &str) -> String {
    let span = |id: &str, parent: Option<&str>, start: &str, duration: &str| {
        let refs = parent
            .map_or(String::new(), |p| format!(r#"{{"refType":"CHILD_OF","traceID":"{trace_id}","spanID":"{p}"}}"#));
        format!(
            r#"{{"traceID":"{trace_id}","spanID":"{id}","operationName":"{id}","references":[{refs}],
            "startTime":{start},"duration":{duration},"tags":[],"logs":[],"processID":"p1"}}"#
        )
    };
    // microseconds: -2^63 and 2^63 - 1 saturate when read as nanoseconds
    let spans = [
        span("root", None, "-9223372036854775808", "9223372036854775807"),
        span("early", Some("root"), "-9223372036854775808", "0"),
        span("late", Some("root"), "0", "9223372036854775807"),
        span("last", Some("late"), "9223372036854775807", "0"),
        span("mid", Some("late"), "1", "10"),
    ];
    format!(
        r#"{{"data":[{{"traceID":"{trace_id}","spans":[{}],"processes":{{"p1":{{"serviceName":"svc","tags":[]}}}}}}]}}"#,
        spans.join(",")
    )
}

#[test]
fn times_at_the_ends_of_i64_keep_every_observation_and_saturate() {
    let (min, max) = (i64::MIN, i64::MAX);
    let set = load("extremes.json", jaeger_at_the_extremes("abc").as_bytes()).unwrap().set;
    let t = &set.traces[0];
    let names: Vec<&str> = t.observations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["root", "early", "late", "last", "mid"]);
    let times: Vec<(i64, Option<i64>)> = t.observations.iter().map(|o| (o.start_ns, o.end_ns)).collect();
    let want = [(min, Some(-1)), (min, Some(min)), (0, Some(max)), (max, Some(max)), (1000, Some(11_000))];
    assert_eq!(times, want);
    assert_eq!(t.tree.preorder.len(), 5, "every observation is in the tree");
    assert_eq!(t.duration_ns(), Some(max), "the trace spans all of i64: its duration saturates");
    assert_eq!(self_times(t), vec![max, 0, max - 10_000, 0, 10_000]);
    let on = critical_path(t);
    assert!(on[0], "the root is on the critical path");

    // the timeline places every observation inside the map, start before end, with or without
    // idle gaps folded
    let leaves: Vec<(i64, i64)> = t.observations.iter().map(|o| (o.start_ns, o.end_ns.unwrap_or(max))).collect();
    for m in [TimeMap::identity(min, max), TimeMap::compressed(&leaves, 1_000_000, 0.02, 0.04)] {
        assert!(m.total.is_finite() && m.total > 0.0, "{m:?}");
        for o in &t.observations {
            let (a, b) = (m.to_display(o.start_ns), m.to_display(o.end_ns.unwrap_or(max)));
            assert!(
                a.is_finite() && b.is_finite() && 0.0 <= a && a <= b && b <= m.total,
                "{}: {a}..{b} of {}",
                o.name,
                m.total
            );
        }
        assert_eq!((m.to_display(min), m.to_display(max)), (0.0, m.total));
        assert_eq!((m.to_time(0.0), m.to_time(m.total)), (min, max), "back to the extremes, not wrapped");
    }
    // two runs only at the very ends: the idle middle folds into one break
    let ends = TimeMap::compressed(&[(min, min + 10), (max - 10, max)], 1_000_000, 0.02, 0.04);
    assert_eq!(ends.breaks.len(), 1);
    assert!(ends.total < 100.0, "{ends:?}");
    assert!(ends.to_display(min + 10) < ends.to_display(max - 10));
    assert_eq!(TimeMap::identity(max, max).to_display(max), 0.0);
}

#[test]
fn a_file_dropped_again_adds_nothing_and_a_crafted_one_cannot_hide_what_is_loaded() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otlp/two-traces-array-of-requests.json");
    let bytes = std::fs::read(&path).unwrap();
    let once = load("a.json", &bytes).unwrap().set;
    let mut set = once.clone();
    set.merge(load("a.json", &bytes).unwrap().set);
    let counts = |s: &TraceSet| s.traces.iter().map(|t| t.observations.len()).collect::<Vec<_>>();
    assert_eq!(counts(&set), counts(&once));
    assert_eq!((set.scores.len(), set.warnings.clone()), (once.scores.len(), once.warnings.clone()));

    // the same trace id from another file: spans that differ from loaded ones with their ids are
    // kept besides them (one 1 µs later, one at the other end of time), new ones join, and it is said
    let mut set = load("extremes.json", jaeger_at_the_extremes("abc").as_bytes()).unwrap().set;
    let crafted = jaeger_at_the_extremes("abc")
        .replace(r#""startTime":1,"#, r#""startTime":2,"#)
        .replace(r#""spanID":"early","operationName":"early","references":[{"refType":"CHILD_OF","traceID":"abc","spanID":"root"}],
            "startTime":-9223372036854775808"#, r#""spanID":"early","operationName":"early","references":[{"refType":"CHILD_OF","traceID":"abc","spanID":"root"}],
            "startTime":9223372036854775807"#)
        .replace(r#""spanID":"last","operationName":"last""#, r#""spanID":"extra","operationName":"extra""#);
    set.merge(load("crafted.json", crafted.as_bytes()).unwrap().set);
    let t = &set.traces[0];
    let got: Vec<(&str, i64)> = t.observations.iter().map(|o| (o.id.as_str(), o.start_ns)).collect();
    let (min, max) = (i64::MIN, i64::MAX);
    assert_eq!(
        got,
        vec![
            ("root", min),
            ("early", min),
            ("late", 0),
            ("last", max),
            ("mid", 1000),
            ("early", max),
            ("extra", max),
            ("mid", 2000)
        ]
    );
    let said = "trace abc: 2 observations have the ids of different ones already loaded from extremes.json; both are \
                kept; 1 observation more joined the trace";
    assert!(set.warnings.iter().any(|w| w.source == "crafted.json" && w.to_string() == said), "{:?}", set.warnings);
}
