// Tenant settings: a tenant reads and changes its own front desk through the API; every write
// is validated as a whole and takes effect on the next message.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, assertError, assertTwimlReply, api, apiOk } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

async function put(key, body, path = '/api/v1/settings') {
  const res = await fetch(server.baseUrl + path, {
    method: path.endsWith('/template') ? 'POST' : 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

test('a tenant reads its own settings, and only its own', async () => {
  assertError(await api(server, undefined, '/api/v1/settings'), 401, 'unauthorized');
  const mine = await apiOk(server, DEMO.key, '/api/v1/settings');
  assert.equal(mine.tenant.slug, 'demo');
  assert.equal(mine.tenant.timezone, 'Europe/London');
  assert.equal(mine.settings.template, 'letting_agent');
  assert.equal(mine.settings.on_call[0].phone, '+447700900999');
  assert.deepEqual(mine.templates, ['letting_agent', 'vacation_rental', 'clinic_salon', 'hotel']);
  const theirs = await apiOk(server, DEMO2.key, '/api/v1/settings');
  assert.equal(theirs.tenant.slug, 'demo2');
});

test('invalid settings are refused whole, with every problem named, and nothing changes', async () => {
  const before = await apiOk(server, DEMO.key, '/api/v1/settings');
  const r = await put(DEMO.key, {
    timezone: 'Mars/Olympus_Mons',
    settings: { hours: { mon: ['18:00', '09:00'] }, template: 'car_wash', on_call: [{ name: 'Sam' }] },
  });
  assertError(r, 400, 'malformed_body');
  for (const needle of ['timezone', 'hours.mon', 'template', 'on_call[0]']) {
    assert.ok(r.json.error.message.includes(needle), `mentions ${needle}: ${r.json.error.message}`);
  }
  assertError(await put(DEMO.key, { settings: { hourz: {} } }), 400, 'malformed_body');
  assertError(await put(DEMO.key, { colour: 'blue' }), 400, 'malformed_body');
  assertError(await put(DEMO.key, 'not json'), 400, 'malformed_body');
  assert.deepEqual(await apiOk(server, DEMO.key, '/api/v1/settings'), before, 'a refused write changes nothing');
});

test('new hours and address take effect on the next message', async () => {
  const current = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  const settings = { ...current, hours: { mon: ['07:00', '08:00'] }, address: '2 Harbour Walk, Bristol' };
  const r = await put(DEMO.key, { settings });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.settings.address, '2 Harbour Walk, Bristol');
  const reply = assertTwimlReply(await sendSms(server, { from: uniquePhone(), body: 'What are your opening hours?' }));
  assert.match(reply, /Mon 07:00–08:00/, reply);
  assert.match(reply, /2 Harbour Walk, Bristol/, reply);
});

test('an industry template pre-fills hours and next step and keeps the on-call contacts', async () => {
  const r = await put(DEMO2.key, { template: 'hotel' }, '/api/v1/settings/template');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.settings.template, 'hotel');
  assert.deepEqual(r.json.settings.hours.sun, ['00:00', '24:00']);
  assert.match(r.json.settings.next_step, /number of guests/);
  assertError(await put(DEMO2.key, { template: 'car_wash' }, '/api/v1/settings/template'), 400, 'malformed_body');
  // Any hour is "open" for a hotel desk: a first hello hears so.
  const reply = assertTwimlReply(await sendSms(server, { from: uniquePhone(), to: DEMO2.number, token: DEMO2.token, body: 'Hello there' }));
  assert.match(reply, /open until 24:00/, reply);
});

test('intake questions: bad answer types are refused with their paths and nothing is saved; the builder is offered the fields and the template’s questions', async () => {
  const before = await apiOk(server, DEMO.key, '/api/v1/settings');
  assert.deepEqual(before.intake.answer_types, ['text', 'choice', 'yes_no', 'date']);
  assert.ok(before.intake.fields.some((f) => f.field === 'furnished' && f.label === 'furnishing'), JSON.stringify(before.intake.fields));
  assert.ok(!before.intake.fields.some((f) => f.field === 'date'), 'a booking detail is not offered');
  assert.equal(before.intake.defaults[0].ask, 'Which area are you looking in?', 'the letting template’s first question');
  const r = await put(DEMO.key, { settings: { ...before.settings, qualification: [
    { field: 'area', ask: 'Which area are you looking in?' },
    { field: 'furnished', ask: 'Furnished?', answer: { type: 'choice', options: ['Furnished'] } },
    { field: 'pets', ask: 'Any pets?', answer: { type: 'yes_no', options: ['Yes', 'No'] } },
    { field: 'move_in', ask: 'When?', answer: { type: 'calendar' } },
  ] } });
  assertError(r, 400, 'malformed_body');
  const problems = r.json.error.message.split('; ');
  for (const path of ['qualification[1].answer.options', 'qualification[2].answer.options', 'qualification[3].answer.type']) {
    assert.ok(problems.some((p) => p.startsWith(`qualification: ${path}:`)), `names ${path}: ${r.json.error.message}`);
  }
  assert.ok(!problems.some((p) => p.includes('qualification[0]')), 'the valid question is not blamed');
  assertError(await put(DEMO.key, { settings: { ...before.settings, qualification: [{ field: 'pets', ask: 'Pets?', answer: { type: 'yes_no', mandatory: true } }] } }),
    400, 'malformed_body', 'an unknown key inside answer');
  assert.deepEqual(await apiOk(server, DEMO.key, '/api/v1/settings'), before, 'a refused write changes nothing');
});

test('tone, qualification questions, escalation rules and the LLM are settings, validated whole', async () => {
  const current = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  const bad = await put(DEMO.key, { settings: { ...current,
    qualification: [{ field: 'date', ask: 'When?' }, { field: 'area', ask: '' }],
    llm: { provider: 'anthropic', model: '', api_key: 'sk-literal-key' },
    tone: 'grumpy' } });
  assertError(bad, 400, 'malformed_body');
  assertError(await put(DEMO.key, { settings: { ...current, llm: { provider: 'anthropic', model: 'm', api_key: 'sk-literal' } } }), 400, 'malformed_body');
  const llm = await put(DEMO.key, { settings: { ...current, llm: { provider: 'anthropic', model: 'm', api_key: 'sk-literal' } } });
  assert.match(llm.json.error.message, /api_key/, llm.text);
  const questions = await put(DEMO.key, { settings: { ...current, qualification: [{ field: 'date', ask: 'When?' }, { field: 'area', ask: '' }] } });
  assert.match(questions.json.error.message, /qualification/, questions.text);

  const ok = await put(DEMO.key, { settings: { ...current, tone: 'luxury_concierge', channel_tone: { sms: 'formal' },
    qualification: [{ field: 'budget_max', ask: 'What budget do you have in mind?' }], escalation_rules: { repeated_confusion: 3 } } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.settings.escalation_rules.high_value_score, 80, 'unset rules keep their defaults');
  // Somewhere the catalogue has nothing: the search is passed on and the tenant's question asked.
  const reply = assertTwimlReply(await sendSms(server, { from: uniquePhone(), body: 'I want to rent a flat in Portishead' }));
  assert.match(reply, /^Dear,\n\nGood day, and thank you for contacting Maple & Pine Lettings\./, reply);
  assert.match(reply, /What budget do you have in mind\?/, 'the tenant\'s own question');
  assert.match(reply, /Kind regards,\nMaple & Pine Lettings$/, reply);
});
