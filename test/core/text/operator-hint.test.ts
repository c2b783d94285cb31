import { describe, expect, it } from 'vitest';
import { operatorHint } from '../../../src/core/text/operator-hint.js';
import { translateServeLogText } from '../../../src/ui/i18n/serve-log-es.js';

const MEANWHILE =
  /; the server stays up: its calls answer 503 \(with Retry-After\) until the service is back/;

describe('operatorHint: a backend error’s advice for whoever runs serve', () => {
  it('keeps what to check and drops "run the same command again", whatever the sentence around it', () => {
    for (const [hint, check] of [
      [
        'the server stopped answering (frozen, overloaded, or the network to it dropped); check it, then run the ' +
          'same command again: files not done are taken up then (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)',
        'the server stopped answering (frozen, overloaded, or the network to it dropped); check it (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)',
      ],
      [
        'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
          'run the same command again once it is back: files not done are taken up then',
        'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout)',
      ],
      [
        "Chroma's own log says why; once it is fixed, run the same command again (it finishes what was interrupted)",
        "Chroma's own log says why",
      ],
      [
        "free space on it (df -h '/srv') or move the database to a larger disk; then run the same command again: what it had not finished is done then, and nothing is stored twice",
        "free space on it (df -h '/srv') or move the database to a larger disk",
      ],
      [
        'check that Chroma is running (chroma run --path DIR --port PORT) and --chroma-url / CHROMA_URL',
        'check that Chroma is running (chroma run --path DIR --port PORT) and --chroma-url / CHROMA_URL',
      ],
    ]) {
      const said = operatorHint(hint);
      expect(said.startsWith(`${check}; `), said).toBe(true);
      expect(said).toMatch(MEANWHILE);
      expect(said).not.toMatch(/command/);
    }
  });

  it('reads in Spanish throughout for a Spanish operator, whichever backend it was', () => {
    const again =
      'then run the same command again: what it had not finished is done then, and nothing is stored twice';
    for (const hint of [
      'the server stopped answering (frozen, overloaded, or the network to it dropped); check it, then run the ' +
        'same command again: files not done are taken up then (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)',
      'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
        'run the same command again once it is back: files not done are taken up then',
      "Chroma's own log says why; once it is fixed, run the same command again (it finishes what was interrupted)",
      `free space on it (df -h '/srv') or move the database to a larger disk; ${again}`,
      'close what is writing to it (an sqlite3 shell or a database browser left in a transaction, a backup or ' +
        `copy tool), or wait for a large \`patients import\` to finish; ${again}`,
      `check the disk (dmesg, df -h '/srv') or the share's connection; ${again}`,
      `ask its administrator to free space on the server's data disk; ${again}`,
      'check that Chroma is running (chroma run --path DIR --port PORT) and --chroma-url / CHROMA_URL',
      'check that the server is running and the URL, user and password are right',
      undefined,
    ]) {
      const spanish = translateServeLogText(operatorHint(hint));
      expect(spanish, spanish).not.toMatch(/\b(the|check|server stays|again|and|or)\b/);
      expect(spanish).toMatch(/el servidor sigue en marcha/);
    }
  });

  it('for a worker: what to check, and that it takes its jobs again by itself, in either language', () => {
    const said = operatorHint(
      'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
        'run the same command again once it is back: files not done are taken up then',
      'worker',
    );
    expect(said).toBe(
      'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); the worker ' +
        'stays up: it takes its jobs again by itself once the service is back, with no restart; the files of the ' +
        'jobs it put back are not failed',
    );
    expect(operatorHint(undefined, 'worker')).toMatch(
      /^check that the service is up and its address in the worker's/,
    );
    for (const hint of [said, operatorHint(undefined, 'worker')]) {
      const spanish = translateServeLogText(hint);
      expect(spanish, spanish).not.toMatch(/\b(the|check|worker|again|and|or)\b/);
      expect(spanish).toMatch(/el proceso de trabajo sigue en marcha: retoma sus tareas por sí solo/);
    }
  });

  it('says what to check when the error had no hint', () => {
    expect(operatorHint(undefined)).toMatch(/^check that the service is up and its address/);
  });
});
