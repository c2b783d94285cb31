import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { finished, Readable } from 'node:stream';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeChildExit } from '../../src/adapters/extraction/describe-child-exit.js';
import { describeFailure } from '../../src/adapters/extraction/describe-failure.js';
import { classifyPdftotextFailure } from '../../src/adapters/extraction/classify-pdftotext-exit.js';
import { findDamagedFlateStream } from '../../src/adapters/extraction/damaged-streams.js';
import { extractWithPdftotext } from '../../src/adapters/extraction/pdftotext-worker.js';
import type { ExtractionFailure } from '../../src/adapters/extraction/types.js';
import { createOpenAiEmbedder } from '../../src/adapters/embedders/openai/openai-embedder.js';
import { planRequests } from '../../src/adapters/embedders/openai/plan-requests.js';
import { mergeOcrText, planOcr, unreadScansWithoutOcr } from '../../src/adapters/ocr/plan-ocr.js';
import { IncompatibleCollectionError } from '../../src/adapters/vector-stores/incompatible-collection-error.js';
import { validateDocumentVectors } from '../../src/adapters/vector-stores/validate-record.js';
import type { VectorStore } from '../../src/adapters/vector-stores/types.js';
import { parseFilename } from '../../src/core/filename/parse-filename.js';
import { parsePersonName } from '../../src/core/filename/parse-person-name.js';
import { checkPdfFile } from '../../src/core/pipeline/check-pdf-file.js';
import {
  abandonedTransfer,
  keptChanging,
  renamedByTransfer,
  stillBeingWritten,
  transferUnderWay,
} from '../../src/core/pipeline/still-being-written.js';
import { FILE_OUTCOMES, type FileOutcome } from '../../src/core/pipeline/file-outcome.js';
import type { ParsedFilename } from '../../src/core/filename/types.js';
import type { Patient } from '../../src/db/schema.js';
import { prepareDocument, writeFiles, type StoreDocumentInput } from '../../src/documents/store-document.js';
import {
  interruptedFileMessage,
  moveDocumentAdvice,
  reopenRejectedAdvice,
  setAsideCopyAdvice,
  settleReviewKnowingBothAdvice,
  settleTakenBackAdvice,
} from '../../src/core/pipeline/client-advice.js';
import { alreadyWaitingForReview } from '../../src/ingest/settle-known-files.js';
import { createSqliteTestDatabase } from '../support/databases.js';
import { rejectedInReviewMessage } from '../../src/review/review-service.js';
import {
  deferredMessage,
  otherPatientsCopy,
  setAsideWithMessage,
  sharesReviewMessage,
  takenBackReason,
  takenBackWithMessage,
} from '../../src/ingest/file-processor.js';
import {
  FileNoLongerThere,
  FileStillBeingWritten,
  moveWithoutOverwrite,
  NameNotUtf8,
  NotRegularFile,
} from '../../src/ingest/move-file.js';
import { notMovedMessage } from '../../src/ingest/run-ingest.js';
import { alreadyIngestedMessage } from '../../src/core/pipeline/already-ingested.js';
import {
  enqueueInterruptedNote,
  INTERRUPTED_NOTE,
  runGoneNote,
  runOnAnotherHostNote,
  STOPPED_AT_ONCE_NOTE,
  stoppedNote,
  unfinishedFileNote,
} from '../../src/core/pipeline/session-notes.js';
import { formatLocalTimestamp } from '../../src/core/text/local-timestamp.js';
import { PIPE_WITHOUT_READER } from '../../src/ingest/log-pipe-without-reader.js';
import { FILE_DETAIL_RULES, type DetailContext } from '../../src/ui/i18n/file-details-es.js';
import { EN, ES, ES_OUTCOMES } from '../../src/ui/i18n/messages.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import {
  createWorkspace,
  FIXTURES,
  importSampleRegistry,
  ingestJson,
  type Workspace,
} from '../support/ingest-fixture.js';
import { createTempDir } from '../support/databases.js';
import { DropFileReader, unreadableError } from '../../src/ingest/read-drop-file.js';
import { notFoundMessage } from '../../src/app/no-file-at-path.js';
import { closedPort } from '../support/tcp-faults.js';

/** Words that give an English sentence away (none is a Spanish word). */
const ENGLISH =
  /\b(the|and|was|is|are|not|could|cannot|with|for|from|of|to|this|that|which|its|it|file|needs?|read|failed|empty|found|expected|missing|name|run|again|check|after|before|over|by|on|in|has|have|must|only|digits|held|ingested|already|same|waiting|unchanged|stopped|page|pages|layer|attempts?|took|longer|damaged|while)\b/i;

/**
 * The first English word left in `spanish`, outside what is kept verbatim: the `keep` parts, quoted text,
 * commands and options, and any parenthesis the English message had that the Spanish repeats (a library's
 * own error, such as pdf.js's "No password given").
 */
function leftoverEnglish(spanish: string, english: string, keep: readonly string[]): string | null {
  let rest = spanish;
  for (const part of keep) rest = rest.split(part).join(' ');
  rest = rest.replace(/'[^']*'|"[^"]*"|`[^`]*`|--[\w-]+/g, ' ');
  for (const [paren] of english.matchAll(/\([^()]*\)/g)) rest = rest.split(paren).join(' ');
  return rest.match(ENGLISH)?.[0] ?? null;
}

/** Asserts the Spanish of a real message: translated, no English left, its variable parts intact. */
function expectSpanish(english: string, keep: readonly string[] = []): string {
  const spanish = ES.detail(english);
  expect(spanish, english).not.toBe(english);
  expect(leftoverEnglish(spanish, english, keep), `${english}\n→ ${spanish}`).toBeNull();
  for (const part of keep) expect(spanish, `${english}: keeps ${part}`).toContain(part);
  // The English screens show the message exactly as the core wrote it.
  expect(EN.detail(english)).toBe(english);
  return spanish;
}

/** Every message the tests produced, to find one for each rule. */
const produced: string[] = [];
const remember = (message: string) => (produced.push(message), message);

/** The quoted values and numbers of a filename message: they must reach the Spanish unchanged. */
const variableParts = (message: string) => [...message.matchAll(/'[^']*'|\d+/g)].map(([part]) => part);

const parseError = (filename: string) => {
  const result = parseFilename(filename);
  if (result.ok) throw new Error(`${filename} parses`);
  return remember(result.error.message);
};

const nameError = (name: string) => {
  const result = parsePersonName(name);
  if (result.ok) throw new Error(`${name} parses`);
  return remember(result.message);
};

const failure = (result: ExtractionFailure | { ok: true } | undefined) => {
  if (!result || result.ok) throw new Error('expected a failure');
  return remember(result.message);
};

describe('the Spanish of per-file details', () => {
  it('translates every message of the filename parser, keeping the quoted parts and the numbers', () => {
    const filenames = [
      '',
      '.pdf',
      '3000003799_GARZA, MARIA_CONS.pdf.pdf',
      'GARZA TIJERINA MARIA.pdf',
      '3000003799__CONS.pdf',
      '3000003799_GARZA, MARIA__CONS.pdf',
      'GARZA TIJERINA, MARIA',
      '3000003799_GARZA, MARIA_CONS.docx',
      '_GARZA, MARIA_CONS.pdf',
      '12345_GARZA, MARIA_CONS.pdf',
      '1_GARZA, MARIA_CONS.pdf',
      'GARZA, MARIA_3000003799_CONS.pdf',
      'ABC12345_GARZA, MARIA_CONS.pdf',
      '3000-003799_GARZA, MARIA_CONS.pdf',
      '3000 003799_GARZA, MARIA_CONS.pdf',
      '3000003799_GARZA_TIJERINA, MARIA_CONS.pdf',
      '3000003799_CONS.pdf',
      '3000003799_GARZA TIJERINA_MARIA ESTHER_6001467010_CONS.pdf',
      '3000003799_GARZA TIJERINA_CONS.pdf',
      '3000003799_GARZA, MARIA.pdf',
      '3000003799_GARZA, MARIA_.pdf',
      '3000003799_GARZA, MARIA_6001467010.pdf',
      '3000003799_GARZA, MARIA_CO-NS.pdf',
      '3000003799_GARZA, MARIA_CONS (1).pdf',
      '3000003799_GARZA, MARIA_6001467010_LAB - copia.pdf',
      '3000003799_GARZA, MARIA_CONS_6001467010.pdf',
      '3000003799_GARZA, MARIA_CONS_LAB.pdf',
      '3000003799_GARZA, MARIA_ESTHER_CONS.pdf',
      '3000003799_GARZA, MARIA_12A4_CONS.pdf',
      '3000003799_GARZA, MARIA_12-34_CONS.pdf',
      '3000003799_GARZA, MARIA_ESTHER_LOPEZ_CONS.pdf',
      '3000003799_GARZA, MARIA_1_2_CONS.pdf',
      '3000003799_GARZA\u0007 TIJERINA, MARIA_CONS.pdf',
      '.3000003799_GARZA, MARIA_CONS.pdf',
      '._3000003799_GARZA, MARIA_CONS.pdf',
      '.DS_Store',
      '3000003799_N\uFFFD\uFFFDEZ, MARIA_CONS.pdf',
    ];
    const names = [
      '',
      'GARZA2, MARIA',
      'GARZA_X, MARIA',
      'GARZA!, MARIA',
      'GARZA',
      'GARZA, MARIA, X',
      ', MARIA',
      'GARZA,',
      'GARZA - TIJERINA, MARIA',
    ];
    const messages = [...filenames.map(parseError), ...names.map(nameError)];
    expect(new Set(messages).size).toBeGreaterThanOrEqual(36);
    for (const message of messages) expectSpanish(message, variableParts(message));
    expect(ES.detail(parseError('3000 003799_GARZA, MARIA_CONS.pdf'))).toContain('(un espacio)');
    expect(ES.detail(parseError('3000003799_GARZA\u0007 TIJERINA, MARIA_CONS.pdf'))).toContain('(U+0007)');
    expect(ES.detail(parseError('3000003799_GARZA TIJERINA_MARIA ESTHER_6001467010_CONS.pdf'))).toBe(
      "falta la coma entre los apellidos y los nombres en 'GARZA TIJERINA'; si 'MARIA ESTHER' después del '_' son " +
        "los nombres, escriba 'GARZA TIJERINA, MARIA ESTHER'",
    );
  });

  it('translates the checks made before a file is read', () => {
    const check = (filename: string, size: number, head = '%PDF-1.7') =>
      remember(
        checkPdfFile({ filename, size, head: Buffer.from(head) }, { maxFileSize: 1024 * 1024 })!.message,
      );
    expectSpanish(check('a.txt', 10));
    expectSpanish(check('a.pdf', 0), ['0 bytes']);
    expect(expectSpanish(check('a.pdf', 5 * 1024 * 1024), ['5.0 MB', '1.0 MB'])).toBe(
      'el archivo pesa 5.0 MB, más que el límite de 1.0 MB (súbalo con --max-file-size)',
    );
    expectSpanish(check('a.pdf', 10, 'hello'));
    expectSpanish(remember(deferredMessage(25)), ['25']);
    expect(deferredMessage(1)).toMatch(/^over the limit of 1 file that needs work per session/);
    expect(expectSpanish(remember(deferredMessage(1)), ['1'])).toMatch(
      /^supera el límite de 1 archivo por procesar/,
    );
  });

  it('translates why a link to a named pipe was not opened', async () => {
    const dir = createTempDir('tecsalud-pipe-');
    try {
      execFileSync('mkfifo', [path.join(dir, 'pipe')]);
      const reader = new DropFileReader({ maxFileSize: 1024 * 1024 });
      const error = await reader.readHead(path.join(dir, 'pipe'), 1024).catch((e: unknown) => e);
      expect(expectSpanish(remember(unreadableError(error).message))).toBe(
        'no se puede leer el archivo: es una tubería con nombre (FIFO), no un archivo común: no se abrió ' +
          '(ponga el PDF mismo en la carpeta)',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('translates why match judged a path by its name alone', () => {
    expect(expectSpanish(remember(notFoundMessage('entrada/a.pdf')))).toBe(
      "no hay ningún archivo en 'entrada/a.pdf': se juzgó solo el nombre del archivo (revise la ruta)",
    );
  });

  it('translates why a file still being copied in was left for the next run', () => {
    const clock = { nowMs: 1_000_000, windowMs: 60_000 };
    const why = (facts: Parameters<typeof stillBeingWritten>[0]) =>
      remember(stillBeingWritten(facts, clock)!);
    expect(
      expectSpanish(why({ before: { size: 2000, mtimeMs: 1 }, now: { size: 4096, mtimeMs: 2 } }), [
        '2000',
        '4096',
      ]),
    ).toBe(
      'cambió mientras la ejecución lo leía (2000 bytes, luego 4096): todavía se está escribiendo; queda para la siguiente ejecución',
    );
    expectSpanish(why({ before: { size: 2000, mtimeMs: 1 }, now: { size: 2000, mtimeMs: 2 } }));
    expect(
      expectSpanish(why({ before: null, now: { size: 2000, mtimeMs: 997_000 }, endsWhole: false }), [
        '3 s',
        '60 s',
      ]),
    ).toBe(
      'modificado hace 3 s y todavía no es un PDF completo (sin %%EOF al final): todavía se está escribiendo; queda ' +
        'para la siguiente ejecución (un archivo sin cambios durante 60 s se lee tal como está)',
    );
    expect(
      expectSpanish(remember(transferUnderWay('a.pdf.filepart', 995_000, clock)!), ["'.filepart'", '5 s']),
    ).toBe(
      "nombrado como una transferencia aún en curso ('.filepart') y modificado hace 5 s: queda para la siguiente " +
        'ejecución, que toma el archivo con su nombre definitivo',
    );
    expect(expectSpanish(remember(renamedByTransfer('urgencias/a.pdf', true)), ["'urgencias/a.pdf'"])).toBe(
      "renombrado a 'urgencias/a.pdf' al terminar su transferencia: no se perdió nada; ese archivo se procesa con su propio nombre",
    );
    const last = transferUnderWay('a.pdf.filepart', 995_000, clock)!;
    expect(expectSpanish(remember(keptChanging(600_000, 60, last)), ['10 min', '60'])).toMatch(
      /^siguió cambiando durante 10 min, todavía escribiéndose en cada una de 60 revisiones \(la última: nombrado como una transferencia aún en curso/,
    );
    expect(
      expectSpanish(remember(abandonedTransfer('a.pdf.filepart', 0, 7_200_000)!), [
        "'.filepart'",
        '120 min',
        "'a.pdf'",
      ]),
    ).toBe(
      "nombrado como una transferencia en curso ('.filepart') y sin cambios desde hace 120 min: la transferencia parece " +
        "abandonada (cancelada o cortada) y su herramienta no le cambiará el nombre; envíe el archivo de nuevo, o cámbiele el nombre a 'a.pdf' si está completo",
    );
    expect(expectSpanish(remember(renamedByTransfer('a.pdf', false)), ["'a.pdf'"])).toBe(
      "renombrado a 'a.pdf' al terminar su transferencia: no se perdió nada; la siguiente `ingest --enqueue` de la carpeta lo pone en la cola con ese nombre",
    );
  });

  it('translates why a file whose name is not UTF-8 stays in the drop folder', () => {
    const spanish = (why: 'ambiguous' | 'gone') =>
      expectSpanish(
        remember(
          notMovedMessage('invalid_name', '--quarantine-dir', '/srv/cuarentena', new NameNotUtf8(why)),
        ),
        ['/srv/cuarentena', 'convmv -f latin1 -t utf8 --notest FILE'],
      );
    expect(spanish('ambiguous')).toBe(
      'el nombre del archivo no sigue el formato de TecSalud, pero no se movió a --quarantine-dir /srv/cuarentena: su ' +
        'nombre no es UTF-8 válido y otro archivo de su carpeta se muestra con el mismo nombre, así que no se pueden ' +
        'distinguir; se queda en la carpeta de entrada: cámbiele el nombre a UTF-8 (p. ej. convmv -f latin1 -t utf8 --notest FILE)',
    );
    expect(spanish('gone')).toContain('ya no hay en su carpeta un archivo con ese nombre');
  });

  it('translates every other reason a file stays in the drop folder, keeping paths and system errors', async () => {
    const notMoved = (error: unknown, flag: '--archive-dir' | '--quarantine-dir' = '--archive-dir') =>
      remember(notMovedMessage('ingested', flag, '/srv/archivo', error));
    const errno = (code: string) => Object.assign(new Error(`${code}: some system error`), { code });
    const reasons: [unknown, string][] = [
      [new FileStillBeingWritten('since_read'), 'cambió después de leerse'],
      [new FileStillBeingWritten('while_copied'), 'cambió mientras se copiaba'],
      [
        new FileNoLongerThere(),
        'ya no está en la carpeta de entrada: se movió o se borró después de que la ejecución lo leyera',
      ],
      [errno('EROFS'), 'la carpeta está en un sistema de archivos de solo lectura'],
      [errno('EACCES'), 'permiso denegado (revise los permisos de la carpeta)'],
      [errno('EPERM'), 'permiso denegado (revise los permisos de la carpeta)'],
      [errno('ENAMETOOLONG'), 'la ruta es demasiado larga para el sistema de archivos'],
      [errno('ENOSPC'), 'no queda espacio en el dispositivo'],
      [
        new NotRegularFile('a named pipe (FIFO)'),
        'es una tubería con nombre (FIFO), no un archivo común: no se movió; se queda en la carpeta de entrada',
      ],
    ];
    for (const [error, words] of reasons) {
      expect(expectSpanish(notMoved(error), ['/srv/archivo'])).toMatch(
        new RegExp(
          `^ingresado, pero no se movió a --archive-dir /srv/archivo: ${words.replace(/[()]/g, '\\$&')}`,
        ),
      );
    }
    // moveWithoutOverwrite's own refusals, as it words them.
    const dir = createTempDir('tecsalud-not-moved-');
    try {
      const drop = path.join(dir, 'drop');
      const archive = path.join(dir, 'archive');
      fs.mkdirSync(drop);
      fs.mkdirSync(path.join(dir, 'elsewhere'));
      fs.mkdirSync(archive);
      fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(archive, 'linked'));
      fs.symlinkSync(drop, path.join(dir, 'entrada-enlazada'));
      const source = path.join(drop, 'f.pdf');
      fs.writeFileSync(source, '%PDF-');
      const refusal = (to: string, relative: string) =>
        moveWithoutOverwrite(source, to, relative).then(
          () => expect.unreachable(),
          (error: unknown) => error,
        );
      for (const error of [
        await refusal(archive, '../outside/f.pdf'),
        await refusal(archive, 'linked/f.pdf'),
        await refusal(path.join(dir, 'entrada-enlazada'), 'f.pdf'),
      ]) {
        expectSpanish(notMoved(error), ['/srv/archivo', dir]);
      }
      // Every name up to ' (999)' taken.
      const full = path.join(dir, 'full');
      fs.mkdirSync(full);
      for (let n = 1; n < 1000; n++)
        fs.writeFileSync(path.join(full, n === 1 ? 'f.pdf' : `f (${n}).pdf`), 'other');
      const noFreeName = expectSpanish(notMoved(await refusal(full, 'f.pdf')), [path.join(full, 'f.pdf')]);
      expect(noFreeName).toContain(`no se encontró un nombre libre para ${path.join(full, 'f.pdf')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Recorded by runs before 2026-11, and read again by status --files.
    expectSpanish(
      remember(
        'filename does not follow the TecSalud pattern, but not moved to --quarantine-dir /srv/q: it was modified 12 s ago ' +
          'and may still be being written; it stays in the drop folder for the next run',
      ),
      ['12 s', '/srv/q'],
    );
    // A system error no rule knows keeps its own words after the Spanish sentence.
    expect(ES.detail(notMoved(errno('EIO')))).toBe(
      'ingresado, pero no se movió a --archive-dir /srv/archivo: EIO: some system error',
    );
  });

  it('translates the detail of a copy whose file went back to review after it settled', () => {
    expectSpanish(remember(takenBackWithMessage('a/3000768077_HUERTA SOTO, GABRIELA_1_LAB.pdf')));
  });

  it('translates why a file the run had attached went back to review, keeping both files and expedientes', () => {
    const reason = takenBackReason({
      copy: 'b/3000147773_BONILLA SEPÚLVEDA, ADRIANA_6380098785_LAB.pdf',
      copyExpediente: '3000147773',
      expediente: '3000768077',
      documentId: '15234fa9',
      sessionId: 'a755ed1d-d9eb-4927-a740-b48231a6996f',
    });
    expect(expectSpanish(remember(reason), ['3000147773', '3000768077', '15234fa9'])).toBe(
      "devuelto a revisión: 'b/3000147773_BONILLA SEPÚLVEDA, ADRIANA_6380098785_LAB.pdf', de la misma sesión, " +
        'tiene contenido idéntico pero nombra el expediente 3000147773, mientras que este archivo nombra el ' +
        '3000768077, al que la ejecución lo había asociado (documento 15234fa9); uno de los dos nombres de archivo ' +
        'está mal. Revise el documento y asócielo al paciente correcto en `tecsalud-batch review a755ed1d`; luego ' +
        'elimine el otro archivo',
    );
    // An API client's: the review decision route, and nothing for it to remove.
    const forClient = takenBackReason({
      copy: 'b/3000147773_BONILLA SEPÚLVEDA, ADRIANA_6380098785_LAB.pdf',
      copyExpediente: '3000147773',
      expediente: '3000768077',
      documentId: '15234fa9',
      sessionId: 'a755ed1d-d9eb-4927-a740-b48231a6996f',
      fileId: '70234c1e-a4f3-43c7-a7d9-733c69229f14',
      client: 'api',
    });
    expect(forClient).toMatch(
      / Check the document and have an admin attach it to the right patient \(POST \/api\/v1\/documents\/batch\/a755ed1d-d9eb-4927-a740-b48231a6996f\/review\/70234c1e-a4f3-43c7-a7d9-733c69229f14\/decision\); there is no need to upload the other file again$/,
    );
    expect(expectSpanish(remember(forClient), ['3000147773', '3000768077', '15234fa9'])).toMatch(
      /Revise el documento y pida a un administrador que lo asocie al paciente correcto \(POST \/api\/v1\/documents\/batch\/a755ed1d-d9eb-4927-a740-b48231a6996f\/review\/70234c1e-a4f3-43c7-a7d9-733c69229f14\/decision\); no hace falta volver a subir el otro archivo$/,
    );
  });

  it('translates the detail of a copy whose file was set aside, its content rejected in review', () => {
    expectSpanish(remember(setAsideWithMessage('a/3000768077_HUERTA SOTO, GABRIELA_1_LAB.pdf')));
  });

  it('translates the detail of a copy whose file went to review instead of being ingested', () => {
    expect(
      expectSpanish(remember(sharesReviewMessage('a/3000576011_BONILLA SEPÚLVEDA, ADRIANA_1_LAB.pdf'))),
    ).toBe(
      "contenido idéntico a 'a/3000576011_BONILLA SEPÚLVEDA, ADRIANA_1_LAB.pdf' en este lote, que está en espera " +
        'de revisión de un administrador; se resuelve con esa revisión',
    );
  });

  it('translates the extractors’ failures, and their own details inside the parentheses', () => {
    const outcomes = [
      'encrypted',
      'corrupt',
      'image_only',
      'timeout',
      'too_large_memory',
      'unreadable',
      'extraction_error',
    ] as const;
    for (const outcome of outcomes) expectSpanish(failure(describeFailure(outcome)));
    // A library's own words stay as they were.
    expect(expectSpanish(failure(describeFailure('encrypted', { detail: 'No password given' })))).toBe(
      'el PDF está protegido con contraseña (cifrado); pida al remitente una copia sin protección (No password given)',
    );
    expectSpanish(failure(describeFailure('timeout', { timeoutMs: 30_000 })), [
      '30 s',
      'aumente el límite con --timeout',
    ]);
    expectSpanish(failure(describeFailure('timeout', { timeoutMs: 500 })), ['500 ms']);
    expectSpanish(failure(describeFailure('too_large_memory', { maxMemoryMb: 512 })), ['512 MB']);
    expectSpanish(failure(describeChildExit(undefined, 512)));
    expectSpanish(failure(describeChildExit({ code: null, signal: 'SIGKILL' }, 512)), ['SIGKILL']);
    expectSpanish(failure(describeChildExit({ code: 7, signal: null }, 512)), ['7']);
    expectSpanish(failure(describeChildExit({ code: 134, signal: null }, 512)), ['512 MB']);
    const pdftotext = classifyPdftotextFailure({ exitCode: 99, stderr: '' });
    expectSpanish(failure(describeFailure(pdftotext.outcome, { detail: pdftotext.detail })), ['99']);
    const missing = failure(
      extractWithPdftotext({
        command: '/no/such/pdftotext',
        path: path.join(FIXTURES, 'problem-pdfs', 'encrypted.pdf'),
        timeoutMs: 5000,
      }),
    );
    expect(expectSpanish(missing, ['/no/such/pdftotext'])).toMatch(
      /no se pudo ejecutar \/no\/such\/pdftotext: /,
    );
    const notPdf = path.join(FIXTURES, 'registry.csv');
    expectSpanish(failure(extractWithPdftotext({ command: 'pdftotext', path: notPdf, timeoutMs: 5000 })));
    const damage = findDamagedFlateStream(
      fs.readFileSync(path.join(FIXTURES, 'problem-pdfs', 'corrupt-stream.pdf')),
    );
    expect(damage).toBeDefined();
    const corrupt = expectSpanish(failure(describeFailure('corrupt', { detail: damage! })));
    expect(corrupt).toMatch(/ en el flujo flate del byte \d+\)$/);
    const badHeader = findDamagedFlateStream(
      Buffer.from('1 0 obj <</Filter /FlateDecode>> stream\nxx garbage\nendstream', 'latin1'),
    );
    expect(ES.detail(remember(badHeader!))).toMatch(
      /^un encabezado inválido en el flujo flate del byte \d+$/,
    );
  });

  it('translates OCR’s verdict on a scan it could not read', () => {
    for (const pages of [1, 3]) {
      const plan = planOcr('auto', describeFailure('image_only', { pages }))!;
      // One page is «su única página»: the number is in the words.
      expectSpanish(
        failure(mergeOcrText(plan, [], 'tesseract')),
        pages === 1 ? ['tesseract'] : ['tesseract', String(pages)],
      );
    }
    const stamp = 'Escaneado por HP ScanJet 2026-11-03 10:22 p.1';
    expectSpanish(
      failure(
        unreadScansWithoutOcr({ ok: true, text: stamp, pages: 1, pageTexts: [stamp], scannedPages: [1] })!,
      ),
      ['--ocr auto'],
    );
    // A scan among pages of text: the count, the total and the pages reach the Spanish unchanged.
    const body = 'Paciente: GABRIELA HUERTA SOTO  Expediente: 3000768077';
    const one = expectSpanish(
      failure(
        unreadScansWithoutOcr({
          ok: true,
          text: body,
          pages: 3,
          pageTexts: [body, '', body],
          scannedPages: [2],
        })!,
      ),
      ['--ocr auto', '3'],
    );
    expect(one).toMatch(/^1 de las 3 páginas del PDF es un escaneo \(página 2\)/);
    const pageTexts = [body, '', '', '', body, ''];
    const several = expectSpanish(
      failure(
        unreadScansWithoutOcr({ ok: true, text: body, pages: 6, pageTexts, scannedPages: [2, 3, 4, 6] })!,
      ),
      ['--ocr auto', '4', '6'],
    );
    expect(several).toMatch(/^4 de las 6 páginas del PDF son escaneos \(páginas 2-4, 6\)/);
  });

  describe('embedding and storing', () => {
    let server: FakeOpenAiServer;
    beforeAll(async () => {
      server = await startFakeOpenAiServer({ dimension: 8 });
    });
    afterAll(() => server.close());

    const embedder = (extra: { dimensions?: number; maxRetries?: number } = {}) =>
      createOpenAiEmbedder({
        connection: { provider: 'openai', apiKey: 'sk-test-fake', baseUrl: `${server.url}/v1` },
        model: 'test-embedding-model',
        maxRetries: 0,
        sleep: async () => undefined,
        ...extra,
      });
    const parsed = (
      parseFilename('3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf') as {
        parsed: ParsedFilename;
      }
    ).parsed;
    const input: StoreDocumentInput = {
      batchId: 'b1',
      batchFileId: 'f1',
      patient: { id: 'p1', expediente: '3000003799' } as Patient,
      parsed,
      text: 'Consulta de control. Paciente estable.',
      pages: 1,
      contentSha256: 'a'.repeat(64),
      processingType: 'vectorized',
      chunkSize: 1000,
      chunkOverlap: 100,
      embedBatchSize: 16,
      actor: 'test',
      fileUpdate: {},
      auditAction: 'document_ingested',
    };
    const embedFailure = async (embed: Awaited<ReturnType<typeof embedder>>) => {
      const error = (await prepareDocument({ embedder: embed }, input).catch((e: unknown) => e)) as Error;
      return remember(error.message);
    };

    it('translates the embedder’s failures, with the endpoint and the service’s own words kept', async () => {
      const where = `${server.url}/v1`;
      // Each embedder asks for its vectors' size first: the fault goes to the request after that one.
      const failing = async (fault: Parameters<FakeOpenAiServer['inject']>[0]) => {
        const embed = await embedder();
        server.inject(fault);
        return embedFailure(embed);
      };
      expect(expectSpanish(await failing({ kind: 'status', status: 400 }), [where, '400 injected 400'])).toBe(
        `falló el modelo de búsqueda: el modelo de búsqueda (servicio de embeddings) en ${where} rechazó la solicitud: 400 injected 400`,
      );
      expectSpanish(await failing({ kind: 'status', status: 500 }), [where, '500 injected 500']);
      expectSpanish(await failing({ kind: 'malformed', body: '{"data":[]}' }), [where]);
      expectSpanish(await failing({ kind: 'malformed', body: '{"object":"list"}' }), [where]);
      expectSpanish(await embedFailure(await embedder({ dimensions: 16 })), [where, 'test-embedding-model']);
      const tooLong = (() => {
        try {
          planRequests(['x'.repeat(400)], { maxInputs: 10, maxTokens: 100, maxInputTokens: 10 });
        } catch (error) {
          return remember((error as Error).message);
        }
        throw new Error('planned');
      })();
      expectSpanish(tooLong, ['400', '10']);
    });

    it('translates the vector store’s refusals', async () => {
      const refusing: Pick<VectorStore, 'replaceDocuments'> = {
        replaceDocuments: async (documents) => validateDocumentVectors(documents, 8),
      };
      const record = {
        id: 'c1',
        embedding: new Float32Array(3),
        document: 'x',
        metadata: { document_id: 'd1' },
      };
      // A real registry: the group says which content it writes before the store refuses it (no row changes).
      const registry = createSqliteTestDatabase();
      const database = await registry.open();
      const error = (await writeFiles({ database, vectorStore: refusing as VectorStore }, [
        {
          batchFileId: 'f1',
          fileUpdate: {},
          document: {
            row: { contentSha256: 'a'.repeat(64) } as never,
            vectors: { documentId: 'd1', records: [record] },
          },
          audit: [],
        },
      ])
        .catch((e: unknown) => e)
        .finally(async () => {
          await database.close();
          await registry.cleanup();
        })) as Error;
      expect(expectSpanish(remember(error.message), ['"c1"', '3', '8'])).toBe(
        'falló el índice de búsqueda: el embedding de "c1" tiene 3 dimensiones; la colección guarda 8',
      );
      const incompatible = new IncompatibleCollectionError(
        'tecsalud',
        { embedderId: 'hashing-v2', dimension: 384 },
        { embedderId: 'openai:text-embedding-3-small', dimension: 1536 },
      );
      expectSpanish(remember(incompatible.message), [
        '"tecsalud"',
        'hashing-v2',
        'openai:text-embedding-3-small',
        '384',
        '1536',
      ]);
    });
  });

  /**
   * Messages worded inside private functions (or needing a database, a second process or a failing disk to
   * produce): copied from the source, so that every rule is still tried. Keep them in step with src/.
   */
  const COPIED: { message: string; keep: string[] }[] = [
    // The content cross-check's reasons, as `status --files` shows them under a held file.
    { message: "the document names the filename's patient", keep: [] },
    { message: 'nothing the document states can be compared', keep: [] },
    { message: 'the registry was not consulted for the document’s identity', keep: [] },
    {
      message:
        "the document's expediente 3000147773 is another registry patient's (BONILLA SEPÚLVEDA, ADRIANA)",
      keep: ['3000147773', 'BONILLA SEPÚLVEDA, ADRIANA'],
    },
    {
      message: "the document's expediente 3000147774 is one keystroke from 3000147773",
      keep: ['3000147774', '3000147773'],
    },
    {
      message: "the document's expediente 3000312954 is not the filename's patient's (3000899337)",
      keep: ['3000312954', '3000899337'],
    },
    {
      message: "the document's expediente 3000312954 is not the filename's (3000899337)",
      keep: ['3000312954'],
    },
    {
      message:
        'the document names ADRIANA BONILLA SEPÚLVEDA, clearly another person than ACOSTA MORALES, JORGE',
      keep: ['ADRIANA BONILLA SEPÚLVEDA', 'ACOSTA MORALES, JORGE'],
    },
    {
      message: 'the document names ADRIANA BONILLA, not the same name as BONILLA SEPÚLVEDA, ADRIANA',
      keep: ['ADRIANA BONILLA', 'BONILLA SEPÚLVEDA, ADRIANA'],
    },
    {
      message: "the document's name is registry patient 3000147773's (BONILLA SEPÚLVEDA, ADRIANA)",
      keep: ['3000147773', 'BONILLA SEPÚLVEDA, ADRIANA'],
    },
    {
      message: 'the filename describes a new patient, the document names registry patient 3000147773',
      keep: ['3000147773'],
    },
    {
      message: "the document names registry patient 3000147773, not the review's candidate 3000899337",
      keep: ['3000147773', '3000899337'],
    },
    {
      message: "the document names registry patient 3000147773, whom the filename's match did not find",
      keep: ['3000147773'],
    },
    { message: "the document's birth date 1963-08-04 is not 1956-07-11", keep: ['04/08/1963', '11/07/1956'] },
    // An ambiguous numeric date: both readings, and why there are two, in Spanish too (it stayed English).
    {
      message:
        "the document's birth date 1971-03-04 or 1971-04-03 (day and month order unclear) is not 1970-03-04",
      keep: ['04/03/1971 o 03/04/1971 (orden día/mes incierto)', '04/03/1970'],
    },
    {
      message:
        "the document's birth date 1971-03-04 or 1971-04-03 (day and month order unclear) is not candidate 3000899337's (1970-03-04)",
      keep: ['04/03/1971 o 03/04/1971 (orden día/mes incierto)', '3000899337', '04/03/1970'],
    },
    { message: "the document's sex F is not the registry's M", keep: [] },
    {
      message: 'the document agrees with its filename (the filename leads to no registry patient of its own)',
      keep: [],
    },
    {
      message: "the document's birth date 1963-08-04 is not candidate 3000899337's (1956-07-11)",
      keep: ['04/08/1963', '3000899337', '11/07/1956'],
    },
    {
      message: "the document's birth date is candidate 3000899337's (1956-07-11)",
      keep: ['3000899337', '11/07/1956'],
    },
    { message: "the document's sex F is not candidate 3000899337's (M)", keep: ['3000899337'] },
    { message: "the document's sex is candidate 3000899337's (M)", keep: ['3000899337'] },
    {
      message:
        'the document also names another patient (3000147773, RÍOS CORONADO CÉSAR): pages of two patients?',
      keep: ['3000147773, RÍOS CORONADO CÉSAR'],
    },
    {
      message: "trusted: the document's expediente and full name are registry patient 3000147773's",
      keep: ['3000147773'],
    },
    {
      message:
        "confirmed by the document's own expediente and full name: registry patient 3000147773 (RÍOS CORONADO, CÉSAR)",
      keep: ['3000147773 (RÍOS CORONADO, CÉSAR)'],
    },
    // `match` shows it under the content (status --files leaves it out: the held reason says as much).
    { message: "the filename's decision (auto) goes to review", keep: ['(auto)'] },
    { message: "the filename's decision (new) goes to review", keep: ['(new)'] },
    { message: 'permission denied', keep: [] },
    { message: 'cannot read the file: permission denied (check the file’s permissions)', keep: [] },
    { message: 'cannot read the file: the file disappeared before it could be read', keep: [] },
    {
      message:
        'cannot read this folder (permission denied): its files were not looked at; fix its permissions (this ' +
        'account needs to read and enter it: chmod +rx on the folder, or make this account its owner) and run again',
      keep: [],
    },
    {
      message:
        'cannot read the file: permission denied on its folder, which can be listed but not entered (give this ' +
        'account search permission on the folder: chmod +x, or make this account its owner)',
      keep: [],
    },
    {
      message: 'the file is no longer in the folder: it was moved or deleted before this session finished it',
      keep: [],
    },
    {
      message:
        "hidden folder (its name starts with '.'): not looked into; if it holds documents, move them out of it",
      keep: [],
    },
    {
      message:
        'the file is no longer in the folder: it was moved or deleted before this session finished it; ' +
        "'3000003799_GARZA, MARIA_60014670109_CONS.pdf', 'b.pdf' of the same size appeared in the folder since: " +
        'if it was renamed, it is processed under that name',
      keep: [],
    },
    {
      message:
        "renamed to 'urgencias/3000003799_GARZA, MARIA_CONS.pdf' before this session finished it: the same bytes " +
        'were processed under the new name (ingested)',
      keep: [],
    },
    {
      message:
        "renamed to '3000003799_GARZA, MARIA_CONS.pdf' before this session finished it: the same bytes failed " +
        'under the new name (corrupt): the PDF is damaged or is not a valid PDF, so its text cannot be read; ask the sender for a new copy',
      keep: [],
    },
    {
      message:
        "renamed to '3000003799_GARZA, MARIA_CONS.pdf' before this session finished it: the same bytes are not " +
        'finished under the new name yet: see that file',
      keep: [],
    },
    {
      message: `rejected in review by jlopez on 2026-03-02 (as '3000003799_GARZA, MARIA_CONS.pdf'); set aside — \`tecsalud-batch review --reopen 7c41e09a12ab\` to review it again`,
      keep: ['jlopez', '02/03/2026'],
    },
    {
      message:
        'expediente 3000003799 was just created for a differently named patient by another file of this batch; held for review',
      keep: ['3000003799'],
    },
    {
      message:
        "held for review: id_conflict (expediente 3000999002 is new, and its patient takes the name of '3000999002_OCHOA " +
        "LIRA, PEDRO_1_CONS.pdf', the first file of this folder naming it)",
      keep: ['3000999002'],
    },
    { message: 'stopped while waiting for OCR; run the same command again to finish it', keep: [] },
    { message: 'stopped by the interrupt during its OCR; run the same command again to finish it', keep: [] },
    {
      message: 'stopped by the interrupt while its text was read; run the same command again to finish it',
      keep: [],
    },
    // An API session's (exported: not copied, and the command line's the same function's).
    ...(['ocr', 'text'] as const).map((during) => ({
      message: interruptedFileMessage(during, 'api'),
      keep: [],
    })),
    {
      message:
        "held for review: content_mismatch (the document's own text names another patient than the filename)",
      keep: [],
    },
    {
      message:
        "held for review: content_mismatch (the filename describes a new patient; the document's own text names somebody else)",
      keep: [],
    },
    {
      message:
        "held for review: content_mismatch (the document's own text also names a second patient further in the file)",
      keep: [],
    },
    {
      message:
        "held for review: content_mismatch (the document's own birth date or sex differs from the filename's patient's)",
      keep: [],
    },
    {
      message: 'held for review: expediente_typo (a patient another file of this batch has just created)',
      keep: [],
    },
    { message: 'gave up after 3 attempts: the embedder failed: Rate limit exceeded', keep: ['3'] },
    { message: 'gave up after 1 attempt: boom', keep: ['boom'] },
    {
      message: 'the run was interrupted before this file finished; session 0b5e4c1d took it over',
      keep: ['0b5e4c1d'],
    },
    {
      message:
        'rejected in review by jlopez; later runs set the same content aside (`tecsalud-batch review --reopen 7c41e09a` to review it again)',
      keep: ['jlopez'],
    },
    {
      message: rejectedInReviewMessage('jlopez', '7c41e09a', 'api'),
      keep: ['jlopez', '`tecsalud-batch review --reopen 7c41e09a`'],
    },
    {
      message: 'detached from expediente 3000003799 by jlopez; waiting for review again',
      keep: ['3000003799', 'jlopez'],
    },
    { message: 'reopened by jlopez: waiting for review again', keep: ['jlopez'] },
    { message: 'OCR could not open the PDF (pdftoppm exited with code 1)', keep: [] },
    {
      message:
        'the scanned image of page 1 is damaged and cannot be read whole (invalid code lengths set in the Flate-compressed image (object 4)), so the patient it names cannot be checked; scan the page again, or ask the sender for a new copy',
      keep: ['invalid code lengths set', '(objeto 4)', 'página 1'],
    },
    {
      message:
        'the scanned image of page 2 is damaged and cannot be read whole (the Flate-compressed image (object 12) ends after 1582971 of its 1586100 bytes), so the patient it names cannot be checked; scan the page again, or ask the sender for a new copy',
      keep: ['12', '1582971', '1586100', 'página 2'],
    },
    {
      message:
        'the scanned image of page 3 is damaged and cannot be read whole (Corrupt JPEG data: premature end of data segment), so the patient it names cannot be checked; scan the page again, or ask the sender for a new copy',
      keep: ['Corrupt JPEG data: premature end of data segment', 'página 3'],
    },
    {
      message: 'OCR failed on page 2 (out of memory); retry, and report the file if it fails again',
      keep: ['2'],
    },
    {
      message:
        'OCR (tesseract) of page 4 took longer than the per-page limit (60 s) and was stopped; the scan may be unusually large or damaged: check it, or raise the limit with ocr.pageTimeoutSeconds in the config file',
      keep: ['tesseract', '4', '60 s', 'con ocr.pageTimeoutSeconds en el archivo de configuración'],
    },
    {
      message:
        'OCR (tesseract.js) of the file took longer than the per-file limit (600 s) and was stopped at page 9; split the file, or raise the limit with ocr.fileTimeoutSeconds in the config file',
      keep: ['tesseract.js', '600 s', '9', 'con ocr.fileTimeoutSeconds en el archivo de configuración'],
    },
    // As recorded before the settings were named.
    {
      message:
        'OCR (tesseract) of page 4 took longer than the per-page limit (60 s) and was stopped; the scan may be unusually large or damaged: check it, or raise the limit',
      keep: ['tesseract', '4', '60 s'],
    },
    {
      message:
        'OCR (tesseract.js) of the file took longer than the per-file limit (600 s) and was stopped at page 9; split the file, or raise the limit',
      keep: ['tesseract.js', '600 s', '9'],
    },
    {
      message:
        "reading the PDF's text took longer than the per-file time limit (60 s) and was stopped; check the file, or raise the limit",
      keep: ['60 s'],
    },
    {
      message:
        'OCR (tesseract) of page 1 needed more than the memory limit (1024 MB) and was stopped; the scan may be unusually large or damaged',
      keep: ['1024 MB'],
    },
    {
      message:
        'the OCR process was stopped by SIGKILL on page 3 (killed); retry, and report the file if it fails again',
      keep: ['SIGKILL', '3'],
    },
    {
      message: 'the OCR process exited with code 1 on page 3; retry, and report the file if it fails again',
      keep: ['1', '3'],
    },
    { message: 'PDFium: a password is required', keep: [] },
    { message: 'PDFium: unsupported security handler', keep: [] },
    { message: 'PDFium: not in PDF format or damaged', keep: [] },
    { message: 'PDFium could not open the document (error 9)', keep: ['9'] },
    { message: 'PDFium: page 3 cannot be read', keep: ['3'] },
    { message: 'pdftotext wrote more than 256 MB of text', keep: ['256'] },
    { message: '/usr/bin/pdftotext was stopped by SIGSEGV', keep: ['/usr/bin/pdftotext', 'SIGSEGV'] },
    { message: 'the PDF extraction processes exited 5 times in a row while starting', keep: ['5'] },
    { message: 'could not start the pdftotext co-process: spawn ENOMEM', keep: ['spawn ENOMEM'] },
    { message: 'the pdftotext co-process exited with code 1', keep: ['1'] },
    { message: 'Bad request to Chroma: invalid where clause', keep: ['Chroma', 'invalid where clause'] },
    {
      message: 'The requested resource could not be found: collection tecsalud',
      keep: ['collection tecsalud'],
    },
    { message: 'The resource already exists', keep: [] },
    { message: 'Rate limit exceeded', keep: [] },
    {
      message: 'the embeddings service at https://api.openai.com/v1 sent a malformed embedding (item 2)',
      keep: ['https://api.openai.com/v1', '2'],
    },
    {
      message:
        'the embeddings service at https://api.openai.com/v1 sent vectors of different lengths in one response',
      keep: ['https://api.openai.com/v1'],
    },
    {
      message:
        'the embeddings service at https://x.openai.azure.com (deployment emb) does not know this model or deployment (HTTP 404): 404 Resource not found',
      keep: ['https://x.openai.azure.com (deployment emb)', '404 Resource not found'],
    },
    // app/sessions.ts queueAttention: `status`'s attention line of a queue session.
    {
      message:
        'no worker is running: the 3 active jobs were taken by a worker that is gone (killed, crashed, or its machine went down); ' +
        'the next worker to start takes them back at once, or they go back to the queue when their time runs out (--job-timeout) ' +
        'by 22:13:43 UTC: start one with `tecsalud-batch worker`',
      keep: ['22:13:43'],
    },
    {
      message:
        '2 workers stopped without finishing (killed, crashed, or its machine went down): the jobs they held are among the 9 active; ' +
        'the running workers take them back within minutes (at the latest when their time runs out (--job-timeout) by 22:13:43 UTC)',
      keep: ['22:13:43', '9'],
    },
    {
      message: 'no worker is running: 1 job waits; start one with `tecsalud-batch worker`',
      keep: ['`tecsalud-batch worker`'],
    },
  ];

  it("explains a library's bare words (pg, undici, Node's sockets): what failed, what to check, and its words kept", async () => {
    const { default: pg } = await import('pg');
    /** A TCP server that does `onConnection` to each connection. */
    const sockets = new Set<net.Socket>();
    const serving = async (onConnection: (socket: net.Socket) => void) => {
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        onConnection(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, port: (server.address() as net.AddressInfo).port };
    };
    const messageOf = async (work: Promise<unknown>, cause = false) => {
      const error = (await work.then(
        () => new Error('no error'),
        (e: unknown) => e,
      )) as Error & { cause?: Error };
      return remember(cause ? error.cause!.message : error.message);
    };
    const pgConnect = (port: number, extra: object = {}) =>
      new pg.Client({ host: '127.0.0.1', port, ...extra }).connect();
    const refused = await closedPort();
    const ends = await serving((socket) => socket.end());
    const resets = await serving((socket) => socket.resetAndDestroy());
    const silent = await serving(() => undefined);
    // Hangs up once the client has said something (its request, a TLS hello).
    const hangsUp = await serving((socket) => socket.once('data', () => socket.destroy()));
    const partial = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-length': '100' }).write('abc');
      setTimeout(() => response.destroy(), 50);
    });
    await new Promise<void>((resolve) => partial.listen(0, '127.0.0.1', resolve));
    const partialPort = (partial.address() as net.AddressInfo).port;
    try {
      const said = [
        await messageOf(pgConnect(refused)),
        await messageOf(pgConnect(ends.port)),
        await messageOf(pgConnect(resets.port)),
        await messageOf(pgConnect(silent.port, { connectionTimeoutMillis: 200 })),
        await messageOf(new pg.Client({ host: 'tecsalud-nowhere.invalid', port: 5432 }).connect()),
        await messageOf(fetch(`http://127.0.0.1:${refused}/`)),
        await messageOf(fetch(`http://127.0.0.1:${hangsUp.port}/`), true),
        await messageOf(fetch(`http://127.0.0.1:${partialPort}/`).then((response) => response.text())),
        await messageOf(fetch(`http://127.0.0.1:${silent.port}/`, { signal: AbortSignal.timeout(100) })),
        await messageOf(
          new Promise((resolve, reject) =>
            http.get(`http://127.0.0.1:${hangsUp.port}/`, resolve).on('error', reject),
          ),
        ),
        await messageOf(
          new Promise((resolve, reject) =>
            tls
              .connect({ host: '127.0.0.1', port: hangsUp.port }, () => resolve(undefined))
              .on('error', reject),
          ),
        ),
        await messageOf(
          new Promise((resolve, reject) => {
            const stream = new Readable({ read: () => undefined });
            finished(stream, (error) => (error ? reject(error) : resolve(undefined)));
            stream.destroy();
          }),
        ),
      ];
      for (const message of said) {
        const spanish = expectSpanish(message, [`(texto original: ${message})`]);
        expect(spanish, message).toMatch(/; (compruebe|si se repite)/);
      }
      expect(ES.detail(said[0]!)).toBe(
        `el servicio en 127.0.0.1:${refused} rechazó la conexión; compruebe que esté en marcha y que esa sea la ` +
          `dirección de la configuración (texto original: connect ECONNREFUSED 127.0.0.1:${refused})`,
      );
      expect(ES.detail(said[1]!)).toBe(
        'la base de datos PostgreSQL cortó la conexión; compruebe que el servidor PostgreSQL siga en marcha (un ' +
          'reinicio, un apagado, un administrador que cerró sesiones) y la red hasta él (texto original: Connection ' +
          'terminated unexpectedly)',
      );
      // After our own words, as a file's line carries them.
      expect(
        expectSpanish(remember(`the vector store failed: ${said[5]!}`), ['(texto original: fetch failed)']),
      ).toMatch(
        /^falló el índice de búsqueda: una solicitud HTTP no obtuvo respuesta del servicio; compruebe /,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      partial.closeAllConnections();
      for (const server of [ends.server, resets.server, silent.server, hangsUp.server, partial])
        await new Promise((resolve) => server.close(resolve));
    }
  });

  it('translates the messages worded in private functions (copied from src/)', () => {
    for (const { message, keep } of COPIED) expectSpanish(remember(message), keep);
  });

  it('translates why a --log-file that is a pipe nothing reads is refused', () => {
    expectSpanish(remember(PIPE_WITHOUT_READER));
  });

  it('translates every session note (why a session did not complete and what to run next), its times day first', () => {
    const holder = { pid: 4242, host: 'hospital-01', startedAt: '2026-12-03T02:00:00.000Z' };
    const started = formatLocalTimestamp(holder.startedAt, 'en');
    const startedEs = formatLocalTimestamp(holder.startedAt, 'es');
    expectSpanish(remember(INTERRUPTED_NOTE));
    expectSpanish(remember(STOPPED_AT_ONCE_NOTE));
    expect(expectSpanish(remember(enqueueInterruptedNote(1)), ['1'])).toMatch(
      /^puesta en cola interrumpida \(Ctrl-C\): 1 archivo no se puso/,
    );
    expectSpanish(remember(enqueueInterruptedNote(12)), ['12']);
    const down = describeFailure('corrupt').message;
    expect(expectSpanish(remember(stoppedNote(down, true)))).toBe(
      `detenida: ${ES.detail(down)}; los archivos no terminados quedan para la próxima ejecución`,
    );
    expectSpanish(remember(stoppedNote(down, false)));
    // An API session's: its client processes it again.
    expect(expectSpanish(remember(stoppedNote(down, true, 'api')))).toBe(
      `detenida: ${ES.detail(down)}; sus archivos no terminados siguen pendientes: procésela de nuevo cuando el servicio vuelva`,
    );
    expectSpanish(remember(stoppedNote(down, false, 'api')));
    // A file a stopped run left unfinished, as the run's report and `status --files` say it.
    for (const why of ['interrupted', 'stopped', 'enqueue_interrupted'] as const)
      for (const client of ['cli', 'api'] as const) expectSpanish(remember(unfinishedFileNote(why, client)));
    expect(
      expectSpanish(remember(runGoneNote('/srv/drop a', holder)), ['4242', 'hospital-01', startedEs]),
    ).toBe(
      `interrumpida: la ejecución que la procesaba (pid 4242 en hospital-01, iniciada ${startedEs}) ya no está en marcha ` +
        "(terminada a la fuerza, caída, o su máquina se apagó); los archivos que no terminó siguen pendientes: `tecsalud-batch ingest '/srv/drop a'` la retoma",
    );
    expect(runGoneNote('/srv/drop', holder)).toContain(`started ${started})`);
    expectSpanish(remember(runGoneNote('/srv/drop', undefined)));
    expect(
      expectSpanish(remember(runOnAnotherHostNote('/srv/drop', holder)), ['hospital-01', startedEs]),
    ).toContain(
      '`tecsalud-batch unlock /srv/drop --force`, y luego `tecsalud-batch ingest /srv/drop` la retoma',
    );
  });

  it('translates why a file already ingested was not ingested again, for the command line and for an API client', () => {
    const document = { createdAt: '2026-03-02T10:00:00.000Z', filename: 'a.pdf', expediente: '3000003799' };
    expect(
      expectSpanish(remember(alreadyIngestedMessage(document, 'cli')), ['02/03/2026', '3000003799']),
    ).toBe(
      "ya se ingresó el 02/03/2026 como 'a.pdf' para el expediente 3000003799 (use --force para volver a ingresarlo)",
    );
    expect(
      expectSpanish(
        remember(alreadyIngestedMessage(document, 'api', 'unchanged since 2026-03-05; not read again')),
        ['05/03/2026'],
      ),
    ).toBe(
      "ya se ingresó el 02/03/2026 como 'a.pdf' para el expediente 3000003799 (sin cambios desde 05/03/2026; no se volvió a leer; " +
        'el documento guardado se conserva; no hace falta volver a subir este archivo)',
    );
  });

  it("translates a copy filed under another patient, with the command line's advice and with an API client's", () => {
    const review = {
      sessionId: '54c5ebca-c943-463b-8a6b-dce91a466f33',
      fileId: '70234c1e-a4f3-43c7-a7d9-733c69229f14',
    };
    const document =
      "the same content was ingested on 2026-03-02 as '3000003799_GARZA, MARIA_CONS.pdf' for expediente 3000003799 (document fcbdee59)";
    const waiting = "the same content ('3000003799_GARZA, MARIA_CONS.pdf') is waiting for review";
    const inBatch = `identical content to '3000003799_GARZA, MARIA_CONS.pdf' in this batch (${FILE_OUTCOMES.review_required.label})`;
    const takenBack =
      "identical content to '3000003799_GARZA, MARIA_CONS.pdf' in this session, which the run had attached to expediente 3000003799 and has taken back to review";
    const setAside = `identical content to '3000003799_GARZA, MARIA_CONS.pdf' in this batch (${FILE_OUTCOMES.previously_rejected.label})`;
    const cases = [
      [document, moveDocumentAdvice('fcbdee59', '3000001298', 'cli'), 'cli'],
      [document, moveDocumentAdvice('fcbdee59', '3000001298', 'api'), 'api'],
      [waiting, settleReviewKnowingBothAdvice(review, 'cli'), 'cli'],
      [waiting, settleReviewKnowingBothAdvice(review, 'api'), 'api'],
      [inBatch, 'settle that file knowing both names', 'cli'],
      [inBatch, settleReviewKnowingBothAdvice(review, 'api', 'file'), 'api'],
      [takenBack, settleTakenBackAdvice('3000003799_GARZA, MARIA_CONS.pdf', review, 'cli'), 'cli'],
      [takenBack, settleTakenBackAdvice('3000003799_GARZA, MARIA_CONS.pdf', review, 'api'), 'api'],
      [setAside, setAsideCopyAdvice('7c41e09a12ab', 'cli'), 'cli'],
      [setAside, setAsideCopyAdvice('7c41e09a12ab', 'api'), 'api'],
    ] as const;
    const spanish = cases.map(([filed, remedy, client]) => {
      // Each part alone too: the rules translate them one by one.
      expectSpanish(remember(filed));
      expectSpanish(remember(remedy));
      return expectSpanish(
        remember(otherPatientsCopy('3000001298', filed, ['3000003799'], remedy, client).message),
        ['3000001298', '3000003799'],
      );
    });
    expect(spanish[1]).toBe(
      "el mismo contenido se ingresó el 02/03/2026 como '3000003799_GARZA, MARIA_CONS.pdf' para el expediente 3000003799 " +
        '(documento fcbdee59), pero este archivo nombra el expediente 3000001298, no el 3000003799: uno de los dos nombres de ' +
        'archivo está mal, y no se asoció nada al 3000001298. Revise el documento: si es suyo, pida al equipo de archivo clínico ' +
        'que mueva el documento fcbdee59 al expediente 3000001298 (`tecsalud-batch documents move fcbdee59 --to 3000001298`); ' +
        'no hace falta volver a subir este archivo',
    );
    expect(spanish[0]).toMatch(
      /: si es suyo, `tecsalud-batch documents move fcbdee59 --to 3000001298`; luego elimine este archivo$/,
    );
    expect(spanish[5]).toContain(
      'pida a un administrador que resuelva ese archivo conociendo ambos nombres (POST ',
    );
    expect(spanish[8]).toMatch(
      /Revise el documento: nada espera revisión: un revisor rechazó este contenido, así que está apartado; si después de todo es de un paciente, `tecsalud-batch review --reopen 7c41e09a12ab` y resuélvalo conociendo ambos nombres; luego elimine este archivo$/,
    );
    expect(spanish[9]).toMatch(
      /si después de todo es de un paciente, pida al equipo de archivo clínico que lo reabra para revisión \(`tecsalud-batch review --reopen 7c41e09a12ab`\), indicándole ambos nombres; no hace falta volver a subir este archivo$/,
    );
    expect(spanish[3]).toContain(
      `pida a un administrador que resuelva esa revisión conociendo ambos nombres (POST /api/v1/documents/batch/${review.sessionId}/review/${review.fileId}/decision)`,
    );

    const waitingElsewhere = {
      id: review.fileId,
      batchId: review.sessionId,
      filename: '3000003799_GARZA, MARIA_CONS.pdf',
    };
    expect(expectSpanish(remember(alreadyWaitingForReview(waitingElsewhere, 'api').message))).toBe(
      "el mismo contenido ('3000003799_GARZA, MARIA_CONS.pdf') ya está en espera de revisión en la sesión 54c5ebca; pida a un " +
        `administrador que lo resuelva: POST /api/v1/documents/batch/${review.sessionId}/review/${review.fileId}/decision`,
    );
    expect(alreadyWaitingForReview(waitingElsewhere, 'cli').message).toMatch(
      /; settle it with `tecsalud-batch review 54c5ebca`$/,
    );
    // The command line's own messages are as they were.
    expect(rejectedInReviewMessage('jlopez', '7c41e09a', 'cli')).toBe(
      'rejected in review by jlopez; later runs set the same content aside (`tecsalud-batch review --reopen 7c41e09a` to review it again)',
    );
    expect(`set aside — ${reopenRejectedAdvice('7c41e09a12ab', 'cli')}`).toBe(
      'set aside — `tecsalud-batch review --reopen 7c41e09a12ab` to review it again',
    );
    const rejected = `rejected in review by jlopez on 2026-03-02 (as 'a.pdf'); set aside — ${reopenRejectedAdvice('7c41e09a12ab', 'api')}`;
    expect(expectSpanish(remember(rejected), ['jlopez', '02/03/2026'])).toBe(
      "rechazado en revisión por jlopez el 02/03/2026 (como 'a.pdf'); apartado — pida al equipo de archivo clínico que lo " +
        'reabra para revisión (`tecsalud-batch review --reopen 7c41e09a12ab`)',
    );
  });

  it("dates a file's ingestion by the local calendar: at 20:00 in Monterrey it is still that day, not the next (UTC)", () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/Monterrey';
    try {
      const document = { createdAt: '2026-12-03T02:00:00.000Z', filename: 'a.pdf', expediente: '3000003799' };
      expect(alreadyIngestedMessage(document, 'cli')).toMatch(/^already ingested on 2026-12-02 as 'a\.pdf'/);
      expect(ES.detail(alreadyIngestedMessage(document, 'cli'))).toMatch(
        /^ya se ingresó el 02\/12\/2026 como/,
      );
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('translates a remembered failure with its date, and an outcome label given for want of a message', () => {
    const remembered = `${describeFailure('corrupt').message} (unchanged since 2026-03-02; not read again)`;
    expect(expectSpanish(remember(remembered), ['02/03/2026'])).toBe(
      'el PDF está dañado o no es un PDF válido, así que no se puede leer su texto; pida al remitente una copia nueva ' +
        '(sin cambios desde 02/03/2026; no se volvió a leer)',
    );
    for (const outcome of Object.keys(FILE_OUTCOMES) as FileOutcome[]) {
      expect(ES.detail(remember(FILE_OUTCOMES[outcome].label))).toBe(ES_OUTCOMES[outcome]);
    }
  });

  it('translates the reason a file was held in the words of the review screen', () => {
    expect(ES.detail('held for review: name_only_match')).toBe(
      `en espera de revisión: ${ES.reason('name_only_match')}`,
    );
    // A reason the screens do not know yet stays a code, never a half-sentence.
    expect(ES.detail('held for review: some_new_reason')).toBe('en espera de revisión: some_new_reason');
  });

  it('translates the error of a review decision that failed, explains a library’s, and leaves an unknown one as it is', () => {
    const english = describeFailure('timeout', { timeoutMs: 30_000 }).message;
    const notice = ES.notice({ code: 'failed', error: english });
    expect(notice).toBe(`falló: ${ES.detail(english)}`);
    expect(notice).not.toContain(english);
    expect(EN.notice({ code: 'failed', error: english })).toContain(english);
    // A library's bare words are explained, and kept; words no table knows stay as they are.
    expect(ES.notice({ code: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:5432' })).toMatch(
      /^falló: el servicio en 127\.0\.0\.1:5432 rechazó la conexión; .*\(texto original: connect ECONNREFUSED 127\.0\.0\.1:5432\)$/,
    );
    expect(ES.notice({ code: 'failed', error: 'SQLITE_IOERR_SHORT_READ' })).toBe(
      'falló: SQLITE_IOERR_SHORT_READ',
    );
  });

  it('names, in Spanish, the state another review sitting left a file in', () => {
    expect(ES.notice({ code: 'settled_meanwhile', status: 'matched', by: 'admin-a' })).toBe(
      'este archivo se resolvió mientras tanto (por admin-a) (ahora asignado a un paciente); no cambió nada',
    );
    expect(ES.notice({ code: 'settled_meanwhile', status: 'rejected', by: null })).toBe(
      'este archivo se resolvió mientras tanto (ahora rechazado); no cambió nada',
    );
  });

  it('leaves a message no rule knows exactly as it is', () => {
    for (const unknown of [
      'something nobody wrote yet',
      'the PDF is password-protected',
      '(in-process test extractor) Invalid PDF structure.',
      '',
      'el PDF está cifrado',
    ]) {
      expect(ES.detail(unknown)).toBe(unknown);
    }
  });

  describe('the messages of an ingest', { tags: ['slow'] }, () => {
    let workspace: Workspace;
    beforeAll(async () => {
      workspace = createWorkspace();
      await importSampleRegistry(workspace);
      const drop = workspace.dropDir;
      const name = (n: string, type: string) => `3000768077_HUERTA SOTO, GABRIELA_${n}_${type}.pdf`;
      const problems = path.join(FIXTURES, 'problem-pdfs');
      fs.copyFileSync(path.join(problems, 'encrypted.pdf'), path.join(drop, name('9000000001', 'LAB')));
      fs.copyFileSync(path.join(problems, 'image-only.pdf'), path.join(drop, name('9000000002', 'RX')));
      fs.copyFileSync(path.join(problems, 'corrupt-stream.pdf'), path.join(drop, name('9000000003', 'CONS')));
      fs.copyFileSync(path.join(problems, 'truncated.pdf'), path.join(drop, name('9000000004', 'CONS')));
      // Cut short an hour ago: corrupt (a moment ago it would be a copy under way, left for the next run).
      const anHourAgo = new Date(Date.now() - 3_600_000);
      fs.utimesSync(path.join(drop, name('9000000004', 'CONS')), anHourAgo, anHourAgo);
      fs.writeFileSync(path.join(drop, name('9000000005', 'CONS')), '');
      fs.writeFileSync(path.join(drop, name('9000000006', 'CONS')), 'not a pdf at all');
      const original = fs
        .readdirSync(drop)
        .find((f) => f.startsWith('3000768077') && f.endsWith('_LAB.pdf'))!;
      fs.mkdirSync(path.join(drop, 'copia'));
      fs.copyFileSync(path.join(drop, original), path.join(drop, 'copia', name('9000000007', 'LAB')));
      const outside = path.join(workspace.root, 'outside');
      fs.mkdirSync(outside);
      fs.copyFileSync(path.join(problems, 'encrypted.pdf'), path.join(outside, 'x.pdf'));
      fs.symlinkSync(path.join(outside, 'x.pdf'), path.join(drop, name('9000000008', 'LAB')));
      fs.symlinkSync(outside, path.join(drop, 'enlace'));
    });
    afterAll(() => workspace.cleanup());

    it('translates every message the pipeline recorded, on a first run and on a second that remembers', async () => {
      const first = await ingestJson(workspace, { ocr: 'off' }, { extractor: 'configured' });
      const second = await ingestJson(workspace, { ocr: 'off' }, { extractor: 'configured' });
      const messages = [...first.report.files, ...second.report.files].flatMap((f) =>
        f.error ? [f.error] : [],
      );
      const outcomes = new Set([...first.report.files, ...second.report.files].map((f) => f.outcome));
      for (const outcome of [
        'invalid_name',
        'not_pdf',
        'empty_file',
        'encrypted',
        'corrupt',
        'image_only',
        'outside_source',
        'duplicate_in_batch',
        'duplicate',
        'review_required',
        'already_pending_review',
      ]) {
        expect(outcomes, outcome).toContain(outcome);
      }
      for (const message of new Set(messages)) {
        // File names and expedientes stay as they are; dates are written day first.
        expectSpanish(remember(message), [
          ...[...message.matchAll(/'[^']*'|\b\d{8,12}\b/g)].map(([p]) => p),
          ...[...message.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)].map(
            ([, year, month, day]) => `${day}/${month}/${year}`,
          ),
        ]);
      }
      expect(messages.some((m) => m.includes('(unchanged since'))).toBe(true);
    });

    // After every message above was produced (so in this slow block: the ingest's are among them).
    it('has a message for every rule, and every rule changes what it matches', () => {
      const context: DetailContext = {
        detail: (m) => ES.detail(m),
        reason: (r) => ES.reason(r),
        outcome: (o) => ES_OUTCOMES[o],
      };
      // Nested messages too: a detail in parentheses, an error after a colon.
      const candidates = produced.flatMap((message) => [
        message,
        ...[...message.matchAll(/\((.*)\)/g)].map(([, inner]) => inner!),
        ...(message.includes(': ') ? [message.slice(message.indexOf(': ') + 2)] : []),
      ]);
      for (const rule of FILE_DETAIL_RULES) {
        const sample = candidates.find((message) => rule.en.test(message));
        expect(sample, `no message tried ${rule.en.source}`).toBeDefined();
        const match = rule.en.exec(sample!)!;
        expect(
          rule.es(
            match.slice(1).map((part) => part ?? ''),
            context,
          ),
          sample,
        ).not.toBe(sample);
      }
    });
  });
});
