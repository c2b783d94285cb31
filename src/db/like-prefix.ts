/**
 * The LIKE pattern of the values that start with `prefix` (ids and hashes as printed, typed back by a person).
 * Prefixes are hex or ids, so LIKE's own wildcards and escape are dropped from it rather than escaped.
 */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, '')}%`;
}
