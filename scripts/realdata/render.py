# Renders a realdata fixture folder's OTLP request bodies as OTLP JSON Lines with the official protobuf package.
"""Usage: python render.py tests/fixtures/realdata/LIBRARY   (needs opentelemetry-proto, protobuf)

Writes traces.otlp.jsonl (and logs.otlp.jsonl when logs were sent): one line per request, in the
order received, each `google.protobuf.json_format.MessageToJson(request, indent=None)` (proto3
JSON: camelCase names, base64 ids, enum names, 64-bit integers as strings). Requests that are not
OTLP (Langfuse ingestion batches, ...) are left out.
"""

import os
import sys

from google.protobuf import json_format

from expect import requests


def main():
    folder = sys.argv[1]
    lines = {"traces": [], "logs": []}
    for kind, _, msg in requests(folder):
        lines[kind].append(json_format.MessageToJson(msg, indent=None))
    for kind, out in lines.items():
        path = os.path.join(folder, "%s.otlp.jsonl" % kind)
        if out:
            with open(path, "w") as f:
                f.write("\n".join(out) + "\n")
        elif os.path.exists(path):
            os.remove(path)


if __name__ == "__main__":
    main()
