#!/usr/bin/env bash
# Installs the pinned libraries for scripts/realdata into .realdata/ (git-ignored): one venv per library.
# Usage: scripts/realdata/install.sh [NAME...]   (no NAME: all). Needs PyPI and npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .realdata
cd .realdata

venv() { # venv NAME PACKAGE...
  local n=$1
  shift
  [ -x "$n/bin/python" ] || python3 -m venv "$n"
  "$n/bin/pip" install -q --disable-pip-version-check "$@"
}

# OpenTelemetry contrib instrumentations traceloop-sdk pulls in: the registry here lacks some
# 0.66b2 wheels, and an unpinned resolve ends in a conflict, so all are pinned to one release.
C=0.66b1
CONTRIB=(opentelemetry-instrumentation==$C opentelemetry-instrumentation-redis==$C
  opentelemetry-instrumentation-logging==$C opentelemetry-instrumentation-requests==$C
  opentelemetry-instrumentation-sqlalchemy==$C opentelemetry-instrumentation-threading==$C
  opentelemetry-instrumentation-urllib3==$C)
OTLP=(opentelemetry-sdk opentelemetry-exporter-otlp-proto-http)

install() {
  case $1 in
  expect) venv expect opentelemetry-proto==1.45.2 protobuf ;;
  langfuse) venv langfuse langfuse==5.0.4 openai==3.63.0 ;;
  # traceloop-sdk imports httpx without declaring it (openai 3 uses httpx2)
  traceloop) venv traceloop traceloop-sdk==0.62.4 openai==3.63.0 httpx "${CONTRIB[@]}" ;;
  logfire) venv logfire "pydantic-ai-slim[openai]==2.68.0" logfire==5.4.0 ;;
  oi-openai) venv oi-openai openinference-instrumentation-openai==0.1.66 openai==3.63.0 "${OTLP[@]}" ;;
  # numpy: InMemoryVectorStore's cosine similarity
  oi-langchain) venv oi-langchain openinference-instrumentation-langchain==0.1.80 langgraph==1.2.22 \
    langchain-openai==1.7.4 numpy "${OTLP[@]}" ;;
  oi-agents) venv oi-agents openinference-instrumentation-openai-agents==2.6.0 openai-agents==0.24.0 "${OTLP[@]}" ;;
  oi-smolagents) venv oi-smolagents openinference-instrumentation-smolagents==0.1.43 "smolagents[openai]==1.26.0" \
    "${OTLP[@]}" ;;
  oi-llama-index) venv oi-llama-index openinference-instrumentation-llama-index==4.6.1 llama-index-core==0.14.25 \
    llama-index-llms-openai==0.8.3 llama-index-embeddings-openai==0.7.0 "${OTLP[@]}" ;;
  # CrewAI's own instrumentation has no model-call spans: OpenInference pairs it with -openai
  oi-crewai) venv oi-crewai openinference-instrumentation-crewai==1.1.21 openinference-instrumentation-openai==0.1.66 \
    crewai==1.15.30 "${OTLP[@]}" ;;
  google-adk) venv google-adk google-adk==2.13.0 litellm==1.110.2 opentelemetry-exporter-otlp-proto-http ;;
  vercel-ai)
    mkdir -p vercel-ai
    (cd vercel-ai && { [ -f package.json ] || npm init -y >/dev/null; } &&
      npm install --no-audit --no-fund ai@7.0.185 @ai-sdk/openai@4.0.118 @ai-sdk/otel@1.0.185 \
        @opentelemetry/sdk-node@0.301.0 @opentelemetry/exporter-trace-otlp-proto@0.301.1 \
        @opentelemetry/sdk-trace@3.1.1 @opentelemetry/api@1.10.0)
    ;;
  *)
    echo "unknown: $1" >&2
    exit 2
    ;;
  esac
}

if [ $# -eq 0 ]; then
  set -- expect langfuse traceloop logfire oi-openai oi-langchain oi-agents oi-smolagents oi-llama-index oi-crewai google-adk vercel-ai
fi
for n in "$@"; do
  echo "== $n"
  install "$n"
done
