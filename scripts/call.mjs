#!/usr/bin/env node
// A text-mode phone call to a running Frontdesk (`make call`): plays Twilio's side of a
// `<ConversationRelay>` call over the same signed WebSocket, so you type what a caller would say
// and read what the receptionist would speak. `0` on its own line presses the 0 key (a person).
// Usage: node scripts/call.mjs [--from +447700900123] [--to +14155550100]
//        [--url http://127.0.0.1:8787] [--public-url <PUBLIC_BASE_URL, default --url>]
//        [--token demo-twilio-auth-token]
import { cliArgs } from './lib/cli.mjs';
import { createInterface } from 'node:readline/promises';
import { openCall } from './lib/relay.mjs';

const usage = 'usage: node scripts/call.mjs [--from +447700900123] [--to +14155550100] [--url http://127.0.0.1:8787] [--public-url URL] [--token demo-twilio-auth-token]';

const values = cliArgs(usage, { from: { type: 'string', default: '+447700900123' } });

let call;
try {
  call = await openCall({ baseUrl: values.url, publicBaseUrl: values['public-url'] ?? values.url, authToken: values.token, to: values.to });
} catch (e) {
  console.error(`${e.message} (is the server running? try \`make dev\`)`);
  process.exit(1);
}
console.log(`calling ${values.to} from ${values.from} (${call.callSid}); type what you say, 0 for a person, Ctrl-D to hang up`);
call.setup({ from: values.from });

const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
const hangUp = (why) => { console.log(why); call.close(); process.exit(0); };
rl.on('close', () => hangUp('(hung up)'));
try {
  for (;;) {
    const line = (await rl.question('you> ')).trim();
    if (!line) continue;
    if (line === '0') call.dtmf(0); else call.prompt(line);
    const { text, end, language } = await call.answer();
    if (language) console.log(`(the voice switches to ${language.ttsLanguage})`);
    if (text) console.log(`receptionist> ${text}`);
    // A handoff follows the spoken words at once when there is one.
    const next = end ? { type: 'end', handoffData: JSON.stringify(end) } : await call.next(300).catch(() => undefined);
    if (next?.type === 'end') hangUp(`(call handed off: ${next.handoffData})`);
  }
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
