import { checkPdfFile, HEADER_WINDOW, type FileCheckFailure } from '../core/pipeline/check-pdf-file.js';
import { FileStageError } from '../documents/stage-error.js';
import type { DiscoveredFile } from './discover-files.js';
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
