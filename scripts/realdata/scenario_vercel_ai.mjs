// The realdata scenario under the Vercel AI SDK (npm `ai` + @ai-sdk/otel), run by capture.py.
// ai 7 moved OpenTelemetry into @ai-sdk/otel: registerTelemetry(new OpenTelemetry()) and a
// per-call `telemetry` option (the former `experimental_telemetry` is its deprecated alias).
// NodeSDK with the OTLP/HTTP protobuf exporter through a BatchSpanProcessor (maxExportBatchSize 20).
// Turns (each under a span of our own, one trace each; runtimeContext sessionId/userId included
// in telemetry): 1. embed + streamText that calls `searchDocs` (3 documents) then streams the
// answer, flushed before the turn ends; 2. generateText with two parallel tool calls (getWeather,
// explode; explode throws) and the answer, then two calls that fail (HTTP 500, 400; maxRetries 0);
// 3. a 50-step loop (49 `step` calls) whose prepareStep sends the first message and the last step.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { trace } from '@opentelemetry/api';
import { OpenTelemetry } from '@ai-sdk/otel';
import { createOpenAI } from '@ai-sdk/openai';
import { embed, generateText, jsonSchema, registerTelemetry, stepCountIs, streamText, tool } from 'ai';

const processor = new BatchSpanProcessor({
  exporter: new OTLPTraceExporter({ url: process.env.STANDIN_OTLP + '/v1/traces' }), maxExportBatchSize: 20 });
const sdk = new NodeSDK({ serviceName: 'realdata-vercel-ai', spanProcessors: [processor] });
sdk.start();
registerTelemetry(new OpenTelemetry());

const openai = createOpenAI({ baseURL: process.env.STANDIN_OPENAI, apiKey: 'sk-standin' });
const model = openai.chat('gpt-4o-mini');
const runtimeContext = { sessionId: 'sess-1', userId: 'user-1' };
const telemetry = (functionId) => ({ isEnabled: true, functionId, includeRuntimeContext: { sessionId: true, userId: true } });
const city = jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
const none = jsonSchema({ type: 'object', properties: {} });
let steps = 0;
const tools = {
  searchDocs: tool({ description: 'Search the docs', inputSchema: jsonSchema({ type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }),
    execute: async () => [0, 1, 2].map((i) => `Canopy fact ${i}`) }),
  getWeather: tool({ description: 'Weather in a city', inputSchema: city, execute: async ({ city }) => `sunny in ${city}` }),
  explode: tool({ description: 'A tool that fails', inputSchema: city, execute: async () => { throw new Error('tool exploded'); } }),
};
const step = tool({ description: 'One step', inputSchema: none, execute: async () => String(++steps) });
const tracer = trace.getTracer('realdata');
const turn = (name, fn) => tracer.startActiveSpan(name, async (span) => { try { return await fn(); } finally { span.end(); } });

await turn('rag-turn', async () => {
  await embed({ model: openai.embedding('text-embedding-3-small'), value: 'What is Canopy?', telemetry: telemetry('embed'), runtimeContext });
  const result = streamText({ model, tools: { searchDocs: tools.searchDocs }, stopWhen: stepCountIs(3), maxRetries: 0,
    prompt: 'What is Canopy? call=searchDocs', telemetry: telemetry('rag'), runtimeContext });
  let text = '';
  for await (const part of result.textStream) text += part;
  console.log(text);
  await processor.forceFlush();
});

await turn('tools-turn', async () => {
  const out = await generateText({ model, tools: { getWeather: tools.getWeather, explode: tools.explode }, stopWhen: stepCountIs(3),
    maxRetries: 0, prompt: 'Weather? call=getWeather,explode', telemetry: telemetry('tools'), runtimeContext });
  console.log(out.text);
  for (const marker of ['FAIL500', 'FAIL400']) {
    try {
      await generateText({ model, prompt: marker, maxRetries: 0, telemetry: telemetry('failing'), runtimeContext });
    } catch (e) {
      console.log('failed as scripted:', e.name);
    }
  }
});

await turn('agent-loop', async () => {
  const out = await generateText({ model, tools: { step }, stopWhen: stepCountIs(60), maxRetries: 0, prompt: 'Count. loop=50:step',
    prepareStep: ({ messages }) => (messages.length > 3 ? { messages: [messages[0], ...messages.slice(-2)] } : {}),
    telemetry: telemetry('loop'), runtimeContext });
  console.log(out.text);
});

await processor.forceFlush();
await sdk.shutdown();
