"""What tests/fixtures/mlflow/ holds, as MLflow's own readers read it: the expectations of
tests/import_mlflow.rs, never computed by Canopy.

Readers: `mlflow.entities.Trace.from_json` (trace files, lists, the `trace` column of
`search_traces` output, which is read by pandas), `TraceInfo.from_proto`, `TraceInfoV2.from_proto`
and `Trace.from_proto` over the REST answers parsed by `google.protobuf.json_format` into MLflow's
own response messages, and for the OTLP
export `opentelemetry-proto`'s `ExportTraceServiceRequest` (the protobuf body as sent, checked to
render to the committed JSON line).

Usage: python mlflow_expect.py tests/fixtures/mlflow > tests/fixtures/mlflow/expected-by-mlflow-python.txt
(in the mlflow==3.17.2 venv of mlflow_traces.py; the output is JSON, named .txt so that the
fixture walkers do not take it for a trace file)
"""

import json
import os
import sys
from collections import Counter

import pandas as pd
from google.protobuf.json_format import MessageToJson, Parse
from mlflow.entities import Trace, TraceInfo
from mlflow.entities.trace_info_v2 import TraceInfoV2
from mlflow.protos.service_pb2 import BatchGetTraces, GetTrace, SearchTraces, SearchTracesV3
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

DIR = sys.argv[1]


def tokens_of(usages):
    return {k: sum(u.get(k, 0) for u in usages) for k in ("input_tokens", "output_tokens", "total_tokens")}


def assessment(a):
    kind = "feedback" if a.feedback is not None else "expectation"
    return {
        "name": a.name,
        "kind": kind,
        "value": a.value,
        "source_type": a.source.source_type,
        "span_id": a.span_id,
        "rationale": a.rationale,
    }


def of_trace(t: Trace):
    spans = t.data.spans
    ids = {s.span_id for s in spans}
    carriers = [s for s in spans if s.get_attribute("mlflow.chat.tokenUsage")]
    # the deepest carriers: a carrier none of whose descendants carries usage (here every carrier
    # is a leaf; checked by asserting no carrier is another's parent)
    assert not any(c.parent_id == d.span_id for c in carriers for d in carriers)
    meta = t.info.trace_metadata
    cost = json.loads(meta["mlflow.trace.cost"])["total_cost"] if "mlflow.trace.cost" in meta else None
    return {
        "trace_id": t.info.trace_id,
        "name": t.info.tags.get("mlflow.traceName"),
        "state": str(t.info.state),
        "request_time_ms": t.info.request_time,
        "spans": len(spans),
        "roots": sum(1 for s in spans if s.parent_id is None or s.parent_id not in ids),
        "errors": sum(1 for s in spans if s.status.status_code == "ERROR"),
        "span_types": dict(Counter(s.span_type for s in spans)),
        "tokens": tokens_of([c.get_attribute("mlflow.chat.tokenUsage") for c in carriers]),
        "token_carriers": len(carriers),
        "trace_token_usage": json.loads(meta["mlflow.trace.tokenUsage"]) if "mlflow.trace.tokenUsage" in meta else None,
        "cost_usd": cost,
        "session": meta.get("mlflow.trace.session"),
        "user": meta.get("mlflow.trace.user"),
        "documents": sum(len(s.outputs or []) for s in spans if s.span_type == "RETRIEVER"),
        "models": sorted({s.get_attribute("mlflow.llm.model") for s in spans if s.get_attribute("mlflow.llm.model")}),
        "assessments": [assessment(a) for a in t.info.assessments if a.valid is not False],
    }


out = {}
for name in ["mlflow-3.17.2-trace-v3.json", "mlflow-skinny-2.21.3-trace-v2.json"]:
    out[name] = [of_trace(Trace.from_json(open(os.path.join(DIR, name)).read()))]

out["mlflow-3.17.2-traces-list.json"] = [
    of_trace(Trace.from_dict(d)) for d in json.load(open(os.path.join(DIR, "mlflow-3.17.2-traces-list.json")))
]

for name, orient, lines in [
    ("mlflow-3.17.2-search-traces.json", "records", False),
    ("mlflow-3.17.2-search-traces.jsonl", "records", True),
    ("mlflow-3.17.2-search-traces-columns.json", "columns", False),
]:
    df = pd.read_json(os.path.join(DIR, name), orient=orient, lines=lines, dtype=False)
    out[name] = [of_trace(Trace.from_json(s)) for s in df["trace"]]

rest = Parse(open(os.path.join(DIR, "mlflow-3.17.2-rest-search-v3.json")).read(), SearchTracesV3.Response())
out["mlflow-3.17.2-rest-search-v3.json"] = []
for p in rest.traces:
    info = TraceInfo.from_proto(p)
    meta = info.trace_metadata
    out["mlflow-3.17.2-rest-search-v3.json"].append({
        "trace_id": info.trace_id,
        "name": info.tags.get("mlflow.traceName"),
        "state": str(info.state),
        "request_time_ms": info.request_time,
        "execution_duration_ms": info.execution_duration,
        "spans": 0,
        "session": meta.get("mlflow.trace.session"),
        "user": meta.get("mlflow.trace.user"),
        "cost_usd": json.loads(meta["mlflow.trace.cost"])["total_cost"] if "mlflow.trace.cost" in meta else None,
        "assessments": [assessment(a) for a in info.assessments if a.valid is not False],
    })

# the deprecated v2 search: TraceInfo v2 protos
rest2 = Parse(open(os.path.join(DIR, "mlflow-3.17.2-rest-search-v2.json")).read(), SearchTraces.Response())
out["mlflow-3.17.2-rest-search-v2.json"] = []
for p in rest2.traces:
    info = TraceInfoV2.from_proto(p)
    out["mlflow-3.17.2-rest-search-v2.json"].append({
        "trace_id": info.request_id,
        "name": info.tags.get("mlflow.traceName"),
        "state": str(info.status),
        "request_time_ms": info.timestamp_ms,
        "spans": 0,
        "session": info.request_metadata.get("mlflow.trace.session"),
        "user": info.request_metadata.get("mlflow.trace.user"),
    })

# one trace and a batch of them with their spans (the spans as OTLP protos)
get = Parse(open(os.path.join(DIR, "mlflow-3.17.2-rest-get-v3.json")).read(), GetTrace.Response())
out["mlflow-3.17.2-rest-get-v3.json"] = [of_trace(Trace.from_proto(get.trace))]
batch = Parse(open(os.path.join(DIR, "mlflow-3.17.2-rest-batch-get-v3.json")).read(), BatchGetTraces.Response())
out["mlflow-3.17.2-rest-batch-get-v3.json"] = [of_trace(Trace.from_proto(t)) for t in batch.traces]

# OTLP: the protobuf body as sent, rendered to JSON by protobuf itself, must be the committed line
body = open(os.path.join(DIR, "mlflow-3.17.2-otlp.bin"), "rb").read()
req = ExportTraceServiceRequest()
req.ParseFromString(body)
lines = open(os.path.join(DIR, "mlflow-3.17.2-otlp.jsonl")).read().splitlines()
assert len(lines) == 1 and json.loads(MessageToJson(req, indent=None)) == json.loads(lines[0])
traces = {}
for rs in req.resource_spans:
    for ss in rs.scope_spans:
        for s in ss.spans:
            tid = s.trace_id.hex()
            t = traces.setdefault(tid, {"trace_id": tid, "spans": 0, "roots": 0, "errors": 0, "span_types": Counter(),
                                        "usages": [], "request_id": None})
            attrs = {a.key: json.loads(a.value.string_value) for a in s.attributes}
            t["spans"] += 1
            t["roots"] += 0 if s.parent_span_id else 1
            t["errors"] += 1 if s.status.code == 2 else 0
            t["span_types"][attrs.get("mlflow.spanType")] += 1
            t["request_id"] = attrs.get("mlflow.traceRequestId")
            if "mlflow.chat.tokenUsage" in attrs:
                t["usages"].append(attrs["mlflow.chat.tokenUsage"])
out["mlflow-3.17.2-otlp.jsonl"] = [
    {
        "trace_id": t["trace_id"],
        "request_id": t["request_id"],
        "spans": t["spans"],
        "roots": t["roots"],
        "errors": t["errors"],
        "span_types": dict(t["span_types"]),
        "tokens": tokens_of(t["usages"]),
        "token_carriers": len(t["usages"]),
    }
    for t in traces.values()
]

print(json.dumps(out, indent=1, sort_keys=True, default=str))
