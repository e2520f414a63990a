// A stand-in for the Langfuse public API (a real Langfuse cannot run here): replays the shared
// fixtures shaped as the published OpenAPI spec answers, in either API generation:
// - both: GET /api/public/traces (TraceWithDetails items with observation and score ids, meta
//   {page, limit, totalItems, totalPages}, server-side filters incl. fromTimestamp/toTimestamp) and
//   GET /api/public/sessions/{id} (SessionWithTraces);
// - legacy: GET /api/public/traces/{id} (TraceWithFullDetails), and 404 for the endpoints below;
// - current: GET /api/public/v2/observations (ObservationV2: field groups, io as strings, model as
//   providedModelName, meta.cursor) and /api/public/v3/scores (typed value, meta {limit, cursor}),
//   or /api/public/v2/scores pages when `v3Scores` is false (servers before v3.179).
// Behind HTTP Basic auth, with CORS for the page's origin (preflights counted). 127.0.0.1 only.
// `faults` makes it misbehave the ways real servers do: `failEveryOther` answers 500 to every
// second request, `dropFirst` cuts the first n trace answers mid-body (the socket destroyed),
// `hang` (trace ids) never answers, `malformed` (trace ids) sends JSON cut in the middle.
import http from 'node:http';
import fs from 'node:fs';

const V1_ONLY = ['model', 'usage', 'promptTokens', 'completionTokens', 'totalTokens', 'calculatedTotalCost', 'calculatedInputCost',
  'calculatedOutputCost', 'inputPrice', 'outputPrice', 'totalPrice', 'unit', 'internalModel', 'inputCost', 'outputCost',
  'inputUsage', 'outputUsage', 'totalUsage', 'providedCostDetails', 'usagePricingTierId', 'usagePricingTierName',
  'toolDefinitions', 'toolCalls', 'toolCallNames', 'modelId'];

/** A v1 observation as GET /api/public/v2/observations returns it with every field group. */
function v2Observation(o, trace) {
  const out = { ...o, providedModelName: o.model ?? null, userId: trace.userId ?? null, sessionId: trace.sessionId ?? null };
  for (const k of V1_ONLY) delete out[k];
  // v2 returns io and metadata as JSON strings unless parseIoAsJson is set
  for (const k of ['input', 'output', 'metadata']) {
    if (out[k] !== undefined && out[k] !== null && typeof out[k] !== 'string') out[k] = JSON.stringify(out[k]);
  }
  return out;
}

/** A v1/v2 score as v3 returns it: one `value` typed by dataType. */
function v3Score(s) {
  const { stringValue, longStringValue, ...rest } = s;
  let value = s.value;
  if (s.dataType === 'BOOLEAN') value = s.value === 1 || stringValue === 'True';
  else if (s.dataType === 'CATEGORICAL' || s.dataType === 'TEXT') value = stringValue ?? longStringValue ?? '';
  else if (s.dataType === 'CORRECTION') value = longStringValue ?? stringValue ?? '';
  return { ...rest, value };
}

const b64 = (n) => Buffer.from(JSON.stringify({ offset: n })).toString('base64url');
const unb64 = (c) => JSON.parse(Buffer.from(c, 'base64url').toString()).offset;

export function startLangfuseReplay({
  fixtures, publicKey, secretKey, allowOrigin, rateLimitFirst = 0, generation = 'legacy', v3Scores = true, pageCap = 1000, delayMs = 0,
  faults = {},
}) {
  const counts = { list: 0, limited: 0, options: 0, traceById: 0, v2Observations: 0, v3Scores: 0, v2Scores: 0, sessions: 0, paths: [],
    requests: 0, failed: 0, dropped: 0, hung: 0, malformed: 0 };
  const traces = fixtures.map((f) => {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    const { observations: _ids, scores: _s, corrections: _c, ...trace } = doc.trace;
    const scores = [...(doc.trace.scores ?? []), ...(doc.trace.corrections ?? [])];
    const totalCost = doc.observations.reduce((s, o) => s + (o.costDetails?.total ?? 0), 0);
    return { trace: { ...trace, totalCost, htmlPath: `/project/p/traces/${trace.id}` }, observations: doc.observations, scores };
  });
  const expected = 'Basic ' + Buffer.from(`${publicKey}:${secretKey}`).toString('base64');
  const current = generation === 'current';
  const server = http.createServer((req, res) => (delayMs ? setTimeout(() => handle(req, res), delayMs) : handle(req, res)));
  function handle(req, res) {
    const cors = allowOrigin && req.headers.origin === allowOrigin
      ? { 'access-control-allow-origin': allowOrigin, 'access-control-allow-headers': 'authorization', 'access-control-allow-methods': 'GET, OPTIONS', 'vary': 'Origin' } : {};
    if (req.method === 'OPTIONS') { counts.options += 1; res.writeHead(204, cors); res.end(); return; }
    const send = (status, body) => { res.writeHead(status, { 'content-type': 'application/json', ...cors }); res.end(JSON.stringify(body)); };
    if (req.headers.authorization !== expected) return send(401, { message: 'Invalid credentials' });
    counts.requests += 1;
    if (faults.failEveryOther && counts.requests % 2 === 0) {
      counts.failed += 1;
      return send(500, { message: 'Internal Server Error' });
    }
    const url = new URL(req.url, 'http://127.0.0.1');
    const q = url.searchParams;
    counts.paths.push(url.pathname + url.search);
    const byTrace = (id) => traces.find((x) => x.trace.id === id);
    // cursor pages over `items`, at most `limit` (and the replay's cap) at a time
    const cursorPage = (items, limit, extraMeta = {}) => {
      const from = q.get('cursor') ? unb64(q.get('cursor')) : 0;
      const size = Math.min(limit, pageCap);
      const data = items.slice(from, from + size);
      const next = from + size < items.length ? b64(from + size) : undefined;
      return { data, meta: { ...extraMeta, ...(next ? { cursor: next } : {}) } };
    };
    const one = url.pathname.match(/^\/api\/public\/traces\/([^/]+)$/);
    if (one) {
      counts.traceById += 1;
      const id = decodeURIComponent(one[1]);
      const t = byTrace(id);
      if (!t) return send(404, { message: 'Trace not found' });
      const body = JSON.stringify({ ...t.trace, observations: t.observations, scores: t.scores });
      if (faults.hang?.includes(id)) { counts.hung += 1; return; }
      if (faults.malformed?.includes(id)) {
        counts.malformed += 1;
        res.writeHead(200, { 'content-type': 'application/json', ...cors });
        return res.end(body.slice(0, body.length / 2));
      }
      if (counts.dropped < (faults.dropFirst ?? 0)) {
        counts.dropped += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length), ...cors });
        res.write(body.slice(0, body.length / 2));
        return setTimeout(() => res.socket?.destroy(), 50);
      }
      return send(200, JSON.parse(body));
    }
    const session = url.pathname.match(/^\/api\/public\/sessions\/([^/]+)$/);
    if (session) {
      counts.sessions += 1;
      const id = decodeURIComponent(session[1]);
      const list = traces.filter(({ trace }) => trace.sessionId === id);
      if (!list.length) return send(404, { message: 'Session not found' });
      return send(200, { id, createdAt: list[0].trace.timestamp, projectId: list[0].trace.projectId, environment: 'default',
        traces: list.map(({ trace }) => { const { totalCost, htmlPath, latency, ...t } = trace; return t; }) });
    }
    if (url.pathname === '/api/public/v2/observations') {
      if (!current) return send(404, { message: 'Not found' });
      counts.v2Observations += 1;
      const all = traces.flatMap(({ trace, observations }) => observations.map((o) => v2Observation(o, trace)))
        .filter((o) => !q.get('traceId') || o.traceId === q.get('traceId'));
      return send(200, cursorPage(all, Number(q.get('limit') ?? 50)));
    }
    if (url.pathname === '/api/public/v3/scores') {
      if (!current || !v3Scores) return send(404, { message: 'Not found' });
      counts.v3Scores += 1;
      const all = traces.flatMap(({ scores }) => scores.map(v3Score)).filter((s) => !q.get('traceId') || s.traceId === q.get('traceId'));
      const limit = Number(q.get('limit') ?? 50);
      return send(200, cursorPage(all, limit, { limit }));
    }
    if (url.pathname === '/api/public/v2/scores') {
      if (current && v3Scores) return send(404, { message: 'Deprecated: use /api/public/v3/scores' });
      counts.v2Scores += 1;
      const all = traces.flatMap(({ scores }) => scores).filter((s) => !q.get('traceId') || s.traceId === q.get('traceId'));
      const page = Number(q.get('page') ?? 1), limit = Math.min(Number(q.get('limit') ?? 50), pageCap);
      return send(200, { data: all.slice((page - 1) * limit, page * limit),
        meta: { page, limit, totalItems: all.length, totalPages: Math.max(1, Math.ceil(all.length / limit)) } });
    }
    if (url.pathname === '/api/public/traces') {
      counts.list += 1;
      if (counts.limited < rateLimitFirst) {
        counts.limited += 1;
        return send(429, { message: 'Rate limit exceeded' });
      }
      const tags = q.getAll('tags');
      const ts = (t) => Date.parse(t.timestamp);
      const matching = traces.filter(({ trace }) =>
        (!q.get('name') || trace.name === q.get('name')) && (!q.get('userId') || trace.userId === q.get('userId')) &&
        (!q.get('sessionId') || trace.sessionId === q.get('sessionId')) && tags.every((t) => (trace.tags ?? []).includes(t)) &&
        (!q.get('fromTimestamp') || ts(trace) >= Date.parse(q.get('fromTimestamp'))) &&
        (!q.get('toTimestamp') || ts(trace) < Date.parse(q.get('toTimestamp'))));
      const page = Number(q.get('page') ?? 1), limit = Number(q.get('limit') ?? 50);
      const slice = matching.slice((page - 1) * limit, page * limit);
      return send(200, {
        data: slice.map(({ trace, observations, scores }) => ({ ...trace, observations: observations.map((o) => o.id), scores: scores.map((s) => s.id) })),
        meta: { page, limit, totalItems: matching.length, totalPages: Math.max(1, Math.ceil(matching.length / limit)) },
      });
    }
    send(404, { message: 'Not found' });
  }
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, counts, stop: () => { server.closeAllConnections?.(); server.close(); } })));
}
