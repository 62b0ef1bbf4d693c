// Knowledge base benchmark (`make bench-kb`): retrieval quality on a labelled paraphrase set,
// search latency at 1k and 10k chunks against /health in the same run, and ingestion throughput.
// Runs the release build directly in workerd (startDirect) on a fresh, seeded persist dir.
//
//   node bench/kb.mjs [--requests 300] [--warmup 30] [--vectors] [--no-write] [--quality-only]
//
// Quality: per demo tenant, the seeded FAQs (seed/kb_faqs.json) plus the set's extra FAQs and
// distractors are imported into a knowledge base `bench`; every paraphrase in
// bench/data/faq_paraphrases.json is searched (kb=bench, limit 10) and the rank of its one
// relevant FAQ gives nDCG@10 (1/log2(1+rank)), recall@1, recall@3 and MRR.
// Latency: synthetic FAQ-shaped chunks (seeded generator, realistic lettings vocabulary) are
// bulk-imported into tenant demo's kb `synthetic` up to 1,000 and then 10,000 chunks; at each
// size the paraphrases are searched across all the tenant's knowledge bases, interleaved with
// GET /health, one connection, after a warm-up.
// --vectors: the hybrid variant (lexical + vector leg fused by reciprocal rank). Vectorize and
// Workers AI are the test fakes (miniflare-tests/helpers/fake_vectors.mjs) and the embeddings
// the HashEmbedder STAND-IN (hashed trigrams: spelling, not meaning), so the figures measure the
// fusion and plumbing with a weak embedder, not what a semantic model would add; latency
// includes the fakes' loopback hops and brute-force search in Node, not Vectorize's. Written to
// bench/results/kb-hybrid.json and the bench:kb-hybrid section, next to the last lexical run's
// quality (bench/results/kb.json).
// Otherwise writes bench/results/kb.json and the bench:kb section of BENCHMARKS.md.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, totalmem, loadavg, cpus } from 'node:os';
import { ROOT } from '../miniflare-tests/helpers/server.mjs';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { DEMO, DEMO2 } from '../miniflare-tests/helpers/api.mjs';
import { writeSection } from './markdown.mjs';
import { startFakeVectors } from '../miniflare-tests/helpers/fake_vectors.mjs';
import { MIN_SCORE } from '../miniflare-tests/helpers/hash_embedder.mjs';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    vectors: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'quality-only': { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const VARIANT = args.vectors ? 'hybrid' : 'lexical';

/**
 * The hybrid variant's server options: VECTORIZE and AI bound to the fakes, with the stand-in
 * embedder's floor (the default model name is sent, whose BGE floor would drop every match).
 */
async function hybridServerOptions() {
  const fake = await startFakeVectors();
  return { vectors: fake, vars: { EMBEDDINGS_MIN_SCORE: String(MIN_SCORE) }, close: () => fake.close() };
}
const RESULTS = join(ROOT, 'bench', 'results', args.vectors ? 'kb-hybrid.json' : 'kb.json');

const set = JSON.parse(readFileSync(join(ROOT, 'bench', 'data', 'faq_paraphrases.json'), 'utf8'));
const seed = JSON.parse(readFileSync(join(ROOT, 'seed', 'kb_faqs.json'), 'utf8'));
const TENANTS = [
  { name: 'demo', key: DEMO.key, seed: seed.ten_demo, data: set.demo },
  { name: 'demo2', key: DEMO2.key, seed: seed.ten_demo2, data: set.demo2 },
];

async function call(server, key, method, path, body, contentType = 'application/json') {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = contentType;
  const res = await fetch(server.baseUrl + path, {
    method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const search = (server, key, q, extra = '') =>
  call(server, key, 'GET', `/api/v1/kb/search?q=${encodeURIComponent(q)}&limit=10${extra}`);

// ---- quality ----
/** Imports each tenant's benchmark FAQs, then scores the tuning set and the held-out set. */
async function quality(server) {
  for (const t of TENANTS) {
    const faqs = [...t.seed, ...t.data.extra_faqs, ...t.data.distractors];
    const r = await call(server, t.key, 'POST', '/api/v1/kb/faqs', { kb: 'bench', faqs });
    if (r.imported !== faqs.length) throw new Error(`${t.name}: imported ${r.imported} of ${faqs.length}`);
  }
  return { tuning: await score(server, 'queries'), holdout: await score(server, 'holdout_queries') };
}

async function score(server, setKey) {
  const perTenant = {};
  const misses = [];
  for (const t of TENANTS) {
    const ranks = [];
    for (const q of t.data[setKey]) {
      for (const p of q.paraphrases) {
        const hits = (await search(server, t.key, p, '&kb=bench')).data;
        const rank = hits.findIndex((h) => h.title === q.faq) + 1; // 0 = not in the top 10
        ranks.push(rank);
        if (rank !== 1) misses.push({ tenant: t.name, query: p, want: q.faq, rank: rank || null, got: hits[0]?.title ?? null });
      }
    }
    const faqs = t.seed.length + t.data.extra_faqs.length + t.data.distractors.length;
    perTenant[t.name] = { faqs, labelled: t.data[setKey].length, queries: ranks.length, ...metrics(ranks) };
  }
  const all = Object.values(perTenant);
  const n = all.reduce((s, x) => s + x.queries, 0);
  const weighted = (k) => all.reduce((s, x) => s + x[k] * x.queries, 0) / n;
  const overall = {
    faqs: all.reduce((s, x) => s + x.faqs, 0),
    labelled: all.reduce((s, x) => s + x.labelled, 0),
    queries: n,
    ndcg10: weighted('ndcg10'), recall1: weighted('recall1'), recall3: weighted('recall3'), mrr: weighted('mrr'),
  };
  return { perTenant, overall, misses };
}

function metrics(ranks) {
  const n = ranks.length;
  const mean = (f) => ranks.reduce((s, r) => s + f(r), 0) / n;
  return {
    ndcg10: mean((r) => (r >= 1 && r <= 10 ? 1 / Math.log2(1 + r) : 0)),
    recall1: mean((r) => (r === 1 ? 1 : 0)),
    recall3: mean((r) => (r >= 1 && r <= 3 ? 1 : 0)),
    mrr: mean((r) => (r >= 1 ? 1 / r : 0)),
  };
}

// ---- synthetic chunks ----
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
const AREAS = ['Clifton', 'Redland', 'Cotham', 'Bishopston', 'Southville', 'Bedminster', 'Harbourside', 'Easton', 'Montpelier', 'Horfield', 'Fishponds', 'Totterdown'];
const STREETS = ['Elm Road', 'Whiteladies Road', 'Gloucester Road', 'North Street', 'Cotham Hill', 'Coronation Road', 'St Michael\'s Hill', 'Chandos Road', 'Zetland Road', 'Ashley Down Road'];
const TOPICS = [
  ['Is the {beds}-bed flat on {street} still available?', 'The {beds}-bed {kind} on {street} in {area} is available from {month}, at £{rent} a month. It is {furn}, with {feature} and {feature2}. Viewings can be booked for weekday evenings and Saturday mornings.'],
  ['Does {n} {street} have a garden?', '{n} {street} in {area} has {feature}; the landlord looks after the shared areas and the tenant keeps {feature2} tidy. Bins go out on {day} evenings.'],
  ['What is the EPC rating of the {kind} on {street}?', 'The {kind} at {n} {street} has an EPC rating of {epc}, with {feature}. Heating is gas central heating with a combi boiler serviced every year.'],
  ['Is the {area} {kind} near a bus stop?', 'Yes, the {kind} on {street} in {area} is a {mins}-minute walk from the nearest bus stop, with buses to the city centre every ten minutes. The nearest station is {mins2} minutes away.'],
  ['When can I move into {n} {street}?', 'The current tenants leave at the end of {month}; after cleaning and the inventory, the {kind} at {n} {street} is ready from the first week of the following month.'],
  ['Are there schools near the {kind} in {area}?', 'Several primary and secondary schools are within a {mins}-minute walk of {street} in {area}; check catchment areas with Bristol City Council before you apply.'],
];
const KINDS = ['flat', 'house', 'maisonette', 'studio', 'terraced house', 'apartment'];
const FEATURES = ['a private garden', 'a shared courtyard', 'a south-facing balcony', 'a bike store', 'double glazing', 'a new kitchen', 'a utility room', 'off-street parking', 'a roof terrace', 'a garden shed'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

function syntheticFaqs(count, start) {
  const r = rng(start + 1);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const out = [];
  for (let i = start; i < start + count; i++) {
    const [q, a] = pick(TOPICS);
    const v = {
      beds: 1 + Math.floor(r() * 4), street: pick(STREETS), area: pick(AREAS), kind: pick(KINDS), n: 1 + Math.floor(r() * 180),
      month: pick(MONTHS), rent: 900 + 25 * Math.floor(r() * 60), furn: r() < 0.5 ? 'furnished' : 'unfurnished',
      feature: pick(FEATURES), feature2: pick(FEATURES), day: pick(DAYS), epc: pick(['B', 'C', 'D']),
      mins: 2 + Math.floor(r() * 12), mins2: 5 + Math.floor(r() * 20),
    };
    const fill = (s) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k]));
    // The serial number keeps every synthetic FAQ distinct (no duplicates by hash).
    out.push({ question: fill(q), answer: `${fill(a)} Ref ${i}.`, category: 'listings' });
  }
  return out;
}

async function grow(server, target, have) {
  const t0 = performance.now();
  let added = 0;
  while (have + added < target) {
    const n = Math.min(1000, target - have - added);
    const r = await call(server, DEMO.key, 'POST', '/api/v1/kb/faqs', { kb: 'synthetic', faqs: syntheticFaqs(n, have + added) });
    if (r.imported !== n) throw new Error(`synthetic import: ${r.imported} of ${n}`);
    added += n;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { added, seconds, faqsPerSecond: added / seconds };
}

/** Markdown of `sections` sections of `sentences` sentences each (one sentence ≈ 27 tokens). */
function guide(sections, sentences, seedValue) {
  const r = rng(seedValue);
  const section = (i) => `## Section ${i}\n\n` + Array.from({ length: sentences }, (_, j) =>
    `In ${AREAS[(i + j) % AREAS.length]} the ${KINDS[j % KINDS.length]} on ${STREETS[(i * j) % STREETS.length]} has ${FEATURES[(i + 2 * j) % FEATURES.length]} and costs £${900 + Math.floor(r() * 1500)} a month.`).join(' ');
  return `# Area guide\n\n${Array.from({ length: sections }, (_, i) => section(i)).join('\n\n')}`;
}

/** Documents ingested inline (≤ 50 chunks: stored in the request) and queued (polled to done). */
async function documentThroughput(server) {
  const inline = guide(40, 12, 99);
  let t0 = performance.now();
  const stored = await call(server, DEMO.key, 'POST', '/api/v1/kb/documents', { kb: 'guides', title: 'Bristol area guide', content: inline, format: 'markdown' });
  const inlineSeconds = (performance.now() - t0) / 1000;
  if (stored.chunks === undefined) throw new Error(`the inline guide was not stored inline: ${JSON.stringify(stored)}`);
  const queuedContent = guide(200, 24, 7);
  t0 = performance.now();
  const queued = await call(server, DEMO.key, 'POST', '/api/v1/kb/documents', { kb: 'guides', title: 'Bristol area guide, long', content: queuedContent, format: 'markdown' });
  let job;
  for (;;) {
    job = await call(server, DEMO.key, 'GET', `/api/v1/kb/jobs/${queued.job}`);
    if (job.status === 'done' || job.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (job.status !== 'done') throw new Error(`queued guide: ${job.error}`);
  const queuedSeconds = (performance.now() - t0) / 1000;
  return {
    inline: { chunks: stored.chunks, bytes: inline.length, seconds: inlineSeconds, chunksPerSecond: stored.chunks / inlineSeconds },
    queued: { chunks: job.chunk_count, bytes: queuedContent.length, seconds: queuedSeconds, chunksPerSecond: job.chunk_count / queuedSeconds },
  };
}

// ---- latency ----
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function latency(server, tenant = TENANTS[0]) {
  const queries = tenant.data.queries.flatMap((q) => q.paraphrases);
  const timeOne = async (path, key) => {
    const t0 = performance.now();
    const res = await fetch(server.baseUrl + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
    return performance.now() - t0;
  };
  const health = [];
  const searchMs = [];
  let hits = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const q = queries[i % queries.length];
    const h = await timeOne('/health');
    const t0 = performance.now();
    const res = await fetch(`${server.baseUrl}/api/v1/kb/search?q=${encodeURIComponent(q)}&limit=10`, { headers: { authorization: `Bearer ${tenant.key}` } });
    const body = await res.json();
    const s = performance.now() - t0;
    if (res.status !== 200) throw new Error(`search → ${res.status}`);
    if (i >= WARMUP) {
      health.push(h);
      searchMs.push(s);
      hits += body.data.length;
    }
  }
  const stats = (xs) => ({ p50: pct(xs, 50), p99: pct(xs, 99), mean: xs.reduce((a, b) => a + b, 0) / xs.length });
  const hs = stats(health);
  const ss = stats(searchMs);
  return { requests: REQUESTS, health: hs, search: ss, ratioP50: ss.p50 / hs.p50, ratioP99: ss.p99 / hs.p99, meanResults: hits / REQUESTS };
}

// ---- report ----
const f2 = (x) => x.toFixed(2);
const f3 = (x) => x.toFixed(3);

const qualityRows = (result) =>
  [['tuning', result.quality.tuning], ['held out', result.quality.holdout]].flatMap(([setName, q]) =>
    [...Object.entries(q.perTenant), ['all', q.overall]].map(([name, m]) =>
      `| ${result.variant} | ${setName} | ${name} | ${m.faqs} | ${m.labelled} | ${m.queries} | ${f3(m.ndcg10)} | ${f3(m.recall1)} | ${f3(m.recall3)} | ${f3(m.mrr)} |`));

/** The last lexical run (bench/results/kb.json), shown next to a hybrid run's figures. */
function lastLexical() {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'kb.json'), 'utf8'));
  } catch {
    return null;
  }
}

const HYBRID_NOTE = `The vector leg here is NOT a semantic model: Vectorize and Workers AI are the test fakes
(\`miniflare-tests/helpers/fake_vectors.mjs\`) and the embeddings are the deterministic HashEmbedder
(hashed word stems and character trigrams, \`core/src/kb/vector/hash.rs\`), which matches spelling —
typos, word endings — and knows nothing of meaning. These figures measure the fusion and the
plumbing with a weak embedder; a real model (Workers AI \`bge-small-en-v1.5\`) cannot run locally.
Latency includes two loopback hops per call to the fakes and a brute-force search in Node, not
Vectorize's; FAQ ingestion includes embedding every FAQ and upserting it (100 per call).`;

function markdown(result) {
  const lexical = result.variant === 'hybrid' ? lastLexical() : null;
  const rows = [...(lexical ? qualityRows(lexical) : []), ...qualityRows(result)];
  const q = { misses: [...result.quality.tuning.misses.map((m) => ({ ...m, set: 'tuning' })), ...result.quality.holdout.misses.map((m) => ({ ...m, set: 'held out' }))] };
  const lat = result.latency.map((l) =>
    `| ${l.tenant} | ${l.chunks} | ${l.requests} | ${f2(l.search.p50)} | ${f2(l.search.p99)} | ${f2(l.health.p50)} | ${f2(l.health.p99)} | ${f2(l.ratioP50)}× | ${f2(l.ratioP99)}× | ${f2(l.meanResults)} |`);
  const ing = result.ingestion;
  const misses = q.misses.filter((m) => m.rank === null || m.rank > 3).slice(0, 16)
    .map((m) => `| ${m.set} | ${m.tenant} | ${m.query} | ${m.want} | ${m.rank ?? '> 10'} | ${m.got ?? '—'} |`);
  const note = result.variant === 'hybrid'
    ? `${HYBRID_NOTE}${lexical ? ` The lexical rows are the last lexical run's (${lexical.at}).` : ''}\n\n`
    : '';
  return `${note}Run ${result.at} · ${result.machine} · load average at start ${result.loadStart}, at end ${result.loadEnd} (machine shared with other work) · release build in workerd direct (\`startDirect\`, local D1), client on the same cores.
Reproduce: \`make bench-kb\` (\`node bench/kb.mjs --requests 300\`; \`--vectors\` for the hybrid variant). Raw: \`bench/results/${result.variant === 'hybrid' ? 'kb-hybrid' : 'kb'}.json\`.

### Retrieval quality (lexical: D1 FTS5, BM25 title ×${result.weights.title} / text ×${result.weights.text}, query builder in \`core::kb::query\`${result.variant === 'hybrid' ? '; hybrid: fused with the vector leg by reciprocal rank, k = 60' : ''})

Set: \`bench/data/faq_paraphrases.json\` — per tenant the seeded FAQs plus extra FAQs and distractors (no query targets them) in one knowledge base; each labelled FAQ has 3–5 paraphrases a customer would text (the tuning set) and some have 1–2 more in a held-out set. One relevant FAQ per query; nDCG@10 = mean 1/log2(1+rank).
Tuning, by hand and on the tuning set only: the first run, with the initial synonym groups, scored nDCG@10 0.887 / recall@3 0.900 on its 150 queries. Reading its misses added phrase matching ("check in", "check out", "out of hours", "look round"), groups for office/address/branch, length/long, decorate/paint, lift/stairs, party/birthday, sofa → furnished, and numbers written as words (6 ↔ six), which gave the tuning-set figures below. The title weight was swept on the same set against an SQLite FTS5 replica of the query (title ×1: 0.928, ×2: 0.952, ×3–×8: 0.954, ×12: 0.957) and kept at 4. The held-out paraphrases were written after that tuning and never used for it: they are the honest estimate; what they miss (a "labrador", a "washing machine", a "van") is vocabulary no synonym list covers — the vector leg's job. BM25's statistics (IDF, mean length) are those of the whole \`kb_fts\` table, every tenant's chunks, not the filtered knowledge base: the SQLite replica, holding one tenant's benchmark FAQs alone, scored the tuning set a little differently (0.954) from D1 here.

| variant | set | tenant | FAQs in kb | labelled FAQs | queries | nDCG@10 | recall@1 | recall@3 | MRR |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Queries whose FAQ ranked below 3:

| set | tenant | query | expected | rank | ranked first |
|---|---|---|---|---:|---|
${misses.join('\n') || '| — | — | — | — | — | — |'}

### Search latency (\`GET /api/v1/kb/search\`, limit 10, across all of the tenant's knowledge bases; 1 connection, ${WARMUP} warm-up requests discarded)

The FTS5 query carries the tenant's scope token (migration 0009), so a small tenant beside a large one ranks only its own rows.

| tenant | chunks in tenant | requests | search p50 ms | search p99 ms | /health p50 ms | /health p99 ms | ×/health p50 | ×/health p99 | mean results |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${lat.join('\n')}

### Ingestion throughput

| what | amount | seconds | rate |
|---|---:|---:|---:|
| FAQ import (\`POST /api/v1/kb/faqs\`, 1,000 per call) | ${ing.faqs.added} FAQs | ${f2(ing.faqs.seconds)} | ${ing.faqs.faqsPerSecond.toFixed(0)} FAQs/s |
| Markdown document stored in the request (\`POST /api/v1/kb/documents\`, ≤ 50 chunks) | ${ing.document.inline.chunks} chunks (${(ing.document.inline.bytes / 1024).toFixed(0)} KiB) | ${f2(ing.document.inline.seconds)} | ${ing.document.inline.chunksPerSecond.toFixed(0)} chunks/s |
| Markdown document as a queue job (202, polled until \`done\`; includes the queue's batching wait, up to \`max_batch_timeout\` = 1 s) | ${ing.document.queued.chunks} chunks (${(ing.document.queued.bytes / 1024).toFixed(0)} KiB) | ${f2(ing.document.queued.seconds)} | ${ing.document.queued.chunksPerSecond.toFixed(0)} chunks/s |`;
}

async function main() {
  const loadStart = loadavg().map((x) => x.toFixed(2)).join(' / ');
  // The API's rate limit (600 a minute) would throttle the load itself.
  const limits = { RATE_LIMIT_API_PER_MIN: '1000000', RATE_LIMIT_API_BURST: '1000000' };
  const options = args.vectors ? await hybridServerOptions() : {};
  const server = await startDirect({ ...options, vars: { ...limits, ...(options.vars ?? {}) } });
  try {
    console.log(`server up at ${server.baseUrl} (${VARIANT})`);
    const quality0 = await quality(server);
    for (const [name, q] of Object.entries(quality0)) {
      console.log(`${name}: nDCG@10 ${f3(q.overall.ndcg10)}, recall@3 ${f3(q.overall.recall3)} over ${q.overall.queries} queries`);
      if (args['quality-only']) for (const m of q.misses) console.log(`  ${m.tenant}\t${m.rank ?? '-'}\t${m.query}\t→ ${m.got}\t(want ${m.want})`);
    }
    if (args['quality-only']) return;
    const document = await documentThroughput(server);
    const latencyRows = [];
    let have = 0;
    let faqs = { added: 0, seconds: 0 };
    for (const target of [1000, 10000]) {
      const g = await grow(server, target, have);
      faqs = { added: faqs.added + g.added, seconds: faqs.seconds + g.seconds };
      have = target;
      const total = (await call(server, DEMO.key, 'GET', '/api/v1/kb')).data.reduce((s, k) => s + k.chunks, 0);
      const l = await latency(server);
      latencyRows.push({ tenant: 'demo', chunks: total, ...l });
      console.log(`${total} chunks: search p50 ${f2(l.search.p50)} ms p99 ${f2(l.search.p99)} ms; /health p50 ${f2(l.health.p50)} ms`);
    }
    // A small tenant beside the large one: its search should not pay for the other's chunks.
    const small = (await call(server, DEMO2.key, 'GET', '/api/v1/kb')).data.reduce((s, k) => s + k.chunks, 0);
    const beside = await latency(server, TENANTS[1]);
    latencyRows.push({ tenant: `demo2 (demo holds ${have})`, chunks: small, ...beside });
    console.log(`demo2 ${small} chunks beside demo: search p50 ${f2(beside.search.p50)} ms`);
    faqs.faqsPerSecond = faqs.added / faqs.seconds;
    const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
    const result = {
      at: new Date().toISOString(),
      variant: VARIANT,
      machine: `${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}`,
      loadStart,
      loadEnd: loadavg().map((x) => x.toFixed(2)).join(' / '),
      weights: { title: 4, text: 1 },
      quality: quality0,
      latency: latencyRows,
      ingestion: { faqs, document },
    };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(result, null, 2));
    const section = markdown(result);
    if (!args['no-write']) {
      if (args.vectors) writeSection(ROOT, 'kb-hybrid', 'Knowledge base, hybrid: lexical + vector leg with the HashEmbedder stand-in (bench/kb.mjs --vectors)', section);
      else writeSection(ROOT, 'kb', 'Knowledge base: retrieval quality, search latency, ingestion (bench/kb.mjs)', section);
    }
    console.log(section);
  } finally {
    await server.stop();
    await options.close?.();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
