import type { TextExtractor } from '../adapters/extraction/types.js';
import { TokenVerifier } from '../app/api-tokens.js';
import type { IngestSessionOptions } from '../app/ingest-session.js';
import { INGEST_SQLITE_CACHE_MB } from '../app/ingest-defaults.js';
import { openRegistry, type RegistryLocation } from '../app/open-registry.js';
import { SessionProcessing } from '../app/process-session.js';
import { DEFAULT_SESSION_EXPIRY_MS } from '../app/expire-sessions.js';
import { openServeLog, type ServeLogOptions } from '../app/serve-log.js';
import { UploadStore } from '../app/upload-store.js';
import type { BackendConfig } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import { buildServer, DOCS_PREFIX, type ApiServer } from './build-server.js';

export interface ServeSettings {
  host: string;
  /** 0: an ephemeral port (the tests'). */
  port: number;
  uploadDir: string;
  /** False only with --no-auth, which the command allows on loopback addresses alone. */
  auth: boolean;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  trustProxy: boolean | string[];
  maxFileSize: number;
  maxFilesPerSession: number;
  /** How long an upload may go without a byte arriving before it is given up (408); default 60 s (tests shorten it). */
  uploadIdleTimeoutMs?: number;
  /** How long a session nobody processed is kept after its last upload (0: for ever); default 72 h. */
  sessionExpiryMs?: number;
  /** How often idle sessions are looked for (default: every 10 minutes, or sooner for a short expiry; tests shorten it). */
  sessionSweepMs?: number;
}

const UPLOAD_IDLE_TIMEOUT_MS = 60_000;
const EXPIRY_SWEEP_MS = 10 * 60_000;

export interface StartServerOptions {
  location: RegistryLocation;
  backends: BackendConfig;
  settings: ServeSettings;
  /** The pipeline's settings (the same flags as `ingest`). */
  defaults: IngestSessionOptions;
  /** A stand-in extractor (tests); otherwise the configured one is started on first use. */
  extractor?: TextExtractor;
  /**
   * Where the request and processing logs go (JSON lines, or lines for people with `human`; a file's absolute
   * path or a stream), and whether patient names are kept out of them (`--no-redact` lets them in); null: nowhere.
   */
  log: Omit<ServeLogOptions, 'fileMode'> | null;
  now?: () => Date;
}

export interface RunningServer {
  /** `http://HOST:PORT`, with the port actually bound. */
  url: string;
  port: number;
  server: ApiServer;
  /** Sessions a stopped server had left processing, resumed now. */
  resumed: string[];
  /** Half-received uploads a stopped server left (temporary files, never registered), removed at start. */
  sweptUploads: number;
  /** Sessions nobody processed that had outlived the session expiry at start, discarded then. */
  expiredSessions: string[];
  /** The session expiry in force (0: sessions are kept until processed or discarded). */
  sessionExpiryMs: number;
  /** Opens `--log-file` again (logrotate moved it away; SIGHUP): the next lines go to a new file at its path. */
  reopenLog(): Promise<void>;
  /** Writes one of the command's own notes to the log (when the log, not people, owns stderr). */
  logNote(level: 'info' | 'warn', event: string, message: string): void;
  /** Tokens that can be used (null under --no-auth): with none, every call is refused. */
  activeTokens: number | null;
  /** Stops gracefully (see ApiServer.close), then the extraction processes and the database. */
  stop(): Promise<void>;
}

/**
 * Opens the registry (creating it, as `ingest` does), the upload folder and the server, listens, and
 * resumes the sessions a stopped server left processing. The command adds the signals; tests call this.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { settings } = options;
  const sessionExpiryMs = settings.sessionExpiryMs ?? DEFAULT_SESSION_EXPIRY_MS;
  // The upload folder and the log first: a path the server cannot use is refused before a registry is created.
  const store = await UploadStore.open(settings.uploadDir, options.backends.fileMode);
  const log = options.log
    ? await openServeLog({ ...options.log, fileMode: options.backends.fileMode })
    : null;
  const database = await openRegistry(options.location, {
    create: true,
    sqliteCacheMb: INGEST_SQLITE_CACHE_MB,
  });
  let processing: SessionProcessing | null = null;
  try {
    // Half-received uploads of a server that was stopped or killed: never registered, their clients upload again.
    const sweptUploads = await store.removeAllIncoming();
    processing = new SessionProcessing({
      database,
      backends: options.backends,
      store,
      defaults: options.defaults,
      extractor: options.extractor,
    });
    const verifier = settings.auth ? new TokenVerifier(database, options.now) : null;
    const server = await buildServer({
      database,
      location: options.location,
      backends: options.backends,
      store,
      processing,
      defaults: options.defaults,
      limits: {
        maxFileSize: settings.maxFileSize,
        maxFilesPerSession: settings.maxFilesPerSession,
        uploadIdleTimeoutMs: settings.uploadIdleTimeoutMs ?? UPLOAD_IDLE_TIMEOUT_MS,
        sessionExpiryMs,
      },
      now: options.now ?? (() => new Date()),
      verifier,
      corsOrigins: settings.corsOrigins,
      rateLimitPerMinute: settings.rateLimitPerMinute,
      trustProxy: settings.trustProxy,
      logger: log?.logger ?? false,
      sessionLog: log ? (sessionId) => log.sessionListener(sessionId) : undefined,
    });
    try {
      await server.app.listen({ host: settings.host, port: settings.port });
    } catch (error) {
      await server.close().catch(() => undefined);
      throw explainListenError(error, settings);
    }
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    const resumed = await server.resumeLeftSessions();
    // Sessions that expired while no server ran go now; the others when their time comes.
    const expired = await server.expireIdleSessions();
    server.keepExpiringSessions(
      settings.sessionSweepMs ?? Math.min(EXPIRY_SWEEP_MS, Math.max(1000, sessionExpiryMs / 10)),
    );
    const opened = processing;
    return {
      url: `http://${host}:${port}`,
      port,
      server,
      resumed,
      sweptUploads,
      expiredSessions: expired.map((session) => session.sessionId),
      sessionExpiryMs,
      reopenLog: async () => log?.reopen(),
      logNote: (level, event, message) => log?.logger[level]({ event }, message),
      activeTokens: verifier ? await verifier.activeCount() : null,
      stop: async () => {
        try {
          await server.close();
        } finally {
          await opened.close();
          await database.close();
        }
      },
    };
  } catch (error) {
    await processing?.close();
    await database.close();
    throw error;
  }
}

function explainListenError(error: unknown, settings: ServeSettings): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${settings.host}:${settings.port}`;
  if (code === 'EADDRINUSE')
    return new UsageError(`${where} is already in use`, 'stop what listens there, or choose another --port');
  if (code === 'EACCES')
    return new UsageError(
      `not allowed to listen on ${where}`,
      'ports below 1024 need privileges: use a higher --port behind the reverse proxy',
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new UsageError(
      `cannot listen on ${settings.host}: this machine has no such address`,
      'give one of its addresses with --host',
    );
  }
  return error;
}

export { DOCS_PREFIX };
