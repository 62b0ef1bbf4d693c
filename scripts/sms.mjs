#!/usr/bin/env node
// Simulates Twilio delivering an inbound SMS to a running Frontdesk (`make sms`).
// Usage: node scripts/sms.mjs --from +447700900123 --body "Hi" [--to +14155550100]
//        [--url http://127.0.0.1:8787] [--public-url <PUBLIC_BASE_URL, default --url>]
//        [--token demo-twilio-auth-token] [--sid SM…]
import { cliArgs } from './lib/cli.mjs';
import { signedSmsRequest, randomMessageSid, twimlMessages } from './lib/twilio.mjs';

const usage = 'usage: node scripts/sms.mjs --from +447700900123 --body "Hi" [--to +14155550100] [--url http://127.0.0.1:8787] [--public-url URL] [--token demo-twilio-auth-token] [--sid SM…]';

const values = cliArgs(usage, { from: { type: 'string' }, body: { type: 'string' }, sid: { type: 'string' } });
if (!values.from || values.body === undefined) { console.error(usage); process.exit(2); }

const req = signedSmsRequest({
  baseUrl: values.url,
  publicBaseUrl: values['public-url'] ?? values.url,
  authToken: values.token,
  from: values.from,
  to: values.to,
  body: values.body,
  messageSid: values.sid || randomMessageSid(),
});

let res, text;
try {
  res = await fetch(req.url, { ...req.init, signal: AbortSignal.timeout(20_000) });
  text = await res.text();
} catch (e) {
  console.error(`POST ${req.url} failed: ${e.cause?.message ?? e.message} (is the server running? try \`make dev\`)`);
  process.exit(1);
}

console.log(`${res.status} ${res.statusText}  (MessageSid ${req.messageSid})`);
if (res.status !== 200) {
  try { console.error(JSON.stringify(JSON.parse(text), null, 2)); } catch { console.error(text); }
  process.exit(1);
}
const replies = twimlMessages(text);
if (replies.length === 0) console.log('(no reply)');
for (const r of replies) console.log(`reply: ${r}`);
