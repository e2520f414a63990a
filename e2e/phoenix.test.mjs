// A real Phoenix server on 127.0.0.1 (installed by `make test`'s setup), seeded over OTLP, read by
// the Connect dialog from the browser: projects, cursor-paged spans, and the advice when refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, newPage, ROOT } from './harness.mjs';

const VENV = path.join(ROOT, '.tools/phoenix/bin');
let server, browser, phoenix, phoenixUrl, workDir;

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
  execFileSync(path.join(VENV, 'python'), [path.join(ROOT, 'e2e/phoenix_seed.py'), phoenixUrl], { stdio: 'ignore' });
  // spans are written asynchronously: wait until the server lists them
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const body = await (await fetch(`${phoenixUrl}/v1/projects/default/spans?limit=10`)).json();
    if (body.data.length >= 3) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  phoenix?.kill();
  server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

test('Connect to a real Phoenix: list projects, load the spans, see the tree', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url);
  await page.click('#open-connect');
  await page.fill('#connect-host', phoenixUrl);
  await page.fill('#connect-key', 'secret-key-123');
  await page.click('#connect-list');
  await page.waitForSelector('#connect-project');
  assert.match(await page.textContent('#connect-project'), /default/);
  await page.click('#connect-load');
  await page.waitForSelector('.tree-row:has-text("e2e-agent")');
  assert.match(await page.textContent('.trace-header'), /observations\s*3/);
  assert.match(await page.textContent('.trace-header'), /errors\s*1/);
  await page.click('.tree-row:has-text("ChatOpenAI")');
  await page.waitForSelector('.detail .messages');
  // the key went only to the host typed, and is nowhere on the page or in its address
  assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith(phoenixUrl)), requests.join('\n'));
  assert.ok(!(await page.content()).includes('secret-key-123'));
  assert.ok(!page.url().includes('secret-key-123'));
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
