//! Trace list, sessions and score statistics over real fixtures; expected values from reading them.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::load;
use canopy::model::tracelist::{self, Column, ListQuery};
use canopy::model::{ScoreValue, TraceSet};
use std::path::PathBuf;

fn set_of(files: &[&str]) -> TraceSet {
    let mut set = TraceSet::default();
    for f in files {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/langfuse").join(f);
        set.merge(load(f, &std::fs::read(p).unwrap()).unwrap().set);
    }
    set
}

const ALL: &[&str] = &[
    "autogen-2025-06-06.trace.json",
    "beeai-2025-08-01.trace.json",
    "google-adk-2025-08-28.trace.json",
    "langgraph-js-2025-10-30.trace.json",
    "llamaindex-2025-06-05.trace.json",
    "pydantic-ai-2025-06-06.trace.json",
    "qa-chatbot-scores.json",
];

fn names(set: &TraceSet, rows: &[usize]) -> Vec<String> {
    rows.iter().map(|&i| set.traces[i].display_name().to_string()).collect()
}

#[test]
fn session_abc_is_one_conversation_in_time_order() {
    // pydantic-ai (06-06 14:40), llamaindex (06-05 15:45), autogen (06-06 11:31): loaded in that
    // order, shown in time order; tokens 127 + 94 + 44; cost 0.0010375 + 0.000842499999 + 0.000025
    let set = set_of(&[
        "pydantic-ai-2025-06-06.trace.json",
        "llamaindex-2025-06-05.trace.json",
        "autogen-2025-06-06.trace.json",
    ]);
    let s = tracelist::sessions(&set);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].id, "session_abc");
    assert_eq!(s[0].user.as_deref(), Some("user_123"));
    assert_eq!(names(&set, &s[0].traces), vec!["llama-index-trace", "autogen-chat-trace", "pydantic-ai-qa-trace"]);
    assert_eq!(s[0].tokens, 265);
    assert!((s[0].cost_usd - (0.0010375 + 0.000842499999 + 0.000025)).abs() < 1e-12);
    assert_eq!(s[0].errors, 0);
    assert!(s[0].duration_ns() > 86_400_000_000_000 - 10_000_000_000_000, "about a day from first to last turn");
}

#[test]
fn sorting_by_columns_and_scores() {
    let set = set_of(ALL);
    let mut rows: Vec<usize> = (0..set.traces.len()).collect();
    tracelist::sort(&set, &mut rows, &Column::Tokens, true);
    // beeai 5542, qa 1216, langgraph 444, pydantic 127, llamaindex 94, adk 76, autogen 44
    let tokens: Vec<u64> = rows.iter().map(|&i| set.traces[i].totals.tokens).collect();
    assert_eq!(tokens, vec![5542, 1216, 444, 127, 94, 76, 44]);
    tracelist::sort(&set, &mut rows, &Column::Start, false);
    assert_eq!(set.traces[rows[0]].display_name(), "llama-index-trace");
    // by toxicity: adk 0, beeai 0, langgraph 0.2; traces without the score last
    tracelist::sort(&set, &mut rows, &Column::Score("toxicity".into()), false);
    let first3: Vec<String> = names(&set, &rows[..3]);
    assert_eq!(
        first3[2],
        set.traces.iter().find(|t| t.id == "2c1581dd9cecdafb6ca091b83d7ea99a").unwrap().display_name()
    );
    let idx = tracelist::ScoreIndex::new(&set);
    assert_eq!(idx.value(&set.traces[rows[3]].id, "toxicity"), None);
}

#[test]
fn filtering_by_text_scores_and_session() {
    let set = set_of(ALL);
    let q = |s: &str| tracelist::filter(&set, &ListQuery::parse(s));
    assert_eq!(q("").len(), 7);
    assert_eq!(q("session_abc").len(), 3);
    assert_eq!(q("hallucination>=1").len(), 1, "langgraph's hallucination is 1");
    assert_eq!(q("hallucination<0.5").len(), 2, "beeai 0.2 and adk 0");
    assert_eq!(q("helpfulness<0.5").len(), 1, "the qa chatbot's helpfulness is 0.2");
    assert_eq!(q("toxicity=0").len(), 2);
    assert_eq!(q("toxicity=0 hallucination=0").len(), 1);
    assert_eq!(q("kind:agent").len(), 1, "only google-adk has an AGENT observation");
    assert_eq!(q("errors").len(), 0);
    assert_eq!(q("after:2025-08-01 before:2025-09-01").len(), 2, "beeai and adk");
}

#[test]
fn score_statistics() {
    let set = set_of(ALL);
    let stats = tracelist::score_stats(&set, 5);
    let tox = stats.iter().find(|s| s.name == "toxicity").unwrap();
    // toxicity: 0 (beeai), 0 (adk), 0.2 (langgraph)
    assert_eq!(tox.count, 3);
    assert_eq!(tox.types, vec!["numeric"]);
    assert_eq!(tox.sources, vec!["EVAL".to_string()]);
    assert!((tox.mean.unwrap() - 0.2 / 3.0).abs() < 1e-12);
    assert_eq!(tox.median, Some(0.0));
    assert_eq!(tox.histogram.iter().map(|b| b.2).sum::<usize>(), 3);
    assert_eq!(tox.histogram.first().map(|b| b.2), Some(2));
    let corr = stats.iter().find(|s| s.name == "output").unwrap();
    assert_eq!(corr.types, vec!["text"], "pydantic-ai's correction");
    assert_eq!(stats.len(), 8, "5 qa + hallucination + toxicity + output");
}

/// How each score name reads on the Scores page: one value as one line, a few as a bar each whose
/// query filters the list to the traces that have it.
#[test]
fn scores_read_as_one_value_or_a_bar_per_value() {
    let set = set_of(ALL);
    let stats = tracelist::score_stats(&set, 10);
    let get = |n: &str| stats.iter().find(|s| s.name == n).unwrap();
    // toxicity: 0 (beeai), 0 (adk), 0.2 (langgraph): two values, a bar each, not a histogram
    let tox = get("toxicity");
    assert_eq!((tox.distinct, tox.values.clone()), (2, vec![(0.0, 2), (0.2, 1)]));
    let bars: Vec<(String, Option<String>, usize)> =
        tox.bars().into_iter().map(|b| (b.label, b.query, b.count)).collect();
    assert_eq!(bars, [("0".into(), Some("toxicity=0".into()), 2), ("0.2".into(), Some("toxicity=0.2".into()), 1)]);
    for b in tox.bars() {
        let rows = tracelist::filter(&set, &ListQuery::parse(b.query.as_deref().unwrap()));
        assert_eq!(rows.len(), b.count, "{}: the bar's query finds its traces", b.label);
    }
    // hallucination: 0.2 (beeai), 0 (adk), 1 (langgraph)
    assert_eq!(get("hallucination").values, vec![(0.0, 1), (0.2, 1), (1.0, 1)]);
    // the qa chatbot's five scores have one value each, with the evaluator's comment
    let helpful = get("helpfulness");
    assert_eq!((helpful.distinct, helpful.count, helpful.bars()[0].label.as_str()), (1, 1, "0.2"));
    assert!(helpful.comment.as_deref().unwrap().starts_with("The generation directly repeats the query"));
    // pydantic-ai's correction is one text: a bar a query cannot name (it holds spaces)
    let out = get("output");
    assert_eq!((out.distinct, out.texts.len()), (1, 1));
    assert_eq!(out.bars()[0].query, None);
    assert!(out.histogram.is_empty());
}

/// Many distinct numbers read as a histogram, not as bars.
#[test]
fn many_distinct_numbers_read_as_a_histogram() {
    let mut set = set_of(&["qa-chatbot-scores.json"]);
    let template = set.scores[0].clone();
    for i in 0..20 {
        set.scores.push(canopy::model::Score { value: ScoreValue::Numeric(f64::from(i) / 20.0), ..template.clone() });
    }
    let st = tracelist::score_stats(&set, 10).into_iter().find(|s| s.name == template.name).unwrap();
    assert_eq!(st.distinct, 21, "the chatbot's 1, and 0, 0.05 … 0.95");
    assert!(st.values.is_empty() && st.bars().is_empty());
    assert_eq!(st.histogram.len(), 10);
}

#[test]
fn content_search_across_every_trace() {
    let set = set_of(ALL);
    let (hits, total) = tracelist::search(&set, "barcelona", 100);
    assert!(total >= 1);
    assert!(
        hits.iter().all(|h| set.traces[h.trace].id == "096fc09a30ab90d2431778f9ee2b3936"),
        "only beeai talks about Barcelona"
    );
    let h = &hits[0];
    assert_eq!(h.snippet[h.at.0..h.at.1].to_lowercase(), "barcelona");
    let (_, none) = tracelist::search(&set, "zzqqxx-not-there", 100);
    assert_eq!(none, 0);
    let (capped, all) = tracelist::search(&set, "the", 10);
    assert_eq!(capped.len(), 10);
    assert!(all > 10);
}

#[test]
fn categorical_and_boolean_conditions() {
    let mut set = set_of(&["autogen-2025-06-06.trace.json"]);
    let extra = br#"{"data": [
        {"id": "a", "name": "helpfulness", "dataType": "CATEGORICAL", "value": "unhelpful", "traceId": "1b72c51fabed12ae7df83bfd4a09f545", "source": "ANNOTATION"},
        {"id": "b", "name": "resolved", "dataType": "BOOLEAN", "value": false, "traceId": "1b72c51fabed12ae7df83bfd4a09f545", "source": "API"}
      ], "meta": {"limit": 50}}"#;
    set.merge(load("scores.json", extra).unwrap().set);
    let q = |s: &str| tracelist::filter(&set, &ListQuery::parse(s)).len();
    assert_eq!(q("helpfulness=unhelpful"), 1);
    assert_eq!(q("helpfulness=helpful"), 0);
    assert_eq!(q("resolved=false"), 1);
    assert_eq!(q("resolved=true"), 0);
    let stats = tracelist::score_stats(&set, 5);
    assert_eq!(stats.iter().find(|s| s.name == "resolved").unwrap().categories, vec![("false".to_string(), 1)]);
    assert_eq!(
        tracelist::ScoreIndex::new(&set).value("1b72c51fabed12ae7df83bfd4a09f545", "helpfulness"),
        Some(ScoreValue::Categorical("unhelpful".into()))
    );
}

#[test]
fn observation_score_labels_match_observation_scores() {
    let set = set_of(ALL);
    for t in &set.traces {
        let labels = tracelist::observation_score_labels(&set, t);
        for (i, o) in t.observations.iter().enumerate() {
            let direct = set.observation_scores(t, o).count();
            assert_eq!(labels.get(&(i as u32)).map_or(0, Vec::len), direct, "{} / {}", t.id, o.id);
        }
    }
}
