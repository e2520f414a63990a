// Issue 28 §3: the timeline in lanes by agent, over a real multi-agent export (OpenInference's
// OpenAI Agents instrumentation, tests/fixtures/realdata): the triage agent hands over to the
// weather agent inside a "tools-turn" agent. The lanes' names and order are checked against the
// file read here without Canopy; a click on a lane's first bar selects that step; the link keeps
// lanes on across a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, withAppAndBrowser, addressMatching, otlpSpans, ROOT } from './harness.mjs';

const app = withAppAndBrowser();
const DIR = path.join(ROOT, 'tests/fixtures/realdata/openinference-openai-agents');
const BODY = fs.readFileSync(path.join(DIR, 'traces.otlp.jsonl'), 'utf8');
const PRICES = { models: [{ name: 'gpt-4o-mini', provider: 'openai', in: 0.15, out: 0.6, context: 128000 }] };

/** The spans of each trace (hex id), read from the file without Canopy. */
function spansByTrace() {
  const out = {};
  for (const { trace, span: s, attrs } of otlpSpans(BODY)) {
    (out[trace] ??= []).push({ id: s.spanId, parent: s.parentSpanId, name: s.name, kind: attrs['openinference.span.kind'], start: BigInt(s.startTimeUnixNano) });
  }
  return out;
}

/** The trace with the most distinct agent names, and its agents by first start (outer first). */
function multiAgentTrace() {
  let best = null;
  for (const [id, spans] of Object.entries(spansByTrace())) {
    const byId = new Map(spans.map((s) => [s.id, s]));
    const depth = (s) => { let d = 0; for (let p = byId.get(s.parent); p; p = byId.get(p.parent)) d++; return d; };
    const first = new Map();
    for (const s of spans.filter((s) => s.kind === 'AGENT')) {
      const key = [s.start, depth(s)];
      const had = first.get(s.name);
      if (!had || key[0] < had[0] || (key[0] === had[0] && key[1] < had[1])) first.set(s.name, key);
    }
    const names = [...first.entries()].sort(([, a], [, b]) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1)).map(([n]) => n);
    if (!best || names.length > best.names.length) best = { id, names };
  }
  return best;
}

async function open(fragment) {
  const errors = [];
  const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
  const url = `${app.server.url}gen/agents.otlp.jsonl`;
  await page.route(url, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: BODY }));
  await page.route(`${app.server.url}models.json`, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(PRICES) }));
  await page.goto(`${app.server.url}#url=${encodeURIComponent(url)}${fragment}`);
  await page.waitForSelector('.timeline-canvas', { timeout: 20000 });
  return { page, errors };
}

const lanesShown = (page) => page.$$eval('.timeline-lane-list li', (lis) => lis.map((li) => ({
  name: li.dataset.lane, row: Number(li.dataset.row), first: li.dataset.first, at: Number(li.dataset.firstAt), text: li.textContent,
})));

test('lanes by agent: one lane per agent in order, a click on a bar selects it, the link keeps lanes on', async () => {
  const { id, names } = multiAgentTrace();
  assert.ok(names.length >= 3, `a trace with several agents: ${names}`);
  const { page, errors } = await open(`&trace=${id}&view=timeline`);
  assert.equal(await page.getAttribute('.timeline-canvas', 'data-lanes'), '', 'lanes are off at first');
  await page.click('#timeline-lanes');
  await page.waitForSelector('.timeline-lane-list li');
  const lanes = await lanesShown(page);
  assert.deepEqual(lanes.map((l) => l.name), names);
  assert.equal(await page.getAttribute('.timeline-canvas', 'data-lanes'), String(names.length));
  // each lane says its totals: steps and time, tokens where its calls used some
  assert.ok(lanes.every((l) => /\d+ steps? · /.test(l.text)), lanes.map((l) => l.text).join(' | '));
  assert.ok(lanes.some((l) => / tok/.test(l.text)), 'the model calls are counted in their lanes');
  assert.match(await addressMatching(page, /lanes=agent/), /lanes=agent/);

  // a click in the middle of a lane's first bar (its first sub-row) selects that step; the whole
  // trace is shown, so the bar's share of the trace is its share of the canvas
  const box = await page.locator('.timeline-canvas').boundingBox();
  for (const lane of lanes) {
    assert.ok(lane.first !== '' && lane.at > 0 && lane.at < 1, JSON.stringify(lane));
    await page.mouse.click(box.x + lane.at * box.width, box.y + 24 + (lane.row + 1) * 22 + 11);
    await page.waitForFunction((want) => document.querySelector('.timeline-canvas').dataset.selected === want, lane.first);
    await addressMatching(page, /obs=/);
  }

  // the link reopens with lanes on
  await page.reload();
  await page.waitForSelector('.timeline-lane-list li', { timeout: 20000 });
  assert.deepEqual((await lanesShown(page)).map((l) => l.name), names);
  assert.ok(await page.isChecked('#timeline-lanes'));
  assert.deepEqual(errors, []);
  await page.close();
});
