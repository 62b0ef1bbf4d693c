// Approvals: actions an assistant (MCP client) asked to take and that wait for a person.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { ago } from '../lib/format.js';
import { can } from '../lib/store.js';
import { Action, Badge, Empty, Failed, Loading, Page, Select } from '../components/ui.js';

const TOOL = {
  send_sms: 'Send an SMS', send_whatsapp: 'Send a WhatsApp message', book_appointment: 'Book an appointment',
  resolve_escalation: 'Resolve an escalation', create_ticket: 'Open a ticket', make_call: 'Place a call',
};

export function Approvals() {
  const [status, setStatus] = useState('pending');
  const list = useLoad(() => get(`approvals${query({ status, limit: 100 })}`), [status], (e) => e.type.startsWith('approval.'));
  const rows = list.data?.data ?? [];
  return html`<${Page} title="Approvals" actions=${html`<${Select} id="apr-status" label="Show" value=${status} onChange=${setStatus}
      options=${[['pending', 'Waiting'], ['approved', 'Approved'], ['rejected', 'Denied'], ['', 'All']]} />`}>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !rows.length ? html`<${Empty}>Nothing waiting for approval.<//>` : null}
    <div class="cards" data-testid="approvals">${rows.map((a) => html`<article class="card" key=${a.id} data-testid="approval">
      <div class="actions"><strong>${TOOL[a.tool] ?? a.tool}</strong>
        <${Badge} kind=${a.status}>${a.status}<//>
        <span class="muted">asked by ${a.requested_by}${a.client_id ? ` via ${a.client_id}` : ''} · ${ago(a.created_at)}</span></div>
      <${WouldSend} a=${a} />
      ${a.result ? html`<p class=${a.result.isError ? 'bad' : 'muted'}>${a.result.isError ? `Failed: ${a.result.message}` : 'Done.'}</p>` : null}
      ${a.status === 'pending' && can('admin') ? html`<div class="actions">
        <${Action} kind="primary" run=${async () => { await post(`approvals/${a.id}`, { decision: 'approve' }); await list.reload(); }} done="Approved and carried out.">Approve<//>
        <${Action} run=${async () => { await post(`approvals/${a.id}`, { decision: 'reject' }); await list.reload(); }} done="Denied; nothing was sent.">Deny<//>
      </div>` : null}
    </article>`)}</div>
  <//>`;
}

function WouldSend({ a }) {
  const args = a.arguments ?? {};
  if (args.body) return html`<blockquote class="msg outbound" style="max-width:none">${args.body}<div class="meta">to ${args.contact_id ?? args.to ?? ''}</div></blockquote>`;
  return html`<pre>${JSON.stringify(args, null, 2)}</pre>`;
}
