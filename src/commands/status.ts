import { Command } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { SessionQueueStatus } from '../app/sessions.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { configOption, dbOption, examples, jsonOption } from './shared/options.js';
import type { BatchFile } from '../db/schema.js';
import { batchFileFlags, storedContent, toBatchFileJson, toSessionJson } from './shared/report-json.js';

export function statusCommand(command = new Command('status')) {
  return statusOptions(command).action(async (session, options, command) => finish(command, await showStatus(session, options, contextOf(command))));
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function statusOptions(command: Command) {
  return command
    .argument('[session]', 'session id or its first characters')
    .option('--files', 'list every file with its outcome')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addHelpText('after', examples('status', 'status 3f2a9c1e --files'));
}

export type StatusOptions = ReturnType<ReturnType<typeof statusOptions>['opts']>;

export async function showStatus(
  sessionId: string | undefined,
  options: StatusOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const { readSessionStatus } = await import('../app/sessions.js');
  const { session, files, queue } = await readSessionStatus(context, sessionId, {
    files: Boolean(options.files || options.json),
  });
  if (options.json) {
    writeJson(io, {
      ...toSessionJson(session),
      ...(queue ? { queue: toQueueJson(queue) } : {}),
      files: files.map(toBatchFileJson),
    });
    return ExitCode.Success;
  }
  const s = toSessionJson(session);
  writeLine(io.stdout, `Session ${s.session_id}`);
  const rows: [string, unknown][] = [
    ['status', s.status],
    ['processing type', s.processing_type],
    ['uploaded by', s.uploaded_by],
    ['source', s.source_dir],
    ['files', `${s.processed_files}/${s.total_files} processed, ${s.failed_files} failed`],
    ['patients', `${s.matched_patients} matched, ${s.created_patients} created`],
    ['review required', s.review_required],
    ['duplicates', s.duplicates],
    ['created', s.created_at],
    ['started', s.started_at ?? '—'],
    ['completed', s.completed_at ?? '—'],
    ['processing time', s.processing_time === null ? '—' : `${s.processing_time} s`],
  ];
  if (queue) rows.push(...queueRows(queue));
  if (s.error_message) rows.push(['note', s.error_message]);
  for (const [label, value] of rows)
    writeLine(io.stdout, `  ${label.padEnd(16)} ${sanitizeForTerminal(String(value))}`);
  if (options.files) {
    writeLine(io.stdout, '');
    for (const f of files) {
      const flags = batchFileFlags(f);
      writeLine(
        io.stdout,
        `  ${(f.outcome ?? f.processingStatus).padEnd(22)} ${sanitizeForTerminal(f.relativePath)}` +
          // The id `documents move` / `documents detach` take; a rejected file's id is what `review --reopen` takes.
          (f.documentId ? `  doc ${f.documentId.slice(0, 8)}` : f.matchingStatus === 'rejected' ? `  file ${f.id.slice(0, 8)}` : '') +
          (flags.length > 0 ? `  ⚑ ${flags.join(', ')}` : '') +
          (f.errorMessage ? `\n  ${''.padEnd(22)} ↳ ${sanitizeForTerminal(f.errorMessage)}` : '') +
          (f.ocrEngine ? `\n  ${''.padEnd(22)} ↳ ${describeOcr(f)}` : '') +
          contentLines(f).map((line) => `\n  ${''.padEnd(22)} ↳ ${sanitizeForTerminal(line)}`).join('') +
          (f.moveError ? `\n  ${''.padEnd(22)} ↳ not moved: ${sanitizeForTerminal(f.moveError)}` : ''),
      );
    }
  }
  return ExitCode.Success;
}

/** A queue session's workers and jobs, as `status` prints them. */
function queueRows(queue: SessionQueueStatus): [string, unknown][] {
  const running = queue.workers.filter((w) => w.running);
  const named = queue.workers
    .slice(0, 5)
    .map(
      (w) =>
        `${w.worker.host}:${w.worker.pid} ${w.files} file${w.files === 1 ? '' : 's'}` +
        (w.gone ? ' (gone without stopping)' : w.running ? '' : ' (stopped)'),
    )
    .join(', ');
  const rows: [string, unknown][] = [
    ['workers', `${queue.workers.length} seen, ${running.length} running${named ? ` — ${named}` : ''}`],
  ];
  if (queue.jobs) {
    const j = queue.jobs;
    rows.push(['jobs', `${j.queued} queued, ${j.active} active, ${j.done} done, ${j.failed} failed`]);
  }
  if (queue.attention) rows.push(['attention', queue.attention]);
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

/** For a content_mismatch: whom the document names, and why it was held (issue 15). */
function contentLines(file: BatchFile): string[] {
  const content = storedContent(file);
  if (content === null || content.verdict !== 'contradicts' || file.matchingStatus !== 'review_required')
    return [];
  const { identity } = content;
  const named = [identity.nombre_escrito, identity.expediente && `expediente ${identity.expediente}`]
    .filter(Boolean)
    .join(', ');
  // A document that states only a birth date or a sex names nobody: say what it states.
  const stated = [identity.fecha_nacimiento && `birth date ${identity.fecha_nacimiento}`, identity.sexo && `sex ${identity.sexo}`]
    .filter(Boolean)
    .join(', ');
  return [
    named ? `content_mismatch: the document names ${named}` : `content_mismatch: the document states ${stated || 'another patient'}`,
    ...content.reasons.filter((reason) => !reason.startsWith("the filename's decision")),
  ];
}

function describeOcr(file: BatchFile): string {
  const pages = `${file.ocrPages ?? 0} page${file.ocrPages === 1 ? '' : 's'}`;
  const confidence =
    file.ocrConfidence === null ? 'no words read' : `mean word confidence ${file.ocrConfidence.toFixed(2)}`;
  const low = file.lowOcrConfidence ? ': low, check the text against the scan' : '';
  return `OCR (${file.ocrEngine}) read ${pages}, ${confidence}${low}`;
}
