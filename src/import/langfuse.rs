//! Langfuse: the UI's `{trace, observations}` export and the API's `GET /api/public/traces/{id}` response.

use super::wire::{iso_ns, FlexFloat};
use super::{shape_error, Format, ImportError};
use crate::model::{
    AttrValue, Attribute, Cost, Kind, Level, Observation, Payload, Score, ScoreValue, Trace,
    TraceSet, Usage,
};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Deserialize)]
struct Export<'a> {
    #[serde(borrow)]
    trace: Option<WireTrace<'a>>,
    observations: Option<ObsList>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTrace<'a> {
    id: Option<String>,
    name: Option<String>,
    timestamp: Option<String>,
    session_id: Option<String>,
    user_id: Option<String>,
    tags: Option<Vec<String>>,
    release: Option<String>,
    version: Option<String>,
    environment: Option<String>,
    input: Option<Box<RawValue>>,
    output: Option<Box<RawValue>>,
    metadata: Option<Box<RawValue>>,
    /// Full observations (API) or only their ids (list endpoints); the export repeats the top-level list.
    #[serde(borrow)]
    observations: Option<&'a RawValue>,
    scores: Option<Vec<WireScore>>,
    corrections: Option<Vec<WireScore>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireObs {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    completion_start_time: Option<String>,
    parent_observation_id: Option<String>,
    level: Option<String>,
    status_message: Option<String>,
    version: Option<String>,
    environment: Option<String>,
    input: Option<Box<RawValue>>,
    output: Option<Box<RawValue>>,
    metadata: Option<Box<RawValue>>,
    model: Option<String>,
    model_parameters: Option<Box<RawValue>>,
    usage_details: Option<BTreeMap<String, FlexFloat>>,
    cost_details: Option<BTreeMap<String, FlexFloat>>,
    /// Legacy usage object: `{input, output, total, unit}`.
    usage: Option<BTreeMap<String, Option<Box<RawValue>>>>,
    prompt_tokens: Option<FlexFloat>,
    completion_tokens: Option<FlexFloat>,
    total_tokens: Option<FlexFloat>,
    total_cost: Option<FlexFloat>,
    calculated_total_cost: Option<FlexFloat>,
    prompt_name: Option<String>,
    prompt_version: Option<FlexFloat>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireScore {
    id: Option<String>,
    name: Option<String>,
    value: Option<Box<RawValue>>,
    string_value: Option<String>,
    long_string_value: Option<String>,
    data_type: Option<String>,
    source: Option<String>,
    comment: Option<String>,
    trace_id: Option<String>,
    observation_id: Option<String>,
    session_id: Option<String>,
    timestamp: Option<String>,
}

/// A list of observations where entries may be full objects or bare ids; ids are skipped
/// without buffering anything.
struct ObsList(Vec<WireObs>);

impl<'de> Deserialize<'de> for ObsList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListV;
        impl<'de> Visitor<'de> for ListV {
            type Value = ObsList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of observations")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ObsList, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<MaybeObs>()? {
                    if let Some(o) = item.0 {
                        out.push(o);
                    }
                }
                Ok(ObsList(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ObsList, E> {
                Ok(ObsList(Vec::new()))
            }
        }
        d.deserialize_any(ListV)
    }
}

struct MaybeObs(Option<WireObs>);

impl<'de> Deserialize<'de> for MaybeObs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeObs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an observation object or id")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<MaybeObs, E> {
                Ok(MaybeObs(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MaybeObs, A::Error> {
                WireObs::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|o| MaybeObs(Some(o)))
            }
        }
        d.deserialize_any(V)
    }
}

pub fn import(file: &str, body: &[u8], format: Format) -> Result<TraceSet, ImportError> {
    let (trace, observations) = match format {
        Format::LangfuseApiTrace => {
            let t: WireTrace = serde_json::from_slice(body).map_err(|e| shape_error(format, &e))?;
            (t, None)
        }
        _ => {
            let e: Export = serde_json::from_slice(body).map_err(|e| shape_error(format, &e))?;
            match e.trace {
                Some(t) => (t, e.observations.map(|l| l.0)),
                None => return Err(ImportError::NoTraces(format.label())),
            }
        }
    };
    let observations = match observations {
        Some(list) => list,
        None => match trace.observations {
            Some(raw) => {
                serde_json::from_str::<ObsList>(raw.get())
                    .map_err(|e| shape_error(format, &e))?
                    .0
            }
            None => Vec::new(),
        },
    };
    let mut set = TraceSet::default();
    let trace_id = trace.id.clone().unwrap_or_else(|| "(no id)".to_string());
    let obs: Vec<Observation> = observations
        .into_iter()
        .enumerate()
        .map(|(i, o)| observation(o, i))
        .collect();
    let mut t = Trace::build(trace_id.clone(), obs, file, &mut set.warnings);
    if let Some(ts) = iso_ns(trace.timestamp.as_deref()) {
        t.start_ns = ts;
    }
    t.name = trace.name;
    t.session_id = trace.session_id;
    t.user_id = trace.user_id;
    t.tags = trace.tags.unwrap_or_default();
    t.input = trace.input.map(Payload::from_raw).filter(|p| !p.is_null());
    t.output = trace.output.map(Payload::from_raw).filter(|p| !p.is_null());
    for (k, v) in [
        ("release", trace.release),
        ("version", trace.version),
        ("environment", trace.environment),
    ] {
        if let Some(v) = v {
            t.attributes.push(Attribute {
                key: k.into(),
                value: AttrValue::Str(v),
            });
        }
    }
    if let Some(m) = trace
        .metadata
        .map(Payload::from_raw)
        .filter(|p| !p.is_empty_value())
    {
        t.attributes.push(Attribute {
            key: "metadata".into(),
            value: AttrValue::Json(m),
        });
    }
    for s in trace
        .scores
        .into_iter()
        .flatten()
        .chain(trace.corrections.into_iter().flatten())
    {
        if let Some(score) = score(s, &trace_id) {
            set.scores.push(score);
        }
    }
    set.traces.push(t);
    Ok(set)
}

fn observation(o: WireObs, index: usize) -> Observation {
    let kind_name = o.kind.unwrap_or_default();
    let kind = Kind::from_name(&kind_name).unwrap_or(Kind::Span);
    let id = o.id.unwrap_or_else(|| format!("(no id #{index})"));
    let start_ns = iso_ns(o.start_time.as_deref()).unwrap_or(0);
    let mut ob = Observation::new(id, kind, o.name.unwrap_or_default(), start_ns);
    ob.parent_id = o.parent_observation_id.filter(|p| !p.is_empty());
    ob.end_ns = iso_ns(o.end_time.as_deref());
    ob.completion_start_ns = iso_ns(o.completion_start_time.as_deref());
    ob.level = o
        .level
        .as_deref()
        .and_then(Level::from_name)
        .unwrap_or_default();
    ob.status_message = o.status_message.filter(|m| !m.is_empty());
    ob.input = o.input.map(Payload::from_raw).filter(|p| !p.is_null());
    ob.output = o.output.map(Payload::from_raw).filter(|p| !p.is_null());
    ob.model = o.model.filter(|m| !m.is_empty());
    ob.model_parameters = o
        .model_parameters
        .map(Payload::from_raw)
        .filter(|p| !p.is_empty_value());
    ob.usage = usage(
        o.usage_details,
        o.usage,
        o.prompt_tokens,
        o.completion_tokens,
        o.total_tokens,
    );
    ob.cost = cost(o.cost_details, o.total_cost, o.calculated_total_cost);
    if Kind::from_name(&kind_name).is_none() && !kind_name.is_empty() {
        ob.attributes.push(Attribute {
            key: "langfuse.type".into(),
            value: AttrValue::Str(kind_name),
        });
    }
    for (k, v) in [
        ("version", o.version),
        ("environment", o.environment),
        ("prompt.name", o.prompt_name),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            ob.attributes.push(Attribute {
                key: k.into(),
                value: AttrValue::Str(v),
            });
        }
    }
    if let Some(v) = o.prompt_version.and_then(|v| v.0) {
        ob.attributes.push(Attribute {
            key: "prompt.version".into(),
            value: AttrValue::Float(v),
        });
    }
    if let Some(m) = o
        .metadata
        .map(Payload::from_raw)
        .filter(|p| !p.is_empty_value())
    {
        ob.attributes.push(Attribute {
            key: "metadata".into(),
            value: AttrValue::Json(m),
        });
    }
    ob
}

fn count(v: f64) -> Option<u64> {
    (v.is_finite() && v >= 0.0).then_some(v.round() as u64)
}

fn usage(
    details: Option<BTreeMap<String, FlexFloat>>,
    legacy: Option<BTreeMap<String, Option<Box<RawValue>>>>,
    prompt: Option<FlexFloat>,
    completion: Option<FlexFloat>,
    total: Option<FlexFloat>,
) -> Usage {
    let mut u = Usage::default();
    for (k, v) in details.unwrap_or_default() {
        let Some(n) = v.0.and_then(count) else {
            continue;
        };
        match k.as_str() {
            "input" | "prompt_tokens" | "promptTokens" => u.input = Some(n),
            "output" | "completion_tokens" | "completionTokens" => u.output = Some(n),
            "total" | "total_tokens" | "totalTokens" => u.total = Some(n),
            _ => u.details.push((k, n)),
        }
    }
    if u.is_empty() {
        let legacy = legacy.unwrap_or_default();
        let get = |k: &str| {
            legacy
                .get(k)
                .and_then(|v| v.as_ref())
                .and_then(|r| r.get().parse::<f64>().ok())
                .and_then(count)
        };
        let unit_is_tokens = legacy
            .get("unit")
            .and_then(|v| v.as_ref())
            .is_none_or(|r| r.get().trim_matches('"').eq_ignore_ascii_case("TOKENS"));
        if unit_is_tokens {
            u.input = get("input").or_else(|| prompt.and_then(|p| p.0).and_then(count));
            u.output = get("output").or_else(|| completion.and_then(|p| p.0).and_then(count));
            u.total = get("total").or_else(|| total.and_then(|p| p.0).and_then(count));
        }
    }
    // Langfuse writes zeros for observations without usage; keep "no usage" distinct from "0 tokens".
    if u.total.unwrap_or(0) == 0
        && u.input.unwrap_or(0) == 0
        && u.output.unwrap_or(0) == 0
        && u.details.iter().all(|d| d.1 == 0)
    {
        return Usage::default();
    }
    u
}

fn cost(
    details: Option<BTreeMap<String, FlexFloat>>,
    total: Option<FlexFloat>,
    calculated: Option<FlexFloat>,
) -> Cost {
    let mut c = Cost::default();
    for (k, v) in details.unwrap_or_default() {
        let Some(x) = v.0.filter(|x| x.is_finite()) else {
            continue;
        };
        if k == "total" {
            c.total = Some(x);
        } else {
            c.details.push((k, x));
        }
    }
    if c.total.is_none() {
        c.total = total
            .and_then(|t| t.0)
            .or_else(|| calculated.and_then(|t| t.0))
            .filter(|t| *t != 0.0);
        if c.total.is_none() && !c.details.is_empty() {
            c.total = Some(c.details.iter().map(|d| d.1).sum());
        }
    }
    c
}

fn score(s: WireScore, trace_id: &str) -> Option<Score> {
    let name = s.name?;
    let data_type = s
        .data_type
        .as_deref()
        .unwrap_or("NUMERIC")
        .to_ascii_uppercase();
    let raw = s.value.as_ref().map(|r| r.get().trim().to_string());
    let num = raw.as_deref().and_then(|r| r.parse::<f64>().ok());
    let text = s.string_value.clone().or_else(|| {
        raw.as_deref()
            .and_then(|r| serde_json::from_str::<String>(r).ok())
    });
    let value = match data_type.as_str() {
        "CORRECTION" => {
            ScoreValue::Text(s.long_string_value.or(s.string_value).unwrap_or_default())
        }
        "BOOLEAN" => ScoreValue::Boolean(
            num.map(|n| n != 0.0)
                .or_else(|| text.as_deref().map(|t| t.eq_ignore_ascii_case("true")))?,
        ),
        "CATEGORICAL" => ScoreValue::Categorical(text.or_else(|| num.map(|n| n.to_string()))?),
        _ => match num {
            Some(n) => ScoreValue::Numeric(n),
            None => ScoreValue::Categorical(text?),
        },
    };
    Some(Score {
        id: s.id.unwrap_or_default(),
        name,
        value,
        source: s.source,
        comment: s.comment.filter(|c| !c.is_empty()),
        trace_id: s.trace_id.or_else(|| Some(trace_id.to_string())),
        observation_id: s.observation_id,
        session_id: s.session_id,
        time_ns: iso_ns(s.timestamp.as_deref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_trace_with_id_only_observations_and_object_payloads() {
        let body = br#"{"id":"t1","timestamp":"2024-01-01T00:00:00Z","name":"api","input":{"q":"hi"},
            "observations":["o1"],"scores":[{"id":"s","name":"ok","value":1,"dataType":"BOOLEAN"}]}"#;
        let set = import("f.json", body, Format::LangfuseApiTrace).unwrap();
        assert_eq!(set.traces.len(), 1);
        assert_eq!(set.traces[0].observations.len(), 0);
        assert_eq!(set.traces[0].input.as_ref().unwrap().raw(), r#"{"q":"hi"}"#);
        assert_eq!(set.scores[0].value, ScoreValue::Boolean(true));
    }

    #[test]
    fn legacy_usage_fields_are_read() {
        let body = br#"{"trace":{"id":"t"},"observations":[{"id":"g","type":"GENERATION","startTime":"2024-01-01T00:00:00Z",
            "usage":{"input":3,"output":4,"total":7,"unit":"TOKENS"},"calculatedTotalCost":0.5}]}"#;
        let set = import("f.json", body, Format::LangfuseExport).unwrap();
        let o = &set.traces[0].observations[0];
        assert_eq!(
            (o.usage.input, o.usage.output, o.usage.total),
            (Some(3), Some(4), Some(7))
        );
        assert_eq!(o.cost.total, Some(0.5));
        assert_eq!(o.end_ns, None, "no end time means in progress");
    }

    #[test]
    fn categorical_scores_keep_their_label() {
        let body = br#"{"trace":{"id":"t","scores":[{"name":"helpfulness","value":null,"stringValue":"unhelpful","dataType":"CATEGORICAL","observationId":"o"}]},"observations":[]}"#;
        let set = import("f.json", body, Format::LangfuseExport).unwrap();
        assert_eq!(
            set.scores[0].value,
            ScoreValue::Categorical("unhelpful".into())
        );
        assert_eq!(set.scores[0].observation_id.as_deref(), Some("o"));
        assert_eq!(set.scores[0].trace_id.as_deref(), Some("t"));
    }
}
