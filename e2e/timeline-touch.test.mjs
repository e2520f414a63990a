// The timeline on a phone (issue 34): it stays inside its own frame, and touches on it never move the page;
// two fingers pinch to zoom around their midpoint and one finger pans, with real touch events
// sent through the DevTools protocol (as a phone's touch screen sends them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();

async function phone() {
  const errors = [];
  const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${app.server.url}?url=demo/agent-tools.json`);
  await page.waitForSelector('.tree-row');
  await page.tap('#tab-timeline');
  await page.waitForSelector('.timeline-canvas');
  return { page, errors, cdp: await context.newCDPSession(page) };
}

/** A time as the window label writes it (`840ms`, `1.13s`), in seconds. */
const seconds = (t) => {
  const [, n, unit] = t.match(/^([\d.]+)(ns|µs|ms|s)$/);
  return Number(n) * { ns: 1e-9, 'µs': 1e-6, ms: 1e-3, s: 1 }[unit];
};
const windowNs = (page) => page.$eval('.timeline-canvas', (c) => Number(c.dataset.windowNs));

/** Fingers from `from` to `to` (lists of [x, y], one per finger) in `steps` moves. */
async function touch(cdp, from, to, steps = 8) {
  const points = (t) => from.map(([x, y], id) => ({ x: x + (to[id][0] - x) * t, y: y + (to[id][1] - y) * t, id }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(0) });
  for (let i = 1; i <= steps; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(i / steps) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

test('on a phone the timeline stays in its frame; a pinch zooms around the fingers, a finger pans', async () => {
  const { page, errors, cdp } = await phone();
  // the timeline fits its pane, which does not scroll sideways (the page's width beside it is the
  // trace view's: tree or timeline and the detail pane side by side)
  const pane = await page.$eval('.timeline-pane', (p) => [p.scrollWidth, p.clientWidth]);
  assert.ok(pane[0] <= pane[1], `${pane}`);
  const box = await page.locator('.timeline-canvas').boundingBox();
  const paneBox = await page.locator('.timeline-pane').boundingBox();
  assert.ok(box.x >= paneBox.x && box.x + box.width <= paneBox.x + paneBox.width + 1, JSON.stringify([box, paneBox]));
  // what the gestures do to the page itself: nothing (no page zoom, no sideways scroll)
  const still = () => page.evaluate(() => [visualViewport.scale, visualViewport.pageLeft, scrollX]);
  assert.deepEqual(await still(), [1, 0, 0]);
  const all = await windowNs(page);
  assert.equal(await page.textContent('.timeline-window'), '0ns – 6.1s');
  // two fingers 40 px apart around a point a quarter of the way across spread to 160 px apart
  const [cx, cy] = [box.x + box.width / 4, box.y + 120];
  await touch(cdp, [[cx - 20, cy], [cx + 20, cy]], [[cx - 80, cy], [cx + 80, cy]]);
  await page.waitForFunction((all) => Number(document.querySelector('.timeline-canvas').dataset.windowNs) < all, all);
  const pinched = await windowNs(page);
  assert.ok(Math.abs(pinched / all - 0.25) < 0.02, `a quarter of the window: ${pinched} of ${all}`);
  // around the fingers: the window starts at three quarters of the time that was left of them
  const [start] = (await page.textContent('.timeline-window')).split(' – ');
  assert.match(start, /^1\.1\ds$/, `${start}: 6.1 s / 4 × 3 / 4`);
  assert.deepEqual(await still(), [1, 0, 0], 'a pinch does not zoom the page');
  // one finger dragged right pans back in time: as wide, earlier
  await touch(cdp, [[cx, cy]], [[cx + 60, cy]]);
  await page.waitForFunction((s) => !document.querySelector('.timeline-window').textContent.startsWith(s), start);
  assert.ok(Math.abs((await windowNs(page)) - pinched) <= 1, 'a pan keeps the width');
  const [after] = (await page.textContent('.timeline-window')).split(' – ');
  assert.ok(seconds(after) < seconds(start), `${after} before ${start}`);
  assert.deepEqual(await still(), [1, 0, 0], 'a pan does not scroll the page');
  // a tap still selects the row under it
  await page.tap('.timeline-canvas', { position: { x: box.width / 2, y: 24 + 11 } });
  await page.waitForFunction(() => document.querySelector('.timeline-canvas').dataset.selected !== '');
  assert.deepEqual(errors, []);
});
