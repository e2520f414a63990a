// The example host page's script (docs/embedding.md): embeds Canopy in an iframe driven through
// postMessage, and with the <canopy-viewer> element. A file of its own so the page's
// Content-Security-Policy can forbid inline script.
//
// `?canopy=` says where Canopy is. It runs as this page's own code (the element's script comes
// from there) and names the frame's address, so only this page's origin or a loopback http(s)
// address (localhost or 127.0.0.1: a Canopy served on this machine, as the two-origin tests
// do) is taken: never
// `javascript:`, `data:` or another site, which would run their code as Canopy's origin.
'use strict';

/** Whether `u` (a URL) may serve the Canopy this page embeds. */
function trusted(u) {
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.username || u.password) return false;
  if (u.origin === location.origin) return true;
  const h = u.hostname;
  // the names the page's policy lists (a CSP cannot name an IPv6 address or a range)
  return h === 'localhost' || h === '127.0.0.1';
}

/** Where Canopy is: next to this page unless ?canopy= names a trusted address; `null` if it
 *  names any other. */
function canopyAddress() {
  const given = new URLSearchParams(location.search).get('canopy');
  if (given === null || given === '') return new URL('./', location.href);
  let u;
  try {
    u = new URL(given, location.href);
  } catch {
    return null;
  }
  return trusted(u) ? u : null;
}

const canopy = canopyAddress();
const log = (text) => {
  const li = document.createElement('li');
  li.textContent = text;
  document.getElementById('events').append(li);
};

if (canopy === null) {
  // said in the page, as text; the frame stays empty and no script of Canopy's is loaded
  const refused = document.getElementById('refused');
  refused.hidden = false;
  refused.textContent = '?canopy= must be this page\'s origin or a loopback http(s) address '
    + '(localhost or 127.0.0.1); it was not used.';
  for (const b of document.querySelectorAll('.controls button')) b.disabled = true;
} else {
  start(canopy);
}

function start(canopy) {
  const frame = document.getElementById('canopy');
  const target = canopy.origin;
  const url = new URL(canopy);
  // this page's origin is the only one allowed to drive the frame
  url.search = new URLSearchParams({ embed: '1', hide: 'list', origin: location.origin }).toString();
  url.hash = '';
  frame.src = url.href;

  let ready = false;
  window.addEventListener('message', (ev) => {
    if (ev.source !== frame.contentWindow || ev.origin !== target) return;
    const m = ev.data;
    if (m.type === 'canopy:ready') ready = true;
    const { type, ...rest } = m;
    log(`${type} ${JSON.stringify(rest)}`);
  });
  const send = (msg) => {
    if (!ready) return log('(not ready yet)');
    frame.contentWindow.postMessage(msg, target);
  };
  // files Canopy fetches itself come from its origin; files this page reads come from its own
  const demo = (name) => new URL(`demo/${name}`, canopy).href;
  const here = (name) => new URL(`demo/${name}`, location.href).href;
  const on = (id, f) => document.getElementById(id).addEventListener('click', f);

  on('load-text', async () =>
    send({ type: 'canopy:load', name: 'agent-tools.json', data: await (await fetch(here('agent-tools.json'))).text() }));
  on('load-buffer', async () =>
    send({ type: 'canopy:load', name: 'rag-chain.otlp.json', data: await (await fetch(here('rag-chain.otlp.json'))).arrayBuffer() }));
  on('load-url', () => send({ type: 'canopy:load', url: demo('failing-run.json') }));
  on('select', () => send({ type: 'canopy:select', trace: 'demo-agent-trace', observation: 'gen-plan' }));
  on('view-timeline', () => send({ type: 'canopy:setView', view: 'timeline' }));
  on('view-tree', () => send({ type: 'canopy:setView', view: 'tree' }));
  on('theme-dark', () => send({ type: 'canopy:setTheme', theme: 'dark' }));
  on('theme-light', () => send({ type: 'canopy:setTheme', theme: 'light' }));

  // the element comes from the same place as Canopy
  const viewer = document.getElementById('viewer');
  viewer.setAttribute('base', canopy.href);
  viewer.setAttribute('src', demo('rag-chain.otlp.json'));
  const status = document.getElementById('viewer-status');
  const seen = [];
  for (const kind of ['ready', 'loaded', 'selected', 'error']) {
    viewer.addEventListener(`canopy-${kind}`, (ev) => {
      const { type, ...rest } = ev.detail;
      seen.push(type);
      status.textContent = `Events so far: ${seen.join(', ')}. Last: ${JSON.stringify(rest)}`;
    });
  }
  const script = document.createElement('script');
  script.src = new URL('canopy-viewer.js', canopy).href;
  document.head.append(script);
}
