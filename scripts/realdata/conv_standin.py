# loopback stand-in: OpenAI chat/embeddings answers, Langfuse OTLP + ingestion capture
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from google.protobuf.json_format import MessageToDict
OUT = sys.argv[1]
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200); self.send_header("content-type","application/json"); self.end_headers(); self.wfile.write(b"{}")
    def do_POST(self):
        n = int(self.headers.get("content-length", 0)); body = self.rfile.read(n)
        p = self.path
        if p.endswith("/v1/traces"):
            req = ExportTraceServiceRequest(); req.ParseFromString(body)
            with open(OUT + "/traces.otlp.jsonl", "a") as f: f.write(json.dumps(MessageToDict(req)) + "\n")
            resp = b""
            ctype = "application/x-protobuf"
        elif "/api/public/" in p:
            with open(OUT + "/ingestion.jsonl", "a") as f: f.write(json.dumps({"path": p, "body": json.loads(body)}) + "\n")
            resp = json.dumps({"successes": [], "errors": []}).encode(); ctype = "application/json"
        elif p.endswith("/chat/completions") and b'transfer_to_specialist' in body and b'"tool_call_id"' not in body:
            resp = json.dumps({"id":"chatcmpl-h","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
              "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":None,
                "tool_calls":[{"id":"call_h","type":"function","function":{"name":"transfer_to_specialist","arguments":"{}"}}]}}],
              "usage":{"prompt_tokens":30,"completion_tokens":5,"total_tokens":35}}).encode()
            ctype = "application/json"
        elif p.endswith("/chat/completions") and b'"tool_calls"' not in body.split(b'transfer_to_specialist')[-1] and b'"capital"' in body:
            resp = json.dumps({"id":"chatcmpl-0","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
              "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":None,
                "tool_calls":[{"id":"call_1","type":"function","function":{"name":"capital","arguments":json.dumps({"country":"France"})}}]}}],
              "usage":{"prompt_tokens":50,"completion_tokens":10,"total_tokens":60}}).encode()
            ctype = "application/json"
        elif p.endswith("/chat/completions"):
            resp = json.dumps({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
              "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Paris."}}],
              "usage":{"prompt_tokens":43014,"completion_tokens":28,"total_tokens":43042,
                "prompt_tokens_details":{"cached_tokens":40960,"audio_tokens":0},
                "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}).encode()
            ctype = "application/json"
        elif p.endswith("/embeddings"):
            resp = json.dumps({"object":"list","model":"text-embedding-3-small","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],
              "usage":{"prompt_tokens":7,"total_tokens":7}}).encode(); ctype = "application/json"
        else:
            with open(OUT + "/other.jsonl", "a") as f: f.write(json.dumps({"path": p, "body": json.loads(body or b"null")}) + "\n")
            resp = b"{}"; ctype = "application/json"
        self.send_response(200); self.send_header("content-type", ctype); self.send_header("content-length", str(len(resp))); self.end_headers(); self.wfile.write(resp)
srv = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), H)
srv.serve_forever()
