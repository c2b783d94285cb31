import { createHash, randomBytes } from 'node:crypto';
import type { OpenDatabase } from '../db/open-database.js';
import { ApiTokenRepository } from '../db/repositories/api-token-repository.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import type { ApiRole, ApiToken } from '../db/schema.js';
import { UsageError } from '../errors.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export { API_ROLES, type ApiRole } from '../db/schema.js';

/** Recognisable in logs and secret scanners; 32 random bytes behind it. */
const TOKEN_PREFIX = 'tsb_';

/** A token as `tokens list` shows it: never its hash. */
export interface ApiTokenInfo {
  name: string;
  role: ApiRole;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Creates a token for the HTTP API and returns it: the only time it is ever seen. The database keeps its
 * SHA-256 (the token is 256 random bits, so a plain hash is as good as a slow one and costs nothing per call).
 */
export async function createApiToken(
  location: RegistryLocation,
  options: { name: string; role: ApiRole; createdBy: string; expiresAt: Date | null; now?: () => Date },
): Promise<{ token: string; info: ApiTokenInfo }> {
  const name = options.name.trim();
  if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(name)) {
    throw new UsageError(
      `'${name}' is not a token name`,
      'use up to 64 letters, digits, dots, dashes, underscores or @ (e.g. frontend-prod)',
    );
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  // Like every command but `patients import` and `ingest`, a missing database is an error (a mistyped --db
  // must not leave the token in a file the server never reads).
  return withRegistry(location, async (database) => {
    const row = await new ApiTokenRepository(database.db, options.now).create({
      name,
      role: options.role,
      tokenSha256: hashToken(token),
      createdBy: options.createdBy,
      expiresAt: options.expiresAt?.toISOString() ?? null,
    });
    if (!row) {
      throw new UsageError(
        `a token named '${name}' already exists`,
        'choose another name (a revoked token keeps its name, so that the audit log stays unambiguous)',
      );
    }
    await new AuditRepository(database.db).record({
      actor: options.createdBy,
      action: 'api_token_created',
      entityType: 'api_token',
      entityId: row.id,
      details: { actor_kind: 'os_user', name, role: options.role, expires_at: row.expiresAt },
    });
    return { token, info: toInfo(row, options.now?.() ?? new Date()) };
  });
}

export async function listApiTokens(
  location: RegistryLocation,
  now: Date = new Date(),
): Promise<ApiTokenInfo[]> {
  return withRegistry(location, async (database) =>
    (await new ApiTokenRepository(database.db).list()).map((row) => toInfo(row, now)),
  );
}

/** Revokes a token at once: its next call is refused (401). */
export async function revokeApiToken(
  location: RegistryLocation,
  name: string,
  revokedBy: string,
): Promise<void> {
  await withRegistry(location, async (database) => {
    const tokens = new ApiTokenRepository(database.db);
    const existing = await tokens.findByName(name);
    if (!existing)
      throw new UsageError(
        `there is no token named '${name}'`,
        'list them with `tecsalud-batch tokens list`',
      );
    if (!(await tokens.revoke(name))) throw new UsageError(`the token '${name}' is already revoked`);
    await new AuditRepository(database.db).record({
      actor: revokedBy,
      action: 'api_token_revoked',
      entityType: 'api_token',
      entityId: existing.id,
      details: { actor_kind: 'os_user', name },
    });
  });
}

export type TokenCheck =
  { ok: true; name: string; role: ApiRole } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

/**
 * Checks a bearer token against the store on every call, so that a revocation or an expiry takes effect at
 * once. Records when each token was last used (at most once a minute, to spare the database a write per call).
 */
export class TokenVerifier {
  private readonly tokens: ApiTokenRepository;
  private readonly touched = new Map<string, number>();

  constructor(
    database: OpenDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tokens = new ApiTokenRepository(database.db);
  }

  async verify(token: string): Promise<TokenCheck> {
    const row = await this.tokens.findBySha(hashToken(token));
    if (!row) return { ok: false, reason: 'unknown' };
    const now = this.now();
    const state = stateOf(row, now);
    if (state !== 'active') return { ok: false, reason: state };
    const last = this.touched.get(row.id) ?? 0;
    if (now.getTime() - last >= 60_000) {
      this.touched.set(row.id, now.getTime());
      await this.tokens.touch(row.id, now.toISOString());
    }
    return { ok: true, name: row.name, role: row.role };
  }

  /** How many tokens could be used now (the server warns at start-up when there are none). */
  async activeCount(): Promise<number> {
    const now = this.now();
    return (await this.tokens.list()).filter((row) => stateOf(row, now) === 'active').length;
  }
}

function stateOf(row: ApiToken, now: Date): ApiTokenInfo['state'] {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

function toInfo(row: ApiToken, now: Date): ApiTokenInfo {
  return {
    name: row.name,
    role: row.role,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
    state: stateOf(row, now),
  };
}
