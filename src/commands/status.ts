import { Command } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { SessionQueueStatus } from '../app/sessions.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { configOption, dbOption, examples, jsonOption, langOption } from './shared/options.js';
import type { Messages, StatusRow } from '../ui/i18n/messages.js';
import type { BatchFile } from '../db/schema.js';
import { batchFileFlags, storedContent, toBatchFileJson, toSessionJson } from './shared/report-json.js';

export function statusCommand(command = new Command('status')) {
  return statusOptions(command).action(async (session, options, command) =>
    finish(command, await showStatus(session, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function statusOptions(command: Command) {
  return command
    .argument('[session]', 'session id or its first characters')
    .option('--files', 'list every file with its outcome')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText('after', examples('status', 'status 3f2a9c1e --files', 'status --files --lang es'));
}

/** The words of `status`, with the translation of the messages a session and its files recorded in English. */
type StatusWords = Messages['statusReport'] & { detail(message: string): string };

export type StatusOptions = ReturnType<ReturnType<typeof statusOptions>['opts']>;

export async function showStatus(
  sessionId: string | undefined,
  options: StatusOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const { readSessionStatus } = await import('../app/sessions.js');
  const { session, files, queue, deferred } = await readSessionStatus(context, sessionId, {
    files: Boolean(options.files || options.json),
  });
  if (options.json) {
    writeJson(io, {
      ...toSessionJson(session),
      deferred,
      ...(queue ? { queue: toQueueJson(queue) } : {}),
      files: files.map(toBatchFileJson),
    });
    return ExitCode.Success;
  }
  const { messagesFor, resolveLanguage } = await import('../ui/i18n/messages.js');
  const messages = messagesFor(resolveLanguage({ flag: options.lang, env: context.env }));
  const words: StatusWords = { ...messages.statusReport, detail: messages.detail };
  const s = toSessionJson(session);
  const { formatCount, formatLocalTimestamp } = await import('../ui/format.js');
  const at = (iso: string) => formatLocalTimestamp(iso, messages.lang);
  writeLine(io.stdout, words.title(s.session_id));
  const rows: [StatusRow, unknown][] = [
    ['status', words.status(s.status)],
    // The word, with the code --type takes beside it (as the status row does): 'both' alone is English.
    ['processing type', withCode(messages.processingType(s.processing_type), s.processing_type)],
    ['uploaded by', s.uploaded_by],
    ['source', s.source_dir],
    ['files', words.files(s.processed_files, s.total_files, s.failed_files)],
    ['patients', words.patients(s.matched_patients, s.created_patients)],
    ['review required', formatCount(s.review_required)],
    // A re-run's copies of content already waiting: the review is that file's (`review` of this session walks it).
    ...(s.already_waiting > 0
      ? [['already waiting', words.alreadyWaiting(s.already_waiting)] as [StatusRow, unknown]]
      : []),
    ['duplicates', formatCount(s.duplicates)],
    // Over --max-files: each such file's row says so under --files; the count says there is more to come.
    ...(deferred > 0 ? [['deferred', words.leftForNextRun(deferred)] as [StatusRow, unknown]] : []),
    ['created', at(s.created_at)],
    ['started', s.started_at ? at(s.started_at) : '—'],
    ['completed', s.completed_at ? at(s.completed_at) : '—'],
    ['processing time', s.processing_time === null ? '—' : words.seconds(s.processing_time)],
  ];
  if (queue) rows.push(...queueRows(queue, words));
  if (s.error_message) rows.push(['note', words.detail(s.error_message)]);
  for (const [row, value] of rows)
    writeLine(io.stdout, `  ${words.label(row).padEnd(16)} ${sanitizeForTerminal(String(value))}`);
  if (options.files) {
    writeLine(io.stdout, '');
    const more = (line: string) => `\n  ${''.padEnd(22)} ↳ ${sanitizeForTerminal(line)}`;
    for (const f of files) {
      const flags = batchFileFlags(f);
      writeLine(
        io.stdout,
        `  ${words.fileOutcome(f.outcome ?? f.processingStatus).padEnd(22)} ${sanitizeForTerminal(f.relativePath)}` +
          // The id `documents move` / `documents detach` take; a rejected file's id is what `review --reopen` takes.
          (f.documentId
            ? `  doc ${f.documentId.slice(0, 8)}`
            : f.matchingStatus === 'rejected'
              ? `  file ${f.id.slice(0, 8)}`
              : '') +
          (flags.length > 0 ? `  ⚑ ${flags.map(words.flag).join(', ')}` : '') +
          (f.errorMessage ? more(words.detail(f.errorMessage)) : '') +
          (f.ocrEngine
            ? more(words.ocr(f.ocrEngine, f.ocrPages ?? 0, f.ocrConfidence, Boolean(f.lowOcrConfidence)))
            : '') +
          contentLines(f, words).map(more).join('') +
          (f.moveError ? more(words.notMoved(words.detail(f.moveError))) : ''),
      );
    }
  }
  return ExitCode.Success;
}

/** A word and its code, once when they are the same. */
function withCode(words: string, code: string): string {
  return words === code ? code : `${words} (${code})`;
}

/** A queue session's workers and jobs, as `status` prints them. */
function queueRows(queue: SessionQueueStatus, words: StatusWords): [StatusRow, unknown][] {
  const running = queue.workers.filter((w) => w.running);
  const named = queue.workers
    .slice(0, 5)
    .map(
      (w) =>
        `${w.worker.host}:${w.worker.pid} ${words.worker(w.files, w.gone ? 'gone' : w.running ? 'running' : 'stopped')}`,
    )
    .join(', ');
  const rows: [StatusRow, unknown][] = [
    ['workers', `${words.workers(queue.workers.length, running.length)}${named ? ` — ${named}` : ''}`],
  ];
  if (queue.jobs) {
    const j = queue.jobs;
    rows.push(['jobs', words.jobs(j.queued, j.active, j.done, j.failed)]);
  }
  if (queue.attention) rows.push(['attention', words.detail(queue.attention)]);
  return rows;
}

function toQueueJson(queue: SessionQueueStatus) {
  return {
    workers: queue.workers.map((w) => ({
      id: w.worker.id,
      host: w.worker.host,
      pid: w.worker.pid,
      version: w.worker.version,
      files: w.files,
      running: w.running,
      gone: w.gone,
      last_seen_at: w.worker.lastSeenAt,
    })),
    jobs: queue.jobs && {
      queued: queue.jobs.queued,
      active: queue.jobs.active,
      done: queue.jobs.done,
      failed: queue.jobs.failed,
      active_until: queue.jobs.activeUntil,
    },
    attention: queue.attention,
  };
}

/**
 * For a content_mismatch: whom the document names, and why it was held (issue 15). For a content_confirmed:
 * that the document's own expediente chose the patient, and what the filename said.
 */
function contentLines(file: BatchFile, words: StatusWords): string[] {
  const content = storedContent(file);
  if (content?.verdict === 'confirmed' && content.content_patient !== null) {
    const chosen = content.content_patient;
    return [words.contentConfirmed(chosen.expediente, chosen.nombre_completo, file.expediente)];
  }
  if (content === null || content.verdict !== 'contradicts' || file.matchingStatus !== 'review_required')
    return [];
  const { identity } = content;
  const named = [identity.nombre_escrito, identity.expediente && `expediente ${identity.expediente}`]
    .filter(Boolean)
    .join(', ');
  // A document that states only a birth date or a sex names nobody: say what it states.
  return [
    named
      ? words.contentNames(named)
      : words.contentStates({ birthDate: identity.fecha_nacimiento ?? null, sex: identity.sexo ?? null }),
    ...content.reasons.filter((reason) => !reason.startsWith("the filename's decision")).map(words.detail),
  ];
}
