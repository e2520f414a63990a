// Questions and answers read from agents' states (issue 34), in the built page, on real libraries'
// exports (tests/fixtures/realdata): each turn of a session shows the user's words and the run's
// final text — read here without Canopy: the root's own text output, else the last assistant
// text of the model calls (transcript.expected.json, scripts/realdata/transcript_expect.py) —
// never a state's JSON; and LangGraph's state in the detail pane is the conversation, its JSON one
// click away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withAppFixturesAndBrowser, newPage, otlpSpans, ROOT } from './harness.mjs';

const REAL = path.join(ROOT, 'tests/fixtures/realdata');
const LIBS = [
  'openinference-langchain', // LangGraph
  'openinference-openai-agents', // no output on the root: the model calls' last text
  'openinference-crewai', // {raw, tasks_output} on the root
  'openinference-smolagents',
  'langfuse',
  'traceloop',
];

const app = withAppFixturesAndBrowser('answers');

/** Per trace of the file, in start order: its root's name and the answer a reader expects. */
function expectedTurns(lib) {
  const body = fs.readFileSync(path.join(REAL, lib, 'traces.otlp.jsonl'), 'utf8');
  const finals = JSON.parse(fs.readFileSync(path.join(REAL, lib, 'transcript.expected.json'), 'utf8')).by_trace;
  const spans = [...otlpSpans(body)];
  const ids = new Set(spans.map((s) => s.span.spanId));
  const traces = new Map();
  for (const s of spans) {
    const t = traces.get(s.trace) ?? { start: Infinity, root: null, rootInputs: [] };
    const start = BigInt(s.span.startTimeUnixNano);
    if (t.start === Infinity || start < t.start) t.start = start;
    if (!s.span.parentSpanId || !ids.has(s.span.parentSpanId)) {
      t.root ??= s;
      if (typeof s.attrs['input.value'] === 'string') t.rootInputs.push(s.attrs['input.value']);
    }
    traces.set(s.trace, t);
  }
  const rootText = (a) => {
    const raw = a['output.value'] ?? a['traceloop.entity.output'] ?? a['langfuse.observation.output'];
    if (typeof raw !== 'string') return null;
    try {
      const v = JSON.parse(raw);
      return typeof v === 'string' ? v : null;
    } catch { return raw; }
  };
  return [...traces.entries()]
    .sort((a, b) => (a[1].start < b[1].start ? -1 : a[1].start > b[1].start ? 1 : 0))
    .map(([id, t]) => ({ id, name: t.root.span.name, answer: rootText(t.root.attrs) ?? finals[id]?.final ?? null, input: finals[id]?.input ?? null, rootInputs: t.rootInputs }));
}

for (const lib of LIBS) {
  test(`${lib}: each turn of the session reads as the user's words and the final text`, async () => {
    const errors = [];
    const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
    await page.goto(`${app.server.url}#url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&page=session&session=sess-1`);
    await page.waitForSelector('.session-page .turn', { timeout: 30000 });
    const turns = await page.$$eval('.session-page .turn', (els) => els.map((e) => ({
      name: e.querySelector('.turn-name').textContent,
      user: e.querySelector('.turn-user').textContent.replace(/^user/, ''),
      answer: e.querySelector('.turn-answer').textContent.replace(/^answer/, ''),
    })));
    const want = expectedTurns(lib);
    assert.equal(turns.length, want.length, `${lib}: turns`);
    turns.forEach((t, i) => {
      const w = want[i];
      assert.ok(w.name.startsWith(t.name), `${lib} turn ${i + 1}: ${t.name} is ${w.name}`);
      if (w.answer !== null) assert.equal(t.answer, w.answer, `${lib} turn ${i + 1} (${w.name}): the answer`);
      assert.ok(!/"messages"|"type":\s*"ai"|"raw":/.test(t.answer), `${lib} turn ${i + 1}: no state's JSON as the answer: ${t.answer}`);
      // the user's words: in the first message the model was sent, or in a root's recorded input
      // (smolagents' trace of a failed run and the next one holds both)
      const q = t.user.trim();
      if (w.input) assert.ok(q && [w.input, ...w.rootInputs].some((x) => x.includes(q)), `${lib} turn ${i + 1}: the question ${q} is the user's ${w.input}`);
    });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("LangGraph's state in the detail pane is the conversation, with its raw JSON a click away", async () => {
  const lib = 'openinference-langchain';
  const body = fs.readFileSync(path.join(REAL, lib, 'traces.otlp.jsonl'), 'utf8');
  const spans = [...otlpSpans(body)];
  const root = spans.find((s) => s.span.name === 'tools_turn');
  const graph = spans.find((s) => s.trace === root.trace && s.span.name === 'LangGraph');
  const state = JSON.parse(graph.attrs['output.value']);
  const roleOf = { human: 'user', ai: 'assistant', tool: 'tool' };
  const wantRoles = state.messages.map((m) => roleOf[m.type]);
  const obs = Buffer.from(graph.span.spanId, 'base64').toString('hex');
  const errors = [];
  const page = await newPage(app.browser, errors, { width: 1440, height: 900 });
  await page.evaluate(() => localStorage.clear()).catch(() => {});
  await page.goto(`${app.server.url}#url=${encodeURIComponent(`fixtures/realdata/${lib}/traces.otlp.jsonl`)}&trace=${root.trace}&obs=${obs}`);
  const output = page.locator('.detail .detail-section', { has: page.locator('h4', { hasText: /^Output/ }) }).first();
  await output.locator('.messages').waitFor({ timeout: 30000 });
  const roles = await output.locator('.message-role').allTextContents();
  assert.deepEqual(roles.map((r) => r.trim().split(' ')[0]), wantRoles, 'one block per message, in order');
  const text = await output.locator('.messages').innerText();
  assert.ok(text.includes('ok 3') && text.includes('get_weather') && text.includes('sunny in x'), text);
  assert.ok(!text.includes('"additional_kwargs"'), 'the conversation, not the JSON');
  // the raw value is one click away, and back
  await output.locator('.raw-toggle').click();
  await output.locator('.payload-raw').waitFor();
  assert.ok((await output.locator('.payload-raw').innerText()).includes('additional_kwargs'), 'the raw value as it came');
  await output.locator('.raw-toggle').click();
  await output.locator('.messages').waitFor();
  // its input: LangChain's (role, text) tuples, a user message
  const input = page.locator('.detail .detail-section', { has: page.locator('h4', { hasText: /^Input/ }) }).first();
  assert.match(await input.locator('.messages').innerText(), /Weather\? call=get_weather,explode/);
  assert.deepEqual(errors, []);
  await page.close();
});
