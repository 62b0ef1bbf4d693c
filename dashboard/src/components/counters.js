// The counters bar: open conversations, open escalations, unread, today's leads and bookings.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get } from '../lib/api.js';
import { subscribe } from '../lib/live.js';

const ITEMS = [
  ['open_conversations', 'Open', 'inbox'],
  ['unread', 'Unread', 'inbox?unread=true'],
  ['open_escalations', 'Escalations', 'escalations'],
  ['leads_today', 'Leads today', 'leads'],
  ['bookings_today', 'Bookings today', 'bookings'],
];

export function Counters() {
  const [stats, setStats] = useState(null);
  useEffect(() => {
    let timer = null;
    const load = () => get('stats').then(setStats, () => setStats(null));
    load();
    // Many events arrive in bursts (a message, its reply, the lead update): count once per burst.
    const off = subscribe(() => { clearTimeout(timer); timer = setTimeout(load, 400); });
    return () => { off(); clearTimeout(timer); };
  }, []);
  if (!stats) return html`<div class="counters" aria-hidden="true"></div>`;
  return html`<ul class="counters" aria-label="Today at a glance">
    ${ITEMS.map(([key, label, href]) => html`<li><a href=${`#/${href}`} class=${key === 'open_escalations' && stats[key] > 0 ? 'hot' : ''}>
      <strong data-testid=${`count-${key}`}>${stats[key] ?? 0}</strong> <span>${label}</span></a></li>`)}
  </ul>`;
}
