// Bookings through the tenant's integrations, each against a fake speaking the provider's wire
// format (issue 10):
// - Cal.com as the calendar source (`settings.calcom`): availability offers only the starts
//   Cal.com's `GET /v2/slots` offers too (Bearer key, `cal-api-version: 2024-09-04`); Cal.com
//   down means the local calendar is offered, never an error; a booking made in Frontdesk is
//   created in Cal.com once (`POST /v2/bookings`, `cal-api-version: 2024-08-13`) though the
//   first try fails, its uid stored on our booking; a move and a cancellation follow it there.
// - HubSpot deals (`settings.hubspot`): a booking upserts the contact and opens one deal
//   associated with them, though the first try fails, its id stored on our booking; its
//   cancellation marks the deal lost.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, DEMO2, api, apiPost, apiOk, eventually, listAll, uniquePhone, sendSms, assertTwimlReply } from './helpers/api.mjs';

// Monday 4 January 2027, 09:00 in London (GMT, +00:00).
const T0 = '2027-01-04T09:00:00Z';
const CALCOM_KEY = 'cal_live_' + 'c0ffee'.repeat(5);
const HUBSPOT_TOKEN = 'pat-na1-' + 'beef'.repeat(8);
const EVENT_TYPE = 5077497;

let calcom;
let hubspot;
let server;
/** Cal.com's free starts today and on Tuesday 5 January, as it answers them (one outside our hours). */
const calcomToday = ['2027-01-04T11:00:00.000+00:00', '2027-01-04T15:30:00.000+00:00'];
const calcomStarts = ['2027-01-05T10:00:00.000+00:00', '2027-01-05T14:30:00.000+00:00', '2027-01-05T21:00:00.000+00:00'];
let calcomDown = false;
let failNextCalcomBooking = 1;
let failNextDeal = 1;
/** Answer the next Cal.com booking this late (ms): a slow Cal.com. */
let slowNextCalcomBooking = 0;
/** uid → booking, as the fake Cal.com holds them. */
const calcomBookings = new Map();
/** The deals the fake HubSpot created. */
const deals = [];

before(async () => {
  calcom = await fakeProvider(({ method, url, json }) => {
    if (method === 'GET' && url.startsWith('/v2/slots?')) {
      if (calcomDown) return [503, { status: 'error', error: { message: 'unavailable' } }];
      const day = (starts) => starts.map((start) => ({ start }));
      return [200, { status: 'success', data: { '2027-01-04': day(calcomToday), '2027-01-05': day(calcomStarts) } }];
    }
    if (method === 'POST' && url === '/v2/bookings') {
      if (failNextCalcomBooking > 0) {
        failNextCalcomBooking -= 1;
        return [500, { status: 'error', error: { code: 'InternalServerErrorException', message: 'try again' } }];
      }
      const uid = `uid-${calcomBookings.size + 1}`;
      calcomBookings.set(uid, { ...json, status: 'accepted' });
      const answer = [201, { status: 'success', data: { id: calcomBookings.size, uid, start: json.start, status: 'accepted' } }];
      const delay = slowNextCalcomBooking;
      slowNextCalcomBooking = 0;
      return delay ? new Promise((r) => setTimeout(() => r(answer), delay)) : answer;
    }
    const move = url.match(/^\/v2\/bookings\/([^/]+)\/(reschedule|cancel)$/);
    if (method === 'POST' && move && calcomBookings.has(move[1])) {
      const old = calcomBookings.get(move[1]);
      if (move[2] === 'cancel') {
        old.status = 'cancelled';
        return [200, { status: 'success', data: { uid: move[1], status: 'cancelled' } }];
      }
      old.status = 'cancelled';
      const uid = `uid-${calcomBookings.size + 1}`;
      calcomBookings.set(uid, { ...old, start: json.start, status: 'accepted' });
      return [201, { status: 'success', data: { uid, start: json.start, rescheduledFromUid: move[1] } }];
    }
    return [404, { status: 'error', error: { message: `no route ${method} ${url}` } }];
  });
  hubspot = await fakeProvider(({ method, url, json }) => {
    if (url === '/crm/v3/objects/contacts/batch/upsert') {
      return [200, { status: 'COMPLETE', results: [{ id: '701', properties: json.inputs[0].properties, new: true }] }];
    }
    if (url === '/crm/v3/objects/contacts/search') return [200, { total: 0, results: [] }];
    if (url === '/crm/v3/objects/contacts') return [201, { id: '702', properties: json.properties }];
    if (url === '/crm/v3/objects/notes') return [201, { id: '9001', properties: json.properties }];
    if (url === '/crm/v3/objects/deals') {
      if (failNextDeal > 0) {
        failNextDeal -= 1;
        return [502, { status: 'error', message: 'Bad gateway' }];
      }
      deals.push(json);
      return [201, { id: String(8000 + deals.length), properties: json.properties }];
    }
    const deal = url.match(/^\/crm\/v3\/objects\/deals\/(\d+)$/);
    if (method === 'PATCH' && deal && deals[Number(deal[1]) - 8001]) {
      Object.assign(deals[Number(deal[1]) - 8001].properties, json.properties);
      return [200, { id: deal[1], properties: json.properties }];
    }
    return [404, { status: 'error', message: `no route ${method} ${url}` }];
  });
  server = await startServerWith({
    clockAt: T0,
    sql: [
      `UPDATE tenants SET settings = json_set(settings, ` +
        `'$.hubspot', json('{"token": "env:HUBSPOT_TOKEN_DEMO"}'), ` +
        `'$.calcom', json('{"api_key": "env:CALCOM_API_KEY_DEMO", "event_type_id": ${EVENT_TYPE}}')) WHERE id = 'ten_demo'`,
    ],
    vars: {
      CALCOM_API_BASE: calcom.url, CALCOM_API_KEY_DEMO: CALCOM_KEY,
      HUBSPOT_API_BASE: hubspot.url, HUBSPOT_TOKEN_DEMO: HUBSPOT_TOKEN,
      RATE_LIMIT_API_PER_MIN: '100000', RATE_LIMIT_API_BURST: '100000',
    },
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  calcom?.close();
  hubspot?.close();
});

const slotsAsked = () => calcom.requests.filter((r) => r.url.startsWith('/v2/slots?'));

test('availability offers only the times Cal.com has free too, asked in the tenant zone', async () => {
  const before = slotsAsked().length;
  const { data } = await apiOk(server, DEMO.key, '/api/v1/availability?kind=viewing&from=2027-01-05&days=1');
  assert.deepEqual(data, [
    { start: '2027-01-05T10:00:00+00:00', end: '2027-01-05T10:30:00+00:00' },
    { start: '2027-01-05T14:30:00+00:00', end: '2027-01-05T15:00:00+00:00' },
  ], '21:00 is free in Cal.com but after closing: not offered');
  const asked = slotsAsked().slice(before);
  assert.equal(asked.length, 1);
  const [call] = asked;
  assert.equal(call.method, 'GET');
  const url = new URL(call.url, calcom.url);
  assert.equal(url.pathname, '/v2/slots');
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    eventTypeId: String(EVENT_TYPE), start: '2027-01-05', end: '2027-01-05', timeZone: 'Europe/London',
  });
  assert.equal(call.headers.authorization, `Bearer ${CALCOM_KEY}`);
  assert.equal(call.headers['cal-api-version'], '2024-09-04');
  assert.equal(call.raw, '', 'a GET carries no body');
});

test('with Cal.com down, availability offers the local calendar and says so in the log', async () => {
  calcomDown = true;
  try {
    const r = await api(server, DEMO.key, '/api/v1/availability?kind=viewing&from=2027-01-05&days=1');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.data.length > 10, `the whole local day: ${r.text}`);
    assert.equal(r.json.data[0].start, '2027-01-05T09:00:00+00:00');
    // workerd's log lines reach the harness shortly after the answer.
    await eventually(async () => /cal\.com slots unavailable for tenant ten_demo, offering the local calendar: status 503/.test(server.logs()),
      { what: 'the fallback logged' });
  } finally {
    calcomDown = false;
  }
});

test('the conversation offers only the times Cal.com has free', async () => {
  const phone = uniquePhone();
  const say = async (body) => assertTwimlReply(await sendSms(server, { from: phone, body }), body);
  await say('Hi, is the flat on Elm Road still available?');
  const before = slotsAsked().length;
  const offer = await say('Great, can I view it?');
  const times = [...offer.matchAll(/\b(\d\d:\d\d)\b/g)].map((m) => m[1]);
  const calcomTimes = [...calcomToday, ...calcomStarts].map((s) => s.slice(11, 16));
  assert.ok(times.length >= 2, `free times offered: ${offer}`);
  assert.ok(times.every((t) => calcomTimes.includes(t)), `only times Cal.com has free (${calcomTimes}): ${offer}`);
  assert.ok(!times.includes('21:00'), 'never one after closing');
  assert.ok(slotsAsked().length > before, 'the turn asked Cal.com');
});

let booking;

test('a booking is created in Cal.com and opens a HubSpot deal, each once though the first try fails', async () => {
  const phone = uniquePhone();
  const r = await apiPost(server, DEMO.key, '/api/v1/bookings', {
    kind: 'viewing', start: '2027-01-05T10:00:00+00:00',
    contact: { phone, email: 'dana.reyes@example.com', name: 'Dana Reyes' },
  });
  assert.equal(r.status, 201, r.text);
  booking = r.json;
  const synced = await eventually(async () => {
    const b = (await apiOk(server, DEMO.key, `/api/v1/bookings/${booking.id}`));
    return b.calcom_uid && b.hubspot_deal_id ? b : null;
  }, { timeoutMs: 30_000, what: 'the Cal.com uid and the HubSpot deal id on the booking' });
  assert.equal(synced.calcom_uid, 'uid-1');
  assert.equal(synced.hubspot_deal_id, '8001');

  const creates = calcom.requests.filter((q) => q.method === 'POST' && q.url === '/v2/bookings');
  assert.equal(creates.length, 2, 'one failed try (500), then the one that booked');
  assert.equal(calcomBookings.size, 1, 'exactly one Cal.com booking');
  for (const call of creates) {
    assert.equal(call.headers.authorization, `Bearer ${CALCOM_KEY}`);
    assert.equal(call.headers['cal-api-version'], '2024-08-13');
    assert.match(call.headers['content-type'], /^application\/json/);
    assert.deepEqual(call.json, {
      start: '2027-01-05T10:00:00Z', eventTypeId: EVENT_TYPE,
      attendee: { name: 'Dana Reyes', email: 'dana.reyes@example.com', timeZone: 'Europe/London', phoneNumber: phone },
      metadata: { frontdesk_booking_id: booking.id },
    });
  }

  const dealCalls = hubspot.requests.filter((q) => q.url === '/crm/v3/objects/deals');
  assert.equal(dealCalls.length, 2, 'one failed try (502), then the one that created it');
  assert.equal(deals.length, 1, 'exactly one deal');
  for (const call of dealCalls) {
    assert.equal(call.method, 'POST');
    assert.equal(call.headers.authorization, `Bearer ${HUBSPOT_TOKEN}`);
    assert.deepEqual(call.json, {
      properties: { dealname: `Viewing for Dana Reyes (${booking.id})`, pipeline: 'default', dealstage: 'appointmentscheduled' },
      associations: [{ to: { id: '701' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
    });
  }
  const upserts = hubspot.requests.filter((q) => q.url === '/crm/v3/objects/contacts/batch/upsert' && q.json.inputs[0].id === 'dana.reyes@example.com');
  assert.ok(upserts.length >= 1, 'the contact is upserted by email before the deal');
  assert.deepEqual(upserts[0].json.inputs[0].properties, { email: 'dana.reyes@example.com', phone, firstname: 'Dana', lastname: 'Reyes' });

  const logs = server.logs();
  assert.ok(!logs.includes(CALCOM_KEY) && !logs.includes(HUBSPOT_TOKEN), 'no credential is logged');
  const settings = await (await fetch(`${server.baseUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${DEMO.key}` } })).text();
  assert.ok(!settings.includes(CALCOM_KEY) && settings.includes('env:CALCOM_API_KEY_DEMO'), 'settings show the reference, not the key');
});

test('moving and cancelling the booking follow it in Cal.com; the cancellation marks the deal lost', async () => {
  assert.ok(booking, 'the booking test ran');
  const moved = await apiPost(server, DEMO.key, `/api/v1/bookings/${booking.id}`, { start: '2027-01-05T14:30:00+00:00' });
  assert.equal(moved.status, 200, moved.text);
  await eventually(async () => ((await apiOk(server, DEMO.key, `/api/v1/bookings/${booking.id}`)).calcom_uid === 'uid-2' ? true : null),
    { timeoutMs: 20_000, what: 'the moved booking\'s new Cal.com uid' });
  const reschedule = calcom.requests.filter((q) => q.url === '/v2/bookings/uid-1/reschedule');
  assert.equal(reschedule.length, 1);
  assert.equal(reschedule[0].headers['cal-api-version'], '2024-08-13');
  assert.deepEqual(reschedule[0].json, { start: '2027-01-05T14:30:00Z', reschedulingReason: 'Rescheduled in Frontdesk' });

  const cancelled = await apiPost(server, DEMO.key, `/api/v1/bookings/${booking.id}`, { status: 'cancelled' });
  assert.equal(cancelled.status, 200, cancelled.text);
  await eventually(async () => (calcomBookings.get('uid-2').status === 'cancelled' ? true : null),
    { timeoutMs: 20_000, what: 'the Cal.com booking cancelled' });
  const cancels = calcom.requests.filter((q) => q.url === '/v2/bookings/uid-2/cancel');
  assert.equal(cancels.length, 1);
  assert.deepEqual(cancels[0].json, { cancellationReason: 'Cancelled in Frontdesk' });
  assert.equal(calcom.requests.filter((q) => q.method === 'POST' && q.url === '/v2/bookings').length, 2, 'never booked again');
  assert.equal(deals.length, 1, 'still one deal');
  await eventually(async () => (deals[0].properties.dealstage === 'closedlost' ? true : null), { what: 'the deal marked lost' });
  const closes = hubspot.requests.filter((q) => q.method === 'PATCH');
  assert.equal(closes.length, 1);
  assert.equal(closes[0].url, '/crm/v3/objects/deals/8001');
  assert.equal(closes[0].headers.authorization, `Bearer ${HUBSPOT_TOKEN}`);
  assert.deepEqual(closes[0].json, { properties: { dealstage: 'closedlost' } });
});

test('a second copy of the Cal.com job waits while the first books; a move then follows; a late copy changes nothing', async () => {
  const creates = () => calcom.requests.filter((q) => q.method === 'POST' && q.url === '/v2/bookings').length;
  const runJob = (bookingId) => apiPost(server, undefined, '/__test/job', { kind: 'sync_calendar', tenant_id: 'ten_demo', booking_id: bookingId, at: 1 });
  const before = creates();
  slowNextCalcomBooking = 1500;
  const r = await apiPost(server, DEMO.key, '/api/v1/bookings', {
    kind: 'viewing', start: '2027-01-06T10:00:00+00:00', contact: { email: 'sam.race@example.com', name: 'Sam Race' },
  });
  assert.equal(r.status, 201, r.text);
  await eventually(async () => creates() > before || null, { what: 'the queue\'s job booking Cal.com (slowly)' });
  // Queues deliver at least once, to consumers that run concurrently: a second copy now.
  const copy = await runJob(r.json.id);
  assert.equal(copy.status, 409, copy.text);
  assert.match(copy.json.error, /is being synced \(calcom_lease_until\): will retry/);
  assert.equal(creates() - before, 1, 'the copy did not book Cal.com again');

  const moved = await apiPost(server, DEMO.key, `/api/v1/bookings/${r.json.id}`, { start: '2027-01-06T11:00:00+00:00' });
  assert.equal(moved.status, 200, moved.text);
  const uid = await eventually(async () => {
    const b = await apiOk(server, DEMO.key, `/api/v1/bookings/${r.json.id}`);
    const held = [...calcomBookings.entries()].find(([, c]) => c.metadata?.frontdesk_booking_id === r.json.id && c.status === 'accepted');
    return b.calcom_uid && held?.[0] === b.calcom_uid && held[1].start === '2027-01-06T11:00:00Z' ? b.calcom_uid : null;
  }, { timeoutMs: 30_000, what: 'Cal.com holding the booking at its new time' });
  const copies = [...calcomBookings.values()].filter((c) => c.metadata?.frontdesk_booking_id === r.json.id);
  assert.deepEqual(copies.map((c) => [c.start, c.status]), [['2027-01-06T10:00:00Z', 'cancelled'], ['2027-01-06T11:00:00Z', 'accepted']]);

  const requests = calcom.requests.length;
  const late = await runJob(r.json.id);
  assert.equal(late.status, 200, late.text);
  assert.equal(calcom.requests.length, requests, 'Cal.com already holds it as it is: nothing sent');
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/bookings/${r.json.id}`)).calcom_uid, uid);
  assert.equal(creates() - before, 1, 'booked in Cal.com once');
});

test('settings refuse a Cal.com key given as a value, and a missing event type', async () => {
  const current = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...current, calcom: { api_key: CALCOM_KEY, event_type_id: 0 } } }),
  });
  assert.equal(put.status, 400);
  const { message } = (await put.json()).error;
  assert.match(message, /calcom.api_key must be a secret reference/);
  assert.match(message, /calcom.event_type_id/);
  assert.ok(!message.includes(CALCOM_KEY), 'the refused key is not echoed');
  const after = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  assert.deepEqual(after.calcom, { api_key: 'env:CALCOM_API_KEY_DEMO', event_type_id: EVENT_TYPE }, 'nothing changed');
});

test('a tenant without Cal.com or HubSpot calls neither; one whose Cal.com key is unset is offered its own calendar', async () => {
  const calls = () => calcom.requests.length + hubspot.requests.length;
  const before = calls();
  const local = await apiOk(server, DEMO2.key, '/api/v1/availability?kind=appointment&from=2027-01-05&days=1');
  assert.ok(local.data.length > 5, JSON.stringify(local));
  const r = await apiPost(server, DEMO2.key, '/api/v1/bookings', {
    kind: 'appointment', start: local.data[0].start, contact: { email: 'kim@example.com', name: 'Kim' },
  });
  assert.equal(r.status, 201, r.text);
  // The booking's confirmation, queued with any integration job, settles first.
  await eventually(async () => (await listAll(server, DEMO2.key, '/api/v1/outbox'))
    .some((o) => o.recipient === 'kim@example.com' && o.status !== 'pending') || null, { what: 'demo2\'s confirmation sent' });
  assert.equal(calls(), before, 'nothing sent to Cal.com or HubSpot for demo2');
  const stored = await apiOk(server, DEMO2.key, `/api/v1/bookings/${r.json.id}`);
  assert.equal(stored.calcom_uid, undefined);
  assert.equal(stored.hubspot_deal_id, undefined);
  const afterBooking = await apiOk(server, DEMO2.key, '/api/v1/availability?kind=appointment&from=2027-01-05&days=1');

  const current = (await apiOk(server, DEMO2.key, '/api/v1/settings')).settings;
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO2.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...current, calcom: { api_key: 'env:CALCOM_API_KEY_UNSET', event_type_id: 42 } } }),
  });
  assert.equal(put.status, 200, await put.text());
  const fallback = await apiOk(server, DEMO2.key, '/api/v1/availability?kind=appointment&from=2027-01-05&days=1');
  assert.deepEqual(fallback.data, afterBooking.data, 'the local calendar, unrestricted');
  await eventually(async () => /cal\.com slots unavailable for tenant ten_demo2, offering the local calendar: secret CALCOM_API_KEY_UNSET is not set/.test(server.logs()),
    { what: 'the misconfiguration logged' });
  assert.equal(calls(), before, 'an unresolvable key never reaches Cal.com');
});
