// A Twilio ConversationRelay client: what Twilio's side of a `<ConversationRelay>` call sends
// (twilio.com/docs/voice/conversationrelay/websocket-messages, PROTOCOLS.md §3), for `make call`,
// the miniflare tests and benchmarks. The handshake is signed like a webhook: X-Twilio-Signature
// over the full wss:// URL with no parameters. Node's global WebSocket (Node ≥ 22) only.
import { randomBytes } from 'node:crypto';
import { twilioSignature } from './twilio.mjs';

export const RELAY_PATH = '/webhooks/twilio/relay';

export function randomCallSid() {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** The path and query of a call's relay URL, and the wss:// URL Twilio signs for it. */
export function relayTarget({ publicBaseUrl, callSid, to }) {
  const pathAndQuery = `${RELAY_PATH}?${new URLSearchParams({ call: callSid, to })}`;
  const host = new URL(publicBaseUrl).host;
  return { pathAndQuery, signedUrl: `wss://${host}${pathAndQuery}` };
}

/**
 * Opens a signed relay socket. Resolves a RelayCall once open; rejects if the server refuses.
 * signature: override the computed one (a test of a wrong signature); null = send none.
 */
export function openCall({ baseUrl, publicBaseUrl = baseUrl, authToken, callSid = randomCallSid(), to, signature }) {
  const { pathAndQuery, signedUrl } = relayTarget({ publicBaseUrl, callSid, to });
  const sig = signature === undefined ? twilioSignature(authToken, signedUrl, []) : signature;
  const headers = sig === null ? {} : { 'X-Twilio-Signature': sig };
  const wsUrl = baseUrl.replace(/^http/, 'ws') + pathAndQuery;
  const ws = new WebSocket(wsUrl, { headers });
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(new RelayCall(ws, callSid, to));
    ws.onerror = () => reject(new Error(`the relay refused the handshake (${wsUrl})`));
  });
}

export class RelayCall {
  constructor(ws, callSid, to) {
    this.ws = ws;
    this.callSid = callSid;
    this.to = to;
    this.inbox = [];
    this.waiters = [];
    this.closed = false;
    ws.onmessage = (e) => { this.inbox.push(JSON.parse(e.data)); this.wake(); };
    ws.onclose = () => { this.closed = true; this.wake(); };
  }

  wake() { for (const w of this.waiters.splice(0)) w(); }

  send(message) { this.ws.send(JSON.stringify(message)); }

  /**
   * Twilio's first message on a call. On a call the business placed (`direction:
   * 'outbound-api'`), `from` is the business's number and `to` the person called.
   */
  setup({ from, to = this.to, direction = 'inbound', customParameters = {} }) {
    this.send({
      type: 'setup', sessionId: `VX${randomBytes(16).toString('hex')}`, accountSid: `AC${'0'.repeat(32)}`,
      parentCallSid: '', callSid: this.callSid, from, to, forwardedFrom: '', callType: 'PSTN',
      callerName: '', direction, callStatus: 'RINGING', customParameters,
    });
  }

  prompt(voicePrompt, lang = 'en-US') { this.send({ type: 'prompt', voicePrompt, lang, last: true }); }

  dtmf(digit) { this.send({ type: 'dtmf', digit: String(digit) }); }

  interrupt(utteranceUntilInterrupt) {
    this.send({ type: 'interrupt', utteranceUntilInterrupt, durationUntilInterruptMs: String(utteranceUntilInterrupt.length * 60) });
  }

  /** The next message from the server (bounded wait). */
  async next(timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.closed) throw new Error('the relay closed the call');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no relay message within ${timeoutMs} ms`);
      await new Promise((resolve) => { this.waiters.push(resolve); setTimeout(resolve, left); });
    }
    return this.inbox.shift();
  }

  /**
   * One spoken answer: the text tokens up to `last: true`, or an `end` (a handoff with nothing
   * said first). Returns { text, tokens, end, language } (end: the parsed handoffData, or
   * undefined; language: the `language` message sent before the tokens, or undefined).
   */
  async answer(timeoutMs = 20_000) {
    const tokens = [];
    let end;
    let language;
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m.type === 'end') { end = JSON.parse(m.handoffData ?? '{}'); break; }
      if (m.type === 'language' && tokens.length === 0) { language = m; continue; }
      if (m.type !== 'text') continue;
      tokens.push(m);
      if (m.last) break;
    }
    return { text: tokens.map((t) => t.token).join(''), tokens, end, language };
  }

  close() { try { this.ws.close(); } catch { /* already closed */ } }
}
