# Loopback stand-ins for scripts/realdata: an OpenAI-compatible API and an OTLP/HTTP receiver.
"""Two HTTP servers on 127.0.0.1, deterministic, standard library only.

OpenAI stand-in (``--openai-port``; base URL ``http://127.0.0.1:PORT/v1``):
  POST /v1/chat/completions  (also without /v1, and /chat/completions under any prefix)
  POST /v1/embeddings
  GET  /v1/models

What it answers is scripted by markers in the last user message that has one (so every library
runs the same scenario without knowing about the stand-in; "after it" below means the messages
that follow it):
  FAIL500 / FAIL400      answer HTTP 500 / 400 with an OpenAI error body
  call=a,b               one response with a tool call for each named tool that the request
                         offers and that no assistant message after that user message called
                         (or named, in its text) yet
                         (parallel calls; a handoff tool first, the next agent's tools after);
                         arguments are made from the tool's JSON schema (strings "x", numbers 1)
  loop=N:tool            keep calling `tool` once per response until N-1 tool results follow the
                         user message, then answer (an agent loop of N model calls); when the
                         last message (a tool result, or a user message carrying one) ends in a
                         number k, k results are taken as done (a loop's tool returns its step
                         number, so callers may send only a window)
  otherwise              a short text answer ("ok <n>"), streamed as SSE when "stream": true;
                         when the request offers a `final_answer` tool, that answer is a
                         final_answer call instead
                         (usage in a last chunk when stream_options.include_usage is set)
Usage: prompt_tokens = 10 + number of words in all messages, completion_tokens = words of
the answer (+ 5 per tool call). Ids and times come from a counter, never the clock.

Receiver (``--otlp-port``): every POST, whatever its path (/v1/traces, /v1/logs, /v1/metrics,
Langfuse's /api/public/otel/v1/traces, /api/public/ingestion, /api/public/scores, ...) is
saved byte for byte as ``OUT/NNN.pb|.json|.bin`` (+ ``.gz`` when Content-Encoding is gzip),
with one line per request in ``OUT/index.jsonl`` (file, path, content-type, encoding).
GETs are answered 200 ``{}`` and logged in the index without a body.
"""

import argparse
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"n": 0, "saved": 0}


def read_body(handler):
    """The request body, by Content-Length or chunked transfer encoding (node's http client)."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        out = b""
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += handler.rfile.read(size)
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


def next_id():
    with LOCK:
        STATE["n"] += 1
        return STATE["n"]


def words(messages):
    n = 0
    for m in messages:
        c = m.get("content")
        if isinstance(c, str):
            n += len(c.split())
        elif isinstance(c, list):
            for part in c:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    n += len(part["text"].split())
    return n


MARKERS = ("call=", "loop=", "FAIL500", "FAIL400")


def text_of(m):
    c = m.get("content")
    if isinstance(c, list):
        c = " ".join(p.get("text", "") for p in c if isinstance(p, dict))
    return c if isinstance(c, str) else ""


def scripted_user(messages):
    """The last user message with a marker (agents such as smolagents send tool results as user
    messages after it), else the last user message."""
    users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    marked = [i for i in users if any(k in text_of(messages[i]) for k in MARKERS)]
    i = (marked or users or [-1])[-1]
    return i, text_of(messages[i]) if i >= 0 else ""


def args_for(tool):
    params = (tool.get("function") or {}).get("parameters") or {}
    out = {}
    for name, spec in (params.get("properties") or {}).items():
        t = spec.get("type") if isinstance(spec, dict) else None
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "string")
        if t in ("integer", "number"):
            out[name] = 1
        elif t == "boolean":
            out[name] = True
        elif t == "array":
            out[name] = []
        elif t == "object":
            out[name] = {}
        else:
            out[name] = "x"
    return out


def plan(body):
    """What to answer: ('error', status) | ('tools', [names]) | ('final' | 'text', str)."""
    messages = body.get("messages") or []
    i, text = scripted_user(messages)
    if "FAIL500" in text:
        return ("error", 500)
    if "FAIL400" in text:
        return ("error", 400)
    later = messages[i + 1 :]
    results = sum(1 for m in later if m.get("role") == "tool")
    if later and later[-1].get("role") in ("tool", "user"):
        # a loop's tool answers its step number, so a caller may send a window of the history
        digits = re.search(r"(\d+)\W*$", text_of(later[-1]))
        if digits:
            results = max(results, int(digits.group(1)))
    names = {(t.get("function") or {}).get("name") for t in body.get("tools") or []}
    called = {(c.get("function") or {}).get("name") for m in later if m.get("role") == "assistant"
              for c in m.get("tool_calls") or []}
    called |= {n for m in later if m.get("role") == "assistant" for n in names if n and n in text_of(m)}
    for word in text.split():
        if word.startswith("call="):
            want = [w for w in word[5:].split(",") if w in names and w not in called]
            if want:
                return ("tools", want)
        if word.startswith("loop="):
            n, _, tool = word[5:].partition(":")
            if tool in names and results < int(n) - 1:
                return ("tools", [tool])
    if "final_answer" in names:  # agents that answer through a tool (smolagents)
        return ("final", "ok %d" % (results + 1))
    return ("text", "ok %d" % (results + 1))


def tool_calls(body, names, n):
    by_name = {(t.get("function") or {}).get("name"): t for t in body.get("tools") or []}
    return [
        {
            "id": "call_%d_%d" % (n, k),
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(args_for(by_name[name]))},
        }
        for k, name in enumerate(names)
    ]


class OpenAI(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send_json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            return self.send_json(200, {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]})
        self.send_json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        body = json.loads(read_body(self) or b"{}")
        if self.path.rstrip("/").endswith("/embeddings"):
            return self.embeddings(body)
        if self.path.rstrip("/").endswith("/chat/completions"):
            return self.chat(body)
        self.send_json(404, {"error": {"message": "no such route: " + self.path}})

    def embeddings(self, body):
        inp = body.get("input")
        items = inp if isinstance(inp, list) else [inp]
        n = next_id()
        data = []
        for k, s in enumerate(items):
            s = s if isinstance(s, str) else json.dumps(s)
            vec = [round(((len(s) * (j + 3) + k) % 17) / 17.0, 4) for j in range(8)]
            data.append({"object": "embedding", "index": k, "embedding": vec})
        tokens = sum(len(s.split()) if isinstance(s, str) else 1 for s in items)
        self.send_json(
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model", "text-embedding-3-small"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                "id": "emb-%d" % n,
            },
        )

    def chat(self, body):
        if os.environ.get("STANDIN_CHATLOG"):  # debugging: every chat request, one per line
            with LOCK, open(os.environ["STANDIN_CHATLOG"], "a") as f:
                f.write(json.dumps(body) + "\n")
        n = next_id()
        model = body.get("model", "gpt-4o-mini")
        what, arg = plan(body)
        if what == "error":
            kind = "server_error" if arg == 500 else "invalid_request_error"
            msg = "scripted failure %d" % arg
            return self.send_json(arg, {"error": {"message": msg, "type": kind, "param": None, "code": None}})
        prompt = 10 + words(body.get("messages") or [])
        if what == "final":
            calls = [{"id": "call_%d_0" % n, "type": "function",
                      "function": {"name": "final_answer", "arguments": json.dumps({"answer": arg})}}]
            message = {"role": "assistant", "content": None, "tool_calls": calls}
            completion, finish = 5, "tool_calls"
        elif what == "tools":
            calls = tool_calls(body, arg, n)
            message = {"role": "assistant", "content": None, "tool_calls": calls}
            completion, finish = 5 * len(calls), "tool_calls"
        else:
            message = {"role": "assistant", "content": arg}
            completion, finish = len(arg.split()), "stop"
        usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
        base = {"id": "chatcmpl-%d" % n, "created": 1767225600 + n, "model": model, "system_fingerprint": "fp_standin"}
        if not body.get("stream"):
            choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            return self.send_json(200, dict(base, object="chat.completion", choices=[choice], usage=usage))
        self.stream(base, message, finish, usage, (body.get("stream_options") or {}).get("include_usage"))

    def stream(self, base, message, finish, usage, include_usage):
        chunks = []

        def chunk(delta, fin=None):
            c = dict(base, object="chat.completion.chunk")
            c["choices"] = [{"index": 0, "delta": delta, "finish_reason": fin, "logprobs": None}]
            if include_usage:
                c["usage"] = None
            chunks.append(c)

        chunk({"role": "assistant", "content": ""})
        if message.get("tool_calls"):
            for k, call in enumerate(message["tool_calls"]):
                chunk({"tool_calls": [dict(call, index=k)]})
        else:
            for k, w in enumerate(message["content"].split()):
                chunk({"content": (" " if k else "") + w})
        chunk({}, finish)
        if include_usage:
            chunks.append(dict(base, object="chat.completion.chunk", choices=[], usage=usage))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        for c in chunks:
            self.wfile.write(b"data: " + json.dumps(c).encode() + b"\n\n")
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    out = "."

    def log_message(self, *a):
        pass

    def record(self, entry):
        with open(os.path.join(self.out, "index.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")

    def answer(self, status, ctype, data):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record({"method": "GET", "path": self.path})
        self.answer(200, "application/json", b"{}")

    def do_POST(self):
        raw = read_body(self)
        ctype = self.headers.get("Content-Type", "")
        enc = self.headers.get("Content-Encoding", "")
        ext = ".pb" if "protobuf" in ctype else ".json" if "json" in ctype else ".bin"
        if enc == "gzip":
            ext += ".gz"
        with LOCK:
            STATE["saved"] += 1
            name = "%03d%s" % (STATE["saved"], ext)
            with open(os.path.join(self.out, name), "wb") as f:
                f.write(raw)
            self.record({"file": name, "method": "POST", "path": self.path, "content_type": ctype,
                         "content_encoding": enc, "bytes": len(raw)})
        path = self.path.split("?")[0]
        if "protobuf" in ctype:
            return self.answer(200, "application/x-protobuf", b"")
        if path.endswith("/ingestion"):
            return self.answer(207, "application/json", b'{"successes": [], "errors": []}')
        if path.endswith("/scores"):
            return self.answer(200, "application/json", b'{"id": "score-1"}')
        self.answer(200, "application/json", b"{}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--openai-port", type=int, default=0)
    ap.add_argument("--otlp-port", type=int, default=0)
    ap.add_argument("--out", required=True, help="folder for the received request bodies")
    ap.add_argument("--ports-file", help="write the two bound ports here as JSON")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    Receiver.out = a.out
    servers = [ThreadingHTTPServer(("127.0.0.1", a.openai_port), OpenAI),
               ThreadingHTTPServer(("127.0.0.1", a.otlp_port), Receiver)]
    ports = {"openai": servers[0].server_address[1], "otlp": servers[1].server_address[1]}
    if a.ports_file:
        with open(a.ports_file + ".tmp", "w") as f:
            json.dump(ports, f)
        os.replace(a.ports_file + ".tmp", a.ports_file)
    print(json.dumps(ports), flush=True)
    threading.Thread(target=servers[1].serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
