// "Text the last caller": one click opens an SMS to the most recent caller (or to a given
// call's caller), prefilled and editable, sent through the staff outbound API
// (POST /api/v1/contacts/{id}/messages) like any staff message.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post } from '../lib/api.js';
import { contactName, phone } from '../lib/format.js';
import { contacts } from '../lib/contacts.js';
import { identity, toast } from '../lib/store.js';
import { Action } from './ui.js';

/** The person's number on a call: the caller's, or the number we rang. */
export const callerNumber = (call) => (call.direction === 'outbound' ? call.to_number : call.from_number);

function draftFor(call) {
  const contact = contacts.get()[call.contact_id];
  const first = contact?.name?.split(' ')[0];
  const business = identity.get()?.tenant?.name ?? 'us';
  return `Hi${first ? ` ${first}` : ''}, this is ${business} following up on your call. How can we help?`;
}

/** A button that opens the composer; `call` given = that call's caller, else the newest call's. */
export function TextCaller({ call, label = 'Text the last caller' }) {
  const [open, setOpen] = useState(null);
  const [body, setBody] = useState('');
  const start = async () => {
    const target = call ?? (await get('calls?limit=1')).data[0];
    if (!target) throw new Error('No calls yet.');
    if (!target.contact_id) throw new Error(`The caller's number (${callerNumber(target) || 'withheld'}) has no contact to text.`);
    setBody(draftFor(target));
    setOpen(target);
    setTimeout(() => document.getElementById('text-caller-body')?.focus());
  };
  const send = async () => {
    const text = body.trim();
    if (!text) throw new Error('Write the message first.');
    await post(`contacts/${open.contact_id}/messages`, { channel: 'sms', body: text });
    toast(`Text queued to ${contactName(contacts.get()[open.contact_id], phone(callerNumber(open)))}.`, 'ok');
    setOpen(null);
  };
  if (!open) return html`<${Action} run=${start}>${label}<//>`;
  const to = contactName(contacts.get()[open.contact_id], phone(callerNumber(open)));
  return html`<form class="text-caller" data-testid="text-caller" aria-label=${`Text ${to}`} onSubmit=${(e) => e.preventDefault()}>
    <label for="text-caller-body">SMS to ${to}</label>
    <textarea id="text-caller-body" rows="3" maxlength="1600" value=${body} onInput=${(e) => setBody(e.target.value)}></textarea>
    <div class="actions">
      <${Action} kind="primary" run=${send}>Send text<//>
      <button type="button" onClick=${() => setOpen(null)}>Cancel</button>
    </div>
  </form>`;
}
