import fs from 'node:fs/promises';
import { UsageError } from '../errors.js';

/** The drop folder's real path; a missing folder or a file given for it is a usage error (exit 64) with a hint. */
export async function resolveSourceDir(dir: string): Promise<string> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat)
    throw new UsageError(`the folder '${dir}' does not exist`, 'give the folder that holds the PDFs');
  if (!stat.isDirectory()) {
    throw new UsageError(`'${dir}' is not a folder`, 'give the folder that holds the PDFs, not a file');
  }
  return fs.realpath(dir);
}
