#!/usr/bin/env node
// HTTP benchmark for Frontdesk under `wrangler dev --local` (`make bench`).
// Measures, in one run and against the same server: GET /health and the signed Twilio SMS webhook
// at 1 and 16 connections, and every other inbound channel (WhatsApp Cloud, OpenPhone, web form,
// website chat) at 1 connection (warm-up discarded); each one's p50/p99 ratio to /health in the
// same run; cold start (spawn → first /health 200, then the first webhook); and the wasm size.
// Loopback only; every loop is bounded.
// Writes bench/results/latest.json and the bench:http section of BENCHMARKS.md.
//
// Usage: node bench/http.mjs [--url http://127.0.0.1:8787 [--public-url URL]] [--duration 10]
//        [--warmup 3] [--connections 1,16] [--max-requests 20000] [--no-write]
import { parseArgs } from 'node:util';
import http from 'node:http';
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { availableParallelism, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { startServer, ROOT, NODE_BIN_DIR } from '../miniflare-tests/helpers/server.mjs';
import { signedSmsRequest, randomMessageSid, twimlMessages } from '../scripts/lib/twilio.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    'public-url': { type: 'string' },
    token: { type: 'string', default: 'demo-twilio-auth-token' },
    to: { type: 'string', default: '+14155550100' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '1,16' },
    'max-requests': { type: 'string', default: '20000' },
    'no-write': { type: 'boolean', default: false },
    channels: { type: 'string', default: 'whatsapp,openphone,form,chat' },
  },
});
// Dev-only secrets from wrangler.toml and seed/dev.sql, as the providers would sign.
const META_APP_SECRET = 'dev-meta-app-secret';
const META_PHONE_NUMBER_ID = '106540352242922';
const OPENPHONE_NUMBER = '+14155550123';
const OPENPHONE_KEY = Buffer.from('ZGV2LW9wZW5waG9uZS1zaWduaW5nLWtleQ==', 'base64');
const FORM_SECRET = 'demo-form-signing-secret';
const DURATION_MS = Number(args.duration) * 1000;
const WARMUP_MS = Number(args.warmup) * 1000;
const MAX_REQUESTS = Number(args['max-requests']);
const CONNECTIONS = args.connections.split(',').map(Number).filter((n) => n > 0);
if (!(DURATION_MS > 0) || !(WARMUP_MS >= 0) || !(MAX_REQUESTS > 0) || CONNECTIONS.length === 0) {
  console.error('bad --duration/--warmup/--max-requests/--connections');
  process.exit(2);
}

function assertLoopback(u) {
  const h = new URL(u).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(h)) {
    console.error(`refusing non-loopback target ${u}`);
    process.exit(2);
  }
}

// ---------- a minimal keep-alive HTTP client (lower overhead than fetch) ----------
function makeClient(baseUrl, sockets) {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const request = (method, path, headers = {}, body) => new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out (30 s)')));
    req.on('error', reject);
    if (body !== undefined) req.end(body); else req.end();
  });
  return { request, close: () => agent.destroy() };
}

// ---------- workloads ----------
// 64 senders: concurrent requests model different people (one thread's turns are serialised by
// its ConversationDO, as one person's messages should be), and each thread is warm after its first.
const FROM_POOL = Array.from({ length: 64 }, (_, i) => `+4477009001${String(i).padStart(2, '0')}`);
let seq = 0;
function workloads(baseUrl, publicBaseUrl) {
  return {
    health: (client) => client.request('GET', '/health'),
    webhook: (client) => {
      const n = seq++;
      const r = signedSmsRequest({
        baseUrl, publicBaseUrl, authToken: args.token, to: args.to,
        from: FROM_POOL[n % FROM_POOL.length], body: `bench enquiry ${n}: is the flat available?`,
        messageSid: randomMessageSid(),
      });
      const body = r.init.body;
      return client.request('POST', new URL(r.url).pathname, { ...r.init.headers, 'content-length': Buffer.byteLength(body) }, body);
    },
    whatsapp: (client) => {
      const n = seq++;
      const from = FROM_POOL[n % FROM_POOL.length].slice(1);
      const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: META_PHONE_NUMBER_ID },
        contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
        messages: [{ from, id: `wamid.BENCH${process.pid}x${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `bench ${n}: is the flat available?` } }] } }] }] });
      const sig = 'sha256=' + createHmac('sha256', META_APP_SECRET).update(body).digest('hex');
      return client.request('POST', '/webhooks/meta/whatsapp', json(body, { 'x-hub-signature-256': sig }), body);
    },
    openphone: (client) => {
      const n = seq++;
      const body = JSON.stringify({ id: `EVbench${process.pid}x${n}`, object: 'event', apiVersion: 'v4', createdAt: new Date().toISOString(), type: 'message.received',
        data: { object: { id: `ACbench${process.pid}x${n}`, object: 'message', from: FROM_POOL[n % FROM_POOL.length], to: OPENPHONE_NUMBER, body: `bench ${n}`, direction: 'incoming', status: 'received' } } });
      const ts = Date.now();
      const sig = `hmac;1;${ts};${createHmac('sha256', OPENPHONE_KEY).update(`${ts}.${body}`).digest('base64')}`;
      return client.request('POST', '/webhooks/openphone', json(body, { 'openphone-signature': sig }), body);
    },
    form: (client) => {
      const n = seq++;
      const body = JSON.stringify({ name: 'Bench', phone: FROM_POOL[n % FROM_POOL.length], message: `bench ${n}: viewing?`, submission_id: `bench-${process.pid}-${n}` });
      const t = Math.floor(Date.now() / 1000);
      const sig = `t=${t},v1=${createHmac('sha256', FORM_SECRET).update(`${t}.${body}`).digest('hex')}`;
      return client.request('POST', '/webhooks/forms/demo', json(body, { 'x-frontdesk-signature': sig }), body);
    },
    chat: async (client) => {
      const n = seq++;
      const slot = n % FROM_POOL.length;
      const body = JSON.stringify({ session: chatSessions[slot], text: `bench ${n}: opening hours?`, client_id: `b${process.pid}x${n}` });
      const res = await client.request('POST', '/chat/demo/messages', json(body), body);
      if (res.status === 200) chatSessions[slot] = JSON.parse(res.body).session;
      return res;
    },
  };
}
// One session per simulated visitor, issued by their first message.
const chatSessions = new Array(64).fill(undefined);
const json = (body, headers = {}) => ({ 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Runs `work` on `connections` concurrent loops for durationMs (or maxRequests in total). */
async function phase(client, work, connections, durationMs, maxRequests) {
  const latencies = [];
  const errors = new Map();
  let started = 0;
  const t0 = performance.now();
  const end = t0 + durationMs;
  const loop = async () => {
    while (performance.now() < end && started < maxRequests) {
      started++;
      const s = performance.now();
      try {
        const res = await work(client);
        const ms = performance.now() - s;
        if (res.status >= 200 && res.status < 300) latencies.push(ms);
        else {
          const k = `HTTP ${res.status} ${res.body.slice(0, 120)}`;
          errors.set(k, (errors.get(k) ?? 0) + 1);
        }
      } catch (e) {
        const k = e.message;
        errors.set(k, (errors.get(k) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  return {
    requests: latencies.length,
    errors: errorCount,
    error_samples: Object.fromEntries([...errors.entries()].slice(0, 5)),
    duration_s: +(elapsed / 1000).toFixed(2),
    throughput_rps: +(latencies.length / (elapsed / 1000)).toFixed(1),
    p50_ms: +percentile(latencies, 50).toFixed(2),
    p99_ms: +percentile(latencies, 99).toFixed(2),
    mean_ms: +(latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1)).toFixed(2),
    max_ms: +(latencies.at(-1) ?? NaN).toFixed(2),
  };
}

// ---------- environment facts ----------
function findWasm() {
  const dir = join(ROOT, 'build');
  if (!existsSync(dir)) return null;
  const found = [];
  const walk = (d, depth) => {
    if (depth > 4) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, depth + 1);
      else if (name.endsWith('.wasm')) found.push({ p, size: st.size, mtime: st.mtime });
    }
  };
  walk(dir, 0);
  found.sort((a, b) => b.size - a.size);
  if (found.length === 0) return null;
  const f = found[0];
  const raw = readFileSync(f.p);
  return { file: relative(ROOT, f.p), raw_bytes: raw.length, gzip_bytes: gzipSync(raw).length, built_at: f.mtime.toISOString() };
}

function machine() {
  let cpu = 'unknown';
  try { cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) ?? [])[1] ?? cpu; } catch { /* not linux */ }
  let wranglerNode = null;
  try { wranglerNode = execFileSync(join(NODE_BIN_DIR, 'node'), ['--version'], { timeout: 10_000 }).toString().trim(); } catch { /* absent */ }
  let wranglerVersion = null;
  try { wranglerVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'wrangler', 'package.json'), 'utf8')).version; } catch { /* absent */ }
  return {
    nproc: availableParallelism(), cpu, mem_gb: +(totalmem() / 2 ** 30).toFixed(1),
    client_node: process.version, wrangler_node: wranglerNode, wrangler: wranglerVersion,
  };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const kb = (b) => `${(b / 1024).toFixed(0)} KiB`;

function markdown(r) {
  const lines = [];
  lines.push(`Run ${r.date} · ${r.machine.nproc} CPUs (${r.machine.cpu}) · client ${r.machine.client_node}, wrangler ${r.machine.wrangler ?? '?'} on ${r.machine.wrangler_node ?? '?'} · ${r.target}`);
  lines.push(`Each cell: ${r.settings.warmup_s} s warm-up discarded, then ${r.settings.duration_s} s (at most ${r.settings.max_requests} requests); latency is per request, client side, keep-alive, loopback.`);
  lines.push('');
  lines.push('| connections | endpoint | requests | errors | req/s | p50 ms | p99 ms | max ms |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const x of r.runs) {
    lines.push(`| ${x.connections} | ${x.endpoint} | ${x.requests} | ${x.errors} | ${fmt(x.throughput_rps)} | ${fmt(x.p50_ms, 2)} | ${fmt(x.p99_ms, 2)} | ${fmt(x.max_ms, 1)} |`);
  }
  lines.push('');
  lines.push('Per channel, against /health in the same run (`webhook` = Twilio SMS, answered inline with TwiML; the others reply through the outbox):');
  lines.push('');
  lines.push('| connections | endpoint | p50 ÷ /health p50 | p99 ÷ /health p99 |');
  lines.push('|---:|---|---:|---:|');
  for (const v of Object.values(r.ratios)) lines.push(`| ${v.connections} | ${v.endpoint} | ${fmt(v.p50, 2)}× | ${fmt(v.p99, 2)}× |`);
  lines.push('');
  if (r.cold_start) {
    lines.push(`Cold start: spawn \`wrangler dev\` → first 200 on /health **${fmt(r.cold_start.spawn_to_health_ms, 0)} ms**; first webhook after that **${fmt(r.cold_start.first_webhook_ms, 1)} ms** (HTTP ${r.cold_start.first_webhook_status}).`);
  } else lines.push('Cold start: not measured (ran against --url).');
  if (r.wasm) lines.push(`Wasm \`${r.wasm.file}\`: ${kb(r.wasm.raw_bytes)} raw, ${kb(r.wasm.gzip_bytes)} gzip (node:zlib default level); built ${r.wasm.built_at}.`);
  else lines.push('Wasm: no build/**/*.wasm found.');
  return lines.join('\n');
}

function writeBenchmarksMd(block, m) {
  const path = join(ROOT, 'BENCHMARKS.md');
  const START = '<!-- bench:http:start -->';
  const END = '<!-- bench:http:end -->';
  let text = existsSync(path) ? readFileSync(path, 'utf8') : [
    '# Benchmarks',
    '',
    'Measured locally: the release worker runs in workerd under `wrangler dev --local` (local D1,',
    'Durable Objects and Queues) on 127.0.0.1, and the load generator (`bench/http.mjs`, Node\'s',
    '`node:http` with keep-alive) runs on the same machine, so client and server share the CPUs.',
    'Numbers are for comparing changes on one machine, not production latency at the edge.',
    `Machine: ${m.nproc} CPUs, ${m.cpu}, ${m.mem_gb} GB RAM; Node ${m.client_node} (client), ${m.wrangler_node ?? '?'} (wrangler ${m.wrangler ?? '?'}).`,
    '',
    'Reproduce: `make bench` (or `node bench/http.mjs --url http://127.0.0.1:8787` against `make dev`).',
    'Raw results of the last run: `bench/results/latest.json`.',
    '',
  ].join('\n');
  const section = `${START}\n## HTTP (bench/http.mjs)\n\n${block}\n${END}`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a !== -1 && b > a) text = text.slice(0, a) + section + text.slice(b + END.length);
  else text = text.replace(/\s*$/, '\n\n') + section + '\n';
  writeFileSync(path, text);
  return path;
}

// ---------- main ----------
const m = machine();
let server = null;
let coldStart = null;
let baseUrl;
let publicBaseUrl;
const cleanup = async () => { await server?.stop(); };
process.on('SIGINT', () => { cleanup().finally(() => process.exit(130)); });

try {
  if (args.url) {
    baseUrl = args.url.replace(/\/+$/, '');
    publicBaseUrl = (args['public-url'] ?? baseUrl).replace(/\/+$/, '');
    assertLoopback(baseUrl);
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) }).catch((e) => ({ status: e.message }));
    if (res.status !== 200) throw new Error(`GET ${baseUrl}/health → ${res.status}: is the server running?`);
  } else {
    console.error('[bench] starting wrangler dev (migrate + seed a fresh local D1)…');
    server = await startServer({ pollMs: 10, logLevel: 'warn' });
    baseUrl = server.baseUrl;
    publicBaseUrl = server.publicBaseUrl;
    const first = makeClient(baseUrl, 1);
    const s = performance.now();
    const r = await workloads(baseUrl, publicBaseUrl).webhook(first);
    coldStart = {
      spawn_to_health_ms: +server.coldStartMs.toFixed(1),
      first_webhook_ms: +(performance.now() - s).toFixed(1),
      first_webhook_status: r.status,
      first_webhook_reply: twimlMessages(r.body)[0] ?? r.body.slice(0, 200),
    };
    first.close();
    console.error(`[bench] cold start ${coldStart.spawn_to_health_ms} ms; first webhook ${coldStart.first_webhook_ms} ms (HTTP ${r.status})`);
  }

  const w = workloads(baseUrl, publicBaseUrl);
  const runs = [];
  const channels = args.channels.split(',').filter(Boolean);
  for (const connections of CONNECTIONS) {
    // The other channels at the first connection count only: a per-channel comparison, bounded time.
    const endpoints = ['health', 'webhook', ...(connections === CONNECTIONS[0] ? channels : [])];
    for (const endpoint of endpoints) {
      const client = makeClient(baseUrl, connections);
      try {
        console.error(`[bench] ${endpoint} × ${connections} connections: warm-up ${WARMUP_MS / 1000} s, measure ${DURATION_MS / 1000} s`);
        if (WARMUP_MS > 0) await phase(client, w[endpoint], connections, WARMUP_MS, MAX_REQUESTS);
        const res = await phase(client, w[endpoint], connections, DURATION_MS, MAX_REQUESTS);
        runs.push({ connections, endpoint, ...res });
        if (res.errors) console.error(`[bench]   ${res.errors} errors: ${JSON.stringify(res.error_samples)}`);
      } finally {
        client.close();
      }
    }
  }
  const ratios = {};
  for (const c of CONNECTIONS) {
    const h = runs.find((x) => x.connections === c && x.endpoint === 'health');
    for (const k of runs.filter((x) => x.connections === c && x.endpoint !== 'health')) {
      ratios[`${c}:${k.endpoint}`] = { connections: c, endpoint: k.endpoint, p50: +(k.p50_ms / h.p50_ms).toFixed(2), p99: +(k.p99_ms / h.p99_ms).toFixed(2) };
    }
  }
  const result = {
    date: new Date().toISOString(),
    target: server ? 'fresh wrangler dev --local (started by the bench)' : `running server ${baseUrl}`,
    machine: m,
    settings: { warmup_s: WARMUP_MS / 1000, duration_s: DURATION_MS / 1000, max_requests: MAX_REQUESTS, connections: CONNECTIONS, from_numbers: FROM_POOL.length },
    wasm: findWasm(),
    cold_start: coldStart,
    runs,
    ratios,
  };
  const block = markdown(result);
  console.log('\n' + block + '\n');
  if (!args['no-write']) {
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(result, null, 2) + '\n');
    const p = writeBenchmarksMd(block, m);
    console.error(`[bench] wrote bench/results/latest.json and ${relative(ROOT, p)}`);
  }
  const failed = runs.some((x) => x.requests === 0);
  await cleanup();
  process.exit(failed ? 1 : 0);
} catch (e) {
  console.error(`[bench] ${e.stack ?? e}`);
  await cleanup();
  process.exit(1);
}
