// A/B of two or more builds on one file: this machine's speed drifts by ±20 % within minutes, too
// much to see a 5 % change in `make bench`'s single loads. Each round opens every build in turn
// (`rounds.mjs`), loads the file LOADS times in the same page and keeps the fastest (click to
// import-end mark). Prints each build's per-round bests and their median.
// DISTS=dist,distold (directories under the repository), FILE=<name in bench/data>, ROUNDS, LOADS.
// SETTLE=1 opens the file once the page has settled (`settled` in rounds.mjs: its warm-up import
// done and 2 s since navigation), as when a user chooses a file; WAIT_MS=<ms> waits that long
// after the toolbar instead; otherwise the file opens right after the toolbar is drawn.
import { ROOT } from '../e2e/harness.mjs';
import { serveFromMemory } from './serve.mjs';
import { clickAt, eachBuildInTurn, median, settled } from './rounds.mjs';

const dists = (process.env.DISTS ?? 'dist,distold').split(',');
const file = process.env.FILE ?? 'otlp-100000.json';
const rounds = Number(process.env.ROUNDS ?? 3);
const loads = Number(process.env.LOADS ?? 3);

const root = await serveFromMemory(ROOT);
root.preload(`${ROOT}/bench/data/${file}`);
try {
  const best = await eachBuildInTurn(dists, rounds, root.url, async (page, dist, r) => {
    if (process.env.SETTLE) await settled(page);
    if (process.env.WAIT_MS) await page.waitForTimeout(Number(process.env.WAIT_MS));
    const times = [];
    for (let i = 0; i < loads; i++) {
      await page.fill('#url-input', `${root.url}bench/data/${file}?${r}-${i}`);
      const before = await page.evaluate(() => performance.getEntriesByName('canopy:import-end').length);
      const t0 = await clickAt(page, '#open-url');
      await page.waitForFunction((n) => performance.getEntriesByName('canopy:import-end').length > n, before, {
        timeout: 300_000,
        polling: 50,
      });
      const end = await page.evaluate(() => performance.getEntriesByName('canopy:import-end').at(-1).startTime);
      times.push(end - t0);
    }
    console.log(dist, times.map(Math.round).join(' '));
    return Math.min(...times);
  });
  for (const d of dists) console.log(`${d}: best per round ${best[d].map(Math.round).join(' ')}, median ${Math.round(median(best[d]))} ms`);
} finally {
  root.stop();
}
