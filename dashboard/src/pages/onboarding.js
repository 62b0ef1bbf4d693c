// Onboarding: a new business answering its first message within minutes. Create it from an
// industry template (POST /api/v1/tenants), sign in as its owner, set hours, paste FAQs, copy the
// webhook URLs into the providers, and try it with a simulated SMS through the real webhook path.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, put, useSession } from '../lib/api.js';
import { can, identity, toast, useStore } from '../lib/store.js';
import { Action, CopyRow, Field, Page } from '../components/ui.js';
import { HoursEditor } from '../components/hours.js';
import { parseFaqs } from './knowledge.js';
import { Simulator } from '../components/simulator.js';

const TEMPLATES = [['letting_agent', 'Letting agent'], ['vacation_rental', 'Holiday lets'], ['clinic_salon', 'Clinic or salon'], ['hotel', 'Hotel']];
const STEPS = ['Business', 'Hours', 'FAQs', 'Connect', 'Try it'];
const slugify = (s) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

export function Onboarding() {
  const [step, setStep] = useState(0);
  const [created, setCreated] = useState(null);
  const [fresh, setFresh] = useState(true);
  const who = useStore(identity);
  if (!can('admin')) return html`<${Page} title="Set up a business"><p class="notice warn">Only an owner or admin can set up a business.</p><//>`;
  return html`<${Page} title="Set up a business">
    <ol class="steps" aria-label="Steps">${STEPS.map((s, i) => html`<li aria-current=${i === step ? 'step' : undefined}>${i + 1}. ${s}</li>`)}</ol>
    ${step === 0 ? html`<div role="radiogroup" aria-label="Which business" class="actions" style="margin-bottom:1rem">
        <label class="inline"><input type="radio" name="ob-which" checked=${fresh} onChange=${() => setFresh(true)} /> A new business</label>
        <label class="inline"><input type="radio" name="ob-which" checked=${!fresh} onChange=${() => setFresh(false)} /> ${who?.tenant?.name ?? 'This business'}</label>
      </div>
      ${fresh ? html`<${CreateStep} onCreated=${(c) => { setCreated(c); setStep(1); }} />`
        : html`<div class="card"><p>Check the hours, add FAQs, connect your numbers and try it.</p><${Action} kind="primary" run=${async () => setStep(1)}>Start<//></div>`}` : null}
    ${step === 1 ? html`<${HoursStep} onNext=${() => setStep(2)} />` : null}
    ${step === 2 ? html`<${FaqStep} onNext=${() => setStep(3)} />` : null}
    ${step === 3 ? html`<${ConnectStep} created=${created} onNext=${() => setStep(4)} />` : null}
    ${step === 4 ? html`<section class="card"><h2>Try it: text ${who?.tenant?.name}</h2>
        <p class="muted">This sends a real, signed SMS webhook to your new number. The reply is what a customer would get.</p>
        <${Simulator} /></section>` : null}
  <//>`;
}

function CreateStep({ onCreated }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [template, setTemplate] = useState('letting_agent');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const create = async () => {
    const s = slug || slugify(name);
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const created = await post('tenants', { name, slug: s, template, timezone, owner_email: email, owner_password: password });
    // Continue as the new business's owner: everything after this is about it.
    const session = await post('/api/v1/session', { email, password, tenant: s });
    useSession(session.csrf_token);
    identity.set({ mode: 'session', user: session.user, tenant: session.tenant });
    onCreated(created);
  };
  return html`<form class="card" onSubmit=${(e) => e.preventDefault()}>
    <${Field} id="ob-template" label="What kind of business?"><select id="ob-template" onChange=${(e) => setTemplate(e.target.value)}>
      ${TEMPLATES.map(([v, l]) => html`<option value=${v} selected=${v === template}>${l}</option>`)}</select><//>
    <${Field} id="ob-name" label="Business name"><input id="ob-name" required value=${name} onInput=${(e) => setName(e.target.value)} /><//>
    <${Field} id="ob-slug" label="Short name (in links)" hint=${`Letters, digits and dashes. Default: ${slugify(name) || '…'}`}>
      <input id="ob-slug" aria-describedby="ob-slug-hint" value=${slug} placeholder=${slugify(name)} onInput=${(e) => setSlug(e.target.value)} /><//>
    <${Field} id="ob-email" label="Owner's email"><input id="ob-email" type="email" autocomplete="off" required value=${email} onInput=${(e) => setEmail(e.target.value)} /><//>
    <${Field} id="ob-password" label="Owner's password" hint="At least 10 characters."><input id="ob-password" type="password" autocomplete="new-password" aria-describedby="ob-password-hint" required value=${password} onInput=${(e) => setPassword(e.target.value)} /><//>
    <${Action} kind="primary" run=${create} disabled=${!name.trim() || !email || password.length < 10}>Create business<//>
  </form>`;
}

function HoursStep({ onNext }) {
  const [view, setView] = useState(null);
  useEffect(() => { get('settings').then(setView, (err) => toast(err.message, 'error')); }, []);
  if (!view) return html`<p class="muted">Loading…</p>`;
  const save = async () => {
    await put('settings', { settings: view.settings });
    onNext();
  };
  return html`<form class="card" onSubmit=${(e) => e.preventDefault()}>
    <h2>When are you open?</h2>
    <p class="muted">Outside these hours the AI still answers and says when the team will follow up.</p>
    <${HoursEditor} hours=${view.settings.hours ?? {}} onChange=${(hours) => setView({ ...view, settings: { ...view.settings, hours } })} />
    <div class="actions" style="margin-top:1rem"><${Action} kind="primary" run=${save}>Save and continue<//></div>
  </form>`;
}

function FaqStep({ onNext }) {
  const [text, setText] = useState('');
  const faqs = parseFaqs(text);
  const save = async () => {
    if (faqs.length) await post('kb/faqs', { kb: 'faq', faqs });
    onNext();
  };
  return html`<form class="card" onSubmit=${(e) => e.preventDefault()}>
    <h2>Paste your FAQs</h2>
    <${Field} id="ob-faqs" label="Questions and answers" hint='"Q: …" then "A: …" for each. You can add more later under Knowledge.'>
      <textarea id="ob-faqs" rows="8" aria-describedby="ob-faqs-hint" value=${text} onInput=${(e) => setText(e.target.value)}
        placeholder=${'Q: Do you allow pets?\nA: Yes, by agreement with the landlord.'}></textarea><//>
    <p class="muted">${faqs.length ? `${faqs.length} found.` : 'None yet.'}</p>
    <${Action} kind="primary" run=${save}>${faqs.length ? 'Add and continue' : 'Skip for now'}<//>
  </form>`;
}

function ConnectStep({ created, onNext }) {
  const origin = location.origin;
  const urls = created?.webhook_urls ?? created?.webhooks ?? {
    twilio_sms: `${origin}/webhooks/twilio/sms`, twilio_voice: `${origin}/webhooks/twilio/voice`,
    meta_whatsapp: `${origin}/webhooks/meta/whatsapp`, openphone: `${origin}/webhooks/openphone`,
  };
  const LABEL = {
    twilio_sms: 'Twilio number → Messaging: "A message comes in"', twilio_voice: 'Twilio number → Voice: "A call comes in"',
    twilio_status: 'Twilio: status callback', meta_whatsapp: 'Meta WhatsApp: Callback URL', openphone: 'OpenPhone: Webhook URL',
    web_form: 'Your website form posts to', missed_call: 'Missed-call webhook', chat: 'Website chat (used by the widget)',
  };
  return html`<section class="card">
    <h2>Connect your numbers</h2>
    <p class="muted">Paste these into your providers' consoles. Until then, replies are recorded as <em>simulated</em>.</p>
    ${Object.entries(urls).map(([k, url]) => html`<div class="field"><span class="hint">${LABEL[k] ?? k}</span>
      <${CopyRow} value=${url} /></div>`)}
    ${created?.channels?.sms?.number ? html`<p>Your number until you connect Twilio (simulated): <strong>${created.channels.sms.number}</strong></p>` : null}
    ${created?.api_key ? html`<div class="field"><span class="hint">API key for scripts and integrations — shown once, keep it somewhere safe</span>
      <${CopyRow} value=${created.api_key} /></div>` : null}
    <${Action} kind="primary" run=${async () => onNext()}>Continue<//>
  </section>`;
}
