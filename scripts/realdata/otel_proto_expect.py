"""Expectations for the OTLP protobuf fixtures, read by opentelemetry-proto's own Python classes
(the independent reader; Canopy's code is never involved).

Usage: python otel_proto_expect.py FIXTURE_DIR   (writes FIXTURE_DIR/expected.txt, JSON; not
named .json so the tests that open every .json fixture as a trace file pass it by)
"""

import gzip
import json
import struct
import sys
from pathlib import Path

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Status

DIR = Path(sys.argv[1])


def messages(path):
    """Each request in a file: a whole body (gzip undone), or the collector's length-prefixed ones."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.suffix != ".binpb":
        return [data]
    out, at = [], 0
    while at < len(data):
        (n,) = struct.unpack(">I", data[at : at + 4])
        out.append(data[at + 4 : at + 4 + n])
        at += 4 + n
    return out


def count(path):
    traces, spans, roots, errors, logs, logs_with_span = set(), 0, 0, 0, 0, 0
    events = 0
    for body in messages(path):
        # the two requests share their outer shape; a span's first field is bytes and a log
        # record's a fixed64, so a logs body fails to parse as traces (and the other way round)
        try:
            ExportTraceServiceRequest.FromString(body)
            is_logs = False
        except Exception:
            is_logs = True
        if not is_logs:
            req = ExportTraceServiceRequest.FromString(body)
            for rs in req.resource_spans:
                for ss in rs.scope_spans:
                    for s in ss.spans:
                        traces.add(s.trace_id.hex())
                        spans += 1
                        roots += not s.parent_span_id
                        errors += s.status.code == Status.STATUS_CODE_ERROR
                        events += len(s.events)
        else:
            req = ExportLogsServiceRequest.FromString(body)
            for rl in req.resource_logs:
                for sl in rl.scope_logs:
                    for r in sl.log_records:
                        logs += 1
                        logs_with_span += len(r.span_id) == 8
    return {
        "traces": len(traces),
        "spans": spans,
        "roots": roots,
        "error_spans": errors,
        "span_events": events,
        "log_records": logs,
        "log_records_with_span": logs_with_span,
    }


out = {p.name: count(p) for p in sorted(DIR.iterdir()) if p.suffix in (".pb", ".gz", ".binpb")}
(DIR / "expected.txt").write_text(json.dumps(out, indent=2) + "\n")
print(json.dumps(out, indent=2))
