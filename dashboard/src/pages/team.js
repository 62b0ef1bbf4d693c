// Team & keys (admins and owners): who may sign in and with which role, and the API keys scripts
// and integrations use. A new key's secret is shown once, here, and never again.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { del, get, patch, post } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { dateTime } from '../lib/format.js';
import { identity, toast } from '../lib/store.js';
import { Action, Badge, CopyRow, Empty, Failed, Field, Loading, Page } from '../components/ui.js';

const ROLES = [['viewer', 'Viewer (reads only)'], ['agent', 'Agent (replies, takes over)'], ['admin', 'Admin (settings, team)'], ['owner', 'Owner']];

export function Team() {
  return html`<${Page} title="Team & keys">
    <${Users} />
    <${Keys} />
  <//>`;
}

/** Only an owner may grant, change or remove the owner role (the server says so too). */
const roleChoices = () => (identity.get()?.user?.role === 'owner' ? ROLES : ROLES.filter(([r]) => r !== 'owner'));

function Users() {
  const list = useLoad(() => get('users'));
  const [form, setForm] = useState({ email: '', role: 'agent', password: '' });
  const rows = list.data?.data ?? [];
  const add = async () => {
    await post('users', form);
    setForm({ email: '', role: 'agent', password: '' });
    await list.reload();
  };
  const setRole = async (u, role) => {
    await patch(`users/${u.id}`, { role });
    await list.reload();
  };
  const remove = async (u) => {
    if (!confirm(`Remove ${u.email}? They are signed out everywhere at once.`)) return;
    await del(`users/${u.id}`);
    toast(`${u.email} removed.`, 'ok');
    await list.reload();
  };
  return html`<section class="card" aria-labelledby="team-users">
    <h2 id="team-users">People</h2>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !rows.length ? html`<${Empty}>No one yet.<//>` : html`<div class="table-wrap"><table data-testid="users">
      <thead><tr><th>Email</th><th>Role</th><th>Two-step sign in</th><th>Added</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${rows.map((u) => html`<tr key=${u.id}><td>${u.email}</td>
        <td><select aria-label=${`Role of ${u.email}`} value=${u.role}
          onChange=${(e) => setRole(u, e.target.value).then(() => toast(`${u.email} is now ${e.target.value}.`, 'ok'), (err) => { toast(err.message, 'error'); list.reload(); })}>
          ${(u.role === 'owner' ? ROLES : roleChoices()).map(([v, l]) => html`<option value=${v} selected=${v === u.role}>${l}</option>`)}</select></td>
        <td>${u.totp ? 'On' : 'Off'}</td><td>${dateTime(u.created_at)}</td>
        <td><${Action} kind="danger" label=${`Remove ${u.email}`} run=${() => remove(u)}>Remove<//></td></tr>`)}</tbody>
    </table></div>`}
    <form class="grid-2" onSubmit=${(e) => e.preventDefault()} aria-label="Add a person">
      <${Field} id="u-email" label="Email"><input id="u-email" type="email" autocomplete="off" value=${form.email} onInput=${(e) => setForm({ ...form, email: e.target.value })} /><//>
      <${Field} id="u-role" label="Role"><select id="u-role" onChange=${(e) => setForm({ ...form, role: e.target.value })}>
        ${roleChoices().map(([v, l]) => html`<option value=${v} selected=${v === form.role}>${l}</option>`)}</select><//>
      <${Field} id="u-password" label="Initial password" hint="10 characters or more; share it privately.">
        <input id="u-password" type="password" autocomplete="new-password" aria-describedby="u-password-hint" value=${form.password} onInput=${(e) => setForm({ ...form, password: e.target.value })} /><//>
      <div class="actions"><${Action} kind="primary" type="submit" run=${add} done="Added. They can sign in now.">Add person<//></div>
    </form>
  </section>`;
}

function Keys() {
  const list = useLoad(() => get('keys'));
  const [label, setLabel] = useState('');
  const [fresh, setFresh] = useState(null);
  const rows = list.data?.data ?? [];
  const issued = async (key) => {
    setFresh(key);
    await list.reload();
  };
  const revoke = async (k) => {
    if (!confirm(`Revoke the key ${k.prefix}…? Anything using it stops working at once.`)) return;
    await del(`keys/${k.id}`);
    if (fresh?.id === k.id) setFresh(null);
    toast('Revoked.', 'ok');
    await list.reload();
  };
  const rotate = async (k) => {
    if (!confirm(`Replace the key ${k.prefix}… with a new one? The old one stops working at once.`)) return;
    await issued(await post(`keys/${k.id}/rotate`));
  };
  return html`<section class="card" aria-labelledby="team-keys">
    <h2 id="team-keys">API keys</h2>
    <p class="muted">For scripts and integrations; a key acts with an owner's rights.</p>
    ${fresh ? html`<div class="notice warn" role="alert" data-testid="new-key">
      <p><strong>Copy this key now: you will not see it again.</strong></p>
      <${CopyRow} value=${fresh.key} label="Copy the new key" />
      <button type="button" class="link" onClick=${() => setFresh(null)}>I have saved it</button>
    </div>` : null}
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !rows.length ? html`<${Empty}>No keys yet.<//>` : html`<div class="table-wrap"><table data-testid="keys">
      <thead><tr><th>Key</th><th>Label</th><th>Created</th><th>Status</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${rows.map((k) => html`<tr key=${k.id}><td><code>${k.prefix}…</code></td><td>${k.label ?? ''}</td><td>${dateTime(k.created_at)}</td>
        <td>${k.revoked_at ? html`<${Badge} kind="bad">revoked ${dateTime(k.revoked_at)}<//>` : html`<${Badge} kind="ok">active<//>`}</td>
        <td>${k.revoked_at ? null : html`<div class="actions">
          <${Action} label=${`Rotate ${k.prefix}`} run=${() => rotate(k)}>Rotate<//>
          <${Action} kind="danger" label=${`Revoke ${k.prefix}`} run=${() => revoke(k)}>Revoke<//></div>`}</td></tr>`)}</tbody>
    </table></div>`}
    <form class="actions" onSubmit=${(e) => e.preventDefault()} aria-label="Issue a key">
      <label class="inline" for="k-label"><span>Label</span><input id="k-label" maxlength="80" placeholder="e.g. CRM sync" value=${label} onInput=${(e) => setLabel(e.target.value)} /></label>
      <${Action} kind="primary" type="submit" run=${async () => { await issued(await post('keys', label.trim() ? { label: label.trim() } : {})); setLabel(''); }}>Issue a key<//>
    </form>
  </section>`;
}
