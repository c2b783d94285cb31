import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import { describeError } from '../core/text/describe-error.js';
import type { Embedder } from '../adapters/embedders/types.js';
import type { BackendConfig } from '../config/load-config.js';
import { redactConfig, redactSecrets } from '../config/redact-config.js';
import { translateDatabaseError } from '../db/database-file-errors.js';
import { resolveDatabaseTarget } from '../db/database-url.js';
import { openDatabase, type OpenDatabase } from '../db/open-database.js';
import { pendingMigrations } from '../db/pending-migrations.js';
import { OCR_DEFAULTS } from '../core/pipeline/ocr-options.js';
import { ExitCode, UserError } from '../errors.js';
import { checkFilePermissions } from './check-file-permissions.js';
import { openEmbedder, openVectorStore } from './open-backends.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

/** A check's result; a failure the configuration can fix (a missing database file) says so with exit 64. */
type CheckResult = Omit<DoctorCheck, 'name'> & { exitCode?: typeof ExitCode.Usage };

export interface HealthReport {
  healthy: boolean;
  /**
   * 0 when healthy; 69 when a backend is down; 64 when what failed is the configuration's to fix (the
   * database file is missing or unusable) and no backend is down.
   */
  exitCode: number;
  checks: DoctorCheck[];
  /** The configuration read, secrets hidden; null when it could not be read. */
  config: Record<string, unknown> | null;
}

/**
 * The service's health check: each backend is checked read-only where it can be (the database is not
 * migrated, the collection not created), and a failure of one does not hide the others.
 */
export async function checkHealth(options: {
  cwd: string;
  /** Reads the configuration; a failure is reported as the first check, not thrown. */
  loadConfig: () => Promise<BackendConfig>;
  /** The runs' log and folders (`doctor --log-file`, `--archive-dir`, `--quarantine-dir`), for their modes. */
  files?: { logFile?: string; archiveDir?: string; quarantineDir?: string };
}): Promise<HealthReport> {
  const checks: DoctorCheck[] = [];
  const fixableByConfiguration = new Set<string>();
  let config: BackendConfig | null = null;
  try {
    config = await options.loadConfig();
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
    const guard = async (name: string, check: () => Promise<CheckResult>): Promise<void> => {
      try {
        const { exitCode, ...result } = await check();
        checks.push({ name, ...result });
        if (result.status === 'fail' && exitCode === ExitCode.Usage) fixableByConfiguration.add(name);
      } catch (error) {
        checks.push({ name, status: 'fail', detail: redactSecrets(messageOf(error), secrets) });
      }
    };
    let database: OpenDatabase | null = null;
    /** Why the database is unusable when that is the configuration's fault (a file), not a server's. */
    let databaseFileProblem = false;
    await guard('database', async () => {
      const target = resolveDatabaseTarget(secrets.db, { cwd: options.cwd });
      let pending: string[];
      try {
        // Read-only: never create the file, never migrate.
        database = await openDatabase(target, { migrate: false, create: false, connectTimeoutMs: 5000 });
        pending = await pendingMigrations(database);
      } catch (caught) {
        const error = translateDatabaseError(caught, target);
        if (error instanceof UserError && error.exitCode === ExitCode.Usage) {
          databaseFileProblem = true;
          await (database as OpenDatabase | null)?.close();
          database = null;
          return { status: 'fail', detail: messageOf(error), exitCode: ExitCode.Usage };
        }
        throw error;
      }
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
          ...(databaseFileProblem ? { exitCode: ExitCode.Usage } : {}),
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
  checks.push(...(await checkOcr(config?.ocr.engine ?? OCR_DEFAULTS.engine)));
  checks.push(...(await checkPermissionsOf(config, options)));

  const failed = checks.filter((c) => c.status === 'fail');
  const exitCode =
    failed.length === 0
      ? ExitCode.Success
      : failed.every((c) => fixableByConfiguration.has(c.name))
        ? ExitCode.Usage
        : ExitCode.ServiceUnavailable;
  return { healthy: failed.length === 0, exitCode, checks, config: config ? redactConfig(config) : null };
}

/** Who may read the files that hold patient data or a secret (see check-file-permissions). */
function checkPermissionsOf(
  config: BackendConfig | null,
  options: { cwd: string; files?: { logFile?: string; archiveDir?: string; quarantineDir?: string } },
) {
  const resolve = (file: string | undefined) => (file ? path.resolve(options.cwd, file) : undefined);
  let databaseFile: string | null = null;
  try {
    const target = config ? resolveDatabaseTarget(config.db, { cwd: options.cwd }) : null;
    if (target?.kind === 'sqlite' && target.path !== ':memory:') databaseFile = target.path;
  } catch {
    // A database setting that cannot be read is the database check's to report.
  }
  const { logFile, archiveDir, quarantineDir } = options.files ?? {};
  return checkFilePermissions({
    configFile: config?.file ?? null,
    databaseFile,
    logFile: logFile && logFile !== '-' ? resolve(logFile) : undefined,
    folders: [resolve(archiveDir), resolve(quarantineDir)].filter((dir): dir is string => dir !== undefined),
    fileMode: config?.fileMode ?? 'owner',
  });
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

/**
 * Both OCR engines: the default one (tesseract.js) must have its language data; the native one is
 * optional, and a failure only when the configuration chooses it.
 */
async function checkOcr(configured: string): Promise<DoctorCheck[]> {
  const { checkNativeOcr } = await import('../adapters/ocr/index.js');
  const { checkTesseractJs } = await import('../adapters/ocr/tesseract-js-availability.js');
  const [wasm, native] = await Promise.all([checkTesseractJs(), checkNativeOcr()]);
  const wasmCheck: DoctorCheck = wasm.available
    ? {
        name: 'ocr',
        status: 'ok',
        detail: `tesseract.js ${wasm.version} with ${wasm.languages.join(', ')} data from npm packages (no download)`,
      }
    : {
        name: 'ocr',
        status: configured === 'tesseract.js' ? 'fail' : 'warn',
        detail: `tesseract.js cannot run: ${wasm.problem}; reinstall the tool (npm ci), or use --ocr-engine tesseract`,
      };
  const nativeCheck: DoctorCheck = native.available
    ? {
        name: 'tesseract',
        status: 'ok',
        detail: `available (${native.version}, ${native.languages.join(', ')}) for --ocr-engine tesseract`,
      }
    : {
        name: 'tesseract',
        status: configured === 'tesseract' ? 'fail' : 'warn',
        detail:
          `not available: needs ${native.missing.join(', ')} (optional: Debian apt-get install ${native.missing.join(' ')}); ` +
          'tesseract.js is used',
      };
  return [wasmCheck, nativeCheck];
}

function messageOf(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return describeError(error);
}
