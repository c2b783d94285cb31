import type { BatchStatus } from '../../core/pipeline/statuses.js';

/**
 * A session's statuses in Spanish, worded for «sesión» (feminine), for `status`, `sessions` and the summaries.
 * `finished` is no stored status: a run that ended, when the summary does not say how.
 */
export const ES_SESSION_STATUSES: Record<BatchStatus | 'finished', string> = {
  pending: 'pendiente',
  processing: 'en curso',
  completed: 'completada',
  partially_failed: 'completada con fallos',
  failed: 'fallida',
  interrupted: 'interrumpida',
  finished: 'terminada',
};
