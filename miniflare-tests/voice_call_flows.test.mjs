// Whole phone calls over the ConversationRelay WebSocket against a fake Twilio REST API: a
// caller books a viewing by voice and gets the confirmation by SMS; a gas leak reported on a
// call opens an emergency ticket and pages on-call at once. The scripted Twilio side is
// scripts/lib/relay.mjs (Twilio's exact messages, signed handshake).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, uniquePhone, conversationsOf, listAll, apiOk, eventually } from './helpers/api.mjs';
import { onRelayCall } from './helpers/voice.mjs';

const ACCOUNT_SID = 'AC' + 'ca'.repeat(16);
const ON_CALL = { name: 'Sam', phone: '+447700900999' };

let twilio;
let server;

before(async () => {
  twilio = await fakeProvider(() => [201, { sid: 'SM' + String(twilio.requests.length).padStart(32, '0'), status: 'queued' }]);
  server = await startServerWith({
    sql: [
      `UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id = 'chn_demo_twilio'`,
      `UPDATE tenants SET settings = json_set(settings, '$.on_call', json('${JSON.stringify([ON_CALL])}')) WHERE id = 'ten_demo'`,
    ],
    vars: { TWILIO_API_BASE: twilio.url },
    // A Monday morning in London: tomorrow at ten is inside opening hours.
    clockAt: '2026-11-30T09:00:00Z',
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

const onCall = (phone, fn) => onRelayCall(server, phone, fn);
const smsTo = (phone) => twilio.requests.filter((r) => r.url.endsWith('/Messages.json') && r.form.To === phone);

test('"I\'d like to see the flat on Elm Road tomorrow at ten": booked on the call, confirmed by SMS', async () => {
  const phone = uniquePhone();
  const spoken = await onCall(phone, async (c) => {
    c.prompt("I'd like to see the flat on Elm Road tomorrow at ten");
    return (await c.answer()).text;
  });
  assert.match(spoken, /Booked: your viewing of the flat on Elm Road tomorrow/, `the caller hears the booking: ${spoken}`);

  const { contact } = await conversationsOf(server, DEMO.key, phone);
  const bookings = (await apiOk(server, DEMO.key, '/api/v1/bookings')).data.filter((b) => b.contact_id === contact.id);
  assert.deepEqual(bookings.map((b) => [b.kind, b.status, b.start]), [['viewing', 'confirmed', '2026-12-01T10:00:00+00:00']]);

  // The confirmation goes by SMS from the tenant's number: a call leaves nothing to read.
  const [sms] = await eventually(async () => smsTo(phone).length ? smsTo(phone) : null, { timeoutMs: 20_000, what: 'the SMS confirmation' });
  assert.equal(sms.form.From, DEMO.number);
  assert.match(sms.form.Body, /Your viewing tomorrow at 10:00 is confirmed/, sms.form.Body);
});

test('a gas leak reported on a call opens an emergency ticket and pages on-call at once', async () => {
  const phone = uniquePhone();
  const end = await onCall(phone, async (c) => {
    c.prompt("There's a gas leak in my kitchen");
    const { text } = await c.answer();
    assert.match(text, /emergency/i, text);
    return c.next();
  });
  assert.equal(end.type, 'end');
  assert.equal(JSON.parse(end.handoffData).reason, 'emergency');

  const { contact } = await conversationsOf(server, DEMO.key, phone);
  const tickets = (await listAll(server, DEMO.key, '/api/v1/tickets')).filter((t) => t.contact_id === contact.id);
  assert.equal(tickets.length, 1, JSON.stringify(tickets));
  assert.equal(tickets[0].urgency, 'emergency');
  assert.ok(tickets[0].escalation_id, 'the ticket links the escalation that paged on-call');
  const [page] = await eventually(async () => smsTo(ON_CALL.phone).length ? smsTo(ON_CALL.phone) : null, { timeoutMs: 20_000, what: 'on-call paged' });
  assert.match(page.form.Body, /EMERGENCY at .*gas leak/, page.form.Body);
  assert.match(page.form.Body, / said: .* Call them back now\./, `the page says the caller spoke and is to be called: ${page.form.Body}`);
  assert.ok(page.form.Body.includes(tickets[0].escalation_id), page.form.Body);
});
