// The flame graph (issue 29) in the built page, on real libraries' exports (tests/fixtures/realdata):
// in time order the root row is the root's duration read from the raw OTLP (end − start), every
// span is one box; left-heavy has one box per distinct path of names from the root, counted here
// without Canopy; sandwich has its name's outermost calls on row 0 and one box per distinct chain
// of callers; a click selects, hover tells, the mode is in the link; dark theme and a phone render.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withAppFixturesAndBrowser, newPage, otlpSpans, addressMatching, ROOT } from './harness.mjs';

const REAL = path.join(ROOT, 'tests/fixtures/realdata');
const LIBS = ['openinference-langchain', 'openinference-openai-agents'];
const app = withAppFixturesAndBrowser('flame');

/** The file's largest trace, read without Canopy: its spans with parents and children. */
function largestTrace(lib) {
  const by = new Map();
  for (const s of otlpSpans(fs.readFileSync(path.join(REAL, lib, 'traces.otlp.jsonl'), 'utf8'))) {
    if (!by.has(s.trace)) by.set(s.trace, []);
    by.get(s.trace).push(s);
  }
  const [id, spans] = [...by.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  const byId = new Map(spans.map((s) => [s.span.spanId, s]));
  const parent = (s) => byId.get(s.span.parentSpanId) ?? null;
  const roots = spans.filter((s) => !parent(s));
  const ns = (s, k) => BigInt(s.span[k]);
  // names from the root down to s, walked upwards (no recursion)
  const chain = (s) => {
    const out = [];
    for (let p = s; p; p = parent(p)) out.unshift(p.span.name);
    return out;
  };
  return { id, spans, roots, parent, chain, ns, hasChildren: new Set(spans.map((s) => s.span.parentSpanId)) };
}

async function open(hash, viewport = { width: 1440, height: 900 }) {
  const errors = [];
  const page = await newPage(app.browser, errors, viewport);
  await page.goto(`${app.server.url}#${hash}`);
  await page.waitForSelector('.flame-canvas[data-count]:not([data-count="0"])', { timeout: 30000 });
  return { page, errors };
}

const canvas = (page) => page.$eval('.flame-canvas', (c) => ({
  mode: c.dataset.mode, count: Number(c.dataset.count), extent: Number(c.dataset.extent),
  row0: c.dataset.row0.split(' ').filter(Boolean).map(Number), selected: c.dataset.selected, width: c.clientWidth,
}));

for (const lib of LIBS) {
  test(`${lib}: time order, left-heavy and sandwich match the raw spans`, async () => {
    const t = largestTrace(lib);
    assert.equal(t.roots.length, 1, 'one root');
    const root = t.roots[0];
    const url = `url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&trace=${t.id}`;
    const { page, errors } = await open(`${url}&view=flame`);

    // time order: every span a box, the root row as wide as the root ran
    let c = await canvas(page);
    assert.equal(c.mode, '');
    assert.equal(c.count, t.spans.length);
    assert.deepEqual(c.row0, [Number(t.ns(root, 'endTimeUnixNano') - t.ns(root, 'startTimeUnixNano'))]);
    const start = t.spans.reduce((m, s) => (t.ns(s, 'startTimeUnixNano') < m ? t.ns(s, 'startTimeUnixNano') : m), t.ns(root, 'startTimeUnixNano'));
    const end = t.spans.reduce((m, s) => (t.ns(s, 'endTimeUnixNano') > m ? t.ns(s, 'endTimeUnixNano') : m), 0n);
    assert.equal(c.extent, Number(end - start), 'the width is the trace span');

    // hover on the root row tells its name; a click selects it and the detail shows it
    const box = await page.$eval('.flame-canvas', (el) => el.getBoundingClientRect().toJSON());
    await page.mouse.move(box.x + 40, box.y + 10);
    await page.waitForSelector('.flame-tip');
    const tipText = await page.textContent('.flame-tip');
    assert.ok(tipText.startsWith(root.span.name), tipText);
    assert.match(tipText, /tokens/);
    await page.mouse.click(box.x + 40, box.y + 10);
    await page.waitForFunction(() => document.querySelector('.flame-canvas').dataset.selected !== '');
    const rootObs = (await canvas(page)).selected;
    await page.waitForFunction((name) => document.querySelector('.detail')?.textContent.includes(name), root.span.name);
    // arrow down: the root's first child
    await page.focus('.flame-canvas');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((was) => document.querySelector('.flame-canvas').dataset.selected !== was, rootObs);

    // left-heavy: one box per distinct path of names from the root
    const paths = new Set(t.spans.map((s) => t.chain(s).join('\u0000')));
    await page.click('.flame-mode:has-text("Left-heavy")');
    await page.waitForFunction(() => document.querySelector('.flame-canvas').dataset.mode === 'left-heavy');
    c = await canvas(page);
    assert.equal(c.count, paths.size, 'merged paths');
    assert.ok(paths.size < t.spans.length, 'some paths repeat');
    assert.equal(c.row0.length, 1);
    assert.equal(c.extent, c.row0[0]);
    assert.match(await addressMatching(page, /mode=left-heavy/), /view=flame/);

    // tokens as the weight: the link says so, and the root row holds every counted token
    await page.selectOption('.flame-weight', 'tokens');
    await page.waitForFunction(() => document.querySelector('.flame-canvas').dataset.mode === 'left-heavy tokens');
    c = await canvas(page);
    assert.ok(c.extent > 0, 'these traces carry token counts');
    assert.equal(c.count, paths.size);

    // sandwich of the most frequent leaf name: its calls on row 0, one box per caller chain
    const leaves = t.spans.filter((s) => !t.hasChildren.has(s.span.spanId));
    const freq = new Map();
    for (const s of leaves) freq.set(s.span.name, (freq.get(s.span.name) ?? 0) + 1);
    const name = [...freq.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const calls = t.spans.filter((s) => s.span.name === name);
    assert.ok(calls.every((s) => !t.hasChildren.has(s.span.spanId)), `${name} is always a leaf`);
    const callers = new Set();
    for (const s of calls) {
      const up = t.chain(s).slice(0, -1).reverse();
      for (let k = 1; k <= up.length; k++) callers.add(up.slice(0, k).join('\u0000'));
    }
    const dur = calls.reduce((a, s) => a + (t.ns(s, 'endTimeUnixNano') - t.ns(s, 'startTimeUnixNano')), 0n);
    await page.goto(`${app.server.url}#${url}&view=flame&mode=${encodeURIComponent(`sandwich of:${name}`)}`);
    await page.waitForFunction(() => document.querySelector('.flame-canvas')?.dataset.mode.startsWith('sandwich'));
    await page.waitForFunction(() => document.querySelector('.flame-canvas').dataset.count !== '0');
    c = await canvas(page);
    assert.equal(c.mode, `sandwich of:${name}`);
    assert.deepEqual(c.row0, [Number(dur)], 'row 0: the calls, merged');
    assert.equal(c.count, 1 + callers.size, 'the focus and its merged callers');
    assert.equal(await page.$eval('.flame-focus', (s) => s.value), name);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('dark theme and a phone: the flame graph draws without errors', async () => {
  const lib = LIBS[0];
  const t = largestTrace(lib);
  const url = `url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&trace=${t.id}&view=flame`;
  for (const [hash, viewport] of [
    [`${url}&theme=dark&mode=left-heavy`, { width: 1440, height: 900 }],
    [`${url}&mode=left-heavy%20self`, { width: 390, height: 844 }],
  ]) {
    const { page, errors } = await open(hash, viewport);
    await page.waitForFunction(() => document.querySelector('.flame-canvas').width > 0);
    const c = await canvas(page);
    assert.ok(c.width > 0 && c.width <= viewport.width, `canvas ${c.width} px in ${viewport.width}`);
    // something was drawn: pixels differ from the panel's colour
    const inked = await page.$eval('.flame-canvas', (el) => {
      const d = el.getContext('2d').getImageData(0, 0, el.width, Math.min(el.height, 60)).data;
      return d.some((v, i) => i % 4 !== 3 && v !== d[i % 4]);
    });
    assert.ok(inked, 'boxes drawn');
    if (process.env.FLAME_SHOTS) await page.screenshot({ path: `${process.env.FLAME_SHOTS}/flame-${viewport.width}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('100,000 observations: layouts and frames stay quick', async () => {
  const { otlpTrace } = await import('../bench/gen.mjs');
  const errors = [];
  const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
  await page.route('**/big-flame.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: otlpTrace(100_000) }));
  await page.goto(`${app.server.url}#url=${encodeURIComponent(`${app.server.url}big-flame.json`)}&view=flame`);
  await page.waitForSelector('.flame-canvas[data-count="100000"]', { timeout: 90000 });
  // a mode switch (layout and frame) and a zoom (a frame), timed in the page
  const ms = await page.evaluate(async () => {
    const c = document.querySelector('.flame-canvas');
    const t0 = performance.now();
    [...document.querySelectorAll('.flame-mode')].find((b) => b.textContent.includes('Left-heavy')).click();
    await new Promise((r) => requestAnimationFrame(() => r()));
    const t1 = performance.now();
    c.dispatchEvent(new WheelEvent('wheel', { deltaY: -300, ctrlKey: true, clientX: 400, clientY: 400, bubbles: true, cancelable: true }));
    await new Promise((r) => requestAnimationFrame(() => r()));
    return { layout: t1 - t0, zoom: performance.now() - t1, mode: c.dataset.mode };
  });
  assert.equal(ms.mode, 'left-heavy');
  console.log(`100k: left-heavy layout+frame ${ms.layout.toFixed(0)} ms, zoom frame ${ms.zoom.toFixed(0)} ms`);
  assert.ok(ms.zoom < 500, `zoom frame ${ms.zoom} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});
