// The walk through every page and view of the app on real runs, as a user reaches them, and the
// invariants every page must hold. `make gallery` (gallery.mjs) photographs each step;
// walk.test.mjs asserts the invariants at each step, wide and on touch screens.
import { dropFiles, ROOT } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const SHARED = path.resolve(ROOT, '../shared/fixtures');
/** Real runs written by real libraries (scripts/realdata): a LangGraph session of three turns. */
const CORPUS = ['tests/fixtures/realdata/openinference-langchain/traces.otlp.jsonl'];

/** Every shared fixture (real files from public projects) and the corpus runs, as dropped files. */
export function fixtures() {
  const out = [];
  for (const dir of fs.readdirSync(SHARED).sort()) {
    const full = path.join(SHARED, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full).sort()) {
      if (f.endsWith('.json')) out.push({ name: f, content: fs.readFileSync(path.join(full, f), 'utf8') });
    }
  }
  for (const f of CORPUS) out.push({ name: path.basename(path.dirname(f)) + '.jsonl', content: fs.readFileSync(path.join(ROOT, f), 'utf8') });
  return out;
}

/** Screens the walk runs on. Touch screens get a finger's pointer (rows and buttons of 40 px). */
export const SCREENS = {
  wide: { viewport: { width: 1400, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  tablet: { viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true },
};

const narrow = (page) => page.viewportSize().width <= 820;

/** Back to the pages' tabs: closes the detail over the tree (narrow screens) and any dialog. */
async function home(page) {
  if (await page.isVisible('#detail-back')) await page.click('#detail-back');
  await page.keyboard.press('Escape');
}

async function openTrace(page, text) {
  await home(page);
  await page.click('#nav-traces');
  await page.click(`.traces-page .tr:has-text("${text}")`);
  await page.click('#tab-tree');
  await page.waitForSelector('.tree-row');
}

/** A toolbar button: on a narrow screen it is in the menu. */
async function toolbar(page, selector) {
  if (narrow(page) && !(await page.isVisible(selector))) await page.click('#menu-toggle');
  await page.click(selector);
}

/** The steps, in an order where none undoes what a later one needs (the last two change data). */
export const STEPS = [
  ['traces', async (page) => { await home(page); await page.click('#nav-traces'); await page.waitForSelector('.traces-page .tr'); }],
  ['sessions', async (page) => { await home(page); await page.click('#nav-sessions'); await page.waitForSelector('.session-row'); }],
  ['session', async (page) => {
    await home(page);
    await page.click('#nav-sessions');
    await page.click('.session-row:has-text("sess-1")');
    await page.waitForSelector('.turn');
  }],
  ['scores', async (page) => { await home(page); await page.click('#nav-scores'); await page.waitForSelector('.score-card'); }],
  ['spans', async (page) => { await home(page); await page.click('#nav-spans'); await page.waitForSelector('.spans-page [role=row]'); }],
  ['costs', async (page) => { await home(page); await page.click('#nav-costs'); await page.waitForSelector('#costs-page .breakdown-row'); }],
  ['tree', async (page) => { await openTrace(page, 'beeai'); }],
  ['detail', async (page) => {
    await openTrace(page, 'beeai');
    await page.click('.tree-row:has(.kind-generation) >> nth=0');
    await page.waitForSelector('.detail .facts');
  }],
  ['json', async (page) => {
    await openTrace(page, 'beeai');
    // the first step whose detail holds JSON that is not messages
    for (let i = 0; i < 29 && !(await page.$('.detail .json-row')); i++) {
      await home(page);
      await page.click(`.tree-row >> nth=${i}`);
      await page.waitForTimeout(60);
    }
    await page.waitForSelector('.detail .json-row', { timeout: 1000 });
    await page.$eval('.detail .json-view', (el) => el.scrollIntoView({ block: 'start' }));
  }],
  ['trace-costs', async (page) => {
    await openTrace(page, 'beeai');
    await page.click('#tab-costs');
    await page.waitForSelector('#trace-costs .breakdown-row');
  }],
  ['transcript', async (page) => {
    await openTrace(page, 'tools_turn');
    await page.click('#tab-transcript');
    await page.waitForSelector('.tx-block[data-kind=turn]');
    await page.click('.tx-block[data-kind=turn] >> nth=0');
    await page.waitForSelector('.detail .facts');
  }],
  ['timeline', async (page) => {
    await openTrace(page, 'beeai');
    await page.click('#tab-timeline');
    await page.waitForSelector('.timeline-canvas');
  }],
  ['graph', async (page) => {
    await openTrace(page, 'tools_turn');
    await page.click('#tab-graph');
    await page.waitForSelector('.graph-node');
    await page.waitForFunction(() => !/laying out/.test(document.querySelector('.graph-status')?.textContent ?? 'laying out'));
  }],
  ['flame', async (page) => {
    await openTrace(page, 'tools_turn');
    await page.click('#tab-flame');
    await page.waitForSelector('.flame-canvas[data-count]:not([data-count="0"])');
  }],
  ['stats', async (page) => {
    await openTrace(page, 'beeai');
    await page.click('#tab-stats');
    await page.waitForSelector('.stats-view [role=row]');
  }],
  ['compare', async (page) => {
    await openTrace(page, 'rag_turn');
    const other = (await page.textContent('.trace-id')).trim();
    await openTrace(page, 'tools_turn');
    await page.fill('.compare-with input', other);
    await page.click('#compare-go');
    await page.waitForSelector('.compare-row');
  }],
  ['prices', async (page) => {
    // the Prices panel over the app's models.json: a search, one price of the user's, the form open
    await home(page);
    await toolbar(page, '#open-prices');
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
  ['notices', async (page) => {
    // a file that does not open (an error banner) over a trace whose import warnings are open
    await page.keyboard.press('Escape');
    await page.click('#prices-close').catch(() => {});
    await openTrace(page, 'beeai');
    await dropFiles(page, [{ name: 'half.json', content: '{"resourceSpans": [' }]);
    await page.waitForSelector('.error-banner');
    await page.$eval('.warnings', (d) => { d.open = true; });
  }],
];

/** Opens the app with every fixture dropped at once and waits until the last file is in. */
export async function load(page, url) {
  page.setDefaultTimeout(5000);
  await page.goto(url);
  await page.waitForSelector('.toolbar');
  await dropFiles(page, fixtures());
  await page.waitForSelector('#nav-traces');
  let last = '';
  for (let same = 0; same < 4; ) {
    await page.waitForTimeout(250);
    const now = await page.textContent('#nav-traces');
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

/** What every page must hold (issue 34): the page never wider than the window, no words a
 *  template left unfilled, no `$0` for a cost nobody knows, no text cut off without its whole in
 *  a hover title. Returns the breaches, each said in a line. */
export async function breaches(page) {
  return page.evaluate(() => {
    const out = [];
    const de = document.documentElement;
    if (de.scrollWidth > window.innerWidth + 1) out.push(`the page is ${de.scrollWidth} px wide in a ${window.innerWidth} px window`);
    // the app's own words: trace content (payloads, attributes, names) may say anything
    const own = (el) => !el.closest('.detail-section, .payload-text, .message-text, .json-view, .tx-text, .turn-user, .turn-answer, .hit-snippet, .markdown, .row-name, .td, .trace-name, .tx-title, .error-text');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !own(el) || !el.getClientRects().length) continue;
      for (const bad of ['(s)', 'NaN', 'undefined', '[object Object]']) {
        if (n.textContent.includes(bad)) out.push(`"${bad}" in "${n.textContent.trim().slice(0, 80)}"`);
      }
      if (/\$0(?![.,\d])/.test(n.textContent)) out.push(`"$0" in "${n.textContent.trim().slice(0, 80)}"`);
    }
    for (const el of document.querySelectorAll('body *')) {
      const cs = getComputedStyle(el);
      if (cs.textOverflow !== 'ellipsis' || el.scrollWidth <= el.clientWidth + 1 || !el.getClientRects().length) continue;
      if (el.closest('[title]') || el.closest('[aria-hidden=true]')) continue;
      out.push(`cut off without a title: <${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent.trim().slice(0, 60)}"`);
    }
    return [...new Set(out)];
  });
}
