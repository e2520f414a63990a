//! Phoenix span JSON in the forms users have (issue 26): bare lists, JSON Lines, dataframe rows
//! with evaluations, the 2023 encoder's form, and lists of `otlpv1` pages. The files are real
//! (tests/fixtures/phoenix/PROVENANCE.md); every expected number was read from the files with
//! Python's `json` module, as each comment says, never from Canopy.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::{load, Format};
use canopy::model::{Kind, ScoreValue, TraceSet, WarningKind};
use common::{open, own};

mod common;

/// (trace id, observations, roots, tokens) per trace, sorted by trace id.
fn traces(set: &TraceSet) -> Vec<(String, usize, usize, u64)> {
    let mut v: Vec<_> =
        set.traces.iter().map(|t| (t.id.clone(), t.observations.len(), t.tree.roots.len(), t.totals.tokens)).collect();
    v.sort();
    v
}

/// The two traces e2e/phoenix_seed.py sent to Phoenix 20.26.1, as every form of them reads:
/// `python3 -c "import json,collections; d=json.load(open('real-phoenix-20.26-spans-array.json'));
/// c=collections.Counter(s['context']['trace_id'] for s in d); print(c)"` gives 3 and 2 spans; one
/// root each (`parent_id` null); `llm.token_count.total` is 17 on the one LLM span of each.
fn seeded() -> Vec<(String, usize, usize, u64)> {
    vec![("4573666748d2aaf4a6b953d14fa49551".into(), 3, 1, 17), ("81c48d46969260c4d11d286696457285".into(), 2, 1, 17)]
}

#[test]
fn a_bare_list_of_spans_opens() {
    // `json.dump(client.spans.get_spans(...))`
    let (format, set) = open(own("phoenix/real-phoenix-20.26-spans-array.json"));
    assert_eq!(format, Format::PhoenixSpans);
    assert_eq!(traces(&set), seeded());
    let t = set.traces.iter().find(|t| t.id.starts_with("4573")).unwrap();
    // python: [s['span_kind'] for s in d if s['context']['trace_id'].startswith('4573')] → AGENT, LLM, TOOL
    let mut kinds: Vec<Kind> = t.observations.iter().map(|o| o.kind).collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    assert_eq!(kinds, [Kind::Agent, Kind::Generation, Kind::Tool]);
    // python: the TOOL span has status_code ERROR
    assert_eq!(t.totals.errors, 1);
    // python: attributes['session.id'] == 'e2e-session-1' on the spans
    assert_eq!(t.session_id.as_deref(), Some("e2e-session-1"));
    assert!(set.warnings.iter().all(|w| !matches!(w.kind, WarningKind::NoTimeZone { .. })), "times have +00:00");
}

#[test]
fn json_lines_of_spans_open_as_the_list_does() {
    let (format, set) = open(own("phoenix/real-phoenix-20.26-spans.jsonl"));
    assert_eq!(format, Format::PhoenixSpans);
    assert_eq!(traces(&set), seeded());
    // the same spans as the list: same start and end of every observation
    let list = open(own("phoenix/real-phoenix-20.26-spans-array.json")).1;
    let times = |s: &TraceSet| {
        let mut v: Vec<_> =
            s.traces.iter().flat_map(|t| &t.observations).map(|o| (o.id.clone(), o.start_ns, o.end_ns)).collect();
        v.sort();
        v
    };
    assert_eq!(times(&set), times(&list));
}

#[test]
fn spans_of_the_encoder_open() {
    // phoenix.trace.span_json_encoder.spans_to_jsonl: nested attributes and `conversation`
    let (format, set) = open(own("phoenix/real-phoenix-20.26-spans-encoder.jsonl"));
    assert_eq!(format, Format::PhoenixSpans);
    assert_eq!(traces(&set), seeded());
}

#[test]
fn dataframe_rows_with_evaluations_give_scores_on_their_spans() {
    let (format, set) = open(own("phoenix/real-phoenix-20.26-spans-dataframe-evals.jsonl"));
    assert_eq!(format, Format::PhoenixSpans);
    assert_eq!(traces(&set), seeded());
    // python: rows whose 'eval.correctness.score' is not None: c9047feddee5bd2a (1.0, 'correct',
    // 'matches the plan') and b56b6efa8761b461 (0.0, 'incorrect', 'no answer')
    let mut scores: Vec<_> = set
        .scores
        .iter()
        .map(|s| (s.observation_id.clone().unwrap_or_default(), s.name.clone(), s.value.clone(), s.comment.clone()))
        .collect();
    scores.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        scores,
        vec![
            (
                "b56b6efa8761b461".into(),
                "correctness".into(),
                ScoreValue::Numeric(0.0),
                Some("label: incorrect — no answer".into())
            ),
            (
                "c9047feddee5bd2a".into(),
                "correctness".into(),
                ScoreValue::Numeric(1.0),
                Some("label: correct — matches the plan".into())
            ),
        ]
    );
    let t = set.traces.iter().find(|t| t.id.starts_with("81c4")).unwrap();
    let llm = t.observations.iter().find(|o| o.id == "c9047feddee5bd2a").unwrap();
    assert_eq!(set.observation_scores(t, llm).count(), 1);
    // python: start_time 1796617659990, end_time 1796617659999 (epoch milliseconds, pandas' default)
    assert_eq!((llm.start_ns, llm.end_ns), (1_796_617_659_990_000_000, Some(1_796_617_659_999_000_000)));
    // python: 'attributes.llm.model_name' == 'gpt-4o-mini-2024-07-18'; input messages: one, role user
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert!(llm.input.is_some(), "attributes.llm.input_messages rows are its input");
}

#[test]
fn the_2023_form_opens_with_zoneless_times_as_utc() {
    // tutorials/internal/trace.jsonl of Arize-ai/phoenix at 797ec255 (2023-08-21)
    let (format, set) = open(own("phoenix/phoenix-repo-2023-08-trace.jsonl"));
    assert_eq!(format, Format::PhoenixSpans);
    // python: 15 lines, 3 trace_ids of 5 spans each, one parent_id null per trace
    let got: Vec<(usize, usize)> = traces(&set).iter().map(|t| (t.1, t.2)).collect();
    assert_eq!(got, vec![(5, 1); 3]);
    // python: min(start_time) '2023-08-21T22:06:04.990344' → calendar.timegm: 1692655564.990344 s
    let first = set.traces.iter().flat_map(|t| &t.observations).map(|o| o.start_ns).min();
    assert_eq!(first, Some(1_692_655_564_990_344_000));
    // python: 15 start_time + 15 end_time, none with a zone
    let zoneless: Vec<_> =
        set.warnings.iter().filter(|w| matches!(w.kind, WarningKind::NoTimeZone { times: 30 })).collect();
    assert_eq!(zoneless.len(), 1, "{:?}", set.warnings);
    assert_eq!(zoneless[0].to_string(), "30 times in the file have no time zone; read as UTC");
    // python: each LLM span's llm.messages holds 2 [role, content] pairs: system, user
    let llm = set.traces[0].observations.iter().find(|o| o.kind == Kind::Generation).unwrap();
    let input = llm.input.as_ref().expect("llm.messages are the input").raw().to_string();
    let messages: Vec<serde_json::Value> = serde_json::from_str(&input).unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!((messages[0]["role"].as_str(), messages[1]["role"].as_str()), (Some("system"), Some("user")));
    assert!(llm.attribute("llm.messages").is_none(), "moved into the input");
}

#[test]
fn a_list_of_otlpv1_pages_opens_whole() {
    // every page of GET /v1/projects/default/spans/otlpv1?limit=2, saved as a list
    let (format, set) = open(own("phoenix/real-phoenix-20.26-otlpv1-pages.json"));
    assert_eq!(format, Format::OtlpSpans);
    // python: [len(p['data']) for p in pages] == [2, 2, 1], next_cursor of the last is None
    assert_eq!(traces(&set), seeded());
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    // the same spans as the REST list (whose ISO times Phoenix rounds to microseconds)
    let list = open(own("phoenix/real-phoenix-20.26-spans-array.json")).1;
    let ids = |s: &TraceSet| {
        let mut v: Vec<_> = s.traces.iter().flat_map(|t| &t.observations).map(|o| o.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&set), ids(&list));
    // python: span 58fa5b44ed24f818's start_time_unix_nano is 1796617659990073856
    let agent = set.traces.iter().flat_map(|t| &t.observations).find(|o| o.id == "58fa5b44ed24f818").unwrap();
    assert_eq!(agent.start_ns, 1_796_617_659_990_073_856);
}

#[test]
fn the_real_annotations_attach_to_the_listed_spans() {
    let mut set = open(own("phoenix/real-phoenix-20.26-spans-array.json")).1;
    let (format, notes) = open(own("phoenix/real-phoenix-20.26-span-annotations.json"));
    assert_eq!(format, Format::PhoenixAnnotations);
    set.merge(notes);
    // python: data[*]: helpfulness on b56b6efa8761b461 (score 0.0, label unhelpful, HUMAN),
    // correctness on c9047feddee5bd2a (score 1.0, label correct, LLM)
    let t = set.traces.iter().find(|t| t.id.starts_with("4573")).unwrap();
    let tool = t.observations.iter().find(|o| o.id == "b56b6efa8761b461").unwrap();
    let on_tool: Vec<_> = set.observation_scores(t, tool).collect();
    assert_eq!(on_tool.len(), 1);
    assert_eq!((on_tool[0].name.as_str(), &on_tool[0].value), ("helpfulness", &ScoreValue::Numeric(0.0)));
    assert_eq!(on_tool[0].source.as_deref(), Some("HUMAN"));
}

#[test]
fn a_single_span_and_a_cut_list_are_told_apart() {
    let one = r#"{"name":"s","context":{"trace_id":"t","span_id":"a"},"span_kind":"LLM","parent_id":null,
        "start_time":"2024-05-01T12:00:00","end_time":null,"attributes":{},"events":[]}"#;
    let l = load("one.json", one.as_bytes()).unwrap();
    assert_eq!(l.format, Format::PhoenixSpans);
    assert_eq!(l.set.traces[0].observations.len(), 1);
    assert_eq!(l.set.traces[0].observations[0].end_ns, None, "running");
    let cut = &one[..one.len() - 20];
    assert!(load("cut.json", format!("[{cut}").as_bytes()).is_err());
}

#[test]
fn annotation_dataframe_rows_become_scores() {
    // get_span_annotations_dataframe(...).reset_index().to_json(orient="records", lines=True)
    let (format, notes) = open(own("phoenix/real-phoenix-20.26-span-annotations-dataframe.jsonl"));
    assert_eq!(format, Format::PhoenixAnnotations);
    // python: 2 rows: (b56b6efa8761b461, helpfulness, 0.0, 'unhelpful', HUMAN) and
    // (c9047feddee5bd2a, correctness, 1.0, 'correct', 'matches the plan', LLM)
    let mut got: Vec<_> = notes
        .scores
        .iter()
        .map(|s| {
            (
                s.observation_id.clone().unwrap_or_default(),
                s.name.clone(),
                s.value.clone(),
                s.comment.clone(),
                s.source.clone(),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            (
                "b56b6efa8761b461".into(),
                "helpfulness".into(),
                ScoreValue::Numeric(0.0),
                Some("label: unhelpful".into()),
                Some("HUMAN".into())
            ),
            (
                "c9047feddee5bd2a".into(),
                "correctness".into(),
                ScoreValue::Numeric(1.0),
                Some("label: correct — matches the plan".into()),
                Some("LLM".into())
            ),
        ]
    );
    // the same scores as the REST endpoint's page of the same annotations
    let rest = open(own("phoenix/real-phoenix-20.26-span-annotations.json")).1;
    let key = |s: &TraceSet| {
        let mut v: Vec<_> =
            s.scores.iter().map(|x| (x.id.clone(), x.name.clone(), x.value.clone(), x.time_ns)).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(key(&notes), key(&rest));
}

#[test]
fn otlpv1_pages_one_per_line_open_as_the_list_does() {
    // the real pages, written one per line (by serde_json's Value here, not by Canopy's reader)
    let text = std::fs::read_to_string(own("phoenix/real-phoenix-20.26-otlpv1-pages.json")).unwrap();
    let pages: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let lines: String = pages.iter().map(|p| format!("{p}\n")).collect();
    let l = load("pages.jsonl", lines.as_bytes()).unwrap();
    assert_eq!(l.format, Format::OtlpSpans);
    assert_eq!(traces(&l.set), seeded());
    // and in pieces, as a download arrives
    let mut s = canopy::import::Stream::new("pages.jsonl");
    for piece in lines.as_bytes().chunks(7) {
        s.push(piece).unwrap();
    }
    assert_eq!(traces(&s.finish().unwrap().set), seeded());
}

#[test]
fn a_dataframe_saved_with_pandas_defaults_opens_as_its_rows_do() {
    // `to_json()` with no orient: {column: {span id: value}}
    let (format, set) = open(own("phoenix/real-phoenix-20.26-spans-dataframe-columns.json"));
    assert_eq!(format, Format::PhoenixSpans);
    // python: len(d['name']) == 5 rows; d['context.trace_id'] counts 3 and 2 per trace
    assert_eq!(traces(&set), seeded());
    // the same observations and scores as the same dataframe written as records
    let rows = open(own("phoenix/real-phoenix-20.26-spans-dataframe-evals.jsonl")).1;
    let obs = |s: &TraceSet| {
        let mut v: Vec<_> = s
            .traces
            .iter()
            .flat_map(|t| &t.observations)
            .map(|o| (o.id.clone(), o.parent_id.clone(), o.start_ns, o.end_ns, o.kind, o.attributes.len()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(obs(&set), obs(&rows));
    let mut a: Vec<_> = set.scores.iter().map(|s| (s.id.clone(), s.value.clone())).collect();
    let mut b: Vec<_> = rows.scores.iter().map(|s| (s.id.clone(), s.value.clone())).collect();
    a.sort_by(|x, y| x.0.cmp(&y.0));
    b.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!((a.len(), a), (2, b));
}
