// How many bytes of D1 one inbound conversation turn costs (`make bench-d1-growth`), the figure
// docs/SCALING.md divides D1's per-database size limit by. Signed SMS through the release build in
// workerd (startDirect), N from new senders (a new contact, conversation and lead each) and N more
// from the same senders (later turns); after each phase, with its queue jobs run, the local D1's
// size is read as SQLite reports it (page_count × page_size after a checkpoint, free pages
// excluded) — rows and their indexes.
//
//   node bench/d1_growth.mjs [--turns 300] [--no-write]
import { parseArgs } from 'node:util';
import { loadavg, cpus, tmpdir } from 'node:os';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, prepareDatabase } from '../miniflare-tests/helpers/server.mjs';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { DEMO, sendSms, eventually, api } from '../miniflare-tests/helpers/api.mjs';
import { writeSection } from './markdown.mjs';

const { values: args } = parseArgs({ options: { turns: { type: 'string', default: '300' }, 'no-write': { type: 'boolean', default: false } } });
const TURNS = Number(args.turns);
const log = (s) => console.error(`[bench-d1-growth] ${s}`);

// The local D1 is one SQLite file under the persist dir; D1 itself refuses PRAGMAs, so it is read
// directly (Python's sqlite3) while no server runs.
function d1File(persistDir) {
  const dir = join(persistDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
  if (files.length !== 1) throw new Error(`expected one D1 file in ${dir}: ${files.join(', ')}`);
  return join(dir, files[0]);
}

/** Bytes the database's live pages take, and the row count of each table a turn may write. */
function measure(persistDir) {
  const py = `
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
pages, free, size = (c.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count", "page_size"))
names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'kb_fts%' AND name != 'd1_migrations'")]
print(json.dumps({"bytes": (pages - free) * size, "counts": {n: c.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}}))
`;
  return JSON.parse(execFileSync('python3', ['-c', py, d1File(persistDir)], { encoding: 'utf8' }));
}

const phone = (i) => `+4477009${String(50000 + i).padStart(5, '0')}`;
const BODIES = ['Hi, is the two-bed flat on Elm Road still available?', 'Could I view it on Saturday morning?', 'My budget is about £1,400 a month and I have a dog.'];

async function phase(server, name, bodyOf) {
  for (let i = 0; i < TURNS; i++) {
    const r = await sendSms(server, { from: phone(i), body: bodyOf(i) });
    if (r.status !== 200) throw new Error(`${name}: SMS ${i} → ${r.status} ${r.text}`);
  }
  // The turn's queue jobs (lead updates) write too: wait for the outbox/leads to settle.
  await eventually(async () => (await api(server, DEMO.key, '/api/v1/leads?limit=1')).status === 200, { what: 'leads readable' });
  await new Promise((r) => setTimeout(r, 3_000));
}

async function main() {
  // Our own persist dir, so stopping a server (to checkpoint its WAL and measure) keeps the data.
  const persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-d1-growth-'));
  const results = [];
  try {
    await prepareDatabase(persistDir);
    let before = measure(persistDir);
    for (const [name, bodyOf] of [['new senders (first turn of a new contact)', () => BODIES[0]], ['returning senders (later turns)', (i) => BODIES[1 + (i % 2)]]]) {
      log(`${name}: ${TURNS} turns`);
      const server = await startDirect({ persistDir });
      try { await phase(server, name, bodyOf); } finally { await server.stop(); }
      const after = measure(persistDir);
      const rows = Object.fromEntries(Object.keys(after.counts).map((t) => [t, after.counts[t] - (before.counts[t] ?? 0)]).filter(([, n]) => n !== 0));
      results.push({ name, turns: TURNS, bytes: after.bytes - before.bytes, rows });
      log(`${name}: ${((after.bytes - before.bytes) / TURNS).toFixed(0)} bytes/turn; rows ${JSON.stringify(rows)}`);
      before = after;
    }
  } finally {
    rmSync(persistDir, { recursive: true, force: true });
  }
  const at = new Date().toISOString();
  const block = [
    `Release build in workerd (\`startDirect\`), local D1 (SQLite); ${TURNS} signed SMS per phase to the demo tenant, each phase's queue jobs run; size = (page_count − freelist_count) × page_size after the server stopped; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}; ${at}. \`make bench-d1-growth\`. docs/SCALING.md divides D1's 10 GB per database by these.`,
    '',
    '| phase | turns | D1 growth bytes | bytes per turn | rows added per turn |',
    '|---|---:|---:|---:|---|',
    ...results.map((r) => `| ${r.name} | ${r.turns} | ${r.bytes.toLocaleString('en-GB')} | ${Math.round(r.bytes / r.turns).toLocaleString('en-GB')} | ${Object.entries(r.rows).map(([t, n]) => `${t} ${(n / r.turns).toFixed(2)}`).join(', ')} |`),
  ].join('\n');
  console.log(block);
  if (!args['no-write']) log(`→ ${writeSection(ROOT, 'd1-growth', 'D1 growth per conversation turn (bench/d1_growth.mjs)', block)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
