//! Model prices and context windows (the app's static `models.json`, plus the user's own
//! prices), found by the names traces give their models, and the cost they put on token counts.
//!
//! A cost a trace carries is *reported* and always wins; a cost made here from tokens × a
//! table entry is *estimated* and marked so everywhere (`Cost::estimated`). A model no entry
//! matches is never priced by a guess: it is listed as unpriced.

mod apply;
mod edit;
mod estimate;
mod names;
#[cfg(test)]
mod tests;

pub use apply::{context_use, provider_of};
pub use edit::{search, used, Draft, PRICE_LABELS};
pub use estimate::{estimate, line_items, prompt_tokens, token_kinds, LineItem, TokenKinds};
pub use names::{canonical, family};

use serde_json::Value;
use std::collections::HashMap;
use thiserror::Error;

/// Why a price table could not be read.
#[derive(Debug, Error, PartialEq)]
pub enum PricingError {
    #[error("the price table is not valid JSON: {0}")]
    Json(String),
    #[error("the price table has no `models` list")]
    NoModels,
}

/// Prices of one model, in US dollars per million tokens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// The model's name as the source lists it (without a host prefix where it has none).
    pub name: String,
    /// Who serves it under this name (`openai`, `azure`, `bedrock`, `vertex_ai`…).
    pub provider: String,
    /// Other names the same prices go by.
    pub aliases: Vec<String>,
    pub input: Option<f64>,
    pub output: Option<f64>,
    pub cache_read: Option<f64>,
    pub cache_write: Option<f64>,
    pub reasoning: Option<f64>,
    pub audio_input: Option<f64>,
    pub audio_output: Option<f64>,
    pub image_input: Option<f64>,
    /// Higher prices for calls whose prompt is longer than a threshold (Gemini and Claude above
    /// 200,000 tokens…), by threshold, lowest first.
    pub tiers: Vec<Tier>,
    /// The context window, in tokens.
    pub context: Option<u64>,
    /// The most tokens one answer may have.
    pub max_output: Option<u64>,
    /// Where the prices come from: a key of `PriceTable::sources`, or `user`.
    pub source: String,
}

impl Entry {
    /// Whether the user typed these prices (kept in this browser, listed in exports).
    pub fn is_user(&self) -> bool {
        self.source == USER
    }
}

/// Prices that apply to a whole call once its prompt is longer than `above` tokens; a price a
/// tier does not give stays the entry's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tier {
    pub above: u64,
    pub input: Option<f64>,
    pub output: Option<f64>,
    pub cache_read: Option<f64>,
    pub cache_write: Option<f64>,
}

impl Entry {
    /// The entry's prices for a call with a prompt of `prompt` tokens (its tier's, if above one).
    pub fn for_prompt(&self, prompt: u64) -> std::borrow::Cow<'_, Entry> {
        let Some(t) = self.tiers.iter().rev().find(|t| prompt > t.above) else {
            return std::borrow::Cow::Borrowed(self);
        };
        let mut e = self.clone();
        e.input = t.input.or(e.input);
        e.output = t.output.or(e.output);
        e.cache_read = t.cache_read.or(e.cache_read);
        e.cache_write = t.cache_write.or(e.cache_write);
        std::borrow::Cow::Owned(e)
    }
}

/// The `source` of prices the user typed.
pub const USER: &str = "user";

/// One source the table was built from, as the table states it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceNote {
    pub key: String,
    /// What it is (a package and file, a repository and commit), as one line.
    pub what: String,
    pub date: String,
}

/// The table: entries in the file's order (first-party names first), the user's after them,
/// and an index from each name's `canonical` form to its entries.
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    pub entries: Vec<Entry>,
    pub sources: Vec<SourceNote>,
    index: HashMap<String, Vec<u32>>,
}

impl PriceTable {
    /// Reads `models.json` (see `scripts/models/README.md`).
    pub fn from_json(text: &str) -> Result<PriceTable, PricingError> {
        let v: Value = serde_json::from_str(text).map_err(|e| PricingError::Json(e.to_string()))?;
        let models = v.get("models").and_then(Value::as_array).ok_or(PricingError::NoModels)?;
        let sources = v
            .get("sources")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, s)| source_note(k, s)).collect())
            .unwrap_or_default();
        let mut t = PriceTable { entries: Vec::with_capacity(models.len()), sources, index: HashMap::new() };
        for m in models {
            if let Some(e) = entry(m, None) {
                t.push(e);
            }
        }
        Ok(t)
    }

    /// Adds the user's own prices (a JSON list of entries, as `user_json` writes them): each
    /// replaces the table's entry of the same name and provider, or is added. Entries that do
    /// not read are skipped; the count of those read is returned.
    pub fn with_user(&mut self, text: &str) -> usize {
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) else { return 0 };
        let mut n = 0;
        for e in items.iter().filter_map(|m| entry(m, Some(USER))) {
            self.set_user(e);
            n += 1;
        }
        n
    }

    /// Sets one entry the user typed: it replaces the user's earlier entry of that name and
    /// provider, and is preferred to the table's own (which stays, for when it is removed).
    pub fn set_user(&mut self, mut e: Entry) {
        e.source = USER.to_string();
        let same = self.entries.iter().position(|x| x.is_user() && x.name == e.name && x.provider == e.provider);
        match same {
            Some(i) => {
                self.entries[i] = e;
                self.reindex();
            }
            None => self.push(e),
        }
    }

    /// Forgets the user's entry of this name and provider.
    pub fn remove_user(&mut self, name: &str, provider: &str) {
        let before = self.entries.len();
        self.entries.retain(|x| !(x.is_user() && x.name == name && x.provider == provider));
        if self.entries.len() != before {
            self.reindex();
        }
    }

    /// The user's entries as JSON (what is kept in this browser and listed in exports).
    pub fn user_json(&self) -> String {
        let items: Vec<Value> = self.entries.iter().filter(|e| e.is_user()).map(entry_json).collect();
        Value::Array(items).to_string()
    }

    /// The user's entries.
    pub fn user_entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.is_user())
    }

    fn push(&mut self, e: Entry) {
        let at = self.entries.len() as u32;
        for name in names_of(&e) {
            let slot = self.index.entry(name).or_default();
            if !slot.contains(&at) {
                slot.push(at);
            }
        }
        self.entries.push(e);
    }

    fn reindex(&mut self) {
        let entries = std::mem::take(&mut self.entries);
        self.index.clear();
        for e in entries {
            self.push(e);
        }
    }

    /// The entry a model name (as a trace writes it) has, told apart by the provider a span
    /// names (`gen_ai.system`, `gen_ai.provider.name`, `llm.provider`) where several serve it.
    /// `None` when nothing matches: such a model is not priced.
    pub fn lookup(&self, model: &str, provider: Option<&str>) -> Option<u32> {
        let want = provider.map(family);
        for candidate in names::candidates(model) {
            let Some(found) = self.index.get(&candidate) else { continue };
            // the user's own prices first, then the span's provider, then the table's first
            let by = |f: &dyn Fn(&Entry) -> bool| found.iter().copied().find(|&i| f(&self.entries[i as usize]));
            let hinted = |e: &Entry| want.as_deref().is_some_and(|w| family(&e.provider) == w);
            return by(&|e| e.is_user() && hinted(e))
                .or_else(|| by(&Entry::is_user))
                .or_else(|| by(&hinted))
                .or_else(|| found.first().copied());
        }
        None
    }

    pub fn get(&self, at: u32) -> Option<&Entry> {
        self.entries.get(at as usize)
    }

    /// The note of the source an entry came from.
    pub fn source_of(&self, e: &Entry) -> Option<&SourceNote> {
        self.sources.iter().find(|s| s.key == e.source)
    }
}

/// Every name an entry answers to, canonical: its name, its provider and name, its aliases.
fn names_of(e: &Entry) -> Vec<String> {
    let mut names = vec![canonical(&e.name)];
    if !e.provider.is_empty() {
        names.push(canonical(&format!("{}/{}", e.provider, e.name)));
    }
    names.extend(e.aliases.iter().map(|a| canonical(a)));
    names.dedup();
    names
}

fn source_note(key: &str, s: &Value) -> SourceNote {
    let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let what = [text("package"), text("repo"), text("file"), text("path"), text("commit")]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    SourceNote { key: key.to_string(), what, date: text("date") }
}

/// A price: a number not below zero (a string holding one is read too).
fn price(v: Option<&Value>) -> Option<f64> {
    let n = match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::model::units::parse_f64(s),
        _ => None,
    }?;
    (n.is_finite() && n >= 0.0).then_some(n)
}

fn count(v: Option<&Value>) -> Option<u64> {
    v.and_then(|v| v.as_u64().or_else(|| v.as_f64().filter(|f| *f >= 1.0 && *f < 1e15).map(|f| f as u64)))
        .filter(|&n| n > 0)
}

/// An entry's tiers, lowest threshold first; tiers without a threshold are left out.
fn tiers(v: Option<&Value>) -> Vec<Tier> {
    let mut out: Vec<Tier> = v
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|t| {
                    Some(Tier {
                        above: t.get("above")?.as_u64()?,
                        input: price(t.get("in")),
                        output: price(t.get("out")),
                        cache_read: price(t.get("cache_read")),
                        cache_write: price(t.get("cache_write")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    crate::model::order::sort_by_key(&mut out, |t| t.above);
    out
}

/// One entry of the file (or of the user's list, whose source is forced to `user`).
fn entry(m: &Value, source: Option<&str>) -> Option<Entry> {
    let text = |k: &str| m.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let name = text("name")?.to_string();
    let e = Entry {
        name,
        provider: text("provider").unwrap_or_default().to_string(),
        aliases: m
            .get("aliases")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
        input: price(m.get("in")),
        output: price(m.get("out")),
        cache_read: price(m.get("cache_read")),
        cache_write: price(m.get("cache_write")),
        reasoning: price(m.get("reasoning")),
        audio_input: price(m.get("audio_in")),
        audio_output: price(m.get("audio_out")),
        image_input: price(m.get("image_in")),
        tiers: tiers(m.get("tiers")),
        context: count(m.get("context")),
        max_output: count(m.get("max_out")),
        source: source.map(str::to_string).or_else(|| text("src").map(str::to_string)).unwrap_or_default(),
    };
    // an entry without an input or an output price prices nothing
    (e.input.is_some() || e.output.is_some()).then_some(e)
}

/// An entry in the file's own form.
pub fn entry_json(e: &Entry) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("name".into(), e.name.clone().into());
    m.insert("provider".into(), e.provider.clone().into());
    let prices = [
        ("in", e.input),
        ("out", e.output),
        ("cache_read", e.cache_read),
        ("cache_write", e.cache_write),
        ("reasoning", e.reasoning),
        ("audio_in", e.audio_input),
        ("audio_out", e.audio_output),
        ("image_in", e.image_input),
    ];
    for (k, v) in prices {
        if let Some(n) = v.and_then(serde_json::Number::from_f64) {
            m.insert(k.into(), Value::Number(n));
        }
    }
    for (k, v) in [("context", e.context), ("max_out", e.max_output)] {
        if let Some(n) = v {
            m.insert(k.into(), n.into());
        }
    }
    if !e.aliases.is_empty() {
        m.insert("aliases".into(), e.aliases.clone().into());
    }
    if !e.tiers.is_empty() {
        let tiers = e.tiers.iter().map(|t| {
            let mut o = serde_json::Map::new();
            o.insert("above".into(), t.above.into());
            for (k, v) in
                [("in", t.input), ("out", t.output), ("cache_read", t.cache_read), ("cache_write", t.cache_write)]
            {
                if let Some(n) = v.and_then(serde_json::Number::from_f64) {
                    o.insert(k.into(), Value::Number(n));
                }
            }
            Value::Object(o)
        });
        m.insert("tiers".into(), Value::Array(tiers.collect()));
    }
    m.insert("src".into(), e.source.clone().into());
    Value::Object(m)
}

/// Where a cost figure comes from: marked wherever it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The file carried it.
    Reported,
    /// Canopy made it from token counts × the price table.
    Estimated,
    /// Some of each.
    Mixed,
}

impl Origin {
    pub fn of(reported: bool, estimated: bool) -> Option<Origin> {
        match (reported, estimated) {
            (true, true) => Some(Origin::Mixed),
            (true, false) => Some(Origin::Reported),
            (false, true) => Some(Origin::Estimated),
            (false, false) => None,
        }
    }

    /// Whether the figure holds an estimate.
    pub fn has_estimate(self) -> bool {
        self != Origin::Reported
    }

    /// Combines the origins of figures summed together.
    pub fn and(self, other: Origin) -> Origin {
        if self == other {
            self
        } else {
            Origin::Mixed
        }
    }
}

impl crate::model::Trace {
    /// Where the trace's cost comes from: the platform's own total is reported; else what its
    /// observations carry.
    pub fn cost_origin(&self) -> Option<Origin> {
        if self.reported_cost_usd.is_some() {
            return Some(Origin::Reported);
        }
        Origin::of(self.totals.has_reported, self.totals.has_estimate)
    }
}
