import fs from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';

import { findUnknownVariables } from '../config/unknown-environment-variables.js';
import { describeError } from '../core/text/describe-error.js';
import { hungToolDetail } from '../core/text/hung-tool.js';
import type { Embedder } from '../adapters/embedders/types.js';
import type { CollectionInfo } from '../adapters/vector-stores/types.js';
import type { BackendConfig } from '../config/load-config.js';
import { redactConfig, redactSecrets } from '../config/redact-config.js';
import { translateDatabaseError } from '../db/database-file-errors.js';
import { SETTING_NAMES, databaseSettingOf } from '../config/setting-source.js';
import { DEFAULT_DATABASE, redactConnectionString, resolveDatabaseTarget } from '../db/database-url.js';
import { openDatabase, type OpenDatabase } from '../db/open-database.js';
import { readConnectionSecurity } from '../db/connection-security.js';
import { postgresHost, readPostgresUrl } from '../db/postgres-config.js';
import { pendingMigrations } from '../db/pending-migrations.js';
import { OCR_DEFAULTS } from '../core/pipeline/ocr-options.js';
import { ExitCode, UserError } from '../errors.js';
import { checkFilePermissions } from './check-file-permissions.js';
import { isPipeWithoutReader } from '../ingest/log-pipe-without-reader.js';
import { openEmbedder, openVectorStore } from './open-backends.js';
import { readToolOutput } from '../adapters/tool-output.js';

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

/** `doctor` answers within this, whatever the backends do (DECISIONS: bounds). */
export const DEFAULT_DOCTOR_TIMEOUT_MS = 10_000;

/**
 * What the bound keeps for after the checks: the report's last lines (permissions, run files), printing it, and
 * the process's exit (its hung children killed, its handles closed). A tenth of the bound, 250 ms to 1 s: with
 * 250 ms for the default 10 s, a loaded machine (load 15 on two cores) ended at 9.95–10.03 s, so that
 * `timeout 10 tecsalud-batch doctor` in a monitoring script sometimes killed it before its report.
 */
function reportMs(timeoutMs: number): number {
  return Math.min(1000, Math.max(250, timeoutMs / 10));
}

/**
 * The service's health check: each backend is checked read-only where it can be (the database is not
 * migrated, the collection not created), and a failure of one does not hide the others. The backends are
 * checked at once, and the whole check answers within `timeoutMs` (default 10 s) even when a server accepts
 * connections and never answers: each request is bounded by the time left, and a check still running at
 * the end is reported as not answering.
 */
export async function checkHealth(options: {
  cwd: string;
  /** Reads the configuration; a failure is reported as the first check, not thrown. */
  loadConfig: () => Promise<BackendConfig>;
  timeoutMs?: number;
  /**
   * The `performance.now()` time `timeoutMs` counts from (the CLI: 0, the process's start, so that the bound
   * holds for the whole command); default now.
   */
  startedAt?: number;
  /** The runs' log and folders (`doctor --log-file`, `--archive-dir`, `--quarantine-dir`), for their modes. */
  files?: { logFile?: string; archiveDir?: string; quarantineDir?: string };
  /** The environment the runs see: TECSALUD_OCR_ENGINE chooses their OCR engine before the config file does. */
  env?: NodeJS.ProcessEnv;
}): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOCTOR_TIMEOUT_MS;
  const deadline = (options.startedAt ?? performance.now()) + timeoutMs - reportMs(timeoutMs);
  /** What is left of the budget, less a margin for the report itself. */
  const left = () => Math.max(1, Math.floor(deadline - performance.now()) - 100);
  /** The bound as the report says it. */
  const seconds = Math.round(timeoutMs / 100) / 10;
  const checks: DoctorCheck[] = [];
  const fixableByConfiguration = new Set<string>();
  let config: BackendConfig | null = null;
  try {
    config = await options.loadConfig();
    checks.push({
      name: 'config',
      status: 'ok',
      detail: `${config.file ? `read ${config.file}` : 'no config file'}; ${describeSources(config)}`,
    });
  } catch (error) {
    checks.push({ name: 'config', status: 'fail', detail: messageOf(error) });
    // A file the other commands refuse with 64 is the configuration's to fix: monitoring must not page
    // someone about a server that was never even tried.
    fixableByConfiguration.add('config');
  }

  // A misspelled TECSALUD_* variable changes nothing without a word: said here, as every run says it on stderr.
  const unknownVariables = findUnknownVariables(options.env ?? {});
  if (unknownVariables.length > 0) {
    checks.push({
      name: 'environment',
      status: 'warn',
      detail: unknownVariables
        .map(({ name, near }) => `${name} is not read (ignored)${near ? `: did you mean ${near}?` : ''}`)
        .join('; '),
    });
  }

  // The local checks (tools, engines) run while the backends answer, so that they do not add to the bound; a
  // tool still running at the deadline is stopped, and said to have hung.
  const tools = new AbortController();
  const toolsTimer = setTimeout(() => tools.abort(), Math.max(0, deadline - performance.now()));
  const localChecks = Promise.all([
    checkWritable(options.cwd, keepsFilesInWorkingDirectory(config), { signal: tools.signal, seconds }),
    checkPdftotext({ signal: tools.signal, seconds }),
    checkOcr(options.env?.TECSALUD_OCR_ENGINE?.trim() || (config?.ocr.engine ?? OCR_DEFAULTS.engine), {
      signal: tools.signal,
      seconds,
    }),
  ]).finally(() => clearTimeout(toolsTimer));

  if (config) {
    const secrets = config;
    const results = new Map<string, DoctorCheck>();
    const guard = async (name: string, check: () => Promise<CheckResult>): Promise<void> => {
      let timer: NodeJS.Timeout | undefined;
      const overdue = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(
          () =>
            resolve({
              status: 'fail',
              detail: `no answer within ${seconds} s: the server may be stopped or overloaded, or a firewall drops the packets (doctor --timeout sets the limit)`,
            }),
          Math.max(0, deadline - performance.now()),
        );
      });
      try {
        const { exitCode, ...result } = await Promise.race([check(), overdue]);
        results.set(name, { name, ...result });
        if (result.status === 'fail' && exitCode === ExitCode.Usage) fixableByConfiguration.add(name);
      } catch (error) {
        results.set(name, { name, status: 'fail', detail: redactSecrets(messageOf(error), secrets) });
        // A setting written wrong (a URL without its scheme) is refused before any server is asked.
        if (error instanceof UserError && error.exitCode === ExitCode.Usage) fixableByConfiguration.add(name);
      } finally {
        clearTimeout(timer);
      }
    };
    let database: OpenDatabase | null = null;
    /** Why the database is unusable when that is the configuration's fault (a file), not a server's. */
    let databaseFileProblem = false;
    const databaseCheck = guard('database', async () => {
      const target = resolveDatabaseTarget(secrets.db, {
        cwd: options.cwd,
        setting: databaseSettingOf(config, secrets.db),
      });
      let pending: string[];
      try {
        // Read-only: never create the file, never migrate.
        database = await openDatabase(target, {
          migrate: false,
          create: false,
          connectTimeoutMs: Math.min(5000, left()),
          queryTimeoutMs: left(),
        });
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
      const opened = database as OpenDatabase;
      const security = await describeSecurity(opened);
      if (pending.length > 0) {
        return {
          status: 'warn',
          detail: `${target.display} is reachable${security.text}; ${pending.length === 1 ? '1 migration' : `${pending.length} migrations`} not applied yet (${pending.join(', ')}): the next ingest or import applies ${pending.length === 1 ? 'it' : 'them'}`,
        };
      }
      migrated = true;
      return {
        status: security.warn ? 'warn' : 'ok',
        detail: `${target.display} (${opened.dialect}) is reachable and migrated${security.text}`,
      };
    });

    let embedder: Embedder | null = null;
    const embedderCheck = guard('embedder', async () => {
      embedder = await openEmbedder(secrets, { maxTimeoutMs: left(), maxRetries: 0 });
      const [vector] = await embedder.embed(['prueba de salud']);
      if (!vector || vector.length !== embedder.dimension) {
        return { status: 'fail', detail: `${embedder.id} answered with a vector of the wrong size` };
      }
      return { status: 'ok', detail: `${embedder.id} (dimension ${embedder.dimension}) answered` };
    });

    let collection: CollectionInfo | null = null;
    let where = '';
    // The embedded store lives in the database: its check waits for the database's.
    const vectorStoreCheck = (secrets.vectorStore === 'embedded' ? databaseCheck : Promise.resolve()).then(
      () =>
        guard('vector store', async () => {
          const opened = database as OpenDatabase | null;
          if (!opened && secrets.vectorStore === 'embedded') {
            return {
              status: 'fail',
              detail: 'the embedded vector store lives in the database, which is unavailable',
              ...(databaseFileProblem ? { exitCode: ExitCode.Usage } : {}),
            };
          }
          const store = await openVectorStore(
            opened ?? ({ sqlite: null } as OpenDatabase),
            secrets,
            undefined,
            {
              maxTimeoutMs: left(),
            },
          );
          try {
            const shown = redactConfig(secrets) as { chroma: { url: string } };
            where =
              secrets.vectorStore === 'chroma'
                ? `Chroma at ${shown.chroma.url}${secrets.chroma.authToken ? ` (with a token, ${secrets.chroma.authHeader ?? 'Authorization'} header)` : ''}`
                : 'embedded (sqlite-vec)';
            const info = await store.describeCollection();
            if (!info) {
              return {
                status: 'warn',
                detail: `${where}: collection "${store.collection}" does not exist yet (the first ingest creates it)`,
              };
            }
            collection = info;
            const count = await store.count();
            return {
              status: 'ok',
              detail: `${where}: collection "${info.name}" (${count} chunks) from ${info.embedderId}, dimension ${info.dimension}`,
            };
          } finally {
            await store.close();
          }
        }),
    );
    // A move or detach a killed process left half done, a document whose chunks are gone: only on a migrated
    // database, which has the audit's columns.
    let migrated = false;
    const changesCheck = databaseCheck.then(() =>
      migrated && database
        ? guard('documents', async () => {
            const { checkDocuments } = await import('./check-documents.js');
            // The count stops before doctor's bound, and a store that hangs is given up before it: the unfinished
            // changes and the documents found so far are still reported, not lost in a time-out.
            return checkDocuments(database as OpenDatabase, {
              backends: secrets,
              stopBy: deadline - 1500,
              maxTimeoutMs: Math.max(1, left() - 1000),
            });
          })
        : undefined,
    );
    await Promise.all([databaseCheck, embedderCheck, vectorStoreCheck, changesCheck]);

    // The collection must hold the configured embedder's vectors: judged once both answered.
    const active = embedder as Embedder | null;
    const info = collection as CollectionInfo | null;
    if (active && info && (info.embedderId !== active.id || info.dimension !== active.dimension)) {
      results.set('vector store', {
        name: 'vector store',
        status: 'fail',
        detail:
          `${where}: collection "${info.name}" holds vectors from ${info.embedderId} (dimension ${info.dimension}), ` +
          `but the configured embedder is ${active.id} (dimension ${active.dimension})`,
      });
    }
    for (const name of ['database', 'embedder', 'vector store']) checks.push(results.get(name)!);
    const changes = results.get('documents');
    if (changes) checks.push(changes);
    // A check that did not answer in time may still open the database later: close it whenever it does.
    void databaseCheck.then(() => (database as OpenDatabase | null)?.close().catch(() => undefined));
  }

  const [writable, pdftotext, ocr] = await localChecks;
  checks.push(writable, pdftotext, ...ocr);
  checks.push(...(await checkPermissionsOf(config, options)));
  const runFiles = await checkRunFiles(options);
  if (runFiles) {
    checks.push(runFiles);
    if (runFiles.status === 'fail') fixableByConfiguration.add(runFiles.name);
  }

  const failed = checks.filter((c) => c.status === 'fail');
  const exitCode =
    failed.length === 0
      ? ExitCode.Success
      : failed.every((c) => fixableByConfiguration.has(c.name))
        ? ExitCode.Usage
        : ExitCode.ServiceUnavailable;
  return { healthy: failed.length === 0, exitCode, checks, config: config ? redactConfig(config) : null };
}

/** What the database connection's encryption is, for the database check's line. */
async function describeSecurity(database: OpenDatabase): Promise<{ text: string; warn: boolean }> {
  const security = await readConnectionSecurity(database);
  if (!security) return { text: '', warn: false };
  if (!security.encrypted) {
    const where = connectionPlace(database);
    const local = where !== 'network';
    return {
      text:
        where === 'socket'
          ? '; not encrypted (a Unix socket on this machine: nothing crosses the network)'
          : where === 'loopback'
            ? '; not encrypted (plain TCP to this machine)'
            : '; NOT encrypted: passwords and patient data cross the network in clear (add sslmode=verify-full and sslrootcert=CA.pem to the URL)',
      warn: !local,
    };
  }
  const verified =
    database.tls === 'verify-full'
      ? 'server certificate and host name verified'
      : database.tls === 'verify-ca'
        ? 'server certificate verified, host name not (verify-ca)'
        : `server certificate NOT verified (sslmode=${sslModeOf(database)})`;
  const how = [security.protocol, security.cipher].filter(Boolean).join(', ');
  return { text: `; encrypted${how ? ` (${how})` : ''}, ${verified}`, warn: false };
}

/** The sslmode the URL gives (prefer, allow, require…), to name it as written rather than as require. */
function sslModeOf(database: OpenDatabase): string {
  const url = database.target.kind === 'postgres' ? readPostgresUrl(database.target.connectionString) : null;
  return url?.searchParams.get('sslmode') ?? 'require';
}

/** Where the PostgreSQL connection goes: a socket or TCP on this machine, or across a network. */
function connectionPlace(database: OpenDatabase): 'socket' | 'loopback' | 'network' {
  if (database.target.kind !== 'postgres') return 'socket';
  const host = postgresHost(database.target.connectionString);
  if (host === null) return 'network';
  if (host.startsWith('/')) return 'socket';
  // No host: node-postgres's default, localhost.
  return host === '' || host === 'localhost' || host === '::1' || host.startsWith('127.')
    ? 'loopback'
    : 'network';
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

/**
 * Whether the nightly run's log and folders (`doctor --log-file`, `--archive-dir`, `--quarantine-dir`) can be
 * written where they are: a folder given as the log, a file where a folder should be, a folder the run may
 * not write into would fail the run (or every move of it) although everything else is healthy.
 */
async function checkRunFiles(options: {
  cwd: string;
  files?: { logFile?: string; archiveDir?: string; quarantineDir?: string };
}): Promise<DoctorCheck | null> {
  const { logFile, archiveDir, quarantineDir } = options.files ?? {};
  const problems: string[] = [];
  const statOf = (target: string) => fs.stat(target).catch((error: NodeJS.ErrnoException) => error);
  if (logFile && logFile !== '-') {
    const file = path.resolve(options.cwd, logFile);
    const found = await statOf(file);
    if (!(found instanceof Error) && found.isDirectory()) problems.push(`--log-file ${logFile} is a folder`);
    else if (isPipeWithoutReader(file))
      problems.push(
        `--log-file ${logFile} is a named pipe (FIFO) that no program reads: the run would wait for ever`,
      );
    else if (found instanceof Error && found.code === 'ENOTDIR')
      problems.push(`--log-file ${logFile}: a part of its path is a file`);
    else if (!(await writableOrCreatable(found instanceof Error ? path.dirname(file) : file)))
      problems.push(`--log-file ${logFile} cannot be written`);
  }
  for (const [flag, dir] of [
    ['--archive-dir', archiveDir],
    ['--quarantine-dir', quarantineDir],
  ] as const) {
    if (!dir) continue;
    const folder = path.resolve(options.cwd, dir);
    const found = await statOf(folder);
    if (!(found instanceof Error) && !found.isDirectory())
      problems.push(`${flag} ${dir} is a file, not a folder`);
    else if (!(await writableOrCreatable(folder)))
      problems.push(`${flag} ${dir} cannot be written: files would not be moved`);
  }
  if (!logFile && !archiveDir && !quarantineDir) return null;
  return problems.length > 0
    ? { name: 'run files', status: 'fail', detail: `${problems.join('; ')}` }
    : { name: 'run files', status: 'ok', detail: 'the log and the folders given can be written' };
}

/** Whether `target` can be written, or (missing) created: its nearest existing ancestor is writable. */
async function writableOrCreatable(target: string): Promise<boolean> {
  let current = target;
  for (;;) {
    try {
      await fs.access(current, fsConstants.W_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      const parent = path.dirname(current);
      if (parent === current) return false;
      current = parent;
    }
  }
}

/**
 * Whether the configured database lives in the working directory: the default ./tecsalud-batch.db or another
 * relative SQLite path (or the configuration could not be read, and nobody knows).
 */
function keepsFilesInWorkingDirectory(config: BackendConfig | null): boolean {
  if (config === null || config.db === undefined) return true;
  if (/^postgres(ql)?:\/\//i.test(config.db)) return false;
  const file = config.db.replace(/^(sqlite|file):(\/\/)?/i, '');
  return file !== ':memory:' && !path.isAbsolute(file);
}

/**
 * The workdir's write test, run by a node child: a network disk that stopped answering hangs the `open` in the
 * kernel, and in this process that call would hold a thread of libuv's pool for good, so that doctor could not
 * even exit (Node waits for the pool's threads as it ends). A child is killed at the bound, and not waited for.
 * One fixed name: a probe left by a child killed mid-write is reused by the next doctor instead of piling up.
 */
const WORKDIR_PROBE = [
  "const fs = require('node:fs');",
  "const probe = require('node:path').join(process.argv[1], '.tecsalud-doctor-probe');",
  "try { fs.writeFileSync(probe, 'ok'); fs.rmSync(probe, { force: true }); process.stdout.write('ok'); }",
  'catch (error) { process.stdout.write(error.message); }',
].join('\n');

/**
 * A systemd unit runs in / and cron in the account's home, often neither writable, and that is no fault when
 * every path is absolute (the README's units): a failure there made `doctor` exit 69, "a backend is down",
 * for a healthy setup. It fails only when the database would be kept there.
 */
async function checkWritable(
  cwd: string,
  needed: boolean,
  deadline: { signal: AbortSignal; seconds: number },
): Promise<DoctorCheck> {
  const output = await readToolOutput(process.execPath, ['-e', WORKDIR_PROBE, cwd], {
    signal: deadline.signal,
  });
  if (output === null && deadline.signal.aborted) {
    return {
      name: 'workdir',
      status: needed ? 'fail' : 'warn',
      detail: `${cwd} did not answer within ${deadline.seconds} s (writing a test file there): the disk may be a network share that stopped answering`,
    };
  }
  if (output?.stdout === 'ok') return { name: 'workdir', status: 'ok', detail: `${cwd} is writable` };
  if (!needed) {
    return {
      name: 'workdir',
      status: 'ok',
      detail: `${cwd} is not writable, and need not be: the database is kept elsewhere`,
    };
  }
  const why = output?.stdout.trim() || output?.stderr.trim() || `${process.execPath} could not be started`;
  return { name: 'workdir', status: 'fail', detail: `${cwd} is not writable: ${why}` };
}

async function checkPdftotext(deadline: { signal: AbortSignal; seconds: number }): Promise<DoctorCheck> {
  const { isPdftotextAvailable } = await import('../adapters/extraction/index.js');
  const found = await isPdftotextAvailable('pdftotext', { signal: deadline.signal });
  if (!found.available && deadline.signal.aborted) {
    return { name: 'pdftotext', status: 'warn', detail: hungToolDetail('pdftotext -v', deadline.seconds) };
  }
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
async function checkOcr(
  configured: string,
  deadline: { signal: AbortSignal; seconds: number },
): Promise<DoctorCheck[]> {
  const { checkNativeOcr } = await import('../adapters/ocr/index.js');
  const { checkTesseractJs } = await import('../adapters/ocr/tesseract-js-availability.js');
  const [wasm, native] = await Promise.all([
    checkTesseractJs(),
    checkNativeOcr({}, { signal: deadline.signal }),
  ]);
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
    : deadline.signal.aborted
      ? {
          name: 'tesseract',
          status: configured === 'tesseract' ? 'fail' : 'warn',
          detail: hungToolDetail(
            'tesseract --version, tesseract --list-langs, pdftoppm -v',
            deadline.seconds,
          ),
        }
      : {
          name: 'tesseract',
          status: configured === 'tesseract' ? 'fail' : 'warn',
          detail:
            configured === 'tesseract'
              ? `not available, and the runs are set to use it (--ocr-engine, TECSALUD_OCR_ENGINE or ocr.engine): needs ${native.missing.join(', ')} (Debian apt-get install ${native.missing.join(' ')})`
              : `not available: needs ${native.missing.join(', ')} (optional: Debian apt-get install ${native.missing.join(' ')}); ` +
                'tesseract.js is used',
        };
  return [wasmCheck, nativeCheck];
}

function messageOf(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return describeError(error);
}

/**
 * `db ./site.db (TECSALUD_DB), vectorStore embedded (default), …`: a setting from an unexpected place (an
 * exported variable in a shell, a forgotten config file) is the usual reason a new server uses the wrong one.
 */
function describeSources(config: BackendConfig): string {
  const values: Record<keyof BackendConfig['sources'], string | undefined> = {
    db: config.db === undefined ? DEFAULT_DATABASE : redactConnectionString(config.db),
    vectorStore: config.vectorStore,
    collection: config.collection,
    chromaUrl: config.vectorStore === 'chroma' ? redactConnectionString(config.chroma.url) : undefined,
    embedder: config.embedder,
    embeddingModel: config.embedding.model,
  };
  return (Object.keys(SETTING_NAMES) as (keyof BackendConfig['sources'])[])
    .filter((key) => values[key] !== undefined)
    .map((key) => {
      const source = config.sources[key];
      const from =
        source === 'flag' || source === 'env'
          ? SETTING_NAMES[key][source]
          : source === 'file'
            ? 'config file'
            : 'default';
      return `${key} ${values[key]} (${from})`;
    })
    .join(', ');
}
