// One generated section of BENCHMARKS.md, between `<!-- bench:KEY:start -->` and
// `<!-- bench:KEY:end -->`: replaced in place when present, appended otherwise, so each bench
// rewrites only its own figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeSection(root, key, title, block) {
  const path = join(root, 'BENCHMARKS.md');
  const START = `<!-- bench:${key}:start -->`;
  const END = `<!-- bench:${key}:end -->`;
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const section = `${START}\n## ${title}\n\n${block}\n${END}`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a !== -1 && b > a) text = text.slice(0, a) + section + text.slice(b + END.length);
  else text = text.replace(/\s*$/, '\n\n') + section + '\n';
  writeFileSync(path, text);
  return path;
}
