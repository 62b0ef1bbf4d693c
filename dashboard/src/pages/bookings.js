// Bookings as a day or week calendar in the browser's time zone.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { contactName, day, time } from '../lib/format.js';
import { contacts, loadContacts } from '../lib/contacts.js';
import { can, useStore } from '../lib/store.js';
import { Action, Failed, Loading, Page } from '../components/ui.js';

const DAY = 86_400_000;
const startOfDay = (t) => { const d = new Date(t); d.setHours(0, 0, 0, 0); return d.getTime(); };
const iso = (t) => new Date(t).toISOString();

export function Bookings() {
  const [view, setView] = useState('week');
  const [from, setFrom] = useState(() => startOfDay(Date.now()));
  const days = view === 'week' ? 7 : 1;
  const list = useLoad(async () => {
    const [page, view] = await Promise.all([get(`bookings${query({ from: iso(from), to: iso(from + days * DAY) })}`), get('settings'), loadContacts()]);
    const staff = Object.fromEntries((view.settings.availability?.staff ?? []).map((s) => [s.id, s.name]));
    return { ...page, staff };
  }, [from, days], (e) => e.type.startsWith('booking.'));
  const known = useStore(contacts);
  const columns = Array.from({ length: days }, (_, i) => from + i * DAY);
  const today = startOfDay(Date.now());
  return html`<${Page} title="Bookings" wide actions=${html`
      <div role="group" aria-label="View" class="actions">
        <button type="button" aria-pressed=${view === 'day'} onClick=${() => setView('day')}>Day</button>
        <button type="button" aria-pressed=${view === 'week'} onClick=${() => setView('week')}>Week</button>
      </div>
      <button type="button" aria-label="Previous" onClick=${() => setFrom(from - days * DAY)}>←</button>
      <button type="button" onClick=${() => setFrom(today)}>Today</button>
      <button type="button" aria-label="Next" onClick=${() => setFrom(from + days * DAY)}>→</button>`}>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : html`<div class=${`cal ${view}`} data-testid="calendar">
      ${columns.map((d) => {
        const items = list.data.data.filter((b) => { const t = Date.parse(b.start); return t >= d && t < d + DAY; });
        return html`<section class=${`cal-day${d === today ? ' today' : ''}`} aria-label=${day(d)}>
          <h3>${day(d)}${d === today ? ' · today' : ''}</h3>
          ${items.length ? items.map((b) => html`<${Booking} key=${b.id} b=${b} contact=${known[b.contact_id]} staff=${list.data.staff[b.staff_id] ?? b.staff_id} onChange=${list.reload} />`)
            : html`<p class="muted" style="font-size:.85rem">Free</p>`}
        </section>`;
      })}
    </div>`}
  <//>`;
}

function Booking({ b, contact, staff, onChange }) {
  const cancel = async () => { await post(`bookings/${b.id}`, { status: 'cancelled' }); await onChange(); };
  return html`<div class=${`booking ${b.status}`}>
    <strong>${b.kind === 'stay' ? `${b.start} → ${b.end}` : `${time(b.start)}–${time(b.end)}`}</strong> <span class="muted">${b.kind}</span><br />
    ${contactName(contact, '')}${staff ? html`<br /><span class="muted">with ${staff}</span>` : null}
    ${b.status === 'confirmed' && can('write') ? html`<div><${Action} kind="link" run=${cancel} done="Booking cancelled; the contact was told.">Cancel<//></div>` : null}
  </div>`;
}
