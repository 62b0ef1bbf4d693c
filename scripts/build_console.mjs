// Bundles the operator console (dashboard/src → dashboard/dist/console.{js,css}), which the
// Worker serves as static assets. Run by scripts/build.sh; `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const options = {
  entryPoints: { console: resolve(root, 'dashboard/src/main.js') },
  outdir: resolve(root, 'dashboard/dist'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
  const ctx = await context(options);
  await ctx.watch();
  console.log('watching dashboard/src …');
} else {
  const result = await build({ ...options, metafile: true });
  for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) console.log(`console: ${file} ${bytes} bytes`);
}
