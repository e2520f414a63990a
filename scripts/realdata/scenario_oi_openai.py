# The realdata scenario under OpenInference's OpenAI instrumentation, run by capture.py.
"""plain_openai.py's three turns: openinference-instrumentation-openai records the OpenAI calls;
turns are OITracer chains, the loop an agent, tools OITracer tools, the retriever a RETRIEVER
span with retrieval.documents.N.document.*; using_session/using_user around everything. OTLP/HTTP
protobuf through a BatchSpanProcessor with max_export_batch_size=20.
"""

import json
import os

from openai import OpenAI
from openinference.instrumentation import TracerProvider, using_session, using_user
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace.export import BatchSpanProcessor

import plain_openai

tp = TracerProvider(resource=Resource.create({"service.name": "realdata-openinference-openai"}))
tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["STANDIN_OTLP"] + "/v1/traces"),
                                         max_export_batch_size=20))
OpenAIInstrumentor().instrument(tracer_provider=tp)
tracer = tp.get_tracer("realdata")


def retriever(name, fn):
    def wrapped(query):
        with tracer.start_as_current_span(name, openinference_span_kind="retriever") as span:
            span.set_attribute("input.value", query)
            docs = fn(query)
            for i, d in enumerate(docs):
                span.set_attribute("retrieval.documents.%d.document.id" % i, d["id"])
                span.set_attribute("retrieval.documents.%d.document.content" % i, d["text"])
                span.set_attribute("retrieval.documents.%d.document.score" % i, 1.0 - i / 10)
            span.set_attribute("output.value", json.dumps(docs))
            return docs
    return wrapped


with using_session("sess-1"), using_user("user-1"):
    plain_openai.run(
        OpenAI(max_retries=0),
        turn=lambda name, fn: tracer.chain(name=name)(fn),
        agent=lambda name, fn: tracer.agent(name=name)(fn),
        tool=lambda name, fn: tracer.tool(name=name)(fn),
        retriever=retriever,
        flush=tp.force_flush,
    )
tp.force_flush()
tp.shutdown()
