"""Captures what the LangSmith Python SDK (PyPI `langsmith` 0.14.17 or 0.0.87, unmodified) sends when it traces.

A loopback stand-in for the LangSmith API answers `GET /info` and records every request body. Run
`python langsmith_py.py OUTDIR multipart|batch`: with `multipart` the stand-in says the server takes
`/runs/multipart` (the SDK's default), and the SDK sends multipart/form-data bodies whose parts are
`post.<id>`, `post.<id>.inputs`, `patch.<id>`, `patch.<id>.outputs`…; with `batch` it says it does
not, and the SDK sends `/runs/batch` JSON bodies `{post: [...], patch: [...]}`. The traced code is a small agent: a chain calling a retriever and an LLM (usage
metadata in its outputs), and a failing tool. Bodies are saved byte for byte as `body-N.bin` with
`requests.json` listing path and content type of each.
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

out, mode = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
requests = []
lock = threading.Lock()


class StandIn(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/info"):
            body = json.dumps(
                {
                    "version": "0.10.0",
                    "batch_ingest_config": {
                        "use_multipart_endpoint": mode == "multipart",
                        "size_limit": 100,
                        "size_limit_bytes": 20971520,
                        "scale_up_qsize_trigger": 1000,
                        "scale_up_nthreads_limit": 16,
                        "scale_down_nempty_trigger": 4,
                    },
                    "instance_flags": {},
                }
            ).encode()
        else:
            body = b"{}"
        self.reply(body)

    def do_POST(self):
        self.record()

    def do_PATCH(self):
        self.record()

    def record(self):
        n = int(self.headers.get("content-length") or 0)
        data = self.rfile.read(n)
        with lock:
            name = f"body-{len(requests)}.bin"
            requests.append({})
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        requests[int(name[5:-4])] = (
            {"method": self.command, "path": self.path, "content_type": self.headers.get("content-type"),
             "content_encoding": self.headers.get("content-encoding"), "file": name}
        )
        self.reply(b"{}")

    def reply(self, body):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
threading.Thread(target=server.serve_forever, daemon=True).start()
os.environ.update(
    {
        "LANGSMITH_TRACING": "true",
        "LANGSMITH_ENDPOINT": f"http://127.0.0.1:{server.server_port}",
        "LANGSMITH_API_KEY": "lsv2_stand_in",
        "LANGSMITH_PROJECT": "canopy-realdata",
        # the names SDKs before 0.1 read
        "LANGCHAIN_TRACING_V2": "true",
        "LANGCHAIN_ENDPOINT": f"http://127.0.0.1:{server.server_port}",
        "LANGCHAIN_API_KEY": "lsv2_stand_in",
        "LANGCHAIN_PROJECT": "canopy-realdata",
    }
)

from langsmith import Client, traceable  # noqa: E402  (reads the environment above)

client = Client()


def flush():
    """Sends what is queued (SDKs before 0.1 send each run as it starts and ends: nothing to flush)."""
    if hasattr(client, "flush"):
        client.flush()
    elif getattr(client, "tracing_queue", None) is not None:
        client.tracing_queue.join()


@traceable(run_type="retriever", client=client)
def retrieve(query):
    return [{"page_content": "Lisbon is sunny in May.", "type": "Document", "metadata": {"source": "guide"}}]


@traceable(run_type="llm", client=client, metadata={"ls_provider": "openai", "ls_model_name": "gpt-4o-mini"})
def chat(messages):
    return {
        "choices": [{"message": {"role": "assistant", "content": "Pack light: it is 24 °C and sunny."}}],
        "usage_metadata": {"input_tokens": 12, "output_tokens": 9, "total_tokens": 21},
    }


@traceable(run_type="tool", client=client)
def weather(city):
    raise RuntimeError(f"weather service unavailable for {city}")


@traceable(run_type="chain", client=client, name="agent")
def agent(question):
    docs = retrieve(question)
    # sends what is queued now: the agent's run as it started, and the finished retriever, so
    # the agent's end comes later as a patch of its own
    flush()
    try:
        weather("Lisbon")
    except RuntimeError:
        pass
    return chat([{"role": "system", "content": docs[0]["page_content"]}, {"role": "user", "content": question}])


agent("What should I pack for Lisbon?", langsmith_extra={"metadata": {"session_id": "trip-1"}})
flush()
# SDKs before 0.1 send from a thread pool: wait until nothing has arrived for two seconds
seen = -1
while seen != len(requests):
    seen = len(requests)
    time.sleep(2)
requests.sort(key=lambda r: r["file"])
with open(os.path.join(out, "requests.json"), "w") as f:
    json.dump(requests, f, indent=1)
# the bodies one after another, as a log of what was sent: JSON bodies one per line (each is one
# line as sent), multipart bodies as they are (each ends with its closing boundary)
with open(os.path.join(out, "bodies.jsonl"), "wb") as jsonl, open(os.path.join(out, "multipart.txt"), "wb") as mp:
    for r in requests:
        with open(os.path.join(out, r["file"]), "rb") as f:
            data = f.read()
        if r["content_type"].startswith("multipart/"):
            mp.write(data)
        else:
            jsonl.write(data.strip() + b"\n")
server.shutdown()
print(json.dumps(requests))
