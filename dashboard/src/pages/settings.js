// Settings: the plan's usage this month, the business as the AI describes it (paused or answering, hours, holidays, tone,
// personas, qualification questions (the intake builder), white label, next step, who is on call, escalation and staff-reply timing, voice,
// approvals, booking rules, the LLM and its budget, channels and credentials). A refused save
// shows the server's own words, which name every problem. PUT replaces the whole object, so edits are merged into
// what was loaded and everything else is sent back untouched; the rest is editable as JSON.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, put } from '../lib/api.js';
import { can, identity, toast } from '../lib/store.js';
import { Action, Failed, Field, Loading, Page } from '../components/ui.js';
import { HoursEditor } from '../components/hours.js';
import { HolidaysEditor } from '../components/holidays.js';
import { PersonasEditor } from '../components/personas.js';
import { PauseSwitch } from '../components/pause.js';
import { UsageCard } from '../components/usage.js';
import { LlmSettings } from '../components/llm_settings.js';
import { BookingRules } from '../components/booking_rules.js';
import { Channels, Credentials } from '../components/integrations.js';
import { IntakeBuilder } from '../components/intake.js';

const TONES = [['standard', 'Standard'], ['luxury_concierge', 'Luxury concierge'], ['fast_direct', 'Fast and direct'], ['friendly_casual', 'Friendly and casual']];
const CHANNEL_TONES = [['', 'Default'], ['concise', 'Concise'], ['casual', 'Casual'], ['formal', 'Formal']];
const WRITE_TOOLS = ['send_sms', 'send_whatsapp', 'book_appointment', 'resolve_escalation', 'create_ticket', 'make_call'];

export function Settings() {
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);
  const [s, setS] = useState(null);
  const [json, setJson] = useState('');
  const [refused, setRefused] = useState(null);
  const load = () => get('settings').then((v) => { setView(v); setS(structuredClone(v.settings)); setJson(JSON.stringify(v.settings, null, 2)); }, setError);
  useEffect(() => { load(); }, []);
  if (error) return html`<${Page} title="Settings"><${Failed} error=${error} retry=${load} /><//>`;
  if (!s) return html`<${Page} title="Settings"><${Loading} /><//>`;
  const admin = can('admin');
  const set = (path, value) => setS((old) => {
    const next = structuredClone(old);
    let o = next;
    for (const k of path.slice(0, -1)) o = o[k] ??= {};
    if (value === undefined || value === '') delete o[path.at(-1)]; else o[path.at(-1)] = value;
    return next;
  });
  const save = async (settings = s) => {
    let v;
    try {
      v = await put('settings', { name: view.tenant.name, timezone: view.tenant.timezone, settings });
    } catch (err) {
      setRefused(err.status === 400 ? err.message : null);
      throw err;
    }
    setRefused(null);
    setView(v);
    setS(structuredClone(v.settings));
    setJson(JSON.stringify(v.settings, null, 2));
    identity.set((who) => ({ ...who, tenant: { ...who.tenant, name: v.tenant.name } }));
  };
  const approvals = s.mcp?.approval_required;
  return html`<${Page} title="Settings" actions=${admin ? html`<${Action} kind="primary" run=${() => save()} done="Saved. The next message uses the new settings.">Save changes<//>` : null}>
    ${admin ? null : html`<p class="notice warn">Only an admin or the owner can change settings. You can read them.</p>`}
    <${UsageCard} />
    ${refused ? html`<div class="notice error" role="alert" data-testid="settings-refused"><strong>Not saved.</strong> ${refused}</div>` : null}
    <${PauseSwitch} status=${view.tenant.status} admin=${admin} onChange=${(tenant) => setView({ ...view, tenant: { ...view.tenant, status: tenant.status } })} />
    <form onSubmit=${(e) => e.preventDefault()} data-testid="settings">
      <fieldset disabled=${!admin}>
        <legend>Business</legend>
        <${Field} id="s-name" label="Name"><input id="s-name" value=${view.tenant.name} onInput=${(e) => setView({ ...view, tenant: { ...view.tenant, name: e.target.value } })} /><//>
        <${Field} id="s-tz" label="Time zone"><input id="s-tz" value=${view.tenant.timezone} onInput=${(e) => setView({ ...view, tenant: { ...view.tenant, timezone: e.target.value } })} /><//>
        <${Field} id="s-address" label="Address"><input id="s-address" value=${s.address ?? ''} onInput=${(e) => set(['address'], e.target.value)} /><//>
        <${Field} id="s-next" label="Next step the AI offers" hint="Said at the end of a first reply, e.g. how to book a viewing.">
          <textarea id="s-next" rows="2" aria-describedby="s-next-hint" value=${s.next_step ?? ''} onInput=${(e) => set(['next_step'], e.target.value)}></textarea><//>
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Opening hours</legend>
        <${HoursEditor} hours=${s.hours ?? {}} onChange=${(h) => set(['hours'], h)} />
        <${HolidaysEditor} dates=${s.holidays ?? []} onChange=${(d) => set(['holidays'], d.length ? d : undefined)} />
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Tone</legend>
        <${Field} id="s-tone" label="Greeting tone"><select id="s-tone" value=${s.tone ?? 'standard'} onChange=${(e) => set(['tone'], e.target.value)}>
          ${TONES.map(([v, l]) => html`<option value=${v} selected=${(s.tone ?? 'standard') === v}>${l}</option>`)}</select><//>
        <div class="grid-2">${['sms', 'whatsapp', 'email', 'chat'].map((ch) => html`<${Field} id=${`s-ct-${ch}`} label=${`Style on ${ch === 'sms' ? 'SMS' : ch}`}>
          <select id=${`s-ct-${ch}`} onChange=${(e) => set(['channel_tone', ch], e.target.value)}>
            ${CHANNEL_TONES.map(([v, l]) => html`<option value=${v} selected=${(s.channel_tone?.[ch] ?? '') === v}>${l}</option>`)}</select><//>`)}</div>
        <${PersonasEditor} list=${s.personas ?? []} onChange=${(l) => set(['personas'], l.length ? l : undefined)} />
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Qualification questions (intake)</legend>
        <${IntakeBuilder} questions=${s.qualification} intake=${view.intake} refused=${refused} onChange=${(l) => set(['qualification'], l)} />
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>White label (chat widget and pages)</legend>
        <div class="grid-2">
          <${Field} id="s-wl-name" label="Name shown"><input id="s-wl-name" maxlength="80" value=${s.white_label?.name ?? ''} onInput=${(e) => set(['white_label', 'name'], e.target.value)} /><//>
          <${Field} id="s-wl-logo" label="Logo URL" hint="An https:// image address."><input id="s-wl-logo" type="url" placeholder="https://…" aria-describedby="s-wl-logo-hint"
            value=${s.white_label?.logo_url ?? ''} onInput=${(e) => set(['white_label', 'logo_url'], e.target.value)} /><//>
          <${Field} id="s-wl-colour" label="Colour" hint="#RRGGBB"><input id="s-wl-colour" placeholder="#1f6feb" aria-describedby="s-wl-colour-hint"
            value=${s.white_label?.colour ?? ''} onInput=${(e) => set(['white_label', 'colour'], e.target.value)} /><//>
        </div>
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Escalations and on call</legend>
        <${OnCall} list=${s.on_call ?? []} onChange=${(l) => set(['on_call'], l)} />
        <div class="grid-2">
          <${Field} id="s-ack" label="Page the next person after (minutes unacknowledged)"><input id="s-ack" type="number" min="0" max="1440"
            value=${s.escalation_rules?.ack_timeout_minutes ?? 10} onInput=${(e) => set(['escalation_rules', 'ack_timeout_minutes'], Number(e.target.value))} /><//>
          <${Field} id="s-hv" label="Hand leads scoring at least this to the team"><input id="s-hv" type="number" min="0" max="101"
            value=${s.escalation_rules?.high_value_score ?? 80} onInput=${(e) => set(['escalation_rules', 'high_value_score'], Number(e.target.value))} /><//>
          <${Field} id="s-staff" label="When a person holds a conversation, escalate a customer waiting this long (minutes)" hint="1 to 1440; 5 if empty.">
            <input id="s-staff" type="number" min="1" max="1440" placeholder="5" aria-describedby="s-staff-hint" value=${s.handoff?.staff_reply_minutes ?? ''}
              onInput=${(e) => set(['handoff', 'staff_reply_minutes'], e.target.value === '' ? undefined : Number(e.target.value))} /><//>
        </div>
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Calls</legend>
        <div class="grid-2">
          <${Field} id="s-after" label="After hours, calls go to"><select id="s-after" onChange=${(e) => set(['voice', 'after_hours'], e.target.value)}>
            ${[['ai', 'The AI receptionist'], ['voicemail', 'Voicemail']].map(([v, l]) => html`<option value=${v} selected=${(s.voice?.after_hours ?? 'ai') === v}>${l}</option>`)}</select><//>
          <${Field} id="s-transfer" label="Transfer number (E.164)"><input id="s-transfer" type="tel" placeholder="+44…" value=${s.voice?.transfer_number ?? ''} onInput=${(e) => set(['voice', 'transfer_number'], e.target.value)} /><//>
        </div>
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Assistant actions needing approval</legend>
        <label class="inline"><input type="checkbox" checked=${approvals === 'all'} onChange=${(e) => set(['mcp', 'approval_required'], e.target.checked ? 'all' : undefined)} /> All of them</label>
        ${approvals !== 'all' ? html`<div class="actions">${WRITE_TOOLS.map((t) => html`<label class="inline"><input type="checkbox" checked=${Array.isArray(approvals) && approvals.includes(t)}
          onChange=${(e) => { const now = new Set(Array.isArray(approvals) ? approvals : []); e.target.checked ? now.add(t) : now.delete(t); set(['mcp', 'approval_required'], now.size ? [...now] : undefined); }} /> ${t.replace('_', ' ')}</label>`)}</div>` : null}
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Booking rules</legend>
        <${BookingRules} rules=${s.booking_rules ?? {}} onChange=${(r) => set(['booking_rules'], r)} />
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>AI model and budget</legend>
        <${LlmSettings} llm=${s.llm} savedKey=${view.settings.llm?.api_key} onChange=${(l) => set(['llm'], l)} />
      </fieldset>
      <fieldset disabled=${!admin}>
        <legend>Channels and credentials</legend>
        <${Channels} />
        <${Credentials} s=${s} saved=${view.settings} set=${set} />
      </fieldset>
      <details>
        <summary>Everything else (JSON): questions in other languages, availability, follow-ups</summary>
        <p class="hint">Credentials are named as <code>env:SECRET_NAME</code>; their values are never shown or stored here.</p>
        <label class="sr-only" for="s-json">Settings JSON</label>
        <textarea id="s-json" rows="18" disabled=${!admin} value=${json} onInput=${(e) => setJson(e.target.value)}></textarea>
        ${admin ? html`<${Action} run=${async () => { let parsed; try { parsed = JSON.parse(json); } catch (err) { throw new Error(`Not valid JSON: ${err.message}`); } await save(parsed); }} done="Saved.">Save JSON<//>` : null}
      </details>
      ${admin ? html`<div class="actions save-bar"><${Action} kind="primary" run=${() => save()} done="Saved. The next message uses the new settings.">Save changes<//></div>` : null}
      ${admin ? html`<${Template} templates=${view.templates} current=${s.template} onApplied=${load} />` : null}
    </form>
  <//>`;
}

function OnCall({ list, onChange }) {
  const edit = (i, k, v) => onChange(list.map((p, j) => (j === i ? { ...p, [k]: v || undefined } : p)));
  return html`<div>
    <h3>On-call chain (paged in order for emergencies)</h3>
    ${list.map((p, i) => html`<div class="actions" style="margin-bottom:.4rem">
      <input aria-label=${`On-call ${i + 1} name`} placeholder="Name" value=${p.name ?? ''} onInput=${(e) => edit(i, 'name', e.target.value)} />
      <input aria-label=${`On-call ${i + 1} phone`} type="tel" placeholder="+44…" value=${p.phone ?? ''} onInput=${(e) => edit(i, 'phone', e.target.value)} />
      <input aria-label=${`On-call ${i + 1} email`} type="email" placeholder="email" value=${p.email ?? ''} onInput=${(e) => edit(i, 'email', e.target.value)} />
      <button type="button" onClick=${() => onChange(list.filter((_, j) => j !== i))} aria-label=${`Remove on-call ${i + 1}`}>Remove</button>
    </div>`)}
    <button type="button" onClick=${() => onChange([...list, { name: '' }])}>Add person</button>
  </div>`;
}

function Template({ templates, current, onApplied }) {
  const [t, setT] = useState(current ?? templates[0]);
  return html`<fieldset style="margin-top:1rem"><legend>Start over from an industry template</legend>
    <p class="hint">Replaces hours, next step, tone and qualification questions; keeps address, on-call, holidays and integrations.</p>
    <div class="actions"><select aria-label="Template" onChange=${(e) => setT(e.target.value)}>${templates.map((x) => html`<option value=${x} selected=${x === t}>${x.replace('_', ' ')}</option>`)}</select>
    <${Action} run=${async () => { await post('settings/template', { template: t }); toast('Template applied.', 'ok'); await onApplied(); }}>Apply template<//></div>
  </fieldset>`;
}
