// Twilio Voice's side of a call, for tests: the call's form parameters, requests signed as
// Twilio signs them (over the server's public URL), TwiML answers, and the tenant settings a
// test calls with.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { twilioSignature, formEncode } from '../../scripts/lib/twilio.mjs';
import { DEMO } from './api.mjs';
import { openCall } from '../../scripts/lib/relay.mjs';

export const ALWAYS_OPEN = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00', '24:00']]));

export const randomCallSid = () => 'CA' + randomBytes(16).toString('hex');

/** The parameters Twilio sends with every request about an inbound call to the demo tenant. */
export const callParams = (sid, from, extra = {}) => ({
  CallSid: sid, AccountSid: 'AC' + 'd'.repeat(32), From: from, To: DEMO.number, Caller: from, Called: DEMO.number,
  CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01', ...extra,
});

/** POSTs a Twilio-signed voice form to `path` (query included, as signed); `token` null = unsigned. */
export async function voicePost(server, path, params, { token = DEMO.token } = {}) {
  const pairs = Object.entries(params);
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (token !== null) headers['x-twilio-signature'] = twilioSignature(token, server.publicBaseUrl + path, pairs);
  const res = await fetch(server.baseUrl + path, { method: 'POST', headers, body: formEncode(pairs), signal: AbortSignal.timeout(20_000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function assertTwiml(r, what) {
  assert.equal(r.status, 200, `${what} → ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') ?? '', /^text\/xml/, `${what} content-type`);
  return r.text;
}

/** Replaces the tenant's settings (PUT /api/v1/settings), which must be accepted. */
export async function putSettings(server, settings, key = DEMO.key) {
  const res = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings }),
  });
  assert.equal(res.status, 200, `PUT settings → ${res.status} ${await res.text()}`);
}

/** A signed ConversationRelay call from `phone` to the demo tenant (Twilio's `setup` sent):
 *  runs fn(call), then hangs up. `opts` go to openCall (e.g. `callSid` to reconnect). */
export async function onRelayCall(server, phone, fn, opts = {}) {
  const c = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number, ...opts });
  try {
    c.setup({ from: phone });
    return await fn(c);
  } finally {
    c.close();
  }
}
