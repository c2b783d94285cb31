import { Command } from '@commander-js/extra-typings';
import type { OrphanDocument } from '../app/delete-orphan-vectors.js';
import { ExitCode, UsageError } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { commandWords } from '../ui/i18n/command-words.js';
import { parseDuration } from './shared/duration.js';
import { describeExpiry } from '../core/uploads/session-expiry.js';
import { resolveSessionExpiry } from './shared/session-expiry.js';
import {
  addBackendOptions,
  dbOption,
  examples,
  jsonOption,
  langOption,
  userOption,
} from './shared/options.js';

export function cleanupCommand(command = new Command('cleanup')) {
  return cleanupOptions(command).action(async (session, options, command) =>
    finish(command, await cleanUp(session, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function cleanupOptions(command: Command) {
  const declared = command
    .argument('[session]', 'session id or its first characters')
    .option(
      '--older-than <age>',
      'every finished session older than this, e.g. 7d (the service keeps 7 days)',
    )
    .option('--purge', "also delete the session's ingested documents and their vectors")
    .option(
      '--force',
      'with --purge: delete documents still within the legal retention (NOM-004-SSA3: 5 years; config retentionYears)',
    )
    .option(
      '--session-expiry <duration>',
      "with --older-than: also discard the HTTP API's sessions nobody processed, with their uploads, once no file was uploaded into them for this long, as serve does (off: keep them; default 72h; config serve.sessionExpiry)",
    )
    .option(
      '--orphans',
      'delete the chunks of documents the registry no longer holds (search leaves them out), and stale copies of documents filed in another collection (doctor names them); never while a session is being processed, nor those a file not yet final may still be storing; --collection picks the collection',
    )
    .addOption(userOption('who cleans up', false))
    .option(
      '--collection <name>',
      'vector collection to purge from (default: the one the session was ingested into)',
    )
    .addOption(dbOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      examples(
        'cleanup 3f2a9c1e',
        'cleanup --older-than 7d   # e.g. nightly from cron; also expires API sessions nobody processed',
        'cleanup 3f2a9c1e --purge   # refused for documents within the retention period unless --force',
        'cleanup --orphans   # chunks of documents the registry no longer holds; refused while a session is processed',
      ),
    );
  return addBackendOptions(declared);
}

export type CleanupOptions = ReturnType<ReturnType<typeof cleanupOptions>['opts']>;

/**
 * `cleanup SESSION [--purge]` or `cleanup --older-than AGE`: removes sessions' working state; documents
 * stay unless --purge (see app/cleanup-sessions).
 */
export async function cleanUp(
  sessionId: string | undefined,
  options: CleanupOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  if (options.orphans) return deleteOrphans(sessionId, options, context);
  if (!sessionId && !options.olderThan)
    throw new UsageError('name a session, or give --older-than (e.g. 7d)');
  if (sessionId && options.olderThan) throw new UsageError('give either a session or --older-than, not both');
  if (options.purge && options.olderThan)
    throw new UsageError('--purge works on one named session at a time');
  if (options.force && !options.purge) throw new UsageError('--force only applies to --purge');
  if (options.sessionExpiry !== undefined && !options.olderThan)
    throw new UsageError('--session-expiry only applies to --older-than');
  const now = context.now?.() ?? new Date();
  const cutoff = options.olderThan
    ? new Date(now.getTime() - parseOlderThan(options.olderThan)).toISOString()
    : null;
  const { cleanupSessions } = await import('../app/cleanup-sessions.js');
  const reports = await cleanupSessions(context, context.config!, {
    session: sessionId,
    finishedBefore: cutoff ?? undefined,
    purge: Boolean(options.purge),
    user: options.user,
    collection: options.collection,
    force: Boolean(options.force),
    retentionYears: context.config?.retentionYears,
    now,
  });
  // The nightly cleanup also does what a stopped server cannot: expire the API's sessions nobody processed.
  const expiryMs = cutoff
    ? resolveSessionExpiry(options.sessionExpiry, context.config?.serve.sessionExpiry)
    : 0;
  const { expireAbandonedUploadSessions } = await import('../app/expire-sessions.js');
  const expired = await expireAbandonedUploadSessions(context, {
    expiryMs,
    now,
    fileMode: context.config?.fileMode,
    actor: options.user,
  });
  if (options.json)
    writeJson(
      io,
      cutoff
        ? {
            older_than: options.olderThan,
            cutoff,
            sessions: reports,
            expired_sessions: expired.map((session) => ({
              session_id: session.sessionId,
              last_active_at: session.lastActiveAt,
              discarded_files: session.discardedFiles,
            })),
            session_expiry_minutes: Math.round(expiryMs / 60_000),
          }
        : reports[0],
    );
  else {
    const words = commandWords(options.lang, context.env);
    if (reports.length === 0) writeLine(io.stdout, words.cleanup.noneOlder(options.olderThan ?? ''));
    for (const report of reports) {
      writeLine(
        io.stdout,
        words.cleanup.cleaned({
          session: report.session_id.slice(0, 8),
          fileRecords: report.removed_file_records,
          keptReviews: report.kept_pending_reviews,
          purge: Boolean(options.purge),
          purged: report.purged_documents,
          forced: report.purged_within_retention,
        }),
      );
    }
    if (expired.length > 0)
      writeLine(io.stdout, words.serve.expiredSessions(expired.length, describeExpiry(expiryMs)));
  }
  return ExitCode.Success;
}

/** `cleanup --orphans`: the chunks of documents the registry does not hold (see app/delete-orphan-vectors). */
async function deleteOrphans(
  sessionId: string | undefined,
  options: CleanupOptions,
  context: CommandContext,
): Promise<number> {
  if (
    sessionId ||
    options.olderThan ||
    options.purge ||
    options.force ||
    options.sessionExpiry !== undefined
  ) {
    throw new UsageError(
      '--orphans works on a whole collection: give it no session, --older-than, --purge, --force or --session-expiry',
    );
  }
  const { deleteOrphanVectors } = await import('../app/delete-orphan-vectors.js');
  const report = await deleteOrphanVectors(context, context.config!, { collection: options.collection });
  const entry = (d: OrphanDocument) => ({
    document_id: d.documentId,
    chunks: d.chunks,
    expediente: d.expediente,
  });
  const json = (documents: OrphanDocument[]) => documents.map(entry);
  if (options.json) {
    writeJson(context.io, {
      collection: report.collection,
      deleted: json(report.deleted),
      copies_deleted: report.copies.map((copy) => ({ ...entry(copy), filed_in: copy.filedIn })),
      kept: json(report.kept),
    });
    return ExitCode.Success;
  }
  const words = commandWords(options.lang, context.env).cleanup;
  for (const d of report.deleted)
    writeLine(context.io.stdout, words.orphanDeleted(d.documentId.slice(0, 8), d.chunks, d.expediente));
  for (const d of report.copies)
    writeLine(
      context.io.stdout,
      words.copyDeleted(d.documentId.slice(0, 8), d.chunks, d.expediente, d.filedIn),
    );
  for (const d of report.kept)
    writeLine(context.io.stdout, words.orphanKept(d.documentId.slice(0, 8), d.chunks, d.expediente));
  writeLine(
    context.io.stdout,
    words.orphansDone(report.collection, report.deleted.length, report.kept.length, report.copies.length),
  );
  return ExitCode.Success;
}

/** `--older-than 7d`: how long ago, in milliseconds (exported for its tests). */
export function parseOlderThan(text: string): number {
  return parseDuration(text, { flag: '--older-than', example: '7d, 12h, 2w, 30m or 1y', allowZero: true });
}
