// Cursor pagination on the list endpoints, and query-parameter validation.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, uniquePhone, sendSms, assertTwimlReply, assertError, api, apiOk, conversationsOf } from './helpers/api.mjs';

let server;
const phones = [];
before(async () => {
  server = await startServer();
  for (let i = 0; i < 3; i++) {
    const phone = uniquePhone();
    phones.push(phone);
    assertTwimlReply(await sendSms(server, { from: phone, body: `enquiry ${i}` }));
  }
}, { timeout: 120_000 });
after(async () => { await server?.stop(); });

async function pages(path, limit) {
  const first = await apiOk(server, DEMO.key, `${path}?limit=${limit}`);
  const out = [first];
  let cur = first;
  for (let i = 0; cur.next_cursor !== null && i < 10; i++) {
    assert.equal(typeof cur.next_cursor, 'string');
    cur = await apiOk(server, DEMO.key, `${path}?limit=${limit}&cursor=${encodeURIComponent(cur.next_cursor)}`);
    out.push(cur);
  }
  return out;
}

test('conversations: limit=2 gives 2 + next_cursor, following it gives the rest and next_cursor null', async () => {
  const [p1, p2, ...more] = await pages('/api/v1/conversations', 2);
  assert.equal(p1.data.length, 2, JSON.stringify(p1));
  assert.equal(typeof p1.next_cursor, 'string');
  assert.ok(p2, 'a second page');
  assert.equal(p2.data.length, 1, JSON.stringify(p2));
  assert.equal(p2.next_cursor, null, 'the last page says next_cursor: null');
  assert.equal(more.length, 0);
  assert.ok('next_cursor' in p2);

  const ids = [...p1.data, ...p2.data].map((c) => c.id);
  assert.equal(new Set(ids).size, 3, `no duplicates across pages: ${ids}`);
  const expected = [];
  for (const phone of phones) expected.push(...(await conversationsOf(server, DEMO.key, phone)).conversations.map((c) => c.id));
  assert.deepEqual([...ids].sort(), [...expected].sort());
  // Newest first: the last sender's conversation comes first.
  assert.equal(ids[0], (await conversationsOf(server, DEMO.key, phones[2])).conversations[0].id);
  assert.equal(ids[2], (await conversationsOf(server, DEMO.key, phones[0])).conversations[0].id);
});

test('default page and limit=100 return everything with next_cursor null', async () => {
  for (const q of ['', '?limit=100', '?limit=3']) {
    const j = await apiOk(server, DEMO.key, `/api/v1/conversations${q}`);
    assert.equal(j.data.length, 3, q);
    assert.equal(j.next_cursor, null, `${q}: ${JSON.stringify(j)}`);
  }
});

test('contacts and messages paginate the same way', async () => {
  const contacts = await pages('/api/v1/contacts', 2);
  assert.deepEqual(contacts.map((p) => p.data.length), [2, 1]);
  assert.deepEqual(contacts.flatMap((p) => p.data.map((c) => c.phone)).sort(), [...phones].sort());
  assert.equal(contacts.at(-1).next_cursor, null);

  const conv = (await conversationsOf(server, DEMO.key, phones[0])).conversations[0];
  const msgs = await pages(`/api/v1/conversations/${conv.id}/messages`, 1);
  assert.deepEqual(msgs.map((p) => p.data.length), [1, 1]);
  assert.equal(msgs[0].data[0].direction, 'outbound', 'newest first: the reply before the enquiry');
  assert.equal(msgs[1].data[0].direction, 'inbound');
  assert.equal(msgs[1].data[0].body, 'enquiry 0');
  assert.equal(msgs.at(-1).next_cursor, null);
});

test('400 bad_request for out-of-range limit or a bad cursor', async () => {
  for (const q of ['limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'cursor=not-a-cursor', 'cursor=%00%ff', 'limit=2&cursor=zzz']) {
    for (const path of ['/api/v1/conversations', '/api/v1/contacts']) {
      assertError(await api(server, DEMO.key, `${path}?${q}`), 400, 'bad_request', `${path}?${q}`);
    }
  }
});

test('400 bad_request for a phone filter that is not E.164', async () => {
  assertError(await api(server, DEMO.key, '/api/v1/contacts?phone=07700900123'), 400, 'bad_request', 'phone=07700900123');
});
