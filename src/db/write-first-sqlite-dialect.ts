import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely's SQLite dialect with every transaction begun as `BEGIN IMMEDIATE`: its write lock taken before its
 * first read. Every transaction here writes. One begun plainly (deferred) reads first, on a snapshot; when another
 * process writes meanwhile (two `patients import` at once, an import beside an ingest), its own first write cannot
 * wait for that one: SQLite refuses it at once (SQLITE_BUSY, reported as a database locked for 15 s), and the
 * command fails. Begun immediate, it waits its turn (the busy timeout) and then reads what the other wrote.
 */
export class WriteFirstSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new WriteFirstSqliteDriver(this.#config);
  }
}

class WriteFirstSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
