import { checkPdfFile, HEADER_WINDOW, type FileCheckFailure } from '../core/pipeline/check-pdf-file.js';
import { FileStageError } from '../documents/stage-error.js';
import { STAT_CONCURRENCY, type DiscoveredFile } from './discover-files.js';
import { unreadableError, type DropFileReader } from './read-drop-file.js';

type CheckedFile = Pick<DiscoveredFile, 'relativePath' | 'absolutePath' | 'outsideSource'>;

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
