// Screenshots of the console's main pages for the README (docs/screenshots/*.png): a fresh local
// server with a morning's worth of enquiries, driven in headless Chromium. `make screenshots`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer } from '../miniflare-tests/helpers/server.mjs';
import { DEMO, apiOk, apiPost, sendSms } from '../miniflare-tests/helpers/api.mjs';
import { launchBrowser, newPage } from '../miniflare-tests/helpers/browser.mjs';
import { callParams, randomCallSid, voicePost } from '../miniflare-tests/helpers/voice.mjs';
import { openCall } from './lib/relay.mjs';

const OUT = join(ROOT, 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });

const INTAKE_EXAMPLE = [
  { field: 'furnished', ask: 'Would you like it furnished?', answer: { type: 'choice', options: ['Furnished', 'Unfurnished', 'Part furnished'], required: true } },
  { field: 'pets', ask: 'Will any pets be living with you?', answer: { type: 'yes_no', required: true } },
];

const CONVERSATIONS = [
  ['+447700900101', ['Hi, is the 2 bed flat on Elm Road still available? We have a small dog.', 'I am Dana Reyes, budget up to £1,500 a month, looking to move in March.']],
  ['+447700900102', ['There is water coming through my kitchen ceiling at 21 Elm Road, please help!']],
  ['+447700900103', ['Can I book a viewing of a studio in Cotham this week?']],
  ['+447700900104', ['Do you manage commercial units in Bath?']],
  ['+447700900105', ['The boiler at 4 Park Row is making a banging noise, not urgent.']],
];

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const [from, bodies] of CONVERSATIONS) for (const body of bodies) await sendSms(server, { from, body });
  const slots = await apiOk(server, DEMO.key, '/api/v1/availability?kind=viewing&days=7');
  for (const [i, slot] of slots.data.filter((_, j) => j % 9 === 0).slice(0, 4).entries()) {
    await apiPost(server, DEMO.key, '/api/v1/bookings', { kind: 'viewing', start: slot.start, contact: { phone: CONVERSATIONS[i][0] } });
  }
  // A call in progress, two turns in, for the live call view.
  const caller = CONVERSATIONS[0][0];
  const sid = randomCallSid();
  await voicePost(server, '/webhooks/twilio/voice', callParams(sid, caller));
  const relay = await openCall({ baseUrl: server.baseUrl, publicBaseUrl: server.publicBaseUrl, authToken: DEMO.token, to: DEMO.number, callSid: sid });
  relay.setup({ from: caller });
  for (const words of ['Hi, it is Dana again, is the Elm Road flat still free?', 'Could I view it this week?']) {
    relay.prompt(words);
    await relay.answer();
  }
  await new Promise((r) => setTimeout(r, 1500)); // lead jobs run off the queue

  const shoot = async (name, path, { scheme = 'light', viewport, before } = {}) => {
    const page = await newPage(browser, server.baseUrl, { colorScheme: scheme, viewport });
    if (path !== null) await page.context().addInitScript((key) => sessionStorage.setItem('frontdesk.key', key), DEMO.key);
    await page.goto(`/${path ? `#/${path}` : ''}`);
    await page.waitForFunction(() => performance.getEntriesByName('console:ready').length > 0);
    // The live stream keeps a request open, so "network idle" never comes: wait for the page's data.
    await page.locator('main .muted[role=status]').first().waitFor({ state: 'detached' }).catch(() => {});
    if (before) await before(page);
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    if (page.problems.length) console.warn(name, page.problems);
    await page.context().close();
    console.log(`docs/screenshots/${name}.png`);
  };
  const openFirst = async (page) => { await page.getByTestId('conversations').getByRole('link').filter({ hasText: 'Dana' }).filter({ hasText: 'SMS' }).click(); await page.getByTestId('timeline').waitFor(); };
  await shoot('login', null);
  await shoot('inbox', 'inbox', { before: openFirst });
  await shoot('inbox-dark', 'inbox', { scheme: 'dark', before: openFirst });
  await shoot('calls', 'calls', {
    before: async (page) => { await page.getByTestId('live-calls').getByRole('link').first().click(); await page.getByTestId('timeline').waitFor(); },
  });
  relay.close();
  await shoot('escalations', 'escalations');
  await shoot('leads', 'leads');
  await shoot('bookings', 'bookings');
  await shoot('settings', 'settings');
  await shoot('settings-channels', 'settings', {
    before: async (page) => { await page.getByTestId('channels').getByRole('row').nth(1).waitFor(); await page.getByTestId('llm').scrollIntoViewIfNeeded(); },
  });
  // The intake builder with a choice and a yes/no question of the kind a letting agent adds.
  const { settings, intake } = await apiOk(server, DEMO.key, '/api/v1/settings');
  const qualification = [...INTAKE_EXAMPLE, ...intake.defaults.filter((q) => !INTAKE_EXAMPLE.some((e) => e.field === q.field))];
  await fetch(`${server.baseUrl}/api/v1/settings`, { method: 'PUT', headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...settings, qualification } }) });
  await shoot('settings-intake', 'settings', {
    before: (page) => page.getByTestId('intake-builder').evaluate((el) => { const box = el.closest('fieldset'); box.style.scrollMarginTop = '64px'; box.scrollIntoView({ block: 'start' }); }),
  });
  await shoot('knowledge', 'knowledge');
  await shoot('inbox-phone', 'inbox', { viewport: { width: 390, height: 844 } });
} finally {
  await browser.close();
  await server.stop();
}
