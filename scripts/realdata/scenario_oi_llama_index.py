# The realdata scenario under OpenInference's LlamaIndex instrumentation, run by capture.py.
"""LlamaIndex (llms-openai, embeddings-openai) against the stand-in, LlamaIndexInstrumentor,
inside using_session/using_user:
1. rag: a VectorStoreIndex over 3 documents (embedding calls), its retriever returning the 3,
   then a streamed chat answer (stream_chat); flushed before the last span ends.
2. tools: a FunctionAgent; one response with two parallel tool calls (get_weather, explode;
   explode raises, the agent reports it to the model), then the answer; then two chat calls
   that fail (HTTP 500, 400; retries off).
3. loop: 50 llm.chat_with_tools calls and 49 `step` tool calls, each call sending the first
   message and the last step only (a FunctionAgent keeps its whole scratchpad in every call:
   2.6 MB for 50 steps).
Each turn runs under a span of our own (one trace per turn).
Settings.tokenizer is a word splitter: the default (tiktoken) downloads its tables at run time.
BatchSpanProcessor max_export_batch_size=20; gzip bodies.
"""

import asyncio
import os

from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.llms import ChatMessage
from llama_index.core.tools import FunctionTool
from llama_index.embeddings.openai import OpenAIEmbedding
from llama_index.llms.openai import OpenAI
from openinference.instrumentation import using_session, using_user
from openinference.instrumentation.llama_index import LlamaIndexInstrumentor
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

tp = TracerProvider(resource=Resource.create({"service.name": "realdata-openinference-llama-index"}))
tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["STANDIN_OTLP"] + "/v1/traces",
                                                           compression=Compression.Gzip),
                                         max_export_batch_size=20))
LlamaIndexInstrumentor().instrument(tracer_provider=tp)
tracer = tp.get_tracer("realdata")
BASE = os.environ["STANDIN_OPENAI"]
Settings.tokenizer = str.split
llm = OpenAI(model="gpt-4o-mini", api_base=BASE, api_key="sk-standin", max_retries=0)
emb = OpenAIEmbedding(model="text-embedding-3-small", api_base=BASE, api_key="sk-standin", max_retries=0)
STEPS = {"n": 0}


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


async def main():
    with tracer.start_as_current_span("rag-turn"):
        await rag()
    with tracer.start_as_current_span("tools-turn"):
        await tools_turn()
    with tracer.start_as_current_span("agent-loop"):
        print(loop())


def loop():
    """50 chat_with_tools calls, each sending the first message and the last step only."""
    tool = FunctionTool.from_defaults(step)
    first, window = ChatMessage(role="user", content="Count. loop=50:step"), []
    for _ in range(50):
        response = llm.chat_with_tools([tool], chat_history=[first] + window)
        calls = llm.get_tool_calls_from_response(response, error_on_no_tool_call=False)
        if not calls:
            return response.message.content
        result = tool.call(**calls[0].tool_kwargs)
        window = [response.message, ChatMessage(role="tool", content=str(result),
                                                additional_kwargs={"tool_call_id": calls[0].tool_id})]
    raise SystemExit("the loop did not end")


async def rag():
    index = VectorStoreIndex.from_documents([Document(text="Canopy fact %d" % i, doc_id="doc-%d" % i)
                                             for i in range(3)], embed_model=emb)
    nodes = index.as_retriever(similarity_top_k=3).retrieve("What is Canopy?")
    context = " ".join(n.get_content() for n in nodes)
    stream = llm.stream_chat([ChatMessage(role="system", content=context),
                              ChatMessage(role="user", content="What is Canopy?")])
    print("".join(r.delta or "" for r in stream))
    tp.force_flush()


async def tools_turn():
    tools = FunctionAgent(tools=[FunctionTool.from_defaults(get_weather), FunctionTool.from_defaults(explode)],
                          llm=llm, system_prompt="Be brief.")
    print(await tools.run(user_msg="Weather? call=get_weather,explode"))
    for marker in ("FAIL500", "FAIL400"):
        try:
            llm.chat([ChatMessage(role="user", content=marker)])
        except Exception as e:  # the scripted failure
            print("failed as scripted:", type(e).__name__)


with using_session("sess-1"), using_user("user-1"):
    asyncio.run(main())
tp.force_flush()
tp.shutdown()
