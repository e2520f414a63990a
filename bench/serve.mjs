// The benchmarks' static server: the repository on 127.0.0.1, every file read once and then served
// from memory. Python's server read each large trace from disk again per request, and this VM
// evicts cached file pages (DAMON): loads stalled for up to a second waiting for the disk, in the
// app and the JSON.parse baseline alike but not by the same amount. Same interface as
// `e2e/harness.mjs`'s `serve`: resolves to { url, stop }, and `preload(file)` reads a file into
// memory before it is measured (the first request would otherwise wait for the disk).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/gzip',
};

export function serveFromMemory(root) {
  const cache = new Map();
  const load = (file) => {
    let body = cache.get(file);
    if (!body) {
      body = fs.readFileSync(file);
      cache.set(file, body);
    }
    return body;
  };
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    let body;
    try {
      body = load(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        stop: () => {
          server.closeAllConnections();
          server.close();
        },
        preload: (file) => void load(path.resolve(file)),
      });
    });
  });
}
