// Listings: the catalogue the AI answers from, searchable, with a CSV import.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { money } from '../lib/format.js';
import { can } from '../lib/store.js';
import { Action, Badge, Empty, Failed, Loading, Page } from '../components/ui.js';

export function Listings() {
  const [q, setQ] = useState('');
  const [result, setResult] = useState(null);
  const list = useLoad(() => get(`listings${query({ q: q.trim(), limit: 100 })}`), [q]);
  const importCsv = async (file) => {
    const r = await post('listings/import', await file.text(), { contentType: 'text/csv' });
    setResult(r);
    await list.reload();
  };
  return html`<${Page} title="Listings" actions=${can('write') ? html`<label class="button" for="csv">Import CSV</label>
      <input id="csv" type="file" accept=".csv,text/csv" class="sr-only" onChange=${(e) => e.target.files[0] && importCsv(e.target.files[0]).catch((err) => setResult({ error: err.message }))} />` : null}>
    ${result ? html`<div class=${`notice ${result.error || result.errors?.length ? 'warn' : 'ok'}`} role="status">
      ${result.error ? result.error : html`Imported ${result.imported}, updated ${result.updated}.
        ${result.errors?.length ? html`<ul>${result.errors.map((e) => html`<li>Line ${e.line}: ${e.problem}</li>`)}</ul>` : null}`}
    </div>` : null}
    <div class="filters"><input type="search" aria-label="Search listings" placeholder="e.g. 2 bed Clifton parking" value=${q} onInput=${(e) => setQ(e.target.value)} /></div>
    <${Failed} error=${list.error} retry=${list.reload} />
    ${!list.data ? html`<${Loading} />` : !list.data.data.length ? html`<${Empty}>No listings match.<//>` : html`
    <div class="table-wrap"><table data-testid="listings">
      <thead><tr><th>Ref</th><th>Home</th><th class="num">Price</th><th>Available</th><th>Status</th></tr></thead>
      <tbody>${list.data.data.map((l) => html`<tr key=${l.id}>
        <td><code>${l.reference}</code></td>
        <td><strong>${l.address}</strong><br /><span class="muted">${l.summary}</span></td>
        <td class="num">${money(l.price, l.price_period)}</td>
        <td>${l.available_from ?? 'now'}</td>
        <td><${Badge} kind=${l.status === 'available' ? 'ok' : ''}>${l.status.replace('_', ' ')}<//></td>
      </tr>`)}</tbody>
    </table></div>`}
  <//>`;
}
