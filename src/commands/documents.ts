import { Command } from '@commander-js/extra-typings';
import { formatPatientName } from '../core/registry/patient-name.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { Patient } from '../db/schema.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { commandWords } from '../ui/i18n/command-words.js';
import {
  acceptSharedOptionsFirst,
  addBackendOptions,
  configOption,
  dbOption,
  examples,
  jsonOption,
  langOption,
  userOption,
} from './shared/options.js';

/**
 * `documents move | detach`: mends a decision after the sitting that made it. Both take the document id
 * printed by `status --files` and `patients show`, update the vectors as well as the rows, and are audited
 * with the actor and the patient before and after.
 */
export function documentsCommand(command = new Command('documents')) {
  return acceptSharedOptionsFirst(command, [dbOption(), configOption(), jsonOption(), langOption()])
    .description(
      'Correct where an ingested document went: move it to another patient, or send it back to review.',
    )
    .addHelpText(
      'after',
      examples(
        'documents move 1a2b3c4d --to 3000003799 --user jlopez',
        "documents detach 1a2b3c4d --user jlopez --reason 'the report names another patient'",
      ),
    )
    .addCommand(documentsMoveCommand())
    .addCommand(documentsDetachCommand());
}

function documentsMoveOptions() {
  return addBackendOptions(
    new Command('move')
      .summary("move a document (and its vectors) to another patient's expediente")
      .argument('<document>', 'document id, or its first characters (as `patients show` prints it)')
      .requiredOption('--to <expediente>', 'the patient it belongs to')
      .addOption(userOption('who moves it'))
      .option('--collection <name>', 'vector collection (default: the one its session was ingested into)')
      .addOption(dbOption())
      .addOption(jsonOption())
      .addOption(langOption()),
  );
}

function documentsDetachOptions() {
  return addBackendOptions(
    new Command('detach')
      .summary('take a document off its patient: its file waits for review again, in its session')
      .argument('<document>', 'document id, or its first characters (as `patients show` prints it)')
      .addOption(userOption('who detaches it'))
      .option('--reason <text>', 'why it goes back to review (the reviewer reads it there)')
      .option('--collection <name>', 'vector collection (default: the one its session was ingested into)')
      .addOption(dbOption())
      .addOption(jsonOption())
      .addOption(langOption()),
  );
}

export type DocumentsMoveOptions = ReturnType<ReturnType<typeof documentsMoveOptions>['opts']>;
export type DocumentsDetachOptions = ReturnType<ReturnType<typeof documentsDetachOptions>['opts']>;

function documentsMoveCommand() {
  return documentsMoveOptions().action(async (document, options, command) =>
    finish(command, await moveDocumentCommand(document, options, contextOf(command))),
  );
}

function documentsDetachCommand() {
  return documentsDetachOptions().action(async (document, options, command) =>
    finish(command, await detachDocumentCommand(document, options, contextOf(command))),
  );
}

export async function moveDocumentCommand(
  document: string,
  options: DocumentsMoveOptions,
  context: CommandContext,
): Promise<number> {
  const [{ currentUser }, { moveDocumentTo }] = await Promise.all([
    import('../app/current-user.js'),
    import('../app/document-changes.js'),
  ]);
  const actor = options.user?.trim() || currentUser();
  const result = await moveDocumentTo(context, context.config!, {
    document,
    expediente: options.to,
    actor,
    actorKind: options.user ? 'reviewer' : 'os_user',
    collection: options.collection,
  });
  const name = (p: Patient) => `${p.expediente} ${sanitizeForTerminal(formatPatientName(p))}`;
  if (options.json) {
    writeJson(context.io, {
      document_id: result.document.id,
      filename: result.document.filename,
      from_expediente: result.from?.expediente ?? result.document.expediente,
      to_expediente: result.to.expediente,
      chunks: result.chunks,
      chunks_remade: result.remade,
      unchanged: result.unchanged,
      filename_name: result.filenameName?.name ?? null,
      filename_names_another_person: result.filenameName?.clearlyAnotherPerson ?? false,
    });
  } else if (result.unchanged) {
    const words = commandWords(options.lang, context.env).documents;
    writeLine(
      context.io.stdout,
      words.alreadyThere(result.document.id.slice(0, 8), name(result.to), result.chunks, result.remade),
    );
  } else {
    const words = commandWords(options.lang, context.env).documents;
    writeLine(
      context.io.stdout,
      words.moved(
        result.document.id.slice(0, 8),
        sanitizeForTerminal(result.document.filename),
        result.from ? name(result.from) : result.document.expediente,
        name(result.to),
        result.chunks,
        result.remade,
      ),
    );
    if (result.filenameName?.clearlyAnotherPerson) {
      const from = result.from?.expediente ?? result.document.expediente;
      writeLine(
        context.io.stderr,
        words.namesAnotherPerson(
          sanitizeForTerminal(result.filenameName.name),
          name(result.to),
          `tecsalud-batch documents move ${result.document.id.slice(0, 8)} --to ${from}`,
        ),
      );
    }
  }
  return ExitCode.Success;
}

export async function detachDocumentCommand(
  document: string,
  options: DocumentsDetachOptions,
  context: CommandContext,
): Promise<number> {
  const [{ currentUser }, { detachDocumentById }] = await Promise.all([
    import('../app/current-user.js'),
    import('../app/document-changes.js'),
  ]);
  const actor = options.user?.trim() || currentUser();
  const result = await detachDocumentById(context, context.config!, {
    document,
    actor,
    actorKind: options.user ? 'reviewer' : 'os_user',
    collection: options.collection,
    reason: options.reason?.trim() || undefined,
  });
  if (options.json) {
    writeJson(context.io, {
      document_id: result.document.id,
      filename: result.document.filename,
      from_expediente: result.document.expediente,
      file_id: result.fileId,
      session_id: result.sessionId,
      chunks_removed: result.chunks,
    });
  } else {
    writeLine(
      context.io.stdout,
      commandWords(options.lang, context.env).documents.detached(
        result.document.id.slice(0, 8),
        sanitizeForTerminal(result.document.filename),
        result.document.expediente,
        result.chunks,
        result.sessionId.slice(0, 8),
      ),
    );
  }
  return ExitCode.Success;
}
