/**
 * `npm run bench:ocr [-- --files 12 --max-pages 2 --engines tesseract.js,tesseract --processes N --seed 21 --ink-grey 0.88]`
 * (also run at the end of `npm run bench`).
 *
 * Generates clinical PDFs with the fixtures generator, scans them (`--scanned`: 200 dpi grey, light noise
 * and slight skew from a fixed seed, image-only), then OCRs the scans with each engine through the real OCR
 * extractor (its child processes, the ingest's default number of them) and prints, per engine: pages/s
 * and the child processes' CPU seconds a page (their start-up included; unlike pages/s, it does not depend
 * on what else the machine is doing),
 * the character accuracy against the original text layer (1 − edit distance ÷ length, whitespace
 * collapsed; summed over every page), the share of files whose header expediente was read exactly, and the
 * mean word confidence. Targets: accuracy ≥ 0.95, expediente ≥ 90 % of files. It asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { distance } from 'fastest-levenshtein';
import { PDFParse, VerbosityLevel } from 'pdf-parse';
import { deriveSeed, makeScannedPdf, writeCorpus } from '../../fixtures/generator/index.js';
import { createPdfParseExtractor } from '../../src/adapters/extraction/pdf-parse-extractor.js';
import { createOcrExtractor, OCR_ENGINES, type OcrEngineName } from '../../src/adapters/ocr/index.js';

export interface OcrBenchOptions {
  files?: number;
  maxPages?: number;
  engines?: OcrEngineName[];
  /** OCR child processes; default as the ingest's: half the cores, at least 1. */
  processes?: number;
  seed?: number;
  /** The scans' print, 0-1 grey (ScanOptions.inkGrey); default 0, black. */
  inkGrey?: number;
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
const EXPEDIENTE = /Expediente\W{0,3}(\d{10})/;

async function pageTexts(file: string): Promise<string[]> {
  const parser = new PDFParse({
    data: new Uint8Array(fs.readFileSync(file)),
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    return (await parser.getText()).pages.map((page) => page.text);
  } finally {
    await parser.destroy();
  }
}

/**
 * CPU seconds of this process's child processes so far, their own reaped children included (the native
 * engine's tesseract and pdftoppm): a rate that does not depend on what else the machine is doing.
 */
function childCpuSeconds(): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // After the command's ")": state, ppid, …; utime, stime, cutime, cstime are fields 14-17.
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100; // USER_HZ
}

function nativeAvailable(): boolean {
  try {
    execFileSync('tesseract', ['--version'], { stdio: 'ignore' });
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function runOcrBench(options: OcrBenchOptions = {}): Promise<void> {
  const fileCount = options.files ?? 12;
  const seed = options.seed ?? 21;
  const processes = options.processes ?? Math.max(1, Math.floor(Math.min(os.availableParallelism(), 10) / 2));
  const engines = (options.engines ?? [...OCR_ENGINES]).filter((engine) => {
    if (engine !== 'tesseract' || nativeAvailable()) return true;
    console.log('note: tesseract or pdftoppm is not installed: the native engine is skipped.');
    return false;
  });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-ocr-bench-'));
  try {
    const textDir = path.join(work, 'text');
    const scanDir = path.join(work, 'scans');
    fs.mkdirSync(scanDir);
    const manifest = await writeCorpus({
      out: textDir,
      files: fileCount,
      seed,
      minPages: 1,
      maxPages: options.maxPages ?? 2,
      registryFile: path.join(work, 'registry.csv'),
      manifestFile: path.join(work, 'manifest.json'),
    });
    const scanStarted = performance.now();
    const truth: { path: string; expediente: string; pages: string[] }[] = [];
    for (const [index, file] of manifest.files.entries()) {
      const original = path.join(textDir, file.path);
      // The generator's --scanned, file by file, so that the original text layer is at hand to compare.
      const scan = await makeScannedPdf(fs.readFileSync(original), {
        seed: deriveSeed(seed, index),
        ...(options.inkGrey ? { inkGrey: options.inkGrey } : {}),
      });
      fs.writeFileSync(path.join(scanDir, file.path), scan);
      truth.push({
        path: path.join(scanDir, file.path),
        expediente: file.expediente,
        pages: await pageTexts(original),
      });
    }
    const pages = truth.reduce((sum, file) => sum + file.pages.length, 0);
    console.log(
      `\nOCR: ${truth.length} scanned PDFs, ${pages} pages (200 dpi grey, noise and skew from seed ${seed}` +
        `${options.inkGrey ? `, print at ${fmt(options.inkGrey * 100, 0)} % grey` : ''}), ` +
        `scanned in ${fmt((performance.now() - scanStarted) / 1000)} s; ${processes} OCR process${processes === 1 ? '' : 'es'}, ` +
        `load ${os
          .loadavg()
          .map((l) => fmt(l, 2))
          .join(' ')}`,
    );
    console.log(
      `${'engine'.padEnd(14)} ${'seconds'.padStart(8)} ${'pages/s'.padStart(8)} ${'s/page'.padStart(7)} ${'CPU s/page'.padStart(10)} ${'char accuracy'.padStart(14)} ${'worst file'.padStart(10)} ${'expediente read'.padStart(16)} ${'confidence'.padStart(10)}`,
    );
    for (const engine of engines) {
      const extractor = createOcrExtractor(createPdfParseExtractor({ workers: 1 }), {
        mode: 'auto',
        engine,
        processes,
      });
      const started = performance.now();
      const results = await Promise.all(truth.map((file) => extractor.extract(file.path)));
      const seconds = (performance.now() - started) / 1000;
      const cpu = childCpuSeconds();
      await extractor.close();
      let errors = 0;
      let length = 0;
      let worst = 1;
      let expedientes = 0;
      let confidence = 0;
      let failed = 0;
      results.forEach((result, index) => {
        const file = truth[index]!;
        const read = result.ok ? (result.pageTexts ?? []) : [];
        if (!result.ok) failed += 1;
        let fileErrors = 0;
        let fileLength = 0;
        file.pages.forEach((original, page) => {
          const expected = collapse(original);
          fileErrors += Math.min(expected.length, distance(expected, collapse(read[page] ?? '')));
          fileLength += expected.length;
        });
        errors += fileErrors;
        length += fileLength;
        worst = Math.min(worst, 1 - fileErrors / fileLength);
        if (EXPEDIENTE.exec(read[0] ?? '')?.[1] === file.expediente) expedientes += 1;
        if (result.ok) confidence += result.ocr?.meanConfidence ?? 0;
      });
      console.log(
        `${engine.padEnd(14)} ${fmt(seconds).padStart(8)} ${fmt(pages / seconds, 3).padStart(8)} ${fmt(seconds / pages).padStart(7)} ${fmt(cpu / pages).padStart(10)} ${fmt(1 - errors / length, 3).padStart(14)} ` +
          `${fmt(worst, 3).padStart(10)} ${`${expedientes}/${truth.length} (${fmt((100 * expedientes) / truth.length, 0)} %)`.padStart(16)} ` +
          `${fmt(confidence / Math.max(1, truth.length - failed), 3).padStart(10)}` +
          (failed > 0 ? `  (${failed} files failed)` : ''),
      );
    }
    console.log('targets: character accuracy ≥ 0.95; expediente read in ≥ 90 % of files');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const BENCH_OPTIONS = {
  files: { type: 'string', default: '12' },
  'max-pages': { type: 'string', default: '2' },
  engines: { type: 'string', default: OCR_ENGINES.join(',') },
  processes: { type: 'string' },
  seed: { type: 'string', default: '21' },
  'ink-grey': { type: 'string', default: '0' },
} as const;

const USAGE = `npm run bench:ocr [-- OPTIONS]

Scans generated clinical PDFs (200 dpi grey, seeded noise and skew) and OCRs them with each engine, printing
per engine: pages/s, CPU seconds a page, character accuracy, the worst file's, expedientes read, confidence.

  --files N          scanned PDFs to generate (default 12)
  --max-pages N      pages per PDF, at most (default 2)
  --engines LIST     comma-separated: ${OCR_ENGINES.join(',')} (default both)
  --processes N      OCR child processes (default: half the cores, at least 1)
  --seed N           noise and skew seed (default 21)
  --ink-grey G       print grey, 0-1: 0 black (default), 0.78 and 0.88 faint
  --help             this text
`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let parsed;
  try {
    parsed = parseArgs({ options: { ...BENCH_OPTIONS, help: { type: 'boolean', default: false } } });
  } catch (error) {
    // A mistyped option is a person's slip: say which, and where the options are, without a stack trace.
    console.error(
      `bench:ocr: ${error instanceof Error ? error.message : String(error)}; see npm run bench:ocr -- --help`,
    );
    process.exit(64);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const { values } = parsed;
  await runOcrBench({
    files: Number(values.files),
    maxPages: Number(values['max-pages']),
    engines: values.engines.split(',').filter(Boolean) as OcrEngineName[],
    ...(values.processes ? { processes: Number(values.processes) } : {}),
    seed: Number(values.seed),
    inkGrey: Number(values['ink-grey']),
  });
}
