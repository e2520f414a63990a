//! Langfuse's own `langfuse.*` attributes: checked against the
//! [Langfuse OpenTelemetry property mapping](https://langfuse.com/integrations/native/opentelemetry)
//! and the keys of `LangfuseOtelSpanAttributes` in the Langfuse JS SDK 4.2.0 (`@langfuse/tracing`),
//! which the Python SDK 3 writes alike.
//!
//! | key | becomes |
//! |---|---|
//! | `langfuse.observation.type` (`GENERATION`, `TOOL`…) | kind, by name |
//! | `langfuse.observation.model.name` | model |
//! | `langfuse.observation.usage_details` (JSON: `input`, `output`, `total`, others) | usage, where no other convention gave any |
//! | `langfuse.observation.cost_details` (JSON: `total`, others) | cost, where no other convention gave a total (the total is the details' sum if not given) |
//! | `langfuse.observation.input`, `langfuse.observation.output` | input, output |
//! | `langfuse.observation.model.parameters` | model parameters |
//! | `langfuse.observation.level` | level (an error status stays an error) |
//! | `langfuse.observation.status_message` | status message |
//! | `langfuse.observation.completion_start_time` (RFC 3339) | completion start |
//! | `langfuse.trace.name`, `langfuse.session.id`, `langfuse.user.id`, `langfuse.trace.tags` | the trace's name, session, user, tags |

use super::found::{Field, Found, Input, KindName, Model, Output, Parameters, SessionId, Tags, UserId};
use super::span::{Span, LANGFUSE};
use crate::model::time::parse_rfc3339_ns;
use crate::model::{Cost, Level, Usage};
use std::collections::BTreeMap;

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
}

/// A JSON object of numbers in an attribute, by key.
fn numbers(s: &Span, key: &str) -> Option<BTreeMap<String, f64>> {
    s.text(key).and_then(|text| serde_json::from_str(&text).ok())
}

/// `usage_details` as usage (counts rounded, negatives as 0).
fn usage(s: &Span) -> Usage {
    let mut usage = Usage::default();
    for (k, v) in numbers(s, "langfuse.observation.usage_details").unwrap_or_default() {
        let n = v.max(0.0).round() as u64;
        match k.as_str() {
            "input" => usage.input = Some(n),
            "output" => usage.output = Some(n),
            "total" => usage.total = Some(n),
            _ => usage.details.push((k, n)),
        }
    }
    usage
}

/// `cost_details` added to `cost`: its total, or else the sum of all details.
fn add_cost(s: &Span, cost: &mut Cost) {
    let Some(map) = numbers(s, "langfuse.observation.cost_details") else { return };
    for (k, v) in map {
        if k == "total" {
            cost.total = Some(v);
        } else {
            cost.details.push((k, v));
        }
    }
    if cost.total.is_none() && !cost.details.is_empty() {
        cost.total = Some(cost.details.iter().map(|d| d.1).sum());
    }
}
