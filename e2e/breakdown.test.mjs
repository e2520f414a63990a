// Issue 27: the Costs page (all loaded traces) and a trace's Costs tab, over a real export
// (OpenInference's OpenAI Agents instrumentation, tests/fixtures/realdata). The breakdown's token
// sums must equal the independent reader's counts (expected.json), the context chart must have one
// point per LLM call (counted here from the file itself), and a point's click selects its call.
// The price table is a small models.json the test answers at the app's own address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, withAppAndBrowser, addressMatching, otlpSpans, ROOT } from './harness.mjs';

const app = withAppAndBrowser();
const DIR = path.join(ROOT, 'tests/fixtures/realdata/openinference-openai-agents');
const BODY = fs.readFileSync(path.join(DIR, 'traces.otlp.jsonl'), 'utf8');
const EXPECTED = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8'));
// gpt-4o-mini at litellm's list prices (USD per million tokens), with its context window
const PRICES = { models: [{ name: 'gpt-4o-mini', provider: 'openai', in: 0.15, out: 0.6, context: 128000 }] };

/** LLM calls with prompt tokens per trace (hex id), read from the file without Canopy. */
function llmCalls() {
  const out = {};
  for (const { trace, attrs } of otlpSpans(BODY)) {
    if (attrs['openinference.span.kind'] !== 'LLM' || !(Number(attrs['llm.token_count.prompt']) > 0)) continue;
    out[trace] = (out[trace] ?? 0) + 1;
  }
  return out;
}

async function open(fragment, prices = PRICES, viewport) {
  const errors = [];
  const page = await newPage(app.browser, errors, viewport);
  const url = `${app.server.url}gen/agents.otlp.jsonl`;
  await page.route(url, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: BODY }));
  await page.route(`${app.server.url}models.json`, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(prices) }));
  await page.goto(`${app.server.url}#url=${encodeURIComponent(url)}${fragment}`);
  await page.waitForFunction(() => performance.getEntriesByName('canopy:price-end').length > 0, null, { timeout: 20000 });
  return { page, errors };
}

/** The rows of a breakdown table (`.by-model`, `.by-step`) as numbers. */
const rowsOf = (page, table) => page.$$eval(`${table} .breakdown-row`, (rows) => rows.map((r) => ({
  label: r.querySelector('.breakdown-label').textContent,
  ...(([tokens, input, output, cost]) => ({ tokens, input, output, cost }))(r.dataset.numbers.split(' ').map(Number)),
  costText: r.querySelector('.td.cost').textContent, estimated: r.querySelector('.td.cost').classList.contains('estimated'),
})));
const sum = (rows, k) => rows.reduce((a, r) => a + r[k], 0);

test('the Costs page sums every loaded trace by model and by step as the independent reader counted', async () => {
  const { page, errors } = await open('&page=costs');
  await page.waitForSelector('#costs-page .by-model .breakdown-row');
  const models = await rowsOf(page, '.by-model');
  assert.deepEqual(models.map((r) => r.label), ['gpt-4o-mini']);
  const want = { input: EXPECTED.input_tokens + EXPECTED.embedding_input_tokens, output: EXPECTED.output_tokens };
  for (const table of ['.by-model', '.by-step']) {
    const rows = await rowsOf(page, table);
    assert.equal(sum(rows, 'input'), want.input, `${table} input`);
    assert.equal(sum(rows, 'output'), want.output, `${table} output`);
    assert.equal(sum(rows, 'tokens'), want.input + want.output, `${table} tokens`);
    // every cost is tokens × list prices, marked as estimated
    assert.ok(Math.abs(sum(rows, 'cost') - (want.input * 0.15e-6 + want.output * 0.6e-6)) < 1e-12, `${table} cost`);
    assert.ok(rows.filter((r) => r.cost > 0).every((r) => r.estimated && r.costText.startsWith('≈')), `${table} marks estimates`);
  }
  assert.equal(await page.getAttribute('#costs-page .breakdown-summary', 'data-tokens'), String(want.input + want.output));
  assert.match(await addressMatching(page, /page=costs/), /page=costs/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a trace's Costs tab: its tokens, one context point per LLM call, a click selects the call", async () => {
  const calls = llmCalls();
  for (const [id, tok] of Object.entries(EXPECTED.tokens_per_trace).filter(([, t]) => t.input > 0)) {
    const { page, errors } = await open(`&trace=${id}&view=costs`);
    await page.waitForSelector('#trace-costs .by-step .breakdown-row');
    const steps = await rowsOf(page, '#trace-costs .by-step');
    assert.equal(sum(steps, 'tokens'), tok.input + tok.output + tok.embedding_input, `trace ${id} tokens`);
    const points = await page.$$eval('#trace-costs .ctx-point', (ps) => ps.map((p) => ({ tokens: Number(p.dataset.tokens), tip: p.querySelector('title').textContent })));
    assert.equal(points.length, calls[id], `trace ${id}: one point per LLM call`);
    assert.ok(points.every((p) => p.tokens > 0 && /% of gpt-4o-mini's 128k window/.test(p.tip)), points[0]?.tip);
    // per agent: the OpenAI Agents runs name their agents
    const titles = await page.$$eval('#trace-costs .ctx-title b', (bs) => bs.map((b) => b.textContent));
    assert.ok(titles.length >= 1 && titles.every((t) => t.length > 0), titles.join());
    // a click selects the call: the detail pane and the address show it
    await page.click('#trace-costs .ctx-point >> nth=0', { force: true });
    await addressMatching(page, /obs=/);
    assert.ok(await page.isVisible('#trace-costs .ctx-point.selected'));
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('models without a price are named, and their calls are not priced', async () => {
  const { page, errors } = await open('&page=costs', { models: [{ name: 'some-other-model', provider: 'x', in: 1, out: 1 }] });
  await page.waitForSelector('#costs-page .stat.unpriced');
  assert.match(await page.textContent('#costs-page .stat.unpriced'), /no price for\s*gpt-4o-mini/);
  const models = await rowsOf(page, '.by-model');
  assert.deepEqual(models.map((r) => [r.label, r.cost, r.costText]), [['gpt-4o-mini', 0, 'no price']]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('on a phone the Costs page fits, its cost column on screen', async () => {
  const { page, errors } = await open('&page=costs', PRICES, { width: 390, height: 844 });
  await page.waitForSelector('#costs-page .by-model .breakdown-row');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 1, `the page is ${wide}px wider than the phone`);
  // the table scrolls sideways inside itself; what a row costs shows without scrolling
  const right = await page.$eval('#costs-page .by-model .breakdown-row .td.cost', (c) => c.getBoundingClientRect().right);
  assert.ok(right <= 390, `the cost cell ends at ${right}px`);
  assert.deepEqual(errors, []);
  await page.close();
});
