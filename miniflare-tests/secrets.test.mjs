// Secrets fail closed: a webhook whose signing secret is unset or empty is refused unprocessed
// (503 channel_misconfigured) — never verified against an empty key, which anybody can sign
// with — for Twilio, OpenPhone, web forms, WhatsApp Cloud and chat; and outside development
// the public dev values (seed literals, wrangler.toml [vars]) are refused the same way.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServerWith } from './helpers/fake_provider.mjs';
import { ROOT } from './helpers/server.mjs';
import { DEMO, uniquePhone, sendSms, api, assertError, contactsByPhone, listAll } from './helpers/api.mjs';

const KEY = 'fd_misconf_key_0000000000000000';
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
// Four numbers and two form slugs whose secrets are missing: `env:NAME` with NAME unset, or ''.
const TWILIO_UNSET = '+14155550171', TWILIO_EMPTY = '+14155550172';
const OPENPHONE_UNSET = '+14155550173', OPENPHONE_EMPTY = '+14155550174';
const SQL = [
  `INSERT INTO tenants (id, slug, name, timezone, settings, status, created_at) VALUES
     ('ten_misconf', 'misconf', 'Misconfigured Lettings', 'Europe/London', '{}', 'active', 0),
     ('ten_misconf2', 'misconf2', 'Misconfigured Too', 'Europe/London', '{}', 'active', 0)`,
  `INSERT INTO tenant_channels (id, tenant_id, provider, address, secret_ref, created_at) VALUES
     ('chn_m1', 'ten_misconf', 'twilio', '${TWILIO_UNSET}', 'env:MISCONF_TWILIO_TOKEN', 0),
     ('chn_m2', 'ten_misconf', 'twilio', '${TWILIO_EMPTY}', '', 0),
     ('chn_m3', 'ten_misconf', 'openphone', '${OPENPHONE_UNSET}', 'env:MISCONF_OPENPHONE_KEY', 0),
     ('chn_m4', 'ten_misconf', 'openphone', '${OPENPHONE_EMPTY}', '', 0),
     ('chn_m5', 'ten_misconf', 'form', 'misconf', 'env:MISCONF_FORM_SECRET', 0),
     ('chn_m6', 'ten_misconf2', 'form', 'misconf2', '', 0)`,
  `INSERT INTO api_keys (id, tenant_id, key_hash, prefix, label, created_at) VALUES
     ('key_misconf', 'ten_misconf', '${sha256(KEY)}', 'fd_misconf', 'test', 0)`,
].join('; ');

let server;
before(async () => { server = await startServerWith({ sql: [SQL] }); }, { timeout: 180_000 });
after(async () => { await server?.stop(); });

async function post(path, body, headers) {
  const res = await fetch(server.baseUrl + path, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

async function nothingStoredFor(phone) {
  assert.deepEqual(await contactsByPhone(server, KEY, phone), [], `no contact for ${phone}`);
  const outbox = await listAll(server, KEY, '/api/v1/outbox');
  assert.equal(outbox.filter((o) => o.recipient === phone).length, 0, 'nothing queued to the forger');
}

test('Twilio: a number whose auth token is unset or empty refuses even a request signed with the empty key', async () => {
  for (const to of [TWILIO_UNSET, TWILIO_EMPTY]) {
    const phone = uniquePhone();
    const r = await sendSms(server, { from: phone, to, token: '', body: 'Hi, text me back please' });
    assertError({ ...r, json: r.json }, 503, 'channel_misconfigured', to);
    await nothingStoredFor(phone);
  }
  // The demo tenant's correctly configured number still answers.
  const ok = await sendSms(server, { from: uniquePhone(), body: 'Hi' });
  assert.equal(ok.status, 200, ok.text);
});

test('OpenPhone: the forged webhook signed with an empty key is refused and creates nothing (SMS-pumping case)', async () => {
  for (const to of [OPENPHONE_UNSET, OPENPHONE_EMPTY]) {
    const victim = uniquePhone();
    const body = JSON.stringify({ id: `EV-forged-${victim}`, object: 'event', type: 'message.received',
      data: { object: { id: `AC-${victim}`, object: 'message', from: victim, to, body: 'hi', direction: 'incoming' } } });
    const ts = Date.now();
    const sig = createHmac('sha256', Buffer.alloc(0)).update(`${ts}.${body}`).digest('base64');
    assertError(await post('/webhooks/openphone', body, { 'openphone-signature': `hmac;1;${ts};${sig}` }), 503, 'channel_misconfigured', to);
    const id = `msg_${victim}`, t = Math.floor(ts / 1000);
    const standard = createHmac('sha256', Buffer.alloc(0)).update(`${id}.${t}.${body}`).digest('base64');
    assertError(await post('/webhooks/openphone', body, { 'webhook-id': id, 'webhook-timestamp': String(t), 'webhook-signature': `v1,${standard}` }),
      503, 'channel_misconfigured', `${to} standard`);
    await nothingStoredFor(victim);
  }
});

test('web forms: a signed form for a tenant whose form secret is unset or empty is refused', async () => {
  for (const slug of ['misconf', 'misconf2']) {
    const phone = uniquePhone();
    const body = JSON.stringify({ name: 'Eve', phone, message: 'Call me' });
    const t = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', '').update(`${t}.${body}`).digest('hex');
    assertError(await post(`/webhooks/forms/${slug}`, body, { 'x-frontdesk-signature': `t=${t},v1=${sig}` }), 503, 'channel_misconfigured', slug);
  }
  assert.deepEqual((await api(server, KEY, '/api/v1/contacts')).json.data, [], 'no contact stored');
});

/** A copy of wrangler.toml without some [vars], with paths made absolute (it lives elsewhere). */
function configWithout(names) {
  const dir = join(ROOT, '.wrangler', 'test-configs');
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .split('\n').filter((line) => !names.some((n) => line.startsWith(`${n} =`))).join('\n')
    .replace('main = "build/worker/shim.mjs"', `main = "${join(ROOT, 'build/worker/shim.mjs')}"`)
    .replace('migrations_dir = "migrations-d1"', `migrations_dir = "${join(ROOT, 'migrations-d1')}"`)
    .replace('directory = "dashboard"', `directory = "${join(ROOT, 'dashboard')}"`);
  const path = join(dir, `without-${names.join('-')}.toml`);
  writeFileSync(path, text);
  return path;
}

async function platformSecretsRefused(other, what) {
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
  const sig = createHmac('sha256', '').update(body).digest('hex');
  const r = await fetch(`${other.baseUrl}/webhooks/meta/whatsapp`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig}` } });
  assert.equal(r.status, 503, `${what}: meta POST ${await r.text()}`);
  const v = await fetch(`${other.baseUrl}/webhooks/meta/whatsapp?hub.mode=subscribe&hub.verify_token=&hub.challenge=42`);
  assert.equal(v.status, 503, `${what}: meta handshake ${await v.text()}`);
  const c = await fetch(`${other.baseUrl}/chat/demo/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi', client_id: 'c1' }) });
  const cj = await c.json();
  assert.equal(c.status, 503, `${what}: chat ${JSON.stringify(cj)}`);
  assert.equal(cj.error.code, 'channel_misconfigured');
}

test('WhatsApp Cloud and chat: platform secrets set empty, or not set at all, refuse', async () => {
  const empty = await startServerWith({ vars: { META_APP_SECRET: '', META_VERIFY_TOKEN: '', CHAT_SESSION_SECRET: '' } });
  try { await platformSecretsRefused(empty, 'empty'); } finally { await empty.stop(); }
  const unset = await startServerWith({ config: configWithout(['META_APP_SECRET', 'META_VERIFY_TOKEN', 'CHAT_SESSION_SECRET']) });
  try { await platformSecretsRefused(unset, 'unset'); } finally { await unset.stop(); }
});

test('outside development the public dev values are refused: seed literals and wrangler.toml secrets', async () => {
  const prod = await startServerWith({ vars: { ENVIRONMENT: 'production' } });
  try {
    const phone = uniquePhone();
    const r = await sendSms(prod, { from: phone, body: 'Hi' });
    assertError(r, 503, 'channel_misconfigured', 'seed literal auth token in production');
    await platformSecretsRefused(prod, 'production with dev values');
    assert.deepEqual(await contactsByPhone(prod, DEMO.key, phone), []);
  } finally { await prod.stop(); }
});
