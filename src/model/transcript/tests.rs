//! Hand-made traces for the transcript: each test names the rule it checks.

use super::*;
use crate::model::{Level, Observation, Trace};

/// One observation: `(id, parent, kind, name, input, output)`, payloads as JSON text ("" for none).
type Spec<'a> = (&'a str, Option<&'a str>, Kind, &'a str, &'a str, &'a str);

/// Observations started 10 ns apart in this order.
fn trace(spec: &[Spec]) -> Trace {
    let obs = spec
        .iter()
        .enumerate()
        .map(|(k, (id, parent, kind, name, input, output))| {
            let mut o = Observation::new(*id, *kind, *name, 1_000 + k as i64 * 10);
            o.end_ns = Some(1_000 + k as i64 * 10 + 5);
            o.parent_id = parent.map(str::to_string);
            if !input.is_empty() {
                o.input = Payload::from_json_text(input);
            }
            if !output.is_empty() {
                o.output = Payload::from_json_text(output);
            }
            o
        })
        .collect();
    Trace::build("t".into(), obs, "f", &mut Vec::new())
}

/// A one-letter sketch of the blocks: I input, T turn, X tool, R retrieval, A/E agent start and
/// end, S step, ! error, F final; with the depth as a digit when not 0.
fn sketch(tr: &Transcript) -> String {
    tr.blocks
        .iter()
        .map(|b| {
            let c = match b.kind {
                BlockKind::Input { .. } => "I",
                BlockKind::Turn { .. } => "T",
                BlockKind::Tool { .. } => "X",
                BlockKind::Retrieval { .. } => "R",
                BlockKind::AgentStart { .. } => "A",
                BlockKind::AgentEnd => "E",
                BlockKind::Step { .. } => "S",
                BlockKind::Error { .. } => "!",
                BlockKind::Final { .. } => "F",
            };
            if b.depth == 0 {
                c.to_string()
            } else {
                format!("{c}{}", b.depth)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn turn(b: &Block) -> (usize, Vec<String>, Vec<String>) {
    match &b.kind {
        BlockKind::Turn { context, new, reply } => {
            (*context, new.iter().map(|m| m.role.clone()).collect(), reply.iter().map(Message::text).collect())
        }
        other => panic!("not a turn: {other:?}"),
    }
}

const SYS: &str = r#"{"role":"system","content":"be brief"}"#;
const USER: &str = r#"{"role":"user","content":"weather in Paris?"}"#;
const CALL: &str = r#"{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}"#;
const RESULT: &str = r#"{"role":"tool","tool_call_id":"c1","content":"rainy"}"#;
const ANSWER: &str = r#"{"role":"assistant","content":"It is rainy."}"#;

fn list(items: &[&str]) -> String {
    format!("[{}]", items.join(","))
}

#[test]
fn a_resent_history_is_shown_once() {
    let (in1, in2) = (list(&[SYS, USER]), list(&[SYS, USER, CALL, RESULT]));
    let (in3, out1) =
        (list(&[SYS, USER, CALL, RESULT, ANSWER, r#"{"role":"user","content":"and tomorrow?"}"#]), list(&[CALL]));
    let t = trace(&[
        ("root", None, Kind::Span, "run", "", ""),
        ("g1", Some("root"), Kind::Generation, "llm", &in1, &out1),
        ("tool", Some("root"), Kind::Tool, "get_weather", r#"{"city":"Paris"}"#, r#""rainy""#),
        ("g2", Some("root"), Kind::Generation, "llm", &in2, &list(&[ANSWER])),
        ("g3", Some("root"), Kind::Generation, "llm", &in3, r#"[{"role":"assistant","content":"Sunny."}]"#),
    ]);
    let tr = build(&t);
    assert_eq!(sketch(&tr), "I T X T T F");
    // the first call: the user's message is the Input block, only the system prompt is new
    assert_eq!(turn(&tr.blocks[1]), (0, vec!["system".into()], vec!["".into()]));
    // the second: four messages resent except the tool result, which the tool card shows
    assert_eq!(turn(&tr.blocks[3]), (3, vec![], vec!["It is rainy.".into()]));
    // the third: five earlier messages, one new user message
    assert_eq!(turn(&tr.blocks[4]), (5, vec!["user".into()], vec!["Sunny.".into()]));
    assert_eq!(tr.blocks[5].kind, BlockKind::Final { text: "Sunny.".into() });
    match &tr.blocks[0].kind {
        BlockKind::Input { messages } => assert_eq!(messages[0].text(), "weather in Paris?"),
        other => panic!("{other:?}"),
    }
    assert_eq!(tr.blocks[4].offset_ns, 40);
}

#[test]
fn a_tool_call_and_its_result_are_one_card() {
    let t = trace(&[
        ("g1", None, Kind::Generation, "llm", &list(&[USER]), &list(&[CALL])),
        ("tool", None, Kind::Tool, "get_weather", r#"{"city":"Paris"}"#, r#""rainy""#),
        ("g2", None, Kind::Generation, "llm", &list(&[USER, CALL, RESULT]), &list(&[ANSWER])),
    ]);
    let tr = build(&t);
    assert_eq!(sketch(&tr), "I T X T F");
    match &tr.blocks[2].kind {
        BlockKind::Tool { name, call_id, arguments, result, error, from_messages } => {
            assert_eq!((name.as_str(), call_id.as_deref()), ("get_weather", Some("c1")));
            assert_eq!(arguments.as_deref(), Some(r#"{"city":"Paris"}"#));
            assert_eq!((result.as_deref(), error, from_messages), (Some("rainy"), &None, &false));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(tr.blocks[2].obs, 1);
    assert_eq!(tr.next_tool(0, true), Some(2));
    assert_eq!(tr.next_turn(2, true), Some(3));
    assert_eq!(tr.next_turn(3, false), Some(1));
    assert_eq!(tr.next_turn(3, true), None);
}

#[test]
fn a_call_without_a_tool_span_is_a_card_from_its_messages() {
    let t = trace(&[
        ("g1", None, Kind::Generation, "llm", &list(&[USER]), &list(&[CALL])),
        ("g2", None, Kind::Generation, "llm", &list(&[USER, CALL, RESULT]), &list(&[ANSWER])),
    ]);
    let tr = build(&t);
    assert_eq!(sketch(&tr), "I T X T F");
    assert_eq!(tr.blocks[2].obs, 0, "the call that asked for it");
    match &tr.blocks[2].kind {
        BlockKind::Tool { name, result, from_messages, .. } => {
            assert_eq!((name.as_str(), result.as_deref(), *from_messages), ("get_weather", Some("rainy"), true));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(turn(&tr.blocks[3]).0, 2);
    assert!(turn(&tr.blocks[3]).1.is_empty());
}

#[test]
fn nested_agents_have_depth_and_interleaved_agents_keep_their_own_previous_call() {
    let a_in1 = list(&[r#"{"role":"user","content":"plan"}"#]);
    let a_out = r#"[{"role":"assistant","content":"planned"}]"#;
    let a_in2 = list(&[
        r#"{"role":"user","content":"plan"}"#,
        r#"{"role":"assistant","content":"planned"}"#,
        r#"{"role":"user","content":"go"}"#,
    ]);
    let b_in1 = list(&[r#"{"role":"user","content":"research"}"#]);
    let b_in2 = list(&[
        r#"{"role":"user","content":"research"}"#,
        r#"{"role":"assistant","content":"found"}"#,
        r#"{"role":"user","content":"more"}"#,
    ]);
    let t = trace(&[
        ("root", None, Kind::Agent, "orchestrator", "", ""),
        ("a", Some("root"), Kind::Agent, "planner", "", ""),
        ("b", Some("root"), Kind::Agent, "researcher", "", ""),
        ("a1", Some("a"), Kind::Generation, "llm", &a_in1, a_out),
        ("b1", Some("b"), Kind::Generation, "llm", &b_in1, r#"[{"role":"assistant","content":"found"}]"#),
        ("a2", Some("a"), Kind::Generation, "llm", &a_in2, r#"[{"role":"assistant","content":"done"}]"#),
        ("b2", Some("b"), Kind::Generation, "llm", &b_in2, r#"[{"role":"assistant","content":"more found"}]"#),
        ("sub", Some("b"), Kind::Agent, "summariser", "", ""),
        ("s1", Some("sub"), Kind::Generation, "llm", &b_in1, r#"[{"role":"assistant","content":"short"}]"#),
    ]);
    let tr = build(&t);
    // the root agent is the run; planner and researcher are blocks, the summariser inside one
    assert_eq!(sketch(&tr), "I A T1 T1 E A T1 T1 A1 T2 E1 E F");
    // a2 follows a1 (not b1): two messages of context
    assert_eq!(turn(&tr.blocks[3]), (2, vec!["user".into()], vec!["done".into()]));
    assert_eq!(turn(&tr.blocks[7]), (2, vec!["user".into()], vec!["more found".into()]));
    // the summariser is an agent of its own: nothing resent from the researcher
    assert_eq!(turn(&tr.blocks[9]).0, 0);
    assert_eq!(tr.parent_agent(9), Some(8));
    assert_eq!(tr.parent_agent(8), Some(5));
    assert_eq!(tr.parent_agent(5), None);
    assert_eq!(tr.child_agent(5), Some(8));
    assert_eq!(tr.child_agent(0), Some(1));
    assert_eq!(tr.child_agent(9), None);
}

#[test]
fn the_same_agent_running_again_continues_its_block() {
    // LangGraph: the node `agent` is a new span for every step
    let t = trace(&[
        ("root", None, Kind::Chain, "graph", "", ""),
        ("a1", Some("root"), Kind::Agent, "agent", "", ""),
        ("g1", Some("a1"), Kind::Generation, "llm", &list(&[USER]), &list(&[CALL])),
        ("x1", Some("a1"), Kind::Tool, "get_weather", "{}", r#""rainy""#),
        ("a2", Some("root"), Kind::Agent, "agent", "", ""),
        ("g2", Some("a2"), Kind::Generation, "llm", &list(&[USER, CALL, RESULT]), &list(&[ANSWER])),
    ]);
    assert_eq!(sketch(&build(&t)), "I A T1 X1 T1 E F");
}

#[test]
fn errors_follow_the_block_they_belong_to_once() {
    let mut t = trace(&[
        ("root", None, Kind::Chain, "run", "", ""),
        ("g1", Some("root"), Kind::Generation, "llm", &list(&[USER]), &list(&[CALL])),
        ("wrap", Some("root"), Kind::Chain, "tools", "", ""),
        ("x1", Some("wrap"), Kind::Tool, "get_weather", "{}", ""),
        ("g2", Some("root"), Kind::Generation, "llm", &list(&[USER]), ""),
        ("guard", Some("root"), Kind::Chain, "guardrail", "", ""),
    ]);
    for (i, msg) in [(3, "boom"), (2, "boom"), (0, "boom"), (4, "rate limited"), (5, "blocked")] {
        t.observations[i].level = Level::Error;
        t.observations[i].status_message = Some(msg.into());
    }
    let tr = build(&t);
    // the tool's error is on its card; the wrapper and the root repeat it: not shown again;
    // the failed call gets its error after it; the guardrail has no block: its error stands alone
    assert_eq!(sketch(&tr), "I T X T ! !");
    assert!(matches!(&tr.blocks[2].kind, BlockKind::Tool { error: Some(e), .. } if e == "boom"));
    assert_eq!(tr.blocks[4].kind, BlockKind::Error { message: "rate limited".into() });
    assert_eq!((tr.blocks[5].obs, &tr.blocks[5].kind), (5, &BlockKind::Error { message: "blocked".into() }));
}

#[test]
fn an_exception_event_is_an_error() {
    let mut t = trace(&[("g1", None, Kind::Generation, "llm", &list(&[USER]), "")]);
    t.observations[0].events.push(crate::model::Event {
        name: "exception".into(),
        time_ns: 1_002,
        attributes: vec![crate::model::Attribute {
            key: "exception.message".into(),
            value: crate::model::AttrValue::Str("timeout".into()),
        }],
    });
    assert_eq!(build(&t).blocks.last().map(|b| b.kind.clone()), Some(BlockKind::Error { message: "timeout".into() }));
}

#[test]
fn a_trace_without_messages_reads_as_steps() {
    let t = trace(&[
        ("root", None, Kind::Chain, "pipeline", r#""raw text""#, r#""summary""#),
        ("load", Some("root"), Kind::Span, "load", r#"{"path":"a.csv"}"#, r#"{"rows":3}"#),
        ("wrap", Some("root"), Kind::Chain, "transform", r#"{"rows":3}"#, r#"{"rows":2}"#),
        ("clean", Some("wrap"), Kind::Span, "clean", r#"{"rows":3}"#, r#"{"rows":2}"#),
        ("noop", Some("wrap"), Kind::Span, "noop", "", ""),
        ("ret", Some("root"), Kind::Retriever, "search", r#""q""#, r#"[{"id":"d1","text":"fact","score":0.5}]"#),
    ]);
    let tr = build(&t);
    // the wrapper `transform` holds a step: not one itself; `noop` carries nothing
    assert_eq!(sketch(&tr), "I S S R F");
    assert_eq!(tr.blocks[2].obs, 3);
    assert_eq!(tr.blocks[4].kind, BlockKind::Final { text: "summary".into() });
    match &tr.blocks[3].kind {
        BlockKind::Retrieval { documents } => {
            assert_eq!(
                documents,
                &[Doc { rank: 1, score: Some(0.5), id: Some("d1".into()), content: Some("fact".into()) }]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn tokens_and_cost_come_from_the_observation() {
    let mut t = trace(&[("g1", None, Kind::Generation, "llm", &list(&[USER]), &list(&[ANSWER]))]);
    t.observations[0].usage.input = Some(10);
    t.observations[0].usage.output = Some(5);
    t.observations[0].cost.total = Some(0.25);
    let tr = build(&t);
    let b = &tr.blocks[1];
    assert_eq!((b.tokens(&t), b.cost_usd(&t), b.duration_ns(&t)), (Some(15), Some(0.25), Some(5)));
    assert_eq!(tr.blocks[2].tokens(&t), None);
}

#[test]
fn a_long_generated_run_builds_every_block() {
    // 1,000 steps: call, tool, call… with the history resent each time
    let mut obs = vec![Observation::new("root", Kind::Agent, "run", 0)];
    let mut history = vec![USER.to_string()];
    for k in 0..1_000i64 {
        let call = format!(
            r#"{{"role":"assistant","content":null,"tool_calls":[{{"id":"c{k}","type":"function","function":{{"name":"step","arguments":"{{}}"}}}}]}}"#
        );
        let mut g = Observation::new(format!("g{k}"), Kind::Generation, "llm", 10 + k * 20);
        g.parent_id = Some("root".into());
        g.input = Payload::from_json_text(&format!("[{}]", history.join(",")));
        g.output = Payload::from_json_text(&format!("[{call}]"));
        let mut x = Observation::new(format!("x{k}"), Kind::Tool, "step", 20 + k * 20);
        x.parent_id = Some("root".into());
        x.output = Payload::from_json_text(&format!("\"{k}\""));
        obs.extend([g, x]);
        history.push(call);
        history.push(format!(r#"{{"role":"tool","tool_call_id":"c{k}","content":"{k}"}}"#));
    }
    let t = Trace::build("t".into(), obs, "f", &mut Vec::new());
    let tr = build(&t);
    let count = |f: fn(&BlockKind) -> bool| tr.blocks.iter().filter(|b| f(&b.kind)).count();
    assert_eq!(count(|k| matches!(k, BlockKind::Turn { .. })), 1_000);
    assert_eq!(count(|k| matches!(k, BlockKind::Tool { from_messages: false, .. })), 1_000);
    assert_eq!(count(|k| matches!(k, BlockKind::Tool { from_messages: true, .. })), 0);
    assert_eq!(tr.blocks.len(), 2_001, "input, 1,000 turns and tools, no final text");
    // every later call resends the whole history: nothing new but the tool result, shown as a card
    assert!(tr.blocks.iter().skip(3).all(|b| !matches!(&b.kind, BlockKind::Turn { new, .. } if !new.is_empty())));
    assert!(matches!(&tr.blocks[1999].kind, BlockKind::Turn { context: 1998, .. }));
}

#[test]
fn a_history_trimmed_to_a_window_still_shows_only_what_is_new() {
    // each call sends the user's message and the last exchange only (LangGraph, the Agents SDK)
    let call = |k: u32| {
        format!(
            r#"{{"role":"assistant","content":null,"tool_calls":[{{"id":"c{k}","type":"function","function":{{"name":"step","arguments":"{{}}"}}}}]}}"#
        )
    };
    let result = |k: u32| format!(r#"{{"role":"tool","tool_call_id":"c{k}","content":"{k}"}}"#);
    let (c1, c2, c3) = (call(1), call(2), call(3));
    let (r1, r2) = (result(1), result(2));
    let in2 = list(&[USER, &c1, &r1]);
    let in3 = list(&[USER, &c2, &r2]);
    let t = trace(&[
        ("g1", None, Kind::Generation, "llm", &list(&[USER]), &list(&[&c1])),
        ("x1", None, Kind::Tool, "step", "{}", r#"{"type":"tool","data":{"content":"1","tool_call_id":"c1"}}"#),
        ("g2", None, Kind::Generation, "llm", &in2, &list(&[&c2])),
        ("x2", None, Kind::Tool, "step", "{}", r#""2""#),
        ("g3", None, Kind::Generation, "llm", &in3, &list(&[&c3])),
    ]);
    let tr = build(&t);
    assert_eq!(sketch(&tr), "I T X T X T");
    assert_eq!(turn(&tr.blocks[3]), (2, vec![], vec!["".into()]));
    // the first message, then the previous reply sent back: two of context, nothing new
    assert_eq!(turn(&tr.blocks[5]), (2, vec![], vec!["".into()]));
    // LangChain's dumped ToolMessage reads as its content
    assert!(matches!(&tr.blocks[2].kind, BlockKind::Tool { result: Some(r), .. } if r == "1"));
}

#[test]
fn a_wrapper_span_is_found_at_its_nearest_shown_ancestor() {
    let t = trace(&[
        ("root", None, Kind::Agent, "run", r#""hi""#, ""),
        ("wrap", Some("root"), Kind::Span, "turn", "", ""),
        (
            "llm",
            Some("wrap"),
            Kind::Generation,
            "chat",
            r#"[{"role":"user","content":"hi"}]"#,
            r#"{"role":"assistant","content":"yo"}"#,
        ),
    ]);
    let tr = build(&t);
    let idx = |id: &str| t.observations.iter().position(|o| o.id == id).unwrap() as u32;
    let llm = tr.block_of(&t, idx("llm")).unwrap();
    assert!(matches!(tr.blocks[llm].kind, BlockKind::Turn { .. }));
    // the wrapper has no block of its own: the run's (the root's input block) shows it
    let wrap = tr.block_of(&t, idx("wrap")).unwrap();
    assert_eq!(tr.blocks[wrap].obs, idx("root"));
    assert_eq!(tr.block_of(&t, 999), None);
}
