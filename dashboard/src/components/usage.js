// The Usage card on Settings: this month's use of each plan limit (GET /api/v1/usage) as
// used / limit with a bar, amber from 80 %, red at 100 %, and what the plan has paused.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get } from '../lib/api.js';
import { Failed, Loading } from './ui.js';

const LABELS = { sms: 'SMS and WhatsApp sent', calls: 'Calls', call_minutes: 'Call minutes', llm_tokens: 'AI tokens', kb_bytes: 'Knowledge base (bytes)' };
const PLANS = { free: 'Free', professional: 'Professional', enterprise: 'Enterprise' };
const count = (n) => n.toLocaleString();

export function UsageCard() {
  const [usage, setUsage] = useState(null);
  const [error, setError] = useState(null);
  const load = () => get('usage').then(setUsage, setError);
  useEffect(() => { load(); }, []);
  if (error) return html`<section class="card usage"><${Failed} error=${error} retry=${load} /></section>`;
  if (!usage) return html`<section class="card usage"><${Loading} what="Loading usage" /></section>`;
  const paused = [usage.paused.texts, usage.paused.calls].filter(Boolean);
  return html`<section class="card usage" aria-labelledby="usage-title" data-testid="usage">
    <h2 id="usage-title">Usage — ${PLANS[usage.plan] ?? usage.plan} plan, ${usage.month}</h2>
    ${paused.map((why) => html`<p class="notice warn">${why}</p>`)}
    <ul class="usage-list">
      ${Object.entries(LABELS).map(([key, label]) => {
        const m = usage.metrics[key];
        if (!m) return null;
        const level = m.level === 'reached' ? 'bad' : m.level === 'warning' ? 'warn' : 'ok';
        return html`<li class=${`usage-row ${level}`} data-metric=${key}>
          <span class="usage-label">${label}</span>
          <span class="usage-figure">${count(m.used)} / ${m.limit === null ? 'unlimited' : count(m.limit)}${m.percent === null ? '' : ` (${m.percent}%)`}</span>
          ${m.limit === null ? null : html`<span class="usage-bar" role="meter" aria-label=${label} aria-valuemin="0" aria-valuemax=${m.limit} aria-valuenow=${Math.min(m.used, m.limit)}>
            <span style=${`width: ${Math.min(m.percent, 100)}%`}></span></span>`}
        </li>`;
      })}
    </ul>
    <p class="hint">History kept: ${usage.history_days === null ? 'without limit' : `${usage.history_days} days`}. Inbound messages are always stored and answered.</p>
  </section>`;
}
