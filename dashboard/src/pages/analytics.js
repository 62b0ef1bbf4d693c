// Analytics: what the front desk did over a date range (GET /api/v1/analytics).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { Failed, Loading, Page } from '../components/ui.js';
import { BarChart } from '../components/chart.js';

const isoDay = (t) => new Date(t).toISOString().slice(0, 10);
const pct = (x) => (x === null || x === undefined ? '–' : `${Math.round(x * 100)}%`);
const secs = (ms) => (ms === null || ms === undefined ? '–' : ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

export function Analytics() {
  const [range, setRange] = useState({ from: isoDay(Date.now() - 29 * 86_400_000), to: isoDay(Date.now()) });
  const a = useLoad(() => get(`analytics${query(range)}`), [range.from, range.to]);
  const d = a.data;
  const byDay = d ? sumBy(d.leads_by_day ?? [], 'date') : [];
  const byChannel = d ? sumBy(d.leads_by_day ?? [], 'channel') : [];
  return html`<${Page} title="Analytics" actions=${html`
      <label class="inline" for="an-from"><span>From</span><input id="an-from" type="date" value=${range.from} onChange=${(e) => setRange({ ...range, from: e.target.value })} /></label>
      <label class="inline" for="an-to"><span>To</span><input id="an-to" type="date" value=${range.to} onChange=${(e) => setRange({ ...range, to: e.target.value })} /></label>`}>
    <${Failed} error=${a.error} retry=${a.reload} />
    ${!d && a.loading ? html`<${Loading} />` : null}
    ${d ? html`
      <div class="kpis">
        <div class="card kpi"><strong>${secs(d.median_first_reply_ms)}</strong><span>median first reply</span></div>
        <div class="card kpi"><strong>${d.after_hours_answered ?? '–'}</strong><span>after-hours enquiries answered (would have waited)</span></div>
        <div class="card kpi"><strong>${pct(d.handoff_rate)}</strong><span>handed to a person</span></div>
        <div class="card kpi"><strong>${pct(d.booking_conversion)}</strong><span>enquiries that booked</span></div>
      </div>
      <div class="grid-2">
        <section class="card"><h2>Leads by day</h2><${BarChart} data=${byDay} label="Leads by day" /></section>
        <section class="card"><h2>Leads by channel</h2><${BarChart} data=${byChannel} label="Leads by channel" /></section>
        <section class="card"><h2>Busiest hours</h2><${BarChart} data=${(d.busiest_hours ?? []).map((h) => [String(h.hour).padStart(2, '0'), h.count])} label="Messages by hour of day" /></section>
        <section class="card"><h2>Top questions</h2>${questions(d.top_questions)}
          <h2>Not answered</h2>${questions(d.unanswered_questions)}</section>
      </div>` : null}
  <//>`;
}

function sumBy(rows, key) {
  const m = new Map();
  for (const r of rows) m.set(r[key], (m.get(r[key]) ?? 0) + (r.count ?? r.leads ?? 0));
  return [...m.entries()].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
}

function questions(list) {
  if (!list?.length) return html`<p class="muted">None in this range.</p>`;
  return html`<ol class="explain">${list.map((q) => html`<li>${q.question ?? q.text} <span class="muted">×${q.count ?? 1}</span></li>`)}</ol>`;
}
