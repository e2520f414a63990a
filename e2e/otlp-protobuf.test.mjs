// Binary OTLP in the page: the OTel Python SDK's gzip-compressed request body dropped as it was
// posted (decompressed by the browser, then read as protobuf), the collector's proto file, and
// compressed or binary files the page cannot read named for what they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, dropFiles, ROOT, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();
const fixture = (name) => fs.readFileSync(path.join(ROOT, 'tests/fixtures/otlp-proto', name));

async function open() {
  const errors = [];
  const page = await newPage(app.browser, errors);
  await page.goto(app.server.url);
  await page.waitForSelector('.toolbar');
  return { page, errors };
}

test('a gzip-compressed OTLP protobuf body opens as its traces, named or not', async () => {
  const { page, errors } = await open();
  // 3 traces, 7 spans (tests/fixtures/otlp-proto/expected.txt, read by opentelemetry-proto)
  await dropFiles(page, [{ name: 'request.bin', content: fixture('sdk-1.29.0-traces-gzip.pb.gz') }]);
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 3);
  assert.match(await page.textContent('.trace-list-title'), /3 traces/);
  assert.deepEqual(errors, []);
});

test('the collector file exporter\'s proto file opens with its logs joined to their spans', async () => {
  const { page, errors } = await open();
  await dropFiles(page, [{ name: 'traces.binpb', content: fixture('collector-file-proto.binpb') }]);
  await page.waitForFunction(() => document.querySelectorAll('.trace-list-row').length === 3);
  assert.deepEqual(errors, []);
});

test('zstd, images and other protobuf are named, not read as broken JSON', async () => {
  const { page } = await open();
  const cases = [
    // Chromium 156 has no DecompressionStream("zstd"); one that has would say the frame is broken
    { name: 'spans.pb.zst', content: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x01, 0x09, 0x00, 0x00]), error: /spans\.pb\.zst: .*zstd/ },
    { name: 'shot.png', content: Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(32, 1)]), error: /shot\.png: .*a PNG image/ },
    { name: 'other.pb', content: Buffer.from([0x0a, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x10, 0x96, 0x01]), error: /other\.pb: .*protobuf, but not an OTLP trace or log request/ },
  ];
  for (const c of cases) {
    await dropFiles(page, [c]);
    await page.waitForFunction((re) => [...document.querySelectorAll('.error-banner')].some((e) => new RegExp(re).test(e.textContent)), c.error.source);
  }
});
