import { localTimestampInSpanish } from '../../core/text/local-timestamp.js';

/**
 * What was started, by the noun a sentence names it with: the participle agrees with that noun in Spanish
 * (la ejecución… iniciada, el comando… iniciado). A noun is added here with its word, not patched afterwards.
 */
const STARTED: Readonly<Record<'ejecución' | 'comando', string>> = {
  ejecución: 'iniciada',
  comando: 'iniciado',
};

/**
 * When a lock's holder started, in a Spanish sentence about `what` holds it: `iniciada 05/12/2026 19:20:07`
 * from the English timestamp of the message. A start nobody could read (`unknown`: the holder's row was gone)
 * is the hour that is unknown, `iniciado a una hora desconocida`: «iniciado desconocido» says the command is.
 */
export function startedInSpanish(started: string, what: keyof typeof STARTED): string {
  return `${STARTED[what]} ${started === 'unknown' ? 'a una hora desconocida' : localTimestampInSpanish(started)}`;
}
