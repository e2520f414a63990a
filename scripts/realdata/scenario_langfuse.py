# The realdata scenario under the Langfuse Python SDK (OTel-based, v3+ API), run by capture.py.
"""Three traces of one session and user:
1. RAG: an embeddings call, a retriever observation with 3 documents, a streamed answer, a manual
   generation with usage_details and cost_details, a trace score; flushed mid-trace so the
   trace's spans go out in two export requests.
2. Tools: one response with two parallel tool calls, one tool raising, the answer; then two
   LLM calls that fail (HTTP 500 and 400; retries off).
3. An agent loop of 50 model calls (49 tool steps); flush_at=20 splits it over requests.
The OpenAI calls go through langfuse.openai (the SDK's own integration) to the stand-in.
"""

import json

from langfuse import Langfuse, observe, propagate_attributes
from langfuse.openai import OpenAI

lf = Langfuse(flush_at=20, flush_interval=300)
client = OpenAI(max_retries=0)
MODEL = "gpt-4o-mini"
TRACE = dict(session_id="sess-1", user_id="user-1", tags=["realdata"])


def tool(name, params):
    props = {p: {"type": "string"} for p in params}
    return {"type": "function", "function": {"name": name, "description": name.replace("_", " "),
                                             "parameters": {"type": "object", "properties": props,
                                                            "required": list(params)}}}


TOOLS = [tool("get_weather", ["city"]), tool("explode", ["city"])]
STEP = [tool("step", [])]


@observe(name="rag-turn")
def rag_turn():
    with propagate_attributes(**TRACE):
        q = "What is Canopy?"
        client.embeddings.create(model="text-embedding-3-small", input=q)
        with lf.start_as_current_observation(as_type="retriever", name="retrieve", input=q) as r:
            docs = [{"id": "doc-%d" % i, "text": "Canopy fact %d" % i} for i in range(3)]
            r.update(output=docs)
        context = " ".join(d["text"] for d in docs)
        stream = client.chat.completions.create(
            model=MODEL, stream=True, stream_options={"include_usage": True},
            messages=[{"role": "system", "content": context}, {"role": "user", "content": q}])
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        with lf.start_as_current_observation(as_type="generation", name="manual-summary", model=MODEL,
                                             input=text) as g:
            g.update(output="short", usage_details={"input": 12, "output": 3},
                     cost_details={"input": 0.000002, "output": 0.000003})
        lf.score_current_trace(name="helpfulness", value=0.9)
        lf.flush()  # the root span is still open: the trace goes out in two requests
        return text


@observe(name="get_weather", as_type="tool")
def get_weather(city):
    return "sunny in " + city


@observe(name="explode", as_type="tool")
def explode(city):
    raise RuntimeError("tool exploded")


@observe(name="tools-turn")
def tools_turn():
    with propagate_attributes(**TRACE):
        msgs = [{"role": "user", "content": "Weather? call=get_weather,explode"}]
        r = client.chat.completions.create(model=MODEL, messages=msgs, tools=TOOLS)
        m = r.choices[0].message
        msgs.append(m.model_dump(exclude_none=True))
        for c in m.tool_calls:
            try:
                out = {"get_weather": get_weather, "explode": explode}[c.function.name](
                    **json.loads(c.function.arguments))
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


@observe(name="step", as_type="tool")
def step(k):
    return str(k)


@observe(name="agent-loop", as_type="agent")
def loop_turn():
    with propagate_attributes(**TRACE):
        user = {"role": "user", "content": "Count. loop=50:step"}
        window = []
        for k in range(1, 51):
            r = client.chat.completions.create(model=MODEL, messages=[user] + window, tools=STEP)
            m = r.choices[0].message
            if not m.tool_calls:
                return m.content
            c = m.tool_calls[0]
            window = [m.model_dump(exclude_none=True), {"role": "tool", "tool_call_id": c.id, "content": step(k)}]
        raise SystemExit("the loop did not end")


print(rag_turn())
print(tools_turn())
print(loop_turn())
lf.flush()
lf.shutdown()
