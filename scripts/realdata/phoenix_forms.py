"""Saves the forms of Phoenix span JSON that users have, as a real Phoenix writes them.

Run with the Python of `.tools/phoenix` (arize-phoenix 20.26.1, arize-phoenix-client 3.5.0) against a
Phoenix serving on loopback: `python phoenix_forms.py http://127.0.0.1:PORT OUTDIR`. It sends spans
with e2e/phoenix_seed.py (the OpenAI client instrumented by openinference, against a local stand-in),
annotates two of them through the REST API, and saves, unmodified:

- `spans-array.json`: `client.spans.get_spans(...)` (phoenix-client) dumped with `json.dump`;
- `spans.jsonl`: the same list, one span per line;
- `otlpv1-pages.json`: every page of `GET /v1/projects/default/spans/otlpv1?limit=2`, as a list;
- `span-annotations.json`: `GET /v1/projects/default/span_annotations?span_ids=...`;
- `spans-dataframe-evals.jsonl`: phoenix.trace.TraceDataset over `get_spans_dataframe` with a
  SpanEvaluations, `get_spans_dataframe(include_evaluations=True).to_json(orient="records", lines=True)`;
- `spans-dataframe-columns.json`: the same dataframe's `to_json()` with pandas' defaults (a dict of
  columns, each a dict from the row's index to its value);
- `spans-encoder.jsonl`: `phoenix.trace.span_json_encoder.spans_to_jsonl` of that dataset's spans;
- `span-annotations-dataframe.jsonl`: `client.spans.get_span_annotations_dataframe(...)` (indexed by
  `span_id`) `.reset_index().to_json(orient="records", lines=True)`.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pandas as pd
from phoenix.client import Client
from phoenix.trace import SpanEvaluations, TraceDataset
from phoenix.trace.span_json_encoder import spans_to_jsonl

base, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
seed = os.path.join(os.path.dirname(__file__), "..", "..", "e2e", "phoenix_seed.py")
ids = json.loads(subprocess.check_output([sys.executable, seed, base]))


def get(path):
    with urllib.request.urlopen(base + path) as r:
        return r.read()


def post(path, body):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), {"content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.read()


for _ in range(120):  # ingestion is asynchronous
    if len(json.loads(get("/v1/projects/default/spans?limit=100"))["data"]) >= 5:
        break
    time.sleep(1)

llm_span = None
client = Client(base_url=base)
spans = client.spans.get_spans(project_identifier="default", limit=100)
for s in spans:
    if s["span_kind"] == "LLM" and llm_span is None:
        llm_span = s["context"]["span_id"]
tool_span = ids["traces"][0]["spans"]["tool"]
post(
    "/v1/span_annotations?sync=true",
    {
        "data": [
            {"span_id": llm_span, "name": "correctness", "annotator_kind": "LLM",
             "result": {"label": "correct", "score": 1, "explanation": "matches the plan"}},
            {"span_id": tool_span, "name": "helpfulness", "annotator_kind": "HUMAN",
             "result": {"label": "unhelpful", "score": 0}},
        ]
    },
)
with open(os.path.join(out, "spans-array.json"), "w") as f:
    json.dump(spans, f, indent=1)
with open(os.path.join(out, "spans.jsonl"), "w") as f:
    for s in spans:
        f.write(json.dumps(s) + "\n")
pages, cursor = [], None
while True:
    page = json.loads(get("/v1/projects/default/spans/otlpv1?limit=2" + (f"&cursor={cursor}" if cursor else "")))
    pages.append(page)
    cursor = page.get("next_cursor")
    if not cursor:
        break
with open(os.path.join(out, "otlpv1-pages.json"), "w") as f:
    json.dump(pages, f, indent=1)
with open(os.path.join(out, "span-annotations.json"), "wb") as f:
    f.write(get(f"/v1/projects/default/span_annotations?span_ids={llm_span}&span_ids={tool_span}"))

df = client.spans.get_spans_dataframe(project_identifier="default")
evals = SpanEvaluations(
    eval_name="correctness",
    dataframe=pd.DataFrame(
        {"score": [1.0, 0.0], "label": ["correct", "incorrect"], "explanation": ["matches the plan", "no answer"]},
        index=pd.Index([llm_span, tool_span], name="context.span_id"),
    ),
)
ds = TraceDataset(df, evaluations=[evals])
ds.get_spans_dataframe(include_evaluations=True).to_json(
    os.path.join(out, "spans-dataframe-evals.jsonl"), orient="records", lines=True
)
ds.get_spans_dataframe(include_evaluations=True).to_json(os.path.join(out, "spans-dataframe-columns.json"))
with open(os.path.join(out, "spans-encoder.jsonl"), "w") as f:
    f.write(spans_to_jsonl(ds.to_spans()))
client.spans.get_span_annotations_dataframe(
    span_ids=[llm_span, tool_span], project_identifier="default"
).reset_index().to_json(os.path.join(out, "span-annotations-dataframe.jsonl"), orient="records", lines=True)
print(json.dumps({"llm_span": llm_span, "tool_span": tool_span, "pages": len(pages)}))
