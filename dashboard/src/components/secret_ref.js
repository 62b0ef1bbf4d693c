// A credential field that is write-only: it says whether a secret is set, never shows it, and
// takes a new Worker secret's name (`env:NAME`, the only form the settings API stores).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Badge } from './ui.js';

/** `prefix`: how the secret's name must start (`env:SLACK_WEBHOOK_`), so one tenant cannot name another's. */
export function SecretRef({ id, label, isSet, onChange, onRemove, prefix = 'env:' }) {
  const [typed, setTyped] = useState('');
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <div class="secret-row">
      <${Badge} kind=${isSet ? 'ok' : ''}>${isSet ? 'Set' : 'Not set'}<//>
      <input id=${id} autocomplete="off" spellcheck="false" placeholder=${`${isSet ? 'Replace with ' : ''}${prefix}NAME`}
        aria-describedby=${`${id}-hint`} value=${typed} onInput=${(e) => { setTyped(e.target.value); onChange(e.target.value.trim() || undefined); }} />
      ${isSet && onRemove ? html`<button type="button" onClick=${() => { setTyped(''); onRemove(); }}>Remove</button>` : null}
    </div>
    <small class="hint" id=${`${id}-hint`}>The name of a Worker secret, written as ${prefix}NAME. The secret itself never appears here.</small>
  </div>`;
}
