// Tenant isolation and API authentication: another tenant's resources are 404 (never 403),
// lists never include them, and requests without a valid key are 401.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import {
  DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, assertError, api, apiOk, contactsByPhone, conversationsOf, listAll,
} from './helpers/api.mjs';

let server;
let demoPhone;
let demoConv;
before(async () => {
  server = await startServer();
  demoPhone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: demoPhone, body: 'Is parking included?' }));
  const { conversations } = await conversationsOf(server, DEMO.key, demoPhone);
  assert.equal(conversations.length, 1);
  demoConv = conversations[0];
}, { timeout: 120_000 });
after(async () => { await server?.stop(); });

test("the owner sees its conversation (control)", async () => {
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/conversations/${demoConv.id}`)).id, demoConv.id);
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/conversations/${demoConv.id}/messages`)).data.length, 2);
});

test("another tenant's conversation is 404 not_found, never 403", async () => {
  assertError(await api(server, DEMO2.key, `/api/v1/conversations/${demoConv.id}`), 404, 'not_found', 'demo2 GET demo conversation');
  assertError(await api(server, DEMO2.key, `/api/v1/conversations/${demoConv.id}/messages`), 404, 'not_found', 'demo2 GET demo messages');
  // Indistinguishable from a conversation that does not exist at all.
  assertError(await api(server, DEMO2.key, '/api/v1/conversations/cnv_0000000000000000000000'), 404, 'not_found');
  assertError(await api(server, DEMO.key, '/api/v1/conversations/cnv_0000000000000000000000/messages'), 404, 'not_found');
});

test("another tenant's lists never include it", async () => {
  const convs = await listAll(server, DEMO2.key, '/api/v1/conversations');
  assert.ok(!convs.some((c) => c.id === demoConv.id), 'demo2 conversation list excludes demo conversation');
  assert.deepEqual(await contactsByPhone(server, DEMO2.key, demoPhone), [], 'demo2 ?phone= finds nothing');
  const contacts = await listAll(server, DEMO2.key, '/api/v1/contacts');
  assert.ok(!contacts.some((c) => c.phone === demoPhone || c.id === demoConv.contact_id), 'demo2 contact list excludes demo contact');
});

test('the same phone texting both tenants gives two separate contacts and conversations', async () => {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'hi demo' }));
  assertTwimlReply(await sendSms(server, { from: phone, body: 'hi demo2', to: DEMO2.number, token: DEMO2.token }));
  const a = await conversationsOf(server, DEMO.key, phone);
  const b = await conversationsOf(server, DEMO2.key, phone);
  assert.equal(a.conversations.length, 1);
  assert.equal(b.conversations.length, 1);
  assert.notEqual(a.contact.id, b.contact.id);
  assert.notEqual(a.conversations[0].id, b.conversations[0].id);
  const demo2Msgs = await apiOk(server, DEMO2.key, `/api/v1/conversations/${b.conversations[0].id}/messages`);
  assert.deepEqual(demo2Msgs.data.filter((m) => m.direction === 'inbound').map((m) => m.body), ['hi demo2']);
});

test('401 unauthorized without a valid API key', async () => {
  const paths = ['/api/v1/conversations', `/api/v1/conversations/${demoConv.id}`, `/api/v1/conversations/${demoConv.id}/messages`, '/api/v1/contacts'];
  for (const path of paths) {
    assertError(await api(server, undefined, path), 401, 'unauthorized', `no key ${path}`);
    assertError(await api(server, 'fd_nope_0000000000000000000000', path), 401, 'unauthorized', `unknown key ${path}`);
  }
  assertError(await api(server, undefined, '/api/v1/conversations', { headers: { authorization: `Basic ${Buffer.from(DEMO.key + ':').toString('base64')}` } }), 401, 'unauthorized', 'Basic auth');
  assertError(await api(server, undefined, '/api/v1/conversations', { headers: { authorization: DEMO.key } }), 401, 'unauthorized', 'no Bearer scheme');
  assertError(await api(server, DEMO.key.slice(0, -1), '/api/v1/conversations'), 401, 'unauthorized', 'truncated key');
});

test('the event stream needs a key and shows only the own tenant', async () => {
  const noKey = await connectSse({ baseUrl: server.baseUrl });
  assert.equal(noKey.status, 401, `no key → ${noKey.status}`);
  assert.equal(JSON.parse(noKey.body).error.code, 'unauthorized');
  const badKey = await connectSse({ baseUrl: server.baseUrl, key: 'fd_nope_0000000000000000000000' });
  assert.equal(badKey.status, 401);

  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO2.key, lastEventId: 0 });
  try {
    assert.equal(sse.status, 200);
    const r = await sendSms(server, { from: uniquePhone(), body: 'for demo2', to: DEMO2.number, token: DEMO2.token });
    assertTwimlReply(r);
    await sse.waitFor((e) => e.event === 'message.sent' && e.json?.data?.contact?.phone === new URLSearchParams(r.req.init.body).get('From'), 10_000);
    for (const e of sse.events) assert.equal(e.json?.tenant_id, DEMO2.tenantId, `demo2 stream leaked ${e.data}`);
    assert.ok(!sse.events.some((e) => e.json?.data?.conversation?.id === demoConv.id));
  } finally {
    sse.close();
  }
});
