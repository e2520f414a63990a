# Computes transcript.expected.json for a realdata fixture folder (or a Langfuse JSON export), with plain json.
"""Usage: python3 transcript_expect.py tests/fixtures/realdata/LIBRARY [...]
       python3 transcript_expect.py --langfuse EXPORT.json OUT.json

The independent reading tests/transcript_real.rs checks Canopy's transcript against: it never
runs Canopy's code. It reads traces.otlp.jsonl (OTLP JSON, one export request a line) directly and,
per trace (hex id), writes:

- sequence: the model calls and tool calls in start-time order (file order on ties), as
  "llm:<span name>" and "tool:<tool name>". A model call is a span with
  openinference.span.kind=LLM, gen_ai.operation.name in chat/generate_content/text_completion,
  or langfuse.observation.type=generation. A tool call has openinference.span.kind=TOOL,
  gen_ai.operation.name=execute_tool or langfuse.observation.type=tool; its name is tool.name,
  else gen_ai.tool.name, else the span name.
  A trace with no tool span gets its tool calls from the messages: an assistant tool call whose
  id a later model call's input answers, placed before that call.
- input: the text of the first user message of the first model call with one;
- final: the last non-empty assistant text of the model calls' outputs, in time order.

Messages are read from llm.input_messages.N.message.* / llm.output_messages.N.message.*
(content, or contents.M.message_content.text), gen_ai.input.messages / gen_ai.output.messages
(JSON, text parts), langfuse.observation.input / output (JSON message lists, {messages: [...]},
an OpenAI message,
or a plain string as the output text).
"""

import base64
import json
import os
import re
import sys

LLM_OPS = {"chat", "generate_content", "text_completion"}


def attr_value(v):
    for k, x in v.items():
        if k == "arrayValue":
            return [attr_value(i) for i in x.get("values", [])]
        if k == "kvlistValue":
            return {e["key"]: attr_value(e["value"]) for e in x.get("values", [])}
        return x
    return None


def hex_id(s):
    try:
        return base64.b64decode(s).hex()
    except Exception:
        return s


def loads(s):
    if not isinstance(s, str):
        return s
    try:
        return json.loads(s)
    except ValueError:
        return None


def oi_messages(a, side):
    """OpenInference flattened messages: {index: {role, text, call_ids, result_id}}."""
    msgs = {}
    pat = re.compile(r"^llm\.%s_messages\.(\d+)\.message\.(.*)$" % side)
    for k, v in a.items():
        m = pat.match(k)
        if not m:
            continue
        d = msgs.setdefault(int(m.group(1)), {"role": None, "texts": {}, "calls": {}, "result": None})
        rest = m.group(2)
        if rest == "role":
            d["role"] = v
        elif rest == "content":
            d["texts"][-1] = v
        elif rest == "tool_call_id":
            d["result"] = v
        else:
            c = re.match(r"^contents\.(\d+)\.message_content\.text$", rest)
            if c:
                d["texts"][int(c.group(1))] = v
            t = re.match(r"^tool_calls\.(\d+)\.tool_call\.(id|function\.name)$", rest)
            if t:
                d["calls"].setdefault(int(t.group(1)), {})[t.group(2)] = v
    out = []
    for i in sorted(msgs):
        d = msgs[i]
        text = "\n".join(d["texts"][j] for j in sorted(d["texts"]) if isinstance(d["texts"][j], str))
        calls = [(c.get("id"), c.get("function.name")) for _, c in sorted(d["calls"].items())]
        out.append({"role": d["role"], "text": text, "calls": calls, "results": [d["result"]] if d["result"] else []})
    return out


def json_messages(v, default_role):
    """GenAI parts, OpenAI chat messages or a plain string."""
    if isinstance(v, str):
        parsed = loads(v)
        v = v if parsed is None else parsed  # a plain string is the text itself
    if v is None:
        return []
    if isinstance(v, str):
        return [{"role": default_role, "text": v, "calls": [], "results": []}]
    if isinstance(v, dict):
        if isinstance(v.get("messages"), list):
            v = v["messages"]  # {tools, messages} requests
        elif isinstance(v.get("message"), dict):
            v = [v["message"]]  # an OpenAI choice {index, message}
        else:
            v = [v]
    if not isinstance(v, list):
        return []
    if v and all(isinstance(r, dict) and r.get("object") == "response" for r in v):
        # the OpenAI Agents SDK's model output: Responses API objects, each with its output items
        # (https://platform.openai.com/docs/api-reference/responses/object)
        out = []
        for r in v:
            for item in r.get("output") or []:
                if item.get("type") == "message":
                    text = "\n".join(c.get("text", "") for c in item.get("content") or [] if c.get("type") == "output_text")
                    out.append({"role": item.get("role", "assistant"), "text": text, "calls": [], "results": []})
                elif item.get("type") == "function_call":
                    out.append({"role": "assistant", "text": "", "calls": [(item.get("call_id"), item.get("name"))], "results": []})
        return out
    out = []
    for m in v:
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            continue
        texts, calls, results = [], [], []
        if m.get("tool_call_id"):
            results.append(m["tool_call_id"])
        content = m.get("content")
        if isinstance(content, str):
            texts.append(content)
        for p in m.get("parts") or (content if isinstance(content, list) else []):
            if not isinstance(p, dict):
                continue
            ty = p.get("type")
            if ty == "text":
                texts.append(p.get("content") if isinstance(p.get("content"), str) else p.get("text", ""))
            elif ty in ("tool_call", "tool_use"):
                calls.append((p.get("id"), p.get("name")))
            elif ty in ("tool_call_response", "tool_result"):
                results.append(p.get("id") or p.get("tool_use_id"))
        for c in m.get("tool_calls") or []:
            calls.append((c.get("id"), (c.get("function") or c).get("name")))
        role = {"human": "user", "ai": "assistant", "model": "assistant"}.get(m["role"], m["role"])
        out.append({"role": role, "text": "\n".join(t for t in texts if t), "calls": calls, "results": results})
    return out


def read_otlp(path):
    spans = []
    for line in open(path):
        req = json.loads(line)
        for rs in req.get("resourceSpans", []):
            for ss in rs.get("scopeSpans", []):
                for s in ss.get("spans", []):
                    a = {x["key"]: attr_value(x["value"]) for x in s.get("attributes", [])}
                    kind = a.get("openinference.span.kind") or ""
                    op = a.get("gen_ai.operation.name") or ""
                    lf = a.get("langfuse.observation.type") or ""
                    role = None
                    if kind == "LLM" or op in LLM_OPS or lf == "generation":
                        role = "llm"
                    elif kind == "TOOL" or op == "execute_tool" or lf == "tool":
                        role = "tool"
                    if role is None:
                        continue
                    if role == "llm":
                        inp = oi_messages(a, "input") or json_messages(a.get("gen_ai.input.messages"), "user") or json_messages(
                            a.get("langfuse.observation.input"), "user"
                        )
                        out = (
                            oi_messages(a, "output")
                            or json_messages(a.get("gen_ai.output.messages"), "assistant")
                            or json_messages(a.get("langfuse.observation.output"), "assistant")
                            # OpenInference's raw output when no message attributes were written
                            # (the OpenAI Agents SDK: a list of Responses API objects)
                            or json_messages(a.get("output.value"), "assistant")
                        )
                    else:
                        inp = out = []
                    spans.append(
                        {
                            "trace": hex_id(s["traceId"]),
                            "start": int(s.get("startTimeUnixNano", 0)),
                            "role": role,
                            "name": a.get("tool.name") or a.get("gen_ai.tool.name") or s["name"] if role == "tool" else s["name"],
                            "in": inp,
                            "out": out,
                        }
                    )
    return spans


def read_langfuse(path):
    d = json.load(open(path))
    tid = d["trace"]["id"]
    spans = []
    for o in d["observations"]:
        ty = o.get("type")
        role = "llm" if ty == "GENERATION" else "tool" if ty == "TOOL" else None
        if role is None:
            continue
        spans.append(
            {
                "trace": tid,
                "start": o["startTime"],
                "role": role,
                "name": o["name"],
                "in": json_messages(o.get("input"), "user") if role == "llm" else [],
                "out": json_messages(o.get("output"), "assistant") if role == "llm" else [],
            }
        )
    return spans


def expect(spans):
    traces = {}
    for s in spans:
        traces.setdefault(s["trace"], []).append(s)
    out = {}
    for tid, ss in traces.items():
        ss = sorted(ss, key=lambda s: s["start"])  # stable: file order on ties
        has_tool_spans = any(s["role"] == "tool" for s in ss)
        seq, asked, answered = [], {}, set()
        inp = final = None
        for s in ss:
            if s["role"] == "tool":
                seq.append("tool:" + s["name"])
                continue
            if not has_tool_spans:
                for m in s["in"]:
                    for r in m["results"]:
                        if r in asked and r not in answered:
                            answered.add(r)
                            seq.append("tool:" + asked[r])
            seq.append("llm:" + s["name"])
            if inp is None:
                users = [m for m in s["in"] if m["role"] == "user" and not m["results"]]
                if users:
                    inp = users[0]["text"]
            for m in s["out"]:
                for cid, name in m["calls"]:
                    if cid:
                        asked.setdefault(cid, name)
            texts = [m["text"] for m in s["out"] if m["role"] == "assistant" and m["text"].strip()]
            if texts:
                final = texts[-1]
        out[tid] = {"sequence": seq, "input": inp, "final": final}
    return dict(sorted(out.items()))


def write(path, data):
    with open(path, "w") as f:
        json.dump({"generator": "scripts/realdata/transcript_expect.py", "by_trace": data}, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main(args):
    if args[:1] == ["--langfuse"]:
        write(args[2], expect(read_langfuse(args[1])))
        return
    for d in args:
        write(os.path.join(d, "transcript.expected.json"), expect(read_otlp(os.path.join(d, "traces.otlp.jsonl"))))


if __name__ == "__main__":
    main(sys.argv[1:])
