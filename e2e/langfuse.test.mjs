// Connect to Langfuse (replayed per its published API, both generations): count with server-side
// filters, load traces and sessions in full, links that reopen them, keys that never leave for
// anywhere else and are never in the address; wrong keys are explained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, newPage, addressMatching, ROOT } from './harness.mjs';
import { startLangfuseReplay } from './langfuse-replay.mjs';

const LF = path.resolve(ROOT, '../shared/fixtures/langfuse');
const FILES = ['pydantic-ai-2025-06-06.trace.json', 'llamaindex-2025-06-05.trace.json', 'autogen-2025-06-06.trace.json',
  'beeai-2025-08-01.trace.json', 'google-adk-2025-08-28.trace.json'].map((f) => path.join(LF, f));
const BEEAI = '096fc09a30ab90d2431778f9ee2b3936';
let server, browser, legacy, current, currentV2Scores, slow;

before(async () => {
  server = await serve();
  const common = { fixtures: FILES, publicKey: 'pk-lf-test', secretKey: 'sk-lf-test', allowOrigin: server.url.replace(/\/$/, '') };
  legacy = await startLangfuseReplay({ ...common, rateLimitFirst: 1 });
  // a page cap of 7 makes the 29-observation trace take five cursor pages
  current = await startLangfuseReplay({ ...common, generation: 'current', pageCap: 7 });
  currentV2Scores = await startLangfuseReplay({ ...common, generation: 'current', v3Scores: false, pageCap: 1 });
  slow = await startLangfuseReplay({ ...common, generation: 'current', delayMs: 250 });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  for (const r of [legacy, current, currentV2Scores, slow]) r?.stop();
  server?.stop();
});

async function dialog(page, replay, secret = 'sk-lf-test') {
  await page.goto(server.url);
  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'langfuse');
  await page.fill('#connect-host', replay.url);
  await page.fill('#connect-pk', 'pk-lf-test');
  await page.fill('#connect-sk', secret);
}

async function openTrace(page, replay, id) {
  await dialog(page, replay);
  await page.fill('#connect-trace-id', id);
  await page.click('#connect-open-trace');
  await page.waitForSelector('.tree-row');
  await page.waitForFunction(() => !document.querySelector('#load-progress'));
}

const onlyTo = (requests, ...hosts) => requests.every((u) => [server.url, ...hosts].some((h) => u.startsWith(h)));

test('Langfuse (legacy API): count with a session filter, load the session, read it', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await dialog(page, legacy);
  await page.fill('#connect-f-session', 'session_abc');
  await page.click('#connect-count');
  await page.waitForFunction(() => /3 matching trace/.test(document.querySelector('.connect-status').textContent), null, { timeout: 15000 });
  assert.equal(legacy.counts.limited, 1, 'the first list request was rate limited…');
  assert.ok(legacy.counts.list >= 2, '…and retried');
  assert.ok(legacy.counts.options >= 1, 'the browser sent a CORS preflight for the Authorization header');
  await page.click('#connect-load-langfuse');
  await page.waitForSelector('.traces-page .tr');
  await page.waitForFunction(() => document.querySelector('.list-count').textContent.startsWith('3 of 3'));
  assert.equal(legacy.counts.traceById, 3, 'the legacy server is read through traces/{id}');
  await page.click('#nav-sessions');
  await page.click('.session-row:has-text("session_abc")');
  await page.waitForFunction(() => document.querySelectorAll('.turn').length === 3);
  assert.ok(onlyTo(requests, legacy.url), requests.join('\n'));
  assert.ok(!(await page.content()).includes('sk-lf-test'), 'the secret is not on the page');
  await addressMatching(page, /^#src=langfuse&host=[^&]+&page=session&.*session=session_abc$/); // the session page is in the address
  // the browser logs the rate-limited response and the generation probe's 404 itself; nothing else may fail
  assert.deepEqual(errors.filter((e) => !/status of (429|404)/.test(e)), []);
});

test('Langfuse (current API): v2 observations by cursor and v3 scores give the same trace as the legacy API', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await openTrace(page, legacy, BEEAI);
  const legacyHeader = await page.textContent('.trace-header');
  const legacyScores = await page.locator('.tree-row .score-badge').count();
  await openTrace(page, current, BEEAI);
  assert.equal(current.counts.traceById, 0, 'the current server is not asked for the deprecated endpoint');
  assert.equal(current.counts.v2Observations, 1 + 5, 'one probe, then five cursor pages of at most 7');
  assert.ok(current.counts.v3Scores >= 2, 'v3 probe + scores of the trace');
  assert.equal(await page.textContent('.trace-header'), legacyHeader);
  assert.match(legacyHeader, /observations\s*29/);
  assert.equal(await page.locator('.tree-row .score-badge').count(), legacyScores);
  // io came as JSON strings: the generation still reads as a conversation
  await page.click('.tree-row:has(.kind-generation)');
  await page.waitForSelector('.detail .messages .message-role');
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), [], 'only the legacy server\'s answer to the probe');
});

test('Langfuse (current API before v3 scores): v2 score pages are read instead', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await openTrace(page, currentV2Scores, BEEAI);
  assert.ok(currentV2Scores.counts.v2Scores >= 2, 'two scores, one per page');
  await page.click('#nav-scores');
  await page.waitForSelector('.scores-page');
  assert.match(await page.textContent('.scores-page'), /hallucination/);
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
});

test('a Langfuse session by id, and a link that reopens a trace (keys asked again, never in the link)', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await dialog(page, current);
  await page.fill('#connect-session-id', 'session_abc');
  await page.click('#connect-open-session');
  await page.waitForFunction(() => document.querySelector('.list-count')?.textContent.startsWith('3 of 3'));
  assert.equal(current.counts.sessions, 1);
  // the traces' names came from the session (the current API's observations do not carry them)
  assert.match(await page.textContent('.traces-page'), /pydantic-ai-qa-trace/);
  await page.click('.traces-page .tr:has-text("pydantic-ai-qa-trace")');
  await page.click('.tree-row:nth-child(2)');
  const link = await addressMatching(page, /#src=langfuse&host=.*&trace=25f4bdeebaab60e6e1bee7e8469554bc&obs=/);
  assert.ok(!link.includes('sk-lf') && !link.includes('pk-lf'), link);
  // opened elsewhere without remembered keys: the dialog asks for them, filled in otherwise
  const other = await newPage(browser, errors);
  await other.goto(link);
  await other.waitForSelector('#connect-sk');
  assert.match(await other.textContent('.connect-status'), /enter the keys/);
  assert.equal(await other.inputValue('#connect-trace-id'), '25f4bdeebaab60e6e1bee7e8469554bc');
  await other.fill('#connect-pk', 'pk-lf-test');
  await other.fill('#connect-sk', 'sk-lf-test');
  await other.click('#connect-open-trace');
  await other.waitForSelector('.tree-row.selected');
  await other.waitForFunction((h) => location.hash === h, new URL(link).hash); // the same trace and observation are shown
  assert.deepEqual(errors, []);
});

test('Langfuse: wrong keys are explained', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await dialog(page, legacy, 'wrong');
  await page.click('#connect-count');
  await page.waitForFunction(() => /401/.test(document.querySelector('.connect-status').textContent));
  assert.match(await page.textContent('.connect-status'), /needs credentials/);
  assert.ok(!(await page.textContent('.connect-status')).includes('wrong'));
});

test('keys are remembered only when asked, reopen links by themselves, and can be forgotten', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await dialog(page, legacy);
  await page.click('#connect-count');
  await page.waitForFunction(() => /matching trace/.test(document.querySelector('.connect-status').textContent), null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('canopy.keys')).length), 0, 'not kept unless ticked');
  await page.check('#connect-remember');
  await page.fill('#connect-trace-id', BEEAI);
  await page.click('#connect-open-trace');
  await page.waitForSelector('.tree-row');
  assert.ok(await page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('canopy.keys'))));
  // a reload reopens the trace from the API with the remembered keys, without asking
  const before = legacy.counts.traceById;
  await page.reload();
  await page.waitForSelector('.tree-row');
  assert.ok(legacy.counts.traceById > before);
  assert.match(await page.textContent('.trace-header'), /observations\s*29/);
  await page.click('#open-connect');
  await page.selectOption('#connect-source', 'langfuse');
  await page.fill('#connect-host', legacy.url);
  await page.waitForFunction(() => document.querySelector('#connect-sk').value === 'sk-lf-test');
  await page.click('#connect-forget');
  assert.equal(await page.inputValue('#connect-sk'), '');
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('canopy.keys')).length), 0);
  assert.ok(!page.url().includes('sk-lf-test'));
});

test('a long load shows items and bytes, leaves the page usable, and Cancel keeps what came', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await dialog(page, slow);
  await page.click('#connect-load-langfuse');
  await page.waitForFunction(() => /Langfuse: [12] of 5 traces · \d+ KB/.test(document.querySelector('#load-progress')?.textContent ?? ''));
  assert.equal(await page.getAttribute('#load-progress progress', 'max'), '5');
  // the page answers while the load runs: the first trace is already readable
  await page.waitForSelector('.tree-row');
  await page.click('.tree-row >> nth=0');
  await page.waitForSelector('.detail');
  await page.click('#cancel-load');
  await page.waitForFunction(() => !document.querySelector('#load-progress'));
  // a cancel is what the user asked for: said as a notice, not an error
  assert.match(await page.textContent('.notice-banner'), /cancelled after [1-4] of 5 traces; what was loaded stays/);
  assert.equal(await page.locator('.error-banner').count(), 0);
  const shown = Number((await page.textContent('#nav-traces')).match(/\((\d+)\)/)[1]);
  assert.ok(shown >= 1 && shown < 5, `${shown} traces kept`);
  assert.deepEqual(errors, []);
});

/** Every request to a replay that carried an Authorization header: [url, header]. */
function recordAuth(page) {
  const seen = [];
  page.on('request', (r) => {
    const h = r.headers().authorization;
    if (h) seen.push([r.url(), h]);
  });
  return seen;
}
const BASIC = 'Basic ' + Buffer.from('pk-lf-test:sk-lf-test').toString('base64');
const storedKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('canopy.keys')).sort());

test('keys belong to the host they were typed for: another host empties the fields, is sent none and stores none', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const auth = recordAuth(page);
  await dialog(page, legacy);
  await page.check('#connect-remember');
  await page.click('#connect-count');
  await page.waitForFunction(() => /matching trace/.test(document.querySelector('.connect-status').textContent), null, { timeout: 15000 });
  assert.deepEqual(await storedKeys(page), [`canopy.keys.${legacy.url}`], 'remembered under A');
  // the host changes to B: the keys typed for A are gone from the fields
  await page.fill('#connect-host', current.url);
  await page.waitForFunction(() => document.querySelector('#connect-sk').value === '');
  assert.equal(await page.inputValue('#connect-pk'), '');
  assert.equal(await page.isChecked('#connect-remember'), false, '"remember" was for A');
  await page.click('#connect-count');
  await page.waitForFunction(() => /401|credentials/.test(document.querySelector('.connect-status').textContent), null, { timeout: 15000 });
  assert.deepEqual(auth.filter(([u, h]) => u.startsWith(current.url) && h === BASIC), [], 'B was never sent A\'s keys');
  assert.ok(auth.some(([u, h]) => u.startsWith(legacy.url) && h === BASIC), 'A was');
  assert.deepEqual(await storedKeys(page), [`canopy.keys.${legacy.url}`], 'nothing stored for B');
  // A spelled another way (upper case, a trailing slash and a path) is A: its keys come back
  await page.fill('#connect-host', `${legacy.url.replace('http://', 'HTTP://')}/api/`);
  await page.waitForFunction(() => document.querySelector('#connect-sk').value === 'sk-lf-test');
  assert.match(await page.textContent('#connect-remembered'), new RegExp(`Using keys remembered for ${legacy.url}$`));
  // a source without keys keeps none: Jaeger at A's address, "remember" ticked before the switch
  await page.selectOption('#connect-source', 'jaeger');
  await page.fill('#connect-host', `${legacy.url}/`);
  await page.fill('#connect-trace-id', 'abc');
  await page.click('#connect-open-trace');
  await page.waitForTimeout(300);
  assert.deepEqual(await storedKeys(page), [`canopy.keys.${legacy.url}`]);
  assert.deepEqual(auth.filter(([u, h]) => !u.startsWith(legacy.url) && h === BASIC), [], 'A\'s keys went nowhere but A');
  assert.deepEqual(errors.filter((e) => !/status of (401|404|429)|Failed to load resource/.test(e)), []);
});

test('a link reopens with keys remembered for exactly its host, says so, and Forget works', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const auth = recordAuth(page);
  await dialog(page, legacy);
  await page.check('#connect-remember');
  await page.fill('#connect-trace-id', BEEAI);
  await page.click('#connect-open-trace');
  await page.waitForSelector('.tree-row');
  const link = await addressMatching(page, /#src=langfuse&host=.*&trace=/);
  assert.equal(await page.locator('#keys-notice').count(), 0, 'typed keys need no notice');
  // the link to A reopens by itself, and the page says whose keys it used
  await page.goto('about:blank');
  await page.goto(link);
  await page.waitForSelector('#keys-notice');
  assert.equal((await page.textContent('#keys-notice')).replace(/\s+/g, ' ').trim(), `Using keys remembered for ${legacy.url} · Forget`);
  await page.waitForSelector('.tree-row');
  // the same trace at another host: A's keys are not used, Connect asks
  const other = link.replace(encodeURIComponent(legacy.url), encodeURIComponent(current.url));
  assert.notEqual(other, link);
  await page.goto('about:blank');
  await page.goto(other);
  await page.waitForSelector('#connect-sk');
  assert.match(await page.textContent('.connect-status'), /enter the keys/);
  assert.equal(await page.inputValue('#connect-sk'), '');
  assert.equal(await page.locator('#keys-notice').count(), 0);
  assert.deepEqual(auth.filter(([u]) => u.startsWith(current.url)), [], 'B was asked nothing with a key');
  // back to A; Forget removes the keys, and the next visit asks
  await page.goto('about:blank');
  await page.goto(link);
  await page.click('#keys-notice-forget');
  await page.waitForFunction(() => !document.querySelector('#keys-notice'));
  assert.deepEqual(await storedKeys(page), []);
  await page.goto('about:blank');
  await page.goto(link);
  await page.waitForSelector('#connect-sk');
  assert.match(await page.textContent('.connect-status'), /enter the keys/);
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
});
