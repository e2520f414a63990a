// End-to-end: links that reopen the exact view, back/forward, themes, and embedding (the example
// host page driving an iframe through postMessage, the <canopy-viewer> element, a foreign origin
// refused).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, newPage, dropFiles, ROOT } from './harness.mjs';

let server, browser, foreign, foreignDir;

before(async () => {
  server = await serve();
  browser = await launch();
  // a page on another origin (another port) that tries to drive Canopy without being allowed
  foreignDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-foreign-'));
  foreign = await serve(foreignDir);
});
after(async () => {
  await browser?.close();
  server?.stop();
  foreign?.stop();
  fs.rmSync(foreignDir, { recursive: true, force: true });
});

const hashOf = (page) => new URL(page.url()).hash;
const settled = (page, re) => page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source);

test('a copied link reopens the same trace, observation, timeline zoom, filters and folds', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await page.goto(`${server.url}?url=demo/agent-tools.json`);
  await page.waitForSelector('.tree-row');
  // the query is folded into the fragment, which names the source and the trace
  await settled(page, /^#url=demo%2Fagent-tools\.json&trace=demo-agent-trace$/);
  assert.equal(new URL(page.url()).search, '');

  await page.click('.tree-row:has-text("search_flights")');
  await page.click('#tab-timeline');
  await page.waitForSelector('.timeline-canvas');
  const box = await page.locator('.timeline-canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + 100);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -500);
  await page.keyboard.up('Control');
  await page.waitForFunction(() => document.querySelector('.timeline-window').textContent !== '0ns – 6.1s');
  await settled(page, /zoom=\d+_\d+/);
  const zoomed = await page.textContent('.timeline-window');
  await settled(page, /obs=[^&]+.*view=timeline/);

  await page.click('#copy-link');
  await page.waitForSelector('#share-link');
  const link = await page.inputValue('#share-link');
  assert.match(link, /#url=demo%2Fagent-tools\.json&trace=demo-agent-trace&obs=[^&]+&view=timeline&zoom=\d+_\d+$/);
  assert.equal(await page.locator('#share-warning').count(), 0, 'a file opened by address needs no warning');

  const other = await newPage(browser, errors);
  await other.goto(link);
  await other.waitForSelector('.timeline-canvas');
  await other.waitForFunction((w) => document.querySelector('.timeline-window')?.textContent === w, zoomed);
  assert.match(await other.textContent('.detail .detail-title'), /search_flights/);
  assert.equal(await other.getAttribute('#tab-timeline', 'class'), 'tab active');
  // the same pixels: same rows, same window, same selection highlight
  const pixels = (p) => p.evaluate(() => document.querySelector('.timeline-canvas').toDataURL());
  assert.equal(await pixels(other), await pixels(page));
  assert.equal(hashOf(other), new URL(link).hash, 'reopening rewrites nothing');

  // folds and the tree filter travel too
  await other.click('#tab-tree');
  await other.waitForSelector('.tree-row');
  await other.click('#collapse-all');
  await other.fill('.tree-filter', 'kind:generation');
  await settled(other, /filter=kind%3Ageneration/);
  await settled(other, /collapsed=/);
  const third = await newPage(browser, errors);
  await third.goto(other.url());
  await third.waitForSelector('.tree-row');
  assert.equal(await third.inputValue('.tree-filter'), 'kind:generation');
  assert.equal(await third.locator('.tree-row').count(), await other.locator('.tree-row').count());
  assert.match(await third.textContent('.detail .detail-title'), /search_flights/);
  assert.deepEqual(errors, []);
});

test('back and forward walk through pages, traces and views', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await page.goto(`${server.url}#url=demo/agent-tools.json&url=demo/failing-run.json`);
  await page.waitForSelector('.tree-row');
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 2);
  await page.click('#tab-timeline');
  await settled(page, /view=timeline/);
  await page.click('#nav-traces');
  await settled(page, /page=traces/);
  await page.goBack();
  await page.waitForSelector('.timeline-canvas');
  assert.match(hashOf(page), /view=timeline/);
  assert.doesNotMatch(hashOf(page), /page=/);
  await page.goBack();
  await page.waitForSelector('.tree-row');
  assert.doesNotMatch(hashOf(page), /view=timeline/);
  await page.goForward();
  await page.waitForSelector('.timeline-canvas');
  await page.goForward();
  await page.waitForSelector('.traces-page');
  assert.match(hashOf(page), /page=traces/);
  assert.equal(await page.getAttribute('#nav-traces', 'class'), 'tab active');
  assert.deepEqual(errors, []);
});

test('a dropped file: the link says it cannot bring the file; dropping it again restores the view', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await page.goto(server.url);
  const content = fs.readFileSync(path.join(ROOT, 'public/demo/agent-tools.json'), 'utf8');
  await dropFiles(page, [{ name: 'my-run.json', content }]);
  await page.waitForSelector('.tree-row');
  await page.click('.tree-row:has-text("search_flights")');
  await page.click('#copy-link');
  await page.waitForSelector('#share-warning');
  assert.match(await page.textContent('#share-warning'), /my-run\.json \(opened from this computer\)/);
  assert.match(await page.textContent('#share-warning'), /static server|Export/);
  const link = await page.inputValue('#share-link');
  assert.doesNotMatch(link, /url=/);

  const other = await newPage(browser, errors);
  await other.goto(link);
  await other.waitForSelector('.welcome');
  await dropFiles(other, [{ name: 'my-run.json', content }]);
  await other.waitForFunction(() => /search_flights/.test(document.querySelector('.detail .detail-title')?.textContent ?? ''));
  assert.deepEqual(errors, []);
});

test('themes: the toolbar picks light or dark, remembered; theme= overrides', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${server.url}#url=demo/agent-tools.json`);
  await page.waitForSelector('.tree-row');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  await page.selectOption('#theme', 'dark');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  const dark = await bg();
  assert.notEqual(dark, light);
  await page.reload();
  await page.waitForSelector('.tree-row');
  assert.equal(await bg(), dark, 'remembered on this device');
  await page.selectOption('#theme', 'system');
  await page.waitForFunction(() => !document.documentElement.dataset.theme);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await bg(), dark, 'system follows prefers-color-scheme');
  await page.goto(`${server.url}#url=demo/agent-tools.json&theme=light`);
  await page.waitForSelector('.tree-row');
  assert.equal(await bg(), light, 'theme= wins over the system');
  assert.deepEqual(errors, []);
});

/** The example host page on localhost, embedding Canopy from 127.0.0.1: two origins. */
async function openExample(errors, logs) {
  const port = new URL(server.url).port;
  const page = await newPage(browser, errors, { width: 1280, height: 1400 });
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`http://localhost:${port}/embed-example.html?canopy=${encodeURIComponent(server.url)}`);
  const frame = await waitForFrame(page, (f) => f.url().startsWith(server.url) && /hide=list/.test(f.url()));
  return { page, frame, port };
}

async function waitForFrame(page, pred) {
  for (let i = 0; i < 100; i++) {
    const f = page.frames().find(pred);
    if (f) return f;
    await page.waitForTimeout(100);
  }
  throw new Error('frame did not appear');
}

const lastEvent = (page, type) =>
  page.waitForFunction((t) => [...document.querySelectorAll('#events li')].some((li) => li.textContent.startsWith(t)), type);

test('the embed example drives an iframe through postMessage', async () => {
  const errors = [];
  const logs = [];
  const { page, frame } = await openExample(errors, logs);
  await lastEvent(page, 'canopy:ready');
  await frame.waitForSelector('.toolbar.compact');
  assert.equal(await frame.locator('#open-file').count(), 0, 'no chrome');
  assert.equal(await frame.locator('.drop-overlay').isVisible(), false);

  await page.click('#load-text');
  await lastEvent(page, 'canopy:loaded {"traces":1,"observations":7}');
  await frame.waitForSelector('.tree-row');
  assert.equal(await frame.locator('.trace-list').isVisible(), false, 'hide=list');

  await page.click('#select');
  await lastEvent(page, 'canopy:selected {"trace":"demo-agent-trace","observation":"gen-plan"');
  await frame.waitForFunction(() => /plan/.test(document.querySelector('.detail .detail-title')?.textContent ?? ''));
  await page.click('#view-timeline');
  await frame.waitForSelector('.timeline-canvas');
  await page.click('#theme-dark');
  await frame.waitForFunction(() => document.documentElement.dataset.theme === 'dark');

  await page.click('#load-buffer');
  await lastEvent(page, 'canopy:loaded {"traces":1,');
  await frame.waitForFunction(() => /rag/i.test(document.querySelector('.trace-name')?.textContent ?? ''));
  await page.click('#load-url');
  await frame.waitForFunction(() => /order-assistant/.test(document.querySelector('.trace-name')?.textContent ?? ''));
  assert.equal(await frame.locator('.tree-row:has-text("travel-agent")').count(), 0, 'load replaces what was shown');
  // a bad request is answered with an error event, not obeyed
  await page.evaluate(() => document.getElementById('canopy').contentWindow.postMessage(
    { type: 'canopy:select', trace: 'no-such-trace' }, new URL(document.getElementById('canopy').src).origin));
  await lastEvent(page, 'canopy:error {"message":"no loaded trace has the id no-such-trace"');

  // the custom element loaded its src into a dark, list-less view and said so
  await page.waitForFunction(() => /canopy:loaded/.test(document.getElementById('viewer-status').textContent));
  const inner = await waitForFrame(page, (f) => /theme=dark/.test(f.url()));
  await inner.waitForSelector('.tree-row');
  assert.equal(await inner.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await inner.locator('.trace-list').isVisible(), false);
  assert.ok(!logs.some((l) => /ignored a message/.test(l)), logs.join('\n'));
  assert.deepEqual(errors, []);
});

test('a page on an origin not in origin= is ignored and logged', async () => {
  const errors = [];
  const logs = [];
  const port = new URL(server.url).port;
  // Canopy allows only the localhost page; this one is 127.0.0.1 on another port
  const canopy = `${server.url}?embed=1&origin=${encodeURIComponent(`http://localhost:${port}`)}`;
  fs.writeFileSync(path.join(foreignDir, 'host.html'), `<!DOCTYPE html><link rel="icon" href="data:,">
    <iframe id="c" src="${canopy}" style="width:900px;height:500px"></iframe>
    <script>
      const c = document.getElementById('c');
      const target = new URL(c.src).origin;
      let got = [];
      window.addEventListener('message', (e) => got.push(e.data.type));
      c.addEventListener('load', () => setTimeout(() => {
        c.contentWindow.postMessage({ type: 'canopy:load', url: '${server.url}demo/agent-tools.json' }, target);
        c.contentWindow.postMessage({ type: 'canopy:setTheme', theme: 'dark' }, target);
        window.sent = true;
      }, 300));
      window.got = got;
    </script>`);
  const page = await newPage(browser, errors);
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`${foreign.url}host.html`);
  await page.waitForFunction(() => window.sent === true);
  const frame = await waitForFrame(page, (f) => f.url().startsWith(server.url));
  for (let i = 0; i < 50 && !logs.some((l) => /ignored a message/.test(l)); i++) await page.waitForTimeout(100);
  assert.ok(logs.some((l) => l.includes(`ignored a message from ${foreign.url.replace(/\/$/, '')}`)), logs.join('\n'));
  await frame.waitForSelector('.embed-waiting');
  assert.equal(await frame.locator('.tree-row').count(), 0, 'nothing was loaded');
  assert.equal(await frame.evaluate(() => document.documentElement.dataset.theme ?? null), null);
  assert.deepEqual(await page.evaluate(() => window.got), [], 'and nothing is told to a page that is not allowed');
  assert.deepEqual(errors, []);
});

test('the embed example takes ?canopy= only from its own origin or a loopback address: javascript: and other sites do nothing', async () => {
  const port = new URL(server.url).port;
  const payloads = [
    'javascript:window.top.__xss=1//',
    'JavaScript:top.__xss=1;//',
    'data:text/html,<script>top.__xss=1</script>',
    'https://evil.example/',
    'http://evil.example:8080/canopy/',
    '//evil.example/',
    'http://127.0.0.1.evil.example/',
    'http://user:pw@127.0.0.1@evil.example/',
  ];
  for (const payload of payloads) {
    const context = await browser.newContext();
    const errors = [];
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    // "evil.example" answers with script that would mark the page if it ever ran
    await context.route((u) => u.hostname.endsWith('evil.example'), (route) => route.fulfill({
      status: 200,
      contentType: route.request().url().endsWith('.js') ? 'text/javascript' : 'text/html',
      body: route.request().url().endsWith('.js') ? 'window.__xss = 1;' : '<script>try { top.__xss = 1 } catch (e) {}</script>',
    }));
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`http://localhost:${port}/embed-example.html?canopy=${encodeURIComponent(payload)}`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(500);
    const seen = await page.evaluate(() => ({
      xss: window.__xss,
      src: document.getElementById('canopy').getAttribute('src'),
      refused: document.getElementById('refused')?.hidden === false ? document.getElementById('refused').textContent : '',
      viewerScript: [...document.scripts].some((s) => /canopy-viewer/.test(s.src)),
    }));
    assert.equal(seen.xss, undefined, `${payload}: no script of the payload ran`);
    assert.equal(seen.src, null, `${payload}: the frame was not pointed anywhere`);
    assert.match(seen.refused, /must be this page's origin or a loopback/, payload);
    assert.equal(seen.viewerScript, false, payload);
    const frames = page.frames().filter((f) => f !== page.mainFrame()).map((f) => f.url());
    assert.ok(frames.every((u) => !/^(javascript:|data:)|evil\.example/i.test(u)), `${payload}: ${frames}`);
    assert.deepEqual(requests.filter((u) => new URL(u).hostname !== 'localhost'), [], `${payload}: nothing asked of another site`);
    assert.deepEqual(errors, [], payload);
    await context.close();
  }
  // the page itself carries the app's policy: no inline script or style
  const html = fs.readFileSync(path.join(ROOT, 'dist/embed-example.html'), 'utf8');
  assert.match(html, /http-equiv="Content-Security-Policy"[^>]*script-src 'self'[^>]*style-src 'self'/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
});

/** A page on the foreign origin that frames `canopy` and runs `script` once the frame loaded;
 *  what Canopy posts it is collected in `window.got`. */
async function foreignHost(errors, logs, canopy, script, extra = '') {
  const name = `host-${Math.random().toString(36).slice(2)}.html`;
  fs.writeFileSync(path.join(foreignDir, name), `<!DOCTYPE html><link rel="icon" href="data:,">
    <iframe id="c" src="${canopy}" style="width:900px;height:500px"></iframe>${extra}
    <script>
      const c = document.getElementById('c');
      const target = new URL(c.src).origin;
      window.got = [];
      window.addEventListener('message', (e) => { if (e.source === c.contentWindow) window.got.push(e.data.type); });
      c.addEventListener('load', () => setTimeout(() => { ${script}; window.sent = true; }, 500));
    </script>`);
  const page = await newPage(browser, errors);
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`${foreign.url}${name}`);
  await page.waitForFunction(() => window.sent === true);
  const frame = await waitForFrame(page, (f) => f.url().startsWith(server.url));
  return { page, frame };
}

test('without embed=1 the message API is not there: a framing page on an origin= origin is neither obeyed nor told anything', async () => {
  const errors = [];
  const logs = [];
  const allowed = foreign.url.replace(/\/$/, '');
  const { page, frame } = await foreignHost(errors, logs, `${server.url}#origin=${encodeURIComponent(allowed)}`,
    `c.contentWindow.postMessage({ type: 'canopy:hello' }, target);
     c.contentWindow.postMessage({ type: 'canopy:load', url: '${server.url}demo/agent-tools.json' }, target);
     c.contentWindow.postMessage({ type: 'canopy:setTheme', theme: 'dark' }, target);`);
  await frame.waitForSelector('.toolbar');
  await page.waitForTimeout(1500);
  assert.equal(await frame.locator('.tree-row').count(), 0, 'nothing was loaded');
  assert.equal(await frame.evaluate(() => document.documentElement.dataset.theme ?? null), null);
  assert.deepEqual(await page.evaluate(() => window.got), [], 'not even ready');
  assert.deepEqual(errors, []);
});

test('with embed=1, only the parent frame is heard: another window at an allowed origin is ignored', async () => {
  const errors = [];
  const logs = [];
  const allowed = foreign.url.replace(/\/$/, '');
  // the sibling posts once the frame holds Canopy (its document no longer readable from here),
  // and again until the test ends: on a busy machine the frame may take seconds to load
  fs.writeFileSync(path.join(foreignDir, 'sibling.html'), `<!DOCTYPE html><script>
    let n = 0;
    const t = setInterval(() => {
      const w = parent.document.getElementById('c').contentWindow;
      let framed = false;
      try { void w.document.body; } catch { framed = true; }
      if (framed) w.postMessage({ type: 'canopy:load', url: '${server.url}demo/agent-tools.json' }, '${server.url.replace(/\/$/, '')}');
      if (++n > 80) clearInterval(t);
    }, 250);
  </script>`);
  const { page, frame } = await foreignHost(errors, logs, `${server.url}?embed=1&origin=${encodeURIComponent(allowed)}`,
    'c.contentWindow.postMessage({ type: \'canopy:setTheme\', theme: \'dark\' }, target)',
    '<iframe id="s" src="sibling.html"></iframe>');
  // the parent's own message is obeyed…
  await frame.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  // …the sibling's, from the same allowed origin, is not
  for (let i = 0; i < 50 && !logs.some((l) => /did not come from the page this view is framed in/.test(l)); i++) await page.waitForTimeout(100);
  assert.ok(logs.some((l) => /did not come from the page this view is framed in/.test(l)), logs.join('\n'));
  await page.waitForTimeout(500);
  assert.equal(await frame.locator('.tree-row').count(), 0, 'nothing was loaded');
  assert.ok(!(await page.evaluate(() => window.got)).includes('canopy:loaded'));
  assert.deepEqual(errors, []);
});

test('a load that fails keeps what the frame showed (merge: false replaces only on success) and says why', async () => {
  const errors = [];
  const logs = [];
  const { page, frame } = await openExample(errors, logs);
  await lastEvent(page, 'canopy:ready');
  await page.click('#load-text');
  await lastEvent(page, 'canopy:loaded {"traces":1,"observations":7}');
  await frame.waitForSelector('.tree-row');
  const rows = await frame.locator('.tree-row').count();
  const post = (msg) => page.evaluate((msg) => {
    const f = document.getElementById('canopy');
    f.contentWindow.postMessage(msg, new URL(f.src).origin);
  }, msg);
  const errorsSeen = () => page.evaluate(() => [...document.querySelectorAll('#events li')].filter((li) => li.textContent.startsWith('canopy:error')).length);
  // an address that is not there
  await post({ type: 'canopy:load', url: new URL('demo/no-such-file.json', server.url).href, merge: false });
  await page.waitForFunction(() => [...document.querySelectorAll('#events li')].some((li) => /canopy:error .*no-such-file/.test(li.textContent)));
  assert.equal(await frame.locator('.tree-row').count(), rows, 'the trace shown stays');
  assert.match(await frame.textContent('.trace-name'), /travel-agent/);
  // bytes that do not open
  const before = await errorsSeen();
  await post({ type: 'canopy:load', name: 'broken.json', data: '{"trace": {"id": "x", "name": ', merge: false });
  await page.waitForFunction((n) => [...document.querySelectorAll('#events li')].filter((li) => li.textContent.startsWith('canopy:error')).length > n, before);
  assert.equal(await frame.locator('.tree-row').count(), rows, 'still there');
  assert.match(await frame.textContent('.trace-name'), /travel-agent/);
  // and a load that works still replaces it
  await page.click('#load-url');
  await frame.waitForFunction(() => /order-assistant/.test(document.querySelector('.trace-name')?.textContent ?? ''));
  assert.equal(await frame.locator('.tree-row:has-text("travel-agent")').count(), 0);
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
});

test('a link with more files than it opens by itself asks first: the first 10, all, or none', async () => {
  const files = Array.from({ length: 12 }, (_, i) => `demo/agent-tools.json?copy=${i}`);
  const link = `${server.url}#${files.map((f) => `url=${encodeURIComponent(f)}`).join('&')}`;
  const fetched = (requests) => requests.filter((u) => u.includes('agent-tools.json')).length;
  for (const [button, expected] of [['#link-files-first', 10], ['#link-files-all', 12], ['#link-files-none', 0]]) {
    const errors = [];
    const page = await newPage(browser, errors);
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(link);
    await page.waitForSelector('.link-files');
    assert.equal((await page.textContent('.link-files .error-text')), 'This link opens 12 files. Open the first 10, all 12, or none?');
    await page.waitForTimeout(300);
    assert.equal(fetched(requests), 0, 'nothing is fetched before the answer');
    await page.click(button);
    await page.waitForFunction(() => !document.querySelector('.link-files'));
    if (expected) await page.waitForSelector('.tree-row, .traces-page .tr');
    await page.waitForTimeout(500);
    assert.equal(fetched(requests), expected, button);
    if (!expected) assert.equal(await page.locator('.welcome').count(), 1, 'nothing opened');
    assert.deepEqual(errors, [], button);
  }
  // ten or fewer open at once, as before
  const errors = [];
  const page = await newPage(browser, errors);
  await page.goto(`${server.url}#${files.slice(0, 10).map((f) => `url=${encodeURIComponent(f)}`).join('&')}`);
  await page.waitForSelector('.tree-row');
  assert.equal(await page.locator('.link-files').count(), 0);
  assert.deepEqual(errors, []);
});
