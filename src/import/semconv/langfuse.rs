//! Langfuse's own `langfuse.*` attributes: checked against the
//! [Langfuse OpenTelemetry property mapping](https://langfuse.com/integrations/native/opentelemetry),
//! `LangfuseOtelSpanAttributes` of the Langfuse Python SDK 3.15.0 (`langfuse/_client/attributes.py`,
//! read from its source) and the JS SDK 4.2.0 (`@langfuse/tracing`), which write the same keys.
//! Objects are written as JSON strings (`json.dumps`), metadata flattened one key per attribute.
//!
//! | key | becomes |
//! |---|---|
//! | `langfuse.observation.type` (`generation`, `embedding`, `agent`, `tool`, `chain`, `retriever`, `evaluator`, `guardrail`, `event`, `span`) | kind, by name |
//! | `langfuse.observation.model.name` | model |
//! | `langfuse.observation.usage_details` (JSON) | usage, where no other convention gave any: see `usage_of` |
//! | `langfuse.observation.cost_details` (JSON: `total`, others) | cost, where no other convention gave a total (the total is the details' sum if not given) |
//! | `langfuse.observation.input`, `langfuse.observation.output` | input, output |
//! | `langfuse.observation.model.parameters` | model parameters |
//! | `langfuse.observation.level` | level (an error status stays an error) |
//! | `langfuse.observation.status_message` | status message |
//! | `langfuse.observation.completion_start_time` (RFC 3339, maybe JSON-quoted) | completion start |
//! | `langfuse.observation.metadata.*`, `.prompt.*`, `langfuse.environment`, `.release`, `.version` | kept as attributes |
//! | `langfuse.trace.name` | the trace's name |
//! | `langfuse.trace.input`, `langfuse.trace.output` | the trace's own input and output |
//! | `langfuse.trace.tags` | the trace's tags |
//! | `langfuse.trace.public`, `langfuse.trace.metadata.*` | the trace's attributes (moved from the span) |
//! | `langfuse.session.id`, `langfuse.user.id` (the SDKs write `session.id`, `user.id`, read by `openinference`) | the trace's session, user |

use super::found::{Field, Found, Input, KindName, Model, Output, Parameters, SessionId, Tags, UserId};
use super::span::{Span, LANGFUSE};
use crate::model::time::parse_rfc3339_ns;
use crate::model::{Cost, Level, Usage};
use serde_json::{Map, Value};

/// The attributes read whole, and the field each is offered to.
const KEYS: [(&str, Field); 8] = [
    ("langfuse.observation.type", Field::KindName(KindName::Langfuse)),
    ("langfuse.observation.model.name", Field::Model(Model::Langfuse)),
    ("langfuse.observation.input", Field::Input(Input::Langfuse)),
    ("langfuse.observation.output", Field::Output(Output::Langfuse)),
    ("langfuse.observation.model.parameters", Field::Parameters(Parameters::Langfuse)),
    ("langfuse.session.id", Field::SessionId(SessionId::Langfuse)),
    ("langfuse.user.id", Field::UserId(UserId::Langfuse)),
    ("langfuse.trace.tags", Field::Tags(Tags::Langfuse)),
];

pub(super) fn read(s: &Span, f: &mut Found) {
    if !s.has_prefix(LANGFUSE) {
        return;
    }
    f.offer_keys(s, &KEYS);
    f.usage_fallback = Some(usage);
    f.cost_fallback = Some(add_cost);
    f.level = s.text("langfuse.observation.level").and_then(|l| Level::from_name(&l));
    f.status = s.text("langfuse.observation.status_message");
    f.completion_start_ns =
        s.text("langfuse.observation.completion_start_time").and_then(|t| parse_rfc3339_ns(t.trim_matches('"')));
    f.trace_name = s.text("langfuse.trace.name");
    f.trace_input = s.find("langfuse.trace.input");
    f.trace_output = s.find("langfuse.trace.output");
    // (most keys do not start with the prefix's first byte)
    for (i, a) in s.attrs.iter().enumerate().filter(|(_, a)| a.key.as_bytes().first() == Some(&b'l')) {
        if a.key == "langfuse.trace.public" || a.key.starts_with("langfuse.trace.metadata") {
            f.trace_attributes.push(i);
        }
    }
}

/// A JSON object in an attribute.
fn object(s: &Span, key: &str) -> Option<Map<String, Value>> {
    s.text(key).and_then(|text| serde_json::from_str(&text).ok())
}

/// A count: a number (rounded, negatives as 0) or a number written as text.
fn count(v: &Value) -> Option<u64> {
    let x = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(t) => crate::model::units::parse_f64(t)?,
        _ => return None,
    };
    x.is_finite().then(|| x.max(0.0).round() as u64)
}

fn usage(s: &Span) -> Usage {
    object(s, "langfuse.observation.usage_details").map(usage_of).unwrap_or_default()
}

/// `usage_details` as Langfuse's ingestion reads it. The SDKs pass on what the provider returned:
/// its own keys (`input`, `output`, `total`, any other usage type such as `input_cache_read`),
/// OpenAI's chat usage (`prompt_tokens`, `completion_tokens`, `total_tokens` and nested
/// `prompt_tokens_details`/`completion_tokens_details`: the Python SDK's OpenAI integration) or
/// its Responses usage (`input_tokens`, `output_tokens`, `input_tokens_details`…). Nested details
/// become `input_<key>`/`output_<key>` and are taken out of the input or output they are part of;
/// with no total given the total is the sum of every usage type, as Langfuse computes it (an
/// `input_cache_read` of 43,014 beside `output` 28 is a total of 43,042, not 28).
pub(super) fn usage_of(map: Map<String, Value>) -> Usage {
    let mut u = Usage::default();
    // (side, count) of nested details, taken out of their side once both sides are known
    let mut nested: Vec<(bool, u64)> = Vec::new();
    for (k, v) in map {
        if let Value::Object(inner) = v {
            let input_side = match k.as_str() {
                "prompt_tokens_details" | "input_tokens_details" | "input_token_details" => true,
                "completion_tokens_details" | "output_tokens_details" | "output_token_details" => false,
                _ => continue,
            };
            let side = if input_side { "input" } else { "output" };
            for (ik, iv) in inner {
                if let Some(n) = count(&iv) {
                    nested.push((input_side, n));
                    u.details.push((format!("{side}_{ik}"), n));
                }
            }
            continue;
        }
        let Some(n) = count(&v) else { continue };
        match k.as_str() {
            "input" | "prompt_tokens" | "input_tokens" | "promptTokens" | "inputTokens" => u.input = Some(n),
            "output" | "completion_tokens" | "output_tokens" | "completionTokens" | "outputTokens" => {
                u.output = Some(n)
            }
            "total" | "total_tokens" | "totalTokens" => u.total = Some(n),
            _ => u.details.push((k, n)),
        }
    }
    for (input_side, n) in nested {
        let side = if input_side { &mut u.input } else { &mut u.output };
        if let Some(x) = side {
            *x = x.saturating_sub(n);
        }
    }
    // (without other usage types that sum is input + output, the total Canopy assumes anyway)
    if u.total.is_none() && !u.details.is_empty() {
        let all = u.input.iter().chain(&u.output).chain(u.details.iter().map(|d| &d.1));
        u.total = Some(all.fold(0u64, |a, &b| a.saturating_add(b)));
    }
    u
}

/// `cost_details` added to `cost`: its total, or else the sum of all details.
fn add_cost(s: &Span, cost: &mut Cost) {
    let Some(map) = object(s, "langfuse.observation.cost_details") else { return };
    for (k, v) in map {
        let Some(x) = v.as_f64().filter(|x| x.is_finite()) else { continue };
        if k == "total" {
            cost.total = Some(x);
        } else {
            cost.details.push((k, x));
        }
    }
    if cost.total.is_none() && !cost.details.is_empty() {
        cost.total = Some(cost.details.iter().map(|d| d.1).sum());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(json: &str) -> Usage {
        usage_of(serde_json::from_str(json).unwrap())
    }

    /// Each shape the SDKs pass on, with the numbers Langfuse's ingestion shows for it.
    #[test]
    fn usage_details_in_every_shape_the_sdks_write() {
        // OpenAI chat usage as the Python SDK's OpenAI integration writes it: nested details
        // once made the whole object unreadable (no usage at all)
        let chat = of(r#"{"completion_tokens":28,"prompt_tokens":43014,"total_tokens":43042,
            "completion_tokens_details":{"reasoning_tokens":8},"prompt_tokens_details":{"cached_tokens":40960,"audio_tokens":null}}"#);
        assert_eq!((chat.input, chat.output, chat.total), (Some(2054), Some(20), Some(43042)));
        assert_eq!(
            chat.details,
            [("output_reasoning_tokens".to_string(), 8), ("input_cached_tokens".to_string(), 40960)]
        );
        // OpenAI Responses usage
        let responses = of(
            r#"{"input_tokens":100,"output_tokens":5,"total_tokens":105,"input_tokens_details":{"cached_tokens":60}}"#,
        );
        assert_eq!((responses.input, responses.output, responses.total_tokens()), (Some(40), Some(5), 105));
        // Langfuse's own keys with another usage type and no total: the sum of all, as Langfuse
        let own = of(r#"{"input":0,"output":28,"input_cache_read":43014}"#);
        assert_eq!((own.total_tokens(), own.details.len()), (43042, 1));
        // without other usage types the total stays input + output, unset as before
        let plain = of(r#"{"input":"12","output":3.4,"odd":"x","neg":-2}"#);
        assert_eq!((plain.input, plain.output, plain.total), (Some(12), Some(3), Some(15)));
        assert_eq!(of(r#"{"input":5,"output":1}"#).total, None);
        assert!(of("{}").is_empty());
    }
}
