// Inbound SMS end to end: signed Twilio webhook → TwiML reply, stored conversation/messages,
// contact lookup, live SSE events, dedupe of retried deliveries, conversation continuity.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { twilioSignature, formEncode } from '../scripts/lib/twilio.mjs';
import {
  DEMO, uniquePhone, sendSms, assertTwimlReply, contactsByPhone, conversationsOf, messagesOf, apiOk, listAll,
} from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

const EMPTY_TWIML = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*(<Response\/>|<Response>\s*<\/Response>)\s*$/;
const byDirection = (msgs, d) => msgs.filter((m) => m.direction === d);

test('first SMS: TwiML reply, stored conversation with both messages, live SSE events', async () => {
  const phone = uniquePhone();
  const body = 'Hi, is the 2-bed flat on Elm Road still available? Tom & Ana';

  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  try {
    assert.equal(sse.status, 200, `GET /api/v1/events → ${sse.status} ${sse.body}`);
    assert.match(sse.headers.get('content-type') ?? '', /^text\/event-stream/);
    await sse.waitForComment('connected', 10_000);

    const r = await sendSms(server, { from: phone, body });
    const reply = assertTwimlReply(r);

    // The API shows one conversation for this contact with exactly the two messages.
    const contacts = await contactsByPhone(server, DEMO.key, phone);
    assert.equal(contacts.length, 1, `GET /contacts?phone= finds the contact: ${JSON.stringify(contacts)}`);
    const contact = contacts[0];
    assert.equal(contact.phone, phone);
    assert.match(contact.id, /^con_/);

    const { conversations } = await conversationsOf(server, DEMO.key, phone);
    assert.equal(conversations.length, 1, JSON.stringify(conversations));
    const conv = conversations[0];
    assert.match(conv.id, /^cnv_/);
    assert.equal(conv.contact_id, contact.id);
    assert.equal(conv.channel, 'sms');
    assert.equal(conv.status, 'open');

    const one = await apiOk(server, DEMO.key, `/api/v1/conversations/${conv.id}`);
    assert.equal(one.id, conv.id);
    assert.equal(one.contact_id, contact.id);

    const msgs = await messagesOf(server, DEMO.key, conv.id);
    assert.equal(msgs.length, 2, JSON.stringify(msgs));
    const [inbound] = byDirection(msgs, 'inbound');
    const [outbound] = byDirection(msgs, 'outbound');
    assert.ok(inbound && outbound, `one inbound and one outbound: ${JSON.stringify(msgs)}`);
    assert.equal(inbound.body, body);
    assert.equal(inbound.provider_message_id, r.messageSid);
    assert.equal(inbound.channel, 'sms');
    assert.equal(inbound.status, 'received');
    assert.equal(inbound.conversation_id, conv.id);
    assert.equal(inbound.contact_id, contact.id);
    assert.equal(outbound.body, reply, 'the stored outbound message is the reply Twilio was told to send');
    assert.equal(outbound.conversation_id, conv.id);
    for (let i = 1; i < msgs.length; i++) {
      assert.ok(msgs[i - 1].created_at >= msgs[i].created_at, `messages are newest first: ${JSON.stringify(msgs)}`);
    }

    // The dashboard's live stream saw the inbound message, then the reply.
    const received = await sse.waitFor((e) => e.event === 'message.received' && e.json?.data?.message?.provider_message_id === r.messageSid, 10_000);
    const sent = await sse.waitFor((e) => e.event === 'message.sent' && e.json?.data?.conversation?.id === conv.id, 10_000);
    assert.equal(received.json.data.message.body, body);
    assert.equal(received.json.type, 'message.received');
    assert.equal(received.json.tenant_id, DEMO.tenantId);
    assert.equal(received.json.data.contact.phone, phone);
    assert.equal(received.json.data.conversation.id, conv.id);
    assert.equal(sent.json.data.message.body, reply);
    assert.equal(sent.json.data.message.direction, 'outbound');
    assert.ok(sse.events.indexOf(received) < sse.events.indexOf(sent), 'message.received comes before message.sent');
    assert.ok(Number(received.id) < Number(sent.id), `ids increase: ${received.id} then ${sent.id}`);
  } finally {
    sse.close();
  }
});

test('the same delivery 5 times concurrently: all 200 with the same reply, one inbound + one outbound stored; a later retry gets it too', async () => {
  const phone = uniquePhone();
  const messageSid = 'SM' + 'a1'.repeat(16);
  const body = 'Can I book a viewing on Saturday?';
  const results = await Promise.all(Array.from({ length: 5 }, () => sendSms(server, { from: phone, body, messageSid })));
  for (const r of results) assert.equal(r.status, 200, `concurrent duplicate → ${r.status}: ${r.text}`);
  const first = results[0];
  const reply = assertTwimlReply(first);
  // API.md: every duplicate — finished or still in flight — gets the same reply as the first
  // delivery (in-flight ones wait for it in the thread's ConversationDO), so whichever copy
  // Twilio ends up acting on carries the answer.
  for (const r of results) {
    assert.equal(r.text, first.text, `a duplicate answered something else: ${r.text}`);
    assert.match(r.headers.get('content-type') ?? '', /^text\/xml/);
  }

  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1, JSON.stringify(conversations));
  const msgs = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.equal(byDirection(msgs, 'inbound').length, 1, JSON.stringify(msgs));
  assert.equal(byDirection(msgs, 'outbound').length, 1, JSON.stringify(msgs));
  assert.equal(msgs.length, 2);

  const retry = await sendSms(server, { from: phone, body, messageSid });
  assert.equal(assertTwimlReply(retry, 'sequential retry'), reply);
  assert.equal(retry.text, first.text);
  assert.equal((await messagesOf(server, DEMO.key, conversations[0].id)).length, 2, 'a retry stores nothing');

  // And the live stream / replay saw the message once.
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: 0 });
  try {
    assert.equal(sse.status, 200);
    const sent = await sse.waitFor((e) => e.event === 'message.sent' && e.json?.data?.conversation?.id === conversations[0].id, 10_000);
    assert.ok(sent);
    const received = sse.events.filter((e) => e.event === 'message.received' && e.json?.data?.message?.provider_message_id === messageSid);
    assert.equal(received.length, 1, 'one message.received event for a message delivered 6 times');
  } finally {
    sse.close();
  }
});

test("Twilio's retry (same MessageSid, now with I-Twilio-Idempotency-Token) is a duplicate", async () => {
  // Twilio adds the idempotency header only on retries, so the first delivery has none.
  const phone = uniquePhone();
  const a = await sendSms(server, { from: phone, body: 'Do you allow pets?' });
  const reply = assertTwimlReply(a);
  const b = await sendSms(server, {
    from: phone, body: 'Do you allow pets?', messageSid: a.messageSid,
    headers: { 'i-twilio-idempotency-token': `retry-${a.messageSid}` },
  });
  assert.equal(assertTwimlReply(b, 'retry'), reply, 'the retry gets the same reply');
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1);
  assert.equal((await messagesOf(server, DEMO.key, conversations[0].id)).length, 2, 'the retry stored nothing');
});

test('a second message from the same number lands in the same conversation', async () => {
  const phone = uniquePhone();
  const first = await sendSms(server, { from: phone, body: 'Hello, I saw your listing' });
  const reply1 = assertTwimlReply(first);
  const second = await sendSms(server, { from: phone, body: 'Could I view it tomorrow at 5pm?' });
  const reply2 = assertTwimlReply(second);

  const contacts = await contactsByPhone(server, DEMO.key, phone);
  assert.equal(contacts.length, 1, 'still one contact');
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1, `one conversation: ${JSON.stringify(conversations)}`);
  const msgs = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.equal(msgs.length, 4, JSON.stringify(msgs));
  const inboundBodies = byDirection(msgs, 'inbound').map((m) => m.body).sort();
  assert.deepEqual(inboundBodies, ['Could I view it tomorrow at 5pm?', 'Hello, I saw your listing']);
  assert.deepEqual(byDirection(msgs, 'outbound').map((m) => m.body).sort(), [reply1, reply2].sort());
  assert.deepEqual(byDirection(msgs, 'inbound').map((m) => m.provider_message_id).sort(), [first.messageSid, second.messageSid].sort());
  const conv = conversations[0];
  assert.ok(conv.last_message_at >= conv.started_at);
  assert.ok(conv.last_message_at >= Math.max(...msgs.map((m) => m.created_at)) - 1, `last_message_at follows the latest message: ${JSON.stringify(conv)}`);
});

test('the contacts list finds contacts by the documented literal "+" form too', async () => {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'hi' }));
  const j = await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${phone}`); // API.md example: ?phone=+447700900123
  assert.equal(j.data.length, 1, `?phone=${phone} (unencoded +): ${JSON.stringify(j)}`);
  assert.equal(j.data[0].phone, phone);
  const all = await listAll(server, DEMO.key, '/api/v1/contacts');
  assert.ok(all.some((c) => c.phone === phone), 'the unfiltered list includes the contact');
});

test('a message with XML-special characters gets well-formed TwiML and is stored verbatim', async () => {
  const phone = uniquePhone();
  const body = `<b>"Flat 3" & garden</b> — it's £1,200?`;
  const r = await sendSms(server, { from: phone, body });
  assertTwimlReply(r);
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const msgs = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.equal(byDirection(msgs, 'inbound')[0].body, body);
  assert.equal(byDirection(msgs, 'outbound')[0].body, r.replies[0]);
});

test('an opt-out keyword is stored and answered with an empty <Response/> (the carrier confirms)', async () => {
  const phone = uniquePhone();
  for (const keyword of ['STOP']) {
    const r = await sendSms(server, { from: phone, body: keyword });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^text\/xml/);
    assert.match(r.text, EMPTY_TWIML, `no <Message> for ${keyword}: ${r.text}`);
    const { conversations } = await conversationsOf(server, DEMO.key, phone);
    assert.equal(conversations.length, 1);
    const msgs = await messagesOf(server, DEMO.key, conversations[0].id);
    assert.deepEqual(msgs.map((m) => [m.direction, m.body]), [['inbound', keyword]], 'stored, and no reply stored');
  }
});

test('an inline reply is queued until Twilio\'s signed status callback says it was sent, then delivered; a failure keeps its reason', async () => {
  const phone = uniquePhone();
  const r = await sendSms(server, { from: phone, body: 'Hi, do you have any flats to rent?' });
  assertTwimlReply(r);
  const action = r.text.match(/<Message action="([^"]+)" method="POST">/)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(action, `the reply is tracked: ${r.text}`);
  const url = new URL(action);
  assert.equal(`${url.origin}${url.pathname}`, `${server.publicBaseUrl}/webhooks/twilio/status`);
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const reply = () => messagesOf(server, DEMO.key, conversations[0].id).then((m) => byDirection(m, 'outbound')[0]);
  assert.equal((await reply()).status, 'queued', 'handed to Twilio, not yet confirmed');
  assert.equal((await reply()).id, url.searchParams.get('message'));

  // Twilio posts the created message's status to that URL, signed over it with the tenant's token.
  const callback = (status, extra = [], token = DEMO.token) => {
    const params = [['MessageSid', 'SM' + 'c'.repeat(32)], ['MessageStatus', status], ['From', DEMO.number], ['To', phone], ...extra];
    return fetch(`${server.baseUrl}${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, action, params) },
      body: formEncode(params),
    });
  };
  assert.equal((await callback('sent')).status, 204);
  assert.equal((await reply()).status, 'sent');
  assert.equal((await reply()).provider_message_id, 'SM' + 'c'.repeat(32), 'Twilio\'s id recorded');
  assert.equal((await callback('delivered')).status, 204);
  assert.equal((await callback('sent')).status, 204, 'a late callback is accepted…');
  assert.equal((await reply()).status, 'delivered', '…and moves nothing back');
  assert.equal((await callback('delivered', [], 'not-the-token')).status, 403, 'a forged callback is refused');

  const other = uniquePhone();
  const second = await sendSms(server, { from: other, body: 'Is the Elm Road flat free?' });
  const action2 = second.text.match(/<Message action="([^"]+)"/)[1].replaceAll('&amp;', '&');
  const params = [['MessageSid', 'SM' + 'd'.repeat(32)], ['MessageStatus', 'undelivered'], ['From', DEMO.number], ['To', other],
    ['ErrorCode', '30003'], ['ErrorMessage', 'Unreachable destination handset']];
  const u2 = new URL(action2);
  const res = await fetch(`${server.baseUrl}${u2.pathname}${u2.search}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(DEMO.token, action2, params) },
    body: formEncode(params),
  });
  assert.equal(res.status, 204);
  const { conversations: c2 } = await conversationsOf(server, DEMO.key, other);
  const failed = byDirection(await messagesOf(server, DEMO.key, c2[0].id), 'outbound')[0];
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error, '30003 Unreachable destination handset');
});
