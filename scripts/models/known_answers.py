#!/usr/bin/env python3
"""Writes tests/fixtures/pricing/known_answers.json: costs worked by hand for Rust's unit tests.

Every rate below is typed from the pinned sources (USD per token, as the source writes it:
litellm 1.110.2's model_prices_and_context_window.json of 2026-11-20, Langfuse's
default-model-prices.json at 62751446149b of 2026-08-21), not read from public/models.json or
any Canopy code. Sums are exact (Decimal); `why` shows the arithmetic.

Counting (docs/costs.md): "within" = cached/audio tokens are part of `input` and reasoning/audio
tokens part of `output` (OpenAI, OTel GenAI, OpenInference), so input is priced as
input - parts; "apart" = the parts are counted besides input (Anthropic's API), which is how
Canopy reads a usage whose parts exceed its input.
"""

import json
import os
from decimal import Decimal as D

LITELLM = "litellm==1.110.2 model_prices_and_context_window.json (2026-11-20)"
LANGFUSE = "langfuse/langfuse@62751446149b worker/src/constants/default-model-prices.json (2026-08-21)"

# (model as a trace names it, provider hint, tokens, counting, entry (provider, name), source,
#  per-token rates {kind: "rate"}, note)
CASES = [
    ("gpt-4o-2024-08-06", "openai", dict(input=10000, cache_read=4000, output=500), "within",
     ("openai", "gpt-4o-2024-08-06"), LITELLM,
     dict(input="2.5e-06", cache_read="1.25e-06", output="1e-05"), "a dated snapshot litellm prices on its own"),
    ("openai/gpt-4o", None, dict(input=1000, output=200), "within",
     ("openai", "gpt-4o"), LITELLM, dict(input="2.5e-06", output="1e-05"), "host prefix dropped; OpenAI's entry is first"),
    ("text-embedding-3-small", "az.ai.openai", dict(input=50000), "within",
     ("azure", "text-embedding-3-small"), LITELLM, dict(input="2.2e-08"),
     "the span's provider picks Azure's price (OpenAI's is 2e-08: $0.001)"),
    ("text-embedding-3-small", None, dict(input=50000), "within",
     ("openai", "text-embedding-3-small"), LITELLM, dict(input="2e-08"), "no provider: the table's first (OpenAI)"),
    ("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "aws.bedrock",
     dict(input=2000, cache_read=10000, cache_write=3000, output=800), "apart",
     ("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0"), LITELLM,
     dict(input="3e-06", cache_read="3e-07", cache_write="3.75e-06", output="1.5e-05"),
     "Bedrock's own name; Anthropic counts cache tokens apart (13000 > 2000)"),
    ("models/gemini-2.5-pro", None, dict(input=100000, cache_read=20000, output=2000, reasoning=1500), "within",
     ("gemini", "gemini-2.5-pro"), LITELLM,
     dict(input="1.25e-06", cache_read="1.25e-07", output="1e-05", reasoning="1e-05"),
     "no reasoning price: thinking tokens at the output rate; prompt under the 200k tier"),
    ("claude-3-5-sonnet-20241022", "anthropic", dict(input=500, cache_write=4000, output=1000), "apart",
     ("anthropic", "claude-3-5-sonnet-20241022"), LANGFUSE,
     dict(input="3e-06", cache_write="3.75e-06", output="1.5e-05"),
     "litellm 1.110.2 no longer lists it first-party: Langfuse's price (5-minute cache write)"),
    ("o3-mini-2025-01-31", "openai", dict(input=2000, output=3000, reasoning=2500), "within",
     ("openai", "o3-mini-2025-01-31"), LITELLM,
     dict(input="1.1e-06", output="4.4e-06", reasoning="4.4e-06"), "reasoning within output, at the output rate"),
    ("deepseek-reasoner", "deepseek", dict(input=10000, cache_read=6000, output=1000), "within",
     ("deepseek", "deepseek-reasoner"), LITELLM,
     dict(input="2.8e-07", cache_read="2.8e-08", output="4.2e-07"), "cache hits at a tenth"),
    ("xai/grok-4.3", None, dict(input=1000, output=1000), "within",
     ("xai", "grok-4.3"), LITELLM, dict(input="1.25e-06", output="2.5e-06"), "prompt under the 200k tier"),
    ("command-r-08-2024", "cohere", dict(input=10000, output=1000), "within",
     ("cohere", "command-r-08-2024"), LITELLM, dict(input="1.5e-07", output="6e-07"), "litellm's cohere_chat"),
    ("mistral/mistral-large-latest", None, dict(input=3000, output=1000), "within",
     ("mistral", "mistral-large-latest"), LITELLM, dict(input="5e-07", output="1.5e-06"), ""),
    ("us.amazon.nova-pro-v1:0", "aws.bedrock", dict(input=10000, output=1000), "within",
     ("bedrock", "us.amazon.nova-pro-v1:0"), LITELLM, dict(input="8e-07", output="3.2e-06"), "cross-region name, listed as it is"),
    ("vertex_ai/claude-3-5-sonnet@20240620", "gcp.vertex_ai", dict(input=1000, output=100), "within",
     ("vertex_ai", "claude-3-5-sonnet@20240620"), LITELLM, dict(input="3e-06", output="1.5e-05"), "Vertex's @ snapshot name"),
    ("gpt-4o-mini-audio-preview-2024-12-17", "openai",
     dict(input=1000, audio_input=600, output=500, audio_output=300), "within",
     ("openai", "gpt-4o-mini-audio-preview-2024-12-17"), LITELLM,
     dict(input="1.5e-07", audio_input="1e-05", output="6e-07", audio_output="2e-05"), "audio tokens within input and output"),
    ("meta.llama3-3-70b-instruct-v1:0", "aws.bedrock", dict(input=10000, output=2000), "within",
     ("bedrock", "meta.llama3-3-70b-instruct-v1:0"), LITELLM, dict(input="7.2e-07", output="7.2e-07"), "Meta Llama on Bedrock"),
]


def cost(tokens, counting, rates):
    t = dict(tokens)
    if counting == "within":
        t["input"] = t.get("input", 0) - t.get("cache_read", 0) - t.get("cache_write", 0) - t.get("audio_input", 0)
        t["output"] = t.get("output", 0) - t.get("reasoning", 0) - t.get("audio_output", 0)
    total, parts = D(0), []
    for kind in ["input", "cache_read", "cache_write", "audio_input", "output", "reasoning", "audio_output"]:
        n = t.get(kind, 0)
        if n:
            usd = D(n) * D(rates[kind])
            total += usd
            parts.append(f"{n} {kind} x {rates[kind]} = {usd.normalize():f}")
    return total, parts


def main():
    out = []
    for model, hint, tokens, counting, (prov, name), src, rates, note in CASES:
        total, parts = cost(tokens, counting, rates)
        why = f"{src}: " + "; ".join(parts) + f"; total {total.normalize():f}" + (f" ({note})" if note else "")
        out.append({
            "model": model, "provider": hint, "tokens": tokens, "counting": counting,
            "entry": {"provider": prov, "name": name},
            "per_million": {k: float(D(v) * 1000000) for k, v in rates.items()},
            "expected_usd": float(total), "why": why,
        })
    # tiers are in models.json ("tiers") but not (yet) applied: the flat answer, and the tiered one
    flat, fp = cost(dict(input=250000, output=1000), "within", dict(input="1.25e-06", output="1e-05"))
    tier, tp = cost(dict(input=250000, output=1000), "within", dict(input="2.5e-06", output="1.5e-05"))
    out.append({
        "model": "gemini-2.5-pro", "provider": "gemini", "tokens": dict(input=250000, output=1000), "counting": "within",
        "entry": {"provider": "gemini", "name": "gemini-2.5-pro"},
        "per_million": {"input": 1.25, "output": 10.0},
        "expected_usd": float(flat), "expected_usd_if_tiered": float(tier), "needs_tiers": True,
        "why": f"{LITELLM}: flat: " + "; ".join(fp) + f"; total {flat.normalize():f}. Above 200k tokens the source "
               "prices input_cost_per_token_above_200k_tokens 2.5e-06, output_cost_per_token_above_200k_tokens 1.5e-05: "
               + "; ".join(tp) + f"; total {tier.normalize():f}",
    })
    out.append({
        "model": "my-fine-tune", "provider": None, "tokens": dict(input=1000, output=1000), "counting": "within",
        "entry": None, "per_million": None, "expected_usd": None,
        "why": "no entry matches: never priced by a guess",
    })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "pricing", "known_answers.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(json.dumps(out, indent=1) + "\n")
    print(path, len(out), "cases")


if __name__ == "__main__":
    main()
