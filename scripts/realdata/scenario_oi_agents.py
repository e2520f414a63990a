# The realdata scenario under OpenInference's OpenAI Agents SDK instrumentation, run by capture.py.
"""OpenAI Agents SDK on chat completions against the stand-in; OpenAIAgentsInstrumentor (the only
trace processor: nothing goes to OpenAI). Each turn is one Runner run (one trace) with
group_id "sess-1", inside using_session/using_user:
1. rag-turn, streamed (run_streamed): the agent calls `search_docs` (3 documents), then answers.
   The SDK has no embeddings call, so this library's fixture has none.
2. tools-turn: a triage agent with an input guardrail hands off to a weather agent, which makes two
   parallel tool calls (get_weather, explode; explode raises, the SDK reports it to the model);
   then a run tripping the guardrail, and two runs whose model call fails (HTTP 500, 400); these
   four runs share one `agents.trace`.
3. agent-loop: 50 model calls, 49 `step` calls; call_model_input_filter sends the first item and
   the last step only (keeps the fixture small).
BatchSpanProcessor max_export_batch_size=20.
"""

import asyncio
import os

from agents import (Agent, GuardrailFunctionOutput, InputGuardrailTripwireTriggered, RunConfig, Runner,
                    function_tool, input_guardrail, set_default_openai_api, set_default_openai_client, trace)
from agents.run_config import ModelInputData
from openai import AsyncOpenAI
from openinference.instrumentation import using_session, using_user
from openinference.instrumentation.openai_agents import OpenAIAgentsInstrumentor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

tp = TracerProvider(resource=Resource.create({"service.name": "realdata-openinference-openai-agents"}))
tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["STANDIN_OTLP"] + "/v1/traces"),
                                         max_export_batch_size=20))
OpenAIAgentsInstrumentor().instrument(tracer_provider=tp)
set_default_openai_client(AsyncOpenAI(base_url=os.environ["STANDIN_OPENAI"], api_key="sk-standin", max_retries=0),
                          use_for_tracing=False)
set_default_openai_api("chat_completions")
MODEL = "gpt-4o-mini"
STEPS = {"n": 0}


@function_tool
def search_docs(query: str) -> list[str]:
    """Search the docs."""
    return ["Canopy fact %d" % i for i in range(3)]


@function_tool
def get_weather(city: str) -> str:
    """Weather in a city."""
    return "sunny in " + city


@function_tool
def explode(city: str) -> str:
    """A tool that fails."""
    raise RuntimeError("tool exploded")


@function_tool
def step() -> str:
    """One step."""
    STEPS["n"] += 1
    return str(STEPS["n"])


@input_guardrail
def no_forbidden(ctx, agent, text):
    return GuardrailFunctionOutput(output_info={"checked": True}, tripwire_triggered="FORBIDDEN" in str(text))


def window(data):
    items = data.model_data.input
    return ModelInputData(input=items[:1] + items[-2:] if len(items) > 3 else items,
                          instructions=data.model_data.instructions)


rag_agent = Agent(name="rag agent", model=MODEL, instructions="Be brief.", tools=[search_docs])
weather = Agent(name="weather agent", model=MODEL, instructions="Be brief.", tools=[get_weather, explode])
triage = Agent(name="triage agent", model=MODEL, instructions="Route.", handoffs=[weather],
               input_guardrails=[no_forbidden])
looper = Agent(name="loop agent", model=MODEL, instructions="Count.", tools=[step])


def cfg(name, **kw):
    return RunConfig(workflow_name=name, group_id="sess-1", trace_metadata={"user_id": "user-1"}, **kw)


async def main():
    streamed = Runner.run_streamed(rag_agent, "What is Canopy? call=search_docs", run_config=cfg("rag-turn"))
    async for _ in streamed.stream_events():
        pass
    print(streamed.final_output)
    with trace("tools-turn", group_id="sess-1", metadata={"user_id": "user-1"}):  # the runs below: one trace
        out = await Runner.run(triage, "Weather? call=transfer_to_weather_agent,get_weather,explode",
                               run_config=cfg("tools-turn"))
        print(out.final_output)
        try:
            await Runner.run(triage, "FORBIDDEN words", run_config=cfg("guardrail"))
        except InputGuardrailTripwireTriggered:
            print("guardrail tripped as scripted")
        for marker in ("FAIL500", "FAIL400"):
            try:
                await Runner.run(weather, marker, run_config=cfg("failing"))
            except Exception as e:  # the scripted failure
                print("failed as scripted:", type(e).__name__)
    out = await Runner.run(looper, "Count. loop=50:step", max_turns=60,
                           run_config=cfg("agent-loop", call_model_input_filter=window))
    print(out.final_output)


with using_session("sess-1"), using_user("user-1"):
    asyncio.run(main())
tp.force_flush()
tp.shutdown()
