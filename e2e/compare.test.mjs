// End-to-end: two traces compared — the demo agent run and a "later run" of it with a new model,
// a changed answer, a renamed tool and a dropped retrieval; the view's state is in the link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, addressMatching, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();

/** The demo trace as a later run: other ids, a new model and answer, a renamed tool, no retrieval. */
function laterRun() {
  const d = JSON.parse(fs.readFileSync(path.join(ROOT, 'public/demo/agent-tools.json'), 'utf8'));
  d.trace.id = 'demo-agent-trace-v2';
  d.observations = d.observations.filter((o) => o.id !== 'ret-policy' && o.id !== 'emb-query');
  for (const o of d.observations) {
    o.traceId = d.trace.id;
    if (o.id === 'gen-answer') {
      o.model = 'gpt-5-mini';
      o.output = { role: 'assistant', content: 'TAP TP 547 leaves Friday 09:40, €149, with one bag.' };
    }
    if (o.id === 'tool-search') o.name = 'search_flight';
  }
  d.trace.scores = [{ id: 's1-v2', name: 'helpfulness', value: null, stringValue: 'unhelpful', dataType: 'CATEGORICAL', traceId: d.trace.id, observationId: null }];
  return JSON.stringify(d);
}

async function openBoth(address = '?url=demo/agent-tools.json&url=later-run.json') {
  const errors = [];
  const page = await newPage(app.browser, errors);
  await page.route('**/later-run.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: laterRun() }));
  await page.goto(`${app.server.url}${address}`);
  return { page, errors };
}

test('compare two runs: summary, aligned steps, the answer diffed word by word, and a link that reopens it', async () => {
  const { page, errors } = await openBoth();
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 2);
  await page.click('.trace-list-row:has-text("7 obs")');
  await page.waitForSelector('#compare-with');
  // from the list: the other trace's ⇄ (the shown one has none)
  assert.equal(await page.locator('.trace-list-row:has-text("7 obs") .compare-this').isVisible(), false);
  await page.click('.trace-list-row:has-text("5 obs") .compare-this');
  await page.waitForSelector('#compare-summary');
  await page.click('#nav-trace');
  // by id, in the header
  await page.fill('#compare-with', 'demo-agent-trace-v2');
  await page.click('#compare-go');
  await page.waitForSelector('#compare-summary');
  const summary = await page.textContent('#compare-summary');
  assert.match(summary, /travel-agent ↔ travel-agent/);
  assert.match(summary, /4 same, 1 renamed, 0 added, 2 removed/);
  assert.match(summary, /helpfulness helpful → unhelpful/);
  // rows: the renamed tool pairs up, the retrieval and its embedding are removed
  const rows = await page.$$eval('.compare-row', (els) => els.map((e) => `${e.className.replace('compare-row ', '')}: ${e.textContent}`));
  assert.ok(rows.some((r) => /^renamed.*search_flights.*search_flight/.test(r)), rows.join('\n'));
  assert.ok(rows.some((r) => /^removed.*baggage-policy-search/.test(r)), rows.join('\n'));
  // the answer changed most: its model and its text
  await page.click('.most-changed:has-text("answer")');
  await page.waitForSelector('#compare-detail');
  const detail = await page.textContent('#compare-detail');
  assert.match(detail, /gpt-4o-2024-08-06 → gpt-5-mini/);
  assert.ok((await page.$$eval('#compare-detail del.diff-del', (e) => e.map((x) => x.textContent))).some((t) => t.includes('132')));
  assert.ok((await page.$$eval('#compare-detail ins.diff-add', (e) => e.map((x) => x.textContent))).some((t) => t.includes('149')));
  // the view is in the address; a new page opened on it shows the same comparison
  const url = await addressMatching(page, /page=compare.*vs=demo-agent-trace-v2.*obs=gen-answer/);
  const again = await openBoth(new URL(url).hash);
  await again.page.waitForSelector('#compare-detail');
  assert.equal(await again.page.textContent('#compare-summary'), summary);
  assert.equal(await again.page.textContent('#compare-detail'), detail);
  // back to the first trace: its own tree, nothing of B selected
  await again.page.click('#nav-trace');
  await again.page.waitForSelector('.tree-row');
  assert.equal(await again.page.locator('.tree-row.selected').count(), 0);
  assert.deepEqual([...errors, ...again.errors], []);
});

test('two real traces from different frameworks compare: every step of each side is accounted for once', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  const shared = path.resolve(ROOT, '../shared/fixtures/langfuse');
  const files = ['beeai-2025-08-01.trace.json', 'google-adk-2025-08-28.trace.json'].map((name) => ({ name, content: fs.readFileSync(path.join(shared, name), 'utf8') }));
  await dropFiles(page, files);
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 2);
  const obs = await page.$$eval('.trace-list-row .trace-list-meta', (els) => els.map((e) => Number(e.textContent.match(/(\d+) obs/)[1])));
  await page.click('.trace-list-row >> nth=0');
  await page.click('.trace-list-row >> nth=1 >> .compare-this');
  await page.waitForSelector('#compare-summary');
  const m = (await page.textContent('#compare-summary')).match(/(\d+) same, (\d+) renamed, (\d+) added, (\d+) removed/);
  const [same, renamed, added, removed] = m.slice(1).map(Number);
  // the first row of the list is the shown trace (A), the other is B
  assert.equal(same + renamed + removed, obs[0]);
  assert.equal(same + renamed + added, obs[1]);
  // choosing a row shows its comparison, never a blank pane
  await page.click('.compare-row >> nth=0');
  await page.waitForSelector('#compare-detail');
  assert.deepEqual(errors, []);
});
