// Leads: who is worth a call, why (rubric items quoting the contact's words), and where they stand.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { ago, contactDetail, contactName, download, toCsv } from '../lib/format.js';
import { contacts, loadContacts } from '../lib/contacts.js';
import { can, toast, useStore } from '../lib/store.js';
import { Badge, Empty, Failed, Loading, More, Page, Select } from '../components/ui.js';

const STATUSES = ['new', 'qualifying', 'qualified', 'booked', 'handed_off', 'won', 'lost'];

export function Leads() {
  const [band, setBand] = useState('');
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [extra, setExtra] = useState({ rows: [], cursor: undefined });
  const list = useLoad(async () => {
    await loadContacts();
    setExtra({ rows: [], cursor: undefined });
    return get(`leads${query({ band, limit: 100 })}`);
  }, [band], (e) => e.type === 'lead.updated');
  const known = useStore(contacts);
  const all = [...(list.data?.data ?? []), ...extra.rows];
  const needle = q.trim().toLowerCase();
  const rows = all.filter((l) => (!status || l.status === status)
    && (!needle || JSON.stringify([known[l.contact_id], l.fields]).toLowerCase().includes(needle)));
  const cursor = extra.cursor === undefined ? list.data?.next_cursor : extra.cursor;
  const more = async () => {
    const page = await get(`leads${query({ band, limit: 100, cursor })}`);
    setExtra((x) => ({ rows: [...x.rows, ...page.data], cursor: page.next_cursor }));
  };
  const exportCsv = () => download('leads.csv', toCsv(
    ['contact', 'phone', 'email', 'status', 'score', 'band', 'why', 'updated'],
    rows.map((l) => {
      const c = known[l.contact_id];
      return [contactName(c, l.contact_id), c?.phone, c?.email, l.status, l.score, l.band,
        (l.explanation ?? []).map((x) => `${x.label} (+${x.points})`).join('; '), new Date(l.updated_at).toISOString()];
    }),
  ));

  return html`<${Page} title="Leads" actions=${html`<button type="button" onClick=${exportCsv} disabled=${!rows.length}>Export CSV</button>`}>
    <div class="filters">
      <input type="search" aria-label="Search leads" placeholder="Search name, number, area…" value=${q} onInput=${(e) => setQ(e.target.value)} />
      <${Select} id="lead-band" label="Band" value=${band} onChange=${setBand} options=${[['', 'All'], ['hot', 'Hot'], ['warm', 'Warm'], ['cold', 'Cold']]} />
      <${Select} id="lead-status" label="Status" value=${status} onChange=${setStatus} options=${[['', 'All'], ...STATUSES.map((s) => [s, s.replace('_', ' ')])]} />
    </div>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !rows.length ? html`<${Empty}>No leads yet. Every enquiry becomes a lead with a score.<//>` : html`
    <div class="table-wrap"><table data-testid="leads">
      <thead><tr><th>Contact</th><th class="num">Score</th><th>Why</th><th>Status</th><th>Updated</th></tr></thead>
      <tbody>${rows.map((l) => html`<${LeadRow} key=${l.contact_id} lead=${l} contact=${known[l.contact_id]} onChange=${list.reload} />`)}</tbody>
    </table></div>`}
    <${More} cursor=${cursor} onMore=${more} />
  <//>`;
}

function LeadRow({ lead, contact, onChange }) {
  const setStatus = async (status) => { await post(`leads/${lead.contact_id}`, { status }); await onChange(); };
  return html`<tr>
    <td><strong>${contactName(contact, lead.contact_id)}</strong>${contactDetail(contact) ? html`<br /><span class="muted">${contactDetail(contact)}</span>` : null}
      ${!contact?.name ? html`<br /><span class="muted">name not given yet</span>` : null}</td>
    <td class="num"><span class="score">${lead.score}</span><br /><${Badge} kind=${lead.band}>${lead.band}<//></td>
    <td>${!lead.explanation?.length ? html`<span class="muted">${lead.score === 0 ? 'Nothing that scores yet (or opted out)' : ''}</span>` : null}<ul class="explain">${(lead.explanation ?? []).map((x) => html`<li>${x.label}${x.points ? html` <span class="muted">+${x.points}</span>` : null}${x.evidence ? html` — <q>${x.evidence}</q>` : null}</li>`)}</ul></td>
    <td>${can('write') ? html`<label class="sr-only" for=${`ls-${lead.contact_id}`}>Status</label>
      <select id=${`ls-${lead.contact_id}`} value=${lead.status} onChange=${(e) => setStatus(e.target.value).then(() => toast('Status saved.', 'ok'), (err) => toast(err.message, 'error'))}>
        ${STATUSES.map((s) => html`<option value=${s} selected=${s === lead.status}>${s.replace('_', ' ')}</option>`)}
      </select>` : lead.status.replace('_', ' ')}</td>
    <td class="muted">${ago(lead.updated_at)}</td>
  </tr>`;
}
