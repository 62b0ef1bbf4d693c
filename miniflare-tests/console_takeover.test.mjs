// Human takeover from the console: an agent takes a conversation over, the AI stays silent in
// it (SMS: an empty TwiML answer; chat: no reply) while every message is still stored and
// shown live, the agent's replies go out on the conversation's channel (SMS through the
// outbox, `simulated` without credentials; chat on the visitor's stream), a contact left
// waiting past the tenant's limit raises an escalation, and handing back lets the AI answer.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, uniquePhone, sendSms, assertError, assertTwimlReply, api, apiPost, listAll, messagesOf, eventually } from './helpers/api.mjs';
import { signIn, asUser, DEMO_USERS } from './helpers/console.mjs';

const MINUTE = 60_000;
let chats = 0;
let server;
let agent;
let owner;
let viewer;
before(async () => {
  server = await startServer();
  [agent, owner, viewer] = await Promise.all([signIn(server, DEMO_USERS.agent), signIn(server, DEMO_USERS.owner), signIn(server, DEMO_USERS.viewer)]);
}, { timeout: 180_000 });
after(async () => { await server?.stop(); });

/** A new SMS conversation from a fresh number, answered by the AI; its id. */
async function smsConversation(body = 'Hi, is the flat on Elm Road still available?') {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body }), 'before takeover');
  const [conversation] = (await asUser(server, agent, `/api/v1/conversations?q=${encodeURIComponent(phone)}`)).json.data;
  assert.equal(conversation.contact.phone, phone);
  return { phone, id: conversation.id };
}

const post = (session, path, body) => asUser(server, session, path, { method: 'POST', body });
const outboxTo = async (phone) => (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.recipient === phone);

test('an agent takes an SMS conversation over: the AI is silent, the agent replies through the outbox, hands back and the AI answers again', async () => {
  const { phone, id } = await smsConversation();
  const sse = await connectSse({ baseUrl: server.baseUrl, headers: { cookie: owner.cookie } });
  try {
    const taken = await post(agent, `/api/v1/conversations/${id}/takeover`);
    assert.equal(taken.status, 200, taken.text);
    assert.equal(taken.json.id, id);
    assert.equal(taken.json.held_by.user_id, agent.json.user.id);
    assert.equal(taken.json.held_by.email, 'agent@demo.example');
    assert.ok(taken.json.held_by.since > 0);
    await sse.waitFor((e) => e.event === 'conversation.held' && e.json.data.conversation.id === id);

    const held = await sendSms(server, { from: phone, body: 'Can I see it on Saturday?' });
    assert.equal(held.status, 200, held.text);
    assert.deepEqual(held.replies, [], `no AI reply while held: ${held.text}`);
    const received = await sse.waitFor((e) => e.event === 'message.received' && e.json.data.message.body === 'Can I see it on Saturday?');
    assert.equal(received.json.data.conversation.id, id);
    const listed = (await asUser(server, agent, `/api/v1/conversations/${id}`)).json;
    assert.ok(listed.unread >= 1, JSON.stringify(listed));

    const sent = await post(agent, `/api/v1/conversations/${id}/reply`, { text: 'Yes — Saturday at 11 works. See you there! — Sam' });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.json.status, 'queued');
    assert.match(sent.json.message_id, /^msg_/);
    const live = await sse.waitFor((e) => e.event === 'message.sent' && e.json.data.message.id === sent.json.message_id);
    assert.equal(live.json.data.message.body, 'Yes — Saturday at 11 works. See you there! — Sam');
    const delivered = await eventually(async () => {
      const rows = (await outboxTo(phone)).filter((o) => o.payload.body.includes('Saturday at 11'));
      return rows.length === 1 && rows[0].status !== 'pending' ? rows[0] : null;
    }, { what: 'the staff reply delivered', intervalMs: 250 });
    assert.equal(delivered.status, 'simulated');
    assert.equal(delivered.channel, 'sms');
    const messages = await messagesOf(server, DEMO.key, id);
    const after = messages.filter((m) => m.created_at >= taken.json.held_by.since).sort((a, b) => a.created_at - b.created_at);
    assert.deepEqual(after.map((m) => [m.direction, m.body]), [
      ['inbound', 'Can I see it on Saturday?'],
      ['outbound', 'Yes — Saturday at 11 works. See you there! — Sam'],
    ], 'the only reply to the held message is the agent\'s');

    const back = await post(agent, `/api/v1/conversations/${id}/handback`);
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.held_by, null);
    await sse.waitFor((e) => e.event === 'conversation.released' && e.json.data.conversation.id === id);
    assertTwimlReply(await sendSms(server, { from: phone, body: 'Do you allow pets?' }), 'after handback');
  } finally {
    sse.close();
  }
});

test('one person holds a conversation at a time; a viewer can neither take over nor reply', async () => {
  const { id } = await smsConversation('Hello there');
  assert.equal((await post(agent, `/api/v1/conversations/${id}/takeover`)).status, 200);
  assert.equal((await post(agent, `/api/v1/conversations/${id}/takeover`)).status, 200, 'taking one\'s own again is fine');
  const clash = await post(owner, `/api/v1/conversations/${id}/takeover`);
  assertError(clash, 409, 'conflict');
  assert.match(clash.json.error.message, /agent@demo\.example/);
  assertError(await post(viewer, `/api/v1/conversations/${id}/takeover`), 403, 'forbidden');
  assertError(await post(viewer, `/api/v1/conversations/${id}/reply`, { text: 'hi' }), 403, 'forbidden');
  assertError(await post(viewer, `/api/v1/conversations/${id}/handback`), 403, 'forbidden');
  assertError(await post(agent, `/api/v1/conversations/${id}/reply`, { text: '   ' }), 400, 'bad_request');
  assertError(await post(agent, '/api/v1/conversations/cnv_0000000000000000000000/takeover'), 404, 'not_found');
  assert.equal((await asUser(server, viewer, `/api/v1/conversations/${id}`)).json.held_by.email, 'agent@demo.example', 'a viewer sees who holds it');
  assert.equal((await post(owner, `/api/v1/conversations/${id}/handback`)).status, 200, 'an owner can release anyone\'s hold');
  assert.equal((await post(owner, `/api/v1/conversations/${id}/takeover`)).json.held_by.email, 'owner@demo.example');
});

test('a held website chat: the visitor gets no AI reply, and the agent\'s reply arrives on their stream', async () => {
  const chat = async (body) => {
    const res = await fetch(`${server.baseUrl}/chat/demo/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: `takeover-${process.pid}-${++chats}`, ...body }),
    });
    return { status: res.status, json: await res.json() };
  };
  const first = await chat({ text: 'Hi, do you have parking?' });
  assert.equal(first.status, 200);
  assert.ok(first.json.reply);
  const conversation = (await asUser(server, agent, `/api/v1/conversations?channel=chat&q=${encodeURIComponent('do you have parking')}`)).json.data[0];
  assert.ok(conversation, 'the chat is listed and found by its words');
  assert.equal((await post(agent, `/api/v1/conversations/${conversation.id}/takeover`)).status, 200);
  const stream = await connectSse({ baseUrl: server.baseUrl, path: `/chat/demo/events?session=${encodeURIComponent(first.json.session)}` });
  try {
    const held = await chat({ session: first.json.session, text: 'Hello? Anyone there?' });
    assert.equal(held.status, 200);
    assert.equal(held.json.reply, null, 'no AI reply while held');
    const sent = await post(agent, `/api/v1/conversations/${conversation.id}/reply`, { text: 'Hi, Sam here — yes, one space per flat.' });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.json.status, 'sent', 'a chat reply is on the visitor\'s stream at once, not queued');
    const seen = await stream.waitFor((e) => e.json?.body === 'Hi, Sam here — yes, one space per flat.');
    assert.equal(seen.json.direction, 'outbound');
  } finally {
    stream.close();
  }
});

test('a held conversation\'s message unanswered past the limit escalates once; an answered one does not', async () => {
  const waiting = await smsConversation('Hi');
  const answered = await smsConversation('Hello');
  for (const c of [waiting, answered]) assert.equal((await post(agent, `/api/v1/conversations/${c.id}/takeover`)).status, 200);
  await sendSms(server, { from: waiting.phone, body: 'Is anyone going to reply?' });
  await sendSms(server, { from: answered.phone, body: 'When can I move in?' });
  assert.equal((await post(agent, `/api/v1/conversations/${answered.id}/reply`, { text: 'From the 1st of next month.' })).status, 201);
  const sweep = async (at) => {
    const r = await apiPost(server, undefined, '/__test/sweep', { now: at });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const early = await sweep(server.now() + 2 * MINUTE);
  assert.equal(early.staff_waits_escalated, 0, 'within the 5 minutes nothing escalates');
  const late = await sweep(server.now() + 6 * MINUTE);
  assert.equal(late.staff_waits_escalated, 1, JSON.stringify(late));
  assert.equal((await sweep(server.now() + 7 * MINUTE)).staff_waits_escalated, 0, 'once');
  const escalations = (await listAll(server, DEMO.key, '/api/v1/escalations')).filter((e) => e.conversation_id === waiting.id || e.conversation_id === answered.id);
  assert.equal(escalations.length, 1);
  assert.equal(escalations[0].conversation_id, waiting.id);
  assert.equal(escalations[0].reason, 'human_requested');
  assert.match(escalations[0].summary, /waited more than 5 min for a staff reply/);
});

test('unread counts, marking read, and the list\'s filters', async () => {
  const { phone, id } = await smsConversation('Hi, I am a landlord with a flat to let');
  const unread = (await asUser(server, agent, '/api/v1/conversations?unread=true&limit=100')).json.data;
  assert.ok(unread.some((c) => c.id === id));
  assert.equal((await post(viewer, `/api/v1/conversations/${id}/read`)).status, 204, 'reading is not a write a viewer is refused');
  const item = (await asUser(server, agent, `/api/v1/conversations/${id}`)).json;
  assert.equal(item.unread, 0);
  const still = (await asUser(server, agent, '/api/v1/conversations?unread=true&limit=100')).json.data;
  assert.ok(!still.some((c) => c.id === id));
  const sms = (await asUser(server, agent, '/api/v1/conversations?channel=sms&limit=100')).json.data;
  assert.ok(sms.length > 0 && sms.every((c) => c.channel === 'sms'));
  const found = (await asUser(server, agent, `/api/v1/conversations?q=${encodeURIComponent(phone.slice(-6))}`)).json.data;
  assert.deepEqual(found.map((c) => c.id), [id]);
  assertError(await asUser(server, agent, '/api/v1/conversations?channel=fax'), 400, 'bad_request');
  assertError(await asUser(server, agent, '/api/v1/conversations?caller=vendor'), 400, 'bad_request');
  assert.equal((await api(server, DEMO.key, '/api/v1/conversations?status=open&caller=lead')).status, 200);
});
