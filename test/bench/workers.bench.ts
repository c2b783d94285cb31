/**
 * `npm run bench:workers [-- --files N --min-pages 1 --max-pages 12 --workers 1,2,3 --concurrency C --rounds 2]`
 *
 * Job-queue throughput: generates a synthetic corpus, then for each worker count queues the folder on a
 * fresh PostgreSQL database (`ingest DIR --enqueue`) and times N `worker --until-idle` processes of the built
 * CLI from their start to the last one's exit (start-up and pg-boss's own work included). For reference, a
 * single-process `ingest` of the same folder on a fresh database of its own. Each round runs them all, in
 * alternating order (a shared machine's speed drifts); the medians close the report. With TECSALUD_TEST_CHROMA set
 * the runs store vectors in Chroma (`--type both`); without it, `--type complete` (text only: workers
 * on several machines cannot share the embedded sqlite-vec file). Needs TECSALUD_TEST_POSTGRES (a
 * server where it may create and drop databases). It asserts nothing: it prints figures.
 *
 * On one machine more workers only add processes competing for the same cores: the figures show the cost
 * of the queue and of process overhead, not the gain of several servers (each brings its own cores).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeCorpus } from '../../fixtures/generator/index.js';
import { chromaTestUrl, createScratchChromaDatabase } from '../support/chroma.js';
import { createScratchPostgresDatabase, postgresTestUrl } from '../support/postgres.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '400' },
    'min-pages': { type: 'string', default: '1' },
    'max-pages': { type: 'string', default: '12' },
    workers: { type: 'string', default: '1,2,3' },
    concurrency: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'tecsalud-batch.js');
const cores = os.availableParallelism();
const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (!postgresTestUrl()) {
  console.error(
    'error: TECSALUD_TEST_POSTGRES is not set\nhint: source /tmp/services.env (or .ci/services.sh) first',
  );
  process.exit(64);
}
if (!fs.existsSync(path.join(ROOT, 'dist', 'main.js')))
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

const withChroma = chromaTestUrl() !== undefined;
const type = withChroma ? 'both' : 'complete';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-bench-workers-'));
const corpusDir = path.join(work, 'corpus');
const registryCsv = path.join(work, 'registry.csv');
const started = performance.now();
const manifest = await writeCorpus({
  out: corpusDir,
  files: Number(values.files),
  seed: 18,
  minPages: Number(values['min-pages']),
  maxPages: Number(values['max-pages']),
  registryFile: registryCsv,
  manifestFile: path.join(work, 'manifest.json'),
});
const files = manifest.files.length;
const pages = manifest.files.reduce((sum, f) => sum + f.pages, 0);
console.log(
  `machine: ${cores} cores (${os.cpus()[0]?.model ?? '?'}), ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ')}`,
);
console.log(
  `corpus: ${files} PDFs, ${pages} pages, generated in ${fmt((performance.now() - started) / 1000)} s; ` +
    `--type ${type} (${withChroma ? 'Chroma' : 'no vector store: TECSALUD_TEST_CHROMA is not set'})` +
    `${values.concurrency ? `, --concurrency ${values.concurrency} per worker` : ', default concurrency'}\n`,
);

/** A fresh registry (and vector database), its patients imported: what every run starts from. */
async function freshBackend(name: string) {
  const registry = await createScratchPostgresDatabase();
  const vectors = withChroma ? await createScratchChromaDatabase() : null;
  const cwd = path.join(work, name);
  fs.mkdirSync(cwd);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TECSALUD_DB: registry.url,
    ...(vectors
      ? { TECSALUD_VECTOR_STORE: 'chroma', CHROMA_URL: vectors.url, CHROMA_DATABASE: vectors.database }
      : {}),
  };
  await run(['patients', 'import', registryCsv], { cwd, env });
  return {
    cwd,
    env,
    drop: async () => {
      await registry.drop().catch(() => undefined);
      await vectors?.drop().catch(() => undefined);
    },
  };
}

function run(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      // 2 and 3: reviews pending, some files failed — the run itself succeeded.
      if (code === 0 || code === 2 || code === 3) resolve(stdout);
      else reject(new Error(`tecsalud-batch ${args[0]} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** One timed run on a fresh backend: a single-process ingest (0 workers) or `count` workers. */
async function measure(count: number): Promise<number> {
  const backend = await freshBackend(`run-${runs++}`);
  try {
    if (count === 0) {
      const t0 = performance.now();
      await run(['ingest', corpusDir, '--type', type, '--non-interactive', '--quiet'], backend);
      return (performance.now() - t0) / 1000;
    }
    await run(['ingest', corpusDir, '--enqueue', '--type', type, '--quiet'], backend);
    const concurrency = values.concurrency ? ['--concurrency', values.concurrency] : [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: count }, () =>
        run(['worker', '--until-idle', '--quiet', ...concurrency], backend),
      ),
    );
    return (performance.now() - t0) / 1000;
  } finally {
    await backend.drop();
  }
}

let runs = 0;
const counts = [0, ...values.workers.split(',').map(Number)];
const seconds = new Map<number, number[]>(counts.map((count) => [count, []]));
const label = (count: number) =>
  count === 0 ? 'ingest (one process, no queue)' : `${count} worker${count === 1 ? '' : 's'} (queue)`;
console.log(
  `${'run'.padEnd(34)} ${'seconds'.padStart(8)} ${'files/s'.padStart(8)} ${'pages/s'.padStart(8)}  load`,
);
// Rounds in alternating order, so that a machine whose speed drifts favours no configuration.
for (let round = 0; round < Number(values.rounds); round++) {
  for (const count of round % 2 === 0 ? counts : [...counts].reverse()) {
    const s = await measure(count);
    seconds.get(count)!.push(s);
    console.log(
      `${label(count).padEnd(34)} ${fmt(s, 2).padStart(8)} ${fmt(files / s).padStart(8)} ${fmt(pages / s).padStart(8)}  ${fmt(os.loadavg()[0]!, 1)}`,
    );
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2;
};
const reference = median(seconds.get(0)!);
console.log(`\nmedian of ${values.rounds} round(s) (of two: their mean):`);
console.log(
  `${'run'.padEnd(34)} ${'seconds'.padStart(8)} ${'files/s'.padStart(8)} ${'pages/s'.padStart(8)} ÷ ingest`,
);
for (const count of counts) {
  const s = median(seconds.get(count)!);
  console.log(
    `${label(count).padEnd(34)} ${fmt(s, 2).padStart(8)} ${fmt(files / s).padStart(8)} ${fmt(pages / s).padStart(8)} ` +
      `${fmt(reference / s, 2).padStart(8)}`,
  );
}
console.log(
  `\n(${cores} cores on this machine: each worker runs min(concurrency, cores) extraction processes, so more ` +
    'workers here share the same cores; on several servers each worker brings its own.)',
);

if (values.keep) console.log(`\nkept: ${work}`);
else fs.rmSync(work, { recursive: true, force: true });
