//! Known answers: name matching for every prefix and snapshot form, and costs worked by hand.

use super::*;
use crate::model::{AttrValue, Attribute, Kind, Observation, Trace, TraceSet, Usage};

const TABLE: &str = r#"{"version":1,
 "sources":{"litellm":{"package":"litellm==1.0.0","file":"model_prices_and_context_window.json","date":"2026-12-01"}},
 "models":[
  {"name":"gpt-4o","provider":"openai","in":2.5,"out":10,"cache_read":1.25,"context":128000,"max_out":16384,"src":"litellm"},
  {"name":"gpt-4o-2024-05-13","provider":"openai","in":5,"out":15,"context":128000,"src":"litellm"},
  {"name":"gpt-4o","provider":"azure","in":2.75,"out":11,"context":128000,"src":"litellm"},
  {"name":"o3-mini","provider":"openai","in":1.1,"out":4.4,"cache_read":0.55,"context":200000,"src":"litellm"},
  {"name":"claude-3-5-sonnet-20240620","provider":"anthropic","in":3,"out":15,"cache_read":0.3,"cache_write":3.75,"context":200000,"src":"litellm"},
  {"name":"anthropic.claude-3-5-sonnet-20240620-v1:0","provider":"bedrock","in":3,"out":15,"context":200000,"src":"litellm"},
  {"name":"gemini-1.5-pro","provider":"gemini","in":1.25,"out":5,"context":2097152,"src":"litellm"},
  {"name":"text-embedding-3-small","provider":"openai","in":0.02,"context":8191,"src":"litellm"},
  {"name":"gpt-4o-mini-audio-preview","provider":"openai","in":0.15,"out":0.6,"audio_in":10,"audio_out":20,"src":"litellm"},
  {"name":"no-prices","provider":"x","context":5}
 ]}"#;

fn table() -> PriceTable {
    PriceTable::from_json(TABLE).expect("table reads")
}

fn name_of(t: &PriceTable, model: &str, provider: Option<&str>) -> Option<(String, String)> {
    t.lookup(model, provider).and_then(|i| t.get(i)).map(|e| (e.name.clone(), e.provider.clone()))
}

#[test]
fn reads_entries_and_sources() {
    let t = table();
    assert_eq!(t.entries.len(), 9, "an entry without prices is left out");
    assert_eq!(t.sources[0].date, "2026-12-01");
    assert!(t.sources[0].what.contains("litellm==1.0.0"));
    assert_eq!(PriceTable::from_json("[]").unwrap_err(), PricingError::NoModels);
    assert!(matches!(PriceTable::from_json("{"), Err(PricingError::Json(_))));
}

#[test]
fn names_match_through_prefixes_snapshots_case_and_separators() {
    let t = table();
    let plain = |m: &str| name_of(&t, m, None).map(|(n, _)| n);
    for m in [
        "gpt-4o",
        "openai/gpt-4o",
        "GPT-4o",
        "gpt_4o",
        "gpt-4o-2024-08-06",
        "gpt-4o-20240806",
        "openrouter/openai/gpt-4o-2024-11-20",
    ] {
        assert_eq!(plain(m).as_deref(), Some("gpt-4o"), "{m}");
    }
    // a snapshot priced on its own keeps its own price
    assert_eq!(plain("gpt-4o-2024-05-13").as_deref(), Some("gpt-4o-2024-05-13"));
    assert_eq!(plain("models/gemini-1.5-pro").as_deref(), Some("gemini-1.5-pro"));
    assert_eq!(plain("gemini-1-5-pro").as_deref(), Some("gemini-1.5-pro"));
    assert_eq!(plain("vertex_ai/claude-3-5-sonnet@20240620").as_deref(), Some("claude-3-5-sonnet-20240620"));
    assert_eq!(plain("claude-3.5-sonnet-20240620").as_deref(), Some("claude-3-5-sonnet-20240620"));
    // Bedrock's own name, with and without its host prefix and region
    let bedrock = Some(("anthropic.claude-3-5-sonnet-20240620-v1:0".to_string(), "bedrock".to_string()));
    assert_eq!(name_of(&t, "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", None), bedrock);
    assert_eq!(name_of(&t, "anthropic.claude-3-5-sonnet-20240620-v1:0", None), bedrock);
    assert_eq!(name_of(&t, "us.anthropic.claude-3-5-sonnet-20240620-v1:0", None), bedrock, "cross-region");
    assert_eq!(
        name_of(&t, "eu.anthropic.claude-3-5-sonnet-20240620-v2:0", None).map(|e| e.0),
        Some("claude-3-5-sonnet-20240620".into()),
        "a version Bedrock's entry does not list falls back to the model's first-party entry"
    );
    // never a guess
    for m in ["gpt-5-unknown", "claude-3-opus", "gpt-4", "my-fine-tune", ""] {
        assert_eq!(plain(m), None, "{m}");
    }
}

#[test]
fn the_span_s_provider_chooses_between_hosts() {
    let t = table();
    let provider = |p: Option<&str>| name_of(&t, "gpt-4o", p).map(|e| e.1);
    assert_eq!(provider(None).as_deref(), Some("openai"), "the table's first");
    assert_eq!(provider(Some("az.ai.openai")).as_deref(), Some("azure"), "gen_ai.system");
    assert_eq!(provider(Some("azure")).as_deref(), Some("azure"), "llm.provider");
    assert_eq!(provider(Some("openai")).as_deref(), Some("openai"));
    assert_eq!(name_of(&t, "azure/gpt-4o", None).map(|e| e.1).as_deref(), Some("azure"));
    assert_eq!(family("aws.bedrock"), "bedrock");
    assert_eq!(family("gcp.vertex_ai"), "vertex_ai");
    assert_eq!(family("vertex_ai-anthropic_models"), "vertex_ai");
    assert_eq!(family("gcp.gemini"), "gemini");
    assert_eq!(family("mistral_ai"), "mistral");
}

fn usage(input: u64, output: u64, details: &[(&str, u64)]) -> Usage {
    Usage {
        input: Some(input),
        output: Some(output),
        total: None,
        details: details.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
    }
}

fn cost_of(t: &PriceTable, model: &str, u: &Usage) -> Option<f64> {
    t.get(t.lookup(model, None)?).and_then(|e| estimate(u, e))
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn each_kind_of_token_at_its_own_rate() {
    let t = table();
    // 1,000 in, 500 out: 1000 × 2.5/M + 500 × 10/M
    assert!(close(cost_of(&t, "gpt-4o", &usage(1000, 500, &[])), 0.0025 + 0.005));
    // 400 of the 1,000 read from the cache, named by two conventions at once (counted once)
    let cached = usage(1000, 500, &[("cache_read_tokens", 400), ("prompt_details.cache_read", 400)]);
    assert!(close(cost_of(&t, "gpt-4o", &cached), 600.0 * 2.5e-6 + 400.0 * 1.25e-6 + 500.0 * 10e-6));
    // reasoning without a price of its own: at the output rate, within the output
    let reasoning = usage(2000, 3000, &[("reasoning_tokens", 2500)]);
    assert!(close(cost_of(&t, "o3-mini", &reasoning), 2000.0 * 1.1e-6 + 3000.0 * 4.4e-6));
    // Anthropic's API counts cache reads and writes apart from input: priced whole, each at its rate
    let anthropic = usage(50, 100, &[("cache_read_input_tokens", 1000), ("cache_creation_input_tokens", 2000)]);
    assert!(close(
        cost_of(&t, "claude-3-5-sonnet-20240620", &anthropic),
        50.0 * 3e-6 + 1000.0 * 0.3e-6 + 2000.0 * 3.75e-6 + 100.0 * 15e-6
    ));
    // audio in and out at theirs
    let audio = usage(1100, 700, &[("prompt_details.audio", 100), ("completion_details.audio", 200)]);
    assert!(close(
        cost_of(&t, "gpt-4o-mini-audio-preview", &audio),
        1000.0 * 0.15e-6 + 100.0 * 10e-6 + 500.0 * 0.6e-6 + 200.0 * 20e-6
    ));
    // an embedding has input only; output tokens it cannot price make no estimate
    assert!(close(cost_of(&t, "text-embedding-3-small", &usage(8000, 0, &[])), 8000.0 * 0.02e-6));
    assert_eq!(cost_of(&t, "text-embedding-3-small", &usage(10, 10, &[])), None);
    // a total alone says nothing of the split: not priced
    let total_only = Usage { total: Some(100), ..Usage::default() };
    assert_eq!(cost_of(&t, "gpt-4o", &total_only), None);
    let lines = line_items(&cached, t.get(t.lookup("gpt-4o", None).unwrap()).unwrap());
    let kinds: Vec<(&str, u64)> = lines.iter().map(|l| (l.kind, l.tokens)).collect();
    assert_eq!(kinds, [("input", 600), ("cache_read", 400), ("output", 500)]);
}

fn call(id: &str, parent: Option<&str>, model: Option<&str>, input: u64, output: u64) -> Observation {
    let mut o = Observation::new(id, Kind::Generation, id, 0);
    o.parent_id = parent.map(str::to_string);
    o.end_ns = Some(10);
    o.model = model.map(crate::model::key::Key::new);
    if input + output > 0 {
        o.usage = usage(input, output, &[]);
    }
    o
}

fn trace(obs: Vec<Observation>) -> Trace {
    Trace::build("t".into(), obs, "f.json", &mut Vec::new())
}

#[test]
fn estimates_go_on_the_deepest_carriers_and_reported_costs_win() {
    let t = table();
    let mut reported = call("r", Some("root"), Some("gpt-4o"), 1000, 0);
    reported.cost.total = Some(1.0);
    let mut tr = trace(vec![
        // the agent repeats its children's usage: its tokens and cost are not counted again
        call("root", None, Some("gpt-4o"), 3000, 1000),
        call("a", Some("root"), Some("gpt-4o"), 1000, 500),
        call("b", Some("root"), Some("unknown-model"), 1000, 500),
        reported,
    ]);
    assert_eq!(tr.totals.unpriced, ["gpt-4o", "unknown-model"], "before pricing");
    assert!(tr.price(&t));
    let o = &tr.observations;
    assert_eq!(o[0].cost.total, None, "the parent repeats its children's usage");
    assert!(close(o[1].cost.total, 0.0025 + 0.005));
    assert_eq!(o[1].cost.estimated.and_then(|i| t.get(i)).map(|e| e.name.as_str()), Some("gpt-4o"));
    assert_eq!(o[2].cost.total, None, "never priced by a guess");
    assert_eq!((o[3].cost.total, o[3].cost.estimated), (Some(1.0), None), "a reported cost wins");
    assert!((tr.totals.cost_usd - (1.0 + 0.0075)).abs() < 1e-12);
    assert!((tr.totals.estimated_cost_usd - 0.0075).abs() < 1e-12);
    assert!(tr.totals.has_estimate && tr.totals.has_reported, "a mixed trace says so");
    assert_eq!(tr.totals.unpriced, ["unknown-model"]);
    assert!(!tr.price(&t), "pricing again changes nothing");
    // new prices: estimates follow, reported costs stay
    let mut mine = t.clone();
    let mut e = mine.get(mine.lookup("gpt-4o", None).unwrap()).unwrap().clone();
    e.input = Some(0.0);
    e.output = Some(1.0);
    mine.set_user(e);
    assert!(tr.price(&mine));
    assert!(close(tr.observations[1].cost.total, 500.0 * 1e-6));
    assert_eq!(tr.observations[3].cost.total, Some(1.0));
}

#[test]
fn the_span_s_provider_attribute_picks_the_price() {
    let t = table();
    let mut o = call("a", None, Some("gpt-4o"), 1_000_000, 0);
    o.attributes.push(Attribute { key: "gen_ai.system".into(), value: AttrValue::Str("az.ai.openai".into()) });
    let mut set = TraceSet { traces: vec![trace(vec![o])], ..TraceSet::default() };
    assert!(set.wants_prices());
    assert_eq!(set.price(&t), [0]);
    assert!(close(set.traces[0].observations[0].cost.total, 2.75));
    let ctx = context_use(&set.traces[0].observations[0], &t);
    assert_eq!(ctx, Some((1_000_000, 128_000)));
}

#[test]
fn user_prices_replace_or_add_and_round_trip() {
    let mut t = table();
    let n = t.with_user(r#"[{"name":"my-model","provider":"self","in":1,"out":2},{"name":"gpt-4o","provider":"openai","in":9,"out":9},{"bad":1}]"#);
    assert_eq!(n, 2);
    assert_eq!(t.entries.len(), 11, "the table's own gpt-4o stays behind the user's");
    assert!(close(cost_of(&t, "my-model", &usage(1_000_000, 0, &[])), 1.0));
    assert!(close(cost_of(&t, "gpt-4o", &usage(1_000_000, 0, &[])), 9.0));
    let json = t.user_json();
    let mut again = table();
    assert_eq!(again.with_user(&json), 2);
    assert_eq!(again.user_json(), json);
    assert!(again.user_entries().all(Entry::is_user));
    again.remove_user("gpt-4o", "openai");
    assert!(close(cost_of(&again, "gpt-4o", &usage(1_000_000, 0, &[])), 2.5), "the table's price again");
}
