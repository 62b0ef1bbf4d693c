// Personas: the name the AI goes by in a role on a channel (core::console::settings::Persona),
// and the TTS voice a call speaks with; one per role and channel, "all" covering channels
// without their own. The front desk introduces itself by the name as the business's AI
// assistant (core::brain::persona picks the role from the conversation).
import { html } from '../lib/html.js';
import { channelLabel } from '../lib/format.js';

const ROLES = [['receptionist', 'Receptionist'], ['qualifier', 'Qualifier'], ['support', 'Support']];
const CHANNELS = ['all', 'sms', 'whatsapp', 'voice', 'chat', 'email', 'form'];

export function PersonasEditor({ list, onChange }) {
  const edit = (i, k, v) => onChange(list.map((p, j) => (j === i ? { ...p, [k]: v } : p)));
  // An emptied voice is left out (the default voice), not saved as "" (which is refused).
  const editVoice = (i, v) => onChange(list.map((p, j) => {
    if (j !== i) return p;
    const { voice, ...rest } = p;
    return v ? { ...rest, voice: v } : rest;
  }));
  return html`<div role="group" aria-labelledby="personas-title" data-testid="personas">
    <h3 id="personas-title">Personas (who the AI introduces itself as)</h3>
    <p class="muted">The AI greets new contacts by this name and says it is your AI assistant: the qualifier while it asks a lead
      your questions, support for repairs and existing bookings, the receptionist otherwise (and for any role you leave unnamed).
      A voice (e.g. <code>en-GB-Neural2-A</code>) is what calls sound like.</p>
    ${list.map((p, i) => html`<div class="actions" style="margin-bottom:.4rem">
      <select aria-label=${`Persona ${i + 1} role`} onChange=${(e) => edit(i, 'role', e.target.value)}>
        ${ROLES.map(([v, l]) => html`<option value=${v} selected=${p.role === v}>${l}</option>`)}</select>
      <select aria-label=${`Persona ${i + 1} channel`} onChange=${(e) => edit(i, 'channel', e.target.value)}>
        ${CHANNELS.map((c) => html`<option value=${c} selected=${(p.channel ?? 'all') === c}>${c === 'all' ? 'Every channel' : channelLabel(c)}</option>`)}</select>
      <input aria-label=${`Persona ${i + 1} name`} placeholder="Name, e.g. Maya" maxlength="40" value=${p.name ?? ''} onInput=${(e) => edit(i, 'name', e.target.value)} />
      <input aria-label=${`Persona ${i + 1} voice`} placeholder="Voice for calls (optional)" maxlength="64" value=${p.voice ?? ''} onInput=${(e) => editVoice(i, e.target.value.trim())} />
      <button type="button" onClick=${() => onChange(list.filter((_, j) => j !== i))} aria-label=${`Remove persona ${i + 1}`}>Remove</button>
    </div>`)}
    <button type="button" onClick=${() => onChange([...list, { role: 'receptionist', channel: 'all', name: '' }])}>Add persona</button>
  </div>`;
}
