// README.md's first-deploy guide, checked without Cloudflare: every command it lists runs locally
// (scripts/check_deploy_guide.mjs: dry runs, a scratch D1, the names wrangler.toml and the code
// use); the first business made by deploy/first_tenant.sql signs in with the key the guide makes;
// and every provider URL the guide tells you to paste is served by the build — reaching the
// route that verifies it (a refusal for an unsigned request, 503 for a secret not yet put), never
// "route not found".
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/server.mjs';
import { startServerWith } from './helpers/fake_provider.mjs';
import { api } from './helpers/api.mjs';
import { FIRST_TENANT_SQL, checkGuide, guide, guideUrls } from '../scripts/check_deploy_guide.mjs';

test('every command of the first-deploy guide runs against its local stand-in, and the guide covers the production config', async () => {
  const results = await checkGuide();
  const failed = results.filter((r) => !r.ok).map((r) => `${r.command}: ${r.how}`);
  assert.deepEqual(failed, [], `the guide drifted from the config:\n${failed.join('\n')}`);
  assert.ok(results.length >= 20, `${results.length} checks`);
}, { timeout: 600_000 });

test('a guide that drifted from the config is caught, each drift named', async () => {
  const drifted = [
    '<!-- deploy-guide:start -->', '```sh',
    'npx wrangler queues create frontdesk-dead-letters',
    'npx wrangler secret put META_SECRET --env production',
    'npx wrangler secret put META_APP_SECRET',
    'npx wrangler vectorize create frontdesk-kb --dimensions=768 --metric=cosine',
    'curl -X POST https://api.cloudflare.com/client/v4/accounts',
    '```', '<!-- deploy-guide:end -->',
  ].join('\n');
  const results = await checkGuide({ readme: drifted });
  const why = (command) => results.find((r) => r.command === command);
  assert.match(why('npx wrangler queues create frontdesk-dead-letters').how, /not a queue of \[env.production\]/);
  assert.match(why('npx wrangler secret put META_SECRET --env production').how, /read neither by the code/);
  assert.match(why('npx wrangler secret put META_APP_SECRET').how, /--env production/);
  assert.match(why('npx wrangler vectorize create frontdesk-kb --dimensions=768 --metric=cosine').how, /makes 384/);
  assert.match(why('curl -X POST https://api.cloudflare.com/client/v4/accounts').how, /no local stand-in/);
  const missing = results.filter((r) => r.command === '(coverage)').map((r) => r.how).join('\n');
  for (const gap of ['never created', 'secret CHAT_SESSION_SECRET is never put', 'the migrations are never applied', 'nothing deploys']) {
    assert.ok(missing.includes(gap), `coverage names "${gap}":\n${missing}`);
  }
  assert.ok(results.filter((r) => r.command !== '(coverage)').every((r) => !r.ok), 'no drifted command passes');
}, { timeout: 300_000 });

// The first business exactly as the guide makes it: deploy/first_tenant.sql with the hash of a key made like step 5's.
const KEY = `fd_acme_${randomBytes(24).toString('hex')}`;
const firstTenantSql = readFileSync(join(ROOT, FIRST_TENANT_SQL), 'utf8')
  .replace('PASTE_THE_SHA256_OF_YOUR_KEY_HERE', createHash('sha256').update(KEY).digest('hex'))
  .split('\n').filter((l) => !l.trimStart().startsWith('--')).join('\n')
  .replace(/--[^\n']*$/gm, '');

let server;
before(async () => { server = await startServerWith({ sql: [firstTenantSql] }); }, { timeout: 180_000 });
after(async () => { await server?.stop(); });

test('the first business of deploy/first_tenant.sql answers its owner\'s API key', async () => {
  const r = await api(server, KEY, '/api/v1/settings');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.tenant.name, 'Acme Lettings', r.text);
  assert.equal(r.json.tenant.slug, 'acme', r.text);
  assert.equal((await api(server, `${KEY}x`, '/api/v1/settings')).status, 401, 'another key is refused');
});

test('every provider URL in the guide is a route the Worker serves for that business', async () => {
  const urls = guideUrls(guide().text);
  assert.ok(urls.length >= 9, `the guide lists ${urls.length} URLs`);
  // Bodies that name the first business's channels, so each route gets as far as its check.
  const form = (fields) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const json = (value) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  const twilio = form({ To: '+15005550006', From: '+15005550006', CallSid: 'CA00000000000000000000000000000000', MessageSid: 'SM00000000000000000000000000000000' });
  const bodies = {
    '/webhooks/openphone': json({ id: 'EVguide', type: 'message.received', data: { object: { from: '+447700900123', to: '+15005550007', body: 'hi' } } }),
    '/webhooks/meta/whatsapp': json({ object: 'whatsapp_business_account', entry: [] }),
    '/webhooks/forms/acme': json({ name: 'Ana', phone: '+447700900123', message: 'hi' }),
    '/webhooks/missed-call/acme': json({ from: '+447700900123' }),
    '/chat/acme/messages': json({ text: 'hi', client_id: 'guide' }),
  };
  const seen = [];
  for (const { path, methods } of urls) {
    const concrete = path.replace('message=…', 'message=msg_guide').replace('call=…', 'call=CA00000000000000000000000000000000').replace('to=…', 'to=%2B15005550006');
    for (const method of methods) {
      const init = method === 'GET' ? {} : (bodies[concrete.split('?')[0]] ?? twilio);
      const res = await fetch(server.baseUrl + concrete, { method, ...init, signal: AbortSignal.timeout(20_000) });
      const text = await res.text();
      assert.ok(![404, 405].includes(res.status), `${method} ${path} → ${res.status} ${text}`);
      seen.push(`${method} ${path} → ${res.status}`);
      assert.ok(res.status < 500 || res.status === 503, `${method} ${path} → ${res.status} ${text}`);
      if (res.status === 503) assert.match(text, /channel_misconfigured/, `${method} ${path}: 503 only for a secret not yet put`);
    }
  }
  // The business's Twilio number is the guide's, whose token is a secret this test never put.
  assert.ok(seen.includes('POST /webhooks/twilio/sms → 503'), seen.join('\n'));
});
