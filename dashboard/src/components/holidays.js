// Holidays: dates the business is closed all day (core::tenant::Settings.holidays, YYYY-MM-DD).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { day } from '../lib/format.js';

export function HolidaysEditor({ dates, onChange }) {
  const [next, setNext] = useState('');
  const add = () => {
    if (next && !dates.includes(next)) onChange([...dates, next].sort());
    setNext('');
  };
  return html`<div role="group" aria-labelledby="holidays-title" data-testid="holidays">
    <h3 id="holidays-title">Holidays (closed all day)</h3>
    ${dates.length ? html`<ul class="plain">${dates.map((d) => html`<li key=${d} class="actions">
      <span>${day(`${d}T12:00:00`)} ${d.slice(0, 4)}</span>
      <button type="button" class="link" aria-label=${`Remove holiday ${d}`} onClick=${() => onChange(dates.filter((x) => x !== d))}>Remove</button></li>`)}</ul>`
      : html`<p class="muted">None.</p>`}
    <div class="actions"><input type="date" aria-label="Holiday date" value=${next} onInput=${(e) => setNext(e.target.value)} />
      <button type="button" disabled=${!next} onClick=${add}>Add holiday</button></div>
  </div>`;
}
