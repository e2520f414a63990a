// End-to-end: the built dist/ served on 127.0.0.1, driven in Debian's Chromium like a user would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';
import { otlpTrace } from '../bench/gen.mjs';

const SHARED = path.resolve(ROOT, '../shared/fixtures');
const app = withAppAndBrowser();

/** A fresh page; records every request so a test can check nothing left 127.0.0.1. */
async function open(url = app.server.url) {
  const errors = [];
  const requests = [];
  const page = await newPage(app.browser, errors);
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForSelector('.toolbar');
  return { page, errors, requests };
}

function fixture(rel) {
  return { name: path.basename(rel), content: fs.readFileSync(path.join(SHARED, rel), 'utf8') };
}

const rowNames = (page) => page.$$eval('.tree-row .row-name', (els) => els.map((e) => e.textContent));

test('drop a real Langfuse export: tree, header, and detail of a selected row', async () => {
  const { page, errors, requests } = await open();
  await dropFiles(page, [fixture('langfuse/beeai-2025-08-01.trace.json')]);
  await page.waitForSelector('.tree-row');
  const header = await page.textContent('.trace-header');
  assert.match(header, /observations\s*29/);
  // 3 of its 5 generations carry token counts (its finish and success events none): a lower bound
  assert.match(header, /tokens\s*≥ 5,542/);
  assert.match(header, /hallucination/);
  const names = await rowNames(page);
  assert.ok(names.length >= 10, `rows: ${names.length}`);
  // select the first generation and read its detail
  await page.click('.tree-row:has(.kind-generation)');
  await page.waitForSelector('.detail .facts');
  const detail = await page.textContent('.detail');
  assert.match(detail, /model/);
  assert.match(detail, /Usage \(tokens\)/i);
  assert.ok(await page.$('.tree-row.selected'), 'the clicked row is marked selected');
  assert.deepEqual(errors, []);
  assert.ok(requests.every((u) => u.startsWith(app.server.url)), `requests left the page's server: ${requests}`);
});

test('drop the OTLP protobuf-JSON RAG agent: retriever documents and LLM messages', async () => {
  const { page, errors } = await open();
  await dropFiles(page, [fixture('otlp/rag-earnings-agent.protobuf-json.json')]);
  await page.waitForSelector('.tree-row');
  assert.match(await page.textContent('.trace-header'), /tokens\s*648/);
  await page.click('.tree-row:has-text("VectorStoreRetriever")');
  await page.waitForSelector('.detail .documents li');
  assert.equal(await page.locator('.detail .documents li').count(), 3);
  await page.click('.tree-row:has-text("ChatOpenAI")');
  await page.waitForSelector('.detail .messages');
  const roles = await page.$$eval('.detail .message-role', (els) => els.map((e) => e.textContent.trim()));
  assert.ok(roles.includes('user') || roles.includes('system'), `roles ${roles}`);
  assert.deepEqual(errors, []);
});

test('a broken file shows an error naming it, and the loaded trace stays', async () => {
  const { page, errors } = await open();
  await dropFiles(page, [fixture('langfuse/autogen-2025-06-06.trace.json')]);
  await page.waitForSelector('.tree-row');
  await dropFiles(page, [{ name: 'half.json', content: '{"resourceSpans": [{"scopeSpans": [' }]);
  await page.waitForSelector('.error-banner');
  assert.match(await page.textContent('.error-banner'), /half\.json: not valid JSON: line 1, column \d+/);
  await dropFiles(page, [{ name: 'profile.json', content: '{"traceEvents": [{"ph": "B", "ts": 1}]}' }]);
  await page.waitForFunction(() => document.querySelectorAll('.error-banner').length === 2);
  assert.match(await page.textContent('.banners'), /profile\.json: no traces found: this looks like a Chrome\/Perfetto trace-event file/);
  assert.match(await page.textContent('.trace-header'), /autogen-chat-trace/);
  assert.ok((await rowNames(page)).length > 0);
  await page.click('.error-banner .dismiss');
  await page.waitForFunction(() => document.querySelectorAll('.error-banner').length === 1);
  assert.deepEqual(errors, []);
});

test('Jaeger, LangSmith and Phoenix files open; warnings show in a panel; scores attach across files', async () => {
  const { page, errors } = await open();
  await dropFiles(page, [fixture('jaeger/ui_01.json')]);
  await page.waitForSelector('.tree-row');
  assert.match(await page.textContent('.trace-header'), /observations\s*5/);
  assert.match(await page.textContent('.trace-header .warnings summary'), /import warning/);
  await page.click('.trace-header .warnings summary');
  assert.match(await page.textContent('.trace-header .warnings'), /some trace warning/);
  await dropFiles(page, [fixture('langsmith/langsmith_py_wrap_openai_stream.json')]);
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 2);
  await page.click('.tree-row:has-text("ChatOpenAI")');
  await page.waitForSelector('.detail .facts');
  assert.match(await page.textContent('.detail'), /time to first token\s*1\.24s/);
  // a file of scores alone attaches to the trace already shown
  const feedback = JSON.stringify([{ id: 'f1', run_id: 'fe8ffecb-72ce-4cd2-bdb7-01f34654c391', key: 'correctness', score: 1, comment: 'right answer' }]);
  await dropFiles(page, [{ name: 'feedback.json', content: feedback }]);
  await page.waitForSelector('.detail .scores li');
  assert.match(await page.textContent('.detail .scores'), /correctness: 1/);
  assert.deepEqual(errors, []);
});

test('several files dropped together merge; the trace list switches traces', async () => {
  const { page, errors } = await open();
  await dropFiles(page, [
    fixture('langfuse/pydantic-ai-2025-06-06.trace.json'),
    fixture('langfuse/llamaindex-2025-06-05.trace.json'),
    fixture('langfuse/autogen-2025-06-06.trace.json'),
  ]);
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 3);
  assert.match(await page.textContent('.trace-list-title'), /3 traces/);
  await page.click('.trace-list-row:nth-child(1)');
  await page.waitForSelector('.trace-list-row.selected');
  assert.match(await page.textContent('.trace-header'), /session\s*session_abc/);
  assert.deepEqual(errors, []);
});

test('?url= opens a file on load; a missing one says so', async () => {
  const { page, errors } = await open(`${app.server.url}?url=demo/rag-chain.otlp.json`);
  await page.waitForSelector('.tree-row');
  assert.match(await page.textContent('.trace-header'), /rag-query/);
  const second = await open(`${app.server.url}?url=demo/no-such-file.json`);
  await second.page.waitForSelector('.error-banner');
  assert.match(await second.page.textContent('.error-banner'), /no-such-file\.json: the server answered 404 Not Found: check the address/);
  assert.deepEqual(errors, []);
});

test('the idle warm-up import runs after first paint and leaves nothing behind, also beside a file opened with the page', async () => {
  const { page, errors, requests } = await open();
  await page.waitForFunction(() => performance.getEntriesByName('canopy:warm-up-end').length > 0, null, { timeout: 10_000 });
  const [fcp, start] = await page.evaluate(() => [
    performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    performance.getEntriesByName('canopy:warm-up-start')[0]?.startTime,
  ]);
  assert.ok(fcp !== undefined && start > fcp, `warm-up started at ${start} ms, first contentful paint at ${fcp} ms`);
  // the empty app, as it was: no trace, warning, error or address change
  assert.equal(await page.locator('.tree-row, .trace-header, .error-banner, .warnings').count(), 0);
  assert.equal(new URL(page.url()).search + new URL(page.url()).hash, '');
  assert.doesNotMatch(await page.textContent('body'), /warm-up|canopy-warm-up/);
  await page.fill('#url-input', `${app.server.url}demo/failing-run.json`);
  await page.click('#open-url');
  await page.waitForSelector('.tree-row');
  assert.match(await page.textContent('.trace-header'), /errors\s*3/);
  assert.doesNotMatch(await page.textContent('body'), /canopy-warm-up|lookup_ticket/);
  assert.ok(requests.every((u) => u.startsWith(app.server.url)), `requests left the page's server: ${requests}`);
  // a file opened with the page: the warm-up waits or stops, and the file's trace is the only one
  const at_once = await open(`${app.server.url}?url=demo/rag-chain.otlp.json`);
  await at_once.page.waitForSelector('.tree-row');
  await at_once.page.waitForTimeout(1500);
  assert.doesNotMatch(await at_once.page.textContent('body'), /canopy-warm-up|lookup_ticket/);
  assert.ok((await at_once.page.locator('.trace-list-row').count()) <= 1, 'one trace only');
  assert.match(await at_once.page.textContent('.trace-header'), /rag-query/);
  assert.deepEqual([...errors, ...at_once.errors], []);
});

test('the open-URL field and every demo button load', async () => {
  const { page, errors } = await open();
  await page.fill('#url-input', `${app.server.url}demo/failing-run.json`);
  await page.click('#open-url');
  await page.waitForSelector('.tree-row');
  assert.match(await page.textContent('.trace-header'), /errors\s*3/);
  await page.click('.tree-row:has-text("execute_tool")');
  await page.waitForSelector('.detail .exception');
  assert.match(await page.textContent('.detail .exception'), /ToolError: inventory API returned 503/);
  for (const label of ['Agent with tools', 'RAG chain']) {
    await page.click(`.toolbar .demo-button:has-text("${label}")`);
  }
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 3);
  assert.deepEqual(errors, []);
});

test('keyboard: arrows move the selection, left/right collapse and expand', async () => {
  const { page, errors } = await open(`${app.server.url}?url=demo/agent-tools.json`);
  await page.waitForSelector('.tree-row');
  await page.click('.tree-row:has-text("travel-agent")');
  await page.keyboard.press('ArrowDown');
  assert.match(await page.textContent('.tree-row.selected'), /plan/);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowLeft'); // collapse the root
  await page.waitForFunction(() => document.querySelectorAll('.tree-row').length === 1);
  await page.keyboard.press('ArrowRight'); // expand it again
  await page.waitForFunction(() => document.querySelectorAll('.tree-row').length === 7);
  assert.deepEqual(errors, []);
});

test('100,000 observations: the DOM stays bounded while scrolling to the end', async () => {
  const { page, errors } = await open();
  const body = otlpTrace(100_000);
  await page.route('**/big-100k.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
  await page.fill('#url-input', `${app.server.url}big-100k.json`);
  await page.click('#open-url');
  await page.waitForSelector('.tree-row', { timeout: 60_000 });
  assert.match(await page.textContent('.trace-header'), /observations\s*100,000/);
  const rows = await page.locator('.tree-row').count();
  assert.ok(rows > 10 && rows < 80, `rows in DOM: ${rows}`);
  const totalNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  assert.ok(totalNodes < 2000, `DOM nodes: ${totalNodes}`);
  await page.$eval('.tree-scroll', (el) => { el.scrollTop = el.scrollHeight; });
  // the row drawn last sits at the very end of the 100,000-row list
  await page.waitForFunction(() => Math.max(...[...document.querySelectorAll('.tree-row')].map((r) => Number(r.dataset.pos))) === 99_999);
  assert.ok((await page.locator('.tree-row').count()) < 80);
  // filter across all 100k keeps the DOM bounded as well
  await page.fill('.tree-filter', 'kind:tool');
  await page.waitForFunction(() => /match/.test(document.querySelector('.match-info').textContent));
  assert.ok((await page.locator('.tree-row').count()) < 80);
  assert.deepEqual(errors, []);
});

/** Records in the page every text the progress bar shows and how many frames are drawn meanwhile. */
async function watchLoading(page) {
  await page.evaluate(() => {
    window.__progress = [];
    window.__frames = 0;
    const note = () => {
      const t = document.querySelector('#load-progress .progress-text')?.textContent;
      if (t && window.__progress.at(-1) !== t) window.__progress.push(t);
    };
    new MutationObserver(note).observe(document.body, { childList: true, subtree: true, characterData: true });
    const frame = () => { if (document.querySelector('#load-progress')) window.__frames++; requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
  });
}

test('a large OTLP file opens piece by piece: bytes and observations read show, the page paints meanwhile, Cancel keeps what was loaded', async () => {
  // a real server (a fulfilled route hands the body over in one piece): the app and the files
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-big-'));
  fs.symlinkSync(path.join(ROOT, 'dist'), path.join(dir, 'app'));
  fs.writeFileSync(path.join(dir, 'big-20k.json'), otlpTrace(20_000, { payloads: true }));
  fs.writeFileSync(path.join(dir, 'big-60k.json'), otlpTrace(60_000, { payloads: true }));
  const files = await serve(dir);
  after(() => { files.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const { page, errors } = await open(`${files.url}app/`);
  await watchLoading(page);
  await page.fill('#url-input', `${files.url}big-20k.json`);
  await page.click('#open-url');
  await page.waitForFunction(() => /observations\s*20,000/.test(document.querySelector('.trace-header')?.textContent ?? ''), null, { timeout: 60_000 });
  const seen = await page.evaluate(() => window.__progress);
  // the bar counted bytes of the known length and observations converted so far, several times
  const counted = seen.filter((t) => /^Opening big-20k\.json: [\d.]+ [KM]B of [\d.]+ MB · [\d,]+ observations$/.test(t));
  assert.ok(counted.length >= 2, seen.join('\n'));
  const obs = counted.map((t) => Number(t.match(/· ([\d,]+) obs/)[1].replaceAll(',', '')));
  assert.ok(obs[0] < 20_000 && obs.every((n, i) => n > 0 && n <= 20_000 && (i === 0 || n >= obs[i - 1])), obs.join(','));
  // frames were drawn while the file was being read: the page was never one long task
  assert.ok(await page.evaluate(() => window.__frames) >= 2);

  // Cancel while a second file is being read: it is dropped, the first stays
  await page.fill('#url-input', `${files.url}big-60k.json`);
  await page.click('#open-url');
  await page.waitForFunction(() => /observations$/.test(document.querySelector('#load-progress .progress-text')?.textContent ?? ''), null, { timeout: 60_000, polling: 10 });
  await page.click('#cancel-load');
  await page.waitForSelector('text=/cancelled; what was loaded before stays/');
  assert.match(await page.textContent('.trace-header'), /observations\s*20,000/);
  assert.equal(await page.locator('#load-progress').count(), 0);

  // a dropped file is read in slices, with the same bar
  await page.evaluate(() => { window.__progress = []; });
  await dropFiles(page, [{ name: 'dropped-20k.json', content: otlpTrace(20_000, { traceId: 'aaaabbbbccccddddeeeeffff00001111' }) }]);
  await page.waitForFunction(() => !document.querySelector('#load-progress') && window.__progress.some((t) => t.startsWith('Opening dropped')), null, { timeout: 60_000 });
  await page.waitForFunction(() => /observations\s*20,000/.test(document.querySelector('.trace-header')?.textContent ?? ''));
  const dropped = await page.evaluate(() => window.__progress);
  assert.ok(dropped.some((t) => /^Opening dropped-20k\.json: [\d.]+ [KM]B of [\d.]+ MB · [\d,]+ observations$/.test(t)), dropped.join('\n'));
  assert.deepEqual(errors, []);
});

test('a deep link reopens the trace and observation; kind panels and the JSON tree show', async () => {
  const { page, errors } = await open(`${app.server.url}?url=demo/agent-tools.json#trace=demo-agent-trace&obs=gen-plan`);
  await page.waitForSelector('.detail .detail-title');
  assert.match(await page.textContent('.detail .detail-title'), /plan/);
  assert.match(await page.textContent('.detail'), /LLM call/);
  assert.match(await page.textContent('.detail'), /temperature\s*0\.2/);
  assert.match(await page.textContent('.detail .tools-offered'), /1 tool offered\s*search_flights/);
  // the tool's result is JSON: a tree with search
  await page.click('.tree-row:has-text("search_flights")');
  await page.waitForSelector('.detail .json-row');
  assert.match(await page.textContent('.detail'), /Arguments/);
  // search inside the result (the second JSON view; the first is the arguments)
  await page.locator('.detail .json-search').nth(1).fill('FR 1882');
  await page.waitForFunction(() => document.querySelectorAll('.detail .json-match-count')[1].textContent === '1/1');
  assert.equal(await page.locator('.detail .json-row mark').count(), 1);
  assert.equal(await page.textContent('.detail .json-row mark'), 'FR 1882');
  // the agent step summarises what ran below it
  await page.click('.tree-row:has-text("travel-agent")');
  await page.waitForSelector('.detail .detail-title');
  assert.match(await page.textContent('.detail'), /Below this step[\s\S]*all steps below\s*6/);
  assert.deepEqual(errors, []);
});

test('timeline: zoom, reset, click to select, double-click to fit, shared collapse, idle gaps', async () => {
  const { page, errors } = await open(`${app.server.url}?url=demo/agent-tools.json`);
  await page.waitForSelector('.tree-row');
  await page.click('#tab-timeline');
  await page.waitForSelector('.timeline-canvas');
  const windowText = () => page.textContent('.timeline-window');
  assert.equal(await windowText(), '0ns – 6.1s');
  const box = await page.locator('.timeline-canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + 100);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -600);
  await page.keyboard.up('Control');
  await page.waitForFunction(() => document.querySelector('.timeline-window').textContent !== '0ns – 6.1s');
  await page.focus('.timeline-canvas');
  await page.keyboard.press('0');
  await page.waitForFunction(() => document.querySelector('.timeline-window').textContent === '0ns – 6.1s');
  // row 5 (in tree order) is "answer": axis 24 px + 5 rows of 22 px
  const y = box.y + 24 + 5 * 22 + 11;
  await page.mouse.click(box.x + box.width * 0.8, y);
  await page.waitForFunction(() => /answer/.test(document.querySelector('.detail .detail-title')?.textContent ?? ''));
  await page.mouse.dblclick(box.x + box.width * 0.8, y);
  await page.waitForFunction(() => document.querySelector('.timeline-window').textContent.startsWith('3.3'));
  // collapsing the root in the tree collapses the timeline too
  assert.equal(await page.getAttribute('.timeline-canvas', 'data-rows'), '7');
  await page.click('#tab-tree');
  await page.click('#collapse-all');
  await page.click('#tab-timeline');
  await page.waitForSelector('.timeline-canvas');
  assert.equal(await page.getAttribute('.timeline-canvas', 'data-rows'), '1');
  // a 36 s trace with 120 ms of work: folding idle gaps keeps real-time labels
  const t0 = 1_700_000_000_000_000_000n;
  const span = (id, parent, s, e) => ({ traceId: '77777777777777777777777777777777', spanId: id, ...(parent ? { parentSpanId: parent } : {}), name: `burst-${id}`, startTimeUnixNano: String(t0 + s), endTimeUnixNano: String(t0 + e) });
  const gappy = { resourceSpans: [{ scopeSpans: [{ spans: [
    span('0000000000000001', null, 0n, 36_000_000_000n),
    span('0000000000000002', '0000000000000001', 0n, 40_000_000n),
    span('0000000000000003', '0000000000000001', 18_000_000_000n, 18_040_000_000n),
    span('0000000000000004', '0000000000000001', 35_960_000_000n, 36_000_000_000n),
  ] }] }] };
  await dropFiles(page, [{ name: 'gappy.json', content: JSON.stringify(gappy) }]);
  await page.waitForFunction(() => document.querySelector('.timeline-window').textContent === '0ns – 36s');
  assert.equal(await page.getAttribute('.timeline-canvas', 'data-folded'), '0');
  await page.click('#compress-gaps');
  await page.waitForFunction(() => document.querySelector('.timeline-canvas').dataset.folded === '2');
  assert.equal(await windowText(), '0ns – 36s', 'labels stay in real time');
  assert.deepEqual(errors, []);
});

async function loadAllLangfuse() {
  const ctx = await open();
  const dir = path.join(SHARED, 'langfuse');
  await dropFiles(ctx.page, fs.readdirSync(dir).sort().map((f) => fixture(`langfuse/${f}`)));
  await ctx.page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 7);
  return ctx;
}

const listNames = (page) => page.$$eval('.traces-page .tr', (rows) => rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((r) => r.querySelector('.td').textContent));

test('trace list: sort by a column, filter by a score condition, back keeps the list, search opens an observation', async () => {
  const { page, errors } = await loadAllLangfuse();
  await page.click('#nav-traces');
  await page.waitForSelector('.traces-page .tr');
  assert.equal((await listNames(page)).length, 7);
  await page.click('.th:has-text("Tokens")');
  assert.deepEqual((await listNames(page)).slice(0, 2), ['beeai-framework-main', 'QA-Chatbot'], 'most tokens first');
  await page.fill('.list-filter', 'hallucination<0.5');
  await page.waitForFunction(() => document.querySelector('.list-count').textContent.startsWith('2 of 7'));
  assert.deepEqual((await listNames(page)).sort(), ['beeai-framework-main', 'invocation [hello_app]']);
  await page.click('.traces-page .tr:has-text("beeai-framework-main")');
  await page.waitForSelector('.tree-row');
  await page.click('#nav-traces');
  await page.waitForSelector('.traces-page .tr');
  assert.equal(await page.inputValue('.list-filter'), 'hallucination<0.5', 'the filter survives opening a trace');
  assert.match(await page.textContent('.th:has-text("Tokens")'), /▼/);
  await page.fill('.content-search', 'Barcelona');
  await page.waitForSelector('.search-hit');
  assert.match(await page.textContent('.search-hit mark'), /Barcelona/i);
  // hits inside an observation ("trace › step") open that observation
  await page.click('.search-hit:has-text("›") >> nth=0');
  await page.waitForSelector('.detail .detail-title');
  assert.match(await page.textContent('.trace-header'), /beeai/);
  assert.deepEqual(errors, []);
});

test('sessions: the list, a session read as turns, a turn opens its trace; scores filter the list', async () => {
  const { page, errors } = await loadAllLangfuse();
  await page.click('#nav-sessions');
  await page.click('.session-row:has-text("session_abc")');
  await page.waitForSelector('.turn');
  assert.equal(await page.locator('.turn').count(), 3);
  assert.equal(await page.locator('.turn-gap').count(), 2);
  assert.match(await page.textContent('.turn:nth-of-type(1) .turn-user'), /What is Langfuse\?/);
  await page.click('.turn:has-text("autogen-chat-trace") button:has-text("open")');
  await page.waitForSelector('.tree-row');
  assert.match(await page.textContent('.trace-header'), /autogen-chat-trace/);
  // scores view: the toxicity=0 bar (2 traces) filters the list
  await page.click('#nav-scores');
  await page.waitForSelector('.score-card');
  await page.click('.score-card:has-text("toxicity") .value-bar >> nth=0');
  await page.waitForSelector('.traces-page .tr');
  assert.equal(await page.inputValue('.list-filter'), 'toxicity=0');
  await page.waitForFunction(() => document.querySelector('.list-count').textContent.startsWith('2 of 7'));
  // score badges on tree rows
  await page.click('.traces-page .tr >> nth=0');
  await page.waitForSelector('.tree-row');
  assert.deepEqual(errors, []);
});

test('a URL on another origin that does not allow this page says CORS and what to do', async () => {
  // a second static server on 127.0.0.1 without CORS headers, serving the shared fixtures
  const other = await serve(SHARED);
  try {
    const { page, errors } = await open();
    await page.fill('#url-input', `${other.url}otlp/spec-example.json`);
    await page.click('#open-url');
    await page.waitForSelector('.error-banner');
    const text = await page.textContent('.error-banner');
    assert.match(text, /CORS/);
    assert.match(text, new RegExp(app.server.url.replace(/\/$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(text, /Access-Control-Allow-Origin|download the file and drop it here/);
    // the browser's own console error for the blocked request is expected; nothing else
    assert.ok(errors.every((e) => /CORS|Access-Control|Failed to load resource|net::ERR_FAILED/.test(e)), errors.join('\n'));
  } finally {
    other.stop();
  }
});

test('gzip files open as what they hold: dropped, by address, and a broken one is named', async () => {
  const zlib = await import('node:zlib');
  const http = await import('node:http');
  const plain = fs.readFileSync(path.join(SHARED, 'langfuse/beeai-2025-08-01.trace.json'));
  const gz = zlib.gzipSync(plain);
  const { page, errors } = await open();
  // dropped, named without .gz: the bytes tell
  await dropFiles(page, [{ name: 'beeai.json', content: gz }]);
  await page.waitForSelector('.tree-row');
  assert.match(await page.textContent('.trace-header'), /observations\s*29/);
  // by address, served as application/gzip, from a host that allows this page
  const host = http.createServer((req, res) => {
    const body = req.url.includes('broken') ? gz.subarray(0, 200) : gz;
    res.writeHead(200, { 'content-type': 'application/gzip', 'access-control-allow-origin': '*' });
    res.end(body);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  try {
    const other = await open(`${app.server.url}?url=${encodeURIComponent(`http://127.0.0.1:${host.address().port}/beeai.json.gz`)}`);
    await other.page.waitForSelector('.tree-row');
    assert.match(await other.page.textContent('.trace-header'), /observations\s*29/);
    await other.page.fill('#url-input', `http://127.0.0.1:${host.address().port}/broken.json.gz`);
    await other.page.click('#open-url');
    await other.page.waitForSelector('.error-banner');
    assert.match(await other.page.textContent('.error-banner'), /broken\.json\.gz: .*not a valid gzip file/);
    assert.match(await other.page.textContent('.trace-header'), /observations\s*29/, 'the trace before stays');
    assert.deepEqual(other.errors, []);
  } finally {
    host.close();
  }
  assert.deepEqual(errors, []);
});
