import type { Kysely } from 'kysely';
import { isRename } from '../../core/registry/is-rename.js';
import type { PatientNameParts } from '../../core/registry/patient-name.js';
import { allBindable, CompiledOnce, type Bindable } from '../compiled-query.js';
import type { BatchFileUpdate, Database, MedicalDocument, SettledFile } from '../schema.js';
import { AuditRepository, type AuditEvent } from './audit-repository.js';
import { DocumentRepository } from './document-repository.js';
import { SessionCounterRepository, type ReviewCountsDelta } from './session-counter-repository.js';
import { SettledFileRepository } from './settled-file-repository.js';

/** The database part of what one file leaves behind: its final state, its document, its audit rows. */
export interface FileRows {
  batchFileId: string;
  fileUpdate: BatchFileUpdate;
  document: MedicalDocument | null;
  /**
   * The file's run found no document with this content: one another process filed meanwhile is not replaced
   * (ContentFiledMeanwhileError). Otherwise (`--force`, a review decision) the row is replaced.
   */
  documentIsNew?: boolean;
  /**
   * The patient's name as the file was matched against it (an ingest): a registry import that renamed the patient
   * since fails the write with PatientRenamedMeanwhileError instead of filing the document under the new name.
   */
  patientAsMatched?: PatientNameParts | null;
  audit: AuditEvent[];
  /** The file as it is on disk, remembered with its final state (see SettledFileRepository). */
  settled?: SettledFile | null;
  /** Counters of the file's session moved with its final state (a review decision's), in the same transaction. */
  sessionCounts?: { sessionId: string; delta: ReviewCountsDelta } | null;
}

/**
 * Content another process filed while this one was processing it (two runs of two folders with the same bytes,
 * a run beside `serve` or a worker): nothing of the group was written. The files named are judged again against
 * the document now there (a duplicate, or a copy filed under another patient), never attached over it.
 */
export class ContentFiledMeanwhileError extends Error {
  constructor(readonly documentIds: string[]) {
    super(`the content of document(s) ${documentIds.join(', ')} was filed by another process meanwhile`);
    this.name = 'ContentFiledMeanwhileError';
  }
}

/**
 * A registry import renamed a patient (another person now, see isRename) after a file was matched to the name it
 * had and before the file's document was stored: nothing of the group was written. Those files go to review.
 */
export class PatientRenamedMeanwhileError extends Error {
  constructor(readonly renamed: { documentId: string; before: PatientNameParts; now: PatientNameParts }[]) {
    super(
      `the registry renamed the patient of document(s) ${renamed.map((r) => r.documentId).join(', ')} meanwhile`,
    );
    this.name = 'PatientRenamedMeanwhileError';
  }
}

/** Writes the final state of a group of files: their documents, their batch-file rows and their audit rows. */
export class FileWriteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One transaction for the whole group: either every file of it is recorded, or none is (a kill leaves
   * the group to the re-run). The documents' contents must be distinct.
   */
  async commit(files: FileRows[]): Promise<void> {
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await refusePatientsRenamedMeanwhile(trx, files);
      const documents = new DocumentRepository(trx);
      const replaced = files.flatMap((file) => (file.document && !file.documentIsNew ? [file.document] : []));
      const fresh = files.flatMap((file) => (file.document && file.documentIsNew ? [file.document] : []));
      if (replaced.length > 0) await documents.upsertMany(replaced);
      if (fresh.length > 0) {
        // Checked inside the write transaction, which another process's cannot interleave with.
        const written = await documents.insertNew(fresh);
        const taken = fresh.filter((document) => !written.has(document.id)).map((document) => document.id);
        if (taken.length > 0) throw new ContentFiledMeanwhileError(taken);
      }
      for (const file of files)
        await updateFile(trx, file.batchFileId, { ...file.fileUpdate, updatedAt: now });
      await new AuditRepository(trx).recordMany(files.flatMap((file) => file.audit));
      await new SettledFileRepository(trx).remember(
        files.flatMap((file) => (file.settled ? [file.settled] : [])),
      );
      for (const { sessionCounts } of files) {
        if (sessionCounts)
          await new SessionCounterRepository(trx).add(sessionCounts.sessionId, sessionCounts.delta);
      }
    });
  }
}

/** Inside the write transaction: the patients' names now, against those the files were matched to. */
async function refusePatientsRenamedMeanwhile(trx: Kysely<Database>, files: FileRows[]): Promise<void> {
  const matched = files.filter((file) => file.document && file.patientAsMatched);
  if (matched.length === 0) return;
  const ids = [...new Set(matched.map((file) => file.document!.patientId))];
  const rows = await trx
    .selectFrom('patients')
    .select(['id', 'apellidoPaterno', 'apellidoMaterno', 'nombres'])
    .where('id', 'in', ids)
    .execute();
  const now = new Map(rows.map((row) => [row.id, row]));
  const renamed = matched.flatMap((file) => {
    const patient = now.get(file.document!.patientId);
    const before = file.patientAsMatched!;
    return patient && isRename(before, patient)
      ? [{ documentId: file.document!.id, before, now: patient }]
      : [];
  });
  if (renamed.length > 0) throw new PatientRenamedMeanwhileError(renamed);
}

/** The batch-file updates compiled so far, by the columns they set (a few shapes: ingested, settled, held). */
const updatesByColumns = new Map<string, CompiledOnce<Database, Bindable[], unknown>>();

/**
 * One file's final state: the same UPDATE kysely builds, compiled once per set of columns (and per
 * transaction) instead of once per file. Columns left undefined are not set, as kysely's `set` does.
 */
async function updateFile(
  trx: Kysely<Database>,
  batchFileId: string,
  update: BatchFileUpdate,
): Promise<void> {
  const entries = Object.entries(update).filter(([, value]) => value !== undefined);
  const values = entries.map(([, value]) => value as unknown);
  if (!allBindable(values)) {
    await trx.updateTable('batchFiles').set(update).where('id', '=', batchFileId).execute();
    return;
  }
  const columns = entries.map(([column]) => column);
  const key = columns.join(',');
  let compiled = updatesByColumns.get(key);
  if (compiled === undefined) {
    compiled = new CompiledOnce((db: Kysely<Database>, ...args: Bindable[]) =>
      db
        .updateTable('batchFiles')
        .set(Object.fromEntries(columns.map((column, i) => [column, args[i]])) as BatchFileUpdate)
        .where('id', '=', args[columns.length] as string),
    );
    if (updatesByColumns.size >= 256) updatesByColumns.clear(); // a bound; the shapes are few
    updatesByColumns.set(key, compiled);
  }
  await compiled.execute(trx, ...values, batchFileId);
}
