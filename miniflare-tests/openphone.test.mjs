// OpenPhone / Quo: both signing schemes (legacy openphone-signature and Standard Webhooks) with
// a replay window; a text answered through a fake OpenPhone API that speaks the real wire format;
// deliveries and missed calls; Quo's versioned 2026-03-30 events answered like legacy ones; a
// signed event our parser does not read kept (once), listed, streamed and replayable.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, DEMO2, uniquePhone, assertError, conversationsOf, messagesOf, contactsByPhone, eventually, api as apiGet, apiPost, listAll } from './helpers/api.mjs';

const OUR_NUMBER = '+14155550123'; // seed/dev.sql: demo's OpenPhone number
const SIGNING_KEY = Buffer.from('ZGV2LW9wZW5waG9uZS1zaWduaW5nLWtleQ==', 'base64');
const API_KEY = 'test-openphone-api-key';
const FIXTURES = new URL('../core/src/channel/openphone/fixtures/2026-03-30/', import.meta.url);
const fixture = (type) => JSON.parse(readFileSync(new URL(`${type}.json`, FIXTURES), 'utf8'));
// Demo's line's Quo id, registered as a second openphone channel (README: OpenPhone channels).
const OUR_PN = 'PN-demo-line';
// A valid legacy text kept before this build (inserted directly): replay must answer it.
const KEPT_PHONE = '+447700900999';
const KEPT_ID = 'unp_019b78d4c4000aaaaaaaaaa';
const KEPT_BODY = JSON.stringify({ id: 'EV-kept', object: 'event', type: 'message.received',
  data: { object: { id: 'AC-kept', object: 'message', from: KEPT_PHONE, to: OUR_NUMBER, body: 'Hello, still there?', direction: 'incoming' } } });

let counter = 0;
let api;
let sent;
let server;
before(async () => {
  api = await fakeProvider(({ json }) => {
    counter += 1;
    return [202, { data: { id: `MS${counter}`, to: json.to, from: json.from, text: json.content, status: 'queued' } }];
  });
  sent = api.requests;
  server = await startServerWith({
    sql: [
      `UPDATE tenant_channels SET config = '{"api_key":"${API_KEY}"}' WHERE id = 'chn_demo_openphone'`,
      `INSERT INTO tenant_channels (id, tenant_id, provider, address, secret_ref, config, created_at)
         SELECT 'chn_demo_openphone_pn', tenant_id, provider, '${OUR_PN}', secret_ref, config, created_at
         FROM tenant_channels WHERE id = 'chn_demo_openphone'`,
      `INSERT INTO unparsed_events (id, tenant_id, provider, event_id, headers, body, error, status, received_at)
         VALUES ('${KEPT_ID}', 'ten_demo', 'openphone', 'EV-kept', '{}', '${KEPT_BODY}', 'an older parser refused it', 'unparsed', 1767225600000)`,
    ],
    vars: { OPENPHONE_API_BASE: api.url },
  });
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  api?.close();
});

const legacySignature = (body, ts = Date.now()) =>
  `hmac;1;${ts};${createHmac('sha256', SIGNING_KEY).update(`${ts}.${body}`).digest('base64')}`;
function standardHeaders(body, id = `msg_${Math.random().toString(36).slice(2)}`, ts = Math.floor(Date.now() / 1000)) {
  const sig = createHmac('sha256', SIGNING_KEY).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` };
}
const event = (id, type, object) => JSON.stringify({ id, object: 'event', apiVersion: 'v4', createdAt: new Date().toISOString(), type, data: { object } });
async function post(body, headers) {
  const res = await fetch(server.baseUrl + '/webhooks/openphone', {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}
const received = (phone, id, body) => event(id, 'message.received',
  { id: `AC-${id}`, object: 'message', from: phone, to: OUR_NUMBER, body, direction: 'incoming', status: 'received' });

test('a legacy-signed text is answered through OpenPhone, once for five deliveries; its delivery is recorded', async () => {
  const phone = uniquePhone();
  const body = received(phone, `EV-${phone}`, 'Hi, do you have any two-bed flats?');
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post(body, { 'openphone-signature': legacySignature(body) })));
  for (const a of answers) assert.equal(a.status, 200, a.text);

  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1);
  const msgs = await eventually(async () => {
    const all = await messagesOf(server, DEMO.key, conversations[0].id);
    return all.find((m) => m.direction === 'outbound')?.status === 'sent' ? all : null;
  }, { timeoutMs: 20_000, what: 'the reply sent through OpenPhone' });
  const reply = msgs.find((m) => m.direction === 'outbound');
  const calls = sent.filter((s) => s.json.to?.[0] === phone);
  assert.equal(calls.length, 1, 'one send for five deliveries');
  assert.equal(calls[0].url, '/v1/messages');
  assert.equal(calls[0].headers.authorization, API_KEY, 'raw API key, no Bearer');
  assert.deepEqual(calls[0].json, { content: reply.body, from: OUR_NUMBER, to: [phone] });
  assert.match(reply.provider_message_id, /^MS\d+$/);

  const delivered = event(`EV-D-${phone}`, 'message.delivered', { id: reply.provider_message_id, object: 'message', from: OUR_NUMBER, to: phone, direction: 'outgoing', status: 'delivered' });
  assert.equal((await post(delivered, { 'openphone-signature': legacySignature(delivered) })).status, 200);
  const after = (await messagesOf(server, DEMO.key, conversations[0].id)).find((m) => m.id === reply.id);
  assert.equal(after.status, 'delivered');
});

test('Standard Webhooks signatures are accepted too', async () => {
  const phone = uniquePhone();
  const body = received(phone, `EV-${phone}`, 'What are your opening hours?');
  const r = await post(body, standardHeaders(body));
  assert.equal(r.status, 200, r.text);
  assert.equal((await contactsByPhone(server, DEMO.key, phone)).length, 1);
});

test('bad, missing or replayed signatures are refused and store nothing', async () => {
  const phone = uniquePhone();
  const body = received(phone, `EV-${phone}`, 'hello');
  const stale = Date.now() - 6 * 60 * 1000;
  assertError(await post(body, { 'openphone-signature': legacySignature(body, stale) }), 403, 'invalid_signature');
  assertError(await post(body, standardHeaders(body, 'msg_old', Math.floor(stale / 1000))), 403, 'invalid_signature');
  assertError(await post(body, { 'openphone-signature': legacySignature(body).replace(/.{4}=$/, 'AAAA=') }), 403, 'invalid_signature');
  assertError(await post(body, {}), 403, 'invalid_signature');
  const other = body.replace('hello', 'hullo');
  assertError(await post(other, { 'openphone-signature': legacySignature(body) }), 403, 'invalid_signature');
  assert.deepEqual(await contactsByPhone(server, DEMO.key, phone), []);
  assertError(await post('{"nope":1}', {}), 400, 'malformed_body');
  const unknown = received(phone, 'EV-unknown', 'hi').replace(OUR_NUMBER, '+14155550177');
  assertError(await post(unknown, { 'openphone-signature': legacySignature(unknown) }), 404, 'unknown_number');
});

test('a missed incoming call gets a follow-up text through OpenPhone', async () => {
  const phone = uniquePhone();
  const body = event(`EV-C-${phone}`, 'call.completed', { id: `CA-${phone}`, object: 'call', from: phone, to: OUR_NUMBER, direction: 'incoming', status: 'missed' });
  assert.equal((await post(body, { 'openphone-signature': legacySignature(body) })).status, 200);
  const text = await eventually(async () => sent.find((s) => s.json.to?.[0] === phone), { timeoutMs: 20_000, what: 'the follow-up text' });
  assert.match(text.json.content, /Sorry we missed your call/);
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const msgs = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.ok(msgs.some((m) => m.channel === 'voice' && m.status === 'missed'), 'the call is on the timeline');
});

test("a call's summary and recording land on the contact's timeline once, with nothing sent back", async () => {
  const phone = uniquePhone();
  const context = { orgId: 'OR1', phoneNumberId: 'PN1', conversationId: 'CN1', phoneNumberType: 'shared', userId: 'US1',
    participants: { workspace: [OUR_NUMBER], external: [phone], resolution: 'available' } };
  const versioned = (id, type, resource) => JSON.stringify({ id, apiVersion: '2026-03-30', createdAt: new Date().toISOString(), type, data: { resource, context } });
  const summary = versioned(`EV-sum-${phone}`, 'call.summary.completed',
    { id: `AC-${phone}`, callId: `AC-${phone}`, processingStatus: 'completed', summary: ['Caller wants a 2 bed in Clifton.'], nextSteps: ['Book a viewing on Friday.'] });
  const recording = versioned(`EV-rec-${phone}`, 'call.recording.completed',
    { id: `AC-${phone}`, direction: 'incoming', duration: 134, recordings: [{ id: 'RE1', duration: 134, type: 'audio/mpeg', url: 'https://recordings.example.com/RE1.mp3' }] });
  const before = sent.length;
  for (const body of [summary, summary, recording]) {
    const r = await post(body, standardHeaders(body));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.handled, true, r.text);
  }
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const messages = await messagesOf(server, DEMO.key, conversations[0].id);
  const notes = messages.filter((m) => m.channel === 'voice');
  assert.equal(notes.length, 2, 'the redelivered summary is stored once: ' + JSON.stringify(messages));
  assert.ok(notes.every((m) => m.direction === 'inbound' && m.status === 'recorded'));
  assert.ok(notes.some((m) => /Caller wants a 2 bed in Clifton\./.test(m.body) && /Book a viewing on Friday\./.test(m.body)), JSON.stringify(notes));
  assert.ok(notes.some((m) => m.body.includes('https://recordings.example.com/RE1.mp3')));
  assert.equal(messages.filter((m) => m.direction === 'outbound').length, 0, 'a call note is not answered');
  assert.equal(sent.length, before, 'nothing sent to OpenPhone');
  const bad = versioned(`EV-bad-${phone}`, 'call.summary.completed', { id: `AC-${phone}`, processingStatus: 'completed', summary: 'not a list' });
  assert.notEqual((await post(bad, { 'webhook-id': 'x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,bad' })).status, 200);
});

/** Quo's documented 2026-03-30 sample of `type`, about demo's line and `phone`, with a fresh event id. */
function versioned(type, phone, { line = OUR_NUMBER, pn = 'PN123' } = {}) {
  const event = fixture(type);
  event.id = `EV-${type}-${phone}-${line}`;
  event.createdAt = new Date().toISOString();
  const context = event.data.context;
  context.phoneNumberId = pn;
  if (context.participants) context.participants = { ...context.participants, workspace: [line], external: [phone] };
  else { context.senderIdentifier = phone; context.recipientIdentifiers = [line]; }
  return event;
}

test("Quo's versioned message.received is answered exactly like a legacy one", async () => {
  const phone = uniquePhone();
  const event = versioned('message.received', phone);
  event.data.resource.id = `AC-v-${phone}`;
  const body = JSON.stringify(event);
  const r = await post(body, { 'openphone-signature': legacySignature(body) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { handled: true });
  const call = await eventually(async () => sent.find((s) => s.json.to?.[0] === phone), { timeoutMs: 20_000, what: 'the reply through OpenPhone' });
  assert.equal(call.url, '/v1/messages');
  assert.equal(call.json.from, OUR_NUMBER);
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const messages = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.ok(messages.some((m) => m.direction === 'inbound' && m.body === 'hello' && m.provider_message_id === `AC-v-${phone}`), JSON.stringify(messages));
});

test("an event about a number no tenant owns is routed by the line's registered PN id", async () => {
  const phone = uniquePhone();
  const body = JSON.stringify(versioned('message.received', phone, { line: '+15550002222', pn: OUR_PN }));
  const r = await post(body, standardHeaders(body));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { handled: true });
  assert.equal((await contactsByPhone(server, DEMO.key, phone)).length, 1);
});

test('a versioned call.missed gets one follow-up text, and the same call reported again as legacy call.completed gets none', async () => {
  const phone = uniquePhone();
  const missed = versioned('call.missed', phone);
  missed.data.resource.id = `AC-call-${phone}`;
  const body = JSON.stringify(missed);
  assert.deepEqual((await post(body, standardHeaders(body))).json, { handled: true });
  const text = await eventually(async () => sent.find((s) => s.json.to?.[0] === phone), { timeoutMs: 20_000, what: 'the follow-up text' });
  assert.match(text.json.content, /Sorry we missed your call/);

  const legacy = event(`EV-C-${phone}`, 'call.completed', { id: `AC-call-${phone}`, object: 'call', from: phone, to: OUR_NUMBER, direction: 'incoming', status: 'missed' });
  assert.equal((await post(legacy, { 'openphone-signature': legacySignature(legacy) })).status, 200);
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1);
  const messages = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.equal(messages.filter((m) => m.direction === 'outbound').length, 1, 'one follow-up for the call: ' + JSON.stringify(messages));
  assert.equal(messages.filter((m) => m.channel === 'voice' && m.status === 'missed').length, 1, 'the call is on the timeline once');
  assert.equal(sent.filter((s) => s.json.to?.[0] === phone).length, 1);
});

const GARBLED = JSON.stringify({ id: 'EV9', type: 'message.received', data: { context: { recipientIdentifiers: [OUR_NUMBER] }, resource: {} } });
const unparsedOf = async (key) => listAll(server, key, '/api/v1/unparsed');

test('a signed event our parser does not read is kept once, streamed and audited, and answered 200', async () => {
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: 0 });
  try {
    assert.equal(sse.status, 200);
    const first = await post(GARBLED, { 'openphone-signature': legacySignature(GARBLED), 'user-agent': 'OpenPhone-Webhooks' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.handled, false);
    assert.match(first.json.kept, /^unp_[0-9a-f]{23}$/);
    const again = await post(GARBLED, standardHeaders(GARBLED));
    assert.deepEqual(again.json, first.json, 'a retry names the row already kept');

    const rows = (await unparsedOf(DEMO.key)).filter((r) => r.event_id === 'EV9');
    assert.equal(rows.length, 1, 'two deliveries, one row: ' + JSON.stringify(rows));
    const [row] = rows;
    assert.equal(row.id, first.json.kept);
    assert.equal(row.provider, 'openphone');
    assert.equal(row.status, 'unparsed');
    assert.equal(row.body, GARBLED, 'the body exactly as received');
    assert.match(row.error, /message\.received EV9/);
    assert.deepEqual(row.headers, { 'content-type': 'application/json', 'user-agent': 'OpenPhone-Webhooks' }, 'no signature kept');
    assert.equal(row.replayed_at, null);

    const streamed = await sse.waitFor((e) => e.event === 'webhook.unparsed' && e.json?.data?.id === row.id, 10_000);
    assert.deepEqual(streamed.json.data, { id: row.id, provider: 'openphone', event_id: 'EV9', error: row.error });
  } finally {
    sse.close();
  }
});

test('an unsigned or wrongly signed garbled event is refused and nothing is kept', async () => {
  const body = GARBLED.replace('EV9', 'EV9-forged');
  assertError(await post(body, {}), 403, 'invalid_signature');
  assertError(await post(body, { 'openphone-signature': legacySignature(GARBLED) }), 403, 'invalid_signature');
  assertError(await post(body, standardHeaders(GARBLED)), 403, 'invalid_signature');
  assert.deepEqual((await unparsedOf(DEMO.key)).filter((r) => r.event_id === 'EV9-forged'), []);
});

test('replaying a kept event that still does not parse is a 409 and keeps it unparsed', async () => {
  const kept = (await post(GARBLED, { 'openphone-signature': legacySignature(GARBLED) })).json.kept;
  const r = await apiPost(server, DEMO.key, `/api/v1/unparsed/${kept}/replay`, {});
  assertError(r, 409, 'still_unparsed');
  assert.match(r.json.error.message, /message\.received EV9/);
  const row = (await unparsedOf(DEMO.key)).find((x) => x.id === kept);
  assert.equal(row.status, 'unparsed');
});

test('a kept event this build reads is answered on replay, once', async () => {
  const before = (await unparsedOf(DEMO.key)).find((x) => x.id === KEPT_ID);
  assert.equal(before.status, 'unparsed');
  const r = await apiPost(server, DEMO.key, `/api/v1/unparsed/${KEPT_ID}/replay`, {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { id: KEPT_ID, status: 'replayed', answer: { handled: true } });
  const reply = await eventually(async () => sent.find((s) => s.json.to?.[0] === KEPT_PHONE), { timeoutMs: 20_000, what: 'the reply to the replayed text' });
  assert.equal(reply.json.from, OUR_NUMBER);
  const after = (await unparsedOf(DEMO.key)).find((x) => x.id === KEPT_ID);
  assert.equal(after.status, 'replayed');
  assert.equal(typeof after.replayed_at, 'number');
  assertError(await apiPost(server, DEMO.key, `/api/v1/unparsed/${KEPT_ID}/replay`, {}), 409, 'conflict');
  const { conversations } = await conversationsOf(server, DEMO.key, KEPT_PHONE);
  const messages = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.deepEqual(messages.map((m) => m.direction).sort(), ['inbound', 'outbound']);
});

test("another tenant's key cannot list or replay a kept event", async () => {
  const kept = (await post(GARBLED, { 'openphone-signature': legacySignature(GARBLED) })).json.kept;
  assert.deepEqual(await unparsedOf(DEMO2.key), []);
  assertError(await apiPost(server, DEMO2.key, `/api/v1/unparsed/${kept}/replay`, {}), 404, 'not_found');
  assertError(await apiPost(server, DEMO2.key, `/api/v1/unparsed/${KEPT_ID}/replay`, {}), 404, 'not_found');
  assertError(await apiGet(server, undefined, '/api/v1/unparsed'), 401, 'unauthorized');
  assertError(await apiPost(server, DEMO.key, '/api/v1/unparsed/not-an-id/replay', {}), 404, 'not_found');
});
