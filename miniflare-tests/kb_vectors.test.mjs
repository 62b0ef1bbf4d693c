// The knowledge base's vector leg in real workerd: the Worker reaches Vectorize and Workers AI
// (or an OpenAI-compatible embeddings API) through its own externs, here bound to fakes that
// implement the real binding interfaces (helpers/fake_vectors.mjs) and record every call.
// Embeddings are the HashEmbedder stand-in (spelling, not meaning), so the "question the
// lexical leg misses" is a typo'd one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDirect } from './helpers/workerd.mjs';
import { startFakeVectors } from './helpers/fake_vectors.mjs';
import { MIN_SCORE } from './helpers/hash_embedder.mjs';
import { DEMO, DEMO2, api, apiPost } from './helpers/api.mjs';

const FAQS = [
  { question: 'What is the deposit?', answer: 'Five weeks of rent, protected in a government-backed deposit scheme within 30 days.', category: 'fees' },
  { question: 'Are pets allowed?', answer: 'Most of our landlords accept one cat or a small dog, with a pet clause in the tenancy.' },
  { question: 'What are your opening hours?', answer: 'Monday to Friday 9:00 to 18:00, Saturday 10:00 to 14:00.' },
];
// Shares no word with any FAQ (so FTS5 finds nothing), but most of "deposit"'s letters.
const TYPO = 'deposti';
// The stand-in's floor: the model name sent is the production default (a BGE model, floor 0.6),
// whose floor would drop every hash-embedding match.
const vars = { EMBEDDINGS_MIN_SCORE: String(MIN_SCORE) };

let fake;
let server;

before(async () => {
  fake = await startFakeVectors();
  server = await startDirect({ vectors: fake, vars });
});

after(async () => {
  await server?.stop();
  await fake?.close();
});

const search = (key, q, extra = '') => api(server, key, `/api/v1/kb/search?q=${encodeURIComponent(q)}${extra}`);
const titles = (res) => res.json.data.map((p) => p.title);

async function importFaqs(key, kb, faqs = FAQS, target = server) {
  const res = await apiPost(target, key, '/api/v1/kb/faqs', { kb, faqs });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

test('ingesting FAQs embeds them with Workers AI and upserts vectors with tenant and kb metadata', async () => {
  fake.reset();
  const imported = await importFaqs(DEMO.key, 'vec-ingest');
  assert.equal(imported.imported, FAQS.length);

  const runs = fake.callsOf('ai.run');
  assert.ok(runs.length >= 1);
  assert.equal(runs[0].args[0], '@cf/baai/bge-small-en-v1.5', 'the default model');
  const embedded = runs.flatMap((r) => r.args[1].text);
  assert.equal(embedded.length, FAQS.length);
  assert.ok(embedded.some((t) => t.includes('What is the deposit?')), 'the FAQ question is embedded');

  const vectors = fake.callsOf('vectorize.upsert').flatMap((c) => c.args[0]);
  assert.equal(vectors.length, FAQS.length);
  for (const v of vectors) {
    assert.match(v.id, /^kbc_/);
    assert.equal(v.values.length, 384);
    assert.equal(v.metadata.tenant_id, DEMO.tenantId);
    assert.equal(v.metadata.kb, 'vec-ingest');
  }
  assert.ok(vectors.some((v) => v.metadata.category === 'fees'), 'the category travels as metadata');

  // The stored vectors are the chunks search returns.
  const found = await search(DEMO.key, 'deposit', '&kb=vec-ingest');
  assert.equal(found.status, 200);
  assert.ok(vectors.some((v) => v.id === found.json.data[0].id));
});

test('a typo the lexical leg misses is found by the vector leg, queried within the tenant', async () => {
  await importFaqs(DEMO.key, 'vec-typo');
  fake.reset();
  const res = await search(DEMO.key, TYPO, '&kb=vec-typo');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data[0]?.title, 'What is the deposit?', res.text);
  assert.equal(res.json.data[0].kb, 'vec-typo');

  const [query] = fake.callsOf('vectorize.query');
  const [, options] = query.args;
  assert.deepEqual(options.filter, { tenant_id: DEMO.tenantId, kb: 'vec-typo' });
  assert.equal(options.returnMetadata, 'indexed');
  assert.ok(options.topK >= 1 && options.topK <= 50, `topK ${options.topK}`);
  assert.deepEqual(fake.callsOf('ai.run')[0].args[1], { text: [TYPO] }, 'the question is embedded as sent');

  // Without the vector leg (the index failing) the same question finds nothing: it was the
  // vector leg that answered.
  fake.fail.vectorize = true;
  const lexicalOnly = await search(DEMO.key, TYPO, '&kb=vec-typo');
  assert.equal(lexicalOnly.status, 200);
  assert.deepEqual(lexicalOnly.json.data, []);
  fake.reset();
});

test("another tenant's vectors never come back, even from an index that ignores the filter", async () => {
  await importFaqs(DEMO2.key, 'vec-private', [
    { question: 'What is the secret door code?', answer: 'Only for guests of demo2: 4321.' },
  ]);
  await importFaqs(DEMO.key, 'vec-public', [{ question: 'Where do I collect the keys?', answer: 'At the office.' }]);
  const typo = 'scret doorcode'; // no word of it is in any FAQ: only the vector leg can find it
  fake.fail.vectorize = true;
  assert.deepEqual((await search(DEMO2.key, typo)).json.data, [], 'lexically: nothing');
  fake.reset();
  const own = await search(DEMO2.key, typo);
  assert.ok(titles(own).includes('What is the secret door code?'), `the owner finds it through vectors: ${own.text}`);

  const other = await search(DEMO.key, typo);
  assert.equal(other.status, 200);
  assert.ok(!titles(other).includes('What is the secret door code?'), other.text);
  const filters = fake.callsOf('vectorize.query').map((c) => c.args[1].filter.tenant_id);
  assert.deepEqual(filters, [DEMO2.tenantId, DEMO.tenantId], 'every query names its tenant');

  // An index without a metadata index on tenant_id returns every vector: still not shown.
  fake.ignoreFilter = true;
  const leaky = await search(DEMO.key, typo);
  assert.equal(leaky.status, 200);
  assert.ok(!leaky.text.includes('4321') && !titles(leaky).includes('What is the secret door code?'), leaky.text);
  fake.reset();
});

test('a failing index or embedder still gives lexical results, ingestion still succeeds, and a re-index repairs the vectors', async () => {
  await importFaqs(DEMO.key, 'vec-fail');
  for (const broken of ['vectorize', 'ai']) {
    fake.reset();
    fake.fail[broken] = true;
    const res = await search(DEMO.key, 'deposit', '&kb=vec-fail');
    assert.equal(res.status, 200, `${broken}: ${res.text}`);
    assert.equal(res.json.data[0]?.title, 'What is the deposit?', `${broken} down: lexical answer`);
    assert.ok(fake.calls.length >= 1, `${broken}: the vector leg was tried`);
  }
  fake.fail = { vectorize: true, ai: true, api: true };
  const imported = await importFaqs(DEMO.key, 'vec-fail-ingest', [{ question: 'Is there parking?', answer: 'One space per flat.' }]);
  assert.equal(imported.imported, 1);
  const found = await search(DEMO.key, 'parking', '&kb=vec-fail-ingest');
  assert.equal(found.json.data[0]?.title, 'Is there parking?', 'stored and searchable lexically');
  fake.reset();
  assert.deepEqual((await search(DEMO.key, 'parkinng', '&kb=vec-fail-ingest')).json.data, [], 'no vector yet');
  fake.reset();

  // A re-index embeds the stored chunks again: the typo now finds the FAQ.
  const reindexed = await apiPost(server, DEMO.key, '/api/v1/kb/vec-fail-ingest/reindex', {});
  assert.equal(reindexed.status, 200, reindexed.text);
  const upserted = fake.callsOf('vectorize.upsert').flatMap((c) => c.args[0]);
  assert.deepEqual(upserted.map((v) => v.metadata), [{ tenant_id: DEMO.tenantId, kb: 'vec-fail-ingest' }]);
  assert.deepEqual(fake.callsOf('ai.run')[0].args[1], { text: ['Is there parking?\nOne space per flat.'] });
  assert.equal((await search(DEMO.key, 'parkinng', '&kb=vec-fail-ingest')).json.data[0]?.title, 'Is there parking?');
});

test('deleting a knowledge base deletes its vectors and nothing else', async () => {
  await importFaqs(DEMO.key, 'vec-delete');
  await importFaqs(DEMO.key, 'vec-keep');
  const kbIds = (kb) => [...fake.store.values()].filter((v) => v.metadata.tenant_id === DEMO.tenantId && v.metadata.kb === kb).map((v) => v.id);
  const doomed = kbIds('vec-delete');
  assert.equal(doomed.length, FAQS.length);
  fake.reset();

  const res = await api(server, DEMO.key, '/api/v1/kb/vec-delete', { method: 'DELETE' });
  assert.ok(res.status >= 200 && res.status < 300, res.text);
  const deleted = fake.callsOf('vectorize.deleteByIds').flatMap((c) => c.args[0]);
  assert.deepEqual([...deleted].sort(), [...doomed].sort());
  assert.deepEqual(kbIds('vec-delete'), []);
  assert.equal(kbIds('vec-keep').length, FAQS.length, 'the other knowledge base keeps its vectors');
  const gone = await search(DEMO.key, TYPO, '&kb=vec-delete');
  assert.deepEqual(gone.json.data, []);
});

test('an OpenAI-compatible embeddings API embeds instead of Workers AI when configured', async () => {
  const apiServer = await startDirect({
    vectors: fake, ai: false,
    vars: { ...vars, EMBEDDINGS_BASE_URL: `${fake.url}/v1`, EMBEDDINGS_MODEL: 'fake-embed-384', EMBEDDINGS_API_KEY: 'sk-test' },
  });
  try {
    fake.reset();
    await importFaqs(DEMO.key, 'vec-api', FAQS, apiServer);
    const [call] = fake.callsOf('api.embeddings');
    assert.equal(call.authorization, 'Bearer sk-test');
    assert.equal(call.args[0].model, 'fake-embed-384');
    assert.equal(call.args[0].input.length, FAQS.length);
    assert.equal(fake.callsOf('ai.run').length, 0);
    assert.ok(fake.callsOf('vectorize.upsert').flatMap((c) => c.args[0]).every((v) => v.metadata.kb === 'vec-api'));

    const res = await api(apiServer, DEMO.key, `/api/v1/kb/search?q=${TYPO}&kb=vec-api`);
    assert.equal(res.json.data[0]?.title, 'What is the deposit?', res.text);
    assert.ok(!res.text.includes('sk-test'));
  } finally {
    await apiServer.stop();
  }
});
