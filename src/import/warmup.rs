//! A small made-up OTLP trace for the page to import once while idle, before any real file.
//!
//! Why: Chromium first runs wasm with its baseline compiler and compiles the hot functions again,
//! optimized, only once they have run a while. A first file of 100,000 spans paid for that while
//! it loaded (about 150 ms of 1.4 s, BENCHMARKS.md 2026-12-02). A few hundred spans of every
//! common shape, imported after the empty app is painted, get that done while the user is still
//! choosing a file.

use std::fmt::Write;

/// The spans of the sample, in a tree of the kinds a real agent trace has: an agent root, then
/// chains, LLM calls (OpenInference and GenAI conventions), tools and retrievers.
pub const SPANS: usize = 600;

/// One OTLP `KeyValue` of the given type, as JSON text.
macro_rules! kv {
    ($key:literal, string $v:expr) => {
        concat!(r#"{"key":""#, $key, r#"","value":{"stringValue":""#, $v, r#""}}"#)
    };
    ($key:literal, int $v:literal) => {
        concat!(r#"{"key":""#, $key, r#"","value":{"intValue":""#, $v, r#""}}"#)
    };
    ($key:literal, double $v:literal) => {
        concat!(r#"{"key":""#, $key, r#"","value":{"doubleValue":"#, $v, "}}")
    };
    ($key:literal, bool $v:literal) => {
        concat!(r#"{"key":""#, $key, r#"","value":{"boolValue":"#, $v, "}}")
    };
}

/// One span as JSON text, with `$` markers `fill` replaces: `$s` its id, `$p` its parent's, `$i`
/// its number, `$t`/`$e` its start and end.
macro_rules! span {
    ($kind:literal, $name:literal, [$first:expr $(, $attr:expr)*], $rest:literal) => {
        concat!(
            r#"{"traceId":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","spanId":"$s","parentSpanId":"$p","name":""#,
            $name,
            r#"-$i","kind":1,"startTimeUnixNano":"$t","endTimeUnixNano":"$e","attributes":["#,
            kv!("openinference.span.kind", string $kind),
            ",",
            $first,
            $(",", $attr,)*
            "]",
            $rest,
            "}"
        )
    };
}

/// Texts with escapes and non-ASCII, so that the string paths with escapes get used too.
macro_rules! ticket {
    () => {
        r#"Summarise the ticket below.\n\nTicket $i: \"login fails after reset\" — customer on plan Team, 12 seats."#
    };
}
macro_rules! answer {
    () => {
        r#"The user cannot sign in since the password reset; the token expired before the e-mail arrived. Suggested fix: resend."#
    };
}
macro_rules! record {
    () => {
        r#"{\"ticket\": $i, \"status\": \"open\", \"tags\": [\"auth\", \"é\"], \"priority\": 2}"#
    };
}

const CHAIN: &str = span!(
    "CHAIN",
    "chain",
    [
        kv!("input.value", string ticket!()),
        kv!("output.value", string answer!()),
        kv!("session.id", string "warm-up-session"),
        kv!("canopy.warm_up", bool "true")
    ],
    r#","status":{}"#
);
const LLM: &str = span!(
    "LLM",
    "llm",
    [
        kv!("llm.model_name", string "gpt-4o-mini"),
        kv!("llm.token_count.prompt", int "1$i"),
        kv!("llm.token_count.completion", int "2$i"),
        kv!("llm.token_count.total", int "3$i"),
        kv!("llm.cost.total", double "0.0004"),
        kv!("llm.input_messages.0.message.role", string "system"),
        kv!("llm.input_messages.0.message.content", string answer!()),
        kv!("llm.input_messages.1.message.role", string "user"),
        kv!("llm.input_messages.1.message.content", string ticket!()),
        kv!("llm.output_messages.0.message.role", string "assistant"),
        kv!("llm.output_messages.0.message.content", string answer!()),
        kv!("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", string "lookup_ticket"),
        kv!("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", string record!()),
        kv!("llm.invocation_parameters", string r#"{\"temperature\": 0.2, \"max_tokens\": 512}"#)
    ],
    r#","status":{}"#
);
/// The same call in the GenAI conventions' names.
const GENAI: &str = span!(
    "LLM",
    "chat",
    [
        kv!("gen_ai.operation.name", string "chat"),
        kv!("gen_ai.request.model", string "claude-sonnet"),
        kv!("gen_ai.usage.input_tokens", int "3$i"),
        kv!("gen_ai.usage.output_tokens", int "4$i"),
        kv!("gen_ai.prompt.0.role", string "user"),
        kv!("gen_ai.prompt.0.content", string ticket!()),
        kv!("gen_ai.completion.0.role", string "assistant"),
        kv!("gen_ai.completion.0.content", string answer!()),
        kv!("gen_ai.request.temperature", double "0.3")
    ],
    r#","status":{}"#
);
const TOOL: &str = span!(
    "TOOL",
    "tool",
    [
        kv!("tool.name", string "lookup_ticket"),
        kv!("tool.parameters", string r#"{\"type\": \"object\", \"properties\": {\"ticket\": {\"type\": \"integer\"}}}"#),
        kv!("input.value", string r#"{\"ticket\": $i}"#),
        kv!("input.mime_type", string "application/json"),
        kv!("output.value", string record!()),
        kv!("output.mime_type", string "application/json")
    ],
    r#","status":{}"#
);
/// A tool call that failed: an exception event and an error status.
const TOOL_FAILED: &str = span!(
    "TOOL",
    "tool",
    [kv!("tool.name", string "lookup_ticket"), kv!("input.value", string r#"{\"ticket\": $i}"#)],
    r#","events":[{"timeUnixNano":"$t","name":"exception","attributes":[{"key":"exception.type","value":{"stringValue":"TimeoutError"}},{"key":"exception.message","value":{"stringValue":"tool took too long"}}]}],"status":{"code":2,"message":"tool took too long"}"#
);
const RETRIEVER: &str = span!(
    "RETRIEVER",
    "retriever",
    [
        kv!("input.value", string "tickets about password resets"),
        kv!("retrieval.documents.0.document.id", string "kb-$i"),
        kv!("retrieval.documents.0.document.score", double "0.9"),
        kv!("retrieval.documents.0.document.content", string ticket!()),
        kv!("retrieval.documents.1.document.id", string "kb-1$i"),
        kv!("retrieval.documents.1.document.score", double "0.7"),
        kv!("retrieval.documents.1.document.content", string answer!()),
        kv!("retrieval.documents.2.document.id", string "kb-2$i"),
        kv!("retrieval.documents.2.document.score", double "0.5"),
        kv!("retrieval.documents.2.document.content", string record!())
    ],
    r#","status":{}"#
);
/// The root (its `parentSpanId` is left empty: no parent).
const AGENT: &str = span!("AGENT", "agent", [kv!("input.value", string ticket!())], r#","status":{}"#);

/// The sample as OTLP JSON (one resource, one scope, `spans` spans of one trace).
pub fn sample(spans: usize) -> String {
    let mut out = String::with_capacity(spans * 1400);
    out.push_str(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"canopy-warm-up"}}]},"scopeSpans":[{"scope":{"name":"warm-up","version":"1"},"spans":["#,
    );
    for i in 0..spans {
        if i > 0 {
            out.push(',');
        }
        let template = match i % 10 {
            _ if i == 0 => AGENT,
            7 if i % 50 == 7 => TOOL_FAILED,
            4 => GENAI,
            1 | 6 | 9 => LLM,
            2 | 7 => TOOL,
            3 | 8 => RETRIEVER,
            _ => CHAIN,
        };
        fill(&mut out, template, i);
    }
    out.push_str("]}]}]}");
    out
}

/// Appends `template` with its `$` markers replaced for span `i` (a six-ary tree, 1 ms apart).
fn fill(out: &mut String, template: &str, i: usize) {
    let start = 1_700_000_000_000_000_000u64 + i as u64 * 1_000_000;
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let marker = rest.as_bytes().get(at + 1).copied();
        let _ = match marker {
            Some(b's') => write!(out, "{:016x}", i + 1),
            Some(b'p') if i > 0 => write!(out, "{:016x}", (i - 1) / 6 + 1),
            Some(b'i') => write!(out, "{i}"),
            Some(b't') => write!(out, "{start}"),
            Some(b'e') => write!(out, "{}", start + 3_000_000 + (i as u64 % 7) * 1_000_000),
            _ => Ok(()),
        };
        rest = rest.get(at + 2..).unwrap_or("");
    }
    out.push_str(rest);
}

/// The spans of the binary sample: the conversion is warm from the JSON one, this warms the
/// protobuf reader (`otlp::proto_reader`, `otlp::proto_span`).
pub const PROTOBUF_SPANS: usize = 300;

/// Binary OTLP (an `ExportTraceServiceRequest`) of `spans` spans of one trace: every value type,
/// events, links and an error status, written field by field with opentelemetry-proto's numbers.
pub fn protobuf_sample(spans: usize) -> Vec<u8> {
    let text = |s: &str| message(|m| bytes(m, 1, s.as_bytes()));
    let kv = |k: &str, v: &[u8]| message(|m| (bytes(m, 1, k.as_bytes()), bytes(m, 2, v)));
    let int = |n: u64| message(|m| (key(m, 3, 0), varint(m, n)));
    let mut scope = message(|m| bytes(m, 1, &message(|s| (bytes(s, 1, b"warm-up"), bytes(s, 2, b"1")))));
    for i in 0..spans {
        let start = 1_700_000_000_000_000_000u64 + i as u64 * 1_000_000;
        let kind = ["CHAIN", "LLM", "TOOL", "RETRIEVER"][i % 4];
        let span = message(|m| {
            bytes(
                m,
                1,
                &[0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71, 0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8, 0xf9],
            );
            bytes(m, 2, &(i as u64 + 1).to_be_bytes());
            if i > 0 {
                bytes(m, 4, &((i as u64 - 1) / 6 + 1).to_be_bytes());
            }
            bytes(m, 5, format!("{}-{i}", kind.to_ascii_lowercase()).as_bytes());
            key(m, 6, 0);
            varint(m, 1);
            key(m, 7, 1);
            m.extend_from_slice(&start.to_le_bytes());
            key(m, 8, 1);
            m.extend_from_slice(&(start + 3_000_000).to_le_bytes());
            bytes(m, 9, &kv("openinference.span.kind", &text(kind)));
            bytes(m, 9, &kv("llm.model_name", &text("claude-sonnet")));
            bytes(m, 9, &kv("llm.token_count.prompt", &int(100 + i as u64)));
            bytes(m, 9, &kv("input.value", &text("Summarise the ticket — login fails after reset.")));
            bytes(m, 9, &kv("score", &message(|v| (key(v, 4, 1), v.extend_from_slice(&0.5f64.to_le_bytes())))));
            bytes(m, 9, &kv("cached", &message(|v| (key(v, 2, 0), varint(v, 1)))));
            bytes(
                m,
                9,
                &kv("tags", &message(|v| bytes(v, 5, &message(|a| (bytes(a, 1, &text("a")), bytes(a, 1, &int(2))))))),
            );
            bytes(m, 9, &kv("meta", &message(|v| bytes(v, 6, &message(|l| bytes(l, 1, &kv("k", &text("v"))))))));
            if i % 10 == 5 {
                bytes(
                    m,
                    11,
                    &message(|e| ((key(e, 1, 1), e.extend_from_slice(&start.to_le_bytes())), bytes(e, 2, b"retry"))),
                );
                bytes(m, 13, &message(|l| (bytes(l, 1, &[7; 16]), bytes(l, 2, &[8; 8]))));
            }
            if i % 50 == 7 {
                bytes(m, 15, &message(|s| (bytes(s, 2, b"timeout"), (key(s, 3, 0), varint(s, 2)))));
            }
        });
        bytes(&mut scope, 2, &span);
    }
    let resource = message(|m| bytes(m, 1, &kv("service.name", &text("canopy-warm-up"))));
    let entry = message(|m| (bytes(m, 1, &resource), bytes(m, 2, &scope)));
    message(|m| bytes(m, 1, &entry))
}

fn message<T>(write: impl FnOnce(&mut Vec<u8>) -> T) -> Vec<u8> {
    let mut m = Vec::new();
    write(&mut m);
    m
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn key(out: &mut Vec<u8>, field: u64, wire: u64) {
    varint(out, field << 3 | wire);
}

fn bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    key(out, field, 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    /// The sample imports through the streaming reader into what it is meant to exercise: every
    /// kind, messages, documents, tool names, usage, an error and a tree.
    #[test]
    fn the_sample_imports_as_a_trace_of_every_common_shape() {
        let doc = sample(SPANS);
        assert!(!doc.contains('$'), "a marker left unreplaced");
        let mut stream = crate::import::Stream::new("warm-up");
        for piece in doc.as_bytes().chunks(64 * 1024) {
            stream.push(piece).unwrap();
        }
        let loaded = stream.finish().unwrap();
        assert!(loaded.set.warnings.is_empty(), "{:?}", loaded.set.warnings);
        assert_eq!(loaded.set.traces.len(), 1);
        let t = &loaded.set.traces[0];
        assert_eq!(t.observations.len(), SPANS);
        let count = |k: Kind| t.observations.iter().filter(|o| o.kind == k).count();
        for k in [Kind::Agent, Kind::Chain, Kind::Generation, Kind::Tool, Kind::Retriever] {
            assert!(count(k) > 0, "{k:?}");
        }
        let llm: Vec<_> = t.observations.iter().filter(|o| o.kind == Kind::Generation).collect();
        assert!(llm.iter().all(|o| o.input.is_some() && o.output.is_some() && o.usage.total_tokens() > 0));
        assert!(llm.iter().any(|o| o.model.as_deref() == Some("claude-sonnet")));
        let first = llm[0].input.as_ref().unwrap().raw();
        assert!(first.contains(r#""role":"system""#) && first.contains(r#""role":"user""#), "{first}");
        // escapes arrive unescaped and are written escaped again
        assert!(llm.iter().any(|o| o
            .input
            .as_ref()
            .unwrap()
            .raw()
            .contains(r#"\"login fails after reset\" — customer"#)));
        assert!(t.observations.iter().filter(|o| o.kind == Kind::Retriever).all(|o| o.documents.len() == 3));
        assert!(t.observations.iter().any(|o| o.tool_name.as_deref() == Some("lookup_ticket")));
        assert!(t.observations.iter().any(|o| o.level == crate::model::Level::Error));
        assert_eq!(t.tree.roots.len(), 1);
    }

    /// The binary sample opens through the streaming reader, every span with its attributes.
    #[test]
    fn the_protobuf_sample_imports_every_span() {
        let doc = protobuf_sample(PROTOBUF_SPANS);
        let mut stream = crate::import::Stream::new("warm-up.pb");
        for piece in doc.chunks(4 * 1024) {
            stream.push(piece).unwrap();
        }
        let loaded = stream.finish().unwrap();
        assert_eq!(loaded.format, crate::import::Format::OtlpProtobuf);
        assert!(loaded.set.warnings.is_empty(), "{:?}", loaded.set.warnings);
        let t = &loaded.set.traces[0];
        assert_eq!((loaded.set.traces.len(), t.observations.len(), t.tree.roots.len()), (1, PROTOBUF_SPANS, 1));
        assert!(t.observations.iter().any(|o| o.level == crate::model::Level::Error));
        let o = &t.observations[1];
        assert_eq!((o.kind, o.model.as_deref()), (Kind::Generation, Some("claude-sonnet")));
        assert!(o.attribute("tags").is_some() && o.attribute("meta").is_some() && o.attribute("cached").is_some());
    }
}
