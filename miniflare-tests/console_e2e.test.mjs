// The operator console in a real browser (Debian's Chromium through playwright-core, headless)
// against the built worker under `wrangler dev`: issue 13's acceptance as an operator lives it.
// The business clock is pinned to Monday 30 Nov 2026, 20:30 in London — after Maple & Pine's
// Monday hours (09:00–18:00) — so the hours scenario can open the office and see the reply change.
// Scenarios whose backend is not on this server (probed, e.g. no POST /api/v1/session) are
// skipped with that reason rather than passing silently.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { DEMO, api, apiOk, apiPost, contactsByPhone, conversationsOf, eventually, messagesOf, sendSms, uniquePhone } from './helpers/api.mjs';
import { callParams, randomCallSid, voicePost } from './helpers/voice.mjs';
import { openCall } from '../scripts/lib/relay.mjs';
import { browserMissing, launchBrowser, newPage } from './helpers/browser.mjs';

const OWNER = { email: 'owner@demo.example', password: 'demo-owner-password' };
// seed/dev.sql's read-only colleague at demo.
const VIEWER = { email: 'viewer@demo.example', password: 'demo-viewer-password' };
const missingBrowser = browserMissing();

let server;
let browser;
const backend = {};

before(async () => {
  if (missingBrowser) return;
  server = await startServer({ clockAt: '2026-11-30T20:30:00Z' });
  browser = await launchBrowser();
  // Which console endpoints this server has (404 `route not found` = not built yet).
  const has = async (method, path) => {
    const r = await fetch(server.baseUrl + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    const body = await r.text();
    return !(r.status === 404 && /route/.test(body));
  };
  backend.session = await has('POST', '/api/v1/session');
  backend.takeover = await has('POST', '/api/v1/conversations/cnv_x/takeover');
  backend.tenants = await has('POST', '/api/v1/tenants');
  backend.team = await has('GET', '/api/v1/users');
  backend.pause = await has('POST', '/api/v1/tenant/pause');
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Skips the running test (true) when the browser or an endpoint it needs is missing here. */
function lacks(t, ...needs) {
  const lacking = needs.filter((n) => !backend[n]);
  const why = missingBrowser ?? (lacking.length ? `this server has no ${lacking.join(', ')} endpoint yet` : null);
  if (why) t.skip(why);
  return why !== null;
}

/** Signs in through the login form (or, without sessions on this server, with the API key). */
async function signIn(page, who = OWNER) {
  await page.goto('/');
  if (backend.session) {
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  } else {
    await page.getByRole('button', { name: 'Use an API key instead' }).click();
    await page.getByLabel('API key').fill(DEMO.key);
    await page.getByRole('button', { name: 'Connect' }).click();
  }
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
}

async function openPage(t) {
  const page = await newPage(browser, server.baseUrl);
  t.after(async () => {
    await page.context().close();
  });
  return page;
}

/** A UK mobile as the console shows it: +447700900123 → 07700 900123. */
const shown = (e164) => `0${e164.slice(3, 7)} ${e164.slice(7)}`;

const noProblems = (page) => assert.deepEqual(page.problems.filter((p) => !/Failed to load resource/.test(p)), [], 'no script errors on the page');

test('the demo owner signs in with email and password; a wrong password is refused and says so', async (t) => {
  if (lacks(t, 'session')) return;
  const page = await openPage(t);
  await page.goto('/');
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();
  await signIn(page);
  assert.match(await page.locator('.topbar').innerText(), /Maple & Pine Lettings[\s\S]*owner@demo\.example/);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'fd_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true, 'scripts cannot read the session cookie');
  assert.equal(session.sameSite, 'Lax');
  // Reloading keeps the person signed in; signing out ends the session on the server.
  await page.reload();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  const after = await fetch(`${server.baseUrl}/api/v1/session`, { headers: { cookie: `fd_session=${session.value}` } });
  assert.equal(after.status, 401, 'the old cookie no longer works');
  noProblems(page);
});

test('a signed SMS appears in the inbox live, without a reload, and opens as a timeline', async (t) => {
  if (lacks(t)) return;
  const page = await openPage(t);
  await signIn(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  const from = uniquePhone();
  const sms = await sendSms(server, { from, body: 'Hello, is the two bed on Elm Road still free?' });
  assert.equal(sms.status, 200);
  const row = page.getByTestId('conversations').getByRole('link').filter({ hasText: shown(from) });
  await row.waitFor();
  await row.click();
  const timeline = page.getByTestId('timeline');
  await timeline.getByText('Hello, is the two bed on Elm Road still free?').waitFor();
  await timeline.getByText(sms.replies[0].slice(0, 40)).waitFor();
  // A second message lands in the open conversation by itself.
  await sendSms(server, { from, body: 'Also, do you allow cats?' });
  await timeline.getByText('Also, do you allow cats?').waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was never reloaded');
  noProblems(page);
});

test('an emergency stands out on every page and is resolved with a note from Escalations', async (t) => {
  if (lacks(t)) return;
  const page = await openPage(t);
  await signIn(page);
  await page.goto('/#/leads');
  const from = uniquePhone();
  await sendSms(server, { from, body: 'I can smell gas in the hallway at 21 Elm Road' });
  const banner = page.getByRole('alert').filter({ hasText: 'Emergency' });
  await banner.waitFor();
  await banner.getByRole('link', { name: 'Open' }).click();
  const card = page.getByTestId('escalation').filter({ hasText: 'EMERGENCY' }).first();
  await card.waitFor();
  await card.getByLabel('Note').fill('Called the tenant; gas engineer on the way.');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await page.getByTestId('escalation').filter({ hasText: 'EMERGENCY' }).first().waitFor({ state: 'detached' });
  const open = await apiOk(server, DEMO.key, '/api/v1/escalations?status=open');
  assert.equal(open.data.filter((e) => e.priority === 'critical').length, 0, 'no emergency left open');
  const audit = await apiOk(server, DEMO.key, '/api/v1/audit?action=escalation.status');
  assert.ok(audit.data.some((a) => a.detail?.status === 'resolved' && a.detail?.note === 'Called the tenant; gas engineer on the way.'),
    `the note is in the audit log: ${JSON.stringify(audit.data)}`);
  noProblems(page);
});

test('changing business hours in Settings changes the next after-hours reply', async (t) => {
  if (lacks(t)) return;
  const page = await openPage(t);
  await signIn(page);
  const before = await sendSms(server, { from: uniquePhone(), body: 'Hi, what time can I pop in?' });
  assert.match(before.replies[0], /closed right now/, 'Monday 20:30 is after hours');

  await page.goto('/#/settings');
  await page.getByLabel('Monday closes').fill('23:30');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await page.getByText('Saved.', { exact: false }).waitFor();
  const view = await apiOk(server, DEMO.key, '/api/v1/settings');
  assert.deepEqual(view.settings.hours.mon, ['09:00', '23:30']);
  assert.deepEqual(view.settings.hours.sat, ['10:00', '14:00'], 'the other days are kept');
  assert.equal(view.settings.address, '14 Elm Road, Bristol BS1 4QA', 'fields the form does not show are kept');

  const afterChange = await sendSms(server, { from: uniquePhone(), body: 'Hi, what time can I pop in?' });
  assert.doesNotMatch(afterChange.replies[0], /closed right now/, `open now: ${afterChange.replies[0]}`);
  noProblems(page);
});

test('an owner approves a pending assistant action and it is sent once', async (t) => {
  if (lacks(t)) return;
  const view = await apiOk(server, DEMO.key, '/api/v1/settings');
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...view.settings, mcp: { approval_required: ['send_sms'] } } }),
  });
  assert.equal(put.status, 200, await put.text());
  const phone = uniquePhone();
  await sendSms(server, { from: phone, body: 'Please text me the deposit details' });
  const contact = (await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(phone)}`));
  const contactId = (contact.data ?? contact.contacts)[0].id;
  const words = 'The holding deposit is one week of rent.';
  const mcp = await fetch(`${server.baseUrl}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'send_sms',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'send_sms', arguments: { contact_id: contactId, body: words },
      _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
  });
  const held = (await mcp.json()).result;
  assert.equal(held.structuredContent.status, 'pending_approval', JSON.stringify(held));

  const page = await openPage(t);
  await signIn(page);
  await page.goto('/#/approvals');
  const card = page.getByTestId('approval').filter({ hasText: words });
  await card.waitFor();
  assert.match(await card.innerText(), /Send an SMS[\s\S]*asked by/, 'says what would be done and who asked');
  await card.getByRole('button', { name: 'Approve' }).click();
  await page.getByText('Nothing waiting for approval.').waitFor();
  const sent = await apiOk(server, DEMO.key, '/api/v1/outbox?limit=50');
  assert.equal(sent.data.filter((o) => o.payload?.body === words).length, 1, 'sent exactly once');
  noProblems(page);
});

test('take over a conversation, reply as staff (delivered, simulated) while the AI stays silent, then hand back', async (t) => {
  if (lacks(t, 'takeover')) return;
  const page = await openPage(t);
  await signIn(page);
  const from = uniquePhone();
  await sendSms(server, { from, body: 'Is the Clifton flat still available?' });
  await page.getByTestId('conversations').getByRole('link').filter({ hasText: shown(from) }).click();
  await page.getByRole('button', { name: 'Take over' }).click();
  await page.getByTestId('held').waitFor();

  const whileHeld = await sendSms(server, { from, body: 'Are you still there?' });
  assert.deepEqual(whileHeld.replies, [], 'the AI does not answer a held conversation');
  const timeline = page.getByTestId('timeline');
  await timeline.getByText('Are you still there?').waitFor();

  await page.getByLabel('Reply').fill('Hi, this is Priya from Maple & Pine. I will call you at 10 tomorrow.');
  await page.getByRole('button', { name: 'Send' }).click();
  const staff = timeline.getByTestId('message').filter({ hasText: 'I will call you at 10 tomorrow' });
  await staff.waitFor();
  assert.match(await staff.innerText(), /\bYou\b/, 'the reply is marked as the signed-in person\'s, not the AI\'s');
  // Delivered through the outbox (no Twilio credentials here: `simulated`); the page shows it.
  const conversationId = page.url().split('/').pop();
  let delivered;
  for (let i = 0; i < 100 && !delivered; i++) {
    const msgs = (await apiOk(server, DEMO.key, `/api/v1/conversations/${conversationId}/messages`)).data;
    delivered = msgs.find((m) => m.direction === 'outbound' && m.body.includes('I will call you at 10 tomorrow') && m.status === 'simulated');
    if (!delivered) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(delivered, 'the staff reply was delivered (simulated)');
  await page.reload();
  await page.getByTestId('timeline').getByTestId('message').filter({ hasText: 'I will call you at 10 tomorrow' })
    .getByTestId('delivery').filter({ hasText: 'simulated' }).waitFor();
  await page.getByTestId('held').waitFor();

  await page.getByRole('button', { name: 'Hand back to AI' }).click();
  await page.getByRole('button', { name: 'Take over' }).waitFor();
  const afterHandback = await sendSms(server, { from, body: 'Thanks! What is the rent?' });
  assert.equal(afterHandback.replies.length, 1, 'the AI answers again once handed back');
  noProblems(page);
});

test('a viewer can read conversations but cannot reply, and the API refuses them too', async (t) => {
  if (lacks(t, 'session')) return;
  const from = uniquePhone();
  await sendSms(server, { from, body: 'Is parking included?' });
  const page = await openPage(t);
  await signIn(page, VIEWER);
  await page.getByTestId('conversations').getByRole('link').filter({ hasText: shown(from) }).click();
  await page.getByTestId('timeline').getByText('Is parking included?').waitFor();
  await page.getByTestId('read-only').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Take over' }).count(), 0);
  assert.equal(await page.getByLabel('Reply').count(), 0);
  // Even a hand-made request with the session and its CSRF token is refused, and nothing is sent.
  const status = await page.evaluate(async () => {
    const s = await (await fetch('/api/v1/session')).json();
    const list = await (await fetch('/api/v1/conversations?limit=1')).json();
    const r = await fetch(`/api/v1/contacts/${list.data[0].contact_id}/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token }, body: JSON.stringify({ channel: 'sms', body: 'sneaky' }),
    });
    return r.status;
  });
  assert.equal(status, 403);
  const outbox = await apiOk(server, DEMO.key, '/api/v1/outbox?limit=50');
  assert.equal(outbox.data.filter((o) => o.payload?.body === 'sneaky').length, 0, 'nothing was sent');
  noProblems(page);
});

/** The owner signed in, with every confirm() accepted and its question kept in `asked`. */
async function signInAccepting(t) {
  const page = await openPage(t);
  const asked = [];
  page.on('dialog', (d) => { asked.push(d.message()); d.accept(); });
  await signIn(page);
  return { page, asked };
}

test('Team & keys: the owner adds an agent and issues a key that works until revoked; the agent cannot see the page', async (t) => {
  if (lacks(t, 'session', 'team')) return;
  const { page, asked } = await signInAccepting(t);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Team & keys' }).click();
  // The page renders after the click: until then the inbox's own fields are on screen.
  await page.getByRole('heading', { name: 'Team & keys', level: 1 }).waitFor();
  const agent = { email: `agent-${process.pid}@demo.example`, password: 'agent-password-2026' };
  await page.getByLabel('Email', { exact: true }).fill(agent.email);
  await page.getByLabel('Role', { exact: true }).selectOption('agent');
  await page.getByLabel('Initial password').fill(agent.password);
  await page.getByRole('button', { name: 'Add person' }).click();
  await page.getByTestId('users').getByRole('row').filter({ hasText: agent.email }).waitFor();

  await page.getByLabel('Label').fill('e2e script');
  await page.getByRole('button', { name: 'Issue a key' }).click();
  const shownOnce = page.getByTestId('new-key');
  await shownOnce.getByText('you will not see it again').waitFor();
  const key = (await shownOnce.locator('code').innerText()).trim();
  assert.match(key, /^fd_demo_/);
  assert.equal((await api(server, key, '/api/v1/conversations')).status, 200, 'the new key works');
  const listed = await apiOk(server, DEMO.key, '/api/v1/keys');
  assert.ok(listed.data.some((k) => key.startsWith(k.prefix) && k.label === 'e2e script' && !k.key), 'listed by prefix, never in full');

  const prefix = key.slice(0, 12);
  await page.getByRole('button', { name: `Revoke ${prefix}` }).click();
  await page.getByTestId('keys').getByRole('row').filter({ hasText: prefix }).getByText('revoked').waitFor();
  assert.ok(asked.some((m) => m.includes(prefix) && /stops working/.test(m)), `asked before revoking: ${asked}`);
  assert.equal(await shownOnce.count(), 0, 'the secret is gone from the page');
  assert.equal((await api(server, key, '/api/v1/conversations')).status, 401, 'the revoked key is refused');

  const agentPage = await openPage(t);
  await signIn(agentPage, agent);
  assert.match(await agentPage.locator('.topbar').innerText(), /agent-\d+@demo\.example · agent/i);
  assert.equal(await agentPage.getByRole('link', { name: 'Team & keys' }).count(), 0, 'agents have no Team & keys in the menu');
  await agentPage.goto('/#/team');
  await agentPage.getByText('Your role cannot see or change this.').first().waitFor();
  noProblems(page);
});

test('Team & keys: rotating a key replaces it (old 401, new 200); a person changed to viewer, then removed, is signed out', async (t) => {
  if (lacks(t, 'session', 'team')) return;
  const { page, asked } = await signInAccepting(t);
  await page.goto('/#/team');
  await page.getByRole('heading', { name: 'Team & keys', level: 1 }).waitFor();
  await page.getByLabel('Label').fill('to rotate');
  await page.getByRole('button', { name: 'Issue a key' }).click();
  const shownOnce = page.getByTestId('new-key').locator('code');
  const first = (await shownOnce.innerText()).trim();
  await page.getByRole('button', { name: `Rotate ${first.slice(0, 12)}` }).click();
  await page.getByTestId('keys').getByRole('row').filter({ hasText: first.slice(0, 12) }).getByText('revoked').waitFor();
  const second = (await shownOnce.innerText()).trim();
  assert.notEqual(second, first, 'the new secret is shown in place of the old one');
  assert.equal((await api(server, first, '/api/v1/conversations')).status, 401);
  assert.equal((await api(server, second, '/api/v1/conversations')).status, 200);

  const person = { email: `leaver-${process.pid}@demo.example`, password: 'leaver-password-2026' };
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Initial password').fill(person.password);
  await page.getByRole('button', { name: 'Add person' }).click();
  const row = page.getByTestId('users').getByRole('row').filter({ hasText: person.email });
  await row.waitFor();
  const theirs = await openPage(t);
  await signIn(theirs, person);
  await row.getByLabel(`Role of ${person.email}`).selectOption('viewer');
  await page.locator('.toast.ok').filter({ hasText: 'is now viewer' }).waitFor();
  const listed = await apiOk(server, DEMO.key, '/api/v1/users');
  assert.equal(listed.data.find((u) => u.email === person.email).role, 'viewer');
  await row.getByRole('button', { name: `Remove ${person.email}` }).click();
  await row.waitFor({ state: 'detached' });
  assert.ok(asked.some((m) => m.includes(person.email)), 'asked before removing');
  assert.equal((await apiOk(server, DEMO.key, '/api/v1/users')).data.some((u) => u.email === person.email), false);
  assert.equal(await theirs.evaluate(async () => (await fetch('/api/v1/session')).status), 401, 'their session ended');
  noProblems(page);
});

test('pausing the business in Settings: a confirm says what it means, messages get the holding reply, resume restores answers', async (t) => {
  if (lacks(t, 'session', 'pause')) return;
  const { page, asked } = await signInAccepting(t);
  await page.goto('/#/settings');
  const status = page.getByTestId('business-status');
  await status.getByRole('button', { name: 'Pause the front desk' }).click();
  await status.getByText('paused').first().waitFor();
  assert.ok(asked.some((m) => /holding reply/.test(m) && /alerted/.test(m)), `the confirm explains pausing: ${asked}`);
  try {
    assert.equal((await apiOk(server, DEMO.key, '/api/v1/settings')).tenant.status, 'paused');
    const held = await sendSms(server, { from: uniquePhone(), body: 'Is the flat on Elm Road still available?' });
    assert.match(held.replies.join(' '), /can't reply automatically right now/);
  } finally {
    await status.getByRole('button', { name: 'Resume' }).click();
    await status.getByText('answering').waitFor();
  }
  assert.equal((await apiOk(server, DEMO.key, '/api/v1/settings')).tenant.status, 'active');
  noProblems(page);
});

test('Settings keeps personas, white label, staff reply limit and holidays; a bad colour is refused by name and nothing is saved', async (t) => {
  if (lacks(t)) return;
  const { before, page } = await settingsPage(t);
  await page.getByLabel('Holiday date').fill('2027-12-24');
  await page.getByRole('button', { name: 'Add holiday' }).click();
  const n = (before.settings.personas?.length ?? 0) + 1;
  await page.getByRole('button', { name: 'Add persona' }).click();
  await page.getByLabel(`Persona ${n} role`).selectOption('support');
  await page.getByLabel(`Persona ${n} channel`).selectOption('email');
  await page.getByLabel(`Persona ${n} name`).fill('Ola');
  // A voice typed and then cleared is left out (the default voice), not saved as "" (refused).
  await page.getByLabel(`Persona ${n} voice`).fill('en-GB-Neural2-A');
  await page.getByLabel(`Persona ${n} voice`).fill('');
  await page.getByLabel('escalate a customer waiting this long').fill('12');
  await page.getByLabel('Name shown').fill('Maple & Pine');
  await page.getByLabel('Logo URL').fill('https://cdn.example/maple.png');
  await page.getByLabel('Colour').fill('blue');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await page.locator('.toast.error').filter({ hasText: 'white_label.colour' }).waitFor();
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/settings')).settings, before.settings, 'nothing was saved');

  await page.getByLabel('Colour').fill('#1f6feb');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await page.locator('.toast.ok').filter({ hasText: 'Saved.' }).waitFor();
  const saved = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  assert.ok(saved.holidays.includes('2027-12-24'));
  assert.deepEqual(saved.personas.at(-1), { role: 'support', channel: 'email', name: 'Ola' });
  assert.equal(saved.handoff.staff_reply_minutes, 12);
  assert.deepEqual(saved.white_label, { name: 'Maple & Pine', logo_url: 'https://cdn.example/maple.png', colour: '#1f6feb' });
  assert.equal(saved.address, before.settings.address, 'fields the form does not show are kept');
  noProblems(page);
});

test('intake builder: a new choice question built in Settings, refused with one option next to its row, fixed, then asked of a new lead with its options', async (t) => {
  if (lacks(t)) return;
  const { before, page } = await settingsPage(t);
  const builder = page.getByTestId('intake-builder');
  const rows = builder.locator('.intake > li');
  const n = before.settings.qualification?.length ?? before.intake.defaults.length;
  await rows.nth(n - 1).waitFor();
  assert.equal(await rows.count(), n, 'the current questions, one row each');
  await builder.getByRole('button', { name: 'Add question' }).click();
  const q = n + 1;
  await page.getByLabel(`Fills the lead’s (question ${q})`).selectOption({ label: 'Furnishing' });
  await page.getByLabel(`Wording (question ${q})`).fill('Would you like it furnished?');
  assert.equal(await rows.nth(n).getByTestId('ask-count').innerText(), '28 / 160 characters (one text message)');
  await page.getByLabel(`Answer type (question ${q})`).selectOption('choice');
  await page.getByLabel(`Option 1 (question ${q})`).fill('Furnished');
  await page.getByRole('button', { name: `Remove option 2 of question ${q}` }).click();
  await page.getByLabel(`Required (question ${q})`).check();
  // First in line, so a new lead is asked it first: moved up with the keyboard.
  for (let at = q; at > 1; at--) {
    await page.getByRole('button', { name: `Move question ${at} up` }).focus();
    await page.keyboard.press('Enter');
  }
  assert.equal(await page.getByLabel('Wording (question 1)').inputValue(), 'Would you like it furnished?');

  await page.getByRole('button', { name: 'Save changes' }).first().click();
  const problem = rows.first().getByTestId('question-problems');
  await problem.filter({ hasText: 'Options: a choice needs 2 to 12 options' }).waitFor();
  assert.equal(await rows.nth(1).getByTestId('question-problems').count(), 0, 'only the row concerned shows it');
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/settings')).settings, before.settings, 'nothing was saved');

  await rows.first().getByRole('button', { name: 'Add option' }).click();
  await page.getByLabel('Option 2 (question 1)').fill('Unfurnished');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await page.locator('.toast.ok').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await problem.count(), 0, 'the row’s problem is gone once saved');
  const saved = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  assert.deepEqual(saved.qualification[0], { field: 'furnished', ask: 'Would you like it furnished?',
    answer: { type: 'choice', options: ['Furnished', 'Unfurnished'], required: true } });
  assert.equal(saved.qualification.length, n + 1, 'the template’s questions are kept after it');

  // Somewhere the catalogue has nothing, so the reply ends with the first question.
  const from = uniquePhone();
  const first = await sendSms(server, { from, body: 'Hi, I want to rent a flat in Portishead' });
  assert.match(first.replies[0], /Would you like it furnished\? Furnished or Unfurnished\?$/, first.replies[0]);
  const second = await sendSms(server, { from, body: 'the second one' });
  assert.doesNotMatch(second.replies[0], /furnished/i, `answered, not asked again: ${second.replies[0]}`);
  const [contact] = await contactsByPhone(server, DEMO.key, from);
  const lead = await eventually(async () => {
    const r = await api(server, DEMO.key, `/api/v1/leads/${contact.id}`);
    return r.status === 200 && r.json.fields.furnished ? r.json : null;
  }, { timeoutMs: 20_000, what: 'the lead job to record the choice' });
  assert.equal(lead.fields.furnished.value, 'Unfurnished', '“the second one” is the second option');
  noProblems(page);
});

/** Steps through the wizard from its hours to its simulator, adding `faqs` on the way. */
async function wizardToSimulator(page, faqs) {
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.getByLabel('Questions and answers').fill(faqs);
  await page.getByRole('button', { name: 'Add and continue' }).click();
  await page.getByText('/webhooks/twilio/sms').waitFor();
  await page.getByRole('button', { name: 'Continue' }).click();
  return page.getByTestId('simulator');
}

test('set-up wizard: FAQs added, then a simulated SMS through the real webhook is answered and shows in the inbox', async (t) => {
  if (lacks(t)) return;
  const page = await openPage(t);
  await signIn(page);
  await page.goto('/#/onboarding');
  await page.getByLabel('Maple & Pine Lettings').check();
  await page.getByRole('button', { name: 'Start' }).click();
  const sim = await wizardToSimulator(page, 'Q: Is there parking at the office?\nA: Yes, two visitor spaces behind 14 Elm Road.');
  const kb = await apiOk(server, DEMO.key, '/api/v1/kb/search?q=parking%20office');
  assert.ok(kb.data.some((h) => /two visitor spaces/.test(h.text)), 'the pasted FAQ is searchable');

  const from = (await sim.getByText('Texting from').innerText()).replace('Texting from ', '').trim();
  await sim.getByLabel('Message').fill('Hi, is there parking at your office?');
  await sim.getByRole('button', { name: 'Send SMS' }).click();
  const reply = sim.locator('.msg.outbound').first();
  await reply.waitFor();
  const replyText = await reply.innerText();
  assert.ok(replyText.trim().length > 0);

  // The same message went through the webhook: stored, answered, on the timeline.
  const conversation = (await apiOk(server, DEMO.key, '/api/v1/conversations?limit=50')).data;
  const contacts = await apiOk(server, DEMO.key, `/api/v1/contacts?phone=${encodeURIComponent(from)}`);
  const contact = (contacts.data ?? contacts.contacts)[0];
  assert.ok(contact, `a contact for ${from}`);
  const mine = conversation.find((c) => c.contact_id === contact.id);
  const messages = (await apiOk(server, DEMO.key, `/api/v1/conversations/${mine.id}/messages`)).data;
  assert.ok(messages.some((m) => m.direction === 'inbound' && m.body === 'Hi, is there parking at your office?'));
  assert.ok(messages.some((m) => m.direction === 'outbound' && m.body === replyText.trim()), 'the reply shown is the one stored');
  noProblems(page);
});

test('the simulator is closed to a signed-out caller and to a viewer', async (t) => {
  if (lacks(t, 'session')) return;
  const anonymous = await fetch(`${server.baseUrl}/api/v1/simulator/sms`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: uniquePhone(), body: 'Hi' }),
  });
  assert.equal(anonymous.status, 401);
  const page = await openPage(t);
  await signIn(page, VIEWER);
  const status = await page.evaluate(async () => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1/simulator/sms', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token }, body: JSON.stringify({ from: '+447700900555', body: 'forged' }),
    });
    return r.status;
  });
  assert.equal(status, 403);
  const bad = await apiPost(server, DEMO.key, '/api/v1/simulator/sms', { from: '07700', body: 'Hi' });
  assert.equal(bad.status, 400, 'a number that is not E.164 is refused');
});

test('onboarding wizard: a new business from a template answers its first simulated message', async (t) => {
  if (lacks(t, 'session', 'tenants')) return;
  const page = await openPage(t);
  await signIn(page);
  await page.goto('/#/onboarding');
  await page.getByLabel('What kind of business?').selectOption('clinic_salon');
  await page.getByLabel('Business name').fill('Harbour Dental Studio');
  await page.getByLabel("Owner's email").fill('owner@harbour-dental.example');
  await page.getByLabel("Owner's password").fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Create business' }).click();
  const sim = await wizardToSimulator(page, 'Q: Do you take new patients?\nA: Yes, book a check-up online or by text.');
  assert.match(await page.locator('.topbar').innerText(), /Harbour Dental Studio/, 'now working as the new business');
  await sim.getByLabel('Message').fill('Hi, do you take new patients?');
  await sim.getByRole('button', { name: 'Send SMS' }).click();
  await sim.locator('.msg.outbound').first().waitFor();
  noProblems(page);
});

/** Twilio answering a call from `phone` (the call is stored), then its relay session, `setup` sent. */
async function answeredCall(phone, sid = randomCallSid()) {
  const answered = await voicePost(server, '/webhooks/twilio/voice', callParams(sid, phone));
  assert.equal(answered.status, 200, answered.text);
  const relay = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number, callSid: sid });
  relay.setup({ from: phone });
  return { sid, relay };
}

/** The owner on the Settings page, the demo tenant's settings as they were (`before`) restored afterwards. */
async function settingsPage(t) {
  const before = await keepSettings(t);
  const page = await openPage(t);
  await signIn(page);
  await page.goto('/#/settings');
  return { before, page };
}

/** Restores the demo tenant's settings as they are now once the test ends. */
async function keepSettings(t) {
  const before = await apiOk(server, DEMO.key, '/api/v1/settings');
  t.after(() => fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: before.tenant.name, timezone: before.tenant.timezone, settings: before.settings }),
  }));
  return before;
}

test('a call in progress shows live: the caller, each turn as it is spoken with its wait, then what it came to', async (t) => {
  if (lacks(t)) return;
  const page = await openPage(t);
  await signIn(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Calls' }).click();
  await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
  const phone = uniquePhone();
  const { sid, relay } = await answeredCall(phone);
  t.after(() => relay.close());
  // Announced before the caller says a word.
  const row = page.getByTestId('live-calls').getByRole('link').filter({ hasText: shown(phone) });
  await row.waitFor();
  await row.click();
  const call = page.getByTestId('call');
  await call.getByRole('heading', { name: shown(phone) }).waitFor();
  await call.getByText('Live').first().waitFor();

  relay.prompt('Hi, is the flat on Elm Road still available?');
  const first = await relay.answer();
  const timeline = call.getByTestId('timeline');
  await timeline.getByText('Hi, is the flat on Elm Road still available?').waitFor();
  const reply = timeline.locator('[data-direction=outbound]').filter({ hasText: first.text.slice(0, 20) });
  await reply.waitFor();
  // The caller's wait on this turn: first word spoken → reply finished.
  await reply.locator('.latency').filter({ hasText: /⏱ \d+(\.\d)? m?s → \d+(\.\d)? m?s/ }).waitFor();

  relay.prompt('Do you allow pets?');
  await relay.answer();
  await timeline.getByText('Do you allow pets?').waitFor();
  await timeline.locator('.latency').nth(1).waitFor(); // each reply shows its own wait

  // Twilio says the call ended: the summary replaces the live badge.
  relay.close();
  const done = await voicePost(server, '/webhooks/twilio/voice/status', callParams(sid, phone, { CallStatus: 'completed', CallDuration: '48' }));
  assert.equal(done.status, 204, done.text);
  await call.getByTestId('call-summary').waitFor();
  assert.equal(await call.getByText('● Live').count(), 0, 'no longer live');
  await call.getByRole('button', { name: 'Call back' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was never reloaded');
  noProblems(page);
});

test('"Text the last caller": one click opens an SMS to the newest caller, prefilled, sent through the outbox', async (t) => {
  if (lacks(t)) return;
  const phone = uniquePhone();
  const { relay } = await answeredCall(phone);
  relay.close();
  const page = await openPage(t);
  await signIn(page);
  await page.getByRole('button', { name: 'Text the last caller' }).click();
  const composer = page.getByTestId('text-caller');
  await composer.waitFor();
  const box = composer.getByLabel(`SMS to ${shown(phone)}`);
  assert.match(await box.inputValue(), /Maple & Pine Lettings following up on your call/, 'prefilled');
  await box.fill('Hi, sorry we missed you. A viewing on Thursday at 10 is free if you want it.');
  await composer.getByRole('button', { name: 'Send text' }).click();
  await page.locator('.toast.ok').filter({ hasText: `Text queued to ${shown(phone)}` }).waitFor();
  await composer.waitFor({ state: 'detached' });
  const sent = await eventually(async () => {
    const { conversations } = await conversationsOf(server, DEMO.key, phone);
    const sms = conversations.find((c) => c.channel === 'sms');
    if (!sms) return null;
    return (await messagesOf(server, DEMO.key, sms.id)).find((m) => m.direction === 'outbound' && m.body.includes('A viewing on Thursday at 10'));
  }, { what: 'the text on the caller\'s SMS conversation' });
  assert.ok(['queued', 'simulated'].includes(sent.status), `through the outbox: ${sent.status}`);

  const viewer = await openPage(t);
  await signIn(viewer, VIEWER);
  assert.equal(await viewer.getByRole('button', { name: 'Text the last caller' }).count(), 0, 'a viewer cannot text');
  noProblems(page);
});

test('Settings: the LLM and its budget, booking rules, channels and write-only credentials; a refusal is shown in the server\'s words', async (t) => {
  if (lacks(t)) return;
  const { before, page } = await settingsPage(t);
  // Which channels are set up, and whether they really send; never a secret.
  const channels = page.getByTestId('channels');
  await channels.getByRole('row').filter({ hasText: '+14155550100' }).getByText('Receiving only').waitFor();
  await channels.getByRole('row').filter({ hasText: 'Web chat' }).waitFor();
  assert.ok(!(await page.content()).includes('demo-twilio-auth-token'), 'no channel secret on the page');

  await page.getByLabel('Model provider').selectOption('anthropic');
  await page.getByLabel('Model', { exact: true }).fill('claude-sonnet-4-5');
  await page.getByLabel('Monthly token budget').fill('250000');
  await page.getByLabel('Model API key').fill('sk-ant-a-literal-key');
  await page.getByLabel('Fewest nights').fill('3');
  await page.getByRole('button', { name: 'Add override' }).click();
  await page.getByLabel('Override 1 rule').selectOption('min_nights');
  await page.getByLabel('Override 1 value').fill('1');
  await page.getByLabel('Override 1 until').fill('2027-01-31');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  const refused = page.getByTestId('settings-refused');
  await refused.getByText('llm: api_key must be a secret reference `env:NAME` (letters, digits, _), not a key').waitFor();
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/settings')).settings, before.settings, 'nothing was saved');

  await page.getByLabel('Model API key').fill('env:ANTHROPIC_API_KEY');
  await page.getByLabel('Slack incoming webhook', { exact: false }).fill('env:TEAM_WEBHOOK');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await refused.getByText('slack.webhook').waitFor(); // only SLACK_WEBHOOK_* secrets: not any other of the platform's
  await page.getByLabel('Slack incoming webhook', { exact: false }).fill('env:SLACK_WEBHOOK_TEAM');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await page.locator('.toast.ok').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await refused.count(), 0, 'the refusal is gone once saved');
  const saved = (await apiOk(server, DEMO.key, '/api/v1/settings')).settings;
  assert.deepEqual(saved.llm, { provider: 'anthropic', model: 'claude-sonnet-4-5', api_key: 'env:ANTHROPIC_API_KEY', base_url: null, max_tokens: 400, monthly_token_budget: 250000, timeout_ms: 8000 });
  assert.equal(saved.booking_rules.min_nights, 3);
  assert.deepEqual(saved.booking_rules.overrides, [{ rule: 'min_nights', until: '2027-01-31', value: 1 }]);
  assert.deepEqual(saved.slack, { webhook: 'env:SLACK_WEBHOOK_TEAM' });
  assert.equal(saved.address, before.settings.address, 'fields the form does not show are kept');

  // Credentials are write-only: after a reload they read as set, with empty fields.
  await page.reload();
  const key = page.getByLabel('Model API key');
  assert.equal(await key.inputValue(), '');
  await page.getByTestId('llm').getByText('Set', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Slack incoming webhook', { exact: false }).inputValue(), '');
  assert.equal(await page.getByLabel('Monthly token budget').inputValue(), '250000');
  noProblems(page);
});

test('white label: the name, logo and colour saved in Settings reach the chat widget on the business\'s page', async (t) => {
  if (lacks(t)) return;
  const { page } = await settingsPage(t);
  await page.getByLabel('Name shown').fill('Maple & Pine Homes');
  await page.getByLabel('Logo URL').fill('https://cdn.example/maple.png');
  await page.getByLabel('Colour').fill('#2e7d32');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await page.locator('.toast.ok').filter({ hasText: 'Saved.' }).waitFor();

  const site = await openPage(t);
  await site.goto('/chat-demo.html');
  const launcher = site.getByRole('button', { name: 'Chat', exact: true });
  await launcher.click();
  const dialog = site.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Maple & Pine Homes' }).waitFor();
  assert.equal(await dialog.locator('img.o').getAttribute('src'), 'https://cdn.example/maple.png');
  const colours = await launcher.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
  assert.deepEqual(colours, ['rgb(46, 125, 50)', 'rgb(255, 255, 255)'], 'the brand colour, with text that reads on it');
  assert.deepEqual(site.problems.filter((p) => !/Failed to load resource|cdn\.example/.test(p)), [], 'no script errors on the page');
});
