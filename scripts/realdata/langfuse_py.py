#!/usr/bin/env python3
# Langfuse Python SDK 3.15.0 + its OpenAI integration, against the loopback stand-in
import os
os.environ.update(LANGFUSE_PUBLIC_KEY="pk-lf-x", LANGFUSE_SECRET_KEY="sk-lf-x", LANGFUSE_HOST="http://127.0.0.1:18777", OPENAI_API_KEY="sk-x", OPENAI_BASE_URL="http://127.0.0.1:18777/v1")
from langfuse import get_client, observe
from langfuse.openai import openai
lf = get_client()
@observe()
def answer(q):
    lf.update_current_trace(name="qa", user_id="user-7", session_id="sess-9", tags=["t1","t2"], metadata={"team": "x", "nested": {"a": 1}}, input={"q": q}, output="Paris.", public=True)
    openai.embeddings.create(model="text-embedding-3-small", input=q)
    r = openai.chat.completions.create(model="gpt-4o", messages=[{"role":"user","content":q}], temperature=0.2)
    with lf.start_as_current_generation(name="manual", model="claude-x", usage_details={"input": 0, "output": 28, "input_cache_read": 43014}, cost_details={"input": 0.001, "output": 0.002}, metadata={"k": "v"}, input=[{"role":"user","content":"hi"}], output={"role":"assistant","content":"yo"}, level="WARNING", status_message="slow") as g:
        pass
    with lf.start_as_current_span(name="tool-x", input={"a": 1}) as s:
        s.update(output={"b": 2})
    tid = lf.get_current_trace_id()
    lf.create_score(name="accuracy", value=0.9, trace_id=tid, data_type="NUMERIC", comment="good")
    lf.create_score(name="label", value="ok", trace_id=tid, data_type="CATEGORICAL")
    return r.choices[0].message.content
print(answer("Capital of France?"))
lf.flush()
