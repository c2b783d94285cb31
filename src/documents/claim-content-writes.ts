import { DEFAULT_COLLECTION } from '../core/pipeline/defaults.js';
import type { OpenDatabase } from '../db/open-database.js';
import { readSessionOptions } from '../db/session-options.js';
import { FileStageError } from './stage-error.js';

/** A file about to write its document's chunks: its row, and the content they are of. */
export interface ContentWrite {
  batchFileId: string;
  contentSha256: string;
}

/**
 * Before a group writes its chunks to `collection`: each file's row says which content it is writing (its
 * `content_sha256`, while it has no outcome yet), then no file of another session writing the same content into
 * another collection may be under way. One that is makes this file wait for the next run (`interrupted`): two runs
 * writing one content into two collections at once each kept its copy (or lost both: each took the other's out as
 * an old copy). Each says what it writes before it looks, so of two at once at least one sees the other. A refusal
 * throws for the whole group, which the GroupCommitter writes again file by file: the refused one fails alone.
 */
export async function claimContentWrites(
  database: Pick<OpenDatabase, 'db'>,
  collection: string,
  writes: readonly ContentWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  await database.db.transaction().execute(async (trx) => {
    for (const write of writes) {
      await trx
        .updateTable('batchFiles')
        .set({ contentSha256: write.contentSha256 })
        .where('id', '=', write.batchFileId)
        .execute();
    }
  });
  const others = await database.db
    .selectFrom('batchFiles')
    .innerJoin('batchUploads', 'batchUploads.id', 'batchFiles.batchId')
    .select(['batchFiles.contentSha256', 'batchFiles.batchId', 'batchUploads.optionsJson'])
    .where(
      'batchFiles.contentSha256',
      'in',
      writes.map((write) => write.contentSha256),
    )
    .where(
      'batchFiles.id',
      'not in',
      writes.map((write) => write.batchFileId),
    )
    .where('batchFiles.outcome', 'is', null)
    .execute();
  for (const other of others) {
    const elsewhere = readSessionOptions(other.optionsJson).collection ?? DEFAULT_COLLECTION;
    if (elsewhere === collection) continue;
    throw new FileStageError(
      'interrupted',
      `another run (session ${other.batchId.slice(0, 8)}) is writing the same content into collection ` +
        `"${elsewhere}" right now: left for the next run, so that the document's chunks end in one collection`,
    );
  }
}
