import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import {
  byFilename,
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  SAMPLE_DIR,
  type Workspace,
} from '../support/ingest-fixture.js';

// Huerta's lab results, and the same bytes saved again under another registry patient's name.
const HUERTA_LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
const AS_GARZA = '3000003799_GARZA TIJERINA, MARIA ESTHER_6380098785_LAB.pdf';
const AS_HUERTA_AGAIN = '3000768077_HUERTA SOTO, GABRIELA_9999999999_LAB.pdf';

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace({ copySample: false });
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

function drop(source: string, as: string): void {
  fs.copyFileSync(path.join(SAMPLE_DIR, source), path.join(workspace.dropDir, as));
}

async function documentsOf(expediente: string): Promise<number> {
  const database = await openWorkspaceDb(workspace);
  try {
    const rows = await database.db
      .selectFrom('medicalDocuments')
      .select('id')
      .where('expediente', '=', expediente)
      .execute();
    return rows.length;
  } finally {
    await database.close();
  }
}

describe('a copy of a document named for another patient', { tags: ['slow'] }, () => {
  // One at a time, in both orders: the same patient's copy taken up first (it finds the content filed, a
  // duplicate) or the other patient's; the verdict on each may not depend on which.
  it.each([
    ["the same patient's", 'z/'],
    ["the other patient's", ''],
  ])(
    'is not a done duplicate when the content was ingested before for another expediente (%s copy first)',
    async (_, garzaFolder) => {
      drop(HUERTA_LAB, HUERTA_LAB);
      const first = await ingestJson(workspace);
      expect(byFilename(first.report).get(HUERTA_LAB)!.outcome).toBe('ingested');

      fs.rmSync(path.join(workspace.dropDir, HUERTA_LAB));
      fs.mkdirSync(path.join(workspace.dropDir, garzaFolder), { recursive: true });
      drop(HUERTA_LAB, garzaFolder + AS_GARZA);
      drop(HUERTA_LAB, AS_HUERTA_AGAIN);
      const { code, report } = await ingestJson(workspace, { concurrency: '1' });
      const files = byFilename(report);
      // The same patient's copy is the harmless duplicate it always was.
      expect(files.get(AS_HUERTA_AGAIN)!.outcome).toBe('duplicate');
      const asGarza = files.get(AS_GARZA)!;
      expect(asGarza.outcome).toBe('duplicate_other_patient');
      expect(asGarza.processing_status).toBe('failed');
      expect(asGarza.error).toContain('for expediente 3000768077');
      expect(asGarza.error).toContain('this file names expediente 3000003799, not 3000768077');
      expect(asGarza.error).toMatch(/tecsalud-batch documents move [0-9a-f]{8} --to 3000003799/);
      expect(code).toBe(ExitCode.SomeFailed);
      expect(report.failed_files).toBe(1);
      expect(report.duplicates).toBe(1);
      expect(await documentsOf('3000003799')).toBe(0);
    },
  );

  it('is not a done duplicate when another file of the same batch holds the content', async () => {
    drop(HUERTA_LAB, HUERTA_LAB);
    drop(HUERTA_LAB, AS_GARZA);
    const { code, report } = await ingestJson(workspace, { concurrency: '1' });
    const outcomes = report.files.map((f) => f.outcome).sort();
    // Whichever file holds the content is settled on its own merits; the other names another expediente.
    expect(outcomes).not.toContain('duplicate_in_batch');
    expect(outcomes).toContain('duplicate_other_patient');
    const copy = report.files.find((f) => f.outcome === 'duplicate_other_patient')!;
    expect(copy.error).toMatch(/identical content to '.+' in this batch/);
    expect(copy.error).toMatch(
      /this file names expediente (3000003799, not 3000768077|3000768077, not 3000003799)/,
    );
    expect(code).toBe(ExitCode.SomeFailed);
    expect(report.duplicates).toBe(0);
  });
});
