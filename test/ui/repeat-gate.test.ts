import { describe, expect, it } from 'vitest';
import { RepeatGate } from '../../src/ui/repeat-gate.js';
import { messagesFor } from '../../src/ui/i18n/messages.js';

describe('a recurring warning', () => {
  it('passes once per window and says how many it held back meanwhile', () => {
    let now = 0;
    const gate = new RepeatGate(600_000, () => now);
    expect(gate.pass()).toEqual({ heldBack: 0 });
    for (const at of [2_000, 4_000, 599_999]) {
      now = at;
      expect(gate.pass()).toBeNull();
    }
    now = 600_000;
    expect(gate.pass()).toEqual({ heldBack: 3 });
    now = 600_001;
    expect(gate.pass()).toBeNull();
    now = 1_300_000;
    expect(gate.pass()).toEqual({ heldBack: 1 });
  });

  it('says the count of failures held back in the worker’s warning, in both languages', () => {
    expect(messagesFor('en').worker.queueMaintenanceFailed('read ECONNRESET', 3, 10)).toBe(
      'warning: job queue maintenance failed (3 more failures since the last warning; said once every 10 minutes ' +
        'while it lasts; the worker retries it by itself): read ECONNRESET',
    );
    expect(messagesFor('es').worker.queueMaintenanceFailed('read ECONNRESET', 1, 10)).toBe(
      'aviso: falló el mantenimiento de la cola de tareas (1 falla más desde el último aviso; se avisa una vez ' +
        'cada 10 minutos mientras dure; el proceso de trabajo lo reintenta solo): read ECONNRESET',
    );
  });
});
