// Info packs (issue 10): "can you send me the details?" sends the listings the conversation
// discussed to the contact by their channel — through a fake Twilio that records the real
// Messages API request — as a message on their timeline, with the listings' interest raised to
// `sent`; staff send one with POST /api/v1/contacts/{id}/info-pack (another tenant's contact is
// 404, an unknown listing 422 naming it).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, apiOk, apiPost, assertError, eventually, conversationsOf, messagesOf } from './helpers/api.mjs';

const ACCOUNT_SID = 'AC' + '0f'.repeat(16);
let twilio;
let server;
before(async () => {
  let counter = 0;
  twilio = await fakeProvider(({ form }) => {
    counter += 1;
    return [201, { sid: 'SM' + String(counter).padStart(32, '0'), status: 'queued', to: form.To }];
  });
  server = await startServerWith({
    sql: [`UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id = 'chn_demo_twilio'`],
    vars: { TWILIO_API_BASE: twilio.url },
    clockAt: '2026-11-30T10:00:00Z',
  });
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

async function say(phone, body) {
  return assertTwimlReply(await sendSms(server, { from: phone, body }), body);
}

/** The Messages API requests the fake Twilio got for `phone`. */
const textsTo = (phone) => twilio.requests.filter((r) => r.form.To === phone);

test('asked for the details by text, the contact gets the listings discussed as an SMS on their timeline', async () => {
  const phone = uniquePhone();
  const transcript = [];
  const turn = async (body) => { const reply = await say(phone, body); transcript.push(`> ${body}`, `< ${reply}`); return reply; };
  const listed = await turn("Hi, I'm looking to rent a flat in Clifton");
  const shown = [...listed.matchAll(/\((MP-\d{4}-\d{3})\)/g)].map((m) => m[1]);
  assert.ok(shown.length >= 2, listed);
  const sent = await turn('Great, can you send me the details?');
  assert.match(sent, /I've sent you the details of MP-.* by text\./, sent);
  for (const reference of shown) assert.match(sent, new RegExp(reference), `every listing shown is sent: ${sent}`);

  // The pack itself: one SMS through Twilio's REST API to the contact, naming each listing.
  const [request] = await eventually(() => textsTo(phone).length ? textsTo(phone) : null, { timeoutMs: 20_000, what: 'the pack sent through Twilio' });
  assert.equal(request.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  assert.equal(request.form.From, DEMO.number);
  assert.match(request.form.Body, /^Maple & Pine Lettings — the details you asked for:/);
  for (const reference of shown) assert.match(request.form.Body, new RegExp(`${reference}: A .* in Clifton at £`));
  assert.doesNotMatch(request.form.Body, /\b21 Elm Road/, 'a street, never a house number');
  transcript.push(`(info pack SMS) ${request.form.Body}`);

  // On the contact's timeline, and their interest in each listing is `sent` (first reached when
  // the search reply named it: a level is kept from its first time).
  const { contact, conversations } = await conversationsOf(server, DEMO.key, phone);
  const messages = await messagesOf(server, DEMO.key, conversations[0].id);
  const pack = messages.find((m) => m.direction === 'outbound' && m.body === request.form.Body);
  assert.ok(pack, JSON.stringify(messages.map((m) => m.body)));
  const interest = (await apiOk(server, DEMO.key, `/api/v1/contacts/${contact.id}/interest`)).data;
  for (const reference of shown) {
    const row = interest.find((i) => i.reference === reference);
    assert.ok(row.levels.some((l) => l.level === 'sent'), JSON.stringify(row));
  }
  console.log(transcript.join('\n'));
});

test('asked for the details with nothing discussed, nothing is sent and the reply asks which', async () => {
  const phone = uniquePhone();
  const reply = await say(phone, 'Hello, can you send me the details?');
  assert.match(reply, /which one would you like the details of\?/, reply);
  assert.equal(textsTo(phone).length, 0);
});

test('staff send an info pack by reference: 201 with what was sent, on the timeline; other tenants and unknown listings refused', async () => {
  const phone = uniquePhone();
  await say(phone, 'Hi there');
  const { contact, conversations } = await conversationsOf(server, DEMO.key, phone);
  const path = `/api/v1/contacts/${contact.id}/info-pack`;

  const r = await apiPost(server, DEMO.key, path, { listing_ids: ['mp-2026-014', 'MP-2026-011'] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.listings.map((l) => l.reference), ['MP-2026-014', 'MP-2026-011']);
  assert.equal(r.json.channel, 'sms');
  assert.match(r.json.body, /MP-2026-014: A two-bedroom flat in Clifton at £1,450 a month.*Elm Road\./);
  const messages = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.ok(messages.some((m) => m.id === r.json.message_id && m.direction === 'outbound'), 'on the timeline');
  await eventually(() => textsTo(phone).some((t) => t.form.Body === r.json.body), { timeoutMs: 20_000, what: 'the pack SMS' });
  // Never shown before, so `sent` now, by this message.
  const interest = (await apiOk(server, DEMO.key, `/api/v1/contacts/${contact.id}/interest`)).data;
  const sent = interest.find((i) => i.reference === 'MP-2026-011').levels.find((l) => l.level === 'sent');
  assert.equal(sent?.message_id, r.json.message_id, JSON.stringify(interest));

  // Another tenant's contact is not found; nothing is sent.
  assertError(await apiPost(server, DEMO2.key, path, { listing_ids: ['MP-2026-014'] }), 404, 'not_found');
  // Another tenant's listing, or none at all, is unknown here: 422 naming it.
  const unknown = await apiPost(server, DEMO.key, path, { listing_ids: ['MP-2026-014', 'HV-M1'] });
  assertError(unknown, 422, 'unknown_listing');
  assert.match(unknown.json.error.message, /HV-M1/);
  assertError(await apiPost(server, DEMO.key, path, { listing_ids: ['lst_nope'] }), 422, 'unknown_listing');
  assertError(await apiPost(server, DEMO.key, path, { listing_ids: 'MP-2026-014' }), 400, 'malformed_body');
  assertError(await apiPost(server, DEMO.key, path, { listing_ids: ['a', 'b', 'c', 'd'] }), 400, 'bad_request');
  assertError(await apiPost(server, undefined, path, { listing_ids: ['MP-2026-014'] }), 401, 'unauthorized');
  assertError(await apiPost(server, DEMO.key, '/api/v1/contacts/con_0000000000000000000000000/info-pack', {}), 404, 'not_found');
  // Without listings, the ones discussed: after the pack above, those two.
  const again = await apiPost(server, DEMO.key, path, {});
  assert.equal(again.status, 201, again.text);
  assert.deepEqual(again.json.listings.map((l) => l.reference).sort(), ['MP-2026-011', 'MP-2026-014']);
  await eventually(() => textsTo(phone).some((t) => t.form.Body === again.json.body), { timeoutMs: 20_000, what: 'the second pack SMS' });
  assert.equal(textsTo(phone).length, 2, 'the refused requests sent nothing');
});

test('by email when asked and the contact has an address: a letter with a subject, through the email outbox', async () => {
  const email = `pack-${process.pid}-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const form = await fetch(`${server.baseUrl}/webhooks/forms/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.key}` },
    body: JSON.stringify({ name: 'Ana Silva', email, message: 'Hello, I am looking for a flat in Clifton' }),
  });
  assert.equal(form.status, 202, await form.text());
  const [contact] = (await apiOk(server, DEMO.key, `/api/v1/contacts?email=${encodeURIComponent(email)}`)).data;
  const r = await apiPost(server, DEMO.key, `/api/v1/contacts/${contact.id}/info-pack`, { listing_ids: ['MP-2026-014'], by_email: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.channel, 'email');
  assert.match(r.json.body, /^Hello,\n\nHere are the details of the properties we discussed\./);
  assert.match(r.json.body, /Features: furnished, bike storage, garden\./);
  const row = await eventually(async () => {
    const rows = (await apiOk(server, DEMO.key, '/api/v1/outbox?limit=100')).data;
    return rows.find((o) => o.payload?.message_id === r.json.message_id && o.status !== 'pending');
  }, { timeoutMs: 20_000, what: 'the pack email delivered' });
  assert.deepEqual([row.channel, row.recipient, row.payload.subject], ['email', email, 'Maple & Pine Lettings: MP-2026-014']);
});
