// The official MCP conformance suite (`@modelcontextprotocol/conformance`, pinned in
// package.json) against /mcp in real workerd: every server scenario (`--suite all`), with
// miniflare-tests/mcp_conformance_expected_failures.yml as the baseline — a new failure fails
// this test, and so does a listed scenario that now passes (a stale entry).
//
// The suite connects with a bare SDK client and cannot be given a credential, so it reaches the
// worker through a loopback proxy that adds the demo tenant's API key (helpers/credential_proxy.mjs);
// the server's PUBLIC_BASE_URL is the proxy's URL, so Origin checks and the protected-resource
// metadata see the address the suite uses. The fixture tools its scenarios call (`test_simple_text`,
// `test_image_content`, …) are listed only when ENVIRONMENT is `test`, as here (core::mcp::fixtures).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, freePort, nodeBinary } from './helpers/server.mjs';
import { credentialProxy } from './helpers/credential_proxy.mjs';
import { DEMO } from './helpers/api.mjs';

const CLI = join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const EXPECTED = join(ROOT, 'miniflare-tests', 'mcp_conformance_expected_failures.yml');

let server;
let proxy;
let outDir;

before(async () => {
  const port = await freePort();
  // Every scenario's requests come through one key, a few hundred in seconds: no rate limit here.
  const vars = { RATE_LIMIT_MCP_PER_MIN: '100000', RATE_LIMIT_MCP_BURST: '100000' };
  server = await startServer({ publicBaseUrl: `http://127.0.0.1:${port}`, vars });
  proxy = await credentialProxy({ target: server.baseUrl, authorization: `Bearer ${DEMO.key}`, port });
  outDir = mkdtempSync(join(tmpdir(), 'frontdesk-conformance-'));
});

after(async () => {
  await proxy?.close();
  await server?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Runs the CLI to completion (bounded) → { code, stdout, stderr }. */
function conformance(args) {
  return new Promise((resolve) => {
    execFile(nodeBinary(), [CLI, ...args], { cwd: ROOT, timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, stderr });
    });
  });
}

/** Each scenario's checks from the output directory: { scenario: [{id, status, errorMessage}] }. */
function checksByScenario(dir) {
  const out = {};
  for (const entry of readdirSync(dir)) {
    const scenario = entry.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
    out[scenario] = JSON.parse(readFileSync(join(dir, entry, 'checks.json'), 'utf8'));
  }
  return out;
}

test('every entry of the expected-failures file says why', () => {
  const entries = readFileSync(EXPECTED, 'utf8').split('\n').filter((l) => /^\s*-\s/.test(l));
  assert.ok(entries.length > 0);
  for (const line of entries) assert.match(line, /^\s*-\s+[a-z0-9-]+\s+#\s+\S/, `an entry without a reason: ${line}`);
});

test('the conformance suite passes every server scenario but the listed ones', async () => {
  const run = await conformance(['server', '--url', `${proxy.url}/mcp`, '--suite', 'all', '--expected-failures', EXPECTED, '-o', outDir]);
  const checks = checksByScenario(outDir);
  // As the suite's baseline judges: a scenario with a failed check or a warning did not pass.
  const notPassed = (c) => c.status === 'FAILURE' || c.status === 'WARNING';
  const failing = (name) => (checks[name] ?? []).some(notPassed);
  const why = Object.keys(checks).filter(failing)
    .map((name) => `${name}: ${checks[name].filter(notPassed).map((c) => c.errorMessage ?? c.details?.message).join('; ')}`);
  const summary = run.stdout.slice(run.stdout.indexOf('=== SUMMARY'));
  assert.equal(run.code, 0, `conformance exit ${run.code}: a new failure or a stale baseline entry\n${summary}\n` +
    `${why.join('\n')}\n${run.stderr.slice(-4000)}`);

  // The ones this server exists for pass outright, not by being listed.
  for (const name of ['server-initialize', 'ping', 'tools-list', 'tools-call-simple-text', 'tools-call-error', 'json-schema-2020-12', 'dns-rebinding-protection']) {
    assert.ok(checks[name], `${name} ran`);
    assert.ok(!failing(name), `${name}: ${JSON.stringify(checks[name])}`);
  }
  const names = Object.keys(checks);
  const failed = names.filter(failing);
  console.log(`conformance: ${names.length} scenarios, ${names.length - failed.length} passed, ${failed.length} expected failures`);
});
