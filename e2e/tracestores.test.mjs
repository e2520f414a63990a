// Tempo and Jaeger trace-by-id APIs and a header-protected address, served on 127.0.0.1 from the
// fixture files in the shapes those APIs answer (Tempo v2 `{trace: {resourceSpans}}`, Jaeger query
// `{data: [trace]}`), requiring the headers the user typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage, ROOT } from './harness.mjs';

let server, browser, store;
const tempoBody = fs.readFileSync(path.join(ROOT, 'tests/fixtures/otlp/tempo-v2-trace-wrapper.json'));
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
  await page.click('#connect-load-id');
  await page.waitForSelector('.tree-row:has-text("child")');
  assert.match(await page.textContent('.trace-header'), /observations\s*2/);
  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'jaeger');
  await page.fill('#connect-host', `${store.url}/jaeger`);
  await page.fill('#connect-trace-id', '0000000000000001');
  await page.click('#connect-load-id');
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
