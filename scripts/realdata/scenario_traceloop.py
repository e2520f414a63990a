# The realdata scenario under OpenLLMetry (traceloop-sdk), run by capture.py.
"""plain_openai.py's three turns with Traceloop decorators: each turn a @workflow, the loop an
@agent, tools @tool, the retriever a @task; association properties session_id and user_id; the
SDK's OpenAI instrumentation records the calls. OTLP/HTTP protobuf to TRACELOOP_BASE_URL (the
receiver); OTEL_BSP_MAX_EXPORT_BATCH_SIZE=20 splits traces over requests.
"""

import os

os.environ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "20"
os.environ["TRACELOOP_METRICS_ENABLED"] = "false"

from openai import OpenAI  # noqa: E402
from opentelemetry import trace  # noqa: E402
from traceloop.sdk import Traceloop  # noqa: E402
from traceloop.sdk.decorators import agent, task, tool, workflow  # noqa: E402

import plain_openai  # noqa: E402

Traceloop.init(app_name="realdata-traceloop", api_endpoint=os.environ["TRACELOOP_BASE_URL"],
               telemetry_enabled=False)
Traceloop.set_association_properties({"session_id": "sess-1", "user_id": "user-1"})

client = OpenAI(max_retries=0)
plain_openai.run(
    client,
    turn=lambda name, fn: workflow(name=name)(fn),
    agent=lambda name, fn: agent(name=name)(fn),
    tool=lambda name, fn: tool(name=name)(fn),
    retriever=lambda name, fn: task(name=name)(fn),
    flush=lambda: trace.get_tracer_provider().force_flush(),
)
trace.get_tracer_provider().force_flush()
trace.get_tracer_provider().shutdown()
