// Hostile content and privacy, in the built page: script planted in every string of every trace
// file we have stays text; opening, reading, searching and exporting send nothing anywhere;
// keys never reach the address, storage, the console, messages or exports; the
// Content-Security-Policy refuses inline script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { newPage, dropFiles, DIST, ROOT, withAppAndBrowser } from './harness.mjs';
import { startLangfuseReplay } from './langfuse-replay.mjs';
import { planted } from './plant.mjs';

const SHARED = path.resolve(ROOT, '../shared/fixtures');
const app = withAppAndBrowser();

/** Every trace file we have: the shared real ones, our edge cases, the demos. */
function traceFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.jsonl?$/.test(e.name)) out.push(p);
    }
  };
  for (const d of [SHARED, path.join(ROOT, 'tests/fixtures'), path.join(ROOT, 'public/demo')]) walk(d);
  // broken files are refused by design; the Markdown spec examples are no trace file
  const notTraces = [`${path.sep}broken${path.sep}`, `${path.sep}markdown${path.sep}`];
  // nor are the corpus' bookkeeping files: the independent reader's expectations, the body index
  const bookkeeping = (p) => /(^|[\\/])(expected\.json|index\.jsonl|[^\\/]*\.expected\.json)$/.test(p);
  return out.filter((p) => !notTraces.some((d) => p.includes(d)) && !bookkeeping(p)).sort();
}

/** A page whose every request (the page's, workers', anything in its context) is recorded. */
async function recordedPage(errors, viewport = { width: 1280, height: 800 }) {
  const context = await app.browser.newContext({ viewport, acceptDownloads: true });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page, requests };
}

/** Nothing ran, nothing became markup, no link or frame can run script. */
async function assertInert(page, where) {
  const found = await page.evaluate(() => ({
    xss: window.__xss,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).map((e) => e.outerHTML.slice(0, 80)),
    frames: document.querySelectorAll('iframe, object, embed, svg[onload], script:not([src])').length,
    jsLinks: [...document.querySelectorAll('[href], [src]')].filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src'))).length,
    plantedImages: document.querySelectorAll('img[src="x"], img[src*="tracker.invalid"]').length,
  }));
  assert.deepEqual(found, { xss: undefined, handlers: [], frames: 0, jsLinks: 0, plantedImages: 0 }, where);
}

const ownServer = (requests) => requests.filter((u) => !u.startsWith(app.server.url) && !/^(blob|data):/.test(u));

test('script planted in every field of every format stays text in every view', async () => {
  const files = traceFiles();
  assert.ok(files.length >= 30, `files: ${files.length}`);
  const errors = [];
  const { context, page, requests } = await recordedPage(errors);
  let shownAsText = 0;
  // files of scores or annotations alone show no trace rows: their values are checked inert, and
  // may not show the payload as text (a score's value is a number)
  let scoresOnly = 0;
  const notShown = [];
  const SHOWN = '<img src=x onerror="window.__xss=1">';
  for (const file of files) {
    const name = path.basename(file);
    let shown = false;
    if (process.env.E2E_VERBOSE) console.log(`planted: ${name}`);
    await page.goto(app.server.url);
    await page.waitForSelector('.toolbar');
    const t0 = await page.evaluate(() => performance.now());
    await dropFiles(page, [{ name, content: planted(file) }]);
    // a file of scores alone shows no trace: then the reading ends with the welcome page still up
    await page.waitForFunction((t0) => document.querySelector('.trace-header, .error-banner')
      || (performance.now() - t0 > 1000 && !document.querySelector('.loading')?.textContent), t0);
    const hadRows = Boolean(await page.$('.tree-row'));
    if (hadRows) {
      // every row's detail (up to 40 per file), then the timeline
      const rows = Math.min(await page.locator('.tree-row').count(), 40);
      for (let i = 0; i < rows; i++) {
        // the tree is virtualized: once the detail opens, a row near the end may not be drawn, so
        // after the first click the keyboard walks the rows (the selection scrolls into view)
        if (i === 0) await page.locator('.tree-row').nth(0).click();
        else await page.keyboard.press('ArrowDown');
        await page.waitForSelector('.detail');
        // open every folded part of the detail: raw JSON, long texts
        for (const d of await page.$$('.detail details:not([open])')) await d.evaluate((e) => { e.open = true; });
        await assertInert(page, `${name} row ${i}`);
        if (!shown && (await page.evaluate(() => document.body.innerText)).includes(SHOWN)) shown = true;
      }
      await page.click('#tab-timeline');
      await page.waitForTimeout(50);
      await assertInert(page, `${name} timeline`);
      await page.click('#tab-tree');
    }
    for (const nav of ['#nav-traces', '#nav-sessions', '#nav-scores']) {
      if (await page.$(nav)) {
        await page.click(nav);
        await page.waitForTimeout(30);
        await assertInert(page, `${name} ${nav}`);
        if (!shown && (await page.evaluate(() => document.body.innerText)).includes(SHOWN)) shown = true;
      }
    }
    if (!shown && (await page.evaluate(() => document.body.innerText)).includes(SHOWN)) shown = true;
    if (shown) shownAsText += 1;
    else if (hadRows) notShown.push(name);
    else scoresOnly += 1;
  }
  // the payload really reached the page, as visible text, for nearly every file
  assert.ok(scoresOnly <= 15, `${scoresOnly} files showed no trace`);
  assert.ok(shownAsText >= files.length - scoresOnly - 3, `payload shown as text in ${shownAsText} of ${files.length - scoresOnly} files with traces; not in ${notShown}`);
  assert.deepEqual(ownServer(requests), [], 'no planted image, frame or style was fetched');
  assert.deepEqual(errors, [], 'no CSP violation, no page error');
  await context.close();
});

test('opening, reading, searching, comparing and exporting send nothing anywhere; remote images only when asked', async () => {
  const errors = [];
  // tall enough for every trace's row in the (virtualized) list
  const { context, page, requests } = await recordedPage(errors, { width: 1280, height: 1600 });
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  const tracker = fs.readFileSync(path.join(ROOT, 'public/demo/agent-tools.json'), 'utf8')
    .replace('"What is the weather in Paris', '"See http://tracker.invalid/link and ![p](http://tracker.invalid/md.png). What is the weather in Paris');
  const image = JSON.stringify({
    trace: { id: 'img-trace', name: 'with an image' },
    observations: [{ id: 'g', type: 'GENERATION', name: 'look', startTime: '2025-01-01T00:00:00Z',
      input: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'http://tracker.invalid/pixel.png' } }] }] }],
  });
  const shared = traceFiles().filter((f) => f.startsWith(SHARED)).map((f) => ({ name: path.basename(f), content: fs.readFileSync(f, 'utf8') }));
  await dropFiles(page, [...shared, { name: 'tracker.json', content: tracker }, { name: 'image.json', content: image }]);
  // the files open one after another; each shows itself when it is done
  await page.waitForFunction((n) => Number(document.querySelector('#nav-traces')?.textContent.match(/\((\d+)\)/)?.[1]) >= n
    && !document.querySelector('#load-progress') && !document.querySelector('.loading')?.textContent, shared.length, { timeout: 30000 });
  // read every trace: each row's detail, the timeline
  await page.click('#nav-traces');
  await page.waitForSelector('.traces-page .tr');
  // the list is virtualized: the traces on screen
  const loaded = Number((await page.textContent('#nav-traces')).match(/\((\d+)\)/)[1]);
  assert.ok(loaded >= 14, `traces: ${loaded}`);
  // the list is virtualized: read the rows on screen at the top, then at the bottom of the list
  const scrollList = (where) => page.evaluate((where) => {
    let e = document.querySelector('.traces-page .tr');
    while (e && !/auto|scroll/.test(getComputedStyle(e).overflowY)) e = e.parentElement;
    if (e) { e.scrollTop = where === 'end' ? e.scrollHeight : 0; e.dispatchEvent(new Event('scroll')); }
  }, where);
  const read = new Set();
  for (const where of ['top', 'end']) {
    for (let t = 0; ; t++) {
      await page.click('#nav-traces');
      await page.waitForSelector('.traces-page .tr');
      await scrollList(where);
      await page.waitForTimeout(50);
      const row = page.locator('.traces-page .tr').nth(t);
      if (!(await row.count())) break;
      read.add(await row.evaluate((e) => e.style.top)); // its place in the list: unique
      await row.click();
      await page.waitForSelector('.trace-header');
      const rows = Math.min(await page.locator('.tree-row').count(), 15);
      for (let i = 0; i < rows; i++) await page.locator('.tree-row').nth(i).click();
      if (rows) {
        await page.click('#tab-timeline');
        await page.click('#tab-tree');
      }
    }
  }
  assert.equal(read.size, loaded, 'every trace was opened and read');
  // search, filter, sessions, scores, compare
  await page.click('#nav-traces');
  await page.fill('input[placeholder^="Filter: words"]', 'travel-agent');
  await page.click('.traces-page .tr:has-text("travel-agent")');
  await page.waitForSelector('.tree-row');
  await page.fill('.tree-filter input, input[placeholder^="Filter: name"]', 'weather');
  await page.click('#nav-traces');
  await page.fill('input[placeholder^="Search inside every trace"]', 'Paris');
  await page.waitForTimeout(300);
  await page.fill('input[placeholder^="Filter: words"]', 'level:error');
  await page.waitForTimeout(100);
  await page.click('#nav-sessions');
  await page.click('#nav-scores');
  await page.click('#nav-traces');
  await page.fill('input[placeholder^="Filter: words"]', '');
  await page.locator('.traces-page .tr').nth(0).click();
  await page.waitForSelector('.tree-row');
  // compare the shown trace with another (hover shows the ⇄ of another row)
  await page.hover('.trace-list-row >> nth=1');
  await page.click('.trace-list-row >> nth=1 >> .compare-this');
  await page.waitForSelector('#compare-summary');
  const compared = page.locator('.compare-row, .compare-rows .row').first();
  if (await compared.count()) await compared.click();
  // export every format
  for (const format of ['canopy', 'otlp', 'langfuse']) {
    await page.click('#open-export');
    await page.selectOption('#export-scope', 'all');
    await page.selectOption('#export-format', format);
    await Promise.all([page.waitForEvent('download'), page.click('#export-save')]);
    await page.click('.modal-backdrop', { position: { x: 5, y: 5 } });
  }
  assert.deepEqual(ownServer(requests), [], 'nothing left the page');
  const own = [...new Set(requests.filter((u) => u.startsWith(app.server.url)).map((u) => new URL(u).pathname))];
  const dist = new Set(fs.readdirSync(DIST).map((f) => `/${f}`));
  assert.deepEqual(own.filter((p) => p !== '/' && !dist.has(p)), [], `only the app's own files were asked for: ${own}`);
  // an image in a message is fetched only when the user asks
  await page.click('#nav-traces');
  await page.click('.traces-page .tr:has-text("with an image")');
  await page.click('.tree-row:has-text("look")');
  await page.waitForSelector('.remote-image');
  assert.deepEqual(ownServer(requests), [], 'shown as an address first');
  await page.click('.remote-image button');
  await page.waitForFunction(() => document.querySelector('img[src="http://tracker.invalid/pixel.png"]'));
  await page.waitForTimeout(200);
  assert.deepEqual(ownServer(requests), ['http://tracker.invalid/pixel.png'], 'the one request the user asked for');
  assert.deepEqual(errors.filter((e) => !/ERR_NAME_NOT_RESOLVED|Failed to load resource/.test(e)), []);
  await context.close();
});

test('keys and header tokens never reach the address, storage, the console, messages or exports', async () => {
  const PK = 'pk-lf-PUBLIC0123456789', SK = 'sk-lf-SECRET9876543210', TOKEN = 'Bearer tok-SECRET-abcdef';
  const fixture = path.join(SHARED, 'langfuse/beeai-2025-08-01.trace.json');
  const lf = await startLangfuseReplay({ fixtures: [fixture], publicKey: PK, secretKey: SK, allowOrigin: app.server.url.replace(/\/$/, '') });
  try {
    const errors = [];
    const { context, page } = await recordedPage(errors);
    const logs = [], addresses = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('framenavigated', (f) => addresses.push(f.url()));
    await page.addInitScript(() => {
      for (const m of ['pushState', 'replaceState']) {
        const orig = history[m].bind(history);
        history[m] = (s, t, u) => { window.__addresses = [...(window.__addresses ?? []), String(u ?? '')]; return orig(s, t, u); };
      }
    });
    await page.goto(app.server.url);
    const connect = async (sk) => {
      await page.click('#open-connect');
      await page.selectOption('#connect-source', 'langfuse');
      await page.fill('#connect-host', lf.url);
      await page.fill('#connect-pk', PK);
      await page.fill('#connect-sk', sk);
    };
    // a wrong secret first: its message must not echo it
    await connect(`${SK}-wrong`);
    await page.click('#connect-count');
    await page.waitForFunction(() => /401/.test(document.querySelector('.connect-status')?.textContent ?? ''));
    const refused = await page.textContent('.connect-status');
    await page.click('.modal-backdrop', { position: { x: 5, y: 5 } });
    await connect(SK);
    await page.click('#connect-load-langfuse');
    await page.waitForSelector('.tree-row');
    await page.waitForFunction(() => !document.querySelector('#load-progress'));
    // a file behind a header token, and one whose server refuses it
    // a file host that wants the token, allowing this page by CORS
    const spec = fs.readFileSync(path.join(SHARED, 'otlp/spec-example.json'));
    let authorized = 0;
    const fileHost = http.createServer((req, res) => {
      const cors = { 'access-control-allow-origin': app.server.url.replace(/\/$/, ''), 'access-control-allow-headers': 'authorization' };
      if (req.method === 'OPTIONS') { res.writeHead(204, cors); return res.end(); }
      // a presigned address: the signature in the query is the credential
      if (req.url.startsWith('/signed/') && req.url.includes('X-Amz-Signature=tok-SECRET-abcdef')) {
        res.writeHead(200, { 'content-type': 'application/json', ...cors });
        return res.end(fs.readFileSync(path.join(ROOT, 'public/demo/rag-chain.otlp.json')));
      }
      if (req.headers.authorization !== TOKEN) { res.writeHead(403, cors); return res.end(); }
      authorized += 1;
      res.writeHead(200, { 'content-type': 'application/json', ...cors });
      res.end(spec);
    });
    await new Promise((r) => fileHost.listen(0, '127.0.0.1', r));
    fileHost.url = `http://127.0.0.1:${fileHost.address().port}/`;
    try {
      await page.click('#open-connect');
      await page.selectOption('#connect-source', 'url');
      await page.fill('#connect-host', `${fileHost.url}otlp/spec-example.json?token=tok-SECRET-abcdef`);
      await page.fill('#connect-headers', `Authorization: ${TOKEN}`);
      await page.click('#connect-load-url');
      await page.waitForFunction(() => /Traces \(2\)/.test(document.querySelector('#nav-traces')?.textContent));
      assert.equal(authorized, 1, 'the file came with its token');
      // a presigned address typed in Open URL: opened, but kept out of the address and links
      const signed = `${fileHost.url}signed/run.json?X-Amz-Date=1&X-Amz-Signature=tok-SECRET-abcdef`;
      await page.fill('#url-input', signed);
      await page.click('#open-url');
      await page.waitForFunction(() => /Traces \(3\)/.test(document.querySelector('#nav-traces')?.textContent));
      await page.click('#copy-link');
      await page.waitForSelector('#share-warning');
      assert.match(await page.textContent('#share-warning'), /run\.json\?… \(its address carries X-Amz-Signature, which links never carry\)/);
      // the same address given as ?url=: it opens, and the page's address drops it at once
      const other = await context.newPage();
      const otherAddresses = [];
      other.on('framenavigated', (f) => otherAddresses.push(f.url()));
      await other.goto(`${app.server.url}?url=${encodeURIComponent(signed)}`);
      await other.waitForSelector('.tree-row');
      await other.waitForTimeout(500);
      assert.ok(!other.url().includes('SECRET'), other.url());
      assert.ok(otherAddresses.slice(1).every((u) => !u.includes('SECRET')), otherAddresses.join('\n'));
      await other.close();
    } finally {
      fileHost.close();
    }
    const exports = [];
    for (const format of ['canopy', 'otlp', 'langfuse']) {
      await page.click('#open-export');
      await page.selectOption('#export-scope', 'all');
    await page.selectOption('#export-format', format);
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('#export-save')]);
      exports.push(fs.readFileSync(await d.path(), 'utf8'));
      await page.click('.modal-backdrop', { position: { x: 5, y: 5 } });
    }
    const seen = {
      address: [page.url(), ...addresses, ...(await page.evaluate(() => window.__addresses ?? []))].join('\n'),
      storage: await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })),
      cookies: JSON.stringify(await context.cookies()),
      console: logs.join('\n'),
      page: await page.evaluate(() => document.documentElement.outerHTML.replace(/<input[^>]*>/g, '')),
      messages: refused + (await page.$$eval('.error-banner, .connect-status, .share-panel', (els) => els.map((e) => e.textContent).join('\n'))),
      exports: exports.join('\n'),
    };
    assert.ok(seen.exports.includes('096fc09a30ab90d2431778f9ee2b3936'), 'the exports hold the trace');
    for (const [where, text] of Object.entries(seen)) {
      for (const secret of [SK, 'SECRET9876543210', 'tok-SECRET-abcdef', Buffer.from(`${PK}:${SK}`).toString('base64')]) {
        assert.ok(!text.includes(secret), `${secret} found in ${where}`);
      }
    }
    // the form fields still hold them for the next request, as the user typed them (not in the DOM text)
    await context.close();
  } finally {
    lf.stop();
  }
});

test('the Content-Security-Policy is in force: no inline script in the page, and an injected one does not run', async () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/);
  const inline = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !/\bsrc=/.test(m[1]) || m[2].trim());
  assert.deepEqual(inline.map((m) => m[0]), [], 'every script is a file');
  const errors = [];
  const page = await newPage(app.browser, errors);
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.append(s);
    const d = document.createElement('div');
    d.setAttribute('style', 'color: red');
    document.body.append(d);
    await new Promise((r) => setTimeout(r, 50));
    return { script: window.__inline, style: getComputedStyle(d).color };
  });
  assert.deepEqual(ran, { script: undefined, style: getComputedStyleDefault(ran.style) });
  assert.ok(errors.some((e) => /Content Security Policy/.test(e)), `the browser reports the refusal: ${errors}`);
});

// an inline style refused leaves the inherited text colour (not red)
function getComputedStyleDefault(got) {
  assert.notEqual(got, 'rgb(255, 0, 0)', 'inline style is refused');
  return got;
}

/** Files that break parsers, each with what the page must show for it. */
function hostileFiles() {
  const fixture = fs.readFileSync(path.join(SHARED, 'langfuse/beeai-2025-08-01.trace.json'), 'utf8');
  // each span its own trace, so each file adds one
  const span = (i, extra = '') => `{"traceId":"${(i + 1).toString(16).padStart(32, 'a')}","spanId":"${(i + 1).toString(16).padStart(16, '0')}","name":"s${i}","startTimeUnixNano":"1000","endTimeUnixNano":"2000"${extra}}`;
  const otlp = (spans) => `{"resourceSpans":[{"scopeSpans":[{"spans":[${spans.join(',')}]}]}]}`;
  const attrs = Array.from({ length: 1_000_000 }, (_, i) => `{"key":"k${i}","value":{"intValue":"${i}"}}`).join(',');
  const utf16 = Buffer.from(`\ufeff${fixture}`, 'utf16le');
  return [
    { name: 'truncated.json', content: fixture.slice(0, fixture.length / 2), error: /truncated\.json: not valid JSON: line \d+, column \d+: EOF/ },
    { name: 'empty.json', content: '', error: /empty\.json: the file is empty/ },
    { name: 'binary.json', content: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)), error: /binary\.json: / },
    { name: 'archive.json', content: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]), error: /archive\.json: this is not a text file \(it looks like a zip archive\)/ },
    { name: 'deep.json', content: '['.repeat(100_000) + ']'.repeat(100_000), error: /deep\.json: / },
    { name: 'utf16.json', content: utf16, trace: /observations\s*29/ },
    { name: 'latin1.json', content: Buffer.from('{"trace":{"id":"latin1","name":"caf\xe9"},"observations":[{"id":"a","name":"step"}]}', 'latin1'), trace: /caf\ufffd/ },
    { name: 'huge-numbers.json', content: otlp([span(0, ',"attributes":[{"key":"llm.token_count.total","value":{"intValue":"18446744073709551616"}}]').replace('"1000"', '"99999999999999999999999"')]), trace: /s0/ },
    { name: 'years.json', content: '{"trace":{"id":"years","timestamp":"9999-12-31T23:59:59Z"},"observations":[{"id":"a","name":"ancient","startTime":"0001-01-01T00:00:00Z","endTime":"9999-12-31T23:59:59Z"}]}', trace: /ancient/ },
    { name: 'backwards.json', content: '{"trace":{"id":"back"},"observations":[{"id":"a","name":"backwards","startTime":"2025-01-01T00:00:10Z","endTime":"2025-01-01T00:00:00Z"}]}', trace: /ends? before (it starts|they start)/ },
    { name: 'cycle.json', content: '{"trace":{"id":"cyc"},"observations":[{"id":"a","name":"a","parentObservationId":"b"},{"id":"b","name":"b","parentObservationId":"a"},{"id":"a","name":"a again"}]}', trace: /parent cycle|an id already used/ },
    { name: 'big-string.json', content: `{"trace":{"id":"big"},"observations":[{"id":"a","name":"big output","output":"${'x'.repeat(50 << 20)}"}]}`, trace: /big output/ },
    { name: 'wide.json', content: otlp([span(1, `,"attributes":[${attrs}]`)]), trace: /s1/ },
  ];
}

test('hostile files: each opens or is refused naming the file; the page stays responsive and keeps what was loaded', async () => {
  const errors = [];
  const page = await newPage(app.browser, errors);
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  await dropFiles(page, [{ name: 'first.json', content: fs.readFileSync(path.join(ROOT, 'public/demo/agent-tools.json'), 'utf8') }]);
  await page.waitForSelector('.tree-row');
  for (const f of hostileFiles()) {
    if (process.env.E2E_VERBOSE) console.log(`hostile: ${f.name}`);
    const before = Number((await page.textContent('#nav-traces')).match(/\((\d+)\)/)[1]);
    const banners = await page.locator('.error-banner').count();
    await dropFiles(page, [f]);
    await page.waitForFunction(({ before, banners }) =>
      document.querySelectorAll('.error-banner').length > banners
        || Number(document.querySelector('#nav-traces')?.textContent.match(/\((\d+)\)/)?.[1]) > before,
    { before, banners }, { timeout: 60000 });
    // the page answers at once afterwards: it never hung
    const t0 = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    assert.ok(Date.now() - t0 < 2000, `${f.name}: the page answers`);
    if (f.error) {
      const text = (await page.$$eval('.error-banner', (els) => els.map((e) => e.textContent))).join('\n');
      assert.match(text, f.error, f.name);
      assert.equal(Number((await page.textContent('#nav-traces')).match(/\((\d+)\)/)[1]), before, `${f.name}: what was loaded stays`);
    } else {
      await page.waitForSelector('.trace-header');
      // warnings sit in a folded panel: read its text too
      const shown = await page.evaluate(() => document.body.textContent);
      assert.match(shown, f.trace, f.name);
    }
    assert.ok(await page.$('.toolbar'), `${f.name}: the page is not blank`);
  }
  assert.match(await page.textContent('.trace-list'), /travel-agent/, 'the first trace is still loaded');
  assert.deepEqual(errors, []);
});

test('"Load remote images" holds for what was loaded when it was clicked: the next file asks again', async () => {
  const errors = [];
  const { context, page, requests } = await recordedPage(errors);
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  const withImage = (id, url) => ({
    name: `${id}.json`,
    content: JSON.stringify({
      trace: { id, name: `trace ${id}` },
      observations: [{ id: `${id}-g`, type: 'GENERATION', name: `look ${id}`, startTime: '2025-01-01T00:00:00Z',
        input: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url } }] }] }],
    }),
  });
  const show = async (id) => {
    await page.click('#nav-traces');
    await page.click(`.traces-page .tr:has-text("trace ${id}")`);
    await page.click(`.tree-row:has-text("look ${id}")`);
    await page.waitForSelector('.remote-image');
  };
  // file A, trusted: its image is allowed and fetched
  await dropFiles(page, [withImage('a', 'http://tracker.invalid/a.png')]);
  await page.waitForSelector('.tree-row');
  await show('a');
  await page.click('.remote-image button');
  await page.waitForFunction(() => document.querySelector('img[src="http://tracker.invalid/a.png"]'));
  await page.waitForTimeout(200);
  assert.deepEqual(ownServer(requests), ['http://tracker.invalid/a.png']);
  // file B, dropped after: its image is an address with the button again, and nothing is fetched
  await dropFiles(page, [withImage('b', 'http://tracker.invalid/b.png')]);
  await page.waitForFunction(() => /\(2\)/.test(document.querySelector('#nav-traces')?.textContent ?? ''));
  await show('b');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('img[src="http://tracker.invalid/b.png"]').count(), 0, 'not shown unasked');
  assert.equal(await page.locator('.remote-image button').count(), 1, 'the user is asked again');
  assert.deepEqual(ownServer(requests), ['http://tracker.invalid/a.png'], 'B\'s image was not fetched');
  // …until the user asks
  await page.click('.remote-image button');
  await page.waitForFunction(() => document.querySelector('img[src="http://tracker.invalid/b.png"]'));
  await page.waitForTimeout(200);
  assert.deepEqual(ownServer(requests), ['http://tracker.invalid/a.png', 'http://tracker.invalid/b.png']);
  assert.deepEqual(errors.filter((e) => !/ERR_NAME_NOT_RESOLVED|Failed to load resource/.test(e)), []);
  await context.close();
});
