// Channels and credentials: which provider addresses are the tenant's (GET /api/v1/channels,
// never a secret) and the integrations' credentials — Slack, HubSpot, Cal.com — as write-only
// secret references over what was loaded (`saved`).
import { html } from '../lib/html.js';
import { get } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { channelLabel } from '../lib/format.js';
import { Badge, Failed, Field } from './ui.js';
import { SecretRef } from './secret_ref.js';

const PROVIDER = { twilio: 'Twilio (SMS, WhatsApp, calls)', meta: 'WhatsApp Cloud', openphone: 'OpenPhone', resend: 'Email (Resend)', chat: 'Web chat', form: 'Web forms' };
const SENDING = { live: ['ok', 'Sending'], simulated: ['warn', 'Receiving only: replies are simulated'], in_reply: ['ok', 'Answers in the page'] };

export function Channels() {
  const { data, error, reload } = useLoad(() => get('channels'), []);
  return html`<div data-testid="channels">
    <h3>Channels</h3>
    <${Failed} error=${error} retry=${reload} />
    ${data ? (data.data.length ? html`<div class="table-wrap"><table><thead><tr><th>Channel</th><th>Address</th><th>Status</th></tr></thead><tbody>
      ${data.data.map((c) => html`<tr><td>${PROVIDER[c.provider] ?? channelLabel(c.provider)}</td><td><code>${c.address}</code></td>
        <td><${Badge} kind=${SENDING[c.sending]?.[0]}>${SENDING[c.sending]?.[1] ?? c.sending}<//></td></tr>`)}
    </tbody></table></div>` : html`<p class="muted">No channels yet. The set-up wizard shows the webhook addresses to give your providers.</p>`) : null}
    <p class="hint">Numbers and provider accounts are connected by Frontdesk's operator; their secrets are Worker secrets and never shown.</p>
  </div>`;
}

/** `s`: the settings being edited; `saved`: as loaded; `set(path, value)` as on the Settings page. */
export function Credentials({ s, saved, set }) {
  // A cleared field goes back to what was loaded: typing replaces the secret, never reads it.
  const keep = (key, field, v) => {
    const value = v ?? saved[key]?.[field];
    set([key], value ? { ...s[key], [field]: value } : undefined);
  };
  const ref = (key, field, label, prefix) => html`<${SecretRef} id=${`s-${key}-${field}`} label=${label} prefix=${prefix} isSet=${!!saved[key]?.[field]}
    onChange=${(v) => keep(key, field, v)} onRemove=${() => set([key], undefined)} />`;
  return html`<div data-testid="credentials">
    <h3>Integrations</h3>
    ${ref('slack', 'webhook', 'Slack incoming webhook (escalations posted to your team channel)', 'env:SLACK_WEBHOOK_')}
    ${ref('hubspot', 'token', 'HubSpot private app token (contacts, notes and deals synced)', 'env:HUBSPOT_TOKEN_')}
    ${ref('calcom', 'api_key', 'Cal.com API key (calendar availability and bookings)', 'env:CALCOM_API_KEY_')}
    ${s.calcom || saved.calcom ? html`<${Field} id="s-calcom-event" label="Cal.com event type id"><input id="s-calcom-event" type="number" min="1"
      value=${s.calcom?.event_type_id ?? ''} onInput=${(e) => set(['calcom', 'event_type_id'], e.target.value === '' ? undefined : Number(e.target.value))} /><//>` : null}
  </div>`;
}
