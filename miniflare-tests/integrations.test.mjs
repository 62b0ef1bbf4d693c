// Integrations through the jobs queue, each against a fake speaking the provider's format.
//
// Email through Resend: a tenant with a `resend` channel (sender address, API key as an
// `env:NAME` reference) has its on-call email pages sent, not `simulated`, through the jobs
// queue to a fake speaking Resend's wire format (`POST /emails`, Bearer key, JSON
// {from, to, subject, text}, answer {"id"}); a failing first try is retried and the email sent
// once under one Idempotency-Key; the key never appears in the API or the logs; a tenant
// without the channel still records `simulated`.
//
// Slack incoming webhook: with `settings.slack` (`env:SLACK_WEBHOOK_…`, the URL a Worker secret)
// every escalation is posted as JSON `{"text"}` to the webhook; the URL never appears in the API.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, listAll, eventually, assertTwimlReply } from './helpers/api.mjs';

const RESEND_KEY = 're_test_' + 'k3y'.repeat(8);
const FROM = 'Maple and Pine <desk@mapleandpine.example>';

const HUBSPOT_TOKEN = 'pat-na1-' + 'f00d'.repeat(8);
const SLACK_PATH = '/services/T0000/B0000/' + 'x'.repeat(24);

let resend;
let slack;
let hubspot;
/** phone → HubSpot contact id, as the fake CRM holds them. */
const crm = new Map();
let server;
let failNext = 1;

before(async () => {
  resend = await fakeProvider(() => {
    if (failNext > 0) {
      failNext -= 1;
      return [500, { statusCode: 500, name: 'internal_server_error', message: 'try again' }];
    }
    return [200, { id: `4ef9a417-02e9-4d39-ad75-${String(resend.requests.length).padStart(12, '0')}` }];
  });
  slack = await fakeProvider(() => [200, 'ok']);
  hubspot = await fakeProvider(({ url, json }) => {
    if (url === '/crm/v3/objects/contacts/search') {
      const id = crm.get(json.filterGroups[0].filters[0].value);
      return [200, { total: id ? 1 : 0, results: id ? [{ id, properties: {} }] : [] }];
    }
    if (url === '/crm/v3/objects/contacts') {
      const id = String(500 + crm.size);
      crm.set(json.properties.phone, id);
      return [201, { id, properties: json.properties }];
    }
    if (url === '/crm/v3/objects/notes') return [201, { id: `9${hubspot.requests.length}`, properties: json.properties }];
    return [404, { status: 'error', message: `no route ${url}` }];
  });
  server = await startServerWith({
    sql: [
      `UPDATE tenants SET settings = json_set(settings, '$.slack', json('{"webhook": "env:SLACK_WEBHOOK_DEMO"}'), ` +
        `'$.hubspot', json('{"token": "env:HUBSPOT_TOKEN_DEMO"}')) WHERE id = 'ten_demo'`,
      `INSERT INTO tenant_channels (id, tenant_id, provider, address, secret_ref, created_at) ` +
        `VALUES ('chn_demo_resend', 'ten_demo', 'resend', '${FROM}', 'env:RESEND_TEST_KEY', 1767225600000)`,
    ],
    vars: {
      RESEND_API_BASE: resend.url, RESEND_TEST_KEY: RESEND_KEY,
      SLACK_WEBHOOK_BASE: `${slack.url}/services/`, SLACK_WEBHOOK_DEMO: `${slack.url}${SLACK_PATH}`,
      HUBSPOT_API_BASE: hubspot.url, HUBSPOT_TOKEN_DEMO: HUBSPOT_TOKEN,
    },
  });
}, { timeout: 240_000 });
after(async () => {
  await server?.stop();
  resend?.close();
  slack?.close();
  hubspot?.close();
});

test('an emergency\'s email page goes through Resend, retried once, sent once; the key is never shown', async () => {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'There is water pouring through my ceiling!' }));
  const [page] = await eventually(async () => {
    const rows = (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.channel === 'email' && o.payload?.body?.includes('water pouring'));
    return rows.length === 1 && rows[0].status !== 'pending' ? rows : null;
  }, { timeoutMs: 30_000, what: 'the email page settled' });
  assert.equal(page.status, 'sent', JSON.stringify(page));
  assert.equal(page.recipient, 'oncall@mapleandpine.example');

  const calls = resend.requests.filter((r) => r.json?.text?.includes('water pouring'));
  assert.equal(calls.length, 2, 'one failed try (500), then the one that was sent');
  for (const call of calls) {
    assert.equal(call.method, 'POST');
    assert.equal(call.url, '/emails');
    assert.equal(call.headers.authorization, `Bearer ${RESEND_KEY}`);
    assert.match(call.headers['content-type'], /^application\/json/);
    assert.equal(call.headers['idempotency-key'], calls[0].headers['idempotency-key'], 'one key across retries');
    assert.deepEqual(Object.keys(call.json).sort(), ['from', 'subject', 'text', 'to']);
    assert.equal(call.json.from, FROM);
    assert.deepEqual(call.json.to, ['oncall@mapleandpine.example']);
    assert.match(call.json.subject, /EMERGENCY/i);
  }
  // The SMS page still has no Twilio credentials in this tenant: recorded, not sent.
  const sms = (await listAll(server, DEMO.key, '/api/v1/outbox')).find((o) => o.channel === 'sms' && o.payload?.escalation_id === page.payload.escalation_id);
  assert.equal(sms.status, 'simulated');

  const shown = JSON.stringify(await listAll(server, DEMO.key, '/api/v1/outbox'));
  assert.ok(!shown.includes(RESEND_KEY), 'the key is not in the outbox API');
  assert.ok(!server.logs().includes(RESEND_KEY), 'nor in the logs');
});

test('escalations are posted to the team\'s Slack channel through its incoming webhook', async () => {
  const phone = uniquePhone();
  assertTwimlReply(await sendSms(server, { from: phone, body: 'There is a gas leak in the hallway' }));
  // A question nothing answers becomes the team's follow-up task: routine, but posted too.
  assertTwimlReply(await sendSms(server, { from: uniquePhone(), body: 'Does the building have a gym?' }));
  const posts = await eventually(async () => {
    const found = slack.requests.filter((r) => /gas leak|gym/.test(r.json?.text ?? ''));
    return found.length === 2 ? found : null;
  }, { timeoutMs: 20_000, what: 'two Slack posts' });
  for (const post of posts) {
    assert.equal(post.method, 'POST');
    assert.equal(post.url, SLACK_PATH);
    assert.match(post.headers['content-type'], /^application\/json/);
    assert.deepEqual(Object.keys(post.json), ['text']);
  }
  assert.ok(posts.some((p) => p.json.text.startsWith('EMERGENCY at Maple & Pine Lettings')), JSON.stringify(posts));
  assert.ok(posts.some((p) => p.json.text.startsWith('follow_up escalation at Maple & Pine Lettings')), JSON.stringify(posts));
  const rows = (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.channel === 'slack');
  assert.ok(rows.length >= 2 && rows.every((r) => r.recipient === 'env:SLACK_WEBHOOK_DEMO'), JSON.stringify(rows));
  const shown = JSON.stringify(rows) + JSON.stringify(await (await fetch(`${server.baseUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${DEMO.key}` } })).json());
  assert.ok(!shown.includes(SLACK_PATH), 'the webhook URL is in neither the outbox nor the settings');
  assert.ok(!server.logs().includes(SLACK_PATH), 'nor in the logs');
});

test('each message is synced to HubSpot: the contact found or created once, the message as a note on it', async () => {
  const phone = uniquePhone();
  const mine = () => hubspot.requests.filter((r) => JSON.stringify(r.json ?? {}).includes(phone) || r.json?.associations?.[0]?.to?.id === crm.get(phone));
  const notesSynced = (n) => eventually(async () => {
    const found = mine();
    return found.filter((r) => r.url === '/crm/v3/objects/notes').length === n ? found : null;
  }, { timeoutMs: 20_000, what: `${n} notes in HubSpot` });
  assertTwimlReply(await sendSms(server, { from: phone, body: 'Hi, do you have any two-bed flats in Clifton?' }));
  // One message synced before the next: two syncs racing on a phone-only contact could both
  // miss it in the search (see src/platform/crm.rs).
  await notesSynced(1);
  assertTwimlReply(await sendSms(server, { from: phone, body: 'My budget is 1500 a month' }));
  const calls = await notesSynced(2);
  for (const call of calls) {
    assert.equal(call.method, 'POST');
    assert.equal(call.headers.authorization, `Bearer ${HUBSPOT_TOKEN}`);
  }
  assert.equal(calls.filter((r) => r.url === '/crm/v3/objects/contacts').length, 1, 'created once, found the second time');
  assert.deepEqual(calls.find((r) => r.url === '/crm/v3/objects/contacts').json, { properties: { phone } });
  const notes = calls.filter((r) => r.url === '/crm/v3/objects/notes').map((r) => r.json);
  assert.deepEqual(notes.map((n) => n.associations), [1, 2].map(() => [{ to: { id: crm.get(phone) }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }]));
  assert.deepEqual(notes.map((n) => n.properties.hs_note_body).sort(), [
    'sms message via Frontdesk: Hi, do you have any two-bed flats in Clifton?',
    'sms message via Frontdesk: My budget is 1500 a month',
  ]);
  assert.ok(!server.logs().includes(HUBSPOT_TOKEN), 'the token is never logged');
  const shown = await (await fetch(`${server.baseUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${DEMO.key}` } })).text();
  assert.ok(!shown.includes(HUBSPOT_TOKEN) && shown.includes('env:HUBSPOT_TOKEN_DEMO'), 'settings show the reference, not the token');
});

test('settings refuse a Slack webhook given as a URL', async () => {
  const current = (await (await fetch(`${server.baseUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${DEMO.key}` } })).json()).settings;
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...current, slack: { webhook: 'https://hooks.slack.com/services/T/B/X' } } }),
  });
  assert.equal(put.status, 400);
  assert.match((await put.json()).error.message, /slack.webhook must be a secret reference/);
});

test('a tenant without an email channel records its email pages as simulated', async () => {
  const settings = { on_call: [{ name: 'Kim', email: 'kim@harbourview.example' }] };
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO2.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...(await (await fetch(`${server.baseUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${DEMO2.key}` } })).json()).settings, ...settings } }),
  });
  assert.equal(put.status, 200, await put.text());
  const before = resend.requests.length;
  assertTwimlReply(await sendSms(server, { to: DEMO2.number, token: DEMO2.token, from: uniquePhone(), body: 'I can smell gas in the cottage' }));
  const page = await eventually(async () => (await listAll(server, DEMO2.key, '/api/v1/outbox'))
    .find((o) => o.channel === 'email' && o.status !== 'pending'), { timeoutMs: 20_000, what: 'demo2\'s email page' });
  assert.equal(page.status, 'simulated');
  assert.equal(resend.requests.length, before, 'nothing reached Resend for demo2');
});
