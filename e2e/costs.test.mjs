// End-to-end: estimated costs where they show (issue 27). A real OpenInference LangChain export
// (tests/fixtures/realdata/openinference-langchain) carries tokens and gpt-4o-mini but no cost:
// once the app's price table (dist/models.json, fetched from the page's origin only then) is in,
// the header, tree, detail, list and sessions show its cost marked ≈, at the list price. A model
// the table does not know is listed as unpriced, never guessed; a file that needs no prices never
// asks for the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();
const DIR = path.join(ROOT, 'tests/fixtures/realdata/openinference-langchain');
const file = (name) => ({ name, content: fs.readFileSync(path.join(DIR, name), 'utf8') });
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8'));
// gpt-4o-mini's list prices (litellm 1.110.2, 2026-11-20), USD per token
const PRICE = { input: 0.15e-6, output: 0.6e-6 };

async function opened(files) {
  const errors = [];
  const requests = [];
  const page = await newPage(app.browser, errors, { width: 1400, height: 900 });
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  await dropFiles(page, files);
  await page.waitForSelector('.tree-row');
  return { page, errors, requests };
}

const priced = (page) => page.waitForFunction(() => performance.getEntriesByName('canopy:price-end').length > 0, null, { timeout: 20000 });

test('a trace with tokens and no cost shows its estimated cost, marked, at the list price', async () => {
  const { page, errors, requests } = await opened([file('traces.otlp.jsonl')]);
  await priced(page);
  assert.equal(requests.filter((p) => p.endsWith('/models.json')).length, 1, 'the table is fetched once, from the app');
  // the first trace (the RAG turn): its tokens at gpt-4o-mini's prices
  const id = (await page.textContent('.trace-id')).trim();
  const tok = expected.tokens_per_trace[id];
  const want = tok.input * PRICE.input + tok.output * PRICE.output;
  const header = await page.textContent('.trace-header');
  assert.match(header, /est\. cost\s*≈\$/, header);
  const stat = await page.$('.trace-header .cost.estimated');
  assert.ok(stat, 'the header marks the estimate');
  assert.match(await stat.getAttribute('title'), /list prices \(litellm of 2026-11-20; langfuse of 2026-08-21\)/);
  // the tree's LLM call: marked, and its detail lists the line items and the entry
  await page.click('.tree-row:has(.kind-generation)');
  await page.waitForSelector('.detail .cost-note');
  const rowCost = await page.$('.tree-row:has(.kind-generation) .row-cost.estimated');
  assert.ok(rowCost);
  assert.match(await rowCost.getAttribute('title'), /Estimated with gpt-4o-mini \(openai\): input \$0\.15\/M, output \$0\.60\/M.*litellm of 2026-11-20/);
  const detail = await page.textContent('.detail');
  assert.match(detail, /Cost \(USD, estimated\)/i);
  assert.match(detail, /\d+ input × \$0\.15\/M/);
  assert.match(detail, /\d+ output × \$0\.60\/M/);
  assert.match(await page.textContent('.detail .cost-note'), /Estimated with gpt-4o-mini \(openai\).*Source: litellm of 2026-11-20/);
  assert.match(detail, /context\s*\d+ of 128k tokens/);
  assert.ok(await page.$('.tree-row:has(.kind-generation) .ctx-gauge'), 'a context gauge on the call\'s row');
  // the list: every trace with tokens has its cost, the exact one in data-cost
  await page.click('#nav-traces');
  await page.waitForSelector('.traces-page .tr');
  const rows = await page.$$eval('.traces-page .tr', (rs) => rs.map((r) => ({ id: r.dataset.trace, cost: Number(r.dataset.cost), origin: r.dataset.costOrigin, text: r.textContent })));
  for (const r of rows) {
    const t = expected.tokens_per_trace[r.id];
    assert.equal(r.origin, 'estimated', r.id);
    assert.ok(Math.abs(r.cost - (t.input * PRICE.input + t.output * PRICE.output)) < 1e-12, `${r.id}: ${r.cost}`);
    assert.match(r.text, /≈\$/);
  }
  assert.ok(Math.abs(rows.find((r) => r.id === id).cost - want) < 1e-12);
  // the filter takes cost conditions
  await page.fill('.traces-page .list-filter', `cost>${(want * 1.0001).toFixed(12)}`);
  await page.waitForTimeout(300);
  const left = await page.$$eval('.traces-page .tr', (rs) => rs.map((r) => r.dataset.trace));
  assert.ok(!left.includes(id) && left.length === rows.filter((r) => r.cost > want * 1.0001).length, `${left}`);
  // sessions sum the estimates, marked
  await page.click('#nav-sessions');
  await page.waitForSelector('.sessions-page .session-row');
  assert.match(await page.textContent('.sessions-page .session-row'), /≈\$/);
  assert.deepEqual(errors, []);
});

test('a model the table does not know is listed as unpriced, never guessed', async () => {
  const text = fs.readFileSync(path.join(DIR, 'traces.otlp.jsonl'), 'utf8').replaceAll('gpt-4o-mini', 'acme-unknown-model-7');
  const { page, errors } = await opened([{ name: 'unknown.jsonl', content: text }]);
  await priced(page).catch(() => {});
  await page.waitForSelector('.trace-header .unpriced');
  assert.match(await page.textContent('.trace-header .unpriced'), /no price for\s*acme-unknown-model-7/);
  assert.equal(await page.$('.trace-header .cost'), null, 'no cost at all');
  await page.click('.tree-row:has(.kind-generation)');
  assert.match(await page.textContent('.detail'), /No price for acme-unknown-model-7/);
  assert.deepEqual(errors, []);
});

test('a file whose calls need no price never fetches the table', async () => {
  const { page, errors, requests } = await opened([{ name: 'plain.json', content: JSON.stringify({
    resourceSpans: [{ resource: {}, scopeSpans: [{ scope: {}, spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'step', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000' }] }] }],
  }) }]);
  await page.waitForTimeout(1000);
  assert.deepEqual(requests.filter((p) => p.endsWith('/models.json')), []);
  assert.deepEqual(errors, []);
});
