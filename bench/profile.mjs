// Where the time of opening a file by address goes: a CPU profile (DevTools protocol, 200 µs
// samples) of one load in headless Chromium, printed as self time and inclusive time per function.
// Build `distprof/` first (scripts/profile-build.sh keeps the wasm's function names).
// FILE=<name in bench/data> (default otlp-100000.json), DIST=<dir>, TOP=<rows>, UNDER=<name part>
// adds the self time of everything called under the functions whose name contains it.
// ACTION=filter profiles filter keystrokes on the loaded tree instead of the load, ACTION=scroll
// the bench's tree scroll steps; WARM=1 the second load of the file in the same page.
import { launch, ROOT } from '../e2e/harness.mjs';
import { serveFromMemory } from './serve.mjs';
import { clickAt, settled } from './rounds.mjs';

const root = await serveFromMemory(ROOT);
root.preload(`${ROOT}/bench/data/${process.env.FILE ?? 'otlp-100000.json'}`);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${root.url}${process.env.DIST ?? 'distprof'}/`);
  await page.waitForSelector('.toolbar');
  // as `make bench` opens files: once the page has settled (warm-up done, 2 s since navigation)
  await settled(page);
  await page.fill('#url-input', `${root.url}bench/data/${process.env.FILE ?? 'otlp-100000.json'}`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  // ACTION=filter: profile the bench's filter keystrokes (three words typed and cleared, ROUNDS
  // times) on the loaded tree instead of the load; ACTION=scroll: its tree scroll steps (jumps of
  // 900 to 12,900 px, 60 per round), each followed by a frame
  const action = process.env.ACTION;
  if (action && !['filter', 'scroll'].includes(action)) throw new Error(`ACTION=${action}: filter or scroll`);
  // WARM=1: load the file once first and profile the second load of the same page (memory already
  // grown and touched, code already compiled)
  if (process.env.WARM) {
    await page.click('#open-url');
    await page.waitForFunction(() => performance.getEntriesByName('canopy:import-end').length > 0, null, { timeout: 300_000 });
    await page.fill('#url-input', `${root.url}bench/data/${process.env.FILE ?? 'otlp-100000.json'}?again`);
  }
  if (!action) await cdp.send('Profiler.start');
  const t0 = await clickAt(page, '#open-url');
  if (process.env.WARM) {
    await page.waitForFunction(() => performance.getEntriesByName('canopy:import-end').length > 1, null, { timeout: 300_000 });
  } else {
    await page.waitForSelector('.tree-row', { timeout: 300_000 });
  }
  console.log('first tree row after', Math.round((await page.evaluate(() => performance.now())) - t0), 'ms');
  if (action) {
    await cdp.send('Profiler.start');
    const ms = await page.evaluate(async ([action, rounds]) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const input = document.querySelector('.tree-filter');
      const el = document.querySelector('.tree-scroll');
      const t = performance.now();
      for (let i = 0; i < rounds; i++) {
        if (action === 'scroll') {
          el.scrollTop = 0;
          for (let s = 1; s < 60; s++) {
            el.scrollTop += 900 + (s % 5) * 3000;
            el.dispatchEvent(new Event('scroll'));
            await frame();
          }
          continue;
        }
        for (const q of ['kind:tool', 'error', 'llm-4', '']) {
          for (let k = Math.min(1, q.length); k <= q.length; k++) {
            input.value = q.slice(0, k);
            input.dispatchEvent(new Event('input', { bubbles: true }));
            await frame();
          }
        }
      }
      return performance.now() - t;
    }, [action, Number(process.env.ROUNDS ?? 3)]);
    console.log(action === 'scroll' ? 'scroll steps' : 'keystrokes', 'took', Math.round(ms), 'ms');
  }
  const { profile } = await cdp.send('Profiler.stop');

  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id) => node.get(id).callFrame.functionName || `(${node.get(id).callFrame.url.split('/').pop()}:${node.get(id).callFrame.lineNumber + 1})`;
  const self = new Map();
  const inclusive = new Map();
  const under = new Map();
  const callers = new Map();
  let total = 0;
  // TIMELINE=1: what the main thread did in each 100 ms of the load
  const buckets = [];
  const bucketOf = (id) => {
    const n = name(id);
    if (n === '(idle)' || n === '(program)' || n === '(garbage collector)') return n;
    for (let p = id; p; p = parent.get(p)) if (name(p).includes('canopy::import')) return 'import';
    return 'other';
  };
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i];
    total += dt;
    const b = Math.floor(total / 100_000);
    buckets[b] ??= {};
    buckets[b][bucketOf(id)] = (buckets[b][bucketOf(id)] ?? 0) + dt;
    self.set(name(id), (self.get(name(id)) ?? 0) + dt);
    const seen = new Set();
    let inside = false;
    for (let p = id; p; p = parent.get(p)) {
      const k = name(p);
      if (process.env.UNDER && p !== id && k.includes(process.env.UNDER)) inside = true;
      if (!seen.has(k)) inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
      seen.add(k);
    }
    if (inside) under.set(name(id), (under.get(name(id)) ?? 0) + dt);
    // CALLERS=<name part>: who calls the functions whose name contains it
    if (process.env.CALLERS && name(id).includes(process.env.CALLERS) && parent.get(id)) {
      const k = name(parent.get(id));
      callers.set(k, (callers.get(k) ?? 0) + dt);
    }
  });
  const top = Number(process.env.TOP ?? 40);
  const print = (title, m) => {
    console.log(`--- ${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log((v / 1000).toFixed(1).padStart(8), `${((100 * v) / total).toFixed(1)}%`.padStart(6), k.slice(0, 150));
    }
  };
  print('self ms', self);
  print('inclusive ms (canopy)', new Map([...inclusive].filter(([k]) => k.includes('canopy::'))));
  if (process.env.UNDER) print(`self ms under ${process.env.UNDER}`, under);
  if (process.env.CALLERS) print(`callers of ${process.env.CALLERS} (self ms)`, callers);
  if (process.env.TIMELINE) {
    console.log('--- per 100 ms: import / other / (program) / (idle) / (garbage collector), ms');
    buckets.forEach((b, i) => {
      const ms = (k) => ((b?.[k] ?? 0) / 1000).toFixed(0).padStart(4);
      console.log(`${String(i * 100).padStart(6)} ${ms('import')} ${ms('other')} ${ms('(program)')} ${ms('(idle)')} ${ms('(garbage collector)')}`);
    });
  }
} finally {
  await browser.close();
  root.stop();
}
