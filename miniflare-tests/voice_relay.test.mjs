// The ConversationRelay WebSocket end to end: a scripted Twilio side (scripts/lib/relay.mjs,
// Twilio's exact messages) calls the demo tenant through a signed handshake; the caller's words
// are turns of their voice thread, spoken back as text tokens; handoffs end the relay with
// handoffData; an interrupt leaves only what the caller heard in the history.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './helpers/server.mjs';
import { DEMO, uniquePhone, conversationsOf, messagesOf, listAll, eventually, apiOk, apiPost, assertError } from './helpers/api.mjs';
import { openCall, randomCallSid, relayTarget } from '../scripts/lib/relay.mjs';
import { twilioSignature } from '../scripts/lib/twilio.mjs';
import { connectSse } from './helpers/sse.mjs';
import { onRelayCall } from './helpers/voice.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });


const call = (opts = {}) => openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number, ...opts });

/** Calls the demo tenant from `phone` (Twilio's `setup` sent), runs fn(call), hangs up. */
const onCall = (phone, fn, opts) => onRelayCall(server, phone, fn, opts);

/** A raw upgrade request, so a refusal's HTTP status and body are visible. `sign(signedUrl)`
 *  gives the X-Twilio-Signature (null: none). */
function handshake(sign, { to = DEMO.number } = {}) {
  const { pathAndQuery, signedUrl } = relayTarget({ publicBaseUrl: server.publicBaseUrl, callSid: randomCallSid(), to });
  const signature = sign(signedUrl);
  const headers = {
    connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return new Promise((resolve, reject) => {
    const req = http.get(server.baseUrl + pathAndQuery, { headers, timeout: 15_000 });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: res.statusCode, body: '' }); });
    req.on('error', reject);
  });
}

async function voiceMessages(phone) {
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const voice = conversations.filter((c) => c.channel === 'voice');
  assert.equal(voice.length, 1, `one voice conversation: ${JSON.stringify(conversations)}`);
  return (await messagesOf(server, DEMO.key, voice[0].id)).reverse();
}

test('a signed call about the Elm Road flat is answered in spoken tokens and stored on the voice thread, with its wait', async () => {
  const phone = uniquePhone();
  const live = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  await onCall(phone, async (c) => {
    c.prompt('Is the flat on Elm Road still available?');
    const { text, tokens, end } = await c.answer();
    assert.equal(end, undefined, 'the call goes on');
    assert.ok(tokens.length > 1, `the reply is streamed in several tokens: ${JSON.stringify(tokens)}`);
    assert.ok(tokens.slice(0, -1).every((t) => t.last === false) && tokens.at(-1).last === true, JSON.stringify(tokens));
    assert.match(text, /Elm Road/i, `the answer is about the flat asked for: ${text}`);
    const sentences = text.match(/[^.?!]+[.?!]+/g) ?? [text];
    assert.ok(sentences.length <= 3 && sentences.filter((s) => s.endsWith('?')).length <= 1, `a spoken reply is short: ${text}`);

    // Published once the reply's wait is stored.
    const timed = await live.waitFor((e) => e.event === 'call.turn' && e.json?.data.call_sid === c.callSid);
    const msgs = await voiceMessages(phone);
    assert.deepEqual(msgs.map((m) => [m.direction, m.channel]), [['inbound', 'voice'], ['outbound', 'voice']]);
    assert.equal(msgs[0].body, 'Is the flat on Elm Road still available?');
    assert.equal(msgs[1].body, text, 'the history holds what was said on the call');

    // The caller's wait, stored with the reply and on the dashboard's live stream.
    const waits = [msgs[1].first_token_ms, msgs[1].last_token_ms];
    assert.ok(waits.every(Number.isInteger) && waits[0] <= waits[1], `the reply's waits: ${JSON.stringify(msgs[1])}`);
    assert.equal(msgs[0].first_token_ms, undefined, 'a caller turn has no wait of its own');
    assert.deepEqual(timed.json.data, { call_sid: c.callSid, turn: 1, message_id: msgs[1].id, first_token_ms: waits[0], last_token_ms: waits[1] });
    // The console's contact timeline shows the same wait on the spoken reply.
    const { contact_id: contactId } = await apiOk(server, DEMO.key, `/api/v1/conversations/${msgs[1].conversation_id}`);
    const timeline = await apiOk(server, DEMO.key, `/api/v1/contacts/${contactId}/timeline`);
    const spoken = timeline.items.find((i) => i.kind === 'message' && i.id === msgs[1].id);
    assert.deepEqual([spoken?.first_token_ms, spoken?.last_token_ms], waits, JSON.stringify(spoken));
    // A caller on the line is never put on hold by a takeover: they would hear silence.
    const held = await apiPost(server, DEMO.key, `/api/v1/conversations/${msgs[1].conversation_id}/takeover`, {});
    assertError(held, 422, 'unsupported_channel', 'a call is not taken over');
  });
  live.close();
});

test('an unsigned or wrongly signed handshake is refused and opens no call', async () => {
  const unsigned = await handshake(() => null);
  assert.equal(unsigned.status, 403, unsigned.body);
  assert.equal(JSON.parse(unsigned.body).error.code, 'invalid_signature');
  const wrongToken = await handshake((url) => twilioSignature('not-the-auth-token', url, []));
  assert.equal(wrongToken.status, 403, wrongToken.body);
  const otherTenant = await handshake((url) => twilioSignature('demo2-twilio-auth-token', url, []));
  assert.equal(otherTenant.status, 403, otherTenant.body);
  const otherCall = await handshake(() => twilioSignature(DEMO.token, relayTarget({ publicBaseUrl: server.publicBaseUrl, callSid: 'CA1', to: DEMO.number }).signedUrl, []));
  assert.equal(otherCall.status, 403, 'a signature for another call does not open this one');
  const httpsUrl = await handshake((url) => twilioSignature(DEMO.token, url.replace('wss://', 'https://'), []));
  assert.equal(httpsUrl.status, 403, 'the signed URL is the wss:// one Twilio opened');
  await assert.rejects(call({ signature: 'AAAA' }), /refused/);
  // The same raw request correctly signed is upgraded: the refusals were the signature's.
  const signed = await handshake((url) => twilioSignature(DEMO.token, url, []));
  assert.equal(signed.status, 101, signed.body);
});

test('"can I speak to someone" ends the relay with handoffData reason human; so does pressing 0', async () => {
  const phone = uniquePhone();
  await onCall(phone, async (c) => {
    c.prompt('Can I speak to someone please?');
    const spoken = await c.answer();
    assert.ok(spoken.text.length > 0, 'the caller is told what happens before the handoff');
    const end = await c.next();
    assert.equal(end.type, 'end', JSON.stringify(end));
    const data = JSON.parse(end.handoffData);
    assert.equal(data.reason, 'human');
    assert.equal(data.contact, phone);
    assert.equal(data.callSid, c.callSid);
  });

  await onCall(uniquePhone(), async (d) => {
    d.dtmf(0);
    const { end } = await d.answer();
    assert.equal(end?.reason, 'human', 'DTMF 0 is the shortcut to a person');
  });
});

test('a goodbye is answered, then the relay ends the call (reason goodbye); a question first does not end it', async () => {
  const phone = uniquePhone();
  await onCall(phone, async (c) => {
    c.prompt('What are your opening hours?');
    const asked = await c.answer();
    assert.equal(asked.end, undefined, `a question keeps the call open: ${JSON.stringify(asked.end)}`);
    c.prompt('Thanks, bye.');
    const bye = await c.answer();
    assert.ok(bye.text.length > 0, 'the caller hears a goodbye before the line closes');
    const end = await c.next();
    assert.equal(end.type, 'end', JSON.stringify(end));
    assert.equal(JSON.parse(end.handoffData).reason, 'goodbye');
  });
});

test('an interrupt mid-answer leaves only the heard part in the history', async () => {
  const phone = uniquePhone();
  await onCall(phone, async (c) => {
    c.prompt('Is the flat on Elm Road still available?');
    const first = await c.answer();
    const heard = first.tokens[0].token;
    assert.ok(heard.length < first.text.length, 'the caller interrupts before the end');
    c.interrupt(heard);
    // The next turn is answered after the interrupt was taken (messages are taken in order).
    c.prompt('What are your opening hours?');
    await c.answer();

    const msgs = await voiceMessages(phone);
    const replies = msgs.filter((m) => m.direction === 'outbound');
    assert.equal(replies.length, 2, JSON.stringify(msgs));
    assert.equal(replies[0].body, heard.trim(), `only the heard part is kept: ${JSON.stringify(replies[0])}`);
  });
});

test('an emergency call opens an emergency escalation and hands the caller to a person', async () => {
  const phone = uniquePhone();
  await onCall(phone, async (c) => {
    c.prompt("There's a gas leak in my kitchen");
    const spoken = await c.answer();
    assert.match(spoken.text, /on-call|emergency|gas/i, `the caller is told help is coming: ${spoken.text}`);
    const end = await c.next();
    assert.equal(end.type, 'end');
    assert.equal(JSON.parse(end.handoffData).reason, 'emergency');
  });
  const { contact } = await conversationsOf(server, DEMO.key, phone);
  const escalations = await eventually(async () => {
    const rows = (await listAll(server, DEMO.key, '/api/v1/escalations?status=open')).filter((e) => e.contact_id === contact.id);
    return rows.length ? rows : null;
  }, { what: 'the emergency escalation' });
  assert.deepEqual(escalations.map((e) => [e.reason, e.priority]), [['emergency', 'critical']]);
});

test('a dropped WebSocket reconnects into the same call: the next turn continues its thread', async () => {
  const phone = uniquePhone();
  const callSid = await onCall(phone, async (c) => {
    c.prompt('Is the flat on Elm Road still available?');
    await c.answer();
    return c.callSid;
  });

  // Twilio reconnects with the same CallSid and sends `setup` again.
  await onCall(phone, async (again) => {
    again.prompt('What are your opening hours?');
    const { text } = await again.answer();
    assert.ok(text.length > 0);
  }, { callSid });
  const msgs = await voiceMessages(phone);
  assert.deepEqual(msgs.map((m) => m.direction), ['inbound', 'outbound', 'inbound', 'outbound'], JSON.stringify(msgs));
  assert.deepEqual(msgs.filter((m) => m.direction === 'inbound').map((m) => m.provider_message_id),
    [`${callSid}:1`, `${callSid}:2`], 'turns are numbered across the reconnect, none answered twice');
});

test('two final prompts in quick succession are two turns, answered in order', async () => {
  const phone = uniquePhone();
  await onCall(phone, async (c) => {
    c.prompt('Is the flat on Elm Road still available?');
    c.prompt('What are your opening hours?');
    const first = await c.answer();
    const second = await c.answer();
    assert.match(first.text, /Elm Road/, first.text);
    assert.match(second.text, /opening hours/i, second.text);
  });
  const msgs = await voiceMessages(phone);
  assert.deepEqual(msgs.filter((m) => m.direction === 'inbound').map((m) => m.body),
    ['Is the flat on Elm Road still available?', 'What are your opening hours?'], JSON.stringify(msgs));
  assert.equal(msgs.filter((m) => m.direction === 'outbound').length, 2, JSON.stringify(msgs));
});

/** The demo tenant's settings with `voice` replaced; the original is put back after `fn`. */
async function withVoiceSettings(voice, fn) {
  const original = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  const put = await putSettings({ ...original, voice });
  assert.equal(put.status, 200, put.text);
  try {
    return await fn();
  } finally {
    assert.equal((await putSettings(original)).status, 200);
  }
}

async function putSettings(settings) {
  const res = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings }),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

test('the reply is written to be spoken, with the tenant\'s pronunciations, and stored as said', async () => {
  const pronunciations = [{ say: 'Elm Road', as: 'Elm Rode' }, { say: 'Maple', as: 'Maypull' }];
  await withVoiceSettings({ pronunciations }, async () => {
    const stored = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings.voice;
    assert.deepEqual(stored.pronunciations, pronunciations, 'the dictionary is kept as sent');
    const phone = uniquePhone();
    await onCall(phone, async (c) => {
      c.prompt('Is the flat on Elm Road still available?');
      const { text } = await c.answer();
      assert.match(text, /Elm Rode/, `the tenant's pronunciation is used: ${text}`);
      assert.match(text, /\d[\d,]* pounds a month/, `the rent is said, not written: ${text}`);
      assert.doesNotMatch(text, /Elm Road|£|&|\d{1,2}:\d{2}/, `no written-only forms are spoken: ${text}`);
      const msgs = await voiceMessages(phone);
      assert.equal(msgs.at(-1).body, text, 'the history holds what was said');
    });
  });
});

test('a bad pronunciation dictionary is refused naming the entry, and nothing changes', async () => {
  const before = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  for (const [pronunciations, field] of [
    [[{ say: '  ', as: 'x' }], 'voice.pronunciations[0].say'],
    [[{ say: 'Soho', as: 'So-ho' }, { say: 'Marylebone', as: 'x'.repeat(81) }], 'voice.pronunciations[1].as'],
    [[{ say: 'Soho', as: 'So-ho' }, { say: 'soho', as: 'Sew-hoe' }], 'voice.pronunciations[1].say'],
    [Array.from({ length: 101 }, (_, i) => ({ say: `w${i}`, as: 'x' })), 'voice.pronunciations'],
  ]) {
    const r = await putSettings({ ...before, voice: { pronunciations } });
    assertError(r, 400, 'malformed_body', field);
    assert.ok(r.json.error.message.includes(field), `${field} is named: ${r.json.error.message}`);
  }
  const wrongShape = await putSettings({ ...before, voice: { pronunciations: [{ word: 'Soho', as: 'So-ho' }] } });
  assertError(wrongShape, 400, 'malformed_body', 'an unknown field');
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/settings')).settings, before, 'the settings are unchanged');
});

test('a Spanish caller hears a language switch, then Spanish; the call keeps it across a reconnect', async () => {
  const phone = uniquePhone();
  const spanishSwitch = { type: 'language', ttsLanguage: 'es-ES', transcriptionLanguage: 'es-ES' };
  const callSid = await onCall(phone, async (c) => {
    c.prompt('Hola, ¿el piso de Elm Road sigue disponible?');
    const first = await c.answer();
    assert.deepEqual(first.language, spanishSwitch, `the switch comes before the tokens: ${JSON.stringify(first)}`);
    assert.match(first.text, /disponible|piso/i, `the reply is in Spanish: ${first.text}`);
    c.prompt('¿Cuál es su horario, por favor?');
    const second = await c.answer();
    assert.equal(second.language, undefined, 'already in Spanish: no second switch');
    return c.callSid;
  });

  await onCall(phone, async (again) => {
    again.prompt('Gracias, ¿tienen algún piso con jardín?');
    const third = await again.answer();
    assert.equal(third.language, undefined, `the reconnected call is still in Spanish: ${JSON.stringify(third.language)}`);
    again.prompt('What are your opening hours?');
    const english = await again.answer();
    assert.deepEqual(english.language, { type: 'language', ttsLanguage: 'en-US', transcriptionLanguage: 'en-US' },
      'back to the tenant\'s language when the caller is');
    assert.match(english.text, /opening hours/i, english.text);
  }, { callSid });
});
