# The realdata scenario under OpenInference's CrewAI instrumentation (+ its OpenAI one), run by capture.py.
"""CrewAI agents on LLM("openai/gpt-4o-mini", base_url = the stand-in; CrewAI's native OpenAI
provider), CrewAIInstrumentor (crews, tasks, agents, tools) with OpenAIInstrumentor (the model
calls, as OpenInference's CrewAI docs pair them), inside using_session/using_user; each kickoff
is one trace:
1. rag: a streaming LLM; the agent calls `search_docs` (3 documents), then answers. CrewAI makes
   no embeddings call here (no memory or knowledge).
2. tools: one response with two parallel tool calls (get_weather, explode; explode raises, CrewAI
   hands the error to the model), then the answer; then two crews whose model call fails (HTTP
   500, 400).
3. loop: 50 model calls, 49 `step` calls; a before-LLM-call hook keeps the system and task
   messages and the last step (keeps the fixture small).
BatchSpanProcessor max_export_batch_size=20; gzip bodies.
"""

import os

from crewai import LLM, Agent, Crew, Task
from crewai.hooks.llm_hooks import register_before_llm_call_hook
from crewai.tools import tool
from openinference.instrumentation import using_session, using_user
from openinference.instrumentation.crewai import CrewAIInstrumentor
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

tp = TracerProvider(resource=Resource.create({"service.name": "realdata-openinference-crewai"}))
tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["STANDIN_OTLP"] + "/v1/traces",
                                                           compression=Compression.Gzip),
                                         max_export_batch_size=20))
CrewAIInstrumentor().instrument(tracer_provider=tp)
OpenAIInstrumentor().instrument(tracer_provider=tp)
BASE = os.environ["STANDIN_OPENAI"]
STEPS = {"n": 0}


def llm(stream=False):
    return LLM(model="openai/gpt-4o-mini", base_url=BASE, api_key="sk-standin", stream=stream, max_retries=0)


@tool("search_docs")
def search_docs(query: str) -> str:
    """Search the docs."""
    return "; ".join("Canopy fact %d" % i for i in range(3))


@tool("get_weather")
def get_weather(city: str) -> str:
    """Weather in a city."""
    return "sunny in " + city


@tool("explode")
def explode(city: str) -> str:
    """A tool that fails."""
    raise RuntimeError("tool exploded")


@tool("step")
def step() -> str:
    """One step."""
    STEPS["n"] += 1
    return str(STEPS["n"])


def window(context):
    """Keeps the system and task messages and the last assistant message with what follows it."""
    last = max((i for i, m in enumerate(context.messages) if m.get("role") == "assistant"), default=0)
    if last > 2:
        del context.messages[2:last]
    return None


register_before_llm_call_hook(window)


def crew(text, tools, stream=False, max_iter=5):
    agent = Agent(role="helper", goal="Answer briefly.", backstory="Brief.", tools=tools, llm=llm(stream),
                  max_iter=max_iter, verbose=False)
    task = Task(description=text, expected_output="A short answer.", agent=agent)
    return Crew(agents=[agent], tasks=[task], verbose=False).kickoff()


with using_session("sess-1"), using_user("user-1"):
    print(crew("What is Canopy? call=search_docs", [search_docs], stream=True))
    print(crew("Weather? call=get_weather,explode", [get_weather, explode]))
    for marker in ("FAIL500", "FAIL400"):
        try:
            crew(marker, [get_weather])
        except Exception as e:  # the scripted failure
            print("failed as scripted:", type(e).__name__)
    print(crew("Count. loop=50:step", [step], max_iter=60))
tp.force_flush()
tp.shutdown()
