// SSE fan-out benchmark (`make bench-sse`): N dashboard subscribers on GET /api/v1/events, then
// M signed SMS; for each SMS, the time from sending it to each subscriber seeing the event that
// carries its tag — the measurement of ../shared/tools/sse_fanout.mjs, run here against the
// release build in workerd without the dev proxy (startDirect), with GET /health timed in the
// same run as the baseline. Results → BENCHMARKS.md (section "sse").
//
//   node bench/sse.mjs [--subscribers 100,300] [--messages 20] [--no-write] [--per-message]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, loadavg, cpus } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ROOT, prepareDatabase } from '../miniflare-tests/helpers/server.mjs';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { DEMO, sendSms } from '../miniflare-tests/helpers/api.mjs';
import { writeSection } from './markdown.mjs';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '100,300' },
    messages: { type: 'string', default: '20' },
    'no-write': { type: 'boolean', default: false },
    'per-message': { type: 'boolean', default: false },
  },
});
const COUNTS = args.subscribers.split(',').map(Number);
const MESSAGES = Number(args.messages);
const WARMUP = 3;
const log = (s) => console.error(`[bench-sse] ${s}`);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const f1 = (x) => x.toFixed(1);

async function health(server, n = 200, warmup = 20) {
  const out = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    await (await fetch(`${server.baseUrl}/health`)).text();
    if (i >= warmup) out.push(performance.now() - t0);
  }
  return { p50: pct(out, 50), p99: pct(out, 99) };
}

let numbers = 0;
/** A phone number no earlier SMS of this run came from: a new contact, a new thread. */
const newNumber = () => `+4477012${String(10000 + numbers++).padStart(5, '0')}`;

/**
 * N subscribers, then M signed SMS a little apart; every arrival time per (message, subscriber).
 * `returning`: the M senders have each written once before (unmeasured), so their threads'
 * objects exist and their contacts are known — a conversation in progress. Otherwise each SMS
 * is a new contact's first, whose thread object is created by that SMS.
 */
async function fanOut(server, n, m, returning) {
  const seen = new Map();
  const controllers = [];
  let connected = 0;
  const subscribe = async (i) => {
    const ctl = new AbortController();
    controllers.push(ctl);
    const res = await fetch(`${server.baseUrl}/api/v1/events`, { headers: { authorization: `Bearer ${DEMO.key}` }, signal: ctl.signal });
    if (res.status !== 200) throw new Error(`subscriber ${i}: HTTP ${res.status}`);
    connected++;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const at = performance.now();
      buf += value;
      for (const match of buf.matchAll(/tag-[0-9a-f]{8}/g)) {
        const arrivals = seen.get(match[0]) ?? new Map();
        if (!arrivals.has(i)) arrivals.set(i, at);
        seen.set(match[0], arrivals);
      }
      buf = buf.slice(-64);
    }
  };
  for (let i = 0; i < n; i++) subscribe(i).catch((e) => { if (e.name !== 'AbortError') log(String(e)); });
  const deadline = Date.now() + 60_000;
  while (connected < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (connected < n) throw new Error(`only ${connected}/${n} subscribers connected`);
  await new Promise((r) => setTimeout(r, 1000));
  // Warm-up SMS, not counted: the first turns after start compile the isolate's cold paths
  // (cold start is measured by `make bench`); this measures the fan-out a busy day sees.
  const senders = Array.from({ length: m }, newNumber);
  const warmers = returning ? senders : Array.from({ length: WARMUP }, newNumber);
  for (const from of warmers) {
    const res = await sendSms(server, { from, body: 'Hi, any two-bed flats?' });
    if (res.status !== 200) throw new Error(`warm-up SMS from ${from}: HTTP ${res.status}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const sent = new Map();
  const answered = new Map();
  for (const [k, from] of senders.entries()) {
    const tag = `tag-${randomUUID().slice(0, 8)}`;
    const t0 = performance.now();
    sent.set(tag, t0);
    const res = await sendSms(server, { from, body: `${returning ? 'And' : 'Hi,'} any two-bed flats? ${tag}` });
    if (res.status !== 200) throw new Error(`SMS ${k}: HTTP ${res.status}`);
    answered.set(tag, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 300));
  }
  await new Promise((r) => setTimeout(r, 3000));
  controllers.forEach((c) => c.abort());
  const latencies = [];
  const spreads = [];
  let missing = 0;
  for (const [tag, t0] of sent) {
    const arrivals = seen.get(tag) ?? new Map();
    missing += n - arrivals.size;
    const mine = [...arrivals.values()].map((t) => t - t0);
    latencies.push(...mine);
    if (mine.length) spreads.push(Math.max(...mine) - Math.min(...mine));
    // Per message: the webhook's own answer time, then the first and last subscriber's arrival,
    // so a slow message is told apart from a slow fan-out.
    if (args['per-message']) log(`${tag}: webhook ${f1(answered.get(tag))} ms, first ${f1(Math.min(...mine))}, last ${f1(Math.max(...mine))}`);
  }
  return {
    n, m, returning, deliveries: latencies.length, missing,
    p50: pct(latencies, 50), p99: pct(latencies, 99), max: Math.max(...latencies),
    spread: pct(spreads, 50), spreadMax: Math.max(...spreads),
  };
}

const persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-sse-'));
let server;
try {
  await prepareDatabase(persistDir);
  const vars = { RATE_LIMIT_API_PER_MIN: '1000000', RATE_LIMIT_API_BURST: '1000000' };
  server = await startDirect({ persistDir, vars });
  const at = new Date().toISOString();
  const load = loadavg()[0];
  const rows = [];
  for (const n of COUNTS) {
    for (const returning of [false, true]) {
      log(`GET /health, then ${n} subscribers × ${MESSAGES} SMS from ${returning ? 'returning' : 'new'} contacts`);
      const h = await health(server);
      const f = await fanOut(server, n, MESSAGES, returning);
      log(JSON.stringify({ health: h, fanout: f }));
      rows.push({ h, f });
    }
  }
  const block = [
    `Release build in workerd (\`startDirect\`, no dev proxy), subscribers and sender in one Node process on the same machine (${cpus().length} CPUs, ${cpus()[0]?.model.trim()}, load ${f1(load)} at start); ${at}. Each SMS is a signed Twilio webhook asking for two-bed flats (a listings search), 300 ms apart: either a new contact's first message (the SMS creates its thread's Durable Object; ${WARMUP} such SMS are sent first, unmeasured, to warm the isolate) or the next message of a contact who wrote once before. Latency = sending it → a subscriber reading the event carrying its tag; *spread* = the last subscriber's arrival minus the first's for one SMS (the fan-out itself; the rest is the turn: the webhook answers before the event is published). \`/health\` timed just before each fan-out. \`make bench-sse\`. Target (issue 13): p99 ≤ 50 ms at 100 subscribers without the dev proxy.`,
    '',
    '| subscribers | SMS from | SMS | deliveries | missing | p50 ms | p99 ms | max ms | spread p50 ms | spread max ms | /health p50 ms | ×/health p50 | ×/health p99 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ h, f }) => `| ${f.n} | ${f.returning ? 'returning' : 'new'} contacts | ${f.m} | ${f.deliveries} | ${f.missing} | ${f1(f.p50)} | ${f1(f.p99)} | ${f1(f.max)} | ${f1(f.spread)} | ${f1(f.spreadMax)} | ${f1(h.p50)} | ${f1(f.p50 / h.p50)}× | ${f1(f.p99 / h.p99)}× |`),
  ].join('\n');
  console.log(block);
  if (!args['no-write']) writeSection(ROOT, 'sse', 'SSE fan-out: a signed SMS to N live dashboards', block);
} finally {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
process.exit(0);
