// The operator console's weight and speed: JS + CSS gzip size (target ≤ 150 KB) and first render
// in Debian's Chromium (headless, playwright-core) against the local server (`wrangler dev`, as
// `make dev` runs it), each load in a fresh browser context (empty cache). "Ready" is the first
// screen a person can act on (the sign-in form); "inbox" is a signed-in load until the
// conversation list is on screen. → BENCHMARKS.md. `make bench-console` (needs `make build`).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { availableParallelism, loadavg } from 'node:os';
import { ROOT, startServer } from '../miniflare-tests/helpers/server.mjs';
import { DEMO, sendSms, uniquePhone } from '../miniflare-tests/helpers/api.mjs';
import { browserMissing, launchBrowser } from '../miniflare-tests/helpers/browser.mjs';
import { writeSection } from './markdown.mjs';

const RUNS = Number(process.env.RUNS ?? 15);
const BUDGET_KB = 150;
const FIRST_RENDER_MS = 1000;

const files = ['dashboard/dist/console.js', 'dashboard/dist/console.css', 'dashboard/index.html'];
for (const f of files) if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`make build\` first`);
const sizes = files.map((f) => {
  const bytes = readFileSync(join(ROOT, f));
  return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const assetsGzip = sizes.filter((s) => !s.file.endsWith('.html')).reduce((n, s) => n + s.gzip, 0);

const missing = browserMissing();
if (missing) throw new Error(missing);

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const f0 = (x) => x.toFixed(0);
const f1 = (x) => x.toFixed(1);

const server = await startServer();
const browser = await launchBrowser();
try {
  for (let i = 0; i < 20; i++) await sendSms(server, { from: uniquePhone(), body: `Hi, is the flat on Elm Road free? (${i})` });

  async function load(signedIn) {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    if (signedIn) await context.addInitScript((key) => sessionStorage.setItem('frontdesk.key', key), DEMO.key);
    const page = await context.newPage();
    await page.goto('/');
    const mark = signedIn ? 'console:inbox' : 'console:ready';
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark);
    const ms = await page.evaluate((m) => performance.getEntriesByName(m)[0].startTime, mark);
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    await context.close();
    return { ms, fcp };
  }

  await load(false);
  await load(true);
  const ready = [];
  const inbox = [];
  const fcp = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await load(false);
    ready.push(r.ms);
    if (r.fcp !== null) fcp.push(r.fcp);
    inbox.push((await load(true)).ms);
  }
  const result = {
    at: new Date().toISOString(), cpus: availableParallelism(), load: loadavg()[0], sizes, assetsGzip,
    ready: { p50: quantile(ready, 0.5), p95: quantile(ready, 0.95), max: Math.max(...ready) },
    inbox: { p50: quantile(inbox, 0.5), p95: quantile(inbox, 0.95), max: Math.max(...inbox) },
    fcp: fcp.length ? { p50: quantile(fcp, 0.5) } : null,
  };
  console.log(JSON.stringify(result, null, 2));
  if (!process.argv.includes('--no-write')) {
    const block = [
      `Bundle by esbuild (minified, one ES module + one stylesheet); Debian Chromium headless via playwright-core against \`wrangler dev\` on loopback, ${RUNS} loads each in a fresh context (cold cache); ${result.cpus} CPUs shared, load ${f1(result.load)}; ${result.at}. \`make bench-console\`.`,
      '',
      '| asset | raw bytes | gzip -9 bytes |',
      '|---|---|---|',
      ...sizes.map((s) => `| \`${s.file}\` | ${s.raw.toLocaleString('en')} | ${s.gzip.toLocaleString('en')} |`),
      `| **JS + CSS** | | **${(assetsGzip / 1024).toFixed(1)} KB** (budget ${BUDGET_KB} KB: ${assetsGzip <= BUDGET_KB * 1024 ? 'met' : 'NOT met'}) |`,
      '',
      '| first render, from navigation start | p50 ms | p95 ms | max ms |',
      '|---|---|---|---|',
      `| sign-in screen ready (session probe answered) | ${f0(result.ready.p50)} | ${f0(result.ready.p95)} | ${f0(result.ready.max)} |`,
      `| signed in (API key): inbox list on screen — settings, then conversations fetched | ${f0(result.inbox.p50)} | ${f0(result.inbox.p95)} | ${f0(result.inbox.max)} |`,
      result.fcp ? `| first contentful paint | ${f0(result.fcp.p50)} | | |` : '',
      '',
      `Target: first render ≤ ${FIRST_RENDER_MS} ms — ${result.inbox.p95 <= FIRST_RENDER_MS ? 'met' : 'NOT met'} (p95 of the signed-in inbox).`,
    ].filter((l) => l !== null).join('\n');
    writeSection(ROOT, 'console', 'Operator console: bundle size and first render (bench/console.mjs)', block);
  }
  if (assetsGzip > BUDGET_KB * 1024) process.exitCode = 1;
} finally {
  await browser.close();
  await server.stop();
}
