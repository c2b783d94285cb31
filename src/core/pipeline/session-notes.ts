import { formatLocalTimestamp } from '../text/local-timestamp.js';
import type { MessageClient } from './already-ingested.js';
import { quoteForShell } from '../text/quote-for-shell.js';

/**
 * What a session's note (`error_message`) says when it did not simply complete: why, and what to run next.
 * Worded once here, in English (the `--json` report and the logs are read by programs); the screens put each
 * sentence in Spanish (ui/i18n/file-details-es), so a new one needs its rule there, which the tests check.
 */

/** The run whose lock a session's folder holds: who, where, since when. */
export interface RunHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** Ctrl-C, SIGTERM: the run stopped taking files and finished those in flight. */
export const INTERRUPTED_NOTE =
  'interrupted: files not yet started stay pending; run the same command again to finish them in this session';

/** A second Ctrl-C: the process ended at once, its files in flight left for the next run. */
export const STOPPED_AT_ONCE_NOTE =
  'interrupted: stopped at once by a second Ctrl-C; run the same command again to finish its files';

/**
 * What an API session's client can do about its files not done: process the session again (its process call), once
 * the service is back when one was down. "The next run" is the command line's; a client runs nothing.
 */
export function apiFilesNotDone(serviceDown: boolean): string {
  return `its files not done stay pending: process it again${serviceDown ? ' once the service is back' : ''}`;
}

/**
 * A run stopped by what it could not go on without (a backend down, the database gone): `reason` says what, and
 * the reader what comes of the files not done (`client`: who reads the note; an API session's is its client).
 */
export function stoppedNote(reason: string, serviceDown: boolean, client: MessageClient = 'cli'): string {
  if (client === 'api') return `stopped: ${reason}; ${apiFilesNotDone(serviceDown)}`;
  return `stopped: ${reason}${serviceDown ? '; the files not done stay for the next run' : ''}`;
}

/**
 * A file a stopped run left unfinished, as its report lists it (`interrupted`, pending): why, and what finishes it.
 * The command line's reader runs the same command again; an API session's client processes the session again.
 */
export function unfinishedFileNote(
  why: 'interrupted' | 'stopped' | 'enqueue_interrupted',
  client: MessageClient = 'cli',
): string {
  if (client === 'api')
    return `not finished: the run stopped before this file was done; ${apiFilesNotDone(why === 'stopped')}`;
  // Queued or not, none of its files is a worker's until the same command has queued the rest.
  if (why === 'enqueue_interrupted')
    return (
      'not finished: the enqueue was interrupted (Ctrl-C) and workers take none of its files until the session is ' +
      'queued whole; it stays pending: run the same `tecsalud-batch ingest DIR --enqueue` again (no file is queued twice)'
    );
  return why === 'interrupted'
    ? 'not finished: the run was interrupted (Ctrl-C, SIGTERM) before this file was done; it stays pending: run the same command again to finish it in this session'
    : 'not finished: the run stopped before this file was done; it stays pending for the next run';
}

/** How enqueueInterruptedNote begins: isEnqueueInterruptedNote knows a session's note by it. */
const ENQUEUE_INTERRUPTED = 'enqueue interrupted (Ctrl-C): ';

/** Whether a session's note is enqueueInterruptedNote's. */
export function isEnqueueInterruptedNote(note: string | null): boolean {
  return note !== null && note.startsWith(ENQUEUE_INTERRUPTED);
}

/** `ingest --enqueue` stopped by Ctrl-C before every file had its job. */
export function enqueueInterruptedNote(filesLeft: number): string {
  return (
    `${ENQUEUE_INTERRUPTED}${filesLeft} file${filesLeft === 1 ? '' : 's'} not queued; run the same ` +
    '`tecsalud-batch ingest DIR --enqueue` again to queue them (no file is queued twice)'
  );
}

/**
 * The database a note's command names, after the folder: the SQLite file the session is in (absolute), so that
 * the command run from another folder, or a shell without the cron line's TECSALUD_DB, resumes this session
 * instead of starting an empty registry in the working folder. None for PostgreSQL: its URL may hold a password.
 */
function onDatabase(sqlitePath: string | undefined): string {
  return sqlitePath === undefined ? '' : ` --db ${quoteForShell(sqlitePath)}`;
}

/** A session still recorded as running whose run is gone (`kill -9`, a crash, a reboot); `holder` when known. */
export function runGoneNote(sourceDir: string, holder: RunHolder | undefined, sqlitePath?: string): string {
  const run = holder
    ? `the run that was processing it (pid ${holder.pid} on ${holder.host}, started ${formatLocalTimestamp(holder.startedAt, 'en')})`
    : 'the run that was processing it';
  return (
    `interrupted: ${run} is no longer running (killed, crashed, or its machine went down); the files it did not ` +
    `finish stay pending: \`tecsalud-batch ingest ${quoteForShell(sourceDir)}${onDatabase(sqlitePath)}\` resumes it`
  );
}

/** A session whose folder's lock was taken on another host: this machine cannot tell whether that run goes on. */
export function runOnAnotherHostNote(sourceDir: string, holder: RunHolder, sqlitePath?: string): string {
  const folder = quoteForShell(sourceDir) + onDatabase(sqlitePath);
  return (
    `run on another host: ${holder.host} (pid ${holder.pid}, started ${formatLocalTimestamp(holder.startedAt, 'en')}) ` +
    `holds the folder's run lock, and this machine cannot tell whether that run goes on; if ${holder.host} is gone, ` +
    `\`tecsalud-batch unlock ${folder} --force\`, then \`tecsalud-batch ingest ${folder}\` resumes it`
  );
}
