"""Sends a small agent trace to a Phoenix server over OTLP/HTTP (used by e2e/phoenix.test.mjs)."""
import sys
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

endpoint = sys.argv[1]
provider = TracerProvider(resource=Resource.create({"service.name": "canopy-e2e"}))
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")))
tracer = provider.get_tracer("canopy-e2e")
with tracer.start_as_current_span("e2e-agent") as root:
    root.set_attribute("openinference.span.kind", "AGENT")
    root.set_attribute("input.value", "Plan a trip")
    with tracer.start_as_current_span("ChatOpenAI") as llm:
        llm.set_attribute("openinference.span.kind", "LLM")
        llm.set_attribute("llm.model_name", "gpt-4o-mini")
        llm.set_attribute("llm.token_count.total", 17)
        llm.set_attribute("llm.input_messages.0.message.role", "user")
        llm.set_attribute("llm.input_messages.0.message.content", "Plan a trip")
    with tracer.start_as_current_span("search") as tool:
        tool.set_attribute("openinference.span.kind", "TOOL")
        tool.set_attribute("tool.name", "web_search")
        tool.set_status(trace.Status(trace.StatusCode.ERROR, "search took too long"))
provider.shutdown()
