//! What the prices panel needs of the table, pure: searching it, the form that edits or adds
//! one model's prices (typed text checked before it becomes an `Entry`), and which entries an
//! export lists as the prices it used.

use super::{Entry, PriceTable};
use crate::model::fold;
use crate::model::TraceSet;

/// The entries whose name or provider holds `query` (any case), the user's own first, then the
/// table's in its order. An empty query keeps every entry.
pub fn search(table: &PriceTable, query: &str) -> Vec<u32> {
    let q = fold::lower(query.trim());
    let hit = |e: &Entry| q.is_empty() || fold::lower(&e.name).contains(&q) || fold::lower(&e.provider).contains(&q);
    let mut mine = Vec::new();
    let mut rest = Vec::new();
    for (i, e) in table.entries.iter().enumerate() {
        if hit(e) {
            (if e.is_user() { &mut mine } else { &mut rest }).push(i as u32);
        }
    }
    mine.append(&mut rest);
    mine
}

/// The entries an export of `set` lists as the prices it used: each that priced a call of it
/// (`Cost::estimated`), and every one of the user's, in the table's order.
pub fn used(set: &TraceSet, table: &PriceTable) -> Vec<u32> {
    let mut seen = vec![false; table.entries.len()];
    for o in set.traces.iter().flat_map(|t| &t.observations) {
        if let Some(slot) = o.cost.estimated.and_then(|at| seen.get_mut(at as usize)) {
            *slot = true;
        }
    }
    (0..table.entries.len()).filter(|&i| seen[i] || table.entries[i].is_user()).map(|i| i as u32).collect()
}

/// The labels of the prices the form edits, in `Draft::prices`' order (US dollars per million
/// tokens).
pub const PRICE_LABELS: [&str; 5] = ["Input", "Output", "Cache read", "Cache write", "Reasoning"];

/// One model's prices as the user types them: text, checked only when saved (`to_entry`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub name: String,
    pub provider: String,
    /// Input, output, cache read, cache write, reasoning (`PRICE_LABELS`); empty for none.
    pub prices: [String; 5],
    pub context: String,
    pub max_output: String,
    /// What the form does not show (aliases, audio and image prices), kept from the entry it
    /// was opened on.
    base: Entry,
}

impl Draft {
    /// The form prefilled with an entry (the table's or the user's).
    pub fn from_entry(e: &Entry) -> Draft {
        let price = |v: Option<f64>| v.and_then(serde_json::Number::from_f64).map(number).unwrap_or_default();
        let count = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
        Draft {
            name: e.name.clone(),
            provider: e.provider.clone(),
            prices: [e.input, e.output, e.cache_read, e.cache_write, e.reasoning].map(price),
            context: count(e.context),
            max_output: count(e.max_output),
            base: e.clone(),
        }
    }

    /// The name and provider of the user's entry the form was opened on: saved under another
    /// name, the new entry replaces it.
    pub fn replaces(&self) -> Option<(&str, &str)> {
        self.base.is_user().then_some((self.base.name.as_str(), self.base.provider.as_str()))
    }

    /// The user's entry, or what is wrong with the text, said for the field it is in.
    pub fn to_entry(&self) -> Result<Entry, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("The model needs a name.".into());
        }
        let mut p = [None; 5];
        for (slot, (text, label)) in p.iter_mut().zip(self.prices.iter().zip(PRICE_LABELS)) {
            *slot = price(text).map_err(|why| format!("{label} price: {why}"))?;
        }
        let [input, output, cache_read, cache_write, reasoning] = p;
        if input.is_none() && output.is_none() {
            return Err("Give an input or an output price.".into());
        }
        let context = tokens(&self.context).map_err(|why| format!("Context window: {why}"))?;
        let max_output = tokens(&self.max_output).map_err(|why| format!("Max output: {why}"))?;
        Ok(Entry {
            name: name.to_string(),
            provider: self.provider.trim().to_string(),
            input,
            output,
            cache_read,
            cache_write,
            reasoning,
            context,
            max_output,
            // the user's prices apply to prompts of every length
            tiers: Vec::new(),
            source: super::USER.to_string(),
            ..self.base.clone()
        })
    }
}

/// A dollar a token: a price above it is a typing slip.
const MAX_PRICE: f64 = 1e6;

/// A price typed in dollars per million tokens (a `$` and spaces allowed); empty is none.
fn price(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim().trim_start_matches('$').trim();
    if t.is_empty() {
        return Ok(None);
    }
    match crate::model::units::parse_f64(t) {
        None => Err(format!("“{}” is not a number", cut(t))),
        Some(n) if !n.is_finite() || n > MAX_PRICE => Err("above $1,000,000 per million tokens".into()),
        Some(n) if n < 0.0 => Err("cannot be negative".into()),
        Some(n) => Ok(Some(n)),
    }
}

/// A count of tokens (`128000`, `128,000`, `128_000`); empty is none.
fn tokens(text: &str) -> Result<Option<u64>, String> {
    let t: String = text.chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    if t.is_empty() {
        return Ok(None);
    }
    match crate::model::units::parse_f64(&t) {
        Some(n) if (1.0..1e15).contains(&n) && n.fract() == 0.0 => Ok(Some(n as u64)),
        Some(n) if n.is_finite() && n < 1.0 => Err("at least one token".into()),
        _ => Err(format!("“{}” is not a whole number of tokens", cut(text.trim()))),
    }
}

/// A price as text to edit: `10`, `2.5`, `1e-7` (serde_json's shortest form, no `.0`).
fn number(n: serde_json::Number) -> String {
    let s = n.to_string();
    match s.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => s,
    }
}

/// Typed text quoted back, cut short.
fn cut(t: &str) -> String {
    let mut s: String = t.chars().take(24).collect();
    if s.len() < t.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"{"version":1,
     "sources":{"litellm":{"package":"litellm==1.0.0","date":"2026-12-01"}},
     "models":[
      {"name":"gpt-4o","provider":"openai","aliases":["gpt-4o-latest"],"in":2.5,"out":10,"cache_read":1.25,"context":128000,"max_out":16384,"src":"litellm",
       "tiers":[{"above":100000,"in":5}]},
      {"name":"gpt-4o","provider":"azure","in":2.75,"out":11,"src":"litellm"},
      {"name":"claude-3-5-sonnet","provider":"Anthropic","in":3,"out":15,"src":"litellm"}
     ]}"#;

    fn table() -> PriceTable {
        PriceTable::from_json(TABLE).unwrap()
    }

    #[test]
    fn search_matches_name_or_provider_in_any_case_the_users_first() {
        let mut t = table();
        assert_eq!(search(&t, ""), vec![0, 1, 2]);
        assert_eq!(search(&t, "  GPT-4O "), vec![0, 1]);
        assert_eq!(search(&t, "anthropic"), vec![2]);
        assert_eq!(search(&t, "azu"), vec![1]);
        assert!(search(&t, "llama").is_empty());
        let mut mine = Draft::from_entry(&t.entries[1]);
        mine.prices[0] = "3".into();
        t.set_user(mine.to_entry().unwrap());
        assert_eq!(search(&t, "gpt"), vec![3, 0, 1], "the user's entry first");
    }

    #[test]
    fn a_draft_from_an_entry_gives_it_back_as_the_users() {
        let t = table();
        let d = Draft::from_entry(&t.entries[0]);
        assert_eq!(d.prices, ["2.5", "10", "1.25", "", ""].map(String::from));
        assert_eq!((d.context.as_str(), d.max_output.as_str()), ("128000", "16384"));
        let e = d.to_entry().unwrap();
        assert_eq!(e.source, "user");
        assert_eq!((e.input, e.output, e.cache_read, e.cache_write), (Some(2.5), Some(10.0), Some(1.25), None));
        assert_eq!(e.aliases, vec!["gpt-4o-latest"], "aliases kept: the same names find it");
        assert!(e.tiers.is_empty(), "the typed price applies to every prompt length");
        assert_eq!((e.context, e.max_output), (Some(128000), Some(16384)));
    }

    #[test]
    fn typed_numbers_are_checked_and_said_never_a_panic() {
        let ok = |input: &str| {
            let mut d = Draft { name: "m".into(), ..Draft::default() };
            d.prices[0] = input.into();
            d.to_entry()
        };
        assert_eq!(ok(" $0.15 ").unwrap().input, Some(0.15));
        assert_eq!(ok("1e-1").unwrap().input, Some(0.1));
        assert_eq!(ok("0").unwrap().input, Some(0.0));
        assert_eq!(ok("-1").unwrap_err(), "Input price: cannot be negative");
        assert_eq!(ok("abc").unwrap_err(), "Input price: “abc” is not a number");
        assert_eq!(ok("1e999").unwrap_err(), "Input price: “1e999” is not a number");
        assert_eq!(ok("NaN").unwrap_err(), "Input price: “NaN” is not a number");
        assert_eq!(ok("").unwrap_err(), "Give an input or an output price.");
        assert_eq!(ok(&"9".repeat(40)).unwrap_err(), "Input price: above $1,000,000 per million tokens");
        assert_eq!(ok(&"x".repeat(40)).unwrap_err(), format!("Input price: “{}…” is not a number", "x".repeat(24)));
        assert_eq!(Draft::default().to_entry().unwrap_err(), "The model needs a name.");

        let ctx = |text: &str| {
            let mut d = Draft { name: "m".into(), ..Draft::default() };
            d.prices[1] = "1".into();
            d.context = text.into();
            d.to_entry().map(|e| e.context)
        };
        assert_eq!(ctx("128,000"), Ok(Some(128000)));
        assert_eq!(ctx(""), Ok(None));
        assert_eq!(ctx("0").unwrap_err(), "Context window: at least one token");
        assert_eq!(ctx("1.5").unwrap_err(), "Context window: “1.5” is not a whole number of tokens");
        assert_eq!(ctx("-3").unwrap_err(), "Context window: at least one token");
        assert_eq!(ctx("lots").unwrap_err(), "Context window: “lots” is not a whole number of tokens");
    }

    #[test]
    fn an_edited_entry_survives_the_browser_storage() {
        let mut t = table();
        let mut d = Draft::from_entry(&t.entries[2]);
        d.prices[4] = "20".into();
        t.set_user(d.to_entry().unwrap());
        let mut again = table();
        assert_eq!(again.with_user(&t.user_json()), 1);
        assert_eq!(again.user_entries().next(), t.user_entries().next());
        assert_eq!(d.replaces(), None, "opened on the table's entry");
        let mine = Draft::from_entry(again.user_entries().next().unwrap());
        assert_eq!(mine.replaces(), Some(("claude-3-5-sonnet", "Anthropic")));
    }

    #[test]
    fn used_lists_what_priced_a_call_and_the_users_entries() {
        use crate::model::{Kind, Observation, Trace, Usage};
        let mut t = table();
        let mut o = Observation::new("a", Kind::Generation, "call", 0);
        o.model = Some(crate::model::key::Key::new("gpt-4o"));
        o.usage = Usage { input: Some(1000), output: Some(10), ..Usage::default() };
        let mut warnings = Vec::new();
        let mut set = TraceSet::default();
        set.traces.push(Trace::build("t".into(), vec![o], "f", &mut warnings));
        assert!(used(&set, &t).is_empty(), "nothing priced yet");
        set.price(&t);
        assert_eq!(used(&set, &t), vec![0]);
        let mut d = Draft::from_entry(&t.entries[2]);
        d.name = "my-model".into();
        t.set_user(d.to_entry().unwrap());
        assert_eq!(used(&set, &t), vec![0, 3]);
    }
}
