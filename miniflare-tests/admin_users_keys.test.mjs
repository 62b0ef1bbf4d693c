// Users and API keys managed through the tenant API (docs/API.md "Users", "API keys"): an owner
// adds people with a password, changes their role and removes them, but never the last owner;
// issues a key that is shown once, rotates it (the old one stops working at once) and revokes
// it (401 from then on). Another tenant's key can touch none of it.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, DEMO2, api, apiOk, apiPost, assertError } from './helpers/api.mjs';
import { signIn, asUser, DEMO_USERS } from './helpers/console.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

const SEEDED_OWNER = 'usr_019b76daa800000000000a';
const SEEDED = ['owner@demo.example', 'agent@demo.example', 'viewer@demo.example'];

async function send(key, method, path, body) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.baseUrl + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* empty */ }
  return { status: res.status, headers: res.headers, text, json };
}

test('an owner adds a user with a password, changes their role and removes them', async () => {
  assertError(await api(server, undefined, '/api/v1/users'), 401, 'unauthorized');
  const before = await apiOk(server, DEMO.key, '/api/v1/users');
  assert.deepEqual(before.data.map((u) => [u.email, u.role]), [['owner@demo.example', 'owner'], ['agent@demo.example', 'agent'], ['viewer@demo.example', 'viewer']]);

  const created = await apiPost(server, DEMO.key, '/api/v1/users', { email: ' Sam@Demo.Example', role: 'agent', password: 'a long enough password' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.email, 'sam@demo.example');
  assert.equal(created.json.role, 'agent');
  assert.equal(created.json.totp, false);
  assert.ok(!/password|pbkdf2/i.test(created.text), `the answer never carries the password or its hash: ${created.text}`);

  assertError(await apiPost(server, DEMO.key, '/api/v1/users', { email: 'sam@demo.example', role: 'viewer', password: 'another long password' }), 409, 'conflict', 'same email twice');
  const bad = await apiPost(server, DEMO.key, '/api/v1/users', { email: 'nobody', role: 'root', password: 'short' });
  assertError(bad, 400, 'malformed_body');
  for (const field of ['email', 'role', 'password']) assert.ok(bad.json.error.message.includes(`${field}:`), bad.text);

  const promoted = await send(DEMO.key, 'PATCH', `/api/v1/users/${created.json.id}`, { role: 'admin' });
  assert.equal(promoted.status, 200, promoted.text);
  assert.equal(promoted.json.role, 'admin');
  assertError(await send(DEMO.key, 'PATCH', `/api/v1/users/${created.json.id}`, { role: 'boss' }), 400, 'malformed_body');

  const removed = await send(DEMO.key, 'DELETE', `/api/v1/users/${created.json.id}`);
  assert.equal(removed.status, 204, removed.text);
  assertError(await send(DEMO.key, 'DELETE', `/api/v1/users/${created.json.id}`), 404, 'not_found', 'removed twice');
  const after = await apiOk(server, DEMO.key, '/api/v1/users');
  assert.deepEqual(after.data.map((u) => u.email), SEEDED);

  const audit = await apiOk(server, DEMO.key, '/api/v1/audit?limit=50');
  const actions = audit.data.filter((e) => e.subject === created.json.id).map((e) => e.action).sort();
  assert.deepEqual(actions, ['user.created', 'user.deleted', 'user.role_changed']);
});

test('the last owner can be neither demoted nor removed; with a second owner they can', async () => {
  assertError(await send(DEMO.key, 'PATCH', `/api/v1/users/${SEEDED_OWNER}`, { role: 'agent' }), 409, 'conflict', 'demote the only owner');
  assertError(await send(DEMO.key, 'DELETE', `/api/v1/users/${SEEDED_OWNER}`), 409, 'conflict', 'remove the only owner');
  const second = await apiPost(server, DEMO.key, '/api/v1/users', { email: 'co-owner@demo.example', role: 'owner', password: 'co-owner password 1' });
  assert.equal(second.status, 201, second.text);
  const demoted = await send(DEMO.key, 'PATCH', `/api/v1/users/${SEEDED_OWNER}`, { role: 'admin' });
  assert.equal(demoted.status, 200, demoted.text);
  assertError(await send(DEMO.key, 'DELETE', `/api/v1/users/${second.json.id}`), 409, 'conflict', 'now the co-owner is the last');
  // Put the seeded owner back for the rest of the suite.
  assert.equal((await send(DEMO.key, 'PATCH', `/api/v1/users/${SEEDED_OWNER}`, { role: 'owner' })).status, 200);
  assert.equal((await send(DEMO.key, 'DELETE', `/api/v1/users/${second.json.id}`)).status, 204);
});

test('a user made with a password signs in with it; an admin manages agents but not owners; agents and viewers manage nothing', async () => {
  const made = await apiPost(server, DEMO.key, '/api/v1/users', { email: 'ops@demo.example', role: 'admin', password: 'ops admin password 7' });
  assert.equal(made.status, 201, made.text);
  assert.equal((await signIn(server, { tenant: 'demo', email: 'ops@demo.example', password: 'wrong password 123' })).status, 401);
  const admin = await signIn(server, { tenant: 'demo', email: 'ops@demo.example', password: 'ops admin password 7' });
  assert.equal(admin.status, 200, `the password set on creation signs in: ${admin.text}`);
  assert.equal(admin.json.user.role, 'admin');

  const agent = await asUser(server, admin, '/api/v1/users', { method: 'POST', body: { email: 'temp@demo.example', role: 'agent', password: 'temporary password' } });
  assert.equal(agent.status, 201, agent.text);
  assertError(await asUser(server, admin, '/api/v1/users', { method: 'POST', body: { email: 'boss@demo.example', role: 'owner', password: 'would-be owner pw' } }), 403, 'forbidden', 'an admin makes an owner');
  assertError(await asUser(server, admin, `/api/v1/users/${SEEDED_OWNER}`, { method: 'PATCH', body: { role: 'viewer' } }), 403, 'forbidden', 'an admin demotes the owner');
  assertError(await asUser(server, admin, `/api/v1/users/${SEEDED_OWNER}`, { method: 'DELETE' }), 403, 'forbidden', 'an admin removes the owner');
  const audit = await apiOk(server, DEMO.key, '/api/v1/audit?action=user.created&limit=50');
  assert.equal(audit.data.find((e) => e.subject === agent.json.id).actor, `user:${made.json.id}`, 'audited as the signed-in admin');

  for (const who of ['agent', 'viewer']) {
    const session = await signIn(server, DEMO_USERS[who]);
    assert.equal(session.status, 200, session.text);
    assertError(await asUser(server, session, '/api/v1/users'), 403, 'forbidden', `${who} lists users`);
    assertError(await asUser(server, session, '/api/v1/keys'), 403, 'forbidden', `${who} lists keys`);
    assertError(await asUser(server, session, '/api/v1/keys', { method: 'POST', body: {} }), 403, 'forbidden', `${who} issues a key`);
    assertError(await asUser(server, session, `/api/v1/users/${agent.json.id}`, { method: 'DELETE' }), 403, 'forbidden', `${who} removes a user`);
  }
  const tempSession = await signIn(server, { tenant: 'demo', email: 'temp@demo.example', password: 'temporary password' });
  assert.equal(tempSession.status, 200, tempSession.text);
  assert.equal((await asUser(server, admin, `/api/v1/users/${agent.json.id}`, { method: 'DELETE' })).status, 204);
  assertError(await asUser(server, tempSession, '/api/v1/conversations'), 401, 'unauthorized', "a removed user's session ends with them");
  assert.equal((await send(DEMO.key, 'DELETE', `/api/v1/users/${made.json.id}`)).status, 204);
  assertError(await asUser(server, admin, '/api/v1/users'), 401, 'unauthorized', "the removed admin's session too");
});

test("another tenant's key sees none of the users and changes none", async () => {
  const theirs = await apiOk(server, DEMO2.key, '/api/v1/users');
  assert.deepEqual(theirs.data.map((u) => u.email), ['owner@demo2.example']);
  assertError(await send(DEMO2.key, 'PATCH', `/api/v1/users/${SEEDED_OWNER}`, { role: 'viewer' }), 404, 'not_found');
  assertError(await send(DEMO2.key, 'DELETE', `/api/v1/users/${SEEDED_OWNER}`), 404, 'not_found');
  const mine = await apiOk(server, DEMO.key, '/api/v1/users');
  assert.equal(mine.data.find((u) => u.id === SEEDED_OWNER).role, 'owner');
});

test('a key is shown once, works at once, rotates (the old one is refused) and is revoked (401)', async () => {
  const listed = await apiOk(server, DEMO.key, '/api/v1/keys');
  assert.deepEqual(listed.data.map((k) => [k.id, k.prefix, k.revoked_at]), [['key_demo_dev', 'fd_demo_devk', null]]);
  assert.ok(!/key_hash|b5ff6db1/.test(JSON.stringify(listed)), 'no hash in the list');

  const issued = await apiPost(server, DEMO.key, '/api/v1/keys', { label: 'zapier' });
  assert.equal(issued.status, 201, issued.text);
  assert.match(issued.json.key, /^fd_demo_[A-Za-z0-9_-]{43}$/);
  assert.equal(issued.json.label, 'zapier');
  assert.equal(issued.json.prefix, issued.json.key.slice(0, 12));
  const settings = await apiOk(server, issued.json.key, '/api/v1/settings');
  assert.equal(settings.tenant.slug, 'demo', 'the new key acts for its tenant');
  const relisted = await apiOk(server, DEMO.key, '/api/v1/keys');
  assert.ok(!JSON.stringify(relisted).includes(issued.json.key), 'the secret is never shown again');

  const rotated = await apiPost(server, DEMO.key, `/api/v1/keys/${issued.json.id}/rotate`, {});
  assert.equal(rotated.status, 201, rotated.text);
  assert.notEqual(rotated.json.key, issued.json.key);
  assert.equal(rotated.json.label, 'zapier', 'the new key keeps the label');
  assertError(await api(server, issued.json.key, '/api/v1/settings'), 401, 'unauthorized', 'the rotated-out key');
  await apiOk(server, rotated.json.key, '/api/v1/settings');
  assertError(await apiPost(server, DEMO.key, `/api/v1/keys/${issued.json.id}/rotate`, {}), 409, 'conflict', 'rotating a revoked key');

  assertError(await send(DEMO2.key, 'DELETE', `/api/v1/keys/${rotated.json.id}`), 404, 'not_found', "another tenant's key");
  await apiOk(server, rotated.json.key, '/api/v1/settings');
  const revoked = await send(DEMO.key, 'DELETE', `/api/v1/keys/${rotated.json.id}`);
  assert.equal(revoked.status, 204, revoked.text);
  assertError(await api(server, rotated.json.key, '/api/v1/settings'), 401, 'unauthorized', 'a revoked key');
  const final = await apiOk(server, DEMO.key, '/api/v1/keys');
  assert.equal(final.data.filter((k) => k.revoked_at === null).length, 1, 'only the dev key is live');
  assertError(await apiPost(server, DEMO.key, '/api/v1/keys', { label: 'x'.repeat(81) }), 400, 'malformed_body');
});
