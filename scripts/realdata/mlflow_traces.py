"""Real MLflow traces, written by mlflow 3.17.2 itself (unmodified), for tests/fixtures/mlflow/.

A small traced app: `@mlflow.trace` functions (an agent, a retriever, a tool), the OpenAI client
autologged by `mlflow.openai.autolog()` and pointed at a loopback stand-in for the OpenAI API
(answers with tool calls, a final answer, and a 500 error), a session and user set with
`mlflow.update_current_trace`, and feedback and an expectation logged on the traces.

It runs a real `mlflow server` on 127.0.0.1 (sqlite) and exports the same spans by OTLP to a
loopback receiver (`MLFLOW_TRACE_ENABLE_OTLP_DUAL_EXPORT`). Everything is offline.

Usage: python mlflow_traces.py OUT_DIR   (in a venv with mlflow==3.17.2, openai, and
opentelemetry-exporter-otlp-proto-http; see scripts/realdata/README.md)

Writes into OUT_DIR:
  trace-v3-*.json            `Trace.to_json()` of each trace (v3 info)
  traces-list.json           `[trace.to_dict() ...]` as one JSON list
  search-traces.json         `mlflow.search_traces()` DataFrame, `df.to_json(orient="records")`
  search-traces.jsonl        the same, `orient="records", lines=True`
  search-traces-columns.json the same, pandas' default `df.to_json()` (orient "columns")
  rest-search-v3.json        the server's answer to POST /api/3.0/mlflow/traces/search
  rest-search-v2.json        GET /api/2.0/mlflow/traces (deprecated v2 search)
  rest-get-v3.json           GET /api/3.0/mlflow/traces/get: one trace with its spans
  rest-batch-get-v3.json     GET /api/3.0/mlflow/traces/batchGet: two traces with their spans
  otlp-requests.bin.N        the OTLP export request bodies as sent (protobuf)
  otlp-requests.jsonl        each body rendered by google.protobuf.json_format.MessageToJson, one per line
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "out")
os.makedirs(OUT, exist_ok=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the loopback stand-in for the OpenAI API -------------------------------------------------


class FakeOpenAI(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body.get("model") == "broken-model":
            out = json.dumps({"error": {"message": "the model is overloaded", "type": "server_error"}}).encode()
            self.send_response(500)
        else:
            last = body["messages"][-1]
            if body.get("tools") and last["role"] == "user":
                message = {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_weather_1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})},
                        }
                    ],
                }
                finish, usage = "tool_calls", (57, 18)
            else:
                message = {"role": "assistant", "content": "It is 18 degrees and sunny in Paris."}
                finish, usage = "stop", (91, 12)
            out = json.dumps({
                "id": "chatcmpl-loopback",
                "object": "chat.completion",
                "created": 1765000000,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
            }).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


# --- the loopback OTLP receiver: keeps each request body as sent --------------------------------

OTLP_BODIES = []


class OtlpReceiver(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        OTLP_BODIES.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


openai_server = serve(FakeOpenAI)
otlp_server = serve(OtlpReceiver)
os.environ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = f"http://127.0.0.1:{otlp_server.server_port}/v1/traces"
os.environ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf"
os.environ["MLFLOW_TRACE_ENABLE_OTLP_DUAL_EXPORT"] = "true"
os.environ["OPENAI_API_KEY"] = "sk-loopback"
# write each trace before the call returns: the script reads them back at once
os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"

# --- a real MLflow tracking server on loopback ------------------------------------------------

work = tempfile.mkdtemp()
port = free_port()
server = subprocess.Popen(
    [
        sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
        "--backend-store-uri", f"sqlite:///{work}/m.db", "--default-artifact-root", f"{work}/a",
        "--workers", "1",
    ],
    stdout=open(f"{work}/server.log", "w"), stderr=subprocess.STDOUT,
)
base = f"http://127.0.0.1:{port}"
try:
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{base}/health", timeout=1)
            break
        except Exception:
            time.sleep(0.5)
    else:
        raise SystemExit("mlflow server did not start: " + open(f"{work}/server.log").read()[-2000:])

    import mlflow
    import openai
    from mlflow.entities import AssessmentSource, Document, SpanType

    mlflow.set_tracking_uri(base)
    experiment_id = mlflow.set_experiment("canopy-fixtures").experiment_id
    mlflow.openai.autolog()
    client = openai.OpenAI(base_url=f"http://127.0.0.1:{openai_server.server_port}/v1", max_retries=0)

    TOOLS = [{
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }]

    @mlflow.trace(span_type=SpanType.RETRIEVER)
    def retrieve(query: str):
        return [
            Document(page_content="Paris is the capital of France.", metadata={"doc_uri": "kb/paris.md"}, id="doc-1"),
            Document(page_content="Weather data comes from the get_weather tool.", metadata={"doc_uri": "kb/tools.md"}, id="doc-2"),
        ]

    @mlflow.trace(span_type=SpanType.TOOL)
    def get_weather(city: str):
        return {"city": city, "temperature_c": 18, "sky": "sunny"}

    @mlflow.trace(span_type=SpanType.AGENT)
    def agent(question: str, session: str, user: str):
        mlflow.update_current_trace(metadata={"mlflow.trace.session": session, "mlflow.trace.user": user})
        docs = retrieve(question)
        messages = [
            {"role": "system", "content": "Answer briefly. Context: " + " ".join(d.page_content for d in docs)},
            {"role": "user", "content": question},
        ]
        first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        call = first.choices[0].message.tool_calls[0]
        result = get_weather(**json.loads(call.function.arguments))
        messages += [
            first.choices[0].message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)},
        ]
        final = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        return final.choices[0].message.content

    @mlflow.trace(span_type=SpanType.CHAIN)
    def summarize(text: str, session: str, user: str):
        mlflow.update_current_trace(metadata={"mlflow.trace.session": session, "mlflow.trace.user": user})
        # this model answers 500: the OpenAI span and this one end in error
        r = client.chat.completions.create(model="broken-model", messages=[{"role": "user", "content": text}])
        return r.choices[0].message.content

    agent("What is the weather in Paris?", "session-paris", "user-7")
    first_id = mlflow.get_last_active_trace_id()
    agent("And tomorrow?", "session-paris", "user-7")
    second_id = mlflow.get_last_active_trace_id()
    try:
        summarize("Summarize the forecast.", "session-other", "user-9")
    except openai.InternalServerError:
        pass
    third_id = mlflow.get_last_active_trace_id()

    # assessments: a person's feedback on the first LLM span, a judge's on the trace, code's on the
    # second trace, and an expectation
    first = mlflow.get_trace(first_id)
    llm_span = next(s for s in first.data.spans if s.span_type == SpanType.CHAT_MODEL)
    mlflow.log_feedback(
        trace_id=first_id, name="helpful", value=True, rationale="Called the weather tool as asked.",
        source=AssessmentSource(source_type="HUMAN", source_id="reviewer@example.com"), span_id=llm_span.span_id,
    )
    mlflow.log_feedback(
        trace_id=first_id, name="groundedness", value=0.75, rationale="Mostly from the retrieved context.",
        source=AssessmentSource(source_type="LLM_JUDGE", source_id="gpt-4o-judge"),
    )
    mlflow.log_expectation(
        trace_id=first_id, name="expected_answer", value="18 degrees and sunny",
        source=AssessmentSource(source_type="HUMAN", source_id="reviewer@example.com"),
    )
    mlflow.log_feedback(
        trace_id=second_id, name="answer_length", value="short",
        source=AssessmentSource(source_type="CODE", source_id="length_check"),
    )
    mlflow.flush_trace_async_logging() if hasattr(mlflow, "flush_trace_async_logging") else None

    ids = [first_id, second_id, third_id]
    traces = [mlflow.get_trace(i) for i in ids]
    for n, t in enumerate(traces, 1):
        with open(f"{OUT}/trace-v3-{n}.json", "w") as f:
            f.write(t.to_json())
    with open(f"{OUT}/traces-list.json", "w") as f:
        json.dump([t.to_dict() for t in traces], f, default=str)

    df = mlflow.search_traces(locations=[experiment_id], return_type="pandas")
    with open(f"{OUT}/search-traces.json", "w") as f:
        f.write(df.to_json(orient="records"))
    with open(f"{OUT}/search-traces.jsonl", "w") as f:
        f.write(df.to_json(orient="records", lines=True))
    # pandas' default orient ("columns"): what `df.to_json(path)` writes
    with open(f"{OUT}/search-traces-columns.json", "w") as f:
        f.write(df.to_json())

    req = urllib.request.Request(
        f"{base}/api/3.0/mlflow/traces/search",
        data=json.dumps({"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}],
                         "max_results": 10}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with open(f"{OUT}/rest-search-v3.json", "wb") as f:
        f.write(urllib.request.urlopen(req).read())
    # the deprecated v2 search (trace infos as TraceInfo v2, maps as [{key, value}]), one trace with
    # its spans (GET /api/3.0/mlflow/traces/get), and a batch of them
    rest = {
        "rest-search-v2.json": f"/api/2.0/mlflow/traces?experiment_ids={experiment_id}&max_results=10",
        "rest-get-v3.json": f"/api/3.0/mlflow/traces/get?trace_id={first_id}",
        "rest-batch-get-v3.json": f"/api/3.0/mlflow/traces/batchGet?trace_ids={second_id}&trace_ids={third_id}",
    }
    for name, path in rest.items():
        with open(f"{OUT}/{name}", "wb") as f:
            f.write(urllib.request.urlopen(base + path).read())

    # the OTLP exporter sends in batches: let it flush
    from opentelemetry import trace as otel_trace

    provider = otel_trace.get_tracer_provider()
    for p in [getattr(provider, "force_flush", None)]:
        if p:
            p()
    import mlflow.tracing.provider as mp

    try:
        mp.provider.get().force_flush()
    except Exception:
        pass
    time.sleep(2)

    from google.protobuf.json_format import MessageToJson
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    with open(f"{OUT}/otlp-requests.jsonl", "w") as lines:
        for n, body in enumerate(OTLP_BODIES, 1):
            with open(f"{OUT}/otlp-requests.bin.{n}", "wb") as f:
                f.write(body)
            msg = ExportTraceServiceRequest()
            msg.ParseFromString(body)
            lines.write(MessageToJson(msg, indent=None) + "\n")
    print("traces", ids, "otlp requests", len(OTLP_BODIES))
finally:
    server.terminate()
    server.wait(30)
