#!/usr/bin/env python3
"""Checks public/models.json: its shape, a dozen prices typed from the pinned sources, and the
entries tests/fixtures/pricing/known_answers.json relies on.

  check.py [--table public/models.json] [--litellm JSON-or-wheel] [--langfuse JSON]

With --litellm / --langfuse it also compares every entry with the source it names (each price
= the source's USD per token x 1e6, to 1e-9 relative).

Known prices below are from litellm 1.110.2 (uploaded to PyPI 2026-11-20) and Langfuse
62751446149b (default-model-prices.json as of 2026-08-21), in USD per million tokens.
"""

import argparse
import json
import os
import re
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")

# (provider, name) -> {field: value}; typed from the sources, not from the table
KNOWN = {
    ("openai", "gpt-4o"): dict(**{"in": 2.5, "out": 10, "cache_read": 1.25, "context": 128000, "max_out": 16384, "src": "litellm"}),
    ("openai", "gpt-4o-mini"): {"in": 0.15, "out": 0.6, "cache_read": 0.075},
    ("openai", "o3-mini"): {"in": 1.1, "out": 4.4, "cache_read": 0.55, "context": 200000},
    ("openai", "text-embedding-3-small"): {"in": 0.02, "context": 8191},
    ("openai", "gpt-4o-mini-audio-preview-2024-12-17"): {"in": 0.15, "out": 0.6, "audio_in": 10, "audio_out": 20},
    ("azure", "text-embedding-3-small"): {"in": 0.022},
    ("anthropic", "claude-sonnet-4-5"): {"in": 3, "out": 15, "cache_read": 0.3, "cache_write": 3.75, "context": 200000, "max_out": 64000},
    ("anthropic", "claude-3-5-sonnet-20240620"): {"in": 3, "out": 15, "cache_read": 0.3, "cache_write": 3.75, "src": "langfuse"},
    ("anthropic", "claude-3-opus-20240229"): {"in": 15, "out": 75, "src": "langfuse"},
    ("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0"): {"in": 3, "out": 15, "cache_read": 0.3, "cache_write": 3.75, "context": 200000},
    ("bedrock", "amazon.nova-pro-v1:0"): {"in": 0.8, "out": 3.2, "cache_read": 0.2, "context": 300000},
    ("bedrock", "meta.llama3-3-70b-instruct-v1:0"): {"in": 0.72, "out": 0.72},
    ("vertex_ai", "claude-3-5-sonnet@20240620"): {"in": 3, "out": 15},
    ("gemini", "gemini-2.5-pro"): {"in": 1.25, "out": 10, "cache_read": 0.125, "context": 1048576,
                                   "tiers": [{"above": 200000, "in": 2.5, "out": 15, "cache_read": 0.25}]},
    ("deepseek", "deepseek-chat"): {"in": 0.28, "out": 0.42, "cache_read": 0.028},
    ("xai", "grok-4.3"): {"in": 1.25, "out": 2.5, "cache_read": 0.2},
    ("mistral", "mistral-large-latest"): {"in": 0.5, "out": 1.5},
    ("cohere", "command-r-08-2024"): {"in": 0.15, "out": 0.6},
    ("together_ai", "meta-llama/Llama-3.3-70B-Instruct-Turbo"): {"in": 1.04, "out": 1.04},
}
PRICES = ["in", "out", "cache_read", "cache_write", "reasoning", "audio_in", "audio_out", "image_in"]
KINDS = {"input": "in", "output": "out", "cache_read": "cache_read", "cache_write": "cache_write",
         "reasoning": "reasoning", "audio_input": "audio_in", "audio_output": "audio_out"}
FALLBACK = {"cache_read": "in", "cache_write": "in", "audio_in": "in", "reasoning": "out", "audio_out": "out"}

failures = []


def fail(msg):
    failures.append(msg)


def close(a, b):
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-12)


def structure(t):
    if t.get("version") != 1:
        fail("version is not 1")
    for k in ["litellm", "langfuse"]:
        s = t.get("sources", {}).get(k)
        if not s or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s.get("date", "")):
            fail(f"source {k} has no date")
    seen, canon = set(), {}
    for m in t["models"]:
        # Canopy finds names by their canonical form: two of one provider must price alike
        c = (m.get("provider"), re.sub(r"[._ ]", "-", (m.get("name") or "").strip().lower()))
        other = canon.setdefault(c, m)
        if other is not m and any(other.get(k) != m.get(k) for k in PRICES):
            fail(f"{c}: {other['name']} and {m['name']} read alike but are priced apart")
        at = (m.get("provider"), m.get("name"))
        if not all(isinstance(x, str) and x for x in at):
            fail(f"entry without a name or provider: {m}")
        low = (at[0], (at[1] or "").lower())
        if low in seen:
            fail(f"duplicate name within a provider: {at}")
        seen.add(low)
        if m.get("src") not in t["sources"]:
            fail(f"{at}: src {m.get('src')!r} is not a source")
        if "in" not in m and "out" not in m:
            fail(f"{at}: neither an input nor an output price")
        for k in PRICES:
            if k in m and not (isinstance(m[k], (int, float)) and m[k] >= 0):
                fail(f"{at}: {k} {m[k]!r} is not a price")
        for k in ["context", "max_out"]:
            if k in m and not (isinstance(m[k], int) and m[k] > 0):
                fail(f"{at}: {k} {m[k]!r} is not a positive count")
        for tier in m.get("tiers", []):
            if not (isinstance(tier.get("above"), int) and tier["above"] > 0):
                fail(f"{at}: tier without a size")
            if any(not (isinstance(tier[k], (int, float)) and tier[k] >= 0) for k in tier if k != "above"):
                fail(f"{at}: tier price not a price")
        if any(v is None for v in m.values()):
            fail(f"{at}: a null field (nulls are left out)")
    return {(m["provider"], m["name"]): m for m in t["models"]}


def known(by):
    for at, want in KNOWN.items():
        m = by.get(at)
        if m is None:
            fail(f"missing {at}")
            continue
        for k, v in want.items():
            got = m.get(k)
            if k == "tiers":
                ok = got is not None and len(got) == len(v) and all(
                    set(g) == set(w) and all(close(g[x], w[x]) for x in w) for g, w in zip(got, v))
            elif isinstance(v, str):
                ok = got == v
            else:
                ok = close(got, v)
            if not ok:
                fail(f"{at} {k}: table {got!r}, source {v!r}")


def answers(by):
    path = os.path.join(ROOT, "tests", "fixtures", "pricing", "known_answers.json")
    for c in json.load(open(path)):
        if c["entry"] is None:
            continue
        at = (c["entry"]["provider"], c["entry"]["name"])
        m = by.get(at)
        if m is None:
            fail(f"known answer {c['model']}: no entry {at}")
            continue
        for kind, rate in c["per_million"].items():
            k = KINDS[kind]
            got = m.get(k, m.get(FALLBACK.get(k, k)))
            if not close(got, rate):
                fail(f"known answer {c['model']}: {k} is {got} in the table, {rate} in the fixture")


def load_litellm(path):
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read("litellm/model_prices_and_context_window_backup.json"))
    return json.load(open(path))


def against_litellm(by, path):
    sys.path.insert(0, HERE)
    import gen  # the same name rules, to find each entry's key

    raw = load_litellm(path)
    keys = {}
    for key, v in raw.items():
        if isinstance(v, dict) and gen.PROVIDERS.get(v.get("litellm_provider")):
            n = gen.name_of(key)
            if n:
                keys.setdefault((gen.PROVIDERS[v["litellm_provider"]], n), []).append(key)
    n = 0
    for at, m in by.items():
        if m["src"] != "litellm":
            continue
        cands = keys.get(at, [])
        ok = False
        for key in cands:
            v = raw[key]
            if all(close(m.get(f), v[k] * 1e6) for f, k in gen.PRICE_KEYS if k in v and f in m) and \
               all(f in m for f, k in gen.PRICE_KEYS if k in v and not (f == "out" and v.get("mode") == "embedding")):
                ok = True
        if not ok:
            fail(f"{at}: prices differ from litellm's {cands}")
        n += 1
    print(f"check.py: {n} litellm entries agree with {os.path.basename(path)}")


def against_langfuse(by, path):
    raw = {m["modelName"]: m for m in json.load(open(path))}
    n = 0
    for at, m in by.items():
        if m["src"] != "langfuse":
            continue
        src = next((r for name, r in raw.items() if name.lower().replace(".", "-") == m["name"].lower().replace(".", "-")), None)
        if src is None:
            fail(f"{at}: not in Langfuse's file")
            continue
        p = next(t for t in src["pricingTiers"] if t["isDefault"])["prices"]
        want = next((p[k] for k in ["input", "input_tokens", "input_text", "input_text_tokens", "total"] if k in p), None)
        if want is None or not close(m.get("in"), want * 1e6):
            fail(f"{at}: input {m.get('in')} but Langfuse says {want} per token")
        n += 1
    print(f"check.py: {n} langfuse entries agree with {os.path.basename(path)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", default=os.path.join(ROOT, "public", "models.json"))
    ap.add_argument("--litellm")
    ap.add_argument("--langfuse")
    a = ap.parse_args()
    t = json.load(open(a.table))
    by = structure(t)
    known(by)
    answers(by)
    if a.litellm:
        against_litellm(by, a.litellm)
    if a.langfuse:
        against_langfuse(by, a.langfuse)
    for f in failures:
        print("FAIL", f)
    print(f"check.py: {len(t['models'])} models, {len(KNOWN)} known prices, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
