import { DEFAULT_SESSION_EXPIRY_MS } from '../../core/uploads/session-expiry.js';
import { parseDuration } from './duration.js';

/**
 * `--session-expiry` over the config file's serve.sessionExpiry: a duration, or off (0, never). One reading
 * for `serve` and `cleanup`, so that a session expires under the same rule whichever of the two gets to it.
 */
export function resolveSessionExpiry(flag: string | undefined, file: string | undefined): number {
  const text = flag ?? file;
  if (text === undefined) return DEFAULT_SESSION_EXPIRY_MS;
  if (/^\s*(off|0)\s*$/i.test(text)) return 0;
  return parseDuration(text, {
    flag: flag === undefined ? 'serve.sessionExpiry' : '--session-expiry',
    example: '24h, 3d or off',
  });
}
