import type { Kysely } from 'kysely';
import { newId } from '../new-id.js';
import type { ApiRole, ApiToken, Database } from '../schema.js';

export interface NewApiToken {
  name: string;
  role: ApiRole;
  tokenSha256: string;
  createdBy: string;
  expiresAt: string | null;
}

/** `api_tokens`: the HTTP API's bearer tokens, by the SHA-256 of the token (the token itself is never stored). */
export class ApiTokenRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Inserts the token; returns null when the name is taken (by a live or a revoked token). */
  async create(token: NewApiToken): Promise<ApiToken | null> {
    const row: ApiToken = {
      id: newId(),
      ...token,
      createdAt: this.clock().toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    const inserted = await this.db
      .insertInto('apiTokens')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 ? row : null;
  }

  async findBySha(tokenSha256: string): Promise<ApiToken | undefined> {
    return this.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('tokenSha256', '=', tokenSha256)
      .executeTakeFirst();
  }

  async findByName(name: string): Promise<ApiToken | undefined> {
    return this.db.selectFrom('apiTokens').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async list(): Promise<ApiToken[]> {
    return this.db.selectFrom('apiTokens').selectAll().orderBy('createdAt').orderBy('name').execute();
  }

  /** Revokes a live token; says whether it was live. */
  async revoke(name: string): Promise<boolean> {
    const result = await this.db
      .updateTable('apiTokens')
      .set({ revokedAt: this.clock().toISOString() })
      .where('name', '=', name)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Stamps the token's last use (at most once a minute per token: see the caller). */
  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('apiTokens').set({ lastUsedAt: at }).where('id', '=', id).execute();
  }
}
