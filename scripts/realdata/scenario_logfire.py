# The realdata scenario under Pydantic AI instrumented by Logfire (send_to_logfire=False, OTLP to the receiver).
"""Three turns, each a `logfire.span` (one trace each) carrying user.id, with conversation_id
"sess-1" on every agent run:
1. RAG: an embeddings call (pydantic_ai.embeddings.Embedder), the model calls `search_docs`
   (3 documents) and the answer is streamed (run_stream_sync).
2. Tools: one response with two parallel tool calls (get_weather, explode); explode raises, which
   fails the run; then two runs whose model call fails (HTTP 500, then 400; client retries off).
3. An agent loop of 50 model calls (49 `step` tool calls) by a second agent whose history
   processor sends a window of the conversation (keeps the fixture small).
OTEL_BSP_MAX_EXPORT_BATCH_SIZE=20 splits traces over export requests; bodies are sent gzipped.
"""

import os

os.environ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "20"
os.environ["OTEL_EXPORTER_OTLP_COMPRESSION"] = "gzip"  # keeps the committed bodies small

import logfire  # noqa: E402
from openai import AsyncOpenAI  # noqa: E402
from pydantic_ai import Agent  # noqa: E402
from pydantic_ai.capabilities import ProcessHistory  # noqa: E402
from pydantic_ai.embeddings import Embedder  # noqa: E402
from pydantic_ai.embeddings.openai import OpenAIEmbeddingModel  # noqa: E402
from pydantic_ai.models.openai import OpenAIChatModel  # noqa: E402
from pydantic_ai.providers.openai import OpenAIProvider  # noqa: E402
from pydantic_ai.usage import UsageLimits  # noqa: E402

logfire.configure(send_to_logfire=False, console=False, service_name="realdata-pydantic-ai")
logfire.instrument_pydantic_ai()

provider = OpenAIProvider(openai_client=AsyncOpenAI(base_url=os.environ["STANDIN_OPENAI"], api_key="sk-standin",
                                                    max_retries=0))
model = OpenAIChatModel("gpt-4o-mini", provider=provider)
agent = Agent(model, instructions="Be brief.")
SESSION = dict(conversation_id="sess-1")
USER = {"user.id": "user-1", "session.id": "sess-1"}
STEPS = {"n": 0}


@agent.tool_plain
def search_docs(query: str) -> list[str]:
    """Search the docs."""
    with logfire.span("retrieve"):
        return ["Canopy fact %d" % i for i in range(3)]


@agent.tool_plain
def get_weather(city: str) -> str:
    """Weather in a city."""
    return "sunny in " + city


@agent.tool_plain
def explode(city: str) -> str:
    """A tool that fails."""
    raise RuntimeError("tool exploded")


def window(messages):
    """The loop sends its first request and the last step only (a context-trimming agent), so
    each model span records a short history instead of the whole loop."""
    return messages[:1] + messages[-2:] if len(messages) > 3 else messages


looper = Agent(model, instructions="Be brief.", capabilities=[ProcessHistory(window)])


@looper.tool_plain
def step() -> str:
    """One step."""
    STEPS["n"] += 1
    return str(STEPS["n"])


with logfire.span("rag-turn", **USER):
    emb = OpenAIEmbeddingModel("text-embedding-3-small", provider=provider)
    Embedder(emb, instrument=True).embed_query_sync("What is Canopy?")
    with agent.run_stream_sync("What is Canopy? call=search_docs", **SESSION) as result:
        print("".join(result.stream_text(delta=True)))

with logfire.span("tools-turn", **USER):
    try:
        agent.run_sync("Weather? call=get_weather,explode", **SESSION)
    except RuntimeError as e:
        print("tool raised as scripted:", e)
    for marker in ("FAIL500", "FAIL400"):
        try:
            agent.run_sync(marker, **SESSION)
        except Exception as e:  # the scripted failure
            print("failed as scripted:", type(e).__name__)

with logfire.span("agent-loop", **USER):
    out = looper.run_sync("Count. loop=50:step", usage_limits=UsageLimits(request_limit=60), **SESSION)
    print(out.output)

logfire.force_flush()
logfire.shutdown()
