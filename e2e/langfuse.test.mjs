// Connect to Langfuse (replayed per its published API): count with server-side filters, load the
// matching traces in full, keys never leave for anywhere else; wrong keys are explained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, newPage, ROOT } from './harness.mjs';
import { startLangfuseReplay } from './langfuse-replay.mjs';

const LF = path.resolve(ROOT, '../shared/fixtures/langfuse');
let server, browser, langfuse;

before(async () => {
  server = await serve();
  langfuse = await startLangfuseReplay({
    fixtures: ['pydantic-ai-2025-06-06.trace.json', 'llamaindex-2025-06-05.trace.json', 'autogen-2025-06-06.trace.json', 'beeai-2025-08-01.trace.json']
      .map((f) => path.join(LF, f)),
    publicKey: 'pk-lf-test', secretKey: 'sk-lf-test', allowOrigin: server.url.replace(/\/$/, ''), rateLimitFirst: 1,
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  langfuse?.stop();
  server?.stop();
});

async function dialog(page, secret) {
  await page.goto(server.url);
  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'langfuse');
  await page.fill('#connect-host', langfuse.url);
  await page.fill('#connect-pk', 'pk-lf-test');
  await page.fill('#connect-sk', secret);
}

test('Langfuse: count with a session filter, load the session, read it', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await dialog(page, 'sk-lf-test');
  await page.fill('#connect-f-session', 'session_abc');
  await page.click('#connect-count');
  await page.waitForFunction(() => /3 matching trace/.test(document.querySelector('.connect-status').textContent), null, { timeout: 15000 });
  assert.equal(langfuse.counts.limited, 1, 'the first list request was rate limited…');
  assert.ok(langfuse.counts.list >= 2, '…and retried');
  await page.click('#connect-load-langfuse');
  await page.waitForSelector('.traces-page .tr');
  await page.waitForFunction(() => document.querySelector('.list-count').textContent.startsWith('3 of 3'));
  await page.click('#nav-sessions');
  await page.click('.session-row:has-text("session_abc")');
  await page.waitForFunction(() => document.querySelectorAll('.turn').length === 3);
  assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith(langfuse.url)), requests.join('\n'));
  assert.ok(!(await page.content()).includes('sk-lf-test'), 'the secret is not on the page');
  // the browser logs the rate-limited response itself; nothing else may fail
  assert.deepEqual(errors.filter((e) => !/status of 429/.test(e)), []);
});

test('Langfuse: wrong keys are explained', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await dialog(page, 'wrong');
  await page.click('#connect-count');
  await page.waitForFunction(() => /401/.test(document.querySelector('.connect-status').textContent));
  assert.match(await page.textContent('.connect-status'), /needs credentials/);
  assert.ok(!(await page.textContent('.connect-status')).includes('wrong'));
});

test('keys are remembered only when asked, and can be forgotten', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await dialog(page, 'sk-lf-test');
  await page.click('#connect-count');
  await page.waitForFunction(() => /matching trace/.test(document.querySelector('.connect-status').textContent), null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('canopy.keys')).length), 0, 'not kept unless ticked');
  await page.check('#connect-remember');
  await page.click('#connect-count');
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('canopy.keys')));
  await page.reload();
  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'langfuse');
  await page.fill('#connect-host', langfuse.url);
  await page.waitForFunction(() => document.querySelector('#connect-sk').value === 'sk-lf-test');
  await page.click('#connect-forget');
  assert.equal(await page.inputValue('#connect-sk'), '');
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('canopy.keys')).length), 0);
  assert.ok(!page.url().includes('sk-lf-test'));
});
