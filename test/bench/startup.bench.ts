/**
 * `npm run bench:startup [-- --runs 7]`
 *
 * Instant start (issue 19): the wall time from spawning to exit of short commands, each in a fresh process,
 * `--runs` times (median, min–max): Node itself (`node -e 0`, the floor), `--help`, `--version`, a command's
 * `--help`, `parse` and `processing-types` through `node bin/tecsalud-batch.js`; and the command as `npm install`
 * links it (`node_modules/.bin/tecsalud-batch`, which the README puts on the PATH). Not `npx tecsalud-batch`:
 * from the checkout, npm 11's npx installs the checkout into its cache (building it there) before running it,
 * minutes the first time and seconds each later call, and leaves that copy behind. Also lists the packages
 * `--help` loads. Target: `--help` under 300 ms. It asserts nothing: it prints figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'tecsalud-batch.js');
const LINK = path.join(ROOT, 'node_modules', '.bin', 'tecsalud-batch');
const runs = Number(values.runs);
const fmt = (n: number) => n.toFixed(0);

if (!fs.existsSync(path.join(ROOT, 'dist', 'main.js')))
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-bench-startup-'));

/** Milliseconds from spawn to exit of one run; throws when the command fails. */
function time(command: string, args: string[], where = cwd): number {
  const t0 = performance.now();
  const result = spawnSync(command, args, {
    cwd: where,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function row(name: string, command: string, args: string[], where?: string): void {
  const times = Array.from({ length: runs }, () => time(command, args, where)).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${name.padEnd(52)} ${fmt(median).padStart(7)} ms ${`${fmt(times[0]!)}–${fmt(times.at(-1)!)}`.padStart(13)}`,
  );
}

console.log(
  `machine: ${os.availableParallelism()} cores, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `${'command'.padEnd(52)} ${'median'.padStart(10)} ${'min–max'.padStart(13)}   (${runs} runs each)`,
);
row('node -e 0 (Node alone)', process.execPath, ['-e', '0']);
row('tecsalud-batch --help', process.execPath, [BIN, '--help']);
row('tecsalud-batch --version', process.execPath, [BIN, '--version']);
row('tecsalud-batch ingest --help', process.execPath, [BIN, 'ingest', '--help']);
row('tecsalud-batch parse NAME --json', process.execPath, [
  BIN,
  'parse',
  '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf',
  '--json',
]);
row('tecsalud-batch processing-types', process.execPath, [BIN, 'processing-types']);
if (fs.existsSync(LINK)) row('node_modules/.bin/tecsalud-batch --help (the link)', LINK, ['--help']);
else
  console.log(
    'note: node_modules/.bin/tecsalud-batch is missing: run npm install (its prepare script links it)',
  );

const traced = spawnSync(
  process.execPath,
  ['--import', path.join(ROOT, 'test', 'support', 'trace-module-loads.mjs'), BIN, '--help'],
  { cwd, encoding: 'utf8' },
);
const packages = new Set(
  [...traced.stderr.matchAll(/^loaded file:\/\/.*?\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map(
    (m) => m[1],
  ),
);
const files = [...traced.stderr.matchAll(/^loaded file:/gm)].length;
console.log(`\n--help loads ${files} modules; packages: ${[...packages].sort().join(', ')}`);
console.log('target: --help under 300 ms');
fs.rmSync(cwd, { recursive: true, force: true });
