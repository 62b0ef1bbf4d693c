// The production environment exactly as wrangler.toml configures it (`[env.production]`, booted with
// `wrangler dev --env production`: its own ENVIRONMENT and PUBLIC_BASE_URL, none of the harness's
// test vars) refuses the public development values: a deploy that copied them into its secrets,
// or forgot `wrangler secret put`, answers 503 channel_misconfigured on every route that needs
// one and logs which secret is wrong, never its value. secrets.test.mjs covers the same rules by
// overriding ENVIRONMENT on the dev config; this file checks the config that is deployed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import { wranglerConfig } from '../scripts/check_deploy_guide.mjs';
import { DEMO, uniquePhone, sendSms, assertError, eventually } from './helpers/api.mjs';

const PRODUCTION = wranglerConfig().env.production;
// What wrangler.toml's [vars] publish for local use (core/src/secrets.rs DEV_ONLY_VALUES).
const DEV_VALUES = { META_APP_SECRET: 'dev-meta-app-secret', META_VERIFY_TOKEN: 'dev-meta-verify-token', CHAT_SESSION_SECRET: 'dev-chat-session-secret' };

async function startProduction(vars) {
  // Signatures are computed over the configured origin, so a refusal below is the secret's, not a bad signature's.
  return startServer({ env: 'production', vars, publicBaseUrl: PRODUCTION.vars.PUBLIC_BASE_URL });
}

async function request(server, path, init = {}) {
  const res = await fetch(server.baseUrl + path, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

/** Every route that needs a platform secret, signed with the dev values as a copy-paste deploy would. */
async function platformRoutesRefuse(server, what) {
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
  const sig = createHmac('sha256', DEV_VALUES.META_APP_SECRET).update(body).digest('hex');
  assertError(await request(server, '/webhooks/meta/whatsapp', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig}` } }),
    503, 'channel_misconfigured', `${what}: WhatsApp Cloud event signed with the dev app secret`);
  assertError(await request(server, `/webhooks/meta/whatsapp?hub.mode=subscribe&hub.verify_token=${DEV_VALUES.META_VERIFY_TOKEN}&hub.challenge=42`),
    503, 'channel_misconfigured', `${what}: Meta handshake with the dev verify token`);
  assertError(await request(server, '/chat/demo/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi', client_id: 'c1' }) }),
    503, 'channel_misconfigured', `${what}: website chat`);
}

test('production as configured: the dev values copied into its secrets are refused, each named in the log', async () => {
  const server = await startProduction(DEV_VALUES);
  try {
    assert.equal((await request(server, '/health')).status, 200, 'the Worker boots');
    assert.equal((await request(server, '/__test/sweep', { method: 'POST' })).status, 404, 'no test hooks: ENVIRONMENT is production');
    await platformRoutesRefuse(server, 'dev values');
    // The seeded demo number's auth token is a literal (dev seed): refused, nothing stored.
    const r = await sendSms(server, { from: uniquePhone(), body: 'Hi, is the flat still available?' });
    assertError(r, 503, 'channel_misconfigured', 'Twilio number whose token is a seed literal');
    assert.equal(r.replies.length, 0, 'no reply sent');
    // The log reaches this process through wrangler's output, a moment after the response.
    const twilioLine = (l) => l.includes(`tenant ${DEMO.tenantId}`) && l.includes('a literal secret_ref');
    const devValueNamed = (name) => server.logs().split('\n').some((l) => l.includes(`${name} holds a development-only value`));
    await eventually(() => server.logs().split('\n').some(twilioLine) && Object.keys(DEV_VALUES).every(devValueNamed),
      { what: 'the Twilio refusal and every dev value in the log' }).catch(() => {});
    const lines = server.logs().split('\n').filter((l) => l.includes('channel misconfigured'));
    for (const name of Object.keys(DEV_VALUES)) {
      const line = lines.find((l) => l.includes(`${name} holds a development-only value`));
      assert.ok(line, `the log names ${name} as a dev value:\n${lines.join('\n')}`);
      assert.ok(!line.includes(DEV_VALUES[name]), `the log line never carries the value: ${line}`);
    }
    assert.ok(lines.some(twilioLine), `the Twilio refusal names the tenant:\n${lines.join('\n')}`);
  } finally { await server.stop(); }
});

test('production as configured: without `wrangler secret put` nothing falls back to the dev values of [vars]', async () => {
  const server = await startProduction({});
  try {
    await platformRoutesRefuse(server, 'unset');
    // The log reaches this process through wrangler's output, a moment after each response.
    const named = (name) => server.logs().split('\n').some((l) => l.includes(`secret ${name} is not set or empty`));
    await eventually(() => Object.keys(DEV_VALUES).every(named), { what: 'every unset secret named in the log' }).catch(() => {});
    const lines = server.logs().split('\n').filter((l) => l.includes('channel misconfigured'));
    for (const name of Object.keys(DEV_VALUES)) {
      assert.ok(lines.some((l) => l.includes(`secret ${name} is not set or empty`)), `the log says ${name} is not set:\n${lines.join('\n')}`);
    }
  } finally { await server.stop(); }
});
