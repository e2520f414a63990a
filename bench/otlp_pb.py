"""The bench's OTLP JSON as binary OTLP, written by protobuf's own encoder (not Canopy's code):
google.protobuf.json_format.Parse into opentelemetry-proto's ExportTraceServiceRequest, then
SerializeToString. OTLP/JSON writes ids as hex where protobuf-JSON expects base64, so the ids are
turned into base64 first (the OTLP spec's one difference between the two JSON forms).

Usage: python otlp_pb.py IN.json OUT.pb   (needs opentelemetry-proto; see BENCHMARKS.md)
"""

import base64
import json
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

IDS = ("traceId", "spanId", "parentSpanId")


def ids_to_base64(request):
    for rs in request.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                for holder in [span, *span.get("links", [])]:
                    for k in IDS:
                        if holder.get(k):
                            holder[k] = base64.b64encode(bytes.fromhex(holder[k])).decode()
    return request


with open(sys.argv[1]) as f:
    request = ids_to_base64(json.load(f))
message = json_format.Parse(json.dumps(request), ExportTraceServiceRequest())
with open(sys.argv[2], "wb") as f:
    f.write(message.SerializeToString())
