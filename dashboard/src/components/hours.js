// Opening hours per weekday: a missing day is closed (core::tenant::Settings.hours).
import { html } from '../lib/html.js';

export const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];

export function HoursEditor({ hours, onChange }) {
  const put = (day, value) => {
    const next = { ...hours };
    if (value) next[day] = value; else delete next[day];
    onChange(next);
  };
  return html`<div class="hours" role="group" aria-label="Opening hours" data-testid="hours">
    ${DAYS.map(([d, name]) => {
      const open = hours[d];
      return html`<label class="inline" for=${`h-${d}-open`}><input id=${`h-${d}-open`} type="checkbox" checked=${!!open}
          onChange=${(e) => put(d, e.target.checked ? ['09:00', '17:00'] : null)} /> ${name}</label>
        ${open ? html`<input type="time" aria-label=${`${name} opens`} value=${open[0]} onChange=${(e) => put(d, [e.target.value, open[1]])} />
          <input type="time" aria-label=${`${name} closes`} value=${open[1] === '24:00' ? '23:59' : open[1]} onChange=${(e) => put(d, [open[0], e.target.value])} />
          <span></span>` : html`<span class="muted">Closed</span><span></span><span></span>`}`;
    })}
  </div>`;
}
