// The receptionist acts (issue 10), by text with the rules brain: the listing a customer names
// is found in the catalogue, free viewing times are offered from the calendar, the one they pick
// is booked (with a confirmation to them, the booking on their contact and in the API), moved and
// cancelled in the same conversation; a holiday let's minimum stay is explained with dates that
// comply, and "yes" books those.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, apiOk, listAll, eventually, messagesOf, conversationsOf } from './helpers/api.mjs';

// A Monday, 10:00 in London.
const MONDAY_10AM = '2026-11-30T10:00:00Z';
let server;
before(async () => { server = await startServer({ clockAt: MONDAY_10AM }); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

async function say(phone, body, to = DEMO) {
  return assertTwimlReply(await sendSms(server, { from: phone, body, to: to.number, token: to.token }), body);
}

const bookingsOf = async (key, contactId) => (await apiOk(server, key, `/api/v1/bookings?contact_id=${contactId}`)).data;

test('a viewing is found, offered, booked, confirmed, moved and cancelled by text', async () => {
  const phone = uniquePhone();
  const found = await say(phone, 'Hi, is the flat on Elm Road still available?');
  assert.match(found, /The flat on Elm Road is available: a two-bedroom flat in Clifton at £1,450 a month/, found);
  const offer = await say(phone, 'Great, can I view it?');
  const times = [...offer.matchAll(/\b(\d\d:\d\d)\b/g)].map((m) => m[1]);
  assert.ok(times.length >= 2, `free times offered from the calendar: ${offer}`);
  assert.match(offer, /Which suits you\?$/);

  const booked = await say(phone, `${times[1]} please, I'm Tom`);
  assert.match(booked, new RegExp(`Booked: your viewing of the flat on Elm Road today at ${times[1]}`), booked);
  const { contact } = await conversationsOf(server, DEMO.key, phone);
  let [booking] = await bookingsOf(DEMO.key, contact.id);
  assert.deepEqual([booking.kind, booking.status, booking.source], ['viewing', 'confirmed', 'conversation']);
  assert.match(booking.start, new RegExp(`T${times[1]}:00\\+00:00$`));
  // The confirmation goes to them as its own message on their timeline.
  await eventually(async () => {
    const { conversations } = await conversationsOf(server, DEMO.key, phone);
    for (const c of conversations) {
      const msgs = await messagesOf(server, DEMO.key, c.id);
      if (msgs.some((m) => m.direction === 'outbound' && /confirm/i.test(m.body) && !/^Booked:/.test(m.body))) return true;
    }
    return false;
  }, { what: 'the booking confirmation on the timeline' });

  const moved = await say(phone, 'Could I move it to 16:00 instead?');
  assert.match(moved, /Done — it's now your viewing of the flat on Elm Road today at 16:00/, moved);
  [booking] = await bookingsOf(DEMO.key, contact.id);
  assert.match(booking.start, /T16:00:00\+00:00$/);

  const cancelled = await say(phone, 'Sorry, I need to cancel');
  assert.match(cancelled, /^Cancelled: your viewing of the flat on Elm Road today at 16:00/);
  [booking] = await bookingsOf(DEMO.key, contact.id);
  assert.equal(booking.status, 'cancelled');
  // The calendar did it: nothing for the team to confirm by hand.
  const tasks = (await listAll(server, DEMO.key, '/api/v1/escalations')).filter((e) => e.contact_id === contact.id && /^Viewing to confirm/.test(e.summary));
  assert.equal(tasks.length, 0, JSON.stringify(tasks));
});

test('a search by text lists what the catalogue has', async () => {
  const reply = await say(uniquePhone(), "Hi, I'm looking to rent a 2 bed flat in Clifton");
  assert.match(reply, /that match(es)?: .*two-bedroom flat in Clifton at £1,450 a month.*\(MP-\d{4}-\d{3}\)/, reply);
  assert.match(reply, /Would you like to view (it|one)\?$/);
});

test('a 10-night stay at a monthly let is refused by text with the rule and compliant dates, and "yes" books them', async () => {
  const phone = uniquePhone();
  const refused = await say(phone, "Hi, I'd like to book HV-M1 from 5 March to 15 March", DEMO2);
  assert.match(refused, /The minimum stay is 32 nights; 1 March 2027 to 2 April 2027 would work\./, refused);
  const booked = await say(phone, 'Yes please', DEMO2);
  assert.match(booked, /^Booked: your stay of .* from 1 March 2027 to 2 April 2027/, booked);
  const { contact } = await conversationsOf(server, DEMO2.key, phone);
  const [stay] = await bookingsOf(DEMO2.key, contact.id);
  assert.deepEqual([stay.kind, stay.start, stay.end, stay.status], ['stay', '2027-03-01', '2027-04-02', 'confirmed']);
});
