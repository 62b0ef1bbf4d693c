// Booking rules and their temporary overrides (core::booking::BookingRules): stays' nights,
// notice, how far ahead, blackout dates; an override changes one rule until a date, for every
// listing or one.
import { html } from '../lib/html.js';
import { Field } from './ui.js';

const RULES = [['min_nights', 'Fewest nights'], ['max_nights', 'Most nights'], ['lead_days', 'Days of notice'], ['max_advance_days', 'Days ahead at most']];
const OVERRIDABLE = [...RULES, ['align_to_month', 'Stays start on the 1st'], ['blackouts', 'Blackout dates']];

export function BookingRules({ rules, onChange }) {
  const edit = (k, v) => onChange({ ...rules, [k]: v === '' || v === undefined || (Array.isArray(v) && !v.length) ? undefined : v });
  const overrides = rules.overrides ?? [];
  const editOverride = (i, k, v) => edit('overrides', overrides.map((o, j) => (j === i ? { ...o, [k]: v === '' ? undefined : v } : o)));
  return html`<div data-testid="booking-rules">
    <div class="grid-2">
      ${RULES.map(([k, label]) => html`<${Field} id=${`s-br-${k}`} label=${label}><input id=${`s-br-${k}`} type="number" min="0"
        value=${rules[k] ?? ''} onInput=${(e) => edit(k, e.target.value === '' ? undefined : Number(e.target.value))} /><//>`)}
    </div>
    <label class="inline"><input type="checkbox" checked=${!!rules.align_to_month} onChange=${(e) => edit('align_to_month', e.target.checked || undefined)} /> Stays start on the 1st of a month</label>
    <${Field} id="s-br-blackouts" label="Blackout dates" hint="One per line: 2026-12-24 or a range 2026-12-24..2026-12-27.">
      <textarea id="s-br-blackouts" rows="2" aria-describedby="s-br-blackouts-hint" value=${(rules.blackouts ?? []).join('\n')}
        onInput=${(e) => edit('blackouts', e.target.value.split('\n').map((l) => l.trim()).filter(Boolean))}></textarea><//>
    <h3>Overrides (until a date)</h3>
    ${overrides.map((o, i) => html`<div class="actions" style="margin-bottom:.4rem">
      <select aria-label=${`Override ${i + 1} rule`} onChange=${(e) => editOverride(i, 'rule', e.target.value)}>
        ${OVERRIDABLE.map(([v, l]) => html`<option value=${v} selected=${o.rule === v}>${l}</option>`)}</select>
      <input aria-label=${`Override ${i + 1} value`} placeholder="value (empty lifts the rule)" value=${o.value === undefined ? '' : typeof o.value === 'object' ? JSON.stringify(o.value) : String(o.value)}
        onInput=${(e) => { const t = e.target.value.trim(); let v; try { v = t === '' ? undefined : JSON.parse(t); } catch { v = t; } editOverride(i, 'value', v); }} />
      <input aria-label=${`Override ${i + 1} until`} type="date" value=${typeof o.until === 'string' ? o.until : ''} onInput=${(e) => editOverride(i, 'until', e.target.value)} />
      <input aria-label=${`Override ${i + 1} listing`} placeholder="listing id (all if empty)" value=${o.listing_id ?? ''} onInput=${(e) => editOverride(i, 'listing_id', e.target.value)} />
      <button type="button" aria-label=${`Remove override ${i + 1}`} onClick=${() => edit('overrides', overrides.filter((_, j) => j !== i))}>Remove</button>
    </div>`)}
    <button type="button" onClick=${() => edit('overrides', [...overrides, { rule: 'min_nights', until: '' }])}>Add override</button>
  </div>`;
}
