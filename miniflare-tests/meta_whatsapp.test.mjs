// WhatsApp Cloud API: the subscription handshake, X-Hub-Signature-256 on the raw body, a text
// message answered through a fake Graph API that speaks Meta's wire format, delivery statuses,
// and redeliveries (Meta retries for days) answered once.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, DEMO2, uniquePhone, assertError, conversationsOf, messagesOf, contactsByPhone, eventually, listAll, apiOk } from './helpers/api.mjs';

const APP_SECRET = 'dev-meta-app-secret'; // wrangler.toml [vars], dev only
const VERIFY_TOKEN = 'dev-meta-verify-token';
const PHONE_NUMBER_ID = '106540352242922'; // seed/dev.sql: demo's WhatsApp Cloud number
const ACCESS_TOKEN = 'test-graph-access-token';

let counter = 0;
let graph;
let sent;
let server;
before(async () => {
  graph = await fakeProvider(({ json }) => {
    counter += 1;
    return [200, { messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: String(json.to).slice(1) }], messages: [{ id: `wamid.OUT${counter}` }] }];
  });
  sent = graph.requests;
  server = await startServerWith({
    sql: [`UPDATE tenant_channels SET secret_ref = '${ACCESS_TOKEN}' WHERE id = 'chn_demo_meta'`],
    vars: { META_API_BASE: graph.url },
  });
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  graph?.close();
});

function payload(value) {
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'WABA1', changes: [{ field: 'messages', value: {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }] });
}
function textMessage(phone, wamid, body, name = 'Sheena Nelson', sentAt = Date.now()) {
  const waId = phone.slice(1);
  return payload({ contacts: [{ profile: { name }, wa_id: waId }],
    messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(sentAt / 1000)), type: 'text', text: { body } }] });
}
async function post(body, { secret = APP_SECRET, signature } = {}) {
  const sig = signature ?? 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
  const res = await fetch(server.baseUrl + '/webhooks/meta/whatsapp', {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig }, body, signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

test('the subscription handshake echoes the challenge only for the right token', async () => {
  const ok = await fetch(`${server.baseUrl}/webhooks/meta/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1158201444');
  const bad = await fetch(`${server.baseUrl}/webhooks/meta/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=meatyhamhock`);
  assert.equal(bad.status, 403);
});

test('a signed text is answered through the Graph API, once, however often Meta delivers it', async () => {
  const phone = uniquePhone();
  const wamid = `wamid.IN-${phone}`;
  const body = textMessage(phone, wamid, 'Hi, is the flat on Elm Road still available?');
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post(body)));
  for (const a of answers) assert.equal(a.status, 200, a.text);

  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  assert.equal(contact.name, 'Sheena Nelson');
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1);
  assert.equal(conversations[0].channel, 'whatsapp');
  const msgs = await eventually(async () => {
    const all = await messagesOf(server, DEMO.key, conversations[0].id);
    return all.find((m) => m.direction === 'outbound')?.status === 'sent' ? all : null;
  }, { timeoutMs: 20_000, what: 'the reply sent through Graph' });
  assert.equal(msgs.length, 2, JSON.stringify(msgs));
  const reply = msgs.find((m) => m.direction === 'outbound');
  assert.match(reply.body, /^Hey Sheena! Thanks for getting in touch with Maple & Pine Lettings\./, 'WhatsApp is casual');

  const calls = sent.filter((s) => s.json.to === phone);
  assert.equal(calls.length, 1, 'one Graph send for five deliveries');
  const [call] = calls;
  assert.equal(call.url, `/v25.0/${PHONE_NUMBER_ID}/messages`);
  assert.equal(call.headers.authorization, `Bearer ${ACCESS_TOKEN}`);
  assert.deepEqual([call.json.messaging_product, call.json.type, call.json.text.body], ['whatsapp', 'text', reply.body]);
  assert.match(reply.provider_message_id, /^wamid\.OUT\d+$/);

  // Delivery statuses move the reply forward, never back.
  const status = (s) => payload({ statuses: [{ id: reply.provider_message_id, status: s, timestamp: '1', recipient_id: phone.slice(1) }] });
  assert.equal((await post(status('read'))).status, 200);
  assert.equal((await post(status('delivered'))).status, 200);
  const after = (await messagesOf(server, DEMO.key, conversations[0].id)).find((m) => m.id === reply.id);
  assert.equal(after.status, 'read', 'a late "delivered" does not undo "read"');
});

test('a bad signature is refused and stores nothing', async () => {
  const phone = uniquePhone();
  const body = textMessage(phone, `wamid.BAD-${phone}`, 'hello');
  assertError(await post(body, { secret: 'not-the-app-secret' }), 403, 'invalid_signature');
  assertError(await post(body, { signature: '' }), 403, 'invalid_signature');
  assertError(await post(body.replace('hello', 'hullo'), { signature: 'sha256=' + createHmac('sha256', APP_SECRET).update(body).digest('hex') }), 403, 'invalid_signature');
  assert.deepEqual(await contactsByPhone(server, DEMO.key, phone), []);
  const unparsed = await listAll(server, DEMO.key, '/api/v1/unparsed');
  assert.ok(!unparsed.some((r) => r.body.includes(phone)), 'a forged body is never kept');
});

test("a verified body our parser refuses is kept once under the tenant of its phone_number_id, and answered 200", async () => {
  const phone = uniquePhone();
  const garbled = textMessage(phone, `wamid.GARBLED-${phone}`, 'hello').replace(`"from":"${phone.slice(1)}"`, '"from":"not-a-number"');
  const first = await post(garbled);
  assert.equal(first.status, 200, 'Meta would redeliver anything else for days: ' + first.text);
  assert.equal(first.json.handled, false);
  assert.deepEqual((await post(garbled)).json, first.json, 'a redelivery names the row already kept');
  const rows = (await listAll(server, DEMO.key, '/api/v1/unparsed')).filter((r) => r.body === garbled);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0].id, first.json.kept);
  assert.equal(rows[0].provider, 'meta');
  assert.match(rows[0].event_id, /^sha256:[0-9a-f]{64}$/, 'Meta has no event id: the body is the key');
  assert.match(rows[0].error, /`from` is not a phone number/);
  assert.deepEqual(await contactsByPhone(server, DEMO.key, phone), []);

  // A body naming no tenant's number is kept for the platform, in no tenant's list.
  const page = await post('{"object":"page","entry":[]}');
  assert.equal(page.status, 200, page.text);
  assert.match(page.json.kept, /^unp_/);
  for (const key of [DEMO.key, DEMO2.key]) {
    assert.ok(!(await listAll(server, key, '/api/v1/unparsed')).some((r) => r.id === page.json.kept));
  }
});

test('a message for a number no tenant owns is acknowledged and skipped', async () => {
  const phone = uniquePhone();
  const body = textMessage(phone, `wamid.UNK-${phone}`, 'hello').replace(PHONE_NUMBER_ID, '999999999');
  const r = await post(body);
  assert.equal(r.status, 200, 'Meta would redeliver anything else for days');
  assert.deepEqual(r.json, { messages: 0, skipped: 1 });
  assert.deepEqual(await contactsByPhone(server, DEMO.key, phone), []);
});

test("a message first delivered after Meta's 24-hour window closed is never answered free-form", async () => {
  const phone = uniquePhone();
  const dayAndAnHourAgo = Date.now() - 25 * 3600 * 1000;
  const before = sent.length;
  const r = await post(textMessage(phone, `wamid.LATE-${phone}`, 'Are you open on Sunday?', 'Late Larry', dayAndAnHourAgo));
  assert.equal(r.status, 200, r.text);
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const reply = await eventually(async () => (await messagesOf(server, DEMO.key, conversations[0].id))
    .find((m) => m.direction === 'outbound' && m.status !== 'queued'), { timeoutMs: 20_000, what: 'the reply settled' });
  assert.equal(reply.status, 'failed', 'no template configured: not sent');
  assert.equal(sent.slice(before).filter((c) => c.json.to === phone).length, 0, 'nothing sent to Graph');
  const outbox = await eventually(async () => (await listAll(server, DEMO.key, '/api/v1/outbox')).find((o) => o.payload?.message_id === reply.id && o.status !== 'pending'), { what: 'outbox row' });
  assert.match(outbox.last_error, /24-hour window/);
  const escalation = (await listAll(server, DEMO.key, '/api/v1/escalations')).find((e) => e.contact_id === conversations[0].contact_id);
  assert.ok(escalation, 'a person is asked to reach them another way');
  assert.match(escalation.summary, /24-hour window closed/);

  // With an approved template configured, the window-closed reply goes as that template.
  const settings = await apiOk(server, DEMO.key, '/api/v1/settings');
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...settings.settings, whatsapp_template: { name: 'follow_up', language: 'en_US' } } }),
  });
  assert.equal(put.status, 200, await put.text());
  const phone2 = uniquePhone();
  assert.equal((await post(textMessage(phone2, `wamid.LATE-${phone2}`, 'Still available?', 'Late Lucy', dayAndAnHourAgo))).status, 200);
  const call = await eventually(async () => sent.find((c) => c.json.to === phone2), { timeoutMs: 20_000, what: 'the template send' });
  assert.deepEqual([call.json.type, call.json.template.name, call.json.template.language.code], ['template', 'follow_up', 'en_US']);
  assert.equal(call.json.text, undefined, 'no free-form text outside the window');
});
