// The crash notice (public/canopy-crash.js): the release build traps on a panic with no message, and
// the page shows a report to copy and a Reload button instead of going dead. A real WebAssembly trap
// is raised in the page by a tiny module whose one function is `unreachable`, what a panic compiles to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();

/** Calls an exported wasm function that traps, from a timer (`how: 'timer'`) or a promise job. */
async function trap(page, how) {
  await page.evaluate((how) => {
    // (module (func (export "f") unreachable))
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
      0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
    ]);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    if (how === 'timer') setTimeout(() => exports.f());
    else Promise.resolve().then(() => exports.f());
  }, how);
}

async function loaded(errors) {
  const page = await newPage(app.browser, errors);
  await page.goto(app.server.url);
  await page.waitForSelector('.welcome, .shell', { timeout: 10_000 });
  return page;
}

test('a trap shows the report selected to copy, with the version and wasm frames only, and Reload brings the app back', async () => {
  const errors = [];
  const page = await loaded(errors);
  assert.equal(await page.locator('.crash-report').count(), 0, 'no notice before a crash');
  await trap(page, 'timer');
  const notice = page.locator('.crash-report[role=alert]');
  await notice.waitFor({ timeout: 5_000 });
  const report = await notice.locator('textarea').inputValue();
  assert.match(report, /^Canopy 0\.1\.0 crashed: RuntimeError: unreachable\nat wasm-function\[0\]:0x[0-9a-f]+\nbrowser: Mozilla\/5\.0 /, report);
  const selected = await page.evaluate(() => {
    const a = document.querySelector('.crash-report textarea');
    return document.activeElement === a && a.selectionStart === 0 && a.selectionEnd === a.value.length;
  });
  assert.ok(selected, 'the whole report is selected for Ctrl+C');
  // a second trap adds no second notice
  await trap(page, 'timer');
  await page.waitForTimeout(200);
  assert.equal(await page.locator('.crash-report').count(), 1);
  await Promise.all([page.waitForEvent('load'), notice.locator('button.crash-reload').click()]);
  await page.waitForSelector('.welcome, .shell', { timeout: 10_000 });
  assert.equal(await page.locator('.crash-report').count(), 0, 'reloaded without the notice');
  await page.close();
});

test('a trap in a promise job shows the notice too; a script error that is no trap shows none', async () => {
  const errors = [];
  const page = await loaded(errors);
  await page.evaluate(() => setTimeout(() => { throw new TypeError('not from the wasm module'); }));
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.crash-report').count(), 0, 'a TypeError is not a crash of the module');
  await trap(page, 'promise');
  await page.locator('.crash-report[role=alert]').waitFor({ timeout: 5_000 });
  assert.match(await page.locator('.crash-report textarea').inputValue(), /crashed: RuntimeError: unreachable\n/);
  await page.close();
});
