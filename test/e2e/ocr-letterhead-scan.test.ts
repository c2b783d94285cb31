// A scan under a letterhead of text, through the built CLI: a document system prints its letterhead and a
// footer ("HOSPITAL … Página 1 de 1", more than 200 letters) as text over the scans it files. That passed for
// the page's text: the note in the image was never OCR'd, a note about another patient was attached to the
// filename's, and the document stored with the letterhead alone.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import {
  hasNativeOcr,
  LETTERHEAD,
  makeLetterheadScan,
  OTHER_PATIENT,
  SCAN_PATIENT,
  scanFilename,
  SLOW_OCR_TESTS,
} from '../support/scans.js';

let root: string;

beforeAll(() => {
  root = createTempDir('tecsalud-ocr-letterhead-');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface ReportFile {
  filename: string;
  outcome: string;
  error: string | null;
  flags: string[];
  ocr: { engine: string; pages: number } | null;
}

describe.runIf(hasNativeOcr)('a scan under a letterhead of text', SLOW_OCR_TESTS, () => {
  it("is OCR'd: one naming another patient is held for review, one of the filename's stores the note", async () => {
    const db = path.join(root, 'registry.db');
    const drop = path.join(root, 'drop');
    fs.mkdirSync(drop);
    const other = scanFilename('6500000001');
    const own = scanFilename('6500000002');
    fs.writeFileSync(path.join(drop, other), await makeLetterheadScan(OTHER_PATIENT, 17));
    fs.writeFileSync(path.join(drop, own), await makeLetterheadScan(SCAN_PATIENT, 18));
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
    expect(imported.code, imported.stderr).toBe(0);

    const run = await runCli(
      ['ingest', drop, '--db', db, '--non-interactive', '--json', '--ocr-engine', 'tesseract'],
      {
        cwd: root,
      },
    );
    expect(run.code, run.stderr).toBe(2); // one held for review
    const files = new Map(
      (JSON.parse(run.stdout) as { files: ReportFile[] }).files.map((file) => [file.filename, file]),
    );
    expect(files.get(other)).toMatchObject({
      outcome: 'review_required',
      flags: ['content_mismatch'],
      ocr: { engine: 'tesseract', pages: 1 },
    });
    expect(files.get(own), files.get(own)?.error ?? '').toMatchObject({
      outcome: 'ingested',
      ocr: { pages: 1 },
    });
    const handle = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const stored = handle.prepare('select filename, content from medical_documents').all() as {
        filename: string;
        content: string;
      }[];
      expect(stored.map((row) => row.filename)).toEqual([own]);
      expect(stored[0]!.content).toContain(`Expediente: ${SCAN_PATIENT.expediente}`); // the image's, OCR'd
      expect(stored[0]!.content).toContain(LETTERHEAD[0]); // the text layer's, kept
    } finally {
      handle.close();
    }
  });
});
