//! A small made-up OTLP trace for the page to import once while idle, before any real file.
//!
//! Why: Chromium first runs wasm with its baseline compiler and compiles the hot functions again,
//! optimized, only once they have run a while. A first file of 100,000 spans paid for that while
//! it loaded (250–400 ms, BENCHMARKS.md). A few hundred spans of every common shape, imported
//! after the empty app is painted, get that done while the user is still choosing a file.

use std::fmt::Write;

/// The spans of the sample, in a tree of the kinds a real agent trace has: an agent root, then
/// chains, LLM calls (OpenInference and GenAI conventions), tools and retrievers.
pub const SPANS: usize = 600;

/// Texts with escapes and non-ASCII, so that the string paths with escapes get used too.
const TEXTS: [&str; 3] = [
    r#"Summarise the ticket below.\n\nTicket: \"login fails after reset\" — customer on plan Team, 12 seats."#,
    r#"The user cannot sign in since the password reset; the token expired before the e-mail arrived. Suggested fix: resend."#,
    r#"{\"ticket\": 4711, \"status\": \"open\", \"tags\": [\"auth\", \"é\"], \"priority\": 2}"#,
];

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
        span(&mut out, i);
    }
    out.push_str("]}]}]}");
    out
}

fn span(out: &mut String, i: usize) {
    let kind = if i == 0 { "AGENT" } else { ["CHAIN", "LLM", "TOOL", "RETRIEVER", "LLM"][i % 5] };
    let text = TEXTS[i % TEXTS.len()];
    let start = 1_700_000_000_000_000_000u64 + i as u64 * 1_000_000;
    let _ = write!(
        out,
        r#"{{"traceId":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","spanId":"{:016x}","name":"{}-{i}","kind":{},"startTimeUnixNano":"{start}","endTimeUnixNano":"{}","#,
        i + 1,
        kind.to_ascii_lowercase(),
        1 + i % 3,
        start + 3_000_000 + (i as u64 % 7) * 1_000_000,
    );
    if i > 0 {
        let _ = write!(out, r#""parentSpanId":"{:016x}","#, (i - 1) / 6 + 1);
    }
    out.push_str(r#""attributes":["#);
    let mut attrs = Attrs { out, first: true };
    attrs.string("openinference.span.kind", kind);
    match kind {
        "LLM" if i % 10 == 4 => {
            // the GenAI conventions' names for the same call
            attrs.string("gen_ai.operation.name", "chat");
            attrs.string("gen_ai.request.model", "claude-sonnet");
            attrs.int("gen_ai.usage.input_tokens", 300 + i % 200);
            attrs.int("gen_ai.usage.output_tokens", 40 + i % 60);
            attrs.string("gen_ai.prompt.0.role", "user");
            attrs.string("gen_ai.prompt.0.content", text);
            attrs.string("gen_ai.completion.0.role", "assistant");
            attrs.string("gen_ai.completion.0.content", TEXTS[1]);
            attrs.double("gen_ai.request.temperature", 0.3);
        }
        "LLM" => {
            attrs.string("llm.model_name", "gpt-4o-mini");
            attrs.int("llm.token_count.prompt", 120 + i % 800);
            attrs.int("llm.token_count.completion", 20 + i % 80);
            attrs.int("llm.token_count.total", 140 + i % 800 + i % 80);
            attrs.double("llm.cost.total", 0.0004);
            attrs.string("llm.input_messages.0.message.role", "system");
            attrs.string("llm.input_messages.0.message.content", TEXTS[1]);
            attrs.string("llm.input_messages.1.message.role", "user");
            attrs.string("llm.input_messages.1.message.content", text);
            attrs.string("llm.output_messages.0.message.role", "assistant");
            attrs.string("llm.output_messages.0.message.content", TEXTS[(i + 1) % TEXTS.len()]);
            attrs.string("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", "lookup_ticket");
            attrs.string("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", TEXTS[2]);
            attrs.string("llm.invocation_parameters", r#"{\"temperature\": 0.2, \"max_tokens\": 512}"#);
        }
        "TOOL" => {
            attrs.string("tool.name", "lookup_ticket");
            attrs.string(
                "tool.parameters",
                r#"{\"type\": \"object\", \"properties\": {\"ticket\": {\"type\": \"integer\"}}}"#,
            );
            attrs.string("input.value", r#"{\"ticket\": 4711}"#);
            attrs.string("input.mime_type", "application/json");
            attrs.string("output.value", TEXTS[2]);
            attrs.string("output.mime_type", "application/json");
        }
        "RETRIEVER" => {
            attrs.string("input.value", "tickets about password resets");
            for (d, content) in TEXTS.iter().enumerate() {
                attrs.string(&format!("retrieval.documents.{d}.document.id"), &format!("kb-{}", i * 3 + d));
                attrs.double(&format!("retrieval.documents.{d}.document.score"), 0.9 - d as f64 * 0.2);
                attrs.string(&format!("retrieval.documents.{d}.document.content"), content);
            }
        }
        _ => {
            attrs.string("input.value", text);
            attrs.string("output.value", TEXTS[1]);
            attrs.string("session.id", "warm-up-session");
            attrs.bool("canopy.warm_up", true);
        }
    }
    out.push(']');
    if i % 50 == 7 {
        out.push_str(r#","events":[{"timeUnixNano":""#);
        let _ = write!(out, "{}", start + 1_000_000);
        out.push_str(
            r#"","name":"exception","attributes":[{"key":"exception.type","value":{"stringValue":"TimeoutError"}},{"key":"exception.message","value":{"stringValue":"tool took too long"}}]}],"status":{"code":2,"message":"tool took too long"}}"#,
        );
    } else {
        out.push_str(r#","status":{}}"#);
    }
}

/// Writes `{"key":…,"value":{…}}` entries, commas between them.
struct Attrs<'o> {
    out: &'o mut String,
    first: bool,
}

impl Attrs<'_> {
    /// `value` is already JSON-escaped (the texts above are written that way).
    fn string(&mut self, key: &str, value: &str) {
        self.entry(key, "stringValue", &format!("\"{value}\""));
    }
    fn int(&mut self, key: &str, value: usize) {
        self.entry(key, "intValue", &format!("\"{value}\""));
    }
    fn double(&mut self, key: &str, value: f64) {
        self.entry(key, "doubleValue", &format!("{value}"));
    }
    fn bool(&mut self, key: &str, value: bool) {
        self.entry(key, "boolValue", &format!("{value}"));
    }
    fn entry(&mut self, key: &str, field: &str, json: &str) {
        if !std::mem::take(&mut self.first) {
            self.out.push(',');
        }
        let _ = write!(self.out, r#"{{"key":"{key}","value":{{"{field}":{json}}}}}"#);
    }
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
}
