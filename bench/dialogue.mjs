// `make bench-dialogue`: the SGD train and dev dialogues (../shared/data/sgd) replayed turn by
// turn as SMS conversations through the real signed Twilio webhook of the built worker in
// workerd (Homes_* → tenant demo, Hotels_* → demo2, one number per dialogue), scored per reply
// by ../shared/tools/dialogue_replay.py — the reference definitions of what a caller notices:
// loop, generic, ask_after_bye, reask. The business clock is pinned to a Monday 10:00 in
// London so replies are the daytime ones on every run. Writes bench/results/dialogue.json and
// the bench:dialogue section of BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startDirect } from '../miniflare-tests/helpers/workerd.mjs';
import { ROOT } from '../miniflare-tests/helpers/server.mjs';
import { writeSection } from './markdown.mjs';

const SHARED = join(ROOT, '..', 'shared');
const REPLAY = join(SHARED, 'tools', 'dialogue_replay.py');
const TARGETS = { loop: 0.02, generic: 0.05, ask_after_bye: 0.05, reask: 0.02 };
const splits = (process.argv.find((a) => a.startsWith('--splits=')) ?? '--splits=train,dev').slice(9).split(',');

for (const path of [REPLAY, ...splits.map((s) => join(SHARED, 'data', 'sgd', `${s}.jsonl`))]) {
  if (!existsSync(path)) throw new Error(`missing ${path} (the shared tools and SGD data sit beside the project)`);
}

const server = await startDirect({ clockAt: '2026-11-30T10:00:00Z' });
const results = {};
try {
  for (const split of splits) {
    const out = join(ROOT, 'bench', 'results', `dialogue-${split}.jsonl`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const started = Date.now();
    const run = spawnSync('python3', [REPLAY, join(SHARED, 'data', 'sgd', `${split}.jsonl`), '100000', out], {
      env: { ...process.env, FD_URL: server.baseUrl, FD_PUBLIC: server.publicBaseUrl },
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (run.status !== 0) throw new Error(`replay of ${split} failed: ${run.stderr}`);
    const line = run.stdout.trim().split('\n').pop();
    const figures = Object.fromEntries(line.split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const failed = rows.filter((r) => r.reply.startsWith('HTTP ')).length;
    results[split] = { ...figures, http_errors: failed, seconds: (Date.now() - started) / 1000 };
    console.log(`${split}: ${line} (HTTP errors ${failed}, ${results[split].seconds.toFixed(0)} s)`);
  }
} finally {
  await server.stop();
}

const meets = (k, v) => (v <= TARGETS[k] ? `**${v.toFixed(3)}**` : `${v.toFixed(3)} ✗`);
const L = [
  'Reproduce: `make bench-dialogue` (needs `../shared`). Every Homes_* and Hotels_* dialogue of each split, user turns in',
  'order through `POST /webhooks/twilio/sms` (signed), rules brain, seeded demo tenants and their FAQ knowledge base;',
  'rates per reply, lower is better; targets from issue 9. Scored by `../shared/tools/dialogue_replay.py`.',
  `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; run ${new Date().toISOString()}.`,
  '',
  '| split | dialogues | replies | loop (≤ 0.02) | generic (≤ 0.05) | ask_after_bye (≤ 0.05) | reask (≤ 0.02) | HTTP errors | replies/s |',
  '|---|---|---|---|---|---|---|---|---|',
];
for (const [split, r] of Object.entries(results)) {
  L.push(`| ${split} | ${r.dialogues} | ${r.replies} | ${meets('loop', r.loop)} | ${meets('generic', r.generic)} | ${meets('ask_after_bye', r.ask_after_bye)} | ${meets('reask', r.reask)} | ${r.http_errors} | ${(r.replies / r.seconds).toFixed(0)} |`);
}
writeFileSync(join(ROOT, 'bench', 'results', 'dialogue.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${writeSection(ROOT, 'dialogue', 'Dialogue: SGD conversations through the SMS webhook (bench/dialogue.mjs)', L.join('\n'))}`);
