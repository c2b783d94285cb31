import type { Kysely } from 'kysely';
import type { BatchFileUpdate, Database, MedicalDocument, SettledFile } from '../schema.js';
import { AuditRepository, type AuditEvent } from './audit-repository.js';
import { DocumentRepository } from './document-repository.js';
import { SettledFileRepository } from './settled-file-repository.js';

/** The database part of what one file leaves behind: its final state, its document, its audit rows. */
export interface FileRows {
  batchFileId: string;
  fileUpdate: BatchFileUpdate;
  document: MedicalDocument | null;
  audit: AuditEvent[];
  /** The file as it is on disk, remembered with its final state (see SettledFileRepository). */
  settled?: SettledFile | null;
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
      const documents = files.flatMap((file) => (file.document ? [file.document] : []));
      if (documents.length > 0) await new DocumentRepository(trx).upsertMany(documents);
      for (const file of files) {
        await trx
          .updateTable('batchFiles')
          .set({ ...file.fileUpdate, updatedAt: now })
          .where('id', '=', file.batchFileId)
          .execute();
      }
      await new AuditRepository(trx).recordMany(files.flatMap((file) => file.audit));
      await new SettledFileRepository(trx).remember(files.flatMap((file) => (file.settled ? [file.settled] : [])));
    });
  }
}
