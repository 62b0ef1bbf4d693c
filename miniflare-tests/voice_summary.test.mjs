// After every call: once Twilio reports a call ended, what it came to — intent, an outcome
// read from what the call left behind (a booking, a ticket…), the facts learnt, a short text and
// the team's follow-ups — is stored on the call, put on the caller's voice thread and published
// as `call.summarized`, once however often the callback comes. A tenant without transcripts
// keeps the summary instead of the turns' words; with `voice.transcripts` the words stay.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { openCall } from '../scripts/lib/relay.mjs';
import { callParams, randomCallSid as callSid, voicePost as signedPost, putSettings as replaceSettings } from './helpers/voice.mjs';
import { DEMO, DEMO2, uniquePhone, api, apiOk, assertError, conversationsOf, messagesOf, listAll, eventually } from './helpers/api.mjs';

// A Monday, 10:00 in London: the office is open and the calendar has viewings today.
const MONDAY_10AM = '2026-11-30T10:00:00Z';
const NOT_KEPT = '(words not kept: see the call summary)';

let server;
let original;
before(async () => {
  server = await startServer({ clockAt: MONDAY_10AM });
  original = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
}, { timeout: 120_000 });
after(async () => {
  if (original) await putSettings(original);
  await server?.stop();
});

const putSettings = (settings) => replaceSettings(server, settings);
const withVoice = (voice) => putSettings({ ...original, voice });
const voicePost = (path, params) => signedPost(server, path, params);

/** Twilio's voice webhook (the call is stored), then the relay session with `setup` sent. */
async function answeredCall(sid, phone) {
  const answered = await voicePost('/webhooks/twilio/voice', callParams(sid, phone));
  assert.equal(answered.status, 200, answered.text);
  assert.match(answered.text, /<ConversationRelay /, answered.text);
  const c = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number, callSid: sid });
  c.setup({ from: phone });
  return c;
}

async function ended(sid, phone, status = 'completed', duration = '64') {
  const r = await voicePost('/webhooks/twilio/voice/status', callParams(sid, phone, { CallStatus: status, CallDuration: duration }));
  assert.equal(r.status, 204, `status ${status} → ${r.status} ${r.text}`);
}

async function callOf(sid) {
  const { data } = await apiOk(server, DEMO.key, '/api/v1/calls?limit=100');
  const listed = data.find((c) => c.call_sid === sid);
  assert.ok(listed, `call ${sid} is listed`);
  return apiOk(server, DEMO.key, `/api/v1/calls/${listed.id}`);
}

async function voiceThread(phone) {
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const voice = conversations.filter((c) => c.channel === 'voice');
  assert.equal(voice.length, 1, JSON.stringify(conversations));
  return (await messagesOf(server, DEMO.key, voice[0].id)).reverse();
}

test('a call that books a viewing is summarised once as booked; without transcripts the summary replaces its words', async () => {
  await withVoice({});
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  const [sid, phone] = [callSid(), uniquePhone()];
  try {
    const c = await answeredCall(sid, phone);
    let booked;
    try {
      c.prompt('Hi, is the flat on Elm Road still available?');
      await c.answer();
      c.prompt('Great, can I view it?');
      const offer = await c.answer();
      // Said as a voice says them: "12:30 p.m.", "1 p.m.".
      const times = [...offer.text.matchAll(/\b(\d{1,2}(?::\d\d)? [ap])\.m\./g)].map((m) => m[1].replace(' ', ''));
      assert.ok(times.length >= 2, `free times offered: ${offer.text}`);
      c.prompt(`${times[1]}m please, I'm Tom`);
      booked = await c.answer();
      assert.match(booked.text, /Booked/, booked.text);
    } finally {
      c.close();
    }
    const heard = await voiceThread(phone);
    assert.equal(heard.length, 6, JSON.stringify(heard));

    await ended(sid, phone);
    const call = await callOf(sid);
    assert.equal(call.status, 'completed');
    assert.equal(call.outcome, 'booked');
    const { summary } = call;
    assert.equal(summary.outcome, 'booked');
    assert.ok(['availability_search', 'book_viewing', 'property_enquiry_rent'].includes(summary.intent), summary.intent);
    assert.equal(summary.fields.name, 'Tom', JSON.stringify(summary.fields));
    assert.match(summary.text, new RegExp(`^Tom \\(\\${phone}\\) called about .+\\. Booked: a viewing of the flat on Elm Road today at \\d\\d:\\d\\d \\(2026-11-30\\)\\.`), summary.text);
    assert.ok(Array.isArray(summary.follow_ups));

    // Twilio repeats the callback and reports a late `in-progress`: nothing is summarised twice.
    await ended(sid, phone);
    await voicePost('/webhooks/twilio/voice/status', callParams(sid, phone, { CallStatus: 'in-progress' }));
    await ended(sid, phone);
    const again = await callOf(sid);
    assert.equal(again.summarized_at, call.summarized_at, 'summarised once');
    assert.deepEqual(again.summary, summary);

    // The voice thread: the turns keep their place, the words give way to the summary.
    const thread = await voiceThread(phone);
    const notes = thread.filter((m) => m.status === 'recorded');
    assert.equal(notes.length, 1, JSON.stringify(thread));
    assert.equal(notes[0].body, `Call summary (booked): ${summary.text}${summary.follow_ups.length ? ' To do: ' + summary.follow_ups.join(' ') : ''}`);
    const turns = thread.filter((m) => m.status !== 'recorded');
    assert.deepEqual(turns.map((m) => m.id), heard.map((m) => m.id), 'every turn is still there');
    assert.ok(turns.every((m) => m.body === NOT_KEPT), JSON.stringify(turns));
    // The booking itself is untouched.
    const bookings = (await apiOk(server, DEMO.key, `/api/v1/bookings?contact_id=${call.contact_id}`)).data;
    assert.deepEqual(bookings.map((b) => b.status), ['confirmed']);

    const event = await sse.waitFor((e) => e.event === 'call.summarized' && e.json?.data?.call_sid === sid);
    assert.equal(event.json.data.call_id, call.id);
    assert.equal(event.json.data.summary.outcome, 'booked');
    assert.equal(sse.events.filter((e) => e.event === 'call.summarized' && e.json?.data?.call_sid === sid).length, 1, 'announced once');
  } finally {
    sse.close();
  }
});

test('a call that opens a ticket is summarised as ticket_created, and with transcripts on its words stay', async () => {
  await withVoice({ transcripts: true });
  const [sid, phone] = [callSid(), uniquePhone()];
  const said = 'My boiler has stopped working and there is no hot water at 14 Elm Road';
  const c = await answeredCall(sid, phone);
  try {
    c.prompt(said);
    await c.answer();
  } finally {
    c.close();
  }
  const { contact } = await conversationsOf(server, DEMO.key, phone);
  await eventually(async () => (await listAll(server, DEMO.key, '/api/v1/tickets')).some((t) => t.contact_id === contact.id),
    { what: 'the ticket' });

  await ended(sid, phone);
  const call = await callOf(sid);
  assert.equal(call.outcome, 'ticket_created', JSON.stringify(call.summary));
  assert.equal(call.summary.intent, 'maintenance_request');
  assert.match(call.summary.text, /ticket was opened/, call.summary.text);
  assert.ok(call.summary.follow_ups.some((f) => /^Work the \w+ \w+ ticket: /.test(f)), JSON.stringify(call.summary.follow_ups));

  const thread = await voiceThread(phone);
  assert.equal(thread[0].body, said, 'the caller\'s words are kept');
  assert.ok(!thread.some((m) => m.body === NOT_KEPT), JSON.stringify(thread));
  assert.equal(thread.filter((m) => m.status === 'recorded').length, 1, 'the summary is on the thread too');
});

test('a call nobody answered is summarised as dismissed, saying so', async () => {
  await withVoice({});
  const [sid, phone] = [callSid(), uniquePhone()];
  const answered = await voicePost('/webhooks/twilio/voice', callParams(sid, phone));
  assert.equal(answered.status, 200, answered.text);
  await ended(sid, phone, 'no-answer', '0');
  const call = await callOf(sid);
  assert.equal(call.outcome, 'dismissed');
  assert.equal(call.summary.text, `${phone} called. The call did not connect (no-answer).`);
  assert.deepEqual(call.summary.follow_ups, []);
  assertError(await api(server, DEMO2.key, `/api/v1/calls/${call.id}`), 404, 'not_found', 'another tenant');
});

test('a voicemail reported completed before its recording is summarised when the recording arrives', async () => {
  await putSettings({ ...original, hours: {}, holidays: [], voice: { after_hours: 'voicemail' } });
  const [sid, phone] = [callSid(), uniquePhone()];
  const answered = await voicePost('/webhooks/twilio/voice', callParams(sid, phone));
  assert.match(answered.text, /<Record /, answered.text);
  await ended(sid, phone, 'completed', '25');
  assert.equal((await callOf(sid)).summary, null, 'waits for the recording');

  const recordingSid = 'RE' + randomBytes(16).toString('hex');
  const recorded = await voicePost('/webhooks/twilio/voice/recording?number=%2B14155550100', {
    AccountSid: 'AC' + 'd'.repeat(32), CallSid: sid, RecordingSid: recordingSid, RecordingDuration: '17', RecordingStatus: 'completed',
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC${'d'.repeat(32)}/Recordings/${recordingSid}`,
  });
  assert.equal(recorded.status, 200, recorded.text);
  const call = await callOf(sid);
  assert.equal(call.outcome, 'voicemail', JSON.stringify(call.summary));
  assert.equal(call.summary.text, `${phone} called. They left a voicemail (17 s).`);
  assert.deepEqual(call.summary.follow_ups, ['Listen to the voicemail and call them back.']);
});
