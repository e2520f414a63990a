// `make bench`: loads generated OTLP traces (1k, 10k, 100k observations, with message payloads) in
// headless Chromium and prints, per size: time to first rendered tree, the baseline JSON.parse of the
// same bytes in the same page, peak memory, and DOM nodes. Writes bench/out/results.{md,json}.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { launch, ROOT } from '../e2e/harness.mjs';
import { serveFromMemory } from './serve.mjs';
import { otlpTrace } from './gen.mjs';
import { clickAt, settled } from './rounds.mjs';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').filter(Boolean).map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DATA = path.join(ROOT, 'bench/data');
// `make test` runs a smoke pass (10k, one run) into a scratch directory
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'bench/out');
fs.mkdirSync(DATA, { recursive: true });
fs.mkdirSync(OUT, { recursive: true });

// `light`: payloads on LLM spans only (see gen.mjs); `lean`: none
// `steps`: an agent run of that many model and tool calls among the n spans (see gen.mjs)
function file(n, { lean = false, light = false, steps = 0, names = 0 } = {}) {
  const name = names ? `otlp-names${names}-${n}.json` : steps ? `otlp-steps${steps}-${n}.json` : lean ? `otlp-lean-${n}.json` : light ? `otlp-light-${n}.json` : `otlp-${n}.json`;
  const p = path.join(DATA, name);
  if (!fs.existsSync(p)) fs.writeFileSync(p, otlpTrace(n, { payloads: lean || names ? false : light ? 'llm' : true, steps, names }));
  root.preload(p);
  return p;
}

/** Peak resident memory (VmHWM) of the renderer processes of the Chromium this script launched
 * (Playwright starts it as a child of this process), in bytes. */
function rendererPeakBytes() {
  let peak = 0;
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map();
  for (const pid of all) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch { /* process ended */ }
  }
  const isDescendant = (pid) => {
    for (let p = parent.get(pid), k = 0; p && k < 10; p = parent.get(p), k++) if (p === String(process.pid)) return true;
    return false;
  };
  for (const pid of all) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !isDescendant(pid)) continue;
      const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch { /* process ended */ }
  }
  return peak;
}

/** A fresh page of the app that opens `filePath` by address and waits until `ready` shows. */
async function openByUrl(browser, server, filePath, ready = '.tree-row') {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.fill('#url-input', server.dataUrl(filePath));
  await page.click('#open-url');
  await page.waitForSelector(ready, { timeout: 300_000 });
  return page;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One load of `filePath` by address in a fresh browser. The file is opened once the page has
 * settled (`settled`: its idle warm-up import done and 2 s since navigation), as when a user
 * chooses a file; with `atOnce`, right after the toolbar is drawn. */
async function measureApp(server, n, filePath, after = null, { atOnce = false } = {}) {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
    await page.addInitScript(() => {
      const seen = new MutationObserver(() => {
        if (window.__treeAt || !document.querySelector('.tree-row')) return;
        window.__treeAt = performance.now();
        requestAnimationFrame(() => { window.__treePainted = performance.now(); });
        seen.disconnect();
      });
      addEventListener('DOMContentLoaded', () => seen.observe(document.body, { childList: true, subtree: true }));
    });
    // every main-thread task over 50 ms: while one runs the page cannot paint or answer input
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
    });
    await page.goto(server.url);
    await page.waitForSelector('.toolbar');
    if (!atOnce) await settled(page);
    await page.fill('#url-input', server.dataUrl(filePath));
    const called = await page.evaluate(() => performance.now());
    const t0 = await clickAt(page, '#open-url');
    // the page notes when the first tree row exists and the frame after it (Playwright's own polling
    // backs off to 500 ms, too coarse to time by)
    await page.waitForFunction(() => window.__treePainted, null, { timeout: 300_000, polling: 100 });
    const firstTree = (await page.evaluate(() => window.__treePainted)) - t0;
    // the bench's LLM calls name gpt-4o-mini: the price table is fetched after the load and
    // every call priced (issue 27: pricing must add at most 5 % to a load)
    await page.waitForFunction(() => performance.getEntriesByName('canopy:price-end').length > 0, null, { timeout: 60_000, polling: 100 }).catch(() => {});
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const info = await page.evaluate((t0) => ({
      longest: Math.max(0, ...window.__longTasks.filter(([start]) => start >= t0).map(([, d]) => d)),
      marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
      wasmBytes: window.__wasm?.memory?.buffer?.byteLength ?? 0,
      domNodes: document.getElementsByTagName('*').length,
      rows: document.querySelectorAll('.tree-row').length,
      header: document.querySelector('.trace-header')?.textContent ?? '',
    }), t0);
    // the header groups digits (10,000): compare without the separators
    if (!new RegExp(`observations\\s*${n}(?!\\d)`).test(info.header.replace(/(\d),(?=\d{3})/g, '$1'))) throw new Error(`load of ${n} did not show ${n} observations: ${info.header}`);
    const m = info.marks;
    const importMs = m['canopy:import-end'] - m['canopy:import-start'];
    const afterSteps = after ? await after(page) : null;
    const buildMs = m['canopy:import-end'] - m['canopy:read-end'];
    const priceMs = m['canopy:price-end'] - m['canopy:price-start'];
    return { afterSteps, firstTree, clickDelayMs: t0 - called, importMs, buildMs, priceMs, longestTask: info.longest, beforeImportMs: m['canopy:import-start'] - t0, jsHeap: metrics.JSHeapUsedSize, wasm: info.wasmBytes, domNodes: info.domNodes, rows: info.rows, peakRss: rendererPeakBytes() };
  } finally {
    await browser.close();
  }
}

async function measureBaseline(server, filePath) {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('.toolbar');
    // the same settled page as the app's load (the warm-up would otherwise share its main thread)
    await settled(page);
    const r = await page.evaluate(async (url) => {
      const t0 = performance.now();
      const buf = await (await fetch(url)).arrayBuffer();
      const t1 = performance.now();
      const text = new TextDecoder().decode(buf);
      const t2 = performance.now();
      const v = JSON.parse(text);
      const t3 = performance.now();
      window.__keep = v;
      return { fetch: t1 - t0, decode: t2 - t1, parse: t3 - t2, total: t3 - t0 };
    }, server.dataUrl(filePath));
    r.peakRss = rendererPeakBytes();
    return r;
  } finally {
    await browser.close();
  }
}

const root = await serveFromMemory(ROOT);
// BENCH_DIST: another build of the app under the repository (to compare builds in one session)
const server = { url: `${root.url}${process.env.BENCH_DIST ?? "dist"}/`, stop: root.stop, dataUrl: (p) => `${root.url}bench/data/${path.basename(p)}` };
// one static server for every measurement, stopped however the run ends
process.on('exit', () => root.stop());
const results = [];
{
  // BENCH_LIGHT_SIZES: the same trees with payloads on LLM spans only (more spans per byte)
  const light = (process.env.BENCH_LIGHT_SIZES ?? '100000').split(',').filter(Boolean).map((n) => [Number(n), true]);
  for (const [n, isLight] of [...SIZES.map((n) => [n, false]), ...light]) {
    const p = file(n, { light: isLight });
    const bytes = fs.statSync(p).size;
    const app = [];
    const base = [];
    for (let i = 0; i < RUNS; i++) {
      app.push(await measureApp(server, n, p));
      base.push(await measureBaseline(server, p));
    }
    // BENCH_AT_ONCE_SIZES: also opened right after the toolbar is drawn, before the page settles
    const atOnce = [];
    if (!isLight && (process.env.BENCH_AT_ONCE_SIZES ?? '100000').split(',').map(Number).includes(n)) {
      for (let i = 0; i < RUNS; i++) atOnce.push(await measureApp(server, n, p, null, { atOnce: true }));
    }
    const row = {
      observations: n,
      light: isLight,
      atOnceFirstTreeMs: atOnce.length ? median(atOnce.map((a) => a.firstTree)) : null,
      fileBytes: bytes,
      firstTreeMs: median(app.map((a) => a.firstTree)),
      beforeImportMs: median(app.map((a) => a.beforeImportMs)),
      clickDelayMs: median(app.map((a) => a.clickDelayMs)),
      importMs: median(app.map((a) => a.importMs)),
      buildMs: median(app.map((a) => a.buildMs)),
      // pricing every call against the same load's read+import, run by run
      priceMs: median(app.map((a) => a.priceMs)),
      priceShare: median(app.map((a) => a.priceMs / a.importMs)),
      longestTaskMs: median(app.map((a) => a.longestTask)),
      baselineParseMs: median(base.map((b) => b.parse)),
      baselineTotalMs: median(base.map((b) => b.total)),
      // each app run against the baseline run right after it: this machine's speed drifts by
      // ±20 % within minutes, which the ratio of two separate medians does not cancel
      pairedRatio: median(app.map((a, i) => a.firstTree / base[i].total)),
      pairs: app.map((a, i) => [Math.round(a.firstTree), Math.round(base[i].total)]),
      appPeakRss: median(app.map((a) => a.peakRss)),
      baselinePeakRss: median(base.map((b) => b.peakRss)),
      jsHeap: median(app.map((a) => a.jsHeap)),
      wasmMemory: median(app.map((a) => a.wasm)),
      domNodes: median(app.map((a) => a.domNodes)),
      treeRows: median(app.map((a) => a.rows)),
    };
    results.push(row);
    console.log(JSON.stringify(row));
  }
}

// 1,000,000 lean observations (no payloads): it has to open at all, and stay usable afterwards
const leanRows = [];
for (const n of (process.env.BENCH_LEAN_SIZES ?? '1000000').split(',').filter(Boolean).map(Number)) {
  const p = file(n, { lean: true });
  const app = await measureApp(server, n, p, async (page) => {
    // after the load: scroll the tree to the end and back, selecting a row, timing each step
    return page.evaluate(async () => {
      const el = document.querySelector('.tree-scroll');
      const steps = [];
      for (const top of [el.scrollHeight, 0, el.scrollHeight / 2]) {
        const t = performance.now();
        el.scrollTop = top;
        el.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        steps.push(performance.now() - t);
      }
      const t = performance.now();
      document.querySelector('.tree-row')?.click();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      steps.push(performance.now() - t);
      return steps;
    });
  });
  const row = { observations: n, fileBytes: fs.statSync(p).size, ...app };
  leanRows.push(row);
  console.log(JSON.stringify(row));
}

/** A Langfuse export whose one generation has a ~20 MB output: JSON (100k records) or plain text. */
function bigOutputFile(kind) {
  const p = path.join(DATA, `big-output-${kind}.json`);
  if (fs.existsSync(p)) return p;
  const records = [];
  for (let i = 0; i < 100_000; i++) records.push({ id: i, title: `Document ${i}`, text: 'lorem ipsum dolor sit amet '.repeat(6), score: (i % 97) / 97 });
  const output = kind === 'json' ? JSON.stringify({ results: records }) : JSON.stringify('The quick brown fox jumps over the lazy dog. '.repeat(460_000));
  const t = '2025-01-01T00:00:00.000Z';
  const body = `{"trace":{"id":"big","name":"big-output","timestamp":"${t}"},"observations":[` +
    `{"id":"root","type":"SPAN","name":"root","startTime":"${t}","endTime":"2025-01-01T00:00:02.000Z","parentObservationId":null},` +
    `{"id":"gen","type":"GENERATION","name":"huge-output","startTime":"${t}","endTime":"2025-01-01T00:00:01.000Z","parentObservationId":"root","output":${output}}]}`;
  fs.writeFileSync(p, body);
  return p;
}

/** Time from clicking the observation to its output being drawn in the detail pane. */
async function measureBigOutput(server, kind) {
  const filePath = bigOutputFile(kind);
  const browser = await launch();
  try {
    const page = await openByUrl(browser, server, filePath, '.tree-row:has-text("huge-output")');
    const sel = kind === 'json' ? '.detail .json-row' : '.detail .payload-text';
    const ms = await page.evaluate(async (sel) => {
      const row = [...document.querySelectorAll('.tree-row')].find((r) => r.textContent.includes('huge-output'));
      const t0 = performance.now();
      row.click();
      while (!document.querySelector(sel)) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    }, sel);
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    return { kind, bytes: fs.statSync(filePath).size, ms, nodes };
  } finally {
    await browser.close();
  }
}

/** Tree interactions on a loaded trace: each action until its result is painted (two frames). */
async function measureTreeInteractions(server, n) {
  const filePath = file(n);
  const browser = await launch();
  try {
    const page = await openByUrl(browser, server, filePath);
    const r = await page.evaluate(async () => {
      // main-thread time an action costs: its handler and the reactive updates it queues (until a
      // fresh task runs), plus the style/layout/paint of the next frame (rAF start → a task after it)
      const nextTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
      const time = async (f) => {
        const t0 = performance.now();
        f();
        await nextTask();
        const work = performance.now() - t0;
        const render = await new Promise((r) => requestAnimationFrame(() => { const t = performance.now(); nextTask().then(() => r(performance.now() - t)); }));
        return work + render;
      };
      const out = { scroll: [], collapseAll: [], expandAll: [], keystroke: [] };
      const el = document.querySelector('.tree-scroll');
      for (let i = 0; i < 60; i++) {
        out.scroll.push(await time(() => { el.scrollTop += 900 + (i % 5) * 3000; el.dispatchEvent(new Event('scroll')); }));
      }
      for (let i = 0; i < 5; i++) {
        out.collapseAll.push(await time(() => document.getElementById('collapse-all').click()));
        out.expandAll.push(await time(() => document.getElementById('expand-all').click()));
      }
      const input = document.querySelector('.tree-filter');
      for (const q of ['kind:tool', 'error', 'llm-4']) {
        for (let k = 1; k <= q.length; k++) {
          out.keystroke.push(await time(() => { input.value = q.slice(0, k); input.dispatchEvent(new Event('input', { bubbles: true })); }));
        }
        out.keystroke.push(await time(() => { input.value = ''; input.dispatchEvent(new Event('input', { bubbles: true })); }));
      }
      return out;
    });
    const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); return { n: s.length, p50: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], max: s[s.length - 1] }; };
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    return { observations: n, nodes, ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, stats(v)])) };
  } finally {
    await browser.close();
  }
}

/** Timeline: draw time per frame while zooming and panning, in the page's own measure. */
async function measureTimeline(server, n) {
  const filePath = file(n);
  const browser = await launch();
  try {
    const page = await openByUrl(browser, server, filePath);
    await page.click('#tab-timeline');
    await page.waitForSelector('.timeline-canvas');
    const box = await page.locator('.timeline-canvas').boundingBox();
    await page.evaluate(() => { window.__canopyFrames = []; });
    for (let i = 0; i < 60; i++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.6 * ((i * 37) % 10) / 10), box.y + 200);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, i % 2 === 0 ? -240 : 200);
      await page.keyboard.up('Control');
    }
    for (let i = 0; i < 30; i++) {
      await page.mouse.move(box.x + 600, box.y + 300);
      await page.mouse.down();
      await page.mouse.move(box.x + 600 + (i % 2 ? 150 : -150), box.y + 300 + (i % 2 ? 120 : -80), { steps: 4 });
      await page.mouse.up();
    }
    const frames = await page.evaluate(() => window.__canopyFrames.slice());
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    frames.sort((a, b) => a - b);
    const q = (p) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))];
    return { observations: n, frames: frames.length, p50: q(0.5), p95: q(0.95), max: frames[frames.length - 1], nodes };
  } finally {
    await browser.close();
  }
}

/** First paint of the empty app from the local static server: first-contentful-paint, and when
 * the toolbar (rendered by the wasm app) is there. */
async function measureFirstPaint(server) {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForSelector('.toolbar');
    return await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      toolbar: performance.now(),
    }))));
  } finally {
    await browser.close();
  }
}

let firstPaint = null;
if (!process.env.BENCH_SKIP_PAINT) {
  const runs = [];
  for (let i = 0; i < Math.max(RUNS, 3); i++) runs.push(await measureFirstPaint(server));
  firstPaint = { fcp: median(runs.map((r) => r.fcp)), toolbar: median(runs.map((r) => r.toolbar)) };
  console.log(JSON.stringify(firstPaint));
}

const interactions = [];
if (!process.env.BENCH_SKIP_INTERACTIONS) {
  for (const n of (process.env.BENCH_INTERACTION_SIZES ?? '100000').split(',').filter(Boolean).map(Number)) {
    const r = await measureTreeInteractions(server, n);
    interactions.push(r);
    console.log(JSON.stringify(r));
  }
}

const timelines = [];
if (!process.env.BENCH_SKIP_TIMELINE) {
  for (const n of (process.env.BENCH_TIMELINE_SIZES ?? '10000,100000').split(',').map(Number)) {
    const r = await measureTimeline(server, n);
    timelines.push(r);
    console.log(JSON.stringify(r));
  }
}

/** The Transcript tab of the n-observation trace: click → first blocks painted, then 120 scroll
 * steps (each to its painted frame), and the DOM it keeps. */
async function measureTranscript(server, n, steps = 0) {
  const browser = await launch();
  try {
    const page = await openByUrl(browser, server, file(n, { steps }));
    await page.evaluate(() => {
      document.addEventListener('click', (e) => { if (e.target.closest('#tab-transcript')) window.__txClick = performance.now(); }, true);
    });
    await page.click('#tab-transcript');
    await page.waitForSelector('.tx-block', { timeout: 60_000 });
    const openMs = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now() - window.__txClick))));
    const blocks = await page.evaluate(() => document.querySelectorAll('.measured-row').length);
    const scrolls = await page.evaluate(async () => {
      const el = document.querySelector('.tx-scroller');
      const out = [];
      for (let i = 0; i < 120; i++) {
        const t = performance.now();
        el.scrollTop += 700 + (i % 7) * 2000;
        el.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        out.push(performance.now() - t);
      }
      return out;
    });
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    scrolls.sort((a, b) => a - b);
    return { observations: n, runSteps: steps || null, openMs, drawn: blocks, p50: scrolls[60], p95: scrolls[114], nodes };
  } finally {
    await browser.close();
  }
}

const transcripts = [];
if (!process.env.BENCH_SKIP_TRANSCRIPT) {
  for (const n of (process.env.BENCH_TRANSCRIPT_SIZES ?? '10000,100000').split(',').filter(Boolean).map(Number)) {
    const r = await measureTranscript(server, n);
    transcripts.push(r);
    console.log(JSON.stringify(r));
  }
  // the issue's case: a 1,000-step run among 100,000 observations
  for (const n of (process.env.BENCH_TRANSCRIPT_RUN_SIZES ?? '100000').split(',').filter(Boolean).map(Number)) {
    const r = await measureTranscript(server, n, 1000);
    transcripts.push(r);
    console.log(JSON.stringify(r));
  }
}

/** The Graph and Stats tabs at n observations with about `names` distinct names: click → drawn
 *  (the graph: laid out by its worker and painted), the longest main-thread task meanwhile, and
 *  per interaction (graph: a wheel zoom step; stats: a header click that sorts) the time from the
 *  event to the next frame, p50/p95. */
async function measureViews(server, n, names) {
  const browser = await launch();
  const out = [];
  try {
    const page = await openByUrl(browser, server, file(n, { names }));
    await page.evaluate(() => {
      window.__long = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long = Math.max(window.__long, e.duration); }).observe({ type: 'longtask' });
    });
    const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const open = async (tab, ready) => {
      await page.evaluate(() => { window.__long = 0; });
      const t0 = await page.evaluate(() => performance.now());
      await page.click(tab);
      await page.waitForFunction(ready, null, { timeout: 120_000, polling: 'raf' });
      const ms = (await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now()))))) - t0;
      return { ms, longest: await page.evaluate(() => window.__long) };
    };
    const steps = async (act) => {
      const xs = [];
      for (let i = 0; i < 40; i++) xs.push(await page.evaluate(act, i));
      xs.sort((a, b) => a - b);
      return { p50: xs[20], p95: xs[38] };
    };
    // first paint: the worker's quick sketch (or dagre's layout, for a small graph); then dagre's
    const graph = await open('#tab-graph', () => document.querySelector('.graph-node'));
    const t1 = await page.evaluate(() => performance.now());
    await page.waitForFunction(() => !/laying out/.test(document.querySelector('.graph-status')?.textContent ?? 'laying out'), null, { timeout: 120_000, polling: 'raf' });
    const laidOut = graph.ms + (await page.evaluate(() => performance.now())) - t1;
    const longest = await page.evaluate(() => window.__long);
    const nodes = await page.$$eval('.graph-node', (els) => els.length);
    const zoom = await steps((i) => new Promise((r) => {
      const el = document.querySelector('.graph-frame');
      const t = performance.now();
      el.dispatchEvent(new WheelEvent('wheel', { deltaY: i % 2 ? 120 : -120, clientX: 300, clientY: 300, bubbles: true, cancelable: true }));
      requestAnimationFrame(() => r(performance.now() - t));
    }));
    out.push({ view: 'graph', observations: n, items: nodes, openMs: graph.ms, longest, action: `wheel zoom step (dagre's layout drawn at ${laidOut.toFixed(0)} ms)`, ...zoom, dom: await page.evaluate(() => document.getElementsByTagName('*').length) });
    await frame();
    const stats = await open('#tab-stats', () => document.querySelector('.stats-view [role=row]'));
    const rows = await page.evaluate(() => Number((document.querySelector('.stats-summary')?.textContent ?? '').replace(/,/g, '').match(/\d+/)?.[0] ?? 0));
    const sort = await steps((i) => new Promise((r) => {
      const heads = document.querySelectorAll('.stats-view [role=columnheader]');
      const t = performance.now();
      heads[1 + (i % (heads.length - 1))].click();
      requestAnimationFrame(() => r(performance.now() - t));
    }));
    out.push({ view: 'stats', observations: n, items: rows, openMs: stats.ms, longest: stats.longest, action: 'sort by a column', ...sort, dom: await page.evaluate(() => document.getElementsByTagName('*').length) });
    await frame();
    const flame = await open('#tab-flame', () => document.querySelector('.flame-canvas[data-count]:not([data-count="0"])'));
    const boxes = await page.$eval('.flame-canvas', (c) => Number(c.dataset.count));
    const flameZoom = await steps((i) => new Promise((r) => {
      const c = document.querySelector('.flame-canvas');
      const t = performance.now();
      c.dispatchEvent(new WheelEvent('wheel', { deltaY: i % 2 ? 120 : -120, ctrlKey: true, clientX: 300, clientY: 100, bubbles: true, cancelable: true }));
      requestAnimationFrame(() => r(performance.now() - t));
    }));
    out.push({ view: 'flame', observations: n, items: boxes, openMs: flame.ms, longest: flame.longest, action: 'ctrl+wheel zoom step', ...flameZoom, dom: await page.evaluate(() => document.getElementsByTagName('*').length) });
    await frame();
    const spans = await open('#nav-spans', () => document.querySelector('.spans-table [role=row]'));
    const shown = await page.$eval('.spans-count', (e) => Number(e.dataset.shown));
    const spanSort = await steps((i) => new Promise((r) => {
      const heads = document.querySelectorAll('.spans-page [role=columnheader]');
      const t = performance.now();
      heads[1 + (i % (heads.length - 1))].click();
      requestAnimationFrame(() => r(performance.now() - t));
    }));
    out.push({ view: 'spans', observations: n, items: shown, openMs: spans.ms, longest: spans.longest, action: 'sort by a column', ...spanSort, dom: await page.evaluate(() => document.getElementsByTagName('*').length) });
  } finally {
    await browser.close();
  }
  return out;
}

const views = [];
if (!process.env.BENCH_SKIP_VIEWS) {
  for (const n of (process.env.BENCH_VIEW_SIZES ?? '100000').split(',').filter(Boolean).map(Number)) {
    for (const r of await measureViews(server, n, 1320)) {
      views.push(r);
      console.log(JSON.stringify(r));
    }
  }
}

/** 100,000 traces of one span each: open the list, then scroll it step by step. */
async function measureTraceList(server) {
  const p = path.join(DATA, 'otlp-100k-traces.json');
  if (!fs.existsSync(p)) {
    const spans = [];
    for (let i = 0; i < 100_000; i++) {
      const start = 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_000n;
      spans.push(JSON.stringify({ traceId: i.toString(16).padStart(32, '0'), spanId: '0000000000000001', name: `request-${i}`,
        startTimeUnixNano: start.toString(), endTimeUnixNano: (start + BigInt(1_000_000 + (i % 977) * 1000)).toString(),
        attributes: [{ key: 'session.id', value: { stringValue: `s-${i % 5000}` } }], status: i % 101 === 0 ? { code: 2 } : {} }));
    }
    fs.writeFileSync(p, `{"resourceSpans":[{"scopeSpans":[{"spans":[${spans.join(',')}]}]}]}`);
  }
  const browser = await launch();
  try {
    const page = await openByUrl(browser, server, p);
    const t0 = Date.now();
    await page.click('#nav-traces');
    await page.waitForSelector('.traces-page .tr');
    const openMs = Date.now() - t0;
    const steps = await page.evaluate(async () => {
      const el = document.querySelector('.table-scroll');
      const out = [];
      for (let i = 0; i < 120; i++) {
        const t = performance.now();
        el.scrollTop += 700 + (i % 7) * 2000;
        el.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        out.push(performance.now() - t);
      }
      return out;
    });
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    steps.sort((a, b) => a - b);
    return { openMs, p50: steps[60], p95: steps[114], nodes };
  } finally {
    await browser.close();
  }
}

let traceList = null;
if (!process.env.BENCH_SKIP_LIST) {
  traceList = await measureTraceList(server);
  console.log(JSON.stringify(traceList));
}

const bigOutputs = [];
if (!process.env.BENCH_SKIP_OUTPUT) {
  for (const kind of ['json', 'text']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measureBigOutput(server, kind));
    const r = { ...runs[0], ms: median(runs.map((x) => x.ms)) };
    bigOutputs.push(r);
    console.log(JSON.stringify(r));
  }
}

// Binary OTLP against the OTLP JSON of the same spans (issue 26), each pair in one run: the .pb is
// written from the JSON by protobuf's own encoder (bench/otlp_pb.py), with a python that has
// opentelemetry-proto (BENCH_PROTO_PYTHON; skipped with a note where it has not)
const protoRows = [];
for (const spec of (process.env.BENCH_PROTO_SIZES ?? '100000,lean-100000').split(',').filter(Boolean)) {
  const lean = spec.startsWith('lean-');
  const n = Number(spec.replace('lean-', ''));
  const json = file(n, { lean });
  const pb = json.replace(/\.json$/, '.pb');
  try {
    if (!fs.existsSync(pb)) execFileSync(process.env.BENCH_PROTO_PYTHON ?? 'python3', [path.join(ROOT, 'bench/otlp_pb.py'), json, pb], { stdio: 'inherit' });
  } catch (e) {
    console.log(`protobuf rows skipped: bench/otlp_pb.py needs opentelemetry-proto (${e.message})`);
    break;
  }
  root.preload(pb);
  const pairs = [];
  for (let i = 0; i < RUNS; i++) pairs.push([await measureApp(server, n, json), await measureApp(server, n, pb)]);
  const row = {
    observations: n, lean, jsonBytes: fs.statSync(json).size, pbBytes: fs.statSync(pb).size,
    jsonImportMs: median(pairs.map(([j]) => j.importMs)), pbImportMs: median(pairs.map(([, p]) => p.importMs)),
    jsonFirstTreeMs: median(pairs.map(([j]) => j.firstTree)), pbFirstTreeMs: median(pairs.map(([, p]) => p.firstTree)),
    importRatio: median(pairs.map(([j, p]) => j.importMs / p.importMs)),
    firstTreeRatio: median(pairs.map(([j, p]) => j.firstTree / p.firstTree)),
  };
  protoRows.push(row);
  console.log(JSON.stringify(row));
}

const mb = (b) => (b / 1e6).toFixed(1);
const lines = [
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${mb(os.totalmem())} MB RAM; ${new Date().toISOString().slice(0, 10)}; median of ${RUNS} runs`,
  '',
  '| observations | file MB | first tree ms (first byte, read+import, of which build) | longest task ms | JSON.parse ms (fetch+decode+parse) | ratio (median of paired runs) | peak renderer RSS MB (JSON.parse page) | JS heap MB | wasm memory MB | DOM nodes | tree rows |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map((r) => `| ${r.observations}${r.light ? ' (LLM payloads only)' : ''} | ${mb(r.fileBytes)} | ${r.firstTreeMs.toFixed(0)} (${r.beforeImportMs.toFixed(0)}, ${r.importMs.toFixed(0)}, ${r.buildMs.toFixed(0)}) | ${r.longestTaskMs.toFixed(0)} | ${r.baselineParseMs.toFixed(0)} (${r.baselineTotalMs.toFixed(0)}) | ${(r.firstTreeMs / r.baselineTotalMs).toFixed(2)} (${r.pairedRatio.toFixed(2)}) | ${mb(r.appPeakRss)} (${mb(r.baselinePeakRss)}) | ${mb(r.jsHeap)} | ${mb(r.wasmMemory)} | ${r.domNodes} | ${r.treeRows} |`),
];
if (results.length) {
  lines.push('', `First tree is timed from the click's event time in the page; Playwright's \`click\` got there a median of ${median(results.map((r) => r.clickDelayMs)).toFixed(0)} ms after it was called (its own checks, not counted).`);
}
for (const r of results.filter((r) => Number.isFinite(r.priceMs))) {
  lines.push('', `The ${r.observations}${r.light ? ' (LLM payloads only)' : ''} file's calls priced from the price table once it arrived: ${r.priceMs.toFixed(1)} ms, ${(r.priceShare * 100).toFixed(1)} % of its read+import (median of paired runs; target ≤ 5 %).`);
}
for (const r of results.filter((r) => r.atOnceFirstTreeMs !== null)) {
  lines.push('', `The ${r.observations} file opened right after the toolbar is drawn (before the page's idle warm-up import is done): first tree ${r.atOnceFirstTreeMs.toFixed(0)} ms, ${(r.atOnceFirstTreeMs / r.baselineTotalMs).toFixed(2)}× the JSON.parse median.`);
}
if (leanRows.length) {
  lines.push('', '| lean trace (no payloads) | file MB | first tree ms (first byte, read+import, of which build) | longest task ms | wasm memory MB | scroll to end, top, middle; click → painted ms | DOM nodes |', '|---|---:|---:|---:|---:|---|---:|');
  for (const r of leanRows) lines.push(`| ${r.observations} observations | ${mb(r.fileBytes)} | ${r.firstTree.toFixed(0)} (${r.beforeImportMs.toFixed(0)}, ${r.importMs.toFixed(0)}, ${r.buildMs.toFixed(0)}) | ${r.longestTask.toFixed(0)} | ${mb(r.wasm)} | ${r.afterSteps.map((x) => x.toFixed(0)).join(', ')} | ${r.domNodes} |`);
}
if (protoRows.length) {
  lines.push('', '| same spans, OTLP JSON vs binary OTLP | JSON MB | protobuf MB | read+import ms JSON / protobuf | JSON ÷ protobuf (median of paired runs) | first tree ms JSON / protobuf | ratio |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const r of protoRows) lines.push(`| ${r.observations}${r.lean ? ' lean' : ''} | ${mb(r.jsonBytes)} | ${mb(r.pbBytes)} | ${r.jsonImportMs.toFixed(0)} / ${r.pbImportMs.toFixed(0)} | ${r.importRatio.toFixed(2)} | ${r.jsonFirstTreeMs.toFixed(0)} / ${r.pbFirstTreeMs.toFixed(0)} | ${r.firstTreeRatio.toFixed(2)} |`);
}
if (firstPaint) {
  lines.push('', '| empty app from the local static server | first contentful paint ms | toolbar drawn ms |', '|---|---:|---:|');
  lines.push(`| median of ${Math.max(RUNS, 3)} fresh browsers | ${firstPaint.fcp.toFixed(0)} | ${firstPaint.toolbar.toFixed(0)} |`);
}
if (interactions.length) {
  lines.push('', '| tree at N observations: main-thread ms per action (handler + updates + next frame) | count | p50 | p95 | max |', '|---|---:|---:|---:|---:|');
  const label = { scroll: 'scroll step', collapseAll: 'collapse all', expandAll: 'expand all', keystroke: 'filter keystroke' };
  for (const r of interactions) for (const k of Object.keys(label)) lines.push(`| ${r.observations}: ${label[k]} | ${r[k].n} | ${r[k].p50.toFixed(1)} | ${r[k].p95.toFixed(1)} | ${r[k].max.toFixed(1)} |`);
}
if (timelines.length) {
  lines.push('', '| timeline, zooming and panning | frames drawn | draw ms p50 | p95 | max | DOM nodes |', '|---|---:|---:|---:|---:|---:|');
  for (const t of timelines) lines.push(`| ${t.observations} observations | ${t.frames} | ${t.p50.toFixed(2)} | ${t.p95.toFixed(2)} | ${t.max.toFixed(2)} | ${t.nodes} |`);
}
if (transcripts.length) {
  lines.push('', '| transcript tab | click → painted ms | rows drawn | scroll step → painted, p50 ms | p95 ms | DOM nodes |', '|---|---:|---:|---:|---:|---:|');
  for (const t of transcripts) lines.push(`| ${t.observations} observations${t.runSteps ? `, a ${t.runSteps}-step run` : ''} | ${t.openMs.toFixed(0)} | ${t.drawn} | ${t.p50.toFixed(1)} | ${t.p95.toFixed(1)} | ${t.nodes} |`);
}
if (views.length) {
  lines.push('', '| view at N observations (about 1,000 distinct names) | nodes / rows | click → drawn ms | longest task ms | interaction | p50 ms | p95 ms | DOM nodes |', '|---|---:|---:|---:|---|---:|---:|---:|');
  for (const v of views) lines.push(`| ${v.view}, ${v.observations} | ${v.items} | ${v.openMs.toFixed(0)} | ${v.longest.toFixed(0)} | ${v.action} | ${v.p50.toFixed(1)} | ${v.p95.toFixed(1)} | ${v.dom} |`);
}
if (traceList) {
  lines.push('', '| trace list, 100,000 traces | open list ms | scroll step → painted, p50 ms | p95 ms | DOM nodes |', '|---|---:|---:|---:|---:|');
  lines.push(`| sorted by start, 5,000 sessions | ${traceList.openMs} | ${traceList.p50.toFixed(1)} | ${traceList.p95.toFixed(1)} | ${traceList.nodes} |`);
}
if (bigOutputs.length) {
  lines.push('', '| large output in the detail pane | file MB | click → drawn ms | DOM nodes after |', '|---|---:|---:|---:|');
  for (const b of bigOutputs) lines.push(`| ${b.kind === 'json' ? '20 MB JSON output (100k records, JSON tree)' : '20 MB text output'} | ${mb(b.bytes)} | ${b.ms.toFixed(0)} | ${b.nodes} |`);
}
fs.writeFileSync(path.join(OUT, 'results.md'), lines.join('\n') + '\n');
fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 1));
console.log('\n' + lines.join('\n'));
root.stop();
