// Website forms (POST /webhooks/forms/{tenant}): JSON or form-encoded, authenticated by the
// tenant's API key or an X-Frontdesk-Signature HMAC; the lead is created or found by phone and
// email (merged when both name one person) and answered on the preferred channel.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, apiOk, listAll, messagesOf, assertError, eventually } from './helpers/api.mjs';

const SECRET = 'demo-form-signing-secret';
let server;
before(async () => { server = await startServer(); }, { timeout: 180_000 });
after(async () => { await server?.stop(); });

const uniqueEmail = () => `lead-${process.pid}-${Math.random().toString(36).slice(2, 10)}@example.com`;

function sign(body, t = Math.floor(Date.now() / 1000), secret = SECRET) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

async function postForm(body, { contentType = 'application/json', headers = {}, slug = 'demo' } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${server.baseUrl}/webhooks/forms/${slug}`, {
    method: 'POST', headers: { 'content-type': contentType, ...headers }, body: raw, signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json; try { json = JSON.parse(text); } catch { /* */ }
  return { status: res.status, headers: res.headers, text, json };
}

const contactsBy = (field, value) => apiOk(server, DEMO.key, `/api/v1/contacts?${field}=${encodeURIComponent(value)}`).then((j) => j.data);

async function timeline(contactId) {
  const conversations = (await listAll(server, DEMO.key, '/api/v1/conversations')).filter((c) => c.contact_id === contactId);
  const messages = [];
  for (const c of conversations) messages.push(...(await messagesOf(server, DEMO.key, c.id)));
  return { conversations, messages };
}

test('a signed JSON form with only an email creates an email lead and is answered by email (simulated)', async () => {
  const email = uniqueEmail();
  const body = JSON.stringify({ name: 'Ana Lima', email, message: 'Is the two bed flat on Elm Road still available?', budget: 1500 });
  const r = await postForm(body, { headers: { 'x-frontdesk-signature': sign(body) } });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.channel, 'email');
  assert.match(r.json.reply, /Maple & Pine Lettings/);
  const [contact] = await contactsBy('email', email);
  assert.equal(contact.name, 'Ana Lima');
  assert.equal(contact.phone, null);
  const { messages } = await timeline(contact.id);
  const inbound = messages.find((m) => m.direction === 'inbound');
  assert.equal(inbound.channel, 'form');
  assert.equal(inbound.body, 'Is the two bed flat on Elm Road still available?\nBudget: 1500');
  const reply = messages.find((m) => m.direction === 'outbound');
  assert.equal(reply.channel, 'email');
  // No email provider is configured: the reply is recorded as simulated by the delivery job.
  const row = await eventually(async () => (await listAll(server, DEMO.key, '/api/v1/outbox')).find((o) => o.payload?.message_id === reply.id && o.status !== 'pending'),
    { timeoutMs: 15_000, what: 'the reply in the outbox' });
  assert.equal(row.recipient, email);
  assert.equal(row.status, 'simulated');
});

test('a form-encoded form with the API key and a phone is answered by text; resubmitted 5x concurrently it has one effect', async () => {
  const phone = uniquePhone();
  const body = new URLSearchParams({ 'your-name': 'Ben Okafor', tel: phone, 'your-message': 'Can I view the flat on Saturday?', submission_id: `F-${phone}` }).toString();
  const results = await Promise.all(Array.from({ length: 5 }, () =>
    postForm(body, { contentType: 'application/x-www-form-urlencoded', headers: { authorization: `Bearer ${DEMO.key}` } })));
  for (const r of results) assert.equal(r.status, 202, r.text);
  assert.equal(new Set(results.map((r) => r.json.reply)).size, 1, 'every copy gets the same reply');
  assert.equal(results[0].json.channel, 'sms');
  const [contact] = await contactsBy('phone', phone);
  const { messages } = await timeline(contact.id);
  assert.equal(messages.filter((m) => m.direction === 'inbound').length, 1, JSON.stringify(messages));
  assert.equal(messages.filter((m) => m.direction === 'outbound').length, 1);
});

test('a form with phone and email merges the SMS contact and the email-only contact into one lead', async () => {
  const phone = uniquePhone();
  const email = uniqueEmail();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Hi, is the Elm Road flat free?' }));
  const first = JSON.stringify({ email, message: 'Please send me the details', name: 'Chloe Martin' });
  assert.equal((await postForm(first, { headers: { 'x-frontdesk-signature': sign(first) } })).status, 202);
  const [byPhone] = await contactsBy('phone', phone);
  const [byEmail] = await contactsBy('email', email);
  assert.notEqual(byPhone.id, byEmail.id, 'two contacts until something links them');

  const both = JSON.stringify({ email, phone, message: 'Following up on my enquiry' });
  assert.equal((await postForm(both, { headers: { 'x-frontdesk-signature': sign(both) } })).status, 202);
  const merged = await contactsBy('email', email);
  assert.equal(merged.length, 1);
  assert.equal(merged[0].id, byPhone.id, 'the phone contact survives');
  assert.equal(merged[0].phone, phone);
  assert.equal(merged[0].name, 'Chloe Martin', 'the name learnt by email is kept');
  const { messages } = await timeline(byPhone.id);
  const bodies = messages.filter((m) => m.direction === 'inbound').map((m) => m.body);
  assert.deepEqual(bodies.sort(), ['Following up on my enquiry', 'Hi, is the Elm Road flat free?', 'Please send me the details'].sort(),
    'the whole history is on one timeline');
});

test('forged, stale, unsigned or cross-tenant forms are refused and store nothing', async () => {
  const email = uniqueEmail();
  const body = JSON.stringify({ email, message: 'hello' });
  assertError(await postForm(body), 403, 'invalid_signature', 'unsigned');
  assertError(await postForm(body, { headers: { 'x-frontdesk-signature': sign(body, undefined, 'wrong-secret') } }), 403, 'invalid_signature', 'wrong key');
  assertError(await postForm(body, { headers: { 'x-frontdesk-signature': sign(body, Math.floor(Date.now() / 1000) - 600) } }), 403, 'invalid_signature', 'stale');
  assertError(await postForm(JSON.stringify({ email, message: 'tampered' }), { headers: { 'x-frontdesk-signature': sign(body) } }), 403, 'invalid_signature', 'tampered');
  assertError(await postForm(body, { headers: { authorization: 'Bearer fd_nope_0000000000000000000000' } }), 401, 'unauthorized', 'bad key');
  assertError(await postForm(body, { headers: { authorization: `Bearer ${DEMO2.key}` } }), 404, 'not_found', "another tenant's key");
  assertError(await postForm(body, { slug: 'nope', headers: { 'x-frontdesk-signature': sign(body) } }), 404, 'not_found', 'unknown tenant');
  assert.deepEqual(await contactsBy('email', email), [], 'nothing stored');
});

test('bad forms get a clear 400 naming the problem', async () => {
  const send = (obj) => { const b = JSON.stringify(obj); return postForm(b, { headers: { 'x-frontdesk-signature': sign(b) } }); };
  let r = await send({ message: 'no way to answer' });
  assertError(r, 400, 'malformed_body');
  assert.match(r.json.error.message, /email or a phone/);
  r = await send({ email: 'not-an-email', message: 'hi' });
  assertError(r, 400, 'malformed_body');
  assert.match(r.json.error.message, /^email:/);
  const b = '{"email": ';
  assertError(await postForm(b, { headers: { 'x-frontdesk-signature': sign(b) } }), 400, 'malformed_body', 'broken JSON');
});

test('a form submission appears live on the dashboard stream', async () => {
  const stream = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  try {
    const email = uniqueEmail();
    const body = JSON.stringify({ email, message: 'Live on the dashboard?' });
    assert.equal((await postForm(body, { headers: { 'x-frontdesk-signature': sign(body) } })).status, 202);
    const received = await stream.waitFor((e) => e.event === 'message.received' && e.json?.data?.message?.body === 'Live on the dashboard?');
    assert.equal(received.json.data.message.channel, 'form');
    assert.equal(received.json.data.contact.email, email);
    await stream.waitFor((e) => e.event === 'message.sent' && e.json?.data?.contact?.email === email);
  } finally {
    stream.close();
  }
});

test('two people sending the same hidden form id (a property id) are two enquiries, each answered by their own name', async () => {
  const people = [
    { name: 'Ana Lima', email: uniqueEmail(), phone: uniquePhone() },
    { name: 'Ben Okafor', email: uniqueEmail(), phone: uniquePhone() },
  ];
  const replies = [];
  for (const p of people) {
    const body = JSON.stringify({ id: 'MP-2026-014', ...p, message: 'Is this flat still available?' });
    const r = await postForm(body, { headers: { 'x-frontdesk-signature': sign(body) } });
    assert.equal(r.status, 202, r.text);
    replies.push(r.json.reply);
  }
  assert.match(replies[0], /\bAna\b/);
  assert.match(replies[1], /\bBen\b/, `the second person is greeted by their own name: ${replies[1]}`);
  assert.doesNotMatch(replies[1], /\bAna\b/);
  for (const p of people) {
    const [contact] = await contactsBy('phone', p.phone);
    assert.ok(contact, `a contact for ${p.name}`);
    assert.equal(contact.name, p.name);
    const { messages } = await timeline(contact.id);
    assert.equal(messages.filter((m) => m.direction === 'inbound').length, 1, `${p.name}'s enquiry is on their timeline`);
    const lead = await eventually(async () => {
      const r = await fetch(`${server.baseUrl}/api/v1/leads/${contact.id}`, { headers: { authorization: `Bearer ${DEMO.key}` } });
      return r.status === 200 ? r.json() : null;
    }, { timeoutMs: 20_000, what: `${p.name}'s lead` });
    assert.equal(lead.contact_id, contact.id);
  }
  // The same person resending the same submission is still one enquiry.
  const again = JSON.stringify({ id: 'MP-2026-014', ...people[0], message: 'Is this flat still available?' });
  const r = await postForm(again, { headers: { 'x-frontdesk-signature': sign(again) } });
  assert.equal(r.status, 202, r.text);
  const [ana] = await contactsBy('phone', people[0].phone);
  assert.equal((await timeline(ana.id)).messages.filter((m) => m.direction === 'inbound').length, 1);
});
