// Call recordings are kept only for the tenant's retention: the sweeper deletes older ones at
// Twilio (a fake Twilio speaking the Recordings REST API records the DELETE) and clears them
// from the call; staff can delete one at once through the API. A delete Twilio refuses keeps
// the recording, so nothing is orphaned at Twilio.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fakeProvider, startServerWith } from './helpers/fake_provider.mjs';
import { voicePost as signedPost, putSettings as replaceSettings } from './helpers/voice.mjs';
import { DEMO, DEMO2, uniquePhone, api, apiOk, apiPost, assertError } from './helpers/api.mjs';

const ACCOUNT_SID = 'AC' + '1e'.repeat(16);
const DAY = 24 * 60 * 60 * 1000;

const script = [];
let twilio;
let server;
let original;
before(async () => {
  twilio = await fakeProvider(() => script.shift() ?? [204, null]);
  server = await startServerWith({
    sql: [`UPDATE tenant_channels SET config = '{"account_sid":"${ACCOUNT_SID}"}' WHERE id = 'chn_demo_twilio'`],
    vars: { TWILIO_API_BASE: twilio.url },
  });
  original = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
}, { timeout: 180_000 });
after(async () => {
  await server?.stop();
  twilio?.close();
});

const putSettings = (settings) => replaceSettings(server, settings);
const voicePost = (path, params) => signedPost(server, path, params);

/** A call to the demo tenant with a recording attached; returns { id, recordingSid }. */
async function recordedCall() {
  const [sid, from] = ['CA' + randomBytes(16).toString('hex'), uniquePhone()];
  const params = { CallSid: sid, AccountSid: ACCOUNT_SID, From: from, To: DEMO.number, CallStatus: 'ringing', Direction: 'inbound' };
  assert.equal((await voicePost('/webhooks/twilio/voice', params)).status, 200);
  const recordingSid = 'RE' + randomBytes(16).toString('hex');
  const recorded = await voicePost('/webhooks/twilio/voice/recording?number=%2B14155550100', {
    AccountSid: ACCOUNT_SID, CallSid: sid, RecordingSid: recordingSid, RecordingDuration: '9', RecordingStatus: 'completed',
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
  });
  assert.equal(recorded.status, 200, recorded.text);
  const { data } = await apiOk(server, DEMO.key, '/api/v1/calls?limit=100');
  const call = data.find((c) => c.call_sid === sid);
  assert.equal(call.recording_sid, recordingSid);
  return { id: call.id, recordingSid };
}

const sweep = async (now) => {
  const r = await apiPost(server, undefined, '/__test/sweep', { now });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const deletesOf = (recordingSid) => twilio.requests.filter((r) => r.url.includes(recordingSid));

test('the sweeper deletes a recording at Twilio once it is older than the tenant\'s retention', async () => {
  const { id, recordingSid } = await recordedCall();

  // A retention of no days at all is refused, and nothing changes.
  const refused = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...original, voice: { recording_retention_days: 0 } } }),
  });
  const body = await refused.json();
  assert.equal(refused.status, 400, JSON.stringify(body));
  assert.match(body.error.message, /voice\.recording_retention_days/);
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/settings')).settings, original);

  // Kept 60 days: a month on, it is still there.
  await putSettings({ ...original, voice: { recording_retention_days: 60 } });
  await sweep(server.now() + 31 * DAY);
  assert.deepEqual(deletesOf(recordingSid), [], 'not deleted within the retention');
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/calls/${id}`)).recording_sid, recordingSid);

  // The default retention (30 days): deleted at Twilio with the tenant's credentials, then on the call.
  await putSettings({ ...original, voice: {} });
  const report = await sweep(server.now() + 31 * DAY);
  assert.ok(report.recordings_deleted >= 1, JSON.stringify(report));
  const [request] = deletesOf(recordingSid);
  assert.ok(request, 'Twilio was asked to delete it');
  assert.equal(request.method, 'DELETE');
  assert.equal(request.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}.json`);
  assert.equal(request.headers.authorization, 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${DEMO.token}`).toString('base64'));
  const call = await apiOk(server, DEMO.key, `/api/v1/calls/${id}`);
  assert.equal(call.recording_sid, null);
  assert.equal(call.recording_url, null);
  assert.ok(call.recording_deleted_at > 0);

  // The next pass has nothing left to delete for it.
  await sweep(server.now() + 32 * DAY);
  assert.equal(deletesOf(recordingSid).length, 1, 'deleted once');
});

test('DELETE /api/v1/calls/{id}/recording deletes it at once; a refusal by Twilio keeps it', async () => {
  const { id, recordingSid } = await recordedCall();
  const del = (key, callId = id) => api(server, key, `/api/v1/calls/${callId}/recording`, { method: 'DELETE' });

  assertError(await del(undefined), 401, 'unauthorized', 'no key');
  assertError(await del(DEMO2.key), 404, 'not_found', 'another tenant\'s call');
  assert.deepEqual(deletesOf(recordingSid), [], 'nothing sent for a refused request');

  script.push([503, { code: 20500, message: 'Internal Server Error', status: 503 }]);
  assertError(await del(DEMO.key), 502, 'provider_failed', 'Twilio failed');
  assert.equal((await apiOk(server, DEMO.key, `/api/v1/calls/${id}`)).recording_sid, recordingSid, 'kept when Twilio failed');

  const done = await del(DEMO.key);
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.recording_sid, null);
  assert.equal(done.json.recording_url, null);
  assert.ok(done.json.recording_deleted_at > 0);
  assert.equal(deletesOf(recordingSid).filter((r) => r.method === 'DELETE').length, 2, 'the failed try and the one that worked');
  assertError(await del(DEMO.key), 404, 'not_found', 'nothing left to delete');
});
