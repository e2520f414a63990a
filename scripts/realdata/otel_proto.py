"""Binary OTLP (protobuf over HTTP) as the real OpenTelemetry Python SDK sends it.

Runs opentelemetry-sdk + opentelemetry-exporter-otlp-proto-http (pinned, see README.md) against a
loopback HTTP receiver on 127.0.0.1 that saves each request body exactly as it arrived, once
uncompressed and once with compression=gzip. Then writes the collector file exporter's `proto`
framing (each message preceded by its length as a 4-byte big-endian integer, as
exporter/fileexporter/file_writer.go writes it) from the same bodies, and the traces request as
protobuf-JSON (google.protobuf.json_format) for the tests to compare both wires. The expectations
are read back by otel_proto_expect.py with opentelemetry-proto's own classes (never by Canopy).

Usage: python otel_proto.py OUT_DIR
"""

import gzip
import http.server
import json
import logging
import struct
import sys
import threading
from pathlib import Path

from google.protobuf import json_format
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
BODIES = []  # (path, content-encoding, body as received)


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        BODIES.append((self.path, self.headers.get("Content-Encoding"), self.rfile.read(n)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{server.server_address[1]}"


def run(compression, tag):
    resource = Resource.create({"service.name": "proto-demo", "deployment.environment": tag})
    tp = TracerProvider(resource=resource)
    tp.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{BASE}/v1/traces", compression=compression))
    )
    lp = LoggerProvider(resource=resource)
    lp.add_log_record_processor(
        BatchLogRecordProcessor(OTLPLogExporter(endpoint=f"{BASE}/v1/logs", compression=compression))
    )
    log = logging.getLogger(f"demo.{tag}")
    log.propagate = False
    log.setLevel(logging.INFO)
    log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=lp))
    tracer = tp.get_tracer("canopy.realdata", "1.0")

    # trace 1: an agent with nested steps, attributes of every type a span attribute may have
    with tracer.start_as_current_span("agent", kind=trace.SpanKind.SERVER) as agent:
        agent.set_attribute("text", "hello")
        agent.set_attribute("flag", True)
        agent.set_attribute("count", 9007199254740993)  # beyond 2^53: kept as its text
        agent.set_attribute("ratio", 0.25)
        agent.set_attribute("tags", ["a", "b"])
        agent.set_attribute("sizes", [1, 2, 3])
        with tracer.start_as_current_span("plan"):
            with tracer.start_as_current_span("chat gpt-4o", kind=trace.SpanKind.CLIENT) as chat:
                chat.set_attribute("gen_ai.system", "openai")
                chat.set_attribute("gen_ai.request.model", "gpt-4o")
                chat.set_attribute("gen_ai.usage.input_tokens", 12)
                chat.set_attribute("gen_ai.usage.output_tokens", 5)
                # log records inside a span carry its trace and span ids; bodies of every other type
                log.info("asked the model")
                log.warning({"role": "user", "content": "hi", "n": 2, "ok": False})
        with tracer.start_as_current_span("tool") as tool:
            tool.add_event("progress", {"step": 1})
    # trace 2: an error span with an exception event
    with tracer.start_as_current_span("failing job"):
        try:
            with tracer.start_as_current_span("divide") as span:
                span.set_attribute("x", 1)
                1 / 0
        except ZeroDivisionError:
            log.exception("division failed")
    # trace 3: one span, status set by hand
    with tracer.start_as_current_span("lonely") as s:
        s.set_status(Status(StatusCode.ERROR, "explicit failure"))
    # a log record outside any span
    log.info(b"\x00\x01raw bytes")
    tp.force_flush()
    lp.force_flush()
    tp.shutdown()
    lp.shutdown()


run(Compression.NoCompression, "plain")
run(Compression.Gzip, "gzip")
server.shutdown()

expect = {}
framed = b""
names = {"plain": {}, "gzip": {}}
for i, (path, encoding, body) in enumerate(BODIES):
    kind = "traces" if path.endswith("/traces") else "logs"
    tag = "gzip" if encoding == "gzip" else "plain"
    ext = ".pb.gz" if encoding == "gzip" else ".pb"
    n = names[tag].setdefault(kind, 0)
    names[tag][kind] = n + 1
    name = f"sdk-1.29.0-{kind}-{tag}{'' if n == 0 else '-' + str(n)}{ext}"
    (OUT / name).write_bytes(body)
    raw = gzip.decompress(body) if encoding == "gzip" else body
    if tag == "plain":
        framed += struct.pack(">I", len(raw)) + raw
    if tag == "plain" and kind == "traces" and n == 0:
        # the same request as protobuf-JSON, written by protobuf's own encoder: the JSON twin the
        # tests compare the binary reading with
        twin = json_format.MessageToJson(ExportTraceServiceRequest.FromString(raw), indent=None)
        (OUT / "sdk-1.29.0-traces-plain.protojson.json").write_text(twin + "\n")
    print(name, len(body), "bytes")

(OUT / "collector-file-proto.binpb").write_bytes(framed)
print("collector-file-proto.binpb", len(framed), "bytes")
