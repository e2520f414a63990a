//! Estimated costs put on the loaded traces: every call whose tokens count in the totals
//! (the deepest carriers, as for tokens) and that carries no cost of its own gets tokens × its
//! model's prices; the totals are then made again.

use super::{estimate, PriceTable};
use crate::model::key::Key;
use crate::model::{Observation, Totals, Trace, TraceSet};

/// Keys naming who served a call, in the order they are believed.
const PROVIDER_KEYS: [&str; 5] =
    ["gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system", "ai.model.provider"];

/// The provider a span names, if any.
pub fn provider_of(o: &Observation) -> Option<String> {
    PROVIDER_KEYS.iter().find_map(|k| o.attribute(k).map(|v| v.display()).filter(|s| !s.is_empty()))
}

/// `provider_of` without a copy, for text values (what every convention writes).
fn provider_str(o: &Observation) -> Option<&str> {
    PROVIDER_KEYS.iter().find_map(|k| o.attribute(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty()))
}

impl Trace {
    /// Estimates the cost of every counted call without one (again, for costs estimated before:
    /// the prices may have changed). True when some cost changed.
    pub fn price(&mut self, table: &PriceTable) -> bool {
        self.price_with(table, &mut Lookups::default())
    }

    fn price_with(&mut self, table: &PriceTable, lookups: &mut Lookups) -> bool {
        let mut changed = false;
        for (i, o) in self.observations.iter_mut().enumerate() {
            if o.cost.is_reported() {
                continue;
            }
            let counted = self.totals.usage_counted.get(i).copied().unwrap_or(false);
            let before = (o.cost.total, o.cost.estimated);
            let priced = if counted { priced(o, table, lookups) } else { None };
            o.cost = Default::default();
            if let Some((at, usd)) = priced {
                o.cost.total = Some(usd);
                o.cost.estimated = Some(at);
            }
            changed |= before != (o.cost.total, o.cost.estimated);
        }
        if changed {
            self.totals = Totals::compute(&self.observations, &self.tree);
        }
        changed
    }
}

/// Entries found per model and provider during one pricing: a model is looked up once, not once
/// per call (a lookup tries up to a dozen spellings). A load names a few models: a list.
#[derive(Default)]
struct Lookups(Vec<(Key, Option<String>, Option<u32>)>);

/// The entry and the cost of one call. (Its lines are made again where they show: an estimate
/// keeps no breakdown of its own.)
fn priced(o: &Observation, table: &PriceTable, lookups: &mut Lookups) -> Option<(u32, f64)> {
    let model = o.model.as_ref()?;
    let provider = provider_str(o);
    let seen = lookups.0.iter().find(|(m, p, _)| m == model && p.as_deref() == provider).map(|l| l.2);
    let at = match seen {
        Some(at) => at,
        None => {
            let provider = provider.map(str::to_string).or_else(|| provider_of(o));
            let at = table.lookup(model, provider.as_deref());
            lookups.0.push((model.clone(), provider_str(o).map(str::to_string), at));
            at
        }
    }?;
    let usd = estimate(&o.usage, table.get(at)?)?;
    Some((at, usd))
}

impl TraceSet {
    /// Prices every trace (see `Trace::price`); the positions of those that changed.
    pub fn price(&mut self, table: &PriceTable) -> Vec<usize> {
        let mut changed = Vec::new();
        let mut lookups = Lookups::default();
        for (i, t) in self.traces.iter_mut().enumerate() {
            if t.price_with(table, &mut lookups) {
                changed.push(i);
            }
        }
        changed
    }

    /// Whether some trace has calls with tokens and a model but no cost: what the price table
    /// is fetched for.
    pub fn wants_prices(&self) -> bool {
        self.traces.iter().any(|t| !t.totals.unpriced.is_empty() || t.totals.has_estimate)
    }
}

/// How full a call's context was: its input tokens (cached ones included) and its model's
/// context window. `None` for calls without input tokens or a known window.
pub fn context_use(o: &Observation, table: &PriceTable) -> Option<(u64, u64)> {
    o.usage.input.filter(|&n| n > 0)?;
    let used = super::estimate::prompt_tokens(&o.usage, &super::token_kinds(&o.usage));
    let at = match o.cost.estimated {
        Some(at) => at,
        None => table.lookup(o.model.as_deref()?, provider_of(o).as_deref())?,
    };
    let window = table.get(at)?.context?;
    Some((used, window))
}
