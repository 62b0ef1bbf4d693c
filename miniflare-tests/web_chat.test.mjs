// Website chat (/chat/{tenant}): a visitor posts messages under a signed session and reads their
// own conversation as SSE; sessions cannot be forged or used across tenants; CORS lets the
// widget run on the business's own site.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, listAll, messagesOf, assertError } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 180_000 });
after(async () => { await server?.stop(); });

/** The visitor id a session token names (`v2.<visitor>.<issued at>.<mac>`). */
const visitorOf = (token) => token.split('.')[1];

let n = 0;
async function chat(body, { slug = 'demo', origin } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (origin) headers.origin = origin;
  const res = await fetch(`${server.baseUrl}/chat/${slug}/messages`, {
    method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify({ client_id: `c${process.pid}-${++n}`, ...body }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json; try { json = JSON.parse(text); } catch { /* */ }
  return { status: res.status, headers: res.headers, text, json };
}

test('a visitor gets a session and a reply, and the conversation is on the timeline as chat', async () => {
  const r = await chat({ text: 'Hi, what are your opening hours?' }, { origin: 'https://mapleandpine.example' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.match(r.json.session, /^v2\.vis_[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+$/);
  assert.match(r.json.reply, /opening hours are Mon–Thu 09:00–18:00/);
  const second = await chat({ session: r.json.session, text: 'Thanks!' });
  assert.equal(second.status, 200, second.text);
  assert.equal(visitorOf(second.json.session), visitorOf(r.json.session), 'a renewed session of the same visitor');
  const conversations = (await listAll(server, DEMO.key, '/api/v1/conversations')).filter((c) => c.channel === 'chat');
  const mine = [];
  for (const c of conversations) {
    const messages = await messagesOf(server, DEMO.key, c.id);
    if (messages.some((m) => m.body === 'Hi, what are your opening hours?')) mine.push(...messages);
  }
  mine.sort((x, y) => x.created_at - y.created_at || (x.id < y.id ? -1 : 1));
  assert.deepEqual(mine.map((m) => [m.direction, m.channel]), [['inbound', 'chat'], ['outbound', 'chat'], ['inbound', 'chat'], ['outbound', 'chat']]);
});

test("the session stream carries only the visitor's own messages, without internal fields", async () => {
  const a = await chat({ text: 'Hello from visitor A' });
  const b = await chat({ text: 'Hello from visitor B' });
  const stream = await connectSse({ baseUrl: server.baseUrl, path: `/chat/demo/events?session=${encodeURIComponent(a.json.session)}` });
  try {
    assert.equal(stream.status, 200, stream.body);
    await chat({ session: b.json.session, text: 'B again, secret stuff' });
    await chat({ session: a.json.session, text: 'A asks: do you allow pets?' });
    const reply = await stream.waitFor((e) => e.json?.direction === 'outbound', 10_000);
    assert.equal(reply.event, 'message');
    assert.deepEqual(Object.keys(reply.json).sort(), ['body', 'created_at', 'direction', 'id']);
    assert.ok(stream.events.some((e) => e.json?.body === 'A asks: do you allow pets?'));
    assert.ok(!stream.raw.includes('visitor B') && !stream.raw.includes('B again'), 'nothing of another visitor');
    assert.ok(!stream.raw.includes('contact_id') && !stream.raw.includes('escalation'), 'no internal fields');
  } finally {
    stream.close();
  }
});

test('a retried message (same client_id) is one message with the same reply', async () => {
  const first = await chat({ text: 'Is parking included?' });
  const body = JSON.stringify({ session: first.json.session, text: 'Do you have a 2 bed in Clifton?', client_id: `retry-${process.pid}` });
  const copies = await Promise.all(Array.from({ length: 5 }, () => chat(body)));
  for (const c of copies) assert.equal(c.status, 200, c.text);
  assert.equal(new Set(copies.map((c) => c.json.reply)).size, 1);
  const conversations = (await listAll(server, DEMO.key, '/api/v1/conversations')).filter((c) => c.channel === 'chat');
  let count = 0;
  for (const c of conversations) {
    count += (await messagesOf(server, DEMO.key, c.id)).filter((m) => m.body === 'Do you have a 2 bed in Clifton?').length;
  }
  assert.equal(count, 1);
});

test('forged, cross-tenant and missing sessions are refused; bad messages get a clear 400', async () => {
  const a = await chat({ text: 'hello' });
  const token = a.json.session;
  const forged = token.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  assertError(await chat({ session: forged, text: 'hi' }), 401, 'invalid_session', 'forged MAC');
  assertError(await chat({ session: token, text: 'hi' }, { slug: 'demo2' }), 401, 'invalid_session', 'another tenant');
  const s1 = await connectSse({ baseUrl: server.baseUrl, path: `/chat/demo2/events?session=${encodeURIComponent(token)}` });
  assert.equal(s1.status, 401, 'another tenant cannot open the stream');
  const s2 = await connectSse({ baseUrl: server.baseUrl, path: '/chat/demo/events' });
  assert.equal(s2.status, 401, 'no session, no stream');
  let r = await chat({ text: '   ' });
  assertError(r, 400, 'malformed_body');
  assert.match(r.json.error.message, /empty/);
  r = await chat({ text: 'x'.repeat(2001) });
  assertError(r, 400, 'malformed_body');
  assertError(await chat({ text: 'hi' }, { slug: 'nope' }), 404, 'not_found');
  const pre = await fetch(`${server.baseUrl}/chat/demo/messages`, { method: 'OPTIONS', headers: { origin: 'https://x.example', 'access-control-request-method': 'POST' } });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-headers'), /content-type/);
});

test('every answer renews the session; the renewed token works, an old-version or tampered one does not', async () => {
  const first = await chat({ text: 'Hello, I am looking for a flat' });
  assert.equal(first.status, 200, first.text);
  const [, visitor, issued] = first.json.session.split('.');
  assert.ok(Math.abs(Number(issued) - server.now() / 1000) < 300, `issued at is unix seconds of the server clock: ${issued}`);
  const renewed = await chat({ session: first.json.session, text: 'Two bedrooms please' });
  assert.equal(renewed.status, 200, renewed.text);
  assert.equal(visitorOf(renewed.json.session), visitor);
  const third = await chat({ session: renewed.json.session, text: 'And a garden' });
  assert.equal(third.status, 200, third.text);
  assert.equal(visitorOf(third.json.session), visitor, 'the renewed token opens the same conversation');
  const stream = await connectSse({ baseUrl: server.baseUrl, path: `/chat/demo/events?session=${encodeURIComponent(third.json.session)}` });
  stream.close();
  assert.equal(stream.status, 200, 'the renewed token opens the stream');

  // A v1 token (no issue time, so it never expired) is refused, even with a genuine-looking MAC.
  const mac = first.json.session.split('.')[3];
  assertError(await chat({ session: `v1.${visitor}.${mac}`, text: 'hi' }), 401, 'invalid_session', 'v1 token');
  // The issue time is signed: moving it (to extend the session) breaks the MAC.
  const redated = `v2.${visitor}.${Number(issued) + 86400}.${mac}`;
  assertError(await chat({ session: redated, text: 'hi' }), 401, 'invalid_session', 'redated token');
  const s = await connectSse({ baseUrl: server.baseUrl, path: `/chat/demo/events?session=${encodeURIComponent(redated)}` });
  assert.equal(s.status, 401, 'a redated token opens no stream');
});
