# The realdata scenario for libraries that instrument the plain OpenAI client (Traceloop, OpenInference).
"""Shared by scenario_traceloop.py and scenario_oi_openai.py; each passes its own way to mark a
turn (the trace root), an agent, a tool and a retriever, and how to flush mid-trace.

1. rag-turn: embeddings call, a retriever returning 3 documents, a streamed answer
   (include_usage), then a flush while the turn's root span is still open (two requests).
2. tools-turn: one response with two parallel tool calls (get_weather, explode); explode raises;
   the answer; then two calls that fail (HTTP 500, 400; retries off).
3. agent-loop: 50 model calls, 49 `step` tool calls; each call sends the first user message and
   the last step only (a context-trimming loop, so the fixture stays small).
"""

import json

MODEL = "gpt-4o-mini"


def tool_def(name, params):
    props = {p: {"type": "string"} for p in params}
    return {"type": "function", "function": {"name": name, "description": name.replace("_", " "),
                                             "parameters": {"type": "object", "properties": props,
                                                            "required": list(params)}}}


TOOLS = [tool_def("get_weather", ["city"]), tool_def("explode", ["city"])]
STEP = [tool_def("step", [])]
DOCS = [{"id": "doc-%d" % i, "text": "Canopy fact %d" % i} for i in range(3)]


def run(client, turn, agent, tool, retriever, flush):
    """turn(name, fn), agent(name, fn), tool(name, fn), retriever(name, fn) return wrapped
    callables; flush() exports what has ended so far."""

    def search(query):
        return DOCS

    search = retriever("retrieve", search)

    def rag():
        q = "What is Canopy?"
        client.embeddings.create(model="text-embedding-3-small", input=q)
        docs = search(q)
        stream = client.chat.completions.create(
            model=MODEL, stream=True, stream_options={"include_usage": True},
            messages=[{"role": "system", "content": " ".join(d["text"] for d in docs)},
                      {"role": "user", "content": q}])
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        flush()
        return text

    def get_weather(city):
        return "sunny in " + city

    def explode(city):
        raise RuntimeError("tool exploded")

    funcs = {"get_weather": tool("get_weather", get_weather), "explode": tool("explode", explode)}

    def tools():
        msgs = [{"role": "user", "content": "Weather? call=get_weather,explode"}]
        m = client.chat.completions.create(model=MODEL, messages=msgs, tools=TOOLS).choices[0].message
        msgs.append(m.model_dump(exclude_none=True))
        for c in m.tool_calls:
            try:
                out = funcs[c.function.name](**json.loads(c.function.arguments))
            except RuntimeError as e:
                out = "error: %s" % e
            msgs.append({"role": "tool", "tool_call_id": c.id, "content": out})
        answer = client.chat.completions.create(model=MODEL, messages=msgs, tools=TOOLS)
        for marker in ("FAIL500", "FAIL400"):
            try:
                client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": marker}])
            except Exception as e:  # the scripted failure
                print("failed as scripted:", type(e).__name__)
        return answer.choices[0].message.content

    def step(k):
        return str(k)

    step = tool("step", step)

    def loop():
        user = {"role": "user", "content": "Count. loop=50:step"}
        window = []
        for k in range(1, 51):
            m = client.chat.completions.create(model=MODEL, messages=[user] + window, tools=STEP).choices[0].message
            if not m.tool_calls:
                return m.content
            c = m.tool_calls[0]
            window = [m.model_dump(exclude_none=True), {"role": "tool", "tool_call_id": c.id, "content": step(k)}]
        raise SystemExit("the loop did not end")

    print(turn("rag-turn", rag)())
    print(turn("tools-turn", tools)())
    print(turn("agent-loop", agent("agent-loop", loop))())
