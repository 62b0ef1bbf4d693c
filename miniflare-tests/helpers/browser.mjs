// Debian's Chromium driven by playwright-core, headless, for the console's end-to-end tests and
// the screenshot/bench scripts. `make test` installs /usr/bin/chromium with apt when missing
// (scripts/setup.sh); without it these callers skip with a reason instead of failing.
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Why the browser cannot run here, or null when it can. */
export function browserMissing() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (scripts/setup.sh installs it with apt-get)`;
  return null;
}

/** Launches headless Chromium with a throwaway profile and no background traffic. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  // playwright gives every launch a fresh temporary --user-data-dir of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A new page in its own context (own cookies): one signed-in person. */
export async function newPage(browser, baseUrl, { colorScheme = 'light', viewport = { width: 1360, height: 860 } } = {}) {
  const context = await browser.newContext({ baseURL: baseUrl, colorScheme, viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.problems = problems;
  return page;
}
