// The agent graph's layout (views/graph.rs): dagre's layered layout, in a worker so a graph of
// a thousand nodes never blocks the page. One message in, one out:
// in  JSON text {"id": n, "nodes": [[width, height], …], "edges": [[from, to, labelWidth, labelHeight], …]}
// out a Float64Array (no parsing on the page's side): id, width, height, then x, y per node, then
//     per edge: its number of points k, its label's x, y, and k points x, y; in the order they came.
//     Or a string: what went wrong.
// A graph of more than QUICK nodes gets a quick first answer, with the id negated: dagre takes
// about a second for a thousand nodes, and the page shows this one meanwhile, as provisional.
importScripts('dagre/dagre.min.js');

const QUICK = 200;
const [NODESEP, RANKSEP, MARGIN] = [28, 56, 16];

// Each node on the layer of its longest path from a root (edges that close a cycle, found by a
// depth-first walk in node order, are left out of the count), in the order the nodes came within
// a layer, the layers centred; edges are straight lines, labels at their middle. Iterative.
function quick(req) {
  const n = req.nodes.length;
  const next = Array.from({ length: n }, () => []);
  req.edges.forEach(([v, w]) => { if (v !== w) next[v].push(w); });
  const state = new Uint8Array(n); // 0 unseen, 1 on the walk's path, 2 done
  const kept = Array.from({ length: n }, () => []);
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    const stack = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, k] = top;
      if (k < next[v].length) {
        top[1]++;
        const w = next[v][k];
        if (state[w] === 1) continue; // closes a cycle
        kept[v].push(w);
        if (!state[w]) { state[w] = 1; stack.push([w, 0]); }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  // longest path from a root over the kept edges (a DAG): Kahn's order
  const indeg = new Array(n).fill(0);
  kept.forEach((ws) => ws.forEach((w) => indeg[w]++));
  const rank = new Array(n).fill(0);
  const queue = [];
  for (let v = 0; v < n; v++) if (!indeg[v]) queue.push(v);
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of kept[v]) {
      rank[w] = Math.max(rank[w], rank[v] + 1);
      if (--indeg[w] === 0) queue.push(w);
    }
  }
  const layers = [];
  for (let v = 0; v < n; v++) (layers[rank[v]] ??= []).push(v);
  const widths = layers.map((l) => l.reduce((a, v) => a + req.nodes[v][0], 0) + NODESEP * (l.length - 1));
  const width = Math.max(...widths) + 2 * MARGIN;
  const pos = new Array(n);
  let y = MARGIN;
  layers.forEach((l, r) => {
    const h = Math.max(...l.map((v) => req.nodes[v][1]));
    let x = (width - widths[r]) / 2;
    for (const v of l) {
      pos[v] = [x + req.nodes[v][0] / 2, y + h / 2];
      x += req.nodes[v][0] + NODESEP;
    }
    y += h + RANKSEP;
  });
  const out = [-req.id, width, y - RANKSEP + MARGIN];
  pos.forEach(([x, y]) => out.push(x, y));
  req.edges.forEach(([v, w]) => {
    const [a, b] = [pos[v], pos[w]];
    if (v === w) { out.push(0, a[0], a[1]); return; }
    const [ha, hb] = [req.nodes[v][1] / 2, req.nodes[w][1] / 2];
    const down = b[1] > a[1];
    const p = [a[0], a[1] + (down ? ha : -ha)];
    const q = [b[0], b[1] + (down ? -hb : hb)];
    out.push(2, (p[0] + q[0]) / 2, (p[1] + q[1]) / 2, p[0], p[1], q[0], q[1]);
  });
  return new Float64Array(out);
}

onmessage = (ev) => {
  let id = null;
  try {
    const req = JSON.parse(ev.data);
    id = req.id;
    if (req.nodes.length > QUICK) {
      const first = quick(req);
      postMessage(first, [first.buffer]);
    }
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: NODESEP, ranksep: RANKSEP, edgesep: 12, marginx: MARGIN, marginy: MARGIN });
    g.setDefaultEdgeLabel(() => ({}));
    req.nodes.forEach(([width, height], i) => g.setNode(String(i), { width, height }));
    req.edges.forEach(([v, w, lw, lh], i) => g.setEdge(String(v), String(w), { width: lw, height: lh, labelpos: 'c' }, String(i)));
    dagre.layout(g);
    const graph = g.graph();
    const out = [id, graph.width, graph.height];
    req.nodes.forEach((_, i) => { const n = g.node(String(i)); out.push(n.x, n.y); });
    req.edges.forEach(([v, w], i) => {
      const e = g.edge({ v: String(v), w: String(w), name: String(i) });
      const points = e.points ?? [];
      out.push(points.length, e.x ?? 0, e.y ?? 0);
      for (const p of points) out.push(p.x, p.y);
    });
    const buf = new Float64Array(out);
    postMessage(buf, [buf.buffer]);
  } catch (err) {
    postMessage(`the layout failed: ${err && err.message || err}`);
  }
};
