"""Sends real OpenInference spans to a Phoenix server (used by e2e/phoenix.test.mjs).

The OpenAI Python client, instrumented by openinference-instrumentation-openai, talks to a local
stand-in for the OpenAI API (no network); each of two conversation turns is an agent span in one
session, with the instrumented chat completion and a failing tool call below it. Prints the trace
and span ids as JSON so the test can annotate them through Phoenix's REST API.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

ANSWERS = ["Day 1: Lisbon. Day 2: Sintra.", "Pack light: it is 24 °C and sunny."]


class StandIn(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions the way the OpenAI API does (non-streaming)."""

    turn = 0

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        answer = ANSWERS[StandIn.turn % len(ANSWERS)]
        StandIn.turn += 1
        reply = {
            "id": f"chatcmpl-standin-{StandIn.turn}",
            "object": "chat.completion",
            "created": 1767225600,
            "model": body["model"] + "-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    endpoint = sys.argv[1]
    stand_in = HTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=stand_in.serve_forever, daemon=True).start()

    provider = TracerProvider(resource=Resource.create({"service.name": "canopy-e2e"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")))
    OpenAIInstrumentor().instrument(tracer_provider=provider)
    tracer = provider.get_tracer("canopy-e2e")
    client = OpenAI(base_url=f"http://127.0.0.1:{stand_in.server_port}/v1", api_key="sk-stand-in")

    out = {"session": "e2e-session-1", "traces": []}
    questions = ["Plan a trip to Lisbon", "What should I pack?"]
    for i, question in enumerate(questions):
        with using_session(out["session"]):
            with tracer.start_as_current_span("e2e-agent") as root:
                root.set_attribute("openinference.span.kind", "AGENT")
                root.set_attribute("input.value", question)
                reply = client.chat.completions.create(
                    model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
                )
                spans = {"root": format(root.get_span_context().span_id, "016x")}
                if i == 0:
                    with tracer.start_as_current_span("search") as tool:
                        tool.set_attribute("openinference.span.kind", "TOOL")
                        tool.set_attribute("tool.name", "web_search")
                        tool.set_status(trace.Status(trace.StatusCode.ERROR, "search took too long"))
                        spans["tool"] = format(tool.get_span_context().span_id, "016x")
                root.set_attribute("output.value", reply.choices[0].message.content)
                out["traces"].append({"trace_id": format(root.get_span_context().trace_id, "032x"), "spans": spans})
    provider.shutdown()
    stand_in.shutdown()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
