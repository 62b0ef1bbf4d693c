// Official Twilio signature vectors (docs PROTOCOLS.md §1.2, AuthToken 12345). No server needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  twilioSignature, validateTwilioSignature, signedData, signedSmsRequest, smsWebhookParams, twimlMessages,
} from '../scripts/lib/twilio.mjs';

const TOKEN = '12345';
const BASE = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = [
  ['CallSid', 'CA1234567890ABCDE'], ['Caller', '+14158675309'], ['Digits', '1234'],
  ['From', '+14158675309'], ['To', '+18005551212'],
];

test('base vector: signed string and signature', () => {
  assert.equal(signedData(BASE, PARAMS),
    'https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212');
  assert.equal(twilioSignature(TOKEN, BASE, PARAMS), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  // Param order in the form must not matter.
  assert.equal(twilioSignature(TOKEN, BASE, [...PARAMS].reverse()), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  // Object form is accepted too.
  assert.equal(twilioSignature(TOKEN, BASE, Object.fromEntries(PARAMS)), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  assert.ok(validateTwilioSignature(TOKEN, BASE, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='));
  assert.ok(!validateTwilioSignature('54321', BASE, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='));
});

const URL_ROWS = [
  ['https URL with port 443 added', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', 'kvajT1Ptam85bY51eRf/AJRuM3w='],
  ['http URL with port 80 added', 'http://mycompany.com:80/myapp.php?foo=1&bar=2', '0ZXoZLH/DfblKGATFgpif+LLRf4='],
  ['http URL with port 1234', 'http://mycompany.com:1234/myapp.php?foo=1&bar=2', 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
  ['credentials in URL', 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'CukzLTc1tT5dXEDIHm/tKBanW10='],
  ['credentials in URL, port 443 added', 'https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2', 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI='],
  ['username only in URL', 'https://user@mycompany.com/myapp.php?foo=1&bar=2', '2YRLlVAflCqxaNicjMpJcSTgzSs='],
];
for (const [name, url, expected] of URL_ROWS) {
  test(`vector: ${name}`, () => {
    assert.equal(twilioSignature(TOKEN, url, PARAMS), expected);
    assert.ok(validateTwilioSignature(TOKEN, url, PARAMS, expected));
  });
}

test('vector: https :1234 validates against the port-stripped URL', () => {
  const url = 'https://mycompany.com:1234/myapp.php?foo=1&bar=2';
  const expected = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
  assert.notEqual(twilioSignature(TOKEN, url, PARAMS), expected);
  assert.equal(twilioSignature(TOKEN, BASE, PARAMS), expected);
  assert.ok(validateTwilioSignature(TOKEN, url, PARAMS, expected));
});

test('vector: port variants validate both ways', () => {
  // Twilio may sign with or without the default port; a validator accepts either.
  assert.ok(validateTwilioSignature(TOKEN, BASE, PARAMS, 'kvajT1Ptam85bY51eRf/AJRuM3w='));
  assert.ok(validateTwilioSignature(TOKEN, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='));
});

test('vector: repeated keys are sorted and de-duplicated', () => {
  const params = [['Sid', 'CA123'], ['SidAccount', 'AC123'], ['Digits', '5678'], ['Digits', '1234'], ['Digits', '1234']];
  assert.equal(twilioSignature(TOKEN, BASE, params), 'IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  assert.equal(twilioSignature(TOKEN, BASE, { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] }), 'IK+Dwps556ElfBT0I3Rgjkr1wJU=');
});

test('vector: array param, either order', () => {
  const a = ['MessagingBinding.Address', '+1325xxxxxxx'];
  const b = ['MessagingBinding.Address', '+1415xxxxxxx'];
  assert.equal(twilioSignature(TOKEN, BASE, [a, b]), '83O6e2vORAoJHUNzJjDWN1jz+BA=');
  assert.equal(twilioSignature(TOKEN, BASE, [b, a]), '83O6e2vORAoJHUNzJjDWN1jz+BA=');
});

test("vector: special character in query is signed WHATWG-encoded", () => {
  const raw = "https://mycompany.com/myapp.php?foo=1&bar=2&Body=It's+amazing";
  const encoded = new URL(raw).href;
  assert.equal(encoded, 'https://mycompany.com/myapp.php?foo=1&bar=2&Body=It%27s+amazing');
  assert.equal(twilioSignature(TOKEN, encoded, PARAMS), 'TfZzewPq8wqrGlMfyAud8+/IvJ0=');
  assert.equal(twilioSignature(TOKEN, raw, PARAMS), 'dsq4Ehbj6cs+KdTkpF5sSSplOWw=');
  assert.ok(validateTwilioSignature(TOKEN, raw, PARAMS, 'TfZzewPq8wqrGlMfyAud8+/IvJ0='));
});

test('vectors: JSON body (bodySHA256, empty params)', () => {
  const body = '{"property": "value", "boolean": true}';
  const sha = createHash('sha256').update(body).digest('hex');
  assert.equal(sha, '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620');
  assert.equal(twilioSignature(TOKEN, `${BASE}&bodySHA256=${sha}`, []), 'a9nBmqA0ju/hNViExpshrM61xv4=');
  assert.equal(twilioSignature(TOKEN, `https://mycompany.com/myapp.php?bodySHA256=${sha}`, []), 'y77kIzt2vzLz71DgmJGsen2scGs=');
  const empty = createHash('sha256').update('{}').digest('hex');
  assert.equal(empty, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  const url = `${BASE}&bodySHA256=${empty}`;
  assert.equal(twilioSignature(TOKEN, url, []), 'rw/jVviOgicj2+kHZULvebnA4ag=');
  assert.ok(validateTwilioSignature(TOKEN, url, [], 'Ldidvp12m26NI7eqEvxnEpkd9Hc='), 'validates via the :443 variant');
});

test('signedSmsRequest signs publicBaseUrl + path over the exact form it sends', () => {
  const req = signedSmsRequest({
    baseUrl: 'http://127.0.0.1:9999', publicBaseUrl: 'https://frontdesk.example.com', authToken: 'tok',
    from: '+447700900123', to: '+14155550100', body: "Hi & <there> it's me", messageSid: 'SM' + '0'.repeat(32),
  });
  assert.equal(req.url, 'http://127.0.0.1:9999/webhooks/twilio/sms');
  assert.equal(req.init.method, 'POST');
  assert.equal(req.init.headers['content-type'], 'application/x-www-form-urlencoded');
  const sent = [...new URLSearchParams(req.init.body).entries()];
  assert.equal(req.init.headers['x-twilio-signature'],
    twilioSignature('tok', 'https://frontdesk.example.com/webhooks/twilio/sms', sent));
  const form = Object.fromEntries(sent);
  assert.equal(form.Body, "Hi & <there> it's me");
  assert.equal(form.MessageSid, req.messageSid);
  assert.equal(form.SmsSid, req.messageSid);
  assert.equal(form.SmsMessageSid, req.messageSid);
  assert.match(form.AccountSid, /^AC[0-9a-f]{32}$/);
  assert.equal(form.NumMedia, '0');
  assert.equal(form.NumSegments, '1');
  assert.equal(form.ApiVersion, '2010-04-01');
  assert.equal(form.FromCountry, 'GB');
  assert.equal(form.ToCountry, 'US');
  assert.match(signedSmsRequest({ baseUrl: 'http://x', authToken: 't', from: '+1', to: '+2', body: '' }).messageSid, /^SM[0-9a-f]{32}$/);
  assert.ok(smsWebhookParams({ from: '+1', to: '+2', body: 'x', messagingServiceSid: 'MG1' }).some(([k]) => k === 'MessagingServiceSid'));
});

test('twimlMessages extracts and XML-unescapes replies', () => {
  const xml = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hi &amp; welcome &lt;3 it&apos;s &#x263A; &#65;</Message></Response>';
  assert.deepEqual(twimlMessages(xml), ["Hi & welcome <3 it's \u263A A"]);
  assert.deepEqual(twimlMessages('<Response><Message><Body>a&quot;b</Body></Message></Response>'), ['a"b']);
  assert.deepEqual(twimlMessages('<Response/>'), []);
});
