// Shared constants and small HTTP helpers for the acceptance tests (docs/API.md, seed/dev.sql).
import assert from 'node:assert/strict';
import { signedSmsRequest, twimlMessages } from '../../scripts/lib/twilio.mjs';

export const DEMO = {
  tenantId: 'ten_demo', number: '+14155550100', token: 'demo-twilio-auth-token', key: 'fd_demo_devkey_0000000000000000',
};
export const DEMO2 = {
  tenantId: 'ten_demo2', number: '+14155550199', token: 'demo2-twilio-auth-token', key: 'fd_demo2_devkey_000000000000000',
};

let counter = 0;
/** A fresh UK mobile number from Ofcom's drama range, unique within this process. */
export function uniquePhone() {
  counter += 1;
  return `+4477009${String((process.pid * 7 + counter * 131) % 100000).padStart(5, '0')}`;
}

/** GET an API path with a Bearer key (undefined = no Authorization header). */
export async function api(server, key, path, { headers = {}, method = 'GET' } = {}) {
  const h = { ...headers };
  if (key !== undefined) h.authorization = `Bearer ${key}`;
  const res = await fetch(server.baseUrl + path, { method, headers: h, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

/** POST a JSON body (a string is sent as is) with a Bearer key (undefined = none). */
export async function apiPost(server, key, path, body) {
  const headers = { 'content-type': 'application/json' };
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  const res = await fetch(server.baseUrl + path, {
    method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

/** GET that must answer 200 with JSON; returns the JSON. */
export async function apiOk(server, key, path) {
  const r = await api(server, key, path);
  assert.equal(r.status, 200, `GET ${path} → ${r.status} ${r.text}`);
  assert.ok(r.json, `GET ${path} did not answer JSON: ${r.text}`);
  return r.json;
}

/** Posts a signed Twilio SMS webhook; returns { status, headers, text, json, replies, messageSid, req }. */
export async function sendSms(server, { from, body, to = DEMO.number, token = DEMO.token, messageSid, headers, mutate } = {}) {
  const req = signedSmsRequest({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl ?? server.baseUrl, authToken: token, from, to, body, messageSid, headers });
  if (mutate) mutate(req);
  const res = await fetch(req.url, { ...req.init, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* TwiML */ }
  return { status: res.status, headers: res.headers, text, json, replies: twimlMessages(text), messageSid: req.messageSid, req };
}

/** Asserts a JSON error response of the documented shape and code. */
export function assertError(r, status, code, what = '') {
  assert.equal(r.status, status, `${what} expected ${status} ${code}, got ${r.status}: ${r.text}`);
  assert.ok(r.json && r.json.error, `${what} error body is not {"error":{…}}: ${r.text}`);
  assert.equal(r.json.error.code, code, `${what} error code: ${r.text}`);
  assert.equal(typeof r.json.error.message, 'string', `${what} error.message must be a string: ${r.text}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/, `${what} error content-type`);
}

/** Asserts a 200 TwiML reply with one non-empty <Message>; returns the reply text. */
export function assertTwimlReply(r, what = '') {
  assert.equal(r.status, 200, `${what} webhook → ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') ?? '', /^text\/xml/, `${what} content-type`);
  assert.match(r.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Response>\s*<Message(?: action="[^"]*" method="POST")?>[\s\S]*<\/Message>\s*<\/Response>\s*$/, `${what} TwiML shape: ${r.text}`);
  assert.equal(r.replies.length, 1, `${what} exactly one <Message>: ${r.text}`);
  assert.ok(r.replies[0].trim().length > 0, `${what} reply is empty: ${r.text}`);
  return r.replies[0];
}

const q = encodeURIComponent;

/** The contacts of a tenant with this phone (the `data` array). */
export async function contactsByPhone(server, key, phone) {
  const j = await apiOk(server, key, `/api/v1/contacts?phone=${q(phone)}`);
  assert.ok(Array.isArray(j.data), `contacts.data must be an array: ${JSON.stringify(j)}`);
  return j.data;
}

/** Walks a list endpoint through all pages (bounded); returns every item. */
export async function listAll(server, key, path, { limit = 100, maxPages = 50 } = {}) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const j = await apiOk(server, key, `${path}${sep}limit=${limit}${cursor ? `&cursor=${q(cursor)}` : ''}`);
    items.push(...j.data);
    if (j.next_cursor === null) return items;
    assert.equal(typeof j.next_cursor, 'string', `next_cursor must be string|null: ${JSON.stringify(j)}`);
    cursor = j.next_cursor;
  }
  throw new Error(`${path}: more than ${maxPages} pages`);
}

/** Conversations of a tenant for the contact with this phone: { contact, conversations }. */
export async function conversationsOf(server, key, phone) {
  const contacts = await contactsByPhone(server, key, phone);
  if (contacts.length === 0) return { contact: undefined, conversations: [] };
  assert.equal(contacts.length, 1, `one contact per phone: ${JSON.stringify(contacts)}`);
  const all = await listAll(server, key, '/api/v1/conversations');
  return { contact: contacts[0], conversations: all.filter((c) => c.contact_id === contacts[0].id) };
}

export async function messagesOf(server, key, conversationId) {
  return listAll(server, key, `/api/v1/conversations/${q(conversationId)}/messages`);
}

/** Polls fn() (bounded) until it returns a truthy value; returns it or throws with the last value. */
export async function eventually(fn, { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
}
