"""A real MLflow trace in the v2 schema, written by mlflow-skinny 2.21.3 (unmodified).

MLflow 2.x's `Trace.to_json()` writes `info` as `TraceInfo` v2 (`request_id`, `timestamp_ms`,
`execution_time_ms`, `status`, `request_metadata`, `tags`) and spans in the v2 span schema
(`context.span_id` as `0x…` hex, `parent_id`, `start_time`, `status_code`). The app: an agent
(`@mlflow.trace`) calling a retriever and the OpenAI client against a loopback stand-in for the
OpenAI API inside a CHAT_MODEL span, its messages recorded with MLflow 2's own
`mlflow.tracing.set_span_chat_messages` (the `mlflow.chat.messages` attribute; mlflow-skinny has
no `mlflow.openai` autolog), in a file store under a temporary directory.

Usage: python mlflow_traces_v2.py OUT_DIR   (in a venv with mlflow-skinny==2.21.3, numpy, openai, and
opentelemetry-sdk==1.31.1 / opentelemetry-api==1.31.1: the 1.4x SDK breaks mlflow 2.21's span processor)
Writes OUT_DIR/trace-v2.json.
"""

import json
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "out")
os.makedirs(OUT, exist_ok=True)


class FakeOpenAI(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        out = json.dumps({
            "id": "chatcmpl-loopback",
            "object": "chat.completion",
            "created": 1765000000,
            "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 21, "completion_tokens": 2, "total_tokens": 23},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
threading.Thread(target=server.serve_forever, daemon=True).start()
os.environ["OPENAI_API_KEY"] = "sk-loopback"

import mlflow  # noqa: E402
import openai  # noqa: E402
from mlflow.entities import Document, SpanType  # noqa: E402
from mlflow.tracing import set_span_chat_messages  # noqa: E402

mlflow.set_tracking_uri("file://" + tempfile.mkdtemp() + "/mlruns")
client = openai.OpenAI(base_url=f"http://127.0.0.1:{server.server_port}/v1", max_retries=0)


@mlflow.trace(span_type=SpanType.RETRIEVER)
def retrieve(query):
    return [Document(page_content="Paris is the capital of France.", metadata={"doc_uri": "kb/paris.md"}, id="doc-1")]


@mlflow.trace(span_type=SpanType.AGENT)
def agent(question):
    docs = retrieve(question)
    messages = [{"role": "system", "content": docs[0].page_content}, {"role": "user", "content": question}]
    with mlflow.start_span("chat gpt-4o-mini", span_type=SpanType.CHAT_MODEL) as span:
        span.set_inputs({"model": "gpt-4o-mini", "messages": messages})
        r = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        span.set_outputs(r.model_dump())
        set_span_chat_messages(span, messages + [r.choices[0].message.model_dump(exclude_none=True)])
    return r.choices[0].message.content


agent("What is the capital of France?")
trace = mlflow.get_last_active_trace()
with open(f"{OUT}/trace-v2.json", "w") as f:
    f.write(trace.to_json())
print(trace.info.request_id)
server.shutdown()
