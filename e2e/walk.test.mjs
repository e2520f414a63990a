// Every page and view on real runs (walk.mjs), wide and on touch screens: no page error, no
// sideways scroll, no unfilled words, no `$0` for an unknown cost, no cut text without a title.
// Then the phone's own ways: the toolbar's menu, the detail over the tree and back, 40 px targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, newPage } from './harness.mjs';
import { STEPS, SCREENS, load, breaches } from './walk.mjs';

const server = await serve();
const browser = await launch();
test.after(async () => { await browser.close(); server.stop(); });

for (const screen of ['wide', 'phone', 'tablet']) {
  test(`every page reads whole on a ${screen} screen`, async () => {
    const errors = [];
    const { viewport, ...options } = SCREENS[screen];
    const page = await newPage(browser, errors, viewport, options);
    await load(page, server.url);
    const found = [];
    for (const [name, go] of STEPS) {
      await go(page);
      await page.waitForTimeout(150);
      found.push(...(await breaches(page)).map((b) => `${name}: ${b}`));
    }
    await page.close();
    assert.deepEqual(found, []);
    assert.deepEqual(errors.filter((e) => !e.includes('half.json')), []);
  });
}

async function phone() {
  const errors = [];
  const { viewport, ...options } = SCREENS.phone;
  const page = await newPage(browser, errors, viewport, options);
  await load(page, server.url);
  return { page, errors };
}

test('on a phone the toolbar folds into a menu, and a pick closes it', async () => {
  const { page, errors } = await phone();
  assert.equal(await page.isVisible('#open-file'), true, 'opening a file stays in sight');
  for (const id of ['#open-url', '#open-connect', '#open-prices', '#copy-link']) {
    assert.equal(await page.isVisible(id), false, `${id} waits in the menu`);
  }
  await page.click('#menu-toggle');
  assert.equal(await page.getAttribute('#menu-toggle', 'aria-expanded'), 'true');
  assert.equal(await page.isVisible('#open-prices'), true);
  await page.click('#open-prices');
  await page.waitForSelector('#prices-panel');
  assert.equal(await page.getAttribute('#menu-toggle', 'aria-expanded'), 'false');
  assert.equal(await page.isVisible('#open-connect'), false);
  await page.close();
  assert.deepEqual(errors, []);
});

test('on a phone the detail opens over the tree; its Back button and the browser back return to it', async () => {
  const { page, errors } = await phone();
  await page.click('#nav-traces');
  await page.click('.traces-page .tr:has-text("beeai")');
  await page.click('#tab-tree');
  await page.waitForSelector('.tree-row');
  assert.equal(await page.isVisible('.trace-list'), false, 'the trace list is its own page (the Traces tab)');
  assert.equal(await page.isVisible('#detail-pane'), false, 'nothing chosen: the tree has the screen');

  const row = page.locator('.tree-row:has(.kind-generation)').first();
  const name = (await row.locator('.row-name').textContent()).trim();
  await row.tap();
  await page.waitForSelector('#detail-pane.open');
  const cover = await page.$eval('#detail-pane', (d) => { const r = d.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; });
  assert.deepEqual(cover, [0, 0, 390, 844], 'the detail covers the screen');
  assert.equal((await page.textContent('.detail-title h3')).trim(), name);
  await page.waitForFunction(() => location.hash.includes('obs='));

  await page.tap('#detail-back');
  await page.waitForSelector('#detail-pane', { state: 'hidden' });
  assert.equal(await page.isVisible('.tree-row'), true);
  await page.waitForFunction(() => !location.hash.includes('obs='));

  // the browser's back (a phone's back gesture) closes it too, and forward opens it again
  await row.tap();
  await page.waitForSelector('#detail-pane.open');
  await page.waitForFunction(() => location.hash.includes('obs='));
  await page.goBack();
  await page.waitForSelector('#detail-pane', { state: 'hidden' });
  assert.match(await page.textContent('#nav-trace'), /beeai/, 'back closed the detail, not the trace');
  await page.goForward();
  await page.waitForSelector('#detail-pane.open');
  assert.equal((await page.textContent('.detail-title h3')).trim(), name);
  await page.close();
  assert.deepEqual(errors, []);
});

test('on a touch screen rows, tabs and buttons are at least 40 px tall', async () => {
  const { page, errors } = await phone();
  await page.click('#nav-traces');
  const sizes = async (sel) => page.$$eval(sel, (els) => els.filter((e) => e.getClientRects().length).map((e) => Math.round(e.getBoundingClientRect().height)));
  const small = (hs) => hs.filter((h) => h < 40);
  assert.deepEqual(small(await sizes('.traces-page .tr')), []);
  await page.click('.traces-page .tr:has-text("beeai")');
  await page.click('#tab-tree');
  await page.waitForSelector('.tree-row');
  for (const sel of ['.tree-row', '.nav-tabs .tab', '.view-tabs .tab', '.toolbar .btn', '.tree-tools .btn']) {
    const hs = await sizes(sel);
    assert.ok(hs.length > 0, sel);
    assert.deepEqual(small(hs), [], sel);
  }
  // a tight column's `1.2k tok` has the exact count in its hover
  const tok = await page.$eval('.tree-row .row-tokens', (e) => [e.textContent, e.title]);
  assert.match(tok[0], /^[\d.]+k? tok$/);
  assert.match(tok[1], /^\d{1,3}(,\d{3})* tokens?$/);
  // rows are placed at the height they are drawn: the 29 rows of the trace end at 29 × 40 px
  const spacer = await page.$eval('.tree-scroll .spacer', (s) => s.getBoundingClientRect().height);
  assert.equal(spacer, 29 * 40);
  await page.close();
  assert.deepEqual(errors, []);
});
