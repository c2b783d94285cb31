import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  byFilename,
  createWorkspace,
  FIXTURES,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  type Workspace,
} from '../support/ingest-fixture.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';

/** The extractor a session actually ran with, as recorded from the extractor object itself. */
async function extractorOfSession(workspace: Workspace, sessionId: string): Promise<unknown> {
  const database = await openWorkspaceDb(workspace);
  try {
    const session = await new BatchRepository(database.db).findSession(sessionId);
    return (JSON.parse(session!.optionsJson) as { extractor?: unknown }).extractor;
  } finally {
    await database.close();
  }
}

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace();
  await importSampleRegistry(workspace);
  const problems = path.join(FIXTURES, 'problem-pdfs');
  fs.copyFileSync(
    path.join(problems, 'encrypted.pdf'),
    path.join(workspace.dropDir, '3000768077_HUERTA SOTO, GABRIELA_9000000001_LAB.pdf'),
  );
  fs.copyFileSync(
    path.join(problems, 'image-only.pdf'),
    path.join(workspace.dropDir, '3000768077_HUERTA SOTO, GABRIELA_9000000002_RX.pdf'),
  );
});
afterEach(() => workspace.cleanup());

// The default (PDFium) against each other extractor, on the sample and two problem PDFs. poppler-utils is
// optional for users; CI installs it, so there the pdftotext case must run.
const OTHERS = [
  // poppler lays text out its own way (other line breaks), so its chunks differ; pdf.js's do not.
  { extractor: 'pdftotext', available: hasPdftotext() || Boolean(process.env.CI), sameText: false },
  { extractor: 'pdf-parse', available: true, sameText: true },
];

for (const { extractor, available, sameText } of OTHERS)
  describe.runIf(available)(`ingest --extractor ${extractor}`, { tags: ['slow'] }, () => {
    it('gives the same outcomes and error categories as the default extractor', async () => {
      // The engines are compared on the text layer alone (--ocr off): OCR is the same for all.
      const chosen = await ingestJson(workspace, { extractor, ocr: 'off' }, { extractor: 'configured' });
      const other = createWorkspace({ copySample: false });
      try {
        fs.cpSync(workspace.dropDir, other.dropDir, { recursive: true });
        await importSampleRegistry(other);
        const reference = await ingestJson(other, { ocr: 'off' }, { extractor: 'configured' });
        const expected = byFilename(reference.report);
        for (const file of chosen.report.files) {
          expect(file.outcome, file.filename).toBe(expected.get(file.filename)!.outcome);
          // The same text makes the same chunks.
          if (sameText) expect(file.chunks, file.filename).toBe(expected.get(file.filename)!.chunks);
        }
        expect(
          byFilename(chosen.report).get('3000768077_HUERTA SOTO, GABRIELA_9000000001_LAB.pdf')!.outcome,
        ).toBe('encrypted');
        expect(
          byFilename(chosen.report).get('3000768077_HUERTA SOTO, GABRIELA_9000000002_RX.pdf')!.outcome,
        ).toBe('image_only');
        expect(chosen.report.files.filter((f) => f.outcome === 'ingested')).toHaveLength(18);
        // The flag once reached the option parser but not the adapters: both runs used the default.
        expect(await extractorOfSession(workspace, chosen.report.session_id)).toBe(extractor);
        expect(await extractorOfSession(other, reference.report.session_id)).toBe('pdfium');
      } finally {
        other.cleanup();
      }
    });
  });
