// Faint and blank scans through the built CLI and the native engine: a faint page (print at 78 % grey on a
// mostly empty sheet) must be read, not failed as if blank, and a blank page must stay "no readable text"
// rather than be stored as the paper's grain read as letters. Half-letter pages: a second or two each.
// Print at 88 % grey with the default engine: tesseract.js read such a page as it lay, its grain taken for
// letters, one reading after another past the per-page limit (60 s each); it is read lifted from the start.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import { hasNativeOcr, makeBlankScan, makeFaintScan, SCAN_PATIENT, scanFilename } from '../support/scans.js';

let root: string;
let db: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-ocr-faint-');
  db = path.join(root, 'registry.db');
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface ReportFile {
  filename: string;
  outcome: string;
  error: string | null;
  ocr: { engine: string; pages: number; confidence: number | null } | null;
}

describe.runIf(hasNativeOcr)('faint and blank scans, through the built CLI', { tags: ['slow'] }, () => {
  it('reads a faint scan (its expediente stored, confidence not low) and fails a blank one image_only', async () => {
    const drop = path.join(root, 'drop');
    fs.mkdirSync(drop);
    const faint = scanFilename('6300000001');
    const blank = scanFilename('6300000002');
    fs.writeFileSync(path.join(drop, faint), await makeFaintScan());
    fs.writeFileSync(path.join(drop, blank), await makeBlankScan());
    const run = await runCli(
      ['ingest', drop, '--db', db, '--non-interactive', '--json', '--ocr-engine', 'tesseract'],
      {
        cwd: root,
        timeoutMs: 150_000,
      },
    );
    expect(run.code, run.stderr).toBe(3); // the blank one failed
    const files = new Map(
      (JSON.parse(run.stdout) as { files: ReportFile[] }).files.map((file) => [file.filename, file]),
    );
    expect(files.get(faint), files.get(faint)?.error ?? '').toMatchObject({
      outcome: 'ingested',
      ocr: { engine: 'tesseract', pages: 1 },
    });
    expect(files.get(faint)!.ocr!.confidence).toBeGreaterThanOrEqual(0.7);
    expect(files.get(blank)).toMatchObject({ outcome: 'image_only', ocr: null });
    expect(files.get(blank)!.error).toMatch(/OCR \(tesseract\) found no readable text/);
    expectStoredScanPatient(faint);
  }, 180_000);
});

/** The stored text of an OCR'd scan names the patient the scan was printed for. */
function expectStoredScanPatient(filename: string): void {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const stored = handle
      .prepare('select content from medical_documents where filename = ?')
      .get(filename) as {
      content: string;
    };
    expect(stored.content).toContain(SCAN_PATIENT.expediente);
    expect(stored.content).toContain('GABRIELA HUERTA SOTO');
  } finally {
    handle.close();
  }
}

describe(
  'faint print at 88 % grey with the default engine, through the built CLI',
  { tags: ['slow'] },
  () => {
    it('reads the page (expediente and name stored) instead of timing out on its grain', async () => {
      const drop = path.join(root, 'drop-88');
      fs.mkdirSync(drop);
      const faint = scanFilename('6300000003');
      fs.writeFileSync(path.join(drop, faint), await makeFaintScan(31, 0.88));
      const run = await runCli(['ingest', drop, '--db', db, '--non-interactive', '--json'], {
        cwd: root,
        timeoutMs: 150_000,
      });
      const [file] = (JSON.parse(run.stdout) as { files: ReportFile[] }).files;
      expect(file, file?.error ?? '').toMatchObject({
        outcome: 'ingested',
        ocr: { engine: 'tesseract.js', pages: 1 },
      });
      expect(run.code, run.stderr).toBe(0);
      expectStoredScanPatient(faint);
    }, 180_000);
  },
);
