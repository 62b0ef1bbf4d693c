// The FastAPI peer (../shared/peers/fastapi-sms: FastAPI + uvicorn + the official twilio library,
// SQLite WAL) for side-by-side benchmarks. ensurePeerVenv() creates .tools/peer-venv (git-ignored)
// when missing and pip-installs the peer's dependencies from PyPI; startPeer() runs
//   uvicorn app:app --host 127.0.0.1 --port <free> --workers 2 --http httptools --loop uvloop
// from a temp copy of app.py (../shared is read-only), with PEER_DB in that temp dir and
// PEER_PUBLIC = the origin the signed requests are signed over. Every wait is bounded.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, freePort } from '../miniflare-tests/helpers/server.mjs';

export const PEER_DIR = resolve(process.env.PEER_DIR ?? join(ROOT, '..', 'shared', 'peers', 'fastapi-sms'));
export const PEER_VENV = join(ROOT, '.tools', 'peer-venv');
const UVICORN = join(PEER_VENV, 'bin', 'uvicorn');
const PIP_PACKAGES = ['fastapi', 'uvicorn[standard]', 'python-multipart', 'twilio'];

function run(cmd, args, timeoutMs) {
  return new Promise((res, rej) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(' ')}: ${err.killed ? 'timed out' : `exit ${err.code}`}\n${String(stderr).slice(-3000)}`));
      else res({ stdout, stderr });
    });
  });
}

/** Creates the virtualenv and installs the peer's packages if uvicorn is not there yet. */
export async function ensurePeerVenv(log = () => {}) {
  if (existsSync(UVICORN)) return PEER_VENV;
  const python = process.env.PYTHON ?? 'python3';
  log(`creating ${PEER_VENV} (${python} -m venv) and installing ${PIP_PACKAGES.join(' ')} from PyPI…`);
  if (!existsSync(join(PEER_VENV, 'bin', 'pip'))) await run(python, ['-m', 'venv', PEER_VENV], 120_000);
  await run(join(PEER_VENV, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', ...PIP_PACKAGES], 600_000);
  if (!existsSync(UVICORN)) throw new Error(`pip install finished but ${UVICORN} is missing`);
  return PEER_VENV;
}

export async function peerVersions() {
  try {
    const { stdout } = await run(join(PEER_VENV, 'bin', 'python'), ['-c',
      'import sys, fastapi, uvicorn, twilio; print(sys.version.split()[0], fastapi.__version__, uvicorn.__version__, twilio.__version__)'], 30_000);
    const [python, fastapi, uvicorn, twilio] = stdout.trim().split(' ');
    return { python, fastapi, uvicorn, twilio };
  } catch { return null; }
}

/**
 * Starts the peer; resolves once GET /health → 200 (bounded).
 * Returns { baseUrl, port, publicBaseUrl, persistDir, pid, coldStartMs, logs(), stop() }.
 */
export async function startPeer({ workers = 2, readyTimeoutMs = 60_000, pollMs = 50 } = {}) {
  const app = join(PEER_DIR, 'app.py');
  if (!existsSync(app)) throw new Error(`peer not found: ${app} (set PEER_DIR)`);
  await ensurePeerVenv();
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-peer-'));
  copyFileSync(app, join(dir, 'app.py'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const publicBaseUrl = baseUrl; // the peer verifies signatures over PEER_PUBLIC + /webhooks/twilio/sms
  let output = '';
  const append = (c) => { output += c.toString(); if (output.length > 200_000) output = output.slice(-100_000); };
  const spawnedAt = performance.now();
  const child = spawn(UVICORN, ['app:app', '--host', '127.0.0.1', '--port', String(port), '--workers', String(workers),
    '--http', 'httptools', '--loop', 'uvloop', '--no-access-log', '--log-level', 'warning'], {
    cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PEER_DB: join(dir, 'peer-sms.db'), PEER_PUBLIC: publicBaseUrl, PYTHONDONTWRITEBYTECODE: '1' },
  });
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exited = null;
  const exitPromise = new Promise((r) => child.once('exit', (code, signal) => { exited = { code, signal }; r(exited); }));
  const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
  process.once('exit', () => killGroup('SIGKILL'));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      killGroup('SIGTERM');
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 8_000))]);
      killGroup('SIGKILL');
    }
    child.stdout.destroy();
    child.stderr.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + readyTimeoutMs;
  let lastErr = '';
  while (true) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`peer: GET ${baseUrl}/health not 200 (${exited ? `exited ${JSON.stringify(exited)}` : `timeout, last ${lastErr}`})\n${output.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
      lastErr = `HTTP ${res.status}`;
    } catch (e) { lastErr = e.cause?.code ?? e.message; }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return {
    baseUrl, port, publicBaseUrl, persistDir: dir, pid: child.pid,
    coldStartMs: performance.now() - spawnedAt,
    logs: () => output,
    stop,
  };
}
