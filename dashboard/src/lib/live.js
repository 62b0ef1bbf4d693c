// The tenant's live events (GET /api/v1/events). With a session cookie the browser's EventSource
// does the work, Last-Event-ID included; with an API key the stream is read with fetch() because
// EventSource cannot send a header and keys must not travel in URLs. Either way events are
// delivered once, in id order, to every subscriber.
import { authMode, apiKey } from './api.js';

const listeners = new Set();
const statusListeners = new Set();
let lastId = null;
let stop = null;
let status = 'offline';

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function onStatus(fn) {
  statusListeners.add(fn);
  fn(status);
  return () => statusListeners.delete(fn);
}

function setStatus(s) {
  status = s;
  for (const fn of statusListeners) fn(s);
}

function deliver(raw) {
  let event;
  try { event = JSON.parse(raw); } catch { return; }
  // A replay after a reconnect may overlap what was already shown.
  if (lastId !== null && typeof event.id === 'number' && event.id <= lastId) return;
  if (typeof event.id === 'number') lastId = event.id;
  for (const fn of listeners) {
    try { fn(event); } catch (e) { console.error(e); }
  }
}

export function connect() {
  disconnect();
  setStatus('connecting');
  stop = authMode() === 'key' ? streamWithKey(apiKey()) : streamWithCookie();
}

export function disconnect() {
  stop?.();
  stop = null;
  setStatus('offline');
}

function streamWithCookie() {
  const source = new EventSource('/api/v1/events', { withCredentials: true });
  source.onopen = () => setStatus('live');
  source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting');
  source.onmessage = (e) => deliver(e.data);
  // Named events (`event: message.received`) do not reach onmessage; listen for every type.
  for (const type of EVENT_TYPES) source.addEventListener(type, (e) => deliver(e.data));
  return () => source.close();
}

export const EVENT_TYPES = [
  'message.received', 'message.sent', 'escalation.raised', 'escalation.updated', 'lead.updated',
  'webhook.unparsed', 'kb.job', 'booking.created', 'booking.updated', 'call.started', 'call.turn', 'call.summarized',
  'conversation.held', 'conversation.released', 'approval.requested', 'ticket.opened', 'ticket.updated',
];

function streamWithKey(key) {
  const controller = new AbortController();
  (async () => {
    while (!controller.signal.aborted) {
      try {
        const headers = { authorization: `Bearer ${key}`, accept: 'text/event-stream' };
        if (lastId !== null) headers['last-event-id'] = String(lastId);
        const res = await fetch('/api/v1/events', { headers, signal: controller.signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        setStatus('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (data) deliver(data);
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      setStatus('reconnecting');
      await new Promise((r) => setTimeout(r, 3000));
    }
  })();
  return () => controller.abort();
}
