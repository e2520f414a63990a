//! What a call's tokens cost at one entry's prices: each kind of token at its own rate.
//!
//! Instrumentations count cached and reasoning tokens *within* input and output (OpenAI's
//! usage, OpenTelemetry GenAI, OpenInference), so those parts are taken out of input and output
//! and priced at their own rate. Where the parts exceed the whole, the source counted them apart
//! (Anthropic's API), and input and output are priced whole.

use super::Entry;
use crate::model::Usage;

/// A call's tokens by the kind each is priced as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenKinds {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub reasoning: u64,
    pub audio_input: u64,
    pub audio_output: u64,
    pub image_input: u64,
}

/// The kind a usage detail counts, by its key in any convention's spelling
/// (`cache_read_tokens`, `prompt_details.cache_read`, `input_cached_tokens`,
/// `cache_creation_input_tokens`, `completion_details.reasoning`, `prompt_details.audio`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    CacheRead,
    CacheWrite,
    Reasoning,
    AudioInput,
    AudioOutput,
    ImageInput,
}

fn part_of(key: &str) -> Option<Part> {
    let k = key.to_ascii_lowercase();
    let has = |w: &str| k.contains(w);
    let output_side = has("completion") || has("output");
    if has("cache_creation") || has("cache_write") || has("cache_creation_input") || has("cache-write") {
        Some(Part::CacheWrite)
    } else if has("cache_read") || has("cached") || has("cache_hit") || k == "cache" || has("cache-read") {
        Some(Part::CacheRead)
    } else if has("reasoning") || has("thinking") || has("thoughts") {
        Some(Part::Reasoning)
    } else if has("audio") {
        Some(if output_side { Part::AudioOutput } else { Part::AudioInput })
    } else if has("image") && !output_side {
        Some(Part::ImageInput)
    } else {
        None
    }
}

/// Splits a usage into kinds. A part named by several conventions at once (OpenInference's and
/// GenAI's cache reads of one span) counts once: the largest figure.
pub fn token_kinds(u: &Usage) -> TokenKinds {
    let mut t = TokenKinds::default();
    for (key, n) in &u.details {
        let slot = match part_of(key) {
            Some(Part::CacheRead) => &mut t.cache_read,
            Some(Part::CacheWrite) => &mut t.cache_write,
            Some(Part::Reasoning) => &mut t.reasoning,
            Some(Part::AudioInput) => &mut t.audio_input,
            Some(Part::AudioOutput) => &mut t.audio_output,
            Some(Part::ImageInput) => &mut t.image_input,
            None => continue,
        };
        *slot = (*slot).max(*n);
    }
    let input = u.input.unwrap_or(0);
    let output = u.output.unwrap_or(0);
    let in_parts =
        t.cache_read.saturating_add(t.cache_write).saturating_add(t.audio_input).saturating_add(t.image_input);
    t.input = if in_parts <= input { input - in_parts } else { input };
    let out_parts = t.reasoning.saturating_add(t.audio_output);
    t.output = if out_parts <= output { output - out_parts } else { output };
    t
}

/// The prompt's size, cached tokens included (a source that counted them apart adds them): what
/// a context window holds and what tiered prices go by.
pub fn prompt_tokens(u: &Usage, k: &TokenKinds) -> u64 {
    let input = u.input.unwrap_or(0);
    let parts = k.cache_read.saturating_add(k.cache_write).saturating_add(k.audio_input).saturating_add(k.image_input);
    if k.input == input && parts > 0 {
        // the parts were not within input: counted apart
        input.saturating_add(parts)
    } else {
        input
    }
}

/// One priced line: `1,204 input × $2.50/M = $0.0030`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    /// `input`, `output`, `cache_read`, `cache_write`, `reasoning`, `audio_input`, `audio_output`, `image_input`.
    pub kind: &'static str,
    pub tokens: u64,
    /// US dollars per million tokens.
    pub per_million: f64,
    pub usd: f64,
}

/// The lines of a call's cost at `e`'s prices; a kind without its own price is priced as input
/// (cache, audio, image) or output (reasoning, audio). Empty when the entry cannot price the
/// tokens there are (no input price for input tokens…), or when there are none.
pub fn line_items(u: &Usage, e: &Entry) -> Vec<LineItem> {
    let rows = rows(u, e);
    if rows.iter().any(|r| r.1 > 0 && r.2.is_none()) {
        return Vec::new();
    }
    rows.into_iter()
        .filter(|r| r.1 > 0)
        .filter_map(|(kind, tokens, rate)| {
            let per_million = rate?;
            Some(LineItem { kind, tokens, per_million, usd: tokens as f64 * per_million / 1e6 })
        })
        .collect()
}

/// Each kind of token with its count and rate (per million; `None`: the entry has no price for it).
fn rows(u: &Usage, e: &Entry) -> [(&'static str, u64, Option<f64>); 8] {
    let t = token_kinds(u);
    let e = &*e.for_prompt(prompt_tokens(u, &t));
    [
        ("input", t.input, e.input),
        ("cache_read", t.cache_read, e.cache_read.or(e.input)),
        ("cache_write", t.cache_write, e.cache_write.or(e.input)),
        ("audio_input", t.audio_input, e.audio_input.or(e.input)),
        ("image_input", t.image_input, e.image_input.or(e.input)),
        ("output", t.output, e.output),
        ("reasoning", t.reasoning, e.reasoning.or(e.output)),
        ("audio_output", t.audio_output, e.audio_output.or(e.output)),
    ]
}

/// The estimated cost of a call, `None` when it cannot be priced (no input or output split,
/// or a kind of token the entry has no price for).
pub fn estimate(u: &Usage, e: &Entry) -> Option<f64> {
    if u.input.is_none() && u.output.is_none() {
        return None;
    }
    // the sum of `line_items`, without making them (this runs for every call of a load)
    let mut usd = 0.0;
    let mut any = false;
    for (_, tokens, rate) in rows(u, e) {
        if tokens > 0 {
            usd += tokens as f64 * rate? / 1e6;
            any = true;
        }
    }
    any.then_some(usd)
}
