// A scan under a typed form, through the built CLI: a document system prints a form of 6 pt fields as text
// over the scan it files, 1,000+ letters yet a few percent of the page. By its letters the page passed for
// text: the note in the image, naming another patient, was never OCR'd and was attached to the filename's
// patient (content verdict `absent`). A page of real text still costs no OCR.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import {
  hasNativeOcr,
  makeTypedFormScan,
  OTHER_PATIENT,
  SCAN_PATIENT,
  scanFilename,
  SLOW_OCR_TESTS,
} from '../support/scans.js';

const SAMPLE = path.join(import.meta.dirname, '../../fixtures/sample');
const TEXT_PDF = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';

let root: string;
let other: Buffer;
let own: Buffer;

beforeAll(async () => {
  root = createTempDir('tecsalud-ocr-typed-form-');
  // 1,122 letters: the form that passed for the page's text.
  other = await makeTypedFormScan(OTHER_PATIENT, 1122, 19);
  own = await makeTypedFormScan(SCAN_PATIENT, 1122, 20);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface ReportFile {
  filename: string;
  outcome: string;
  flags: string[];
  error: string | null;
  ocr: { engine: string; pages: number } | null;
}

/** A drop of `files` beside a database holding the sample registry, ingested with `extractor` and native OCR. */
async function ingestScans(name: string, extractor: string, files: Record<string, Buffer>) {
  const db = path.join(root, `${name}.db`);
  const drop = path.join(root, name);
  fs.mkdirSync(drop);
  for (const [filename, bytes] of Object.entries(files)) fs.writeFileSync(path.join(drop, filename), bytes);
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
  const run = await runCli(
    [
      'ingest',
      drop,
      '--db',
      db,
      '--non-interactive',
      '--json',
      '--ocr-engine',
      'tesseract',
      '--extractor',
      extractor,
    ],
    { cwd: root },
  );
  return { db, run, files: (JSON.parse(run.stdout) as { files: ReportFile[] }).files };
}

describe.runIf(hasNativeOcr)('a scan under a typed form of 1,000+ letters', SLOW_OCR_TESTS, () => {
  it("is OCR'd: one naming another patient is held for review, one of the filename's keeps note and form", async () => {
    const otherName = scanFilename('6500000001');
    const ownName = scanFilename('6500000002');
    const text = fs.readFileSync(path.join(SAMPLE, TEXT_PDF));
    // pdfium: the default extractor.
    const {
      db,
      run,
      files: report,
    } = await ingestScans('pdfium', 'pdfium', { [otherName]: other, [ownName]: own, [TEXT_PDF]: text });
    expect(run.code, run.stderr).toBe(2); // one held for review
    const files = new Map(report.map((file) => [file.filename, file]));
    expect(files.get(otherName)).toMatchObject({
      outcome: 'review_required',
      flags: ['content_mismatch'],
      ocr: { engine: 'tesseract', pages: 1 },
    });
    expect(files.get(ownName), files.get(ownName)?.error ?? '').toMatchObject({
      outcome: 'ingested',
      ocr: { pages: 1 },
    });
    // A page of real text over no image is not OCR'd.
    expect(files.get(TEXT_PDF)).toMatchObject({ outcome: 'ingested', ocr: null });
    const handle = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const { content } = handle
        .prepare('select content from medical_documents where filename = ?')
        .get(ownName) as { content: string };
      expect(content).toContain(`Expediente: ${SCAN_PATIENT.expediente}`); // the image's, OCR'd
      expect(content).toContain('Alergias: ninguna conocida · Tipo sanguíneo: O+'); // the form's, kept as typed
    } finally {
      handle.close();
    }
  });

  // Each other extractor, on the file that matters: another patient's note under the form is read and held.
  for (const extractor of ['pdf-parse', 'pdftotext']) {
    it(`is OCR'd with --extractor ${extractor}: one naming another patient is held for review`, async () => {
      const otherName = scanFilename('6500000001');
      const { run, files } = await ingestScans(extractor, extractor, { [otherName]: other });
      expect(run.code, run.stderr).toBe(2);
      const [file] = files;
      expect(file).toMatchObject({
        filename: otherName,
        outcome: 'review_required',
        flags: ['content_mismatch'],
        ocr: { engine: 'tesseract', pages: 1 },
      });
    });
  }
});

describe('a scan under a typed form of 1,000+ letters, with OCR off', SLOW_OCR_TESTS, () => {
  it('fails image_only, saying the form is no text of its own, in English and in Spanish', async () => {
    const db = path.join(root, 'ocr-off.db');
    const drop = path.join(root, 'ocr-off');
    fs.mkdirSync(drop);
    const name = scanFilename('6500000003');
    fs.writeFileSync(path.join(drop, name), other);
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
    expect(imported.code, imported.stderr).toBe(0);

    const run = await runCli(['ingest', drop, '--db', db, '--non-interactive', '--ocr', 'off', '--json'], {
      cwd: root,
    });
    expect(run.code, run.stderr).toBe(3); // every file failed: nothing attached unread
    const [file] = (JSON.parse(run.stdout) as { files: ReportFile[] }).files;
    expect(file).toMatchObject({ filename: name, outcome: 'image_only' });
    expect(file!.error).toContain("scans whose only text is a scanner's stamp, a letterhead, a typed form");

    const spanish = await runCli(['status', '--db', db, '--files', '--lang', 'es'], { cwd: root });
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(spanish.stdout.replace(/\s+/g, ' ')).toContain(
      'un membrete, un formulario impreso o un número de página',
    );
  });
});
