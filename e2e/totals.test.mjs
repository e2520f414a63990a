// End-to-end: unknown is not zero (issue 34). A total no observation carries shows `–` with why
// in its hover, never `$0` or `0`; a sum over only some of the calls shows `≥` and how many it
// covers; unknown sorts with the missing values, not as 0. Real files only: the Jaeger UI export
// of jaegertracing/jaeger (no model call, no cost, no token), the OpenInference LangChain export of
// tests/fixtures/realdata (tokens, no cost), and BeeAI's Langfuse export of langfuse/langfuse
// (5 generations, 3 with a cost: the start events; the finish and success events carry none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();
const SHARED = path.join(ROOT, '../shared/fixtures');
const read = (dir, name) => ({ name: path.basename(name), content: fs.readFileSync(path.join(dir, name), 'utf8') });
const jaeger = () => read(SHARED, 'jaeger/ui_01.json');
const beeai = () => read(SHARED, 'langfuse/beeai-2025-08-01.trace.json');
const langchain = () => read(path.join(ROOT, 'tests/fixtures/realdata/openinference-langchain'), 'traces.otlp.jsonl');
// BeeAI's three priced calls, summed from the file's own `totalCost`s
const BEEAI_COST = 0.0002982 + 0.00035385 + 0.00017925;

async function opened(files, { table = true } = {}) {
  const errors = [];
  const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
  // without its price table (an app served without `models.json`): nothing is estimated
  if (!table) await page.route('**/models.json', (r) => r.abort());
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  await dropFiles(page, files);
  await page.waitForSelector('.tree-row');
  return { page, errors };
}

/** The page's words hold no bracketed plural and no value a script failed to make. */
async function wordsAreClean(page, where) {
  const text = await page.textContent('.app');
  for (const bad of ['(s)', 'NaN', 'undefined', '[object Object]']) {
    assert.ok(!text.includes(bad), `${where}: "${bad}" in ${text.slice(0, 400)}`);
  }
  return text;
}

/** The header stat labelled `label`: its shown value and the hover of what shows it. */
const stat = (page, scope, label) =>
  page.$eval(`${scope} .stat:has(> .stat-label:text-is("${label}"))`, (s, label) => {
    const v = s.querySelector('.stat-value') ?? s;
    const titled = v.querySelector('[title]') ?? (s.title ? s : v);
    return { text: v.textContent.replace(label, '').trim(), title: titled.getAttribute('title') ?? '' };
  }, label);

/** The Traces page's cells of column `name` (text and hover), row by row, with each row's id. */
async function column(page, name) {
  await page.click('#nav-traces');
  await page.waitForSelector('.traces-page .tr');
  return page.$$eval('.traces-page .table-head .th', (ths, name) => {
    const at = ths.findIndex((th) => th.textContent.replace(/[▲▼]/g, '').trim() === name);
    return [...document.querySelectorAll('.traces-page .tr')].map((r) => {
      const td = r.querySelectorAll('.td')[at];
      return { id: r.dataset.trace, text: td.textContent.trim(), title: td.title, cost: r.dataset.cost || undefined };
    });
  }, name);
}

test('a file without costs or tokens shows – with why, in the header, the list and the session, never $0', async () => {
  const { page, errors } = await opened([jaeger()], { table: false });
  // Jaeger's HotROD trace: no model call, nothing to count
  const cost = await stat(page, '.trace-header', 'cost');
  assert.deepEqual(cost, { text: '–', title: 'no cost in this file' });
  assert.deepEqual(await stat(page, '.trace-header', 'tokens'), { text: '–', title: 'no token counts in this file' });
  assert.equal(await page.$('.trace-header .cost'), null, 'no figure is marked as a cost');
  const header = await page.textContent('.trace-header');
  assert.ok(!header.includes('$'), header);
  await wordsAreClean(page, 'trace');
  for (const c of await column(page, 'Cost')) {
    assert.deepEqual([c.text, c.title, c.cost], ['–', 'no cost in this file', undefined], c.id);
  }
  for (const c of await column(page, 'Tokens')) assert.deepEqual([c.text, c.title], ['–', 'no token counts in this file'], c.id);
  assert.ok(!(await wordsAreClean(page, 'traces')).includes('$'));

  // LangChain's run: tokens, no cost, and no table to estimate one; its session says the same
  await dropFiles(page, [langchain()]);
  await page.click('#nav-sessions');
  await page.waitForSelector('.sessions-page .session-row');
  const row = await page.$$eval('.sessions-page .session-row .td', (tds) => tds.map((td) => [td.textContent, td.title]));
  assert.ok(row.some(([text, title]) => text === '–' && title === 'no cost in this file'), JSON.stringify(row));
  assert.ok(row.some(([text, title]) => /^\d[\d.]*k?$/.test(text) && /^[\d,]+ tokens$/.test(title)), 'tokens known, exact in the hover');
  assert.ok(!(await wordsAreClean(page, 'sessions')).includes('$'));
  await page.click('.sessions-page .session-row');
  await page.waitForSelector('.session-page .stats');
  assert.deepEqual(await stat(page, '.session-page', 'cost'), { text: '–', title: 'no cost in this file' });
  assert.ok(!(await wordsAreClean(page, 'session')).includes('$'));
  // two of its turns compared: costs nobody recorded read –, not `$0 → $0`, for the traces and a step
  await page.click('#nav-traces');
  await page.click('.traces-page .tr:has-text("rag_turn")');
  const other = (await page.textContent('.trace-id')).trim();
  await page.click('#nav-traces');
  await page.click('.traces-page .tr:has-text("tools_turn")');
  await page.fill('.compare-with input', other);
  await page.click('#compare-go');
  await page.waitForSelector('#compare-summary');
  assert.equal((await stat(page, '#compare-summary', 'cost')).text, '–');
  assert.match((await stat(page, '#compare-summary', 'tokens')).text, /^46 → 24/);
  await page.click('.compare-row >> nth=0');
  await page.waitForSelector('#compare-detail');
  assert.equal((await stat(page, '#compare-detail', 'cost')).text, '–');
  assert.ok(!(await wordsAreClean(page, 'compare')).includes('$'));
  // the refused table is the browser's one line, nothing of the app's
  assert.deepEqual(errors.filter((e) => !/^Failed to load resource/.test(e)), []);
});

test('a run whose calls are partly priced shows ≥ its sum and how many calls it covers; unknown sorts last', async () => {
  const { page, errors } = await opened([beeai(), jaeger()]);
  await page.click('#nav-traces');
  await page.click('.traces-page .tr:has-text("≥")');
  await page.waitForSelector('.trace-header .cost[title^="3 of 5 calls priced"]');
  const want = `≥ $${BEEAI_COST.toPrecision(4)}`;
  const cost = await stat(page, '.trace-header', 'cost');
  assert.equal(cost.text, want);
  assert.match(cost.title, /^3 of 5 calls priced\. Reported by the file\.$/);
  await wordsAreClean(page, 'trace');
  // the root's detail: what is below it, with why (the table has no hover)
  await page.click('.tree-row >> nth=0');
  await page.waitForSelector('.detail');
  assert.match(await page.textContent('.detail'), new RegExp(`cost\\s*${want.replace(/[$.]/g, '\\$&')} \\(3 of 5 calls priced\\)`));
  await wordsAreClean(page, 'detail');

  // the list: the sum as a lower bound; sorted by cost either way, the unknown one comes last
  const cells = await column(page, 'Cost');
  const partial = cells.find((c) => c.text.startsWith('≥'));
  assert.deepEqual([partial.text, partial.title], [want, '3 of 5 calls priced']);
  assert.ok(Math.abs(Number(partial.cost) - BEEAI_COST) < 1e-12);
  assert.ok(cells.some((c) => c.text === '–'));
  for (const way of ['descending', 'ascending']) {
    await page.click('.traces-page .th:has-text("Cost")');
    await page.waitForTimeout(200);
    const order = await page.$$eval('.traces-page .tr', (rs) =>
      rs.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((r) => r.dataset.cost || null));
    const firstUnknown = order.indexOf(null);
    assert.ok(firstUnknown > 0 && order.slice(firstUnknown).every((c) => c === null), `${way}: ${order}`);
  }
  await wordsAreClean(page, 'traces');

  // all loaded traces: the same lower bound, the calls of both files counted
  await page.click('#nav-costs');
  await page.waitForSelector('.costs-page .breakdown-summary');
  const all = await stat(page, '.costs-page .breakdown-summary', 'cost');
  assert.equal(all.text, want);
  assert.match(all.title, /^3 of 5 calls priced\./);
  await wordsAreClean(page, 'costs');
  assert.deepEqual(errors, []);
});
