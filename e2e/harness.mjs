// Shared set-up for end-to-end tests and benchmarks: a static server for dist/ on 127.0.0.1 and
// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Serves `dir` on 127.0.0.1 at a free port; resolves to { url, stop }. */
export function serve(dir = DIST) {
  return new Promise((resolve, reject) => {
    const proc = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d) => {
      out += d.toString();
      const m = out.match(/port (\d+)/);
      if (m) {
        proc.stdout.off('data', onData);
        resolve({ url: `http://127.0.0.1:${m[1]}/`, stop: () => proc.kill() });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', () => {}); // request log; keep the pipe drained
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`static server exited (${code}): ${out}`)));
    setTimeout(() => reject(new Error('static server did not start')), 10000).unref();
  });
}

export async function launch() {
  // CHROMIUM_EXTRA: more flags for an experiment (e.g. `--js-flags=...` for V8)
  const extra = (process.env.CHROMIUM_EXTRA ?? '').split(' ').filter(Boolean);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extra] });
}

/** For a test file: the static server for dist/ and Chromium, started before its tests and
 *  stopped after them (`app.server.url`, `app.browser`). */
export function withAppAndBrowser() {
  const app = {};
  before(async () => {
    app.server = await serve();
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    app.server?.stop();
  });
  return app;
}

/** A page that fails the test on any uncaught page error or Content-Security-Policy violation. */
export async function newPage(browser, errors, viewport = { width: 1280, height: 800 }, options = {}) {
  const page = await browser.newPage({ viewport, ...options });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return page;
}

/** Drops files (name + content: text, or a Buffer of bytes) on the page the way a user's drag
 *  and drop does. */
export async function dropFiles(page, files) {
  const sent = files.map((f) => (typeof f.content === 'string' ? f : { name: f.name, bytes: [...f.content] }));
  const dt = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      dt.items.add(new File([f.bytes ? new Uint8Array(f.bytes) : f.content], f.name, { type: 'application/json' }));
    }
    return dt;
  }, sent);
  await page.dispatchEvent('.app', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
}

/** The page's address once its fragment matches `re` (the view is written a moment after it settles). */
export async function addressMatching(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source, { timeout: 10000 });
  return page.url();
}

/** For a test file: Chromium and a static server of dist/ with `fixtures/` beside it (links to
 *  tests/fixtures, never copies), so a link `#url=fixtures/…` opens a fixture as a user's would. */
export function withAppFixturesAndBrowser(prefix) {
  const app = {};
  before(async () => {
    app.dir = fs.mkdtempSync(path.join(os.tmpdir(), `canopy-${prefix}-`));
    for (const entry of fs.readdirSync(DIST)) fs.symlinkSync(path.join(DIST, entry), path.join(app.dir, entry));
    fs.symlinkSync(path.join(ROOT, 'tests/fixtures'), path.join(app.dir, 'fixtures'));
    app.server = await serve(app.dir);
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    app.server?.stop();
    if (app.dir) fs.rmSync(app.dir, { recursive: true, force: true });
  });
  return app;
}

/** Every span of an OTLP JSON Lines body, read without Canopy: its trace id in hex, the span and
 *  its attributes as a plain object. */
export function* otlpSpans(body) {
  for (const line of body.split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const attrs = Object.fromEntries((s.attributes ?? []).map((x) => [x.key, Object.values(x.value)[0]]));
          yield { trace: Buffer.from(s.traceId, 'base64').toString('hex'), span: s, attrs };
        }
      }
    }
  }
}
