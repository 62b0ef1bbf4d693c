// Runs every command of README.md's first-deploy guide (between `<!-- deploy-guide:start -->` and
// `<!-- deploy-guide:end -->`) locally, so the guide cannot drift from wrangler.toml, the code or
// the wrangler CLI. Nothing contacts Cloudflare: each command has a local stand-in —
//   d1 create / migrations apply / execute → the same against a scratch D1 (`--local --persist-to`),
//   deploy → `wrangler deploy --dry-run`, queues / vectorize create → the names and shape
//   `[env.production]` and the code use, secret put → a name the code reads (or a channel of
//   deploy/first_tenant.sql names), make T → T's recipe (`make -n`), checked line by line;
// and every flag a wrangler command uses must be in that command's `--help`. A command with no
// stand-in fails: add one here before putting it in the guide. `make check-deploy-guide`, and
// miniflare-tests/deploy_guide.test.mjs (which also exercises the URLs and the first business).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, wrangler } from '../miniflare-tests/helpers/server.mjs';

export const FIRST_TENANT_SQL = 'deploy/first_tenant.sql';
const read = (path) => readFileSync(join(ROOT, path), 'utf8');

/** The guide's text and its shell commands, in order (comments and blank lines dropped). */
export function guide(readme = read('README.md')) {
  const start = readme.indexOf('<!-- deploy-guide:start -->');
  const end = readme.indexOf('<!-- deploy-guide:end -->');
  if (start === -1 || end < start) throw new Error('README.md has no <!-- deploy-guide:start/end --> section');
  const text = readme.slice(start, end);
  const commands = [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split('\n'))
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
  return { text, commands };
}

/** The guide's provider URLs (step 6): `{ method, path }` with `<origin>` and `wss://<host>` dropped. */
export function guideUrls(text = guide().text) {
  return [...text.matchAll(/`(?:<origin>|wss:\/\/<host>)(\/[^`\s]*)`(?: \(([^)]*)\))?/g)]
    .map((m) => ({ path: m[1], methods: /GET/.test(m[2] ?? '') ? (/POST/.test(m[2]) ? ['GET', 'POST'] : ['GET']) : ['POST'] }));
}

/** wrangler.toml as JSON (Python's tomllib: the one TOML reader this machine kind has for sure). */
export function wranglerConfig() {
  const py = 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb"))))';
  return JSON.parse(execFileSync('python3', ['-c', py, join(ROOT, 'wrangler.toml')], { encoding: 'utf8' }));
}

function rustSources(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.rs'))
    .map((e) => readFileSync(join(e.parentPath ?? e.path, e.name), 'utf8'));
}

/** What the code reads from the environment, and what production cannot run without. */
export function codeFacts() {
  const src = [...rustSources('src'), ...rustSources('durable-objects/src')].join('\n');
  const names = new Set();
  for (const re of [/\b(?:platform_secret|lookup)\(\s*&?env,\s*"([A-Z][A-Z0-9_]+)"/g, /\.(?:secret|var)\("([A-Z][A-Z0-9_]+)"\)/g,
    /const [A-Z_]+: &str = "([A-Z][A-Z0-9_]+)";/g]) {
    for (const m of src.matchAll(re)) names.add(m[1]);
  }
  const required = new Set([...src.matchAll(/\bplatform_secret\(\s*&?env,\s*"([A-Z][A-Z0-9_]+)"/g)].map((m) => m[1]));
  const wire = read('core/src/kb/vector/wire.rs');
  const filter = wire.match(/pub struct Filter \{([\s\S]*?)\n\}/)?.[1] ?? '';
  const filterProperties = [...filter.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]);
  const dims = read('core/src/kb/vector/config.rs').match(/small BGE model: (\d+) dimensions/)?.[1];
  const channelSecrets = [...read(FIRST_TENANT_SQL).matchAll(/'env:([A-Z][A-Z0-9_]+)'|"env:([A-Z][A-Z0-9_]+)"/g)].map((m) => m[1] ?? m[2]);
  return { names, required, filterProperties, dimensions: Number(dims), channelSecrets: new Set(channelSecrets) };
}

/** `--name=value` and `--name value` flags, and the positional words, of one command. */
function parse(words) {
  const flags = new Map();
  const positional = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('--')) { positional.push(w); continue; }
    const [name, inline] = w.slice(2).split(/=(.*)/s);
    if (inline !== undefined) flags.set(name, inline);
    else if (words[i + 1] && !words[i + 1].startsWith('--')) flags.set(name, words[++i]);
    else flags.set(name, true);
  }
  return { flags, positional };
}

// The wrangler commands the guide may use, longest first, each with its local stand-in.
const COMMANDS = [
  ['d1', 'migrations', 'apply'], ['vectorize', 'create-metadata-index'], ['vectorize', 'create'],
  ['d1', 'create'], ['d1', 'execute'], ['queues', 'create'], ['secret', 'put'], ['deploy'], ['login'], ['tail'],
];

/**
 * Checks every command of the guide (README.md's, or `readme` given as text); resolves to one
 * `{ command, ok, how }` per command, per recipe line of a `make`, and per thing the production
 * config needs that no command provides.
 */
export async function checkGuide({ log = () => {}, readme } = {}) {
  const config = wranglerConfig();
  const prod = config.env?.production;
  if (!prod) throw new Error('wrangler.toml has no [env.production]');
  const code = codeFacts();
  const d1 = prod.d1_databases?.[0];
  const queues = new Set((prod.queues?.consumers ?? []).flatMap((c) => [c.queue, c.dead_letter_queue])
    .concat((prod.queues?.producers ?? []).map((p) => p.queue)).filter(Boolean));
  const index = prod.vectorize?.[0]?.index_name;
  const scratch = mkdtempSync(join(tmpdir(), 'frontdesk-guide-'));
  const local = ['--local', '--persist-to', join(scratch, 'state')];
  const done = { d1: false, migrated: false, queues: new Set(), index: false, metadata: new Set(), secrets: new Set(), deployed: false, sql: false };
  const helpCache = new Map();
  const results = [];

  const help = async (path) => {
    if (!helpCache.has(path.join(' '))) helpCache.set(path.join(' '), (await wrangler([...path, '--help'])).stdout);
    return helpCache.get(path.join(' '));
  };
  const query = async (database, sql) => {
    const { stdout } = await wrangler(['d1', 'execute', database, ...local, '--env', 'production', '--json', '--command', sql]);
    return JSON.parse(stdout)[0].results;
  };
  const production = (flags) => {
    if (flags.get('env') !== 'production') throw new Error('must carry `--env production` (the top level is the local dev config)');
  };

  async function checkWrangler(words) {
    const path = COMMANDS.find((c) => c.every((w, i) => words[i] === w));
    if (!path) throw new Error('no local stand-in for this wrangler command: add one to scripts/check_deploy_guide.mjs');
    const { flags, positional } = parse(words.slice(path.length));
    const usage = await help(path);
    for (const name of flags.keys()) {
      if (!usage.includes(`--${name}`)) throw new Error(`\`wrangler ${path.join(' ')}\` has no --${name}`);
    }
    const [name] = positional;
    switch (path.join(' ')) {
      case 'login':
      case 'tail':
        if (path[0] === 'tail') production(flags);
        return `\`wrangler ${path[0]}\` exists (it only talks to Cloudflare: not run)`;
      case 'd1 create': {
        if (name !== d1?.database_name) throw new Error(`creates "${name}", [env.production] binds "${d1?.database_name}"`);
        await wrangler(['d1', 'execute', d1.binding, ...local, '--env', 'production', '--command', 'SELECT 1']);
        done.d1 = true;
        return 'the name [env.production] binds; a scratch local D1 answers through that binding';
      }
      case 'd1 migrations apply': {
        production(flags);
        if (flags.get('remote') !== true) throw new Error('must say --remote (without it wrangler applies to a local copy)');
        if (![d1.binding, d1.database_name].includes(name)) throw new Error(`"${name}" is not production's D1`);
        if (!done.d1) throw new Error('runs before `wrangler d1 create`');
        await wrangler(['d1', 'migrations', 'apply', name, ...local, '--env', 'production']);
        const count = readdirSync(join(ROOT, d1.migrations_dir)).filter((f) => f.endsWith('.sql')).length;
        const applied = (await query(name, 'SELECT count(*) AS n FROM d1_migrations'))[0]?.n;
        if (applied !== count) throw new Error(`applied ${applied} of ${count} migrations locally`);
        done.migrated = true;
        return `applied locally instead: all ${count} migrations`;
      }
      case 'd1 execute': {
        production(flags);
        if (flags.get('remote') !== true) throw new Error('must say --remote');
        if (![d1.binding, d1.database_name].includes(name)) throw new Error(`"${name}" is not production's D1`);
        if (!done.migrated) throw new Error('runs before the migrations are applied');
        const file = flags.get('file');
        if (typeof file !== 'string' || !existsSync(join(ROOT, file))) throw new Error(`no file ${file}`);
        await wrangler(['d1', 'execute', name, ...local, '--env', 'production', '--file', join(ROOT, file)]);
        if (file === FIRST_TENANT_SQL) done.sql = true;
        return `run locally on the migrated scratch database: ${file} fits the schema`;
      }
      case 'queues create':
        if (!queues.has(name)) throw new Error(`"${name}" is not a queue of [env.production] (${[...queues].join(', ')})`);
        done.queues.add(name);
        return 'a queue [env.production] produces to or consumes';
      case 'vectorize create':
        if (name !== index) throw new Error(`creates "${name}", [env.production] binds "${index}"`);
        if (Number(flags.get('dimensions')) !== code.dimensions) throw new Error(`--dimensions ${flags.get('dimensions')}, the default embedder makes ${code.dimensions}`);
        // The score floors in core/src/kb/vector/config.rs are cosine similarities.
        if (flags.get('metric') !== 'cosine') throw new Error('--metric must be cosine');
        done.index = true;
        return `the index [env.production] binds, ${code.dimensions} dimensions (the default embedder's), cosine`;
      case 'vectorize create-metadata-index': {
        const property = flags.get('propertyName');
        if (name !== index) throw new Error(`indexes "${name}", not "${index}"`);
        if (!code.filterProperties.includes(property)) throw new Error(`"${property}" is not a property queries filter on (${code.filterProperties.join(', ')})`);
        if (flags.get('type') !== 'string') throw new Error('the filter properties are strings');
        done.metadata.add(property);
        return 'a property the vector queries filter on (core/src/kb/vector/wire.rs `Filter`)';
      }
      case 'secret put':
        production(flags);
        if (!code.names.has(name) && !code.channelSecrets.has(name)) {
          throw new Error(`${name} is read neither by the code nor by a channel of ${FIRST_TENANT_SQL}`);
        }
        done.secrets.add(name);
        return code.names.has(name) ? 'a name the code reads' : `a secret a channel of ${FIRST_TENANT_SQL} names (env:${name})`;
      case 'deploy': {
        production(flags);
        await wrangler(['deploy', '--dry-run', '--outdir', join(scratch, 'dry-run'), '--env', 'production'], { timeoutMs: 180_000 });
        done.deployed = true;
        return '`wrangler deploy --dry-run --env production` bundles and validates the config';
      }
    }
    throw new Error('unreachable');
  }

  async function check(command) {
    const words = command.split(/\s+/);
    if (words[0] === 'npx' && words[1] === 'wrangler') return checkWrangler(words.slice(2));
    if (words[0] === 'make' && words.length === 2) {
      const recipe = execFileSync('make', ['-n', words[1]], { cwd: ROOT, encoding: 'utf8' }).split('\n');
      const steps = recipe.map((l) => l.match(/(?:^|&&\s*)wrangler (.*)$/)?.[1]).filter(Boolean);
      for (const step of steps) {
        const result = { command: `  ↳ wrangler ${step}`, ...(await attempt(() => checkWrangler(step.trim().split(/\s+/)))) };
        results.push(result);
        log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.command}\n       ${result.how}`);
      }
      return `a Makefile target${steps.length ? ` (its ${steps.length} wrangler commands checked below)` : ''}`;
    }
    if (/^KEY="fd_[a-z0-9-]+_\$\(openssl rand -hex 24\)";/.test(command)) {
      const out = execFileSync('bash', ['-c', command], { encoding: 'utf8', cwd: scratch });
      const key = out.match(/key: (fd_\S+)/)?.[1];
      const hash = out.match(/^([0-9a-f]{64})\s/m)?.[1];
      if (!key || hash !== createHash('sha256').update(key).digest('hex')) throw new Error(`no key and its SHA-256 in: ${out}`);
      const slug = read(FIRST_TENANT_SQL).match(/INSERT INTO tenants[\s\S]*?VALUES\s*\('[^']*', '([^']*)'/)?.[1];
      if (!key.startsWith(`fd_${slug}_`)) throw new Error(`the key is not for ${FIRST_TENANT_SQL}'s slug "${slug}"`);
      return 'run: prints an API key of the first business and its SHA-256';
    }
    throw new Error('no local stand-in for this command: add one to scripts/check_deploy_guide.mjs');
  }

  async function attempt(fn) {
    try { return { ok: true, how: await fn() }; } catch (e) { return { ok: false, how: e.message.split('\n')[0] }; }
  }

  try {
    for (const command of guide(readme).commands) {
      const at = results.length;
      const result = await attempt(() => check(command));
      results.splice(at, 0, { command, ...result });
      log(`${result.ok ? 'ok  ' : 'FAIL'} ${command}\n     ${result.how}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // What the config needs that no command of the guide provides.
  const missing = [
    ...(done.d1 ? [] : [`the D1 database "${d1?.database_name}" is never created`]),
    ...(done.migrated ? [] : ['the migrations are never applied']),
    ...(done.sql ? [] : [`${FIRST_TENANT_SQL} is never run`]),
    ...[...queues].filter((q) => !done.queues.has(q)).map((q) => `queue "${q}" is never created`),
    ...(done.index || !index ? [] : [`the Vectorize index "${index}" is never created`]),
    ...code.filterProperties.filter((p) => !done.metadata.has(p)).map((p) => `no metadata index on "${p}"`),
    ...[...code.required, ...code.channelSecrets].filter((s) => !done.secrets.has(s)).map((s) => `secret ${s} is never put`),
    ...(done.deployed ? [] : ['nothing deploys']),
  ];
  for (const why of missing) results.push({ command: '(coverage)', ok: false, how: why });
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await checkGuide({ log: console.log });
  const failed = results.filter((r) => !r.ok);
  for (const f of failed) console.error(`FAIL ${f.command}: ${f.how}`);
  console.log(`${results.length - failed.length} of ${results.length} checks passed`);
  process.exit(failed.length ? 1 : 0);
}
