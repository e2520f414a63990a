// Issue 29: the agent graph (`view=graph`) over real OpenInference exports
// (tests/fixtures/realdata). The nodes and their calls must equal what this test reads from the
// raw OTLP JSON Lines itself (one node per span kind and name, a model call by its model; the
// calls on the edges are the spans with a parent in the trace); as run, the steps are the same
// spans; a click on a node (mouse or keyboard) filters the tree to exactly its calls; the view
// is in the link; dark theme and a phone fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withAppFixturesAndBrowser, newPage, addressMatching, otlpSpans, ROOT } from './harness.mjs';

const app = withAppFixturesAndBrowser('graph');
const KIND = { LLM: 'generation', CHAIN: 'chain', TOOL: 'tool', AGENT: 'agent', RETRIEVER: 'retriever', EMBEDDING: 'embedding', RERANKER: 'reranker', GUARDRAIL: 'guardrail', EVALUATOR: 'evaluator', PROMPT: 'prompt' };

/** The largest trace of a file, read without Canopy: its id, span count, calls (spans whose
 *  parent is in the trace) and expected nodes as sorted "kind label ×calls" lines. */
function largest(lib) {
  const spans = [...otlpSpans(fs.readFileSync(path.join(ROOT, 'tests/fixtures/realdata', lib, 'traces.otlp.jsonl'), 'utf8'))];
  const by = new Map();
  for (const s of spans) by.set(s.trace, [...(by.get(s.trace) ?? []), s]);
  const [trace, mine] = [...by.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  const ids = new Set(mine.map((s) => s.span.spanId));
  const nodes = new Map();
  for (const s of mine) {
    const kind = KIND[s.attrs['openinference.span.kind']] ?? 'span';
    const model = s.attrs['llm.model_name'];
    const label = kind === 'generation' && model ? model : s.span.name;
    const key = `${kind} ${label}`;
    nodes.set(key, (nodes.get(key) ?? 0) + 1);
  }
  return {
    trace,
    spans: mine.length,
    calls: mine.filter((s) => s.span.parentSpanId && ids.has(s.span.parentSpanId)).length,
    nodes: [...nodes.entries()].map(([k, n]) => `${k} ×${n}`).sort(),
  };
}

async function shownNodes(page) {
  await page.waitForSelector('.graph-node', { timeout: 30000 });
  return (await page.$$eval('.graph-node', (els) => els.map((e) => `${e.querySelector('.kind').className.replace(/.*kind-/, '')} ${e.querySelector('.graph-name').textContent.trim().replace(/^\S+\s+/, '')} ×${e.dataset.calls}`))).sort();
}

for (const lib of ['openinference-langchain', 'openinference-openai-agents']) {
  test(`${lib}: the graph's nodes and calls equal the raw file's spans, by name and as run`, async () => {
    const want = largest(lib);
    const errors = [];
    const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
    await page.goto(`${app.server.url}#url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&trace=${want.trace}&view=graph`);
    assert.deepEqual(await shownNodes(page), want.nodes);
    const status = () => page.textContent('.graph-status');
    await page.waitForFunction(() => !/laying out/.test(document.querySelector('.graph-status').textContent));
    assert.match(await status(), new RegExp(`^${want.nodes.length} nodes? · ${want.calls} calls?$`));
    // every edge is drawn, with its count; the counts add up to the calls
    const labels = await page.$$eval('.graph-edge-label', (els) => els.map((e) => e.textContent));
    assert.equal(await page.locator('.graph-edge').count(), labels.length);
    assert.equal(labels.reduce((a, l) => a + Number(l.replace(/[×,]/g, '')), 0), want.calls);
    // as run: the same nodes, one step per span with a parent, numbered
    await page.click('#graph-as-run');
    await addressMatching(page, /mode=run/);
    await page.waitForFunction(() => !/laying out/.test(document.querySelector('.graph-status').textContent));
    assert.deepEqual(await shownNodes(page), want.nodes);
    assert.match(await status(), new RegExp(` · ${want.calls} calls?$`));
    const steps = await page.$$eval('.graph-edge-label', (els) => els.flatMap((e) => e.textContent.split(' … ')[0].split(', ').map(Number)));
    assert.equal(Math.min(...steps), 1, 'the steps are numbered from 1');
    assert.ok(Math.max(...steps) <= want.calls);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a click on a node filters the tree to exactly its calls; by keyboard too; in the link', async () => {
  const lib = 'openinference-langchain';
  const want = largest(lib);
  const errors = [];
  const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
  await page.goto(`${app.server.url}#url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&trace=${want.trace}&view=graph`);
  await page.waitForSelector('.graph-node');
  for (const how of ['mouse', 'keyboard']) {
    const node = page.locator('.graph-node', { has: page.locator('.kind-tool') }).first();
    const calls = Number(await node.getAttribute('data-calls'));
    if (how === 'mouse') await node.click();
    else {
      await node.focus();
      await page.keyboard.press('Enter');
    }
    await page.waitForSelector('.graph-node.selected');
    assert.equal(Number(await page.getAttribute('.graph-node.selected', 'data-calls')), calls);
    await addressMatching(page, /filter=kind(%3A|:)tool/);
    await addressMatching(page, /obs=/); // its first call is selected (the detail pane shows it)
    await page.click('#graph-show-tree');
    await page.waitForSelector('.tree-row');
    // the tree is virtualized: its count of matches says what the filter kept
    await page.waitForSelector('.match-info');
    assert.equal((await page.textContent('.match-info')).trim(), `${calls} match${calls === 1 ? '' : 'es'}`, `${how}: the tree keeps exactly the node's calls`);
    await page.click('#tab-graph');
    await page.waitForSelector('.graph-node');
  }
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [theme, viewport] of [['dark', { width: 1440, height: 900 }], ['light', { width: 390, height: 844 }], ['dark', { width: 390, height: 844 }]]) {
  test(`the graph in the ${theme} theme at ${viewport.width} px: drawn, no sideways page`, async () => {
    const lib = 'openinference-openai-agents';
    const want = largest(lib);
    const errors = [];
    const page = await newPage(app.browser, errors, viewport);
    await page.goto(`${app.server.url}#url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&trace=${want.trace}&view=graph&theme=${theme}`);
    await page.waitForSelector('.graph-node');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px`);
    // the whole graph fits its frame at first (fit), zoom changes the scale
    const scale = () => page.$eval('.graph-stage', (e) => e.style.transform);
    const before = await scale();
    await page.focus('.graph-frame');
    await page.keyboard.press('-');
    assert.notEqual(await scale(), before);
    await page.screenshot({ path: path.join(ROOT, 'target', `graph-${theme}-${viewport.width}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
