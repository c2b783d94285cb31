import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  type Workspace,
} from '../support/ingest-fixture.js';

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace();
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

const COUNTS = [
  'total_files',
  'processed_files',
  'failed_files',
  'created_patients',
  'matched_patients',
  'review_required',
  'duplicates',
] as const;

describe('a session resumed after a kill', { tags: ['slow'] }, () => {
  it('counts the file whose patient its killed attempt created as created, once, as a single run does', async () => {
    const clean = await ingestJson(workspace);
    expect(clean.report.created_patients).toBeGreaterThan(0);
    const sessionId = clean.report.session_id;

    // As a kill leaves it: the attempt created the patient (and wrote its audit row, naming the file) and
    // the document, but the process died before the file's row and the session were closed.
    const open = await openWorkspaceDb(workspace);
    let fileId: string;
    let filename: string;
    try {
      const creation = await open.db
        .selectFrom('auditLog')
        .select(['entityId', 'details'])
        .where('batchId', '=', sessionId)
        .where('action', '=', 'patient_created')
        .executeTakeFirstOrThrow();
      fileId = (JSON.parse(creation.details!) as { file_id: string }).file_id;
      const file = await open.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('id', '=', fileId)
        .executeTakeFirstOrThrow();
      expect(file).toMatchObject({
        outcome: 'ingested',
        matchingStatus: 'new_patient',
        patientId: creation.entityId,
      });
      filename = file.filename;
      await open.db
        .updateTable('batchFiles')
        .set({
          outcome: null,
          processingStatus: 'pending',
          matchingStatus: 'pending',
          patientId: null,
          errorMessage: null,
        })
        .where('id', '=', fileId)
        .execute();
      await open.db.deleteFrom('settledFiles').where('relativePath', '=', file.relativePath).execute();
      await open.db
        .updateTable('batchUploads')
        .set({ status: 'processing', completedAt: null })
        .where('id', '=', sessionId)
        .execute();
    } finally {
      await open.close();
    }

    const resumed = await ingestJson(workspace);
    expect(resumed.report.session_id).toBe(sessionId);
    // This run took the file again, and found its patient in the registry.
    expect(resumed.report.files.find((f) => f.filename === filename)).toMatchObject({
      outcome: 'ingested',
      match: { decision: 'auto' },
    });
    const counts = (report: typeof clean.report) =>
      Object.fromEntries(COUNTS.map((key) => [key, report[key]]));
    expect(counts(resumed.report)).toEqual(counts(clean.report));

    const reopened = await openWorkspaceDb(workspace);
    try {
      const file = await reopened.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('id', '=', fileId)
        .executeTakeFirstOrThrow();
      expect(file).toMatchObject({ outcome: 'ingested', matchingStatus: 'new_patient' });
      const session = await reopened.db
        .selectFrom('batchUploads')
        .selectAll()
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      expect(session).toMatchObject({
        createdPatients: clean.report.created_patients,
        matchedPatients: clean.report.matched_patients,
      });
    } finally {
      await reopened.close();
    }
  });
});
