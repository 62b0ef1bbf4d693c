// Availability and bookings (issue 10): slots in the tenant's time, exactly one winner for a
// contested slot, stays refused by the listing's rules with a compliant alternative, overrides
// until they expire (a second server on the same database with the clock a day on), reschedule
// and cancel, confirmations through the outbox, the sweeper's reminder and review request sent
// once at the injected times, tenant isolation and bad input. The monthly let is the seeded
// listing HV-M1 (migration 0010, its `rules` column).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, prepareDatabase } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, DEMO2, api, apiPost, apiOk, assertError, uniquePhone, listAll, eventually, conversationsOf, messagesOf, sendSms } from './helpers/api.mjs';

// Monday 4 January 2027, 09:00 in London (GMT, +00:00).
const T0 = '2027-01-04T09:00:00Z';
const HOUR = 3_600_000;
// demo2's seeded monthly let HV-M1: {"min_nights": 32, "align_to_month": true} (seed/dev.sql).
const MONTHLY = 'lst_0019b76daa8000000000015';

// The suite reads lists often while waiting for queued deliveries; the API's rate limit is
// limits.test.mjs's subject, not this file's.
const LIMITS = { RATE_LIMIT_API_PER_MIN: '100000', RATE_LIMIT_API_BURST: '100000' };
let server;
let persistDir;

before(async () => {
  persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-bookings-'));
  await prepareDatabase(persistDir);
  server = await startServer({ persistDir, clockAt: T0, vars: LIMITS });
});

after(async () => {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

const book = (key, body) => apiPost(server, key, '/api/v1/bookings', body);
const viewing = (start, phone = uniquePhone(), extra = {}) => ({ kind: 'viewing', contact: { phone, name: 'Alex Doe' }, start, ...extra });
const allBookings = async (key) => (await apiOk(server, key, '/api/v1/bookings')).data;
const outboxTo = async (key, recipient) => (await listAll(server, key, '/api/v1/outbox')).filter((o) => o.recipient === recipient);
const sweep = async (now) => {
  const r = await apiPost(server, undefined, '/__test/sweep', { now });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
async function bodiesTo(key, phone) {
  const { conversations } = await conversationsOf(server, key, phone);
  const messages = (await Promise.all(conversations.map((c) => messagesOf(server, key, c.id)))).flat();
  return messages.filter((m) => m.direction === 'outbound').map((m) => m.body);
}

test('availability lists free viewing slots in the tenant offset, on the grid, within hours', async () => {
  const { data } = await apiOk(server, DEMO.key, '/api/v1/availability?kind=viewing&from=2027-01-05&days=1');
  assert.ok(data.length > 10, JSON.stringify(data));
  assert.equal(data[0].start, '2027-01-05T09:00:00+00:00');
  assert.equal(data[0].end, '2027-01-05T09:30:00+00:00');
  assert.equal(data.at(-1).start, '2027-01-05T17:30:00+00:00', 'the last slot ends at closing');
  for (const s of data) assert.match(s.start, /^2027-01-05T\d\d:(00|30):00\+00:00$/);
  const sunday = await apiOk(server, DEMO.key, '/api/v1/availability?kind=viewing&from=2027-01-10&days=1');
  assert.deepEqual(sunday.data, [], 'closed on Sunday');
  const summer = await apiOk(server, DEMO2.key, '/api/v1/availability?kind=appointment&from=2027-01-05&days=1');
  assert.equal(summer.data[0].start, '2027-01-05T09:00:00+00:00', "demo2's check-in desk opens at 09:00");
  for (const [query, field] of [['kind=stay', 'kind'], ['kind=viewing&days=0', 'days'], ['kind=viewing&from=5/1/2027', 'from'], ['', 'kind']]) {
    const r = await api(server, DEMO.key, `/api/v1/availability?${query}`);
    assertError(r, 400, 'bad_request', query);
    assert.match(r.json.error.message, new RegExp(`\`${field}\``), r.text);
  }
  assertError(await api(server, undefined, '/api/v1/availability?kind=viewing'), 401, 'unauthorized');
});

let winner;

test('twenty concurrent bookings of one viewing slot: exactly one 201, nineteen 409 slot_taken', async () => {
  const start = '2027-01-06T11:00:00+00:00';
  const phones = Array.from({ length: 20 }, () => uniquePhone());
  const answers = await Promise.all(phones.map((phone) => book(DEMO.key, viewing(start, phone, { listing_id: 'lst_elm' }))));
  const created = answers.filter((r) => r.status === 201);
  assert.equal(created.length, 1, answers.map((r) => `${r.status} ${r.text}`).join('\n'));
  for (const r of answers.filter((r) => r.status !== 201)) {
    assertError(r, 409, 'slot_taken');
    assert.ok(r.json.error.alternative?.start, `a taken slot offers the nearest free one: ${r.text}`);
  }
  winner = { ...created[0].json, phone: phones[answers.indexOf(created[0])] };
  assert.equal(winner.kind, 'viewing');
  assert.equal(winner.status, 'confirmed');
  assert.equal(winner.start, start);
  assert.equal(winner.end, '2027-01-06T11:30:00+00:00', 'end defaults to the slot length');
  assert.match(winner.id, /^bkg_/);
  const stored = (await allBookings(DEMO.key)).filter((b) => b.listing_id === 'lst_elm');
  assert.equal(stored.length, 1, 'one booking stored');
  const forListing = await apiOk(server, DEMO.key, '/api/v1/availability?kind=viewing&from=2027-01-06&days=1&listing_id=lst_elm');
  assert.ok(!forListing.data.some((s) => s.start === start), 'the listing is not offered at 11:00 any more');
  const anyListing = await apiOk(server, DEMO.key, '/api/v1/availability?kind=viewing&from=2027-01-06&days=1');
  assert.ok(anyListing.data.some((s) => s.start === start), 'the other negotiator is still free at 11:00');
});

test('the booking is confirmed to the contact through the outbox and is on their timeline', async () => {
  const sent = await eventually(async () => {
    const rows = await outboxTo(DEMO.key, winner.phone);
    return rows.length === 1 && rows[0].status !== 'pending' ? rows : null;
  }, { what: 'the confirmation delivered', intervalMs: 250 });
  assert.equal(sent[0].channel, 'sms');
  assert.equal(sent[0].status, 'simulated', 'demo has no Twilio credentials: recorded, not sent');
  assert.equal(sent[0].payload.body, 'Maple & Pine Lettings: Your viewing on Wednesday at 11:00 is confirmed. Reply here to change it.');
  const bodies = await bodiesTo(DEMO.key, winner.phone);
  assert.deepEqual(bodies, [sent[0].payload.body], 'the confirmation is a message on the contact\'s conversation');
  const mine = await apiOk(server, DEMO.key, `/api/v1/bookings?contact_id=${winner.contact_id}`);
  assert.deepEqual(mine.data.map((b) => b.id), [winner.id]);
});

test('a contact who writes in Spanish is confirmed in Spanish', async () => {
  const phone = uniquePhone();
  const hola = await sendSms(server, { from: phone, body: 'Hola, me gustaría ver un piso de dos dormitorios' });
  assert.equal(hola.status, 200, hola.text);
  const r = await book(DEMO.key, viewing('2027-01-08T14:00:00+00:00', phone));
  assert.equal(r.status, 201, r.text);
  const [sent] = await eventually(async () => {
    const rows = await outboxTo(DEMO.key, phone);
    return rows.length === 1 ? rows : null;
  }, { what: 'the confirmation', intervalMs: 250 });
  assert.equal(sent.payload.body, 'Maple & Pine Lettings: Su visita el viernes a las 14:00 está confirmada. Responda aquí para cambiarla.');
});

test('a 10-night stay at a 32-night month-aligned let is refused with the rule and 1 March to 2 April', async () => {
  const ten = { kind: 'stay', contact: { email: 'guest@example.com' }, listing_id: MONTHLY, start: '2027-02-20', end: '2027-03-02' };
  const r = await book(DEMO2.key, ten);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error, {
    code: 'rule_violation',
    rule: 'min_nights',
    message: 'The minimum stay is 32 nights; 1 March to 2 April would work.',
    alternative: { start: '2027-03-01', end: '2027-04-02' },
  });
  assert.equal((await allBookings(DEMO2.key)).length, 0, 'nothing stored');
  const ok = await book(DEMO2.key, { ...ten, start: '2027-03-01', end: '2027-04-02' });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual([ok.json.start, ok.json.end, ok.json.kind], ['2027-03-01', '2027-04-02', 'stay']);
  const again = await book(DEMO2.key, { ...ten, contact: { email: 'other@example.com' }, start: '2027-03-01', end: '2027-04-05' });
  assertError(again, 409, 'slot_taken');
  assert.deepEqual(again.json.error.alternative, { start: '2027-05-01', end: '2027-06-05' }, 'the next free month');
  const email = await eventually(async () => (await outboxTo(DEMO2.key, 'guest@example.com'))[0], { what: 'the email confirmation', intervalMs: 250 });
  assert.equal(email.channel, 'email');
  assert.match(email.payload.body, /your stay from 1 March to 2 April is confirmed/i);
});

test('reschedule re-checks the rules, cancel is idempotent, and both tell the contact and the live stream', async () => {
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  const phone = uniquePhone();
  const made = await book(DEMO.key, viewing('2027-01-20T10:00:00Z', phone));
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const moved = await apiPost(server, DEMO.key, `/api/v1/bookings/${id}`, { start: '2027-01-20T14:00:00+00:00' });
  assert.equal(moved.status, 200, moved.text);
  assert.deepEqual([moved.json.start, moved.json.end], ['2027-01-20T14:00:00+00:00', '2027-01-20T14:30:00+00:00']);
  const sunday = await apiPost(server, DEMO.key, `/api/v1/bookings/${id}`, { start: '2027-01-24T14:00:00+00:00' });
  assertError(sunday, 422, 'outside_hours');
  assert.ok(sunday.json.error.alternative.start, sunday.text);
  const soon = await apiPost(server, DEMO.key, `/api/v1/bookings/${id}`, { start: '2027-01-04T09:30:00+00:00' });
  assertError(soon, 422, 'rule_violation');
  assert.equal(soon.json.error.rule, 'min_notice');
  assert.match(soon.json.error.message, /^Bookings need at least 2 hours' notice; today at \d\d:\d\d would work\.$/);
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/bookings/${id}`)).start, '2027-01-20T14:00:00+00:00', 'refusals change nothing');
  const cancelled = await apiPost(server, DEMO.key, `/api/v1/bookings/${id}`, { status: 'cancelled' });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.json.status, 'cancelled');
  const twice = await apiPost(server, DEMO.key, `/api/v1/bookings/${id}`, { status: 'cancelled' });
  assert.equal(twice.status, 200);
  assertError(await apiPost(server, DEMO.key, `/api/v1/bookings/${id}`, { start: '2027-01-21T10:00:00Z' }), 409, 'conflict');
  const free = await apiOk(server, DEMO.key, '/api/v1/availability?kind=viewing&from=2027-01-20&days=1');
  assert.equal(free.data.filter((s) => s.start === '2027-01-20T14:00:00+00:00').length, 1, 'a cancelled slot is free again');
  // Written with each change (their deliveries are queued): all three are on the timeline now.
  const bodies = await bodiesTo(DEMO.key, phone);
  assert.equal(bodies.length, 3, JSON.stringify(bodies));
  assert.match(bodies.join('\n'), /is confirmed/);
  assert.match(bodies.join('\n'), /has been moved and is confirmed/);
  assert.match(bodies.join('\n'), /has been cancelled/);
  try {
    const mine = (kind, pred) => (e) => e.event === kind && e.json?.data?.id === id && pred(e.json.data);
    await sse.waitFor(mine('booking.created', (b) => b.start === '2027-01-20T10:00:00+00:00'));
    await sse.waitFor(mine('booking.updated', (b) => b.start === '2027-01-20T14:00:00+00:00' && b.status === 'confirmed'));
    await sse.waitFor(mine('booking.updated', (b) => b.status === 'cancelled'));
    assert.equal(sse.events.filter((e) => e.json?.data?.id === id).length, 3, 'cancelling twice publishes once');
  } finally {
    sse.close();
  }
});

test('the sweeper sends the reminder 24 h before and the review request after, once each', async () => {
  const start = Date.parse('2027-01-06T11:00:00Z');
  const reminders = async () => (await bodiesTo(DEMO.key, winner.phone)).filter((b) => b.includes('a reminder of'));
  const reviews = async () => (await bodiesTo(DEMO.key, winner.phone)).filter((b) => b.includes('how it went'));
  await sweep(start - 25 * HOUR);
  assert.equal((await reminders()).length, 0, 'not yet due');
  const first = await sweep(start - 23 * HOUR);
  assert.equal(first.booking_reminders, 1, JSON.stringify(first));
  await sweep(start - 22 * HOUR);
  assert.deepEqual(await reminders(), ['Maple & Pine Lettings: a reminder of your viewing tomorrow at 11:00. Reply here if you need to change it.']);
  await sweep(start + HOUR / 2);
  assert.equal((await reviews()).length, 0, 'not straight after the viewing');
  const review = await sweep(start + 2 * HOUR);
  assert.equal(review.review_requests, 1, JSON.stringify(review));
  await sweep(start + 3 * HOUR);
  const sent = await reviews();
  assert.equal(sent.length, 1);
  assert.match(sent[0], /https:\/\/g\.page\/r\/maple-and-pine\/review$/);
  await eventually(async () => (await outboxTo(DEMO.key, winner.phone)).every((o) => o.status === 'simulated') && (await outboxTo(DEMO.key, winner.phone)).length === 3, { what: 'three deliveries', intervalMs: 250 });
});

test('tenant isolation: another tenant cannot see, cancel or list a booking', async () => {
  assertError(await api(server, DEMO2.key, `/api/v1/bookings/${winner.id}`), 404, 'not_found');
  assertError(await apiPost(server, DEMO2.key, `/api/v1/bookings/${winner.id}`, { status: 'cancelled' }), 404, 'not_found');
  assert.ok(!(await allBookings(DEMO2.key)).some((b) => b.id === winner.id));
  const theirs = await apiOk(server, DEMO2.key, `/api/v1/bookings?contact_id=${winner.contact_id}`);
  assert.deepEqual(theirs.data, []);
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/bookings/${winner.id}`)).status, 'confirmed', 'still confirmed');
});

test('bad input is a 400 naming the field, and stores nothing', async () => {
  const beforeCount = (await allBookings(DEMO.key)).length;
  const cases = [
    [{ kind: 'party', contact: { phone: uniquePhone() }, start: '2027-01-07T10:00:00Z' }, '`kind`'],
    [{ kind: 'viewing', contact: {}, start: '2027-01-07T10:00:00Z' }, '`contact`'],
    [{ kind: 'viewing', contact: { phone: '0770' }, start: '2027-01-07T10:00:00Z' }, '`contact.phone`'],
    [{ kind: 'viewing', contact: { email: 'nope' }, start: '2027-01-07T10:00:00Z' }, '`contact.email`'],
    [{ kind: 'viewing', contact: { phone: uniquePhone() }, start: '7 Jan 10am' }, '`start`'],
    [{ kind: 'viewing', contact: { phone: uniquePhone() }, start: '2027-01-07T10:00:00Z', end: '2027-01-07T09:00:00Z' }, '`end`'],
    [{ kind: 'stay', contact: { phone: uniquePhone() }, start: '2027-03-01', end: '2027-04-02' }, '`listing_id`'],
    [{ kind: 'stay', contact: { phone: uniquePhone() }, listing_id: MONTHLY, start: '2027-03-01', end: '2027-03-01' }, '`end`'],
  ];
  for (const [body, field] of cases) {
    const r = await book(DEMO.key, body);
    assertError(r, 400, 'bad_request', field);
    assert.ok(r.json.error.message.includes(field), `${field}: ${r.text}`);
  }
  assertError(await book(DEMO.key, { ...viewing('2027-01-07T10:00:00Z'), colour: 'red' }), 400, 'malformed_body');
  assertError(await apiPost(server, DEMO.key, `/api/v1/bookings/${winner.id}`, { status: 'done' }), 400, 'bad_request');
  assertError(await api(server, DEMO.key, '/api/v1/bookings?from=yesterday'), 400, 'bad_request');
  const nobody = await book(DEMO.key, { kind: 'appointment', contact: { phone: uniquePhone() }, start: '2027-01-07T10:00:00Z' });
  assertError(nobody, 422, 'outside_hours', "demo's staff do viewings only");
  assert.equal((await allBookings(DEMO.key)).length, beforeCount, 'nothing stored');
});

test('an override lets a short stay through until it expires (a day later on the injected clock)', async () => {
  const current = await apiOk(server, DEMO2.key, '/api/v1/settings');
  const settings = {
    ...current.settings,
    booking_rules: {
      ...current.settings.booking_rules,
      overrides: [
        { rule: 'min_nights', listing_id: MONTHLY, until: '2027-01-04', value: 7 },
        { rule: 'align_to_month', listing_id: MONTHLY, until: '2027-01-04' },
      ],
    },
  };
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO2.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ settings }),
  });
  assert.equal(put.status, 200, await put.text());
  const stay = (start, end, email) => ({ kind: 'stay', contact: { email }, listing_id: MONTHLY, start, end });
  const today = await book(DEMO2.key, stay('2027-06-10', '2027-06-20', 'short@example.com'));
  assert.equal(today.status, 201, `the override lets 10 nights through today: ${today.text}`);
  await server.stop();
  server = await startServer({ persistDir, clockAt: '2027-01-05T09:00:00Z', vars: LIMITS });
  const tomorrow = await book(DEMO2.key, stay('2027-07-10', '2027-07-20', 'late@example.com'));
  assertError(tomorrow, 422, 'rule_violation');
  assert.equal(tomorrow.json.error.rule, 'min_nights');
  assert.deepEqual(tomorrow.json.error.alternative, { start: '2027-07-01', end: '2027-08-02' });
});
