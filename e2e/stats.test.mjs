// Issue 29: the Stats tab (`view=stats`) over a real export (tests/fixtures/realdata). Each row's
// count and total duration must equal what this test reads from the raw OTLP JSON Lines itself
// (never Canopy's output), for the shown trace and for all traces; headers sort (aria-sort, and
// again the other way); a row opens the tree filtered to exactly that name (mouse and keyboard),
// or, over all traces, the trace list of the traces holding it; dark theme and a phone fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withAppFixturesAndBrowser, newPage, addressMatching, otlpSpans, ROOT } from './harness.mjs';

const LIB = 'openinference-openai-agents';
const FILE = `fixtures/realdata/${LIB}/traces.otlp.jsonl`;
const SPANS = [...otlpSpans(fs.readFileSync(path.join(ROOT, 'tests/fixtures/realdata', LIB, 'traces.otlp.jsonl'), 'utf8'))];
const app = withAppFixturesAndBrowser('stats');

/** Per span name: [count, total duration in ns as a BigInt] over the spans given. */
function perName(spans) {
  const out = new Map();
  for (const { span } of spans) {
    const e = out.get(span.name) ?? [0, 0n];
    e[0] += 1;
    if (span.endTimeUnixNano && span.endTimeUnixNano !== '0') {
      const d = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
      e[1] += d > 0n ? d : 0n;
    }
    out.set(span.name, e);
  }
  return out;
}

// the trace with the most names (`weather agent` and `handoff to weather agent`, `turn` and
// `tools-turn`: a substring filter would mix them), and the whole file
const byTrace = new Map();
for (const s of SPANS) byTrace.set(s.trace, [...(byTrace.get(s.trace) ?? []), s]);
const [TRACE, TRACE_SPANS] = [...byTrace.entries()].sort((a, b) => perName(b[1]).size - perName(a[1]).size)[0];

async function open(fragment, viewport = { width: 1440, height: 1400 }) {
  const errors = [];
  const page = await newPage(app.browser, errors, viewport);
  await page.goto(`${app.server.url}#url=${encodeURIComponent(FILE)}&trace=${TRACE}&view=stats${fragment}`);
  await page.waitForSelector('.stats-row');
  return { page, errors };
}

/** The table's rows as the DOM holds them: name and exact figures (`data-numbers`). */
const rows = (page) => page.$$eval('.stats-row', (rs) => rs
  .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
  .map((r) => {
    const [count, timed, total, self, errors] = r.dataset.numbers.split(' ');
    return { name: r.querySelector('.stats-name').textContent, count: Number(count), total: BigInt(total), self: BigInt(self), errors: Number(errors), cells: [...r.querySelectorAll('.td')].map((c) => c.textContent) };
  }));

const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const rowNamed = (page, name) => page.locator('.stats-row').filter({ has: page.locator('.stats-name', { hasText: exactly(name) }) });

function assertMatches(got, want, what) {
  assert.equal(got.length, want.size, `${what}: one row per name`);
  for (const r of got) {
    const w = want.get(r.name);
    assert.ok(w, `${what}: ${r.name} is a span name of the file`);
    assert.equal(r.count, w[0], `${what}: ${r.name} count`);
    assert.equal(r.total, w[1], `${what}: ${r.name} total ns`);
    assert.ok(r.self >= 0n && r.self <= r.total, `${what}: ${r.name} self time within its total`);
  }
}

test('counts and totals of the shown trace and of all traces are the file\'s; headers sort', async () => {
  const { page, errors } = await open('');
  assertMatches(await rows(page), perName(TRACE_SPANS), 'this trace');
  // the default order: total duration, largest first
  assert.equal(await page.getAttribute('.stats-table .th[aria-sort="descending"]', 'role'), 'columnheader');
  const totals = (await rows(page)).map((r) => r.total);
  assert.ok(totals.every((t, i) => i === 0 || totals[i - 1] >= t), 'sorted by total, descending');
  // a click on Count sorts by it, largest first; again, the other way; the link keeps it
  const count = page.locator('.stats-table .th', { hasText: /^Count/ });
  await count.click();
  assert.equal(await count.getAttribute('aria-sort'), 'descending');
  let counts = (await rows(page)).map((r) => r.count);
  assert.ok(counts.every((c, i) => i === 0 || counts[i - 1] >= c), `descending: ${counts}`);
  await count.click();
  assert.equal(await count.getAttribute('aria-sort'), 'ascending');
  counts = (await rows(page)).map((r) => r.count);
  assert.ok(counts.every((c, i) => i === 0 || counts[i - 1] <= c), `ascending: ${counts}`);
  await addressMatching(page, /mode=sort(%3A|:)count(\+|%20)asc/);
  // unknown is not zero: a tool's tokens are no figure, a model call's are
  const cells = Object.fromEntries((await rows(page)).map((r) => [r.name, r.cells]));
  const tool = SPANS.find((s) => s.trace === TRACE && s.attrs['openinference.span.kind'] === 'TOOL');
  if (tool) assert.equal(cells[tool.span.name][7], '–', `${tool.span.name}: no input tokens, not 0`);
  // all traces of the file (a toggle: pressed, all of them)
  assert.equal(await page.getAttribute('#stats-all', 'aria-pressed'), 'false');
  await page.click('#stats-all');
  assert.equal(await page.getAttribute('#stats-all', 'aria-pressed'), 'true');
  assert.match(await page.textContent('#stats-all'), new RegExp(`All ${byTrace.size} traces`));
  await page.waitForFunction((n) => document.querySelectorAll('.stats-row').length === n, perName(SPANS).size);
  assertMatches(await rows(page), perName(SPANS), 'all traces');
  // by name and kind: a kind column, and the counts of each name add up
  await page.click('#stats-by-kind');
  await page.waitForSelector('.stats-row .stats-kind');
  assert.equal(await page.getAttribute('#stats-by-kind', 'aria-pressed'), 'true');
  const byKind = await rows(page);
  const sums = new Map();
  for (const r of byKind) sums.set(r.name, (sums.get(r.name) ?? 0) + r.count);
  for (const [n, [c]] of perName(SPANS)) assert.equal(sums.get(n), c, `${n} by kind`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a row opens the tree filtered to exactly that name; over all traces, the traces holding it', async () => {
  const { page, errors } = await open('');
  const want = perName(TRACE_SPANS);
  // a name that is a prefix of another would show both under a substring filter
  const names = [...want.keys()];
  const name = names.find((n) => names.some((m) => m !== n && m.includes(n)));
  assert.ok(name, `a name inside another: ${names}`);
  await rowNamed(page, name).click();
  await page.waitForSelector('.tree-row');
  const filter = await page.inputValue('.tree-filter');
  assert.match(filter, /^name:"/);
  assert.equal(await page.textContent('.match-info'), `${want.get(name)[0]} match${want.get(name)[0] === 1 ? '' : 'es'}`);
  const shown = await page.$$eval('.tree-row .row-name', (ns) => ns.map((n) => n.textContent));
  assert.equal(shown.filter((n) => n === name).length, want.get(name)[0], `${name}: its rows, and no other name's`);
  // the keyboard: the table takes focus, arrows move, Enter opens
  await page.goBack();
  await page.waitForSelector('.stats-row');
  await page.focus('.stats-table');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.tree-row');
  assert.match(await page.inputValue('.tree-filter'), /^name:"/);
  // all traces: the trace list of the traces holding the name
  await page.goto(`${app.server.url}#url=${encodeURIComponent(FILE)}&trace=${TRACE}&view=stats&mode=all`);
  await page.waitForSelector('.stats-row');
  const holding = [...byTrace.values()].filter((ss) => ss.some((s) => s.span.name === name)).length;
  await rowNamed(page, name).click();
  await page.waitForSelector('.traces-page');
  await page.waitForFunction((n) => document.querySelectorAll('.traces-page .tr').length === n, holding);
  assert.match(await page.inputValue('.traces-page .list-filter'), /^name:"/);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [label, viewport, scheme] of [['dark', { width: 1440, height: 900 }, 'dark'], ['phone', { width: 390, height: 844 }, 'light'], ['phone dark', { width: 390, height: 844 }, 'dark']]) {
  test(`${label}: the table renders without a sideways scroll of the page`, async () => {
    const errors = [];
    const page = await newPage(app.browser, errors, viewport);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${app.server.url}#url=${encodeURIComponent(FILE)}&trace=${TRACE}&view=stats&mode=kind`);
    await page.waitForSelector('.stats-row');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 1, `the page is ${wide}px wider than the window`);
    const name = await page.$eval('.stats-row .stats-name', (c) => c.getBoundingClientRect());
    assert.ok(name.left >= 0 && name.right <= viewport.width, 'the name column is on screen');
    if (scheme === 'dark') {
      const [bg, text] = await page.$eval('.stats-view', (e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
      assert.notEqual(bg, text);
      assert.ok(!/255, 255, 255/.test(bg), `a dark panel: ${bg}`);
    }
    if (process.env.SHOTS) await page.screenshot({ path: path.join(process.env.SHOTS, `stats-${label.replace(' ', '-')}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
