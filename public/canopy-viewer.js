// <canopy-viewer>: Canopy in one element, for pages that do not want to write postMessage code.
//   <script src="https://your.host/canopy/canopy-viewer.js" defer></script>
//   <canopy-viewer src="traces/run-42.json" theme="dark" view="timeline" hide="list"></canopy-viewer>
// Attributes, methods and events: docs/embedding.md.
(() => {
  if (customElements.get('canopy-viewer')) return;
  const scriptUrl = document.currentScript ? document.currentScript.src : location.href;

  class CanopyViewer extends HTMLElement {
    static get observedAttributes() { return ['src', 'theme', 'view']; }

    constructor() {
      super();
      this._queue = [];
      this._ready = false;
      this._onMessage = this._onMessage.bind(this);
      const root = this.attachShadow({ mode: 'open' });
      const css = ':host{display:block;height:480px;border:1px solid #8884;border-radius:6px;overflow:hidden}'
        + 'iframe{display:block;width:100%;height:100%;border:0}';
      // a constructed sheet is no inline style: a host page whose Content-Security-Policy says
      // `style-src 'self'` (as the example's does) still styles the element
      if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        root.adoptedStyleSheets = [sheet];
      } else {
        const style = document.createElement('style');
        style.textContent = css;
        root.append(style);
      }
    }

    connectedCallback() {
      window.addEventListener('message', this._onMessage);
      if (this._frame) return;
      const page = new URL(this.getAttribute('base') || './', scriptUrl);
      this._origin = page.origin;
      const params = new URLSearchParams({ embed: '1', origin: location.origin });
      for (const name of ['theme', 'view', 'hide']) {
        const v = this.getAttribute(name);
        if (v) params.set(name, v);
      }
      page.search = params.toString();
      this._frame = document.createElement('iframe');
      this._frame.title = this.getAttribute('title') || 'Canopy trace viewer';
      this._frame.src = page.href;
      this.shadowRoot.appendChild(this._frame);
      const src = this.getAttribute('src');
      if (src) this.load(new URL(src, document.baseURI).href);
    }

    disconnectedCallback() {
      window.removeEventListener('message', this._onMessage);
    }

    attributeChangedCallback(name, old, value) {
      if (!this._frame || old === value || value == null) return;
      if (name === 'src') this.load(new URL(value, document.baseURI).href);
      if (name === 'theme') this.setTheme(value);
      if (name === 'view') this.setView(value);
    }

    /** A URL string, JSON text ({ text: true }), an ArrayBuffer/typed array, or a parsed object. */
    load(source, opts = {}) {
      const msg = { type: 'canopy:load', name: opts.name, merge: !!opts.merge };
      if (typeof source === 'string' && !opts.text) msg.url = source;
      else if (typeof source === 'string' || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) msg.data = source;
      else msg.data = JSON.stringify(source);
      this._post(msg);
    }

    select(trace, observation) { this._post({ type: 'canopy:select', trace, observation }); }
    setView(view) { this._post({ type: 'canopy:setView', view }); }
    setTheme(theme) { this._post({ type: 'canopy:setTheme', theme }); }

    _post(msg) {
      if (!this._ready) { this._queue.push(msg); return; }
      this._frame.contentWindow.postMessage(msg, this._origin);
    }

    _onMessage(ev) {
      // only our own frame, from the origin we opened it at
      if (!this._frame || ev.source !== this._frame.contentWindow || ev.origin !== this._origin) return;
      const msg = ev.data || {};
      if (typeof msg.type !== 'string' || !msg.type.startsWith('canopy:')) return;
      if (msg.type === 'canopy:ready' && !this._ready) {
        this._ready = true;
        for (const m of this._queue.splice(0)) this._post(m);
      }
      this.dispatchEvent(new CustomEvent(`canopy-${msg.type.slice(7)}`, { detail: msg }));
    }
  }

  customElements.define('canopy-viewer', CanopyViewer);
})();
