// `make deploy-dry-run` (part of `make test`) and `make bench-bundle`: what `wrangler deploy` would
// upload, for the local config and for `--env production`, without contacting Cloudflare. Each
// bundle's files are measured raw and gzipped and checked against the Workers size limit; the
// figures go to bench/results/bundle.json (ignored, rewritten on every CI run), and with
// `--benchmarks` also to BENCHMARKS.md's `bundle` section.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, nodeBinary, wranglerEnv } from '../miniflare-tests/helpers/server.mjs';
import { writeSection } from '../bench/markdown.mjs';

// Workers' limit on the compressed upload: 3 MB on the Free plan (10 MB on Paid). Staying under
// the Free figure means a deploy never depends on the plan.
// https://developers.cloudflare.com/workers/platform/limits/#worker-size
const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;
const WRANGLER_JS = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const TARGETS = [
  { name: 'local config (top level)', env: null, outdir: 'build/dry-run/local' },
  { name: 'production (`--env production`)', env: 'production', outdir: 'build/dry-run/production' },
];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? files(path) : [path];
  });
}

/** Runs `wrangler deploy --dry-run` for one target and measures what it wrote. */
export function dryRun(target) {
  const outdir = join(ROOT, target.outdir);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const args = [WRANGLER_JS, 'deploy', '--dry-run', '--outdir', outdir, ...(target.env ? ['--env', target.env] : [])];
  const output = execFileSync(nodeBinary(), args, { cwd: ROOT, env: wranglerEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  // Only what is uploaded: the bundle's modules, not esbuild's metadata or source maps.
  const uploaded = files(outdir).filter((f) => /\.(wasm|m?js)$/.test(f));
  if (!uploaded.some((f) => f.endsWith('.wasm'))) throw new Error(`${target.name}: no .wasm in ${outdir}\n${output}`);
  const sizes = uploaded.map((f) => {
    const bytes = readFileSync(f);
    return { file: relative(ROOT, f), raw: statSync(f).size, gzip: gzipSync(bytes, { level: 9 }).length };
  }).sort((a, b) => b.raw - a.raw);
  const total = { raw: sizes.reduce((s, x) => s + x.raw, 0), gzip: sizes.reduce((s, x) => s + x.gzip, 0) };
  const bindings = output.split('\n').filter((l) => /^\s*env\.[A-Z_]+/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
  return { ...target, sizes, total, bindings, wranglerSummary: output.match(/Total Upload:.*$/m)?.[0] ?? null };
}

const kib = (n) => (n / 1024).toLocaleString('en-GB', { maximumFractionDigits: 1 });

function markdown(results, at) {
  const rows = results.flatMap((r) => [
    ...r.sizes.map((s) => `| ${r.name} | \`${s.file.replace(`${r.outdir}/`, '').replace(/^[0-9a-f]{40}-/, '')}\` | ${kib(s.raw)} | ${kib(s.gzip)} |`),
    `| ${r.name} | **total uploaded** | **${kib(r.total.raw)}** | **${kib(r.total.gzip)}** |`,
  ]);
  return [
    `\`wrangler deploy --dry-run --outdir build/dry-run/…\` (no upload, nothing contacts Cloudflare) for the local config and for \`--env production\`; gzip -9 by node:zlib; ${at}. \`make bench-bundle\` (CI's \`make deploy-dry-run\` writes the same figures to the ignored \`bench/results/bundle.json\`).`,
    '',
    '| config | file | raw KiB | gzip KiB |',
    '|---|---|---:|---:|',
    ...rows,
    '',
    `Workers limit on the compressed upload: 3 MB on the Free plan, 10 MB on Paid ([Workers limits](https://developers.cloudflare.com/workers/platform/limits/#worker-size)); the dry run fails above ${kib(FREE_PLAN_GZIP_LIMIT)} KiB gzip. Production's bindings: ${results.find((r) => r.env === 'production')?.bindings.join(', ') || '(none listed)'}.`,
  ].join('\n');
}

function main() {
  const results = TARGETS.map(dryRun);
  const at = new Date().toISOString();
  for (const r of results) {
    console.log(`${r.name}: ${kib(r.total.raw)} KiB raw, ${kib(r.total.gzip)} KiB gzip (${r.sizes.length} files in ${r.outdir})`);
    if (r.total.gzip > FREE_PLAN_GZIP_LIMIT) {
      throw new Error(`${r.name}: ${r.total.gzip} bytes gzip exceeds the Workers Free plan's ${FREE_PLAN_GZIP_LIMIT}`);
    }
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'bundle.json'), JSON.stringify({ at, results }, null, 2) + '\n');
  if (process.argv.includes('--benchmarks')) {
    console.log(`→ ${writeSection(ROOT, 'bundle', 'Deploy bundle: what `wrangler deploy` uploads (scripts/deploy_dry_run.mjs)', markdown(results, at))}`);
  }
}

main();
