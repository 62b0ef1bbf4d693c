// Follow-up sequences for leads who go quiet, sent by the sweeper (`POST /__test/sweep
// {"now"}`) with the business clock starting on a Monday at 10:00 in London (`clockAt`):
// step 1 at +2 h (not before), step 2 at +24 h, never in quiet hours, each once however often
// the sweeper runs; any reply or a STOP ends the sequence. Deliveries reach a fake Twilio that
// records the REST API's form fields.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO2, uniquePhone, sendSms, apiPost, assertTwimlReply, eventually } from './helpers/api.mjs';

const ACCOUNT_SID = 'AC' + '2f'.repeat(16);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const STAY_TEXT = 'Still planning your stay? Reply and we will check dates for you.';

let twilio;
let server;

before(async () => {
  twilio = await fakeProvider(() => [201, { sid: 'SM' + String(twilio.requests.length).padStart(32, '0'), status: 'queued' }]);
  const demo2FollowUp = JSON.stringify({ steps: [{ after_minutes: 12 * 60, text: STAY_TEXT }] });
  server = await startServerWith({
    sql: [
      `UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id IN ('chn_demo_twilio', 'chn_demo2_twilio')`,
      // demo: the defaults (2 h, 24 h, 3 days) within Mon–Sat opening hours.
      `UPDATE tenants SET settings = json_set(settings, '$.follow_up', json('{}')) WHERE id = 'ten_demo'`,
      // demo2 (open round the clock): one step 12 hours on, which lands in quiet hours.
      `UPDATE tenants SET settings = json_set(settings, '$.follow_up', json('${demo2FollowUp}')) WHERE id = 'ten_demo2'`,
    ],
    vars: { TWILIO_API_BASE: twilio.url },
    clockAt: '2026-03-02T10:00:00Z',
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

const sentTo = (phone) => twilio.requests.filter((r) => r.form.To === phone).map((r) => r.form.Body);
const sweep = async (now) => {
  const r = await apiPost(server, undefined, '/__test/sweep', { now });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
/** Sweeps at `now`, then waits until the queue has delivered what it sent. */
const sweepAndDeliver = async (now, expected) => {
  await sweep(now);
  await eventually(async () => expected.every(([phone, n]) => sentTo(phone).length === n), {
    timeoutMs: 20_000, what: `deliveries ${JSON.stringify(expected)}`,
  });
};

test('a silent lead gets step 1 at +2 h and step 2 at +24 h; a reply or STOP ends it; quiet hours hold', async () => {
  const t0 = server.now();
  const [silent, replies, stops, stopsFirst, stayer] = [1, 2, 3, 4, 5].map(() => uniquePhone());
  for (const phone of [silent, replies, stops]) {
    assertTwimlReply(await sendSms(server, { from: phone, body: 'Hi, is the two-bed flat on Elm Road still available?' }));
  }
  assertTwimlReply(await sendSms(server, { from: stopsFirst, body: 'Do you have any studios to rent?' }));
  await sendSms(server, { from: stopsFirst, body: 'STOP' });
  assertTwimlReply(await sendSms(server, { to: DEMO2.number, token: DEMO2.token, from: stayer, body: 'Do you have a cottage free in April?' }));
  // The TwiML replies went back in the webhook answers: nothing has used the REST API yet.
  assert.equal(twilio.requests.length, 0);

  await sweep(t0 + 2 * HOUR - MINUTE);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.deepEqual([silent, replies, stops].map(sentTo), [[], [], []], 'nothing before +2 h');

  await sweepAndDeliver(t0 + 2 * HOUR + MINUTE, [[silent, 1], [replies, 1], [stops, 1]]);
  assert.match(sentTo(silent)[0], /^Just checking in/);
  const form = twilio.requests.find((r) => r.form.To === silent).form;
  assert.equal(form.From, '+14155550100', 'sent from the tenant\'s number');
  // The sweeper runs every minute: a step is sent once.
  await sweep(t0 + 2 * HOUR + 2 * MINUTE);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(sentTo(silent).length, 1, 'step 1 once');
  assert.deepEqual(sentTo(stopsFirst), [], 'an opted-out lead gets nothing');

  assertTwimlReply(await sendSms(server, { from: replies, body: 'Yes, I am still interested, could I see it on Friday?' }));
  await sendSms(server, { from: stops, body: 'STOP' });

  // demo2's 12-hour step falls at 22:00: quiet hours (21:00–08:00) keep it back until 08:00.
  await sweep(t0 + 12 * HOUR + 30 * MINUTE);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.deepEqual(sentTo(stayer), [], 'not at 22:30');
  await sweepAndDeliver(t0 + 22 * HOUR + 5 * MINUTE, [[stayer, 1]]);
  assert.deepEqual(sentTo(stayer), [STAY_TEXT], 'sent at 08:05');
  assert.equal(sentTo(silent).length, 1, 'step 2 waits for +24 h');

  await sweepAndDeliver(t0 + 24 * HOUR + MINUTE, [[silent, 2]]);
  assert.match(sentTo(silent)[1], /still looking/);
  await sweep(t0 + 4 * 24 * HOUR);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(sentTo(replies).length, 1, 'a reply ended the sequence');
  assert.equal(sentTo(stops).length, 1, 'STOP ended the sequence');
  assert.deepEqual(sentTo(stopsFirst), []);
});

test('settings refuse a bad follow-up sequence or emergency contractor, naming the problem, and store nothing', async () => {
  const get = async () => (await (await fetch(`${server.baseUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${DEMO2.key}` } })).json()).settings;
  const current = await get();
  const put = (settings) => fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO2.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...current, ...settings } }),
  });
  const steps = await put({ follow_up: { steps: [{ after_minutes: 120 }, { after_minutes: 60 }], quiet_hours: { from: '9pm', until: '08:00' } } });
  assert.equal(steps.status, 400);
  const message = (await steps.json()).error.message;
  assert.match(message, /follow_up\.steps\[1\]\.after_minutes/);
  assert.match(message, /follow_up\.quiet_hours\.from: HH:MM/);
  const contractor = await put({ maintenance: { emergency_contractor: { name: 'Pipe Pros', phone: 'call us' } } });
  assert.equal(contractor.status, 400);
  assert.deepEqual(await get(), current, 'nothing stored');
  const ok = await put({ maintenance: { emergency_contractor: { name: 'Pipe Pros', phone: '+441632960123' } } });
  assert.equal(ok.status, 200, await ok.text());
  assert.deepEqual((await get()).maintenance, { emergency_contractor: { name: 'Pipe Pros', phone: '+441632960123' } });
});
