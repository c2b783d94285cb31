import type { Discovery } from './discover-files.js';

/** A folder of the walk that fails as found, as the run records it (a row of its own, with this outcome and reason). */
export interface FailedFolder {
  relativePath: string;
  outcome: 'unreadable' | 'outside_source';
  message: string;
}

/** The sub-folders a run cannot take (unreadable, or a link out of the folder): failed entries, never silently skipped. */
export function failedFolders(
  discovery: Pick<Discovery, 'unreadableFolders' | 'outsideFolders'>,
): FailedFolder[] {
  return [
    ...discovery.unreadableFolders.map((folder) => ({
      relativePath: folder.relativePath,
      outcome: 'unreadable' as const,
      message:
        `cannot read this folder (${folder.reason}): its files were not looked at; fix its permissions (this ` +
        'account needs to read and enter it: chmod +rx on the folder, or make this account its owner) and run again',
    })),
    ...discovery.outsideFolders.map((relativePath) => ({
      relativePath,
      outcome: 'outside_source' as const,
      message: 'a symlink to a folder outside the source folder: not followed, nothing in it was read',
    })),
  ];
}
