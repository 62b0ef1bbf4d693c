// Inbox: every conversation across channels, live, with filters; the open one beside the list.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { ago, channelLabel, contactName } from '../lib/format.js';
import { contacts, loadContacts, remember } from '../lib/contacts.js';
import { can, useStore } from '../lib/store.js';
import { go } from '../lib/route.js';
import { Badge, Empty, Failed, Loading, Page, Select } from '../components/ui.js';
import { Conversation } from './conversation.js';
import { TextCaller } from '../components/text_caller.js';

const CHANNELS = [['', 'All channels'], ['sms', 'SMS'], ['whatsapp', 'WhatsApp'], ['chat', 'Web chat'], ['form', 'Web forms'], ['email', 'Email'], ['voice', 'Calls']];
const STATUSES = [['open', 'Open'], ['closed', 'Closed'], ['', 'Open and closed']];
const CALLERS = [['', 'Anyone'], ['lead', 'Leads'], ['tenant', 'Tenants'], ['landlord', 'Landlords']];
const LIVE_TYPES = new Set(['message.received', 'message.sent', 'conversation.held', 'conversation.released', 'call.summarized']);

export function Inbox({ route }) {
  const openId = route.params[0];
  const [filters, setFilters] = useState({
    channel: route.query.get('channel') ?? '', status: route.query.get('status') ?? 'open',
    unread: route.query.get('unread') === 'true', caller: '', q: '',
  });
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => ({ ...f, q })), 250);
    return () => clearTimeout(t);
  }, [q]);
  const list = useLoad(async () => {
    const page = await get(`conversations${query({ ...filters, limit: 50 })}`);
    if (page.data.some((c) => !c.contact)) await loadContacts();
    page.data.forEach((c) => remember(c.contact));
    return page;
  }, [JSON.stringify(filters)], (e) => LIVE_TYPES.has(e.type));
  const known = useStore(contacts);
  useEffect(() => {
    if (list.data && !performance.getEntriesByName('console:inbox').length) performance.mark('console:inbox');
  }, [list.data]);
  const set = (k) => (v) => setFilters((f) => ({ ...f, [k]: v }));

  return html`<${Page} title="Inbox" wide actions=${can('write') ? html`<${TextCaller} />` : null}>
    <div class=${`inbox${openId ? ' open' : ''}`}>
      <div>
        <form class="filters inbox-filters" role="search" onSubmit=${(e) => e.preventDefault()}>
          <label class="inline" for="inbox-q"><span class="sr-only">Search</span>
            <input id="inbox-q" type="search" placeholder="Search name, number or words" value=${q} onInput=${(e) => setQ(e.target.value)} /></label>
          <${Select} hideLabel id="f-channel" label="Channel" value=${filters.channel} onChange=${set('channel')} options=${CHANNELS} />
          <${Select} hideLabel id="f-status" label="Status" value=${filters.status} onChange=${set('status')} options=${STATUSES} />
          <${Select} hideLabel id="f-caller" label="Who" value=${filters.caller} onChange=${set('caller')} options=${CALLERS} />
          <label class="inline"><input type="checkbox" checked=${filters.unread} onChange=${(e) => set('unread')(e.target.checked)} /> Unread only</label>
        </form>
        <${Failed} error=${list.error} retry=${list.reload} />
        ${!list.data && list.loading ? html`<${Loading} what="Loading conversations" />` : null}
        ${list.data && !list.data.data.length ? html`<${Empty}>No conversations match. New messages appear here as they arrive.<//>` : null}
        ${list.data?.data.length ? html`<ul class="conv-list" aria-label="Conversations" data-testid="conversations">
          ${list.data.data.map((c) => {
            const contact = c.contact ?? known[c.contact_id];
            return html`<li key=${c.id} class=${c.unread ? 'unread' : ''}>
              <a href=${`#/inbox/${c.id}`} aria-current=${c.id === openId ? 'true' : undefined}>
                <span class="who">${contactName(contact)}</span>
                <span class="when">${ago(c.last_message_at)}</span>
                ${c.last_message ? html`<span class="preview">${c.last_message.direction === 'outbound' ? 'You: ' : ''}${c.last_message.body}</span>` : null}
                <span class="tags">
                  <${Badge}>${channelLabel(c.channel)}<//>
                  ${c.status === 'closed' ? html`<${Badge}>closed<//>` : null}
                  ${c.held_by ? html`<${Badge} kind="held" title=${`Taken over by ${c.held_by.email ?? 'an API key'}`}>With ${c.held_by.email?.split('@')[0] ?? 'staff'}<//>` : null}
                  ${c.unread ? html`<${Badge} kind="unread">${c.unread} unread<//>` : null}
                </span>
              </a></li>`;
          })}
        </ul>` : null}
      </div>
      ${openId ? html`<${Conversation} id=${openId} onClose=${() => go('inbox')}
          onRead=${() => list.reload()} />`
        : html`<div class="empty hide-narrow">Choose a conversation to read it, take it over or reply.</div>`}
    </div>
  <//>`;
}
