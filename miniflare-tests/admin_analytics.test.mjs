// Analytics over seeded conversations (docs/API.md "Analytics"): a fresh tenant gets three
// signed SMS conversations through the real webhook; its report counts them, times the first
// replies, reads what they asked about; other tenants' reports never include them.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, uniquePhone, sendSms, assertTwimlReply, assertError, api, apiOk, apiPost, eventually } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer({ clockAt: '2026-11-30T10:00:00Z' }); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

test('the report adds up seeded conversations, on the tenant’s own dates, and only its own', async () => {
  const made = await apiPost(server, DEMO.key, '/api/v1/tenants', {
    name: 'Harbour Lets', slug: 'harbour-lets', template: 'letting_agent', timezone: 'Europe/London',
    owner_email: 'owner@harbour.example', owner_password: 'harbour owner password',
  });
  assert.equal(made.status, 201, made.text);
  const { api_key: key, channels: { sms } } = made.json;
  for (const body of ['What are your opening hours?', 'what time are you open on Saturday?', 'Is the flat on Elm Road still available?']) {
    assertTwimlReply(await sendSms(server, { from: uniquePhone(), to: sms.number, token: sms.auth_token, body }), body);
  }
  const report = await eventually(async () => {
    const r = await apiOk(server, key, '/api/v1/analytics');
    return r.leads === 3 ? r : undefined;
  }, { what: 'three leads scored by the queue' });
  assert.equal(report.conversations, 3);
  assert.equal(report.inbound_messages, 3);
  assert.equal(typeof report.median_first_reply_ms, 'number');
  assert.ok(report.median_first_reply_ms >= 0);
  assert.deepEqual(report.leads_by_day.map((d) => [d.channel, d.count]), [['sms', 3]]);
  assert.equal(report.leads_by_day[0].date, report.range.to, "today's date, in the tenant's timezone");
  assert.equal(report.busiest_hours.length, 24);
  assert.equal(report.busiest_hours.reduce((n, h) => n + h.count, 0), 3);
  assert.deepEqual(report.top_questions[0], { topic: 'hours_location', count: 2 });
  assert.equal(report.after_hours.enquiries, report.after_hours.answered, 'every enquiry got its answer');
  assert.equal(report.booking_conversion.enquirers, 3);

  const before = await apiOk(server, key, `/api/v1/analytics?from=2020-01-01&to=2020-01-31`);
  assert.equal(before.conversations, 0, 'a range before any message is empty');
  assert.equal(before.median_first_reply_ms, null);
  const demo = await apiOk(server, DEMO.key, `/api/v1/analytics?from=${report.range.from}&to=${report.range.to}`);
  assert.equal(demo.conversations, 0, "another tenant's report has none of these");
  assert.deepEqual(demo.leads_by_day, []);

  assertError(await api(server, key, '/api/v1/analytics?from=2026-02-30'), 400, 'bad_request', 'no such date');
  assertError(await api(server, key, '/api/v1/analytics?from=2026-12-02&to=2026-12-01'), 400, 'bad_request', 'backwards');
  assertError(await api(server, key, '/api/v1/analytics?from=2024-01-01&to=2026-01-01'), 400, 'bad_request', 'too long');
  assertError(await api(server, undefined, '/api/v1/analytics'), 401, 'unauthorized');
});
