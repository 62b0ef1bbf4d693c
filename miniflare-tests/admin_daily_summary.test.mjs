// The daily summary email (docs/API.md "Analytics"): the `daily_summary` job (enqueued by the
// cron sweeper at 08:00 local for the day before; run here through `POST /__test/job`) emails
// each owner the day's numbers through the tenant's Resend channel — asserted on a fake
// speaking Resend's wire format — once per owner and day; a tenant without the channel has it
// recorded `simulated`.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, apiOk, apiPost, listAll, eventually } from './helpers/api.mjs';

const RESEND_KEY = 're_test_' + 'd41ly'.repeat(5);
const FROM = 'Maple and Pine <desk@mapleandpine.example>';
let resend;
let server;

before(async () => {
  resend = await fakeProvider(() => [200, { id: `5ef9a417-02e9-4d39-ad75-${String(resend.requests.length).padStart(12, '0')}` }]);
  server = await startServerWith({
    sql: [
      `INSERT INTO tenant_channels (id, tenant_id, provider, address, secret_ref, created_at) ` +
        `VALUES ('chn_demo_resend', 'ten_demo', 'resend', '${FROM}', 'env:RESEND_TEST_KEY', 1767225600000)`,
    ],
    vars: { RESEND_API_BASE: resend.url, RESEND_TEST_KEY: RESEND_KEY },
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  resend?.close();
});

test("each owner gets the day's summary by email once; a tenant without email has it recorded simulated", async () => {
  assertTwimlReply(await sendSms(server, { from: uniquePhone(), body: 'What are your opening hours?' }));
  const today = (await apiOk(server, DEMO.key, '/api/v1/analytics')).range.to;
  const job = { kind: 'daily_summary', tenant_id: 'ten_demo', date: today };
  const ran = await apiPost(server, undefined, '/__test/job', job);
  assert.equal(ran.status, 200, ran.text);

  const emails = resend.requests.filter((r) => r.url === '/emails');
  assert.equal(emails.length, 1, 'one owner, one email');
  const [email] = emails;
  assert.equal(email.method, 'POST');
  assert.equal(email.headers.authorization, `Bearer ${RESEND_KEY}`);
  assert.match(email.headers['content-type'], /^application\/json/);
  assert.ok(email.headers['idempotency-key'], 'sent under an idempotency key');
  assert.deepEqual(Object.keys(email.json).sort(), ['from', 'subject', 'text', 'to']);
  assert.equal(email.json.from, FROM);
  assert.deepEqual(email.json.to, ['owner@demo.example']);
  assert.match(email.json.subject, new RegExp(`: your front desk on ${today}$`));
  for (const line of ['Conversations: 1', 'Median first reply: ', 'After-hours enquiries answered: ', 'Booked: 0 of 1 who wrote']) {
    assert.ok(email.json.text.includes(line), `${line} in ${email.json.text}`);
  }

  assert.equal((await apiPost(server, undefined, '/__test/job', job)).status, 200);
  assert.equal(resend.requests.filter((r) => r.url === '/emails').length, 1, 'the same day is not sent twice');

  assert.equal((await apiPost(server, undefined, '/__test/job', { ...job, tenant_id: DEMO2.tenantId })).status, 200);
  assert.equal(resend.requests.filter((r) => r.url === '/emails').length, 1, "demo2 has no Resend channel: nothing reaches Resend");
  const outbox = await eventually(async () => {
    const rows = (await listAll(server, DEMO2.key, '/api/v1/outbox')).filter((o) => o.channel === 'email');
    return rows.length ? rows : null;
  }, { what: "demo2's summary in its outbox" });
  assert.equal(outbox.length, 1);
  assert.equal(outbox[0].status, 'simulated');
  assert.equal(outbox[0].recipient, 'owner@demo2.example');
  const demoOutbox = (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.payload?.kind === 'email');
  assert.deepEqual(demoOutbox.map((o) => [o.recipient, o.status]), [['owner@demo.example', 'sent']]);
});
