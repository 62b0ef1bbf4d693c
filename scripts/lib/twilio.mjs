// Twilio webhook helpers for the simulator, the miniflare tests and the benchmarks.
// Signature algorithm: docs PROTOCOLS.md §1.1 (twilio-python request_validator.py,
// twilio-node webhooks.ts): Base64(HMAC-SHA1(authToken, url + Σ key+value)), keys sorted,
// a repeated key's values sorted and de-duplicated. Node built-ins only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_PATH = '/webhooks/twilio/sms';

/** Normalises params to [key, value] pairs: accepts an array of pairs, a URLSearchParams, a Map
 *  or a plain object whose values may be arrays (repeated keys). */
export function toPairs(params) {
  if (params == null) return [];
  if (params instanceof URLSearchParams || params instanceof Map) return [...params.entries()];
  if (Array.isArray(params)) return params.map(([k, v]) => [String(k), String(v)]);
  const pairs = [];
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) for (const x of v) pairs.push([k, String(x)]);
    else pairs.push([k, String(v)]);
  }
  return pairs;
}

/** The exact string Twilio signs: url, then key+value for sorted keys and sorted unique values. */
export function signedData(url, params) {
  const byKey = new Map();
  for (const [k, v] of toPairs(params)) {
    if (!byKey.has(k)) byKey.set(k, new Set());
    byKey.get(k).add(v);
  }
  let data = url;
  for (const k of [...byKey.keys()].sort()) {
    for (const v of [...byKey.get(k)].sort()) data += k + v;
  }
  return data;
}

/** X-Twilio-Signature for a form-encoded POST (params = [[key, value], …], repeats allowed). */
export function twilioSignature(authToken, url, params = []) {
  return createHmac('sha1', Buffer.from(authToken, 'utf8'))
    .update(Buffer.from(signedData(url, params), 'utf8'))
    .digest('base64');
}

function withoutPort(url) {
  const u = new URL(url);
  if (!u.port) return url;
  u.port = '';
  return u.href;
}
function withDefaultPort(url) {
  const u = new URL(url);
  if (u.port) return url;
  const port = u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '';
  if (!port) return url;
  // WHATWG URL drops default ports, so splice it in textually after the host (keeping userinfo).
  const auth = u.username ? `${u.username}${u.password ? ':' + u.password : ''}@` : '';
  return `${u.protocol}//${auth}${u.hostname}:${port}${u.pathname}${u.search}${u.hash}`;
}

/** Validator like the official libraries: accepts the URL as given, without its port, or with
 *  the scheme's default port (PROTOCOLS.md §1.1 step 5). Constant-time comparison. */
export function validateTwilioSignature(authToken, url, params, signature) {
  if (typeof signature !== 'string' || !signature) return false;
  const got = Buffer.from(signature);
  const candidates = new Set([url, new URL(url).href, withoutPort(url), withDefaultPort(url)]);
  for (const candidate of candidates) {
    const want = Buffer.from(twilioSignature(authToken, candidate, params));
    if (want.length === got.length && timingSafeEqual(want, got)) return true;
  }
  return false;
}

const hex = (n) => randomBytes(n).toString('hex');
export const randomMessageSid = () => 'SM' + hex(16);
const DEMO_ACCOUNT_SID = 'AC' + 'd'.repeat(32);

function countryOf(phone) {
  const p = String(phone).replace(/^whatsapp:/, '');
  if (p.startsWith('+44')) return 'GB';
  if (p.startsWith('+1')) return 'US';
  if (p.startsWith('+33')) return 'FR';
  if (p.startsWith('+49')) return 'DE';
  return '';
}

/** The form Twilio's Messaging webhook posts for an inbound SMS, as ordered [key, value] pairs. */
export function smsWebhookParams({ from, to, body, messageSid = randomMessageSid(), accountSid = DEMO_ACCOUNT_SID, messagingServiceSid, extra } = {}) {
  const pairs = [
    ['ToCountry', countryOf(to)],
    ['ToState', ''],
    ['SmsMessageSid', messageSid],
    ['NumMedia', '0'],
    ['ToCity', ''],
    ['FromZip', ''],
    ['SmsSid', messageSid],
    ['FromState', ''],
    ['SmsStatus', 'received'],
    ['FromCity', ''],
    ['Body', body ?? ''],
    ['FromCountry', countryOf(from)],
    ['To', to],
    ['ToZip', ''],
    ['NumSegments', '1'],
    ['MessageSid', messageSid],
    ['AccountSid', accountSid],
    ['From', from],
    ['ApiVersion', '2010-04-01'],
  ];
  if (messagingServiceSid) pairs.splice(2, 0, ['MessagingServiceSid', messagingServiceSid]);
  // An extra field replaces a default of the same name (Twilio sends each field once: a
  // second NumMedia would be ignored by the parser, which reads the first).
  for (const [k, v] of toPairs(extra)) {
    const at = pairs.findIndex(([name]) => name === k);
    if (at >= 0) pairs[at] = [k, v]; else pairs.push([k, v]);
  }
  return pairs;
}

/** Encodes pairs as application/x-www-form-urlencoded (space as '+', like Twilio). */
export function formEncode(pairs) {
  return new URLSearchParams(toPairs(pairs)).toString();
}

/**
 * A fetch-ready Twilio SMS webhook delivery.
 * baseUrl: where to send it; publicBaseUrl: what the server signs over (its PUBLIC_BASE_URL);
 * returns { url, init, params, messageSid, signature }.
 */
export function signedSmsRequest({ baseUrl, publicBaseUrl = baseUrl, authToken, from, to, body, messageSid = randomMessageSid(), messagingServiceSid, extra, headers = {} }) {
  const params = smsWebhookParams({ from, to, body, messageSid, messagingServiceSid, extra });
  const signedUrl = publicBaseUrl.replace(/\/+$/, '') + WEBHOOK_PATH;
  const signature = twilioSignature(authToken, signedUrl, params);
  return {
    url: baseUrl.replace(/\/+$/, '') + WEBHOOK_PATH,
    init: {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'TwilioProxy/1.1',
        'x-twilio-signature': signature,
        ...headers,
      },
      body: formEncode(params),
    },
    params,
    messageSid,
    signature,
  };
}

const XML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export function xmlUnescape(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return XML_ENTITIES[e] ?? m;
  });
}

/** Texts of every <Message> in a TwiML document (XML-unescaped); [] when there is none. */
export function twimlMessages(xml) {
  const out = [];
  const re = /<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g;
  let m;
  while ((m = re.exec(xml)) !== null) {
    // A <Message> may wrap its text in <Body>…</Body>.
    const inner = m[1].match(/<Body(?:\s[^>]*)?>([\s\S]*?)<\/Body>/);
    out.push(xmlUnescape(inner ? inner[1] : m[1]));
  }
  return out;
}
