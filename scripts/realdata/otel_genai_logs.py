"""Real OpenTelemetry GenAI output: the official `opentelemetry-instrumentation-openai-v2`
(unmodified, pinned) instruments the `openai` client calling a loopback stand-in for the OpenAI
API (a chat completion with tool_calls, the tool's answer, a streamed completion, an error), and
exports spans and log records with `opentelemetry-exporter-otlp-proto-http` to a loopback
receiver that saves every request body as sent.

Run once per semconv mode, each in its own virtualenv (scripts/realdata/README.md has the pins:
openai-v2 2.3b0 writes only the legacy events; 2.4b0's legacy path is unreachable with any
opentelemetry-util-genai it imports, whose is_experimental_mode() always says yes):
  python otel_genai_logs.py run legacy OUT   # content in gen_ai.*.message / gen_ai.choice events
  python otel_genai_logs.py run latest OUT   # gen_ai_latest_experimental, content only in the
                                             # gen_ai.client.inference.operation.details event
  python otel_genai_logs.py render OUT       # the JSON renderings and expectations of both
Needs PyPI (not part of `make test`).
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class OpenAIStandIn(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions as the OpenAI API documents it."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["content-length"])))
        usage = {"prompt_tokens": 31, "completion_tokens": 9, "total_tokens": 40}
        base = {"id": "chatcmpl-canopy", "object": "chat.completion", "created": 1767225600,
                "model": req["model"] + "-2024-07-18"}
        if req["model"] == "missing-model":
            self.answer(404, {"error": {"message": "The model `missing-model` does not exist",
                                        "type": "invalid_request_error", "code": "model_not_found"}})
            return
        if req.get("stream"):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            words = ["Paris ", "is ", "sunny."]
            chunk = dict(base, object="chat.completion.chunk")
            for i, w in enumerate(words):
                delta = {"role": "assistant", "content": w} if i == 0 else {"content": w}
                c = dict(chunk, choices=[{"index": 0, "delta": delta, "finish_reason": None}])
                self.wfile.write(b"data: " + json.dumps(c).encode() + b"\n\n")
            last = dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}], usage=usage)
            self.wfile.write(b"data: " + json.dumps(last).encode() + b"\n\ndata: [DONE]\n\n")
            return
        if req.get("tools") and req["messages"][-1]["role"] == "user":
            message = {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_weather_1", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]}
            finish = "tool_calls"
        else:
            message = {"role": "assistant", "content": "It is sunny in Paris, 21 degrees."}
            finish = "stop"
        self.answer(200, dict(base, choices=[{"index": 0, "message": message, "finish_reason": finish}],
                              usage=usage))

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


RECEIVED = []


class Receiver(BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that keeps each body as sent."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        RECEIVED.append((self.path, self.headers.get("content-type"), self.headers.get("content-encoding"), body))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()


def run(mode, out):
    if mode == "latest":
        os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
        # content in the event only, so that a reader that ignores logs shows no messages
        os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "event_only"
    else:
        os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true"
    api = serve(OpenAIStandIn)
    receiver = serve(Receiver)
    endpoint = f"http://127.0.0.1:{receiver.server_address[1]}"

    from opentelemetry import _logs, trace
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": f"canopy-genai-{mode}"})
    tp = TracerProvider(resource=resource)
    tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint + "/v1/traces")))
    trace.set_tracer_provider(tp)
    lp = LoggerProvider(resource=resource)
    lp.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=endpoint + "/v1/logs")))
    _logs.set_logger_provider(lp)
    OpenAIInstrumentor().instrument(tracer_provider=tp, logger_provider=lp)
    # an application log line inside the agent's span: a record that is not a GenAI event
    import logging
    import warnings

    from opentelemetry.sdk._logs import LoggingHandler

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app_log = logging.getLogger("canopy.fixture.tool")
        app_log.addHandler(LoggingHandler(logger_provider=lp))
        app_log.propagate = False

    import openai

    client = openai.OpenAI(base_url=f"http://127.0.0.1:{api.server_address[1]}/v1", api_key="sk-test",
                           max_retries=0)
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    system = {"role": "system", "content": "You answer questions about the weather."}
    user = {"role": "user", "content": "What is the weather in Paris?"}
    tracer = trace.get_tracer("canopy.fixture")
    with tracer.start_as_current_span("weather-agent"):
        first = client.chat.completions.create(model="gpt-4o-mini", messages=[system, user], tools=tools)
        call = first.choices[0].message.tool_calls[0]
        assistant = {"role": "assistant", "content": None, "tool_calls": [
            {"id": call.id, "type": "function",
             "function": {"name": call.function.name, "arguments": call.function.arguments}}]}
        app_log.warning("get_weather(%s) took %d ms", "Paris", 1200)
        tool = {"role": "tool", "tool_call_id": call.id, "content": "{\"sky\": \"sunny\", \"celsius\": 21}"}
        client.chat.completions.create(model="gpt-4o-mini", messages=[system, user, assistant, tool], tools=tools)
    with tracer.start_as_current_span("streamed"):
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=[user], stream=True,
                                                stream_options={"include_usage": True})
        for _ in stream:
            pass
    with tracer.start_as_current_span("failing"):
        try:
            client.chat.completions.create(model="missing-model", messages=[user])
        except openai.NotFoundError:
            pass
    tp.force_flush()
    lp.force_flush()
    tp.shutdown()
    lp.shutdown()
    api.shutdown()
    receiver.shutdown()
    os.makedirs(out, exist_ok=True)
    n = 0
    for path, ctype, encoding, body in RECEIVED:
        assert ctype == "application/x-protobuf" and not encoding, (path, ctype, encoding)
        n += 1
        kind = {"/v1/traces": "traces", "/v1/logs": "logs"}[path]
        with open(os.path.join(out, f"{mode}-{n}-{kind}.pb"), "wb") as f:
            f.write(body)
    print(mode, [(p, len(b)) for p, _, _, b in RECEIVED])


def render(out, mode):
    """The OTLP JSON rendering (protobuf's own json_format) of each saved body, one per line in the
    order they were sent, and the expectations read from the parsed protobuf."""
    from google.protobuf.json_format import MessageToJson
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    names = sorted((f for f in os.listdir(out) if f.startswith(mode + "-") and f.endswith(".pb")),
                   key=lambda f: int(f.split("-")[1]))
    lines, spans, records = [], [], []
    for name in names:
        with open(os.path.join(out, name), "rb") as f:
            body = f.read()
        msg = ExportTraceServiceRequest() if name.endswith("-traces.pb") else ExportLogsServiceRequest()
        msg.ParseFromString(body)
        lines.append(MessageToJson(msg, indent=None))
        if isinstance(msg, ExportTraceServiceRequest):
            spans += [s for rs in msg.resource_spans for ss in rs.scope_spans for s in ss.spans]
        else:
            records += [r for rl in msg.resource_logs for sl in rl.scope_logs for r in sl.log_records]
    with open(os.path.join(out, f"openai-v2-{mode}.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, f"openai-v2-{mode}.expected.json"), "w") as f:
        json.dump(expect(spans, records), f, indent=1, sort_keys=True)
        f.write("\n")


def any_value(v):
    """An OTLP AnyValue as plain Python."""
    which = v.WhichOneof("value")
    if which == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in v.kvlist_value.values}
    if which == "array_value":
        return [any_value(x) for x in v.array_value.values]
    return getattr(v, which) if which else None


def expect(spans, records):
    """What each span should show, read from the parsed protobuf by the GenAI events spec
    (gen-ai-events.md): roles of the input and output messages, and the other records as events."""
    by_span = {}
    for s in spans:
        by_span[s.span_id.hex()] = {"name": s.name, "trace_id": s.trace_id.hex(), "input_roles": [],
                                    "output_roles": [], "events": 0, "tool_call_ids": [], "tool_result_ids": []}
    for r in records:
        e = by_span[r.span_id.hex()]
        attrs = {kv.key: any_value(kv.value) for kv in r.attributes}
        body = any_value(r.body) if r.HasField("body") else None
        name = r.event_name or attrs.get("event.name")
        if name in ("gen_ai.system.message", "gen_ai.user.message", "gen_ai.assistant.message", "gen_ai.tool.message"):
            e["input_roles"].append(name.split(".")[1])
            body = body or {}
            e["tool_call_ids"] += [c["id"] for c in body.get("tool_calls", [])]
            if "id" in body:
                e["tool_result_ids"].append(body["id"])
        elif name == "gen_ai.choice":
            message = (body or {}).get("message") or {}
            e["output_roles"].append(message.get("role") or "assistant")
            e["tool_call_ids"] += [c["id"] for c in message.get("tool_calls", [])]
        elif name == "gen_ai.client.inference.operation.details":
            if attrs.get("gen_ai.system_instructions"):
                e["input_roles"].append("system")
            for m in attrs.get("gen_ai.input.messages", []):
                e["input_roles"].append(m["role"])
                e["tool_call_ids"] += [p["id"] for p in m.get("parts", []) if p.get("type") == "tool_call"]
                e["tool_result_ids"] += [p["id"] for p in m.get("parts", []) if p.get("type") == "tool_call_response"]
            for m in attrs.get("gen_ai.output.messages", []):
                e["output_roles"].append(m["role"])
                e["tool_call_ids"] += [p["id"] for p in m.get("parts", []) if p.get("type") == "tool_call"]
        else:
            e["events"] += 1
    return {"spans": len(spans), "log_records": len(records),
            "traces": len({s.trace_id for s in spans}), "by_span": by_span}


if __name__ == "__main__":
    what, out = sys.argv[1], sys.argv[-1]
    if what == "run":
        run(sys.argv[2], out)
    else:
        for mode in ("legacy", "latest"):
            render(out, mode)
