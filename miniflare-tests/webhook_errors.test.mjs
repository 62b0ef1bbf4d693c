// Rejected webhook deliveries: bad signatures, unknown receiving numbers, malformed bodies.
// Each must answer the documented JSON error and store nothing. A correctly signed form whose
// message does not parse is the exception: kept (unparsed_events) and answered with empty TwiML.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { twilioSignature, formEncode, smsWebhookParams, WEBHOOK_PATH } from '../scripts/lib/twilio.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertError, assertTwimlReply, contactsByPhone, listAll, api } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

async function assertNothingStoredFor(phone) {
  for (const t of [DEMO, DEMO2]) {
    assert.deepEqual(await contactsByPhone(server, t.key, phone), [], `no ${t.tenantId} contact for ${phone}`);
  }
}

const BAD_SIGNATURES = [
  ['signed with the wrong auth token', (phone) => ({ from: phone, body: 'hello', token: 'not-the-demo-token' })],
  ["signed with the other tenant's token", (phone) => ({ from: phone, body: 'hello', token: DEMO2.token })],
  ['Body tampered after signing', (phone) => ({
    from: phone, body: 'hello', mutate: (req) => { req.init.body = req.init.body.replace('Body=hello', 'Body=goodbye'); },
  })],
  ['From tampered after signing', (phone) => ({
    from: uniquePhone(), body: 'hello', mutate: (req) => {
      const p = new URLSearchParams(req.init.body); p.set('From', phone); req.init.body = p.toString();
    },
  })],
  ['X-Twilio-Signature header missing', (phone) => ({
    from: phone, body: 'hello', mutate: (req) => { delete req.init.headers['x-twilio-signature']; },
  })],
  ['X-Twilio-Signature empty', (phone) => ({
    from: phone, body: 'hello', mutate: (req) => { req.init.headers['x-twilio-signature'] = ''; },
  })],
  ['signed over a different URL', (phone) => ({
    from: phone, body: 'hello', mutate: (req) => {
      req.init.headers['x-twilio-signature'] = twilioSignature(DEMO.token, 'https://evil.example.com' + WEBHOOK_PATH, req.params);
    },
  })],
];
for (const [name, make] of BAD_SIGNATURES) {
  test(`403 invalid_signature: ${name}; nothing stored`, async () => {
    const phone = uniquePhone();
    const r = await sendSms(server, make(phone));
    assertError(r, 403, 'invalid_signature', name);
    await assertNothingStoredFor(phone);
  });
}

test('a rejected delivery does not poison the MessageSid: the genuine one still goes through', async () => {
  const phone = uniquePhone();
  const messageSid = 'SM' + 'b2'.repeat(16);
  assertError(await sendSms(server, { from: phone, body: 'hello', messageSid, token: 'wrong' }), 403, 'invalid_signature');
  const ok = await sendSms(server, { from: phone, body: 'hello', messageSid });
  assertTwimlReply(ok);
  assert.equal((await contactsByPhone(server, DEMO.key, phone)).length, 1);
});

test('404 unknown_number for a receiving number no tenant owns; nothing stored in either tenant', async () => {
  const phone = uniquePhone();
  const before = { demo: await listAll(server, DEMO.key, '/api/v1/conversations'), demo2: await listAll(server, DEMO2.key, '/api/v1/conversations') };
  for (const token of [DEMO.token, DEMO2.token]) {
    const r = await sendSms(server, { from: phone, to: '+14155550142', body: 'anyone there?', token });
    assertError(r, 404, 'unknown_number');
  }
  await assertNothingStoredFor(phone);
  assert.equal((await listAll(server, DEMO.key, '/api/v1/conversations')).length, before.demo.length);
  assert.equal((await listAll(server, DEMO2.key, '/api/v1/conversations')).length, before.demo2.length);
});

async function postRaw(body, { signWith = DEMO.token, signParams, contentType = 'application/x-www-form-urlencoded' } = {}) {
  const headers = { 'content-type': contentType };
  if (signWith) headers['x-twilio-signature'] = twilioSignature(signWith, server.baseUrl + WEBHOOK_PATH, signParams ?? [...new URLSearchParams(body)]);
  const res = await fetch(server.baseUrl + WEBHOOK_PATH, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

test('400 malformed_body: garbage that is not a form', async () => {
  for (const body of ['%%%', '', '\u0000\u0001binary', '{"From":"+447700900123","To":"+14155550100","Body":"hi"}']) {
    assertError(await postRaw(body), 400, 'malformed_body', JSON.stringify(body));
  }
});

test('400 malformed_body: a correctly signed form without a usable To (the tenant is unknown); nothing stored', async () => {
  for (const to of [undefined, 'not-a-number']) {
    const phone = uniquePhone();
    const params = smsWebhookParams({ from: phone, to: DEMO.number, body: 'hi' })
      .filter(([k]) => k !== 'To' || to !== undefined).map(([k, v]) => [k, k === 'To' ? to : v]);
    assertError(await postRaw(formEncode(params), { signParams: params }), 400, 'malformed_body', `To=${to}`);
    await assertNothingStoredFor(phone);
  }
});

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const keptTwilio = async (key, eventId) => (await listAll(server, key, '/api/v1/unparsed')).filter((r) => r.provider === 'twilio' && r.event_id === eventId);

test('a correctly signed form whose message does not parse is kept once and acknowledged with empty TwiML', async () => {
  const phone = uniquePhone();
  const params = smsWebhookParams({ from: 'not-a-number', to: DEMO.number, body: `hi from ${phone}` });
  const sid = params.find(([k]) => k === 'MessageSid')[1];
  for (let delivery = 0; delivery < 2; delivery++) {
    const r = await postRaw(formEncode(params), { signParams: params });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^text\/xml/);
    assert.equal(r.text, EMPTY_TWIML);
  }
  const rows = await keptTwilio(DEMO.key, sid);
  assert.equal(rows.length, 1, 'two deliveries, one row: ' + JSON.stringify(rows));
  assert.equal(rows[0].body, formEncode(params), 'the form exactly as received');
  assert.match(rows[0].error, /`From` is not an E\.164/);
  assert.deepEqual(await keptTwilio(DEMO2.key, sid), [], "not in the other tenant's list");

  // Replay runs it through the same parser, which still refuses it.
  const replay = await api(server, DEMO.key, `/api/v1/unparsed/${rows[0].id}/replay`, { method: 'POST' });
  assertError(replay, 409, 'still_unparsed');
  assert.equal((await keptTwilio(DEMO.key, sid))[0].status, 'unparsed');
});

test('a correctly signed form without From or MessageSid is kept too (keyed by the body when it has no sid)', async () => {
  for (const missing of ['From', 'MessageSid']) {
    const phone = uniquePhone();
    const params = smsWebhookParams({ from: phone, to: DEMO.number, body: 'hi' }).filter(([k]) => k !== missing);
    const r = await postRaw(formEncode(params), { signParams: params });
    assert.equal(r.text, EMPTY_TWIML, `without ${missing}`);
    await assertNothingStoredFor(phone);
    const kept = (await listAll(server, DEMO.key, '/api/v1/unparsed')).filter((row) => row.body === formEncode(params));
    assert.equal(kept.length, 1, `without ${missing}`);
    assert.match(kept[0].error, new RegExp(missing));
    assert.match(kept[0].event_id, missing === 'MessageSid' ? /^sha256:[0-9a-f]{64}$/ : /^SM/);
  }
});

test('413 payload_too_large for a body over 64 KiB; nothing stored', async () => {
  const phone = uniquePhone();
  const r = await sendSms(server, { from: phone, body: 'x'.repeat(65 * 1024) });
  assertError(r, 413, 'payload_too_large');
  await assertNothingStoredFor(phone);
});

test('checks run in the documented order: form and To → unknown number → signature → message', async () => {
  const phone = uniquePhone();
  // Missing From and a wrong signature: the signature is checked before the message is read,
  // and an unsigned body is never kept.
  const noFrom = smsWebhookParams({ from: phone, to: DEMO.number, body: 'hi' }).filter(([k]) => k !== 'From');
  assertError(await postRaw(formEncode(noFrom), { signWith: 'wrong-token', signParams: noFrom }), 403, 'invalid_signature');
  assert.deepEqual((await listAll(server, DEMO.key, '/api/v1/unparsed')).filter((r) => r.body === formEncode(noFrom)), []);
  // Unknown To and no signature at all: the unknown number is reported before the signature.
  const r = await sendSms(server, { from: phone, to: '+14155550143', body: 'hi', mutate: (req) => { delete req.init.headers['x-twilio-signature']; } });
  assertError(r, 404, 'unknown_number');
  await assertNothingStoredFor(phone);
});

test('a rejected delivery emits no event to the dashboard stream', async () => {
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: 0 });
  try {
    assert.equal(sse.status, 200);
    const phone = uniquePhone();
    assertError(await sendSms(server, { from: phone, body: 'forged', token: 'wrong' }), 403, 'invalid_signature');
    // A genuine message afterwards shows up; the forged one never did.
    const good = await sendSms(server, { from: uniquePhone(), body: 'genuine' });
    assertTwimlReply(good);
    await sse.waitFor((e) => e.event === 'message.received' && e.json?.data?.message?.provider_message_id === good.messageSid, 10_000);
    assert.ok(!sse.events.some((e) => e.json?.data?.contact?.phone === phone), 'no event for the forged sender');
  } finally {
    sse.close();
  }
});

test('GET on the webhook route → 405 method_not_allowed; unknown route → 404 not_found', async () => {
  assertError(await api(server, undefined, WEBHOOK_PATH), 405, 'method_not_allowed');
  assertError(await api(server, DEMO.key, '/api/v1/no-such-thing'), 404, 'not_found');
});
