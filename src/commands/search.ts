import { Command, Option } from '@commander-js/extra-typings';
import { DOCUMENT_TYPE_BY_CODE, documentTypeNamed } from '../core/filename/document-types.js';
import { DOCUMENT_TYPES } from '../core/filename/types.js';
import { isExpediente } from '../core/registry/registry-row.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { readNumberSetting } from '../config/number-setting.js';
import { ExitCode, UsageError } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { commandWords, commandWordsFor } from '../ui/i18n/command-words.js';
import { resolveLanguage } from '../ui/i18n/language.js';
import type { ChunksElsewhere } from '../app/search-chunks.js';
import { addBackendOptions, dbOption, examples, jsonOption, langOption } from './shared/options.js';

export function searchCommand(command = new Command('search')) {
  return searchOptions(command).action(async (text, options, command) =>
    finish(command, await searchDocuments(text, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function searchOptions(command: Command) {
  const declared = command
    .argument('<text>', 'what to look for')
    .option('--patient <expediente>', "only this patient's documents")
    .option(
      '--type <document-type>',
      'only this document type (consultation, lab_results, …, or a filename code: CONS, LAB, RX…)',
    )
    .addOption(new Option('-k, --limit <n>', 'how many chunks').default('5'))
    .option('--collection <name>', 'vector collection (default medical_documents)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      examples('search "biometría hemática"', 'search "dolor abdominal" --patient 3000003799 -k 3 --json'),
    );
  return addBackendOptions(declared);
}

export type SearchOptions = ReturnType<ReturnType<typeof searchOptions>['opts']>;

/** Nearest chunks to the query text, with the same embedder that filled the collection. */
export async function searchDocuments(
  text: string,
  options: SearchOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const k = readNumberSetting(options.limit, '--limit', { kind: 'whole', min: 1, max: 100 });
  if (!text.trim()) throw new UsageError('give the text to search for');
  // A filename's code (LAB, RX) names its type as well as the type's own name does.
  const documentType = options.type === undefined ? undefined : documentTypeNamed(options.type);
  if (documentType === null) {
    throw new UsageError(
      `--type must be one of ${DOCUMENT_TYPES.join(', ')}, or a filename's type code (${[...DOCUMENT_TYPE_BY_CODE.keys()].join(', ')})`,
    );
  }
  const expediente = options.patient?.trim();
  if (expediente !== undefined && !isExpediente(expediente)) {
    throw new UsageError(
      `--patient takes an expediente (8 to 12 digits), not '${sanitizeForTerminal(expediente)}'`,
    );
  }
  const { searchChunks } = await import('../app/search-chunks.js');
  const { hits, leftOut, outOfLine } = await searchChunks(context, context.config!, {
    text,
    k,
    expediente,
    documentType,
  });
  if (options.json) {
    writeJson(io, {
      query: text,
      // `patient` and `filename` are the registry's now; `metadata` is what the chunk carries in the vector store.
      results: hits.map((h) => ({
        id: h.id,
        distance: h.distance,
        patient: {
          id: h.registry.patientId,
          expediente: h.registry.expediente,
          name: h.registry.patientName,
        },
        filename: h.registry.filename,
        metadata: h.metadata,
        text: h.document,
      })),
      // Found but not shown: the registry files these documents elsewhere, or holds them no more.
      left_out: leftOut.map(chunksElsewhereJson),
      // Shown as the registry files them, though their chunks name another expediente.
      out_of_line: outOfLine.map(chunksElsewhereJson),
    });
    return ExitCode.Success;
  }
  const leftOutWords = commandWords(options.lang, context.env).search;
  for (const document of leftOut) {
    const id = document.documentId.slice(0, 8);
    const vectorExpediente = sanitizeForTerminal(document.vectorExpediente);
    writeLine(
      io.stderr,
      document.registryExpediente === null
        ? leftOutWords.leftOutGone(id, document.chunks, vectorExpediente)
        : leftOutWords.leftOutElsewhere(id, document.chunks, vectorExpediente, document.registryExpediente),
    );
  }
  for (const document of outOfLine) {
    const id = document.documentId.slice(0, 8);
    const vectorExpediente = sanitizeForTerminal(document.vectorExpediente);
    writeLine(
      io.stderr,
      leftOutWords.outOfLine(id, document.chunks, vectorExpediente, document.registryExpediente!),
    );
  }
  if (hits.length === 0) {
    writeLine(io.stdout, commandWords(options.lang, context.env).search.none);
  } else {
    const lang = resolveLanguage({ flag: options.lang, env: context.env });
    const words = commandWordsFor(lang).search;
    const { documentType } = (await import('../ui/i18n/messages.js')).messagesFor(lang);
    hits.forEach((hit, i) => {
      const m = hit.metadata;
      const shown = hit.registry;
      writeLine(
        io.stdout,
        words.hit({
          rank: i + 1,
          file: sanitizeForTerminal(shown.filename),
          expediente: shown.expediente,
          patientName: sanitizeForTerminal(shown.patientName),
          filenameExpediente: shown.filenameExpediente,
          type: sanitizeForTerminal(String(m.document_type)),
          typeWords: sanitizeForTerminal(documentType(String(m.document_type))),
          chunk: Number(m.chunk_index) + 1,
          chunks: m.total_chunks,
          distance: hit.distance.toFixed(3),
        }),
      );
      const excerpt = hit.document.replace(/\s+/g, ' ').slice(0, 240);
      writeLine(io.stdout, `   ${sanitizeForTerminal(excerpt)}${hit.document.length > 240 ? '…' : ''}`);
    });
    writeLine(io.stdout, words.distanceNote);
  }
  return ExitCode.Success;
}

function chunksElsewhereJson(document: ChunksElsewhere) {
  return {
    document_id: document.documentId,
    chunks: document.chunks,
    vector_expediente: document.vectorExpediente,
    registry_expediente: document.registryExpediente,
  };
}
