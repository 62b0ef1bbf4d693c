// Twilio Voice webhooks: a call is stored before it is answered, answered with the tenant's
// TwiML (ConversationRelay, a speech <Gather> loop, or voicemail after hours); callbacks move
// the call forward only; recordings are reachable only with the tenant's API key; the relay's
// end with a human handoff puts the caller through.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { ALWAYS_OPEN, assertTwiml, callParams, randomCallSid as callSid, voicePost as signedPost, putSettings as replaceSettings } from './helpers/voice.mjs';
import { DEMO, DEMO2, uniquePhone, api, apiOk, contactsByPhone, conversationsOf, messagesOf, assertError } from './helpers/api.mjs';

const PUBLIC = 'https://voice.frontdesk.test';
const TRANSFER = '+447700900123';

let server;
let original;
before(async () => {
  // A Monday morning in London (the greeting test books Thursday ahead).
  server = await startServer({ publicBaseUrl: PUBLIC, clockAt: '2026-11-30T10:00:00Z' });
  original = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
}, { timeout: 120_000 });
after(async () => {
  if (original) await putSettings(original);
  await server?.stop();
});

const putSettings = (settings) => replaceSettings(server, settings);
const withVoice = (voice, extra = {}) => putSettings({ ...original, holidays: [], hours: ALWAYS_OPEN, ...extra, voice });
const voicePost = (path, params, opts) => signedPost(server, path, params, opts);

async function callOf(sid) {
  const { data } = await apiOk(server, DEMO.key, '/api/v1/calls?limit=100');
  return data.find((c) => c.call_sid === sid);
}

test('relay mode: the call is stored and answered with ConversationRelay in the tenant\'s voice', async () => {
  await withVoice({});
  const [sid, from] = [callSid(), uniquePhone()];
  const xml = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'voice webhook');
  const call = await callOf(sid);
  assert.ok(call, 'the call is stored');
  const [contact] = await contactsByPhone(server, DEMO.key, from);
  assert.equal(call.contact_id, contact.id, 'the caller is a contact');
  assert.equal(call.mode, 'relay');
  assert.equal(call.status, 'ringing');
  const relay = xml.match(/<ConversationRelay ([^>]*)>/);
  assert.ok(relay, xml);
  assert.ok(xml.includes(`<Connect action="${PUBLIC}/webhooks/twilio/voice/relay-ended" method="POST">`), xml);
  assert.ok(relay[1].startsWith(
    `url="wss://voice.frontdesk.test/webhooks/twilio/relay?call=${sid}&amp;to=%2B14155550100" welcomeGreeting="Thanks for calling Maple and Pine Lettings. How can I help?" ` +
    'language="en-US" interruptible="any" dtmfDetection="true" hints="Maple &amp; Pine Lettings,'), relay[1]);
  assert.match(relay[1], /hints="[^"]*Elm Road/, 'listing streets are hints');
  assert.ok(xml.includes(`<Parameter name="tenant" value="${DEMO.tenantId}"/><Parameter name="call" value="${call.id}"/>` +
    `<Parameter name="contact" value="${contact.id}"/>`), xml);
  assert.ok(xml.includes('<Language code="en-US"/><Language code="es-ES"/><Language code="fr-FR"/>'),
    `the languages a call may switch to, the tenant's first: ${xml}`);

  // Twilio retrying the webhook finds the same call.
  assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'retry');
  const { data } = await apiOk(server, DEMO.key, `/api/v1/calls?contact_id=${contact.id}`);
  assert.deepEqual(data.map((c) => c.call_sid), [sid]);
});

test('an answered call is announced live as call.started with the stored call, once per stored call', async () => {
  await withVoice({});
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  const other = await connectSse({ baseUrl: server.baseUrl, key: DEMO2.key });
  try {
    const [sid, from] = [callSid(), uniquePhone()];
    assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'voice webhook');
    const event = await sse.waitFor((e) => e.event === 'call.started' && e.json?.data?.call?.call_sid === sid);
    const call = await callOf(sid);
    const [contact] = await contactsByPhone(server, DEMO.key, from);
    assert.deepEqual(event.json.data.call, {
      id: call.id, call_sid: sid, contact_id: contact.id, from_number: from, to_number: DEMO.number,
      direction: 'inbound', status: 'ringing', created_at: call.created_at,
    });
    // Twilio retrying the webhook announces the same call, not a second one.
    assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'retry');
    await sse.waitFor((e) => e.event === 'call.started' && e.json?.data?.call?.call_sid === sid && e !== event);
    assert.deepEqual(new Set(sse.events.filter((e) => e.event === 'call.started' && e.json?.data?.call?.call_sid === sid).map((e) => e.json.data.call.id)), new Set([call.id]));
    assert.equal(other.events.filter((e) => e.event === 'call.started').length, 0, 'another tenant\'s stream hears nothing of it');
  } finally {
    sse.close();
    other.close();
  }
});

test('a caller with a viewing coming up is greeted by name and asked about it', async () => {
  await withVoice({});
  const from = uniquePhone();
  // The business clock is pinned to Monday 30 November 2026, 10:00 London (GMT): Thursday ahead.
  const date = '2026-12-03';
  const offset = '+00:00';
  const res = await fetch(`${server.baseUrl}/api/v1/bookings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'viewing', contact: { phone: from, name: 'Priya Shah' }, start: `${date}T10:00:00${offset}` }),
  });
  assert.equal(res.status, 201, await res.text());

  const xml = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(callSid(), from)), 'voice webhook');
  const greeting = xml.match(/welcomeGreeting="([^"]*)"/)[1];
  assert.equal(greeting, 'Hi Priya, thanks for calling Maple and Pine Lettings. Are you calling about your viewing on Thursday at 10 a.m.?');
  // Someone else's booking is not theirs to be asked about.
  const stranger = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(callSid(), uniquePhone())), 'a new caller');
  assert.match(stranger, /welcomeGreeting="Thanks for calling Maple and Pine Lettings\. How can I help\?"/);
});

test('a voice persona set in Settings answers the call: its name in the welcome, its voice on the relay and on every <Say>', async () => {
  const personas = [
    { role: 'receptionist', name: 'Maya' },
    { role: 'receptionist', channel: 'voice', name: 'Sam', voice: 'en-GB-Neural2-A' },
  ];
  await withVoice({ language: 'en-GB' }, { personas });
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/settings')).settings.personas[1],
    { role: 'receptionist', channel: 'voice', name: 'Sam', voice: 'en-GB-Neural2-A' }, 'saved through the settings API');
  const xml = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(callSid(), uniquePhone())), 'relay');
  const relay = xml.match(/<ConversationRelay ([^>]*)>/)[1];
  assert.match(relay, /welcomeGreeting="Thanks for calling Maple and Pine Lettings, this is Sam, the AI assistant\. How can I help\?" /, relay);
  assert.match(relay, / language="en-GB" voice="en-GB-Neural2-A" interruptible=/, relay);

  await withVoice({ mode: 'gather', language: 'en-GB' }, { personas });
  const [sid, from] = [callSid(), uniquePhone()];
  const hello = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'gather greeting');
  assert.ok(hello.includes('<Say language="en-GB" voice="en-GB-Neural2-A">Thanks for calling Maple and Pine Lettings, this is Sam, ' +
    'the AI assistant. How can I help?</Say></Gather>'), hello);
  const answer = assertTwiml(await voicePost('/webhooks/twilio/voice/gather?turn=1',
    callParams(sid, from, { CallStatus: 'in-progress', SpeechResult: 'Sorry, who am I talking to?' })), 'turn 1');
  assert.match(answer, /<Say language="en-GB" voice="en-GB-Neural2-A">I&apos;m Sam, the AI assistant at Maple and Pine Lettings/, answer);
  // A caller who switches language hears that language's default voice, not Sam's English one.
  const spanish = assertTwiml(await voicePost('/webhooks/twilio/voice/gather?turn=2',
    callParams(sid, from, { CallStatus: 'in-progress', SpeechResult: 'Hola, ¿el piso de Elm Road sigue disponible?' })), 'turn 2');
  assert.match(spanish, /<Say language="es-ES">/, spanish);
  assert.ok(!spanish.includes('voice='), spanish);

  // Without a voice persona: the default voice and today's welcome.
  await withVoice({ language: 'en-GB' }, { personas: [{ role: 'receptionist', name: 'Maya' }] });
  const plain = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(callSid(), uniquePhone())), 'no voice');
  assert.ok(!plain.includes(' voice="'), plain);
  assert.match(plain, /welcomeGreeting="Thanks for calling Maple and Pine Lettings, this is Maya, the AI assistant\./, 'an "all" persona answers the phone too');
});

test('an unsigned or wrongly signed call is refused and nothing is stored', async () => {
  await withVoice({});
  const [sid, from] = [callSid(), uniquePhone()];
  const unsigned = await voicePost('/webhooks/twilio/voice', callParams(sid, from), { token: null });
  assertError({ ...unsigned, json: JSON.parse(unsigned.text) }, 403, 'invalid_signature', 'unsigned');
  const wrong = await voicePost('/webhooks/twilio/voice', callParams(sid, from), { token: DEMO2.token });
  assertError({ ...wrong, json: JSON.parse(wrong.text) }, 403, 'invalid_signature', 'signed with another tenant\'s token');
  for (const path of ['/webhooks/twilio/voice/status', '/webhooks/twilio/voice/relay-ended', '/webhooks/twilio/voice/gather?turn=1']) {
    const r = await voicePost(path, callParams(sid, from, { CallStatus: 'completed', HandoffData: '{"reason":"human"}', SpeechResult: 'hi' }), { token: 'nope' });
    assert.equal(r.status, 403, `${path} → ${r.status} ${r.text}`);
  }
  assert.equal(await callOf(sid), undefined, 'no call stored');
  assert.deepEqual(await contactsByPhone(server, DEMO.key, from), [], 'no contact created');
});

test('gather mode: a short call end to end through the same conversation', async () => {
  await withVoice({ mode: 'gather' });
  const [sid, from] = [callSid(), uniquePhone()];
  const hello = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'greeting');
  assert.ok(hello.includes(`<Gather input="speech" action="${PUBLIC}/webhooks/twilio/voice/gather?turn=1" method="POST" speechTimeout="auto"`), hello);
  assert.ok(hello.includes('<Say language="en-US">Thanks for calling Maple and Pine Lettings. How can I help?</Say></Gather>'), hello);

  const asked = 'Is the flat on Elm Road still available?';
  const answer = assertTwiml(await voicePost('/webhooks/twilio/voice/gather?turn=1',
    callParams(sid, from, { CallStatus: 'in-progress', SpeechResult: asked, Confidence: '0.92' })), 'turn 1');
  const said = answer.match(/<Gather [^>]*action="[^"]*\?turn=2"[^>]*><Say language="en-US">([^<]+)<\/Say><\/Gather>/);
  assert.ok(said, `the answer is spoken and the call listens again: ${answer}`);
  assert.match(said[1], /Elm Road/i, `the answer is about the flat: ${said[1]}`);
  assert.ok(!said[1].includes('http'), 'no links read aloud');

  const bye = assertTwiml(await voicePost('/webhooks/twilio/voice/gather?turn=2',
    callParams(sid, from, { CallStatus: 'in-progress', SpeechResult: 'bye' })), 'turn 2');
  assert.match(bye, /<Say language="en-US">[^<]+<\/Say><Hangup\/><\/Response>$/, bye);

  const { conversations } = await conversationsOf(server, DEMO.key, from);
  const voice = conversations.find((c) => c.channel === 'voice');
  assert.ok(voice, `a voice conversation: ${JSON.stringify(conversations)}`);
  const msgs = await messagesOf(server, DEMO.key, voice.id);
  assert.deepEqual(msgs.filter((m) => m.direction === 'inbound').map((m) => m.body).reverse(), [asked, 'bye']);
});

test('gather mode says a reply as the relay does, in the language the caller spoke', async () => {
  await withVoice({ mode: 'gather', language: 'en-GB', pronunciations: [{ say: 'Clifton', as: 'Cliff-tun' }] });
  const [sid, from] = [callSid(), uniquePhone()];
  assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'greeting');
  const english = assertTwiml(await voicePost('/webhooks/twilio/voice/gather?turn=1',
    callParams(sid, from, { CallStatus: 'in-progress', SpeechResult: 'Is the flat on Elm Road still available?' })), 'turn 1');
  const said = english.match(/<Gather [^>]*language="en-GB"[^>]*><Say language="en-GB">([^<]+)<\/Say><\/Gather>/);
  assert.ok(said, english);
  assert.match(said[1], /\d[\d,]* pounds a month/, `the rent is said, not written: ${said[1]}`);
  assert.match(said[1], /Cliff-tun/, `the tenant's pronunciation: ${said[1]}`);
  assert.match(said[1], /\?$/, `the closing question is kept: ${said[1]}`);

  const spanish = assertTwiml(await voicePost('/webhooks/twilio/voice/gather?turn=2',
    callParams(sid, from, { CallStatus: 'in-progress', SpeechResult: 'Hola, ¿el piso de Elm Road sigue disponible?' })), 'turn 2');
  assert.match(spanish, /<Gather [^>]*language="es-ES"[^>]*><Say language="es-ES">[^<]*(disponible|piso)[^<]*<\/Say><\/Gather>/,
    `a Spanish caller is answered and listened to in Spanish: ${spanish}`);
});

test('after hours to a voicemail tenant: greeting + <Record>; the recording attaches and needs the API key', async () => {
  await withVoice({ after_hours: 'voicemail' }, { hours: {} });
  const [sid, from] = [callSid(), uniquePhone()];
  const xml = assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'closed');
  const recordingPath = '/webhooks/twilio/voice/recording?number=%2B14155550100';
  assert.ok(xml.includes('<Say language="en-US">Thanks for calling Maple and Pine Lettings. We&apos;re closed right now.'), xml);
  assert.ok(xml.includes(`<Record action="${PUBLIC}${recordingPath}" method="POST" maxLength="120" playBeep="true" ` +
    `recordingStatusCallback="${PUBLIC}${recordingPath}" recordingStatusCallbackMethod="POST" transcribe="true"/>`), xml);

  // The recording status callback: no To, the tenant named by the signed URL.
  const recordingSid = 'RE' + randomBytes(16).toString('hex');
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/AC${'d'.repeat(32)}/Recordings/${recordingSid}`;
  const recorded = { CallSid: sid, RecordingSid: recordingSid, RecordingUrl: recordingUrl, RecordingDuration: '17' };
  // The <Record> action (the call's parameters) and the status callback both report it.
  assertTwiml(await voicePost(recordingPath, callParams(sid, from, { ...recorded, CallStatus: 'completed' })), 'record action');
  assertTwiml(await voicePost(recordingPath, {
    AccountSid: 'AC' + 'd'.repeat(32), ...recorded, RecordingStatus: 'completed', RecordingChannels: '1', RecordingSource: 'RecordVerb',
  }), 'recording status callback');
  const call = await callOf(sid);
  assert.equal(call.mode, 'voicemail');
  const [contact] = await contactsByPhone(server, DEMO.key, from);
  assert.equal(call.contact_id, contact.id);
  const one = await apiOk(server, DEMO.key, `/api/v1/calls/${call.id}`);
  assert.equal(one.recording_url, recordingUrl);
  assert.equal(one.recording_duration, 17);
  // On the caller's timeline once, pointing at the call, never at the recording itself.
  const { conversations } = await conversationsOf(server, DEMO.key, from);
  const notes = (await Promise.all(conversations.map((c) => messagesOf(server, DEMO.key, c.id)))).flat()
    .filter((m) => m.channel === 'voice');
  assert.equal(notes.length, 1, JSON.stringify(notes));
  assert.equal(notes[0].status, 'recorded');
  assert.equal(notes[0].body, `Voicemail (17 s). Recording: GET /api/v1/calls/${call.id}`);
  assert.equal(notes[0].contact_id, contact.id);
  assertError(await api(server, undefined, `/api/v1/calls/${call.id}`), 401, 'unauthorized', 'no key');
  assertError(await api(server, DEMO2.key, `/api/v1/calls/${call.id}`), 404, 'not_found', 'another tenant');
});

test('status callbacks out of order and repeated never move a completed call back', async () => {
  await withVoice({});
  const [sid, from] = [callSid(), uniquePhone()];
  assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'call');
  for (const [status, extra] of [['completed', { CallDuration: '42' }], ['ringing', {}], ['in-progress', {}], ['completed', { CallDuration: '42' }]]) {
    const r = await voicePost('/webhooks/twilio/voice/status', callParams(sid, from, { CallStatus: status, ...extra }));
    assert.equal(r.status, 204, `${status} → ${r.status} ${r.text}`);
  }
  const call = await callOf(sid);
  assert.equal(call.status, 'completed');
  assert.equal(call.duration_seconds, 42);
});

test('relay-ended: a human handoff is put through with <Dial>, anything else hangs up', async () => {
  await withVoice({ transfer_number: TRANSFER });
  const [sid, from] = [callSid(), uniquePhone()];
  assertTwiml(await voicePost('/webhooks/twilio/voice', callParams(sid, from)), 'call');
  const handoff = JSON.stringify({ reason: 'human', summary: 'Wants to discuss the Elm Road deposit', contact: from });
  const ended = { CallStatus: 'in-progress', SessionId: 'VX' + '2'.repeat(32), SessionStatus: 'ended', SessionDuration: '31', HandoffData: handoff };
  const dial = assertTwiml(await voicePost('/webhooks/twilio/voice/relay-ended', callParams(sid, from, ended)), 'handoff');
  const whisperPath = `/webhooks/twilio/voice/whisper?call=${sid}&number=%2B14155550100`;
  assert.ok(dial.includes('<Say language="en-US">Connecting you to someone from the team now.</Say>' +
    `<Dial action="${PUBLIC}/webhooks/twilio/voice/dial-ended" method="POST" answerOnBridge="true" callerId="${DEMO.number}" timeout="20">` +
    `<Number url="${PUBLIC}${whisperPath.replace('&', '&amp;')}" method="POST">${TRANSFER}</Number></Dial>`), dial);
  assert.equal((await callOf(sid)).handoff, handoff, 'the handoff is kept on the call');

  // Staff answering hear the summary; Twilio's request is about the child call to them.
  const child = { CallSid: callSid(), ParentCallSid: sid, From: DEMO.number, To: TRANSFER, CallStatus: 'in-progress', Direction: 'outbound-dial' };
  const whisper = assertTwiml(await voicePost(whisperPath, child), 'whisper');
  assert.match(whisper, /<Say language="en-US">A caller from the front desk\. Wants to discuss the Elm Road deposit<\/Say>/);
  assert.equal((await voicePost(whisperPath, child, { token: DEMO2.token })).status, 403, 'a forged whisper request is refused');

  const hangup = assertTwiml(await voicePost('/webhooks/twilio/voice/relay-ended',
    callParams(sid, from, { ...ended, HandoffData: '{"reason":"done"}' })), 'no handoff');
  assert.match(hangup, /<Response><Hangup\/><\/Response>$/);
});
