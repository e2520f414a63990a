# Computes expected.json for a realdata fixture folder from the request bodies, with opentelemetry-proto.
"""Usage: python expect.py tests/fixtures/realdata/LIBRARY   (needs opentelemetry-proto, protobuf)

This is the independent reading the golden test (tests/realdata_corpus.rs) is checked against:
it never runs Canopy's code. It reads the request bodies listed in index.jsonl as they were sent
(gunzip when Content-Encoding was gzip; protobuf parsed into ExportTraceServiceRequest /
ExportLogsServiceRequest; OTLP JSON bodies parsed by json_format after their hex ids are turned
into base64), then counts:

- traces: distinct trace ids over all spans of all requests (a trace split over requests is one);
- spans: distinct (trace id, span id) pairs; duplicates (the same span sent twice) are counted
  apart in `duplicate_spans`;
- roots: spans whose parent id is empty or names no span of the same trace (orphans included;
  `orphans` counts those with a parent id that is missing);
- error_spans: status code ERROR, or an event named `exception`;
- log_records: every log record of every /v1/logs request;
- spans_per_trace: trace id (hex) -> span count;
- errors_per_trace, tokens_per_trace: the same error and token counts (below) per trace id, for a
  view that shows them per trace (e2e/realdata.test.mjs: the trace list);
- tokens. A span is a *token carrier* when it has any of
    gen_ai.usage.input_tokens / gen_ai.usage.prompt_tokens            -> input
    gen_ai.usage.output_tokens / gen_ai.usage.completion_tokens       -> output
    llm.token_count.prompt / llm.token_count.completion               -> input / output
    ai.usage.inputTokens|promptTokens / ai.usage.outputTokens|completionTokens (Vercel AI SDK)
    langfuse.observation.usage_details (JSON: input|prompt_tokens|input_tokens, output|...)
    mlflow.chat.tokenUsage (JSON: input_tokens, output_tokens)
  (the first key found in that order, per side; a value is an int or a numeric string). A carrier
  counts only if NO descendant span (through parent ids, within the trace) is a carrier: tokens
  count once, on the deepest carriers. Carriers whose operation is embeddings
  (gen_ai.operation.name=embeddings, openinference.span.kind=EMBEDDING,
  langfuse.observation.type=embedding, llm.request.type=embedding) go to `embedding_input_tokens`
  (their input side) and not to `input_tokens`/`output_tokens`;
- models: the set of the first of gen_ai.response.model, llm.model_name, gen_ai.request.model,
  langfuse.observation.model.name, ai.response.model, ai.model.id, embedding.model_name found on
  each span.
- requests: number of request bodies per path (informational).
"""

import base64
import gzip
import json
import os
import sys
from collections import Counter, defaultdict

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

ID_KEYS = {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}


def _hex_ids_to_base64(v):
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k in ID_KEYS and isinstance(x, str) and x and all(c in "0123456789abcdefABCDEF" for c in x):
                x = base64.b64encode(bytes.fromhex(x)).decode()
            out[k] = _hex_ids_to_base64(x)
        return out
    if isinstance(v, list):
        return [_hex_ids_to_base64(x) for x in v]
    return v


def kind_of(path):
    p = path.split("?")[0]
    if p.endswith("/v1/traces"):
        return "traces"
    if p.endswith("/v1/logs"):
        return "logs"
    return None


def requests(folder):
    """Yields (kind, index entry, parsed request) for every OTLP trace/log request, in order."""
    with open(os.path.join(folder, "index.jsonl")) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    for e in entries:
        if e.get("method") != "POST":
            continue
        kind = kind_of(e["path"])
        if kind is None:
            continue
        with open(os.path.join(folder, e["file"]), "rb") as f:
            data = f.read()
        if e["file"].endswith(".gz"):
            data = gzip.decompress(data)
        msg = ExportTraceServiceRequest() if kind == "traces" else ExportLogsServiceRequest()
        if "json" in e["content_type"]:
            json_format.Parse(json.dumps(_hex_ids_to_base64(json.loads(data))), msg)
        else:
            msg.ParseFromString(data)
        yield kind, e, msg


def value(av):
    which = av.WhichOneof("value")
    if which is None:
        return None
    v = getattr(av, which)
    if which in ("array_value", "kvlist_value", "bytes_value"):
        return None
    return v


def num(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return int(v)
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def usage(attrs):
    """(input, output) or None when the span carries no token counts."""
    def first(keys):
        for k in keys:
            n = num(attrs.get(k))
            if n is not None:
                return n
        return None

    inp = first(["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt",
                 "ai.usage.inputTokens", "ai.usage.promptTokens"])
    out = first(["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion",
                 "ai.usage.outputTokens", "ai.usage.completionTokens"])
    for key, ins, outs in [("langfuse.observation.usage_details", ["input", "prompt_tokens", "input_tokens"],
                            ["output", "completion_tokens", "output_tokens"]),
                           ("mlflow.chat.tokenUsage", ["input_tokens"], ["output_tokens"])]:
        if key in attrs and inp is None and out is None:
            try:
                d = json.loads(attrs[key])
            except (TypeError, ValueError):
                continue
            if isinstance(d, dict):
                inp = next((num(d[k]) for k in ins if num(d.get(k)) is not None), None)
                out = next((num(d[k]) for k in outs if num(d.get(k)) is not None), None)
    if inp is None and out is None:
        return None
    return (inp or 0, out or 0)


def is_embedding(attrs):
    return (str(attrs.get("gen_ai.operation.name", "")).lower() == "embeddings"
            or str(attrs.get("openinference.span.kind", "")).upper() == "EMBEDDING"
            or str(attrs.get("langfuse.observation.type", "")).lower() == "embedding"
            or str(attrs.get("llm.request.type", "")).lower() == "embedding")


MODEL_KEYS = ["gen_ai.response.model", "llm.model_name", "gen_ai.request.model", "langfuse.observation.model.name",
              "ai.response.model", "ai.model.id", "embedding.model_name"]


def expect(folder):
    spans = {}  # (trace, span) -> dict
    duplicates = 0
    log_records = 0
    per_path = Counter()
    for kind, e, msg in requests(folder):
        per_path[e["path"].split("?")[0]] += 1
        if kind == "logs":
            log_records += sum(len(sl.log_records) for rl in msg.resource_logs for sl in rl.scope_logs)
            continue
        for rs in msg.resource_spans:
            for ss in rs.scope_spans:
                for s in ss.spans:
                    key = (s.trace_id.hex(), s.span_id.hex())
                    if key in spans:
                        duplicates += 1
                        continue
                    attrs = {a.key: value(a.value) for a in s.attributes}
                    spans[key] = {
                        "parent": s.parent_span_id.hex(),
                        "error": s.status.code == 2 or any(ev.name == "exception" for ev in s.events),
                        "usage": usage(attrs),
                        "embedding": is_embedding(attrs),
                        "model": next((attrs[k] for k in MODEL_KEYS if attrs.get(k)), None),
                    }
    per_trace = Counter(t for t, _ in spans)
    children = defaultdict(list)
    roots = orphans = 0
    for (t, s), sp in spans.items():
        if sp["parent"] and (t, sp["parent"]) in spans:
            children[(t, sp["parent"])].append((t, s))
        else:
            roots += 1
            orphans += bool(sp["parent"])

    memo = {}

    def carrier_below(key):
        # iterative post-order: does any descendant of key carry usage?
        if key in memo:
            return memo[key]
        stack, order = [key], []
        while stack:
            k = stack.pop()
            order.append(k)
            stack.extend(c for c in children.get(k, []) if c not in memo)
        for k in reversed(order):
            memo[k] = any(spans[c]["usage"] is not None or memo[c] for c in children.get(k, []))
        return memo[key]

    tin = tout = emb = 0
    errors_per_trace = Counter({t: 0 for t in per_trace})
    tokens_per_trace = {t: {"input": 0, "output": 0, "embedding_input": 0} for t in per_trace}
    for (t, _), sp in spans.items():
        errors_per_trace[t] += sp["error"]
    for key, sp in spans.items():
        if sp["usage"] is None or carrier_below(key):
            continue
        mine = tokens_per_trace[key[0]]
        if sp["embedding"]:
            emb += sp["usage"][0]
            mine["embedding_input"] += sp["usage"][0]
        else:
            tin += sp["usage"][0]
            tout += sp["usage"][1]
            mine["input"] += sp["usage"][0]
            mine["output"] += sp["usage"][1]
    return {
        "traces": len(per_trace),
        "spans": len(spans),
        "duplicate_spans": duplicates,
        "roots": roots,
        "orphans": orphans,
        "error_spans": sum(sp["error"] for sp in spans.values()),
        "log_records": log_records,
        "input_tokens": tin,
        "output_tokens": tout,
        "embedding_input_tokens": emb,
        "models": sorted({sp["model"] for sp in spans.values() if sp["model"]}),
        "spans_per_trace": dict(sorted(per_trace.items())),
        "errors_per_trace": dict(sorted(errors_per_trace.items())),
        "tokens_per_trace": dict(sorted(tokens_per_trace.items())),
        "requests": dict(sorted(per_path.items())),
    }


def main():
    folder = sys.argv[1]
    result = expect(folder)
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(json.dumps({k: v for k, v in result.items() if k != "spans_per_trace"}))


if __name__ == "__main__":
    main()
