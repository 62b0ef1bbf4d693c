// Runs inside workerd next to the Worker under test: RPC entrypoints with the methods of the
// real Vectorize and Workers AI bindings, each forwarding its arguments to the fake's loopback
// server (fake_vectors.mjs, env.FAKE_VECTORS_URL) and returning its answer, or throwing its
// error as the real binding would.
import { WorkerEntrypoint } from 'cloudflare:workers';

async function call(env, path, args) {
  const res = await fetch(`${env.FAKE_VECTORS_URL}/rpc/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error);
  return body.result;
}

// Typed arrays (which the real bindings accept) as plain arrays for JSON.
const plain = (values) => (ArrayBuffer.isView(values) ? Array.from(values) : values);

export class FakeVectorize extends WorkerEntrypoint {
  upsert(vectors) { return call(this.env, 'vectorize/upsert', [vectors.map((v) => ({ ...v, values: plain(v.values) }))]); }
  query(vector, options) { return call(this.env, 'vectorize/query', [plain(vector), options]); }
  deleteByIds(ids) { return call(this.env, 'vectorize/deleteByIds', [ids]); }
  getByIds(ids) { return call(this.env, 'vectorize/getByIds', [ids]); }
  describe() { return call(this.env, 'vectorize/describe', []); }
}

export class FakeAi extends WorkerEntrypoint {
  run(model, inputs) { return call(this.env, 'ai/run', [model, inputs]); }
}

export default { fetch: () => new Response('fake bindings: RPC only', { status: 404 }) };
