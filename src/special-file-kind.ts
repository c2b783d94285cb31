import type fs from 'node:fs';

/**
 * What an entry that is no regular file nor folder is, in the words of the messages (`a named pipe (FIFO)`):
 * opening one may wait for a writer that never comes, so the drop folder's files, their moves and the
 * registry's path are refused from their stat, before anything opens them.
 */
export function specialFileKind(
  stat: Pick<fs.Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>,
): string {
  return stat.isFIFO()
    ? 'a named pipe (FIFO)'
    : stat.isSocket()
      ? 'a socket'
      : stat.isCharacterDevice() || stat.isBlockDevice()
        ? 'a device'
        : 'a special file';
}
