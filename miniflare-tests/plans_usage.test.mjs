// Plans and quotas (docs/API.md "Usage"), retention (docs/STORAGE.md "Retention"): demo on the
// Free plan with a 5-text SMS quota and no calls, the business clock on a Monday at 10:00 in
// London, the sweeper run through `POST /__test/sweep {"now"}`. Over the quota an inbound text
// is still stored and answered; the owner is emailed once at 80 % and once at 100 %; the
// follow-up a silent lead was due waits, and the usage API says why; a call we would place is
// refused with the reason. Retention deletes a message older than the plan's 30 days (with the
// escalation it raised) and keeps a 10-day-old one.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServerWith } from './helpers/fake_provider.mjs';
import {
  DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, apiOk, apiPost, api, assertError, listAll,
  conversationsOf, messagesOf,
} from './helpers/api.mjs';

const CLOCK = '2026-03-02T10:00:00Z';
const T0 = Date.parse(CLOCK);
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const PUBLIC = 'https://voice.frontdesk.test';
let server;

before(async () => {
  // Ids in the generated shape (time + random hex): the API answers 404 to any other.
  const old = T0 - 40 * DAY;
  const recent = T0 - 10 * DAY;
  server = await startServerWith({
    sql: [
      `UPDATE tenants SET settings = json_set(settings, '$.plan', json('{"name":"free","sms":5,"calls":0}'), ` +
        `'$.follow_up', json('{}')) WHERE id = 'ten_demo'`,
      `INSERT INTO contacts (id, tenant_id, phone, name, created_at, updated_at) ` +
        `VALUES ('con_019b76daa800000000000e0', 'ten_demo', '+447700900901', 'Old Timer', ${old}, ${old})`,
      `INSERT INTO conversations (id, tenant_id, contact_id, channel, started_at, last_message_at) ` +
        `VALUES ('cnv_019b76daa800000000000e0', 'ten_demo', 'con_019b76daa800000000000e0', 'sms', ${old}, ${recent})`,
      `INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, status, created_at) VALUES ` +
        `('msg_019b76daa800000000000e1', 'ten_demo', 'cnv_019b76daa800000000000e0', 'con_019b76daa800000000000e0', 'inbound', 'sms', 'Forty days ago', 'received', ${old}), ` +
        `('msg_019b76daa800000000000e2', 'ten_demo', 'cnv_019b76daa800000000000e0', 'con_019b76daa800000000000e0', 'inbound', 'sms', 'Ten days ago', 'received', ${recent})`,
      `INSERT INTO escalations (id, tenant_id, contact_id, conversation_id, message_id, reason, priority, summary, created_at, updated_at) ` +
        `VALUES ('esc_019b76daa800000000000e3', 'ten_demo', 'con_019b76daa800000000000e0', 'cnv_019b76daa800000000000e0', 'msg_019b76daa800000000000e1', 'human_requested', 'high', 'Old', ${old}, ${old})`,
    ],
    publicBaseUrl: PUBLIC,
    clockAt: CLOCK,
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
});

const sweep = async (now) => {
  const r = await apiPost(server, undefined, '/__test/sweep', { now });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const usageEmails = async () => (await listAll(server, DEMO.key, '/api/v1/outbox'))
  .map((o) => ({ to: o.recipient, subject: (typeof o.payload === 'string' ? JSON.parse(o.payload) : o.payload).subject }))
  .filter((e) => /SMS and WhatsApp/.test(e.subject ?? ''));
const outboundTexts = async (phone) => {
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const messages = (await Promise.all(conversations.map((c) => messagesOf(server, DEMO.key, c.id)))).flat();
  return messages.filter((m) => m.direction === 'outbound' && m.channel === 'sms');
};
const ENQUIRY = 'Hi, is the two-bed flat on Elm Road still available?';

test("retention deletes a message older than the plan's history with its escalation, and keeps a newer one", async () => {
  const before = (await messagesOf(server, DEMO.key, 'cnv_019b76daa800000000000e0')).map((m) => m.id);
  assert.deepEqual(before.sort(), ['msg_019b76daa800000000000e1', 'msg_019b76daa800000000000e2']);
  const report = await sweep(server.now() + 3 * 60_000);
  assert.ok(report.retention.messages >= 1, JSON.stringify(report.retention));
  assert.deepEqual((await messagesOf(server, DEMO.key, 'cnv_019b76daa800000000000e0')).map((m) => m.id), ['msg_019b76daa800000000000e2']);
  assert.equal((await api(server, DEMO.key, '/api/v1/escalations/esc_019b76daa800000000000e3')).status, 404);
});

test('over the SMS quota: inbound still stored and answered, owner alerted once at 80 % and at 100 %, follow-ups paused with the reason', async () => {
  const phones = [1, 2, 3, 4, 5, 6].map(() => uniquePhone());
  for (const phone of phones.slice(0, 4)) assertTwimlReply(await sendSms(server, { from: phone, body: ENQUIRY }));

  let usage = await apiOk(server, DEMO.key, '/api/v1/usage');
  assert.equal(usage.plan, 'free');
  assert.equal(usage.month, '2026-03');
  assert.equal(usage.history_days, 30);
  const sent = (await Promise.all(phones.slice(0, 4).map(outboundTexts))).flat().length;
  assert.equal(sent, 4, 'one reply each');
  assert.deepEqual(usage.metrics.sms, { metric: 'sms', used: sent, limit: 5, percent: 80, level: 'warning' });
  assert.equal(usage.detail.sms, 4);
  assert.equal(usage.metrics.llm_tokens.limit, null, 'no LLM budget: unlimited');
  assert.ok(usage.metrics.kb_bytes.used > 0 && usage.detail.kb_chunks > 0, 'the seeded FAQs count');
  assert.deepEqual(usage.paused, { texts: null, calls: usage.paused.calls });

  await sweep(server.now());
  assert.deepEqual(await usageEmails(), [
    { to: 'owner@demo.example', subject: 'Maple & Pine Lettings: 80% of the monthly SMS and WhatsApp messages used' },
  ]);
  await sweep(server.now() + 60_000);
  assert.equal((await usageEmails()).length, 1, 'the 80 % alert is sent once');

  // The fifth reply uses the quota; the sixth enquiry is past it and still answered.
  assertTwimlReply(await sendSms(server, { from: phones[4], body: ENQUIRY }));
  const past = await sendSms(server, { from: phones[5], body: ENQUIRY });
  assertTwimlReply(past, 'answered past the quota');
  const { conversations } = await conversationsOf(server, DEMO.key, phones[5]);
  const stored = await messagesOf(server, DEMO.key, conversations[0].id);
  const inbound = stored.filter((m) => m.direction === 'inbound');
  const replies = stored.filter((m) => m.direction === 'outbound');
  assert.deepEqual(inbound.map((m) => m.body), [ENQUIRY], 'stored');
  assert.equal(replies.length, 1);
  assert.ok(replies[0].body.length > 0 && replies[0].status !== 'failed', 'the rules brain answered');

  usage = await apiOk(server, DEMO.key, '/api/v1/usage');
  assert.deepEqual([usage.metrics.sms.used, usage.metrics.sms.percent, usage.metrics.sms.level], [6, 120, 'reached']);
  assert.match(usage.paused.texts, /5 SMS and WhatsApp messages for 2026-03 are used .*follow-ups and listing offers wait/);
  assert.match(usage.paused.texts, /replies to inbound messages are still sent/);

  // A text staff would start is held back too, with the reason; nothing is stored.
  const { contact } = await conversationsOf(server, DEMO.key, phones[0]);
  const staff = await fetch(`${server.baseUrl}/api/v1/contacts/${contact.id}/messages`, {
    method: 'POST', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'sms', body: 'Are you still looking?' }),
  });
  const refused = await staff.json();
  assert.equal(staff.status, 422, JSON.stringify(refused));
  assert.equal(refused.error.code, 'quota_exceeded');
  assert.match(refused.error.message, /SMS and WhatsApp messages for 2026-03 are used/);
  assert.equal((await outboundTexts(phones[0])).length, 1, 'the staff text was not stored');

  const report = await sweep(server.now() + 2 * 60_000);
  assert.deepEqual(report.texts_paused, ['ten_demo']);
  const emails = await usageEmails();
  assert.equal(emails.filter((e) => /SMS and WhatsApp messages is reached$/.test(e.subject)).length, 1, 'the owner is told at 100 %');
  assert.equal(emails.filter((e) => /80%/.test(e.subject)).length, 1, 'still one 80 % alert');

  // The silent first lead's follow-up is due at +2 h: held, not sent.
  const due = await sweep(T0 + 2 * HOUR + 5 * 60_000);
  assert.equal(due.follow_ups_sent, 0);
  assert.deepEqual(due.texts_paused, ['ten_demo']);
  assert.equal((await outboundTexts(phones[0])).length, 1, 'only the reply: the follow-up waits');
  assert.equal((await apiOk(server, DEMO.key, '/api/v1/usage')).metrics.sms.used, 6, 'nothing more was sent');
});

test('a call the front desk would place is refused with the reason when the call quota is used', async () => {
  const usage = await apiOk(server, DEMO.key, '/api/v1/usage');
  assert.deepEqual([usage.metrics.calls.used, usage.metrics.calls.limit], [0, 0]);
  const r = await fetch(`${server.baseUrl}/api/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: '+447700900777', purpose: 'callback' }),
  });
  const body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.equal(body.error.code, 'quota_exceeded');
  assert.match(body.error.message, /calls placed by the front desk wait/);
  assert.deepEqual(await listAll(server, DEMO.key, '/api/v1/calls'), [], 'nothing stored');
});

test('usage is per tenant: another tenant sees only its own plan and numbers; no key, no usage', async () => {
  const other = await apiOk(server, DEMO2.key, '/api/v1/usage');
  assert.equal(other.plan, 'professional');
  assert.deepEqual([other.metrics.sms.used, other.metrics.sms.limit, other.metrics.calls.limit], [0, 1000, 200]);
  assert.deepEqual(other.paused, { texts: null, calls: null });
  const sneaky = await apiOk(server, DEMO2.key, '/api/v1/usage?tenant_id=ten_demo');
  assert.equal(sneaky.metrics.sms.used, 0, 'a tenant id in the query changes nothing');
  assertError(await api(server, undefined, '/api/v1/usage'), 401, 'unauthorized');
});

test("a tenant cannot change its own plan through the settings API; sending it back unchanged is fine", async () => {
  // The operator sets plans in D1 (as `before` did for demo); demo2 is on Professional.
  const current = (await apiOk(server, DEMO2.key, '/api/v1/settings')).settings;
  const put = (settings) => fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO2.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings }),
  });
  for (const plan of [{ name: 'enterprise', sms: 50 }, { name: 'professional', sms: 100000 }, { name: 'free' }]) {
    const refused = await put({ ...current, plan });
    const text = await refused.text();
    assertError({ status: refused.status, headers: refused.headers, text, json: JSON.parse(text) }, 403, 'forbidden', JSON.stringify(plan));
  }
  assert.deepEqual((await apiOk(server, DEMO2.key, '/api/v1/settings')).settings, current, 'nothing stored');
  const usage = await apiOk(server, DEMO2.key, '/api/v1/usage');
  assert.deepEqual([usage.plan, usage.metrics.sms.limit], ['professional', 1000]);
  const unknown = await put({ ...current, plan: { name: 'gold' } });
  assert.equal(unknown.status, 400, 'a plan that does not exist is malformed before anything else');
  // Left out, the plan is kept: a client that never heard of plans can still save settings.
  const { plan: _plan, ...withoutPlan } = current;
  const same = await put({ ...withoutPlan, retention: { keep_transcripts: true } });
  assert.equal(same.status, 200, await same.text());
  const saved = (await apiOk(server, DEMO2.key, '/api/v1/settings')).settings;
  assert.equal(saved.retention?.keep_transcripts, true);
  assert.deepEqual(saved.plan, current.plan, 'the plan kept');
  const restored = await put(current);
  assert.equal(restored.status, 200);
});

test('twenty new contacts sharing a number prefix within an hour alert the owner once', async () => {
  const phones = Array.from({ length: 20 }, () => uniquePhone());
  assert.ok(phones.every((p) => p.startsWith('+4477009')), 'the test numbers share seven digits');
  for (const phone of phones) assertTwimlReply(await sendSms(server, { to: DEMO2.number, token: DEMO2.token, from: phone, body: 'Any cottages free?' }));
  const bursts = async () => (await listAll(server, DEMO2.key, '/api/v1/outbox'))
    .filter((o) => o.channel === 'email')
    .map((o) => (typeof o.payload === 'string' ? JSON.parse(o.payload) : o.payload).subject)
    .filter((subject) => /unusual activity/.test(subject ?? ''));
  await sweep(server.now());
  assert.deepEqual(await bursts(), ['Harbour View Holiday Lets: unusual activity — 20 new contacts from +4477009…']);
  await sweep(server.now() + 60_000);
  assert.equal((await bursts()).length, 1, 'once per hour');
  const audit = await apiOk(server, DEMO2.key, '/api/v1/audit?action=usage.contact_burst');
  assert.equal(audit.data.length, 1, 'audited once');
  const detail = audit.data[0].detail;
  assert.equal((typeof detail === 'string' ? JSON.parse(detail) : detail).alert, 'contact_burst:4477009');
});
