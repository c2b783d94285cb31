import { Command } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { configOption, dbOption, examples, jsonOption } from './shared/options.js';
import { toBatchFileJson, toSessionJson } from './shared/report-json.js';

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
  const { session, files } = await readSessionStatus(context, sessionId, {
    files: Boolean(options.files || options.json),
  });
  if (options.json) {
    writeJson(io, { ...toSessionJson(session), files: files.map(toBatchFileJson) });
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
  if (s.error_message) rows.push(['note', s.error_message]);
  for (const [label, value] of rows)
    writeLine(io.stdout, `  ${label.padEnd(16)} ${sanitizeForTerminal(String(value))}`);
  if (options.files) {
    writeLine(io.stdout, '');
    for (const f of files) {
      writeLine(
        io.stdout,
        `  ${(f.outcome ?? f.processingStatus).padEnd(22)} ${sanitizeForTerminal(f.relativePath)}` +
          // The id `documents move` / `documents detach` take; a rejected file's id is what `review --reopen` takes.
          (f.documentId ? `  doc ${f.documentId.slice(0, 8)}` : f.matchingStatus === 'rejected' ? `  file ${f.id.slice(0, 8)}` : '') +
          (f.errorMessage ? `\n  ${''.padEnd(22)} ↳ ${sanitizeForTerminal(f.errorMessage)}` : ''),
      );
    }
  }
  return ExitCode.Success;
}
