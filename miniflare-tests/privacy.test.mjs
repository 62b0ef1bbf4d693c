// A contact's data on request (issue 14, privacy): `GET /api/v1/contacts/{id}/export` hands over
// everything about one contact as one JSON document, `DELETE /api/v1/contacts/{id}` erases it
// everywhere — every D1 table (asserted here table by table, straight from the database), the
// knowledge base (an FAQ made from their question), the recording at Twilio, the objects — and
// leaves one audit entry without personal data. Another tenant's contact with the same number
// is untouched, and a follow-up that was due for an erased lead is never sent.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { wrangler } from './helpers/server.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, api, apiOk, apiPost, assertError, assertTwimlReply, listAll, eventually } from './helpers/api.mjs';
import { signIn, asUser, DEMO_USERS } from './helpers/console.mjs';
import { callParams, voicePost } from './helpers/voice.mjs';
import { openCall } from '../scripts/lib/relay.mjs';
import { connectSse } from './helpers/sse.mjs';

const ACCOUNT_SID = 'AC' + '5e'.repeat(16);
const HOUR = 60 * 60_000;

let twilio;
let server;
let agent;
let viewer;

before(async () => {
  twilio = await fakeProvider((req) => (req.method === 'DELETE'
    ? [204, null]
    : [201, { sid: 'SM' + randomBytes(16).toString('hex'), status: 'queued' }]));
  server = await startServerWith({
    sql: [
      `UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id IN ('chn_demo_twilio', 'chn_demo2_twilio')`,
      // Follow-ups on with the defaults (step 1 two hours after a lead's last message).
      `UPDATE tenants SET settings = json_set(settings, '$.follow_up', json('{}')) WHERE id = 'ten_demo'`,
    ],
    vars: { TWILIO_API_BASE: twilio.url },
    // A Monday, 10:00 in London: open, and +2 h is still within opening hours.
    clockAt: '2026-11-30T10:00:00Z',
  });
  [agent, viewer] = await Promise.all([signIn(server, DEMO_USERS.agent), signIn(server, DEMO_USERS.viewer)]);
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

async function sql(command) {
  const { stdout } = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', server.persistDir, '--json', '--command', command]);
  return JSON.parse(stdout).map((r) => r.results);
}

const uniqueEmail = () => `zephyrine-${randomBytes(5).toString('hex')}@example.com`;
const chat = async (body) => {
  const res = await fetch(`${server.baseUrl}/chat/demo/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: `c-${randomBytes(6).toString('hex')}`, ...body }), signal: AbortSignal.timeout(20_000),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
};
const postForm = async (payload) => {
  const res = await fetch(`${server.baseUrl}/webhooks/forms/demo`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.key}` }, body: JSON.stringify(payload),
  });
  return { status: res.status, text: await res.text() };
};
const sentTo = (phone) => twilio.requests.filter((r) => r.form?.To === phone || r.form?.To === `whatsapp:${phone}`);
/** The dashboard stream's replay of the hub's stored events (Last-Event-ID 0), as raw text. */
async function replayedEvents() {
  const stream = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: 0 });
  await new Promise((r) => setTimeout(r, 1_000));
  stream.close();
  return stream.raw;
}
const del = (key, id) => api(server, key, `/api/v1/contacts/${id}`, { method: 'DELETE' });

/** Every D1 table's rows (all of them: the tenant filter is the thing under test) as text. */
async function everyTable() {
  const tables = (await sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'kb_fts_%' AND name <> 'd1_migrations'"))[0].map((r) => r.name);
  assert.ok(tables.length > 30, tables.join());
  const results = await sql(tables.map((t) => `SELECT * FROM ${t}`).join('; '));
  return Object.fromEntries(tables.map((t, i) => [t, results[i]]));
}

test('a contact who used SMS, WhatsApp, chat, a form, a call, a booking and a ticket is exported whole, then erased from every table, index and API', async () => {
  const phone = uniquePhone();
  const email = uniqueEmail();
  const name = 'Zephyrine Quillfeather';
  const digits = phone.slice(1);

  // Chat first. A chat visitor is known by their visitor id only: nothing in the product links
  // a visitor to a number yet, so the test links them as a merge would (the visitor's contact
  // gets the number), and every channel after this lands on that one contact.
  const first = await chat({ text: `Hello, I'm ${name}. Do you have any two-bed flats to rent?` });
  const [{ id: contactId, visitor }] = (await sql(`SELECT id, visitor FROM contacts WHERE tenant_id = 'ten_demo' AND visitor = '${first.session.split('.')[1]}'`))[0];
  await sql(`UPDATE contacts SET phone = '${phone}' WHERE id = '${contactId}'`);
  await chat({ session: first.session, text: 'Thanks, I will text you too.' });

  assertTwimlReply(await sendSms(server, { from: phone, body: `Hi, this is ${name}. Is the two-bed flat on Elm Road still available? My budget is 1500 a month` }));
  assertTwimlReply(await sendSms(server, { from: phone, body: "There's water pouring through my ceiling at 14 Elm Road!" }));
  assertTwimlReply(await sendSms(server, { from: `whatsapp:${phone}`, to: `whatsapp:${DEMO.number}`, body: 'Can I also reach you on WhatsApp?' }));
  const form = await postForm({ name, phone, email, message: 'Please send me the details of the Elm Road flat' });
  assert.equal(form.status, 202, form.text);

  // A call through the relay: stored by the voice webhook, a turn spoken, ended (summarised),
  // and its recording kept at (fake) Twilio.
  const callSid = 'CA' + randomBytes(16).toString('hex');
  const answered = await voicePost(server, '/webhooks/twilio/voice', callParams(callSid, phone, { AccountSid: ACCOUNT_SID }));
  assert.equal(answered.status, 200, answered.text);
  const c = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number, callSid });
  try {
    c.setup({ from: phone });
    c.prompt('Is the flat on Elm Road still available?');
    await c.answer();
  } finally {
    c.close();
  }
  const ended = await voicePost(server, '/webhooks/twilio/voice/status', callParams(callSid, phone, { AccountSid: ACCOUNT_SID, CallStatus: 'completed', CallDuration: '40' }));
  assert.equal(ended.status, 204, ended.text);
  const recordingSid = 'RE' + randomBytes(16).toString('hex');
  const recorded = await voicePost(server, '/webhooks/twilio/voice/recording?number=%2B14155550100', {
    AccountSid: ACCOUNT_SID, CallSid: callSid, RecordingSid: recordingSid, RecordingDuration: '9', RecordingStatus: 'completed',
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
  });
  assert.equal(recorded.status, 200, recorded.text);

  const booked = await apiPost(server, DEMO.key, '/api/v1/bookings', { kind: 'viewing', start: '2026-12-02T11:00:00+00:00', contact: { phone } });
  assert.equal(booked.status, 201, booked.text);

  // Their question, made an FAQ by staff: their words reach the knowledge index.
  const question = 'Can Zephyrine keep a kayak in the basement?';
  const [[{ id: messageId, conversation_id: conversationId }]] = await sql(`SELECT id, conversation_id FROM messages WHERE contact_id = '${contactId}' AND direction = 'inbound' LIMIT 1`);
  const filed = await apiPost(server, undefined, '/__test/kb/unanswered', {
    tenant_id: DEMO.tenantId, contact_id: contactId, conversation_id: conversationId, message_id: `${messageId}_q`, question,
  });
  assert.equal(filed.status, 201, filed.text);
  assert.equal((await apiPost(server, DEMO.key, `/api/v1/kb/unanswered/${filed.json.id}/faq`, { answer: 'Yes, there is a bike and boat store.' })).status, 200);
  const kbHits = async () => (await apiOk(server, DEMO.key, `/api/v1/kb/search?q=${encodeURIComponent('Zephyrine kayak basement')}`)).data;

  // The same number is a contact of another business too.
  assertTwimlReply(await sendSms(server, { from: phone, to: DEMO2.number, token: DEMO2.token, body: 'Do you have a cottage free in April?' }));

  // Everything settles: the lead job ran, the call is summarised, the FAQ is searchable.
  await eventually(async () => {
    const [[lead], [call]] = await sql(`SELECT score FROM leads WHERE contact_id = '${contactId}'; SELECT summarized_at, recording_sid FROM calls WHERE call_sid = '${callSid}'`);
    return lead && call?.summarized_at && call?.recording_sid ? true : null;
  }, { timeoutMs: 30_000, what: 'the lead and the summarised, recorded call' });
  assert.ok((await kbHits()).length > 0, 'their question is searchable before');

  // Negative: no auth, another tenant, an agent erasing.
  assertError(await api(server, undefined, `/api/v1/contacts/${contactId}/export`), 401, 'unauthorized');
  assertError(await del(undefined, contactId), 401, 'unauthorized');
  assertError(await api(server, DEMO2.key, `/api/v1/contacts/${contactId}/export`), 404, 'not_found', "another tenant's contact");
  assertError(await del(DEMO2.key, contactId), 404, 'not_found', "another tenant's contact");
  assertError(await asUser(server, agent, `/api/v1/contacts/${contactId}`, { method: 'DELETE' }), 403, 'forbidden', 'an agent');
  assertError(await asUser(server, viewer, `/api/v1/contacts/${contactId}`, { method: 'DELETE' }), 403, 'forbidden', 'a viewer');
  assertError(await api(server, DEMO.key, '/api/v1/contacts/con_nope/export'), 404, 'not_found');

  // The export: everything, any role that reads contacts.
  const exported = await asUser(server, viewer, `/api/v1/contacts/${contactId}/export`);
  assert.equal(exported.status, 200, exported.text);
  const { contact, records } = exported.json;
  assert.deepEqual([contact.id, contact.phone, contact.email, contact.visitor, contact.name], [contactId, phone, email, visitor, name]);
  const channels = new Set(records.messages.map((m) => m.channel));
  for (const channel of ['chat', 'sms', 'whatsapp', 'form', 'voice']) assert.ok(channels.has(channel), `${channel} messages in ${[...channels]}`);
  assert.ok(records.messages.some((m) => m.body.includes('water pouring')), 'their words');
  assert.ok(records.conversations.length >= 4, JSON.stringify(records.conversations.map((c) => c.channel)));
  const [call] = records.calls;
  assert.equal(call.call_sid, callSid);
  assert.equal(typeof call.summary, 'object', 'the summary as JSON');
  assert.ok(call.summary.text, JSON.stringify(call.summary));
  assert.match(call.recording_url, new RegExp(recordingSid), 'the recording link');
  assert.equal(records.leads.length, 1);
  assert.ok(Array.isArray(records.leads[0].explanation), 'the score evidence as JSON');
  assert.ok(records.lead_changes.length > 0, 'the lead history');
  assert.equal(records.bookings.length, 1);
  assert.equal(records.bookings[0].id, booked.json.id);
  assert.equal(records.tickets.length, 1);
  assert.ok(records.escalations.some((e) => e.reason === 'emergency'));
  assert.equal(records.kb_unanswered[0].question, question);
  assert.ok(records.dialogue_states.length === 1);
  assert.ok(records.audit_log.some((a) => a.action === 'booking.created' && a.subject === booked.json.id), 'audit entries about them');
  assert.ok(records.outbox.some((o) => o.recipient === phone), 'deliveries to them');
  assert.ok(records.webhook_events.length > 0, 'the ledger of their events');
  assert.equal(exported.headers.get('content-disposition'), `attachment; filename="contact-${contactId}.json"`);

  assert.ok((await replayedEvents()).includes(contactId), 'the live events name them before');

  // The erasure.
  const erased = await del(DEMO.key, contactId);
  assert.equal(erased.status, 200, erased.text);
  assert.equal(erased.json.erased, contactId);
  assert.equal(erased.json.rows.contacts, 1);
  assert.equal(erased.json.rows.messages, records.messages.length);
  assert.equal(erased.json.recordings_deleted, 1);
  assert.ok(erased.json.faq_chunks_deleted >= 1);
  assert.ok(twilio.requests.some((r) => r.method === 'DELETE' && r.url.includes(recordingSid)), 'the recording deleted at Twilio');
  assertError(await del(DEMO.key, contactId), 404, 'not_found', 'a second erasure');

  // Table by table, straight from D1: nothing names them in the tenant — by id, number (as
  // written or as digits), address, visitor or name — except the erasure's own audit entry.
  const needles = [contactId, phone, digits, email, visitor, 'Zephyrine', callSid, recordingSid];
  const tables = await everyTable();
  for (const table of [...Object.keys(records), 'contacts', 'kb_chunks', 'kb_documents', 'kb_fts']) {
    assert.ok(table in tables, `${table} is a D1 table`);
  }
  for (const [table, rows] of Object.entries(tables)) {
    for (const row of rows) {
      if (row.tenant_id === DEMO2.tenantId) continue;
      if (table === 'audit_log' && row.action === 'contact.erased' && row.subject === contactId) continue;
      const text = JSON.stringify(row);
      for (const needle of needles) assert.ok(!text.includes(needle), `${table} still holds ${needle}: ${text.slice(0, 400)}`);
    }
  }
  const [erasure] = tables.audit_log.filter((a) => a.action === 'contact.erased' && a.subject === contactId);
  const detail = JSON.parse(erasure.detail);
  assert.equal(erasure.actor.split(':')[0], 'api_key', 'who erased');
  assert.equal(detail.rows.messages, records.messages.length, 'counts per table');
  for (const needle of [phone, digits, email, visitor, 'Zephyrine']) assert.ok(!erasure.detail.includes(needle));

  // The APIs find nothing.
  for (const query of [`phone=${encodeURIComponent(phone)}`, `email=${encodeURIComponent(email)}`, 'name=Zephyrine']) {
    assert.deepEqual((await apiOk(server, DEMO.key, `/api/v1/contacts?${query}`)).data, [], query);
  }
  assert.deepEqual((await apiOk(server, DEMO.key, `/api/v1/conversations?q=${encodeURIComponent(phone)}`)).data, []);
  assertError(await api(server, DEMO.key, `/api/v1/contacts/${contactId}/timeline`), 404, 'not_found');
  assertError(await api(server, DEMO.key, `/api/v1/contacts/${contactId}/export`), 404, 'not_found');
  assertError(await api(server, DEMO.key, `/api/v1/leads/${contactId}`), 404, 'not_found');
  assert.ok(!(await listAll(server, DEMO.key, '/api/v1/leads')).some((l) => l.contact_id === contactId));
  assert.deepEqual((await apiOk(server, DEMO.key, `/api/v1/bookings?contact_id=${contactId}`)).data, []);
  assert.ok(!(await apiOk(server, DEMO.key, '/api/v1/bookings?from=2026-11-01&to=2027-01-01')).data.some((b) => b.id === booked.json.id));
  assertError(await api(server, DEMO.key, `/api/v1/bookings/${booked.json.id}`), 404, 'not_found');
  assert.ok(!(await listAll(server, DEMO.key, '/api/v1/calls')).some((x) => x.call_sid === callSid));
  assert.ok(!(await listAll(server, DEMO.key, '/api/v1/tickets')).some((t) => t.contact_id === contactId));
  assert.ok(!(await listAll(server, DEMO.key, '/api/v1/escalations')).some((e) => e.contact_id === contactId));
  assert.deepEqual(await kbHits(), [], 'their question left the knowledge index');

  const replay = await replayedEvents();
  for (const needle of [contactId, phone, email, visitor, 'Zephyrine']) assert.ok(!replay.includes(needle), `the live events still name ${needle}`);

  // The other business's contact with the same number is untouched.
  const [other] = (await apiOk(server, DEMO2.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`)).data;
  assert.ok(other, "the other tenant's contact remains");
  const otherExport = await apiOk(server, DEMO2.key, `/api/v1/contacts/${other.id}/export`);
  assert.ok(otherExport.records.messages.some((m) => m.body === 'Do you have a cottage free in April?'));

  // A new text from the number starts afresh: a new contact, nothing remembered.
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Hello again' }));
  const [fresh] = (await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`)).data;
  assert.ok(fresh && fresh.id !== contactId && fresh.name === null, JSON.stringify(fresh));
});

test('a follow-up due for an erased lead is never sent; one due for another lead still is', async () => {
  const t0 = server.now();
  const [erased, kept] = [uniquePhone(), uniquePhone()];
  for (const phone of [erased, kept]) {
    assertTwimlReply(await sendSms(server, { from: phone, body: 'Hi, is the two-bed flat on Elm Road still available?' }));
  }
  const [{ id }] = (await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(erased)}`)).data;
  // Owners and admins may erase through the console as well as with a key.
  const owner = await signIn(server, DEMO_USERS.owner);
  const r = await asUser(server, owner, `/api/v1/contacts/${id}`, { method: 'DELETE' });
  assert.equal(r.status, 200, r.text);

  const swept = await apiPost(server, undefined, '/__test/sweep', { now: t0 + 2 * HOUR + 60_000 });
  assert.equal(swept.status, 200, swept.text);
  await eventually(async () => (sentTo(kept).length === 1 ? true : null), { timeoutMs: 20_000, what: 'the kept lead’s follow-up' });
  assert.match(sentTo(kept)[0].form.Body, /^Just checking in/);
  await new Promise((res) => setTimeout(res, 1_000));
  assert.deepEqual(sentTo(erased), [], 'nothing is sent to an erased contact');
  const [rows] = await sql(`SELECT COUNT(*) AS n FROM follow_ups WHERE contact_id = '${id}'`);
  assert.equal(rows[0].n, 0);
});

test('jobs still on the queue when their contact is erased send nothing and write nothing back', async () => {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Hi, do you have any studios?' }));
  const [{ id }] = (await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`)).data;
  const { records } = await apiOk(server, DEMO.key, `/api/v1/contacts/${id}/export`);
  const reply = records.messages.find((m) => m.direction === 'outbound');
  assert.equal((await del(DEMO.key, id)).status, 200);

  // The job exactly as a turn queues it, delivered after the erasure.
  const job = { kind: 'deliver_message', tenant_id: DEMO.tenantId, message_id: reply.id, provider: 'twilio', channel: 'sms', to: phone, body: reply.body };
  const ran = await apiPost(server, undefined, '/__test/job', job);
  assert.equal(ran.status, 200, ran.text);
  assert.deepEqual(sentTo(phone), [], 'nothing sent');
  const [rows] = await sql(`SELECT COUNT(*) AS n FROM outbox WHERE recipient = '${phone}' OR dedupe_key = '${reply.id}'`);
  assert.equal(rows[0].n, 0, 'no outbox row re-created');

  // Their lead update, exactly as the turn recorded it, run after the erasure.
  const leadJob = records.job_intents.find((i) => i.kind === 'update_lead')?.job;
  assert.ok(leadJob, JSON.stringify(records.job_intents));
  const updated = await apiPost(server, undefined, '/__test/job', leadJob);
  assert.equal(updated.status, 200, updated.text);
  const [[leads], [changes]] = await sql(`SELECT COUNT(*) AS n FROM leads WHERE contact_id = '${id}'; SELECT COUNT(*) AS n FROM lead_changes WHERE contact_id = '${id}'`);
  assert.deepEqual([leads.n, changes.n], [0, 0], 'no lead re-created');
});
