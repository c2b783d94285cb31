import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { requireHttpUrl } from '../../src/adapters/http-url.js';
import { checkChoice } from '../../src/config/choice-setting.js';
import { checkPathSetting } from '../../src/config/path-setting.js';
import { loadBackendConfig } from '../../src/config/load-config.js';
import { parseDuration } from '../../src/commands/shared/duration.js';
import { databaseFileError } from '../../src/db/database-file-errors.js';
import { resolveDatabaseTarget, type DatabaseTarget } from '../../src/db/database-url.js';
import { postgresRefusal, postgresUnavailable } from '../../src/db/connection-loss.js';
import { storageRefused } from '../../src/db/storage-errors.js';
import { missingDatabase } from '../../src/db/open-database.js';
import { UserError } from '../../src/errors.js';
import { IncompatibleCollectionError } from '../../src/adapters/vector-stores/incompatible-collection-error.js';
import { missingChunksRefusal } from '../../src/documents/chunks-filed-under.js';
import { checkGlob } from '../../src/ingest/discover-files.js';
import { LockedError } from '../../src/ingest/run-lock.js';
import { translateUsageHint, translateUsageMessage } from '../../src/ui/i18n/usage-errors-es.js';

/** Words that give an English sentence away (none is a Spanish word). */
const ENGLISH =
  /\b(the|and|was|is|are|not|could|cannot|with|for|from|of|to|this|that|which|its|it|file|needs?|read|failed|empty|found|must|give|check|write|wait|run|folder|database|does|exist|lock|another|started|session)\b/i;

/**
 * The first English word left outside what is kept verbatim: quoted text, commands, options, paths, and a
 * parenthesis the English had too (a library's own words, such as SQLite's).
 */
function leftoverEnglish(spanish: string, english: string): string | null {
  let rest = spanish;
  for (const [paren] of english.matchAll(/\([^()]*\)/g)) rest = rest.split(paren).join(' ');
  rest = rest.replace(/'[^']*'|"[^"]*"|`[^`]*`|--[\w-]+|\S*\/\S*/g, ' ');
  return rest.match(ENGLISH)?.[0] ?? null;
}

/** The refusal thrown by `make`, or the error it returns. */
async function refusalOf(make: () => unknown): Promise<UserError> {
  try {
    const made = await make();
    if (made instanceof UserError) return made;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('no refusal');
}

const sqlite: DatabaseTarget = resolveDatabaseTarget('/srv/tecsalud/registro.db', {
  cwd: '/',
  setting: '--db',
});
const postgres: DatabaseTarget = resolveDatabaseTarget('postgres://u:pw@db.hospital.local/x', { cwd: '/' });
const holder = {
  lockKey: 'k',
  sourceDir: '/srv/drop',
  pid: 4242,
  host: 'hospital-01',
  sessionId: '3f2a9c1e-0000',
  startedAt: '2026-12-04T10:00:00.000Z',
};

/** Refusals built by the code that words them: each must come out all Spanish, message and hint. */
const REFUSALS: [string, () => unknown][] = [
  ['a missing database', () => missingDatabase('/srv/x.db', '--db')],
  [
    'a missing database, set in the config file',
    () => missingDatabase('/srv/x.db', "the config file's db (/etc/t.json)"),
  ],
  ['a choice', () => checkChoice('pdfum', ['pdf-parse', 'pdfium', 'pdftotext'], '--extractor')],
  ['a choice in the config file', () => checkChoice('Chroma', ['embedded', 'chroma'], 'vectorStore')],
  ['a path with ~', () => checkPathSetting('~/registro.db', '--db', '/home/ana')],
  ['an empty path', () => checkPathSetting('', '--log-file', '/home/ana')],
  ['a duration', () => parseDuration('siete', { flag: '--older-than', example: '7d, 12h, 2w, 30m or 1y' })],
  [
    'a token life in m',
    () => parseDuration('6m', { flag: '--expires', example: '90d, 12w, 24h or 1y', mIsAmbiguous: true }),
  ],
  ['a URL', () => requireHttpUrl('localhost:8000', '--chroma-url')],
  [
    'an unsupported database URL',
    () => resolveDatabaseTarget('mysql://db/x', { cwd: '/', setting: 'TECSALUD_DB' }),
  ],
  ['a folder for a database', () => resolveDatabaseTarget(os.tmpdir(), { cwd: '/', setting: '--db' })],
  [
    'a file that is not SQLite',
    () =>
      databaseFileError(
        Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }),
        sqlite,
      ),
  ],
  [
    'a damaged database',
    () =>
      databaseFileError(
        Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }),
        sqlite,
      ),
  ],
  [
    'a server that stopped answering',
    () =>
      postgresUnavailable(
        Object.assign(new Error('the server did not answer within 120 s'), { code: 'ETIMEDOUT' }),
        resolveDatabaseTarget('postgres://u@db/x', { cwd: '/' }),
        'lost',
      ),
  ],
  [
    "a server that stopped answering as the command started (the migrator's first statements)",
    () =>
      postgresUnavailable(
        Object.assign(new Error('the server did not answer within 120 s'), { code: 'ETIMEDOUT' }),
        resolveDatabaseTarget('postgres://u@db/x', { cwd: '/' }),
        'reach',
      ),
  ],
  [
    'an unreachable server',
    () =>
      postgresUnavailable(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        resolveDatabaseTarget('postgres://u@db/x', { cwd: '/' }),
        'reach',
      ),
  ],
  [
    'a full disk under the database',
    () =>
      storageRefused(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), sqlite),
  ],
  [
    'a database another program keeps locked',
    () => storageRefused(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), sqlite),
  ],
  [
    'a failing disk under the database',
    () => storageRefused(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }), sqlite),
  ],
  [
    'a PostgreSQL server out of disk',
    () => storageRefused(Object.assign(new Error('could not extend file'), { code: '53100' }), postgres),
  ],
  [
    'a PostgreSQL database that does not exist',
    () =>
      postgresRefusal(Object.assign(new Error('database "x" does not exist'), { code: '3D000' }), postgres),
  ],
  [
    'a PostgreSQL password refused',
    () =>
      postgresRefusal(
        Object.assign(new Error('password authentication failed for user "u"'), { code: '28P01' }),
        postgres,
      ),
  ],
  [
    'a PostgreSQL user refused',
    () => postgresRefusal(Object.assign(new Error('role "u" does not exist'), { code: '28000' }), postgres),
  ],
  ['a run lock', () => new LockedError(holder)],
  ['a run lock of another host', () => new LockedError(holder, true)],
  ['a run lock whose holder has not written its row yet', () => new LockedError(holder, false, false)],
  ['a glob out of the folder', () => checkGlob('../x/**', os.tmpdir())],
  ['an empty collection', () => loadBackendConfig({ cwd: os.tmpdir(), env: {}, collection: ' ' })],
  [
    'a collection name Chroma refuses',
    () => loadBackendConfig({ cwd: os.tmpdir(), env: {}, vectorStore: 'chroma', collection: 'c2' }),
  ],
  // Known to the per-file table (a run's file can fail with it too): found there.
  [
    'a collection of another embedder',
    () =>
      new IncompatibleCollectionError(
        'medical_documents',
        { embedderId: 'hashing-v1', dimension: 512 },
        { embedderId: 'openai:text-embedding-3-small', dimension: 1536 },
      ),
  ],
  [
    'missing chunks a move cannot make again with this embedder',
    () =>
      missingChunksRefusal({
        documentId: '1a2b3c4d-0000',
        missing: 7,
        total: 7,
        cause: new IncompatibleCollectionError(
          'medical_documents',
          { embedderId: 'hashing-v1', dimension: 512 },
          { embedderId: 'openai:text-embedding-3-small', dimension: 1536 },
        ),
        rerun: 'tecsalud-batch documents move 1a2b3c4d --to 3000001298',
      }),
  ],
  [
    'missing chunks a move has no text to make again from',
    () =>
      missingChunksRefusal({
        documentId: '1a2b3c4d-0000',
        missing: 3,
        total: 26,
        cause: null,
        rerun: 'tecsalud-batch documents move 1a2b3c4d --to 3000001298',
      }),
  ],
];

describe('refusals in Spanish (usage-errors-es and its tables)', () => {
  it.each(REFUSALS)('%s: message and hint have no English left', async (_what, make) => {
    const refusal = await refusalOf(make);
    const message = translateUsageMessage(refusal.message);
    expect(message, refusal.message).not.toBe(refusal.message);
    expect(leftoverEnglish(message, refusal.message), message).toBeNull();
    if (refusal.hint) {
      const hint = translateUsageHint(refusal.hint);
      expect(hint, refusal.hint).not.toBe(refusal.hint);
      expect(leftoverEnglish(hint, refusal.hint), hint).toBeNull();
    }
  });

  it('translates a nested reason from whichever table holds it (the per-file one for "permission denied")', () => {
    expect(translateUsageMessage('cannot read the config file /etc/t.json: permission denied')).toBe(
      'no se puede leer el archivo de configuración /etc/t.json: permiso denegado',
    );
  });

  it('leaves a sentence no rule knows as it is (half a translation would garble it)', () => {
    expect(translateUsageMessage('something new went wrong')).toBe('something new went wrong');
    expect(translateUsageMessage("bad.json: unknown key 'x'; a problem no rule knows")).toBe(
      "bad.json: unknown key 'x'; a problem no rule knows",
    );
  });
});
