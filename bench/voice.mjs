// Voice benchmark (`make bench-voice`): how long a caller waits on the ConversationRelay
// WebSocket, from sending a final `prompt` to the first `text` token and to the `last` one,
// against GET /health in the same run. The release build runs directly in workerd
// (startDirect, no dev proxy) on a fresh, seeded persist dir; the client is scripts/lib/relay.mjs
// (Twilio's messages, signed handshake) on the same cores.
//
//   rules  — the demo tenant (rules brain): turns of sequential calls, prompts varied.
//   llm    — demo2 answered by a fake streaming Anthropic model (miniflare-tests/helpers/fake_llm.mjs)
//            with a fixed delay before its first token and a pause between tokens: the overhead
//            Frontdesk adds is the first-token wait minus that delay.
//   load   — N simultaneous calls, each several turns: every prompt must be answered and stored.
//
//   node bench/voice.mjs [--turns 200] [--warmup 20] [--concurrent 50] [--load-turns 3]
//                        [--first-token-ms 150] [--token-interval-ms 10] [--no-write]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, availableParallelism, loadavg, cpus } from 'node:os';
import { ROOT, prepareDatabase, wrangler } from '../miniflare-tests/helpers/server.mjs';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { startFakeLlm } from '../miniflare-tests/helpers/fake_llm.mjs';
import { DEMO, DEMO2, uniquePhone, conversationsOf, messagesOf } from '../miniflare-tests/helpers/api.mjs';
import { openCall } from '../scripts/lib/relay.mjs';
import { writeSection } from './markdown.mjs';

const { values: args } = parseArgs({
  options: {
    turns: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    concurrent: { type: 'string', default: '50' },
    'load-turns': { type: 'string', default: '3' },
    'first-token-ms': { type: 'string', default: '150' },
    'token-interval-ms': { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
  },
});
const TURNS = Number(args.turns);
const WARMUP = Number(args.warmup);
const CONCURRENT = Number(args.concurrent);
const LOAD_TURNS = Number(args['load-turns']);
const FIRST_TOKEN_MS = Number(args['first-token-ms']);
const TOKEN_INTERVAL_MS = Number(args['token-interval-ms']);
const TURNS_PER_CALL = 10;
const LLM_KEY = 'sk-bench';
// A Monday morning in London: the business is open, viewings can be offered.
const CLOCK = Date.parse('2026-11-30T09:00:00Z');
const log = (s) => console.error(`[bench-voice] ${s}`);

const PROMPTS = [
  'Is the flat on Elm Road still available?',
  'What are your opening hours?',
  'How much is the rent on the Elm Road flat?',
  'Do you allow pets?',
  'What is the deposit?',
  'Have you got any two bedroom flats in Clifton?',
  'Is there parking?',
  'When could I view it?',
  'Can I bring my dog?',
  'Where is your office?',
];
const LLM_REPLY = 'Yes, the flat on Elm Road is still available at fourteen hundred and fifty pounds a month. Would you like to book a viewing this week?';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const stats = (xs) => ({ n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) });
const f1 = (x) => x.toFixed(1);

async function health(server, n) {
  const out = [];
  for (let i = 0; i < WARMUP + n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${server.baseUrl}/health`);
    await res.text();
    if (i >= WARMUP) out.push(performance.now() - t0);
  }
  return stats(out);
}

/** One turn: prompt → first text token → the `last` one (or an `end`). */
async function timedTurn(call, words) {
  const t0 = performance.now();
  call.prompt(words);
  let first;
  for (;;) {
    const m = await call.next(30_000);
    if (m.type === 'end') return { first: first ?? performance.now() - t0, last: performance.now() - t0, ended: true };
    if (m.type !== 'text') continue;
    first ??= performance.now() - t0;
    if (m.last) return { first, last: performance.now() - t0, ended: false };
  }
}

async function sequentialTurns(server, tenant, total, beforeTurn = () => {}) {
  const first = [];
  const last = [];
  let done = 0;
  while (done < WARMUP + total) {
    const call = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: tenant.token, to: tenant.number });
    call.setup({ from: uniquePhone() });
    try {
      for (let i = 0; i < TURNS_PER_CALL && done < WARMUP + total; i++, done++) {
        beforeTurn();
        const t = await timedTurn(call, PROMPTS[i % PROMPTS.length]);
        if (done >= WARMUP) {
          first.push(t.first);
          last.push(t.last);
        }
        if (t.ended) break;
      }
    } finally {
      call.close();
    }
  }
  return { first: stats(first), last: stats(last) };
}

async function load(server) {
  const phones = Array.from({ length: CONCURRENT }, () => uniquePhone());
  const t0 = performance.now();
  const results = await Promise.all(phones.map(async (phone) => {
    const call = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number });
    call.setup({ from: phone });
    const firsts = [];
    let answered = 0;
    try {
      for (let i = 0; i < LOAD_TURNS; i++) {
        // Questions that never end the call, so every call takes all its turns.
        const t = await timedTurn(call, PROMPTS[(i + 1) % 7]);
        firsts.push(t.first);
        answered += 1;
      }
    } catch (e) {
      log(`a call lost a turn: ${e.message}`);
    } finally {
      call.close();
    }
    return { phone, firsts, answered };
  }));
  const wallMs = performance.now() - t0;
  // Every turn is in the history: the caller's words and the reply, on the call's thread.
  let stored = 0;
  for (const { phone } of results) {
    const { conversations } = await conversationsOf(server, DEMO.key, phone);
    const voice = conversations.find((c) => c.channel === 'voice');
    if (voice) stored += (await messagesOf(server, DEMO.key, voice.id)).filter((m) => m.direction === 'inbound').length;
  }
  return {
    calls: CONCURRENT,
    turnsPerCall: LOAD_TURNS,
    answered: results.reduce((n, r) => n + r.answered, 0),
    stored,
    first: stats(results.flatMap((r) => r.firsts)),
    wallMs,
  };
}

const persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-voice-'));
const fake = await startFakeLlm({ apiKey: LLM_KEY });
let server;
try {
  await prepareDatabase(persistDir);
  const llm = JSON.stringify({ provider: 'anthropic', model: 'claude-bench', api_key: 'env:LLM_BENCH_KEY', base_url: fake.url, timeout_ms: 10_000 });
  const sqlFile = join(persistDir, 'llm.sql');
  writeFileSync(sqlFile, `UPDATE tenants SET settings = json_set(settings, '$.llm', json('${llm}')) WHERE id = 'ten_demo2';`);
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--file', sqlFile], { timeoutMs: 120_000 });
  // The API reads after the load phase would trip the API rate limit: measured here is the call.
  const vars = { LLM_BENCH_KEY: LLM_KEY, RATE_LIMIT_API_PER_MIN: '1000000', RATE_LIMIT_API_BURST: '1000000' };
  server = await startDirect({ persistDir, clockAt: CLOCK, vars });

  log('GET /health');
  const h = await health(server, TURNS);
  log(`rules brain: ${TURNS} turns`);
  const rules = await sequentialTurns(server, DEMO, TURNS);
  log(`fake streaming LLM (first token after ${FIRST_TOKEN_MS} ms, then one every ${TOKEN_INTERVAL_MS} ms): ${Math.round(TURNS / 4)} turns`);
  const llmTurns = await sequentialTurns(server, DEMO2, Math.round(TURNS / 4), () => fake.push({
    text: LLM_REPLY, firstTokenDelayMs: FIRST_TOKEN_MS, tokenIntervalMs: TOKEN_INTERVAL_MS,
  }));
  log(`${CONCURRENT} simultaneous calls × ${LOAD_TURNS} turns`);
  const l = await load(server);

  const overhead = { p50: llmTurns.first.p50 - FIRST_TOKEN_MS, p99: llmTurns.first.p99 - FIRST_TOKEN_MS };
  const result = {
    at: new Date().toISOString(), cpus: availableParallelism(), cpu: cpus()[0]?.model, load: loadavg()[0],
    health: h, rules, llm: { firstTokenMs: FIRST_TOKEN_MS, tokenIntervalMs: TOKEN_INTERVAL_MS, ...llmTurns, overhead }, concurrent: l,
  };
  console.log(JSON.stringify(result, null, 2));
  if (!args['no-write']) {
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'voice.json'), JSON.stringify(result, null, 2));
    const row = (name, s) => `| ${name} | ${s.n} | ${f1(s.p50)} | ${f1(s.p99)} | ${f1(s.max)} | ${f1(s.p50 / h.p50)}× |`;
    const block = [
      `Release build in workerd (\`startDirect\`, no dev proxy), the scripted ConversationRelay client on the same machine (${result.cpus} CPUs, ${result.cpu}, load ${f1(result.load)}); ${result.at}. Client-side times from sending a final \`prompt\` to receiving the first \`text\` token and the one with \`last: true\`. \`make bench-voice\`.`,
      '',
      '| measure | n | p50 ms | p99 ms | max ms | p50 vs /health |',
      '|---|---|---|---|---|---|',
      row('GET /health (baseline)', h),
      row('rules brain: prompt → first token', rules.first),
      row('rules brain: prompt → last token', rules.last),
      row(`fake streaming LLM: prompt → first token (model's first token at ${FIRST_TOKEN_MS} ms)`, llmTurns.first),
      row(`fake streaming LLM: prompt → last token (then one token every ${TOKEN_INTERVAL_MS} ms)`, llmTurns.last),
      row(`${l.calls} simultaneous calls: prompt → first token`, l.first),
      '',
      `Overhead Frontdesk adds to the model's first token: **${f1(overhead.p50)} ms p50, ${f1(overhead.p99)} ms p99** (target ≤ 10 ms). ` +
      `Rules brain first token: **${f1(rules.first.p50)} ms p50** (target ≤ 5 ms). ` +
      `${l.calls} simultaneous calls × ${l.turnsPerCall} turns: **${l.answered} of ${l.calls * l.turnsPerCall} answered, ${l.stored} stored**, in ${f1(l.wallMs / 1000)} s.`,
    ].join('\n');
    writeSection(ROOT, 'voice', 'Voice: prompt → first token on ConversationRelay', block);
  }
  if (l.answered !== l.calls * l.turnsPerCall || l.stored !== l.answered) process.exitCode = 1;
} finally {
  await server?.stop();
  await fake.close();
  rmSync(persistDir, { recursive: true, force: true });
}
