// A stand-in for the Langfuse public API (a real Langfuse cannot run here): replays the shared
// fixtures shaped as the published API answers — GET /api/public/traces (TraceWithDetails items with
// observation and score ids, meta {page, limit, totalItems, totalPages}, server-side filters) and
// GET /api/public/traces/{id} (TraceWithFullDetails with observations and scores) — behind HTTP
// Basic auth, with CORS for the page's origin. Listens on 127.0.0.1 only.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export function startLangfuseReplay({ fixtures, publicKey, secretKey, allowOrigin, rateLimitFirst = 0 }) {
  const counts = { list: 0, limited: 0 };
  const traces = fixtures.map((f) => {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    const { observations: _ids, ...trace } = doc.trace;
    const scores = [...(doc.trace.scores ?? []), ...(doc.trace.corrections ?? [])];
    const totalCost = doc.observations.reduce((s, o) => s + (o.costDetails?.total ?? 0), 0);
    return { trace: { ...trace, totalCost, htmlPath: `/project/p/traces/${trace.id}` }, observations: doc.observations, scores };
  });
  const expected = 'Basic ' + Buffer.from(`${publicKey}:${secretKey}`).toString('base64');
  const server = http.createServer((req, res) => {
    const cors = allowOrigin && req.headers.origin === allowOrigin
      ? { 'access-control-allow-origin': allowOrigin, 'access-control-allow-headers': 'authorization', 'vary': 'Origin' } : {};
    if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
    const send = (status, body) => { res.writeHead(status, { 'content-type': 'application/json', ...cors }); res.end(JSON.stringify(body)); };
    if (req.headers.authorization !== expected) return send(401, { message: 'Invalid credentials' });
    const url = new URL(req.url, 'http://127.0.0.1');
    const one = url.pathname.match(/^\/api\/public\/traces\/([^/]+)$/);
    if (one) {
      const t = traces.find((x) => x.trace.id === decodeURIComponent(one[1]));
      if (!t) return send(404, { message: 'Trace not found' });
      return send(200, { ...t.trace, observations: t.observations, scores: t.scores });
    }
    if (url.pathname === '/api/public/traces') {
      counts.list += 1;
      if (counts.limited < rateLimitFirst) {
        counts.limited += 1;
        return send(429, { message: 'Rate limit exceeded' });
      }
      const q = url.searchParams;
      const tags = q.getAll('tags');
      const matching = traces.filter(({ trace }) =>
        (!q.get('name') || trace.name === q.get('name')) && (!q.get('userId') || trace.userId === q.get('userId')) &&
        (!q.get('sessionId') || trace.sessionId === q.get('sessionId')) && tags.every((t) => (trace.tags ?? []).includes(t)));
      const page = Number(q.get('page') ?? 1), limit = Number(q.get('limit') ?? 50);
      const slice = matching.slice((page - 1) * limit, page * limit);
      return send(200, {
        data: slice.map(({ trace, observations, scores }) => ({ ...trace, observations: observations.map((o) => o.id), scores: scores.map((s) => s.id) })),
        meta: { page, limit, totalItems: matching.length, totalPages: Math.max(1, Math.ceil(matching.length / limit)) },
      });
    }
    send(404, { message: 'Not found' });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, counts, stop: () => server.close() })));
}
