// The operator console's session: sign in with a tenant user's password for an HttpOnly
// cookie and a CSRF token; every write made with the cookie carries the token; roles decide
// what a user may do (a viewer reads, an agent works, only admins and owners configure); a
// session never reaches another tenant, and ends on sign-out or when it expires.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, prepareDatabase } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertError, api } from './helpers/api.mjs';
import { signIn, asUser, DEMO_USERS } from './helpers/console.mjs';

let server;
let persistDir;
const receivedFrom = (phone) => (e) => e.event === 'message.received' && e.json?.data?.contact?.phone === phone;
before(async () => {
  persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-console-'));
  await prepareDatabase(persistDir);
  server = await startServer({ persistDir });
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

test('the owner signs in: an HttpOnly, SameSite=Lax cookie, a CSRF token, and the API and live events with the cookie', async () => {
  const owner = await signIn(server, DEMO_USERS.owner);
  assert.equal(owner.status, 200, owner.text);
  assert.deepEqual(owner.json.user, { id: 'usr_019b76daa800000000000a', email: 'owner@demo.example', role: 'owner' });
  assert.deepEqual(owner.json.tenant, { id: 'ten_demo', slug: 'demo', name: 'Maple & Pine Lettings' });
  assert.match(owner.setCookie, /^fd_session=fdcs_[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=604800$/);
  assert.ok(!/Secure/.test(owner.setCookie), 'no Secure flag on a plain-http local server');
  assert.ok(owner.csrf.length >= 40, owner.text);
  assert.equal(owner.headers.get('cache-control'), 'no-store');

  const again = await asUser(server, owner, '/api/v1/session');
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json, owner.json, 'a reload gets the same user, tenant and CSRF token back');

  const sse = await connectSse({ baseUrl: server.baseUrl, headers: { cookie: owner.cookie } });
  try {
    assert.equal(sse.status, 200, sse.body);
    const phone = uniquePhone();
    await sendSms(server, { from: phone, body: 'Hi, is the flat on Elm Road still available?' });
    const received = await sse.waitFor(receivedFrom(phone));
    const conversations = await asUser(server, owner, '/api/v1/conversations');
    assert.equal(conversations.status, 200, conversations.text);
    assert.ok(conversations.json.data.some((c) => c.id === received.json.data.conversation.id));
  } finally {
    sse.close();
  }
});

test('a wrong password, an unknown email, another business or a missing field signs nobody in', async () => {
  for (const [what, who] of [
    ['wrong password', { ...DEMO_USERS.owner, password: 'demo-owner-passwordX' }],
    ['unknown email', { ...DEMO_USERS.owner, email: 'nobody@demo.example' }],
    ['the owner of demo at demo2', { ...DEMO_USERS.owner, tenant: 'demo2' }],
  ]) {
    const r = await signIn(server, who);
    assertError(r, 401, 'unauthorized', what);
    assert.equal(r.setCookie, undefined, `${what}: no cookie`);
  }
  assertError(await signIn(server, { email: 'owner@demo.example', password: '' }), 400, 'bad_request');
  const noBusiness = await signIn(server, { email: DEMO_USERS.agent.email, password: DEMO_USERS.agent.password });
  assert.equal(noBusiness.status, 200, 'an email of one business only needs no business named');
  assertError(await api(server, undefined, '/api/v1/session'), 401, 'unauthorized');
  const forged = { cookie: `fd_session=fdcs_${'A'.repeat(43)}` };
  assertError(await asUser(server, forged, '/api/v1/conversations'), 401, 'unauthorized', 'an invented session');
});

test('every write with the cookie needs the session\'s own CSRF token; reads and API keys do not', async () => {
  const owner = await signIn(server, DEMO_USERS.owner);
  const other = await signIn(server, DEMO_USERS.agent);
  assertError(await asUser(server, owner, '/api/v1/tickets', { method: 'POST', body: {}, csrf: null }), 403, 'csrf_failed', 'no token');
  assertError(await asUser(server, owner, '/api/v1/tickets', { method: 'POST', body: {}, csrf: 'forged' }), 403, 'csrf_failed', 'a made-up token');
  assertError(await asUser(server, owner, '/api/v1/tickets', { method: 'POST', body: {}, csrf: other.csrf }), 403, 'csrf_failed', "another session's token");
  assertError(await asUser(server, owner, '/api/v1/settings', { method: 'PUT', body: { name: 'Hijacked' }, csrf: null }), 403, 'csrf_failed');
  const settings = await api(server, DEMO.key, '/api/v1/settings');
  assert.equal(settings.json.tenant.name, 'Maple & Pine Lettings', 'nothing changed');
  // With its token the write reaches the route (which then judges the body).
  assertError(await asUser(server, owner, '/api/v1/tickets', { method: 'POST', body: {} }), 400, 'malformed_body');
});

test('a viewer only reads; an agent works but cannot configure; admins\' routes stay the owner\'s', async () => {
  const viewer = await signIn(server, DEMO_USERS.viewer);
  const agent = await signIn(server, DEMO_USERS.agent);
  const owner = await signIn(server, DEMO_USERS.owner);
  assert.equal(viewer.json.user.role, 'viewer');
  for (const path of ['/api/v1/conversations', '/api/v1/leads', '/api/v1/escalations', '/api/v1/settings']) {
    assert.equal((await asUser(server, viewer, path)).status, 200, `viewer GET ${path}`);
  }
  const writes = [
    ['POST', '/api/v1/tickets', {}],
    ['POST', '/api/v1/escalations/esc_0000000000000000000000', { status: 'resolved' }],
    ['POST', '/api/v1/contacts/con_0000000000000000000000/messages', { text: 'hi' }],
    ['POST', '/api/v1/bookings', {}],
  ];
  for (const [method, path, body] of writes) {
    assertError(await asUser(server, viewer, path, { method, body }), 403, 'forbidden', `viewer ${method} ${path}`);
    const asAgent = await asUser(server, agent, path, { method, body });
    assert.ok(asAgent.status !== 403 && asAgent.status !== 401, `agent ${method} ${path} → ${asAgent.status} ${asAgent.text}`);
  }
  const admin = [
    ['PUT', '/api/v1/settings', { name: 'Agent was here' }],
    ['POST', '/api/v1/settings/template', { template: 'clinic' }],
    ['POST', '/api/v1/approvals/apr_0000000000000000000000', { decision: 'approve' }],
    ['POST', '/api/v1/kb/faqs', { faqs: [] }],
  ];
  for (const [method, path, body] of admin) {
    assertError(await asUser(server, agent, path, { method, body }), 403, 'forbidden', `agent ${method} ${path}`);
    assertError(await asUser(server, viewer, path, { method, body }), 403, 'forbidden', `viewer ${method} ${path}`);
  }
  assertError(await asUser(server, agent, '/api/v1/audit'), 403, 'forbidden', 'the audit log is for admins');
  assert.equal((await asUser(server, owner, '/api/v1/audit')).status, 200);
  assert.equal((await api(server, DEMO.key, '/api/v1/settings')).json.tenant.name, 'Maple & Pine Lettings');
});

test("a session of tenant A never reads tenant B's conversations or events", async () => {
  await sendSms(server, { from: uniquePhone(), body: 'Hello demo2', to: DEMO2.number, token: DEMO2.token });
  const [theirs] = (await api(server, DEMO2.key, '/api/v1/conversations?limit=1')).json.data;
  assert.ok(theirs, 'demo2 has a conversation');
  const owner = await signIn(server, DEMO_USERS.owner);
  assertError(await asUser(server, owner, `/api/v1/conversations/${theirs.id}`), 404, 'not_found');
  assertError(await asUser(server, owner, `/api/v1/conversations/${theirs.id}/messages`), 404, 'not_found');
  const mine = (await asUser(server, owner, '/api/v1/conversations?limit=100')).json.data;
  assert.ok(mine.length > 0 && !mine.some((c) => c.id === theirs.id));
  const sse = await connectSse({ baseUrl: server.baseUrl, headers: { cookie: owner.cookie } });
  try {
    await sendSms(server, { from: uniquePhone(), body: 'Only demo2 hears this', to: DEMO2.number, token: DEMO2.token });
    const mark = uniquePhone();
    await sendSms(server, { from: mark, body: 'And demo hears this' });
    await sse.waitFor(receivedFrom(mark));
    assert.ok(!sse.events.some((e) => e.data.includes('Only demo2 hears this')));
  } finally {
    sse.close();
  }
});

test('signing out revokes the session: the old cookie no longer works anywhere', async () => {
  const owner = await signIn(server, DEMO_USERS.owner);
  assertError(await asUser(server, owner, '/api/v1/session', { method: 'DELETE', csrf: null }), 403, 'csrf_failed');
  const out = await asUser(server, owner, '/api/v1/session', { method: 'DELETE' });
  assert.equal(out.status, 204, out.text);
  assert.match(out.headers.get('set-cookie'), /^fd_session=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0$/);
  assertError(await asUser(server, owner, '/api/v1/session'), 401, 'unauthorized');
  assertError(await asUser(server, owner, '/api/v1/conversations'), 401, 'unauthorized');
  const sse = await connectSse({ baseUrl: server.baseUrl, headers: { cookie: owner.cookie } });
  assert.equal(sse.status, 401);
});

test('five wrong passwords lock the account, even against the right one', async () => {
  for (let i = 0; i < 4; i += 1) assertError(await signIn(server, { ...DEMO_USERS.viewer, password: 'guess' }), 401, 'unauthorized');
  assertError(await signIn(server, { ...DEMO_USERS.viewer, password: 'guess' }), 423, 'locked');
  const right = await signIn(server, DEMO_USERS.viewer);
  assertError(right, 423, 'locked');
  assert.equal(right.setCookie, undefined);
});

// Last: restarts the server thirteen hours later on the same database.
test('a session unused for twelve hours has expired; signing in again works', async () => {
  const owner = await signIn(server, DEMO_USERS.owner);
  assert.equal((await asUser(server, owner, '/api/v1/session')).status, 200);
  await server.stop();
  server = await startServer({ persistDir, clockAt: Date.now() + 13 * 60 * 60 * 1000 });
  assertError(await asUser(server, owner, '/api/v1/session'), 401, 'unauthorized');
  assertError(await asUser(server, owner, '/api/v1/conversations'), 401, 'unauthorized');
  const fresh = await signIn(server, DEMO_USERS.owner);
  assert.equal((await asUser(server, fresh, '/api/v1/conversations')).status, 200);
});
