// Where a webhook turn's CPU goes: the release worker under workerd direct (no dev proxy) with
// V8's inspector on, every isolate sampled (the worker and its Durable Objects, Miniflare's D1,
// queue and asset simulators) while N signed SMS turns run, and the samples summed by function.
//
//   node bench/profile.mjs [--turns 300] [--concurrency 4] [--returning] [--top 40] [--interval-us 100]
//                          [--out bench/results/profile.json]
//
// Prints, per isolate, the sampled busy time per turn and its heaviest functions by self time
// (wasm functions by their names from the name section). Sampling adds overhead of its own, so
// read the shares, not the absolute milliseconds.
import { parseArgs } from 'node:util';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { freePort, ROOT } from '../miniflare-tests/helpers/server.mjs';
import { DEMO } from '../miniflare-tests/helpers/api.mjs';
import { signedSmsRequest } from '../scripts/lib/twilio.mjs';
import { openCall } from '../scripts/lib/relay.mjs';

const { values: args } = parseArgs({
  options: {
    turns: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '4' },
    returning: { type: 'boolean', default: false },
    top: { type: 'string', default: '40' },
    'interval-us': { type: 'string', default: '100' },
    out: { type: 'string', default: join(ROOT, 'bench', 'results', 'profile.json') },
    // Exact call counts per function instead of samples (V8 precise coverage): how many D1
    // queries, DO hops and queue sends a turn makes, which sampling cannot say on a thread that
    // all isolates share.
    counts: { type: 'boolean', default: false },
    // The statements a turn prepares and the queue sends it makes, from the development-only
    // trace (TRACE_D1=1): no inspector, exact counts.
    trace: { type: 'boolean', default: false },
    // With --trace: phone-call turns over ConversationRelay instead of SMS (4 prompts a call).
    voice: { type: 'boolean', default: false },
  },
});
const TURNS = Number(args.turns);
const CONCURRENCY = Number(args.concurrency);

/** A CDP session over the inspector's WebSocket. */
async function cdp(url) {
  const ws = new WebSocket(url);
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) {
      const { ok, fail } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) fail(new Error(`${msg.error.message}`)); else ok(msg.result);
    }
  };
  return {
    send: (method, params = {}) => new Promise((ok, fail) => {
      id += 1;
      waiting.set(id, { ok, fail });
      ws.send(JSON.stringify({ id, method, params }));
    }),
    close: () => ws.close(),
  };
}

/** Self time (µs) per function of one V8 CPU profile, and the sampled total without idle. */
function selfTimes(profile) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let busy = 0;
  profile.samples.forEach((nodeId, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const { callFrame } = byNode.get(nodeId);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') return;
    busy += dt;
    const where = callFrame.url ? callFrame.url.split('/').slice(-1)[0] : '';
    const key = where ? `${name}  [${where}]` : name;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return { busy, self };
}

const phone = (i) => `+1555${String(7000000 + i).padStart(7, '0')}`;
const BODIES = [
  'Hi, I am looking for a 2 bed flat, is it available?',
  'Do you allow pets? I have a small dog',
  'Can I view it on Saturday morning?',
];

const PROMPTS = ['Is the flat on Elm Road still available?', 'Do you allow pets?', 'Clifton, two bedrooms', 'When could I view it?'];

/** `turns` prompts over calls of 4 turns each, one call at a time; each turn waits for its last token. */
async function driveCalls(server, turns) {
  for (let done = 0; done < turns;) {
    const call = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number });
    call.setup({ from: phone(5000 + done) });
    try {
      for (let i = 0; i < PROMPTS.length && done < turns; i++, done++) {
        call.prompt(PROMPTS[i]);
        for (;;) {
          const m = await call.next(30_000);
          if (m.type === 'end' || (m.type === 'text' && m.last)) break;
        }
      }
    } finally {
      call.close();
    }
  }
}

async function drive(server, turns, offset) {
  if (args.voice) return driveCalls(server, turns);
  let next = 0;
  const worker = async () => {
    while (next < turns) {
      const i = next++;
      const from = args.returning ? phone(offset + (i % 16)) : phone(offset + i);
      const req = signedSmsRequest({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number, from, body: BODIES[i % BODIES.length] });
      const res = await fetch(req.url, req.init);
      await res.text();
      if (res.status !== 200) throw new Error(`turn ${i}: HTTP ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

if (args.trace) {
  // A Monday morning in London: open, so calls are answered by the relay, not voicemail.
  const server = await startDirect({ pollMs: 10, logLevel: 'info', clockAt: '2026-11-30T09:00:00Z', vars: { ENVIRONMENT: 'development', TRACE_D1: '1' } });
  try {
    await drive(server, 32, 0);
    await new Promise((r) => setTimeout(r, 1500));
    const before = server.logs().length;
    await drive(server, TURNS, args.returning ? 0 : 1000);
    await new Promise((r) => setTimeout(r, 2000));
    const lines = server.logs().slice(before).split('\n').map((l) => l.match(/\[(d1|queue)\] (.*)/)).filter(Boolean);
    const counts = new Map();
    for (const [, kind, what] of lines) counts.set(`${kind}: ${what}`, (counts.get(`${kind}: ${what}`) ?? 0) + 1);
    const d1 = lines.filter((m) => m[1] === 'd1').length;
    const what = args.voice ? 'call' : `${args.returning ? 'returning' : 'new'}-sender SMS`;
    console.log(`${TURNS} ${what} turns: ${(d1 / TURNS).toFixed(2)} statements and ${(lines.length - d1) / TURNS} queue sends per turn`);
    for (const [k, n] of [...counts.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / TURNS).toFixed(2).padStart(6)}  ${k}`);
  } finally {
    await server.stop();
  }
  process.exit(0);
}

const inspectorPort = await freePort();
const server = await startDirect({ pollMs: 10, logLevel: 'warn', inspectorPort, vars: { ENVIRONMENT: 'development' } });
try {
  // Warm the isolates (compile, caches) before sampling; returning senders get their first turn here.
  await drive(server, 32, 0);
  await new Promise((r) => setTimeout(r, 1500));
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  const sessions = [];
  for (const t of targets) {
    const s = await cdp(t.webSocketDebuggerUrl);
    await s.send('Profiler.enable');
    if (args.counts) {
      await s.send('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
      await s.send('Profiler.takePreciseCoverage'); // resets the counters: the warm-up is not counted
    } else {
      await s.send('Profiler.setSamplingInterval', { interval: Number(args['interval-us']) });
      await s.send('Profiler.start');
    }
    sessions.push({ title: t.title || t.id, s });
  }
  const t0 = performance.now();
  await drive(server, TURNS, args.returning ? 0 : 1000);
  await new Promise((r) => setTimeout(r, 2000)); // queue consumers and waitUntil work of these turns
  const wallMs = performance.now() - t0;
  const report = { turns: TURNS, concurrency: CONCURRENCY, returning: args.returning, wall_ms: Math.round(wallMs), isolates: [] };
  for (const { title, s } of sessions) {
    if (args.counts) {
      const { result } = await s.send('Profiler.takePreciseCoverage');
      s.close();
      const calls = new Map();
      for (const script of result) {
        const where = script.url ? script.url.split('/').slice(-1)[0] : '';
        for (const fn of script.functions) {
          const n = fn.ranges[0]?.count ?? 0;
          if (!n || !fn.functionName) continue;
          const key = `${fn.functionName}  [${where}]`;
          calls.set(key, (calls.get(key) ?? 0) + n);
        }
      }
      const top = [...calls.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))
        .map(([fn, n]) => ({ fn, calls_per_turn: +(n / TURNS).toFixed(2) }));
      report.isolates.push({ isolate: title, busy_ms_per_turn: top[0]?.calls_per_turn ?? 0, top });
      continue;
    }
    const { profile } = await s.send('Profiler.stop');
    s.close();
    const { busy, self } = selfTimes(profile);
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))
      .map(([fn, us]) => ({ fn, ms_per_turn: +(us / 1000 / TURNS).toFixed(3), share: +(us / busy).toFixed(3) }));
    report.isolates.push({ isolate: title, busy_ms_per_turn: +(busy / 1000 / TURNS).toFixed(3), top });
  }
  report.isolates.sort((a, b) => b.busy_ms_per_turn - a.busy_ms_per_turn);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(report, null, 2));
  console.log(`${TURNS} ${args.returning ? 'returning' : 'new'}-sender SMS turns at ${CONCURRENCY} connections, ${report.wall_ms} ms wall`);
  for (const iso of report.isolates) {
    console.log(`\n== ${iso.isolate}: ${iso.busy_ms_per_turn} ms sampled busy per turn`);
    for (const t of iso.top) {
      console.log(args.counts ? `  ${t.calls_per_turn.toFixed(2).padStart(8)} calls  ${t.fn}`
        : `  ${t.ms_per_turn.toFixed(3).padStart(7)} ms ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.fn}`);
    }
  }
} finally {
  await server.stop();
}
