// The Transcript tab (issue 28), in the built page, on real libraries' exports
// (tests/fixtures/realdata): every trace's blocks, read by scrolling the virtualized list from top
// to bottom, come in the order the independent Python reading found (transcript.expected.json by
// scripts/realdata/transcript_expect.py): model calls and tool calls by name, the user's input
// and the final answer. Then what a reader does: a click selects the step everywhere, a step
// selected in the tree is shown in the transcript, j/k n/p h/l move, the link keeps the view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withAppFixturesAndBrowser, dropFiles, ROOT } from './harness.mjs';

const FIXTURES = path.join(ROOT, 'tests/fixtures');
const LIBS = [
  'openinference-langchain', // LangGraph
  'openinference-openai-agents',
  'openinference-crewai',
  'openinference-smolagents',
  'pydantic-ai-logfire',
  'langfuse', // the Langfuse Python SDK
];

const app = withAppFixturesAndBrowser('transcript');

async function newPage(errors, viewport = { width: 1440, height: 900 }) {
  const page = await app.browser.newPage({ viewport });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return page;
}

/** Opens one trace of a corpus file straight in the Transcript tab, from a link. */
async function openTranscript(page, lib, id, extra = '') {
  await page.goto('about:blank');
  await page.goto(`${app.server.url}#url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&trace=${id}&view=transcript${extra}`);
  await page.waitForSelector('#transcript .tx-block, #transcript .tx-empty', { timeout: 30000 });
}

/** Every block of the transcript, in order, scrolling the list from top to bottom. */
function readAll(page) {
  return page.evaluate(async () => {
    const sc = document.querySelector('.tx-scroller');
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const seen = new Map();
    let drawnMax = 0;
    sc.scrollTop = 0;
    await frame();
    for (let guard = 0; guard < 5000; guard++) {
      const rows = sc.querySelectorAll('.measured-row');
      drawnMax = Math.max(drawnMax, rows.length);
      for (const row of rows) {
        const b = row.querySelector('.tx-block');
        seen.set(Number(row.dataset.pos), { kind: b.dataset.kind, name: b.dataset.name, text: b.innerText, obs: b.dataset.obs });
      }
      if (sc.scrollTop + sc.clientHeight >= sc.scrollHeight - 1) break;
      sc.scrollTop += Math.max(100, sc.clientHeight * 0.8);
      await frame();
    }
    const positions = [...seen.keys()].sort((a, b) => a - b);
    return { blocks: positions.map((p) => seen.get(p)), positions, drawnMax };
  });
}

for (const lib of LIBS) {
  test(`${lib}: each trace's transcript reads as the independent reader read it`, async () => {
    const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'realdata', lib, 'transcript.expected.json'), 'utf8')).by_trace;
    const errors = [];
    const page = await newPage(errors);
    for (const [id, e] of Object.entries(want)) {
      await openTranscript(page, lib, id);
      const { blocks, positions } = await readAll(page);
      assert.deepEqual(positions, positions.map((_, i) => i), `${lib} ${id}: every block drawn once, none skipped`);
      const seq = blocks.filter((b) => b.kind === 'turn' || b.kind === 'tool').map((b) => `${b.kind === 'turn' ? 'llm' : 'tool'}:${b.name}`);
      assert.deepEqual(seq, e.sequence, `${lib} ${id}: model and tool calls in order`);
      if (e.input) {
        const input = blocks.find((b) => b.kind === 'input');
        assert.ok(input?.text.includes(e.input.trim().split('\n')[0].trim()), `${lib} ${id}: the input says ${e.input}: ${input?.text}`);
      }
      if (e.final) {
        const fin = blocks.find((b) => b.kind === 'final');
        assert.ok(fin?.text.includes(e.final.trim().split('\n')[0].trim()), `${lib} ${id}: the final answer ${e.final}: ${fin?.text}`);
      }
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('Langfuse JSON exports: each trace reads as the independent reader read it', async () => {
  const shared = path.resolve(ROOT, '../shared/fixtures/langfuse');
  const errors = [];
  const page = await newPage(errors);
  for (const name of ['langgraph-js-2025-10-30', 'google-adk-2025-08-28', 'pydantic-ai-2025-06-06']) {
    const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'langfuse/transcript', `${name}.expected.json`), 'utf8')).by_trace;
    for (const [id, e] of Object.entries(want)) {
      await page.goto('about:blank');
      await page.goto(app.server.url);
      await page.waitForSelector('.toolbar');
      await dropFiles(page, [{ name: `${name}.trace.json`, content: fs.readFileSync(path.join(shared, `${name}.trace.json`), 'utf8') }]);
      await page.waitForSelector('.tree-row');
      await page.click('#tab-transcript');
      await page.waitForSelector('#transcript .tx-block, #transcript .tx-empty');
      assert.match(await page.textContent('.trace-header'), new RegExp(id.slice(0, 8)));
      const { blocks } = await readAll(page);
      const seq = blocks.filter((b) => b.kind === 'turn' || b.kind === 'tool').map((b) => `${b.kind === 'turn' ? 'llm' : 'tool'}:${b.name}`);
      assert.deepEqual(seq, e.sequence, `${name}: model and tool calls in order`);
      if (e.input) assert.ok(blocks.find((b) => b.kind === 'input')?.text.includes(e.input.trim().split('\n')[0].trim()), `${name}: input`);
      if (e.final) assert.ok(blocks.find((b) => b.kind === 'final')?.text.includes(e.final.trim().split('\n')[0].trim()), `${name}: final`);
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('an agent block folds its steps away and opens again', async () => {
  const lib = 'openinference-openai-agents';
  const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'realdata', lib, 'transcript.expected.json'), 'utf8')).by_trace;
  // the shortest run with an agent block
  const [id] = Object.entries(want).sort((a, b) => a[1].sequence.length - b[1].sequence.length)[0];
  const errors = [];
  const page = await newPage(errors);
  await openTranscript(page, lib, id);
  const before = (await readAll(page)).blocks;
  const agent = before.findIndex((b) => b.kind === 'agent');
  assert.ok(agent >= 0, 'the run has an agent block');
  await page.evaluate(() => { document.querySelector('.tx-scroller').scrollTop = 0; });
  await page.locator('.tx-block[data-kind=agent] .tx-fold').first().click();
  const folded = (await readAll(page)).blocks;
  assert.ok(folded.length < before.length, `${folded.length} blocks after folding, ${before.length} before`);
  assert.equal(folded[agent].kind, 'agent', "the agent's head stays");
  assert.equal(folded.length, before.length - (before.slice(agent + 1).findIndex((b) => b.kind === 'agent-end') + 1));
  await page.evaluate(() => { document.querySelector('.tx-scroller').scrollTop = 0; });
  await page.locator('.tx-block[data-kind=agent] .tx-fold').first().click();
  assert.equal((await readAll(page)).blocks.length, before.length);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a click selects the step everywhere, the tree's selection shows in the transcript, keys move, the link keeps the view", async () => {
  const lib = 'openinference-openai-agents';
  const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'realdata', lib, 'transcript.expected.json'), 'utf8')).by_trace;
  // the longest run: the 49-step loop
  const [id] = Object.entries(want).sort((a, b) => b[1].sequence.length - a[1].sequence.length)[0];
  const errors = [];
  const page = await newPage(errors);
  await openTranscript(page, lib, id);
  const { blocks, drawnMax } = await readAll(page);
  assert.ok(blocks.length > 100, `${blocks.length} blocks`);
  assert.ok(drawnMax < blocks.length / 2, `virtualized: at most ${drawnMax} of ${blocks.length} blocks in the page at once`);

  // the first tool card: a click selects its observation; the detail and the tree follow
  await page.evaluate(() => { document.querySelector('.tx-scroller').scrollTop = 0; });
  const tool = page.locator('.tx-block[data-kind=tool]').first();
  const toolName = await tool.getAttribute('data-name');
  await tool.click();
  await page.waitForSelector('.tx-block.selected[data-kind=tool]');
  assert.equal(await page.locator('.detail-title h3').first().textContent(), toolName);
  // the address is written once the view settles
  await page.waitForFunction(() => location.hash.includes('obs='), null, { timeout: 5000 });
  await page.click('#tab-tree');
  assert.match(await page.locator('.tree-row.selected').first().textContent(), new RegExp(toolName));

  // keys, from the selected tool
  await page.click('#tab-transcript');
  await page.focus('.tx-scroller');
  for (let i = 0; i < 3; i++) await page.keyboard.press('j');
  const afterJ = await page.locator('.tx-block.selected').getAttribute('data-kind');
  assert.equal(afterJ, 'turn', 'j goes to the next model call');
  // the detail of a model call says what it was sent that its agent's previous call had not
  const since = await page.locator('.detail-section', { hasText: 'Since the previous call' }).first().textContent();
  assert.match(since, /\d+ new messages?, after \d+ earlier ones? resent as context/, since);
  await page.keyboard.press('n');
  assert.equal(await page.locator('.tx-block.selected').getAttribute('data-kind'), 'tool', 'n goes to the next tool call');
  const toolObs = await page.locator('.tx-block.selected').getAttribute('data-obs');
  await page.keyboard.press('n');
  assert.notEqual(await page.locator('.tx-block.selected').getAttribute('data-obs'), toolObs);
  await page.keyboard.press('p');
  assert.equal(await page.locator('.tx-block.selected').getAttribute('data-obs'), toolObs, 'p goes back');
  await page.keyboard.press('h');
  assert.equal(await page.locator('.tx-block.selected').getAttribute('data-kind'), 'agent', 'h goes to the agent');

  // far down: End in the tree selects the last step; the transcript scrolls to it
  await page.click('#tab-tree');
  await page.focus('.tree-scroll');
  await page.keyboard.press('End');
  await page.click('#tab-transcript');
  // drawn and scrolled to once the list has its height (a frame after the tab opens)
  await page.waitForFunction(() => {
    const sc = document.querySelector('.tx-scroller')?.getBoundingClientRect();
    const b = document.querySelector('.tx-block.selected')?.getBoundingClientRect();
    return sc && b && b.bottom > sc.top && b.top < sc.bottom;
  }, null, { timeout: 5000 });

  // the link keeps the view and the selection
  const url = page.url();
  assert.match(url, /view=transcript/);
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('#tab-transcript.active');
  await page.waitForSelector('.tx-block.selected', { timeout: 10000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the 49-step loop is flagged in the header, on its tool calls in the transcript and the tree, and by has:loop; the other runs are not', async () => {
  const lib = 'openinference-openai-agents';
  const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'realdata', lib, 'transcript.expected.json'), 'utf8')).by_trace;
  const [loopId] = Object.entries(want).sort((a, b) => b[1].sequence.length - a[1].sequence.length)[0];
  // counted from the independent reading: the tool calls of the looping run
  const stepCalls = want[loopId].sequence.filter((s) => s === 'tool:step').length;
  const errors = [];
  const page = await newPage(errors);
  await openTranscript(page, lib, loopId);
  assert.match(await page.textContent('.loops-panel summary'), new RegExp(`step called ${stepCalls} times`));
  assert.equal(await page.textContent('.tx-block[data-kind=tool] .loop-badge >> nth=0'), `⟳×${stepCalls}`);
  await page.click('#tab-tree');
  await page.waitForSelector('.tree-row .loop-badge');
  // the list: only the looping run passes has:loop
  await page.click('#nav-traces');
  await page.fill('.list-filter', 'has:loop');
  await page.waitForFunction(() => document.querySelectorAll('.traces-page .tr').length === 1);
  assert.match(await page.textContent('.traces-page .tr'), /⟳×/);
  for (const id of Object.keys(want).filter((i) => i !== loopId)) {
    await openTranscript(page, lib, id);
    assert.equal(await page.locator('.loops-panel').count(), 0, `${id}: no loop`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
