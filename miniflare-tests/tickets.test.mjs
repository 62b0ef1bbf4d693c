// Maintenance tickets: a fault reported on any channel opens one ticket in the turn (however
// often the message is delivered), an emergency fault pages on-call at once and links the
// escalation, the reporter is given the emergency contractor's number, photos are kept, and
// staff work tickets open → assigned → resolved from the API, tenant-scoped.
//
// The business clock starts at 03:00 on a January night in London (`clockAt`), so a broken
// boiler is an emergency (core/src/tickets/classify.rs); the sweeper runs with `POST
// /__test/sweep {"now"}` to show the re-page after the acknowledgement timeout.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { signedSmsRequest, twimlMessages } from '../scripts/lib/twilio.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, api, apiOk, apiPost, assertError, assertTwimlReply, listAll, eventually } from './helpers/api.mjs';

const ACCOUNT_SID = 'AC' + '1e'.repeat(16);
const MINUTE = 60_000;
const ACK_TIMEOUT_MINUTES = 15;
const CONTRACTOR = { name: 'Bristol Heat and Pipe', phone: '+441179460123' };
const KNOWN = { id: 'con_019b76daa80000000000abc', phone: '+447700900555', name: 'Priya Shah' };

let twilio;
let server;

before(async () => {
  twilio = await fakeProvider(() => [201, { sid: 'SM' + String(twilio.requests.length).padStart(32, '0'), status: 'queued' }]);
  const onCall = JSON.stringify([
    { name: 'Sam', phone: '+447700900999', email: 'sam@maplepine.example' },
    { name: 'Alex', phone: '+447700900888' },
  ]);
  server = await startServerWith({
    sql: [
      `UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id = 'chn_demo_twilio'`,
      `UPDATE tenants SET settings = json_set(settings, '$.on_call', json('${onCall}'), ` +
        `'$.escalation_rules', json('{"ack_timeout_minutes": ${ACK_TIMEOUT_MINUTES}}'), ` +
        `'$.maintenance', json('${JSON.stringify({ emergency_contractor: CONTRACTOR })}')) WHERE id = 'ten_demo'`,
      // A tenant of the agency's, known by name and number before tonight.
      `INSERT INTO contacts (id, tenant_id, phone, name, name_source, created_at, updated_at) ` +
        `VALUES ('${KNOWN.id}', 'ten_demo', '${KNOWN.phone}', '${KNOWN.name}', 'told', 1767225600000, 1767225600000)`,
    ],
    vars: { TWILIO_API_BASE: twilio.url },
    clockAt: '2026-01-15T03:00:00Z',
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

const sweep = async (now) => {
  const r = await apiPost(server, undefined, '/__test/sweep', { now });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const ticketsOf = async (key, contactId) => (await listAll(server, key, '/api/v1/tickets')).filter((t) => t.contact_id === contactId);
const pagesTo = (phone, escalationId) => twilio.requests.filter((r) => r.form.To === phone && r.form.Body?.includes(escalationId));

test('"The boiler\'s broken and there\'s no heating" at 03:00 opens an emergency ticket, pages on-call, re-pages, and tells the tenant what happens next', async () => {
  const body = "The boiler's broken and there's no heating";
  const messageSid = 'SM' + 'b0'.repeat(16);
  // Delivered twice: one ticket, one escalation.
  const first = await sendSms(server, { from: KNOWN.phone, body, messageSid });
  const again = await sendSms(server, { from: KNOWN.phone, body, messageSid });
  const reply = assertTwimlReply(first, 'emergency');
  assert.equal(again.text, first.text);
  assert.match(reply, /on-call team/, `the reply says the on-call team is alerted: ${reply}`);
  assert.ok(reply.includes(`call our emergency heating engineer, ${CONTRACTOR.name}, on ${CONTRACTOR.phone}`), `the reply gives the contractor: ${reply}`);

  const tickets = await ticketsOf(DEMO.key, KNOWN.id);
  assert.equal(tickets.length, 1, `one ticket for two deliveries: ${JSON.stringify(tickets)}`);
  const [ticket] = tickets;
  assert.match(ticket.id, /^tkt_/);
  assert.deepEqual([ticket.category, ticket.urgency, ticket.status], ['heating', 'emergency', 'open']);
  assert.ok(ticket.summary.includes("boiler's broken"), ticket.summary);
  assert.deepEqual(ticket.media, []);

  const escalations = (await listAll(server, DEMO.key, '/api/v1/escalations')).filter((e) => e.contact_id === KNOWN.id);
  assert.equal(escalations.length, 1);
  assert.equal(escalations[0].reason, 'emergency');
  assert.equal(ticket.escalation_id, escalations[0].id, 'the ticket links the escalation that paged on-call');
  assert.deepEqual(await apiOk(server, DEMO.key, `/api/v1/tickets/${ticket.id}`), ticket);

  // Paged at once, then the next person after the acknowledgement timeout, from the sweeper.
  await eventually(async () => pagesTo('+447700900999', ticket.escalation_id).length === 1, { timeoutMs: 20_000, what: 'Sam paged at once' });
  assert.match(pagesTo('+447700900999', ticket.escalation_id)[0].form.Body, /no heating/);
  await sweep(server.now() + (ACK_TIMEOUT_MINUTES - 5) * MINUTE);
  assert.equal(pagesTo('+447700900888', ticket.escalation_id).length, 0, 'Alex is not paged before the timeout');
  assert.ok((await sweep(server.now() + (ACK_TIMEOUT_MINUTES + 1) * MINUTE)).escalations_repaged >= 1);
  await eventually(async () => pagesTo('+447700900888', ticket.escalation_id).length === 1, { timeoutMs: 20_000, what: 'Alex re-paged' });

  // The other tenant sees none of it.
  assert.deepEqual(await ticketsOf(DEMO2.key, KNOWN.id), []);
  assertError(await api(server, DEMO2.key, `/api/v1/tickets/${ticket.id}`), 404, 'not_found');
  assertError(await apiPost(server, DEMO2.key, `/api/v1/tickets/${ticket.id}`, { status: 'resolved' }), 404, 'not_found');
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/tickets/${ticket.id}`)).status, 'open', 'the other tenant changed nothing');
});

test('photos sent with a WhatsApp fault report are kept on the ticket', async () => {
  const phone = uniquePhone();
  const media = [
    ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM9/Media/ME1', 'image/jpeg'],
    ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM9/Media/ME2', 'image/png'],
  ];
  const req = signedSmsRequest({
    baseUrl: server.baseUrl,
    publicBaseUrl: server.publicBaseUrl ?? server.baseUrl,
    authToken: DEMO.token,
    from: `whatsapp:${phone}`,
    to: `whatsapp:${DEMO.number}`,
    body: "There's water pouring through the kitchen ceiling, photos attached",
    extra: [['ProfileName', 'Tom Reed'], ['WaId', phone.slice(1)], ['NumMedia', '2'],
      ...media.flatMap(([url, type], i) => [[`MediaUrl${i}`, url], [`MediaContentType${i}`, type]])],
  });
  const res = await fetch(req.url, { ...req.init, signal: AbortSignal.timeout(20_000) });
  const [reply] = twimlMessages(await res.text());
  assert.ok(reply?.includes('call our emergency plumber'), `a flood is a plumber's emergency: ${reply}`);
  const contacts = await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`);
  const [ticket] = await ticketsOf(DEMO.key, contacts.data[0].id);
  assert.deepEqual([ticket.category, ticket.urgency], ['plumbing', 'emergency']);
  assert.deepEqual(ticket.media, media.map(([url, content_type]) => ({ url, content_type })));
});

test('a routine fault opens a routine ticket with no contractor in the reply; an ordinary enquiry opens none', async () => {
  const phone = uniquePhone();
  const reply = assertTwimlReply(await sendSms(server, { from: phone, body: 'Hi, the kitchen tap in my flat is dripping, could someone look at it?' }));
  assert.ok(!reply.includes(CONTRACTOR.phone), reply);
  assert.match(reply, /logged the repair for our maintenance team/, `the tenant is told what happens next: ${reply}`);
  const contacts = await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`);
  const tickets = await ticketsOf(DEMO.key, contacts.data[0].id);
  assert.deepEqual(tickets.map((t) => [t.category, t.urgency, t.escalation_id]), [['plumbing', 'routine', null]]);

  const enquirer = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: enquirer, body: 'Is the flat on Elm Road still available?' }));
  const theirs = await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(enquirer)}`);
  assert.deepEqual(await ticketsOf(DEMO.key, theirs.data[0].id), []);
});

test('staff open and work a ticket: open → assigned → resolved with notes; bad input and invalid transitions are refused', async () => {
  assertError(await api(server, undefined, '/api/v1/tickets'), 401, 'unauthorized');
  assertError(await api(server, DEMO.key, '/api/v1/tickets?status=closed'), 400, 'bad_request');
  assertError(await api(server, DEMO.key, '/api/v1/tickets/tkt_nope'), 404, 'not_found');
  const before = (await listAll(server, DEMO.key, '/api/v1/tickets')).length;
  assertError(await apiPost(server, DEMO.key, '/api/v1/tickets', { category: 'roofing', urgency: 'routine', summary: 'x' }), 400, 'malformed_body');
  assertError(await apiPost(server, DEMO.key, '/api/v1/tickets', { category: 'locks', urgency: 'soon', summary: 'x' }), 400, 'malformed_body');
  assertError(await apiPost(server, DEMO.key, '/api/v1/tickets', 'not json'), 400, 'malformed_body');
  // Another tenant's contact is not found, and nothing is written for it.
  assertError(await apiPost(server, DEMO2.key, '/api/v1/tickets', { category: 'locks', urgency: 'routine', summary: 'x', contact_id: KNOWN.id }), 404, 'not_found');
  assert.equal((await listAll(server, DEMO.key, '/api/v1/tickets')).length, before, 'nothing stored by bad input');
  assert.deepEqual((await listAll(server, DEMO2.key, '/api/v1/tickets')), []);

  const created = await apiPost(server, DEMO.key, '/api/v1/tickets', {
    category: 'appliances', urgency: 'routine', summary: 'Washing machine leaks at 12 Elm Road', contact_id: KNOWN.id,
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  assert.deepEqual([created.json.status, created.json.contact_id, created.json.notes], ['open', KNOWN.id, []]);

  const assigned = await apiPost(server, DEMO.key, `/api/v1/tickets/${id}`, { status: 'assigned', assignee: 'Sparkle Appliances', note: 'Booked for Friday 9am' });
  assert.equal(assigned.status, 200, assigned.text);
  assert.deepEqual([assigned.json.status, assigned.json.assignee], ['assigned', 'Sparkle Appliances']);
  assert.equal(assigned.json.notes[0].text, 'Booked for Friday 9am');
  assert.match(assigned.json.notes[0].who, /^api_key:/);
  assertError(await apiPost(server, DEMO.key, `/api/v1/tickets/${id}`, { status: 'open' }), 422, 'invalid_transition');

  const resolved = await apiPost(server, DEMO.key, `/api/v1/tickets/${id}`, { status: 'resolved', note: 'Hose replaced' });
  assert.deepEqual([resolved.json.status, resolved.json.notes.map((n) => n.text)], ['resolved', ['Booked for Friday 9am', 'Hose replaced']]);
  const refused = await apiPost(server, DEMO.key, `/api/v1/tickets/${id}`, { status: 'assigned' });
  assertError(refused, 422, 'invalid_transition');
  assert.match(refused.json.error.message, /ticket is resolved; it cannot become assigned/);

  const open = await listAll(server, DEMO.key, '/api/v1/tickets?status=resolved');
  assert.ok(open.some((t) => t.id === id));
  assert.ok(!(await listAll(server, DEMO.key, '/api/v1/tickets?status=open')).some((t) => t.id === id));
});

test('an emergency at a listed property names it on the ticket and alerts its landlord; a routine fault there does not', async () => {
  const phone = uniquePhone();
  const [elmRoad] = (await apiOk(server, DEMO.key, '/api/v1/listings?q=MP-2026-014')).data;
  assert.equal(elmRoad?.reference, 'MP-2026-014');
  const landlordPhone = '+447700900312'; // Helen Price, the seeded landlord of MP-2026-014

  const reply = assertTwimlReply(await sendSms(server, { from: phone, body: 'Water is pouring through the ceiling at 21 Elm Road!' }), 'emergency');
  assert.match(reply, /on-call team/, reply);
  const contacts = await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`);
  const [ticket] = await ticketsOf(DEMO.key, contacts.data[0].id);
  assert.deepEqual([ticket.category, ticket.urgency, ticket.listing_id], ['plumbing', 'emergency', elmRoad.id]);
  await eventually(async () => pagesTo(landlordPhone, ticket.escalation_id).length === 1, { timeoutMs: 20_000, what: 'the landlord alerted' });
  const [alert] = pagesTo(landlordPhone, ticket.escalation_id);
  assert.ok(alert.form.Body.includes('Flat 2, 21 Elm Road') && alert.form.Body.includes('Water is pouring'), alert.form.Body);
  assert.equal(pagesTo('+447700900999', ticket.escalation_id).length, 1, 'on-call is paged as well');

  const routinePhone = uniquePhone();
  const before = twilio.requests.filter((r) => r.form.To === landlordPhone).length;
  const routineReply = assertTwimlReply(await sendSms(server, { from: routinePhone, body: 'The kitchen tap at 21 Elm Road is dripping, could someone look at it next week?' }));
  assert.ok(!routineReply.includes('is available'), `a tenant's repair is not a lettings enquiry: ${routineReply}`);
  const routineContact = (await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(routinePhone)}`)).data[0];
  const [routine] = await ticketsOf(DEMO.key, routineContact.id);
  assert.deepEqual([routine.urgency, routine.listing_id, routine.escalation_id], ['routine', elmRoad.id, null]);
  assert.equal(twilio.requests.filter((r) => r.form.To === landlordPhone).length, before, 'a dripping tap does not page the landlord');
});
