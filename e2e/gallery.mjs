// `make gallery`: a screenshot of every page, wide and on a phone, from real files (every shared
// fixture dropped at once), into target/gallery/ — to look at what a change did, as a user would.
import { serve, launch, newPage, dropFiles, ROOT } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const OUT = path.resolve(ROOT, process.argv[2] ?? 'target/gallery');
const SHARED = path.resolve(ROOT, '../shared/fixtures');
const SIZES = { wide: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };

function fixtures() {
  const out = [];
  for (const dir of fs.readdirSync(SHARED).sort()) {
    const full = path.join(SHARED, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full).sort()) {
      if (f.endsWith('.json')) out.push({ name: f, content: fs.readFileSync(path.join(full, f), 'utf8') });
    }
  }
  return out;
}

/** The pages, each reached as a user would from the loaded set. */
const PAGES = [
  ['traces', async (page) => { await page.click('#nav-traces'); await page.waitForSelector('.traces-page .tr'); }],
  ['sessions', async (page) => { await page.click('#nav-sessions'); await page.waitForSelector('.session-row'); }],
  ['session', async (page) => { await page.click('#nav-sessions'); await page.click('.session-row >> nth=0'); await page.waitForSelector('.turn'); }],
  ['scores', async (page) => { await page.click('#nav-scores'); await page.waitForSelector('.score-card'); }],
  ['costs', async (page) => { await page.click('#nav-costs'); await page.waitForSelector('#costs-page .breakdown-row'); }],
  ['trace', async (page) => {
    await page.click('#nav-traces');
    await page.click('.traces-page .tr:has-text("beeai")');
    await page.waitForSelector('.tree-row');
    await page.click('.tree-row:has(.kind-generation) >> nth=0');
    await page.waitForSelector('.detail .facts');
  }],
  ['trace-costs', async (page) => {
    await page.click('#nav-traces');
    await page.click('.traces-page .tr:has-text("beeai")');
    await page.click('#tab-costs');
    await page.waitForSelector('#trace-costs .breakdown-row');
  }],
  ['transcript', async (page) => {
    await page.click('#nav-traces');
    await page.click('.traces-page .tr:has-text("LangGraph")');
    await page.click('#tab-transcript');
    await page.waitForSelector('.tx-block[data-kind=turn]');
    await page.click('.tx-block[data-kind=turn] >> nth=1');
    await page.waitForSelector('.detail .facts');
  }],
  ['json', async (page) => {
    await page.click('#nav-traces');
    await page.click('.traces-page .tr:has-text("beeai")');
    await page.waitForSelector('.tree-row');
    // the first step whose detail holds JSON that is not messages
    for (let i = 0; i < 29 && !(await page.$('.detail .json-row')); i++) {
      await page.click(`.tree-row >> nth=${i}`);
      await page.waitForTimeout(100);
    }
    await page.waitForSelector('.detail .json-row', { timeout: 1000 });
    await page.$eval('.detail .json-view', (el) => el.scrollIntoView({ block: 'start' }));
  }],
  ['timeline', async (page) => {
    await page.click('#nav-traces');
    await page.click('.traces-page .tr:has-text("beeai")');
    await page.click('.view-tabs >> text=Timeline');
    await page.waitForSelector('.timeline-canvas');
  }],
  ['notices', async (page) => {
    // a file that does not open (an error banner) over a trace whose import warnings are open
    await page.click('#nav-traces');
    await page.click('.traces-page .tr:has-text("beeai")');
    await page.waitForSelector('.tree-row');
    await dropFiles(page, [{ name: 'half.json', content: '{"resourceSpans": [' }]);
    await page.waitForSelector('.error-banner');
    await page.$eval('.warnings', (d) => { d.open = true; });
  }],
  ['prices', async (page) => {
    // the Prices panel over the app's models.json: a search, one price of the user's, the form open
    await page.click('#open-prices');
    await page.waitForSelector('.price-row');
    await page.fill('#prices-search', 'gpt-4o');
    await page.click('.price-row >> nth=1 >> .price-edit');
    await page.fill('#price-field-2', '2');
    await page.click('#price-save');
    await page.fill('#prices-search', 'gpt-4o');
    await page.click('.price-row >> nth=0 >> .price-edit');
    await page.fill('#price-field-3', '-4');
    await page.click('#price-save');
  }],
  ['compare', async (page) => {
    await page.click('#nav-traces');
    await page.click('.traces-page .tr >> nth=0');
    await page.waitForSelector('.trace-list-row');
    await page.click('.trace-list-row >> nth=1 >> .compare-this');
    await page.waitForSelector('.compare-row');
  }],
];

/** Files dropped together open one after another (each shows as it comes): wait for the last. */
async function settled(page) {
  let last = '';
  for (let same = 0; same < 4; ) {
    await page.waitForTimeout(250);
    const now = await page.textContent('#nav-traces');
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

fs.mkdirSync(OUT, { recursive: true });
const server = await serve();
const browser = await launch();
const files = fixtures();
const failed = [];
try {
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const [name, go] of PAGES) {
      const errors = [];
      const page = await newPage(browser, errors, viewport);
      try {
        await page.goto(server.url);
        await page.waitForSelector('.toolbar');
        await dropFiles(page, files);
        await page.waitForSelector('#nav-traces');
        await settled(page);
        await go(page);
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(OUT, `${name}-${size}.png`) });
        if (errors.length) failed.push(`${name}-${size}: ${errors.join('; ')}`);
      } catch (e) {
        await page.screenshot({ path: path.join(OUT, `${name}-${size}.failed.png`) }).catch(() => {});
        failed.push(`${name}-${size}: ${e.message.split('\n')[0]} ${errors.join('; ')}`);
      } finally {
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.stop();
}
console.log(`gallery: ${PAGES.length * Object.keys(SIZES).length - failed.length} screenshots in ${path.relative(ROOT, OUT)}/`);
if (failed.length) {
  console.error(failed.join('\n'));
  process.exit(1);
}
