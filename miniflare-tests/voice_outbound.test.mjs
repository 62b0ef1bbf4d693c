// Calls we place and callers we call back, against a fake Twilio that speaks the real wire
// format (the Calls and Messages REST APIs) and records what it was sent:
// - POST /api/v1/calls stores the call `queued`, the make_call job places it through Twilio's
//   Calls API (retried on 5xx), the CallSid is kept, and the answered call gets the same AI as
//   an incoming one, greeted with why we call; bad input stores and queues nothing.
// - a caller who asks for a person is put through (<Dial> with an action) when someone can
//   answer; when nobody can (no transfer number, closed, the transfer rang out) the call ends
//   with a message (<Record>) and a callback: the team's task and a text to the caller.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { DEMO, DEMO2, uniquePhone, apiOk, contactsByPhone, eventually, assertError } from './helpers/api.mjs';
import { openCall } from '../scripts/lib/relay.mjs';
import { ALWAYS_OPEN, randomCallSid as callSid, callParams, assertTwiml, putSettings, voicePost as signedVoicePost } from './helpers/voice.mjs';

const PUBLIC = 'https://voice.frontdesk.test';
const ACCOUNT_SID = 'AC' + '0f'.repeat(16);
const PRIYA = { id: 'con_test_priya', phone: '+447700900555' };
const CALLS_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`;
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const TRANSFER = '+447700900123';

// ---- a fake Twilio: answers from a script (default: 201 created) ----
const script = [];
let counter = 0;
let twilio;
let server;
let original;
before(async () => {
  twilio = await fakeProvider(({ url, form }) => {
    counter += 1;
    const [status, json] = script.shift() ?? [201, null];
    const sid = (url.endsWith('/Calls.json') ? 'CA' : 'SM') + String(counter).padStart(32, '0');
    return [status, json ?? { sid, status: 'queued', to: form.To, direction: 'outbound-api' }];
  });
  server = await startServerWith({
    sql: [
      `UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id = 'chn_demo_twilio'`,
      `INSERT INTO contacts (id, tenant_id, phone, name, created_at, updated_at) VALUES ('${PRIYA.id}', 'ten_demo', '${PRIYA.phone}', 'Priya Shah', 1, 1)`,
    ],
    vars: { TWILIO_API_BASE: twilio.url },
    publicBaseUrl: PUBLIC,
  });
  original = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

const voicePost = (path, params, options) => signedVoicePost(server, path, params, options);
const callsTo = (to) => twilio.requests.filter((r) => r.url === CALLS_PATH && r.form.To === to);

async function makeCall(key, body, headers = {}) {
  const res = await fetch(`${server.baseUrl}/api/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

const callById = (key, id) => apiOk(server, key, `/api/v1/calls/${id}`);
const placed = (key, id) => eventually(async () => {
  const call = await callById(key, id);
  return call.call_sid.startsWith('CA') || call.status !== 'queued' ? call : null;
}, { timeoutMs: 30_000, what: `call ${id} placed or settled` });

test('a callback is stored queued, placed through Twilio\'s Calls API, and answered with the AI greeting them by name', async () => {
  const r = await makeCall(DEMO.key, { to: PRIYA.phone, purpose: 'callback', contact_id: PRIYA.id });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(
    [r.json.direction, r.json.status, r.json.contact_id, r.json.from_number, r.json.to_number, r.json.purpose],
    ['outbound', 'queued', PRIYA.id, DEMO.number, PRIYA.phone, 'callback'],
  );
  const call = await placed(DEMO.key, r.json.id);
  assert.match(call.call_sid, /^CA\d{32}$/, `the CallSid Twilio gave is kept: ${JSON.stringify(call)}`);

  const sent = callsTo(PRIYA.phone);
  assert.equal(sent.length, 1, 'Twilio was asked once');
  const [request] = sent;
  assert.equal(request.method, 'POST');
  assert.equal(request.headers.authorization, 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${DEMO.token}`).toString('base64'));
  assert.match(request.headers['content-type'], /^application\/x-www-form-urlencoded/);
  const query = `call=${call.id}&number=%2B14155550100`;
  const form = new URLSearchParams(request.raw);
  assert.deepEqual([...form.keys()].filter((k, i, all) => all.indexOf(k) === i),
    ['To', 'From', 'Url', 'Method', 'StatusCallback', 'StatusCallbackMethod', 'StatusCallbackEvent']);
  assert.equal(form.get('To'), PRIYA.phone);
  assert.equal(form.get('From'), DEMO.number);
  assert.equal(form.get('Url'), `${PUBLIC}/webhooks/twilio/voice/outbound?${query}`);
  assert.equal(form.get('Method'), 'POST');
  assert.equal(form.get('StatusCallback'), `${PUBLIC}/webhooks/twilio/voice/status?${query}`);
  assert.deepEqual(form.getAll('StatusCallbackEvent'), ['initiated', 'ringing', 'answered', 'completed']);

  // Priya answers: Twilio fetches the Url, signed, about a call it placed (From = the tenant).
  const answered = { ...callParams(call.call_sid, DEMO.number), To: PRIYA.phone, Called: PRIYA.phone, Caller: DEMO.number,
    Direction: 'outbound-api', CallStatus: 'in-progress' };
  const xml = assertTwiml(await voicePost(`/webhooks/twilio/voice/outbound?${query}`, answered), 'outbound answer');
  assert.ok(xml.includes(`<Connect action="${PUBLIC}/webhooks/twilio/voice/relay-ended" method="POST">`), xml);
  assert.ok(xml.includes(`<ConversationRelay url="wss://voice.frontdesk.test/webhooks/twilio/relay?call=${call.call_sid}&amp;to=%2B14155550100" ` +
    'welcomeGreeting="Hi Priya, it&apos;s Maple and Pine Lettings returning your call. How can I help?"'), xml);
  assert.ok(xml.includes(`<Parameter name="call" value="${call.id}"/><Parameter name="contact" value="${PRIYA.id}"/>`), xml);
  assert.equal((await voicePost(`/webhooks/twilio/voice/outbound?${query}`, answered, { token: DEMO2.token })).status, 403,
    'a forged request is refused');

  // Its progress reaches the row.
  const done = { ...answered, CallStatus: 'completed', CallDuration: '64' };
  assert.equal((await voicePost(`/webhooks/twilio/voice/status?${query}`, done)).status, 204);
  const finished = await callById(DEMO.key, call.id);
  assert.deepEqual([finished.status, finished.duration_seconds], ['completed', 64]);
});

test('on the relay of a call we placed, the person we rang is the one talking: their thread, their contact', async () => {
  const to = uniquePhone();
  const r = await makeCall(DEMO.key, { to, purpose: 'callback' });
  const call = await placed(DEMO.key, r.json.id);
  const relay = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: PUBLIC, authToken: DEMO.token, callSid: call.call_sid, to: DEMO.number });
  try {
    relay.setup({ from: DEMO.number, to, direction: 'outbound-api', customParameters: { tenant: DEMO.tenantId, call: call.id, contact: call.contact_id } });
    relay.prompt('Is the flat on Elm Road still available?');
    const { text } = await relay.answer();
    assert.match(text, /Elm Road/, text);
  } finally {
    relay.close();
  }
  const { data } = await apiOk(server, DEMO.key, '/api/v1/conversations?limit=100');
  const voice = data.find((c) => c.contact_id === call.contact_id && c.channel === 'voice');
  assert.ok(voice, 'the words are on the person\'s voice thread');
  const msgs = (await apiOk(server, DEMO.key, `/api/v1/conversations/${voice.id}/messages`)).data;
  assert.deepEqual(msgs.filter((m) => m.direction === 'inbound').map((m) => m.body), ['Is the flat on Elm Road still available?']);
  assert.deepEqual(await contactsByPhone(server, DEMO.key, DEMO.number), [], 'the business\'s own number is nobody\'s contact');
});

test('a lead follow-up to a new number finds or makes the contact; the same Idempotency-Key places one call', async () => {
  const to = uniquePhone();
  const headers = { 'idempotency-key': `follow-up-${to}` };
  const [first, again] = await Promise.all([1, 2].map(() => makeCall(DEMO.key, { to, purpose: 'lead_follow_up' }, headers)));
  assert.equal(first.status, 202, first.text);
  assert.equal(again.status, 202, again.text);
  assert.equal(first.json.id, again.json.id, 'one call for one key');
  const [contact] = await contactsByPhone(server, DEMO.key, to);
  assert.equal(first.json.contact_id, contact.id);
  const call = await placed(DEMO.key, first.json.id);
  assert.match(call.call_sid, /^CA/);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(callsTo(to).length, 1, 'Twilio was asked once');

  const query = `call=${call.id}&number=%2B14155550100`;
  const xml = assertTwiml(await voicePost(`/webhooks/twilio/voice/outbound?${query}`,
    { ...callParams(call.call_sid, DEMO.number), To: to, Direction: 'outbound-api', CallStatus: 'in-progress' }), 'answer');
  assert.match(xml, /welcomeGreeting="Hello, it&apos;s Maple and Pine Lettings following up on your enquiry\. Is now a good time to talk\?"/);
});

test('a Twilio outage is retried until the call is placed; a refusal marks it failed with the reason', async () => {
  script.push([503, { code: 20503, message: 'Service Unavailable', status: 503 }]);
  const to = uniquePhone();
  const r = await makeCall(DEMO.key, { to, purpose: 'callback' });
  assert.equal(r.status, 202, r.text);
  const call = await placed(DEMO.key, r.json.id);
  assert.match(call.call_sid, /^CA/, JSON.stringify(call));
  assert.equal(callsTo(to).length, 2, 'one failed attempt, then the call');

  script.push([400, { code: 21217, message: 'Phone number is not valid', status: 400 }]);
  const refused = await makeCall(DEMO.key, { to: uniquePhone(), purpose: 'callback' });
  const failed = await placed(DEMO.key, refused.json.id);
  assert.equal(failed.status, 'failed');
  assert.match(failed.error, /21217/);
  assert.equal(failed.call_sid, failed.id, 'no CallSid: Twilio never placed it');
});

test('a call Twilio never takes is given up after the queue\'s retries and marked failed', { timeout: 180_000 }, async () => {
  // Every attempt (the first and the queue's 5 retries) meets an outage.
  for (let i = 0; i < 6; i++) script.push([503, { code: 20503, message: 'Service Unavailable', status: 503 }]);
  const to = uniquePhone();
  const r = await makeCall(DEMO.key, { to, purpose: 'callback' });
  const call = await eventually(async () => {
    const c = await callById(DEMO.key, r.json.id);
    return c.status !== 'queued' ? c : null;
  }, { timeoutMs: 150_000, intervalMs: 1_000, what: 'the call given up on' });
  assert.equal(call.status, 'failed');
  assert.match(call.error, /could not be placed after its retries/);
  assert.equal(callsTo(to).length, 6, 'the first attempt and five retries');
});

test('without Twilio credentials the call is recorded as simulated', async () => {
  const r = await makeCall(DEMO2.key, { to: uniquePhone(), purpose: 'callback' });
  assert.equal(r.status, 202, r.text);
  const call = await placed(DEMO2.key, r.json.id);
  assert.equal(call.status, 'simulated');
  assert.equal(call.from_number, DEMO2.number);
});

test('bad input is refused with a clear error and nothing is stored or queued', async () => {
  const before = twilio.requests.length;
  const callsBefore = (await apiOk(server, DEMO.key, '/api/v1/calls?limit=100')).data.length;
  assertError(await makeCall(DEMO.key, { to: '07700 900123', purpose: 'callback' }), 400, 'bad_request', 'bad number');
  assertError(await makeCall(DEMO.key, { to: uniquePhone(), purpose: 'sales' }), 400, 'bad_request', 'bad purpose');
  assertError(await makeCall(DEMO.key, { to: uniquePhone(), purpose: 'callback', extra: 1 }), 400, 'malformed_body', 'unknown field');
  const stranger = uniquePhone();
  assertError(await makeCall(DEMO.key, { to: stranger, purpose: 'callback', contact_id: 'con_nobody' }), 404, 'not_found', 'unknown contact');
  // Another tenant's contact is unknown here too.
  const theirs = await makeCall(DEMO2.key, { to: uniquePhone(), purpose: 'callback' });
  assertError(await makeCall(DEMO.key, { to: stranger, purpose: 'callback', contact_id: theirs.json.contact_id }), 404, 'not_found', 'another tenant\'s contact');
  assertError(await makeCall(undefined, { to: stranger, purpose: 'callback' }), 401, 'unauthorized', 'no key');
  assert.deepEqual(await contactsByPhone(server, DEMO.key, stranger), [], 'no contact made');
  assert.equal((await apiOk(server, DEMO.key, '/api/v1/calls?limit=100')).data.length, callsBefore, 'no call stored');
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(twilio.requests.slice(before).filter((r) => r.url === CALLS_PATH).length, 0, 'Twilio never asked');
});

// ---- a caller asking for a person ----

const withVoice = (voice, extra = {}) => putSettings(server, { ...original, holidays: [], hours: ALWAYS_OPEN, ...extra, voice });
const textsTo = (to) => twilio.requests.filter((r) => r.url === MESSAGES_PATH && r.form.To === to);
const RECORD = `<Record action="${PUBLIC}/webhooks/twilio/voice/recording?number=%2B14155550100" method="POST" maxLength="120" playBeep="true" ` +
  `recordingStatusCallback="${PUBLIC}/webhooks/twilio/voice/recording?number=%2B14155550100" recordingStatusCallbackMethod="POST" transcribe="true"/>`;

/** A call answered in relay mode, then the relay's end with a human handoff. */
async function relayHandoff(summary) {
  const [sid, from] = [callSid(), uniquePhone()];
  assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'call');
  const ended = { CallStatus: 'in-progress', SessionId: 'VX' + '2'.repeat(32), SessionStatus: 'ended', SessionDuration: '31',
    HandoffData: JSON.stringify({ reason: 'human', summary, contact: from }) };
  const xml = assertTwiml(await voicePost('/webhooks/twilio/voice/relay-ended', callParams(sid, from, ended)), 'relay-ended');
  return { sid, from, xml };
}

/** The callback task of the contact with this phone, once the team has it. */
async function callbackTasks(phone) {
  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  const { data } = await apiOk(server, DEMO.key, '/api/v1/escalations?limit=100');
  return data.filter((e) => e.contact_id === contact?.id && e.reason === 'follow_up');
}

async function assertCallback(from, { when, why, about }) {
  const tasks = await callbackTasks(from);
  assert.equal(tasks.length, 1, `one callback task: ${JSON.stringify(tasks)}`);
  assert.equal(tasks[0].priority, 'normal');
  assert.match(tasks[0].summary, new RegExp(`^Call back \\${from}: asked for a person on a call, and ${why}\\.`), tasks[0].summary);
  if (about) assert.ok(tasks[0].summary.endsWith(about), tasks[0].summary);
  const [text] = await eventually(async () => { const t = textsTo(from); return t.length ? t : null; },
    { timeoutMs: 20_000, what: `the callback text to ${from}` });
  assert.equal(text.form.From, DEMO.number);
  assert.equal(text.form.Body,
    `Thanks for calling Maple & Pine Lettings. Nobody could take your call just now, so we'll call you back ${when}. ` +
    'Reply here if there\'s anything we should know before then.');
}

test('a person asked for with a transfer number while open: put through, and the transfer reports back', async () => {
  await withVoice({ transfer_number: TRANSFER });
  const { sid, from, xml } = await relayHandoff('Wants to discuss the Elm Road deposit');
  assert.ok(xml.includes(`<Dial action="${PUBLIC}/webhooks/twilio/voice/dial-ended" method="POST" answerOnBridge="true" ` +
    `callerId="${DEMO.number}" timeout="20"><Number url="${PUBLIC}/webhooks/twilio/voice/whisper?call=${sid}&amp;number=%2B14155550100" ` +
    `method="POST">${TRANSFER}</Number></Dial>`), xml);
  // Staff took it: the call is over when they hang up; nobody is called back.
  const answered = { CallStatus: 'in-progress', DialCallStatus: 'completed', DialCallSid: callSid(), DialCallDuration: '95', DialBridged: 'true' };
  const after = assertTwiml(await voicePost('/webhooks/twilio/voice/dial-ended', callParams(sid, from, answered)), 'dial-ended');
  assert.match(after, /<Response><Hangup\/><\/Response>$/);
  assert.deepEqual(await callbackTasks(from), []);
  assert.equal(textsTo(from).length, 0);
});

test('a transfer nobody answers ends with a message and a callback: the team\'s task and one text, however often Twilio asks', async () => {
  await withVoice({ transfer_number: TRANSFER });
  const { sid, from } = await relayHandoff('Wants to discuss the Elm Road deposit');
  const missed = { CallStatus: 'in-progress', DialCallStatus: 'no-answer', DialCallSid: callSid(), DialBridged: 'false' };
  const xml = assertTwiml(await voicePost('/webhooks/twilio/voice/dial-ended', callParams(sid, from, missed)), 'dial-ended');
  assert.ok(xml.includes('<Say language="en-US">Nobody can take your call right now, so we&apos;ll call you back shortly. ' +
    'We&apos;ve sent you a text to confirm. If you like, leave a message after the tone.</Say>' + RECORD + '<Hangup/>'), xml);
  // Twilio retrying the action changes nothing.
  assertTwiml(await voicePost('/webhooks/twilio/voice/dial-ended', callParams(sid, from, missed)), 'retry');
  await assertCallback(from, { when: 'shortly', why: 'nobody picked up the transfer \\(no-answer\\)', about: 'Wants to discuss the Elm Road deposit' });
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(textsTo(from).length, 1, 'one text');
});

test('no transfer number: the relay\'s handoff becomes a callback and a message, never a <Dial>', async () => {
  await withVoice({});
  const { from, xml } = await relayHandoff('Asked about a rent review');
  assert.ok(!xml.includes('<Dial'), xml);
  assert.ok(xml.includes('we&apos;ll call you back shortly') && xml.includes(RECORD), xml);
  await assertCallback(from, { when: 'shortly', why: 'there is no number to put callers through to', about: 'Asked about a rent review' });
});

test('closed with a transfer number: nobody is there to answer, so a callback instead', async () => {
  await withVoice({ transfer_number: TRANSFER }, { hours: {} });
  const { from, xml } = await relayHandoff('');
  assert.ok(!xml.includes('<Dial'), xml);
  assert.ok(xml.includes('we&apos;ll call you back as soon as we can'), xml);
  await assertCallback(from, { when: 'as soon as we can', why: 'we were closed' });
});

test('gather mode: the words say what happens — "putting you through" with a transfer, a callback without', async () => {
  const ask = async (sid, from) => {
    assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'call');
    return assertTwiml(await voicePost('/webhooks/twilio/voice/gather?turn=1',
      callParams(sid, from, { CallStatus: 'in-progress', SpeechResult: 'Can I speak to a real person please?' })), 'turn 1');
  };
  await withVoice({ mode: 'gather', transfer_number: TRANSFER });
  const through = await ask(callSid(), uniquePhone());
  assert.match(through, /<Say language="en-US">[^<]*Of course — putting you through now\.<\/Say><Dial action="[^"]*\/webhooks\/twilio\/voice\/dial-ended"/, through);
  assert.ok(!through.includes('get back to you'), through);

  await withVoice({ mode: 'gather' });
  const from = uniquePhone();
  const later = await ask(callSid(), from);
  assert.ok(!later.includes('<Dial'), later);
  assert.ok(later.includes(RECORD), later);
  await assertCallback(from, { when: 'shortly', why: 'there is no number to put callers through to' });
  // The reply on the caller's voice thread promised the callback, not a transfer.
  const { data } = await apiOk(server, DEMO.key, '/api/v1/conversations?limit=100');
  const [contact] = await contactsByPhone(server, DEMO.key, from);
  const voice = data.find((c) => c.contact_id === contact.id && c.channel === 'voice');
  const msgs = (await apiOk(server, DEMO.key, `/api/v1/conversations/${voice.id}/messages`)).data;
  const reply = msgs.find((m) => m.direction === 'outbound');
  assert.match(reply.body, /nobody can take your call right now, so I've asked the team to call you back/, reply.body);
});
