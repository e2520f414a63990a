# openai-agents 0.24.0 (chat completions model) traced twice: by the SDK's own exporter (its
# /v1/traces/ingest bodies) and by openinference-instrumentation-openai-agents 2.6.0 (OTLP)
import os
os.environ.update(OPENAI_API_KEY="sk-x", OPENAI_BASE_URL="http://127.0.0.1:18779/v1")
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
tp = TracerProvider(); tp.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint="http://127.0.0.1:18779/v1/traces")))
from openinference.instrumentation.openai_agents import OpenAIAgentsInstrumentor
OpenAIAgentsInstrumentor().instrument(tracer_provider=tp)
from agents import Agent, Runner, function_tool, input_guardrail, GuardrailFunctionOutput, set_default_openai_api
from agents.tracing import set_trace_processors, add_trace_processor
from agents.tracing.processors import BackendSpanExporter, BatchTraceProcessor
set_default_openai_api("chat_completions")
add_trace_processor(BatchTraceProcessor(BackendSpanExporter(endpoint="http://127.0.0.1:18779/v1/traces/ingest")))
@function_tool
def capital(country: str) -> str:
    return "Paris"
@input_guardrail
async def no_secrets(ctx, agent, input):
    return GuardrailFunctionOutput(output_info={"ok": True}, tripwire_triggered=False)
specialist = Agent(name="specialist", instructions="Answer.", tools=[capital], model="gpt-4o")
triage = Agent(name="triage", instructions="Route.", handoffs=[specialist], input_guardrails=[no_secrets], model="gpt-4o")
print(Runner.run_sync(triage, "Capital of France?").final_output)
from agents.tracing import get_trace_provider
get_trace_provider().force_flush()
tp.shutdown()
