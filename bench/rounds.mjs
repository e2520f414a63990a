// Builds compared round by round (`ab.mjs`, `drop.mjs`): this machine's speed drifts by ±20 %
// within minutes, so each round opens every build in turn, in a fresh Chromium. Each round starts
// with the next build: the build opened first in a round measured up to 10 % faster than the one
// after it, whichever it was.
import { launch } from '../e2e/harness.mjs';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** For each round and build: the app at `${appUrl}${dist}/`, drawn, handed to `measure(page,
 *  dist, round)`; resolves to each build's results, in round order. */
export async function eachBuildInTurn(dists, rounds, appUrl, measure) {
  const results = Object.fromEntries(dists.map((d) => [d, []]));
  for (let r = 0; r < rounds; r++) {
    for (const dist of dists.map((_, k) => dists[(k + r) % dists.length])) {
      // let the browser before this one finish closing
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const browser = await launch();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await page.goto(`${appUrl}${dist}/`);
        await page.waitForSelector('.toolbar');
        results[dist].push(await measure(page, dist, r));
      } finally {
        await browser.close();
      }
    }
  }
  return results;
}
