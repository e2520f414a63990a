// Export from the page and open the file again: every format reopens with the same header and
// score badges; redaction of a fixture with planted secrets leaves none of them in any format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const PLANTED = ['maria.garcia@example.com', '4111 1111 1111 1111', '415-555-0132', '10.20.30.40',
  '2001:db8::8a2e:370:7334', 'eyJhbGciOiJIUzI1NiJ9', 'sk-proj-AbCdEf0123456789xyzSECRET', 'AKIAIOSFODNN7EXAMPLE'];
const app = withAppAndBrowser();

async function open(page, name, content) {
  await page.goto(app.server.url);
  await dropFiles(page, [{ name, content }]);
  await page.waitForSelector('.tree-row');
}

async function exportAs(page, format) {
  await page.click('#open-export');
  await page.selectOption('#export-format', format);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-save')]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  await page.click('.modal-backdrop', { position: { x: 5, y: 5 } });
  return { name: download.suggestedFilename(), text };
}

test('each export format reopens with the same header and scores', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  const original = fs.readFileSync(path.resolve(ROOT, '../shared/fixtures/langfuse/beeai-2025-08-01.trace.json'), 'utf8');
  await open(page, 'beeai.json', original);
  const header = await page.textContent('.trace-header');
  const scores = await page.textContent('#nav-scores');
  assert.match(scores, /\(2\)/);
  for (const format of ['canopy', 'otlp', 'langfuse']) {
    const file = await exportAs(page, format);
    assert.match(file.name, new RegExp(`\\.${format}\\.json$`));
    const other = await newPage(app.browser, errors);
    await open(other, file.name, file.text);
    assert.equal(await other.textContent('.trace-header'), header, format);
    assert.equal(await other.textContent('#nav-scores'), scores, format);
    await other.close();
  }
  assert.deepEqual(errors, []);
});

test('redaction: preview counts, and no planted secret in any exported format', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  await open(page, 'planted.json', fs.readFileSync(path.join(ROOT, 'tests/fixtures/redaction/planted-secrets.json'), 'utf8'));
  await page.click('#open-export');
  for (const d of ['secret', 'email', 'card', 'phone', 'ip']) await page.check(`#redact-${d}`);
  await page.click('#export-preview');
  await page.waitForFunction(() => /5 email values \(1 distinct\)/.test(document.querySelector('.export-status').textContent));
  for (const format of ['canopy', 'otlp', 'langfuse']) {
    await page.selectOption('#export-format', format);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-save')]);
    const text = fs.readFileSync(await download.path(), 'utf8');
    for (const p of PLANTED) assert.ok(!text.includes(p), `${format} still holds ${p}`);
    assert.ok(text.includes('<email-1>') && text.includes('Redacted by Canopy'), format);
  }
  // the loaded data itself is untouched
  assert.match(await page.textContent('.trace-header'), /maria\.garcia@example\.com|support chat/);
  assert.deepEqual(errors, []);
});

test("user patterns run on the browser's RegExp: a bad one is explained, matches land on the right characters in non-ASCII text", async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  const output = 'Café ☕ 𝄞 order ACME-42 by jose@example.com, then ACME-7.';
  const trace = {
    trace: { id: 'u1', name: 'unicode', timestamp: '2025-01-01T00:00:00.000Z' },
    observations: [{ id: 'g', type: 'GENERATION', name: 'gen', startTime: '2025-01-01T00:00:00.000Z', endTime: '2025-01-01T00:00:01.000Z', output }],
  };
  await open(page, 'unicode.json', JSON.stringify(trace));
  await page.click('#open-export');
  await page.fill('#redact-patterns', '(unclosed');
  await page.click('#export-preview');
  await page.waitForFunction(() => /pattern 1 is not a valid regular expression/.test(document.querySelector('.export-status').textContent));
  await page.fill('#redact-patterns', 'ACME-\\d+');
  await page.check('#redact-email');
  await page.selectOption('#export-format', 'canopy');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-save')]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(text.includes('Café ☕ 𝄞 order <redacted-1> by <email-1>, then <redacted-2>.'), text.slice(0, 2000));
  assert.deepEqual(errors, []);
});
