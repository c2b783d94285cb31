import type { Kysely, Transaction } from 'kysely';
import type { Database, RejectedContent } from '../schema.js';
import { CompiledOnce } from '../compiled-query.js';
import { likePrefix } from '../like-prefix.js';

/** Every file of an ingest asks it (rejected in review?): compiled once. */
const BY_SHA = new CompiledOnce((db: Kysely<Database>, contentSha256: string) =>
  db.selectFrom('rejectedContents').selectAll().where('contentSha256', '=', contentSha256),
);

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The contents a reviewer rejected, by sha256. A later run sets a file with the same bytes aside without
 * asking anyone again; `review --reopen` lifts the rejection.
 */
export class RejectionRepository {
  constructor(private readonly db: Db) {}

  /** Records (or refreshes) a rejection; `db` may be the decision's transaction. */
  async record(rejection: RejectedContent): Promise<void> {
    await this.db
      .insertInto('rejectedContents')
      .values(rejection)
      .onConflict((oc) =>
        oc.column('contentSha256').doUpdateSet((eb) => ({
          batchFileId: eb.ref('excluded.batchFileId'),
          sessionId: eb.ref('excluded.sessionId'),
          filename: eb.ref('excluded.filename'),
          rejectedBy: eb.ref('excluded.rejectedBy'),
          rejectedAt: eb.ref('excluded.rejectedAt'),
        })),
      )
      .execute();
  }

  async find(contentSha256: string): Promise<RejectedContent | undefined> {
    return BY_SHA.executeTakeFirst(this.db, contentSha256);
  }

  /** Says whether there was a rejection to lift. */
  async remove(contentSha256: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('rejectedContents')
      .where('contentSha256', '=', contentSha256)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Rejections whose hash starts with `prefix` (at most `limit`), newest first. */
  async findByPrefix(prefix: string, limit = 2): Promise<RejectedContent[]> {
    return this.db
      .selectFrom('rejectedContents')
      .selectAll()
      .where('contentSha256', 'like', likePrefix(prefix))
      .orderBy('rejectedAt', 'desc')
      .limit(limit)
      .execute();
  }

  async list(limit: number): Promise<RejectedContent[]> {
    return this.db
      .selectFrom('rejectedContents')
      .selectAll()
      .orderBy('rejectedAt', 'desc')
      .limit(limit)
      .execute();
  }
}
