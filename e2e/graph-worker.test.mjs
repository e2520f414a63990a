// The agent graph's layout worker (public/graph-worker.js) run as the page runs it, one message
// in and its answers out, without a browser: a graph of more than 200 nodes is answered twice,
// first with a quick layering (id negated) and then with dagre's layout (the id as sent); a small
// graph only once, by dagre. Read in the shape views/graph.rs reads (model::graph::read_layout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from './harness.mjs';

function runWorker(request) {
  const answers = [];
  const ctx = {
    importScripts: (p) => vm.runInContext(fs.readFileSync(path.join(ROOT, 'public', p), 'utf8'), ctx),
    postMessage: (m) => answers.push(m),
  };
  ctx.self = ctx;
  vm.createContext(ctx);
  vm.runInContext(fs.readFileSync(path.join(ROOT, 'public/graph-worker.js'), 'utf8'), ctx);
  ctx.onmessage({ data: JSON.stringify(request) });
  return answers;
}

/** Reads an answer: id, size, node centres, and per edge its label and points. */
function read(flat, nodes, edges) {
  let i = 0;
  const next = () => flat[i++];
  const out = { id: next(), width: next(), height: next(), nodes: [], edges: [] };
  for (let k = 0; k < nodes; k++) out.nodes.push([next(), next()]);
  for (let k = 0; k < edges; k++) {
    const n = next();
    const label = [next(), next()];
    const points = [];
    for (let j = 0; j < n; j++) points.push([next(), next()]);
    out.edges.push({ label, points });
  }
  assert.equal(i, flat.length, 'nothing left over');
  return out;
}

/** A call tree of n nodes (each called by the one a third of its index), a self-call, and a loop back up. */
function graph(n) {
  const nodes = Array.from({ length: n }, (_, i) => [100 + (i % 7) * 10, 48]);
  const edges = [];
  for (let i = 1; i < n; i++) edges.push([Math.floor(i / 3), i, 20, 16]);
  edges.push([5, 5, 20, 16]);
  edges.push([40, 2, 20, 16]); // 2 → 6 → 20 → 40 → 2: closes a cycle
  return { nodes, edges };
}

test('a large graph: a quick layering first (id negated), then dagre\'s layout', () => {
  const { nodes, edges } = graph(300);
  const answers = runWorker({ id: 9, nodes, edges });
  assert.equal(answers.length, 2);
  // (the worker's Float64Array is of the vm's realm: not `instanceof` this one's)
  assert.ok(answers.every((a) => ArrayBuffer.isView(a)), answers.filter((a) => typeof a === 'string').join());
  const quick = read(answers[0], nodes.length, edges.length);
  const done = read(answers[1], nodes.length, edges.length);
  assert.equal(quick.id, -9);
  assert.equal(done.id, 9);
  // layered: every call of the tree goes one layer down; boxes in a layer never overlap
  for (const [v, w] of edges.slice(0, -2)) assert.ok(quick.nodes[w][1] > quick.nodes[v][1], `${v} → ${w}`);
  const rows = new Map();
  quick.nodes.forEach(([x, y], i) => rows.set(y, [...(rows.get(y) ?? []), [x - nodes[i][0] / 2, x + nodes[i][0] / 2]]));
  for (const boxes of rows.values()) {
    boxes.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < boxes.length; k++) assert.ok(boxes[k][0] >= boxes[k - 1][1], 'no overlap in a layer');
  }
  // inside the stated size; a straight edge from box to box, none for the self-call
  for (const [x, y] of quick.nodes) assert.ok(x > 0 && x < quick.width && y > 0 && y < quick.height);
  assert.equal(quick.edges[edges.length - 2].points.length, 0, 'the self-call: drawn by the page');
  assert.ok(quick.edges.slice(0, -2).every((e) => e.points.length === 2));
  // dagre's answer is a layout of the same graph
  assert.ok(done.nodes.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
});

test('a small graph: dagre\'s layout only', () => {
  const { nodes, edges } = graph(40);
  const answers = runWorker({ id: 3, nodes, edges });
  assert.equal(answers.length, 1);
  assert.equal(read(answers[0], nodes.length, edges.length).id, 3);
});
