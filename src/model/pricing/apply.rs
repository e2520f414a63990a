//! Estimated costs put on the loaded traces: every call whose tokens count in the totals
//! (the deepest carriers, as for tokens) and that carries no cost of its own gets tokens × its
//! model's prices; the totals are then made again.

use super::{estimate, PriceTable};
use crate::model::{Observation, Totals, Trace, TraceSet};

/// Keys naming who served a call, in the order they are believed.
const PROVIDER_KEYS: [&str; 5] =
    ["gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system", "ai.model.provider"];

/// The provider a span names, if any.
pub fn provider_of(o: &Observation) -> Option<String> {
    PROVIDER_KEYS.iter().find_map(|k| o.attribute(k).map(|v| v.display()).filter(|s| !s.is_empty()))
}

impl Trace {
    /// Estimates the cost of every counted call without one (again, for costs estimated before:
    /// the prices may have changed). True when some cost changed.
    pub fn price(&mut self, table: &PriceTable) -> bool {
        let mut changed = false;
        for (i, o) in self.observations.iter_mut().enumerate() {
            let counted = self.totals.usage_counted.get(i).copied().unwrap_or(false);
            if o.cost.is_reported() {
                continue;
            }
            let before = (o.cost.total, o.cost.estimated);
            o.cost = Default::default();
            if counted {
                if let Some((at, usd, details)) = priced(o, table) {
                    o.cost.total = Some(usd);
                    o.cost.details = details;
                    o.cost.estimated = Some(at);
                }
            }
            changed |= before != (o.cost.total, o.cost.estimated);
        }
        if changed {
            self.totals = Totals::compute(&self.observations, &self.tree);
        }
        changed
    }
}

/// The entry, the cost and its lines (kind, US dollars) of one call.
type Priced = (u32, f64, Vec<(String, f64)>);

fn priced(o: &Observation, table: &PriceTable) -> Option<Priced> {
    let model = o.model.as_deref()?;
    let at = table.lookup(model, provider_of(o).as_deref())?;
    let entry = table.get(at)?;
    let usd = estimate(&o.usage, entry)?;
    let details = super::line_items(&o.usage, entry).into_iter().map(|l| (l.kind.to_string(), l.usd)).collect();
    Some((at, usd, details))
}

impl TraceSet {
    /// Prices every trace (see `Trace::price`); the positions of those that changed.
    pub fn price(&mut self, table: &PriceTable) -> Vec<usize> {
        let mut changed = Vec::new();
        for (i, t) in self.traces.iter_mut().enumerate() {
            if t.price(table) {
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
