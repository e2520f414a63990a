// Hostile copies of trace files: script and remote loads planted in every string of free text.
import fs from 'node:fs';

// Each payload sets window.__xss if it ever runs, or fetches from tracker.invalid if it ever loads.
export const PAYLOAD = ' <img src=x onerror="window.__xss=1"><script>window.__xss=2</script><svg onload="window.__xss=3">'
  + '<a href="javascript:window.__xss=4">a</a> [md](javascript:window.__xss=5) ![i](http://tracker.invalid/md.png)'
  + ' <iframe src="http://tracker.invalid/f"></iframe><style>*{background:url(http://tracker.invalid/css)}</style>';
// values the importers read as codes (kinds, roles, levels, ids, times): planting there would
// change what the file means, not test how its text is shown
const CODE_KEYS = /^(type|kind|run_type|level|role|status|status_code|statusCode|code|dataType|data_type|source|mimeType|mime_type|media_type|unit|format|key|span_kind|spanKind|observationType)$/;
const CODE_VALUE = /^([A-Z0-9_.:-]+|[0-9a-fA-F-]{8,}|[\d\s.:+TZ-]+|(?=[^-_ ]*\d)(?=[^-_ ]*[A-Z])[A-Za-z0-9+/]{10,}={0,2}|llm|chain|tool|retriever|embedding|agent|prompt|parser|user|assistant|system|function|human|ai|true|false|null)$/;
const isId = (k) => /(^id$|Id$|_id$|ID$|^parent|^trace|^span|^context|^run$|^session)/.test(k);

/** The JSON with PAYLOAD appended to every string of free text, also inside JSON held in strings,
 *  and an extra hostile entry in every attribute list and metadata map. */
function plant(value, key = '') {
  // a ClickHouse result's column list (`FORMAT JSON`/`JSONCompact` `meta`): names that are codes
  if (key === 'meta' && Array.isArray(value) && value.every((m) => m && typeof m === 'object' && 'name' in m && 'type' in m)) return value;
  if (typeof value === 'string') {
    if (isId(key) || CODE_KEYS.test(key) || CODE_VALUE.test(value.trim())) return value;
    const t = value.trim();
    if ((t.startsWith('{') || t.startsWith('[')) && t.length > 1) {
      try { return JSON.stringify(plant(JSON.parse(t), key)); } catch { /* text that looks like JSON */ }
    }
    return value + PAYLOAD;
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => plant(v, key));
    if (key === 'attributes' && value.every((a) => a && typeof a === 'object' && 'key' in a)) {
      out.push({ key: `x.hostile${PAYLOAD}`, value: { stringValue: PAYLOAD } });
    }
    return out;
  }
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plant(v, k);
    if (/^(metadata|attributes|extra|tags|annotations|inputs|outputs)$/.test(key) && !Array.isArray(value)) {
      out[`hostile key${PAYLOAD}`] = PAYLOAD;
    }
    return out;
  }
  return value;
}

/** The JSON values of a text holding one or several, one after another (JSON Lines, or the
 *  pretty-printed objects SDK console exporters print back to back). */
function values(text) {
  const out = [];
  let depth = 0, inString = false, escaped = false, start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') { if (depth++ === 0) start = i; }
    else if ((c === '}' || c === ']') && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

export function planted(file) {
  const text = fs.readFileSync(file, 'utf8');
  const all = values(text);
  if (file.endsWith('.jsonl') || all.length > 1) return all.map((v) => JSON.stringify(plant(v))).join('\n');
  return JSON.stringify(plant(JSON.parse(text)));
}

