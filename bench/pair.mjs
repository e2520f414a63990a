// Binary OTLP against the OTLP JSON of the same spans, for one or more builds, every combination
// in turn in a fresh Chromium each round (`rounds.mjs`), on a settled page, one load each (a first
// load, as `make bench`'s protobuf rows): prints click → `canopy:import-end` per round and, per
// build, the median of the paired JSON ÷ protobuf ratios.
// DISTS=dist,distold, FILES=otlp-lean-100000.json,otlp-lean-100000.pb (in bench/data), ROUNDS.
import { ROOT } from '../e2e/harness.mjs';
import { serveFromMemory } from './serve.mjs';
import { clickAt, eachBuildInTurn, median, settled } from './rounds.mjs';

const dists = (process.env.DISTS ?? 'dist,distold').split(',');
const files = (process.env.FILES ?? 'otlp-lean-100000.json,otlp-lean-100000.pb').split(',');
const rounds = Number(process.env.ROUNDS ?? 3);

const root = await serveFromMemory(ROOT);
for (const f of files) root.preload(`${ROOT}/bench/data/${f}`);
// each build × file is one "build" of the rounds, so all of them take turns
const combos = dists.flatMap((d) => files.map((f) => `${d}|${f}`));
try {
  const results = Object.fromEntries(combos.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < combos.length; k++) {
      const combo = combos[(k + r) % combos.length];
      const [dist, file] = combo.split('|');
      const one = await eachBuildInTurn([dist], 1, root.url, async (page) => {
        await settled(page);
        await page.fill('#url-input', `${root.url}bench/data/${file}?${r}`);
        const t0 = await clickAt(page, '#open-url');
        await page.waitForFunction(() => performance.getEntriesByName('canopy:import-end').length > 0, null, { timeout: 300_000, polling: 50 });
        const end = await page.evaluate(() => performance.getEntriesByName('canopy:import-end').at(-1).startTime);
        const start = await page.evaluate(() => performance.getEntriesByName('canopy:import-start').at(-1).startTime);
        return { click: end - t0, importMs: end - start };
      });
      results[combo].push(one[dist][0]);
      console.log(r, combo, Math.round(one[dist][0].click), Math.round(one[dist][0].importMs));
    }
  }
  for (const c of combos) console.log(`${c}: click→import-end median ${Math.round(median(results[c].map((x) => x.click)))} ms, import ${Math.round(median(results[c].map((x) => x.importMs)))} ms`);
  for (const d of dists) {
    const [j, p] = files.map((f) => results[`${d}|${f}`]);
    const ratios = j.map((x, i) => x.click / p[i].click);
    const iratios = j.map((x, i) => x.importMs / p[i].importMs);
    console.log(`${d}: ${files[0]} ÷ ${files[1]} per round ${ratios.map((x) => x.toFixed(2)).join(' ')}, median ${median(ratios).toFixed(2)} (import marks ${median(iratios).toFixed(2)})`);
  }
} finally {
  root.stop();
}
