# The realdata scenario under OpenInference's LangChain instrumentation (a LangGraph agent), run by capture.py.
"""Three turns, each a `@chain` runnable (one trace each), inside using_session/using_user:
1. rag-turn: an in-memory vector store over 3 documents (OpenAIEmbeddings, so embedding calls),
   its retriever returning the 3, then ChatOpenAI.stream with usage (a streamed answer); the
   tracer provider is flushed before the turn's root ends (two requests).
2. tools-turn: a LangGraph prebuilt ReAct agent; one response with two parallel tool calls
   (get_weather, explode); explode raises (ToolNode turns it into an error message); then two
   model calls that fail (HTTP 500, 400; retries off).
3. agent-loop: a LangGraph StateGraph with one node that calls the model, runs the `step` tool
   call and goes to itself (Command) — 50 model calls, 49 steps — its state a window (the first
   message and the last step), so each span records a short state (the prebuilt agent's
   growing state made an 18 MB fixture).
BatchSpanProcessor max_export_batch_size=20; gzip bodies (LangChain's message dumps are large).
"""

import os
from typing import TypedDict

from langchain_core.documents import Document
from langchain_core.runnables import chain
from langchain_core.tools import tool
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_openai import ChatOpenAI, OpenAIEmbeddings
from langchain_core.messages import HumanMessage
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode, create_react_agent
from langgraph.types import Command
from openinference.instrumentation import using_session, using_user
from openinference.instrumentation.langchain import LangChainInstrumentor
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

tp = TracerProvider(resource=Resource.create({"service.name": "realdata-openinference-langchain"}))
tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["STANDIN_OTLP"] + "/v1/traces",
                                                           compression=Compression.Gzip),
                                         max_export_batch_size=20))
LangChainInstrumentor().instrument(tracer_provider=tp)

llm = ChatOpenAI(model="gpt-4o-mini", max_retries=0, stream_usage=True)
emb = OpenAIEmbeddings(model="text-embedding-3-small", check_embedding_ctx_length=False)
STEPS = {"n": 0}


@tool
def get_weather(city: str) -> str:
    """Weather in a city."""
    return "sunny in " + city


@tool
def explode(city: str) -> str:
    """A tool that fails."""
    raise RuntimeError("tool exploded")


@tool
def step() -> str:
    """One step."""
    STEPS["n"] += 1
    return str(STEPS["n"])


class Loop(TypedDict):
    messages: list  # no reducer: each node replaces the window


def agent_node(state):
    """One model call; a tool call is run here and the node goes again with a window (the
    first message and the last step), else the graph ends."""
    first, ai = state["messages"][0], llm.bind_tools([step]).invoke(state["messages"])
    if not ai.tool_calls:
        return Command(update={"messages": [first, ai]}, goto=END)
    return Command(update={"messages": [first, ai, step.invoke(ai.tool_calls[0])]}, goto="agent")


graph = StateGraph(Loop)
graph.add_node("agent", agent_node, destinations=("agent", END))
graph.add_edge(START, "agent")
looper = graph.compile()


@chain
def rag_turn(q):
    store = InMemoryVectorStore(emb)
    store.add_documents([Document(page_content="Canopy fact %d" % i, id="doc-%d" % i) for i in range(3)])
    docs = store.as_retriever(search_kwargs={"k": 3}).invoke(q)
    context = " ".join(d.page_content for d in docs)
    text = "".join(c.content for c in llm.stream([("system", context), ("user", q)]))
    tp.force_flush()
    return text


@chain
def tools_turn(q):
    agent = create_react_agent(llm, ToolNode([get_weather, explode], handle_tool_errors=True))
    out = agent.invoke({"messages": [("user", q)]})
    for marker in ("FAIL500", "FAIL400"):
        try:
            llm.invoke(marker)
        except Exception as e:  # the scripted failure
            print("failed as scripted:", type(e).__name__)
    return out["messages"][-1].content


@chain
def agent_loop(q):
    out = looper.invoke({"messages": [HumanMessage(q)]}, {"recursion_limit": 200})
    return out["messages"][-1].content


with using_session("sess-1"), using_user("user-1"):
    print(rag_turn.invoke("What is Canopy?"))
    print(tools_turn.invoke("Weather? call=get_weather,explode"))
    print(agent_loop.invoke("Count. loop=50:step"))
tp.force_flush()
tp.shutdown()
