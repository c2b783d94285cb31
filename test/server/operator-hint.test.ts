import { describe, expect, it } from 'vitest';
import { operatorHint } from '../../src/server/operator-hint.js';

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

  it('says what to check when the error had no hint', () => {
    expect(operatorHint(undefined)).toMatch(/^check that the service is up and its address/);
  });
});
