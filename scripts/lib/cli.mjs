// The simulators' command line (`make sms`, `make call`): the options every one of them takes
// (which server, which tenant number and auth token), parsed strictly, with --help.
import { parseArgs } from 'node:util';

/** Options shared by the Twilio simulators, with the demo tenant's defaults (seed/dev.sql). */
export const TWILIO_OPTIONS = {
  to: { type: 'string', default: '+14155550100' },
  url: { type: 'string', default: 'http://127.0.0.1:8787' },
  'public-url': { type: 'string' },
  token: { type: 'string', default: 'demo-twilio-auth-token' },
};

/** Parsed option values; prints `usage` and exits on a bad option (2) or --help (0). */
export function cliArgs(usage, options) {
  let values;
  try {
    ({ values } = parseArgs({ options: { ...TWILIO_OPTIONS, ...options, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) { console.log(usage); process.exit(0); }
  return values;
}
