// The Scores page reads by how many values a score has (issue 34): one value is one line, a few
// are a bar each with its count, many numbers a histogram; each filters the trace list on a click.
// Real Langfuse exports from ../shared/fixtures, and the Langfuse score pages of tests/fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();
const SHARED = path.resolve(ROOT, '../shared/fixtures/langfuse');
const shared = (f) => ({ name: f, content: fs.readFileSync(path.join(SHARED, f), 'utf8') });
const own = (f) => ({ name: path.basename(f), content: fs.readFileSync(path.join(ROOT, 'tests/fixtures', f), 'utf8') });

/** A page with `files` dropped on it, once all `traces` are in, showing the Scores page. */
async function open(files, traces, viewport) {
  const errors = [];
  const page = await newPage(app.browser, errors, viewport);
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  await dropFiles(page, files);
  // files dropped together open one after another
  await page.waitForFunction((n) => document.querySelector('#nav-traces')?.textContent.includes(`(${n})`), traces);
  await page.click('#nav-scores');
  await page.waitForSelector('.score-card');
  return { page, errors };
}

const listCount = (page, text) => page.waitForFunction((t) => document.querySelector('.list-count')?.textContent.startsWith(t), text);

test('one-value scores read as one line each: seven fit in the top 700 px of a 1400×900 window', async () => {
  // the qa chatbot's five evaluations and the LangGraph trace's two: each name scored once
  const files = [shared('qa-chatbot-scores.json'), shared('langgraph-js-2025-10-30.trace.json')];
  const scores = files.flatMap((f) => JSON.parse(f.content).trace.scores);
  assert.equal(new Set(scores.map((s) => s.name)).size, 7);
  const { page, errors } = await open(files, 2, { width: 1400, height: 900 });
  assert.equal(await page.locator('.score-card').count(), 7);
  assert.equal(await page.locator('.score-card.one-value').count(), 7);
  assert.equal(await page.locator('.histogram').count(), 0, 'no histogram for one value');
  // the value alone: the card's one bar shows no bar and no count
  assert.equal(await page.locator('.score-card .value-bar').count(), 7);
  assert.equal(await page.locator('.score-card .vb-track:visible, .score-card .vb-count:visible').count(), 0);
  const boxes = await page.$$eval('.score-card', (cards) => cards.map((c) => {
    const r = c.getBoundingClientRect();
    return { name: c.querySelector('.score-name').textContent, bottom: r.bottom, height: r.height, title: c.title };
  }));
  for (const b of boxes) {
    assert.ok(b.height <= 40, `${b.name}: one line, ${b.height} px`);
    assert.ok(b.bottom <= 700, `${b.name} ends at ${b.bottom} px`);
  }
  // the line reads name, value, source and count, in that order; the evaluator's comment is its title
  const helpful = scores.find((s) => s.name === 'helpfulness');
  const card = page.locator('.score-card:has(.score-name:text-is("helpfulness"))');
  const parts = await card.evaluate((c) => ['.score-name', '.value-bar', '.score-title .hint'].map((s) => {
    const e = c.querySelector(s);
    const r = e.getBoundingClientRect();
    return { text: e.innerText, left: r.left, right: r.right, top: r.top };
  }));
  assert.deepEqual(parts.map((p) => p.text), ['helpfulness', '0.2', 'EVAL · 1 score']);
  assert.ok(parts[0].right < parts[1].left && parts[1].right < parts[2].left, JSON.stringify(parts));
  assert.ok(Math.abs(parts[0].top - parts[2].top) < 8, 'one line');
  assert.equal(await card.getAttribute('title'), helpful.comment);
  // the value filters the list: the LangGraph trace's toxicity
  await page.click('.score-card:has(.score-name:text-is("toxicity")) .value-bar');
  await page.waitForSelector('.traces-page .tr');
  assert.equal(await page.inputValue('.list-filter'), 'toxicity=0.2');
  await listCount(page, '1 of 2');
  assert.deepEqual(errors, []);
});

test('a few values read as a bar per value with its count; a click filters the list', async () => {
  const files = fs.readdirSync(SHARED).sort().map(shared);
  const { page, errors } = await open(files, 7);
  // toxicity: 0 (beeai), 0 (adk), 0.2 (langgraph)
  const tox = page.locator('.score-card:has-text("toxicity")');
  assert.equal(await tox.locator('.histogram').count(), 0);
  const bars = await tox.locator('.value-bar').evaluateAll((bs) => bs.map((b) => [b.querySelector('.vb-label').textContent, b.querySelector('.vb-count').textContent]));
  assert.deepEqual(bars, [['0', '2'], ['0.2', '1']]);
  await tox.locator('.value-bar >> nth=0').click();
  await page.waitForSelector('.traces-page .tr');
  assert.equal(await page.inputValue('.list-filter'), 'toxicity=0');
  await listCount(page, '2 of 7');
  // pydantic-ai's correction (a 553-character text) is one line, its value cut
  await page.click('#nav-scores');
  const correction = JSON.parse(files.find((f) => f.name.startsWith('pydantic-ai')).content).trace.corrections[0].longStringValue;
  const out = page.locator('.score-card:has(.score-name:text-is("output"))');
  assert.equal(await out.getAttribute('class'), 'score-card one-value');
  assert.equal(await out.locator('.value-bar').getAttribute('title'), correction);
  assert.ok((await out.boundingBox()).height <= 40, 'one line');
  assert.deepEqual(errors, []);
});

test('texts as cost groups are cut, whole in their titles', async () => {
  // a second correction, on the beeai trace, in a Langfuse score page (the shape of
  // tests/fixtures/langfuse/v3-scores-typed-values.json): two texts, two cost groups
  const files = fs.readdirSync(SHARED).sort().map(shared);
  const beeai = JSON.parse(files.find((f) => f.name.startsWith('beeai')).content).trace.id;
  const text = 'Barcelona: the Sagrada Família, Park Güell, the Gothic Quarter and La Rambla, best seen early in the morning before the crowds arrive.';
  const data = [{ id: 'c-2', name: 'output', dataType: 'CORRECTION', value: text, source: 'ANNOTATION', traceId: beeai, timestamp: '2025-08-01T10:00:00.000Z' }];
  files.push({ name: 'corrections.json', content: JSON.stringify({ data, meta: { page: 1, limit: 50, totalItems: 1, totalPages: 1 } }) });
  const { page, errors } = await open(files, 7);
  await page.waitForSelector('.score-card:has(.score-name:text-is("output")) .cost-label >> nth=1');
  const out = page.locator('.score-card:has(.score-name:text-is("output"))');
  const labels = await out.locator('.cost-label').evaluateAll((ls) => ls.map((e) => ({ title: e.title, width: e.getBoundingClientRect().width, cut: e.scrollWidth > e.clientWidth })));
  assert.equal(labels.length, 2);
  assert.ok(labels.some((l) => l.title === text), JSON.stringify(labels));
  for (const l of labels) assert.ok(l.cut && l.width < 260, JSON.stringify(l));
  assert.ok((await out.locator('.score-cost').boundingBox()).height < 24, 'the cost line is one line');
  // a text holds spaces, which a list query cannot: its bars say how many, and filter nothing
  assert.deepEqual(await out.locator('.value-bar').evaluateAll((bs) => bs.map((b) => [b.disabled, b.querySelector('.vb-count').textContent])), [[true, '1'], [true, '1']]);
  assert.deepEqual(errors, []);
});

test('booleans and categories read as bars with counts', async () => {
  // a Langfuse trace list page (trace-a, trace-b), its v3 score page (resolved=true on trace-a,
  // helpfulness=unhelpful) and its v2 score page (resolved=false on trace-b, tone=friendly)
  const files = ['trace-list-page.json', 'v3-scores-typed-values.json', 'v2-scores-split-values.json'].map((f) => own(`langfuse/${f}`));
  const { page, errors } = await open(files, 2);
  await page.waitForSelector('.score-card:has-text("resolved") .value-bar >> nth=1');
  const resolved = page.locator('.score-card:has-text("resolved")');
  const bars = await resolved.locator('.value-bar').evaluateAll((bs) => bs.map((b) => b.textContent));
  assert.deepEqual(bars.sort(), ['false1', 'true1']);
  assert.match(await resolved.locator('.score-title').textContent(), /2 scores · boolean/);
  await resolved.locator('.value-bar:has-text("false")').click();
  await page.waitForSelector('.traces-page .tr');
  assert.equal(await page.inputValue('.list-filter'), 'resolved=false');
  await listCount(page, '1 of 2');
  assert.match(await page.textContent('.traces-page .tr'), /^guarded/, 'trace-b');
  assert.deepEqual(errors, []);
});

test('many numbers read as a histogram with its axis, mean and median; a bin filters', async () => {
  // a Langfuse score page (the shape of tests/fixtures/langfuse/v3-scores-typed-values.json) of
  // twenty latencies over the beeai trace
  const beeai = shared('beeai-2025-08-01.trace.json');
  const traceId = JSON.parse(beeai.content).trace.id;
  const values = Array.from({ length: 20 }, (_, i) => (i * i) / 10);
  const data = values.map((value, i) => ({ id: `lat-${i}`, name: 'latency', dataType: 'NUMERIC', value, source: 'API', traceId, timestamp: '2025-08-01T10:00:00.000Z' }));
  const page_ = { name: 'latency-scores.json', content: JSON.stringify({ data, meta: { page: 1, limit: 50, totalItems: 20, totalPages: 1 } }) };
  const { page, errors } = await open([beeai, page_], 1);
  await page.waitForSelector('.score-card:has-text("latency") .histogram');
  const card = page.locator('.score-card:has-text("latency")');
  assert.equal(await card.locator('.value-bar').count(), 0);
  const h = await card.locator('.histogram').boundingBox();
  assert.ok(h.height >= 60 && h.height <= 80, `${h.height} px`);
  assert.equal(await card.locator('.histogram .bar').count(), 10);
  const axis = await card.locator('.hist-axis span').allTextContents();
  assert.deepEqual(axis, ['0', '18.05', '36.1']);
  // mean 12.35, median (8.1 + 10) / 2
  assert.equal(await card.locator('.hist-mark.mean').getAttribute('title'), 'mean 12.35');
  assert.equal(await card.locator('.hist-mark.median').getAttribute('title'), 'median 9.05');
  await card.locator('.histogram .bar >> nth=0').click();
  await page.waitForSelector('.traces-page .tr');
  assert.equal(await page.inputValue('.list-filter'), 'latency>=0 latency<3.61');
  await listCount(page, '1 of 1');
  assert.deepEqual(errors, []);
});
