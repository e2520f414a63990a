# pydantic-ai-slim 2.68.0 (OpenAI model) with its OTel instrumentation, exported by the OTel SDK
import os
os.environ.update(OPENAI_API_KEY="sk-x", OPENAI_BASE_URL="http://127.0.0.1:18778/v1")
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
tp = TracerProvider(); tp.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint="http://127.0.0.1:18778/v1/traces")))
trace.set_tracer_provider(tp)
from pydantic_ai import Agent
Agent.instrument_all()
agent = Agent("openai-chat:gpt-4o", instructions="Be brief.", name="qa_agent")
@agent.tool_plain
def capital(country: str) -> str:
    return "Paris"
print(agent.run_sync("Capital of France?").output)
tp.shutdown()
