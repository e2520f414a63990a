// Builds compared round by round (`ab.mjs`, `drop.mjs`): this machine's speed drifts by ±20 %
// within minutes, so each round opens every build in turn, in a fresh Chromium. Each round starts
// with the next build: the build opened first in a round measured up to 10 % faster than the one
// after it, whichever it was. Also `settled`: the page as a user finds it when they choose a file
// (`run.mjs`, `ab.mjs`, `profile.mjs` open files then).
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

/** Resolves once the page has settled, as a user finds it when they choose a file: the app's
 *  idle warm-up import done (its `canopy:warm-up-end` mark; a build without one waits `ms`) and
 *  `sinceStartMs` gone since navigation. A freshly launched Chromium is still starting for a second
 *  or two (on 2 cores everything in that time runs slower, `JSON.parse` too); a user's browser is not. */
export async function settled(page, { ms = 3000, sinceStartMs = 2000 } = {}) {
  await page
    .waitForFunction(() => performance.getEntriesByName('canopy:warm-up-end').length > 0, null, { timeout: ms, polling: 50 })
    .catch(() => {});
  const now = await page.evaluate(() => performance.now());
  if (now < sinceStartMs) await page.waitForTimeout(sinceStartMs - now);
}

/** Clicks `selector` and resolves to the click's time in the page (`event.timeStamp`, on the
 *  clock of `performance.now()`): when the page got it. Playwright's own work before it (finding
 *  the element, waiting for it to be stable, scrolling, hit-testing: 40–50 ms here) is the
 *  harness's, not the app's, and `JSON.parse`'s baseline, timed inside the page, has none. */
export async function clickAt(page, selector) {
  await page.evaluate((sel) => {
    window.__clickAt = null;
    document.querySelector(sel).addEventListener('click', (e) => { window.__clickAt = e.timeStamp; }, { capture: true, once: true });
  }, selector);
  await page.click(selector);
  const at = await page.evaluate(() => window.__clickAt);
  if (typeof at !== 'number') throw new Error(`the click did not reach ${selector}`);
  return at;
}
