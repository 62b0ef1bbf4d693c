// Tenants from the console (docs/API.md "Tenants"): an owner starts a new business from an
// industry template with its owner user, and its first signed SMS is answered at once; a
// paused tenant's messages are stored and answered by the holding reply, each one a task for
// the team, while other tenants carry on; one tenant's owner can touch nothing of another's.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
  DEMO, uniquePhone, sendSms, assertTwimlReply, assertError, api, apiOk, apiPost, conversationsOf, messagesOf, listAll,
} from './helpers/api.mjs';
import { signIn, asUser, DEMO_USERS } from './helpers/console.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

const HOLDING = /We can't reply automatically right now; a member of the team will get back to you/;
const NEW_TENANT = {
  name: 'North Clinic', slug: 'north-clinic', template: 'clinic_salon', timezone: 'Europe/London',
  owner_email: 'Boss@North-Clinic.Example', owner_password: 'north clinic owner pw',
};
let made;

test('an owner creates a tenant from a template; its first signed SMS is answered and its owner signs in', async () => {
  const r = await apiPost(server, DEMO.key, '/api/v1/tenants', NEW_TENANT);
  assert.equal(r.status, 201, r.text);
  made = r.json;
  assert.equal(made.tenant.slug, 'north-clinic');
  assert.equal(made.tenant.status, 'active');
  assert.equal(made.owner.email, 'boss@north-clinic.example');
  assert.equal(made.settings.template, 'clinic_salon');
  assert.deepEqual(made.settings.hours.thu, ['09:00', '19:00'], "the template's hours");
  assert.match(made.channels.sms.number, /^\+15550\d{6}$/);
  assert.match(made.api_key, /^fd_north-clinic_/);
  assert.match(made.webhooks.twilio_sms, /\/webhooks\/twilio\/sms$/);
  assert.match(made.webhooks.web_form, /\/webhooks\/forms\/north-clinic$/);

  const sms = await sendSms(server, { from: uniquePhone(), to: made.channels.sms.number, token: made.channels.sms.auth_token, body: 'What are your opening hours?' });
  const reply = assertTwimlReply(sms, 'first SMS to the new tenant');
  assert.match(reply, /Thu 09:00–19:00/, `answered with the clinic template's hours: ${reply}`);
  assert.match(reply, /North Clinic/, reply);

  const settings = await apiOk(server, made.api_key, '/api/v1/settings');
  assert.equal(settings.tenant.name, 'North Clinic');
  assert.equal(settings.tenant.timezone, 'Europe/London');
  const owner = await signIn(server, { tenant: 'north-clinic', email: 'boss@north-clinic.example', password: NEW_TENANT.owner_password });
  assert.equal(owner.status, 200, owner.text);
  assert.equal(owner.json.user.role, 'owner');
  assert.equal(owner.json.tenant.slug, 'north-clinic');

  const audit = await apiOk(server, DEMO.key, '/api/v1/audit?action=tenant.created');
  assert.equal(audit.data[0].subject, made.tenant.id, "recorded in the creator's audit log");
  assert.equal(audit.data[0].actor, 'api_key:key_demo_dev');
});

test('a tenant request is checked whole; a taken slug is 409; only an owner creates one', async () => {
  const bad = await apiPost(server, DEMO.key, '/api/v1/tenants', {
    name: '', slug: 'North Clinic', template: 'car_wash', timezone: 'Mars/Base', owner_email: 'x', owner_password: 'short',
  });
  assertError(bad, 400, 'malformed_body');
  for (const field of ['name:', 'slug:', 'template:', 'timezone:', 'owner_email:', 'owner_password:']) {
    assert.ok(bad.json.error.message.includes(field), `names ${field}: ${bad.text}`);
  }
  assertError(await apiPost(server, DEMO.key, '/api/v1/tenants', { ...NEW_TENANT, colour: 'red' }), 400, 'malformed_body', 'unknown field');
  assertError(await apiPost(server, DEMO.key, '/api/v1/tenants', NEW_TENANT), 409, 'conflict', 'slug taken');
  assertError(await apiPost(server, DEMO.key, '/api/v1/tenants', { ...NEW_TENANT, slug: 'demo2' }), 409, 'conflict', "another tenant's slug");
  assertError(await apiPost(server, undefined, '/api/v1/tenants', NEW_TENANT), 401, 'unauthorized');
  const agent = await signIn(server, DEMO_USERS.agent);
  assertError(await asUser(server, agent, '/api/v1/tenants', { method: 'POST', body: { ...NEW_TENANT, slug: 'agent-shop' } }), 403, 'forbidden', 'an agent');
  assert.equal((await apiPost(server, DEMO.key, '/api/v1/users', { email: 'admin2@demo.example', role: 'admin', password: 'admin two password' })).status, 201);
  const admin = await signIn(server, { tenant: 'demo', email: 'admin2@demo.example', password: 'admin two password' });
  assertError(await asUser(server, admin, '/api/v1/tenants', { method: 'POST', body: { ...NEW_TENANT, slug: 'admin-shop' } }), 403, 'forbidden', 'an admin');
  assertError(await asUser(server, agent, '/api/v1/tenant/pause', { method: 'POST', body: {} }), 403, 'forbidden', 'an agent pauses');
});

test("a paused tenant's SMS is stored, answered by the holding reply and raised to the team; resume restores the AI", async () => {
  assert.ok(made, 'the first test made the tenant');
  const paused = await apiPost(server, made.api_key, '/api/v1/tenant/pause', {});
  assert.equal(paused.status, 200, paused.text);
  assert.equal(paused.json.tenant.status, 'paused');
  assert.equal((await apiOk(server, made.api_key, '/api/v1/settings')).tenant.status, 'paused');

  const phone = uniquePhone();
  const body = 'Can I book a facial on Thursday afternoon?';
  const sms = await sendSms(server, { from: phone, to: made.channels.sms.number, token: made.channels.sms.auth_token, body });
  assert.match(assertTwimlReply(sms, 'paused'), HOLDING);
  const { conversations } = await conversationsOf(server, made.api_key, phone);
  assert.equal(conversations.length, 1);
  const msgs = await messagesOf(server, made.api_key, conversations[0].id);
  assert.deepEqual(msgs.map((m) => [m.direction, m.body.slice(0, 20)]).reverse(), [['inbound', body.slice(0, 20)], ['outbound', 'Thanks for contactin']]);
  const escalations = await listAll(server, made.api_key, '/api/v1/escalations?status=open');
  const raised = escalations.filter((e) => e.conversation_id === conversations[0].id);
  assert.equal(raised.length, 1, JSON.stringify(escalations));
  assert.match(raised[0].summary, /^Front desk paused/);
  const bookings = await apiOk(server, made.api_key, '/api/v1/bookings');
  assert.equal(bookings.data.length, 0, 'a paused front desk books nothing');

  // Other tenants are untouched.
  const other = assertTwimlReply(await sendSms(server, { from: uniquePhone(), body: 'What are your opening hours?' }), 'demo');
  assert.doesNotMatch(other, HOLDING);

  const resumed = await apiPost(server, made.api_key, '/api/v1/tenant/resume', {});
  assert.equal(resumed.json.tenant.status, 'active');
  const again = assertTwimlReply(await sendSms(server, { from: phone, to: made.channels.sms.number, token: made.channels.sms.auth_token, body: 'What are your opening hours?' }));
  assert.doesNotMatch(again, HOLDING);
  assert.match(again, /Thu 09:00–19:00/);
  const audit = await apiOk(server, made.api_key, '/api/v1/audit');
  assert.deepEqual(audit.data.filter((e) => e.action.startsWith('tenant.')).map((e) => e.action), ['tenant.resumed', 'tenant.paused', 'tenant.created']);
});

test("one tenant's owner can touch nothing of another's", async () => {
  const north = await signIn(server, { tenant: 'north-clinic', email: 'boss@north-clinic.example', password: NEW_TENANT.owner_password });
  const demoUsers = await apiOk(server, DEMO.key, '/api/v1/users');
  const demoOwner = demoUsers.data.find((u) => u.role === 'owner');
  assertError(await asUser(server, north, `/api/v1/users/${demoOwner.id}`, { method: 'PATCH', body: { role: 'viewer' } }), 404, 'not_found');
  assertError(await asUser(server, north, `/api/v1/users/${demoOwner.id}`, { method: 'DELETE' }), 404, 'not_found');
  assertError(await asUser(server, north, '/api/v1/keys/key_demo_dev', { method: 'DELETE' }), 404, 'not_found');
  const theirUsers = await asUser(server, north, '/api/v1/users');
  assert.deepEqual(theirUsers.json.data.map((u) => u.email), ['boss@north-clinic.example']);
  const convs = await asUser(server, north, '/api/v1/conversations');
  assert.ok(convs.json.data.every((c) => !JSON.stringify(c).includes('ten_demo')), 'no demo conversations');
  // Pausing pauses the caller's own tenant only.
  assert.equal((await asUser(server, north, '/api/v1/tenant/pause', { method: 'POST', body: {} })).json.tenant.slug, 'north-clinic');
  assert.equal((await apiOk(server, DEMO.key, '/api/v1/settings')).tenant.status, 'active');
  await apiOk(server, DEMO.key, '/api/v1/users');
  assert.equal((await api(server, DEMO.key, '/api/v1/keys')).status, 200, 'the demo key still works');
});
