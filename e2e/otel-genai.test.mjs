// End-to-end: OTLP logs. The official OpenAI instrumentation's GenAI log events (a real file,
// tests/fixtures/otel-genai/) dropped before their spans wait with a notice, then show as the
// LLM span's conversation when the spans file is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();

/** The lines of the fixture's JSON Lines that hold `key`, as a file of their own. */
function part(mode, key) {
  const text = fs.readFileSync(path.join(ROOT, `tests/fixtures/otel-genai/openai-v2-${mode}.jsonl`), 'utf8');
  return { name: `${mode}-${key}.jsonl`, content: text.split('\n').filter((l) => l.includes(`"${key}"`)).join('\n') + '\n' };
}

for (const mode of ['legacy', 'latest']) {
  test(`${mode}: logs dropped before their spans wait, then show as the LLM call's messages`, async () => {
    const errors = [];
    const page = await newPage(app.browser, errors);
    await page.goto(app.server.url);
    await page.waitForSelector('.toolbar');
    await dropFiles(page, [part(mode, 'resourceLogs')]);
    await page.waitForSelector('.notice-banner');
    assert.match(await page.textContent('.notice-banner'), /log records wait for their spans/);
    assert.equal(await page.$('.error-banner'), null, 'a file of logs alone is not refused');
    await dropFiles(page, [part(mode, 'resourceSpans')]);
    await page.waitForSelector('.tree-row .kind-generation');
    assert.equal(await page.$('.notice-banner'), null, 'the notice goes once the records have joined');
    // the weather agent's second call: the tool's answer in, the final answer out
    // a locator, not element handles: the rows are drawn again when the price table arrives
    const rows = page.locator('.tree-row:has(.kind-generation)');
    assert.equal(await rows.count(), 2);
    await rows.nth(1).click();
    await page.waitForSelector('.detail .messages');
    const detail = await page.textContent('.detail');
    for (const text of ['You answer questions about the weather.', 'What is the weather in Paris?', 'get_weather',
      'It is sunny in Paris, 21 degrees.']) {
      assert.ok(detail.includes(text), `${mode}: ${text}`);
    }
    if (process.env.SHOT) await page.screenshot({ path: `${process.env.SHOT}-${mode}.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
