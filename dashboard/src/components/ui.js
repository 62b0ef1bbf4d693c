// The few building blocks every page shares.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { toast, toasts, useStore } from '../lib/store.js';

export function Page({ title, actions, children, wide }) {
  return html`<section class=${`page${wide ? ' wide' : ''}`} aria-labelledby="page-title">
    <div class="page-head">
      <h1 id="page-title" tabindex="-1">${title}</h1>
      ${actions ? html`<div class="actions">${actions}</div>` : null}
    </div>
    ${children}
  </section>`;
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="muted" role="status">${what}…</p>`;
}

export function Failed({ error, retry }) {
  if (!error) return null;
  const denied = error.status === 403;
  return html`<div class="notice error" role="alert">
    ${denied ? 'Your role cannot see or change this.' : error.status === 404 && error.code === 'not_found' && error.message === 'route not found'
      ? 'This server does not offer this yet.' : `Could not load: ${error.message}`}
    ${retry ? html` <button type="button" class="link" onClick=${retry}>Try again</button>` : null}
  </div>`;
}

export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}

export function Badge({ kind = '', children, title }) {
  return html`<span class=${`badge ${kind}`} title=${title}>${children}</span>`;
}

/** A button that runs an async action: busy while it runs, errors shown as a toast. */
export function Action({ run, done, children, kind = '', disabled, label, type = 'button', id }) {
  const [busy, setBusy] = useState(false);
  const click = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      await run();
      if (done) toast(done, 'ok');
    } catch (err) {
      const missing = err.status === 404 && /route/.test(err.message ?? '');
      toast(err.status === 403 ? 'Your role is not allowed to do that.' : missing ? 'This server does not offer that yet.' : err.message, 'error');
    } finally {
      setBusy(false);
    }
  };
  return html`<button id=${id} type=${type} class=${kind} disabled=${disabled || busy} aria-busy=${busy} aria-label=${label} onClick=${click}>${children}</button>`;
}

export function Field({ label, hint, children, id }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children}
    ${hint ? html`<small class="hint" id=${`${id}-hint`}>${hint}</small>` : null}
  </div>`;
}

export function Select({ id, value, onChange, options, label, hideLabel }) {
  return html`<label class="inline" for=${id}><span class=${hideLabel ? 'sr-only' : ''}>${label}</span>
    <select id=${id} value=${value} onChange=${(e) => onChange(e.target.value)}>
      ${options.map(([v, text]) => html`<option value=${v} selected=${v === value}>${text}</option>`)}
    </select></label>`;
}

export function Toasts() {
  const list = useStore(toasts);
  return html`<div class="toasts" role="status" aria-live="polite">
    ${list.map((t) => html`<div key=${t.id} class=${`toast ${t.kind}`}>${t.text}</div>`)}
  </div>`;
}

/** A "load more" button for cursor-paged lists. */
export function More({ cursor, onMore }) {
  if (!cursor) return null;
  return html`<div class="more"><button type="button" onClick=${onMore}>Load more</button></div>`;
}

/** A value to copy (a URL, a secret): shown in full with a Copy button. */
export function CopyRow({ value, label = 'Copy' }) {
  return html`<div class="copy-row"><code>${value}</code><button type="button" aria-label=${label}
    onClick=${() => navigator.clipboard?.writeText(value).then(() => toast('Copied.', 'ok'))}>Copy</button></div>`;
}
