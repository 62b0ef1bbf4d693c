// Outbound delivery through Twilio's Messages REST API: an emergency's on-call SMS page is sent
// once, with the tenant's credentials, to a fake Twilio that speaks the real wire format and
// records what it was sent; provider outages are retried, permanent errors are not.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, listAll, eventually, apiPost, conversationsOf, messagesOf, assertError as assertErr } from './helpers/api.mjs';

const ACCOUNT_SID = 'AC' + '0f'.repeat(16);
const ON_CALL = '+447700900999';

// ---- a fake Twilio: answers from a script (default: 201 created) ----
const script = [];
let counter = 0;
let twilio;
let received;
let server;
before(async () => {
  twilio = await fakeProvider(({ form }) => {
    counter += 1;
    const [status, json] = script.shift() ?? [201, null];
    return [status, json ?? { sid: 'SM' + String(counter).padStart(32, '0'), status: 'queued', to: form.To }];
  });
  received = twilio.requests;
  server = await startServerWith({
    sql: [`UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id = 'chn_demo_twilio'`],
    vars: { TWILIO_API_BASE: twilio.url },
  });
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

async function emergencyPages(phone, body) {
  assertTwimlReply(await sendSms(server, { from: phone, body }), 'emergency');
  const contacts = (await listAll(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`));
  const escalation = (await listAll(server, DEMO.key, '/api/v1/escalations')).find((e) => e.contact_id === contacts[0].id);
  assert.ok(escalation, 'the emergency raised an escalation');
  return { escalation, outbox: () => listAll(server, DEMO.key, '/api/v1/outbox').then((rows) => rows.filter((o) => o.payload?.escalation_id === escalation.id)) };
}

test('the on-call SMS page goes out through Twilio once, with the tenant credentials; email stays simulated', async () => {
  const phone = uniquePhone();
  const before = received.length;
  const { escalation, outbox } = await emergencyPages(phone, 'I can smell gas in the hallway');
  const rows = await eventually(async () => {
    const r = await outbox();
    return r.length === 2 && r.every((o) => o.status !== 'pending') ? r : null;
  }, { timeoutMs: 20_000, what: 'both pages delivered' });
  const sms = rows.find((o) => o.channel === 'sms');
  const email = rows.find((o) => o.channel === 'email');
  assert.equal(sms.status, 'sent', JSON.stringify(sms));
  assert.match(sms.payload.provider_id, /^SM\d{32}$/);
  assert.equal(email.status, 'simulated');

  const mine = received.slice(before).filter((r) => r.form.Body?.includes(escalation.id));
  assert.equal(mine.length, 1, 'Twilio was called once for this page');
  const [call] = mine;
  assert.equal(call.method, 'POST');
  assert.equal(call.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  assert.equal(call.headers.authorization, 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${DEMO.token}`).toString('base64'));
  assert.match(call.headers['content-type'], /^application\/x-www-form-urlencoded/);
  assert.equal(call.form.To, ON_CALL);
  assert.equal(call.form.From, DEMO.number);
  assert.match(call.form.Body, /EMERGENCY at Maple & Pine Lettings/);
  assert.match(call.form.Body, /I can smell gas in the hallway/);
});

test('a Twilio outage is retried until the page is sent', async () => {
  script.push([503, { code: 20503, message: 'Service Unavailable', status: 503 }]);
  const { outbox } = await emergencyPages(uniquePhone(), 'Water is pouring through the ceiling');
  const sms = await eventually(async () => (await outbox()).find((o) => o.channel === 'sms' && o.status === 'sent'),
    { timeoutMs: 30_000, what: 'the SMS page sent after a retry' });
  assert.equal(sms.attempts, 2, `one failed attempt, then the sent one: ${JSON.stringify(sms)}`);
  assert.equal(sms.last_error, null, 'a page that went out carries no error');
});

test('a permanent Twilio error marks the page failed with the reason', async () => {
  script.push([400, { code: 21211, message: "Invalid 'To' Phone Number", status: 400 }]);
  const { outbox } = await emergencyPages(uniquePhone(), "I'm locked out of my flat");
  const sms = await eventually(async () => (await outbox()).find((o) => o.channel === 'sms' && o.status === 'failed'),
    { timeoutMs: 20_000, what: 'the SMS page marked failed' });
  assert.match(sms.last_error, /21211/);
  assert.equal(sms.attempts, 1);
});

// ---- missed call → immediate follow-up text ----

test('a missed call gets one follow-up SMS through Twilio, however often it is reported', async () => {
  const phone = uniquePhone();
  const before = received.length;
  const report = () => apiPost(server, DEMO.key, '/webhooks/missed-call/demo', { from: phone, call_id: `CA-${phone}` });
  const answers = await Promise.all([1, 2, 3, 4, 5].map(report));
  for (const a of answers) assert.equal(a.status, 202, a.text);
  assert.match(answers[0].json.follow_up, /Sorry we missed your call/);
  assert.ok(answers.every((a) => a.json.follow_up === answers[0].json.follow_up), 'every report gets the same answer');

  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1);
  assert.equal(conversations[0].channel, 'sms', 'the follow-up conversation is by text');
  const sent = await eventually(async () => {
    const msgs = await messagesOf(server, DEMO.key, conversations[0].id);
    const out = msgs.find((m) => m.direction === 'outbound');
    return out?.status === 'sent' ? msgs : null;
  }, { timeoutMs: 20_000, what: 'the follow-up marked sent' });
  const call = sent.find((m) => m.direction === 'inbound');
  assert.deepEqual([call.channel, call.status, call.provider_message_id], ['voice', 'missed', `CA-${phone}`], 'the missed call is on the timeline');
  const followUp = sent.find((m) => m.direction === 'outbound');
  assert.match(followUp.provider_message_id, /^SM\d{32}$/, 'the Twilio message SID is recorded');

  const texts = received.slice(before).filter((r) => r.form.To === phone);
  assert.equal(texts.length, 1, `one SMS for five reports: ${JSON.stringify(texts.map((t) => t.form))}`);
  assert.equal(texts[0].form.From, DEMO.number);
  assert.equal(texts[0].form.Body, followUp.body);
});

test('without Twilio credentials the follow-up is recorded as simulated', async () => {
  const phone = uniquePhone();
  const r = await apiPost(server, DEMO2.key, '/webhooks/missed-call/demo2', { from: phone, call_id: 'CA-simulated-1' });
  assert.equal(r.status, 202, r.text);
  const { conversations } = await conversationsOf(server, DEMO2.key, phone);
  await eventually(async () => {
    const msgs = await messagesOf(server, DEMO2.key, conversations[0].id);
    return msgs.find((m) => m.direction === 'outbound')?.status === 'simulated';
  }, { timeoutMs: 20_000, what: 'the follow-up marked simulated' });
  assert.equal(received.filter((x) => x.form.To === phone).length, 0, 'nothing went to Twilio');
});

test('missed-call reports need the tenant key and a valid caller', async () => {
  assertErr(await apiPost(server, undefined, '/webhooks/missed-call/demo', { from: '+447700900123', call_id: 'x' }), 401, 'unauthorized');
  assertErr(await apiPost(server, DEMO2.key, '/webhooks/missed-call/demo', { from: '+447700900123', call_id: 'x' }), 404, 'not_found');
  assertErr(await apiPost(server, DEMO.key, '/webhooks/missed-call/demo', { from: '07700900123', call_id: 'x' }), 400, 'malformed_body');
  assertErr(await apiPost(server, DEMO.key, '/webhooks/missed-call/demo', { from: '+447700900123' }), 400, 'malformed_body');
  assertErr(await apiPost(server, DEMO.key, '/webhooks/missed-call/demo', { from: '+447700900123', call_id: '' }), 400, 'malformed_body');
});
