"""Real Python SDK dumps: the same small agent run written by opentelemetry-sdk's ConsoleSpanExporter
(concatenated pretty-printed JSON objects) and by opentelemetry-exporter-zipkin-json (Zipkin v2 JSON
POSTed to a loopback stand-in, saved byte for byte). Pinned: opentelemetry-sdk==1.45.2,
opentelemetry-exporter-zipkin-json==1.45.1. Writes console.txt and zipkin.json in the working dir."""

import http.server
import threading

from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

bodies = []


class Stand(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *a):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Stand)
threading.Thread(target=server.serve_forever, daemon=True).start()

console = open("console.txt", "w")
provider = TracerProvider(resource=Resource.create({"service.name": "weather-agent"}))
console_exporter = ConsoleSpanExporter(out=console)
provider.add_span_processor(SimpleSpanProcessor(console_exporter))
provider.add_span_processor(
    SimpleSpanProcessor(ZipkinExporter(endpoint=f"http://127.0.0.1:{server.server_port}/api/v2/spans"))
)
tracer = provider.get_tracer("realdata.agent", "0.1.0")

with tracer.start_as_current_span("invoke_agent weather", attributes={"gen_ai.operation.name": "invoke_agent"}):
    with tracer.start_as_current_span("chat gpt-4o-mini", kind=SpanKind.CLIENT) as chat:
        chat.set_attribute("gen_ai.operation.name", "chat")
        chat.set_attribute("gen_ai.request.model", "gpt-4o-mini")
        chat.set_attribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
        chat.set_attribute("gen_ai.usage.input_tokens", 21)
        chat.set_attribute("gen_ai.usage.output_tokens", 9)
        chat.add_event("gen_ai.content.prompt", {"gen_ai.prompt": "Weather in Paris?"})
    with tracer.start_as_current_span("execute_tool get_weather") as tool:
        tool.set_attribute("gen_ai.operation.name", "execute_tool")
        tool.set_attribute("gen_ai.tool.name", "get_weather")
        try:
            raise TimeoutError("weather service did not answer")
        except TimeoutError as e:
            tool.record_exception(e)
            tool.set_status(Status(StatusCode.ERROR, "tool failed"))
    # a span still running when dumped: the exporter's own export() with a span not yet ended
    running = tracer.start_span("stream answer")
    console_exporter.export([running])
    running.end()

provider.shutdown()
console.close()
server.shutdown()
with open("zipkin.json", "wb") as f:
    f.write(b"".join(bodies) if len(bodies) == 1 else b"[" + b",".join(b[1:-1] for b in bodies) + b"]")
print(len(bodies), "zipkin bodies")
