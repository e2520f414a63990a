// Canopy's crash notice: a panic is a wasm trap in release builds; this shows the report to copy
// (version, trap name, wasm frames, browser; never trace data) and Reload. See docs/security.md.
(function () {
  'use strict';
  let shown = false;

  function fromWasm(err) {
    if (!err || typeof err !== 'object') return false;
    if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) return true;
    return err instanceof RangeError && /wasm-function\[\d+\]/.test(String(err.stack || ''));
  }

  // the first wasm frames as `wasm-function[12]:0x3f0a`, never a message or a file's content
  function frames(err) {
    const found = String(err.stack || '').match(/wasm-function\[\d+\]:0x[0-9a-f]+/g) || [];
    return found.slice(0, 8);
  }

  // the engine's names for traps are fixed words; anything else becomes "trap"
  function kind(err) {
    const message = String(err.message || '');
    return /^[a-z][a-z ()-]{0,60}$/i.test(message) ? message : 'trap';
  }

  function report(err) {
    const version = document.documentElement.dataset.canopyVersion || 'unknown version';
    const where = frames(err);
    return (
      'Canopy ' + version + ' crashed: ' + err.name + ': ' + kind(err) + '\n' +
      'at ' + (where.length ? where.join(' < ') : 'an unknown place') + '\n' +
      'browser: ' + navigator.userAgent
    );
  }

  function show(text) {
    if (shown || !document.body) return;
    shown = true;
    const div = document.createElement('div');
    div.className = 'crash-report';
    div.setAttribute('role', 'alert');
    const head = document.createElement('strong');
    head.textContent =
      'Canopy hit an internal error and stopped. Please copy this report (it is selected: Ctrl+C) into a bug report, then reload:';
    const area = document.createElement('textarea');
    area.readOnly = true;
    area.rows = 6;
    area.value = text;
    area.setAttribute('aria-label', 'crash report');
    const button = document.createElement('button');
    button.className = 'crash-reload';
    button.textContent = 'Reload Canopy';
    button.addEventListener('click', () => location.reload());
    div.append(head, area, button);
    document.body.append(div);
    area.focus();
    area.select();
  }

  function onError(err) {
    if (!fromWasm(err)) return;
    const text = report(err);
    console.error(text);
    show(text);
  }

  addEventListener('error', (e) => onError(e.error));
  addEventListener('unhandledrejection', (e) => onError(e.reason));
})();
