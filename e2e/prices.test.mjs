// The Prices panel (issue 27): the price table searchable and virtualized, a model's price edited
// and checked as typed, every cost redone with it, kept in this browser across a reload, listed in
// a Canopy export (`prices_used`), and removed again. The app's models.json is answered with a
// small table of known prices (plus filler rows, so the list must be virtualized).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();
const DIR = path.join(ROOT, 'tests/fixtures/realdata/openinference-openai');
const FILE = fs.readFileSync(path.join(DIR, 'traces.otlp.jsonl'), 'utf8');
// counted by expect.py from the bodies the library sent: every call is gpt-4o-mini or
// text-embedding-3-small, and none carries a cost
const E = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8'));
const FILLER = 2000;
const TABLE = {
  version: 1,
  sources: { litellm: { package: 'litellm==1.110.2', file: 'model_prices_and_context_window.json', date: '2026-11-20' } },
  models: [
    { name: 'gpt-4o', provider: 'openai', in: 2.5, out: 10, cache_read: 1.25, context: 128000, max_out: 16384, src: 'litellm' },
    { name: 'gpt-4o-mini', provider: 'openai', in: 0.15, out: 0.6, cache_read: 0.075, context: 128000, max_out: 16384, src: 'litellm' },
    { name: 'gpt-4o-mini', provider: 'azure', in: 0.165, out: 0.66, context: 128000, src: 'litellm' },
    { name: 'text-embedding-3-small', provider: 'openai', in: 0.02, context: 8191, src: 'litellm' },
    ...Array.from({ length: FILLER }, (_, i) => ({ name: `filler-model-${i}`, provider: 'acme', in: 1, out: 2, src: 'litellm' })),
  ],
};
const listCost = (inPrice) => E.input_tokens * inPrice * 1e-6 + E.output_tokens * 0.6e-6 + E.embedding_input_tokens * 0.02e-6;

async function openApp(page) {
  await page.route('**/models.json', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(TABLE) }));
  await page.goto(app.server.url);
}

async function load(page) {
  await dropFiles(page, [{ name: 'traces.otlp.jsonl', content: FILE }]);
  // (after a reload the address may reopen the traces page rather than a trace)
  await page.waitForSelector('#nav-traces');
  await page.click('#nav-traces');
  await page.waitForSelector('.traces-page .tr[data-cost-origin="estimated"]');
}

/** The traces list's costs, summed, once they equal `want` (costs are redone after an edit). */
async function totalCost(page, want) {
  const sum = () => [...document.querySelectorAll('.traces-page .tr')].reduce((a, r) => a + Number(r.dataset.cost || 0), 0);
  await page.waitForFunction(`Math.abs((${sum})() - ${want}) < 1e-12`, null, { timeout: 10000 }).catch(() => {});
  return page.evaluate(sum);
}

const rows = (page) => page.$$eval('.price-row', (rs) => rs.map((r) => ({
  name: r.dataset.name, provider: r.dataset.provider, mine: r.classList.contains('mine'),
  cells: [...r.querySelectorAll('.td')].map((c) => c.textContent),
})));

async function search(page, text) {
  await page.fill('#prices-search', text);
  await page.waitForFunction((t) => [...document.querySelectorAll('.price-row')].every((r) => (r.dataset.name + ' ' + r.dataset.provider).toLowerCase().includes(t.toLowerCase())), text);
}

test('edit a model\'s price: costs redone, kept across a reload, listed in the export, removed', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  await openApp(page);
  await load(page);
  assert.ok(Math.abs(await totalCost(page, listCost(0.15)) - listCost(0.15)) < 1e-12, 'list prices');

  // the panel: the whole table, virtualized
  await page.click('#open-prices');
  await page.waitForFunction((n) => document.querySelector('#prices-status')?.textContent.includes(`of ${n} models`), (FILLER + 4).toLocaleString('en-US'));
  assert.match(await page.textContent('#prices-status'), /litellm of 2026-11-20/);
  const drawn = (await rows(page)).length;
  assert.ok(drawn > 5 && drawn < 100, `${drawn} rows in the page of ${FILLER + 4}`);

  // searched by name, any case
  await search(page, 'GPT-4O-MINI');
  let found = await rows(page);
  assert.deepEqual(found.map((r) => r.provider), ['openai', 'azure']);
  assert.deepEqual(found[0].cells.slice(0, 9), ['gpt-4o-mini', 'openai', '$0.15', '$0.60', '$0.075', '', '', '128k', '16.4k']);
  assert.match(found[0].cells[9], /litellm · 2026-11-20/);
  await search(page, 'azure');
  assert.deepEqual((await rows(page)).map((r) => r.name), ['gpt-4o-mini']);

  // edit: prefilled, checked as typed, never saved wrong
  await search(page, 'mini');
  await page.click('.price-row[data-provider="openai"] .price-edit');
  assert.equal(await page.inputValue('#price-field-0'), 'gpt-4o-mini');
  assert.equal(await page.inputValue('#price-field-2'), '0.15');
  for (const [typed, said] of [['-1', 'Input price: cannot be negative'], ['abc', 'Input price: “abc” is not a number'], ['1e400', 'is not a number']]) {
    await page.fill('#price-field-2', typed);
    await page.click('#price-save');
    assert.ok((await page.textContent('#price-error')).includes(said), typed);
  }
  assert.equal(await page.evaluate(() => localStorage.getItem('canopy.prices')), null, 'nothing saved');
  await page.fill('#price-field-2', '1.5');
  await page.click('#price-save');
  await page.waitForSelector('#price-form', { state: 'detached' });
  found = await rows(page);
  assert.deepEqual(found.map((r) => [r.provider, r.mine]), [['openai', true], ['openai', false], ['azure', false]], 'the user\'s own first, marked');
  assert.equal(found[0].cells[0], 'gpt-4o-mini');
  assert.match(found[0].cells[9], /yours \(this browser\)/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#prices-panel', { state: 'detached' });
  assert.ok(Math.abs(await totalCost(page, listCost(1.5)) - listCost(1.5)) < 1e-12, 'costs at the edited price');
  assert.match(await page.evaluate(() => localStorage.getItem('canopy.prices')), /"name":"gpt-4o-mini".*"in":1.5/);

  // the Canopy export lists the prices used; its observations carry no estimated cost
  await page.click('#open-export');
  await page.selectOption('#export-scope', 'all');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-save')]);
  const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  await page.click('.modal-backdrop', { position: { x: 5, y: 5 } });
  assert.deepEqual(doc.prices_used.map((p) => [p.name, p.src, p.in, p.date]),
    [['text-embedding-3-small', 'litellm', 0.02, '2026-11-20'], ['gpt-4o-mini', 'user', 1.5, undefined]]);
  assert.ok(doc.traces.flatMap((t) => t.observations).every((o) => o.cost === undefined));

  // reloaded: the edited price applies to the next load
  await page.reload();
  await load(page);
  assert.ok(Math.abs(await totalCost(page, listCost(1.5)) - listCost(1.5)) < 1e-12, 'kept in this browser');

  // added and removed
  await page.click('#open-prices');
  await page.waitForSelector('.price-row');
  await page.click('#price-add');
  await page.fill('#price-field-0', 'my-model');
  await page.fill('#price-field-1', 'me');
  await page.fill('#price-field-3', '3');
  await page.fill('#price-field-7', '32,000');
  await page.click('#price-save');
  await page.waitForSelector('.price-row.mine[data-name="my-model"]');
  assert.equal(await page.inputValue('#prices-search'), 'my-model', 'the search shows what was added');
  await page.click('.price-row[data-name="my-model"] .price-remove');
  await page.waitForSelector('.price-row[data-name="my-model"]', { state: 'detached' });
  await search(page, 'gpt-4o-mini');
  await page.click('.price-row.mine .price-remove');
  await page.waitForSelector('.price-row.mine', { state: 'detached' });
  assert.equal(await page.evaluate(() => localStorage.getItem('canopy.prices')), null);
  await page.click('#prices-close');
  assert.ok(Math.abs(await totalCost(page, listCost(0.15)) - listCost(0.15)) < 1e-12, 'list prices again');
  assert.deepEqual(errors, []);
});

test('the panel opens before anything is loaded, and says when the table cannot be fetched', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors, { width: 390, height: 800 });
  await page.route('**/models.json', (r) => r.fulfill({ status: 404, body: 'not here' }));
  await page.goto(app.server.url);
  // on a phone the toolbar's buttons are in its Menu
  await page.click('#menu-toggle');
  await page.click('#open-prices');
  await page.waitForFunction(() => /prices could not be loaded/.test(document.querySelector('#prices-status')?.textContent));
  assert.ok(await page.isDisabled('#price-add'));
  // the panel fits a phone's width; the table scrolls inside it
  const box = await page.$eval('#prices-panel', (el) => el.getBoundingClientRect().toJSON());
  assert.ok(box.x >= 0 && box.right <= 390, JSON.stringify(box));
  assert.deepEqual(errors.filter((e) => !/404|Failed to load resource/.test(e)), []);
});
