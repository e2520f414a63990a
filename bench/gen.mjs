// Generates OTLP JSON traces of any size: an 8-ary tree of CHAIN/LLM/TOOL/RETRIEVER spans with
// OpenInference attributes. With `payloads`, every span carries what its kind records (about 1.4 KB
// per span on average, the 140 MB for 100,000): LLM spans chat messages and invocation
// parameters, chains their input and output, tools their parameters and result, retrievers the
// query and three ranked documents. `payloads: 'llm'` gives only LLM spans their messages, others
// a small input (about 0.9 KB per span: the file `make bench` measured until 2026-12-01).
const KINDS = ['CHAIN', 'LLM', 'TOOL', 'RETRIEVER'];
const LOREM = 'The quarterly report shows revenue growth driven by subscriptions, with churn stable and ' +
  'support volume down after the onboarding redesign. ';

function hex(n, width) {
  return n.toString(16).padStart(width, '0');
}

// `names`: blocks of that many spans, each an 8-ary tree whose span at position r is named
// `<kind>-r` under the same caller's name, all blocks under the root: a run with about that many
// distinct names, each called from one place (the agent graph's and the statistics' bench case).
// `steps`: an agent run of that many steps (model and tool calls taking turns) among `n` spans:
// the others are chain spans around them, as frameworks wrap each step several times over.
export function otlpTrace(n, { payloads = false, traceId = '5b8efff798038103d269b633813fc60c', steps = 0, names = 0 } = {}) {
  const every = steps > 0 ? Math.max(1, Math.floor(n / steps)) : 0;
  const t0 = 1_700_000_000_000_000_000n;
  const parts = [];
  for (let i = 0; i < n; i++) {
    const kind = i === 0 ? 'AGENT'
      : every ? (i % every === 1 % every ? (Math.floor(i / every) % 2 ? 'TOOL' : 'LLM') : 'CHAIN')
      : KINDS[i % KINDS.length];
    const start = t0 + BigInt(i) * 1_000_000n;
    const end = start + 5_000_000n + BigInt((i * 7919) % 50) * 1_000_000n;
    const attrs = [{ key: 'openinference.span.kind', value: { stringValue: kind } }];
    if (kind === 'LLM') {
      attrs.push({ key: 'llm.model_name', value: { stringValue: 'gpt-4o-mini' } });
      attrs.push({ key: 'llm.token_count.prompt', value: { intValue: String(100 + (i % 900)) } });
      attrs.push({ key: 'llm.token_count.completion', value: { intValue: String(10 + (i % 90)) } });
      attrs.push({ key: 'llm.token_count.total', value: { intValue: String(110 + (i % 900) + (i % 90)) } });
      if (payloads) {
        attrs.push({ key: 'llm.input_messages.0.message.role', value: { stringValue: 'system' } });
        attrs.push({ key: 'llm.input_messages.0.message.content', value: { stringValue: 'You are an analyst. ' + LOREM } });
        attrs.push({ key: 'llm.input_messages.1.message.role', value: { stringValue: 'user' } });
        attrs.push({ key: 'llm.input_messages.1.message.content', value: { stringValue: `Question ${i}: ` + LOREM.repeat(4) } });
        attrs.push({ key: 'llm.output_messages.0.message.role', value: { stringValue: 'assistant' } });
        attrs.push({ key: 'llm.output_messages.0.message.content', value: { stringValue: `Answer ${i}: ` + LOREM.repeat(3) } });
      }
      if (payloads === true) {
        attrs.push({ key: 'llm.invocation_parameters', value: { stringValue: '{"temperature": 0.2, "max_tokens": 1024, "top_p": 1}' } });
      }
    } else if (payloads === true && kind === 'RETRIEVER') {
      attrs.push({ key: 'input.value', value: { stringValue: `Which accounts churned in quarter ${i % 4 + 1}?` } });
      for (let d = 0; d < 3; d++) {
        const doc = `retrieval.documents.${d}.document`;
        attrs.push({ key: `${doc}.id`, value: { stringValue: `doc-${(i * 3 + d) % 5000}` } });
        attrs.push({ key: `${doc}.score`, value: { doubleValue: 0.9 - d * 0.1 } });
        attrs.push({ key: `${doc}.content`, value: { stringValue: `Report ${d}: ` + LOREM.repeat(d === 0 ? 2 : 1) } });
      }
    } else if (payloads === true && kind === 'TOOL') {
      attrs.push({ key: 'tool.name', value: { stringValue: 'lookup_account' } });
      attrs.push({ key: 'tool.parameters', value: { stringValue: '{"type": "object", "properties": {"account": {"type": "string"}}}' } });
      attrs.push({ key: 'input.value', value: { stringValue: `{"account": "acct-${i}", "fields": ["plan", "seats", "renewal"]}` } });
      attrs.push({ key: 'input.mime_type', value: { stringValue: 'application/json' } });
      attrs.push({ key: 'output.value', value: { stringValue: `{"account": "acct-${i}", "plan": "team", "seats": ${i % 90 + 10}, "note": "${LOREM.slice(0, 110)}"}` } });
      attrs.push({ key: 'output.mime_type', value: { stringValue: 'application/json' } });
    } else if (payloads) {
      attrs.push({ key: 'input.value', value: { stringValue: `{"step": ${i}, "query": "${LOREM.slice(0, 60)}"}` } });
      if (payloads === true) {
        attrs.push({ key: 'input.mime_type', value: { stringValue: 'application/json' } });
        attrs.push({ key: 'output.value', value: { stringValue: `Step ${i} done. ` + LOREM.repeat(2) } });
      }
    }
    const span = {
      traceId,
      spanId: hex(i + 1, 16),
      name: `${kind.toLowerCase()}-${names ? i % names : i}`,
      kind: 1,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: end.toString(),
      attributes: attrs,
      status: i % 997 === 13 ? { code: 2, message: 'synthetic failure' } : {},
    };
    if (i > 0 && names) {
      const r = i % names;
      span.parentSpanId = hex(r === 0 ? 1 : i - r + Math.floor((r - 1) / 8) + 1, 16);
    } else if (i > 0) span.parentSpanId = hex(Math.floor((i - 1) / 8) + 1, 16);
    parts.push(JSON.stringify(span));
  }
  return `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}}]},` +
    `"scopeSpans":[{"scope":{"name":"bench"},"spans":[${parts.join(',')}]}]}]}`;
}
