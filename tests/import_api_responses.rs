//! Imports real API responses (Phoenix, Langfuse, Tempo) as the live loads get them: pages of
//! spans, traces, observations, scores and annotations; expected numbers were read from the files.
#![cfg(not(target_arch = "wasm32"))]

use canopy::import::{load, Format};
use canopy::model::{Decoded, Kind, ScoreValue, TraceSet};
use common::{open, own};

mod common;

#[test]
fn phoenix_spans_page_with_nested_and_flat_attributes() {
    let (format, set) = open(own("phoenix/spans-page-nested-and-flat-attributes.json"));
    assert_eq!(format, Format::PhoenixSpans);
    let t = &set.traces[0];
    assert_eq!(t.observations.len(), 3);
    assert_eq!(t.tree.roots.len(), 1);
    assert_eq!(t.totals.tokens, 150);
    assert_eq!(t.totals.errors, 2);
    assert_eq!(t.session_id.as_deref(), Some("sess-7"), "nested session.id");
    assert_eq!(t.user_id.as_deref(), Some("u-1"));
    let llm = &t.observations[1];
    assert_eq!((llm.kind, llm.model.as_deref()), (Kind::Generation, Some("gpt-4o")));
    let Decoded::Json(msgs) = llm.input.as_ref().unwrap().decode() else { panic!() };
    assert_eq!(msgs[0]["content"], "Plan my trip");
    let tool = &t.observations[2];
    assert_eq!(tool.tool_name.as_deref(), Some("web_search"));
    assert_eq!(tool.status_message.as_deref(), Some("TimeoutError: search took 2s"));
    assert!(set.warnings.iter().any(|w| w.to_string().contains("next_cursor")), "a partial page says so");
}

#[test]
fn phoenix_annotations_become_scores_on_span_trace_and_session() {
    let mut set = open(own("phoenix/spans-page-nested-and-flat-attributes.json")).1;
    let (format, scores) = open(own("phoenix/span-trace-session-annotations.json"));
    assert_eq!(format, Format::PhoenixAnnotations);
    set.merge(scores);
    let t = &set.traces[0];
    let llm = &t.observations[1];
    let on_llm: Vec<_> = set.observation_scores(t, llm).collect();
    assert_eq!(on_llm.len(), 1);
    assert_eq!(on_llm[0].value, ScoreValue::Numeric(1.0));
    assert_eq!(on_llm[0].comment.as_deref(), Some("label: correct — matches the reference"));
    assert_eq!(on_llm[0].source.as_deref(), Some("LLM"));
    let on_trace: Vec<_> = set.trace_scores(t).collect();
    assert_eq!(on_trace[0].value, ScoreValue::Categorical("unhelpful".into()));
    let on_session: Vec<_> = set.scores.iter().filter(|s| s.session_id.as_deref() == Some("sess-7")).collect();
    assert_eq!(on_session[0].value, ScoreValue::Numeric(0.2));
}

#[test]
fn phoenix_otlpv1_page_of_snake_case_spans_with_nulls() {
    let (format, set) = open(own("otlp/phoenix-otlpv1-snake-case-page.json"));
    assert_eq!(format, Format::OtlpSpans);
    let t = &set.traces[0];
    assert_eq!(t.observations.len(), 2);
    assert_eq!(t.tree.roots.len(), 1);
    assert_eq!(t.totals.tokens, 77);
    assert_eq!(t.duration_ns(), Some(1_500_000_000));
}

#[test]
fn langfuse_api_pages_join_traces_observations_and_scores() {
    let (format, obs) = open(own("langfuse/v2-observations-page-raw-string-io.json"));
    assert_eq!(format, Format::LangfuseObservations);
    assert_eq!(obs.traces.len(), 2);
    assert!(obs.warnings.iter().any(|w| w.to_string().contains("one page")), "cursor set: partial");
    let (format, list) = open(own("langfuse/trace-list-page.json"));
    assert_eq!(format, Format::LangfuseTraces);
    assert!(list.warnings.is_empty(), "page 1 of 1 is complete");
    let mut set = TraceSet::default();
    set.merge(obs);
    set.merge(list);
    assert_eq!(set.traces.len(), 2, "the trace list completes the traces the observations page opened");
    let a = &set.traces[0];
    assert_eq!(a.display_name(), "support-chat");
    assert_eq!(a.session_id.as_deref(), Some("conv-1"));
    assert_eq!(a.observations.len(), 2);
    assert_eq!(a.totals.tokens, 15);
    let llm = &a.observations[1];
    assert_eq!(llm.completion_start_ns.map(|c| c - llm.start_ns), Some(400_000_000));
    assert!(llm.usage.details.contains(&("cache_read_input_tokens".to_string(), 4)));
    let Decoded::Json(input) = llm.input.as_ref().unwrap().decode() else { panic!("raw string input decodes") };
    assert_eq!(input[0]["role"], "user");
    let b = &set.traces[1];
    let kinds: Vec<Kind> = b.observations.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, vec![Kind::Guardrail, Kind::Evaluator]);
    assert_eq!(b.totals.warnings, 1);
    assert_eq!(b.totals.in_progress, 1);
    assert_eq!(set.sessions.len(), 1);
    assert_eq!(set.sessions[0].traces, vec![0, 1]);

    let (format, v3) = open(own("langfuse/v3-scores-typed-values.json"));
    assert_eq!(format, Format::LangfuseScores);
    let (_, v2) = open(own("langfuse/v2-scores-split-values.json"));
    assert!(v2.warnings.iter().any(|w| w.to_string().contains("one page")), "page 1 of 2");
    set.merge(v3);
    set.merge(v2);
    let got: Vec<String> = set.scores.iter().map(|s| format!("{}={}", s.name, s.value.display())).collect();
    assert_eq!(
        got,
        vec![
            "faithfulness=0.42",
            "resolved=true",
            "helpfulness=unhelpful",
            "note=customer asked twice",
            "output=Hello! How can I help?",
            "resolved=false",
            "tone=friendly"
        ]
    );
    assert_eq!(set.observation_scores(&set.traces[0], &set.traces[0].observations[1]).count(), 1);
    assert_eq!(set.trace_scores(&set.traces[1]).count(), 3);
}

#[test]
fn langfuse_session_response() {
    let (format, set) = open(own("langfuse/session-with-traces.json"));
    assert_eq!(format, Format::LangfuseSession);
    assert_eq!(set.traces.len(), 2);
    assert_eq!(set.sessions.len(), 1);
    assert_eq!(set.sessions[0].id, "conv-2");
    assert_eq!(set.sessions[0].user_id.as_deref(), Some("user-3"));
    assert_eq!(set.traces[1].input.as_ref().unwrap().as_text(), "Cancel my order");
}

#[test]
fn tempo_trace_by_id_responses() {
    let (format, v1) = open(own("otlp/tempo-v1-batches.json"));
    assert_eq!(format, Format::Otlp);
    assert_eq!(v1.traces[0].id, "d813bd6d31089bba08395590eb148c53", "base64 id from Tempo v1");
    assert_eq!(v1.traces[0].observations[0].kind, Kind::Agent);
    let (format, v2) = open(own("otlp/tempo-v2-trace-wrapper.json"));
    assert_eq!(format, Format::Otlp);
    assert_eq!(v2.traces[0].observations.len(), 2);
    assert_eq!(v2.traces[0].tree.roots.len(), 1);
    // the same trace from both APIs joins into one
    let mut set = v1;
    set.merge(v2);
    assert_eq!(set.traces.len(), 1);
    assert_eq!(set.traces[0].observations.len(), 3);
}

#[test]
fn otlp_dropped_values_and_langfuse_trace_names() {
    let body = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102","spanId":"03","name":"chat","startTimeUnixNano":"5",
        "droppedAttributesCount":3,"droppedEventsCount":1,
        "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","attributes":[{"key":"reason","value":{"stringValue":"retry"}}]}],
        "attributes":[{"key":"langfuse.trace.name","value":{"stringValue":"checkout-bot"}}]}]}]}]}"#;
    let set = load("d.json", body).unwrap().set;
    assert!(
        set.warnings.iter().any(|w| w.to_string().contains("dropped 4 attributes or events")),
        "{:?}",
        set.warnings
    );
    assert_eq!(set.traces[0].display_name(), "checkout-bot");
    let links = set.traces[0].observations[0].attribute("otel.links").unwrap().display();
    assert!(links.contains("span_id: b7ad6b7169203331") && links.contains("reason: retry"), "{links}");
}

#[test]
fn real_phoenix_responses_from_both_endpoints_are_both_kept_and_said() {
    // captured from a real Phoenix 20.26.1 after sending 3 spans (agent → LLM, tool with an error)
    let (format, spans) = open(own("phoenix/real-phoenix-20.26-spans-page.json"));
    assert_eq!(format, Format::PhoenixSpans);
    let (format, otlp) = open(own("otlp/real-phoenix-20.26-otlpv1-page.json"));
    assert_eq!(format, Format::OtlpSpans);
    for set in [&spans, &otlp] {
        let t = &set.traces[0];
        assert_eq!(t.observations.len(), 3);
        assert_eq!(t.tree.roots.len(), 1);
        assert_eq!(t.totals.tokens, 17);
        assert_eq!(t.totals.errors, 1);
        assert_eq!(t.session_id.as_deref(), Some("sess-real-1"));
        let tool = t.observations.iter().find(|o| o.kind == Kind::Tool).unwrap();
        assert_eq!(tool.tool_name.as_deref(), Some("web_search"));
        assert!(tool.events.iter().any(|e| e.is_exception()));
        let llm = t.observations.iter().find(|o| o.kind == Kind::Generation).unwrap();
        assert_eq!(llm.model.as_deref(), Some("gpt-4o-mini"));
    }
    let mut set = spans;
    set.merge(otlp);
    assert_eq!(set.traces.len(), 1);
    // the OTLP endpoint writes times as doubles (off by up to 128 ns) and adds attributes: the
    // spans differ, so both are kept (model::merge) and the load says so
    assert_eq!(set.traces[0].observations.len(), 6, "nothing that differs is dropped");
    let said = "trace 5a154b2930a3a913741a90c3abc63280: 3 observations have the ids of different ones already \
                loaded from real-phoenix-20.26-spans-page.json; both are kept";
    assert!(set.warnings.iter().any(|w| w.to_string() == said), "{:?}", set.warnings);
    // the same response again adds nothing
    set.merge(open(own("otlp/real-phoenix-20.26-otlpv1-page.json")).1);
    assert_eq!(set.traces[0].observations.len(), 6);
}
