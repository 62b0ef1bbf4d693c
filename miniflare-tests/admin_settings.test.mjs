// The console's newer settings (docs/API.md "Settings"): named AI personas per role and
// channel, intake-builder answer types, the white label — stored through PUT /api/v1/settings
// and read back; anything wrong is one 400 naming each problem, and nothing changes. A persona
// reaches the customer: the first reply and "are you a bot?" name it as the AI assistant.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, apiOk, assertError, uniquePhone, sendSms, assertTwimlReply } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

async function put(body) {
  const res = await fetch(server.baseUrl + '/api/v1/settings', {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body), signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

test('personas, answer types and the white label are stored and read back', async () => {
  const current = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  const settings = {
    ...current,
    personas: [
      { role: 'receptionist', name: 'Maya' },
      { role: 'receptionist', channel: 'voice', name: 'Sam', voice: 'en-GB-Neural2-B' },
      { role: 'qualifier', channel: 'sms', name: 'Ola' },
    ],
    white_label: { name: 'Maple & Pine', logo_url: 'https://cdn.mapleandpine.example/logo.png', colour: '#2E7D32' },
    qualification: [
      { field: 'area', ask: 'Which area are you looking in?', answer: { type: 'choice', options: ['Clifton', 'Redland', 'Bedminster'], required: true } },
      { field: 'move_in', ask: 'When would you like to move in?', answer: { type: 'date' } },
      { field: 'pets', ask: 'Do you have any pets?', answer: { type: 'yes_no', required: false } },
    ],
  };
  const r = await put({ settings });
  assert.equal(r.status, 200, r.text);
  const read = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  assert.deepEqual(read.personas[0], { role: 'receptionist', channel: 'all', name: 'Maya' }, 'no channel = all');
  assert.equal(read.personas[1].voice, 'en-GB-Neural2-B');
  assert.deepEqual(read.white_label, settings.white_label);
  assert.deepEqual(read.qualification[0].answer, { type: 'choice', options: ['Clifton', 'Redland', 'Bedminster'], required: true });
  assert.deepEqual(read.qualification[1].answer, { type: 'date', required: false });
});

test('bad personas, answer types and white labels are one 400 naming each, and change nothing', async () => {
  const before = await apiOk(server, DEMO.key, '/api/v1/settings');
  const r = await put({
    settings: {
      ...before.settings,
      personas: [{ role: 'cashier', channel: 'fax', name: '' }, { role: 'support', name: 'A' }, { role: 'support', name: 'B' },
        { role: 'receptionist', channel: 'voice', name: 'Sam', voice: 'en-GB"/><Hangup/>' }],
      white_label: { logo_url: 'http://insecure.example/logo.png', colour: 'green' },
      qualification: [
        { field: 'area', ask: 'Which area?', answer: { type: 'choice', options: ['Only one'] } },
        { field: 'pets', ask: 'Pets?', answer: { type: 'maybe' } },
      ],
    },
  });
  assertError(r, 400, 'malformed_body');
  for (const needle of [
    'personas[0].role', 'personas[0].channel', 'personas[0].name', 'personas[2]: a second support persona', 'personas[3].voice',
    'white_label.logo_url', 'white_label.colour', 'qualification[0].answer.options', 'qualification[1].answer.type',
  ]) {
    assert.ok(r.json.error.message.includes(needle), `names ${needle}: ${r.json.error.message}`);
  }
  assertError(await put({ settings: { ...before.settings, white_label: { font: 'Comic Sans' } } }), 400, 'malformed_body', 'unknown white label field');
  assert.deepEqual(await apiOk(server, DEMO.key, '/api/v1/settings'), before, 'a refused write changes nothing');
});

test('GET /api/v1/channels lists the tenant\'s own channels and whether they send, never a secret', async () => {
  const { data } = await apiOk(server, DEMO.key, '/api/v1/channels');
  const by = Object.fromEntries(data.map((c) => [`${c.provider} ${c.address}`, c.sending]));
  assert.equal(by['twilio +14155550100'], 'simulated', 'no account SID in the dev seed: replies are simulated');
  assert.equal(by['meta 106540352242922'], 'simulated', 'no Graph token yet');
  assert.equal(by['chat demo'], 'in_reply');
  assert.equal(by['form demo'], 'in_reply');
  assert.ok(!data.some((c) => c.address === '+14155550199' || c.address === 'demo2'), 'another tenant\'s channels are not listed');
  const text = JSON.stringify(data);
  for (const secret of ['demo-twilio-auth-token', 'demo-form-signing-secret', 'ZGV2LW9wZW5waG9uZS1zaWduaW5nLWtleQ==', 'secret_ref']) {
    assert.ok(!text.includes(secret), `${secret} is not in the answer`);
  }
  assert.equal((await fetch(`${server.baseUrl}/api/v1/channels`)).status, 401, 'not without a key');
});

test('personas reach the customer: a new text meets the persona as the AI assistant, "are you a bot?" is answered plainly, a form is answered by the form persona', async () => {
  const before = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  const personas = [{ role: 'receptionist', name: 'Maya' }, { role: 'receptionist', channel: 'form', name: 'Fern' }];
  assert.equal((await put({ settings: { ...before, personas } })).status, 200);
  try {
    const phone = uniquePhone();
    const first = assertTwimlReply(await sendSms(server, { from: phone, body: 'Hello there' }));
    assert.match(first, /^Hi, thanks for contacting Maple & Pine Lettings! I'm Maya, the AI assistant here\. /, first);
    const bot = assertTwimlReply(await sendSms(server, { from: phone, body: 'Are you a bot?' }));
    assert.match(bot, /^I'm Maya, the AI assistant at Maple & Pine Lettings: automated, not a person\./, bot);

    const form = await fetch(`${server.baseUrl}/webhooks/forms/demo`, {
      method: 'POST', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ana Lima', phone: uniquePhone(), message: 'Hello, I would like some information' }),
    });
    const answered = await form.json();
    assert.equal(form.status, 202, JSON.stringify(answered));
    assert.match(answered.reply, /I'm Fern, the AI assistant here\./, answered.reply);

    // Without personas: today's words.
    assert.equal((await put({ settings: { ...before, personas: [] } })).status, 200);
    const plain = assertTwimlReply(await sendSms(server, { from: uniquePhone(), body: 'Hello there' }));
    assert.match(plain, /^Hi, thanks for contacting Maple & Pine Lettings! (?!I'm)/, plain);
  } finally {
    assert.equal((await put({ settings: before })).status, 200);
  }
});
