"""ClickHouse `otel_traces` rows as users export them, made by the real ClickHouse engine (chdb).

The table is created with the OpenTelemetry Collector ClickHouse exporter's own DDL: its template
`exporter/clickhouseexporter/internal/sqltemplates/traces_table.sql` (opentelemetry-collector-contrib
commit f92a5763), rendered as the exporter renders it (database `otel`, table `otel_traces`, no
cluster, `MergeTree()`, no TTL). (`example/default_ddl/traces.sql` puts a CODEC on each `Links`
field, which ClickHouse 26.9 refuses.) Its rows are the spans of a real OTLP export (the corpus file
`tests/fixtures/realdata/openinference-openai/traces.otlp.jsonl`, openinference-instrumentation-openai
0.1.66), converted as the exporter's `pushTraceData` (`exporter_traces.go`) converts a span:

  Timestamp = startTimeUnixNano; Duration = end - start (ns); TraceId/SpanId/ParentSpanId = hex
  ('' for no parent); SpanKind/StatusCode = traceutil.SpanKindStr/StatusCodeStr (SPAN_KIND_*,
  STATUS_CODE_*); ServiceName = resource `service.name`; ResourceAttributes/SpanAttributes/
  Events.Attributes/Links.Attributes = attributesToMap (every value as its string: ints in decimal,
  bools true/false, arrays and maps as JSON); ScopeName/ScopeVersion = the scope's.

Then the rows are exported with real `FORMAT JSONEachRow`, `FORMAT JSON`, `FORMAT JSONCompact` (one
trace) and a camelCase-aliased `SELECT … AS spanName …` (one trace), with the session time zone UTC
(ClickHouse writes DateTime64 without a zone, in the session's zone). `expected.txt` holds what the
database itself counts in the table.

  python3 -m venv /tmp/chvenv && /tmp/chvenv/bin/pip install chdb==4.4.0
  /tmp/chvenv/bin/python scripts/realdata/clickhouse_otel_traces.py
"""

import base64
import datetime
import json
import os
import sys

import chdb
from chdb import session as chs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "tests/fixtures/realdata/openinference-openai/traces.otlp.jsonl")
OUT = os.path.join(ROOT, "tests/fixtures/clickhouse")

DDL = """
CREATE TABLE IF NOT EXISTS "otel"."otel_traces"  (
                                     Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
                      Timestamp DateTime64(9),
    Name LowCardinality(String),
    Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested (
                     TraceId String,
                     SpanId String,
                     TraceState String,
                     Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1
    ) ENGINE = MergeTree()
    PARTITION BY toDate(Timestamp)
    ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
    
    SETTINGS index_granularity=8192, ttl_only_drop_parts = 1
"""

# The exporter's `json` tables (`internal/sqltemplates/traces_json_table.sql`, commit 39f94831,
# rendered the same way): attributes in `JSON` columns, written by `exporter_traces_json.go`
# (`json.Marshal(attrs.AsRaw())`: typed values; `Kind().String()`, `Code().String()`: Client, Error).
JSON_DDL = """
CREATE TABLE IF NOT EXISTS "otel"."otel_traces_json"  (
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes JSON CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes JSON CODEC(ZSTD(1)),
    Duration UInt64 CODEC(ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes JSON
    ) CODEC(ZSTD(1)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes JSON
    ) CODEC(ZSTD(1)),
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1
) ENGINE = MergeTree()
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp)

SETTINGS index_granularity=8192, ttl_only_drop_parts = 1
"""

# pdata's SpanKind.String() and StatusCode.String(), which the json exporter writes
PDATA_KIND = {"SPAN_KIND_UNSPECIFIED": "Unspecified", "SPAN_KIND_INTERNAL": "Internal", "SPAN_KIND_SERVER": "Server",
              "SPAN_KIND_CLIENT": "Client", "SPAN_KIND_PRODUCER": "Producer", "SPAN_KIND_CONSUMER": "Consumer"}
PDATA_STATUS = {"STATUS_CODE_UNSET": "Unset", "STATUS_CODE_OK": "Ok", "STATUS_CODE_ERROR": "Error"}


def typed(kvs):
    """attrs.AsRaw() marshalled: values keep their types."""
    return {kv["key"]: plain_raw(kv["value"]) for kv in kvs or []}


def plain_raw(v):
    if "arrayValue" in v:
        return [plain_raw(x) for x in v["arrayValue"].get("values", [])]
    if "kvlistValue" in v:
        return {kv["key"]: plain_raw(kv["value"]) for kv in v["kvlistValue"].get("values", [])}
    return plain(v)


SPAN_KIND = {1: "SPAN_KIND_INTERNAL", 2: "SPAN_KIND_SERVER", 3: "SPAN_KIND_CLIENT", 4: "SPAN_KIND_PRODUCER", 5: "SPAN_KIND_CONSUMER"}
STATUS = {"STATUS_CODE_OK": "STATUS_CODE_OK", "STATUS_CODE_ERROR": "STATUS_CODE_ERROR"}


def hexid(b64):
    return base64.b64decode(b64).hex() if b64 else ""


def as_string(v):
    """pcommon.Value.AsString(): the exporter's attributesToMap writes every value as text."""
    if "stringValue" in v:
        return v["stringValue"]
    if "intValue" in v:
        return str(int(v["intValue"]))
    if "boolValue" in v:
        return "true" if v["boolValue"] else "false"
    if "doubleValue" in v:
        return repr(float(v["doubleValue"]))
    if "arrayValue" in v:
        return json.dumps([plain(x) for x in v["arrayValue"].get("values", [])], separators=(",", ":"))
    if "kvlistValue" in v:
        return json.dumps({kv["key"]: plain(kv["value"]) for kv in v["kvlistValue"].get("values", [])}, separators=(",", ":"))
    return ""


def plain(v):
    if "intValue" in v:
        return int(v["intValue"])
    if "boolValue" in v:
        return v["boolValue"]
    if "doubleValue" in v:
        return float(v["doubleValue"])
    return as_string(v)


def attrs(kvs):
    return {kv["key"]: as_string(kv["value"]) for kv in kvs or []}


def ts(ns):
    ns = int(ns)
    d = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc)
    return d.strftime("%Y-%m-%d %H:%M:%S") + ".%09d" % (ns % 10**9)


def rows(json_table=False):
    attrs_of = typed if json_table else attrs
    for line in open(SRC):
        req = json.loads(line)
        for rs in req.get("resourceSpans", []):
            res = attrs_of(rs.get("resource", {}).get("attributes"))
            for ss in rs.get("scopeSpans", []):
                scope = ss.get("scope", {})
                for s in ss.get("spans", []):
                    kind = s.get("kind", 0)
                    kind = SPAN_KIND.get(kind) if isinstance(kind, int) else kind
                    status = s.get("status", {})
                    ev = s.get("events", [])
                    ln = s.get("links", [])
                    row = {
                        "Timestamp": ts(s["startTimeUnixNano"]),
                        "TraceId": hexid(s["traceId"]),
                        "SpanId": hexid(s["spanId"]),
                        "ParentSpanId": hexid(s.get("parentSpanId", "")),
                        "TraceState": s.get("traceState", ""),
                        "SpanName": s["name"],
                        "SpanKind": kind or "SPAN_KIND_UNSPECIFIED",
                        "ServiceName": res.get("service.name", ""),
                        "ResourceAttributes": res,
                        "ScopeName": scope.get("name", ""),
                        "ScopeVersion": scope.get("version", ""),
                        "SpanAttributes": attrs_of(s.get("attributes")),
                        "Duration": int(s["endTimeUnixNano"]) - int(s["startTimeUnixNano"]),
                        "StatusCode": status.get("code", "STATUS_CODE_UNSET"),
                        "StatusMessage": status.get("message", ""),
                        "Events.Timestamp": [ts(e["timeUnixNano"]) for e in ev],
                        "Events.Name": [e.get("name", "") for e in ev],
                        "Events.Attributes": [attrs_of(e.get("attributes")) for e in ev],
                        "Links.TraceId": [hexid(l["traceId"]) for l in ln],
                        "Links.SpanId": [hexid(l["spanId"]) for l in ln],
                        "Links.TraceState": [l.get("traceState", "") for l in ln],
                        "Links.Attributes": [attrs_of(l.get("attributes")) for l in ln],
                    }
                    if json_table:
                        row["SpanKind"] = PDATA_KIND[row["SpanKind"]]
                        row["StatusCode"] = PDATA_STATUS[row["StatusCode"]]
                    yield row


def main():
    os.makedirs(OUT, exist_ok=True)
    sess = chs.Session()
    q = lambda sql, fmt="CSV": sess.query(sql + " SETTINGS session_timezone='UTC'", fmt).bytes()
    sess.query("CREATE DATABASE IF NOT EXISTS otel; USE otel")
    sess.query(DDL)
    body = "\n".join(json.dumps(r) for r in rows())
    sess.query("INSERT INTO otel_traces SETTINGS session_timezone='UTC' FORMAT JSONEachRow\n" + body)
    sess.query(JSON_DDL)
    body = "\n".join(json.dumps(r) for r in rows(json_table=True))
    sess.query("INSERT INTO otel_traces_json SETTINGS session_timezone='UTC' FORMAT JSONEachRow\n" + body)
    order = " FROM otel_traces ORDER BY Timestamp, SpanId"
    one = q("SELECT TraceId FROM otel_traces GROUP BY TraceId ORDER BY count() LIMIT 1", "TSVRaw").decode().strip()
    outputs = {
        "otel_traces.JSONEachRow.jsonl": q("SELECT *" + order, "JSONEachRow"),
        "otel_traces.JSON.json": q("SELECT *" + order, "JSON"),
        "otel_traces_json.JSONEachRow.jsonl": q("SELECT * FROM otel_traces_json ORDER BY Timestamp, SpanId", "JSONEachRow"),
        "one-trace.JSONCompact.json": q(f"SELECT * FROM otel_traces WHERE TraceId = '{one}' ORDER BY Timestamp, SpanId", "JSONCompact"),
        "one-trace.camelCase.jsonl": q(
            "SELECT Timestamp AS timestamp, TraceId AS traceId, SpanId AS spanId, ParentSpanId AS parentSpanId, "
            "SpanName AS spanName, SpanKind AS spanKind, ServiceName AS serviceName, "
            "ResourceAttributes AS resourceAttributes, ScopeName AS scopeName, ScopeVersion AS scopeVersion, "
            "SpanAttributes AS spanAttributes, Duration AS duration, StatusCode AS statusCode, "
            f"StatusMessage AS statusMessage FROM otel_traces WHERE TraceId = '{one}' ORDER BY Timestamp, SpanId",
            "JSONEachRow",
        ),
    }
    for name, data in outputs.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    facts = [
        ("rows", "SELECT count() FROM otel_traces"),
        ("traces", "SELECT uniqExact(TraceId) FROM otel_traces"),
        ("roots", "SELECT countIf(ParentSpanId = '') FROM otel_traces"),
        ("error_spans", "SELECT countIf(StatusCode IN ('Error', 'STATUS_CODE_ERROR')) FROM otel_traces"),
        ("events", "SELECT sum(length(Events.Name)) FROM otel_traces"),
        ("links", "SELECT sum(length(Links.TraceId)) FROM otel_traces"),
        ("llm_spans", "SELECT countIf(SpanAttributes['openinference.span.kind'] = 'LLM') FROM otel_traces"),
        ("llm_prompt_tokens", "SELECT sumIf(toUInt64OrZero(SpanAttributes['llm.token_count.prompt']), SpanAttributes['openinference.span.kind'] = 'LLM') FROM otel_traces"),
        ("llm_completion_tokens", "SELECT sumIf(toUInt64OrZero(SpanAttributes['llm.token_count.completion']), SpanAttributes['openinference.span.kind'] = 'LLM') FROM otel_traces"),
        ("services", "SELECT arrayStringConcat(groupUniqArray(ServiceName), ',') FROM otel_traces"),
        ("models", "SELECT arrayStringConcat(arraySort(groupUniqArray(SpanAttributes['llm.model_name'])), ',') FROM otel_traces WHERE SpanAttributes['llm.model_name'] != ''"),
        ("first_timestamp_ns", "SELECT toUnixTimestamp64Nano(min(Timestamp)) FROM otel_traces"),
        ("last_end_ns", "SELECT max(toUnixTimestamp64Nano(Timestamp) + Duration) FROM otel_traces"),
        ("one_trace", f"SELECT '{one}'"),
        ("json_table_rows", "SELECT count() FROM otel_traces_json"),
        ("json_table_error_spans", "SELECT countIf(StatusCode = 'Error') FROM otel_traces_json"),
        ("json_table_llm_prompt_tokens", "SELECT sumIf(toUInt64OrZero(toString(SpanAttributes.llm.token_count.prompt)), toString(SpanAttributes.openinference.span.kind) = 'LLM') FROM otel_traces_json"),
        ("one_trace_rows", f"SELECT count() FROM otel_traces WHERE TraceId = '{one}'"),
    ]
    lines = ["# what ClickHouse (chdb %s, engine %s) counts in otel_traces; by scripts/realdata/clickhouse_otel_traces.py"
             % (chdb.__version__, q("SELECT version()", "TSVRaw").decode().strip())]
    for name, sql in facts:
        lines.append("%s=%s" % (name, q(sql, "TSVRaw").decode().strip()))
    lines.append("# rows per trace (TraceId count)")
    lines += ["per_trace " + l.replace("\t", " ") for l in q("SELECT TraceId, count() FROM otel_traces GROUP BY TraceId ORDER BY TraceId", "TSVRaw").decode().split("\n") if l]
    with open(os.path.join(OUT, "expected.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
