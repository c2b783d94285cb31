/**
 * Folders a NAS, a desktop or an OS keeps beside the files it serves, under names that are not hidden by a
 * leading '.': Synology's thumbnails and recycle bin, QNAP's recycle bin and snapshots, Windows' recycle
 * bin and volume metadata. They hold copies and metadata, never a drop's documents.
 */
const SYSTEM_FOLDERS: ReadonlySet<string> = new Set([
  '@eadir',
  '#recycle',
  '#snapshot',
  '@recycle',
  '@recently-snapshot',
  '$recycle.bin',
  'system volume information',
]);

/** Files Windows keeps in a folder (hidden there by an attribute a share does not carry): not documents. */
const SYSTEM_FILES: ReadonlySet<string> = new Set(['thumbs.db', 'desktop.ini']);

/**
 * Whether an entry of a drop folder is hidden or system metadata, which an ingest skips (counted, named in
 * the summary) unless --include-hidden: a hidden folder (`.snapshot/`, `.Trash-1000/`), a system folder of
 * a NAS (`@eaDir/`, `#recycle/`), and a hidden or system file (`.DS_Store`, `._X.pdf`, `Thumbs.db`). A hidden
 * file named like a PDF (`.3000768077_…_LAB.pdf`) is not skipped: it may be a document hidden by a slip of
 * the keyboard, and the run reports it (invalid_name) until somebody renames it.
 */
export function isSkippedHidden(name: string, kind: 'folder' | 'file'): boolean {
  const lower = name.toLowerCase();
  if (kind === 'folder') return name.startsWith('.') || SYSTEM_FOLDERS.has(lower);
  if (SYSTEM_FILES.has(lower)) return true;
  if (!name.startsWith('.')) return false;
  // macOS's AppleDouble companion of a PDF (`._X.pdf`) is metadata whatever its extension.
  return name.startsWith('._') || !lower.endsWith('.pdf');
}
