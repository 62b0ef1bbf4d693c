// One conversation: the contact's timeline, takeover / hand back, staff reply and a suggested draft.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { ApiError, get, post } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { subscribe } from '../lib/live.js';
import { channelLabel, contactName, phone } from '../lib/format.js';
import { contacts, remember } from '../lib/contacts.js';
import { can, identity, toast, useStore } from '../lib/store.js';
import { Action, Failed, Loading } from '../components/ui.js';
import { Timeline, useFollowTimeline } from '../components/timeline.js';

const REPLY_CHANNELS = new Set(['sms', 'whatsapp', 'chat', 'email']);

async function loadConversation(id) {
  const conversation = await get(`conversations/${id}`);
  remember(conversation.contact);
  let items;
  try {
    const t = await get(`contacts/${conversation.contact_id}/timeline`);
    remember(t.contact);
    items = t.items;
  } catch (err) {
    // Servers without the contact timeline still have this conversation's messages.
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    items = (await get(`conversations/${id}/messages?limit=100`)).data.slice().reverse().map((m) => ({ kind: 'message', ...m }));
  }
  return { conversation, items };
}

export function Conversation({ id, onClose, onRead }) {
  const { data, error, loading, reload } = useLoad(() => loadConversation(id), [id], (e) => {
    const c = e.data?.conversation;
    return (c && c.id === id) || e.data?.conversation_id === id || e.type === 'call.turn' || e.type === 'call.summarized';
  });
  const known = useStore(contacts);
  const who = useStore(identity);
  const [draft, setDraft] = useState('');
  const box = useRef(null);
  // Who sent what, for staff replies: the list of messages does not say, the live event does.
  const [senders, setSenders] = useState({});
  useEffect(() => subscribe((e) => {
    const m = e.data?.message;
    if (e.type === 'message.sent' && m && e.data.by) setSenders((s) => ({ ...s, [m.id]: e.data.by }));
  }), []);

  useEffect(() => { setDraft(''); }, [id]);
  // Open means read, including what arrives while it is open.
  const seen = data?.items?.length;
  useEffect(() => {
    if (seen !== undefined) post(`conversations/${id}/read`).then(() => onRead?.(id), () => {});
  }, [id, seen]);
  useFollowTimeline(data?.items?.length);

  if (error && !data) return html`<div class="conversation"><${Failed} error=${error} retry=${reload} /></div>`;
  if (!data) return html`<div class="conversation"><${Loading} what="Opening conversation" /></div>`;
  const { conversation: c, items } = data;
  const contact = c.contact ?? known[c.contact_id];
  const held = c.held_by;
  const mine = held && (who?.mode === 'key' ? held.user_id === null : held.user_id === who?.user?.id);
  const mayWrite = can('write');
  const canReply = mayWrite && REPLY_CHANNELS.has(c.channel);

  const takeover = async () => { await post(`conversations/${id}/takeover`); await reload(); box.current?.focus(); };
  const handback = async () => { await post(`conversations/${id}/handback`); await reload(); };
  const send = async () => {
    const text = draft.trim();
    if (!text) throw new Error('Write a reply first.');
    const sent = await post(`conversations/${id}/reply`, { text });
    setSenders((s) => ({ ...s, [sent.message_id]: { email: who?.user?.email, you: true } }));
    setDraft('');
    await reload();
  };
  const suggest = async () => {
    const s = await post(`conversations/${id}/suggest`);
    setDraft(s.text);
    box.current?.focus();
  };
  const callBack = async () => {
    if (!contact?.phone) throw new Error('This contact has no phone number.');
    await post('calls', { to: contact.phone, purpose: 'callback', contact_id: c.contact_id });
  };

  return html`<section class="conversation" aria-labelledby="conv-title" data-testid="conversation">
    <div class="conv-head">
      <div>
        <button type="button" class="link back" onClick=${onClose}>← All conversations</button>
        <h2 id="conv-title">${contactName(contact)}</h2>
        <div class="sub">${[channelLabel(c.channel), contact?.name ? phone(contact.phone) : '', contact?.email, c.status === 'closed' ? 'closed' : ''].filter(Boolean).join(' · ')}</div>
      </div>
      <div class="actions">
        ${mayWrite && !held ? html`<${Action} run=${takeover} done="You have this conversation; the AI is paused.">Take over<//>` : null}
        ${mayWrite && held ? html`<${Action} run=${handback} done="Handed back to the AI.">Hand back to AI<//>` : null}
        ${mayWrite && contact?.phone ? html`<${Action} run=${callBack} done="Call-back queued.">Call back<//>` : null}
      </div>
    </div>
    ${held ? html`<div class="held-note" role="status" data-testid="held">
      ${mine ? 'You are handling this conversation. The AI stays silent until you hand it back.' : `${held.email ?? 'Someone using an API key'} is handling this conversation; the AI is paused.`}
    </div>` : null}
    <${Failed} error=${error} />
    <${Timeline} items=${items} senders=${senders} />
    ${loading ? html`<span class="sr-only" role="status">Updating</span>` : null}
    ${canReply ? html`<form class="composer" onSubmit=${(e) => e.preventDefault()}>
        <label for="reply" class="sr-only">Reply</label>
        <textarea id="reply" ref=${box} rows="3" value=${draft} onInput=${(e) => setDraft(e.target.value)}
          placeholder=${held ? `Reply by ${channelLabel(c.channel)} as staff` : 'Take over to reply, or send a one-off reply as staff'}
          onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) document.getElementById('send-reply')?.click(); }}></textarea>
        <div class="row">
          <div class="quick">
            <${Action} run=${suggest}>Suggest reply<//>
          </div>
          <${Action} id="send-reply" kind="primary" run=${send} done="Reply sent.">Send<//>
        </div>
      </form>`
      : html`<p class="composer muted" data-testid="read-only">${mayWrite ? `Replies on ${channelLabel(c.channel)} are not sent from here.` : 'Your role can read conversations but not reply. Ask an admin for agent access.'}</p>`}
  </section>`;
}
