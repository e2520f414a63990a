// The agent graph's layout (views/graph.rs): dagre's layered layout, in a worker so a graph of
// a thousand nodes never blocks the page. One message in, one out:
// in  JSON text {"id": n, "nodes": [[width, height], …], "edges": [[from, to, labelWidth, labelHeight], …]}
// out a Float64Array (no parsing on the page's side): id, width, height, then x, y per node, then
//     per edge: its number of points k, its label's x, y, and k points x, y; in the order they came.
//     Or a string: what went wrong.
importScripts('dagre/dagre.min.js');

onmessage = (ev) => {
  let id = null;
  try {
    const req = JSON.parse(ev.data);
    id = req.id;
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 56, edgesep: 12, marginx: 16, marginy: 16 });
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
