// Bounded unauthenticated work: bodies are refused by size before they are read, and chat, the
// tenant API, the OAuth endpoints, /mcp and the tenant webhooks are rate limited (429 + Retry-After) per client, while the
// provider webhooks and /health never are. This file's server sets low limits through wrangler
// vars; every other test file runs with the defaults (core/src/limiter.rs).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './helpers/server.mjs';
import { DEMO, DEMO2, api, uniquePhone, sendSms, assertTwimlReply, assertError } from './helpers/api.mjs';

const CHAT_BURST = 3;
const API_BURST = 5;
const OAUTH_BURST = 4;
const MCP_BURST = 4;
let server;
before(async () => {
  server = await startServer({
    vars: {
      // One a minute after the burst: nothing refills while the test runs.
      RATE_LIMIT_CHAT_PER_MIN: '1', RATE_LIMIT_CHAT_BURST: String(CHAT_BURST),
      RATE_LIMIT_API_PER_MIN: '1', RATE_LIMIT_API_BURST: String(API_BURST),
      RATE_LIMIT_OAUTH_PER_MIN: '1', RATE_LIMIT_OAUTH_BURST: String(OAUTH_BURST),
      RATE_LIMIT_MCP_PER_MIN: '1', RATE_LIMIT_MCP_BURST: String(MCP_BURST),
    },
  });
}, { timeout: 180_000 });
after(async () => { await server?.stop(); });

async function post(path, body, headers = {}) {
  const res = await fetch(server.baseUrl + path, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half', signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json; try { json = JSON.parse(text); } catch { /* */ }
  return { status: res.status, headers: res.headers, text, json };
}

let n = 0;
const chat = (slug, text, session) => post(`/chat/${slug}/messages`, JSON.stringify({ text, client_id: `lim-${process.pid}-${++n}`, session }));

function assertRateLimited(r, what) {
  assertError(r, 429, 'rate_limited', what);
  const retryAfter = Number(r.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `${what}: Retry-After in whole seconds: ${r.headers.get('retry-after')}`);
}

test('chat past its limit answers 429 with Retry-After, per tenant, readable cross-origin', async () => {
  let session;
  for (let i = 0; i < CHAT_BURST; i++) {
    const r = await chat('demo', `Hello number ${i}`, session);
    assert.equal(r.status, 200, r.text);
    session = r.json.session;
  }
  const refused = await chat('demo', 'one too many', session);
  assertRateLimited(refused, 'chat');
  assert.equal(refused.headers.get('access-control-allow-origin'), '*', 'the widget can read the 429');
  assert.match(refused.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
  // The stream is the same client on the same tenant: limited too.
  const stream = await fetch(`${server.baseUrl}/chat/demo/events?session=${encodeURIComponent(session)}`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(stream.status, 429);
  await stream.body?.cancel();
  // Another tenant's chat has its own bucket.
  const other = await chat('demo2', 'Hello from the same visitor IP');
  assert.equal(other.status, 200, other.text);
});

test('the tenant API past its limit answers 429 per key; provider webhooks and /health are never limited', async () => {
  const statuses = [];
  for (let i = 0; i < API_BURST + 2; i++) statuses.push((await api(server, DEMO.key, '/api/v1/conversations?limit=1')).status);
  assert.deepEqual(statuses, [...Array(API_BURST).fill(200), 429, 429]);
  assertRateLimited(await api(server, DEMO.key, '/api/v1/leads'), 'api');
  // Another key is another bucket.
  assert.equal((await api(server, DEMO2.key, '/api/v1/conversations?limit=1')).status, 200);
  // Without a key the client's IP is the bucket; the request is still refused as unauthorized first.
  assertError(await api(server, undefined, '/api/v1/conversations'), 401, 'unauthorized');

  // Twilio from the same IP, well past every limit above: always answered.
  const from = uniquePhone();
  for (let i = 0; i < CHAT_BURST + API_BURST + 2; i++) {
    assertTwimlReply(await sendSms(server, { from, body: `Is the flat still available? (${i})` }), `sms ${i}`);
  }
  for (let i = 0; i < 10; i++) {
    const health = await fetch(`${server.baseUrl}/health`);
    await health.text();
    assert.equal(health.status, 200);
  }
});

test('the OAuth endpoints past their limit answer 429 with Retry-After, before any password is checked', async () => {
  const signIn = () => post('/oauth/authorize', 'step=login&tenant=demo&email=owner%40demo.example&password=guess', { 'content-type': 'application/x-www-form-urlencoded' });
  const statuses = [];
  for (let i = 0; i < OAUTH_BURST + 2; i++) statuses.push((await signIn()).status);
  assert.deepEqual(statuses, [...Array(OAUTH_BURST).fill(400), 429, 429], 'refused as a bad request (no client) until the limit');
  assertRateLimited(await post('/oauth/token', 'grant_type=refresh_token', { 'content-type': 'application/x-www-form-urlencoded' }), 'oauth token');
  // Discovery is not limited: clients read it before every sign-in.
  const metadata = await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`);
  await metadata.text();
  assert.equal(metadata.status, 200);
});

test('/mcp past its limit answers 429 per API key with a JSON-RPC error, apart from the key\'s /api bucket; unknown tokens draw from the address\'s', async () => {
  const list = (authorization) => post('/mcp', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), {
    authorization, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25',
  });
  const statuses = [];
  for (let i = 0; i < MCP_BURST + 1; i++) statuses.push((await list(`Bearer ${DEMO2.key}`)).status);
  assert.deepEqual(statuses, [...Array(MCP_BURST).fill(200), 429]);
  const refused = await list(`Bearer ${DEMO2.key}`);
  assert.equal(refused.status, 429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${refused.headers.get('retry-after')}`);
  assert.equal(refused.json.jsonrpc, '2.0');
  assert.equal(refused.json.error.code, -32000);
  assert.equal(refused.json.error.data.retryAfterSeconds, retryAfter);
  // Another key has its own bucket, and this key's REST calls are not spent by its MCP calls.
  assert.equal((await list(`Bearer ${DEMO.key}`)).status, 200);
  assert.equal((await api(server, DEMO2.key, '/api/v1/leads?limit=1')).status, 200);
  // Tokens that resolve to nobody: 401 until the address's bucket is spent, then 429.
  const guesses = [];
  for (let i = 0; i < MCP_BURST + 1; i++) guesses.push((await list(`Bearer fdoa_${'G'.repeat(42)}${i}`)).status);
  assert.deepEqual(guesses, [...Array(MCP_BURST).fill(401), 429]);
});

/**
 * POSTs `total` bytes in 256 KiB pieces with node:http, with a Content-Length or chunked, and
 * resolves with the answer as soon as it comes — a server that refuses early stops reading and
 * may close the connection under the upload, which fetch reports as an error instead of the
 * answer. Returns { status, headers, text, json, sent } (sent: bytes written before the answer).
 */
function upload(path, total, { declareLength }) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    if (declareLength) headers['content-length'] = String(total);
    const req = http.request(`${server.baseUrl}${path}`, { method: 'POST', headers, timeout: 30_000 });
    let answered = false;
    let sent = 0;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      const done = () => {
        let json; try { json = JSON.parse(text); } catch { /* */ }
        resolve({ status: res.statusCode, headers: new Headers(res.headers), text, json, sent });
      };
      res.on('end', done);
      // The server may reset the connection it stopped reading; the answer is in by then.
      res.on('error', done);
    });
    // Writing into a connection the server closed after answering is expected here.
    req.on('error', (e) => { if (!answered) reject(new Error(`${declareLength ? 'declared' : 'chunked'} upload: ${e.message} after ${sent} bytes`)); });
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    const piece = Buffer.alloc(256 * 1024, 'x');
    const pump = () => {
      while (!answered && sent < total) {
        const n = Math.min(piece.length, total - sent);
        sent += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) return req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

test('a body over the limit is refused 413 before it is read, with or without Content-Length', async () => {
  const MiB = 1024 * 1024;
  // 10 MB declared up front: refused on the header.
  let r = await upload('/webhooks/twilio/sms', 10 * MiB, { declareLength: true });
  assertError(r, 413, 'payload_too_large', 'declared 10 MB');

  // No Content-Length (chunked): read up to the 64 KiB limit, then refused. (1 MiB, not more:
  // a server that answers early and then closes a connection with unread bytes in it resets
  // it, and a reset can overtake the answer on its way to the client.)
  r = await upload('/webhooks/twilio/sms', MiB, { declareLength: false });
  assertError(r, 413, 'payload_too_large', 'chunked 1 MiB');

  // A chunked body under the limit is read whole, as before.
  const small = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"text":"hi'));
      controller.enqueue(new TextEncoder().encode('"}'));
      controller.close();
    },
  });
  r = await post('/webhooks/forms/demo', small, { authorization: `Bearer ${DEMO.key}` });
  assertError(r, 400, 'malformed_body', 'a small chunked body reaches the form decoder');
});
