#!/usr/bin/env node
// HTTP benchmark (`make bench`): the same load against three servers, one after the other, in one run:
//   wrangler  — the built worker under `wrangler dev --local` (wrangler's Node process + its dev
//               proxy workerd + the worker's workerd), as developers run it;
//   direct    — the same build directly in workerd via Miniflare's Node API, no dev proxy
//               (miniflare-tests/helpers/workerd.mjs; Node host + one workerd);
//   peer      — the FastAPI peer (../shared/peers/fastapi-sms, uvicorn --workers 2), /health and
//               the signed Twilio SMS only (it implements nothing else).
// For each: GET /health and the signed webhooks (Twilio SMS; WhatsApp Cloud, OpenPhone, web form,
// website chat for Frontdesk) at 1 and 16 connections; p50/p99/req/s client side; server CPU per
// request from /proc (utime+stime of every process of the server, per process role, from a quiet
// server before the phase to a quiet server after it, so queue consumers and waitUntil work the
// phase started are charged to it); ratios to /health of the same runtime in the same run.
// Every webhook request is pre-signed before its phase and distinct (new MessageSid/event id and a
// new sender each time, so each is a real first turn of a new contact). Loopback only; every loop
// is bounded (time and count). The load generator runs on the same cores as the servers.
// Writes bench/results/latest.json and the bench:http section of BENCHMARKS.md.
//
// Usage: node bench/http.mjs [--runtimes wrangler,direct,peer] [--duration 5] [--warmup 2]
//        [--connections 1,16] [--max-requests 4000] [--channels whatsapp,openphone,form,chat]
//        [--no-write]
//        node bench/http.mjs --url http://127.0.0.1:8787 [--public-url URL] [--pid PID]  (a running server)
import { parseArgs } from 'node:util';
import http from 'node:http';
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { availableParallelism, totalmem, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { startServer, ROOT, NODE_BIN_DIR } from '../miniflare-tests/helpers/server.mjs';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { DEMO, conversationsOf, messagesOf, eventually, api } from '../miniflare-tests/helpers/api.mjs';
import { signedSmsRequest, randomMessageSid, twimlMessages } from '../scripts/lib/twilio.mjs';
import { cpuMeter, settle, machineCpu, listenerPids, processTree } from './proc.mjs';
import { writeSection } from './markdown.mjs';
import { startPeer, ensurePeerVenv, peerVersions, PEER_DIR } from './peer.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    'public-url': { type: 'string' },
    pid: { type: 'string' },
    runtimes: { type: 'string', default: 'wrangler,direct,peer' },
    token: { type: 'string', default: DEMO.token },
    to: { type: 'string', default: DEMO.number },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '1,16' },
    'max-requests': { type: 'string', default: '4000' },
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
const CHANNELS = args.channels.split(',').filter(Boolean);
if (!(DURATION_MS > 0) || !(WARMUP_MS >= 0) || !(MAX_REQUESTS > 0) || CONNECTIONS.length === 0) {
  console.error('bad --duration/--warmup/--max-requests/--connections');
  process.exit(2);
}
const log = (s) => console.error(`[bench] ${s}`);

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
  const request = ({ method, path, headers = {}, body }) => new Promise((resolve, reject) => {
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

// ---------- pre-signed, distinct requests ----------
// Each webhook request is a new sender (a fictional UK mobile number, unique in the run) with a new
// provider message id, so every request is the first turn of a new contact, not a duplicate.
let seq = 0;
const phoneOf = (n) => `+447${700000000 + n}`;
const json = (body, headers = {}) => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
const BUILDERS = {
  health: () => ({ method: 'GET', path: '/health' }),
  sms: (ctx) => {
    const n = seq++;
    const r = signedSmsRequest({
      baseUrl: ctx.baseUrl, publicBaseUrl: ctx.publicBaseUrl, authToken: args.token, to: args.to,
      from: phoneOf(n), body: `bench enquiry ${n}: is the flat available?`, messageSid: randomMessageSid(),
    });
    const body = r.init.body;
    return { method: 'POST', path: new URL(r.url).pathname, headers: { ...r.init.headers, 'content-length': String(Buffer.byteLength(body)) }, body };
  },
  whatsapp: () => {
    const n = seq++;
    const from = phoneOf(n).slice(1);
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: META_PHONE_NUMBER_ID },
      contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
      messages: [{ from, id: `wamid.BENCH${process.pid}x${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `bench ${n}: is the flat available?` } }] } }] }] });
    const sig = 'sha256=' + createHmac('sha256', META_APP_SECRET).update(body).digest('hex');
    return { method: 'POST', path: '/webhooks/meta/whatsapp', headers: json(body, { 'x-hub-signature-256': sig }), body };
  },
  openphone: () => {
    const n = seq++;
    const body = JSON.stringify({ id: `EVbench${process.pid}x${n}`, object: 'event', apiVersion: 'v4', createdAt: new Date().toISOString(), type: 'message.received',
      data: { object: { id: `ACbench${process.pid}x${n}`, object: 'message', from: phoneOf(n), to: OPENPHONE_NUMBER, body: `bench ${n}`, direction: 'incoming', status: 'received' } } });
    const ts = Date.now();
    const sig = `hmac;1;${ts};${createHmac('sha256', OPENPHONE_KEY).update(`${ts}.${body}`).digest('base64')}`;
    return { method: 'POST', path: '/webhooks/openphone', headers: json(body, { 'openphone-signature': sig }), body };
  },
  form: () => {
    const n = seq++;
    const body = JSON.stringify({ name: 'Bench', phone: phoneOf(n), message: `bench ${n}: viewing?`, submission_id: `bench-${process.pid}-${n}` });
    const t = Math.floor(Date.now() / 1000);
    const sig = `t=${t},v1=${createHmac('sha256', FORM_SECRET).update(`${t}.${body}`).digest('hex')}`;
    return { method: 'POST', path: '/webhooks/forms/demo', headers: json(body, { 'x-frontdesk-signature': sig }), body };
  },
  // The tenant API: a bearer-key lookup and one D1 list query, no DO and no queue: a plain D1 read.
  api: () => ({ method: 'GET', path: '/api/v1/conversations?limit=1', headers: { authorization: `Bearer ${DEMO.key}` } }),
  // The same as sms, but from 64 returning senders (a new message id each time): each request is a
  // later turn of an existing conversation (its ConversationDO and contact already exist).
  'sms-repeat': (ctx) => {
    const n = seq++;
    const r = signedSmsRequest({
      baseUrl: ctx.baseUrl, publicBaseUrl: ctx.publicBaseUrl, authToken: args.token, to: args.to,
      from: phoneOf(10_000_000 + (n % 64)), body: `bench follow-up ${n}: is the flat available?`, messageSid: randomMessageSid(),
    });
    const body = r.init.body;
    return { method: 'POST', path: new URL(r.url).pathname, headers: { ...r.init.headers, 'content-length': String(Buffer.byteLength(body)) }, body };
  },
  // A new visitor each time: no session, so the first message issues one (nothing to pre-sign).
  chat: () => {
    const n = seq++;
    const body = JSON.stringify({ text: `bench ${n}: opening hours?`, client_id: `b${process.pid}x${n}` });
    return { method: 'POST', path: '/chat/demo/messages', headers: json(body), body };
  },
};
const ENDPOINT_LABEL = { health: 'GET /health', sms: 'Twilio SMS', 'sms-repeat': 'Twilio SMS, 64 returning senders', api: 'GET /api/v1/conversations (D1 read)', whatsapp: 'WhatsApp Cloud', openphone: 'OpenPhone', form: 'web form', chat: 'web chat' };

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Sends `requests` (pre-built) on `connections` concurrent loops for durationMs or until they run out. */
async function phase(client, requests, connections, durationMs) {
  const latencies = [];
  const errors = new Map();
  let next = 0;
  const t0 = performance.now();
  const end = t0 + durationMs;
  const loop = async () => {
    while (performance.now() < end && next < requests.length) {
      const r = requests[next++];
      const s = performance.now();
      try {
        const res = await client.request(r);
        const ms = performance.now() - s;
        if (res.status >= 200 && res.status < 300) latencies.push(ms);
        else {
          const k = `HTTP ${res.status} ${res.body.slice(0, 120)}`;
          errors.set(k, (errors.get(k) ?? 0) + 1);
        }
      } catch (e) {
        errors.set(e.message, (errors.get(e.message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  return {
    sent: next,
    requests: latencies.length,
    errors: errorCount,
    error_samples: Object.fromEntries([...errors.entries()].slice(0, 5)),
    exhausted: next >= requests.length,
    duration_s: +(elapsed / 1000).toFixed(2),
    throughput_rps: +(latencies.length / (elapsed / 1000)).toFixed(1),
    p50_ms: +percentile(latencies, 50).toFixed(2),
    p99_ms: +percentile(latencies, 99).toFixed(2),
    mean_ms: +(latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1)).toFixed(2),
    max_ms: +(latencies.at(-1) ?? NaN).toFixed(2),
  };
}

// ---------- runtimes ----------
// The load generator sends everything from 127.0.0.1, one client: the per-IP and per-key rate
// limits (which a real caller never reaches) are lifted so the bench measures the routes, not
// 429s. Each limited request still pays its LimiterDO call, as in production.
const UNLIMITED = Object.fromEntries(['CHAT', 'API', 'WEBHOOK'].flatMap((scope) =>
  [[`RATE_LIMIT_${scope}_PER_MIN`, '100000000'], [`RATE_LIMIT_${scope}_BURST`, '100000000']]));
const BENCH_VARS = { ENVIRONMENT: 'development', ...UNLIMITED };
const FRONTDESK_ENDPOINTS = ['health', 'api', 'sms', 'sms-repeat', ...CHANNELS];
const RUNTIMES = {
  wrangler: {
    label: 'wrangler dev',
    what: '`wrangler dev --local`: wrangler (Node) + dev-proxy workerd + worker workerd',
    endpoints: FRONTDESK_ENDPOINTS,
    start: () => startServer({ pollMs: 10, logLevel: 'warn', vars: BENCH_VARS }),
    roles(server) {
      const tree = processTree(server.pid);
      const front = new Set(listenerPids(tree.map((p) => p.pid), server.port));
      return (p) => (p.comm === 'node' ? 'node (wrangler)'
        : p.comm === 'workerd' ? (front.has(p.pid) ? 'workerd (dev proxy)' : 'workerd (worker)') : p.comm);
    },
  },
  direct: {
    label: 'workerd direct',
    what: 'workerd via Miniflare\'s Node API, no dev proxy: Node host (supervises, not in the request path) + one workerd',
    endpoints: FRONTDESK_ENDPOINTS,
    start: () => startDirect({ pollMs: 10, logLevel: 'warn', vars: BENCH_VARS }),
    roles(server) {
      return (p) => (p.pid === server.pid ? 'node (miniflare host)' : p.comm === 'workerd' ? 'workerd' : p.comm);
    },
  },
  peer: {
    label: 'FastAPI peer',
    what: 'uvicorn --workers 2 --http httptools --loop uvloop (FastAPI + twilio library + SQLite WAL)',
    endpoints: ['health', 'sms', 'sms-repeat'],
    start: () => startPeer(),
    roles(server) {
      return (p) => (p.pid === server.pid ? 'uvicorn (master)' : /python|uvicorn/.test(p.comm) ? 'uvicorn (workers)' : p.comm);
    },
  },
};

/** One signed SMS, read back through the tenant API; then its lead job, which runs off the queue. */
async function verifyFrontdesk(server) {
  const from = phoneOf(seq++);
  const text = 'Hi, I am looking for a 2 bed flat, is it available?';
  const req = signedSmsRequest({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: args.token, to: args.to, from, body: text });
  const client = makeClient(server.baseUrl, 1);
  const s = performance.now();
  const res = await client.request({ method: 'POST', path: new URL(req.url).pathname, headers: req.init.headers, body: req.init.body });
  const firstMs = performance.now() - s;
  client.close();
  const out = { first_webhook_ms: +firstMs.toFixed(1), first_webhook_status: res.status, reply: twimlMessages(res.body)[0] ?? res.body.slice(0, 200) };
  const { contact, conversations } = await conversationsOf(server, DEMO.key, from);
  const msgs = conversations.length ? await messagesOf(server, DEMO.key, conversations[0].id) : [];
  const inbound = msgs.find((m) => m.direction === 'inbound');
  out.read_back = Boolean(inbound && inbound.body === text && inbound.provider_message_id === req.messageSid);
  out.messages = msgs.length;
  const lead = contact ? await eventually(async () => {
    const l = await api(server, DEMO.key, `/api/v1/leads/${contact.id}`);
    return l.status === 200 && l.json?.fields?.beds ? l.json : null;
  }, { timeoutMs: 20_000, what: 'the lead job (queue consumer)' }).catch(() => null) : null;
  out.queue_lead = Boolean(lead);
  return out;
}

async function runRuntime(key, rt) {
  log(`== ${rt.label}: starting…`);
  const server = await rt.start();
  cleanups.push(() => server.stop());
  const result = { runtime: key, label: rt.label, what: rt.what, cells: [] };
  try {
    result.cold_start_ms = +server.coldStartMs.toFixed(0);
    if (key !== 'peer') {
      result.check = await verifyFrontdesk(server);
      log(`${rt.label}: cold start ${result.cold_start_ms} ms; first SMS ${result.check.first_webhook_ms} ms (HTTP ${result.check.first_webhook_status}); read back via API ${result.check.read_back}; lead via queue ${result.check.queue_lead}`);
      if (!result.check.read_back || !result.check.queue_lead) throw new Error(`${rt.label}: the signed SMS was not read back / its lead job did not run: ${JSON.stringify(result.check)}`);
    } else {
      log(`${rt.label}: cold start ${result.cold_start_ms} ms`);
    }
    const role = rt.roles(server);
    const meter = cpuMeter(server.pid, (p) => role(p));
    // idle baseline: what the server burns with no load (subtracted nowhere; reported)
    await settle(meter);
    const i0 = meter.snapshot();
    await new Promise((r) => setTimeout(r, 2_000));
    const idle = meter.delta(i0, meter.snapshot());
    result.idle_cpu_ms_per_s = +(idle.total_ms / (idle.window_ms / 1000)).toFixed(2);
    result.processes = Object.fromEntries(Object.entries(idle.by_role).map(([r, v]) => [r, v.processes]));

    const ctx = { baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl };
    for (const connections of CONNECTIONS) {
      for (const endpoint of rt.endpoints) {
        const client = makeClient(server.baseUrl, connections);
        try {
          log(`${rt.label}: ${endpoint} × ${connections}: warm-up ${WARMUP_MS / 1000} s, measure ${DURATION_MS / 1000} s (≤ ${MAX_REQUESTS} requests)`);
          if (WARMUP_MS > 0) await phase(client, Array.from({ length: MAX_REQUESTS }, () => BUILDERS[endpoint](ctx)), connections, WARMUP_MS);
          const requests = Array.from({ length: MAX_REQUESTS }, () => BUILDERS[endpoint](ctx));
          const settledBefore = await settle(meter);
          const before = meter.snapshot();
          const m0 = machineCpu();
          const c0 = process.cpuUsage();
          const res = await phase(client, requests, connections, DURATION_MS);
          const ended = meter.snapshot();
          const settledAfter = await settle(meter);
          const after = meter.snapshot();
          const c1 = process.cpuUsage(c0);
          const m1 = machineCpu();
          const cpu = meter.delta(before, after);
          const tail = meter.delta(ended, after);
          const served = res.requests + res.errors;
          const clientMs = (c1.user + c1.system) / 1000;
          const windowMs = cpu.window_ms;
          const busyMs = m1.busy - m0.busy;
          const cell = {
            connections, endpoint, ...res,
            cpu_ms_per_req: +(cpu.total_ms / served).toFixed(3),
            cpu_by_role_ms_per_req: Object.fromEntries(Object.entries(cpu.by_role).map(([r, v]) => [r, +(v.ms / served).toFixed(3)])),
            cpu_sys_pct: +(100 * cpu.sys_ms / (cpu.total_ms || 1)).toFixed(0),
            cpu_after_load_pct: +(100 * tail.total_ms / (cpu.total_ms || 1)).toFixed(0),
            runq_wait_ms_per_req: +(cpu.runq_ms / served).toFixed(3),
            written_kib_per_req: +(cpu.written_bytes / 1024 / served).toFixed(2),
            cpu_window_s: +(windowMs / 1000).toFixed(2),
            settled: settledBefore && settledAfter,
            processes_lost: cpu.lost,
            client_cpu_ms_per_req: +(clientMs / served).toFixed(3),
            machine_busy_pct: +(100 * busyMs / (windowMs * availableParallelism())).toFixed(1),
            others_pct: +(100 * Math.max(0, busyMs - cpu.total_ms - clientMs) / (windowMs * availableParallelism())).toFixed(1),
          };
          result.cells.push(cell);
          log(`  → ${res.requests} ok, ${res.errors} errors, ${res.throughput_rps} req/s, p50 ${res.p50_ms} ms, p99 ${res.p99_ms} ms, server CPU ${cell.cpu_ms_per_req} ms/req ${JSON.stringify(cell.cpu_by_role_ms_per_req)} (sys ${cell.cpu_sys_pct}%, after the load ${cell.cpu_after_load_pct}%), run-queue wait ${cell.runq_wait_ms_per_req} ms/req, written ${cell.written_kib_per_req} KiB/req, client ${cell.client_cpu_ms_per_req} ms/req, others ${cell.others_pct}%`);
          if (res.errors) log(`  ${res.errors} errors: ${JSON.stringify(res.error_samples)}`);
          if (res.exhausted) log(`  (stopped at the request cap, ${MAX_REQUESTS})`);
        } finally {
          client.close();
        }
      }
    }
  } finally {
    await server.stop();
  }
  return result;
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

const pkgVersion = (name) => { try { return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return null; } };
function machine() {
  let cpu = 'unknown';
  try { cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) ?? [])[1] ?? cpu; } catch { /* not linux */ }
  let serverNode = null;
  try { serverNode = execFileSync(join(NODE_BIN_DIR, 'node'), ['--version'], { timeout: 10_000 }).toString().trim(); } catch { /* absent */ }
  return {
    nproc: availableParallelism(), cpu, mem_gb: +(totalmem() / 2 ** 30).toFixed(1),
    client_node: process.version, server_node: serverNode,
    wrangler: pkgVersion('wrangler'), miniflare: pkgVersion('miniflare'), workerd: pkgVersion('workerd'),
    nice: (() => { try { return Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[16]); } catch { return null; } })(),
  };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const kb = (b) => `${(b / 1024).toFixed(0)} KiB`;
const la = (l) => l.map((x) => x.toFixed(2)).join(' / ');

function ratios(rt) {
  for (const c of rt.cells) {
    const h = rt.cells.find((x) => x.connections === c.connections && x.endpoint === 'health');
    c.vs_health = h ? { p50: +(c.p50_ms / h.p50_ms).toFixed(2), p99: +(c.p99_ms / h.p99_ms).toFixed(2), cpu: +(c.cpu_ms_per_req / h.cpu_ms_per_req).toFixed(2) } : null;
  }
}

function targets(r) {
  const get = (rt, ep, c) => r.runtimes.find((x) => x.runtime === rt)?.cells.find((x) => x.endpoint === ep && x.connections === c);
  const out = [];
  const top = Math.max(...CONNECTIONS);
  for (const c of CONNECTIONS) {
    const s = get('direct', 'sms', c);
    if (s?.vs_health) out.push({ what: `workerd direct, ${c} conn.: Twilio SMS server CPU per request ≤ 2× /health`, value: `${fmt(s.cpu_ms_per_req, 2)} ms vs ${fmt(get('direct', 'health', c).cpu_ms_per_req, 2)} ms = ${fmt(s.vs_health.cpu, 2)}×`, met: s.vs_health.cpu <= 2 });
  }
  const d = get('direct', 'sms', top);
  const p = get('peer', 'sms', top);
  if (d && p) out.push({ what: `Twilio SMS p99 at ${top} connections, workerd direct ≤ the peer's`, value: `${fmt(d.p99_ms, 2)} ms vs ${fmt(p.p99_ms, 2)} ms`, met: d.p99_ms <= p.p99_ms });
  return out;
}

function markdown(r) {
  const L = [];
  const m = r.machine;
  L.push(`Run ${r.date} · ${m.nproc} CPUs (${m.cpu}), ${m.mem_gb} GB · load average at start ${la(r.loadavg_start)}, at end ${la(r.loadavg_end)} (machine shared with other work) · bench and servers at nice ${m.nice ?? '?'}`);
  L.push(`Client: Node ${m.client_node}, \`node:http\` keep-alive, on the same ${m.nproc} cores as the servers. Frontdesk: wrangler ${m.wrangler ?? '?'} / miniflare ${m.miniflare ?? '?'} / workerd ${m.workerd ?? '?'} on Node ${m.server_node ?? '?'}.${r.peer_versions ? ` Peer: Python ${r.peer_versions.python}, FastAPI ${r.peer_versions.fastapi}, uvicorn ${r.peer_versions.uvicorn}, twilio ${r.peer_versions.twilio}.` : ''}`);
  L.push(`Each cell: ${r.settings.warmup_s} s warm-up discarded, then ${r.settings.duration_s} s or ${r.settings.max_requests} requests; every webhook request pre-signed and distinct (new message id; a new sender each time, i.e. the first turn of a new contact, except "64 returning senders": later turns of existing conversations). Latency client side; server CPU = Δ(utime+stime) of all the server's processes from a quiet server before the phase to a quiet server after it (async work the phase started included) ÷ requests ("sys %": kernel share; "after load %": share spent after the last response, before the server went quiet: queue consumers, waitUntil; "run-queue wait": time the server's threads were ready but waiting for a CPU, from /proc/<pid>/task/*/schedstat; "written": bytes the server's processes caused to be written to storage, /proc/<pid>/io); "others" = machine CPU used by neither the server nor the client in that window, % of all cores.`);
  L.push('');
  L.push('| runtime | conn. | endpoint | requests | err | req/s | p50 ms | p99 ms | server CPU ms/req | by process (ms/req) | sys % · after load % | run-queue wait ms/req | written KiB/req | ×/health p50 | ×/health p99 | ×/health CPU | client ms/req | others % |');
  L.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const rt of r.runtimes) {
    for (const c of rt.cells) {
      const by = Object.entries(c.cpu_by_role_ms_per_req).map(([k, v]) => `${k} ${fmt(v, 2)}`).join('; ');
      const vs = c.endpoint === 'health' || !c.vs_health ? ['—', '—', '—'] : [`${fmt(c.vs_health.p50, 2)}×`, `${fmt(c.vs_health.p99, 2)}×`, `${fmt(c.vs_health.cpu, 2)}×`];
      L.push(`| ${rt.label} | ${c.connections} | ${ENDPOINT_LABEL[c.endpoint] ?? c.endpoint} | ${c.requests} | ${c.errors} | ${fmt(c.throughput_rps)} | ${fmt(c.p50_ms, 2)} | ${fmt(c.p99_ms, 2)} | ${fmt(c.cpu_ms_per_req, 2)}${c.settled ? '' : '*'} | ${by} | ${c.cpu_sys_pct} · ${c.cpu_after_load_pct} | ${fmt(c.runq_wait_ms_per_req, 2)} | ${fmt(c.written_kib_per_req, 1)} | ${vs.join(' | ')} | ${fmt(c.client_cpu_ms_per_req, 2)} | ${fmt(c.others_pct)} |`);
    }
  }
  if (r.runtimes.some((rt) => rt.cells.some((c) => !c.settled))) L.push('', '\\* the server was not quiet within 6 s before or after that phase: its CPU figure includes some neighbouring work.');
  L.push('');
  const t = targets(r);
  if (t.length) {
    L.push('Target ("a signed SMS turn costs ≤ 2× /health in server CPU per request under workerd without the proxy, with p99 at 16 connections ≤ the peer\'s"):');
    L.push('');
    for (const x of t) L.push(`- ${x.what}: ${x.value} → **${x.met ? 'met' : 'not met'}**`);
    L.push('');
  }
  for (const rt of r.runtimes) {
    const chk = rt.check ? `; first signed SMS ${fmt(rt.check.first_webhook_ms, 1)} ms (HTTP ${rt.check.first_webhook_status}), read back through \`/api/v1/conversations\`: ${rt.check.read_back ? 'yes' : 'NO'}, its lead job ran off the queue: ${rt.check.queue_lead ? 'yes' : 'NO'}` : '';
    L.push(`- **${rt.label}** (${rt.what}; processes: ${Object.entries(rt.processes ?? {}).map(([k, v]) => `${k} ×${v}`).join(', ')}): cold start spawn → first 200 on /health **${fmt(rt.cold_start_ms, 0)} ms**${chk}; idle CPU ${fmt(rt.idle_cpu_ms_per_s, 1)} ms/s.`);
  }
  if (r.wasm) L.push(`- Wasm \`${r.wasm.file}\`: ${kb(r.wasm.raw_bytes)} raw, ${kb(r.wasm.gzip_bytes)} gzip (node:zlib default level); built ${r.wasm.built_at}.`);
  else L.push('- Wasm: no build/**/*.wasm found.');
  return L.join('\n');
}

function writeBenchmarksMd(block) {
  return writeSection(ROOT, 'http', 'HTTP: wrangler dev vs workerd direct vs the FastAPI peer (bench/http.mjs)', block);
}

// ---------- main ----------
const cleanups = [];
process.on('SIGINT', () => { Promise.allSettled(cleanups.map((f) => f())).finally(() => process.exit(130)); });

try {
  if (args.url) {
    // A running server: latency only, plus CPU if --pid names its root process.
    const baseUrl = args.url.replace(/\/+$/, '');
    assertLoopback(baseUrl);
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) }).catch((e) => ({ status: e.message }));
    if (res.status !== 200) throw new Error(`GET ${baseUrl}/health → ${res.status}: is the server running?`);
    const pid = args.pid ? Number(args.pid) : null;
    const server = { baseUrl, publicBaseUrl: (args['public-url'] ?? baseUrl).replace(/\/+$/, ''), port: Number(new URL(baseUrl).port), pid, coldStartMs: NaN, stop: async () => {} };
    RUNTIMES.external = { label: `running ${baseUrl}`, what: 'started elsewhere', endpoints: FRONTDESK_ENDPOINTS, start: async () => server, roles: () => (p) => p.comm };
    if (!pid) throw new Error('--url needs --pid (the server\'s root process) to measure server CPU');
    args.runtimes = 'external';
  }
  const keys = args.runtimes.split(',').filter(Boolean);
  for (const k of keys) if (!RUNTIMES[k]) throw new Error(`unknown runtime ${k} (wrangler, direct, peer)`);
  let peerInfo = null;
  if (keys.includes('peer')) {
    await ensurePeerVenv(log);
    peerInfo = await peerVersions();
    log(`peer: ${PEER_DIR} (${JSON.stringify(peerInfo)})`);
  }
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    loadavg_start: loadavg(),
    settings: { warmup_s: WARMUP_MS / 1000, duration_s: DURATION_MS / 1000, max_requests: MAX_REQUESTS, connections: CONNECTIONS, channels: CHANNELS },
    peer_versions: peerInfo,
    wasm: findWasm(),
    runtimes: [],
  };
  for (const k of keys) {
    const rt = await runRuntime(k, RUNTIMES[k]);
    ratios(rt);
    result.runtimes.push(rt);
  }
  result.loadavg_end = loadavg();
  result.targets = targets(result);
  const block = markdown(result);
  console.log('\n' + block + '\n');
  if (!args['no-write']) {
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(result, null, 2) + '\n');
    const p = writeBenchmarksMd(block);
    log(`wrote bench/results/latest.json and ${relative(ROOT, p)}`);
  }
  const failed = result.runtimes.some((rt) => rt.cells.some((x) => x.requests === 0));
  process.exit(failed ? 1 : 0);
} catch (e) {
  console.error(`[bench] ${e.stack ?? e}`);
  process.exit(1);
}
