// The listings catalogue: the seeded demo catalogues are searchable ("elm road" finds the flat
// on Elm Road, with its summary); filters combine and rank; one listing is created, read,
// updated and deleted; bad input is a 400 naming each bad field and stores nothing; a CSV import
// stores its good rows, names every bad row by line and stores none of them, and updates by
// reference on a second run; another tenant can neither read, change, delete nor find a listing;
// a contact's interest in listings is recorded and read back.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, DEMO2, api, apiOk, apiPost, assertError, contactsByPhone, listAll, sendSms, uniquePhone } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

const CONTRACT_KEYS = ['address', 'area', 'available_from', 'baths', 'beds', 'features', 'id', 'kind', 'postcode',
  'price', 'price_period', 'reference', 'status', 'summary', 'type'];

async function search(key, params) {
  const r = await api(server, key, `/api/v1/listings?${new URLSearchParams(params)}`);
  assert.equal(r.status, 200, r.text);
  return r.json.data;
}
async function send(key, method, path, body, contentType = 'application/json') {
  const res = await fetch(server.baseUrl + path, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}
const byReference = async (key, reference) => (await search(key, { q: reference })).filter((l) => l.reference === reference);

const NEW = {
  reference: 'T-100', kind: 'rent', type: 'flat', beds: 2, baths: 1, price: 1395, area: 'Cotham',
  postcode: 'bs6 6dp', address: 'Flat 1, 9 Test Lane, Cotham, Bristol', features: ['Parking', 'garden'],
  available_from: '2026-05-01', landlord: { name: 'Pat Test', phone: '+447700900400' },
};

test('the seeded catalogue: "elm road" finds the two-bed flat on Elm Road, summarised', async () => {
  const found = await search(DEMO.key, { q: 'elm road' });
  assert.equal(found.length, 1, JSON.stringify(found));
  const [flat] = found;
  assert.deepEqual(Object.keys(flat).sort(), CONTRACT_KEYS);
  assert.equal(flat.reference, 'MP-2026-014');
  assert.equal(flat.summary, 'a two-bedroom flat in Clifton at £1,450 a month, available from 1 March');
  assert.deepEqual([flat.kind, flat.type, flat.beds, flat.price, flat.area], ['rent', 'flat', 2, 1450, 'Clifton']);

  const detail = await apiOk(server, DEMO.key, `/api/v1/listings/${flat.id}`);
  assert.match(detail.summary_speech, /one thousand four hundred and fifty pounds a month, available from the first of March/);
  assert.equal(detail.landlord.name, 'Helen Price');

  assert.equal((await listAll(server, DEMO.key, '/api/v1/listings', { limit: 5 })).length >= 12, true, 'a dozen, paged');
  const monthly = await search(DEMO2.key, { q: 'monthly let' });
  assert.equal(monthly.length, 4, JSON.stringify(monthly.map((l) => l.reference)));
  for (const l of monthly) {
    const rules = (await apiOk(server, DEMO2.key, `/api/v1/listings/${l.id}`)).rules;
    assert.deepEqual(rules, { min_nights: 32, align_to_month: true }, l.reference);
  }
});

test('filters combine, every result fits them, the exact area first', async () => {
  const rent = await search(DEMO.key, { kind: 'rent', beds: '2', max_price: '1500' });
  assert.ok(rent.length >= 2, JSON.stringify(rent));
  for (const l of rent) assert.ok(l.kind === 'rent' && l.beds >= 2 && l.price <= 1500, JSON.stringify(l));
  // Fewest extra bedrooms, then nearest the budget from below.
  assert.deepEqual(rent.map((l) => l.reference), ['MP-2026-014', 'MP-2026-015', 'MP-2026-017']);
  // The database's order (no area, no text) and core's ranking (free text) agree.
  const ranked = await search(DEMO.key, { kind: 'rent', beds: '2', max_price: '1500', q: 'bristol' });
  assert.deepEqual(ranked.map((l) => l.reference), rent.map((l) => l.reference));
  const clifton = await search(DEMO.key, { area: 'clifton', kind: 'rent' });
  assert.ok(clifton.length >= 2 && clifton.every((l) => l.area === 'Clifton'), JSON.stringify(clifton));
  const sales = await search(DEMO.key, { kind: 'sale' });
  assert.ok(sales.length >= 2 && sales.every((l) => l.kind === 'sale'), JSON.stringify(sales));
  assert.deepEqual(await search(DEMO.key, { kind: 'stay' }), [], 'the letting agent has no holiday lets');
  const nightly = await search(DEMO2.key, { kind: 'stay', beds: '2', max_price: '200' });
  assert.ok(nightly.length >= 2 && nightly.every((l) => l.beds >= 2 && l.price <= 200), JSON.stringify(nightly));
  const limited = await search(DEMO.key, { kind: 'rent', limit: '2' });
  assert.equal(limited.length, 2);

  for (const [params, name] of [[{ kind: 'lease' }, 'kind'], [{ beds: 'two' }, 'beds'], [{ max_price: 'cheap' }, 'max_price'], [{ q: 'x', limit: '0' }, 'limit']]) {
    const r = await api(server, DEMO.key, `/api/v1/listings?${new URLSearchParams(params)}`);
    assertError(r, 400, 'bad_request', name);
    assert.match(r.json.error.message, new RegExp(`\`${name}\``));
  }
  assertError(await api(server, undefined, '/api/v1/listings'), 401, 'unauthorized');
});

test('create, read, update and delete one listing; a taken reference is a 409', async () => {
  const created = await apiPost(server, DEMO.key, '/api/v1/listings', NEW);
  assert.equal(created.status, 201, created.text);
  const { id } = created.json;
  assert.match(id, /^lst_[0-9a-f]{23}$/);
  assert.equal(created.json.reference, 'T-100');
  assert.equal(created.json.postcode, 'BS6 6DP');
  assert.deepEqual(created.json.features, ['parking', 'garden']);
  assert.equal(created.json.summary, 'a two-bedroom flat in Cotham at £1,395 a month, available from 1 May');

  const got = await apiOk(server, DEMO.key, `/api/v1/listings/${id}`);
  assert.deepEqual({ ...got, summary_speech: undefined }, { ...created.json, summary_speech: undefined });
  assert.equal((await search(DEMO.key, { q: 'test lane' }))[0]?.id, id);

  assertError(await apiPost(server, DEMO.key, '/api/v1/listings', { ...NEW, reference: 't-100' }), 409, 'conflict');

  const put = await send(DEMO.key, 'PUT', `/api/v1/listings/${id}`, { price: 1350, status: 'let_agreed', available_from: null });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.summary, 'a two-bedroom flat in Cotham at £1,350 a month (let agreed)');
  assert.equal(put.json.beds, 2, 'fields not sent keep their values');
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/listings/${id}`)).price, 1350);
  assert.deepEqual((await search(DEMO.key, { q: 'test lane', status: 'available' })), []);

  const bad = await send(DEMO.key, 'PUT', `/api/v1/listings/${id}`, { price: -5, type: 'castle' });
  assertError(bad, 400, 'bad_request');
  assert.match(bad.json.error.message, /`price`/);
  assert.match(bad.json.error.message, /`type`/);
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/listings/${id}`)).price, 1350, 'a refused update changes nothing');
  const clash = await send(DEMO.key, 'PUT', `/api/v1/listings/${id}`, { reference: 'MP-2026-014' });
  assertError(clash, 409, 'conflict');

  const del = await send(DEMO.key, 'DELETE', `/api/v1/listings/${id}`, '');
  assert.equal(del.status, 200, del.text);
  assertError(await api(server, DEMO.key, `/api/v1/listings/${id}`), 404, 'not_found');
  assertError(await send(DEMO.key, 'DELETE', `/api/v1/listings/${id}`, ''), 404, 'not_found');
  assertError(await api(server, DEMO.key, '/api/v1/listings/not-an-id'), 404, 'not_found');
});

test('a bad listing is a 400 naming every bad field, and nothing is stored', async () => {
  const r = await apiPost(server, DEMO.key, '/api/v1/listings', {
    reference: 'BAD-1', kind: 'lease', type: 'flat', beds: 'two', baths: 1, price: 0, area: 'Clifton',
    address: '1 Bad Road', available_from: '2026-02-30', bedrooms: 2,
  });
  assertError(r, 400, 'bad_request');
  for (const field of ['kind', 'beds', 'price', 'available_from', 'bedrooms']) {
    assert.match(r.json.error.message, new RegExp(`\`${field}\``), field);
  }
  assertError(await apiPost(server, DEMO.key, '/api/v1/listings', '{"reference": '), 400, 'bad_request');
  // Booking rules are checked by the booking engine's own validation.
  const rules = await apiPost(server, DEMO.key, '/api/v1/listings', { ...NEW, reference: 'BAD-1', rules: { min_night: 32 } });
  assertError(rules, 400, 'bad_request');
  assert.match(rules.json.error.message, /`rules`.*min_night/);
  assert.deepEqual(await byReference(DEMO.key, 'BAD-1'), []);
});

test('CSV import: good rows stored, each bad row named by line and not stored; a re-import updates by reference', async () => {
  const csv = 'reference,kind,type,beds,baths,price,area,postcode,address,features,available_from\r\n' +
    'CSV-1,rent,flat,1,1,"£1,050",Redland,BS6 6AA,"Flat 3, 5 Csv Road, Redland",parking;pets allowed,2026-04-01\r\n' +
    'CSV-2,rent,house,three,1,1800,Redland,,7 Csv Road,,\r\n' +
    'CSV-3,sale,house,3,2,350000,Bedminster,BS3 4AA,9 Csv Road,garden,\r\n' +
    'CSV-4,stay,castle,2,1,120,Harbourside,,1 Csv Quay,,2026-13-01\r\n';
  const r = await send(DEMO.key, 'POST', '/api/v1/listings/import', csv, 'text/csv');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 2);
  assert.equal(r.json.updated, 0);
  assert.deepEqual(r.json.errors.map((e) => e.line), [3, 5]);
  assert.match(r.json.errors[0].problem, /`beds`/);
  assert.match(r.json.errors[1].problem, /`type`/);
  assert.match(r.json.errors[1].problem, /`available_from`/);
  const one = (await byReference(DEMO.key, 'CSV-1'))[0];
  assert.equal(one.address, 'Flat 3, 5 Csv Road, Redland');
  assert.deepEqual(one.features, ['parking', 'pets_allowed']);
  assert.equal(one.price, 1050);
  assert.deepEqual(await byReference(DEMO.key, 'CSV-2'), [], 'a bad row stores nothing');
  assert.deepEqual(await byReference(DEMO.key, 'CSV-4'), []);

  const again = await send(DEMO.key, 'POST', '/api/v1/listings/import',
    'reference,kind,type,beds,baths,price,area,address\nCSV-1,rent,flat,1,1,995,Redland,"Flat 3, 5 Csv Road, Redland"\n', 'text/csv');
  assert.deepEqual(again.json, { imported: 0, updated: 1, errors: [] });
  const updated = (await byReference(DEMO.key, 'CSV-1'))[0];
  assert.equal(updated.id, one.id, 'an update keeps the id');
  assert.equal(updated.price, 995);

  for (const [body, message] of [['', /empty/], ['kind,type\nrent,flat\n', /`reference`/], ['reference,kind,type,price\n"open', /never closed/]]) {
    const bad = await send(DEMO.key, 'POST', '/api/v1/listings/import', body, 'text/csv');
    assertError(bad, 400, 'bad_request', body);
    assert.match(bad.json.error.message, message);
  }
});

test('another tenant cannot read, change, delete or find a listing', async () => {
  const [flat] = await search(DEMO.key, { q: 'elm road' });
  assertError(await api(server, DEMO2.key, `/api/v1/listings/${flat.id}`), 404, 'not_found');
  assertError(await send(DEMO2.key, 'PUT', `/api/v1/listings/${flat.id}`, { price: 1 }), 404, 'not_found');
  assertError(await send(DEMO2.key, 'DELETE', `/api/v1/listings/${flat.id}`, ''), 404, 'not_found');
  assert.deepEqual(await search(DEMO2.key, { q: 'elm road' }), []);
  assert.deepEqual(await search(DEMO2.key, { q: 'MP-2026-014' }), []);
  assert.ok((await listAll(server, DEMO2.key, '/api/v1/listings')).every((l) => !l.reference.startsWith('MP-')));
  const still = await apiOk(server, DEMO.key, `/api/v1/listings/${flat.id}`);
  assert.equal(still.price, 1450, 'unchanged by the other tenant');
  // The same reference is free in another tenant's catalogue.
  const theirs = await apiPost(server, DEMO2.key, '/api/v1/listings', { ...NEW, reference: 'MP-2026-014' });
  assert.equal(theirs.status, 201, theirs.text);
  assert.equal((await search(DEMO.key, { q: 'MP-2026-014' })).length, 1);
});

test("a contact's interest in listings is recorded once per level and read back", async () => {
  const phone = uniquePhone();
  await sendSms(server, { from: phone, body: 'Hi, is the flat on Elm Road still available?' });
  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  assert.ok(contact, 'the SMS made a contact');
  const [flat] = await search(DEMO.key, { q: 'elm road' });
  const path = `/api/v1/contacts/${contact.id}/interest`;
  for (const level of ['asked', 'viewed', 'asked']) {
    const r = await apiPost(server, DEMO.key, path, { listing_id: flat.id, level });
    assert.equal(r.status, 201, r.text);
  }
  const { data } = await apiOk(server, DEMO.key, path);
  assert.equal(data.length, 1);
  assert.equal(data[0].reference, 'MP-2026-014');
  assert.equal(data[0].level, 'viewed');
  assert.deepEqual(data[0].levels.map((l) => l.level).sort(), ['asked', 'viewed']);

  assertError(await apiPost(server, DEMO.key, path, { listing_id: flat.id, level: 'loved' }), 400, 'malformed_body');
  assertError(await api(server, DEMO2.key, path), 404, 'not_found');
  assertError(await apiPost(server, DEMO2.key, path, { listing_id: flat.id, level: 'asked' }), 404, 'not_found');
  const [theirs] = await search(DEMO2.key, { q: 'monthly let' });
  assertError(await apiPost(server, DEMO.key, path, { listing_id: theirs.id, level: 'asked' }), 404, 'not_found');
  assert.equal((await apiOk(server, DEMO.key, path)).data.length, 1, 'another tenant\'s listing recorded nothing');
});

test('the conversation lookup finds the one listing a message names, and never guesses', async () => {
  const mentioned = async (tenantId, text) => {
    const r = await apiPost(server, undefined, '/__test/listings/mentioned', { tenant_id: tenantId, text });
    assert.equal(r.status, 200, r.text);
    return r.json.listing?.reference ?? null;
  };
  assert.equal(await mentioned(DEMO.tenantId, "I'd like to view the flat on Elm Road on Friday at 11"), 'MP-2026-014');
  assert.equal(await mentioned(DEMO.tenantId, 'is mp-2026-019 still free?'), 'MP-2026-019');
  assert.equal(await mentioned(DEMO.tenantId, 'the one on North Street'), 'MP-2026-015');
  assert.equal(await mentioned(DEMO.tenantId, 'the studio in Cotham'), 'MP-2026-013');
  assert.equal(await mentioned(DEMO.tenantId, 'is your office at 14 Elm Road?'), null, 'another number on the street');
  assert.equal(await mentioned(DEMO.tenantId, 'the house in Redland'), null, 'two houses in Redland');
  assert.equal(await mentioned(DEMO.tenantId, 'do you have anything with parking?'), null);
  assert.equal(await mentioned(DEMO2.tenantId, 'the flat on Elm Road'), null, 'another tenant\'s listing');
  assert.equal(await mentioned(DEMO2.tenantId, 'the apartment on the Wharf'), null, 'several apartments there');
  assert.equal(await mentioned(DEMO2.tenantId, 'the cottage in Porthmeor for a week'), 'HV-C3');
  assert.equal(await mentioned(DEMO2.tenantId, 'HV-M3 for ten nights from 3 March'), 'HV-M3');
});
