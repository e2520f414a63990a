// Redaction in the page fails closed: a crafted 5 MB payload (runs that made the old regular
// expressions backtrack in the browser's RegExp for minutes) previews and masks right; payloads
// deeper than serde's 128 levels are masked; the order detectors are ticked in does not change
// the file; Basic credentials and, when ticked, ids, sessions, users and services are masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newPage, dropFiles, withAppAndBrowser } from './harness.mjs';
import { bigTraceFile, BIG_PREVIEW, LETTERS, PLANTED, timedPreview } from './redaction-payload.mjs';

const app = withAppAndBrowser();
const DETECTORS = ['secret', 'email', 'card', 'phone', 'ip'];

async function open(page, name, content) {
  await page.goto(app.server.url);
  await dropFiles(page, [{ name, content }]);
  await page.waitForSelector('.tree-row', { timeout: 60_000 });
}

async function download(page, format = 'canopy') {
  await page.selectOption('#export-format', format);
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#export-save')]);
  return fs.readFileSync(await d.path(), 'utf8');
}

function closeDialog(page) {
  return page.click('.modal-backdrop', { position: { x: 5, y: 5 } });
}

const status = (page) => page.textContent('.export-status');

test('a crafted 5 MB payload previews in bounded time and masks right', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  const file = bigTraceFile();
  assert.ok(file.length > 5_000_000, `${file.length} bytes`);
  await open(page, 'big.json', file);
  await page.click('#open-export');
  for (const d of DETECTORS) await page.check(`#redact-${d}`);
  // the old patterns took about 7 s per 80 KB run without an `@` (40 of them here): minutes
  const ms = await timedPreview(page, 60_000);
  console.log(`preview of ${(file.length / 1e6).toFixed(1)} MB: ${ms.toFixed(0)} ms`);
  assert.equal(await status(page), BIG_PREVIEW);
  const text = await download(page);
  for (const [what, p] of Object.entries(PLANTED)) assert.ok(!text.includes(p), `${what} ${p} survived`);
  assert.ok(text.includes(`key <secret-1>, Authorization: <secret-2>, card <card-1> from <ip-1>`), 'placeholders');
  assert.ok(text.includes(LETTERS) && text.includes('eyJ-'.repeat(25_000)), 'the long runs are kept as they were');
  assert.deepEqual(errors, []);
});

test('payloads deeper than 128 levels are masked, not passed through as "Nothing to mask"', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  for (const depth of [129, 1_000, 100_000]) {
    const input = `${'['.repeat(depth)}"write to ${PLANTED.email}"${']'.repeat(depth)}`;
    const file = `{"trace":{"id":"deep","name":"deep","timestamp":"2025-01-01T00:00:00.000Z","input":${input}},` +
      '"observations":[{"id":"o","type":"SPAN","name":"s","startTime":"2025-01-01T00:00:00.000Z","endTime":"2025-01-01T00:00:01.000Z"}]}';
    await open(page, `deep-${depth}.json`, file);
    await page.click('#open-export');
    await page.check('#redact-email');
    await page.click('#export-preview');
    await page.waitForFunction(() => document.querySelector('.export-status').textContent.length > 0);
    assert.equal(await status(page), 'Will mask: 1 email value (1 distinct)', `${depth} levels`);
    for (const format of ['canopy', 'otlp', 'langfuse']) {
      const text = await download(page, format);
      assert.ok(!text.includes(PLANTED.email) && text.includes('<email-1>'), `${depth} levels, ${format}`);
    }
    await closeDialog(page);
  }
  assert.deepEqual(errors, []);
});

test('the order detectors are ticked in does not change the file; Basic credentials are secrets', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  const output = `use ${PLANTED.key} or call +1 415-555-0199, Authorization: Basic ${PLANTED.basic}`;
  await open(page, 'order.json', JSON.stringify({
    trace: { id: 'ord', name: 'order', timestamp: '2025-01-01T00:00:00.000Z' },
    observations: [{ id: 'g', type: 'GENERATION', name: 'gen', startTime: '2025-01-01T00:00:00.000Z', endTime: '2025-01-01T00:00:01.000Z', output }],
  }));
  const files = [];
  for (const order of [['phone', 'secret'], ['secret', 'phone'], [...DETECTORS].reverse(), DETECTORS]) {
    await page.click('#open-export');
    for (const d of order) await page.check(`#redact-${d}`);
    files.push(await download(page));
    await closeDialog(page);
  }
  assert.ok(files[0].includes('use <secret-1> or call <phone-1>, Authorization: <secret-2>'), files[0].slice(0, 3000));
  assert.equal(files[1], files[0], 'phone then secret, or secret then phone');
  assert.equal(files[3], files[2], 'all five, in either order');
  assert.ok(files[2].includes('use <secret-1> or call <phone-1>, Authorization: <secret-2>'));
  assert.deepEqual(errors, []);
});

test('ids, sessions, users and services are kept unless their boxes are ticked', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  const span = (id, name, extra = {}) => ({ traceId: '5b8aa5a2d2c872e8321cf37308d69df2', spanId: id, name,
    startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000', ...extra });
  const otlp = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout-svc' } }] },
    scopeSpans: [{ spans: [
      span('051581bf3cb55c13', 'root', { attributes: [{ key: 'session.id', value: { stringValue: 'session-xyz' } },
        { key: 'user.id', value: { stringValue: 'user-qwe' } }] }),
      span('1e2f3a4b5c6d7e8f', 'child', { parentSpanId: '051581bf3cb55c13' })] }] }] };
  await open(page, 'acme-prod.json', JSON.stringify(otlp));
  const originals = ['5b8aa5a2d2c872e8321cf37308d69df2', '051581bf3cb55c13', 'session-xyz', 'user-qwe', 'checkout-svc', 'acme-prod'];
  await page.click('#open-export');
  const kept = await download(page, 'canopy');
  for (const o of originals) assert.ok(kept.includes(o), `kept by default: ${o}`);
  for (const f of ['id', 'session', 'user', 'service']) await page.check(`#redact-field-${f}`);
  for (const format of ['canopy', 'otlp', 'langfuse']) {
    const text = await download(page, format);
    for (const o of originals) assert.ok(!text.includes(o), `${format} still holds ${o}`);
  }
  assert.deepEqual(errors, []);
});
