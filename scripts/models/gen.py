#!/usr/bin/env python3
"""Generates public/models.json, the price table Canopy estimates costs from (issue 27).

Inputs (public price data: facts, not code), both pinned below:
  * litellm's model_prices_and_context_window.json, from the litellm wheel on PyPI (inside the
    wheel it is litellm/model_prices_and_context_window_backup.json);
  * Langfuse's default model prices, worker/src/constants/default-model-prices.json in
    github.com/langfuse/langfuse at a pinned commit.

Usage (see README.md):
  gen.py --litellm PATH --langfuse PATH            # offline, from local copies (JSON or wheel)
  gen.py --download --langfuse PATH                # pip-downloads the pinned litellm wheel first
  gen.py --langfuse-git DIR ...                    # reads Langfuse's file from a git dir at the pin

The inputs are checked against the pinned sha256 sums (pass --unpinned to build from other
versions, then update the pins). Output is deterministic: same inputs, same bytes.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

# ---- pins -------------------------------------------------------------------------------------
LITELLM_VERSION = "1.110.2"
# the date the release was uploaded to PyPI (its simple index's upload-time)
LITELLM_DATE = "2026-11-20"
LITELLM_MEMBER = "litellm/model_prices_and_context_window_backup.json"
LITELLM_JSON_SHA256 = "8943af58bf9f979c6a4bef815687117ffa341e462a41faed9be17b5c33d3dcc2"

LANGFUSE_REPO = "langfuse/langfuse"
LANGFUSE_COMMIT = "62751446149b702b419a9292ddfc2280cdf74b8c"
LANGFUSE_PATH = "worker/src/constants/default-model-prices.json"
# the date of the last commit that changed the file (2b0e9d23a10f), at or before the pin
LANGFUSE_DATE = "2026-08-21"
LANGFUSE_JSON_SHA256 = "043bdc1a890924057232c036cc6fd71b25404101807d0706a69fc2df89383dda"

# ---- what is kept -----------------------------------------------------------------------------
# litellm's provider -> the provider written in the table. Providers not listed are left out.
PROVIDERS = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "anthropic": "anthropic",
    "gemini": "gemini",
    "mistral": "mistral",
    "codestral": "mistral",
    "text-completion-codestral": "mistral",
    "deepseek": "deepseek",
    "xai": "xai",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "meta_llama": "meta_llama",
    "amazon_nova": "amazon_nova",
    "azure": "azure",
    "azure_text": "azure",
    "azure_ai": "azure_ai",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "bedrock_mantle": "bedrock_mantle",
    "vertex_ai": "vertex_ai",
    "vertex_ai-language-models": "vertex_ai",
    "vertex_ai-text-models": "vertex_ai",
    "vertex_ai-embedding-models": "vertex_ai",
    "vertex_ai-anthropic_models": "vertex_ai",
    "vertex_ai-mistral_models": "vertex_ai",
    "vertex_ai-llama_models": "vertex_ai",
    "vertex_ai-deepseek_models": "vertex_ai",
    "vertex_ai-openai_models": "vertex_ai",
    "together_ai": "together_ai",
    "groq": "groq",
    "fireworks_ai": "fireworks_ai",
    "fireworks_ai-embedding-models": "fireworks_ai",
}
# The order providers are written in. Where several list one name, Canopy takes the first
# unless the span names a provider, so the model's own maker comes before its hosts.
ORDER = [
    "openai", "anthropic", "gemini", "mistral", "deepseek", "xai", "cohere", "meta_llama",
    "amazon_nova", "azure", "azure_ai", "bedrock", "bedrock_mantle", "vertex_ai", "together_ai",
    "groq", "fireworks_ai",
]
# Hosts that serve many makers' models: only the makers the issue covers are kept.
MULTI = {"azure_ai", "bedrock", "bedrock_mantle", "vertex_ai", "together_ai", "groq", "fireworks_ai"}
# …but litellm's lists of Google's own Vertex models are all Google's
GOOGLE_VERTEX = {"vertex_ai-language-models", "vertex_ai-text-models", "vertex_ai-embedding-models"}
COVERED = re.compile(
    r"gpt|codex|(^|[/.])o[1-9]|text-embedding|claude|gemini|gemma|mistral|mixtral|codestral|ministral|"
    r"magistral|pixtral|devstral|llama|deepseek|grok|command|cohere|embed-|aya|nova|titan|amazon",
    re.I,
)
MODES = {"chat", "completion", "embedding", "responses", "realtime"}
# Key prefixes litellm puts before a provider's names; the table's name goes without them.
PREFIXES = [
    "openai/", "azure/", "azure_ai/", "bedrock/", "bedrock_converse/", "bedrock_mantle/",
    "vertex_ai/", "gemini/", "mistral/", "codestral/", "text-completion-codestral/", "deepseek/",
    "xai/", "cohere/", "cohere_chat/", "together_ai/", "groq/", "fireworks_ai/", "meta_llama/",
    "amazon-nova/", "amazon_nova/", "anthropic/",
]
# A second path segment that is a region, a commitment or a quality tier, not part of a model's
# name (bedrock/us-east-1/…, azure/eu/…, bedrock/*/1-month-commitment/…): such keys are dropped.
REGIONISH = re.compile(
    r"^([a-z]{2}(-gov)?-[a-z]+-\d|us|eu|apac|global|global-standard|us-gov|invoke|\*|"
    r"claude_platform|\d+-steps|max-steps|high|low|medium|standard|hd|speech|doc-intelligence)$"
)

PRICE_KEYS = [  # table field, litellm per-token key
    ("in", "input_cost_per_token"),
    ("out", "output_cost_per_token"),
    ("cache_read", "cache_read_input_token_cost"),
    ("cache_write", "cache_creation_input_token_cost"),
    ("reasoning", "output_cost_per_reasoning_token"),
    ("audio_in", "input_cost_per_audio_token"),
    ("audio_out", "output_cost_per_audio_token"),
    ("image_in", "input_cost_per_image_token"),
]
TIER_KEYS = [  # the same, above a prompt size (…_above_200k_tokens)
    ("in", "input_cost_per_token_above_{}_tokens"),
    ("out", "output_cost_per_token_above_{}_tokens"),
    ("cache_read", "cache_read_input_token_cost_above_{}_tokens"),
    ("cache_write", "cache_creation_input_token_cost_above_{}_tokens"),
]
# Langfuse's usage keys -> the table's fields (first found wins)
LANGFUSE_KEYS = [
    ("in", ["input", "input_tokens", "input_text", "input_text_tokens"]),
    ("out", ["output", "output_tokens", "output_text", "output_text_tokens"]),
    ("cache_read", ["input_cached_tokens", "input_cache_read", "cache_read_input_tokens", "input_cached_text_tokens"]),
    ("cache_write", ["input_cache_creation", "cache_creation_input_tokens", "input_cache_creation_5m", "cache_write_tokens"]),
    ("reasoning", ["output_reasoning_tokens", "output_reasoning", "reasoning_tokens"]),
    ("audio_in", ["input_audio_tokens", "input_audio"]),
    ("audio_out", ["output_audio_tokens", "output_audio"]),
    ("image_in", ["input_image"]),
]
FIELDS = ["name", "provider", "aliases", "in", "out", "cache_read", "cache_write", "reasoning",
          "audio_in", "audio_out", "image_in", "tiers", "context", "max_out", "src"]


def per_million(per_token):
    """USD per token -> USD per million tokens, without float noise (12 significant digits)."""
    if isinstance(per_token, str):
        per_token = float(per_token)
    if not isinstance(per_token, (int, float)) or isinstance(per_token, bool) or per_token < 0:
        return None
    v = float("%.12g" % (per_token * 1e6))
    return int(v) if v == int(v) and abs(v) < 1e15 else v


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def canonical(name):
    """The form Canopy's index keeps (src/model/pricing/names.rs)."""
    return re.sub(r"[._ ]", "-", name.strip().lower())


def bare(name):
    """A host's name brought to its maker's: Bedrock's region, vendor and version, Vertex's @."""
    n = name.lower().split("/")[-1]
    n = re.sub(r"^(us|eu|apac|au|jp|global|us-gov)\.", "", n)
    n = re.sub(r"^(anthropic|meta|amazon|cohere|mistral|deepseek|openai)\.", "", n)
    n = re.sub(r"(-v\d+)?(:\d+)?$", "", n)
    n = n.replace("@", "-")
    return canonical(n)


# ---- inputs -----------------------------------------------------------------------------------
def read_litellm(path):
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            return z.read(LITELLM_MEMBER)
    with open(path, "rb") as f:
        return f.read()


def download_litellm(dest):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"litellm=={LITELLM_VERSION}", "--no-deps",
         "--only-binary=:all:", "--no-cache-dir", "-d", dest],
        check=True, stdout=sys.stderr,
    )
    wheels = [f for f in os.listdir(dest) if f.endswith(".whl") and f.startswith("litellm-")]
    if not wheels:
        sys.exit("gen.py: pip downloaded no litellm wheel")
    return os.path.join(dest, sorted(wheels)[0])


def read_langfuse(args):
    if args.langfuse:
        with open(args.langfuse, "rb") as f:
            return f.read()
    return subprocess.run(
        ["git", "--git-dir", args.langfuse_git, "show", f"{LANGFUSE_COMMIT}:{LANGFUSE_PATH}"],
        check=True, capture_output=True,
    ).stdout


def check_pin(what, data, want, unpinned):
    got = sha256(data)
    if got != want:
        msg = f"gen.py: {what} has sha256 {got}, the pin is {want}"
        if not unpinned:
            sys.exit(msg + " (pass --unpinned to build from it anyway, then update the pins)")
        print(msg, file=sys.stderr)


# ---- litellm ----------------------------------------------------------------------------------
def name_of(key):
    """litellm's key -> the table's name, or None for a region/commitment/quality key."""
    n = key
    for p in PREFIXES:
        if n.startswith(p):
            n = n[len(p):]
            break
    first = n.split("/", 1)[0]
    if "/" in n and REGIONISH.match(first):
        return None
    return n


def prices_of(v, keys):
    out = {}
    for field, key in keys:
        if key in v:
            p = per_million(v[key])
            if p is not None:
                out[field] = p
    return out


def tiers_of(v):
    sizes = sorted({int(m.group(1)) for k in v for m in [re.fullmatch(r"input_cost_per_token_above_(\d+)k_tokens", k)] if m})
    tiers = []
    for s in sizes:
        t = {"above": s * 1000}
        t.update(prices_of(v, [(f, k.format(f"{s}k")) for f, k in TIER_KEYS]))
        if len(t) > 1:
            tiers.append(t)
    return tiers


def count(v):
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def from_litellm(data, log):
    entries = {}
    aliases = []  # (alias key, target key)
    skipped = {"provider": 0, "mode": 0, "maker": 0, "region": 0, "no token price": 0}
    for key, v in data.items():
        if not isinstance(v, dict) or key == "sample_spec":
            continue
        if "alias_of" in v:
            aliases.append((key, v["alias_of"]))
            continue
        prov = PROVIDERS.get(v.get("litellm_provider"))
        if prov is None:
            skipped["provider"] += 1
            continue
        if v.get("mode") not in MODES:
            skipped["mode"] += 1
            continue
        name = name_of(key)
        if name is None:
            skipped["region"] += 1
            continue
        if prov in MULTI and v.get("litellm_provider") not in GOOGLE_VERTEX and not COVERED.search(name):
            skipped["maker"] += 1
            continue
        e = {"name": name, "provider": prov}
        e.update(prices_of(v, PRICE_KEYS))
        if v.get("mode") == "embedding":
            e.pop("out", None) if not e.get("out") else None
        if "in" not in e and "out" not in e:
            skipped["no token price"] += 1
            if "input_cost_per_character" in v:
                log.append(f"per-character price only, left out: {key}")
            continue
        tiers = tiers_of(v)
        if tiers:
            e["tiers"] = tiers
        ctx = count(v.get("max_input_tokens")) or count(v.get("max_tokens"))
        if ctx:
            e["context"] = ctx
        mo = count(v.get("max_output_tokens"))
        if mo:
            e["max_out"] = mo
        e["src"] = "litellm"
        at = (prov, name)
        if at in entries:
            old = entries[at]
            same = {k: x for k, x in old[1].items() if k != "_key"} == e
            # the key written with its provider's prefix is litellm's own name for the entry
            keep_new = key.startswith(tuple(PREFIXES)) and not old[0].startswith(tuple(PREFIXES))
            if not same:
                log.append(f"litellm lists {prov} {name} twice ({old[0]}, {key}); kept {key if keep_new else old[0]}")
            if not keep_new:
                continue
        entries[at] = (key, e)
    by_key = {k: e for k, e in entries.values()}
    for alias, target in aliases:
        e = by_key.get(target)
        if e is not None:
            a = name_of(alias)
            if a and canonical(a) != canonical(e["name"]):
                e.setdefault("aliases", []).append(a)
    log.append("litellm entries left out: " + ", ".join(f"{n} ({k})" for k, n in skipped.items()))
    return [e for _, e in entries.values()]


# ---- Langfuse ---------------------------------------------------------------------------------
# Langfuse prices Vertex's PaLM models and Gemini 1.0/1.5 per character (Vertex's unit then;
# text-bison 2.5e-07 = $0.00025 per 1,000 characters), not per token: not usable for tokens.
PER_CHARACTER = re.compile(r"bison|gecko|unicorn|^gemini-1\.[05]|^gemini-pro$")


def langfuse_provider(name):
    n = name.lower()
    if n.startswith("claude"):
        return "anthropic"
    if re.search(r"bison|gecko|unicorn", n):
        return "vertex_ai"
    if n.startswith("gemini"):
        return "gemini"
    return "openai"


def from_langfuse(data, ours, log):
    """Langfuse's models litellm lacks (for the same provider), with src "langfuse"."""
    have = {(e["provider"], canonical(e["name"])) for e in ours}
    windows = {}
    for e in ours:  # a context window for Langfuse's entries, from any host of the same model
        if "context" in e:
            windows.setdefault(bare(e["name"]), (e.get("context"), e.get("max_out")))
    added, disagree = [], []
    ours_by = {(e["provider"], canonical(e["name"])): e for e in ours}
    per_char = []
    for m in data:
        name = m["modelName"]
        prov = langfuse_provider(name)
        if PER_CHARACTER.search(name):
            per_char.append(name)
            continue
        tier = next((t for t in m.get("pricingTiers", []) if t.get("isDefault")), None)
        if tier is None:
            continue
        p = tier["prices"]
        # the model's id as the API writes it, where the pattern spells it (claude-3-5-sonnet-…
        # for Langfuse's "claude-3.5-sonnet-…"); patterns themselves are not shipped
        for lit in re.findall(r"[A-Za-z0-9:@-]+(?:\\\.[A-Za-z0-9:@-]+|\.[A-Za-z0-9:@-]+)*", m.get("matchPattern", "")):
            lit = lit.replace("\\", "")
            if canonical(lit) == canonical(name) and lit != name:
                name = lit
                break
        e = {"name": name, "provider": prov}
        for field, keys in LANGFUSE_KEYS:
            k = next((k for k in keys if k in p), None)
            if k is not None:
                e[field] = per_million(p[k])
        if "in" not in e and "out" not in e and "total" in p:
            # old completion and embedding models are priced per token whatever its kind
            e["in"] = per_million(p["total"])
            if not re.search(r"embedding|gecko", name):
                e["out"] = e["in"]
        if "in" not in e and "out" not in e:
            continue
        at = (prov, canonical(name))
        if at in have:
            o = ours_by[at]
            if (o.get("in"), o.get("out")) != (e.get("in"), e.get("out")):
                disagree.append(f"{prov} {name}: litellm {o.get('in')}/{o.get('out')}, langfuse {e.get('in')}/{e.get('out')}")
            continue
        w = windows.get(bare(name))
        if w:
            if w[0]:
                e["context"] = w[0]
            if w[1]:
                e["max_out"] = w[1]
        e["src"] = "langfuse"
        have.add(at)
        added.append(e)
    log.append(f"langfuse: {len(added)} models litellm lacks added")
    log.append("langfuse: priced per character (Vertex's old unit), left out: " + ", ".join(per_char))
    for d in disagree:
        log.append("litellm and langfuse disagree (litellm kept): " + d)
    return added


# ---- output -----------------------------------------------------------------------------------
def ordered(e):
    return {k: e[k] for k in FIELDS if k in e and e[k] is not None}


def build(litellm_bytes, langfuse_bytes, log):
    lite = from_litellm(json.loads(litellm_bytes), log)
    lf = from_langfuse(json.loads(langfuse_bytes), lite, log)
    models = lite + lf
    rank = {p: i for i, p in enumerate(ORDER)}
    models.sort(key=lambda e: (rank[e["provider"]], canonical(e["name"]), e["name"]))
    return {
        "version": 1,
        "sources": {
            "litellm": {
                "package": f"litellm=={LITELLM_VERSION}",
                "file": "model_prices_and_context_window.json",
                "date": LITELLM_DATE,
            },
            "langfuse": {
                "repo": LANGFUSE_REPO,
                "commit": LANGFUSE_COMMIT,
                "path": LANGFUSE_PATH,
                "date": LANGFUSE_DATE,
            },
        },
        "unit": "USD per 1M tokens",
        "models": [ordered(e) for e in models],
    }


def dump(table):
    """One model a line: compact, yet a diff shows which models changed."""
    head = json.dumps({k: v for k, v in table.items() if k != "models"}, separators=(",", ":"))
    lines = [json.dumps(m, separators=(",", ":"), ensure_ascii=False) for m in table["models"]]
    return head[:-1] + ',"models":[\n' + ",\n".join(lines) + "\n]}\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--litellm", help="litellm's JSON, or the litellm wheel holding it")
    ap.add_argument("--download", action="store_true", help=f"pip download litellm=={LITELLM_VERSION} first")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--langfuse", help="Langfuse's default-model-prices.json")
    src.add_argument("--langfuse-git", help="a git dir of langfuse/langfuse holding the pinned commit")
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "public", "models.json"))
    ap.add_argument("--unpinned", action="store_true", help="accept inputs whose sha256 differs from the pins")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if bool(args.litellm) == args.download:
        ap.error("give one of --litellm PATH or --download")
    if args.download:
        tmp = tempfile.mkdtemp(prefix="canopy-litellm-")
        args.litellm = download_litellm(tmp)
    lite = read_litellm(args.litellm)
    check_pin("litellm's JSON", lite, LITELLM_JSON_SHA256, args.unpinned)
    lf = read_langfuse(args)
    check_pin("Langfuse's JSON", lf, LANGFUSE_JSON_SHA256, args.unpinned)
    log = []
    table = build(lite, lf, log)
    text = dump(table)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    if not args.quiet:
        for line in log:
            print(line, file=sys.stderr)
        counts = {}
        for m in table["models"]:
            counts[m["provider"]] = counts.get(m["provider"], 0) + 1
        print(f"{args.out}: {len(table['models'])} models, {len(text.encode())} bytes; "
              + ", ".join(f"{p} {n}" for p, n in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
