// Live sources that misbehave: a Langfuse (replayed per its published API) that fails every other
// request, drops connections mid-answer, hangs, or sends broken JSON; a file host that drops the
// connection mid-file. The page retries where it makes sense, keeps what it loaded, and says what
// failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';
import { startLangfuseReplay } from './langfuse-replay.mjs';

const LF = path.resolve(ROOT, '../shared/fixtures/langfuse');
const FILES = ['pydantic-ai-2025-06-06.trace.json', 'llamaindex-2025-06-05.trace.json', 'autogen-2025-06-06.trace.json',
  'beeai-2025-08-01.trace.json', 'google-adk-2025-08-28.trace.json'].map((f) => path.join(LF, f));
const IDS = FILES.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')).trace.id);
const app = withAppAndBrowser();

const replay = (faults) => startLangfuseReplay({
  fixtures: FILES, publicKey: 'pk-lf-test', secretKey: 'sk-lf-test', allowOrigin: app.server.url.replace(/\/$/, ''), faults,
});

async function loadAll(page, lf) {
  await page.goto(app.server.url);
  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'langfuse');
  await page.fill('#connect-host', lf.url);
  await page.fill('#connect-pk', 'pk-lf-test');
  await page.fill('#connect-sk', 'sk-lf-test');
  await page.click('#connect-load-langfuse');
}

const traceCount = async (page) => Number((await page.textContent('#nav-traces')).match(/\((\d+)\)/)?.[1] ?? 0);
// the browser logs failed responses itself; those are the faults we planted
const unexpected = (errors) => errors.filter((e) => !/Failed to load resource|status of 500|net::ERR_/.test(e));

test('a server failing every other request and dropping answers mid-body: retries load every trace', async () => {
  const lf = await replay({ failEveryOther: true, dropFirst: 1 });
  try {
    const errors = [];
    const page = await newPage(app.browser, errors);
    const notes = [];
    await page.exposeFunction('__note', (t) => notes.push(t));
    await page.addInitScript(() => {
      new MutationObserver(() => {
        const p = document.querySelector('#load-progress');
        if (p) window.__note(p.textContent);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await loadAll(page, lf);
    await page.waitForSelector('.traces-page .tr', { timeout: 60000 });
    await page.waitForFunction(() => !document.querySelector('#load-progress'), null, { timeout: 60000 });
    assert.equal(await traceCount(page), 5, 'every trace arrived');
    assert.ok(lf.counts.failed >= 3, `500s answered: ${lf.counts.failed}`);
    assert.equal(lf.counts.dropped, 1, 'an answer was cut mid-body');
    assert.ok(notes.some((n) => /answered 500: the server failed; try again later or check its logs; retrying in \d s \(attempt 2 of 4\)/.test(n)), notes.join('\n'));
    assert.ok(notes.some((n) => /connection to 127\.0\.0\.1:\d+ dropped after \d+ bytes of the answer; try again; retrying/.test(n)),
      notes.join('\n'));
    assert.equal(await page.$('.error-banner'), null, 'nothing is left failed');
    assert.deepEqual(unexpected(errors), []);
  } finally {
    lf.stop();
  }
});

test('a trace that hangs and one that is broken JSON: the others load, each failure is said, nothing is retried forever', async () => {
  const lf = await replay({ hang: [IDS[2]], malformed: [IDS[1]] });
  try {
    const errors = [];
    const page = await newPage(app.browser, errors);
    await loadAll(page, lf);
    // the hanging answer is cut after 30 s with nothing arriving
    await page.waitForFunction(() => !document.querySelector('#load-progress'), null, { timeout: 75000 });
    assert.equal(await traceCount(page), 3, 'the three good traces stay');
    const banner = (await page.$$eval('.error-banner', (els) => els.map((e) => e.textContent))).join('\n');
    assert.match(banner, new RegExp(`${IDS[1]}: not valid JSON: line 1, column \\d+: EOF`));
    assert.match(banner, new RegExp(`trace ${IDS[2]}: nothing arrived for 30 s; the server is slow or unreachable`));
    assert.match(banner, new RegExp(`3 of 5 traces loaded; 2 failed: ${IDS[1]}, ${IDS[2]}`));
    assert.equal(lf.counts.hung, 1, 'a timeout is not retried');
    assert.equal(lf.counts.malformed, 1, 'a broken answer is not asked for again');
    assert.ok(!banner.includes('sk-lf-test'), 'no key in the messages');
    assert.deepEqual(unexpected(errors), []);
  } finally {
    lf.stop();
  }
});

test('a file host that drops the connection mid-file: the error says how far it got, the trace before stays', async () => {
  const body = fs.readFileSync(path.join(ROOT, 'public/demo/rag-chain.otlp.json'));
  const host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length),
      'access-control-allow-origin': '*' });
    res.write(body.subarray(0, 1000));
    setTimeout(() => res.socket?.destroy(), 50);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  try {
    const errors = [];
    const page = await newPage(app.browser, errors);
    await page.goto(app.server.url);
    await dropFiles(page, [{ name: 'spec.json', content: fs.readFileSync(path.resolve(ROOT, '../shared/fixtures/otlp/spec-example.json'), 'utf8') }]);
    await page.waitForSelector('.tree-row');
    const before = await page.textContent('.trace-header');
    await page.fill('#url-input', `http://127.0.0.1:${host.address().port}/run.json`);
    await page.click('#open-url');
    await page.waitForSelector('.error-banner');
    assert.match(await page.textContent('.error-banner'),
      /run\.json: the connection to 127\.0\.0\.1:\d+ dropped after 1000 bytes of the answer; try again/);
    assert.equal(await page.textContent('.trace-header'), before, 'the trace loaded before is still shown');
    assert.deepEqual(unexpected(errors), []);
  } finally {
    host.closeAllConnections?.();
    host.close();
  }
});
