/**
 * `npm run bench [-- --files N --min-pages 1 --max-pages 12 --types both,complete,vectorized --skip-ocr]`
 *
 * Generates a synthetic corpus with the fixtures generator, then measures in one run:
 * - the native reference: poppler's `pdftotext` over the corpus, one process per core (skipped when absent);
 * - the project's bare extraction (pdf-parse worker pool, workers = cores), from the compiled dist/;
 * - end-to-end `ingest` on the embedded defaults for each processing type (the real binary, fresh database),
 *   and `ingest --type both --extractor pdftotext` when poppler-utils is installed;
 * and prints pages/s, files/s, each stage's share of the time, peak RSS, the ratios ingest / bare extraction
 * and ingest / pdftotext, and the issue's two ratio targets as measured. Each ingest run is bracketed by runs
 * of its reference, against whose mean its ratio is taken. It asserts nothing: it prints figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeCorpus } from '../../fixtures/generator/index.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    'min-pages': { type: 'string', default: '1' },
    'max-pages': { type: 'string', default: '12' },
    types: { type: 'string', default: 'both,complete,vectorized' },
    extractor: { type: 'string', default: 'pdf-parse' },
    keep: { type: 'boolean', default: false },
    'skip-ocr': { type: 'boolean', default: false },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'tecsalud-batch.js');
const cores = os.availableParallelism();
const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (!fs.existsSync(path.join(ROOT, 'dist', 'main.js')))
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-bench-'));
const corpusDir = path.join(work, 'corpus');
const started = performance.now();
const manifest = await writeCorpus({
  out: corpusDir,
  files: Number(values.files),
  seed: 8,
  minPages: Number(values['min-pages']),
  maxPages: Number(values['max-pages']),
  registryFile: path.join(work, 'registry.csv'),
  manifestFile: path.join(work, 'manifest.json'),
});
const files = manifest.files.map((f) => path.join(corpusDir, f.path));
const pages = manifest.files.reduce((sum, f) => sum + f.pages, 0);
console.log(
  `machine: ${cores} cores (${os.cpus()[0]?.model ?? '?'}), ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ')}`,
);
console.log(
  `corpus: ${files.length} PDFs, ${pages} pages, generated in ${fmt((performance.now() - started) / 1000)} s\n`,
);

interface Row {
  name: string;
  seconds: number;
  rssMb: number | null;
  stages?: Record<string, number>;
}

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPdftotext)
  console.log('note: pdftotext (poppler-utils) is not installed: the native reference is skipped.\n');

/** The native reference: pdftotext over the corpus, one process per core. */
async function measureNative(): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (next < files.length) {
        const file = files[next++]!;
        await new Promise<void>((resolve) => {
          const child = spawn('pdftotext', ['-enc', 'UTF-8', file, '-'], {
            stdio: ['ignore', 'ignore', 'ignore'],
          });
          child.on('close', () => resolve());
        });
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

/** Bare extraction with the project's pool, from the compiled build (no TypeScript loader in the workers). */
async function measureBare(): Promise<number> {
  const { createPdfParseExtractor } = (await import(
    path.join(ROOT, 'dist', 'adapters', 'extraction', 'index.js')
  )) as typeof import('../../src/adapters/extraction/index.js');
  const extractor = createPdfParseExtractor({ workers: cores });
  const t0 = performance.now();
  let extractedPages = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: cores * 2 }, async () => {
      while (next < files.length) {
        const result = await extractor.extract(files[next++]!);
        if (result.ok) extractedPages += result.pages;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await extractor.close();
  if (extractedPages !== pages)
    console.log(`warning: bare extraction read ${extractedPages} of ${pages} pages`);
  return seconds;
}

/** End-to-end ingest: the real binary on a fresh database with the registry loaded. */
async function measureIngest(type: string, extractor: string): Promise<Row> {
  const db = path.join(work, `bench-${type}-${extractor}.db`);
  execFileSync(process.execPath, [BIN, 'patients', 'import', path.join(work, 'registry.csv'), '--db', db], {
    stdio: 'ignore',
  });
  const args = [
    BIN,
    'ingest',
    corpusDir,
    '--db',
    db,
    '--type',
    type,
    '--non-interactive',
    '--json',
    '--max-files',
    String(files.length + 10),
  ];
  if (extractor !== 'pdf-parse') args.push('--extractor', extractor);
  const name = `ingest --type ${type}${extractor !== 'pdf-parse' ? ` --extractor ${extractor}` : ''}`;
  const t0 = performance.now();
  const { stdout, rssKb } = await runMeasured(process.execPath, args);
  const seconds = (performance.now() - t0) / 1000;
  const report = JSON.parse(stdout) as { stage_seconds?: Record<string, number>; failed_files: number };
  if (report.failed_files > 0) console.log(`warning: ${name}: ${report.failed_files} files failed`);
  return { name, seconds, rssMb: rssKb / 1024, stages: report.stage_seconds };
}

// The machine's speed may drift during the several minutes of a run (a shared VM here drifts by a third in
// an hour), so each ingest run is bracketed by the reference it is compared with: its ratio is taken
// against the mean of the reference runs just before and just after it.
const mean = (a: number, b: number) => (a + b) / 2;
const ingestRuns = values.types
  .split(',')
  .map((type) => ({ type: type.trim(), extractor: values.extractor }));
const withPdftotext =
  hasPdftotext && values.extractor === 'pdf-parse' && ingestRuns.some((run) => run.type === 'both');

const natives: number[] = hasPdftotext ? [await measureNative()] : [];
const bares = [await measureBare()];
const comparisons: { row: Row; bare: number; native: number | null }[] = [];
for (const { type, extractor } of ingestRuns) {
  const nativeBefore = extractor === 'pdftotext' ? natives.at(-1)! : null;
  const row = await measureIngest(type, extractor);
  const reference = extractor === 'pdftotext' ? await measureNative() : await measureBare();
  if (extractor === 'pdftotext') natives.push(reference);
  else bares.push(reference);
  comparisons.push({
    row,
    bare: extractor === 'pdftotext' ? bares.at(-1)! : mean(bares.at(-2)!, bares.at(-1)!),
    native: nativeBefore !== null ? mean(nativeBefore, reference) : (natives[0] ?? null),
  });
}
if (withPdftotext) {
  const before = await measureNative();
  const row = await measureIngest('both', 'pdftotext');
  const after = await measureNative();
  natives.push(before, after);
  comparisons.push({ row, bare: bares.at(-1)!, native: mean(before, after) });
}

const fmtRange = (xs: number[]) =>
  xs.length === 1 ? fmt(xs[0]!, 2) : `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}`;
console.log(
  `${'run'.padEnd(44)} ${'seconds'.padStart(11)} ${'pages/s'.padStart(8)} ${'files/s'.padStart(8)} ${'peak RSS'.padStart(9)} ${'÷ bare'.padStart(7)} ${'÷ pdftotext'.padStart(11)}`,
);
const referenceRow = (name: string, runs: number[]) => {
  const seconds = mean(Math.min(...runs), Math.max(...runs));
  console.log(
    `${name.padEnd(44)} ${fmtRange(runs).padStart(11)} ${fmt(pages / seconds).padStart(8)} ${fmt(files.length / seconds).padStart(8)} ${'—'.padStart(9)} ${'—'.padStart(7)} ${'—'.padStart(11)}`,
  );
};
if (natives.length > 0) referenceRow(`pdftotext ×${cores} processes (${natives.length} runs)`, natives);
referenceRow(`bare extraction (pdf-parse ×${cores} workers, ${bares.length} runs)`, bares);
for (const { row, bare, native } of comparisons) {
  console.log(
    `${row.name.padEnd(44)} ${fmt(row.seconds, 2).padStart(11)} ${fmt(pages / row.seconds).padStart(8)} ${fmt(files.length / row.seconds).padStart(8)} ` +
      `${(row.rssMb === null ? '—' : `${fmt(row.rssMb, 0)} MB`).padStart(9)} ${fmt(bare / row.seconds, 2).padStart(7)} ${(native === null ? '—' : fmt(native / row.seconds, 2)).padStart(11)}`,
  );
}
console.log('(ratios: against the mean of the reference runs just before and after each ingest run)');
console.log('\nstage shares (sum of per-file stage time; stages overlap across files in flight):');
for (const { row } of comparisons.filter((c) => c.row.stages)) {
  const total = Object.values(row.stages!).reduce((a, b) => a + b, 0);
  const shares = Object.entries(row.stages!)
    .sort((a, b) => b[1] - a[1])
    .map(([stage, s]) => `${stage} ${fmt((100 * s) / total, 1)}%`)
    .join(', ');
  console.log(`  ${row.name}: ${shares}`);
}
const both = comparisons.find((c) => c.row.name === 'ingest --type both');
const bothNative = comparisons.find((c) => c.row.name === 'ingest --type both --extractor pdftotext');
console.log('\ntargets on this run:');
if (both)
  console.log(`  ingest --type both ≥ 0.8 × bare extraction: ${fmt(both.bare / both.row.seconds, 2)}`);
if (bothNative?.native) {
  console.log(
    `  ingest --extractor pdftotext ≥ 0.6 × pdftotext: ${fmt(bothNative.native / bothNative.row.seconds, 2)}`,
  );
}
if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
else console.log(`\nkept: ${work}`);
// OCR pages/s and accuracy for each engine, on a small corpus of scans of its own (test/bench/ocr.bench.ts).
if (!values['skip-ocr']) await (await import('./ocr.bench.js')).runOcrBench();

/** Runs a command, returning its stdout and its peak resident memory (from /proc, sampled). */
function runMeasured(command: string, args: string[]): Promise<{ stdout: string; rssKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    let peak = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const sample = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+)/.exec(status);
        if (hwm) peak = Math.max(peak, Number(hwm[1]));
      } catch {
        /* exited */
      }
    }, 50);
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(sample);
      resolve({ stdout, rssKb: peak });
    });
  });
}
