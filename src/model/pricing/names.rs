//! Model names as traces write them, brought to the names a price table lists: host prefixes
//! (`openai/`, `azure/`, `bedrock/anthropic.`, `vertex_ai/`, `models/`), dated snapshots
//! (`gpt-4o-2024-08-06` → `gpt-4o`), case and separators. Each step is tried only when the
//! name as it stands has no entry, so a snapshot priced on its own keeps its own price.

/// A name in the form the index keeps: lower case, `.`, `_` and spaces as `-`.
pub fn canonical(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            '.' | '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The family of a provider as spans and tables name it (`gen_ai.system`'s `az.ai.openai`,
/// `aws.bedrock`, `gcp.vertex_ai`; litellm's `vertex_ai-anthropic_models`, `bedrock_converse`…).
pub fn family(provider: &str) -> String {
    let p = provider.to_ascii_lowercase();
    let has = |w: &str| p.contains(w);
    let f = if has("azure") || p.starts_with("az.") {
        "azure"
    } else if has("bedrock") || p.starts_with("aws") || has("amazon") {
        "bedrock"
    } else if has("vertex") {
        "vertex_ai"
    } else if has("gemini") || has("google") || p.starts_with("gcp") {
        "gemini"
    } else if has("openai") {
        "openai"
    } else if has("anthropic") || has("claude") {
        "anthropic"
    } else if has("mistral") {
        "mistral"
    } else if has("cohere") {
        "cohere"
    } else if has("deepseek") {
        "deepseek"
    } else if p == "xai" || has("x-ai") || has("x.ai") || has("grok") {
        "xai"
    } else if has("groq") {
        "groq"
    } else if has("together") {
        "together"
    } else if has("fireworks") {
        "fireworks"
    } else {
        return canonical(&p);
    };
    f.to_string()
}

/// Vendor prefixes Bedrock puts before a model (`anthropic.claude-…`), after an optional
/// cross-region prefix (`us.`, `eu.`, `apac.`, `global.`).
const VENDORS: [&str; 9] =
    ["anthropic.", "meta.", "amazon.", "cohere.", "mistral.", "ai21.", "deepseek.", "openai.", "writer."];
const REGIONS: [&str; 5] = ["us.", "eu.", "apac.", "global.", "us-gov."];

/// The names to look `model` up by, best first, canonical.
pub(super) fn candidates(model: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let c = canonical(s);
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    };
    let full = model.trim();
    push(full);
    // without host prefixes, one `/` at a time (`openrouter/anthropic/claude-3.5-sonnet`)
    let mut bare = full;
    while let Some((_, rest)) = bare.split_once('/') {
        bare = rest;
        push(bare);
    }
    // Bedrock's region and vendor prefixes, then its version suffix (`-v1:0`, `:0`)
    let mut b = bare.to_ascii_lowercase();
    if let Some(r) = REGIONS.iter().find(|r| b.starts_with(*r)) {
        b = b[r.len()..].to_string();
        push(&b);
    }
    if let Some(v) = VENDORS.iter().find(|v| b.starts_with(*v)) {
        b = b[v.len()..].to_string();
        push(&b);
    }
    if let Some(stem) = strip_bedrock_version(&b) {
        b = stem.to_string();
        push(&b);
    }
    // Vertex writes a snapshot after `@` (`claude-3-5-sonnet@20240620`)
    if let Some((stem, date)) = b.split_once('@') {
        push(&format!("{stem}-{date}"));
        b = stem.to_string();
        push(&b);
    }
    if let Some(stem) = strip_date(&b) {
        push(stem);
    }
    out
}

/// `claude-3-5-sonnet-20240620-v1:0` → `claude-3-5-sonnet-20240620`; `…-v2` and `:0` alike.
fn strip_bedrock_version(name: &str) -> Option<&str> {
    let mut s = name;
    if let Some((stem, tail)) = s.rsplit_once(':') {
        if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
            s = stem;
        }
    }
    if let Some((stem, tail)) = s.rsplit_once("-v") {
        if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
            s = stem;
        }
    }
    (s.len() < name.len()).then_some(s)
}

/// A dated snapshot's stem: `-2024-08-06`, `-20240806`, or OpenAI's `-0613` style, at the end.
fn strip_date(name: &str) -> Option<&str> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = name.rsplitn(4, ['-', '.', '_']).collect();
    // -YYYY-MM-DD
    let iso = parts.len() == 4 && parts[2].len() == 4 && parts[1].len() == 2 && parts[0].len() == 2;
    if iso && parts[..3].iter().all(|p| digits(p)) && parts[2].starts_with("20") {
        return Some(parts[3]);
    }
    let (stem, tail) = name.rsplit_once(['-', '.', '_'])?;
    let dated = digits(tail) && (tail.len() == 8 && tail.starts_with("20") || tail.len() == 4);
    dated.then_some(stem)
}
