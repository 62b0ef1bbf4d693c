// Maintenance tickets: faults reported on any channel, by urgency; assign and resolve with a note.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { ago } from '../lib/format.js';
import { can } from '../lib/store.js';
import { Action, Badge, Empty, Failed, Loading, Page, Select } from '../components/ui.js';

const RANK = { emergency: 0, urgent: 1, routine: 2 };

export function Tickets() {
  const [status, setStatus] = useState('open');
  const list = useLoad(() => get(`tickets${query({ status, limit: 100 })}`), [status], (e) => e.type.startsWith('ticket.') || e.type === 'escalation.raised');
  const rows = (list.data?.data ?? []).slice().sort((a, b) => (RANK[a.urgency] - RANK[b.urgency]) || (a.created_at - b.created_at));
  return html`<${Page} title="Maintenance tickets" actions=${html`<${Select} id="tk-status" label="Show" value=${status} onChange=${setStatus}
      options=${[['open', 'Open'], ['assigned', 'Assigned'], ['resolved', 'Resolved'], ['', 'All']]} />`}>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !rows.length ? html`<${Empty}>No tickets here.<//>` : null}
    <div class="cards">${rows.map((t) => html`<${Ticket} key=${t.id} t=${t} onChange=${list.reload} />`)}</div>
  <//>`;
}

function Ticket({ t, onChange }) {
  const [assignee, setAssignee] = useState(t.assignee ?? '');
  const [note, setNote] = useState('');
  const update = (body) => async () => { await post(`tickets/${t.id}`, body); setNote(''); await onChange(); };
  return html`<article class="card">
    <div class="actions"><${Badge} kind=${t.urgency}>${t.urgency}<//> <${Badge}>${t.category}<//> <span class="muted">${ago(t.created_at)} · ${t.status}${t.assignee ? ` · ${t.assignee}` : ''}</span></div>
    <p>${t.summary}</p>
    ${t.notes?.length ? html`<ul class="explain">${t.notes.map((n) => html`<li>${n.text} <span class="muted">— ${n.who}, ${ago(n.at)}</span></li>`)}</ul>` : null}
    ${can('write') && t.status !== 'resolved' ? html`<div class="actions" style="margin-top:.5rem">
      <input aria-label="Assignee" placeholder="Contractor or staff" value=${assignee} onInput=${(e) => setAssignee(e.target.value)} />
      <${Action} run=${update({ assignee, status: 'assigned' })} disabled=${!assignee.trim()} done="Assigned.">Assign<//>
      <input aria-label="Note" placeholder="Note" value=${note} onInput=${(e) => setNote(e.target.value)} />
      <${Action} kind="primary" run=${update(note.trim() ? { status: 'resolved', note } : { status: 'resolved' })} done="Resolved.">Resolve<//>
    </div>` : null}
  </article>`;
}
