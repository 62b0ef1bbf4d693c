// The embeddable chat widget: served as a static asset by the same worker as the chat API, and
// embedded by the demo page. (Its behaviour in a browser is checked by hand on /chat-demo.html.)
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';

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
