import path from 'node:path';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { ParsedFilename } from '../core/filename/types.js';
import { byRelativePath } from './path-order.js';

/**
 * The files of a run (or of a queued session) that name each expediente, in path order: what decides the name
 * a new patient is created under when several of its files spell it differently (see
 * FileProcessor.nameOfNewPatient). Read from file names alone, before any file is processed, so that the answer
 * does not depend on which file's extraction ends first.
 */
export interface NamesInFolder {
  /** The parsed names of the files naming `expediente`, in path order (code-unit order, as the dry run's). */
  naming(expediente: string): Promise<readonly ParsedFilename[]>;
}

/** The names of these files (those whose name does not parse name nobody). */
export function namesInFolder(files: readonly { relativePath: string }[]): NamesInFolder {
  const byExpediente = new Map<string, ParsedFilename[]>();
  for (const file of [...files].sort(byRelativePath)) {
    const parse = parseFilename(path.posix.basename(file.relativePath));
    if (!parse.ok) continue;
    const named = byExpediente.get(parse.parsed.expediente);
    if (named) named.push(parse.parsed);
    else byExpediente.set(parse.parsed.expediente, [parse.parsed]);
  }
  return { naming: (expediente) => Promise.resolve(byExpediente.get(expediente) ?? []) };
}

/**
 * The same, read once when first asked from `list` (a queued session's registered files, which a worker has
 * not discovered itself): a session no creation needs is never listed.
 */
export function namesListedLater(list: () => Promise<readonly { relativePath: string }[]>): NamesInFolder {
  let names: Promise<NamesInFolder> | null = null;
  return {
    naming: async (expediente) => {
      names ??= list().then(namesInFolder);
      // A failed listing is tried again by the next creation, not remembered.
      names.catch(() => (names = null));
      return (await names).naming(expediente);
    },
  };
}
