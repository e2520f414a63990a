// Real LangSmith JS SDK output: runs an agent-shaped run tree (a chain, an LLM call with usage, a
// tool that fails) with the unmodified `langsmith` npm package against a loopback stand-in for
// the LangSmith API that saves every request body as sent, and writes the ingest batches.
// Needs npm (not part of `make test`); see scripts/realdata/README.md.
import http from 'node:http';
import fs from 'node:fs';
import { RunTree } from 'langsmith';
import { Client } from 'langsmith';

const bodies = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    bodies.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url.startsWith('/info') ? JSON.stringify({ version: '0.0.0', batch_ingest_config: { use_multipart_endpoint: process.env.MULTIPART === '1' } }) : '{}');
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}`;
const client = new Client({ apiUrl: url, apiKey: 'lsv2-test', autoBatchTracing: process.env.BATCH === '1' });
const root = new RunTree({ name: 'agent', run_type: 'chain', inputs: { question: 'What is 2+2?' }, client, project_name: 'canopy-fixture' });
await root.postRun();
// the first batch holds the runs as they start; the second their ends (as a long run sends them)
const llm = root.createChild({ name: 'ChatOpenAI', run_type: 'llm', inputs: { messages: [{ role: 'user', content: 'What is 2+2?' }] } });
await llm.postRun();
await client.awaitPendingTraceBatches?.();
await llm.end({ generations: [[{ text: '4' }]], llm_output: { token_usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 } } });
await llm.patchRun();
const tool = root.createChild({ name: 'calculator', run_type: 'tool', inputs: { expression: '2+2' } });
await tool.postRun();
await tool.end(undefined, 'ValueError: calculator is down');
await tool.patchRun();
await root.end({ answer: '4' });
await root.patchRun();
await client.awaitPendingTraceBatches?.();
await new Promise((r) => setTimeout(r, 500));
server.close();
fs.writeFileSync('requests.json', JSON.stringify(bodies, null, 1));
const batches = bodies.filter((b) => b.url === '/runs/batch').map((b) => JSON.parse(b.body));
if (batches.length) fs.writeFileSync('batches.json', JSON.stringify(batches, null, 1));
// MULTIPART=1: the `/runs/multipart` bodies as sent, one after another
const multipart = bodies.filter((b) => b.url === '/runs/multipart').map((b) => b.body);
if (multipart.length) fs.writeFileSync('multipart.txt', multipart.join(''));
console.log(bodies.map((b) => `${b.method} ${b.url} ${b.type} ${b.body.length}`).join('\n'));
