// End-to-end: every real export with an independent reading (tests/fixtures/realdata/*, otlp-proto,
// mlflow) opened from a link; the trace list must show the traces, observations, errors and tokens
// that reader counted, with no page error and no request off the page's origin.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withAppFixturesAndBrowser, ROOT } from './harness.mjs';

const FIXTURES = path.join(ROOT, 'tests/fixtures');
const read = (rel) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

/** One link to open and what the independent reader counted in it. `traces` maps a trace id to
 *  its figures; a figure left out was not counted by that reader and is not compared. */
function realdataCases() {
  const out = [];
  const root = path.join(FIXTURES, 'realdata');
  for (const lib of fs.readdirSync(root).sort()) {
    const dir = `realdata/${lib}`;
    if (!fs.existsSync(path.join(FIXTURES, dir, 'expected.json'))) continue;
    const e = JSON.parse(read(`${dir}/expected.json`));
    const traces = {};
    for (const [id, spans] of Object.entries(e.spans_per_trace)) {
      const tok = e.tokens_per_trace?.[id];
      traces[id] = {
        observations: spans,
        errors: e.errors_per_trace?.[id],
        // the list's input counts every counted carrier's input, embeddings included
        input: tok && tok.input + tok.embedding_input,
        output: tok?.output,
        embedding: tok?.embedding_input,
        tokens: tok && tok.input + tok.output + tok.embedding_input,
        // every library called gpt-4o-mini and text-embedding-3-small: their list prices as
        // litellm 1.110.2 gives them (2026-11-20), USD per token
        listCost: tok && tok.input * 0.15e-6 + tok.output * 0.6e-6 + tok.embedding_input * 0.02e-6,
      };
    }
    const totals = {
      traces: e.traces, observations: e.spans, errors: e.error_spans,
      input: e.input_tokens + e.embedding_input_tokens, output: e.output_tokens,
      embedding: e.embedding_input_tokens, tokens: e.input_tokens + e.output_tokens + e.embedding_input_tokens,
    };
    out.push({ name: `${lib}: traces.otlp.jsonl`, files: [`${dir}/traces.otlp.jsonl`], traces, totals });
    // the bodies as the library sent them, as expect.py reads them: every OTLP trace and log POST
    const sent = read(`${dir}/index.jsonl`).split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .filter((r) => r.method === 'POST' && /\/v1\/(traces|logs)$/.test(r.path.split('?')[0]))
      .map((r) => `${dir}/${r.file}`);
    if (sent.length) out.push({ name: `${lib}: ${sent.length} request bodies as sent`, files: sent, traces, totals });
  }
  return out;
}

/** The collector file and the SDK's protobuf bodies (expected.txt: totals only). */
function otlpProtoCases() {
  const e = JSON.parse(read('otlp-proto/expected.txt'));
  return Object.entries(e).filter(([, x]) => x.traces > 0).map(([file, x]) => ({
    name: `otlp-proto: ${file}`, files: [`otlp-proto/${file}`], traces: null,
    totals: { traces: x.traces, observations: x.spans, errors: x.error_spans },
  }));
}

/** MLflow's files as MLflow's own Python reader reads them (per trace); the OTLP body as sent
 *  (protobuf) has its JSON rendering's expectations (mlflow_expect.py checks it is that body). */
function mlflowCases() {
  const e = JSON.parse(read('mlflow/expected-by-mlflow-python.txt'));
  const bin = 'mlflow-3.17.2-otlp.bin';
  if (fs.existsSync(path.join(FIXTURES, 'mlflow', bin))) e[bin] = e['mlflow-3.17.2-otlp.jsonl'];
  return Object.entries(e).map(([file, list]) => {
    const traces = {};
    for (const t of list) {
      traces[t.trace_id] = {
        observations: t.spans,
        // a trace info without spans: MLflow counts neither errors nor tokens there
        errors: t.spans ? t.errors : undefined,
        input: t.tokens?.input_tokens, output: t.tokens?.output_tokens, tokens: t.tokens?.total_tokens,
      };
    }
    return { name: `mlflow: ${file}`, files: [`mlflow/${file}`], traces, totals: { traces: list.length } };
  });
}

const CASES = [...realdataCases(), ...otlpProtoCases(), ...mlflowCases()];
const FIGURES = ['observations', 'errors', 'input', 'output', 'embedding', 'tokens'];

// dist/ and the fixtures side by side in a temporary folder (links, never copies into dist/)
const app = withAppFixturesAndBrowser('realdata');

/** Opens the link in a fresh context of the one browser; reads every row of the trace list. */
async function openLink(files) {
  const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const errors = [];
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const link = `${app.server.url}#${files.map((f) => `url=${encodeURIComponent(`fixtures/${f}`)}`).join('&')}&page=traces`;
  await page.goto(link);
  if (files.length > 10) {
    // a link with more files than it opens by itself asks first
    await page.click('#link-files-all');
  }
  // every file read (several load at once; none still being read) and the list drawn
  await page.waitForFunction(() => document.querySelector('.traces-page .tr')
    && document.querySelector('.app')?.getAttribute('aria-busy') === 'false', null, { timeout: 60000 });
  // calls with tokens and no cost are priced once the app's price table arrives (fetched from its
  // own origin only then); a file whose calls carry their costs (Pydantic AI) never asks for it
  const unpriced = await page.evaluate(() => [...document.querySelectorAll('.traces-page .tr')].some((r) => Number(r.dataset.tokens) > 0 && !r.dataset.costOrigin));
  if (unpriced) {
    await page.waitForFunction(() => performance.getEntriesByName('canopy:price-end').length > 0, null, { timeout: 20000 });
  }
  const shown = await page.evaluate(() => {
    const count = document.querySelector('.list-count');
    const rows = [...document.querySelectorAll('.traces-page .tr')].map((r) => ({
      id: r.dataset.trace,
      observations: Number(r.dataset.observations), errors: Number(r.dataset.errors),
      input: Number(r.dataset.inputTokens), output: Number(r.dataset.outputTokens),
      embedding: Number(r.dataset.embeddingTokens), tokens: Number(r.dataset.tokens),
      cost: Number(r.dataset.cost), costOrigin: r.dataset.costOrigin,
    }));
    const banners = [...document.querySelectorAll('.error-banner')].map((b) => b.textContent);
    return { total: Number(count.dataset.total), shownCount: Number(count.dataset.shown), rows, banners };
  });
  await context.close();
  return { shown, errors, requests, origin: new URL(app.server.url).origin };
}

/** Mismatches as `figure: expected E, shown S` lines (empty when all agree). */
function compare(c, shown) {
  const diffs = [];
  const say = (what, want, got) => { if (want !== undefined && want !== got) diffs.push(`${what}: expected ${want}, shown ${got}`); };
  say('traces', c.totals.traces, shown.total);
  const sum = (k) => shown.rows.reduce((a, r) => a + r[k], 0);
  for (const k of FIGURES) say(`total ${k}`, c.totals[k], sum(k));
  if (c.traces) {
    const byId = new Map(shown.rows.map((r) => [r.id, r]));
    for (const [id, want] of Object.entries(c.traces)) {
      const got = byId.get(id);
      if (!got) { diffs.push(`trace ${id}: expected, not shown`); continue; }
      for (const k of FIGURES) say(`trace ${id} ${k}`, want[k], got[k]);
    }
    for (const id of byId.keys()) if (!(id in c.traces)) diffs.push(`trace ${id}: shown, not expected`);
    // issue 27: every trace with tokens shows a cost; an estimated one (or one the library
    // priced itself) is its tokens × the list prices
    for (const [id, want] of Object.entries(c.traces)) {
      const got = byId.get(id);
      if (!got || want.listCost === undefined || !want.tokens) continue;
      if (!got.costOrigin) diffs.push(`trace ${id}: ${want.tokens} tokens, no cost`);
      else if (got.costOrigin !== 'mixed' && Math.abs(got.cost - want.listCost) > 1e-12) diffs.push(`trace ${id} cost: expected ${want.listCost}, shown ${got.cost} (${got.costOrigin})`);
    }
  }
  return diffs;
}

const results = [];
for (const c of CASES) {
  test(`${c.name}: the trace list shows what the independent reader counts`, async () => {
    const { shown, errors, requests, origin } = await openLink(c.files);
    const off = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    const diffs = compare(c, shown);
    results.push({ name: c.name, traces: shown.total, observations: shown.rows.reduce((a, r) => a + r.observations, 0), diffs });
    assert.equal(shown.rows.length, shown.total, 'every trace has its row (no filter, none scrolled away)');
    assert.equal(shown.shownCount, shown.total, 'no filter hides a trace');
    assert.deepEqual(diffs, [], `${c.name}: figures differ`);
    assert.deepEqual(shown.banners, [], 'no file failed to open');
    assert.deepEqual(errors, [], 'no page error');
    assert.deepEqual(off, [], 'no request off the page\'s origin');
  });
}

after(() => {
  // the table the issue asks for: one line per link opened
  const w = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    console.log(`${r.name.padEnd(w)}  ${String(r.traces).padStart(3)} traces ${String(r.observations).padStart(4)} obs  ${r.diffs.length ? `DIFFERS: ${r.diffs.join('; ')}` : 'same'}`);
  }
});
