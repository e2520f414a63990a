// Tempo and Jaeger query APIs (trace by id, search) and a header-protected address, served on
// 127.0.0.1 from the fixture files in the shapes those APIs document (Tempo `/api/search`
// `{traces: [{traceID, rootServiceName, …}]}`, `/api/traces/{id}` as v1 `{batches}` or v2
// `{trace: {resourceSpans}}`; Jaeger `/api/services` `{data: [name]}` and `/api/traces` `{data: [trace]}`),
// requiring the headers the user typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage, addressMatching, ROOT } from './harness.mjs';

let server, browser, store;
const seen = [];
const tempoBody = fs.readFileSync(path.join(ROOT, 'tests/fixtures/otlp/tempo-v2-trace-wrapper.json'));
// a second trace in Tempo's v1 shape: the batches fixture under another id
const OTHER = 'aa'.repeat(16);
const tempoV1Body = fs.readFileSync(path.join(ROOT, 'tests/fixtures/otlp/tempo-v1-batches.json'), 'utf8')
  .replaceAll('2BO9bTEIm7oIOVWQ6xSMUw==', Buffer.from(OTHER, 'hex').toString('base64'));
const jaegerBody = JSON.stringify({ data: [JSON.parse(fs.readFileSync(path.resolve(ROOT, '../shared/fixtures/jaeger/ui_01.json'), 'utf8'))], total: 0, limit: 0, offset: 0, errors: null });

before(async () => {
  server = await serve();
  const origin = server.url.replace(/\/$/, '');
  const srv = http.createServer((req, res) => {
    const cors = { 'access-control-allow-origin': origin, 'access-control-allow-headers': 'x-scope-orgid, authorization' };
    if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
    const send = (status, body) => { res.writeHead(status, { 'content-type': 'application/json', ...cors }); res.end(body); };
    if (req.url === '/tempo/api/traces/d813bd6d31089bba08395590eb148c53') {
      return req.headers['x-scope-orgid'] === 'tenant-1' ? send(200, tempoBody) : send(401, '{"error":"no org id"}');
    }
    if (req.url === '/jaeger/api/traces/0000000000000001') return send(200, jaegerBody);
    const url = new URL(req.url, 'http://127.0.0.1');
    seen.push(url);
    if (req.headers['x-scope-orgid'] === 'tenant-1' && url.pathname === '/tempo/api/search') {
      return send(200, JSON.stringify({ traces: [
        { traceID: 'd813bd6d31089bba08395590eb148c53', rootServiceName: 'agent', rootTraceName: 'root', startTimeUnixNano: '1700000000000000000', durationMs: 20 },
        { traceID: OTHER, rootServiceName: 'agent', rootTraceName: 'invoke_agent planner', startTimeUnixNano: '1700000001000000000', durationMs: 5 },
      ], metrics: { inspectedTraces: 2, inspectedBytes: '2048' } }));
    }
    if (req.headers['x-scope-orgid'] === 'tenant-1' && url.pathname === `/tempo/api/traces/${OTHER}`) return send(200, tempoV1Body);
    if (url.pathname === '/jaeger/api/services') return send(200, JSON.stringify({ data: ['service-y', 'service-x'], total: 2, limit: 0, offset: 0, errors: null }));
    if (url.pathname === '/jaeger/api/traces' && url.searchParams.get('service') === 'service-x') return send(200, jaegerBody);
    if (req.url === '/private/run.json') {
      return req.headers.authorization === 'Bearer file-token' ? send(200, tempoBody) : send(403, '{}');
    }
    send(404, '{}');
  });
  store = await new Promise((r) => srv.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${srv.address().port}`, stop: () => srv.close() })));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  store?.stop();
  server?.stop();
});

async function connect(page, kind, host) {
  await page.goto(server.url);
  await page.click('#open-connect');
  await page.selectOption('#connect-source', kind);
  await page.fill('#connect-host', host);
}

test('Tempo trace by id with a tenant header; Jaeger trace by id', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await connect(page, 'tempo', `${store.url}/tempo`);
  await page.fill('#connect-trace-id', 'd813bd6d31089bba08395590eb148c53');
  await page.fill('#connect-headers', 'X-Scope-OrgID: tenant-1');
  await page.click('#connect-open-trace');
  await page.waitForSelector('.tree-row:has-text("child")');
  assert.match(await page.textContent('.trace-header'), /observations\s*2/);
  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'jaeger');
  await page.fill('#connect-host', `${store.url}/jaeger`);
  await page.fill('#connect-trace-id', '0000000000000001');
  await page.click('#connect-open-trace');
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 2);
  assert.match(await page.textContent('.trace-header'), /observations\s*5/);
  assert.deepEqual(errors, []);
});

test('any address with an Authorization header; the header is not shown afterwards', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await connect(page, 'url', `${store.url}/private/run.json`);
  await page.fill('#connect-headers', 'Authorization: Bearer file-token');
  await page.click('#connect-load-url');
  await page.waitForSelector('.tree-row');
  assert.ok(!(await page.content()).includes('file-token'));
  // without the header the server refuses, and the message says so
  await connect(page, 'url', `${store.url}/private/run.json`);
  await page.click('#connect-load-url');
  await page.waitForSelector('.error-banner');
  assert.match(await page.textContent('.error-banner'), /403 Forbidden/);
});

test('Tempo search by TraceQL and time range loads each trace found; Jaeger search by service and tags', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await connect(page, 'tempo', `${store.url}/tempo`);
  await page.fill('#connect-headers', 'X-Scope-OrgID: tenant-1');
  await page.fill('#connect-traceql', '{ resource.service.name = "agent" }');
  await page.fill('#connect-from', '2023-11-14T00:00');
  await page.fill('#connect-to', '2023-11-16T00:00');
  await page.click('#connect-search');
  await page.waitForFunction(() => document.querySelector('.list-count')?.textContent.startsWith('2 of 2'));
  const search = seen.find((u) => u.pathname === '/tempo/api/search');
  assert.equal(search.searchParams.get('q'), '{ resource.service.name = "agent" }');
  const [start, end] = [Number(search.searchParams.get('start')), Number(search.searchParams.get('end'))];
  assert.ok(end - start === 2 * 86400 && Math.abs(start - Date.parse('2023-11-14T00:00') / 1000) < 1, `${start}..${end} in seconds`);
  assert.match(await page.textContent('.traces-page'), /invoke_agent planner/);
  await addressMatching(page, /#src=tempo&host=/);

  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'jaeger');
  await page.fill('#connect-host', `${store.url}/jaeger`);
  await page.click('#connect-list-services');
  await page.waitForSelector('#connect-service');
  assert.deepEqual(await page.$$eval('#connect-service option', (o) => o.map((x) => x.value)), ['service-x', 'service-y']);
  await page.fill('#connect-operation', 'op');
  await page.fill('#connect-tags', 'error=true http.status_code=500');
  await page.click('#connect-search');
  await page.waitForSelector('.tree-row:has-text("preserveParentID-test")');
  assert.match(await page.textContent('#nav-traces'), /\(3\)/, 'two from Tempo, one from Jaeger');
  const js = seen.find((u) => u.pathname === '/jaeger/api/traces');
  assert.equal(js.searchParams.get('service'), 'service-x');
  assert.equal(js.searchParams.get('operation'), 'op');
  assert.deepEqual(JSON.parse(js.searchParams.get('tags')), { error: 'true', 'http.status_code': '500' });
  const span = Number(js.searchParams.get('end')) - Number(js.searchParams.get('start'));
  assert.equal(span, 3600 * 1e6, 'no time range given: the last hour, in microseconds');
  assert.deepEqual(errors, []);
});
