#!/usr/bin/env python3
"""Writes the built-in demo traces in public/demo/ (deterministic; rerun after editing)."""
import base64, json, os

OUT = os.path.join(os.path.dirname(__file__), "..", "public", "demo")
os.makedirs(OUT, exist_ok=True)
T0_MS = 1_763_000_000_000  # 2025-11-13T02:13:20Z


def iso(ms):
    import datetime
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# 1. Langfuse export: an agent with tool calls and retrieval.
def obs(id, parent, typ, name, start, end, **kw):
    o = {"id": id, "traceId": "demo-agent-trace", "parentObservationId": parent, "type": typ, "name": name,
         "startTime": iso(T0_MS + start), "endTime": iso(T0_MS + end), "level": kw.pop("level", "DEFAULT"),
         "statusMessage": kw.pop("statusMessage", None), "input": None, "output": None, "metadata": "{}",
         "model": None, "modelParameters": None, "completionStartTime": None, "usageDetails": {}, "costDetails": {}}
    for k, v in kw.items():
        o[k] = json.dumps(v) if k in ("input", "output", "metadata") else v
    return o

tools = [{"type": "function", "function": {"name": "search_flights", "parameters": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}, "date": {"type": "string"}}}}}]
question = "Find me a flight from Berlin to Lisbon next Friday and check the baggage policy."
agent = {
    "trace": {
        "id": "demo-agent-trace", "name": "travel-agent", "timestamp": iso(T0_MS), "sessionId": "demo-session-42",
        "userId": "user-ana", "tags": ["demo", "agent"], "release": "v1.4.0", "version": "2",
        "input": json.dumps({"question": question}),
        "output": json.dumps({"answer": "TAP TP 547 leaves Friday 09:40, €132, one 8 kg cabin bag included."}),
        "metadata": json.dumps({"env": "staging"}),
        "scores": [
            {"id": "s1", "name": "helpfulness", "value": None, "stringValue": "helpful", "dataType": "CATEGORICAL", "source": "ANNOTATION", "comment": "Answered both parts.", "traceId": "demo-agent-trace", "observationId": None},
            {"id": "s2", "name": "faithfulness", "value": 0.92, "dataType": "NUMERIC", "source": "EVAL", "comment": "Baggage claim is supported by the retrieved policy.", "traceId": "demo-agent-trace", "observationId": "gen-answer"},
        ],
        "observations": [],
    },
    "observations": [
        obs("agent-root", None, "AGENT", "travel-agent", 0, 6100, input={"question": question}),
        obs("gen-plan", "agent-root", "GENERATION", "plan", 20, 1450, model="gpt-4o-2024-08-06",
            modelParameters={"temperature": 0.2, "max_tokens": 512},
            completionStartTime=iso(T0_MS + 610),
            input=[{"role": "system", "content": "You are a travel assistant. Use tools when needed."}, {"role": "user", "content": question}],
            output={"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "search_flights", "arguments": json.dumps({"from": "BER", "to": "LIS", "date": "2025-11-21"})}}]},
            usageDetails={"input": 412, "output": 38, "total": 450}, costDetails={"input": 0.00103, "output": 0.00038, "total": 0.00141},
            metadata={"tools": tools}),
        obs("tool-search", "agent-root", "TOOL", "search_flights", 1460, 2980,
            input={"from": "BER", "to": "LIS", "date": "2025-11-21"},
            output=[{"flight": "TP 547", "departs": "09:40", "price_eur": 132}, {"flight": "FR 1882", "departs": "17:05", "price_eur": 89}]),
        obs("ret-policy", "agent-root", "RETRIEVER", "baggage-policy-search", 3000, 3420,
            input={"query": "TAP cabin baggage allowance economy"},
            output={"documents": [{"id": "tap-baggage-2025", "score": 0.87, "content": "Economy Basic: one 8 kg cabin bag (55x40x20 cm) included."}, {"id": "tap-fees", "score": 0.61, "content": "Checked bags from €25 when booked online."}]}),
        obs("emb-query", "ret-policy", "EMBEDDING", "embed-query", 3010, 3090, model="text-embedding-3-small",
            usageDetails={"input": 9, "total": 9}, costDetails={"total": 0.00000018}),
        obs("gen-answer", "agent-root", "GENERATION", "answer", 3450, 6050, model="gpt-4o-2024-08-06",
            completionStartTime=iso(T0_MS + 3900),
            input=[{"role": "system", "content": "You are a travel assistant."}, {"role": "user", "content": question},
                   {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "search_flights", "arguments": "{\"from\":\"BER\",\"to\":\"LIS\"}"}}]},
                   {"role": "tool", "tool_call_id": "call_1", "content": "TP 547 09:40 €132; FR 1882 17:05 €89"}],
            output={"role": "assistant", "content": "TAP TP 547 leaves Friday 09:40, €132, one 8 kg cabin bag included."},
            usageDetails={"input": 688, "output": 54, "total": 742, "input_cached_tokens": 412}, costDetails={"input": 0.00172, "output": 0.00054, "total": 0.00226}),
        obs("evt-done", "agent-root", "EVENT", "answer-sent", 6090, 6090, metadata={"channel": "web"}),
    ],
}
agent["trace"]["observations"] = [o["id"] for o in agent["observations"]]
with open(os.path.join(OUT, "agent-tools.json"), "w") as f:
    json.dump(agent, f, indent=1, ensure_ascii=False)


# 2. OTLP spec JSON with OpenInference attributes: a RAG chain.
def s(k, v):
    return {"key": k, "value": {"stringValue": v}}

def i(k, v):
    return {"key": k, "value": {"intValue": str(v)}}

def ns(ms):
    return str((T0_MS + ms) * 1_000_000)

TR = "4bf92f3577b34da6a3ce929d0e0e4736"
docs = ["Refunds are issued within 14 days of receiving the returned item.", "Items must be unused and in original packaging.", "Sale items can only be exchanged, not refunded."]
rag_spans = [
    {"traceId": TR, "spanId": "00f067aa0ba90201", "name": "rag-query", "kind": 1, "startTimeUnixNano": ns(0), "endTimeUnixNano": ns(2300),
     "attributes": [s("openinference.span.kind", "CHAIN"), s("input.value", "How long do refunds take?"), s("output.value", "Refunds are issued within 14 days after the item arrives."),
                    s("session.id", "support-chat-7"), s("user.id", "customer-981"), i("llm.token_count.prompt", 305), i("llm.token_count.completion", 17), i("llm.token_count.total", 322)],
     "status": {"code": 1}},
    {"traceId": TR, "spanId": "00f067aa0ba90202", "parentSpanId": "00f067aa0ba90201", "name": "retrieve", "kind": 1, "startTimeUnixNano": ns(10), "endTimeUnixNano": ns(420),
     "attributes": [s("openinference.span.kind", "RETRIEVER"), s("input.value", "How long do refunds take?")] +
                   [a for n, d in enumerate(docs) for a in (s(f"retrieval.documents.{n}.document.id", f"policy-{n+1}"), s(f"retrieval.documents.{n}.document.content", d), {"key": f"retrieval.documents.{n}.document.score", "value": {"doubleValue": round(0.91 - n * 0.17, 2)}})],
     "status": {}},
    {"traceId": TR, "spanId": "00f067aa0ba90203", "parentSpanId": "00f067aa0ba90202", "name": "embed", "kind": 3, "startTimeUnixNano": ns(12), "endTimeUnixNano": ns(95),
     "attributes": [s("openinference.span.kind", "EMBEDDING"), s("embedding.model_name", "text-embedding-3-small"), s("llm.model_name", "text-embedding-3-small"), i("llm.token_count.prompt", 7), i("llm.token_count.total", 7)],
     "status": {}},
    {"traceId": TR, "spanId": "00f067aa0ba90204", "parentSpanId": "00f067aa0ba90201", "name": "ChatOpenAI", "kind": 3, "startTimeUnixNano": ns(430), "endTimeUnixNano": ns(2280),
     "attributes": [s("openinference.span.kind", "LLM"), s("llm.model_name", "gpt-4o-mini"), s("llm.invocation_parameters", json.dumps({"temperature": 0, "max_tokens": 256})),
                    s("llm.input_messages.0.message.role", "system"), s("llm.input_messages.0.message.content", "Answer from the context only.\n\nContext:\n" + "\n".join(docs)),
                    s("llm.input_messages.1.message.role", "user"), s("llm.input_messages.1.message.content", "How long do refunds take?"),
                    s("llm.output_messages.0.message.role", "assistant"), s("llm.output_messages.0.message.content", "Refunds are issued within 14 days after the item arrives."),
                    i("llm.token_count.prompt", 298), i("llm.token_count.completion", 17), i("llm.token_count.total", 315), i("llm.token_count.prompt_details.cache_read", 0)],
     "events": [{"timeUnixNano": ns(980), "name": "first_token"}],
     "status": {"code": 1}},
]
rag = {"resourceSpans": [{"resource": {"attributes": [s("service.name", "support-bot")]},
                          "scopeSpans": [{"scope": {"name": "openinference.instrumentation.langchain", "version": "0.1.43"}, "spans": rag_spans}]}]}
with open(os.path.join(OUT, "rag-chain.otlp.json"), "w") as f:
    json.dump(rag, f, indent=1, ensure_ascii=False)


# 3. OTLP protobuf-JSON (base64 ids, enum names), GenAI attributes: a run that fails.
def b64(hexs):
    return base64.b64encode(bytes.fromhex(hexs)).decode()

TF = "0af7651916cd43dd8448eb211c80319c"
def span(sid, parent, name, start, end, attrs, status=None, events=None):
    d = {"traceId": b64(TF), "spanId": b64(sid), "name": name, "kind": "SPAN_KIND_INTERNAL", "startTimeUnixNano": ns(start), "endTimeUnixNano": ns(end), "attributes": attrs,
         "status": status or {"code": "STATUS_CODE_OK"}}
    if parent:
        d["parentSpanId"] = b64(parent)
    if events:
        d["events"] = events
    return d

err = {"code": "STATUS_CODE_ERROR", "message": "ToolError: inventory API returned 503 Service Unavailable"}
exc = [{"timeUnixNano": ns(2150), "name": "exception", "attributes": [s("exception.type", "ToolError"), s("exception.message", "inventory API returned 503 Service Unavailable"),
        s("exception.stacktrace", "Traceback (most recent call last):\n  File \"agent/tools.py\", line 88, in check_inventory\n    resp.raise_for_status()\n  File \"httpx/_models.py\", line 761, in raise_for_status\n    raise HTTPStatusError(message, request=request, response=self)\nToolError: inventory API returned 503 Service Unavailable")]}]
fail_spans = [
    span("b7ad6b7169203301", None, "invoke_agent order-assistant", 0, 2600, [s("gen_ai.operation.name", "invoke_agent"), s("gen_ai.agent.name", "order-assistant"), s("gen_ai.conversation.id", "conv-5512"),
         s("input.value", "Is the blue kettle (SKU 4471) in stock?")], status={"code": "STATUS_CODE_ERROR", "message": "agent stopped after tool failure"}),
    span("b7ad6b7169203302", "b7ad6b7169203301", "chat gpt-4.1", 15, 1200, [s("gen_ai.operation.name", "chat"), s("gen_ai.request.model", "gpt-4.1"), s("gen_ai.response.model", "gpt-4.1-2025-04-14"),
         {"key": "gen_ai.request.temperature", "value": {"doubleValue": 0.3}}, i("gen_ai.usage.input_tokens", 233), i("gen_ai.usage.output_tokens", 21),
         s("gen_ai.input.messages", json.dumps([{"role": "user", "parts": [{"type": "text", "content": "Is the blue kettle (SKU 4471) in stock?"}]}])),
         s("gen_ai.output.messages", json.dumps([{"role": "assistant", "parts": [{"type": "tool_call", "id": "call_9", "name": "check_inventory", "arguments": {"sku": "4471"}}], "finish_reason": "tool_call"}]))]),
    span("b7ad6b7169203303", "b7ad6b7169203301", "execute_tool check_inventory", 1210, 2160, [s("gen_ai.operation.name", "execute_tool"), s("gen_ai.tool.name", "check_inventory"),
         s("gen_ai.tool.call.id", "call_9"), s("gen_ai.tool.call.arguments", json.dumps({"sku": "4471"}))], status=err, events=exc),
    span("b7ad6b7169203304", "b7ad6b7169203303", "GET inventory.internal/v2/sku/4471", 1220, 2140, [s("http.request.method", "GET"), i("http.response.status_code", 503), s("url.full", "https://inventory.internal/v2/sku/4471")],
         status={"code": "STATUS_CODE_ERROR", "message": "503 Service Unavailable"}),
]
fail = [{"resourceSpans": [{"resource": {"attributes": [s("service.name", "order-assistant")]}, "scopeSpans": [{"scope": {"name": "opentelemetry.instrumentation.openai_agents"}, "spans": fail_spans}]}]}]
with open(os.path.join(OUT, "failing-run.json"), "w") as f:
    json.dump(fail, f, indent=1, ensure_ascii=False)
print("wrote", sorted(os.listdir(OUT)))
