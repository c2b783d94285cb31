import { Command, Option } from '@commander-js/extra-typings';
import path from 'node:path';
import { readMaxFileSize } from './shared/max-file-size.js';
import { describeExpiry } from '../app/expire-sessions.js';
import { resolveSessionExpiry } from './shared/session-expiry.js';
import { checkPathSetting, homeFolder } from '../config/path-setting.js';
import { readNumberSetting } from '../config/number-setting.js';
import { ExitCode, UsageError } from '../errors.js';
import type { RunningServer, ServeSettings } from '../server/start-server.js';
import type { BackendConfig } from '../config/load-config.js';
import type { ResolvedIngestOptions } from './ingest-options.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJsonLine, writeLine } from './shared/io.js';
import { commandWords } from '../ui/i18n/command-words.js';
import { resolveLanguage } from '../ui/i18n/language.js';
import { addBackendOptions, dbOption, examples, langOption } from './shared/options.js';
import { addOcrAndContentOptions, ocrAndContentSourcesOf } from './shared/ocr-content-options.js';
import { addPipelineOptions } from './shared/pipeline-options.js';

export function serveCommand(command = new Command('serve')) {
  return serveOptions(command).action(async (options, command) =>
    finish(command, await serve(options, contextOf(command))),
  );
}

/** The command's options and help, without its action (its handler's types come from here). */
function serveOptions(command: Command) {
  const declared = command
    .description(
      'Serve the hospital batch service’s HTTP API (create a session, upload, process, status, review, cleanup, discard) ' +
        'over the same pipeline, database and vector store as `ingest`. Clients send a bearer token ' +
        '(`tecsalud-batch tokens create`). OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.',
    )
    .option('--port <n>', 'port to listen on (default 8000; config serve.port)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1; config serve.host)')
    .option(
      '--upload-dir <dir>',
      'where uploaded PDFs are kept, one owner-only folder per session (default ./tecsalud-uploads)',
    )
    .option('--max-files-per-session <n>', 'files a session takes (default 1000, as the service)')
    .option(
      '--session-expiry <duration>',
      'discard a session nobody processed, with its uploads, once no file was uploaded into it for this long (e.g. 24h, 3d; off: keep it until processed or discarded; default 72h; config serve.sessionExpiry)',
    )
    .option(
      '--cors-origin <origin...>',
      'origins a browser may call the API from, e.g. https://intranet.hospital.local (default none)',
    )
    .option(
      '--rate-limit <n>',
      'requests a minute per token, per client address without one (401s included); 0: no limit (default 600)',
    )
    .addOption(
      new Option(
        '--trust-proxy [addresses]',
        'behind a reverse proxy: take the client’s address from X-Forwarded-For (the proxy’s addresses, comma-separated)',
      ),
    )
    .option('--no-auth', 'accept calls without a token (only when listening on a loopback address)')
    .option(
      '--log-file <path>',
      "request and processing logs (JSON lines), patient names kept out, owner-only, reopened on SIGHUP; '-' for stderr (without it, stderr has lines for people only: the server's warnings and errors)",
    )
    .option('--quiet', 'log only warnings and errors')
    .option('--no-redact', 'let the log name files and patients (for a log only its readers may see)')
    .option(
      '--json',
      'once listening, print one JSON line on stdout: url, port (the one bound, with --port 0), api, docs, openapi, pid, ' +
        'auth, active_tokens, resumed_sessions, swept_uploads, expired_sessions, session_expiry_minutes (0: off); the other lines go to stderr',
    )
    .addOption(dbOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      examples(
        'serve --port 8000',
        'serve --host 0.0.0.0 --port 8000 --upload-dir /srv/tecsalud/uploads --trust-proxy 127.0.0.1',
        'serve --vector-store chroma --chroma-url http://localhost:8000 --port 8080 --cors-origin https://intranet.hospital.local',
        'serve --port 8000 --ocr-engine tesseract --ocr-min-confidence 0.8 --trust-content',
        'serve --no-auth   # loopback only: trying the API on this machine',
      ),
    );
  return addBackendOptions(addOcrAndContentOptions(addPipelineOptions(declared)));
}

export type ServeCommandOptions = ReturnType<ReturnType<typeof serveOptions>['opts']>;

/** `serve`: runs until SIGTERM or SIGINT, then stops gracefully (see startServer). */
export async function serve(options: ServeCommandOptions, context: CommandContext): Promise<number> {
  const backends = context.config!;
  const settings = resolveServeSettings(options, backends.serve, context.cwd);
  const [defaults, { startServer }, { reopenOnHangup }] = await Promise.all([
    resolveServePipeline(options, settings, context),
    import('../server/start-server.js'),
    import('../app/rotating-log.js'),
  ]);
  const words = commandWords(options.lang, context.env).serve;
  const lang = resolveLanguage({ flag: options.lang, env: context.env });
  // The log's lines for people in Spanish too, not a Spanish label in front of English (the tables load only then).
  const translate =
    lang === 'es' ? (await import('../ui/i18n/serve-log-es.js')).translateServeLogText : undefined;
  // A failed file's line says its outcome and message as ingest's lines do (`corrupt PDF — …`), in the same language.
  const { outcome, detail } = (await import('../ui/i18n/messages.js')).messagesFor(lang);
  // As `ingest` and `worker`: JSON lines go only where --log-file sends them ('-': stderr, which then holds
  // nothing else); without it, stderr is for people, and the log's warnings and errors reach them as lines.
  const logTo =
    options.logFile && options.logFile !== '-'
      ? path.resolve(context.cwd, options.logFile)
      : context.io.stderr;
  const logOwnsStderr = options.logFile === '-';
  const running = await startServer({
    location: context,
    backends,
    settings,
    defaults,
    extractor: context.extractor,
    // Names stay out of the log unless --no-redact says otherwise, as in ingest's and the workers' logs.
    log: {
      destination: logTo,
      level: options.quiet ? 'warn' : 'info',
      redact: options.redact !== false,
      lang,
      ...(options.logFile === undefined ? { human: { ...words, translate, outcome, detail } } : {}),
    },
    now: context.now,
  });
  const { io } = context;
  // Listened for before the server says it is ready: a supervisor (or a script) that stops it as soon as it reads
  // the ready line must get the graceful stop, not Node's default end of the process on SIGTERM.
  const logsToFile = typeof logTo === 'string';
  const stop = stopRequested(context.signal, { hangup: !logsToFile });
  // logrotate's `postrotate … kill -HUP`: the log goes on in a new file at the same path. Logging to the
  // terminal, SIGHUP is that terminal closing (ssh dropped): the server stops in order, as on SIGTERM, rather
  // than die of it mid-session or go on writing its log to nowhere (`stop` listens for it). Listened for before
  // the ready line too: a SIGHUP sent as soon as it is read (logrotate, a test) killed the server outright.
  const stopReopening = logsToFile
    ? reopenOnHangup(
        () =>
          void running
            .reopenLog()
            .catch((error: unknown) =>
              writeLine(io.stderr, `${words.warning}: ${words.reopenFailed(String(error))}`),
            ),
      )
    : () => undefined;
  // With --json, stdout holds the one JSON line a script reads; what people read goes to stderr.
  const say = options.json ? io.stderr : io.stdout;
  const english = commandWords('en', context.env).serve;
  /**
   * One of serve's own notes: to people on `to`, or, when the JSON log holds stderr, into the log as a line of
   * its own (in English, as the log is), so that stderr stays JSON a collector can read.
   */
  const note = (
    to: NodeJS.WritableStream,
    level: 'info' | 'warn',
    event: string,
    said: (w: typeof words) => string,
    hint?: (w: typeof words) => string,
  ) => {
    if (to === io.stderr && logOwnsStderr) {
      running.logNote(level, event, hint ? `${said(english)} (${hint(english)})` : said(english));
      return;
    }
    writeLine(to, level === 'warn' ? `${words.warning}: ${said(words)}` : said(words));
    if (hint) writeLine(to, `${words.hint}: ${hint(words)}`);
  };
  // What the start found comes before the line that says the server is ready, which a supervisor (or a
  // test) waits for: once it is printed, everything said before it has been too.
  if (running.sweptUploads > 0) {
    note(say, 'info', 'swept_uploads', (w) => w.sweptUploads(running.sweptUploads));
  }
  if (running.resumed.length > 0)
    note(say, 'info', 'resuming_sessions', (w) => w.resuming(running.resumed.length));
  if (running.expiredSessions.length > 0)
    note(say, 'info', 'expired_sessions', (w) =>
      w.expiredSessions(running.expiredSessions.length, describeExpiry(running.sessionExpiryMs)),
    );
  note(say, 'info', 'listening', (w) => w.listening(running.url));
  if (options.json) writeJsonLine(io, startedJson(running, settings));
  if (!settings.auth) note(io.stderr, 'warn', 'no_auth', (w) => w.noAuth);
  else if (running.activeTokens === 0) {
    note(
      io.stderr,
      'warn',
      'no_tokens',
      (w) => w.noTokens,
      (w) => w.noTokensHint,
    );
  }
  await stop;
  stopReopening();
  note(say, 'info', 'stopping', (w) => w.stopping);
  await running.stop();
  return ExitCode.Success;
}

/**
 * `serve --json`: where the server listens (the port bound, which a script needs after --port 0) and what its
 * start found, in English keys and values, as every --json is.
 */
function startedJson(running: RunningServer, settings: ServeSettings) {
  return {
    url: running.url,
    host: settings.host,
    port: running.port,
    api: `${running.url}/api/v1/documents/batch`,
    docs: `${running.url}/api/v1/docs`,
    openapi: `${running.url}/api/v1/openapi.json`,
    pid: process.pid,
    auth: settings.auth,
    active_tokens: running.activeTokens,
    resumed_sessions: running.resumed,
    swept_uploads: running.sweptUploads,
    expired_sessions: running.expiredSessions,
    session_expiry_minutes: Math.round(running.sessionExpiryMs / 60_000),
  };
}

/**
 * The pipeline's settings for the API's sessions: the flags `ingest` takes (concurrency, chunking, thresholds,
 * extractor, OCR, the content check), each over the environment and the config file as `ingest` resolves
 * it, with the API's limits and upload folder in place of ingest's --max-file-size, --max-files and DIR.
 */
export async function resolveServePipeline(
  options: Partial<ServeCommandOptions>,
  settings: Pick<ServeSettings, 'uploadDir' | 'maxFileSize' | 'maxFilesPerSession'>,
  context: Pick<CommandContext, 'cwd' | 'env' | 'config'>,
): Promise<ResolvedIngestOptions> {
  const { resolveIngestOptions } = await import('./ingest-options.js');
  return resolveIngestOptions({
    ...options,
    maxFileSize: String(settings.maxFileSize),
    dir: settings.uploadDir,
    cwd: context.cwd,
    maxFiles: String(settings.maxFilesPerSession),
    ...ocrAndContentSourcesOf(context),
  });
}

/** Resolves on SIGTERM or SIGINT, and SIGHUP with `hangup` (or the context's signal, in tests). */
function stopRequested(signal: AbortSignal | undefined, { hangup }: { hangup: boolean }): Promise<void> {
  if (signal) {
    return signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  const signals: NodeJS.Signals[] = hangup ? ['SIGTERM', 'SIGINT', 'SIGHUP'] : ['SIGTERM', 'SIGINT'];
  return new Promise((resolve) => {
    const stop = () => {
      for (const name of signals) process.off(name, stop);
      // A repeated hangup while the server drains is no reason to die of it.
      if (hangup) process.on('SIGHUP', () => undefined);
      resolve();
    };
    for (const name of signals) process.on(name, stop);
  });
}

/** Flags > the config file's `serve` section > defaults. */
export function resolveServeSettings(
  options: Partial<ServeCommandOptions>,
  file: BackendConfig['serve'],
  cwd: string,
): ServeSettings {
  const host = options.host?.trim() || file.host || '127.0.0.1';
  const port = wholeNumber(options.port, '--port', 0, 65535) ?? file.port ?? 8000;
  const auth = options.auth !== false;
  if (!auth && !isLoopback(host)) {
    throw new UsageError(
      `--no-auth is accepted only when listening on a loopback address, not on ${host}`,
      'create tokens for the clients (`tecsalud-batch tokens create --name NAME --role ROLE`), or use --host 127.0.0.1',
    );
  }
  const sizeText = options.maxFileSize ?? file.maxFileSize;
  const maxFileSize = readMaxFileSize(sizeText);
  // The flag is checked with the other path flags; the file's value is no more expanded by a shell.
  if (options.uploadDir === undefined && file.uploadDir !== undefined) {
    checkPathSetting(file.uploadDir, "the config file's serve.uploadDir", homeFolder(process.env));
  }
  const trustProxy =
    options.trustProxy === undefined
      ? (file.trustProxy ?? false)
      : options.trustProxy === true
        ? true
        : options.trustProxy
            .split(',')
            .map((address) => address.trim())
            .filter(Boolean);
  // Believing every peer's X-Forwarded-For on an address other machines reach lets any client write the address
  // the audit log records and the per-address limit on token guessing counts.
  if (trustProxy === true && !isLoopback(host)) {
    throw new UsageError(
      `--trust-proxy without addresses believes any client's X-Forwarded-For, and ${host} is reachable from other machines`,
      'name the reverse proxy\'s addresses: --trust-proxy 10.0.0.5 (comma-separated; serve.trustProxy: ["10.0.0.5"] in the config file), or listen on --host 127.0.0.1 behind it',
    );
  }
  return {
    host,
    port,
    uploadDir: path.resolve(cwd, options.uploadDir ?? file.uploadDir ?? 'tecsalud-uploads'),
    auth,
    corsOrigins: (options.corsOrigin ?? file.corsOrigins ?? []).map(checkOrigin),
    rateLimitPerMinute: wholeNumber(options.rateLimit, '--rate-limit', 0) ?? file.rateLimit ?? 600,
    trustProxy,
    maxFileSize,
    maxFilesPerSession:
      wholeNumber(options.maxFilesPerSession, '--max-files-per-session', 1) ??
      file.maxFilesPerSession ??
      1000,
    sessionExpiryMs: resolveSessionExpiry(options.sessionExpiry, file.sessionExpiry),
  };
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    bare === '::ffff:127.0.0.1'
  );
}

function wholeNumber(text: string | undefined, flag: string, min: number, max?: number): number | undefined {
  if (text === undefined) return undefined;
  return readNumberSetting(text, flag, { kind: 'whole', min, max });
}

/** A CORS origin is scheme://host[:port], exactly as the browser sends it (no path, no trailing slash). */
function checkOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin) return origin;
  } catch {
    // fall through to the error
  }
  throw new UsageError(
    `'${origin}' is not an origin`,
    'write it as the browser sends it: https://intranet.hospital.local or http://localhost:3000',
  );
}
