// Every list and tree shows what it holds: the first screen is full whatever the number of rows
// and the window's height, and every row can be reached by scrolling and by keyboard (issue 24).
// Files are opened from a link (`#url=`), as a colleague's shared link would open them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();
const HEIGHTS = [600, 900, 1400];
const T0 = 1_700_000_000_000_000_000n;

const hex = (n, w) => n.toString(16).padStart(w, '0');
const str = (key, v) => ({ key, value: { stringValue: v } });

/** One OTLP span (OpenInference attributes). */
function span(trace, id, parent, name, i, attrs = []) {
  const start = T0 + BigInt(i) * 1_000_000n;
  return {
    traceId: hex(trace, 32), spanId: hex(id, 16), parentSpanId: parent ? hex(parent, 16) : '', name,
    kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n),
    attributes: [str('openinference.span.kind', 'CHAIN'), ...attrs], status: {},
  };
}

const otlp = (spans) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [str('service.name', 'lists')] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] });

/** `n` traces of one span each, each trace its own session (`trace-00001`, …). */
const manyTraces = (n) => otlp(Array.from({ length: n }, (_, i) => span(i + 1, i + 1, 0, `trace-${String(i + 1).padStart(6, '0')}`, i, [str('session.id', `session-${i + 1}`)])));

/** One trace per `traces` entry, each a root with `n - 1` children named step-1…, the root's input a JSON object of `keys` keys. */
function stepTraces(n, traces = [1], keys = null) {
  const spans = [];
  for (const t of traces) {
    const input = keys !== null ? [str('input.value', JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, k) => [`key${k}`, k])))), str('input.mime_type', 'application/json')] : [];
    spans.push(span(t, t * 1_000_000, 0, `run-${t}`, 0, input));
    for (let i = 1; i < n; i++) spans.push(span(t, t * 1_000_000 + i, t * 1_000_000, `step-${i}`, i));
  }
  return otlp(spans);
}

/** A page that opens `body` from a link: the file is answered by the test at the app's own origin. */
async function openLink(height, body, fragment = '') {
  const errors = [];
  const page = await newPage(app.browser, errors, { width: 1280, height });
  const url = `${app.server.url}gen/lists.json`;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
  await page.goto(`${app.server.url}#url=${encodeURIComponent(url)}${fragment}`);
  return { page, errors };
}

/**
 * Reads a list in the page: which row each visible row slot shows (by what is really drawn at
 * that point of the screen), the slots that should be visible, and how many rows are drawn.
 */
function readList(page, scroller, row, rowH) {
  return page.evaluate(({ scroller, row, rowH }) => {
    const sc = document.querySelector(scroller);
    if (!sc) return null;
    const spacer = sc.querySelector(':scope > .spacer');
    const drawn = [...spacer.children].filter((e) => e.matches(row));
    const head = sc.querySelector(':scope > .table-head');
    const box = sc.getBoundingClientRect();
    const top = box.top + sc.clientTop + (head ? head.getBoundingClientRect().height : 0);
    const bottom = Math.min(box.top + sc.clientTop + sc.clientHeight, window.innerHeight);
    const origin = spacer.getBoundingClientRect().top;
    const n = Math.round(spacer.getBoundingClientRect().height / rowH);
    const slots = [];
    for (let i = Math.max(0, Math.floor((top - origin) / rowH)); i < n; i++) {
      const a = Math.max(origin + i * rowH, top);
      const b = Math.min(origin + (i + 1) * rowH, bottom);
      if (a >= bottom) break;
      // a sliver of a row under the sticky head: under 2 px, the browser snaps boxes to whole pixels and
      // a hit test there may land on the next row, whatever the list draws
      if (b - a < 2) continue;
      const hit = document.elementFromPoint(box.left + 12, (a + b) / 2)?.closest(row);
      slots.push({ pos: i, shows: hit && spacer.contains(hit) ? Math.round(parseFloat(hit.style.top) / rowH) : null });
    }
    return { n, slots, drawn: drawn.length, visibleH: bottom - top, scrollTop: sc.scrollTop };
  }, { scroller, row, rowH });
}

/** Asserts every slot on screen shows its own row, and that the screen holds min(rows, fit) rows. */
async function assertFull(page, sel, label) {
  const l = await readList(page, sel.scroller, sel.row, sel.rowH);
  assert.ok(l, `${label}: ${sel.scroller} is on the page`);
  const wrong = l.slots.filter((s) => s.shows !== s.pos);
  assert.deepEqual(wrong, [], `${label}: every visible slot shows its row (${l.slots.length} slots)`);
  const fit = Math.ceil(l.visibleH / sel.rowH);
  const first = Math.floor(l.scrollTop / sel.rowH);
  assert.ok(l.slots.length >= Math.min(l.n - first, fit - 1), `${label}: ${l.slots.length} rows on screen, ${fit} fit, ${l.n} rows`);
  assert.ok(l.drawn <= fit + 2 * 6 + 2, `${label}: ${l.drawn} rows drawn for ${fit} that fit`);
  return l;
}

const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Scrolls to the end and the middle: the last and a middle row show. */
async function assertScrollReach(page, sel, n, label) {
  for (const at of [n - 1, Math.floor(n / 2), 0]) {
    await page.$eval(sel.scroller, (sc, y) => { sc.scrollTop = y; }, at * sel.rowH);
    await frames(page);
    const l = await assertFull(page, sel, `${label}, scrolled to row ${at}`);
    assert.ok(l.slots.some((s) => s.pos === at && s.shows === at), `${label}: row ${at} of ${n} reached by scrolling`);
  }
}

/** The keyboard cursor's row (`mark`) after `key`: on screen, at `want`. */
async function assertKey(page, sel, key, want, label) {
  await page.keyboard.press(key);
  await frames(page);
  const got = await page.$eval(sel.scroller, (sc, { mark, rowH }) => {
    const el = sc.querySelector(mark);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + 12, r.top + r.height / 2)?.closest(mark);
    return { pos: Math.round(parseFloat(el.style.top) / rowH), visible: hit === el };
  }, { mark: sel.mark, rowH: sel.rowH });
  assert.deepEqual(got, { pos: want, visible: true }, `${label}: ${key} moves to row ${want} and shows it`);
}

/** Home, End, arrows and Page Down reach every row (each one, for short lists). */
async function assertKeyboardReach(page, sel, n, label) {
  await page.focus(sel.scroller);
  await assertKey(page, sel, 'Home', 0, label);
  if (n <= 40) {
    for (let i = 1; i < n; i++) await assertKey(page, sel, 'ArrowDown', i, label);
  } else {
    // a page is what the scroller shows below its head (part of it can be below the window)
    const shown = await page.$eval(sel.scroller, (sc) => sc.clientHeight - (sc.querySelector(':scope > .table-head')?.offsetHeight ?? 0));
    const page_rows = Math.max(1, Math.floor(shown / sel.rowH));
    await assertKey(page, sel, 'PageDown', page_rows, label);
    await assertKey(page, sel, 'ArrowDown', page_rows + 1, label);
  }
  await assertKey(page, sel, 'End', n - 1, label);
  await assertKey(page, sel, 'ArrowUp', Math.max(0, n - 2), label);
  await assertKey(page, sel, 'Home', 0, label);
}

const TRACES = { scroller: '.traces-page .table-scroll', row: '.tr', rowH: 28, mark: '.tr.cursor' };

for (const n of [1, 9, 19, 40, 1000, 100000]) {
  test(`traces table with ${n} traces: the first screen is full at every height, every row reachable`, async () => {
    const body = manyTraces(n);
    for (const height of HEIGHTS) {
      const { page, errors } = await openLink(height, body, '&page=traces');
      const label = `${n} traces at ${height}px`;
      await page.waitForFunction((n) => document.querySelector('.list-count')?.textContent.startsWith(`${n} of ${n}`), n.toLocaleString('en-US'), { timeout: 120000 });
      await frames(page);
      await assertFull(page, TRACES, label);
      // a resize is measured too
      await page.setViewportSize({ width: 1280, height: height === 600 ? 1400 : 600 });
      await frames(page);
      await assertFull(page, TRACES, `${label}, resized`);
      await page.setViewportSize({ width: 1280, height });
      await frames(page);
      await assertFull(page, TRACES, `${label}, resized back`);
      if (height === 900 || n < 1000) {
        await assertScrollReach(page, TRACES, n, label);
        await assertKeyboardReach(page, TRACES, n, label);
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
  });
}

/** Every other view that lists things, with how a link opens it. */
const VIEWS = [
  {
    name: 'tree', sizes: [1, 9, 40, 1000], body: (n) => stepTraces(n), fragment: '',
    sel: { scroller: '.tree-scroll', row: '.tree-row', rowH: 26, mark: '.tree-row.selected' },
  },
  {
    name: 'trace list beside the tree', sizes: [2, 9, 40, 1000], body: manyTraces, fragment: `&trace=${hex(1, 32)}`,
    sel: { scroller: '.trace-list-scroll', row: '.trace-list-row', rowH: 46, mark: '.trace-list-row.cursor' },
  },
  {
    name: 'sessions', sizes: [1, 9, 40, 1000], body: manyTraces, fragment: '&page=sessions',
    sel: { scroller: '.sessions-table', row: '.session-row', rowH: 30, mark: '.session-row.cursor' },
  },
  {
    name: 'compare', sizes: [1, 9, 40, 1000], body: (n) => stepTraces(n, [1, 2]), fragment: `&page=compare&trace=${hex(1, 32)}&vs=${hex(2, 32)}`,
    sel: { scroller: '.compare-rows', row: '.compare-row', rowH: 26, mark: '.compare-row.cursor' },
  },
  {
    name: 'JSON viewer', sizes: [1, 9, 40, 1000], body: (n) => stepTraces(2, [1], n - 1), fragment: `&trace=${hex(1, 32)}&obs=${hex(1_000_000, 16)}`,
    sel: { scroller: '.detail .json-scroll', row: '.json-row', rowH: 20, mark: '.json-row.cursor' },
    // the viewer sits below the step's facts: the reader scrolls the detail pane down to it
    prepare: (page) => page.$eval('.detail .json-scroll', (el) => el.scrollIntoView({ block: 'end' })),
  },
];

for (const v of VIEWS) {
  test(`${v.name}: the first screen is full at every height, every row reachable by scrolling and keyboard`, async () => {
    for (const n of v.sizes) {
      const body = v.body(n);
      for (const height of [600, 1400]) {
        const { page, errors } = await openLink(height, body, v.fragment);
        const label = `${v.name}, ${n} rows at ${height}px`;
        await page.waitForSelector(`${v.sel.scroller} ${v.sel.row}`, { timeout: 60000 });
        await v.prepare?.(page);
        await frames(page);
        const l = await assertFull(page, v.sel, label);
        assert.equal(l.n, n, `${label}: the list holds every row`);
        await assertScrollReach(page, v.sel, n, label);
        await assertKeyboardReach(page, v.sel, n, label);
        assert.deepEqual(errors, []);
        await page.close();
      }
    }
  });
}
