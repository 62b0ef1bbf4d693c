// The dashboard's event stream: framing, replay after Last-Event-ID, then live delivery.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, uniquePhone, sendSms, assertTwimlReply } from './helpers/api.mjs';

let server;
const sent = [];
before(async () => {
  server = await startServer();
  for (const body of ['first enquiry', 'second enquiry']) {
    const r = await sendSms(server, { from: uniquePhone(), body });
    assertTwimlReply(r);
    sent.push({ body, reply: r.replies[0], messageSid: r.messageSid });
  }
}, { timeout: 120_000 });
after(async () => { await server?.stop(); });

const isMessageEvent = (e) => e.event === 'message.received' || e.event === 'message.sent';

test('Last-Event-ID: 0 replays every retained event in id order, framed per the contract', async () => {
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: 0 });
  try {
    assert.equal(sse.status, 200);
    assert.match(sse.headers.get('content-type') ?? '', /^text\/event-stream/);
    await sse.waitFor((e, i, all) => all.filter(isMessageEvent).length >= 4, 10_000);
    assert.match(sse.raw, /^retry: 3000\r?\n/, `the stream starts with "retry: 3000": ${JSON.stringify(sse.raw.slice(0, 80))}`);
    assert.equal(sse.retry, 3000);
    assert.ok(sse.comments.includes('connected'), `": connected" comment: ${JSON.stringify(sse.comments)}`);

    const events = sse.events.filter(isMessageEvent);
    assert.equal(events.length, 4, JSON.stringify(events.map((e) => e.event)));
    for (const e of events) {
      assert.ok(e.id !== undefined && /^\d+$/.test(e.id), `every event has a numeric id: line: ${JSON.stringify(e)}`);
      assert.ok(e.json, `data is JSON: ${e.data}`);
      assert.equal(String(e.json.id), e.id, 'data.id equals the id: line');
      assert.equal(e.json.type, e.event, 'data.type equals the event: line');
      assert.equal(e.json.tenant_id, DEMO.tenantId);
      assert.equal(typeof e.json.at, 'number');
      assert.ok(e.json.data.conversation?.id && e.json.data.contact?.id && e.json.data.message?.id, `conversation, contact, message: ${e.data}`);
    }
    const ids = events.map((e) => Number(e.id));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `ids strictly increase: ${ids}`);
    assert.deepEqual(events.map((e) => [e.event, e.json.data.message.body]), [
      ['message.received', sent[0].body], ['message.sent', sent[0].reply],
      ['message.received', sent[1].body], ['message.sent', sent[1].reply],
    ]);
    assert.equal(events[0].json.data.message.provider_message_id, sent[0].messageSid);
  } finally {
    sse.close();
  }
});

test('Last-Event-ID: N replays only the events after N, then the stream goes live', async () => {
  const all = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: 0 });
  let ids;
  try {
    await all.waitFor((e, i, evs) => evs.filter(isMessageEvent).length >= 4, 10_000);
    ids = all.events.filter(isMessageEvent).map((e) => Number(e.id));
  } finally {
    all.close();
  }

  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: ids[1] });
  try {
    assert.equal(sse.status, 200);
    await sse.waitFor((e, i, evs) => evs.filter(isMessageEvent).length >= 2, 10_000);
    assert.deepEqual(sse.events.filter(isMessageEvent).slice(0, 2).map((e) => Number(e.id)), ids.slice(2), 'only the events after N');

    // Live: a new message arrives on the open stream, with a larger id.
    const phone = uniquePhone();
    const r = await sendSms(server, { from: phone, body: 'third enquiry, live' });
    assertTwimlReply(r);
    const received = await sse.waitFor((e) => e.event === 'message.received' && e.json?.data?.contact?.phone === phone, 10_000);
    const sentEv = await sse.waitFor((e) => e.event === 'message.sent' && e.json?.data?.contact?.phone === phone, 10_000);
    assert.equal(received.json.data.message.body, 'third enquiry, live');
    assert.equal(sentEv.json.data.message.body, r.replies[0]);
    assert.ok(Number(received.id) > ids.at(-1) && Number(sentEv.id) > Number(received.id), 'live ids continue the sequence');
    const seen = sse.events.filter(isMessageEvent).map((e) => Number(e.id));
    assert.equal(new Set(seen).size, seen.length, `no event delivered twice: ${seen}`);
  } finally {
    sse.close();
  }
});

test('a reconnect with the latest id replays nothing old', async () => {
  const probe = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: 0 });
  let lastId;
  try {
    await probe.waitFor((e, i, evs) => evs.filter(isMessageEvent).length >= 4, 10_000);
    // Make sure the replay is complete: a fresh message's events mark the end.
    const markerPhone = uniquePhone();
    assertTwimlReply(await sendSms(server, { from: markerPhone, body: 'marker' }));
    const marker = await probe.waitFor((e) => e.event === 'message.sent' && e.json?.data?.contact?.phone === markerPhone, 10_000);
    lastId = Number(marker.id);
  } finally {
    probe.close();
  }
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key, lastEventId: lastId });
  try {
    assert.equal(sse.status, 200);
    const phone = uniquePhone();
    assertTwimlReply(await sendSms(server, { from: phone, body: 'after reconnect' }));
    await sse.waitFor((e) => e.event === 'message.sent' && e.json?.data?.contact?.phone === phone, 10_000);
    for (const e of sse.events.filter(isMessageEvent)) assert.ok(Number(e.id) > lastId, `replayed an old event ${e.id} ≤ ${lastId}`);
  } finally {
    sse.close();
  }
});
