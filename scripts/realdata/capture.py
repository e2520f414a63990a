# Runs one library's scenario against the loopback stand-ins and writes its fixture folder.
"""Usage: python3 scripts/realdata/capture.py LIBRARY

LIBRARY is a row of LIBRARIES below. The library's virtualenv (or node folder) must exist
under .realdata/ (scripts/realdata/install.sh makes them, pinned). Steps:
start standin.py on free loopback ports, run the scenario with the library pointed at them
(timeout 600 s), stop the stand-in, then write tests/fixtures/realdata/LIBRARY/:
  NNN.pb / .pb.gz / .json   the request bodies as received (never edited)
  index.jsonl               path, content type and encoding of each request
  traces.otlp.jsonl         (and logs.otlp.jsonl) rendered by render.py
  expected.json             computed by expect.py
  PROVENANCE.md             versions, date, command
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENVS = os.path.join(ROOT, ".realdata")
TOOLS_PY = os.path.join(VENVS, "expect", "bin", "python")

# name: (runtime folder under .realdata, scenario file, packages whose versions are recorded)
LIBRARIES = {
    "langfuse": ("langfuse", "scenario_langfuse.py", ["langfuse", "openai", "opentelemetry-sdk"]),
    "traceloop": ("traceloop", "scenario_traceloop.py", ["traceloop-sdk", "openai", "opentelemetry-sdk"]),
    "pydantic-ai-logfire": ("logfire", "scenario_logfire.py", ["pydantic-ai-slim", "logfire", "openai"]),
    "openinference-openai": ("oi-openai", "scenario_oi_openai.py",
                             ["openinference-instrumentation-openai", "openai", "opentelemetry-sdk"]),
    "openinference-langchain": ("oi-langchain", "scenario_oi_langchain.py",
                                ["openinference-instrumentation-langchain", "langgraph", "langchain-openai",
                                 "langchain-core", "opentelemetry-sdk"]),
    "openinference-openai-agents": ("oi-agents", "scenario_oi_agents.py",
                                    ["openinference-instrumentation-openai-agents", "openai-agents", "openai",
                                     "opentelemetry-sdk"]),
    "openinference-smolagents": ("oi-smolagents", "scenario_oi_smolagents.py",
                                ["openinference-instrumentation-smolagents", "smolagents", "openai", "opentelemetry-sdk"]),
    "openinference-llama-index": ("oi-llama-index", "scenario_oi_llama_index.py",
                                  ["openinference-instrumentation-llama-index", "llama-index-core",
                                   "llama-index-llms-openai", "llama-index-embeddings-openai", "openai",
                                   "opentelemetry-sdk"]),
    "openinference-crewai": ("oi-crewai", "scenario_oi_crewai.py",
                             ["openinference-instrumentation-crewai", "openinference-instrumentation-openai", "crewai",
                              "openai", "opentelemetry-sdk"]),
    "google-adk": ("google-adk", "scenario_google_adk.py", ["google-adk", "litellm", "opentelemetry-sdk"]),
    "vercel-ai": ("vercel-ai", "scenario_vercel_ai.mjs",
                  ["ai", "@ai-sdk/openai", "@ai-sdk/otel", "@opentelemetry/sdk-node",
                   "@opentelemetry/exporter-trace-otlp-proto", "@opentelemetry/sdk-trace"]),
}


def versions(runtime, pkgs):
    if runtime == "vercel-ai":
        out = {}
        for p in pkgs:
            with open(os.path.join(VENVS, runtime, "node_modules", p, "package.json")) as f:
                out[p] = json.load(f)["version"]
        return out
    py = os.path.join(VENVS, runtime, "bin", "python")
    code = "import importlib.metadata as m, json, sys; print(json.dumps({p: m.version(p) for p in sys.argv[1:]}))"
    return json.loads(subprocess.check_output([py, "-c", code] + pkgs))


def main():
    lib = sys.argv[1]
    runtime, scenario, pkgs = LIBRARIES[lib]
    raw = tempfile.mkdtemp(prefix="realdata-%s-" % lib)
    ports_file = os.path.join(raw, "ports.json")
    body_dir = os.path.join(raw, "bodies")
    standin = subprocess.Popen([sys.executable, os.path.join(HERE, "standin.py"), "--out", body_dir,
                                "--ports-file", ports_file], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(ports_file):
                break
            time.sleep(0.1)
        with open(ports_file) as f:
            ports = json.load(f)
        oa, ot = "http://127.0.0.1:%d" % ports["openai"], "http://127.0.0.1:%d" % ports["otlp"]
        env = dict(os.environ)
        for k in list(env):
            if k.startswith(("OTEL_", "LANGFUSE_", "TRACELOOP_", "LOGFIRE_", "OPENAI_", "HTTP_PROXY", "HTTPS_PROXY")):
                del env[k]
        env.update({
            "OPENAI_BASE_URL": oa + "/v1", "OPENAI_API_KEY": "sk-standin", "STANDIN_OPENAI": oa + "/v1",
            "OTEL_EXPORTER_OTLP_ENDPOINT": ot, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "STANDIN_OTLP": ot, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "LANGFUSE_HOST": ot, "LANGFUSE_BASE_URL": ot, "LANGFUSE_PUBLIC_KEY": "pk-lf-standin",
            "LANGFUSE_SECRET_KEY": "sk-lf-standin", "TRACELOOP_BASE_URL": ot, "TRACELOOP_TELEMETRY": "false",
            "OTEL_SDK_DISABLED": "false", "ANONYMIZED_TELEMETRY": "False", "SCARF_NO_ANALYTICS": "true",
            "DO_NOT_TRACK": "1", "CREWAI_DISABLE_TELEMETRY": "true", "OPENAI_AGENTS_DISABLE_TRACING": "0",
        })
        if runtime == "vercel-ai":
            # ES modules resolve packages beside the script, so run a copy in the npm folder
            cwd = os.path.join(VENVS, runtime)
            shutil.copy(os.path.join(HERE, scenario), cwd)
            cmd = ["node", os.path.join(cwd, scenario)]
        else:
            cmd = [os.path.join(VENVS, runtime, "bin", "python"), os.path.join(HERE, scenario)]
            cwd = raw
        started = datetime.datetime.now(datetime.timezone.utc)
        run = subprocess.run(cmd, env=env, cwd=cwd, timeout=600, capture_output=True, text=True)
        sys.stderr.write(run.stdout[-3000:] + run.stderr[-6000:])
        if run.returncode != 0:
            sys.exit("scenario failed with %d" % run.returncode)
        time.sleep(1.0)
    finally:
        standin.terminate()
        standin.wait()
    dest = os.path.join(ROOT, "tests", "fixtures", "realdata", lib)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(body_dir, dest)
    subprocess.check_call([TOOLS_PY, os.path.join(HERE, "render.py"), dest])
    subprocess.check_call([TOOLS_PY, os.path.join(HERE, "expect.py"), dest])
    vers = versions(runtime, pkgs)
    with open(os.path.join(dest, "PROVENANCE.md"), "w") as f:
        f.write("<!-- Where the files in this folder came from. -->\n# %s\n\n" % lib)
        f.write("Made %s by `python3 scripts/realdata/capture.py %s` (scenario `scripts/realdata/%s`)\n"
                % (started.strftime("%Y-%m-%d %H:%M UTC"), lib, scenario))
        f.write("against `scripts/realdata/standin.py` on 127.0.0.1. Request bodies are as sent; "
                "`*.otlp.jsonl` by `render.py`, `expected.json` by `expect.py` (opentelemetry-proto).\n\n")
        f.write("| package | version |\n|---|---|\n")
        for p, v in vers.items():
            f.write("| %s | %s |\n" % (p, v))
    print("wrote", dest)


if __name__ == "__main__":
    main()
