// Listings benchmark (`make bench-listings`): search latency at 1,000 listings, by query shape,
// against /health in the same run. Runs the release build directly in workerd (startDirect) on
// a fresh, seeded persist dir; synthetic listings (seeded generator, realistic Bristol
// vocabulary) go in through the CSV import, so the timing of the import is reported too.
//
//   node bench/listings.mjs [--listings 1000] [--requests 200] [--warmup 20] [--no-write]
import { parseArgs } from 'node:util';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, totalmem, loadavg, cpus } from 'node:os';
import { ROOT } from '../miniflare-tests/helpers/server.mjs';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { DEMO } from '../miniflare-tests/helpers/api.mjs';
import { writeSection } from './markdown.mjs';

const { values: args } = parseArgs({
  options: {
    listings: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    'no-write': { type: 'boolean', default: false },
  },
});
const LISTINGS = Number(args.listings);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);

function rng(seedValue) {
  let s = seedValue >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const AREAS = [['Clifton', 'BS8'], ['Redland', 'BS6'], ['Cotham', 'BS6'], ['Bishopston', 'BS7'], ['Southville', 'BS3'], ['Bedminster', 'BS3'], ['Harbourside', 'BS1'], ['Easton', 'BS5'], ['Montpelier', 'BS6'], ['Horfield', 'BS7'], ['Fishponds', 'BS16'], ['Totterdown', 'BS4']];
const STREETS = ['Elm Road', 'Whiteladies Road', 'Gloucester Road', 'North Street', 'Cotham Hill', 'Coronation Road', 'Chandos Road', 'Zetland Road', 'Ashley Down Road', 'Berkeley Road', 'Greville Road', 'Cannon Street', 'Stapleton Road', 'Wells Road'];
const TYPES = ['flat', 'flat', 'flat', 'house', 'house', 'studio', 'maisonette', 'apartment', 'room'];
const FEATURES = ['parking', 'garden', 'pets allowed', 'furnished', 'unfurnished', 'balcony', 'bike storage', 'bills included', 'lift'];
const DESCRIPTIONS = [
  'Bright {beds}-bedroom {type} close to the shops and cafés of {area}, with gas central heating and double glazing.',
  'Well-presented {type} on a quiet residential road in {area}; a short walk to buses into the city centre.',
  'Spacious {type} with a modern kitchen and a bathroom refitted last year, near parks and good schools.',
];

function syntheticCsv(count) {
  const r = rng(42);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const rows = ['reference,kind,type,beds,baths,price,area,postcode,address,features,available_from,status,description'];
  for (let i = 0; i < count; i++) {
    const kind = r() < 0.85 ? 'rent' : 'sale';
    const type = pick(TYPES);
    const beds = type === 'studio' ? 0 : type === 'room' ? 1 : 1 + Math.floor(r() * 4);
    const [area, district] = pick(AREAS);
    const price = kind === 'rent' ? 650 + 25 * Math.floor(r() * 80) + 250 * beds : 180000 + 5000 * Math.floor(r() * 120) + 60000 * beds;
    const features = [...new Set([pick(FEATURES), pick(FEATURES)])].join(';');
    const month = String(1 + Math.floor(r() * 12)).padStart(2, '0');
    const status = r() < 0.85 ? 'available' : pick(['let_agreed', 'under_offer', 'withdrawn']);
    const description = pick(DESCRIPTIONS).replace('{beds}', beds).replace('{type}', type).replace('{area}', area);
    const address = `"${1 + Math.floor(r() * 180)} ${pick(STREETS)}, ${area}, Bristol"`;
    rows.push(`SYN-${String(i).padStart(5, '0')},${kind},${type},${beds},1,${price},${area},${district} ${1 + Math.floor(r() * 9)}AB,${address},${features},2026-${month}-01,${status},"${description}"`);
  }
  return rows.join('\n') + '\n';
}

/** Query shapes a receptionist and a dashboard send; `broad` ranks nearly the whole catalogue. */
const SHAPES = [
  ['conversation: kind + beds + budget + area', { kind: 'rent', beds: '2', max_price: '1500', area: 'Clifton', status: 'available' }],
  ['street: q=elm road', { q: 'elm road' }],
  ['district + features: area=BS6, q=garden parking', { area: 'BS6', q: 'garden parking' }],
  ['broad: kind=rent (~850 match; sorted and limited in D1)', { kind: 'rent' }],
  ['broad with text: kind=rent, q=bristol (~850 candidates ranked in core)', { kind: 'rent', q: 'bristol' }],
  ['catalogue page (no filter, limit 20)', { limit: '20' }],
];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function timed(server, path, key) {
  const t0 = performance.now();
  const res = await fetch(server.baseUrl + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${path} → ${res.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - t0, body };
}

async function shapeLatency(server, params) {
  const path = `/api/v1/listings?${new URLSearchParams(params)}`;
  const health = [];
  const search = [];
  let results = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const h = await timed(server, '/health');
    const s = await timed(server, path, DEMO.key);
    if (i >= WARMUP) {
      health.push(h.ms);
      search.push(s.ms);
      results += s.body.data.length;
    }
  }
  return {
    search: { p50: pct(search, 50), p99: pct(search, 99) },
    health: { p50: pct(health, 50), p99: pct(health, 99) },
    meanResults: results / REQUESTS,
  };
}

const f2 = (x) => x.toFixed(2);

async function main() {
  const loadStart = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const limits = { RATE_LIMIT_API_PER_MIN: '1000000', RATE_LIMIT_API_BURST: '1000000' };
  const server = await startDirect({ vars: limits });
  try {
    const csv = syntheticCsv(LISTINGS);
    const t0 = performance.now();
    const res = await fetch(`${server.baseUrl}/api/v1/listings/import`, {
      method: 'POST', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'text/csv' }, body: csv,
    });
    const outcome = await res.json();
    const importSeconds = (performance.now() - t0) / 1000;
    if (res.status !== 200 || outcome.imported !== LISTINGS || outcome.errors.length) {
      throw new Error(`import → ${res.status} ${JSON.stringify(outcome).slice(0, 500)}`);
    }
    const total = LISTINGS + 12; // plus the seeded dozen
    console.log(`${LISTINGS} listings imported in ${f2(importSeconds)} s (${(csv.length / 1024).toFixed(0)} KiB CSV)`);
    const rows = [];
    for (const [name, params] of SHAPES) {
      const l = await shapeLatency(server, params);
      rows.push({ name, ...l });
      console.log(`${name}: search p50 ${f2(l.search.p50)} ms p99 ${f2(l.search.p99)} ms; /health p50 ${f2(l.health.p50)} ms`);
    }
    const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
    const result = {
      at: new Date().toISOString(),
      machine: `${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}`,
      loadStart,
      loadEnd: loadavg().map((x) => x.toFixed(2)).join(' / '),
      listings: total,
      import: { rows: LISTINGS, seconds: importSeconds },
      latency: rows,
    };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'listings.json'), JSON.stringify(result, null, 2));
    const table = rows.map((r) =>
      `| ${r.name} | ${f2(r.search.p50)} | ${f2(r.search.p99)} | ${f2(r.health.p50)} | ${f2(r.health.p99)} | ${f2(r.search.p50 / r.health.p50)}× | ${f2(r.meanResults)} |`);
    const section = `Run ${result.at} · ${result.machine} · load average at start ${result.loadStart}, at end ${result.loadEnd} (machine shared with other work) · release build in workerd direct (\`startDirect\`, local D1), client on the same cores.
Reproduce: \`make bench-listings\` (\`node bench/listings.mjs --listings ${LISTINGS} --requests ${REQUESTS}\`). Raw: \`bench/results/listings.json\`.

${total} listings in tenant demo (${LISTINGS} synthetic, imported as one CSV of ${(csv.length / 1024).toFixed(0)} KiB in ${f2(importSeconds)} s, plus the seeded dozen). \`GET /api/v1/listings\`, 1 connection, ${REQUESTS} requests per shape after ${WARMUP} warm-up, each interleaved with \`GET /health\`. D1 narrows with the indexed and \`instr\` conditions; core parses the candidate rows, filters exactly and ranks them, so the cost follows the number of candidates — except without an area or free text, where the conditions are exactly core's and D1 sorts and returns only the page.

| query shape | search p50 ms | search p99 ms | /health p50 ms | /health p99 ms | ×/health p50 | mean results |
|---|---:|---:|---:|---:|---:|---:|
${table.join('\n')}`;
    if (!args['no-write']) writeSection(ROOT, 'listings', 'Listings: search latency at 1k listings (bench/listings.mjs)', section);
    console.log(section);
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
