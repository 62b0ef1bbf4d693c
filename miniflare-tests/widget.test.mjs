// The embeddable chat widget: served as a static asset by the same worker as the chat API, and
// embedded by the demo page. (Its behaviour in a browser is checked by hand on /chat-demo.html.)
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, apiOk } from './helpers/api.mjs';
import { putSettings } from './helpers/voice.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

async function get(path) {
  const res = await fetch(server.baseUrl + path, { signal: AbortSignal.timeout(15_000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

test('GET /widget.js serves the widget as JavaScript', async () => {
  const r = await get('/widget.js');
  assert.equal(r.status, 200);
  assert.match(r.type, /^(text|application)\/javascript/);
  assert.ok(r.text.includes('document.currentScript'), 'finds the API base from its own src');
  assert.ok(r.text.includes('"/chat/"'), 'talks to the chat API');
});

test('the demo page embeds the widget with a relative src and a tenant', async () => {
  const r = await get('/chat-demo.html'); // assets may redirect to /chat-demo; fetch follows
  assert.equal(r.status, 200);
  assert.match(r.type, /^text\/html/);
  assert.match(r.text, /<script src="\/widget\.js" data-tenant="demo"[^>]*><\/script>/);
});

test('GET /chat/{tenant}/brand: the white label from settings, open to any site, nothing else of the settings', async (t) => {
  const before = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  t.after(() => putSettings(server, before));
  const plain = await fetch(`${server.baseUrl}/chat/demo/brand`);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('access-control-allow-origin'), '*', 'the widget runs on the business\'s own site');
  const { white_label: _, ...rest } = before;
  await putSettings(server, rest);
  assert.deepEqual(await (await fetch(`${server.baseUrl}/chat/demo/brand`)).json(), { name: 'Maple & Pine Lettings', logo_url: null, colour: null },
    'without a white label: the business name and the widget\'s own look');
  await putSettings(server, { ...rest, white_label: { name: 'Maple & Pine', logo_url: 'https://cdn.example/maple.png', colour: '#2E7D32' } });
  const branded = await fetch(`${server.baseUrl}/chat/demo/brand`);
  assert.deepEqual(await branded.json(), { name: 'Maple & Pine', logo_url: 'https://cdn.example/maple.png', colour: '#2E7D32' });
  assert.equal((await fetch(`${server.baseUrl}/chat/no-such-tenant/brand`)).status, 404, 'an unknown tenant has no brand');
  const r = await get('/widget.js');
  assert.ok(r.text.includes('"/brand"'), 'the widget asks for its brand');
});
