// A/B of two or more builds on one file: this machine's speed drifts by ±20 % within minutes, too
// much to see a 5 % change in `make bench`'s single loads. Each round opens every build in turn,
// loads the file LOADS times in the same page and keeps the fastest (click to import-end mark);
// builds alternate, so drift hits them alike, and each round starts with the next build (the build
// opened first in a round measured up to 10 % faster than the one after it, whichever it was).
// Prints each build's per-round bests and their median.
// DISTS=dist,distold (directories under the repository), FILE=<name in bench/data>, ROUNDS, LOADS.
import { launch, ROOT } from '../e2e/harness.mjs';
import { serveFromMemory } from './serve.mjs';

const dists = (process.env.DISTS ?? 'dist,distold').split(',');
const file = process.env.FILE ?? 'otlp-100000.json';
const rounds = Number(process.env.ROUNDS ?? 3);
const loads = Number(process.env.LOADS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = await serveFromMemory(ROOT);
root.preload(`${ROOT}/bench/data/${file}`);
const best = Object.fromEntries(dists.map((d) => [d, []]));
try {
  for (let r = 0; r < rounds; r++) {
    for (const dist of dists.map((_, k) => dists[(k + r) % dists.length])) {
      // let the browser before this one finish closing
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const browser = await launch();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await page.goto(`${root.url}${dist}/`);
        await page.waitForSelector('.toolbar');
        const times = [];
        for (let i = 0; i < loads; i++) {
          await page.fill('#url-input', `${root.url}bench/data/${file}?${r}-${i}`);
          const before = await page.evaluate(() => performance.getEntriesByName('canopy:import-end').length);
          const t0 = await page.evaluate(() => performance.now());
          await page.click('#open-url');
          await page.waitForFunction((n) => performance.getEntriesByName('canopy:import-end').length > n, before, {
            timeout: 300_000,
            polling: 50,
          });
          const end = await page.evaluate(() => performance.getEntriesByName('canopy:import-end').at(-1).startTime);
          times.push(end - t0);
        }
        best[dist].push(Math.min(...times));
        console.log(dist, times.map(Math.round).join(' '));
      } finally {
        await browser.close();
      }
    }
  }
  for (const d of dists) console.log(`${d}: best per round ${best[d].map(Math.round).join(' ')}, median ${Math.round(median(best[d]))} ms`);
} finally {
  root.stop();
}
