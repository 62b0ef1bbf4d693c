// Fakes of the vector leg's remote services, speaking their real interfaces, for tests and the
// benchmark. One loopback server in the test's own process holds the state and records every
// call; workerd reaches it through `fake_bindings_worker.mjs`, whose RPC entrypoints are bound
// as `VECTORIZE` (a Vectorize index: upsert, query, deleteByIds, getByIds, describe) and `AI`
// (Workers AI: run(model, {text})) by `startDirect({ vectors: fake })`. The same server answers
// `POST /v1/embeddings` as an OpenAI-compatible embeddings API.
//
// Embeddings are the deterministic HashEmbedder stand-in (hash_embedder.mjs), not a semantic
// model. Vectorize semantics kept: upsert replaces by id, dimensions are checked, a filter's
// plain values are implicit $eq (also $eq/$ne/$in/$nin) on INDEXED properties only, topK
// defaults to 5 and is capped (100 with returnMetadata none/indexed, 20 otherwise), matches are
// best first by cosine. Not kept: mutations are visible at once (Vectorize takes seconds).
//
// Switches: fake.fail.vectorize / fake.fail.ai / fake.fail.api make those calls throw (the
// API answers 500); fake.ignoreFilter answers as an index without metadata indexes would
// (every vector, whatever the filter).
import { createServer } from 'node:http';
import { embed, cosine, DIMS } from './hash_embedder.mjs';

const INDEXED = ['tenant_id', 'kb', 'category'];

function matchesFilter(metadata, filter) {
  for (const [key, cond] of Object.entries(filter ?? {})) {
    if (!INDEXED.includes(key)) continue; // unindexed properties are not filterable
    const value = metadata?.[key];
    const ops = cond !== null && typeof cond === 'object' ? cond : { $eq: cond };
    for (const [op, want] of Object.entries(ops)) {
      const ok = op === '$eq' ? value === want : op === '$ne' ? value !== want
        : op === '$in' ? want.includes(value) : op === '$nin' ? !want.includes(value) : false;
      if (!ok) return false;
    }
  }
  return true;
}

function pick(metadata, level) {
  if (level === 'all' || level === true) return metadata;
  if (level === 'indexed') return Object.fromEntries(Object.entries(metadata ?? {}).filter(([k]) => INDEXED.includes(k)));
  return undefined;
}

export async function startFakeVectors({ dims = DIMS } = {}) {
  const store = new Map();
  const fake = {
    url: '', calls: [], fail: { vectorize: false, ai: false, api: false }, ignoreFilter: false, store,
    /** Recorded calls of one binding method ('vectorize.upsert', 'ai.run', 'api.embeddings', …). */
    callsOf: (name) => fake.calls.filter((c) => c.name === name),
    reset() { fake.calls.length = 0; fake.fail = { vectorize: false, ai: false, api: false }; fake.ignoreFilter = false; },
    close: () => new Promise((r) => server.close(r)),
  };

  const checkDims = (values) => {
    if (!Array.isArray(values) || values.length !== dims) {
      throw new Error(`VECTOR_INVALID: expected ${dims} dimensions, got ${values?.length}`);
    }
  };
  const vectorize = {
    upsert([vectors]) {
      for (const v of vectors) {
        if (typeof v.id !== 'string' || !v.id || new TextEncoder().encode(v.id).length > 64) throw new Error(`bad id ${v.id}`);
        checkDims(v.values);
      }
      for (const v of vectors) store.set(v.id, { id: v.id, values: v.values, metadata: v.metadata ?? {} });
      return { mutationId: `m${fake.calls.length}` };
    },
    query([vector, options = {}]) {
      checkDims(vector);
      const topK = options.topK ?? 5;
      const level = options.returnMetadata ?? 'none';
      const cap = level === 'none' || level === 'indexed' || level === false ? 100 : 20;
      if (topK > cap) throw new Error(`VECTOR_QUERY_ERROR: topK ${topK} above ${cap} for returnMetadata ${level}`);
      const matches = [...store.values()]
        .filter((v) => fake.ignoreFilter || matchesFilter(v.metadata, options.filter))
        .map((v) => ({ id: v.id, score: cosine(vector, v.values), metadata: pick(v.metadata, level) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, topK);
      return { count: matches.length, matches };
    },
    deleteByIds([ids]) {
      for (const id of ids) store.delete(id);
      return { mutationId: `m${fake.calls.length}` };
    },
    getByIds([ids]) { return ids.filter((id) => store.has(id)).map((id) => store.get(id)); },
    describe() { return { vectorCount: store.size, dimensions: dims }; },
  };
  const ai = {
    run([model, inputs]) {
      if (typeof model !== 'string' || !model.startsWith('@cf/')) throw new Error(`AiError: no such model ${model}`);
      const texts = typeof inputs?.text === 'string' ? [inputs.text] : inputs?.text;
      if (!Array.isArray(texts) || texts.length === 0 || texts.length > 100) throw new Error('AiError: text must hold 1 to 100 strings');
      return { shape: [texts.length, dims], data: texts.map(embed), pooling: 'mean' };
    },
  };

  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const send = (status, json) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
    const rpc = /^\/rpc\/(vectorize|ai)\/(\w+)$/.exec(req.url);
    if (rpc) {
      const [, binding, method] = rpc;
      const { args } = JSON.parse(body);
      fake.calls.push({ name: `${binding}.${method}`, args });
      const impl = (binding === 'ai' ? ai : vectorize)[method];
      if (!impl) return send(500, { error: `${binding}.${method} is not a function` });
      if (fake.fail[binding]) return send(500, { error: `injected ${binding} failure` });
      try { return send(200, { result: impl(args) }); } catch (e) { return send(500, { error: e.message }); }
    }
    if (req.method === 'POST' && req.url === '/v1/embeddings') {
      const request = JSON.parse(body);
      fake.calls.push({ name: 'api.embeddings', args: [request], authorization: req.headers.authorization });
      if (fake.fail.api) return send(500, { error: { message: 'injected failure' } });
      if (req.headers.authorization !== 'Bearer sk-test') return send(401, { error: { message: 'Incorrect API key provided' } });
      const input = typeof request.input === 'string' ? [request.input] : request.input;
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })).reverse();
      return send(200, { object: 'list', data, model: request.model, usage: { prompt_tokens: 0, total_tokens: 0 } });
    }
    send(404, { error: 'not found' });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  return fake;
}
