// Dropping a file, timed: a file made in the page from the benchmark's data is dropped on the app
// and timed from the drop to the import's end mark, builds taking turns as in `ab.mjs`
// (`rounds.mjs`). DISTS=dist,distold (directories under the repository), FILE=<name in
// bench/data>, ROUNDS. Prints each build's times and their median.
import path from 'node:path';
import { ROOT } from '../e2e/harness.mjs';
import { serveFromMemory } from './serve.mjs';
import { eachBuildInTurn, median } from './rounds.mjs';

const dists = (process.env.DISTS ?? 'dist').split(',');
const file = process.env.FILE ?? 'otlp-100000.json';
const rounds = Number(process.env.ROUNDS ?? 3);

const root = await serveFromMemory(ROOT);
root.preload(path.join(ROOT, 'bench/data', file));
try {
  const times = await eachBuildInTurn(dists, rounds, root.url, async (page, dist) => {
    const dt = await page.evaluateHandle(async (url) => {
      const blob = await (await fetch(url)).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'dropped.json', { type: 'application/json' }));
      return dt;
    }, `${root.url}bench/data/${file}`);
    const t0 = await page.evaluate(() => performance.now());
    await page.dispatchEvent('.app', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
    await page.waitForFunction(() => performance.getEntriesByName('canopy:import-end').length > 0, null, { timeout: 300_000 });
    const end = await page.evaluate(() => performance.getEntriesByName('canopy:import-end')[0].startTime);
    console.log(dist, Math.round(end - t0));
    return end - t0;
  });
  for (const d of dists) console.log(`${d}: ${times[d].map(Math.round).join(' ')}, median ${Math.round(median(times[d]))} ms`);
} finally {
  root.stop();
}
