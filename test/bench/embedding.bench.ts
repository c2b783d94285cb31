/**
 * `npm run bench:embedding [-- --files 300 --max-pages 12 --concurrency 4,16 --latency-ms 300
 *                             --embed-batch-size N --window-ms MS --dimensions 512 --bin bin/tecsalud-batch.js]`
 *
 * Full embedding batches (issue 19): generates a corpus with the fixtures generator, starts a local server
 * speaking OpenAI's embeddings protocol that answers each request after `--latency-ms` (a remote API's
 * round trip), and runs the real `ingest --embedder openai` against it once per `--concurrency`, each on a
 * fresh registry. Prints, per run: wall time, requests, inputs per request (mean, smallest, largest), the
 * most requests in flight at once and the chunks stored. The target: ≥ 150 inputs per request on average
 * on the 300-file corpus, against a limit of 256. `--bin` runs another build (e.g. an older commit's
 * checkout) for a before/after comparison. It asserts nothing: it prints figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeCorpus } from '../../fixtures/generator/index.js';
import { startFakeOpenAiServer } from '../support/fake-openai-server.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '300' },
    'min-pages': { type: 'string', default: '1' },
    'max-pages': { type: 'string', default: '12' },
    concurrency: { type: 'string', default: '4,16' },
    'latency-ms': { type: 'string', default: '300' },
    'embed-batch-size': { type: 'string' },
    'window-ms': { type: 'string' },
    dimensions: { type: 'string', default: '512' },
    bin: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.resolve(values.bin ?? path.join(ROOT, 'bin', 'tecsalud-batch.js'));
const KEY = 'sk-bench-fake';
const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (!values.bin && !fs.existsSync(path.join(ROOT, 'dist', 'main.js')))
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-bench-embedding-'));
const corpusDir = path.join(work, 'corpus');
const manifest = await writeCorpus({
  out: corpusDir,
  files: Number(values.files),
  seed: 8,
  minPages: Number(values['min-pages']),
  maxPages: Number(values['max-pages']),
  registryFile: path.join(work, 'registry.csv'),
  manifestFile: path.join(work, 'manifest.json'),
});
const pages = manifest.files.reduce((sum, f) => sum + f.pages, 0);
const latencyMs = Number(values['latency-ms']);
console.log(
  `machine: ${os.availableParallelism()} cores, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ')}`,
);
console.log(
  `corpus: ${manifest.files.length} PDFs, ${pages} pages; embeddings server: ${latencyMs} ms a request`,
);
console.log(`build: ${path.relative(process.cwd(), BIN) || BIN}\n`);

const rows: string[] = [];
for (const concurrency of values.concurrency.split(',').map((c) => c.trim())) {
  // A server of its own for each run, so that its peak of requests in flight is the run's.
  const server = await startFakeOpenAiServer({
    dimension: Number(values.dimensions),
    apiKey: KEY,
    responseDelayMs: latencyMs,
  });
  try {
    const db = path.join(work, `bench-${concurrency}.db`);
    const env = {
      ...process.env,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: `${server.url}/v1`,
      TECSALUD_EMBEDDER: 'openai',
    };
    // --window-ms: embedding.batchWindowMs, in a config file of the run's own.
    if (values['window-ms'])
      fs.writeFileSync(
        path.join(work, 'tecsalud-batch.config.json'),
        JSON.stringify({ embedding: { batchWindowMs: Number(values['window-ms']) } }),
      );
    execFileSync(process.execPath, [BIN, 'patients', 'import', path.join(work, 'registry.csv'), '--db', db], {
      stdio: 'ignore',
      env,
    });
    const args = [
      BIN,
      'ingest',
      corpusDir,
      '--db',
      db,
      '--non-interactive',
      '--json',
      '--max-files',
      String(manifest.files.length + 10),
      '--concurrency',
      concurrency,
      '--embedding-model',
      'text-embedding-3-small',
      '--embedding-dimensions',
      values.dimensions,
      ...(values['embed-batch-size'] ? ['--embed-batch-size', values['embed-batch-size']] : []),
      ...(values['window-ms'] ? ['--config', path.join(work, 'tecsalud-batch.config.json')] : []),
    ];
    const t0 = performance.now();
    const stdout = await run(process.execPath, args, env);
    const seconds = (performance.now() - t0) / 1000;
    const report = JSON.parse(stdout) as { files: { chunks: number | null }[]; failed_files: number };
    const sizes = server.requests.map((r) => r.body.input?.length ?? 0).filter((n) => n > 0);
    const inputs = sizes.reduce((a, b) => a + b, 0);
    const chunks = report.files.reduce((sum, f) => sum + (f.chunks ?? 0), 0);
    if (report.failed_files > 0)
      console.log(`warning: --concurrency ${concurrency}: ${report.failed_files} files failed`);
    rows.push(
      `${`ingest --concurrency ${concurrency}`.padEnd(26)} ${fmt(seconds, 2).padStart(8)} ${fmt(manifest.files.length / seconds).padStart(8)} ` +
        `${String(sizes.length).padStart(9)} ${fmt(inputs / Math.max(1, sizes.length)).padStart(12)} ` +
        `${String(Math.min(...sizes)).padStart(5)} ${String(Math.max(...sizes)).padStart(5)} ` +
        `${String(server.inFlight().peak).padStart(10)} ${String(chunks).padStart(7)}`,
    );
    console.log(rows.at(-1));
  } finally {
    await server.close();
  }
}
console.log(
  `\n${'run'.padEnd(26)} ${'seconds'.padStart(8)} ${'files/s'.padStart(8)} ${'requests'.padStart(9)} ${'inputs/req'.padStart(12)} ${'min'.padStart(5)} ${'max'.padStart(5)} ${'peak in fl.'.padStart(10)} ${'chunks'.padStart(7)}`,
);
for (const row of rows) console.log(row);
console.log('target: ≥ 150 inputs per request on average (limit 256 unless --embed-batch-size)');
if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
else console.log(`kept: ${work}`);

/** Runs a command and returns its stdout; its stderr passes through. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return stdout;
}
