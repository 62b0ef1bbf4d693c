// Personas: the name the AI goes by in a role on a channel (core::console::settings::Persona);
// one per role and channel, "all" covering channels without their own.
import { html } from '../lib/html.js';
import { channelLabel } from '../lib/format.js';

const ROLES = [['receptionist', 'Receptionist'], ['qualifier', 'Qualifier'], ['support', 'Support']];
const CHANNELS = ['all', 'sms', 'whatsapp', 'voice', 'chat', 'email', 'form'];

export function PersonasEditor({ list, onChange }) {
  const edit = (i, k, v) => onChange(list.map((p, j) => (j === i ? { ...p, [k]: v } : p)));
  return html`<div role="group" aria-labelledby="personas-title" data-testid="personas">
    <h3 id="personas-title">Personas (who the AI introduces itself as)</h3>
    ${list.map((p, i) => html`<div class="actions" style="margin-bottom:.4rem">
      <select aria-label=${`Persona ${i + 1} role`} onChange=${(e) => edit(i, 'role', e.target.value)}>
        ${ROLES.map(([v, l]) => html`<option value=${v} selected=${p.role === v}>${l}</option>`)}</select>
      <select aria-label=${`Persona ${i + 1} channel`} onChange=${(e) => edit(i, 'channel', e.target.value)}>
        ${CHANNELS.map((c) => html`<option value=${c} selected=${(p.channel ?? 'all') === c}>${c === 'all' ? 'Every channel' : channelLabel(c)}</option>`)}</select>
      <input aria-label=${`Persona ${i + 1} name`} placeholder="Name, e.g. Maya" maxlength="40" value=${p.name ?? ''} onInput=${(e) => edit(i, 'name', e.target.value)} />
      <button type="button" onClick=${() => onChange(list.filter((_, j) => j !== i))} aria-label=${`Remove persona ${i + 1}`}>Remove</button>
    </div>`)}
    <button type="button" onClick=${() => onChange([...list, { role: 'receptionist', channel: 'all', name: '' }])}>Add persona</button>
  </div>`;
}
