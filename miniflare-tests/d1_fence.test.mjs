// The D1 fence: a duplicate that no ConversationDO remembers is answered by the ledger in D1.
// The thread's object dedupes in memory first, so the claim-guarded batch only meets a
// duplicate when that memory is gone: here the server is restarted on the same persist dir
// (a new workerd, new object instances, the same D1) between two deliveries of one MessageSid.
// The second delivery's batch claims nothing, writes nothing and reads back the first answer.
// The rules themselves (claim, stale takeover, fenced writes) are tested on the host against
// core's MemoryStore (`cargo test -p frontdesk-core store::`).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, prepareDatabase } from './helpers/server.mjs';
import { DEMO, uniquePhone, sendSms, assertTwimlReply, conversationsOf, messagesOf } from './helpers/api.mjs';

let persistDir;
let server;

before(async () => {
  persistDir = mkdtempSync(join(tmpdir(), 'frontdesk-fence-'));
  await prepareDatabase(persistDir);
  server = await startServer({ persistDir });
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

async function timeline(phone) {
  const { conversations } = await conversationsOf(server, DEMO.key, phone);
  const messages = [];
  for (const c of conversations) messages.push(...(await messagesOf(server, DEMO.key, c.id)));
  return { conversations, messages };
}

test('a duplicate delivered after a restart gets the first reply from the D1 ledger and stores nothing', { timeout: 180_000 }, async () => {
  const phone = uniquePhone();
  const first = await sendSms(server, { from: phone, body: 'Hi, is the 2-bed flat on Elm Road still available?' });
  const reply = assertTwimlReply(first, 'first delivery');
  const before = await timeline(phone);
  assert.equal(before.messages.length, 2, JSON.stringify(before.messages));

  // A new workerd on the same D1: the thread's object starts with no memory of the event.
  await server.stop();
  // The same public origin, as a redeploy keeps it: the answer names it (Twilio's status URL).
  server = await startServer({ persistDir, publicBaseUrl: server.publicBaseUrl });

  // Twilio retries with the same MessageSid (and here the same body: a real retry).
  const again = await sendSms(server, { from: phone, body: 'Hi, is the 2-bed flat on Elm Road still available?', messageSid: first.messageSid });
  assert.equal(assertTwimlReply(again, 'duplicate after restart'), reply, 'the first answer, from the ledger');
  assert.equal(again.text, first.text, 'the same TwiML');

  const after = await timeline(phone);
  assert.equal(after.conversations.length, 1, JSON.stringify(after.conversations));
  assert.equal(after.messages.filter((m) => m.direction === 'inbound').length, 1, JSON.stringify(after.messages));
  assert.equal(after.messages.filter((m) => m.direction === 'outbound').length, 1, JSON.stringify(after.messages));
  assert.deepEqual(after.messages.map((m) => m.id).sort(), before.messages.map((m) => m.id).sort(), 'the same two rows');
  assert.equal(after.conversations[0].last_message_at, before.conversations[0].last_message_at, 'nothing touched');

  // The object now remembers the answer too: a third delivery is answered from memory, the same way.
  const third = await sendSms(server, { from: phone, body: 'Hi, is the 2-bed flat on Elm Road still available?', messageSid: first.messageSid });
  assert.equal(third.text, first.text);
});
