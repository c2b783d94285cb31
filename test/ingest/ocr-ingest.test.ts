// OCR through the real ingest: real PDFs scanned by the fixtures generator, the real OCR engines in their
// child processes, SQLite. Few and small (pages of four lines): each OCR'd page takes a second or two.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { showStatus } from '../../src/commands/status.js';
import { commandContext } from '../support/command-context.js';
import { runCli } from '../support/cli-binary.js';
import { captureIo } from '../support/databases.js';
import {
  byFilename,
  createWorkspace,
  FIXTURES,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  REPO_ROOT,
  SAMPLE_DIR,
  type JsonReport,
  type Workspace,
} from '../support/ingest-fixture.js';
import {
  canRun,
  hasNativeOcr,
  joinScans,
  makeDamagedScan,
  makeMixedPdf,
  makeNoteWithScannedPage,
  makeSmallScan,
  makeStampedScan,
  makeUpsideDownScan,
  OTHER_PATIENT,
  SCAN_PATIENT,
  SCANNER_STAMP,
  scanFilename,
  SLOW_OCR_TESTS,
} from '../support/scans.js';

interface OcrJsonFile {
  filename: string;
  outcome: string;
  error: string | null;
  ocr: { engine: string; pages: number; confidence: number | null } | null;
  flags: string[];
}

/** OCR wraps only an extractor the run opens itself, never the in-process stand-in. */
const REAL_EXTRACTOR = { extractor: 'configured' } as const;

function ocrFiles(report: JsonReport): Map<string, OcrJsonFile> {
  return byFilename(report) as unknown as Map<string, OcrJsonFile>;
}

// A network namespace of its own (root, as CI) is how the test proves tesseract.js needs no network.
const canIsolateNetwork = canRun('unshare', ['-n', 'true']);

async function storedDocuments(workspace: Workspace) {
  const database = await openWorkspaceDb(workspace);
  try {
    return await database.db
      .selectFrom('medicalDocuments')
      .select(['filename', 'content', 'ocrEngine', 'ocrPages', 'ocrConfidence'])
      .execute();
  } finally {
    await database.close();
  }
}

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace({ copySample: false });
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

describe.runIf(hasNativeOcr)('OCR with the native engine (--ocr-engine tesseract)', SLOW_OCR_TESTS, () => {
  it('reads a one-page scan: ingested, the expediente in the stored text, the document records its OCR', async () => {
    fs.writeFileSync(path.join(workspace.dropDir, scanFilename('6100000001')), await makeSmallScan());
    const { code, report } = await ingestJson(
      workspace,
      { ocrEngine: 'tesseract', type: 'complete' },
      REAL_EXTRACTOR,
    );
    expect(code).toBe(0);
    const file = ocrFiles(report).get(scanFilename('6100000001'))!;
    expect(file).toMatchObject({ outcome: 'ingested', ocr: { engine: 'tesseract', pages: 1 }, flags: [] });
    const [document] = await storedDocuments(workspace);
    expect(document!.content).toContain(`Expediente: ${SCAN_PATIENT.expediente}`);
    expect(document!.content).toContain(SCAN_PATIENT.name);
    expect(document).toMatchObject({ ocrEngine: 'tesseract', ocrPages: 1 });
    expect(document!.ocrConfidence).toBeGreaterThan(0.7);
  });

  it('reads a page scanned upside down turned: one naming another patient is held for review, not attached', async () => {
    // Read as it lies, the page is garbage in which the content check finds nobody, and the scan was
    // attached to the filename's patient.
    const name = scanFilename('6100000008');
    fs.writeFileSync(path.join(workspace.dropDir, name), await makeUpsideDownScan());
    const { code, report } = await ingestJson(workspace, { ocrEngine: 'tesseract' }, REAL_EXTRACTOR);
    expect(code).toBe(2);
    const file = ocrFiles(report).get(name)!;
    expect(file).toMatchObject({
      outcome: 'review_required',
      flags: ['content_mismatch'],
      ocr: { pages: 1 },
    });
    expect(file.ocr!.confidence).toBeGreaterThan(0.7);
    expect(await storedDocuments(workspace)).toEqual([]);
    const content = (file as unknown as { content: { identity: { expediente: string } } }).content;
    expect(content.identity.expediente).toBe(OTHER_PATIENT.expediente);
  });

  it("OCRs a scan under a scanner's stamp of text: one naming another patient is held for review, by every extractor", async () => {
    // The stamp counted as the page's text layer, so --ocr auto never read the scan, the content check
    // found nobody, and the note about another patient was attached to the filename's.
    const extractors = [
      'pdfium',
      'pdf-parse',
      ...(canRun('pdfimages', ['-v']) || process.env.CI ? ['pdftotext'] : []),
    ];
    for (const [index, extractor] of extractors.entries()) {
      const name = scanFilename(`61000000${20 + index}`);
      // Stamped with its own page number: the same bytes would be known from the previous run.
      const stamp = SCANNER_STAMP.replace('p.1', `p.${index + 1}`);
      fs.writeFileSync(path.join(workspace.dropDir, name), await makeStampedScan(OTHER_PATIENT, { stamp }));
      const { code, report } = await ingestJson(
        workspace,
        { ocrEngine: 'tesseract', extractor },
        REAL_EXTRACTOR,
      );
      expect(code, extractor).toBe(2);
      const file = ocrFiles(report).get(name)!;
      expect(file, extractor).toMatchObject({
        outcome: 'review_required',
        flags: ['content_mismatch'],
        ocr: { engine: 'tesseract', pages: 1 },
      });
      const content = (file as unknown as { content: { identity: { expediente: string } } }).content;
      expect(content.identity.expediente, extractor).toBe(OTHER_PATIENT.expediente);
      fs.rmSync(path.join(workspace.dropDir, name));
    }
    expect(await storedDocuments(workspace)).toEqual([]);
  });

  it('fails a stamped scan image_only with OCR off, as a scan without any text is, and reads it once OCR is on', async () => {
    // Attached with OCR off, its text would be the stamp alone: the patient the scan names never checked.
    const name = scanFilename('6100000031');
    fs.writeFileSync(path.join(workspace.dropDir, name), await makeStampedScan(OTHER_PATIENT, { seed: 13 }));
    const off = await ingestJson(workspace, { ocr: 'off' }, REAL_EXTRACTOR);
    expect(off.code).toBe(3);
    const file = ocrFiles(off.report).get(name)!;
    expect(file).toMatchObject({ outcome: 'image_only', ocr: null });
    expect(file.error).toMatch(
      /^the PDF's pages are scans whose only text is a scanner's stamp, a letterhead, a typed form .*--ocr auto/,
    );
    expect(await storedDocuments(workspace)).toEqual([]);
    // The same bytes are not remembered as failed for a run that reads scans.
    const on = await ingestJson(workspace, { ocrEngine: 'tesseract' }, REAL_EXTRACTOR);
    expect(ocrFiles(on.report).get(name)).toMatchObject({
      outcome: 'review_required',
      flags: ['content_mismatch'],
    });
  });

  it("with OCR off, fails a note with another patient's page scanned onto its end image_only, by every extractor; OCR then holds it", async () => {
    // Attached on its text page alone, with the content check 'agrees': the scanned page, about another
    // patient, was never read. With or without a scanner's stamp over it.
    const plain = scanFilename('6100000032');
    const stamped = scanFilename('6100000033');
    fs.writeFileSync(path.join(workspace.dropDir, plain), await makeNoteWithScannedPage(OTHER_PATIENT));
    fs.writeFileSync(
      path.join(workspace.dropDir, stamped),
      await makeNoteWithScannedPage(OTHER_PATIENT, { seed: 15, stamp: SCANNER_STAMP }),
    );
    const cli = (db: string, args: string[]) =>
      runCli(['ingest', workspace.dropDir, '--db', db, '--json', '--non-interactive', ...args], {
        cwd: workspace.root,
        env: { TECSALUD_OCR: '' },
      });
    const extractors = [
      'pdfium',
      'pdf-parse',
      ...(canRun('pdfimages', ['-v']) || process.env.CI ? ['pdftotext'] : []),
    ];
    for (const extractor of extractors) {
      // A database of its own per extractor: another run of the same bytes would remember their failure.
      const off = await cli(path.join(workspace.root, `off-${extractor}.db`), [
        '--ocr',
        'off',
        '--extractor',
        extractor,
      ]);
      expect(off.code, `${extractor}: ${off.stderr}`).toBe(3);
      const files = ocrFiles(JSON.parse(off.stdout) as JsonReport);
      for (const name of [plain, stamped]) {
        expect(files.get(name), `${extractor} ${name}`).toMatchObject({ outcome: 'image_only', ocr: null });
        expect(files.get(name)!.error, extractor).toBe(
          "1 of the PDF's 2 pages is a scan (page 2), not read with OCR off; it needs OCR before it can be " +
            'ingested (--ocr auto), or the patient the scan names goes unchecked',
        );
      }
    }
    const on = await cli(workspace.db, ['--ocr-engine', 'tesseract']);
    expect(on.code, on.stderr).toBe(2);
    const files = ocrFiles(JSON.parse(on.stdout) as JsonReport);
    for (const name of [plain, stamped])
      expect(files.get(name), name).toMatchObject({
        outcome: 'review_required',
        flags: ['content_mismatch'],
        ocr: { engine: 'tesseract', pages: 1 },
      });
    expect(await storedDocuments(workspace)).toEqual([]);
  });

  it("stores a stamped scan of the filename's patient with its OCR'd text and the stamp", async () => {
    const name = scanFilename('6100000030');
    fs.writeFileSync(path.join(workspace.dropDir, name), await makeStampedScan(SCAN_PATIENT, { seed: 12 }));
    const { code, report } = await ingestJson(
      workspace,
      { ocrEngine: 'tesseract', type: 'complete' },
      REAL_EXTRACTOR,
    );
    expect(code).toBe(0);
    expect(ocrFiles(report).get(name)).toMatchObject({ outcome: 'ingested', ocr: { pages: 1 }, flags: [] });
    const [document] = await storedDocuments(workspace);
    expect(document!.content).toContain(`Expediente: ${SCAN_PATIENT.expediente}`);
    expect(document!.content).toContain(SCANNER_STAMP);
  });

  it("OCRs only a mixed PDF's scanned page, and flags a mean confidence under the threshold", async () => {
    const name = scanFilename('6100000002', 'LAB');
    fs.writeFileSync(path.join(workspace.dropDir, name), await makeMixedPdf());
    const { code, report } = await ingestJson(
      workspace,
      { ocrEngine: 'tesseract', type: 'complete', ocrMinConfidence: '0.99' },
      REAL_EXTRACTOR,
    );
    expect(code).toBe(0);
    const file = ocrFiles(report).get(name)!;
    expect(file).toMatchObject({ outcome: 'ingested', ocr: { engine: 'tesseract', pages: 1 } });
    expect(file.flags).toEqual(['low_ocr_confidence']);
    const [document] = await storedDocuments(workspace);
    expect(document!.content).toContain('Biometría hemática'); // page 1, its text layer
    expect(document!.content).toMatch(/Interpretaci[oó]n: valores dentro de referencia/); // page 2, OCR
    expect(document).toMatchObject({ ocrEngine: 'tesseract', ocrPages: 1 });

    const text = captureIo();
    await showStatus(
      undefined,
      { files: true },
      await commandContext({ cwd: workspace.root, db: workspace.db, io: text.io }),
    );
    expect(text.stdout()).toContain('⚑ low_ocr_confidence');
    expect(text.stdout()).toMatch(/OCR \(tesseract\) read 1 page, mean word confidence 0\.\d\d: low/);
    const json = captureIo();
    await showStatus(
      undefined,
      { json: true },
      await commandContext({ cwd: workspace.root, db: workspace.db, io: json.io }),
    );
    const [listed] = (JSON.parse(json.stdout()) as { files: OcrJsonFile[] }).files;
    expect(listed).toMatchObject({ flags: ['low_ocr_confidence'], ocr: { engine: 'tesseract', pages: 1 } });
  });

  it('--ocr off keeps image_only for the image-only problem PDF; when OCR reads nothing there, it says so', async () => {
    const name = scanFilename('6100000003', 'RX');
    fs.copyFileSync(
      path.join(FIXTURES, 'problem-pdfs', 'image-only.pdf'),
      path.join(workspace.dropDir, name),
    );
    const off = ocrFiles((await ingestJson(workspace, { ocr: 'off' }, REAL_EXTRACTOR)).report).get(name)!;
    expect(off).toMatchObject({ outcome: 'image_only', ocr: null });
    expect(off.error).toMatch(/needs OCR/);
    const tried = ocrFiles(
      (await ingestJson(workspace, { ocrEngine: 'tesseract' }, REAL_EXTRACTOR)).report,
    ).get(name)!;
    expect(tried.outcome, tried.error ?? '').toBe('image_only');
    expect(tried.error).toMatch(/OCR \(tesseract\) found no readable text on its 1 page/);
  });

  it('takes --ocr, --ocr-engine and --ocr-min-confidence from the real command line, and records them', async () => {
    const name = scanFilename('6100000007');
    fs.writeFileSync(path.join(workspace.dropDir, name), await makeSmallScan(8));
    const cli = (args: string[]) =>
      runCli(['ingest', workspace.dropDir, '--db', workspace.db, '--json', '--non-interactive', ...args], {
        cwd: workspace.root,
        env: { TECSALUD_OCR: '' },
      });
    const off = await cli(['--ocr', 'off', '--type', 'complete']);
    expect(off.code, off.stderr).toBe(3);
    expect(ocrFiles(JSON.parse(off.stdout) as JsonReport).get(name)).toMatchObject({
      outcome: 'image_only',
    });

    const read = await cli([
      '--ocr-engine',
      'tesseract',
      '--ocr-min-confidence',
      '0.99',
      '--type',
      'complete',
    ]);
    expect(read.code, read.stderr).toBe(0);
    expect(ocrFiles(JSON.parse(read.stdout) as JsonReport).get(name)).toMatchObject({
      outcome: 'ingested',
      ocr: { engine: 'tesseract', pages: 1 },
      flags: ['low_ocr_confidence'],
    });
    const database = await openWorkspaceDb(workspace);
    try {
      const sessions = await database.db
        .selectFrom('batchUploads')
        .select(['optionsJson', 'createdAt'])
        .orderBy('createdAt')
        .execute();
      expect(sessions.map((row) => (JSON.parse(row.optionsJson) as { ocr: unknown }).ocr)).toEqual([
        { mode: 'off', engine: 'tesseract.js', min_confidence: 0.7 },
        { mode: 'auto', engine: 'tesseract', min_confidence: 0.99 },
      ]);
    } finally {
      await database.close();
    }

    const refused = await cli(['--ocr-min-confidence', '2']);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(/error: --ocr-min-confidence must be a number from 0 to 1; got /);
  });

  it('a hung OCR child is killed at the per-page limit: that file fails with its reason, the next scan is read', async () => {
    // A tesseract that hangs on the first page it is given, then behaves: the limit must kill the
    // child and its tesseract, and the pool must go on with a fresh child. The other scan's reading must
    // fit in the same limit: at 8 s it could not on a loaded machine (a second of CPU for pdfimages,
    // pdftoppm and tesseract, 5-8 s of wall-clock time at a load average of 12-16), and timed out too.
    const bin = path.join(workspace.root, 'bin');
    const hangOnce = path.join(workspace.root, 'hang-once');
    const hungSleep = `sleep 599.${process.pid}`;
    fs.mkdirSync(bin);
    fs.writeFileSync(hangOnce, '');
    const real = execFileSync('sh', ['-c', 'command -v tesseract']).toString().trim();
    fs.writeFileSync(
      path.join(bin, 'tesseract'),
      `#!/bin/sh\nif [ "$1" = stdin ] && rm "${hangOnce}" 2>/dev/null; then exec ${hungSleep}; fi\nexec "${real}" "$@"\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(
      path.join(workspace.root, 'tecsalud-batch.config.json'),
      JSON.stringify({ ocr: { engine: 'tesseract', pageTimeoutSeconds: 30, processes: 1 } }),
    );
    const first = scanFilename('6100000004');
    const second = scanFilename('6100000005');
    const textLayer = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
    fs.writeFileSync(path.join(workspace.dropDir, first), await makeSmallScan(5));
    fs.writeFileSync(path.join(workspace.dropDir, second), await makeSmallScan(6));
    fs.copyFileSync(path.join(SAMPLE_DIR, textLayer), path.join(workspace.dropDir, textLayer));
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    let report: JsonReport;
    try {
      ({ report } = await ingestJson(workspace, {}, REAL_EXTRACTOR));
    } finally {
      process.env.PATH = savedPath;
    }
    const files = ocrFiles(report);
    const scans = [files.get(first)!, files.get(second)!];
    const stopped = scans.find((file) => file.outcome !== 'ingested')!;
    expect(stopped.outcome).toBe('extraction_timeout');
    expect(stopped.error).toMatch(/OCR \(tesseract\) of page 1 took longer than the per-page limit \(30 s\)/);
    expect(scans.filter((file) => file.outcome === 'ingested')).toHaveLength(1);
    expect(files.get(textLayer)!.outcome).toBe('ingested');
    // The child's whole process group went with it: no hung tesseract is left behind.
    const processes = fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
    const hung = processes.filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(hungSleep);
      } catch {
        return false;
      }
    }, REAL_EXTRACTOR);
    expect(hung).toEqual([]);
  });
});

describe.runIf(canIsolateNetwork)('OCR with the default engine (tesseract.js)', SLOW_OCR_TESTS, () => {
  it('reads a scan with no network at all, from the CLI, and writes no language data anywhere', async () => {
    fs.writeFileSync(path.join(workspace.dropDir, scanFilename('6100000006')), await makeSmallScan(7));
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const cli = path.join(REPO_ROOT, 'test', 'e2e', 'support', 'run-cli.ts');
    const args = [
      '-n',
      tsx,
      cli,
      'ingest',
      workspace.dropDir,
      '--db',
      workspace.db,
      '--json',
      '--non-interactive',
      '--type',
      'complete',
    ];
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn('unshare', args, { cwd: workspace.root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    });
    expect(code, stderr).toBe(0);
    const file = ocrFiles(JSON.parse(stdout) as JsonReport).get(scanFilename('6100000006'))!;
    expect(file).toMatchObject({ outcome: 'ingested', ocr: { engine: 'tesseract.js', pages: 1 } });
    const [document] = await storedDocuments(workspace);
    expect(document!.content).toContain(`Expediente: ${SCAN_PATIENT.expediente}`);
    // tesseract.js's default would cache the data it fetched in the working directory.
    const written = fs.readdirSync(workspace.root, { recursive: true }).map(String);
    expect(written.filter((name) => name.includes('traineddata'))).toEqual([]);
  });
});

/** A scan with a damaged image stream, OCR'd with `engine`: the file's JSON entry. */
async function ingestDamagedScan(engine: 'tesseract' | 'tesseract.js'): Promise<OcrJsonFile> {
  const name = scanFilename('6100000040');
  fs.writeFileSync(path.join(workspace.dropDir, name), await makeDamagedScan());
  const { code, report } = await ingestJson(workspace, { ocrEngine: engine }, REAL_EXTRACTOR);
  expect(code, engine).toBe(3);
  expect(await storedDocuments(workspace)).toEqual([]);
  return ocrFiles(report).get(name)!;
}

// The engines disagreed: libjpeg decodes the part before the damage and the native engine read that
// (attached at confidence 0.66, flagged low_ocr_confidence: the line naming the patient may be lost), pdf.js
// drew nothing and tesseract.js failed the file image_only, "the scan may be blank".
describe.runIf(hasNativeOcr)('OCR of a scan whose image stream is damaged', SLOW_OCR_TESTS, () => {
  it.each(['tesseract', 'tesseract.js'] as const)(
    'fails it corrupt with %s, naming the page, never ingested',
    async (engine) => {
      const file = await ingestDamagedScan(engine);
      expect(file, engine).toMatchObject({ outcome: 'corrupt', ocr: null });
      expect(file.error, engine).toMatch(
        /^the scanned image of page 1 is damaged and cannot be read whole \(.+\), so the patient it names cannot be checked; scan the page again/,
      );
    },
  );
});

// Poppler draws a Flate-compressed image whose deflate data turns to junk without a word, the rows after the
// damage blank: the native engine read the header above it and attached the scan at full confidence.
describe.runIf(hasNativeOcr)(
  'OCR of a scan whose Flate-compressed image is damaged, through the CLI',
  SLOW_OCR_TESTS,
  () => {
    it('fails it corrupt, naming the page, with either engine and every extractor', async () => {
      const name = scanFilename('6100000041');
      fs.writeFileSync(path.join(workspace.dropDir, name), await makeDamagedScan(3, 'flate'));
      const extractors = [
        'pdfium',
        'pdf-parse',
        ...(canRun('pdfimages', ['-v']) || process.env.CI ? ['pdftotext'] : []),
      ];
      const runs = [
        ...extractors.map((extractor) => ['--ocr-engine', 'tesseract', '--extractor', extractor]),
        ['--ocr-engine', 'tesseract.js'],
      ];
      for (const [index, args] of runs.entries()) {
        // A database of its own per run: another run of the same bytes would remember their failure.
        const db = path.join(workspace.root, `flate-${index}.db`);
        const run = await runCli(
          ['ingest', workspace.dropDir, '--db', db, '--json', '--non-interactive', ...args],
          {
            cwd: workspace.root,
            env: { TECSALUD_OCR: '' },
          },
        );
        const label = args.join(' ');
        expect(run.code, `${label}: ${run.stderr}`).toBe(3);
        const file = ocrFiles(JSON.parse(run.stdout) as JsonReport).get(name)!;
        expect(file, label).toMatchObject({ outcome: 'corrupt', ocr: null });
        expect(file.error, label).toMatch(
          /^the scanned image of page 1 is damaged and cannot be read whole \(.*flate.*\), so the patient it names cannot be checked; scan the page again/i,
        );
      }
    });
  },
);

// The check listed each page's images with a pdfimages of its own: a process more per page OCR'd, 40 for a
// 40-page scan. A pdfimages first on PATH that logs its calls counts them, through the built CLI.
describe.runIf(hasNativeOcr)(
  'The native engine lists the images of a scan once per file, through the CLI',
  SLOW_OCR_TESTS,
  () => {
    it('runs pdfimages once for a three-page scan, and still fails one damaged on page 2 corrupt, naming page 2', async () => {
      const bin = path.join(workspace.root, 'bin');
      const calls = path.join(workspace.root, 'pdfimages-calls');
      fs.mkdirSync(bin);
      const real = execFileSync('sh', ['-c', 'command -v pdfimages']).toString().trim();
      fs.writeFileSync(
        path.join(bin, 'pdfimages'),
        `#!/bin/sh\necho "$*" >> "${calls}"\nexec "${real}" "$@"\n`,
        {
          mode: 0o755,
        },
      );
      const intact = scanFilename('6100000042');
      const damaged = scanFilename('6100000043');
      const [page1, page2, page3] = await Promise.all(
        [12, 13, 14].map((seed) => makeSmallScan(seed, 'flate')),
      );
      fs.writeFileSync(path.join(workspace.dropDir, intact), await joinScans([page1!, page2!, page3!]));
      fs.writeFileSync(
        path.join(workspace.dropDir, damaged),
        await joinScans([page1!, await makeDamagedScan(15, 'flate'), page3!]),
      );
      const run = await runCli(
        [
          'ingest',
          workspace.dropDir,
          '--db',
          workspace.db,
          '--json',
          '--non-interactive',
          '--ocr-engine',
          'tesseract',
        ],
        {
          cwd: workspace.root,
          env: { TECSALUD_OCR: '', PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
        },
      );
      expect(run.code, run.stderr).toBe(3);
      const files = ocrFiles(JSON.parse(run.stdout) as JsonReport);
      expect(files.get(intact)).toMatchObject({
        outcome: 'ingested',
        ocr: { engine: 'tesseract', pages: 3 },
      });
      expect(files.get(damaged)).toMatchObject({ outcome: 'corrupt', ocr: null });
      expect(files.get(damaged)!.error).toMatch(
        /^the scanned image of page 2 is damaged and cannot be read whole \(.*Flate-compressed image \(object \d+\)\), so the patient/,
      );
      // One call per file, over the pages to read; before, one per page read: 3 for the first, 2 for the second.
      const logged = fs.readFileSync(calls, 'utf8').trim().split('\n').sort();
      expect(logged).toEqual(
        [intact, damaged].map((name) => `-f 1 -l 3 -list ${path.join(workspace.dropDir, name)}`).sort(),
      );
    });
  },
);

describe('OCR with the default engine (tesseract.js), in process', SLOW_OCR_TESTS, () => {
  it('reads a page scanned upside down turned, as the native engine does', async () => {
    const name = scanFilename('6100000009');
    fs.writeFileSync(path.join(workspace.dropDir, name), await makeUpsideDownScan(10));
    const { code, report } = await ingestJson(workspace, { ocrEngine: 'tesseract.js' }, REAL_EXTRACTOR);
    expect(code).toBe(2);
    expect(ocrFiles(report).get(name)).toMatchObject({
      outcome: 'review_required',
      flags: ['content_mismatch'],
      ocr: { engine: 'tesseract.js', pages: 1 },
    });
    expect(await storedDocuments(workspace)).toEqual([]);
  });
});
