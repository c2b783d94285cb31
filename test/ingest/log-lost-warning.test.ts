import { afterEach, describe, expect, it, vi } from 'vitest';
import { warnLogLost } from '../../src/ingest/pipeline-logger.js';

function warned(...args: Parameters<typeof warnLogLost>): string {
  let text = '';
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  try {
    warnLogLost(...args);
  } finally {
    write.mockRestore();
  }
  return text;
}

const error = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('the one warning of a log that stopped taking lines', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names a pipe whose reader stopped, and its remedy, in English and Spanish', () => {
    expect(warned('log.pipe', error('EPIPE'))).toBe(
      "warning: cannot write the log 'log.pipe' (the program reading the pipe stopped): going on without it; " +
        "every file's outcome is still recorded in the database (tecsalud-batch status). Start the program that " +
        'reads it again; a SIGHUP reopens the log\n',
    );
    expect(warned('log.pipe', error('EPIPE'), 'es')).toBe(
      "aviso: no se puede escribir la bitácora 'log.pipe' (el programa que lee la tubería se detuvo): se sigue " +
        'sin ella; el resultado de cada archivo queda registrado en la base de datos (tecsalud-batch status). ' +
        'Inicie de nuevo el programa que la lee; una señal SIGHUP vuelve a abrir la bitácora\n',
    );
  });

  it('still says to free space for a full disk', () => {
    expect(warned('/dev/full', error('ENOSPC'))).toMatch(/\(the disk is full\).*Free space there; a SIGHUP/);
    expect(warned('/dev/full', error('ENOSPC'), 'es')).toMatch(
      /\(el disco está lleno\).*Libere espacio allí; una/,
    );
  });
});
