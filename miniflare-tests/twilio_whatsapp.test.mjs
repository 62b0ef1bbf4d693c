// WhatsApp through Twilio: the same Messaging webhook with `whatsapp:` addresses, ProfileName,
// WaId and media fields (PROTOCOLS.md §3.1); and caller recognition across SMS and WhatsApp.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { signedSmsRequest, twimlMessages } from '../scripts/lib/twilio.mjs';
import { DEMO, uniquePhone, sendSms, assertTwimlReply, conversationsOf, messagesOf, contactsByPhone, listAll } from './helpers/api.mjs';

let server;
before(async () => { server = await startServer(); }, { timeout: 120_000 });
after(async () => { await server?.stop(); });

async function sendWhatsApp({ phone, body, profileName, extra = [] }) {
  const req = signedSmsRequest({
    baseUrl: server.baseUrl,
    publicBaseUrl: server.publicBaseUrl ?? server.baseUrl,
    authToken: DEMO.token,
    from: `whatsapp:${phone}`,
    to: `whatsapp:${DEMO.number}`,
    body,
    extra: [['ProfileName', profileName], ['WaId', phone.slice(1)], ...extra],
  });
  const res = await fetch(req.url, { ...req.init, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, replies: twimlMessages(text), messageSid: req.messageSid };
}

test('a WhatsApp message via Twilio is answered, stored on the whatsapp channel, named from ProfileName, media kept', async () => {
  const phone = uniquePhone();
  const r = await sendWhatsApp({
    phone, body: 'Here is the damp patch', profileName: 'Ana Lima',
    extra: [['NumMedia', '1'], ['MediaUrl0', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1'], ['MediaContentType0', 'image/jpeg']],
  });
  const reply = assertTwimlReply(r, 'whatsapp');
  // WhatsApp's default style is casual (settings.channel_tone overrides it).
  assert.match(reply, /^Hey Ana! Thanks for getting in touch with Maple & Pine Lettings\./);

  const [contact] = await contactsByPhone(server, DEMO.key, phone);
  assert.equal(contact.name, 'Ana Lima', 'the WhatsApp profile name becomes the contact name');
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.equal(conversations.length, 1);
  assert.equal(conversations[0].channel, 'whatsapp');
  const msgs = await messagesOf(server, DEMO.key, conversations[0].id);
  assert.deepEqual(msgs.map((m) => [m.direction, m.channel]).sort(), [['inbound', 'whatsapp'], ['outbound', 'whatsapp']]);
  assert.equal(msgs.find((m) => m.direction === 'inbound').provider_message_id, r.messageSid);
});

test('a returning contact is recognised by name across channels: SMS first, then WhatsApp with the same number', async () => {
  const phone = uniquePhone();
  const first = assertTwimlReply(await sendSms(server, { from: phone, body: 'Is the flat on Elm Road available?' }), 'sms');
  assert.match(first, /^Hi, thanks for contacting/, 'a first-time sender is greeted as new');

  const second = assertTwimlReply(await sendWhatsApp({ phone, body: 'Hello again', profileName: 'Ben Okafor' }), 'whatsapp');
  assert.match(second, /^Hi Ben, welcome back to Maple & Pine Lettings!/, 'recognised on the other channel');

  const contacts = await contactsByPhone(server, DEMO.key, phone);
  assert.equal(contacts.length, 1, 'one contact across both channels');
  assert.equal(contacts[0].name, 'Ben Okafor');
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  assert.deepEqual(conversations.map((c) => c.channel).sort(), ['sms', 'whatsapp'], 'one conversation per channel, one timeline per contact');

  // And back on SMS, within the window: the SMS thread continues, with no second greeting; the
  // calendar offers Friday's free times for the flat they asked about.
  const third = assertTwimlReply(await sendSms(server, { from: phone, body: 'Can I view it on Friday?' }), 'sms again');
  assert.match(third, /^I can show you the flat on Elm Road (on Friday|tomorrow) at \d\d:\d\d.*Which suits you\?$/, third);
});

test('mixing a WhatsApp sender with an SMS receiving address is kept as an unparsed event, not lost', async () => {
  const req = signedSmsRequest({
    baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl ?? server.baseUrl, authToken: DEMO.token,
    from: `whatsapp:${uniquePhone()}`, to: DEMO.number, body: 'hi',
  });
  const res = await fetch(req.url, { ...req.init, signal: AbortSignal.timeout(20_000) });
  // Correctly signed but not a message we can read: Twilio gets an empty answer (no retry storm)
  // and the event waits in /api/v1/unparsed for a build that reads it.
  assert.equal(res.status, 200);
  assert.doesNotMatch(await res.text(), /<Message/);
  const kept = await listAll(server, DEMO.key, '/api/v1/unparsed');
  assert.ok(kept.some((k) => k.provider === 'twilio' && k.event_id === req.messageSid), JSON.stringify(kept));
});
