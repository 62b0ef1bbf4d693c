// The console's copilot and read-only views: "suggest reply" drafts an answer from the
// knowledge base without sending or storing anything; a contact's one timeline interleaves
// messages, tickets and escalations oldest first; the counters move with what happens.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertError, api, apiPost, listAll, messagesOf, eventually } from './helpers/api.mjs';
import { signIn, asUser, DEMO_USERS } from './helpers/console.mjs';

let server;
let agent;
let viewer;
before(async () => {
  server = await startServer({ clockAt: '2026-11-30T10:00:00Z' });
  [agent, viewer] = await Promise.all([signIn(server, DEMO_USERS.agent), signIn(server, DEMO_USERS.viewer)]);
}, { timeout: 180_000 });
after(async () => { await server?.stop(); });

async function conversationOf(phone) {
  const [c] = (await asUser(server, agent, `/api/v1/conversations?q=${encodeURIComponent(phone)}`)).json.data;
  assert.ok(c, `a conversation from ${phone}`);
  return c;
}

test('suggest drafts an answer from the knowledge base and sends nothing', async () => {
  const phone = uniquePhone();
  await sendSms(server, { from: phone, body: 'Hello' });
  const conversation = await conversationOf(phone);
  assert.equal((await asUser(server, agent, `/api/v1/conversations/${conversation.id}/takeover`, { method: 'POST' })).status, 200);
  await sendSms(server, { from: phone, body: 'How much is the deposit?' });
  const before = await messagesOf(server, DEMO.key, conversation.id);
  const outboxBefore = (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.recipient === phone).length;

  const r = await asUser(server, agent, `/api/v1/conversations/${conversation.id}/suggest`, { method: 'POST' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.text, /holding deposit of one week's rent/i, r.json.text);
  assert.deepEqual([r.json.source, r.json.fallback], ['rules', undefined], 'a tenant without an LLM: the rules brain drafts');
  assert.ok(r.json.sources.some((s) => s.title === 'How much is the deposit?' && s.kb === 'faq' && /^kbc_/.test(s.id)), JSON.stringify(r.json.sources));

  assert.deepEqual(await messagesOf(server, DEMO.key, conversation.id), before, 'nothing stored');
  assert.equal((await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.recipient === phone).length, outboxBefore, 'nothing sent');
  assertError(await asUser(server, viewer, `/api/v1/conversations/${conversation.id}/suggest`, { method: 'POST' }), 403, 'forbidden');
  assertError(await apiPost(server, DEMO2.key, `/api/v1/conversations/${conversation.id}/suggest`, {}), 404, 'not_found');
});

test("a contact's timeline interleaves messages, the ticket and the escalation, oldest first, and stays in its tenant", async () => {
  const phone = uniquePhone();
  await sendSms(server, { from: phone, body: 'Hi, I rent 14 Elm Road from you' });
  await sendSms(server, { from: phone, body: "There's water pouring through my ceiling!" });
  const { contact } = await conversationOf(phone);
  const r = await eventually(async () => {
    const t = await asUser(server, viewer, `/api/v1/contacts/${contact.id}/timeline`);
    return t.status === 200 && t.json.items.some((i) => i.kind === 'lead') ? t : null;
  }, { what: 'the lead on the timeline', intervalMs: 250 });
  assert.equal(r.json.contact.id, contact.id);
  assert.equal(r.json.contact.phone, phone);
  const kinds = new Set(r.json.items.map((i) => i.kind));
  for (const kind of ['message', 'ticket', 'escalation', 'lead']) assert.ok(kinds.has(kind), `${kind} in ${[...kinds]}`);
  const ats = r.json.items.map((i) => i.at);
  assert.deepEqual(ats, [...ats].sort((a, b) => a - b), 'oldest first');
  const first = r.json.items.find((i) => i.kind === 'message');
  assert.equal(first.body, 'Hi, I rent 14 Elm Road from you');
  assert.equal(first.direction, 'inbound');
  assert.equal(first.channel, 'sms');
  const emergency = r.json.items.find((i) => i.kind === 'escalation' && i.reason === 'emergency');
  assert.equal(emergency.priority, 'critical');
  const flood = r.json.items.find((i) => i.kind === 'message' && i.body.startsWith("There's water"));
  assert.ok(emergency.at >= flood.at, 'the escalation comes after the message that raised it');
  assert.equal(r.json.items.find((i) => i.kind === 'ticket').urgency, 'emergency');
  assertError(await api(server, DEMO2.key, `/api/v1/contacts/${contact.id}/timeline`), 404, 'not_found', "another tenant's contact");
  assertError(await asUser(server, viewer, '/api/v1/contacts/con_nope/timeline'), 404, 'not_found');

  // The same contact through the tenant filter: a maintenance reporter is a `tenant`.
  const tenants = (await asUser(server, agent, '/api/v1/conversations?caller=tenant&limit=100')).json.data;
  assert.ok(tenants.some((c) => c.contact.id === contact.id));
  const leads = (await asUser(server, agent, '/api/v1/conversations?caller=lead&limit=100')).json.data;
  assert.ok(!leads.some((c) => c.contact.id === contact.id));
});

test('the counters: unread and open escalations follow what happens', async () => {
  const counters = async () => {
    const r = await asUser(server, viewer, '/api/v1/stats');
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const start = await counters();
  for (const key of ['open_conversations', 'open_escalations', 'leads_today', 'bookings_today', 'unread']) {
    assert.equal(typeof start[key], 'number', `${key}: ${JSON.stringify(start)}`);
  }
  const phone = uniquePhone();
  await sendSms(server, { from: phone, body: 'Gas smell in my kitchen, please help' });
  const after = await counters();
  assert.ok(after.unread >= start.unread + 1, JSON.stringify({ start, after }));
  assert.ok(after.open_escalations >= start.open_escalations + 1, JSON.stringify({ start, after }));
  const conversation = await conversationOf(phone);
  assert.equal((await asUser(server, viewer, `/api/v1/conversations/${conversation.id}/read`, { method: 'POST' })).status, 204);
  assert.ok((await counters()).unread < after.unread);
  const leads = await eventually(async () => ((await counters()).leads_today > 0 ? true : null), { what: 'a lead today', intervalMs: 250 });
  assert.ok(leads);
  assert.deepEqual(Object.keys(await (await fetch(`${server.baseUrl}/api/v1/stats`, { headers: { authorization: `Bearer ${DEMO2.key}` } })).json()).sort(),
    ['bookings_today', 'leads_today', 'open_conversations', 'open_escalations', 'unread']);
});
