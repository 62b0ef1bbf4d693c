// Saved searches: a contact asks by SMS for a place nothing in the catalogue fits, is offered a
// text when one comes up and says yes; staff then add listings through the API. A matching one
// is offered to them by SMS (through a fake Twilio that records the REST API's form fields),
// on their timeline and as interest `sent` on their lead; a listing that does not match, or the
// same one saved again at the same price, sends nothing; a lower price sends a "price drop"; a
// CSV import and a listing back on the market are offered too; after STOP nothing is sent. An offer outside the tenant's opening hours waits for the
// sweeper (`POST /__test/sweep {"now"}`) to send it once the office opens. The business clock
// starts on a Monday at 10:00 in London (`clockAt`).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import {
  DEMO, DEMO2, api, apiOk, apiPost, assertError, assertTwimlReply, contactsByPhone, conversationsOf, eventually,
  messagesOf, sendSms, uniquePhone,
} from './helpers/api.mjs';

const ACCOUNT_SID = 'AC' + '3e'.repeat(16);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let twilio;
let server;

before(async () => {
  twilio = await fakeProvider(() => [201, { sid: 'SM' + String(twilio.requests.length).padStart(32, '0'), status: 'queued' }]);
  server = await startServerWith({
    sql: [`UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id = 'chn_demo_twilio'`],
    vars: { TWILIO_API_BASE: twilio.url },
    clockAt: '2026-03-02T10:00:00Z',
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

const sentTo = (phone) => twilio.requests.filter((r) => r.form.To === phone).map((r) => r.form.Body);
const settle = () => new Promise((r) => setTimeout(r, 1_500));
async function send(key, method, path, body) {
  const res = await fetch(server.baseUrl + path, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body), signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, text, json };
}
const listing = (reference, fields) => ({
  reference, kind: 'rent', type: 'flat', beds: 2, baths: 1, price: 1150, area: 'Redland', postcode: 'BS6 6AA',
  address: `4 Chantry Road, Redland, Bristol`, ...fields,
});

test('opted in by SMS: a matching listing is offered once per price, a lower price again, nothing after STOP', async () => {
  const phone = uniquePhone();
  const asked = assertTwimlReply(await sendSms(server, { from: phone, body: "Hi, I'm looking to rent a 2 bed flat in Redland, up to £1200 a month" }));
  assert.match(asked, /I don't have a two-bedroom place to rent in Redland up to £1,200 right now\. Shall I text you when one comes up\?/);
  const yes = assertTwimlReply(await sendSms(server, { from: phone, body: 'Yes please' }));
  assert.match(yes, /Done: I'll text you when a two-bedroom place to rent in Redland up to £1,200 comes up\. Reply STOP/);
  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  const searches = (await apiOk(server, DEMO.key, `/api/v1/contacts/${contact.id}/saved-searches`)).data;
  assert.equal(searches.length, 1, JSON.stringify(searches));
  assert.deepEqual(searches[0].criteria, { kind: 'rent', area: 'Redland', beds: 2, max_price: 1200 });
  assert.deepEqual([searches[0].source, searches[0].status, searches[0].opt_in], ['conversation', 'active', 'Yes please']);

  // A match: offered at once (the office is open), by SMS from the tenant's number.
  const created = await send(DEMO.key, 'POST', '/api/v1/listings', listing('SS-1'));
  assert.equal(created.status, 201, created.text);
  await eventually(() => sentTo(phone).length === 1, { timeoutMs: 20_000, what: 'the offer' });
  assert.equal(sentTo(phone)[0],
    'A two-bedroom flat in Redland at £1,150 a month, available now, has just come up on Chantry Road (SS-1). '
    + 'Reply to arrange a viewing, or STOP to opt out.');
  assert.equal(twilio.requests.find((r) => r.form.To === phone).form.From, '+14155550100');
  // On the contact's timeline, and on their lead as a listing they were sent.
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const bodies = (await messagesOf(server, DEMO.key, conversations[0].id)).map((m) => [m.direction, m.body]);
  assert.ok(bodies.some(([d, b]) => d === 'outbound' && b.includes('(SS-1)')), JSON.stringify(bodies));
  const lead = await apiOk(server, DEMO.key, `/api/v1/leads/${contact.id}`);
  assert.deepEqual(lead.listings.map((l) => [l.reference, l.level]), [['SS-1', 'sent']], JSON.stringify(lead.listings));

  // Not a match (another area), and the same listing saved again at the same price: nothing.
  const other = await send(DEMO.key, 'POST', '/api/v1/listings', listing('SS-2', { area: 'Clifton', address: '9 Oak Road, Clifton' }));
  assert.equal(other.status, 201, other.text);
  const same = await send(DEMO.key, 'PUT', `/api/v1/listings/${created.json.id}`, { description: 'Freshly painted.', price: 1150 });
  assert.equal(same.status, 200, same.text);
  await settle();
  assert.equal(sentTo(phone).length, 1, 'no offer for a non-match or the same price');

  // Cheaper: offered again, as a price drop; a rise afterwards is no news.
  const cheaper = await send(DEMO.key, 'PUT', `/api/v1/listings/${created.json.id}`, { price: 1095 });
  assert.equal(cheaper.status, 200, cheaper.text);
  await eventually(() => sentTo(phone).length === 2, { timeoutMs: 20_000, what: 'the price drop' });
  assert.match(sentTo(phone)[1], /^Price drop: a two-bedroom flat in Redland at £1,095 a month, available now, on Chantry Road \(SS-1\)\./);
  assert.equal((await send(DEMO.key, 'PUT', `/api/v1/listings/${created.json.id}`, { price: 1150 })).status, 200);
  await settle();
  assert.equal(sentTo(phone).length, 2, 'back up to a price already offered: nothing');

  // Imported by CSV: offered too. Let agreed when listed: nothing, until it is back on the market.
  const csv = 'reference,kind,type,beds,baths,price,area,address\nSS-4,rent,flat,3,1,1180,Redland,"12 Cotham Road, Redland, Bristol"\n';
  const imported = await fetch(`${server.baseUrl}/api/v1/listings/import`, {
    method: 'POST', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'text/csv' }, body: csv,
  });
  assert.equal(imported.status, 200, await imported.text());
  await eventually(() => sentTo(phone).length === 3, { timeoutMs: 20_000, what: 'the imported listing' });
  assert.match(sentTo(phone)[2], /^A three-bedroom flat in Redland at £1,180 a month, available now, has just come up on Cotham Road \(SS-4\)/);
  const agreed = await send(DEMO.key, 'POST', '/api/v1/listings', listing('SS-5', { price: 1190, status: 'let_agreed', address: '3 Lower Chantry Lane, Redland' }));
  assert.equal(agreed.status, 201, agreed.text);
  await settle();
  assert.equal(sentTo(phone).length, 3, 'let agreed: not offered');
  assert.equal((await send(DEMO.key, 'PUT', `/api/v1/listings/${agreed.json.id}`, { status: 'available' })).status, 200);
  await eventually(() => sentTo(phone).length === 4, { timeoutMs: 20_000, what: 'the listing back on the market' });
  assert.match(sentTo(phone)[3], /\(SS-5\)/);

  // STOP stops the search: a new match sends nothing.
  await sendSms(server, { from: phone, body: 'STOP' });
  const stopped = (await apiOk(server, DEMO.key, `/api/v1/contacts/${contact.id}/saved-searches`)).data;
  assert.equal(stopped[0].status, 'stopped');
  assert.equal((await send(DEMO.key, 'POST', '/api/v1/listings', listing('SS-3', { price: 1000 }))).status, 201);
  await settle();
  assert.equal(sentTo(phone).length, 4, 'nothing after STOP');
});

test('outside opening hours an offer waits for the sweeper, then goes once', async () => {
  const t0 = server.now();
  // A contact who told the office in person: staff keep the search.
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Hello, what time do you open on Saturday?' }));
  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  const saved = await send(DEMO.key, 'POST', `/api/v1/contacts/${contact.id}/saved-searches`,
    { kind: 'rent', area: 'Totterdown', beds: 3, move_in: '2026-04-30' });
  assert.equal(saved.status, 201, saved.text);
  assert.equal(saved.json.description, 'a three-bedroom place to rent in Totterdown, free by 30 April');

  // Close the office until 12:00 today.
  const get = async () => (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  const current = await get();
  const put = (settings) => send(DEMO.key, 'PUT', '/api/v1/settings', { settings });
  assert.equal((await put({ ...current, hours: { ...current.hours, mon: ['12:00', '18:00'] } })).status, 200);
  try {
    const late = await send(DEMO.key, 'POST', '/api/v1/listings',
      listing('SS-9', { area: 'Totterdown', beds: 3, price: 1600, available_from: '2026-05-15', address: '2 Hill Road, Totterdown' }));
    assert.equal(late.status, 201, late.text);
    const free = await send(DEMO.key, 'POST', '/api/v1/listings',
      listing('SS-10', { area: 'Totterdown', beds: 3, price: 1650, available_from: '2026-04-15', address: '7 Hill Road, Totterdown' }));
    assert.equal(free.status, 201, free.text);
    await settle();
    assert.deepEqual(sentTo(phone), [], 'closed: nothing yet (and SS-9 is free too late for the move-in)');
    await apiPost(server, undefined, '/__test/sweep', { now: t0 + 30 * MINUTE });
    await settle();
    assert.deepEqual(sentTo(phone), [], 'still closed at 10:30');
    const swept = await apiPost(server, undefined, '/__test/sweep', { now: t0 + 2 * HOUR + MINUTE });
    assert.equal(swept.json.listing_offers_sent, 1, swept.text);
    await eventually(() => sentTo(phone).length === 1, { timeoutMs: 20_000, what: 'the deferred offer' });
    assert.match(sentTo(phone)[0], /^A three-bedroom flat in Totterdown at £1,650 a month, available from 15 April, has just come up on Hill Road \(SS-10\)/);
    await apiPost(server, undefined, '/__test/sweep', { now: t0 + 2 * HOUR + 2 * MINUTE });
    await settle();
    assert.equal(sentTo(phone).length, 1, 'sent once');
  } finally {
    assert.equal((await put(current)).status, 200);
  }

  // Staff can delete it; another tenant can neither see nor delete it; bad criteria are named.
  const other = await api(server, DEMO2.key, `/api/v1/contacts/${contact.id}/saved-searches`);
  assertError(other, 404, 'not_found');
  const theirs = await send(DEMO2.key, 'DELETE', `/api/v1/contacts/${contact.id}/saved-searches/${saved.json.id}`);
  assert.equal(theirs.status, 404, theirs.text);
  const bad = await send(DEMO.key, 'POST', `/api/v1/contacts/${contact.id}/saved-searches`, { beds: 99, move_in: 'soon' });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.json.error.message, /`beds`/);
  assert.match(bad.json.error.message, /`move_in`/);
  const deleted = await send(DEMO.key, 'DELETE', `/api/v1/contacts/${contact.id}/saved-searches/${saved.json.id}`);
  assert.equal(deleted.status, 200, deleted.text);
  assert.deepEqual((await apiOk(server, DEMO.key, `/api/v1/contacts/${contact.id}/saved-searches`)).data, []);
});
