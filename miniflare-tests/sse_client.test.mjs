// The test SSE client against a tiny local node:http stream (no worker needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connectSse } from './helpers/sse.mjs';

function fakeServer(handler) {
  return new Promise((resolve) => {
    const srv = createServer(handler);
    srv.listen(0, '127.0.0.1', () => resolve({ srv, baseUrl: `http://127.0.0.1:${srv.address().port}` }));
  });
}

test('parses retry, comments, multi-line data, CRLF and split chunks; waitFor sees live events', async () => {
  let res;
  let seenHeaders;
  const { srv, baseUrl } = await fakeServer((req, r) => {
    seenHeaders = req.headers;
    res = r;
    r.writeHead(200, { 'content-type': 'text/event-stream' });
    r.write('retry: 3000\n: connected\n\n');
    r.write('id: 1\nevent: message.received\ndata: {"id":1,');
    r.write('"type":"message.received"}\n\n');
    r.write('id: 2\r\nevent: note\r\ndata: line one\r\ndata: line two\r\n\r\n');
  });
  try {
    const sse = await connectSse({ baseUrl, key: 'k', lastEventId: 0 });
    assert.equal(sse.status, 200);
    assert.equal(seenHeaders.authorization, 'Bearer k');
    assert.equal(seenHeaders['last-event-id'], '0');
    const second = await sse.waitFor((e) => e.id === '2', 2000);
    assert.equal(second.data, 'line one\nline two');
    assert.equal(second.event, 'note');
    assert.equal(sse.retry, 3000);
    assert.deepEqual(sse.comments, ['connected']);
    assert.deepEqual(sse.events[0].json, { id: 1, type: 'message.received' });
    setTimeout(() => res.write('id: 3\nevent: message.sent\ndata: {"id":3}\n\n'), 50);
    assert.equal((await sse.waitFor((e) => e.event === 'message.sent', 2000)).json.id, 3);
    await assert.rejects(sse.waitFor((e) => e.id === '99', 100), /timed out after 100 ms/);
    sse.close();
  } finally {
    res?.end();
    srv.closeAllConnections();
    srv.close();
  }
});

test('non-200 answers are reported with their body; a stream that ends rejects pending waits', async () => {
  const { srv, baseUrl } = await fakeServer((req, r) => {
    if (!req.headers.authorization) { r.writeHead(401, { 'content-type': 'application/json' }); r.end('{"error":{"code":"unauthorized"}}'); return; }
    r.writeHead(200, { 'content-type': 'text/event-stream' });
    r.end('retry: 3000\n\n');
  });
  try {
    const no = await connectSse({ baseUrl });
    assert.equal(no.status, 401);
    assert.equal(JSON.parse(no.body).error.code, 'unauthorized');
    const sse = await connectSse({ baseUrl, key: 'k' });
    await assert.rejects(sse.waitFor(() => true, 2000), /ended/);
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});
