// A loopback HTTP proxy in front of the worker that adds one `Authorization` header to every
// request, for clients that cannot be given a credential: the MCP conformance suite's server
// scenarios connect with a bare SDK client, and /mcp (rightly) refuses anyone without one.
// Everything else — method, path, Host, Origin, body, status, headers — passes through as is.
import { createServer, request } from 'node:http';

/** Starts the proxy on `port` (0 = any) forwarding to `target` (a base URL); → { url, close() }. */
export async function credentialProxy({ target, authorization, port = 0 }) {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const headers = { ...req.headers, authorization };
    const forward = request({
      hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers,
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    req.pipe(forward);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
