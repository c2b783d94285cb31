import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import type { Embedder } from '../adapters/embedders/types.js';
import { loadBackendConfig, type BackendConfig, type BackendFlags } from '../config/load-config.js';
import { redactConfig, redactSecrets } from '../config/redact-config.js';
import { resolveDatabaseTarget } from '../db/database-url.js';
import { openDatabase, type OpenDatabase } from '../db/open-database.js';
import { ExitCode, UserError } from '../errors.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { openEmbedder, openVectorStore } from './shared/adapters.js';
import { processIo, writeJson, writeLine, type CommandIo } from './shared/io.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DoctorOptions extends BackendFlags {
  json?: boolean;
  io?: CommandIo;
}

/**
 * The service's health check: each backend is checked read-only where it can be (the database is not
 * migrated, the collection not created), and a failure of one does not hide the others.
 */
export async function doctorCommand(options: DoctorOptions): Promise<number> {
  const io = options.io ?? processIo;
  const checks: DoctorCheck[] = [];
  let config: BackendConfig | null = null;
  try {
    config = await loadBackendConfig(options);
    checks.push({
      name: 'config',
      status: 'ok',
      detail: config.file ? `read ${config.file}` : 'no config file; flags, environment and defaults',
    });
  } catch (error) {
    checks.push({ name: 'config', status: 'fail', detail: messageOf(error) });
  }

  if (config) {
    const secrets = config;
    const guard = async (name: string, check: () => Promise<Omit<DoctorCheck, 'name'>>): Promise<void> => {
      try {
        checks.push({ name, ...(await check()) });
      } catch (error) {
        checks.push({ name, status: 'fail', detail: redactSecrets(messageOf(error), secrets) });
      }
    };
    let database: OpenDatabase | null = null;
    await guard('database', async () => {
      const target = resolveDatabaseTarget(secrets.db, { cwd: options.cwd, env: {} });
      database = await openDatabase(target, { migrate: false, connectTimeoutMs: 5000 });
      const pending = await pendingMigrations(database);
      if (pending.length > 0) {
        return {
          status: 'warn',
          detail: `${target.display} is reachable; ${pending.length} migration(s) not applied yet (${pending.join(', ')}): the next ingest or import applies them`,
        };
      }
      return { status: 'ok', detail: `${target.display} (${database.dialect}) is reachable and migrated` };
    });

    let embedder: Embedder | null = null;
    await guard('embedder', async () => {
      embedder = await openEmbedder(secrets);
      const [vector] = await embedder.embed(['prueba de salud']);
      if (!vector || vector.length !== embedder.dimension) {
        return { status: 'fail', detail: `${embedder.id} answered with a vector of the wrong size` };
      }
      return { status: 'ok', detail: `${embedder.id} (dimension ${embedder.dimension}) answered` };
    });

    await guard('vector store', async () => {
      const opened = database as OpenDatabase | null;
      if (!opened && secrets.vectorStore === 'embedded') {
        return {
          status: 'fail',
          detail: 'the embedded vector store lives in the database, which is unavailable',
        };
      }
      const store = await openVectorStore(opened ?? ({ sqlite: null } as OpenDatabase), secrets);
      try {
        const shown = redactConfig(secrets) as { chroma: { url: string } };
        const where =
          secrets.vectorStore === 'chroma' ? `Chroma at ${shown.chroma.url}` : 'embedded (sqlite-vec)';
        const info = await store.describeCollection();
        if (!info) {
          return {
            status: 'warn',
            detail: `${where}: collection "${store.collection}" does not exist yet (the first ingest creates it)`,
          };
        }
        const count = await store.count();
        const active = embedder as Embedder | null;
        if (active && (info.embedderId !== active.id || info.dimension !== active.dimension)) {
          return {
            status: 'fail',
            detail:
              `${where}: collection "${info.name}" holds vectors from ${info.embedderId} (dimension ${info.dimension}), ` +
              `but the configured embedder is ${active.id} (dimension ${active.dimension})`,
          };
        }
        return {
          status: 'ok',
          detail: `${where}: collection "${info.name}" (${count} chunks) from ${info.embedderId}, dimension ${info.dimension}`,
        };
      } finally {
        await store.close();
      }
    });
    await (database as OpenDatabase | null)?.close();
  }

  checks.push(await checkWritable(options.cwd));
  checks.push(await checkPdftotext());

  const healthy = !checks.some((c) => c.status === 'fail');
  if (options.json) {
    writeJson(io, { healthy, checks, config: config ? redactConfig(config) : null });
  } else {
    for (const check of checks) {
      writeLine(
        io.stdout,
        `${check.status.toUpperCase().padEnd(4)}  ${check.name.padEnd(12)}  ${sanitizeForTerminal(check.detail)}`,
      );
    }
    writeLine(io.stdout, healthy ? 'Healthy.' : 'Unhealthy: see the FAIL lines above.');
  }
  return healthy ? ExitCode.Success : ExitCode.ServiceUnavailable;
}

async function pendingMigrations(database: OpenDatabase): Promise<string[]> {
  const { Migrator } = await import('kysely');
  const { createMigrationProvider } = await import('../db/migrations/index.js');
  // The migrator reads its own tables; it needs the raw (un-camel-cased) names, as open-database uses.
  const migrator = new Migrator({
    db: database.db.withoutPlugins(),
    provider: createMigrationProvider(database.dialect),
  });
  const migrations = await migrator.getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

async function checkWritable(cwd: string): Promise<DoctorCheck> {
  const probe = path.join(cwd, `.tecsalud-doctor-${randomBytes(4).toString('hex')}`);
  try {
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe, { force: true });
    return { name: 'workdir', status: 'ok', detail: `${cwd} is writable` };
  } catch (error) {
    return { name: 'workdir', status: 'fail', detail: `${cwd} is not writable: ${messageOf(error)}` };
  }
}

async function checkPdftotext(): Promise<DoctorCheck> {
  const { isPdftotextAvailable } = await import('../adapters/extraction/index.js');
  const found = await isPdftotextAvailable();
  return found.available
    ? { name: 'pdftotext', status: 'ok', detail: `available${found.version ? ` (${found.version})` : ''}` }
    : {
        name: 'pdftotext',
        status: 'warn',
        detail: 'not installed (optional: poppler-utils); the default pdfium is used',
      };
}

function messageOf(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
