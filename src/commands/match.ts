import { Command } from '@commander-js/extra-typings';
import { DEFAULT_THRESHOLDS } from '../core/matching/thresholds.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { readNumberSetting } from '../config/number-setting.js';
import { ExitCode, UsageError } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import type { FilenameMatch } from '../app/match-filenames.js';
import { notFoundMessage } from '../app/no-file-at-path.js';
import type { MatchDecision } from '../core/matching/types.js';
import type { Messages } from '../ui/i18n/messages.js';
import type { CommandWords } from '../ui/i18n/command-words.js';
import { formatCalendarDate } from '../ui/format.js';
import { writeJson, writeLine } from './shared/io.js';
import {
  addOcrAndContentOptions,
  ocrAndContentSourcesOf,
  resolveOcrAndContent,
} from './shared/ocr-content-options.js';
import { configOption, dbOption, examples, helpText, jsonOption, langOption } from './shared/options.js';
import { extractorOption } from './shared/pipeline-options.js';
import { maxFileSizeOption, readMaxFileSize } from './shared/max-file-size.js';
import type { ExtractorName } from '../app/open-extractor.js';

export function matchCommand(command = new Command('match')) {
  return matchOptions(command).action(async (filenames, options, command) =>
    finish(command, await matchFilenames(filenames, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function matchOptions(command: Command) {
  const withThresholds = command
    .argument(
      '<filename...>',
      'TecSalud filenames, or PDFs on disk (whose text is read and cross-checked too)',
    )
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .option('--auto-threshold <x>', `auto-assign threshold (default ${DEFAULT_THRESHOLDS.auto.toFixed(2)})`)
    .option('--review-threshold <x>', `review threshold (default ${DEFAULT_THRESHOLDS.review.toFixed(2)})`)
    .option('--no-content', 'do not read the PDF: judge the filename alone')
    // A PDF on disk over ingest's limit fails `too_large` there: said so here at the limit the run is given.
    .addOption(maxFileSizeOption())
    .addOption(extractorOption());
  // The same OCR and trust flags as ingest: a scan is read here as the run would read it.
  return addOcrAndContentOptions(withThresholds).addHelpText(
    'after',
    helpText(
      examples(
        "match '3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf'",
        "match '/srv/drop/3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf' --json",
        "match '/srv/drop/3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf' --ocr-engine tesseract",
        "match '/srv/drop/3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf' --extractor pdftotext",
      ),
      `Exit codes: ${ExitCode.Success} every file would be matched (auto, review or new), ` +
        `${ExitCode.SomeFailed} a filename cannot be read or a file would fail in the run, ${ExitCode.Usage} usage error.`,
    ),
  );
}

export type MatchOptions = ReturnType<ReturnType<typeof matchOptions>['opts']>;

/** Explains, for admins and for debugging, how each filename would match against the registry now. */
export async function matchFilenames(
  filenames: string[],
  options: MatchOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const thresholds = {
    auto: parseThreshold(options.autoThreshold, DEFAULT_THRESHOLDS.auto, '--auto-threshold'),
    review: parseThreshold(options.reviewThreshold, DEFAULT_THRESHOLDS.review, '--review-threshold'),
  };
  if (thresholds.review > thresholds.auto)
    throw new UsageError('--review-threshold must not be above --auto-threshold');
  const maxFileSize = readMaxFileSize(options.maxFileSize);
  const app = await import('../app/match-filenames.js');
  const results = await app.matchFilenames(
    {
      cwd: context.cwd,
      db: context.db,
      dbSetting: context.dbSetting,
      env: context.env,
      config: context.config,
      extractor: context.extractor,
    },
    filenames,
    {
      thresholds,
      readContent: options.content,
      maxFileSize,
      ...(options.extractor ? { extractor: options.extractor as ExtractorName } : {}),
      ...resolveOcrAndContent(options, ocrAndContentSourcesOf(context)),
    },
  );
  if (options.json) {
    writeJson(
      io,
      results.map((r) =>
        r.decision && r.content.status === 'unreadable'
          ? failedJson(r.filename, r.decision, r.content)
          : r.decision
            ? {
                filename: r.filename,
                decision: r.decision.decision,
                confidence: r.decision.confidence,
                reason: r.decision.reason,
                patient: r.decision.patient
                  ? { id: r.decision.patient.id, expediente: r.decision.patient.expediente }
                  : null,
                candidates: r.decision.candidates,
                matching_details: r.decision.matchingDetails,
                filename_decision:
                  r.filenameDecision && r.filenameDecision !== r.decision
                    ? {
                        decision: r.filenameDecision.decision,
                        confidence: r.filenameDecision.confidence,
                        reason: r.filenameDecision.reason,
                      }
                    : null,
                content: contentJson(r.content),
              }
            : { filename: r.filename, error: r.error },
      ),
    );
  } else {
    const [{ messagesFor, resolveLanguage }, { commandWordsFor }] = await Promise.all([
      import('../ui/i18n/messages.js'),
      import('../ui/i18n/command-words.js'),
    ]);
    const lang = resolveLanguage({ flag: options.lang, env: context.env });
    const say: MatchSay = { messages: messagesFor(lang), words: commandWordsFor(lang).match };
    const { messages, words } = say;
    for (const r of results) {
      writeLine(io.stdout, sanitizeForTerminal(r.filename));
      if (!r.decision) {
        writeLine(io.stdout, words.invalidName(sanitizeForTerminal(messages.detail(r.error ?? ''))));
        continue;
      }
      const d = r.decision;
      // A file whose text cannot be extracted fails in the run whatever its name matches: say so first.
      const fails = r.content.status === 'unreadable' ? r.content.outcome : null;
      writeLine(
        io.stdout,
        fails !== null
          ? words.wouldFail(fails, messages.outcome(fails))
          : words.decision(d.decision, d.confidence.toFixed(3), d.reason, messages.reason(d.reason)),
      );
      if (d.patient && fails === null)
        writeLine(
          io.stdout,
          words.patient(`${d.patient.expediente} ${sanitizeForTerminal(formatPatientName(d.patient))}`),
        );
      d.candidates.forEach((c, i) => {
        writeLine(
          io.stdout,
          `  ${i + 1}. ${c.patient.expediente} ${sanitizeForTerminal(formatPatientName(c.patient))}  ${c.scores.combined.toFixed(3)}`,
        );
        for (const reason of c.reasons) {
          writeLine(
            io.stdout,
            `       · ${sanitizeForTerminal(words.candidateReason(reason, messages.fieldKind))}`,
          );
        }
      });
      if (d.candidates.length === 0) writeLine(io.stdout, words.noCandidates);
      for (const line of contentLines(r, say)) writeLine(io.stdout, sanitizeForTerminal(line));
    }
  }
  // As the run would: a file it would record as failed (its name unreadable, or its text) exits 3 here too.
  const wouldFail = results.some((r) => !r.decision || r.content.status === 'unreadable');
  return wouldFail ? ExitCode.SomeFailed : ExitCode.Success;
}

function contentJson(content: FilenameMatch['content']) {
  if (content.status === 'read') return { status: 'read', ...content.details };
  if (content.status === 'unreadable')
    return { status: 'unreadable', verdict: null, error: content.message, outcome: content.outcome };
  // A path with no file at it: `error` says so (the filename alone was judged).
  if (content.notFound !== undefined)
    return { status: 'skipped', verdict: null, error: notFoundMessage(content.notFound) };
  return { status: 'skipped', verdict: null };
}

/**
 * A file the run would fail (its text cannot be extracted): no decision is acted on, as in `ingest
 * --dry-run`'s plan (`failed` with the `outcome`); the filename's own decision stays beside it.
 */
function failedJson(
  filename: string,
  filenameDecision: MatchDecision,
  content: Extract<FilenameMatch['content'], { status: 'unreadable' }>,
) {
  return {
    filename,
    decision: 'failed',
    outcome: content.outcome,
    error: content.message,
    confidence: null,
    reason: null,
    patient: null,
    candidates: filenameDecision.candidates,
    matching_details: filenameDecision.matchingDetails,
    filename_decision: {
      decision: filenameDecision.decision,
      confidence: filenameDecision.confidence,
      reason: filenameDecision.reason,
    },
    content: contentJson(content),
  };
}

/** The words of `match`'s text output, in the language of the run. */
interface MatchSay {
  messages: Messages;
  words: CommandWords['match'];
}

/** The content section of the text output: the verdict, what the document states, and why. */
function contentLines(r: FilenameMatch, { messages, words }: MatchSay): string[] {
  const { content } = r;
  if (content.status === 'skipped')
    return content.notFound === undefined
      ? []
      : [words.notRead(messages.detail(notFoundMessage(content.notFound)))];
  if (content.status === 'unreadable') {
    const lines = [words.notRead(messages.detail(content.message))];
    if (r.decision) {
      const { decision, reason } = r.decision;
      lines.push(words.filenameAlone(decision, reason, messages.reason(reason)));
    }
    return lines;
  }
  const { details } = content;
  const lines = [words.verdict(details.verdict)];
  const id = details.identity;
  const stated: [string, string | null][] = [
    ['expediente', id.expediente],
    ['nombre', id.nombre_escrito],
    [
      'nacimiento',
      // Day first in Spanish, as the reasons below it and every other date of the Spanish screens.
      id.fecha_nacimiento && id.fecha_nacimiento_alternativa
        ? messages.eitherDate(
            formatCalendarDate(id.fecha_nacimiento, messages.lang),
            formatCalendarDate(id.fecha_nacimiento_alternativa, messages.lang),
          )
        : id.fecha_nacimiento && formatCalendarDate(id.fecha_nacimiento, messages.lang),
    ],
    ['sexo', id.sexo],
  ];
  for (const [label, value] of stated) if (value !== null) lines.push(`    ${label.padEnd(11)}${value}`);
  if (details.content_patient && details.content_patient.patient_id !== details.compared_with?.patient_id) {
    const p = details.content_patient;
    lines.push(words.namesRegistryPatient(p.expediente, p.nombre_completo, p.by));
  }
  for (const reason of details.reasons) lines.push(`       · ${messages.detail(reason)}`);
  if (r.filenameDecision && r.decision && r.filenameDecision.decision !== r.decision.decision) {
    const { decision, reason } = r.filenameDecision;
    lines.push(words.filenameAlone(decision, reason, messages.reason(reason)));
  }
  return lines;
}

function parseThreshold(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  return readNumberSetting(value, flag, { kind: 'decimal', min: 0, max: 1 });
}
