// A fake provider API on loopback that records every request (method, url, headers, raw body,
// parsed JSON or form) and answers through `respond(request) → [status, jsonBody]` (or a
// promise of it: a slow provider), so tests
// assert exactly what Frontdesk sent in the provider's real wire format. `respond` returning
// `null` leaves the request unanswered, like a provider that hangs.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, prepareDatabase, wrangler } from './server.mjs';

export async function fakeProvider(respond) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      let json;
      try { json = JSON.parse(raw); } catch { /* form or empty */ }
      const request = { method: req.method, url: req.url, headers: req.headers, raw, json, form: Object.fromEntries(new URLSearchParams(raw)) };
      requests.push(request);
      Promise.resolve(respond(request)).then((answer) => {
        // `null`: a provider that never answers (the connection stays open until close()).
        if (answer === null) return;
        const [status, body] = answer;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const close = () => { server.closeAllConnections(); server.close(); };
  return { requests, url: `http://127.0.0.1:${server.address().port}`, close };
}

/** A server on a fresh, seeded database changed by `sql` first, with extra wrangler `vars` (and options for startServer). */
export async function startServerWith({ sql = [], vars = {}, ...options }) {
  const persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-test-'));
  await prepareDatabase(persistDir);
  for (const command of sql) {
    await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--command', command]);
  }
  const server = await startServer({ ...options, persistDir, vars });
  const stop = server.stop;
  server.stop = async () => { await stop(); rmSync(persistDir, { recursive: true, force: true }); };
  return server;
}
