//! Langfuse: the UI's `{trace, observations}` export and the API's `GET /api/public/traces/{id}` response.

use super::jsonv;
use super::wire::{iso_ns, FlexFloat};
use super::{shape_error, Format, ImportError};
use crate::model::units::parse_f64;
use crate::model::warning::PagedService;
use crate::model::{
    AttrValue, Attribute, Cost, Kind, Level, Observation, Payload, Score, ScoreValue, Trace, TraceSet, Usage,
};
use crate::model::{Warning, WarningKind};
use serde_json::value::RawValue;
use shapes::{
    export, list_of, objects_or_ids, obs, page, page_meta, session, trace, wire_score, PageMeta, WireObs, WireScore,
    WireTrace,
};
use std::collections::{BTreeMap, HashMap};

mod shapes;

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    let parse_err = |e: serde_json::Error| shape_error(format, &e);
    let mut set = TraceSet::default();
    match format {
        Format::LangfuseApiTrace => {
            let t = trace(body).map_err(parse_err)?;
            add_trace(&mut set, file, t, None, format)?;
        }
        Format::LangfuseTraces => {
            let page = page(body, trace).map_err(parse_err)?;
            note_more_pages(&mut set, file, page.meta.as_ref());
            for t in page.data.unwrap_or_default() {
                add_trace(&mut set, file, t, None, format)?;
            }
        }
        Format::LangfuseSession => {
            let s = session(body).map_err(parse_err)?;
            for mut t in s.traces.unwrap_or_default() {
                t.session_id = t.session_id.or_else(|| s.id.clone());
                add_trace(&mut set, file, t, None, format)?;
            }
        }
        Format::LangfuseObservations => {
            // observations of any number of traces; the traces' own fields are not in this response
            let page = page(body, obs).map_err(parse_err)?;
            note_more_pages(&mut set, file, page.meta.as_ref());
            let mut order: Vec<String> = Vec::new();
            let mut groups: std::collections::HashMap<String, Vec<WireObs>> = std::collections::HashMap::new();
            for o in page.data.unwrap_or_default() {
                let tid = o.trace_id.clone().unwrap_or_default();
                groups.entry(tid.clone()).or_insert_with(|| {
                    order.push(tid.clone());
                    Vec::new()
                });
                if let Some(g) = groups.get_mut(&tid) {
                    g.push(o);
                }
            }
            for tid in order {
                let obs = groups.remove(&tid).unwrap_or_default();
                let user = obs.iter().find_map(|o| o.user_id.clone());
                let session = obs.iter().find_map(|o| o.session_id.clone());
                let obs: Vec<Observation> = obs.into_iter().enumerate().map(|(i, o)| observation(o, i)).collect();
                let mut t = Trace::build(tid, obs, file, &mut set.warnings);
                t.user_id = user;
                t.session_id = session;
                set.traces.push(t);
            }
        }
        Format::LangfuseScores => {
            set.scores = scores(file, body, &mut set.warnings).map_err(parse_err)?;
        }
        _ => {
            let e = export(body).map_err(parse_err)?;
            match e.trace {
                Some(t) => add_trace(&mut set, file, t, e.observations, format)?,
                None => return Err(ImportError::NoTraces(format.label())),
            }
        }
    }
    Ok(set)
}

/// A trace listed without its observations (or none priced) cannot disagree with its platform.
fn obs_empty_or_unpriced(t: &Trace) -> bool {
    t.observations.is_empty() || !t.totals.has_cost
}

fn note_more_pages(set: &mut TraceSet, file: &str, meta: Option<&PageMeta>) {
    let Some(m) = meta else { return };
    let more = m.cursor.as_deref().is_some_and(|c| !c.is_empty())
        || matches!((m.page, m.total_pages), (Some(p), Some(t)) if p < t);
    if more {
        set.warnings.push(Warning::new(file, WarningKind::OnePage { of: PagedService::Langfuse }));
    }
}

/// Adds one trace with its observations (given, or embedded in the trace object) and scores.
fn add_trace(
    set: &mut TraceSet,
    file: &str,
    trace: WireTrace,
    observations: Option<Vec<WireObs>>,
    format: Format,
) -> Result<(), ImportError> {
    let observations = match observations {
        Some(list) => list,
        None => match trace.observations {
            Some(raw) => objects_or_ids(raw, obs).map_err(|e| shape_error(format, &e))?.unwrap_or_default(),
            None => Vec::new(),
        },
    };
    let trace_id = trace.id.clone().unwrap_or_else(|| "(no id)".to_string());
    let obs: Vec<Observation> = observations.into_iter().enumerate().map(|(i, o)| observation(o, i)).collect();
    let mut t = Trace::build(trace_id.clone(), obs, file, &mut set.warnings);
    if let Some(reported) = trace.total_cost.and_then(|c| c.0).filter(|c| c.is_finite()) {
        let computed = t.totals.cost_usd;
        if (reported - computed).abs() > 1e-9 * reported.abs().max(computed.abs()).max(1e-12)
            && !obs_empty_or_unpriced(&t)
        {
            let kind = WarningKind::CostMismatch { trace_id: trace_id.clone(), reported, computed };
            set.warnings.push(Warning::new(file, kind));
        }
        t.reported_cost_usd = Some(reported);
    }
    if let Some(ts) = iso_ns(trace.timestamp.as_deref()) {
        t.start_ns = ts;
    }
    t.name = trace.name;
    t.session_id = trace.session_id;
    t.user_id = trace.user_id;
    t.tags = trace.tags.unwrap_or_default();
    t.input = trace.input.map(Payload::from_raw).filter(|p| !p.is_null());
    t.output = trace.output.map(Payload::from_raw).filter(|p| !p.is_null());
    for (k, v) in [("release", trace.release), ("version", trace.version), ("environment", trace.environment)] {
        if let Some(v) = v {
            t.attributes.push(Attribute { key: k.into(), value: AttrValue::Str(v) });
        }
    }
    if let Some(m) = trace.metadata.map(Payload::from_raw).filter(|p| !p.is_empty_value()) {
        t.attributes.push(Attribute { key: "metadata".into(), value: AttrValue::Json(m) });
    }
    let scores = trace.scores.unwrap_or_default();
    let corrections = trace.corrections.unwrap_or_default();
    for s in scores.into_iter().chain(corrections) {
        if let Some(score) = score(s, Some(&trace_id)) {
            set.scores.push(score);
        }
    }
    set.traces.push(t);
    Ok(())
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
    ob.level = o.level.as_deref().and_then(Level::from_name).unwrap_or_default();
    ob.status_message = o.status_message.filter(|m| !m.is_empty());
    ob.input = o.input.map(Payload::from_raw).filter(|p| !p.is_null());
    ob.output = o.output.map(Payload::from_raw).filter(|p| !p.is_null());
    ob.model = o.model.filter(|m| !m.is_empty());
    ob.model_parameters = o.model_parameters.map(Payload::from_raw).filter(|p| !p.is_empty_value());
    ob.usage = usage(o.usage_details, o.usage, o.prompt_tokens, o.completion_tokens, o.total_tokens);
    ob.cost = cost(o.cost_details, o.total_cost, o.calculated_total_cost);
    if Kind::from_name(&kind_name).is_none() && !kind_name.is_empty() {
        ob.attributes.push(Attribute { key: "langfuse.type".into(), value: AttrValue::Str(kind_name) });
    }
    for (k, v) in [("version", o.version), ("environment", o.environment), ("prompt.name", o.prompt_name)] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            ob.attributes.push(Attribute { key: k.into(), value: AttrValue::Str(v) });
        }
    }
    if let Some(v) = o.prompt_version.and_then(|v| v.0) {
        ob.attributes.push(Attribute { key: "prompt.version".into(), value: AttrValue::Float(v) });
    }
    if let Some(m) = o.metadata.map(Payload::from_raw).filter(|p| !p.is_empty_value()) {
        ob.attributes.push(Attribute { key: "metadata".into(), value: AttrValue::Json(m) });
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
        let get = |k: &str| legacy.get(k).and_then(|v| v.as_ref()).and_then(|r| parse_f64(r.get())).and_then(count);
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

fn cost(details: Option<BTreeMap<String, FlexFloat>>, total: Option<FlexFloat>, calculated: Option<FlexFloat>) -> Cost {
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
        c.total = total.and_then(|t| t.0).or_else(|| calculated.and_then(|t| t.0)).filter(|t| *t != 0.0);
        if c.total.is_none() && !c.details.is_empty() {
            c.total = Some(c.details.iter().map(|d| d.1).sum());
        }
    }
    c
}

/// Scores as the API lists them (`{data, meta}`) and as the SDKs send them: score bodies
/// (`POST /api/public/scores`, one or a list) and ingestion batches (`POST /api/public/ingestion`:
/// its `score-create` events; other events are not scores). The page is read by key, each part
/// raw, rather than through a derived struct per shape (size).
fn scores(file: &str, body: &str, warnings: &mut Vec<Warning>) -> Result<Vec<Score>, serde_json::Error> {
    let wire: Vec<WireScore> = if body.trim_start().starts_with('[') {
        let items: Vec<&RawValue> = serde_json::from_str(body)?;
        items.into_iter().map(|i| wire_score(i.get())).collect::<Result<_, _>>()?
    } else {
        let page: HashMap<String, Box<RawValue>> = serde_json::from_str(body)?;
        let part = |k: &str| page.get(k).filter(|r| r.get().trim() != "null");
        if let Some(batch) = part("batch") {
            let batch: serde_json::Value = serde_json::from_str(batch.get())?;
            // a batch that is not a list has no events
            let events = batch.as_array().map(Vec::as_slice).unwrap_or(&[]);
            let bodies = events.iter().filter(|e| jsonv::str(e, &["type"]) == Some("score-create")).filter_map(|e| {
                let mut s = wire_score(&jsonv::get(e, &["body"])?.to_string()).ok()?;
                s.timestamp = s.timestamp.or_else(|| jsonv::str(e, &["timestamp"]).map(String::from));
                Some(s)
            });
            bodies.collect()
        } else if part("data").is_some() || part("meta").is_some() {
            let meta = match part("meta") {
                Some(m) => page_meta(m)?,
                None => None,
            };
            let mut none = TraceSet::default();
            note_more_pages(&mut none, file, meta.as_ref());
            warnings.append(&mut none.warnings);
            match part("data") {
                Some(data) => list_of(data, wire_score)?.unwrap_or_default(),
                None => Vec::new(),
            }
        } else {
            vec![wire_score(body)?]
        }
    };
    Ok(wire.into_iter().filter_map(|s| score(s, None)).collect())
}

fn score(s: WireScore, trace_id: Option<&str>) -> Option<Score> {
    let name = s.name?;
    let data_type = s.data_type.as_deref().unwrap_or("NUMERIC").to_ascii_uppercase();
    let raw = s.value.as_ref().map(|r| r.get().trim().to_string());
    let num = raw.as_deref().and_then(parse_f64);
    let text = s.string_value.clone().or_else(|| raw.as_deref().and_then(|r| serde_json::from_str::<String>(r).ok()));
    // v3 puts a typed value in `value` (bool, number or string by dataType); v2 splits numeric
    // `value` from `stringValue`, and corrections use `longStringValue`.
    let boolean = match raw.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let value = match data_type.as_str() {
        "CORRECTION" | "TEXT" => ScoreValue::Text(s.long_string_value.or(text).unwrap_or_default()),
        "BOOLEAN" => ScoreValue::Boolean(
            boolean
                .or_else(|| num.map(|n| n != 0.0))
                .or_else(|| text.as_deref().map(|t| t.eq_ignore_ascii_case("true")))?,
        ),
        "CATEGORICAL" => ScoreValue::Categorical(text.or_else(|| num.map(|n| n.to_string()))?),
        _ => match (num, boolean) {
            (Some(n), _) => ScoreValue::Numeric(n),
            (None, Some(b)) => ScoreValue::Boolean(b),
            (None, None) => ScoreValue::Categorical(text?),
        },
    };
    Some(Score {
        id: s.id.unwrap_or_default(),
        name,
        value,
        source: s.source,
        comment: s.comment.filter(|c| !c.is_empty()),
        // a session's score listed with one of its traces stays the session's
        trace_id: s.trace_id.or_else(|| trace_id.filter(|_| s.session_id.is_none()).map(str::to_string)),
        observation_id: s.observation_id,
        session_id: s.session_id,
        time_ns: iso_ns(s.timestamp.as_deref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page that says more follow gives the paging notice as its own kind, worded as before.
    #[test]
    fn a_page_of_more_is_a_paging_notice() {
        let notes = |body: &str| import("p.json", body, Format::LangfuseScores).unwrap().warnings;
        for more in [r#"{"cursor":"c2"}"#, r#"{"page":1,"totalPages":2}"#] {
            let w = notes(&format!(r#"{{"data":[],"meta":{more}}}"#));
            assert_eq!(w.len(), 1, "{more}");
            assert!(matches!(w[0].kind, WarningKind::OnePage { of: PagedService::Langfuse }), "{w:?}");
            assert!(w[0].to_string().contains("one page of"));
        }
        assert!(notes(r#"{"data":[],"meta":{"page":2,"totalPages":2}}"#).is_empty());
    }

    #[test]
    fn v2_observation_field_groups_fill_model_user_and_session() {
        // `fields=core,basic,model,...` of GET /api/public/v2/observations
        let body = r#"{"data":[{"id":"o1","traceId":"t1","type":"GENERATION","startTime":"2025-01-01T00:00:00Z",
            "endTime":null,"projectId":"p","parentObservationId":null,"name":"llm","userId":"u-7","sessionId":"s-9",
            "providedModelName":"gpt-4o","internalModelId":"m1","modelParameters":{"temperature":0}}],"meta":{}}"#;
        let set = import("f.json", body, Format::LangfuseObservations).unwrap();
        let t = &set.traces[0];
        assert_eq!(t.observations[0].model.as_deref(), Some("gpt-4o"));
        assert_eq!((t.user_id.as_deref(), t.session_id.as_deref()), (Some("u-7"), Some("s-9")));
        assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    }

    #[test]
    fn api_trace_with_id_only_observations_and_object_payloads() {
        let body = r#"{"id":"t1","timestamp":"2024-01-01T00:00:00Z","name":"api","input":{"q":"hi"},
            "observations":["o1"],"scores":[{"id":"s","name":"ok","value":1,"dataType":"BOOLEAN"}]}"#;
        let set = import("f.json", body, Format::LangfuseApiTrace).unwrap();
        assert_eq!(set.traces.len(), 1);
        assert_eq!(set.traces[0].observations.len(), 0);
        assert_eq!(set.traces[0].input.as_ref().unwrap().raw(), r#"{"q":"hi"}"#);
        assert_eq!(set.scores[0].value, ScoreValue::Boolean(true));
    }

    #[test]
    fn legacy_usage_fields_are_read() {
        let body = r#"{"trace":{"id":"t"},"observations":[{"id":"g","type":"GENERATION","startTime":"2024-01-01T00:00:00Z",
            "usage":{"input":3,"output":4,"total":7,"unit":"TOKENS"},"calculatedTotalCost":0.5}]}"#;
        let set = import("f.json", body, Format::LangfuseExport).unwrap();
        let o = &set.traces[0].observations[0];
        assert_eq!((o.usage.input, o.usage.output, o.usage.total), (Some(3), Some(4), Some(7)));
        assert_eq!(o.cost.total, Some(0.5));
        assert_eq!(o.end_ns, None, "no end time means in progress");
    }

    #[test]
    fn categorical_scores_keep_their_label() {
        let body = r#"{"trace":{"id":"t","scores":[{"name":"helpfulness","value":null,"stringValue":"unhelpful","dataType":"CATEGORICAL","observationId":"o"}]},"observations":[]}"#;
        let set = import("f.json", body, Format::LangfuseExport).unwrap();
        assert_eq!(set.scores[0].value, ScoreValue::Categorical("unhelpful".into()));
        assert_eq!(set.scores[0].observation_id.as_deref(), Some("o"));
        assert_eq!(set.scores[0].trace_id.as_deref(), Some("t"));
    }

    #[test]
    fn the_platforms_total_cost_wins_and_a_difference_is_reported() {
        let body = r#"{"id":"t1","timestamp":"2024-01-01T00:00:00Z","totalCost":0.5,"observations":[
            {"id":"g","type":"GENERATION","startTime":"2024-01-01T00:00:00Z","endTime":"2024-01-01T00:00:01Z","costDetails":{"total":0.2}}]}"#;
        let set = import("api.json", body, Format::LangfuseApiTrace).unwrap();
        let t = &set.traces[0];
        assert_eq!(t.totals.cost_usd, 0.2);
        assert_eq!(t.cost_usd(), 0.5);
        assert!(set.warnings[0].to_string().contains("Langfuse reports a total cost of $0.5"), "{:?}", set.warnings);
        let same = r#"{"id":"t1","timestamp":"2024-01-01T00:00:00Z","totalCost":0.2,"observations":[
            {"id":"g","type":"GENERATION","startTime":"2024-01-01T00:00:00Z","costDetails":{"total":0.2}}]}"#;
        assert!(import("api.json", same, Format::LangfuseApiTrace).unwrap().warnings.is_empty());
    }
}
