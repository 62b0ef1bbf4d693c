// Escalations: what a person must act on, most urgent and oldest first; acknowledge / resolve with a note.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { ago, contactName } from '../lib/format.js';
import { contacts, loadContacts } from '../lib/contacts.js';
import { can, useStore } from '../lib/store.js';
import { Action, Badge, Empty, Failed, Loading, Page, Select } from '../components/ui.js';

const RANK = { critical: 0, high: 1, normal: 2 };
const REASON = {
  emergency: 'Emergency', human_requested: 'Asked for a person', repeated_confusion: 'AI could not help',
  high_value_lead: 'High-value lead', complaint: 'Complaint', ai_failure: 'AI failure', follow_up: 'Follow-up',
};

export function Escalations({ route }) {
  const [status, setStatus] = useState('open');
  const focus = route.params[0];
  const list = useLoad(async () => { await loadContacts(); return get(`escalations${query({ status, limit: 100 })}`); }, [status], (e) => e.type.startsWith('escalation.'));
  const known = useStore(contacts);
  const rows = (list.data?.data ?? []).slice().sort((a, b) => (RANK[a.priority] - RANK[b.priority]) || (a.created_at - b.created_at));
  return html`<${Page} title="Escalations" actions=${html`<${Select} id="esc-status" label="Show" value=${status} onChange=${setStatus}
      options=${[['open', 'Open'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved'], ['', 'All']]} />`}>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !rows.length ? html`<${Empty}>Nothing needs a person right now.<//>` : null}
    <div class="cards" data-testid="escalations">
      ${rows.map((e) => html`<${Escalation} key=${e.id} e=${e} focused=${e.id === focus} contact=${known[e.contact_id]} onChange=${list.reload} />`)}
    </div>
  <//>`;
}

function Escalation({ e, contact, onChange, focused }) {
  const [note, setNote] = useState('');
  const move = (to) => async () => {
    await post(`escalations/${e.id}`, note.trim() ? { status: to, note: note.trim() } : { status: to });
    setNote('');
    await onChange();
  };
  const mayAct = can('write') && e.status !== 'resolved';
  return html`<article class=${`card esc ${e.priority}`} aria-labelledby=${`esc-${e.id}`} data-testid="escalation" data-priority=${e.priority}
      ref=${(el) => { if (focused && el) el.scrollIntoView({ block: 'center' }); }}>
    <${Badge} kind=${e.priority}>${e.priority === 'critical' ? 'EMERGENCY' : e.priority}<//>
    <div>
      <h2 id=${`esc-${e.id}`} style="margin:0">${REASON[e.reason] ?? e.reason}${contact ? ` · ${contactName(contact)}` : ''}</h2>
      <p style="margin:.25rem 0">${e.summary}</p>
      <div class="age">Raised ${ago(e.created_at)} · ${e.status}
        ${e.conversation_id ? html` · <a href=${`#/inbox/${e.conversation_id}`}>Open conversation</a>` : null}</div>
      ${e.note ? html`<p class="muted">Note: ${e.note}</p>` : null}
    </div>
    ${mayAct ? html`<div class="esc-actions">
      <label class="sr-only" for=${`note-${e.id}`}>Note</label>
      <input id=${`note-${e.id}`} placeholder="Note (what was done)" value=${note} onInput=${(ev) => setNote(ev.target.value)} />
      ${e.status === 'open' ? html`<${Action} run=${move('acknowledged')} done="Acknowledged.">Acknowledge<//>` : null}
      <${Action} kind="primary" run=${move('resolved')} done="Resolved.">Resolve<//>
    </div>` : html`<span></span>`}
  </article>`;
}
