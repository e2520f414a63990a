// Real OpenTelemetry JS SDK dumps of one small agent run (pinned: @opentelemetry/sdk-trace-base
// 2.12.1, @opentelemetry/api 1.9.1, unmodified):
// - in-memory.json: JSON.stringify(InMemorySpanExporter.getFinishedSpans()), the ReadableSpan
//   objects as the SDK holds them (HrTime [sec, ns] times, `_spanContext`, `parentSpanContext`).
//   A span holds its processor, which holds the exporter and so the spans: the stringify needs
//   MDN's getCircularReplacer (an object met again is left out), the usual way round that;
// - console.jsonl: what ConsoleSpanExporter hands to console.dir, one JSON object per line
//   (console.dir would print it with util.inspect, which is not JSON; the object is the same).
import { writeFileSync, appendFileSync } from 'node:fs';
import { context, trace, SpanStatusCode, SpanKind } from '@opentelemetry/api';
import {
  BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter, ConsoleSpanExporter,
} from '@opentelemetry/sdk-trace-base';

writeFileSync('console.jsonl', '');
console.dir = (obj) => appendFileSync('console.jsonl', JSON.stringify(obj) + '\n');
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(new ConsoleSpanExporter())],
});
const tracer = provider.getTracer('realdata.agent.js', '0.1.0');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// parents passed explicitly: BasicTracerProvider registers no context manager
const root = tracer.startSpan('invoke_agent weather', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
const under = trace.setSpan(context.active(), root);
const chat = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT }, under);
chat.setAttributes({
  'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 21,
  'gen_ai.usage.output_tokens': 9,
});
chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'Weather in Paris?' });
await sleep(3);
chat.end();
const tool = tracer.startSpan('execute_tool get_weather', {}, under);
tool.setAttributes({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' });
tool.recordException(new Error('weather service did not answer'));
tool.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
await sleep(2);
tool.end();
root.end();
await provider.forceFlush();
// MDN's getCircularReplacer: leaves out an object already on the way down
function getCircularReplacer() {
  const ancestors = [];
  return function (key, value) {
    if (typeof value !== 'object' || value === null) return value;
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  };
}
writeFileSync('in-memory.json', JSON.stringify(memory.getFinishedSpans(), getCircularReplacer(), 2));
await provider.shutdown();
