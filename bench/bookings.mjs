// Bookings benchmark (`make bench-bookings`): availability latency with 10,000 bookings in the
// tenant's diary, and booking under 20-way contention (latency distribution and the
// exactly-one-winner check per round), against GET /health in the same run. Runs the release
// build directly in workerd (startDirect) on a fresh, seeded persist dir, the business clock at
// Monday 4 January 2027 09:00 London.
//
//   node bench/bookings.mjs [--requests 200] [--warmup 20] [--rounds 20] [--no-write]
//
// The 10,000 confirmed viewings are spread over the demo tenant's two negotiators on the slot
// grid of the year around the clock (half before, half after), so each availability question
// (7 days from a random day in the next month) reads a realistic week of bookings out of a
// large table. Contention: each round sends 20 simultaneous POST /api/v1/bookings for the same
// listing and time (distinct contacts), and must get one 201 and nineteen 409s.
import { parseArgs } from 'node:util';
import { writeFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { ROOT, prepareDatabase, wrangler } from '../miniflare-tests/helpers/server.mjs';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { DEMO } from '../miniflare-tests/helpers/api.mjs';
import { writeSection } from './markdown.mjs';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '20' },
    'no-write': { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const ROUNDS = Number(args.rounds);
const BOOKINGS = 10_000;
const CLOCK = Date.parse('2027-01-04T09:00:00Z');
const DAY = 86_400_000;

// A fixed-seed generator, so every run books the same diary.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

// Contention rounds, two per weekday from 11 January, on days the diary
// leaves empty so every round's slot is free when it starts.
const CONTESTED_DAYS = Array.from({ length: 14 }, (_, i) => new Date(CLOCK + (7 + i) * DAY))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6).map((d) => d.toISOString().slice(0, 10));
const CONTESTED = new Set(CONTESTED_DAYS);

function diarySql() {
  const slots = [];
  for (let d = -183; d < 183; d++) {
    const day = CLOCK - 9 * 3_600_000 + d * DAY;
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || CONTESTED.has(new Date(day).toISOString().slice(0, 10))) continue;
    const [open, close] = weekday === 6 ? [10, 14] : [9, 17.5];
    for (let h = open; h < close; h += 0.5) for (const staff of ['neg_priya', 'neg_tom']) slots.push([staff, day + h * 3_600_000]);
  }
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  const rows = slots.slice(0, BOOKINGS).map(([staff, start], i) =>
    `('bkg_${(CLOCK - DAY).toString(16).padStart(13, '0')}${i.toString(16).padStart(10, '0')}', 'ten_demo', 'viewing', NULL, 'con_bench', '${staff}', ${start}, ${start + 1_800_000}, 'api', ${CLOCK - DAY}, ${CLOCK - DAY})`);
  const out = [`INSERT INTO contacts (id, tenant_id, phone, name, created_at, updated_at) VALUES ('con_bench', 'ten_demo', '+447700900001', 'Bench', ${CLOCK}, ${CLOCK});`];
  for (let i = 0; i < rows.length; i += 500) {
    out.push(`INSERT INTO bookings (id, tenant_id, kind, listing_id, contact_id, staff_id, start_ms, end_ms, source, created_at, updated_at) VALUES\n${rows.slice(i, i + 500).join(',\n')};`);
  }
  return out.join('\n');
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const stats = (xs) => ({ n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) });

async function timed(url, init) {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  return { ms: performance.now() - t0, status: res.status, text };
}

const auth = { authorization: `Bearer ${DEMO.key}` };

async function availability(server) {
  const health = [];
  const avail = [];
  let slots = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const from = new Date(CLOCK + Math.floor(rand() * 23) * DAY).toISOString().slice(0, 10);
    const h = await timed(`${server.baseUrl}/health`);
    const a = await timed(`${server.baseUrl}/api/v1/availability?kind=viewing&from=${from}&days=7`, { headers: auth });
    if (a.status !== 200) throw new Error(`availability → ${a.status} ${a.text}`);
    if (i >= WARMUP) {
      health.push(h.ms);
      avail.push(a.ms);
      slots += JSON.parse(a.text).data.length;
    }
  }
  return { health: stats(health), availability: stats(avail), meanSlots: slots / REQUESTS };
}

async function contention(server) {
  const all = [];
  const winners = [];
  const losers = [];
  let exactlyOne = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Each round its own listing and slot: two a day, 10:00 and 14:00 (Tom starts at 12:00 on
    // Mondays and Tuesdays, so a second 10:00 would find nobody free).
    const day = CONTESTED_DAYS[Math.floor(round / 2) % CONTESTED_DAYS.length];
    const time = round % 2 === 0 ? '10:00' : '14:00';
    const body = (i) => JSON.stringify({
      kind: 'viewing', listing_id: `lst_bench_${round}`, start: `${day}T${time}:00+00:00`,
      contact: { phone: `+4477009${String(10000 + round * 20 + i).slice(-5)}` },
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      timed(`${server.baseUrl}/api/v1/bookings`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: body(i) })));
    const created = answers.filter((a) => a.status === 201).length;
    const taken = answers.filter((a) => a.status === 409).length;
    if (created === 1 && taken === 19) exactlyOne += 1;
    else console.error(`round ${round}: ${created} created, ${taken} taken: ${answers.map((a) => a.status).join(',')}`);
    for (const a of answers) {
      all.push(a.ms);
      (a.status === 201 ? winners : losers).push(a.ms);
    }
  }
  return { rounds: ROUNDS, exactlyOne, all: stats(all), winner: stats(winners), loser: stats(losers) };
}

const f1 = (x) => x.toFixed(1);

const persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-bookings-'));
let server;
try {
  await prepareDatabase(persistDir);
  const sqlFile = join(persistDir, 'diary.sql');
  writeFileSync(sqlFile, diarySql());
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--file', sqlFile], { timeoutMs: 300_000 });
  // The API's rate limit would refuse a bench's burst: measured here is the booking path, not the limiter.
  const vars = { RATE_LIMIT_API_PER_MIN: '1000000', RATE_LIMIT_API_BURST: '1000000' };
  server = await startDirect({ persistDir, clockAt: CLOCK, vars });
  const a = await availability(server);
  const c = await contention(server);
  const result = { at: new Date().toISOString(), bookings: BOOKINGS, cpus: availableParallelism(), load: loadavg()[0], ...a, contention: c };
  console.log(JSON.stringify(result, null, 2));
  if (!args['no-write']) {
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'bookings.json'), JSON.stringify(result, null, 2));
    const block = [
      `Release build in workerd (\`startDirect\`), one connection for availability; ${BOOKINGS.toLocaleString('en')} confirmed viewings in the demo tenant's diary; ${result.cpus} CPUs shared, load ${f1(result.load)}; ${result.at}. \`make bench-bookings\`.`,
      '',
      '| measure | n | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      `| GET /health | ${a.health.n} | ${f1(a.health.p50)} | ${f1(a.health.p99)} | ${f1(a.health.max)} |`,
      `| GET /api/v1/availability (7 days, ${f1(a.meanSlots)} slots) | ${a.availability.n} | ${f1(a.availability.p50)} | ${f1(a.availability.p99)} | ${f1(a.availability.max)} |`,
      `| POST /api/v1/bookings, 20-way contention, all | ${c.all.n} | ${f1(c.all.p50)} | ${f1(c.all.p99)} | ${f1(c.all.max)} |`,
      `| … the winner (201) | ${c.winner.n} | ${f1(c.winner.p50)} | ${f1(c.winner.p99)} | ${f1(c.winner.max)} |`,
      `| … the others (409 slot_taken) | ${c.loser.n} | ${f1(c.loser.p50)} | ${f1(c.loser.p99)} | ${f1(c.loser.max)} |`,
      '',
      `Exactly one winner (one 201, nineteen 409) in **${c.exactlyOne} of ${c.rounds}** rounds. Availability is ${f1(a.availability.p50 / a.health.p50)}× /health at p50.`,
    ].join('\n');
    writeSection(ROOT, 'bookings', 'Bookings: availability with 10k bookings, booking under 20-way contention', block);
  }
  if (c.exactlyOne !== c.rounds) process.exitCode = 1;
} finally {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
