// Fault injection: the pipeline keeps its promises when parts of it fail. Asserted by count —
// no inbound message lost, no outbound sent twice, every failure visible (an escalation, a
// `failed` row or an audit entry) — with each event delivered five times concurrently.
//
// Faults come from the test environment only (ENVIRONMENT=test, set by the harness and by no
// deployed configuration): `#fault:enqueue` makes the turn's queue send fail, `#fault:d1` makes
// its first D1 batch fail; a hanging fake LLM and a killed server stand in for a turn that dies
// between its two batches. `POST /__test/sweep {"now"}` runs the sweeper with an injected clock.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeProvider } from './helpers/fake_provider.mjs';
import { startFakeLlm } from './helpers/fake_llm.mjs';
import { startServer, prepareDatabase, wrangler } from './helpers/server.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, listAll, eventually, api, apiPost, contactsByPhone, conversationsOf, messagesOf } from './helpers/api.mjs';

const ACCOUNT_SID = 'AC' + '0f'.repeat(16);
const MINUTE = 60_000;
const LLM_KEY = 'sk-test-frontdesk';

let twilio;
/** phone → what the fake Twilio does with its next requests to that number, before answering 201. */
const outage = new Map();
let llm;
let persistDir;
let server;
let vars;

/** (Re)starts the server on the same D1; a restart keeps the business clock where it was. */
async function start() {
  server = await startServer({ persistDir, vars, clockAt: server?.now() });
}

before(async () => {
  let counter = 0;
  twilio = await fakeProvider(({ form }) => {
    counter += 1;
    // A test can script a number's first answers: 'hang' (never answers) or an HTTP status.
    const next = outage.get(form.To)?.shift();
    if (next === 'hang') return null;
    if (typeof next === 'number') return [next, { code: 20500, message: 'Service unavailable', status: next }];
    return [201, { sid: 'SM' + String(counter).padStart(32, '0'), status: 'queued', to: form.To }];
  });
  llm = await startFakeLlm({ apiKey: LLM_KEY });
  persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-faults-'));
  await prepareDatabase(persistDir);
  const llmSettings = JSON.stringify({ provider: 'anthropic', model: 'claude-test', api_key: 'env:LLM_TEST_KEY', base_url: llm.url, timeout_ms: 30000 });
  const onCall = JSON.stringify([
    { name: 'Sam', phone: '+447700900999', email: 'sam@maplepine.example' },
    { name: 'Alex', phone: '+447700900888' },
  ]);
  const sql = [
    `UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id IN ('chn_demo_twilio', 'chn_demo2_twilio')`,
    `UPDATE tenants SET settings = json_set(settings, '$.on_call', json('${onCall}')) WHERE id = 'ten_demo'`,
    // demo2 answers with an LLM: the turn that dies between its two batches.
    `UPDATE tenants SET settings = json_set(settings, '$.llm', json('${llmSettings}')) WHERE id = 'ten_demo2'`,
  ].join('; ');
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--command', sql]);
  vars = { TWILIO_API_BASE: twilio.url, LLM_TEST_KEY: LLM_KEY };
  await start();
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
  llm?.close();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

async function sweep(now) {
  const r = await apiPost(server, undefined, '/__test/sweep', { now });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const sentTo = (phone) => twilio.requests.filter((r) => r.form.To === phone);
const settle = () => new Promise((r) => setTimeout(r, 3_000));

async function timeline(key, phone) {
  const { conversations } = await conversationsOf(server, key, phone);
  const messages = [];
  for (const c of conversations) messages.push(...(await messagesOf(server, key, c.id)));
  return messages;
}

function signForm(body) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', 'demo-form-signing-secret').update(`${t}.${body}`).digest('hex')}`;
}

test('a failed queue send loses nothing: the sweeper sends the reply and the pages once, ×5 deliveries', async () => {
  const phone = uniquePhone();
  const body = JSON.stringify({ name: 'Dana', phone, message: 'Water is pouring through my ceiling #fault:enqueue' });
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => fetch(`${server.baseUrl}/webhooks/forms/demo`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-frontdesk-signature': signForm(body) }, body,
  }).then((r) => r.status)));
  assert.deepEqual(answers, [202, 202, 202, 202, 202]);
  await settle();
  assert.equal(sentTo(phone).length, 0, 'nothing was sent: the queue refused the jobs');
  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  const messages = await timeline(DEMO.key, phone);
  assert.equal(messages.filter((m) => m.direction === 'inbound').length, 1, 'the enquiry is stored once');
  const reply = messages.find((m) => m.direction === 'outbound');
  assert.equal(reply.status, 'queued');
  const pending = (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.status === 'pending'
    && (o.recipient === phone || o.payload?.body?.includes('Water is pouring through my ceiling #fault:enqueue')));
  assert.equal(pending.length, 3, `the reply and both pages wait in the outbox: ${JSON.stringify(pending)}`);

  const report = await sweep(server.now() + 6 * MINUTE);
  assert.ok(report.intents_requeued >= 4, `reply, SMS page, email page and the lead update: ${JSON.stringify(report)}`);
  await eventually(async () => sentTo(phone).length === 1 && sentTo('+447700900999').some((r) => r.form.Body.includes(contact.id) || r.form.Body.includes('ceiling')),
    { timeoutMs: 20_000, what: 'the reply and the page sent' });
  const lead = await eventually(async () => {
    const r = await api(server, DEMO.key, `/api/v1/leads/${contact.id}`);
    return r.status === 200 && r.json;
  }, { timeoutMs: 20_000, what: 'the lead updated' });
  assert.equal(lead.contact_id, contact.id);
  const again = await sweep(server.now() + 12 * MINUTE);
  assert.equal(again.intents_requeued, 0, `nothing left to send: ${JSON.stringify(again)}`);
  await settle();
  assert.equal(sentTo(phone).length, 1, 'the reply went once');
  assert.equal(sentTo('+447700900999').filter((r) => r.form.Body.includes('ceiling')).length, 1, 'the page went once');
  assert.equal((await timeline(DEMO.key, phone)).find((m) => m.direction === 'outbound').status, 'sent');
  // A week later the finished intents are cleared; the outbox and the timeline keep the history.
  assert.ok((await sweep(server.now() + 8 * 24 * 60 * MINUTE)).intents_pruned >= 4);
  assert.equal((await timeline(DEMO.key, phone)).length, 2);
});

test('a failed D1 batch loses nothing: the message is stored and answered through the queue, ×5 deliveries', async () => {
  const phone = uniquePhone();
  const first = await sendSms(server, { from: phone, body: 'Hi, is the Elm Road flat free? #fault:d1' });
  const copies = await Promise.all([1, 2, 3, 4].map(() => sendSms(server, { from: phone, body: 'Hi, is the Elm Road flat free? #fault:d1', messageSid: first.messageSid })));
  for (const r of [first, ...copies]) {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.replies.length, 0, 'acknowledged without an inline reply: it comes by REST');
  }
  await eventually(async () => sentTo(phone).length >= 1, { timeoutMs: 30_000, what: 'the reply sent through Twilio' });
  await settle();
  const messages = await timeline(DEMO.key, phone);
  assert.equal(messages.filter((m) => m.direction === 'inbound').length, 1, 'stored once');
  assert.equal(messages.filter((m) => m.direction === 'outbound').length, 1, 'answered once');
  assert.equal(sentTo(phone).length, 1, 'sent once');
  assert.equal(messages.find((m) => m.direction === 'outbound').status, 'sent');
});

test('a provider that hangs, then fails with 503, is retried until the reply is sent: one reply accepted', async () => {
  const phone = uniquePhone();
  outage.set(phone, ['hang', 503]);
  const body = JSON.stringify({ name: 'Eli', phone, message: 'Do you have any studios to rent?' });
  const r = await fetch(`${server.baseUrl}/webhooks/forms/demo`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-frontdesk-signature': signForm(body) }, body,
  });
  assert.equal(r.status, 202, await r.text());
  // Attempt 1 hangs until the 10 s provider timeout, attempt 2 gets a 503; both retried by the queue.
  const reply = await eventually(async () => (await timeline(DEMO.key, phone)).find((m) => m.direction === 'outbound' && m.status === 'sent'),
    { timeoutMs: 60_000, intervalMs: 500, what: 'the reply sent after the outage' });
  assert.equal(sentTo(phone).length, 3, 'hung, refused, accepted');
  const row = (await listAll(server, DEMO.key, '/api/v1/outbox')).find((o) => o.payload?.message_id === reply.id);
  assert.equal(row.status, 'sent');
  assert.equal(row.attempts, 3, 'each attempt is counted on the outbox row');
  await settle();
  assert.equal(sentTo(phone).length, 3, 'nothing sent after the accepted one');
});

test('an unacknowledged emergency is re-paged to the next on-call contact after the timeout, once', async () => {
  const phone = uniquePhone();
  const r = await sendSms(server, { from: phone, body: 'There is a gas leak in the kitchen!' });
  assert.equal(r.status, 200, r.text);
  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  const escalation = await eventually(async () => (await listAll(server, DEMO.key, '/api/v1/escalations'))
    .find((e) => e.contact_id === contact.id && e.reason === 'emergency'), { what: 'the emergency escalation' });
  await eventually(async () => sentTo('+447700900999').some((p) => p.form.Body.includes(escalation.id)), { timeoutMs: 20_000, what: 'the first page' });
  // Other tests' emergencies share the server, so pages are counted by this escalation's id.
  const pagesOf = (to) => sentTo(to).filter((p) => p.form.Body.includes(escalation.id));

  await sweep(server.now() + 5 * MINUTE);
  await settle();
  assert.equal(pagesOf('+447700900888').length, 0, 'not before the 10-minute timeout');
  assert.ok((await sweep(server.now() + 11 * MINUTE)).escalations_repaged >= 1);
  await eventually(async () => pagesOf('+447700900888').length === 1, { timeoutMs: 20_000, what: 'Alex paged' });
  assert.match(pagesOf('+447700900888')[0].form.Body, /STILL OPEN, page 2/);
  await sweep(server.now() + 12 * MINUTE);
  await settle();
  assert.equal(pagesOf('+447700900888').length, 1, 'the timeout runs again from the re-page');

  const ack = await apiPost(server, DEMO.key, `/api/v1/escalations/${escalation.id}`, { status: 'acknowledged' });
  assert.equal(ack.status, 200, ack.text);
  await sweep(server.now() + 60 * MINUTE);
  await settle();
  assert.equal(pagesOf('+447700900888').length, 1, 'acknowledged: Alex is not paged again');
  assert.equal(pagesOf('+447700900999').length, 1, 'nor Sam a second time');
});

test('a turn killed between its two batches is answered in the end: the rules brain replies and the team is told', async () => {
  llm.push({ hang: true });
  const phone = uniquePhone();
  // The model hangs; the server dies with the turn half-way (message stored, no reply).
  const pending = sendSms(server, { to: DEMO2.number, token: DEMO2.token, from: phone, body: 'Hi, do you have a cottage free next weekend?' })
    .catch((e) => ({ error: e }));
  await eventually(async () => (await contactsByPhone(server, DEMO2.key, phone)).length === 1, { what: 'the message stored before the model call' });
  await server.stop();
  await pending;
  await start();
  const stored = await timeline(DEMO2.key, phone);
  assert.deepEqual(stored.map((m) => m.direction), ['inbound'], 'stored, not yet answered');

  const report = await sweep(server.now() + MINUTE);
  assert.equal(report.claims_answered, 1, JSON.stringify(report));
  await eventually(async () => sentTo(phone).length === 1, { timeoutMs: 20_000, what: 'the recovered reply sent by REST' });
  const messages = await timeline(DEMO2.key, phone);
  assert.equal(messages.filter((m) => m.direction === 'inbound').length, 1);
  assert.equal(messages.filter((m) => m.direction === 'outbound').length, 1);
  const [contact] = await contactsByPhone(server, DEMO2.key, phone);
  const failure = (await listAll(server, DEMO2.key, '/api/v1/escalations')).find((e) => e.contact_id === contact.id);
  assert.equal(failure?.reason, 'ai_failure', 'the team is told the answer came from the fallback');
  assert.equal((await sweep(server.now() + 2 * MINUTE)).claims_answered, 0, 'answered once');
  await settle();
  assert.equal(sentTo(phone).length, 1);
});
