// Escalations: an emergency raises a critical escalation and pages on-call staff in the same
// turn (once, however often the message is delivered); the API lists, acknowledges and resolves
// them, tenant-scoped, moving only forward.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertError, assertTwimlReply, api, apiOk, listAll, eventually } from './helpers/api.mjs';
import { apiPost } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

const post = (key, path, body) => apiPost(server, key, path, body);

test('the escalations API needs a key and validates its input', async () => {
  assertError(await api(server, undefined, '/api/v1/escalations'), 401, 'unauthorized');
  const empty = await apiOk(server, DEMO2.key, '/api/v1/escalations');
  assert.deepEqual(empty, { data: [], next_cursor: null });
  assertError(await api(server, DEMO.key, '/api/v1/escalations?status=closed'), 400, 'bad_request');
  assertError(await api(server, DEMO.key, '/api/v1/escalations/esc_nope'), 404, 'not_found');
  assertError(await post(DEMO.key, '/api/v1/escalations/esc_0000000000000000000000', { status: 'resolved' }), 404, 'not_found');
  assertError(await api(server, undefined, '/api/v1/outbox'), 401, 'unauthorized');
});

test('"There\'s water pouring through my ceiling" raises one critical escalation and pages on-call by SMS and email', async () => {
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  const phone = uniquePhone();
  const body = "There's water pouring through my ceiling!";
  try {
    // Delivered three times, twice concurrently: one escalation, one set of pages.
    const [a, b] = await Promise.all([1, 2].map(() => sendSms(server, { from: phone, body, messageSid: 'SM' + 'e5'.repeat(16) })));
    const c = await sendSms(server, { from: phone, body, messageSid: 'SM' + 'e5'.repeat(16) });
    const reply = assertTwimlReply(a, 'emergency');
    assert.equal(b.text, a.text);
    assert.equal(c.text, a.text);
    assert.match(reply, /on-call|emergency/i, `the reply says help is coming: ${reply}`);

    const raised = await sse.waitFor((e) => e.event === 'escalation.raised' && e.json?.data?.contact?.phone === phone, 10_000);
    const esc = raised.json.data.escalation;
    assert.equal(esc.reason, 'emergency');
    assert.equal(esc.priority, 'critical');

    const open = (await listAll(server, DEMO.key, '/api/v1/escalations?status=open')).filter((e) => e.contact_id === raised.json.data.contact.id);
    assert.equal(open.length, 1, `one escalation for three deliveries: ${JSON.stringify(open)}`);
    assert.equal(open[0].id, esc.id);

    // The pages are in the outbox with the turn (pending), then go through the jobs queue,
    // once each, recorded as simulated deliveries.
    const pages = await eventually(async () => {
      const rows = (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.payload?.escalation_id === esc.id);
      return rows.length >= 2 && rows.every((r) => r.status !== 'pending') ? rows : null;
    }, { timeoutMs: 20_000, what: 'two on-call pages delivered from the outbox' });
    assert.deepEqual(pages.map((p) => [p.channel, p.recipient, p.status]).sort(), [
      ['email', 'oncall@mapleandpine.example', 'simulated'],
      ['sms', '+447700900999', 'simulated'],
    ]);
    assert.ok(pages.every((p) => p.payload.body.includes('water pouring through my ceiling')), JSON.stringify(pages));
    assertError(await api(server, DEMO2.key, `/api/v1/escalations/${esc.id}`), 404, 'not_found');
    assert.equal((await listAll(server, DEMO2.key, '/api/v1/outbox')).length, 0, "demo2 sees none of demo's pages");

    // Worked from the API: forward only, idempotent, tenant-scoped.
    assertError(await post(DEMO2.key, `/api/v1/escalations/${esc.id}`, { status: 'resolved' }), 404, 'not_found');
    assertError(await post(DEMO.key, `/api/v1/escalations/${esc.id}`, { status: 'open' }), 400, 'malformed_body');
    assertError(await post(DEMO.key, `/api/v1/escalations/${esc.id}`, 'not json'), 400, 'malformed_body');
    const acked = await post(DEMO.key, `/api/v1/escalations/${esc.id}`, { status: 'acknowledged' });
    assert.equal(acked.status, 200, acked.text);
    assert.equal(acked.json.status, 'acknowledged');
    // A note too long is refused whole: the escalation stays acknowledged.
    assertError(await post(DEMO.key, `/api/v1/escalations/${esc.id}`, { status: 'resolved', note: 'x'.repeat(2001) }), 400, 'malformed_body');
    assert.equal((await apiOk(server, DEMO.key, `/api/v1/escalations/${esc.id}`)).status, 'acknowledged');
    const resolved = await post(DEMO.key, `/api/v1/escalations/${esc.id}`, { status: 'resolved', note: 'Plumber isolated the leak.' });
    assert.equal(resolved.json.status, 'resolved');
    const audited = await apiOk(server, DEMO.key, '/api/v1/audit?action=escalation.status');
    assert.ok(audited.data.some((a) => a.subject === esc.id && a.detail?.status === 'resolved' && a.detail?.note === 'Plumber isolated the leak.'),
      `the resolving note is in the audit log: ${JSON.stringify(audited.data)}`);
    assert.equal((await post(DEMO.key, `/api/v1/escalations/${esc.id}`, { status: 'resolved' })).status, 200, 'resolving again is a no-op');
    assertError(await post(DEMO.key, `/api/v1/escalations/${esc.id}`, { status: 'acknowledged' }), 409, 'conflict');
    const after = await apiOk(server, DEMO.key, `/api/v1/escalations/${esc.id}`);
    assert.equal(after.status, 'resolved');
  } finally {
    sse.close();
  }
});

test('an ordinary enquiry raises no escalation: the catalogue answers it', async () => {
  const phone = uniquePhone();
  const reply = assertTwimlReply(await sendSms(server, { from: phone, body: 'Is the flat on Elm Road still available?' }));
  assert.match(reply, /The flat on Elm Road is available/);
  const all = await listAll(server, DEMO.key, '/api/v1/escalations');
  const contacts = await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`);
  assert.equal(all.filter((e) => e.contact_id === contacts.data[0].id).length, 0);
});
