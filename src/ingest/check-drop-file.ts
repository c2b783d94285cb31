import fs from 'node:fs/promises';
import path from 'node:path';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { FilenameParseResult } from '../core/filename/types.js';
import { checkPdfFile, HEADER_WINDOW, type FileCheckFailure } from '../core/pipeline/check-pdf-file.js';
import {
  abandonedTransfer,
  EOF_WINDOW,
  endsLikeWholePdf,
  stillBeingWritten,
  transferUnderWay,
} from '../core/pipeline/still-being-written.js';
import { FileStageError } from '../documents/stage-error.js';
import { STAT_CONCURRENCY, type DiscoveredFile } from './discover-files.js';
import { DropFileReader, openWithoutWaiting, unreadableError } from './read-drop-file.js';

type CheckedFile = Pick<DiscoveredFile, 'relativePath' | 'absolutePath' | 'outsideSource'>;
type ListedFile = Pick<
  DiscoveredFile,
  'relativePath' | 'absolutePath' | 'outsideSource' | 'size' | 'mtimeMs'
>;

/** How long a PDF cut short (or empty) and changed moments ago is watched for growth before it is judged as it is. */
export const GROWTH_WATCH_MS = 2_000;
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

/**
 * The files among these that a run would leave for the next one as still being written, with its words: empty or
 * cut short (no `%%EOF` at the end) and changed within --still-writing-seconds, a run watches such a file a moment
 * (GROWTH_WATCH_MS) and leaves it when it has changed since the folder was listed (see FileProcessor.validate).
 * `ingest --enqueue` judges them so before queueing, together: one wait for all of them. A file that did not
 * change is not here: it is judged as it is (an empty one fails `empty_file`, a cut-short one at its extraction).
 */
export async function watchStillBeingWritten(
  files: readonly ListedFile[],
  options: StillWriting,
  nowMs: number,
): Promise<Map<string, string>> {
  const changed = new Map<string, string>();
  const windowMs = options.stillWritingMs;
  if (windowMs === undefined) return changed;
  const watched: { file: ListedFile; found: { size: number; mtimeMs: number } }[] = [];
  for (const file of files) {
    if (file.outsideSource || file.size === null || file.mtimeMs === null) continue;
    const found = { size: file.size, mtimeMs: file.mtimeMs };
    // Only a recent file needs its tail read: the time alone rules the others out.
    if (stillBeingWritten({ before: null, now: found, endsWhole: false }, { nowMs, windowMs }) === null)
      continue;
    if (found.size > 0 && (await endsWhole(file.absolutePath, found.size))) continue;
    watched.push({ file, found });
  }
  if (watched.length === 0) return changed;
  await new Promise((resolve) => setTimeout(resolve, GROWTH_WATCH_MS));
  for (const { file, found } of watched) {
    const now = await fs.stat(file.absolutePath).catch(() => null);
    if (!now) continue;
    const why = stillBeingWritten(
      { before: found, now: { size: now.size, mtimeMs: now.mtimeMs } },
      { nowMs: Date.now(), windowMs },
    );
    if (why) changed.set(file.relativePath, why);
  }
  return changed;
}

/** A file as the run judges it before matching: why the run settles it unmatched, or its name's parse to match. */
export type CheckedBeforeMatching<F> =
  | { file: F; failure: FileCheckFailure; parse?: undefined }
  | { file: F; failure: null; parse: Extract<FilenameParseResult, { ok: true }> };

/**
 * The run's looks at files before matching, in its order, with its outcomes and words: the name (checkDropName),
 * then the size, permissions and first bytes (checkDropFiles), then an empty or cut-short file changed moments ago
 * is watched a moment and left for the next run when it changed meanwhile (watchStillBeingWritten, as
 * FileProcessor.validate does for one file). `ingest --enqueue` settles files so before queueing them, and
 * `ingest --dry-run` plans them so: an empty file a copy has only created is planned as left for the next run, as
 * the run leaves it, not as `empty_file`.
 */
export async function checkBeforeMatching<F extends ListedFile>(
  files: readonly F[],
  options: StillWriting & { maxFileSize: number },
  nowMs = Date.now(),
): Promise<CheckedBeforeMatching<F>[]> {
  const named = files.map((file) => ({ file, name: checkDropName(file, options, nowMs) }));
  const wellNamed = named.filter(({ name }) => name.ok).map(({ file }) => file);
  const checks = await checkDropFiles(wellNamed, new DropFileReader({ maxFileSize: options.maxFileSize }));
  const mayGrow = wellNamed.filter((file) => {
    const check = checks.get(file.relativePath);
    return !check || check.outcome === 'empty_file';
  });
  const underWay = await watchStillBeingWritten(mayGrow, options, nowMs);
  return named.map(({ file, name }) => {
    if (!name.ok) return { file, failure: { outcome: name.outcome, message: name.message } };
    const changing = underWay.get(file.relativePath);
    const failure = changing
      ? { outcome: 'still_being_written' as const, message: changing }
      : checks.get(file.relativePath);
    return failure ? { file, failure } : { file, failure: null, parse: name.parse };
  });
}

/** Whether the file's last KiB holds a `%%EOF`; false when it cannot be read (the run's checks say why). */
async function endsWhole(absolutePath: string, size: number): Promise<boolean> {
  try {
    // A pipe in its place by now is refused (the run's checks say why), never waited on.
    const handle = await openWithoutWaiting(absolutePath);
    try {
      const tail = Buffer.alloc(Math.min(EOF_WINDOW, size));
      const { bytesRead } = await handle.read(tail, 0, tail.length, size - tail.length);
      return endsLikeWholePdf(tail.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
