# The realdata scenario under Google ADK (its own OpenTelemetry spans), run by capture.py.
"""Google ADK LlmAgents on a LiteLlm model ("openai/gpt-4o-mini", api_base = the stand-in); ADK's
built-in tracing into a global TracerProvider (BatchSpanProcessor max_export_batch_size=20,
OTLP/HTTP protobuf). One session ("sess-1", user "user-1") for every turn; each run is one
trace (ADK's invocation span). A before_model_callback sends the model the contents from the
turn's user message on, and in a loop the first and the last step only (keeps the fixture small).
1. rag: SSE streaming; the agent calls `search_docs` (3 documents), then answers. ADK makes no
   embeddings call.
2. tools: one response with two parallel tool calls (get_weather, explode); explode raises, which
   ends the run with the error; then two runs whose model call fails (HTTP 500, 400).
3. loop: 50 model calls, 49 `step` calls.
LITELLM_LOCAL_MODEL_COST_MAP keeps litellm from fetching its price list.
"""

import asyncio
import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from google.adk.agents import LlmAgent  # noqa: E402
from google.adk.agents.run_config import RunConfig, StreamingMode  # noqa: E402
from google.adk.models.lite_llm import LiteLlm  # noqa: E402
from google.adk.runners import Runner  # noqa: E402
from google.adk.sessions import InMemorySessionService  # noqa: E402
from google.genai import types  # noqa: E402
from opentelemetry import trace  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402

tp = TracerProvider(resource=Resource.create({"service.name": "realdata-google-adk"}))
tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["STANDIN_OTLP"] + "/v1/traces"),
                                         max_export_batch_size=20))
trace.set_tracer_provider(tp)

model = LiteLlm(model="openai/gpt-4o-mini", api_base=os.environ["STANDIN_OPENAI"], api_key="sk-standin",
                max_retries=0)
STEPS = {"n": 0}


def search_docs(query: str) -> list[str]:
    """Search the docs."""
    return ["Canopy fact %d" % i for i in range(3)]


def get_weather(city: str) -> str:
    """Weather in a city."""
    return "sunny in " + city


def explode(city: str) -> str:
    """A tool that fails."""
    raise RuntimeError("tool exploded")


def step() -> str:
    """One step."""
    STEPS["n"] += 1
    return str(STEPS["n"])


def trim(callback_context, llm_request):
    c = llm_request.contents
    starts = [i for i, x in enumerate(c) if x.role == "user" and any(p.text for p in x.parts or [])]
    c = c[starts[-1]:] if starts else c
    llm_request.contents = c[:1] + c[-2:] if len(c) > 3 else c
    return None


def agent(name, tools):
    return LlmAgent(name=name, model=model, instruction="Be brief.", tools=tools, before_model_callback=trim)


async def turn(runner, text, **kw):
    msg = types.Content(role="user", parts=[types.Part(text=text)])
    last = None
    async for event in runner.run_async(user_id="user-1", session_id="sess-1", new_message=msg, **kw):
        if event.content and event.content.parts and event.content.parts[0].text:
            last = event.content.parts[0].text
    return last


async def main():
    sessions = InMemorySessionService()
    await sessions.create_session(app_name="realdata", user_id="user-1", session_id="sess-1")
    run = lambda a: Runner(agent=a, app_name="realdata", session_service=sessions)  # noqa: E731
    print(await turn(run(agent("rag", [search_docs])), "What is Canopy? call=search_docs",
                     run_config=RunConfig(streaming_mode=StreamingMode.SSE)))
    tools = run(agent("weather", [get_weather, explode]))
    try:
        print(await turn(tools, "Weather? call=get_weather,explode"))
    except RuntimeError as e:
        print("tool raised as scripted:", e)
    for marker in ("FAIL500", "FAIL400"):
        try:
            await turn(tools, marker)
        except Exception as e:  # the scripted failure
            print("failed as scripted:", type(e).__name__)
    print(await turn(run(agent("looper", [step])), "Count. loop=50:step"))


asyncio.run(main())
tp.force_flush()
tp.shutdown()
