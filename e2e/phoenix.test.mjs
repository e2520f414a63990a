// A real Phoenix server on 127.0.0.1 (installed by `make test`'s setup), fed real OpenInference
// spans from the instrumented OpenAI Python client (against a local stand-in endpoint) and
// annotated through its REST API, then read by the Connect dialog from the browser: projects,
// cursor-paged spans in both Phoenix and OTLP shapes, a trace and a session by id, span/trace/
// session annotations as scores, links that reopen the trace, and the advice when refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, newPage, addressMatching, ROOT } from './harness.mjs';

const VENV = path.join(ROOT, '.tools/phoenix/bin');
let server, browser, phoenix, phoenixUrl, workDir, seeded;

async function waitFor(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

async function post(pathname, body) {
  const r = await fetch(`${phoenixUrl}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [body] }) });
  if (!r.ok) throw new Error(`${pathname}: ${r.status} ${await r.text()}`);
}

before(async () => {
  server = await serve();
  const origin = server.url.replace(/\/$/, '');
  const port = 20000 + Math.floor(Math.random() * 20000);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-phoenix-'));
  phoenixUrl = `http://127.0.0.1:${port}`;
  phoenix = spawn(path.join(VENV, 'phoenix'), ['serve'], {
    env: { ...process.env, PHOENIX_HOST: '127.0.0.1', PHOENIX_PORT: String(port), PHOENIX_GRPC_PORT: String(port + 1),
      PHOENIX_WORKING_DIR: workDir, PHOENIX_TELEMETRY_ENABLED: 'false', PHOENIX_ALLOWED_ORIGINS: origin },
    stdio: 'ignore',
  });
  await waitFor(`${phoenixUrl}/v1/projects`, 90_000);
  seeded = JSON.parse(execFileSync(path.join(VENV, 'python'), [path.join(ROOT, 'e2e/phoenix_seed.py'), phoenixUrl], { encoding: 'utf8' }));
  // spans are written asynchronously: wait until the server lists them all
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const body = await (await fetch(`${phoenixUrl}/v1/projects/default/spans?limit=10`)).json();
    if (body.data.length >= 5) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const [first] = seeded.traces;
  await post('/v1/span_annotations?sync=true', { name: 'tool_ok', annotator_kind: 'CODE', span_id: first.spans.tool, result: { label: 'failed', score: 0 } });
  await post('/v1/trace_annotations?sync=true', { name: 'correctness', annotator_kind: 'LLM', trace_id: first.trace_id, result: { label: 'correct', score: 1, explanation: 'matches the plan' } });
  await post('/v1/session_annotations?sync=true', { name: 'frustration', annotator_kind: 'HUMAN', session_id: seeded.session, result: { score: 0.2 } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  phoenix?.kill();
  server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

async function dialog(page) {
  await page.goto(server.url);
  await page.click('#open-connect');
  await page.fill('#connect-host', phoenixUrl);
}

async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('#load-progress'), null, { timeout: 20000 });
}

test('Connect to a real Phoenix: list projects, load the spans with their annotations', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await dialog(page);
  await page.fill('#connect-key', 'secret-key-123');
  await page.click('#connect-list');
  await page.waitForSelector('#connect-project');
  assert.match(await page.textContent('#connect-project'), /default/);
  await page.click('#connect-load');
  await settled(page);
  await page.waitForFunction(() => document.querySelector('.list-count')?.textContent.startsWith('2 of 2'));
  await page.click('#nav-scores');
  const scores = await page.textContent('.scores-page');
  for (const name of ['tool_ok', 'correctness', 'frustration']) assert.match(scores, new RegExp(name), `${name} annotation as a score`);
  // the key went only to the host typed, and is nowhere on the page or in its address
  assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith(phoenixUrl)), requests.join('\n'));
  assert.ok(requests.some((u) => u.includes('/span_annotations?')) && requests.some((u) => u.includes('/session_annotations?')));
  assert.ok(!(await page.content()).includes('secret-key-123'));
  assert.ok(!page.url().includes('secret-key-123'));
  assert.deepEqual(errors, []);
});

test('a Phoenix trace by id, read as the conversation, reopened by its link; the same from OTLP', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const [first] = seeded.traces;
  await dialog(page);
  await page.fill('#connect-trace-id', first.trace_id);
  await page.click('#connect-open-trace');
  await page.waitForSelector('.tree-row:has-text("e2e-agent")');
  await settled(page);
  const header = await page.textContent('.trace-header');
  assert.match(header, /observations\s*3/);
  assert.match(header, /errors\s*1/);
  assert.equal(await page.locator('.tree-row:has-text("search") .score-badge').count(), 1, 'span annotation on the tool');
  await page.click('.tree-row:has-text("ChatCompletion")');
  await page.waitForSelector('.detail .messages .message-role');
  assert.match(await page.textContent('.detail'), /Day 1: Lisbon/);
  assert.match(await page.textContent('.detail'), /gpt-4o-mini/);
  const link = await addressMatching(page, new RegExp(`#src=phoenix&host=.*&project=default&trace=${first.trace_id}&obs=`));
  // a new tab with that link reopens the same trace and observation from Phoenix by itself
  const other = await newPage(browser, errors);
  await other.goto(link);
  await other.waitForSelector('.tree-row.selected:has-text("ChatCompletion")');
  await settled(other); // the annotations come after the spans
  assert.equal(await other.textContent('.trace-header'), header);
  // the OTLP endpoint gives the same trace
  const otlp = await newPage(browser, errors);
  await dialog(otlp);
  await otlp.selectOption('#connect-format', 'otlp');
  await otlp.fill('#connect-trace-id', first.trace_id);
  await otlp.click('#connect-open-trace');
  await otlp.waitForSelector('.tree-row:has-text("e2e-agent")');
  await settled(otlp);
  assert.equal(await otlp.textContent('.trace-header'), header);
  assert.deepEqual(errors, []);
});

test('a Phoenix session by id: its traces, turns and session annotation', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await dialog(page);
  await page.fill('#connect-session-id', seeded.session);
  await page.click('#connect-open-session');
  await settled(page);
  await page.waitForFunction(() => document.querySelector('.list-count')?.textContent.startsWith('2 of 2'));
  await page.click('#nav-sessions');
  await page.click(`.session-row:has-text("${seeded.session}")`);
  await page.waitForFunction(() => document.querySelectorAll('.turn').length === 2);
  assert.match(await page.textContent('.app'), /frustration/);
  await addressMatching(page, new RegExp(`&session=${seeded.session}$`));
  assert.deepEqual(errors, []);
});

test('a Phoenix that does not allow this origin is explained', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await page.goto(server.url.replace('127.0.0.1', 'localhost'));
  await page.click('#open-connect');
  await page.fill('#connect-host', phoenixUrl);
  await page.click('#connect-list');
  await page.waitForFunction(() => /CORS/.test(document.querySelector('.connect-status').textContent));
  assert.match(await page.textContent('.connect-status'), /PHOENIX_ALLOWED_ORIGINS/);
});
