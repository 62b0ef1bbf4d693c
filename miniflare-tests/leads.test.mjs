// Leads: every message updates its contact's lead (fields merged with history, an explainable
// score with the contact's own words, the status lifecycle); crossing the high-value threshold
// raises one escalation; operators move the status through the API; tenants see only their own.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertTwimlReply, api, apiPost, contactsByPhone, eventually, listAll, assertError } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 180_000 });
after(async () => { await server?.stop(); });

async function leadOf(phone, until = () => true) {
  const [contact] = await eventually(() => contactsByPhone(server, DEMO.key, phone).then((c) => c.length && c), { what: 'contact' });
  return eventually(async () => {
    const r = await api(server, DEMO.key, `/api/v1/leads/${contact.id}`);
    return r.status === 200 && until(r.json) ? r.json : null;
  }, { timeoutMs: 20_000, what: 'the lead job to run' });
}

test('a renter is qualified over two messages, scored with quoted evidence and handed to the team when hot', async () => {
  const phone = uniquePhone();
  const first = assertTwimlReply(await sendSms(server, { from: phone, body: "Hi, I'm looking to rent a 2 bed flat" }));
  // Answer first: the catalogue's matches, then the one question that narrows them.
  assert.match(first, /that match.*Which area are you looking in\?$/, first);
  let lead = await leadOf(phone);
  assert.equal(lead.status, 'qualifying');
  assert.equal(lead.fields.beds.value, 2);
  assert.equal(lead.fields.beds.evidence, '2 bed');

  // Moving in soon is part of what makes the lead hot: two weeks after the server's "today".
  const soon = new Date(server.now() + 14 * 86_400_000).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', timeZone: 'Europe/London' });
  const second = assertTwimlReply(await sendSms(server, { from: phone, body: `Clifton, up to 1500 a month, moving in on ${soon}. Can I view it Friday? Ana` }));
  assert.doesNotMatch(second, /Which area/, 'an answered question is not asked again');
  lead = await leadOf(phone, (l) => l.fields.area);
  assert.equal(lead.fields.area.value, 'Clifton');
  assert.ok(lead.score >= 40, `score ${lead.score}`);
  assert.ok(['hot', 'warm'].includes(lead.band));
  const budget = lead.explanation.find((i) => i.key.includes('budget'));
  assert.ok(budget && budget.points > 0 && /1500/.test(budget.evidence), JSON.stringify(lead.explanation));
  assert.ok(lead.changes.some((c) => c.field === 'area' && c.old_value === null && c.evidence === 'Clifton'), JSON.stringify(lead.changes));

  assert.equal(lead.band, 'hot', `score ${lead.score}`);
  // Asking for a viewing on top of all that takes the lead over the default high-value mark (80).
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Can I book a viewing please?' }));
  lead = await leadOf(phone, (l) => l.score >= 80);
  assert.ok(lead.explanation.some((i) => i.key === 'viewing' || /viewing/.test(i.label)), JSON.stringify(lead.explanation));
  {
    const escalations = await eventually(async () => (await listAll(server, DEMO.key, '/api/v1/escalations'))
      .filter((e) => e.contact_id === lead.contact_id && e.reason === 'high_value_lead'), { what: 'high-value escalation' });
    assert.equal(escalations.length, 1);
    assert.match(escalations[0].summary, /^High-value lead: Hot/);
  }
});

test('a changed answer keeps the old value as history', async () => {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: "I'm looking to rent a 2 bed flat" }));
  await leadOf(phone, (l) => l.fields.beds);
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Actually I need a 3 bed flat to rent' }));
  const lead = await leadOf(phone, (l) => l.fields.beds?.value === 3);
  const beds = lead.changes.filter((c) => c.field === 'beds').map((c) => [c.old_value, c.new_value]);
  assert.deepEqual(beds, [[null, '2'], ['2', '3']]);
});

test('operators move the status; a closed lead cannot go back to new; other tenants see nothing', async () => {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Can I book a viewing of the flat on Elm Road?' }));
  const lead = await leadOf(phone);
  let r = await apiPost(server, DEMO.key, `/api/v1/leads/${lead.contact_id}`, { status: 'won' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'won');
  assertError(await apiPost(server, DEMO.key, `/api/v1/leads/${lead.contact_id}`, { status: 'new' }), 409, 'conflict');
  assertError(await apiPost(server, DEMO.key, `/api/v1/leads/${lead.contact_id}`, { status: 'hot' }), 400, 'malformed_body');
  assertError(await api(server, DEMO2.key, `/api/v1/leads/${lead.contact_id}`), 404, 'not_found', 'another tenant');
  assertError(await apiPost(server, DEMO2.key, `/api/v1/leads/${lead.contact_id}`, { status: 'lost' }), 404, 'not_found');
  assertError(await api(server, undefined, '/api/v1/leads'), 401, 'unauthorized');
  assertError(await api(server, DEMO.key, '/api/v1/leads?band=lukewarm'), 400, 'bad_request');
  const won = (await listAll(server, DEMO.key, '/api/v1/leads')).find((l) => l.contact_id === lead.contact_id);
  assert.equal(won.status, 'won');
  // A later message does not reopen a won lead.
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Also, what about a 2 bed?' }));
  const after = await leadOf(phone, (l) => l.fields.beds);
  assert.equal(after.status, 'won');
});
