/**
 * A file-system error in plain words, for the codes that mean the same wherever they happen (a log, a config
 * file, a folder); null for the others, whose words depend on what was being done (a missing file, say).
 */
export function fileSystemProblem(error: unknown): string | null {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return "the account's disk quota is used up";
    case 'EFBIG':
      return 'the file is over its size limit';
    case 'EIO':
      return 'the disk or network share failed (I/O error)';
    default:
      return null;
  }
}

/**
 * fileSystemProblem's words, in Spanish, for a disk that refused a write (said where the translation tables do
 * not load: at exit, from the log's stream); null for another code.
 */
export function diskProblemInSpanish(error: unknown): string | null {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOSPC':
      return 'el disco está lleno';
    case 'EDQUOT':
      return 'se agotó la cuota de disco de la cuenta';
    case 'EFBIG':
      return 'el archivo superó su tamaño máximo';
    case 'EIO':
      return 'falló el disco o el recurso de red (error de E/S)';
    default:
      return null;
  }
}
