// The spans table (issue 29, `page=spans`) in the built page on real libraries' exports: the LLM
// calls counted from the raw OTLP JSON (each convention's own attribute, read here without
// Canopy) are the rows shown; sorting by duration orders them as the file's own times do; a row
// opens its observation in its trace; dark and a 390 px phone render without page overflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withAppFixturesAndBrowser, newPage, otlpSpans, ROOT } from './harness.mjs';

const REAL = path.join(ROOT, 'tests/fixtures/realdata');
const LIBS = [
  ['openinference-openai', (a) => a['openinference.span.kind'] === 'LLM'],
  ['langfuse', (a) => a['langfuse.observation.type'] === 'generation'],
  ['traceloop', (a) => ['chat', 'text_completion'].includes(a['gen_ai.operation.name'])],
];

const app = withAppFixturesAndBrowser('spans');

function read(lib, isLlm) {
  const spans = [...otlpSpans(fs.readFileSync(path.join(REAL, lib, 'traces.otlp.jsonl'), 'utf8'))];
  const llm = spans.filter((s) => isLlm(s.attrs)).map((s) => ({
    name: s.span.name,
    dur: BigInt(s.span.endTimeUnixNano) - BigInt(s.span.startTimeUnixNano),
  }));
  return { all: spans.length, llm };
}

const shown = (page) => page.$eval('.spans-count', (e) => Number(e.dataset.shown));
const durations = (page) => page.$$eval('.spans-table .tr', (rows) => rows
  .map((r) => ({ top: parseFloat(r.style.top), d: r.dataset.durationNs }))
  .sort((a, b) => a.top - b.top)
  .map((r) => r.d));

for (const [lib, isLlm] of LIBS) {
  test(`${lib}: LLM rows, sort by duration, a row opens its observation`, async () => {
    const want = read(lib, isLlm);
    const errors = [];
    const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
    await page.goto(`${app.server.url}#url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&page=spans`);
    await page.waitForFunction((n) => Number(document.querySelector('.spans-count')?.dataset.shown) === n, want.all, { timeout: 30000 });

    await page.click('.spans-kind[data-kind="llm"]');
    await page.waitForFunction((n) => Number(document.querySelector('.spans-count')?.dataset.shown) === n, want.llm.length);
    assert.equal(await page.textContent('.spans-count'), `${want.llm.length} spans`);
    assert.equal(await page.getAttribute('.spans-kind[data-kind="llm"]', 'aria-pressed'), 'true');
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('mode=llm/start'));

    // duration: longest first, then the other way
    await page.click('.spans-table .th[data-col="duration"]');
    await page.waitForFunction(() => document.querySelector('.th[data-col="duration"]').getAttribute('aria-sort') === 'descending');
    const down = (await durations(page)).map(BigInt);
    assert.ok(down.length > 5);
    for (let i = 1; i < down.length; i++) assert.ok(down[i - 1] >= down[i], `descending at ${i}`);
    const longest = want.llm.reduce((a, b) => (b.dur > a.dur ? b : a));
    assert.equal(down[0], longest.dur, 'the longest LLM call of the file comes first');
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('mode=llm/-duration'));
    await page.click('.spans-table .th[data-col="duration"]');
    await page.waitForFunction(() => document.querySelector('.th[data-col="duration"]').getAttribute('aria-sort') === 'ascending');
    const up = (await durations(page)).map(BigInt);
    for (let i = 1; i < up.length; i++) assert.ok(up[i - 1] <= up[i], `ascending at ${i}`);
    const shortest = want.llm.reduce((a, b) => (b.dur < a.dur ? b : a));
    assert.equal(up[0], shortest.dur);

    // a filter from the trace list's grammar, on observations
    await page.fill('.spans-filter', `duration>=${Number(longest.dur) / 1e9}s`);
    await page.waitForFunction(() => Number(document.querySelector('.spans-count').dataset.shown) >= 1);
    assert.equal(await shown(page), want.llm.filter((s) => s.dur >= longest.dur).length);
    await page.fill('.spans-filter', '');

    // back to longest first; the first row opens the trace with that call selected
    await page.click('.spans-table .th[data-col="duration"]');
    await page.waitForFunction(() => document.querySelector('.th[data-col="duration"]').getAttribute('aria-sort') === 'descending');
    const first = await page.$('.spans-table .tr[style*="top: 0px"]');
    const obs = await first.getAttribute('data-obs');
    await first.click();
    await page.waitForSelector(`.tree-row.selected[data-idx="${obs}"]`, { timeout: 10000 });
    assert.ok((await page.textContent('.tree-row.selected')).includes(longest.name), 'the selected step is the longest call');
    await page.waitForFunction(() => /obs=/.test(location.hash) && !/mode=/.test(location.hash));
    // Back returns to the table as it was
    await page.goBack();
    await page.waitForSelector('.spans-table .tr');
    assert.equal(await shown(page), want.llm.length);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

for (const [name, viewport, scheme] of [['dark', { width: 1440, height: 900 }, 'dark'], ['phone', { width: 390, height: 844 }, 'light']]) {
  test(`${name}: the spans page renders without page overflow`, async () => {
    const errors = [];
    const page = await newPage(app.browser, errors, viewport, { colorScheme: scheme, hasTouch: name === 'phone', isMobile: name === 'phone' });
    await page.goto(`${app.server.url}#url=${encodeURIComponent('fixtures/realdata/openinference-langchain/traces.otlp.jsonl')}&page=spans`);
    await page.waitForSelector('.spans-table .tr', { timeout: 30000 });
    await page.click('.spans-kind[data-kind="llm"]');
    await page.waitForSelector('.spread-line');
    const o = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
    assert.ok(o.sw <= o.cw, `page scrolls sideways: ${o.sw} > ${o.cw}`);
    if (scheme === 'dark') {
      const bg = await page.$eval('.spans-page', (e) => getComputedStyle(e).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g).map(Number);
      assert.ok(r + g + b < 200, `dark background: ${bg}`);
    } else {
      // the table scrolls inside its own box, its first column stays
      const t = await page.$eval('.spans-table', (e) => ({ sw: e.scrollWidth, cw: e.clientWidth }));
      assert.ok(t.sw > t.cw);
      const pos = await page.$eval('.spans-table .tr .td', (e) => getComputedStyle(e).position);
      assert.equal(pos, 'sticky');
    }
    if (process.env.SHOTS) await page.screenshot({ path: path.join(process.env.SHOTS, `spans-${name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
