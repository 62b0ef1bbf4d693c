// Audit log: who did what, newest first.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { dateTime } from '../lib/format.js';
import { Empty, Failed, Loading, More, Page } from '../components/ui.js';

export function Audit() {
  const [action, setAction] = useState('');
  const [more, setMore] = useState({ rows: [], cursor: undefined });
  const list = useLoad(() => { setMore({ rows: [], cursor: undefined }); return get(`audit${query({ action: action.trim(), limit: 100 })}`); }, [action]);
  const rows = [...(list.data?.data ?? []), ...more.rows];
  const cursor = more.cursor === undefined ? list.data?.next_cursor : more.cursor;
  const next = async () => {
    const page = await get(`audit${query({ action: action.trim(), limit: 100, before: cursor })}`);
    setMore((m) => ({ rows: [...m.rows, ...page.data], cursor: page.next_cursor }));
  };
  return html`<${Page} title="Audit log">
    <div class="filters"><label class="inline" for="audit-action"><span>Action</span>
      <input id="audit-action" list="audit-actions" placeholder="e.g. settings.updated" value=${action} onChange=${(e) => setAction(e.target.value)} /></label>
      <datalist id="audit-actions">${['user.login', 'mcp.tool_call', 'approval.approved', 'approval.rejected', 'message.sent', 'settings.updated', 'lead.status_set'].map((a) => html`<option value=${a} />`)}</datalist>
    </div>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !rows.length ? html`<${Empty}>No entries.<//>` : html`<div class="table-wrap"><table>
      <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Subject</th><th>Detail</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.id}><td>${dateTime(r.created_at)}</td><td>${r.actor}</td><td><code>${r.action}</code></td><td>${r.subject}</td>
        <td><code class="muted">${r.detail ? JSON.stringify(r.detail).slice(0, 160) : ''}</code></td></tr>`)}</tbody>
    </table></div>`}
    <${More} cursor=${cursor} onMore=${next} />
  <//>`;
}
