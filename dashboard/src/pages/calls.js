// Calls: the calls in progress at the top, then recent ones; an open call shows its caller,
// the transcript turn by turn as it is spoken (the caller's words and each reply with how long
// the caller waited: first word, reply finished) and, once it ends, its summary and follow-ups.
// Live from `call.started`, `message.*` on the voice thread, `call.turn` (the waits) and
// `call.summarized`.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { subscribe } from '../lib/live.js';
import { ago, contactName, dateTime, phone } from '../lib/format.js';
import { contacts, loadContacts, remember } from '../lib/contacts.js';
import { can, useStore } from '../lib/store.js';
import { go } from '../lib/route.js';
import { Action, Badge, Empty, Failed, Loading, Page } from '../components/ui.js';
import { Timeline, useFollowTimeline } from '../components/timeline.js';
import { TextCaller, callerNumber } from '../components/text_caller.js';

// Live until Twilio reports an end (a summary may follow a little later).
const isLive = (c) => ['queued', 'ringing', 'in-progress'].includes(c.status) && !c.summarized_at;
const voiceEvent = (e) => e.data?.conversation?.channel === 'voice' || e.type?.startsWith('call.');
const STATUS = { 'in-progress': 'in progress', ringing: 'ringing', queued: 'queued' };

export function Calls({ route }) {
  const openId = route.params[0];
  const known = useStore(contacts);
  const list = useLoad(async () => {
    await loadContacts();
    return get('calls?limit=30');
  }, [], voiceEvent);
  // A status callback (a call ending without a summary yet) has no event: look again now and then.
  useEffect(() => {
    const timer = setInterval(() => list.reload(), 30_000);
    return () => clearInterval(timer);
  }, []);
  const calls = list.data?.data ?? [];
  const live = calls.filter(isLive);
  const past = calls.filter((c) => !isLive(c));
  const row = (c) => html`<li key=${c.id}><a href=${`#/calls/${c.id}`} aria-current=${c.id === openId ? 'true' : undefined}>
      <span class="who">${contactName(known[c.contact_id], phone(callerNumber(c)) || 'Withheld number')}</span>
      <span class="when">${ago(c.created_at)}</span>
      <span class="tags">${isLive(c) ? html`<${Badge} kind="live">● ${STATUS[c.status]}<//>` : html`<${Badge}>${c.outcome ?? c.status}<//>`}
        ${c.direction === 'outbound' ? html`<${Badge}>we called<//>` : null}</span>
    </a></li>`;
  return html`<${Page} title="Calls" wide actions=${can('write') ? html`<${TextCaller} />` : null}>
    <div class=${`inbox${openId ? ' open' : ''}`}>
      <div>
        <${Failed} error=${list.error} retry=${list.reload} />
        ${!list.data && list.loading ? html`<${Loading} what="Loading calls" />` : null}
        <h2 class="list-head">Live now</h2>
        ${list.data && !live.length ? html`<${Empty}>No call in progress. A call appears here as soon as it is answered.<//>` : null}
        ${live.length ? html`<ul class="conv-list" aria-label="Calls in progress" data-testid="live-calls">${live.map(row)}</ul>` : null}
        <h2 class="list-head">Recent</h2>
        ${list.data && !past.length ? html`<${Empty}>No finished calls yet.<//>` : null}
        ${past.length ? html`<ul class="conv-list" aria-label="Recent calls">${past.map(row)}</ul>` : null}
      </div>
      ${openId ? html`<${LiveCall} id=${openId} onClose=${() => go('calls')} />`
        : html`<div class="empty hide-narrow">Choose a call to follow it live or read what it came to.</div>`}
    </div>
  <//>`;
}

async function loadCall(id) {
  const call = await get(`calls/${id}`);
  if (!call.contact_id) return { call, turns: [] };
  const t = await get(`contacts/${call.contact_id}/timeline`);
  remember(t.contact);
  // This call's part of the caller's voice thread: what was said from its start on.
  const turns = t.items.filter((i) => i.kind === 'message' && i.channel === 'voice' && i.at >= call.created_at);
  return { call, turns };
}

export function LiveCall({ id, onClose }) {
  const known = useStore(contacts);
  // The subscription outlives renders: it reads the call loaded last through this ref.
  const current = useRef(null);
  const { data, error, reload } = useLoad(() => loadCall(id), [id], (e) => {
    const c = current.current;
    if (!c) return false;
    if (e.type === 'call.turn') return e.data?.call_sid === c.call_sid;
    if (e.type === 'call.summarized') return e.data?.call_id === c.id;
    return voiceEvent(e) && (e.data?.contact?.id ?? e.data?.conversation?.contact_id) === c.contact_id;
  });
  // The waits arrive as `call.turn` just after the reply's own event; shown at once from it.
  const [waits, setWaits] = useState({});
  useEffect(() => subscribe((e) => {
    if (e.type === 'call.turn' && e.data?.message_id) setWaits((w) => ({ ...w, [e.data.message_id]: e.data }));
  }), []);
  useFollowTimeline(data?.turns?.length);

  if (error && !data) return html`<div class="conversation"><${Failed} error=${error} retry=${reload} /></div>`;
  if (!data) return html`<div class="conversation"><${Loading} what="Opening the call" /></div>`;
  const { call } = data;
  current.current = call;
  const turns = data.turns.map((m) => (waits[m.id] && m.first_token_ms == null ? { ...m, ...waits[m.id], kind: 'message' } : m));
  const contact = known[call.contact_id];
  const number = callerNumber(call);
  const live = isLive(call);
  const summary = call.summary;
  const conversationId = turns.find((m) => m.conversation_id)?.conversation_id;
  const mayWrite = can('write');
  return html`<section class="conversation" aria-labelledby="call-title" data-testid="call">
    <div class="conv-head">
      <div>
        <button type="button" class="link back" onClick=${onClose}>← All calls</button>
        <h2 id="call-title">${contactName(contact, phone(number) || 'Withheld number')}</h2>
        <div class="sub">${[contact?.name ? phone(number) : '', call.direction === 'outbound' ? 'we called' : 'called us', dateTime(call.created_at),
          call.duration_seconds ? `${Math.round(call.duration_seconds / 60)} min` : ''].filter(Boolean).join(' · ')}</div>
      </div>
      <div class="actions">
        ${live ? html`<${Badge} kind="live">● Live · ${STATUS[call.status]}<//>` : html`<${Badge}>${call.outcome ?? call.status}<//>`}
        ${mayWrite && call.contact_id ? html`<${TextCaller} call=${call} label="Text the caller" />` : null}
        ${mayWrite && !live && number ? html`<${Action} run=${() => post('calls', { to: number, purpose: 'callback', contact_id: call.contact_id ?? undefined })}
          done="Call-back queued.">Call back<//>` : null}
        ${conversationId ? html`<a class="button" href=${`#/inbox/${conversationId}`}>Open conversation</a>` : null}
      </div>
    </div>
    ${call.handoff ? html`<div class="held-note" role="status">Handed off: ${call.handoff}</div>` : null}
    ${summary ? html`<div class="call-summary" data-testid="call-summary">
      <strong>What it came to:</strong> ${summary.text ?? ''}
      ${summary.follow_ups?.length ? html`<ul>${summary.follow_ups.map((f) => html`<li>${f}</li>`)}</ul>` : null}
    </div>` : null}
    ${turns.length ? html`<${Timeline} items=${turns} />`
      : html`<${Empty}>${live ? 'Listening… the caller\'s words and the replies appear here as they are spoken.' : 'No words kept for this call.'}<//>`}
  </section>`;
}
