// Starts the built worker directly under workerd through Miniflare's Node API (the miniflare that
// wrangler brings), WITHOUT `wrangler dev`'s proxy: one workerd process serving the worker on its
// own socket, with local D1, Durable Objects, Queues (producer, consumers, DLQ) and assets
// configured from wrangler.toml by wrangler's own config reader. The persist dir is the one
// `wrangler d1 migrations apply --local --persist-to DIR` + `wrangler d1 execute --file
// seed/dev.sql` prepared (prepareDatabase from server.mjs), so D1 state matches `wrangler dev`.
//
// Miniflare runs in a separate Node process (this file with --serve) so that the caller's process
// is not the server: tests and benchmarks see the server as its own process tree (Node host +
// workerd child) and can measure its CPU. Requests go client → workerd's socket → the worker; the
// Node host only supervises workerd and receives its stdout/stderr (request logging is off).
//
// startDirect(opts) returns the same shape as startServer (server.mjs):
// { baseUrl, port, publicBaseUrl, persistDir, pid, pids(), coldStartMs, clockOffsetMs, now(), logs(), stop() }
// pid is the Node host (process-group leader); pids() → { host, workerd: [...] } (live children).
//
// Vectorize and Workers AI cannot run locally; `vectors: fake` (a startFakeVectors() from
// fake_vectors.mjs) binds VECTORIZE and AI to RPC entrypoints of a second worker
// (fake_bindings_worker.mjs) that forward to that fake; `ai: false` leaves AI unbound (an
// OpenAI-compatible API set through vars embeds instead).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve, dirname, relative, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { ROOT, freePort, clockOffset, persistDirFor, superviseServer } from './server.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const FAKE_BINDINGS = join(dirname(THIS_FILE), 'fake_bindings_worker.mjs');
const WRANGLER_PKG = join(ROOT, 'node_modules', 'wrangler', 'package.json');

/** Children of `pid` (Linux /proc; [] elsewhere). */
export function childPids(pid) {
  try {
    const out = [];
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const s = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (s) out.push(...s.split(/\s+/).map(Number));
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * Spawns the Miniflare host and waits (bounded) for GET /health → 200.
 * Options as startServer: persistDir (default: fresh temp dir, migrated + seeded, removed on stop),
 * prepare, seed, port, publicBaseUrl (default http://127.0.0.1:<port>), config (another wrangler
 * config file), inspectorPort (V8 inspector for bench/profile.mjs), readyTimeoutMs (60 s), pollMs (100), vars ({NAME: value}), logLevel
 * ('error'|'warn'|'info'|'debug'; default 'warn'), clockAt, vectors (a fake_vectors.mjs fake), ai (default true).
 */
export async function startDirect(opts = {}) {
  if (!existsSync(WRANGLER_PKG)) throw new Error(`wrangler is not installed (${WRANGLER_PKG}): run \`make setup\``);
  const { persistDir, ownDir } = await persistDirFor(opts, 'frontdesk-direct-');
  const port = opts.port ?? await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const publicBaseUrl = opts.publicBaseUrl ?? baseUrl;
  const clockOffsetMs = clockOffset(opts.clockAt);
  const vars = { PUBLIC_BASE_URL: publicBaseUrl, CLOCK_OFFSET_MS: String(clockOffsetMs), ...(opts.vars ?? {}) };
  const spec = {
    port, persistDir, vars,
    config: resolve(ROOT, opts.config ?? 'wrangler.toml'),
    logLevel: opts.logLevel ?? 'warn',
    vectors: opts.vectors ? { url: opts.vectors.url, ai: opts.ai ?? true } : undefined,
    inspectorPort: opts.inspectorPort,
  };
  const server = await superviseServer({
    name: 'workerd direct',
    args: [THIS_FILE, '--serve', JSON.stringify(spec)],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    baseUrl, persistDir, ownDir, opts,
  });
  return {
    ...server, baseUrl, port, publicBaseUrl, persistDir, clockOffsetMs,
    pids: () => ({ host: server.pid, workerd: childPids(server.pid) }),
    now: () => Date.now() + clockOffsetMs,
  };
}

// ---------------- host process: `node workerd.mjs --serve '<json spec>'` ----------------

/** The worker's modules, found by following relative static imports from the entry. */
export function workerModules(entry) {
  const seen = new Map();
  const visit = (file) => {
    if (seen.has(file)) return;
    const ext = extname(file);
    if (ext === '.wasm') { seen.set(file, 'CompiledWasm'); return; }
    seen.set(file, 'ESModule');
    const src = readFileSync(file, 'utf8');
    const re = /(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]*?\sfrom\s*|\s*)["']([^"']+)["']/g;
    let m;
    while ((m = re.exec(src)) !== null) {
      const spec = m[1];
      if (spec.startsWith('./') || spec.startsWith('../')) visit(resolve(dirname(file), spec));
    }
  };
  visit(entry);
  const modules = [...seen.entries()].map(([path, type]) => ({ type, path }));
  // modulesRoot: the common ancestor, so `../index.js` from worker/shim.mjs stays inside it.
  let modulesRoot = dirname(entry);
  while (modules.some((x) => relative(modulesRoot, x.path).startsWith('..'))) modulesRoot = dirname(modulesRoot);
  return { modules, modulesRoot };
}

async function serve(spec) {
  const req = createRequire(WRANGLER_PKG); // miniflare as wrangler resolves it (its own dependency)
  const wrangler = await import(pathToFileURL(req.resolve('wrangler')).href);
  const mfPath = req.resolve('miniflare');
  const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = await import(pathToFileURL(mfPath).href);
  const { workerOptions, main } = wrangler.unstable_getMiniflareWorkerOptions(spec.config, undefined, {});
  if (!main || !existsSync(main)) throw new Error(`no worker build at ${main}: run \`make build\` first`);
  const { modules, modulesRoot } = workerModules(main);
  // Everything wrangler.toml declares (vars, D1, DOs, queues with DLQ, assets), with the code
  // listed explicitly instead of modulesRules, and the per-run vars on top of [vars].
  const worker = {
    ...workerOptions,
    name: wrangler.unstable_readConfig({ config: spec.config }).name ?? 'frontdesk',
    bindings: { ...(workerOptions.bindings ?? {}), ...spec.vars },
    modules, modulesRoot,
  };
  delete worker.modulesRules;
  const workers = [worker];
  if (spec.vectors) {
    const fakeName = 'fake-bindings';
    workers.push({
      name: fakeName, compatibilityDate: worker.compatibilityDate,
      modules: [{ type: 'ESModule', path: FAKE_BINDINGS }], modulesRoot: dirname(FAKE_BINDINGS),
      bindings: { FAKE_VECTORS_URL: spec.vectors.url },
    });
    worker.serviceBindings = {
      ...(worker.serviceBindings ?? {}),
      VECTORIZE: { name: fakeName, entrypoint: 'FakeVectorize' },
      ...(spec.vectors.ai ? { AI: { name: fakeName, entrypoint: 'FakeAi' } } : {}),
    };
  }
  const level = { error: LogLevel.ERROR, warn: LogLevel.WARN, info: LogLevel.INFO, log: LogLevel.INFO, debug: LogLevel.DEBUG, none: LogLevel.NONE }[spec.logLevel] ?? LogLevel.WARN;
  // miniflare 5 takes a new option shape; convertV4MiniflareOptions maps the v4 shape wrangler's
  // reader produces, as wrangler itself does.
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: spec.port,
    log: new Log(level),
    logRequests: false, // request logs would go through this Node process
    // the layout `wrangler dev --persist-to DIR` uses: DIR/v3/{d1,do,…}
    resourcePersistencePath: join(spec.persistDir, 'v3'),
    // bench/profile.mjs samples every isolate's CPU through V8's inspector (off by default)
    ...(spec.inspectorPort ? { inspectorPort: spec.inspectorPort } : {}),
    workers,
  }));
  const url = await mf.ready;
  process.stdout.write(`[workerd-direct] ready ${url.href} (miniflare ${req('miniflare/package.json').version}, ${modules.length} modules)\n`);
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    const t = setTimeout(() => process.exit(1), 5_000);
    try { await mf.dispose(); } finally { clearTimeout(t); process.exit(0); }
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

if (process.argv[1] && resolve(process.argv[1]) === THIS_FILE && process.argv[2] === '--serve') {
  serve(JSON.parse(process.argv[3])).catch((e) => {
    process.stderr.write(`[workerd-direct] ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
