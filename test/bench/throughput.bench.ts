/**
 * `npm run bench [-- --files N --min-pages 1 --max-pages 12 --types both,complete,vectorized
 *                   --extractor pdfium --compare pdf-parse --skip-ocr]`
 *
 * Generates a synthetic corpus with the fixtures generator, then measures in one run:
 * - the native reference: poppler's `pdftotext` over the corpus, one process per core, started by xargs
 *   (skipped when absent);
 * - the project's bare extraction for each engine that runs in the child-process pool (PDFium, pdf-parse;
 *   workers = cores), from the compiled dist/;
 * - end-to-end `ingest` on the embedded defaults for each processing type with `--extractor` (default: the
 *   CLI's default), `ingest --type both` with each `--compare` engine, and `ingest --type both --extractor
 *   pdftotext` when poppler-utils is installed (the real binary, fresh database each);
 * and prints pages/s, files/s, each stage's share of the time, the peak resident memory of the whole process
 * tree (ingest) or of one extraction child (bare), the ratios ingest / bare extraction and ingest / pdftotext,
 * and the issue's three ratio targets as measured. Each ingest run is bracketed by runs of its reference,
 * against whose mean its ratio is taken. It asserts nothing: it prints figures.
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
    extractor: { type: 'string' },
    compare: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'skip-ocr': { type: 'boolean', default: false },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'tecsalud-batch.js');
const cores = os.availableParallelism();
const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * CPU seconds used so far by this process and by its children once reaped, descendants included (Linux
 * /proc/self/stat; elsewhere 0). On a busy shared machine a run's wall time depends on how much of the CPU
 * it gets; the CPU it needs does not: with every core busy, wall time ≈ CPU / cores, so CPU ratios tell what
 * the wall ratios would be on an otherwise idle machine.
 */
const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuSeconds(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses: utime, stime, cutime, cstime are 14–17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / clockTicks;
  } catch {
    return 0;
  }
}
type Timed = { seconds: number; cpu: number };

if (!fs.existsSync(path.join(ROOT, 'dist', 'main.js')))
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const { DEFAULT_EXTRACTOR } = (await import(
  path.join(ROOT, 'dist', 'app', 'open-extractor.js')
)) as typeof import('../../src/app/open-extractor.js');
/** The engines that run in the child-process pool, measured bare against their own ingest. */
const POOLED = ['pdfium', 'pdf-parse'];
const mainExtractor = values.extractor ?? DEFAULT_EXTRACTOR;
const compared = (values.compare ?? POOLED.filter((name) => name !== mainExtractor).join(','))
  .split(',')
  .map((name) => name.trim())
  .filter((name) => POOLED.includes(name) && name !== mainExtractor);

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
  extractor: string;
  type: string;
  seconds: number;
  cpu: number;
  rssMb: number | null;
  stages?: Record<string, number>;
  /** CPU seconds of the ingest's own process, its extraction children left out. */
  mainCpu?: number;
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

/**
 * The native reference: pdftotext over the corpus, one process per core, started by xargs. Started from this
 * process instead, every fork would copy the page tables of a Node process that has just generated the
 * corpus (hundreds of MB): that alone made the reference 1.5–2 × slower than poppler's own rate here.
 */
async function measureNative(): Promise<Timed> {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  await new Promise<void>((resolve, reject) => {
    const xargs = spawn(
      'xargs',
      ['-0', '-I{}', '-P', String(cores), 'pdftotext', '-enc', 'UTF-8', '{}', '-'],
      {
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    xargs.on('error', reject);
    xargs.on('close', () => resolve());
    xargs.stdin.end(files.join('\0'));
  });
  return { seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

/** Bare extraction with the project's pool, from the compiled build (no TypeScript loader in the workers). */
async function measureBare(engine: string): Promise<Timed & { childRssMb: number }> {
  const extraction = (await import(
    path.join(ROOT, 'dist', 'adapters', 'extraction', 'index.js')
  )) as typeof import('../../src/adapters/extraction/index.js');
  const create = engine === 'pdfium' ? extraction.createPdfiumExtractor : extraction.createPdfParseExtractor;
  const c0 = cpuSeconds();
  const extractor = create({ workers: cores });
  const sampler = sampleChildren(process.pid);
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
  const { childKb } = sampler.stop();
  await extractor.close();
  const cpu = cpuSeconds() - c0;
  if (extractedPages !== pages)
    console.log(`warning: bare ${engine} read ${extractedPages} of ${pages} pages`);
  return { seconds, cpu, childRssMb: childKb / 1024 };
}

/**
 * Loaded into the ingest's own process (not its children, whose parent is that process): writes the process's
 * CPU time at exit, so that the ingest's own work shows apart from the extraction children's.
 */
const MAIN_CPU_HOOK = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs';" +
    "process.on('exit', () => { const { TECSALUD_BENCH_CPU_FILE: file, TECSALUD_BENCH_PID: bench } = process.env;" +
    ' if (file && String(process.ppid) === bench) fs.writeFileSync(file, JSON.stringify(process.cpuUsage())); });',
)}`;

/** End-to-end ingest: the real binary on a fresh database with the registry loaded. */
async function measureIngest(type: string, extractor: string): Promise<Row> {
  const db = path.join(work, `bench-${type}-${extractor}.db`);
  execFileSync(process.execPath, [BIN, 'patients', 'import', path.join(work, 'registry.csv'), '--db', db], {
    stdio: 'ignore',
  });
  const args = [
    '--import',
    MAIN_CPU_HOOK,
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
  if (extractor !== DEFAULT_EXTRACTOR) args.push('--extractor', extractor);
  const name = `ingest --type ${type}${extractor !== DEFAULT_EXTRACTOR ? ` --extractor ${extractor}` : ''}`;
  const t0 = performance.now();
  const c0 = cpuSeconds();
  const cpuFile = path.join(work, `main-cpu-${type}-${extractor}.json`);
  const { stdout, rssKb } = await runMeasured(process.execPath, args, {
    ...process.env,
    TECSALUD_BENCH_CPU_FILE: cpuFile,
    TECSALUD_BENCH_PID: String(process.pid),
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  const own = JSON.parse(fs.readFileSync(cpuFile, 'utf8')) as { user: number; system: number };
  const report = JSON.parse(stdout) as { stage_seconds?: Record<string, number>; failed_files: number };
  if (report.failed_files > 0) console.log(`warning: ${name}: ${report.failed_files} files failed`);
  const mainCpu = (own.user + own.system) / 1e6;
  return { name, extractor, type, seconds, cpu, mainCpu, rssMb: rssKb / 1024, stages: report.stage_seconds };
}

// The machine's speed may drift during the several minutes of a run (a shared VM here drifts by a third in
// an hour), so each ingest run is bracketed by the reference it is compared with: its ratio is taken
// against the mean of the reference runs just before and just after it.
const mean = (a: number, b: number) => (a + b) / 2;
const meanOf = (a: Timed, b: Timed): Timed => ({
  seconds: mean(a.seconds, b.seconds),
  cpu: mean(a.cpu, b.cpu),
});
const ingestRuns = [
  ...values.types.split(',').map((type) => ({ type: type.trim(), extractor: mainExtractor })),
  ...compared.map((extractor) => ({ type: 'both', extractor })),
  ...(hasPdftotext ? [{ type: 'both', extractor: 'pdftotext' }] : []),
];

const natives: Timed[] = [];
const bares = new Map<string, Timed[]>();
const childRss = new Map<string, number>();
async function bareRun(engine: string): Promise<Timed> {
  const { seconds, cpu, childRssMb } = await measureBare(engine);
  bares.set(engine, [...(bares.get(engine) ?? []), { seconds, cpu }]);
  childRss.set(engine, Math.max(childRss.get(engine) ?? 0, childRssMb));
  return { seconds, cpu };
}
async function nativeRun(): Promise<Timed> {
  const run = await measureNative();
  natives.push(run);
  return run;
}
const comparisons: { row: Row; bare: Timed | null; native: Timed | null }[] = [];
let lastNative = hasPdftotext ? await nativeRun() : null;
const lastBare = new Map<string, Timed>();
for (const { type, extractor } of ingestRuns) {
  if (extractor === 'pdftotext') {
    const before = lastNative ?? (await nativeRun());
    const row = await measureIngest(type, extractor);
    lastNative = await nativeRun();
    comparisons.push({ row, bare: null, native: meanOf(before, lastNative) });
    continue;
  }
  const before = lastBare.get(extractor) ?? (await bareRun(extractor));
  const row = await measureIngest(type, extractor);
  const after = await bareRun(extractor);
  lastBare.set(extractor, after);
  comparisons.push({ row, bare: meanOf(before, after), native: lastNative });
}

const fmtRange = (xs: number[]) =>
  xs.length === 1 ? fmt(xs[0]!, 2) : `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}`;
const fmtMb = (mb: number | null | undefined) => (mb ? `${fmt(mb, 0)} MB` : '—');
const ratio = (reference: number | undefined, run: number) =>
  reference === undefined ? '—' : fmt(reference / run, 2);
console.log(
  `${'run'.padEnd(48)} ${'seconds'.padStart(11)} ${'pages/s'.padStart(8)} ${'files/s'.padStart(8)} ${'peak RSS'.padStart(9)} ${'÷ bare'.padStart(7)} ${'÷ pdftotext'.padStart(11)}` +
    `  ${'CPU s'.padStart(11)} ${'÷ bare'.padStart(7)} ${'÷ pdftotext'.padStart(11)}`,
);
const referenceRow = (name: string, runs: Timed[], rssMb?: number) => {
  const seconds = runs.map((r) => r.seconds);
  const cpus = runs.map((r) => r.cpu);
  const middle = mean(Math.min(...seconds), Math.max(...seconds));
  console.log(
    `${name.padEnd(48)} ${fmtRange(seconds).padStart(11)} ${fmt(pages / middle).padStart(8)} ${fmt(files.length / middle).padStart(8)} ${fmtMb(rssMb).padStart(9)} ${'—'.padStart(7)} ${'—'.padStart(11)}` +
      `  ${fmtRange(cpus).padStart(11)} ${'—'.padStart(7)} ${'—'.padStart(11)}`,
  );
};
if (natives.length > 0) referenceRow(`pdftotext ×${cores} processes (${natives.length} runs)`, natives);
for (const [engine, runs] of bares) {
  referenceRow(
    `bare extraction (${engine} ×${cores} workers, ${runs.length} runs)`,
    runs,
    childRss.get(engine),
  );
}
for (const { row, bare, native } of comparisons) {
  console.log(
    `${row.name.padEnd(48)} ${fmt(row.seconds, 2).padStart(11)} ${fmt(pages / row.seconds).padStart(8)} ${fmt(files.length / row.seconds).padStart(8)} ` +
      `${fmtMb(row.rssMb).padStart(9)} ${ratio(bare?.seconds, row.seconds).padStart(7)} ${ratio(native?.seconds, row.seconds).padStart(11)}` +
      `  ${fmt(row.cpu, 2).padStart(11)} ${ratio(bare?.cpu, row.cpu).padStart(7)} ${ratio(native?.cpu, row.cpu).padStart(11)}`,
  );
}
console.log(
  '(ratios: against the mean of the reference runs just before and after each ingest run; peak RSS:',
);
console.log(
  " of the whole ingest process tree, and of one extraction child for a bare run; CPU s: the run's",
);
console.log(
  ' processes together, whose ratios are what the wall-time ratios would be on an otherwise idle machine)',
);
console.log('\nstage shares (sum of per-file stage time; stages overlap across files in flight):');
for (const { row } of comparisons.filter((c) => c.row.stages)) {
  const total = Object.values(row.stages!).reduce((a, b) => a + b, 0);
  const shares = Object.entries(row.stages!)
    .sort((a, b) => b[1] - a[1])
    .map(([stage, s]) => `${stage} ${fmt((100 * s) / total, 1)}%`)
    .join(', ');
  console.log(`  ${row.name}: ${shares}`);
}
console.log(
  "\nthe ingest's own process (parsing, matching, content check, chunking, embedding, storing), its children left out:",
);
for (const { row } of comparisons.filter((c) => c.row.mainCpu !== undefined)) {
  console.log(
    `  ${row.name}: ${fmt(row.mainCpu!, 2)} CPU s of ${fmt(row.cpu, 2)} (${fmt((100 * row.mainCpu!) / row.cpu, 0)}%)`,
  );
}
const both = comparisons.find((c) => c.row.type === 'both' && c.row.extractor === mainExtractor);
const bothNative = comparisons.find((c) => c.row.extractor === 'pdftotext');
console.log(
  `\ntargets on this run, by wall time (by CPU time); load at the end: ${os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ')}`,
);
const both2 = (reference: Timed, row: Row) =>
  `${fmt(reference.seconds / row.seconds, 2)} (${fmt(reference.cpu / row.cpu, 2)})`;
if (both?.bare)
  console.log(
    `  ingest --type both (${mainExtractor}) ≥ 0.9 × bare ${mainExtractor}: ${both2(both.bare, both.row)}`,
  );
if (both?.native)
  console.log(`  ingest --type both (${mainExtractor}) ≥ 0.5 × pdftotext: ${both2(both.native, both.row)}`);
if (bothNative?.native) {
  console.log(
    `  ingest --extractor pdftotext ≥ 0.8 × pdftotext: ${both2(bothNative.native, bothNative.row)}`,
  );
}
if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
else console.log(`\nkept: ${work}`);
// OCR pages/s and accuracy for each engine, on a small corpus of scans of its own (test/bench/ocr.bench.ts).
if (!values['skip-ocr']) await (await import('./ocr.bench.js')).runOcrBench();

/** Runs a command, returning its stdout and the peak resident memory of its process tree (sampled). */
async function runMeasured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; rssKb: number }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'], env });
  const sampler = sampleChildren(child.pid!, true);
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return { stdout, rssKb: sampler.stop().treeKb };
}

/**
 * Samples every 50 ms the resident memory of a process's tree (with `includeRoot`, the process itself and
 * all its descendants) and of the largest of its direct children's subtrees (an extraction child with its
 * pdftotext). Linux /proc only; elsewhere it reports 0.
 */
function sampleChildren(pid: number, includeRoot = false): { stop(): { treeKb: number; childKb: number } } {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const rssKb = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(read(`/proc/${p}/status`))?.[1] ?? 0);
  const childrenOf = (p: number) =>
    read(`/proc/${p}/task/${p}/children`).split(/\s+/).filter(Boolean).map(Number);
  const subtreeKb = (p: number): number => rssKb(p) + childrenOf(p).reduce((sum, c) => sum + subtreeKb(c), 0);
  let treeKb = 0;
  let childKb = 0;
  const sample = () => {
    const subtrees = childrenOf(pid).map(subtreeKb);
    childKb = Math.max(childKb, ...subtrees, 0);
    treeKb = Math.max(treeKb, subtrees.reduce((a, b) => a + b, 0) + (includeRoot ? rssKb(pid) : 0));
  };
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      return { treeKb, childKb };
    },
  };
}
