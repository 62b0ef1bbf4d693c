// The OAuth 2.1 authorization server MCP clients sign in through (docs/API.md "OAuth"), driven
// with plain fetch the way a client and a browser would: discovery → registration → the sign-in
// form → the consent form → code → tokens → the resource server's principal → refresh rotation →
// revocation; and each way it must refuse: a wrong PKCE verifier, a reused code, another
// resource, an expired token, a reused refresh token, a locked account, another tenant's user.
// The resource server side is `GET /__test/principal`, which calls the same resolver as /mcp.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, prepareDatabase, wrangler } from './helpers/server.mjs';
import { DEMO, sendSms, uniquePhone, eventually, listAll } from './helpers/api.mjs';

const REDIRECT = 'http://127.0.0.1:8976/callback';
const DEMO_OWNER = { tenant: 'demo', email: 'owner@demo.example', password: 'demo-owner-password' };
const DEMO2_OWNER = { tenant: 'demo2', email: 'owner@demo2.example', password: 'demo2-owner-password' };
// Written in plain text, as rows from before encryption at rest were: the first sign-in seals them.
const TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const OTHER_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const SEEDED_HASH = 'pbkdf2-sha256$100000$ZnJvbnRkZXNrLWRlbW8tMQ$yri0vl7CP3BTt3RgmilwXt+NCEMdQzZjxwfUK7OrQeE';
// An access token of an active demo grant whose audience is another MCP server, written
// straight to the database: the resource server must not accept it.
const FOREIGN_TOKEN = 'fdoa_' + 'F'.repeat(43);
// Plenty for this suite, whose requests all come from one (unknown) client IP. /mcp is limited
// per grant: a small burst that refills one a minute, so the limit test spends it and nothing
// refills while it runs; every other test's grant makes fewer calls than that.
const MCP_BURST = 12;
const LIMITS = {
  RATE_LIMIT_OAUTH_PER_MIN: '100000', RATE_LIMIT_OAUTH_BURST: '100000',
  RATE_LIMIT_MCP_PER_MIN: '1', RATE_LIMIT_MCP_BURST: String(MCP_BURST),
};

let server;
let persistDir;
let clientSite;

before(async () => {
  persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-oauth-'));
  await prepareDatabase(persistDir);
  // More demo users with the demo owner's password: a viewer, one to lock out, one with TOTP.
  const user = (id, email, role, totp = 'NULL') =>
    `('${id}', 'ten_demo', '${email}', '${role}', '${SEEDED_HASH}', 0, NULL, ${totp}, 1767225600000)`;
  const sql = `INSERT INTO users (id, tenant_id, email, role, password_hash, failed_attempts, locked_until, totp_secret, created_at) VALUES ${[
    user('usr_test_viewer', 'oauth-viewer@demo.example', 'viewer'),
    user('usr_test_locked', 'oauth-locked@demo.example', 'agent'),
    user('usr_test_totp', 'totp@demo.example', 'agent', `'${TOTP_SECRET}'`),
    user('usr_test_totp_other', 'totp-other@demo.example', 'agent', `'${OTHER_TOTP_SECRET}'`),
  ].join(', ')}`;
  const far = Date.now() + 365 * 24 * 3600 * 1000;
  const foreign = [
    `INSERT INTO oauth_grants (id, tenant_id, user_id, client_id, scope, resource, redirect_uri, code_challenge, state, created_at, expires_at) ` +
      `VALUES ('grt_test_foreign', 'ten_demo', 'usr_019b76daa800000000000a', 'cli_test', 'frontdesk:read frontdesk:write', ` +
      `'https://other.example/mcp', '${REDIRECT}', 'x', 'active', 0, ${far})`,
    `INSERT INTO oauth_tokens (token_hash, tenant_id, grant_id, kind, expires_at, created_at) ` +
      `VALUES ('${createHash('sha256').update(FOREIGN_TOKEN).digest('hex')}', 'ten_demo', 'grt_test_foreign', 'access', ${far}, 0)`,
  ].join('; ');
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--command', `${sql}; ${foreign}`]);
  server = await startServer({ persistDir, vars: LIMITS });
  clientSite = await startClientSite();
}, { timeout: 180_000 });

after(async () => {
  await server?.stop();
  clientSite?.close();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

const mcpUrl = () => `${server.publicBaseUrl}/mcp`;
const b64url = (buf) => Buffer.from(buf).toString('base64url');

function pkcePair() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

async function call(path, { method = 'GET', form, json, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, redirect: 'manual', signal: AbortSignal.timeout(20_000) };
  if (form) {
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  if (json) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  const res = await fetch(server.baseUrl + path, init);
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { /* HTML */ }
  return { status: res.status, headers: res.headers, text, json: body };
}

async function register(extra = {}) {
  const r = await call('/oauth/register', {
    method: 'POST',
    json: { client_name: 'CI client', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none', ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const unescapeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The named fields of the page's form (hidden and filled-in), as the browser would send them. */
function formFields(html) {
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  return fields;
}

function authorizeQuery(clientId, challenge, extra = {}) {
  return new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: challenge,
    code_challenge_method: 'S256', resource: mcpUrl(), state: 'st-' + randomBytes(4).toString('hex'),
    scope: 'frontdesk:read frontdesk:write', ...extra,
  });
}

/** GET the authorize page, then POST the sign-in form; returns the answer to the sign-in. */
async function signIn(clientId, challenge, who, extra = {}) {
  const page = await call('/oauth/authorize?' + authorizeQuery(clientId, challenge, extra));
  assert.equal(page.status, 200, page.text);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(page.text, /<form method="post" action="\/oauth\/authorize">/);
  assert.doesNotMatch(page.text, /<script/i, 'the sign-in page needs no script');
  const fields = formFields(page.text);
  return call('/oauth/authorize', {
    method: 'POST',
    form: { ...fields, tenant: who.tenant, email: who.email, password: who.password, totp: who.totp ?? '' },
  });
}

/** The whole browser part: sign in, allow; returns { code, state, iss, location }. */
async function authorize(clientId, challenge, who = DEMO_OWNER, extra = {}) {
  const consentPage = await signIn(clientId, challenge, who, extra);
  assert.equal(consentPage.status, 200, consentPage.text);
  assert.match(consentPage.text, /Allow/);
  const fields = formFields(consentPage.text);
  assert.ok(fields.ticket, 'the consent page carries a ticket');
  const answer = await call('/oauth/authorize', { method: 'POST', form: { ...fields, decision: 'allow' } });
  assert.equal(answer.status, 302, answer.text);
  const location = new URL(answer.headers.get('location'));
  return { code: location.searchParams.get('code'), state: location.searchParams.get('state'), iss: location.searchParams.get('iss'), location, consentPage };
}

const exchange = (clientId, code, verifier, extra = {}) => call('/oauth/token', {
  method: 'POST',
  form: { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT, resource: mcpUrl(), ...extra },
});
const refresh = (clientId, refreshToken, extra = {}) => call('/oauth/token', {
  method: 'POST', form: { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, resource: mcpUrl(), ...extra },
});
const principal = (token, query = '') => call('/__test/principal' + query, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Registration through token exchange for `who`; returns { client, tokens }. */
async function signedIn(who = DEMO_OWNER, extra = {}) {
  const client = await register();
  const { verifier, challenge } = pkcePair();
  const { code } = await authorize(client.client_id, challenge, who, extra);
  const r = await exchange(client.client_id, code, verifier);
  assert.equal(r.status, 200, r.text);
  return { client, tokens: r.json };
}

/** One JSON-RPC POST to /mcp as a 2025-11-25 client with `token`. */
const mcpRpc = (token, body) => fetch(new URL('/mcp', server.baseUrl), {
  method: 'POST', signal: AbortSignal.timeout(15_000),
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
  body: JSON.stringify(body),
});

/** Runs one sweeper pass as if the clock read `now` (ms) → its report. */
async function sweepAt(now) {
  const r = await call('/__test/sweep', { method: 'POST', json: { now } });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Rows of a read-only query on the running server's database. */
async function rows(sql) {
  const { stdout } = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--json', '--command', sql]);
  return JSON.parse(stdout)[0].results;
}

function assertChallenge(r, what) {
  assert.equal(r.status, 401, `${what}: ${r.text}`);
  const challenge = r.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer /, what);
  assert.ok(challenge.includes(`resource_metadata="${server.publicBaseUrl}/.well-known/oauth-protected-resource/mcp"`), `${what}: ${challenge}`);
  assert.match(challenge, /scope="frontdesk:read frontdesk:write"/, what);
}

function assertOAuthError(r, status, error, what = '') {
  assert.equal(r.status, status, `${what} expected ${status} ${error}: ${r.text}`);
  assert.equal(r.json?.error, error, `${what}: ${r.text}`);
  assert.equal(r.headers.get('cache-control'), 'no-store', what);
}

test('discovery: authorization server metadata and protected resource metadata at both paths', async () => {
  const as = await call('/.well-known/oauth-authorization-server');
  assert.equal(as.status, 200, as.text);
  assert.equal(as.json.issuer, server.publicBaseUrl);
  assert.equal(as.json.authorization_endpoint, `${server.publicBaseUrl}/oauth/authorize`);
  assert.equal(as.json.token_endpoint, `${server.publicBaseUrl}/oauth/token`);
  assert.equal(as.json.registration_endpoint, `${server.publicBaseUrl}/oauth/register`);
  assert.equal(as.json.revocation_endpoint, `${server.publicBaseUrl}/oauth/revoke`);
  assert.deepEqual(as.json.code_challenge_methods_supported, ['S256']);
  assert.equal(as.json.client_id_metadata_document_supported, true);
  assert.ok(as.json.token_endpoint_auth_methods_supported.includes('none'));
  assert.equal(as.headers.get('access-control-allow-origin'), '*', 'browser clients read it cross-origin');
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
    const prm = await call(path);
    assert.equal(prm.status, 200, `${path}: ${prm.text}`);
    assert.equal(prm.json.resource, mcpUrl(), 'the exact MCP URL');
    assert.deepEqual(prm.json.authorization_servers, [server.publicBaseUrl]);
    assert.deepEqual(prm.json.scopes_supported, ['frontdesk:read', 'frontdesk:write']);
    assert.deepEqual(prm.json.bearer_methods_supported, ['header']);
  }
});

test('the full code flow: register, sign in, consent, code with state and iss, tokens, principal, refresh rotation, revoke', async () => {
  const client = await register();
  assert.match(client.client_id, /^cli_/);
  assert.equal(client.client_secret, undefined, 'a public client gets no secret');
  const { verifier, challenge } = pkcePair();
  const { code, state, iss, location, consentPage } = await authorize(client.client_id, challenge);
  assert.match(consentPage.text, /frontdesk:read/);
  assert.match(consentPage.text, /frontdesk:write/);
  assert.match(consentPage.text, /owner@demo\.example/);
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  assert.match(code, /^fdoc_/);
  assert.match(state, /^st-/);
  assert.equal(iss, server.publicBaseUrl, 'RFC 9207 iss');

  const r = await exchange(client.client_id, code, verifier);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.json.token_type, 'Bearer');
  assert.equal(r.json.expires_in, 3600);
  assert.equal(r.json.scope, 'frontdesk:read frontdesk:write');
  assert.match(r.json.access_token, /^fdoa_/);
  assert.match(r.json.refresh_token, /^fdor_/);

  const who = await principal(r.json.access_token);
  assert.equal(who.status, 200, who.text);
  const { grant_id: grantId, ...rest } = who.json;
  assert.deepEqual(rest, {
    tenant_id: DEMO.tenantId, user_id: 'usr_019b76daa800000000000a', client_id: client.client_id, scopes: ['frontdesk:read', 'frontdesk:write'],
  });
  assert.match(grantId, /^grt_/, 'the grant the token belongs to (its /mcp rate-limit bucket)');
  assertChallenge(await principal(undefined), 'no token');
  assertChallenge(await principal(DEMO.key), 'an API key is not an OAuth token');
  assertChallenge(await principal(r.json.refresh_token), 'a refresh token is not an access token');

  const rotated = await refresh(client.client_id, r.json.refresh_token);
  assert.equal(rotated.status, 200, rotated.text);
  assert.notEqual(rotated.json.refresh_token, r.json.refresh_token, 'a new refresh token every time');
  assert.notEqual(rotated.json.access_token, r.json.access_token);
  assert.equal((await principal(rotated.json.access_token)).status, 200);

  const revoked = await call('/oauth/revoke', { method: 'POST', form: { client_id: client.client_id, token: rotated.json.refresh_token, token_type_hint: 'refresh_token' } });
  assert.equal(revoked.status, 200, revoked.text);
  assertChallenge(await principal(rotated.json.access_token), 'after revocation');
  assertChallenge(await principal(r.json.access_token), 'the grant\'s older access token too');
  assertOAuthError(await refresh(client.client_id, rotated.json.refresh_token), 400, 'invalid_grant', 'revoked refresh token');
  const again = await call('/oauth/revoke', { method: 'POST', form: { client_id: client.client_id, token: 'fdor_unknown' } });
  assert.equal(again.status, 200, 'revoking an unknown token is not an error (RFC 7009)');
});

test('revoking an access token ends only that token', async () => {
  const { client, tokens } = await signedIn();
  const r = await call('/oauth/revoke', { method: 'POST', form: { client_id: client.client_id, token: tokens.access_token } });
  assert.equal(r.status, 200, r.text);
  assertChallenge(await principal(tokens.access_token), 'revoked access token');
  const next = await refresh(client.client_id, tokens.refresh_token);
  assert.equal(next.status, 200, next.text);
  assert.equal((await principal(next.json.access_token)).status, 200);
});

test('a wrong PKCE verifier is invalid_grant and does not use the code up', async () => {
  const client = await register();
  const { verifier, challenge } = pkcePair();
  const { code } = await authorize(client.client_id, challenge);
  assertOAuthError(await exchange(client.client_id, code, pkcePair().verifier), 400, 'invalid_grant', 'wrong verifier');
  assertOAuthError(await exchange(client.client_id, code, undefined, { code_verifier: '' }), 400, 'invalid_grant', 'no verifier');
  const ok = await exchange(client.client_id, code, verifier);
  assert.equal(ok.status, 200, ok.text);
});

test('PKCE is mandatory: no challenge, or plain, goes back to the client as invalid_request', async () => {
  const client = await register();
  for (const extra of [{ code_challenge: '' }, { code_challenge_method: 'plain' }]) {
    const r = await call('/oauth/authorize?' + authorizeQuery(client.client_id, pkcePair().challenge, extra));
    assert.equal(r.status, 302, r.text);
    const location = new URL(r.headers.get('location'));
    assert.equal(location.searchParams.get('error'), 'invalid_request', JSON.stringify(extra));
    assert.equal(location.searchParams.get('iss'), server.publicBaseUrl);
  }
});

test('a reused code is refused and revokes the tokens it gave', async () => {
  const client = await register();
  const { verifier, challenge } = pkcePair();
  const { code } = await authorize(client.client_id, challenge);
  const first = await exchange(client.client_id, code, verifier);
  assert.equal(first.status, 200, first.text);
  assert.equal((await principal(first.json.access_token)).status, 200);
  assertOAuthError(await exchange(client.client_id, code, verifier), 400, 'invalid_grant', 'second exchange');
  assertChallenge(await principal(first.json.access_token), 'the first exchange\'s access token');
  assertOAuthError(await refresh(client.client_id, first.json.refresh_token), 400, 'invalid_grant', 'its refresh token');
});

test('another resource is invalid_target, at the authorization and the token endpoint', async () => {
  const client = await register();
  const { verifier, challenge } = pkcePair();
  const r = await call('/oauth/authorize?' + authorizeQuery(client.client_id, challenge, { resource: 'https://other.example/mcp' }));
  assert.equal(r.status, 302, r.text);
  const location = new URL(r.headers.get('location'));
  assert.equal(location.searchParams.get('error'), 'invalid_target');
  assert.match(location.searchParams.get('state'), /^st-/);
  const { code } = await authorize(client.client_id, challenge);
  assertOAuthError(await exchange(client.client_id, code, verifier, { resource: 'https://other.example/mcp' }), 400, 'invalid_target');
  assert.equal((await exchange(client.client_id, code, verifier)).status, 200, 'the code was not used up');
});

test('the resource server refuses a token whose audience is another resource', async () => {
  assertChallenge(await principal(FOREIGN_TOKEN), 'a token for https://other.example/mcp');
});

test('refresh rotation: the previous token works until the new one is used; an older one revokes the grant', async () => {
  const { client, tokens } = await signedIn();
  const r1 = tokens.refresh_token;
  const second = await refresh(client.client_id, r1);
  assert.equal(second.status, 200, second.text);
  // The answer carrying R2 may have been lost: R1 still works once more.
  const retry = await refresh(client.client_id, r1);
  assert.equal(retry.status, 200, retry.text);
  const r3 = retry.json.refresh_token;
  const fourth = await refresh(client.client_id, r3);
  assert.equal(fourth.status, 200, fourth.text);
  // R3 was used, so R1 is old now: someone kept a copy.
  assertOAuthError(await refresh(client.client_id, r1), 400, 'invalid_grant', 'reused refresh token');
  assertOAuthError(await refresh(client.client_id, fourth.json.refresh_token), 400, 'invalid_grant', 'the newest, after the reuse');
  assertChallenge(await principal(fourth.json.access_token), 'access token of a revoked grant');
});

test('a read-only grant resolves with frontdesk:read only; a write needs 403 insufficient_scope', async () => {
  const { tokens } = await signedIn(DEMO_OWNER, { scope: 'frontdesk:read' });
  assert.equal(tokens.scope, 'frontdesk:read');
  assert.deepEqual((await principal(tokens.access_token)).json.scopes, ['frontdesk:read']);
  const r = await principal(tokens.access_token, '?needs=frontdesk:write');
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error, 'insufficient_scope');
  assert.match(r.headers.get('www-authenticate'), /^Bearer error="insufficient_scope", scope="frontdesk:write", resource_metadata="/);
});

test('a viewer cannot grant frontdesk:write, whatever the client asks for', async () => {
  const { tokens } = await signedIn({ tenant: 'demo', email: 'oauth-viewer@demo.example', password: DEMO_OWNER.password });
  assert.equal(tokens.scope, 'frontdesk:read');
});

test('a demo2 user cannot sign in to demo; the same user signs in to demo2', async () => {
  const client = await register();
  const { challenge } = pkcePair();
  const wrong = await signIn(client.client_id, challenge, { ...DEMO2_OWNER, tenant: 'demo' });
  assert.equal(wrong.status, 401, wrong.text);
  assert.match(wrong.text, /Wrong business, email, password or code/);
  assert.doesNotMatch(wrong.text, /name="ticket"/, 'no consent page');
  const { tokens } = await signedIn(DEMO2_OWNER);
  assert.equal((await principal(tokens.access_token)).json.tenant_id, 'ten_demo2');
});

test('an authenticator code is required when the user set one up', async () => {
  const who = { tenant: 'demo', email: 'totp@demo.example', password: DEMO_OWNER.password };
  const client = await register();
  const without = await signIn(client.client_id, pkcePair().challenge, who);
  assert.equal(without.status, 401, without.text);
  const { verifier, challenge } = pkcePair();
  const { code } = await authorize(client.client_id, challenge, { ...who, totp: totp(TOTP_SECRET, server.now()) });
  assert.equal((await exchange(client.client_id, code, verifier)).status, 200);
});

test('an authenticator secret is encrypted at rest, bound to its user: a value moved to another user does not sign in', async () => {
  const totpSecretOf = async (id) => (await rows(`SELECT totp_secret FROM users WHERE id = '${id}'`))[0].totp_secret;
  const who = { tenant: 'demo', email: 'totp@demo.example', password: DEMO_OWNER.password };
  const other = { tenant: 'demo', email: 'totp-other@demo.example', password: DEMO_OWNER.password };
  const client = await register();
  // The plain-text row still signs in, and is sealed by it.
  await authorize(client.client_id, pkcePair().challenge, { ...other, totp: totp(OTHER_TOTP_SECRET, server.now()) });
  await authorize(client.client_id, pkcePair().challenge, { ...who, totp: totp(TOTP_SECRET, server.now()) });
  const stored = await totpSecretOf('usr_test_totp');
  assert.match(stored, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/, 'stored as v1:<nonce>:<ciphertext>');
  assert.ok(!stored.includes(TOTP_SECRET), `the column does not hold the base32 secret: ${stored}`);
  assert.notEqual(await totpSecretOf('usr_test_totp_other'), OTHER_TOTP_SECRET, 'the other plain row was sealed too');
  // Sealed, it still signs in with a valid code, and refuses a wrong one.
  const { verifier, challenge } = pkcePair();
  const { code } = await authorize(client.client_id, challenge, { ...who, totp: totp(TOTP_SECRET, server.now()) });
  assert.equal((await exchange(client.client_id, code, verifier)).status, 200);
  const wrongCode = String((Number(totp(TOTP_SECRET, server.now())) + 500_000) % 1_000_000).padStart(6, '0');
  assert.equal((await signIn(client.client_id, pkcePair().challenge, { ...who, totp: wrongCode })).status, 401, 'a wrong code');
  // The first user's sealed secret copied into the other user's row: the code it makes is refused there.
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--command',
    `UPDATE users SET totp_secret = '${stored}' WHERE id = 'usr_test_totp_other'`]);
  const moved = await signIn(client.client_id, pkcePair().challenge, { ...other, totp: totp(TOTP_SECRET, server.now()) });
  assert.equal(moved.status, 401, moved.text);
  assert.doesNotMatch(moved.text, /name="ticket"/, 'no consent page');
  assert.ok(server.logs().includes('does not decrypt'), 'the moved value is logged as a broken row');
  // A value that is not v1:<nonce>:<ciphertext> refuses the sign-in too, and is left as it was.
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--command',
    `UPDATE users SET totp_secret = 'v1:not-base64' WHERE id = 'usr_test_totp_other'`]);
  assert.equal((await signIn(client.client_id, pkcePair().challenge, { ...other, totp: totp(OTHER_TOTP_SECRET, server.now()) })).status, 401);
  assert.equal(await totpSecretOf('usr_test_totp_other'), 'v1:not-base64', 'nothing rewritten');
  // The original user is unaffected.
  const again = pkcePair();
  const next = await authorize(client.client_id, again.challenge, { ...who, totp: totp(TOTP_SECRET, server.now()) });
  assert.equal((await exchange(client.client_id, next.code, again.verifier)).status, 200);
});

test('five wrong passwords lock the account for 30 minutes, even for the right password', async () => {
  const who = { tenant: 'demo', email: 'oauth-locked@demo.example', password: 'not-the-password' };
  const client = await register();
  const { challenge } = pkcePair();
  for (let i = 1; i <= 4; i++) {
    const r = await signIn(client.client_id, challenge, who);
    assert.equal(r.status, 401, `attempt ${i}: ${r.text}`);
  }
  const fifth = await signIn(client.client_id, challenge, who);
  assert.equal(fifth.status, 423, fifth.text);
  assert.match(fifth.text, /locked/);
  assert.match(fifth.text, /30 minutes/);
  const right = await signIn(client.client_id, challenge, { ...who, password: DEMO_OWNER.password });
  assert.equal(right.status, 423, 'the right password while locked');
  assert.doesNotMatch(right.text, /name="ticket"/);
});

test('consent denied goes back to the client as access_denied, and the ticket is spent', async () => {
  const client = await register();
  const consentPage = await signIn(client.client_id, pkcePair().challenge, DEMO_OWNER);
  const fields = formFields(consentPage.text);
  const r = await call('/oauth/authorize', { method: 'POST', form: { ...fields, decision: 'deny' } });
  assert.equal(r.status, 302);
  assert.equal(new URL(r.headers.get('location')).searchParams.get('error'), 'access_denied');
  const replay = await call('/oauth/authorize', { method: 'POST', form: { ...fields, decision: 'allow' } });
  assert.equal(replay.status, 400, 'a spent ticket');
});

test('registration refuses redirect URIs that are not https or loopback; an unregistered redirect gets an error page', async () => {
  const bad = await call('/oauth/register', { method: 'POST', json: { redirect_uris: ['http://evil.example/cb'] } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error, 'invalid_redirect_uri');
  const client = await register();
  const r = await call('/oauth/authorize?' + authorizeQuery(client.client_id, pkcePair().challenge, { redirect_uri: 'https://evil.example/cb' }));
  assert.equal(r.status, 400, 'never redirected to an unregistered URI');
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const unknown = await call('/oauth/authorize?' + authorizeQuery('cli_unknown', pkcePair().challenge));
  assert.equal(unknown.status, 400);
  // Loopback redirects may use any port (RFC 8252).
  const port = await call('/oauth/authorize?' + authorizeQuery(client.client_id, pkcePair().challenge, { redirect_uri: 'http://127.0.0.1:51234/callback' }));
  assert.equal(port.status, 200, port.text);
});

test('a confidential client must present its secret at the token endpoint', async () => {
  const client = await register({ token_endpoint_auth_method: 'client_secret_post' });
  assert.match(client.client_secret, /^fdos_/);
  const { verifier, challenge } = pkcePair();
  const { code } = await authorize(client.client_id, challenge);
  assertOAuthError(await exchange(client.client_id, code, verifier), 401, 'invalid_client', 'no secret');
  assertOAuthError(await exchange(client.client_id, code, verifier, { client_secret: 'fdos_wrong' }), 401, 'invalid_client', 'wrong secret');
  const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
  const r = await call('/oauth/token', {
    method: 'POST', headers: { authorization: `Basic ${basic}` },
    form: { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT },
  });
  assert.equal(r.status, 200, r.text);
});

test('a client metadata document names the client: fetched, checked against its URL, and used', async () => {
  const clientId = `${clientSite.url}/client.json`;
  const { verifier, challenge } = pkcePair();
  const page = await call('/oauth/authorize?' + authorizeQuery(clientId, challenge));
  assert.equal(page.status, 200, page.text);
  assert.match(page.text, /Metadata Client/);
  const { code } = await authorize(clientId, challenge);
  const r = await exchange(clientId, code, verifier);
  assert.equal(r.status, 200, r.text);
  assert.equal((await principal(r.json.access_token)).json.client_id, clientId);
  const liar = await call('/oauth/authorize?' + authorizeQuery(`${clientSite.url}/liar.json`, challenge));
  assert.equal(liar.status, 400, 'a document claiming another client_id');
  assert.match(liar.text, /own URL/);
  const huge = await call('/oauth/authorize?' + authorizeQuery(`${clientSite.url}/huge.json`, challenge));
  assert.equal(huge.status, 400, 'a document over 5 KB');
});

test('/mcp limits each OAuth grant on its own: 429 with Retry-After past its burst; another grant goes on; refreshing does not refill it', async () => {
  const a = await signedIn();
  const b = await signedIn();
  const list = (token, id) => mcpRpc(token, { jsonrpc: '2.0', id, method: 'tools/list' });
  for (let i = 0; i < MCP_BURST; i++) {
    const r = await list(a.tokens.access_token, i);
    assert.equal(r.status, 200, await r.text());
  }
  const refused = await list(a.tokens.access_token, 99);
  assert.equal(refused.status, 429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After in whole seconds: ${refused.headers.get('retry-after')}`);
  const body = await refused.json();
  assert.equal(body.jsonrpc, '2.0', 'an MCP client reads a JSON-RPC error');
  assert.equal(body.error.data.retryAfterSeconds, retryAfter);
  assert.match(body.error.message, /too many requests/i);

  // Same user, same address, another grant (another client): its own bucket.
  const other = await list(b.tokens.access_token, 1);
  assert.equal(other.status, 200, await other.text());
  // A refreshed access token belongs to the same grant: still refused.
  const next = await refresh(a.client.client_id, a.tokens.refresh_token);
  assert.equal(next.status, 200, next.text);
  assert.equal((await list(next.json.access_token, 100)).status, 429, 'refreshing does not buy a fresh bucket');
});

test('the sweeper deletes expired codes, tokens and grants, keeps live ones, and rejects approvals left pending for days', async () => {
  const live = await signedIn();
  const { client, tokens } = await signedIn();
  // A consent page left open: its grant stays pending until its deadline.
  const pendingClient = await register();
  const consent = await signIn(pendingClient.client_id, pkcePair().challenge, DEMO_OWNER);
  assert.equal(consent.status, 200, consent.text);
  const grantOf = async (refreshToken) => (await rows(
    `SELECT grant_id FROM oauth_tokens WHERE token_hash = '${createHash('sha256').update(refreshToken).digest('hex')}'`))[0].grant_id;
  const liveGrant = await grantOf(live.tokens.refresh_token);
  const oldGrant = await grantOf(tokens.refresh_token);
  const [pending] = await rows(`SELECT id FROM oauth_grants WHERE client_id = '${pendingClient.client_id}' AND state = 'pending'`);
  assert.ok(pending, 'the open consent page has a pending grant');
  // The live grant was refreshed just now; the old one's refresh deadline passed long ago.
  const now = server.now();
  const approvalSql = (id, createdAt) => `INSERT INTO approvals (id, tenant_id, tool, arguments, status, requested_by, created_at) ` +
    `VALUES ('${id}', 'ten_demo', 'send_sms', '{"contact_id":"con_x","body":"hi"}', 'pending', 'user:usr_x', ${createdAt})`;
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--command', [
    `UPDATE oauth_grants SET expires_at = ${now - 1} WHERE id = '${oldGrant}'`,
    `UPDATE oauth_tokens SET expires_at = ${now - 1} WHERE grant_id = '${oldGrant}'`,
    approvalSql('apr_test_stale', now - 4 * 24 * 3600 * 1000),
    approvalSql('apr_test_fresh', now - 3600 * 1000),
  ].join('; ')]);

  // An hour and a bit later: the access tokens are expired, the pending consent too.
  const report = await sweepAt(now + 61 * 60 * 1000);
  assert.ok(report.oauth_pruned.tokens >= 4, JSON.stringify(report));
  assert.ok(report.oauth_pruned.grants >= 2, JSON.stringify(report));
  assert.ok(report.approvals_expired >= 1, JSON.stringify(report));

  const grants = (await rows(`SELECT id FROM oauth_grants WHERE id IN ('${liveGrant}', '${oldGrant}', '${pending.id}')`)).map((r) => r.id);
  assert.deepEqual(grants, [liveGrant], 'the expired and the abandoned grants are gone, the live one stays');
  const kinds = (await rows(`SELECT kind FROM oauth_tokens WHERE grant_id = '${liveGrant}'`)).map((r) => r.kind);
  assert.deepEqual(kinds, ['refresh'], 'the live grant keeps its refresh token; its expired access token went');
  assert.equal((await rows(`SELECT count(*) AS n FROM oauth_codes WHERE grant_id IN ('${liveGrant}', '${oldGrant}')`))[0].n, 0, 'used codes past their 10 minutes');
  // The live grant still refreshes (at the real time); the swept one is refused.
  const again = await refresh(live.client.client_id, live.tokens.refresh_token);
  assert.equal(again.status, 200, again.text);
  assertOAuthError(await refresh(client.client_id, tokens.refresh_token), 400, 'invalid_grant', 'swept grant');

  const approvals = await rows(`SELECT id, status, decided_by, result FROM approvals WHERE id IN ('apr_test_stale', 'apr_test_fresh') ORDER BY id`);
  assert.deepEqual(approvals.map((a) => [a.id, a.status]), [['apr_test_fresh', 'pending'], ['apr_test_stale', 'rejected']]);
  assert.equal(approvals[1].decided_by, 'system:expired');
  assert.equal(JSON.parse(approvals[1].result).isError, true);
});

// Last: restarts the server two hours later on the same database.
// The whole journey of an MCP client such as Claude, with the official SDK's own OAuth client
// (`authProvider`): it finds the authorization server from the 401's `resource_metadata`,
// registers, sends the user to sign in and consent (done here as the browser would), exchanges
// the code, and calls tools with the access token; then refresh rotation, revocation and a 401.
class TestAuthProvider {
  constructor(who) { this.who = who; this.info = undefined; this.saved = undefined; this.verifier = undefined; this.code = undefined; this.iss = undefined; }
  get redirectUrl() { return REDIRECT; }
  get clientMetadata() {
    return { client_name: 'SDK test client', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'frontdesk:read frontdesk:write' };
  }
  clientInformation() { return this.info; }
  saveClientInformation(info) { this.info = info; }
  tokens() { return this.saved; }
  saveTokens(tokens) { this.saved = tokens; }
  saveCodeVerifier(v) { this.verifier = v; }
  // v2 binds the callback to the authorization server it discovered (SEP-2352); v1 never asks.
  saveDiscoveryState(state) { this.discovery = state; }
  discoveryState() { return this.discovery; }
  codeVerifier() { return this.verifier; }
  /** The browser: the sign-in form, then Allow; the code comes back on the redirect. */
  async redirectToAuthorization(url) {
    const page = await call(url.pathname + url.search);
    assert.equal(page.status, 200, page.text);
    const consent = await call('/oauth/authorize', {
      method: 'POST', form: { ...formFields(page.text), tenant: this.who.tenant, email: this.who.email, password: this.who.password, totp: '' },
    });
    assert.equal(consent.status, 200, consent.text);
    const answer = await call('/oauth/authorize', { method: 'POST', form: { ...formFields(consent.text), decision: 'allow' } });
    assert.equal(answer.status, 302, answer.text);
    const back = new URL(answer.headers.get('location')).searchParams;
    this.code = back.get('code');
    this.iss = back.get('iss'); // RFC 9207: the v2 client checks it against the server it discovered
  }
}

// The two official SDK clients the journey runs with: v1 (`@modelcontextprotocol/sdk`, which
// knows protocol revisions up to 2025-11-25 and always initializes) and v2
// (`@modelcontextprotocol/client`), pinned to 2026-07-28: `server/discover` instead of
// `initialize`, `_meta` and the mirrored headers on every request.
const SDKS = {
  '2025-11-25': async () => {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    return { Transport: StreamableHTTPClientTransport, client: () => new Client({ name: 'sdk-oauth-test', version: '0.0.1' }) };
  },
  '2026-07-28': async () => {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const versionNegotiation = { mode: { pin: '2026-07-28' } };
    return { Transport: StreamableHTTPClientTransport, client: () => new Client({ name: 'sdk-oauth-test', version: '0.0.1' }, { versionNegotiation }) };
  },
};

async function sdkSignedIn(who, era = '2025-11-25') {
  const sdk = await SDKS[era]();
  const provider = new TestAuthProvider(who);
  const url = new URL('/mcp', server.publicBaseUrl);
  const first = new sdk.Transport(url, { authProvider: provider });
  await assert.rejects(sdk.client().connect(first), /Unauthorized/i,
    'the first request has no token: the SDK is sent to sign in');
  assert.ok(provider.code, 'signed in and consented');
  await first.finishAuth(provider.code, provider.iss);
  const client = sdk.client();
  await client.connect(new sdk.Transport(url, { authProvider: provider }));
  return { client, provider };
}

for (const era of Object.keys(SDKS)) test(`the official MCP SDK (${era} client) signs in through OAuth and calls tools as the user; refresh rotates, revoke ends it`, async () => {
  const { client, provider } = await sdkSignedIn(DEMO_OWNER, era);
  if (era === '2026-07-28') assert.equal(client.getNegotiatedProtocolVersion(), era, 'the v2 client speaks the modern era');
  const tools = (await client.listTools()).tools.map((t) => t.name);
  assert.ok(tools.includes('search_contacts') && tools.includes('send_sms'), tools.join(','));
  // A person texts in; the user finds them and texts back as themselves.
  const phone = uniquePhone();
  assert.equal((await sendSms(server, { from: phone, body: 'Hi, is the flat on Elm Road still free?' })).status, 200);
  const found = await client.callTool({ name: 'search_contacts', arguments: { phone } });
  assert.equal(found.isError ?? false, false, JSON.stringify(found));
  const [contact] = found.structuredContent.contacts;
  assert.equal(contact.phone, phone);
  const words = `It is — viewings on Friday (${era} client).`;
  const sent = await client.callTool({ name: 'send_sms', arguments: { contact_id: contact.id, body: words } });
  assert.equal(sent.isError ?? false, false, JSON.stringify(sent));
  assert.equal(sent.structuredContent.status, 'queued');
  const delivered = await eventually(async () => {
    const rows = (await listAll(server, DEMO.key, '/api/v1/outbox')).filter((o) => o.recipient === phone && o.payload?.body === words);
    return rows.length === 1 && rows[0].status !== 'pending' ? rows : null;
  }, { what: 'the text delivered', intervalMs: 250 });
  assert.equal(delivered[0].status, 'simulated', 'demo has no Twilio credentials: recorded, not sent');
  const history = await client.callTool({ name: 'get_message_history', arguments: { contact_id: contact.id } });
  assert.ok(history.structuredContent.messages.some((m) => m.body === words && m.direction === 'outbound'),
    'the text is on the contact\'s history');

  // A refresh rotates: the new access token works at /mcp.
  const r = await refresh(provider.info.client_id, provider.saved.refresh_token);
  assert.equal(r.status, 200, r.text);
  assert.notEqual(r.json.refresh_token, provider.saved.refresh_token);
  const listed = await mcpRpc(r.json.access_token, { jsonrpc: '2.0', id: 7, method: 'tools/list' });
  assert.equal(listed.status, 200, await listed.text());

  // Revoked: the token no longer opens /mcp, and the answer says where to sign in again.
  const revoked = await call('/oauth/revoke', { method: 'POST', form: { token: r.json.refresh_token, client_id: provider.info.client_id } });
  assert.equal(revoked.status, 200, revoked.text);
  const after = await mcpRpc(r.json.access_token, { jsonrpc: '2.0', id: 8, method: 'tools/list' });
  assert.equal(after.status, 401, await after.text());
  assert.match(after.headers.get('www-authenticate') ?? '', /resource_metadata="[^"]*\/\.well-known\/oauth-protected-resource\/mcp"/);
  await client.close();
});

test('at /mcp a viewer\'s read-only grant lists and reads but a write tool is 403 insufficient_scope; demo2\'s user sees nothing of demo', async () => {
  const { tokens } = await signedIn({ tenant: 'demo', email: 'oauth-viewer@demo.example', password: DEMO_OWNER.password });
  const read = await mcpRpc(tokens.access_token, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_escalations', arguments: {} } });
  assert.equal(read.status, 200, await read.text());
  const write = await mcpRpc(tokens.access_token, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'send_sms', arguments: { contact_id: 'con_x', body: 'hi' } } });
  assert.equal(write.status, 403, await write.text());
  assert.match(write.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);

  // demo's contacts, searched with demo2's owner's token: none.
  const demoContacts = await (await fetch(`${server.baseUrl}/api/v1/contacts`, { headers: { authorization: `Bearer ${DEMO.key}` } })).json();
  const other = (await signedIn(DEMO2_OWNER)).tokens;
  for (const c of demoContacts.data.filter((c) => c.phone).slice(0, 3)) {
    const r = await mcpRpc(other.access_token, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_contacts', arguments: { phone: c.phone } } });
    const body = await r.json();
    assert.deepEqual(body.result.structuredContent.contacts ?? body.result.structuredContent.data ?? [], [], JSON.stringify(body));
  }
});

test('an access token expires after an hour; the refresh token still works; every sign-in was audited', async () => {
  const { client, tokens } = await signedIn();
  assert.equal((await principal(tokens.access_token)).status, 200);
  await server.stop();
  const { stdout } = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--json', '--command',
    "SELECT tenant_id, actor, subject, detail FROM audit_log WHERE action = 'user.login' ORDER BY id"]);
  const rows = JSON.parse(stdout)[0].results.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
  const outcomes = (email) => rows.filter((r) => r.detail.email === email).map((r) => r.detail.outcome);
  assert.deepEqual(outcomes('oauth-locked@demo.example'), ['failed', 'failed', 'failed', 'failed', 'failed_locked', 'locked']);
  assert.ok(outcomes('owner@demo.example').every((o) => o === 'succeeded') && outcomes('owner@demo.example').length > 5);
  assert.ok(rows.some((r) => r.tenant_id === 'ten_demo' && r.detail.email === 'owner@demo2.example' && r.detail.outcome === 'unknown_email'),
    'the demo2 user trying demo is audited on demo');
  assert.ok(rows.filter((r) => r.detail.outcome === 'succeeded').every((r) => r.actor.startsWith('user:usr_')));

  // Same public URL: the tokens' audience is PUBLIC_BASE_URL + /mcp, and a new port would
  // (rightly) refuse every token minted for the old one.
  server = await startServer({ persistDir, vars: LIMITS, publicBaseUrl: server.publicBaseUrl, clockAt: Date.now() + 2 * 60 * 60 * 1000 });
  assertChallenge(await principal(tokens.access_token), 'expired access token');
  const next = await refresh(client.client_id, tokens.refresh_token);
  assert.equal(next.status, 200, next.text);
  assert.equal((await principal(next.json.access_token)).status, 200);
});

/** RFC 6238 six-digit code at `nowMs`, as an authenticator app shows it. */
function totp(secretBase32, nowMs) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 1000 / 30)));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[19] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A client's own site on loopback (allowed only in the test environment) serving metadata documents. */
function startClientSite() {
  return new Promise((resolve) => {
    const http = createServer((req, res) => {
      const url = `http://127.0.0.1:${http.address().port}`;
      const docs = {
        '/client.json': { client_id: `${url}/client.json`, client_name: 'Metadata Client', redirect_uris: [REDIRECT] },
        '/liar.json': { client_id: `${url}/client.json`, client_name: 'Liar', redirect_uris: [REDIRECT] },
        '/huge.json': { client_id: `${url}/huge.json`, client_name: 'x'.repeat(6000), redirect_uris: [REDIRECT] },
      };
      const doc = docs[req.url];
      res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc ?? {}));
    });
    http.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${http.address().port}`, close: () => http.close() }));
  });
}

