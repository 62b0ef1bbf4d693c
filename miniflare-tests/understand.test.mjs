// The rules brain through the product: POST /api/v1/understand, and replies in the caller's
// language on the webhook.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, uniquePhone, sendSms, assertError, assertTwimlReply } from './helpers/api.mjs';
import { apiPost } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

const understand = (key, body) => apiPost(server, key, '/api/v1/understand', body);

test('POST /api/v1/understand returns intent, slots with their words, language, urgency and emergency', async () => {
  const r = await understand(DEMO.key, { utterance: "I'd like to book a viewing of 14 Elm Road tomorrow at 3pm" });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['emergency', 'intent', 'language', 'slots', 'urgency']);
  assert.equal(r.json.intent, 'book_viewing');
  assert.equal(r.json.language, 'en');
  assert.equal(r.json.emergency, null);
  assert.equal(r.json.slots.time.value, '15:00');
  assert.match(r.json.slots.time.text, /3\s?pm/);
  assert.match(r.json.slots.date.value, /^\d{4}-\d{2}-\d{2}$/, 'dates resolve to ISO in the tenant timezone');

  const gas = await understand(DEMO.key, { utterance: 'Huele a gas en la cocina' });
  assert.equal(gas.json.intent, 'emergency');
  assert.equal(gas.json.emergency, 'gas_leak');
  assert.equal(gas.json.urgency, 'critical');
  assert.equal(gas.json.language, 'es');
});

test('understand rejects bad input with clear errors', async () => {
  assertError(await understand(undefined, { utterance: 'hi' }), 401, 'unauthorized');
  assertError(await understand(DEMO.key, 'not json'), 400, 'malformed_body');
  assertError(await understand(DEMO.key, { text: 'wrong field' }), 400, 'malformed_body');
  assertError(await understand(DEMO.key, { utterance: 'x'.repeat(20_000) }), 413, 'payload_too_large');
});

test('a German SMS is answered in German', async () => {
  const reply = assertTwimlReply(await sendSms(server, { from: uniquePhone(), body: 'Hallo, ist die Wohnung in der Elm Road noch frei?' }));
  assert.match(reply, /^Hallo, danke, dass Sie Maple & Pine Lettings kontaktieren!/, reply);
});
