import path from 'node:path';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { FilenameParseResult } from '../core/filename/types.js';
import { checkPdfFile, HEADER_WINDOW, type FileCheckFailure } from '../core/pipeline/check-pdf-file.js';
import { abandonedTransfer, transferUnderWay } from '../core/pipeline/still-being-written.js';
import { FileStageError } from '../documents/stage-error.js';
import { STAT_CONCURRENCY, type DiscoveredFile } from './discover-files.js';
import { unreadableError, type DropFileReader } from './read-drop-file.js';

type CheckedFile = Pick<DiscoveredFile, 'relativePath' | 'absolutePath' | 'outsideSource'>;
type NamedFile = Pick<DiscoveredFile, 'relativePath' | 'outsideSource' | 'mtimeMs'>;

/** `--still-writing-seconds` of a folder's run, in ms; unset: no time check (an upload is whole). */
interface StillWriting {
  stillWritingMs?: number | undefined;
}

/**
 * Why a file under the name a transfer tool gives it until it is complete (`.filepart`, `.part`…), changed within
 * the still-writing window, is left for the next run (`still_being_written`); null for any other file. From its
 * name and modification time only.
 */
export function transferStillUnderWay(file: NamedFile, options: StillWriting, nowMs: number): string | null {
  const windowMs = options.stillWritingMs;
  if (windowMs === undefined || file.outsideSource) return null;
  return transferUnderWay(path.basename(file.relativePath), file.mtimeMs, { nowMs, windowMs });
}

/**
 * The run's words for a name that does not parse: a transfer's name no tool is writing to any more is said to be
 * an abandoned transfer (see transferStillUnderWay for one still under way), any other bad name the parser's error.
 */
export function invalidNameMessage(
  file: NamedFile,
  parse: Extract<FilenameParseResult, { ok: false }>,
  options: StillWriting,
  nowMs: number,
): string {
  const abandoned = options.stillWritingMs
    ? abandonedTransfer(path.basename(file.relativePath), file.mtimeMs, nowMs)
    : null;
  return abandoned ?? parse.error.message;
}

/** What a run makes of a file from its name and modification time, before it reads it (see checkDropName). */
export type NameCheck =
  | { ok: true; parse: Extract<FilenameParseResult, { ok: true }> }
  | {
      ok: false;
      outcome: 'still_being_written' | 'invalid_name';
      message: string;
      /** The name's parse; absent for a transfer still under way, which is not parsed. */
      parse?: FilenameParseResult;
    };

/**
 * The run's first look at a file, in its order, with its outcome and words: a transfer still under way is left
 * for the next run (`still_being_written`), then a name that does not parse fails `invalid_name`. Pure but for
 * the clock the caller brings: `ingest --dry-run` and `ingest --enqueue` judge files as the run does.
 */
export function checkDropName(file: NamedFile, options: StillWriting, nowMs: number): NameCheck {
  const underWay = transferStillUnderWay(file, options, nowMs);
  if (underWay) return { ok: false, outcome: 'still_being_written', message: underWay };
  const parse = parseFilename(path.basename(file.relativePath));
  if (parse.ok) return { ok: true, parse };
  return {
    ok: false,
    outcome: 'invalid_name',
    message: invalidNameMessage(file, parse, options, nowMs),
    parse,
  };
}

/** A symlink out of the folder (or to nothing) is never read: the file fails `outside_source`. */
export function refuseOutsideSource(file: CheckedFile): void {
  if (file.outsideSource) {
    throw new FileStageError(
      'outside_source',
      'the file is a symlink whose target is missing or outside the source folder; it was not read',
    );
  }
}

/**
 * The checks a run makes on a file before it is matched — outside the folder, unreadable, too large, empty, no
 * `%PDF-` header — with the outcome and the words the run records, from the file's size, its permissions and its
 * first bytes only (`ingest --dry-run`). Its contents are not read: a damaged or encrypted PDF passes here and
 * fails in the run, at its extraction. Null when the file passes.
 */
export async function checkDropFile(
  file: CheckedFile,
  reader: DropFileReader,
): Promise<FileCheckFailure | null> {
  try {
    refuseOutsideSource(file);
    const { size, head } = await reader.readHead(file.absolutePath, HEADER_WINDOW);
    return checkPdfFile({ filename: file.relativePath, size, head }, { maxFileSize: reader.maxFileSize });
  } catch (error) {
    const failure = unreadableError(error);
    return { outcome: failure.outcome, message: failure.message };
  }
}

/** checkDropFile over many files, a few dozen at a time (see STAT_CONCURRENCY): the failing ones, by relative path. */
export async function checkDropFiles(
  files: readonly CheckedFile[],
  reader: DropFileReader,
): Promise<Map<string, FileCheckFailure>> {
  const failures = new Map<string, FileCheckFailure>();
  for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
    const slice = files.slice(i, i + STAT_CONCURRENCY);
    const checked = await Promise.all(slice.map((file) => checkDropFile(file, reader)));
    checked.forEach((failure, j) => {
      if (failure) failures.set(slice[j]!.relativePath, failure);
    });
  }
  return failures;
}
