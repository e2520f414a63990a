// Writes docs/screenshot.png: the agent demo read as a transcript, its answer generation selected.
import { serve, launch, newPage, ROOT } from './harness.mjs';
import path from 'node:path';

const server = await serve();
const browser = await launch();
const errors = [];
try {
  const page = await newPage(browser, errors, { width: 1360, height: 820 });
  await page.goto(server.url);
  await page.click('.demo-card:has-text("Agent with tools")');
  await page.waitForSelector('.tree-row');
  await page.click('.tree-row:has-text("answer")');
  await page.waitForSelector('.detail .messages');
  await page.click('#tab-transcript');
  await page.waitForSelector('.tx-block.selected');
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.resolve(ROOT, process.argv[2] ?? 'docs/screenshot.png') });
  if (errors.length) throw new Error(errors.join('\n'));
} finally {
  await browser.close();
  server.stop();
}
