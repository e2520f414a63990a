# The realdata scenario under OpenInference's smolagents instrumentation, run by capture.py.
"""smolagents ToolCallingAgent on OpenAIServerModel pointed at the stand-in (which answers through
the `final_answer` tool when offered), SmolagentsInstrumentor, inside using_session/using_user;
each agent run is one trace:
1. rag: stream_outputs=True; the agent calls `search_docs` (3 documents), then answers.
   smolagents makes no embeddings call.
2. tools: one response with two parallel tool calls (get_weather, explode; explode raises and the
   agent records the error), then the answer; two runs whose model call fails (HTTP 500, 400).
3. loop: 50 model calls (49 `step` calls); a step callback keeps the task and the last step in
   memory, and a one-line system prompt replaces the default (keeps the fixture small).
The two failing runs never end their run spans (the exception leaves them open), so their steps
are orphans and the loop's run is parented to an unexported span: real behaviour, kept.
BatchSpanProcessor max_export_batch_size=20; gzip bodies.
"""

import importlib.resources
import os

import yaml

from openinference.instrumentation import using_session, using_user
from openinference.instrumentation.smolagents import SmolagentsInstrumentor
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from smolagents import OpenAIServerModel, ToolCallingAgent, tool
from smolagents.memory import ActionStep

tp = TracerProvider(resource=Resource.create({"service.name": "realdata-openinference-smolagents"}))
tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["STANDIN_OTLP"] + "/v1/traces",
                                                           compression=Compression.Gzip),
                                         max_export_batch_size=20))
SmolagentsInstrumentor().instrument(tracer_provider=tp)
model = OpenAIServerModel(model_id="gpt-4o-mini", api_base=os.environ["STANDIN_OPENAI"], api_key="sk-standin",
                          client_kwargs={"max_retries": 0})
STEPS = {"n": 0}
# the default system prompt is some 2,000 words, repeated in every model span: a short one keeps
# the fixture small (the tools still go to the model as its tool definitions)
TEMPLATES = yaml.safe_load(importlib.resources.files("smolagents.prompts").joinpath("toolcalling_agent.yaml").read_text())
TEMPLATES["system_prompt"] = "Use the tools; answer with final_answer."


@tool
def search_docs(query: str) -> str:
    """Search the docs.

    Args:
        query: what to look for
    """
    return "; ".join("Canopy fact %d" % i for i in range(3))


@tool
def get_weather(city: str) -> str:
    """Weather in a city.

    Args:
        city: the city
    """
    return "sunny in " + city


@tool
def explode(city: str) -> str:
    """A tool that fails.

    Args:
        city: the city
    """
    raise RuntimeError("tool exploded")


@tool
def step() -> str:
    """One step."""
    STEPS["n"] += 1
    return str(STEPS["n"])


def keep_last(memory_step, agent):
    steps = agent.memory.steps
    actions = [s for s in steps if isinstance(s, ActionStep)]
    if len(actions) > 1:
        agent.memory.steps = [s for s in steps if not isinstance(s, ActionStep)] + actions[-1:]


with using_session("sess-1"), using_user("user-1"):
    rag = ToolCallingAgent(tools=[search_docs], model=model, prompt_templates=TEMPLATES, stream_outputs=True, max_steps=4, verbosity_level=0)
    print(rag.run("What is Canopy? call=search_docs"))
    tools = ToolCallingAgent(tools=[get_weather, explode], model=model, prompt_templates=TEMPLATES, max_steps=4, verbosity_level=0)
    print(tools.run("Weather? call=get_weather,explode"))
    for marker in ("FAIL500", "FAIL400"):
        try:
            tools.run(marker)
        except Exception as e:  # the scripted failure
            print("failed as scripted:", type(e).__name__)
    looper = ToolCallingAgent(tools=[step], model=model, prompt_templates=TEMPLATES, max_steps=60, verbosity_level=0,
                              step_callbacks={ActionStep: keep_last})
    print(looper.run("Count. loop=50:step"))
tp.force_flush()
tp.shutdown()
